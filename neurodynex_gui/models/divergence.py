"""Results that left the range of a physical solution: say so, never return silent NaN.

:func:`divergence` tells why a result diverged (or None): a value that is not finite, or a
potential beyond :data:`BOUNDS`. The scripting API warns with a :class:`DivergenceWarning`
(:func:`warn_if_diverged`); the window can show the same sentence for a finished result.
"""
from __future__ import annotations

import dataclasses
import warnings

import numpy as np

BOUNDS = {"vm_mV": 1000.0, "v_mV": 1000.0, "w_mV": 1000.0}
"""Result fields (by name) and the magnitude no neuron model reaches (mV)."""


class DivergenceWarning(RuntimeWarning):
    """A simulation whose result diverged (the time step or the parameters are too extreme)."""


def divergence(result) -> str | None:
    """Why ``result`` (a result dataclass, a tuple or dict of them, or an array) diverged, or
    None if it did not."""
    for name, values in _arrays(result, "the result"):
        values = np.asarray(values)
        if values.dtype.kind not in "fc" or values.size == 0:
            continue
        if not np.isfinite(values).all():
            share = 1.0 - np.isfinite(values).mean()
            return (f"the simulation diverged: {share:.0%} of {name} is not a finite number "
                    "(use less extreme parameters, or a smaller time step or learning rate)")
        bound = BOUNDS.get(name)
        if bound is not None and np.abs(values).max() > bound:
            return (f"the simulation diverged: {name} reaches {np.abs(values).max():.4g} mV, "
                    f"beyond ±{bound:g} mV (use less extreme parameters or a smaller "
                    "time step)")
    return None


def warn_if_diverged(result, stacklevel: int = 2):
    """``result``, after a DivergenceWarning if it diverged."""
    message = divergence(result)
    if message is not None:
        warnings.warn(message, DivergenceWarning, stacklevel=stacklevel + 1)
    return result


def _arrays(value, name: str):
    """(name, array) of every array inside ``value`` (dataclass fields, tuple items, dicts)."""
    if isinstance(value, np.ndarray):
        yield name, value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            yield from _arrays(getattr(value, field.name), field.name)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _arrays(item, f"{name}[{key!r}]")
    elif isinstance(value, (tuple, list)):
        for index, item in enumerate(value):
            yield from _arrays(item, f"{name}[{index}]")
