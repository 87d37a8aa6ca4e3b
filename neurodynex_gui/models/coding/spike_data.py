"""Spike data for the Coding tab: one plain object (times in ms, unit ids), the teaching
generators (Poisson, inhomogeneous Poisson, a tuned population with a known stimulus, a place
cell with phase precession) and files (CSV, NPZ, NWB through the optional ``pynwb``).

    from neurodynex_gui.models import coding
    data = coding.poisson_spikes(rate_Hz=20., t_end=1000., n_units=50, seed=1)
    data.times_ms, data.ids, data.t_end_ms
    coding.save_spikes("run.npz", data); coding.load_spikes("run.npz")
"""
from __future__ import annotations

import csv
import dataclasses
import math
from pathlib import Path

import numpy as np

from ..params import Params, checked, param
from .population import PopulationParams, von_mises_tuning
from .rate import RateParams

NWB_MISSING = ("Reading NWB files needs the optional package pynwb "
               "(pip install pynwb, or pip install neurodynex-gui[nwb])")


@dataclasses.dataclass
class SpikeData:
    """Spikes of ``n_units`` units: ``times_ms[k]`` is a spike of unit ``ids[k]``.

    ``t_end_ms``: the length of the recording (ms, from 0). Optional: ``stimulus`` (one value
    per trial, ``trial_ms`` long each, for the information page), ``weights`` (n x n
    connectivity, w[i, j] from j to i, for the circuit page), ``rate_Hz`` (the known rate
    function of a generated train on ``rate_t_ms``), ``source`` (where it came from).
    """

    times_ms: np.ndarray
    ids: np.ndarray
    t_end_ms: float
    n_units: int = 0
    source: str = ""
    stimulus: np.ndarray | None = None
    trial_ms: float = 0.0
    weights: np.ndarray | None = None
    rate_t_ms: np.ndarray | None = None
    rate_Hz: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.times_ms = np.asarray(self.times_ms, dtype=float).ravel()
        self.ids = np.asarray(self.ids, dtype=int).ravel()
        if len(self.times_ms) != len(self.ids):
            raise ValueError(f"ids: {len(self.ids)} ids for {len(self.times_ms)} spike times")
        if len(self.ids) and self.ids.min() < 0:
            raise ValueError("ids: unit ids must be >= 0")
        if not np.all(np.isfinite(self.times_ms)):
            raise ValueError("times_ms: spike times must be finite")
        order = np.lexsort((self.times_ms, self.ids))
        self.times_ms, self.ids = self.times_ms[order], self.ids[order]
        last = float(self.times_ms.max()) if len(self.times_ms) else 0.0
        self.t_end_ms = float(max(self.t_end_ms or 0.0, last))
        if self.t_end_ms <= 0:
            self.t_end_ms = 1.0
        self.n_units = int(max(self.n_units, self.ids.max() + 1 if len(self.ids) else 0, 1))

    def train(self, unit: int) -> np.ndarray:
        """The sorted spike times (ms) of one unit."""
        start, stop = np.searchsorted(self.ids, [unit, unit + 1])
        return self.times_ms[start:stop]

    def trains(self) -> list[np.ndarray]:
        bounds = np.searchsorted(self.ids, np.arange(self.n_units + 1))
        return [self.times_ms[a:b] for a, b in zip(bounds[:-1], bounds[1:])]

    def binned(self, bin_ms: float) -> np.ndarray:
        """Spike counts, units x bins of ``bin_ms`` from 0 to t_end."""
        n_bins = max(1, int(math.ceil(self.t_end_ms / bin_ms - 1e-9)))
        counts = np.zeros((self.n_units, n_bins))
        bins = np.minimum((self.times_ms / bin_ms).astype(int), n_bins - 1)
        np.add.at(counts, (self.ids, bins), 1)
        return counts


def as_spike_data(value, source: str = "") -> SpikeData:
    """A SpikeData of what a tab's ``spike_trains`` hook returned: a SpikeData (kept), or
    ``(times_ms, ids)`` / ``(times_ms, ids, t_end_ms)``."""
    if isinstance(value, SpikeData):
        if source and not value.source:
            value.source = source
        return value
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise ValueError("spikes: expected (times_ms, ids[, t_end_ms]) or a SpikeData")
    t_end = float(value[2]) if len(value) == 3 else 0.0
    return SpikeData(value[0], value[1], t_end, source=source)


