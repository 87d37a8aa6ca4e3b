"""Presynaptic spike trains for the synapse models: regular, Poisson, a burst followed by a
recovery probe, or times typed by the user."""
from __future__ import annotations

import dataclasses
import re

import numpy as np

from .params import ParamError, Params, checked, param

__all__ = ["TrainParams", "TRAIN_KINDS", "MAX_SPIKES", "spike_train", "parse_spike_times",
           "on_grid"]

TRAIN_KINDS = ("regular", "poisson", "burst + probe", "typed")
MAX_SPIKES = 4000
"""The most presynaptic spikes one run takes (the compiled model holds a table this long)."""


@dataclasses.dataclass(frozen=True)
class TrainParams(Params):
    """Which presynaptic spikes arrive, and when."""

    kind: str = param("regular", "spike train", choices=TRAIN_KINDS,
                      help="regular at a rate; Poisson at a rate until the end of the run; a "
                           "regular burst and one probe spike after a delay; or typed times")
    rate_Hz: float = param(20.0, "rate", "Hz", min=0.1, max=1000.0, step=5.0, decimals=2,
                           help="rate of the regular, Poisson and burst trains")
    n_spikes: int = param(10, "spikes in the train/burst", min=1, max=MAX_SPIKES, step=1,
                          help="number of regular spikes (the Poisson train runs to the end)")
    t_start: float = param(10.0, "first spike at", "ms", min=0.0, max=1e5, step=10.0,
                           decimals=2, help="time of the first spike (Poisson: start)")
    probe_delay: float = param(300.0, "probe delay", "ms", min=0.1, max=1e5, step=50.0,
                               decimals=2, help="burst + probe: the probe spike comes this "
                                                "long after the burst's last spike")
    seed: int = param(1, "random seed", min=0, max=2**31 - 1, step=1,
                      help="seed of the Poisson train (the same seed, the same train)")


def parse_spike_times(text: str) -> np.ndarray:
    """Times in ms from text (numbers separated by commas, spaces, semicolons or lines),
    sorted; ValueError naming what is wrong."""
    items = [item for item in re.split(r"[\s,;]+", text.strip()) if item]
    times = []
    for item in items:
        try:
            value = float(item)
        except ValueError:
            raise ParamError("spike_times_ms", f"'{item[:20]}' is not a number") from None
        if not np.isfinite(value) or value < 0:
            raise ParamError("spike_times_ms", f"{item[:20]} is not a time >= 0 ms")
        times.append(value)
    if len(times) > MAX_SPIKES:
        raise ParamError("spike_times_ms", f"at most {MAX_SPIKES} spikes")
    return np.sort(np.array(times, dtype=float))


@checked(TrainParams, spike_times_ms=None)
def spike_train(train: TrainParams = TrainParams(), tend: float = 500.0,
                spike_times_ms=None) -> np.ndarray:
    """The presynaptic spike times (ms) of ``train`` before ``tend`` (typed: ``spike_times_ms``)."""
    period = 1000.0 / train.rate_Hz
    if train.kind == "regular":
        times = train.t_start + period * np.arange(train.n_spikes)
    elif train.kind == "burst + probe":
        burst = train.t_start + period * np.arange(train.n_spikes)
        times = np.append(burst, burst[-1] + train.probe_delay)
    elif train.kind == "poisson":
        rng = np.random.default_rng(train.seed)
        span = max(tend - train.t_start, 0.0)
        count = rng.poisson(span * train.rate_Hz / 1000.0)
        times = np.sort(train.t_start + rng.uniform(0.0, span, count))
    else:
        times = (np.sort(np.asarray(spike_times_ms, dtype=float).ravel())
                 if spike_times_ms is not None else np.zeros(0))
    times = times[times < tend]
    if len(times) > MAX_SPIKES:
        raise ParamError("train", f"{len(times)} spikes: at most {MAX_SPIKES} in one run "
                                  "(lower the rate or shorten the run)")
    return times


def on_grid(times_ms: np.ndarray, dt_ms: float) -> np.ndarray:
    """Spike steps on the time grid: rounded to the nearest step, at least step 1, and one
    step apart (a spike that would share a step with the one before moves to the next)."""
    steps = np.maximum(np.rint(np.asarray(times_ms, dtype=float) / dt_ms).astype(np.int64), 1)
    for k in range(1, len(steps)):
        if steps[k] <= steps[k - 1]:
            steps[k] = steps[k - 1] + 1
    return steps
