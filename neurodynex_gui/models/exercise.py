"""What the seed exercise package (neurodynex 2016) takes and draws, in plain numpy.

The seed's ``LIF_Neuron(curr, simtime)``, ``HH_Neuron(curr, simtime)`` and
``NeuronX().run(curr, simtime)`` take a brian2 ``TimedArray`` as ``curr`` and ``simtime`` in
seconds. Here ``curr`` may be a :class:`Current` (what ``neuron_type.get_step_curr`` returns),
a brian2 ``TimedArray`` or current ``Quantity`` (converted, brian2 need not be imported), a
plain array sampled every ``dt`` ms in the exercise's unit (nA for the LIF, uA for
Hodgkin-Huxley, pA for the type I/II neurons), or one number (a constant current). As brian2's
``TimedArray``, a current holds its last value after its end. ``simtime`` is a number of
seconds or a brian2 time ``Quantity``.

The figures (``do_plot=True``) are drawn with matplotlib, an optional dependency (the
``plot`` extra); see :mod:`.exercise_plots`.
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from .params import ParamError

UNITS = {"A": 1.0, "mA": 1e-3, "uA": 1e-6, "nA": 1e-9, "pA": 1e-12}
"""Current units in ampere."""

PLOT_EXTRA = "pip install 'neurodynex-gui[plot]'  (or: pip install matplotlib)"


class Current:
    """A current sampled every ``dt_ms`` (``values`` in ``unit``), held at its last value
    after its end (as brian2's ``TimedArray``)."""

    def __init__(self, values, dt_ms: float, unit: str):
        self.values = np.atleast_1d(np.asarray(values, dtype=float))
        self.dt_ms = float(dt_ms)
        self.unit = unit

    def __repr__(self) -> str:
        return (f"Current({len(self.values)} samples every {self.dt_ms:g} ms, "
                f"{self.values.min():g} to {self.values.max():g} {self.unit})")

    def __len__(self) -> int:
        return len(self.values)

    def at(self, t_ms) -> np.ndarray:
        """The current (in ``unit``) at times ``t_ms``."""
        index = np.floor(np.asarray(t_ms, dtype=float) / self.dt_ms + 1e-9).astype(int)
        return self.values[np.clip(index, 0, len(self.values) - 1)]

    def to(self, unit: str) -> "Current":
        """The same current in another unit (nA, uA, pA, ...)."""
        return Current(self.values * UNITS[self.unit] / UNITS[unit], self.dt_ms, unit)

    def to_timed_array(self):
        """A brian2 ``TimedArray`` of this current (imports brian2)."""
        import brian2 as b2

        return b2.TimedArray(self.values * UNITS[self.unit] * b2.amp, dt=self.dt_ms * b2.ms)


def _dimension(value) -> str | None:
    """The SI dimension of a brian2 quantity ("A", "s", "1"), None for a plain value."""
    dim = getattr(value, "dim", None)
    return None if dim is None else (str(dim) or "1")


def as_current(curr, unit: str, dt_ms: float, limit: float, name: str = "curr") -> Current:
    """``curr`` (see the module) as a :class:`Current` in ``unit``; an array is sampled every
    ``dt_ms``. Refused (ParamError naming ``name``): anything else, non-finite values and
    values beyond ±``limit`` (in ``unit``)."""
    if isinstance(curr, Current):
        current = curr.to(unit)
    elif _dimension(curr) is not None:  # a brian2 TimedArray or Quantity: SI values
        if _dimension(curr) != "A":
            raise ParamError(name, f"must be a current (amp), not a quantity of {curr.dim}")
        values = np.asarray(getattr(curr, "values", curr), dtype=float) / UNITS[unit]
        step = getattr(curr, "dt", None)  # a TimedArray's dt is in seconds
        current = Current(values, dt_ms if step is None else float(step) * 1e3, unit)
    else:
        if isinstance(curr, (str, bytes, dict)) or curr is None:
            raise ParamError(name, f"must be a number, an array sampled every dt or a "
                                   f"TimedArray, not {type(curr).__name__}")
        try:
            values = np.asarray(curr, dtype=float)
        except (TypeError, ValueError):
            raise ParamError(name, "must be a number, an array of numbers sampled every dt "
                                   "or a TimedArray") from None
        if values.ndim > 1:
            raise ParamError(name, f"must be one-dimensional (one value per time step), not "
                                   f"shaped {values.shape}")
        current = Current(values, dt_ms, unit)
    if current.values.size == 0:
        raise ParamError(name, "must hold at least one value")
    if not np.isfinite(current.values).all():
        raise ParamError(name, "must be finite everywhere")
    if np.abs(current.values).max() > limit:
        raise ParamError(name, f"must stay within ±{limit:g} {unit}")
    if not (math.isfinite(current.dt_ms) and current.dt_ms > 0):
        raise ParamError("dt", "must be a positive time step (ms)")
    return current


def simtime_ms(simtime, max_ms: float, min_ms: float, name: str = "simtime") -> float:
    """``simtime`` (seconds, or a brian2 time quantity) in ms, within [min_ms, max_ms]."""
    dim = _dimension(simtime)
    if dim is not None and dim != "s":
        raise ParamError(name, f"must be a time, not a quantity of {simtime.dim}")
    if dim is None and (not isinstance(simtime, numbers.Real) or isinstance(simtime, bool)):
        raise ParamError(name, f"'{str(simtime)[:40]}' is not a number of seconds")
    value = float(np.asarray(simtime)) * 1e3
    if not math.isfinite(value):
        raise ParamError(name, "must be a finite number of seconds")
    if value < min_ms:
        raise ParamError(name, f"must be at least {min_ms / 1e3:g} s (one time step)")
    if value > max_ms:
        raise ParamError(name, f"must be at most {max_ms / 1e3:g} s (simtime is in seconds, "
                               f"as in the exercise package: 0.1 for 100 ms)")
    if dim is None and value >= 1e4:
        warnings.warn(f"{name}={simtime:g} runs for {value / 1e3:g} s: {name} is in seconds, as in "
                      f"the exercise package (0.1 or 100*ms for 100 ms)", UserWarning,
                      stacklevel=4)
    return value


def check_flag(value, name: str) -> bool:
    """A do_plot/show argument: True or False (refuses e.g. a number given by position)."""
    if not isinstance(value, (bool, np.bool_)):
        raise ParamError(name, f"must be True or False, not {str(value)[:40]!r}")
    return bool(value)


def pyplot():
    """matplotlib.pyplot, or None with a warning that says how to install it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        warnings.warn(f"do_plot=True draws with matplotlib, which is not installed: {PLOT_EXTRA}."
                      " The results are returned without a figure.", RuntimeWarning,
                      stacklevel=3)
        return None
    return plt
