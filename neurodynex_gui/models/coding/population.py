"""Population coding (Neuronal Dynamics ch. 7.4, 10-11): tuning curves, Poisson spike counts,
the posterior P(s|r) = P(r|s) P(s) / P(r), Bayesian and population-vector decoders, and the
Cramer-Rao bound from the Fisher information.

The stimulus s is an angle (radians) and neuron i has the von Mises tuning curve
f_i(s) = r_min + r_max exp(kappa (cos(s - theta_i) - 1)) (Hz), preferred angles theta_i evenly
spaced; in a window of T ms its count is Poisson with mean f_i(s) T / 1000.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..params import Params, checked, param


SHAPES = ("von Mises", "Gaussian")


@dataclasses.dataclass(frozen=True)
class PopulationParams(Params):
    """The population of the decoding page."""

    n_neurons: int = param(32, "neurons N", min=2, max=2000, step=1,
                           help="preferred angles evenly spaced around the circle")
    rate_max: float = param(30.0, "peak rate r_max", "Hz", min=0.1, max=1000.0, step=5.0,
                            decimals=2)
    r_min: float = param(1.0, "baseline rate r_min", "Hz", min=0.0, max=100.0, step=0.5,
                         decimals=2)
    shape: str = param("von Mises", "tuning curve", choices=SHAPES,
                       help="von Mises: exp(kappa (cos(s - theta) - 1)); Gaussian: "
                            "exp(-d^2 kappa / 2) of the wrapped distance d = s - theta "
                            "(the same width near the peak)")
    kappa: float = param(2.0, "tuning sharpness kappa", min=0.01, max=100.0, step=0.5,
                         decimals=3, help="larger is narrower (Gaussian: sd = 1/sqrt(kappa) "
                                          "rad)")
    count_ms: float = param(200.0, "counting window T", "ms", min=1.0, max=1e5, step=50.0,
                             decimals=1)
    stimulus_deg: float = param(90.0, "shown stimulus s", "deg", min=0.0, max=360.0, step=5.0,
                                decimals=1, help="the stimulus of the trial whose posterior "
                                                 "is drawn")
    trials: int = param(300, "trials per N", min=10, max=100000, step=50,
                        help="decoding error against N: trials with random stimuli")
    seed: int = param(1, "random seed", min=0, max=2 ** 31 - 1, step=1)


def von_mises_tuning(s, preferred, rate_max: float, kappa: float = 2.0,
                     r_min: float = 1.0) -> np.ndarray:
    """Rates (Hz), stimuli x neurons: r_min + rate_max exp(kappa (cos(s - preferred) - 1))."""
    s = np.asarray(s, dtype=float)[..., None]
    return r_min + rate_max * np.exp(kappa * (np.cos(s - np.asarray(preferred)) - 1.0))


GRID = 720  # stimulus values of the posterior (0.5 deg)


def _preferred(n_neurons: int) -> np.ndarray:
    return np.linspace(0, 2 * np.pi, int(n_neurons), endpoint=False)


def _tuning(params: PopulationParams, s) -> np.ndarray:
    """Rates (Hz), stimuli x neurons."""
    return params.r_min + params.rate_max * _bump(params, np.asarray(s, float)[..., None])[0]


def _bump(params: PopulationParams, s):
    """(the tuning bump without baseline and peak rate, its derivative in s) at stimuli s
    (an array with a trailing axis for the neurons)."""
    d = angle_difference(s, _preferred(params.n_neurons))
    if params.shape == "Gaussian":
        bump = np.exp(-0.5 * params.kappa * d ** 2)
        return bump, -params.kappa * d * bump
    bump = np.exp(params.kappa * (np.cos(d) - 1.0))
    return bump, -params.kappa * np.sin(d) * bump


@checked(PopulationParams)
def fisher_information(params: PopulationParams, s=0.0) -> float:
    """J(s) = T sum_i f_i'(s)^2 / f_i(s) (1/rad^2) for Poisson counts in T."""
    bump, slope = _bump(params, float(s))
    bump, slope = params.rate_max * bump, params.rate_max * slope
    return float(params.count_ms / 1000.0 * np.sum(slope ** 2 / (params.r_min + bump)))


def angle_difference(a, b) -> np.ndarray:
    """a - b wrapped to (-pi, pi]."""
    return np.angle(np.exp(1j * (np.asarray(a) - np.asarray(b))))