@dataclasses.dataclass(frozen=True)
class SourceParams(Params):
    """The built-in generator of the Coding tab (used when no spikes were sent or loaded)."""

    kind: str = param("inhomogeneous", "generator",
                      choices=("poisson", "inhomogeneous", "tuned", "precession"),
                      help="poisson: constant rate; inhomogeneous: rate r0 + r1 sin(2 pi f t); "
                           "tuned: a population with von Mises tuning, one stimulus per trial; "
                           "precession: place cells firing earlier in each theta cycle")
    rate_Hz: float = param(20.0, "rate r0", "Hz", min=0.1, max=500.0, step=1.0, decimals=2,
                           help="mean rate (poisson, inhomogeneous), or peak rate (tuned, "
                                "precession)")
    modulation_Hz: float = param(15.0, "modulation r1", "Hz", min=0.0, max=500.0, step=1.0,
                                 decimals=2, help="amplitude of the rate modulation "
                                                  "(inhomogeneous; the rate is cut at 0)")
    frequency_Hz: float = param(4.0, "frequency f", "Hz", min=0.0, max=200.0, step=0.5,
                                decimals=2, help="inhomogeneous: of the rate (precession: "
                                                 "the tab uses the reference oscillation)")
    n_units: int = param(50, "units", min=1, max=5000, step=1,
                         help="number of independent units (neurons or trials)")
    t_end: float = param(2000.0, "duration", "ms", min=10.0, max=1e6, step=100.0, decimals=1)
    trial_ms: float = param(200.0, "trial length", "ms", min=10.0, max=1e5, step=10.0,
                            decimals=1, help="tuned: each trial shows one stimulus this long")
    coupling: float = param(0.5, "coupling 0 -> 1", min=0.0, max=1.0, step=0.05, decimals=3,
                            help="probability that a spike of unit 0 makes unit 1 fire "
                                 "2 ms later (a known directed link for transfer entropy)")
    seed: int = param(1, "random seed", min=0, max=2 ** 31 - 1, step=1)


def _poisson_times(rng, rate_Hz: float, t_end: float) -> np.ndarray:
    count = rng.poisson(rate_Hz * t_end / 1000.0)
    return np.sort(rng.uniform(0.0, t_end, count))


@checked(SourceParams)
def poisson_spikes(rate_Hz: float = 20.0, t_end: float = 1000.0, n_units: int = 10,
                   seed: int | None = None) -> SpikeData:
    """Independent homogeneous Poisson trains (rate in Hz, times in ms)."""
    rng = np.random.default_rng(seed)
    trains = [_poisson_times(rng, rate_Hz, t_end) for _ in range(n_units)]
    data = _from_trains(trains, t_end, f"Poisson, {rate_Hz:g} Hz")
    data.rate_t_ms = np.array([0.0, t_end])
    data.rate_Hz = np.array([rate_Hz, rate_Hz])
    return data


def _from_trains(trains, t_end, source) -> SpikeData:
    ids = np.concatenate([np.full(len(t), i) for i, t in enumerate(trains)]) if trains else []
    times = np.concatenate(trains) if trains else []
    return SpikeData(times, ids, t_end, n_units=len(trains), source=source)


@checked(SourceParams)
def inhomogeneous_poisson(rate, t_end: float, n_units: int = 1, rate_max: float | None = None,
                          seed: int | None = None) -> SpikeData:
    """Inhomogeneous Poisson trains of a rate function ``rate(t_ms) -> Hz`` (vectorised), by
    thinning a homogeneous process of rate ``rate_max`` (default: the maximum on a fine grid)."""
    grid = np.linspace(0.0, t_end, 20001)
    values = np.asarray(rate(grid), dtype=float)
    if np.any(values < 0) or not np.all(np.isfinite(values)):
        raise ValueError("rate: must be finite and >= 0")
    top = float(rate_max if rate_max is not None else values.max() * 1.05 + 1e-12)
    rng = np.random.default_rng(seed)
    trains = []
    for _ in range(int(n_units)):
        candidates = _poisson_times(rng, top, t_end)
        keep = rng.uniform(0.0, top, len(candidates)) < rate(candidates)
        trains.append(candidates[keep])
    data = _from_trains(trains, t_end, "inhomogeneous Poisson")
    data.rate_t_ms, data.rate_Hz = grid[::20], values[::20]
    return data


