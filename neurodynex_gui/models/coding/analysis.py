"""One analysis of the Coding tab: spikes (generated, sent from another tab, or loaded) through
every page - rate, variability, temporal code, population decoding, information, circuit."""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..params import checked
from . import circuit as cc
from . import information as info
from . import population as pop
from . import rate as rt
from .spike_data import SourceParams, SpikeData, generate

RASTER_UNITS = 200   # units drawn in the raster at most
GRAPH_NODES = 120    # nodes drawn in the graph at most
SPECTRUM_BIN_MS = 1.0  # bins of the population activity whose spectrum is drawn
N_STIMULI = 8        # stimuli of the information page's model population


@dataclasses.dataclass
class CodingResult:
    """Everything the pages draw; times in ms, rates in Hz, information in bits, angles in
    degrees where named so."""

    data: SpikeData
    psth_t_ms: np.ndarray
    psth_Hz: np.ndarray
    sliding_t_ms: np.ndarray
    sliding_Hz: np.ndarray
    isi_edges_ms: np.ndarray
    isi_counts: np.ndarray
    cv: float
    fano_windows_ms: np.ndarray
    fano: np.ndarray
    spectrum_f_Hz: np.ndarray
    spectrum: np.ndarray
    phase_t_ms: np.ndarray
    phase_rad: np.ndarray
    phase_ids: np.ndarray
    theta_Hz: float
    tuning_deg: np.ndarray
    tuning_Hz: np.ndarray
    posterior: np.ndarray
    trial_counts: np.ndarray
    stimulus_deg: float
    estimate_deg: float
    decoding: pop.DecodingCurve
    info_curve: info.InformationCurve
    info_bits: float
    capacity_bits: float
    info_source: str
    te_labels: list
    te_bits: np.ndarray
    te_null_95: np.ndarray
    te_p: np.ndarray
    graph: np.ndarray
    connectivity: dict
    window_ms: float
    count_ms: float = 200.0
    completed: bool = True

    @property
    def efficiency(self) -> float:
        return self.info_bits / self.capacity_bits if self.capacity_bits > 0 else math.nan

    def summary(self) -> str:
        d = self.data
        rate = len(d.times_ms) / d.n_units / d.t_end_ms * 1e3
        return (f"{d.source or 'spikes'}: {len(d.times_ms)} spikes of {d.n_units} units in "
                f"{d.t_end_ms:g} ms, {rate:.2f} Hz per unit, CV {self.cv:.3f}")


@checked(rt.RateParams)
def rate_part(data: SpikeData, window_ms: float) -> tuple:
    """PSTH and sliding-window rate (per unit) of ``data`` for the window ``window_ms``."""
    t, r = rt.psth(data.times_ms, data.t_end_ms, window_ms, n=data.n_units)
    ts, rs = rt.sliding_rate(data.times_ms, data.t_end_ms, window_ms, n=data.n_units)
    return t, r, ts, rs


def _information(data: SpikeData, population, information, rng):
    """(curve, I, C, what was measured): stimulus against the count of unit 0 in each trial
    when the data has a stimulus, else the model population's neuron 0 for N_STIMULI angles."""
    if data.stimulus is not None and data.trial_ms > 0:
        s = np.asarray(data.stimulus)
        r = data.binned(data.trial_ms)[0, :len(s)]
        s = s[:len(r)]
        what = f"stimulus vs. the count of unit 0 in {len(s)} trials of {data.trial_ms:g} ms"
    else:
        angles = np.linspace(0, 2 * np.pi, N_STIMULI, endpoint=False)
        s = angles[rng.integers(0, N_STIMULI, population.trials)]
        r = pop._sample_counts(population, s, rng)[:, 0]
        what = (f"model population: {N_STIMULI} angles vs. the count of neuron 0 in "
                f"{population.trials} trials of {population.count_ms:g} ms")
    curve = info.information_vs_trials(s, r, information.correction, seed=information.seed)
    value, capacity, _ = info.coding_efficiency(s, r, information.correction)
    return curve, value, capacity, what


def _transfer(data: SpikeData, information):
    units = min(information.pairs, data.n_units)
    bins = np.minimum(data.binned(information.bin_ms), 1).astype(int)
    labels, values, null, p = [], [], [], []
    for i in range(units):
        for j in range(units):
            if i == j:
                continue
            test = info.transfer_entropy_test(bins[i], bins[j], information.lag,
                                              information.surrogates,
                                              seed=information.seed + 7 * i + j)
            labels.append(f"{i}→{j}")
            values.append(test.value)
            null.append(test.surrogate_95)
            p.append(test.p_value)
    return labels, np.array(values), np.array(null), np.array(p)


@checked()
def analyse(source: SourceParams = SourceParams(), rate: rt.RateParams = rt.RateParams(),
            population: pop.PopulationParams = pop.PopulationParams(),
            information: info.InformationParams = info.InformationParams(),
            circuit: cc.CircuitParams = cc.CircuitParams(), data: SpikeData | None = None,
            weights=None, on_chunk=None, should_stop=None) -> CodingResult:
    """Analyse ``data`` (default: the spikes ``source`` generates) with every page's method;
    the circuit is ``weights`` (w[i, j] from j to i), else the data's, else a random graph."""
    data = generate(source, theta_Hz=rate.theta_Hz) if data is None else data
    rng = np.random.default_rng(population.seed)
    window = rate.window_ms
    t, r, ts, rs = rate_part(data, window)
    trains = data.trains()
    intervals = rt.isis(trains)
    top = np.quantile(intervals, 0.99) if len(intervals) else 1.0
    isi_counts, isi_edges = np.histogram(intervals, rate.isi_bins, (0.0, max(top, 1e-6)))
    longest = min(rate.fano_max_ms, data.t_end_ms / 2)
    windows = np.linspace(longest / 20, longest, 20)
    fano = rt.fano_curve(trains, data.t_end_ms, windows)
    frequencies, spectrum = rt.power_spectrum(data.times_ms, data.t_end_ms, SPECTRUM_BIN_MS,
                                              data.n_units)
    phases = rt.spike_phases(data.times_ms, rate.theta_Hz)
    # population
    grid = np.linspace(0, 2 * np.pi, pop.GRID, endpoint=False)
    tuning = pop._tuning(population, grid)
    s = np.deg2rad(population.stimulus_deg)
    counts = pop._sample_counts(population, s, rng)[0]
    estimate, posterior = pop.bayes_decode(tuning, counts, population.count_ms, grid)
    decoding = pop.decoding_error(population)
    # information
    curve, value, capacity, what = _information(data, population, information, rng)
    labels, te, null, p = _transfer(data, information)
    # circuit
    if weights is not None or data.weights is not None:
        graph = cc.adjacency(weights if weights is not None else data.weights)
    else:
        graph = cc.random_graph(circuit.n_nodes, circuit.p, circuit.reciprocity,
                                seed=circuit.seed)
    return CodingResult(
        data, t, r, ts, rs, isi_edges, isi_counts, rt.cv(trains), windows, fano,
        frequencies[1:], spectrum[1:],
        data.times_ms, phases, data.ids, rate.theta_Hz, np.rad2deg(grid), tuning, posterior,
        counts, population.stimulus_deg, float(np.rad2deg(estimate)), decoding, curve, value,
        capacity, what, labels, te, null, p, graph, cc.connectivity(graph), window,
        population.count_ms)