def log_posterior(tuning_Hz, counts, window_ms: float) -> np.ndarray:
    """log P(s|n) up to a constant, for a flat prior: sum_i n_i log(f_i(s) T) - T sum_i f_i(s).

    ``tuning_Hz``: rates on the stimulus grid (grid x neurons); ``counts``: one trial
    (neurons) or trials x neurons; returns grid values (or trials x grid)."""
    expected = np.asarray(tuning_Hz, dtype=float) * window_ms / 1000.0
    counts = np.asarray(counts, dtype=float)
    return counts @ np.log(expected).T - expected.sum(axis=1)


@checked(PopulationParams, window_ms="count_ms")
def bayes_decode(tuning, counts, window_ms: float = 1000.0, grid=None):
    """The Bayesian (flat prior) decoder: (posterior mean angle per trial, posterior on the
    grid per trial). ``tuning``: rates in Hz on ``grid`` (grid x neurons; ``grid`` defaults
    to GRID angles from 0 to 2 pi) or a PopulationParams; ``counts``: neurons or
    trials x neurons; ``window_ms``: the counting window the counts were taken in."""
    if isinstance(tuning, PopulationParams):
        window_ms = tuning.count_ms
        grid = np.linspace(0, 2 * np.pi, GRID, endpoint=False) if grid is None else grid
        tuning = _tuning_on_grid(tuning, grid)
    tuning = np.asarray(tuning, dtype=float)
    if grid is None:
        grid = np.linspace(0, 2 * np.pi, len(tuning), endpoint=False)
    counts = np.asarray(counts, dtype=float)
    if counts.shape[-1] != tuning.shape[1]:
        raise ValueError(f"counts: {counts.shape[-1]} neurons, the tuning has {tuning.shape[1]}")
    log_p = log_posterior(tuning, counts, window_ms)
    log_p = log_p - log_p.max(axis=-1, keepdims=True)
    posterior = np.exp(log_p)
    posterior /= posterior.sum(axis=-1, keepdims=True)
    estimate = np.mod(np.angle(posterior @ np.exp(1j * np.asarray(grid))), 2 * np.pi)
    return estimate, posterior


def _tuning_on_grid(params: PopulationParams, grid) -> np.ndarray:
    return _tuning(params, grid)


def population_vector(counts, preferred) -> np.ndarray:
    """The population-vector estimate: the angle of sum_i n_i exp(i theta_i)."""
    return np.mod(np.angle(np.asarray(counts, dtype=float) @ np.exp(1j * np.asarray(preferred))),
                  2 * np.pi)


def _sample_counts(params: PopulationParams, s, rng) -> np.ndarray:
    """Poisson counts (trials x neurons) for stimuli ``s``."""
    return rng.poisson(_tuning(params, np.atleast_1d(s)) * params.count_ms / 1000.0)


@dataclasses.dataclass
class DecodingCurve:
    """RMS decoding error (deg) against population size, with the Cramer-Rao bound."""

    n_neurons: np.ndarray
    bayes_deg: np.ndarray
    vector_deg: np.ndarray
    cramer_rao_deg: np.ndarray


@checked(PopulationParams)
def decoding_error(params: PopulationParams = PopulationParams(), sizes=None,
                   trials: int | None = None, seed: int | None = None) -> DecodingCurve:
    """Root-mean-square errors of the Bayesian and population-vector decoders for random
    stimuli, against N (``sizes``; default 4 to params.n_neurons), beside the Cramer-Rao bound
    1 / sqrt(J) of an unbiased estimator."""
    rng = np.random.default_rng(params.seed if seed is None else seed)
    trials = int(trials or params.trials)
    if sizes is None:
        top = max(params.n_neurons, 4)
        sizes = np.unique(np.round(np.geomspace(4, top, 8)).astype(int))
    grid = np.linspace(0, 2 * np.pi, GRID, endpoint=False)
    bayes, vector, bound = [], [], []
    for n in sizes:
        p = dataclasses.replace(params, n_neurons=int(n))
        s = rng.uniform(0, 2 * np.pi, trials)
        counts = _sample_counts(p, s, rng)
        estimate, _ = bayes_decode(_tuning(p, grid), counts, p.count_ms, grid)
        bayes.append(np.sqrt(np.mean(angle_difference(estimate, s) ** 2)))
        pv = population_vector(counts, _preferred(n))
        vector.append(np.sqrt(np.mean(angle_difference(pv, s) ** 2)))
        bound.append(1.0 / np.sqrt(fisher_information(p, 0.0)))
    degrees = 180.0 / np.pi
    return DecodingCurve(np.asarray(sizes), np.array(bayes) * degrees,
                         np.array(vector) * degrees, np.array(bound) * degrees)