@checked(SourceParams, PopulationParams)
def tuned_population(n_units: int, n_trials: int, trial_ms: float, rate_max: float,
                     kappa: float = 2.0, n_stimuli: int = 8, seed: int | None = None
                     ) -> SpikeData:
    """A population with von Mises tuning (preferred angles evenly spaced): trial k shows the
    stimulus s_k (one of ``n_stimuli`` angles, drawn at random) from k trial_ms to (k+1)
    trial_ms, and each neuron fires as a Poisson process of its rate for s_k."""
    if not 1 <= int(n_trials) <= 10 ** 6:
        raise ValueError("n_trials: must be 1 to 10^6")
    if not 1 <= int(n_stimuli) <= 10 ** 4:
        raise ValueError("n_stimuli: must be 1 to 10^4")
    rng = np.random.default_rng(seed)
    preferred = np.linspace(0, 2 * np.pi, n_units, endpoint=False)
    angles = np.linspace(0, 2 * np.pi, n_stimuli, endpoint=False)
    stimulus = angles[rng.integers(0, n_stimuli, n_trials)]
    rates = von_mises_tuning(stimulus, preferred, rate_max, kappa)  # trials x units
    trains = []
    for unit in range(n_units):
        pieces = [k * trial_ms + _poisson_times(rng, rates[k, unit], trial_ms)
                  for k in range(n_trials)]
        trains.append(np.concatenate(pieces) if pieces else np.zeros(0))
    data = _from_trains(trains, n_trials * trial_ms, f"tuned population, {n_stimuli} stimuli")
    data.stimulus, data.trial_ms = stimulus, float(trial_ms)
    return data


@checked(SourceParams, PopulationParams, RateParams)
def place_cells(n_units: int, t_end: float, rate_max: float, theta_Hz: float = 8.0,
                seed: int | None = None) -> SpikeData:
    """Place cells crossed one after the other: unit i fires in a Gaussian field (sd 1.5 theta
    cycles) centred at about (i + 0.5) t_end / n, its rate modulated at 1.1 times the theta
    frequency with the peak at theta phase 180 deg in the field's centre; so its spikes come
    earlier in each theta cycle as the field is crossed (phase precession, about 33 deg per
    cycle)."""
    period = 1000.0 / theta_Hz
    centres = (np.arange(n_units) + 0.5) * t_end / n_units
    centres = (np.round(centres / period - 0.5) + 0.5) * period  # theta phase 180 deg
    width = 1.5 * period
    cell_Hz = 1.1 * theta_Hz
    rng = np.random.default_rng(seed)
    trains = []
    for centre in centres:
        def rate(t, c=centre):
            envelope = np.exp(-0.5 * ((t - c) / width) ** 2)
            return rate_max * envelope * 0.5 * (1 + np.cos(2 * np.pi * cell_Hz * (t - c) / 1e3))
        candidates = _poisson_times(rng, rate_max, t_end)
        trains.append(candidates[rng.uniform(0, rate_max, len(candidates)) < rate(candidates)])
    return _from_trains(trains, t_end, f"place cells, theta {theta_Hz:g} Hz")


def couple(data: SpikeData, source: int, target: int, probability: float,
           delay_ms: float = 2.0, seed: int | None = None) -> SpikeData:
    """A copy where each spike of ``source`` adds a spike to ``target`` ``delay_ms`` later
    with ``probability`` (a known directed interaction)."""
    if probability <= 0 or data.n_units <= max(source, target):
        return data
    rng = np.random.default_rng(seed)
    driven = data.train(source) + delay_ms
    driven = driven[(rng.uniform(size=len(driven)) < probability) & (driven < data.t_end_ms)]
    return dataclasses.replace(data, times_ms=np.concatenate([data.times_ms, driven]),
                               ids=np.concatenate([data.ids, np.full(len(driven), target)]))


