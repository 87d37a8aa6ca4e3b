"""Spike times and rates from sampled traces."""
from __future__ import annotations

import numpy as np


def get_spiketimes(t, v, v_th, do_plot=False) -> np.ndarray:
    """Times at which ``v`` crosses ``v_th`` upwards (t in the units of ``t``)."""
    v = np.asarray(v, dtype=float)
    above = v >= v_th
    crossings = np.flatnonzero(~above[:-1] & above[1:]) + 1
    return np.asarray(t, dtype=float)[crossings]


def rate_from_isi(spike_times_ms) -> float:
    """Rate (Hz) from the mean inter-spike interval; 0 for fewer than two spikes."""
    times = np.asarray(spike_times_ms, dtype=float)
    if len(times) < 2:
        return 0.0
    return 1000.0 / float(np.mean(np.diff(times)))
