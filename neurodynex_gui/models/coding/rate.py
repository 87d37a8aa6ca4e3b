"""Rate and temporal codes (Neuronal Dynamics ch. 7): PSTH, sliding-window rate, inter-spike
intervals, coefficient of variation, Fano factor, and the phase of spikes in a reference
oscillation.

All times in ms, rates in Hz. ``times`` is one array of spike times (of one unit, or pooled
over ``n`` units or trials: the rate is then per unit).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..params import Params, checked, param


@dataclasses.dataclass(frozen=True)
class RateParams(Params):
    """How the Coding tab measures rates and variability."""

    window_ms: float = param(50.0, "rate window dt", "ms", min=0.1, max=10000.0, step=5.0,
                             decimals=2, help="bin of the PSTH and width of the sliding "
                                              "window: r(t) = spikes in dt / (n dt)")
    isi_bins: int = param(40, "ISI histogram bins", min=5, max=500, step=5)
    fano_max_ms: float = param(500.0, "longest Fano window", "ms", min=1.0, max=1e5,
                               step=50.0, decimals=1, help="the Fano factor is computed for "
                                                           "counting windows up to this long")
    theta_Hz: float = param(8.0, "reference oscillation", "Hz", min=0.01, max=500.0, step=0.5,
                            decimals=2, help="temporal code: spike phases are measured in "
                                             "cycles of this frequency (from t = 0)")


def _times(times) -> np.ndarray:
    times = np.asarray(times, dtype=float).ravel()
    if not np.all(np.isfinite(times)):
        raise ValueError("times: spike times must be finite")
    return times


@checked(RateParams, window_ms="window_ms")
def psth(times, t_end: float, window_ms: float = 50.0, n: int = 1) -> tuple[np.ndarray,
                                                                           np.ndarray]:
    """Peri-stimulus time histogram: (bin centres in ms, rate in Hz per unit), bins of
    ``window_ms`` from 0 to ``t_end``, r = count / (n window)."""
    times = _times(times)
    if not t_end > 0 or not math.isfinite(t_end):
        raise ValueError("t_end: must be a positive number of ms")
    if int(n) < 1:
        raise ValueError("n: must be at least 1")
    n_bins = max(1, int(math.ceil(t_end / window_ms - 1e-9)))
    edges = np.arange(n_bins + 1) * window_ms
    counts, _ = np.histogram(times, edges)
    return 0.5 * (edges[:-1] + edges[1:]), counts / (int(n) * window_ms / 1000.0)


@checked(RateParams, window_ms="window_ms")
def sliding_rate(times, t_end: float, window_ms: float = 50.0, n: int = 1,
                 step_ms: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The rate in a window of ``window_ms`` centred on each time t (every ``step_ms``,
    default window / 10): r(t) = spikes in [t - dt/2, t + dt/2) / (n dt), in Hz."""
    times = np.sort(_times(times))
    if not t_end > 0 or not math.isfinite(t_end):
        raise ValueError("t_end: must be a positive number of ms")
    step = step_ms or max(window_ms / 10.0, t_end / 5000.0)
    t = np.arange(0.0, t_end + 1e-9, step)
    counts = (np.searchsorted(times, t + window_ms / 2) - np.searchsorted(times, t - window_ms / 2))
    return t, counts / (max(int(n), 1) * window_ms / 1000.0)


def isis(trains) -> np.ndarray:
    """All inter-spike intervals (ms) of a list of spike trains (each sorted)."""
    pieces = [np.diff(np.sort(np.asarray(t, dtype=float))) for t in trains]
    return np.concatenate(pieces) if pieces else np.zeros(0)


def cv(trains) -> float:
    """Coefficient of variation of the intervals, std / mean (1 for Poisson); the intervals of
    all trains are pooled (NaN below two intervals)."""
    intervals = isis(trains)
    if len(intervals) < 2 or intervals.mean() <= 0:
        return math.nan
    return float(intervals.std() / intervals.mean())


def fano_factor(counts) -> float:
    """var / mean of spike counts (1 for Poisson; the unbiased variance); NaN if the mean is
    0 or there are fewer than two counts."""
    counts = np.asarray(counts, dtype=float).ravel()
    mean = counts.mean() if counts.size > 1 else 0.0
    return float(counts.var(ddof=1) / mean) if mean > 0 else math.nan


def fano_curve(trains, t_end: float, windows_ms) -> np.ndarray:
    """The Fano factor against counting window T: for each unit, the counts in consecutive
    windows of T from 0 to t_end (the incomplete last one dropped), var / mean; the mean over
    units that fired. With a time-varying rate F(T) grows above 1 once T spans the
    modulation, a Poisson train stays at 1."""
    trains = [np.asarray(t, dtype=float).ravel() for t in trains]
    times = np.concatenate(trains) if trains else np.zeros(0)
    ids = np.repeat(np.arange(len(trains)), [len(t) for t in trains])
    result = []
    for window in np.asarray(windows_ms, dtype=float):
        n_windows = int(t_end // window)
        if n_windows < 2 or not trains:
            result.append(math.nan)
            continue
        index = np.floor(times / window).astype(int)
        inside = (index >= 0) & (index < n_windows)
        counts = np.bincount(ids[inside] * n_windows + index[inside],
                             minlength=len(trains) * n_windows).reshape(len(trains), n_windows)
        mean = counts.mean(axis=1)
        fired = mean > 0
        values = counts[fired].var(axis=1, ddof=1) / mean[fired]
        result.append(float(values.mean()) if len(values) else math.nan)
    return np.array(result)


def spike_phases(times, reference) -> np.ndarray:
    """The phase (radians, 0 to 2 pi) of each spike in the reference cycle it falls in, the
    note's phi(t) = 2 pi (t - t_k) / (t_{k+1} - t_k) with t_k the reference times around t.

    ``reference``: the cycle starts t_k (ms, e.g. the peaks of the theta rhythm), or a number:
    the frequency in Hz of an oscillation starting at t = 0. Spikes outside the reference
    cycles get NaN."""
    times = _times(times)
    if np.ndim(reference) == 0:
        frequency = float(reference)
        if not frequency > 0 or not math.isfinite(frequency):
            raise ValueError("reference: a frequency must be > 0 Hz")
        period = 1000.0 / frequency
        return 2 * np.pi * np.mod(times, period) / period
    marks = np.sort(_times(reference))
    k = np.searchsorted(marks, times, side="right") - 1
    inside = (k >= 0) & (k < len(marks) - 1)
    phases = np.full(len(times), np.nan)
    start, stop = marks[k[inside]], marks[k[inside] + 1]
    phases[inside] = 2 * np.pi * (times[inside] - start) / (stop - start)
    return phases


@checked(RateParams, bin_ms="window_ms")
def power_spectrum(times, t_end: float, bin_ms: float = 1.0, n: int = 1
                   ) -> tuple[np.ndarray, np.ndarray]:
    """The power spectrum of the population activity A(t) (Hz per unit, in bins of
    ``bin_ms``): (frequencies in Hz from 0 to the Nyquist frequency, |FFT(A - mean A)|^2 dt / T
    in Hz^2/Hz). For Poisson spikes it is flat at the rate per unit divided by n."""
    t, rate = psth(times, t_end, bin_ms, n)
    dt = bin_ms / 1000.0
    centred = rate - rate.mean()
    power = np.abs(np.fft.rfft(centred)) ** 2 * dt / len(rate)
    return np.fft.rfftfreq(len(rate), dt), power