@checked(SourceParams)
def generate(params: SourceParams = SourceParams(), theta_Hz: float | None = None) -> SpikeData:
    """The spikes the tab's generator makes for ``params``; place cells ("precession") follow
    a theta rhythm of ``theta_Hz`` (default: params.frequency_Hz)."""
    p = params
    if p.kind == "poisson":
        data = poisson_spikes(p.rate_Hz, p.t_end, p.n_units, seed=p.seed)
    elif p.kind == "inhomogeneous":
        def rate(t):
            wave = np.sin(2 * np.pi * p.frequency_Hz * t / 1e3)
            return np.maximum(p.rate_Hz + p.modulation_Hz * wave, 0.0)
        data = inhomogeneous_poisson(rate, p.t_end, p.n_units, seed=p.seed)
    elif p.kind == "tuned":
        trials = max(1, int(p.t_end // p.trial_ms))
        data = tuned_population(p.n_units, trials, p.trial_ms, p.rate_Hz, seed=p.seed)
    else:
        data = place_cells(p.n_units, p.t_end, p.rate_Hz, theta_Hz or p.frequency_Hz or 8.0,
                           seed=p.seed)
    return couple(data, 0, 1, p.coupling, seed=p.seed + 1)


# ---------------------------------------------------------------- files

def save_spikes(path, data: SpikeData) -> None:
    """Write spikes as CSV (columns time_ms, unit) or NPZ (times_ms, ids, t_end_ms[, stimulus,
    trial_ms, weights]) by the file's suffix; NWB through :func:`save_nwb`."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["time_ms", "unit"])
            writer.writerows(zip(map(repr, data.times_ms.tolist()), data.ids.tolist()))
    elif path.suffix.lower() == ".npz":
        extra = {k: v for k, v in (("stimulus", data.stimulus), ("weights", data.weights))
                 if v is not None}
        np.savez(path, times_ms=data.times_ms, ids=data.ids, t_end_ms=data.t_end_ms,
                 trial_ms=data.trial_ms, **extra)
    elif path.suffix.lower() == ".nwb":
        save_nwb(path, data)
    else:
        raise ValueError(f"path: '{path.suffix}' files are not spike files (.csv, .npz, .nwb)")


def load_spikes(path) -> SpikeData:
    """Read spikes from CSV (two columns: time in ms, unit id; a header line is skipped), NPZ
    (arrays ``times_ms`` and ``ids``; optional ``t_end_ms``, ``stimulus``, ``trial_ms``,
    ``weights``) or NWB (the Units table, through pynwb); raises ValueError on bad content."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".nwb":
        return load_nwb(path)
    if suffix == ".csv":
        rows = []
        with open(path, newline="") as handle:
            for number, row in enumerate(csv.reader(handle)):
                if not row or row[0].strip().startswith("#"):
                    continue
                try:
                    rows.append((float(row[0]), int(float(row[1]))))
                except (ValueError, IndexError):
                    if number == 0 and not rows:
                        continue  # a header
                    raise ValueError(f"{path.name}, line {number + 1}: expected 'time_ms, "
                                     f"unit', got {','.join(row)[:60]!r}") from None
        times, ids = (np.array(c) for c in zip(*rows)) if rows else (np.zeros(0), np.zeros(0))
        return SpikeData(times, ids, 0.0, source=path.name)
    if suffix == ".npz":
        with np.load(path, allow_pickle=False) as arrays:
            names = set(arrays.files)
            if not {"times_ms", "ids"} <= names:
                raise ValueError(f"{path.name}: needs arrays 'times_ms' and 'ids' "
                                 f"(has {', '.join(sorted(names))})")

            def get(name, default=None):
                return arrays[name] if name in names else default
            data = SpikeData(get("times_ms"), get("ids"), float(get("t_end_ms", 0.0)),
                             source=path.name, stimulus=get("stimulus"),
                             trial_ms=float(get("trial_ms", 0.0)), weights=get("weights"))
        return data
    raise ValueError(f"path: '{suffix}' files are not spike files (.csv, .npz, .nwb)")


def _pynwb():
    try:
        import pynwb
    except ImportError as missing:
        raise ImportError(NWB_MISSING) from missing
    return pynwb


def save_nwb(path, data: SpikeData) -> None:
    """Write the spikes as the Units table of an NWB file (times in seconds, as NWB has them)."""
    pynwb = _pynwb()
    from datetime import datetime, timezone

    nwbfile = pynwb.NWBFile(session_description=data.source or "neurodynex-gui spikes",
                            identifier="neurodynex-gui", session_start_time=datetime.now(
                                timezone.utc))
    for train in data.trains():
        nwbfile.add_unit(spike_times=train / 1000.0)
    with pynwb.NWBHDF5IO(str(path), "w") as io:
        io.write(nwbfile)


def load_nwb(path) -> SpikeData:
    """Spikes of the Units table of an NWB file (ms)."""
    pynwb = _pynwb()
    with pynwb.NWBHDF5IO(str(path), "r") as io:
        nwbfile = io.read()
        if nwbfile.units is None:
            raise ValueError(f"{Path(path).name}: has no Units table")
        trains = [np.asarray(nwbfile.units.get_unit_spike_times(i), dtype=float) * 1000.0
                  for i in range(len(nwbfile.units))]
    return _from_trains(trains, 0.0, Path(path).name)
