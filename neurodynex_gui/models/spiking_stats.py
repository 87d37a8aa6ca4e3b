"""Readouts of a spiking network: rate, ISI CV, Fano factor, synchrony, power spectrum.

Plain numpy on spike times (ms) and neuron indices; no brian2. Definitions:

- ISI CV: the standard deviation of a neuron's inter-spike intervals over their mean, averaged
  over neurons with at least three spikes (1 for a Poisson process, 0 for a clock).
- Fano factor: the variance over the mean of a neuron's spike count in ``fano_window_ms``
  windows, averaged over neurons that fire (1 for Poisson).
- Synchrony chi (Golomb 2007) on spike counts in 1 ms bins: chi^2 = Var_t(mean_i
  n_i(t)) / mean_i Var_t(n_i(t)); about 1/sqrt(N) for independent neurons, 1 for identical ones.
- Power spectrum of the population activity (mean removed), Welch's method.
"""
from __future__ import annotations

import dataclasses

import numpy as np

__all__ = ["SpikeStatistics", "spike_statistics", "isi_cv", "fano_factor", "synchrony",
           "power_spectrum"]


@dataclasses.dataclass
class SpikeStatistics:
    mean_rate_Hz: float
    cv_isi: float
    fano_factor: float
    synchrony: float
    freq_Hz: np.ndarray
    power: np.ndarray
    peak_Hz: float
    transient_ms: float

    def text(self) -> str:
        def shown(x, digits=2):
            return "n/a" if not np.isfinite(x) else f"{x:.{digits}f}"
        peak = f", spectrum peak {self.peak_Hz:.0f} Hz" if np.isfinite(self.peak_Hz) else ""
        return (f"mean rate {shown(self.mean_rate_Hz, 1)} Hz, ISI CV {shown(self.cv_isi)}, "
                f"Fano factor {shown(self.fano_factor)}, synchrony chi "
                f"{shown(self.synchrony)}{peak} (after {self.transient_ms:g} ms)")


def _trains(spike_t_ms, spike_i, n):
    order = np.lexsort((spike_t_ms, spike_i))
    t, i = np.asarray(spike_t_ms)[order], np.asarray(spike_i)[order]
    bounds = np.searchsorted(i, np.arange(n + 1))
    return [t[bounds[k]:bounds[k + 1]] for k in range(n)]


def isi_cv(spike_t_ms, spike_i, n: int) -> float:
    """Mean over neurons (with >= 3 spikes) of std(ISI) / mean(ISI); NaN if none."""
    cvs = []
    for train in _trains(spike_t_ms, spike_i, n):
        if len(train) >= 3:
            isi = np.diff(train)
            if isi.mean() > 0:
                cvs.append(isi.std() / isi.mean())
    return float(np.mean(cvs)) if cvs else float("nan")


def _counts(spike_t_ms, spike_i, n, start_ms, end_ms, bin_ms):
    edges = np.arange(start_ms, end_ms + 1e-9, bin_ms)
    if len(edges) < 3:
        return np.zeros((n, 0))
    counts, _, _ = np.histogram2d(spike_i, spike_t_ms, bins=(np.arange(n + 1) - 0.5, edges))
    return counts


def fano_factor(spike_t_ms, spike_i, n, start_ms, end_ms, window_ms=50.0) -> float:
    counts = _counts(spike_t_ms, spike_i, n, start_ms, end_ms, window_ms)
    if counts.shape[1] < 2:
        return float("nan")
    mean = counts.mean(axis=1)
    firing = mean > 0
    if not firing.any():
        return float("nan")
    return float(np.mean(counts[firing].var(axis=1) / mean[firing]))


def synchrony(spike_t_ms, spike_i, n, start_ms, end_ms, bin_ms=1.0) -> float:
    counts = _counts(spike_t_ms, spike_i, n, start_ms, end_ms, bin_ms)
    if counts.shape[1] < 2:
        return float("nan")
    individual = counts.var(axis=1).mean()
    if individual <= 0:
        return float("nan")
    return float(np.sqrt(counts.mean(axis=0).var() / individual))


def power_spectrum(t_ms, rate_Hz, start_ms=0.0, bin_ms=1.0):
    """(frequency Hz, power (Hz^2/Hz)) of the activity after ``start_ms``, in ``bin_ms`` bins."""
    t_ms, rate_Hz = np.asarray(t_ms), np.asarray(rate_Hz)
    keep = t_ms >= start_ms
    t_ms, rate_Hz = t_ms[keep], rate_Hz[keep]
    if len(t_ms) < 4:
        return np.zeros(0), np.zeros(0)
    dt = float(t_ms[1] - t_ms[0])
    per_bin = max(1, int(round(bin_ms / dt)))
    usable = len(rate_Hz) // per_bin * per_bin
    if usable < 8 * per_bin:
        return np.zeros(0), np.zeros(0)
    binned = rate_Hz[:usable].reshape(-1, per_bin).mean(axis=1)
    binned = binned - binned.mean()
    fs = 1000.0 / (per_bin * dt)
    segment = min(len(binned), 128)
    step = segment // 2
    window = np.hanning(segment)
    spectra = [np.abs(np.fft.rfft(binned[s:s + segment] * window)) ** 2
               for s in range(0, len(binned) - segment + 1, step)]
    power = np.mean(spectra, axis=0) / (fs * (window ** 2).sum())
    power[1:-1] *= 2  # one-sided
    return np.fft.rfftfreq(segment, 1.0 / fs), power


def spike_statistics(spike_t_ms, spike_i, n, t_ms, rate_Hz, end_ms,
                     transient_ms=100.0) -> SpikeStatistics:
    """All readouts of one run, from ``transient_ms`` to ``end_ms``."""
    spike_t_ms, spike_i = np.asarray(spike_t_ms, float), np.asarray(spike_i, int)
    late = spike_t_ms >= transient_ms
    t, i = spike_t_ms[late], spike_i[late]
    span = max(end_ms - transient_ms, 1e-9)
    t_ms, rate_Hz = np.asarray(t_ms), np.asarray(rate_Hz)
    steady = t_ms >= transient_ms
    mean_rate = float(rate_Hz[steady].mean()) if steady.any() else 1000.0 * len(t) / span / n
    freq, power = power_spectrum(t_ms, rate_Hz, transient_ms)
    peak = float(freq[1:][np.argmax(power[1:])]) if len(freq) > 2 and power[1:].max() > 0 \
        else float("nan")
    return SpikeStatistics(mean_rate, isi_cv(t, i, n),
                           fano_factor(t, i, n, transient_ms, end_ms),
                           synchrony(t, i, n, transient_ms, end_ms), freq, power, peak,
                           transient_ms)
