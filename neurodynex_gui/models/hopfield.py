"""Hopfield network (book chapter 17.2): the scripting API, with the experiments.

The network, its patterns and parameters live in :mod:`.hopfield_network` and are re-exported
here. Experiments over many independent networks (random patterns, batched matrix products):
:func:`capacity_experiment` (retrieval against P) and :func:`error_correction_experiment`
(retrieval against the flipped fraction); :func:`capacity_sweep` and
:func:`error_correction_sweep` run them for the tab and return a SweepResult.

Example::

    net = HopfieldNetwork(10, seed=1)
    net.make_pattern(P=5)
    result = net.run(t_max=20, mu=0, flip_ratio=0.1)
    result.overlaps[-1, 0]      # 1.0 when pattern 0 was recalled
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Sequence

import numpy as np

from .hopfield_network import (ALPHABET_FORMAT, ALPHABET_PATH, AnimationParams, checkerboard,
                               flip_pixels, grid_to_text, HopfieldNetwork, HopfieldParams,
                               HopfieldRun, KINDS, letter_patterns, load_alphabet,
                               MAX_CACHED_WEIGHT_NEURONS, MODES, PatternIndexError, random_patterns,
                               resample, STARTS, Step, text_to_grid,
                               updates_text)
from .params import Params, checked, param
from .sweep import SweepResult

__all__ = ["ALPHABET_FORMAT", "ALPHABET_PATH", "AnimationParams", "checkerboard", "flip_pixels",
           "grid_to_text", "HopfieldNetwork", "HopfieldParams", "HopfieldRun", "KINDS",
           "letter_patterns", "load_alphabet", "MAX_CACHED_WEIGHT_NEURONS", "MODES",
           "PatternIndexError", "random_patterns", "resample", "STARTS", "Step", "text_to_grid",
           "updates_text",
           "Progress", "BATCH_BYTES", "CAPACITY_LOAD", "CapacityResult", "ErrorCorrectionResult",
           "ExperimentInputs", "final_overlaps", "capacity_experiment",
           "error_correction_experiment", "CapacityInputs", "ErrorCorrectionInputs",
           "capacity_sweep", "error_correction_sweep"]


# ---------------------------------------------------------------------------------- experiments

Progress = Callable[[float, object], None]
BATCH_BYTES = 128 * 2**20  # trials are run in batches whose patterns fit in this many bytes
CAPACITY_LOAD = 0.138  # P/N² where retrieval breaks down (book ch. 17.2; Amit et al. 1985)


@dataclasses.dataclass(frozen=True)
class CapacityResult:
    """Retrieval against the number of stored patterns P in a network of n neurons."""

    n_neurons: int
    P: np.ndarray
    retrieval_rate: np.ndarray  # fraction of trials with final overlap >= min_overlap
    mean_overlap: np.ndarray  # final overlap with the cue pattern, averaged over trials

    @property
    def load(self) -> np.ndarray:
        """P / n, patterns per neuron."""
        return self.P / self.n_neurons


@dataclasses.dataclass(frozen=True)
class ErrorCorrectionResult:
    """Retrieval against the fraction of flipped pixels in the start state."""

    P: int
    flip_ratio: np.ndarray
    retrieval_rate: np.ndarray
    mean_overlap: np.ndarray


@dataclasses.dataclass(frozen=True)
class ExperimentInputs(Params):
    """The pattern count of the experiments, which go beyond the tab's P: up to the capacity
    tool's largest load (0.5 patterns per neuron) of the largest network."""

    P: int = param(1, "stored patterns P", min=1, max=5000, step=1, decimals=0,
                   help="patterns stored in each trial's network")


@checked(ExperimentInputs, HopfieldParams, "CapacityInputs")
def final_overlaps(N: int, P: int, flip_ratio: float, trials: int, *, t_max: int = 20,
                   ratio: float = 0.5, rng=None,
                   should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """Overlap with the cue after synchronous recall, one value per independent trial.

    Each trial stores P fresh random patterns, starts from pattern 0 with round(flip_ratio N²)
    pixels flipped and updates until every trial is at a fixed point or ``t_max`` updates.
    Trials run together in batches of matrix products (at most BATCH_BYTES of patterns each);
    ``should_stop()`` is asked between batches and raises InterruptedError when true.
    """
    rng = np.random.default_rng(rng)
    batch = max(1, BATCH_BYTES // (8 * P * N * N))
    out = []
    for start in range(0, trials, batch):
        if start and should_stop is not None and should_stop():
            raise InterruptedError("stopped")
        out.append(_recall_batch(N, P, flip_ratio, min(batch, trials - start), t_max, ratio, rng))
    return np.concatenate(out)


def _recall_batch(N, P, flip_ratio, trials, t_max, ratio, rng) -> np.ndarray:
    n = N * N
    p = random_patterns(trials * P, N, ratio, rng).reshape(trials, P, n).astype(np.float64)
    s = flip_pixels(p[:, 0, :], flip_ratio, rng)[:, :, None]  # (trials, n, 1)
    pt = p.transpose(0, 2, 1)
    for _ in range(t_max):
        h = pt @ (p @ s) - P * s  # n h, exact integers
        new = np.where(h >= 0, 1.0, -1.0)
        if np.array_equal(new, s):
            break
        s = new
    return (p[:, :1, :] @ s)[:, 0, 0] / n


@checked(ExperimentInputs, HopfieldParams, "CapacityInputs", P_values="P")
def capacity_experiment(N: int, P_values: Sequence[int], trials: int = 20, *,
                        flip_ratio: float = 0.1, min_overlap: float = 1.0, t_max: int = 20,
                        ratio: float = 0.5, on_progress: Progress | None = None,
                        should_stop: Callable[[], bool] | None = None,
                        seed=None) -> CapacityResult:
    """Retrieval rate of an N x N network for each number of patterns in ``P_values``.

    A trial is retrieved when the final overlap with the cue is at least ``min_overlap``
    (default 1: the network returns exactly to the stored pattern). Dynamics is synchronous.
    ``on_progress(fraction_done, partial_result)`` follows each P; when ``should_stop()`` is
    true the points measured so far are returned.
    """
    rng = np.random.default_rng(seed)
    P_values = [int(P) for P in P_values]

    def result(done, overlaps):
        return CapacityResult(N * N, np.array(done), *_rate_and_mean(overlaps, min_overlap))

    return _sweep(P_values, lambda P: final_overlaps(N, P, flip_ratio, trials, t_max=t_max,
                                                      ratio=ratio, rng=rng,
                                                      should_stop=should_stop),
                  result, on_progress, should_stop)


@checked(ExperimentInputs, HopfieldParams, "CapacityInputs",
         flip_ratios="flip_ratio")
def error_correction_experiment(N: int, P: int, flip_ratios: Sequence[float], trials: int = 20,
                                *, min_overlap: float = 1.0, t_max: int = 20, ratio: float = 0.5,
                                on_progress: Progress | None = None,
                                should_stop: Callable[[], bool] | None = None,
                                seed=None) -> ErrorCorrectionResult:
    """Retrieval rate of an N x N network holding P patterns for each start-state flip ratio.

    Same trials, criterion, progress and cancellation as :func:`capacity_experiment`.
    """
    rng = np.random.default_rng(seed)
    flip_ratios = [float(f) for f in flip_ratios]

    def result(done, overlaps):
        return ErrorCorrectionResult(P, np.array(done), *_rate_and_mean(overlaps, min_overlap))

    return _sweep(flip_ratios, lambda f: final_overlaps(N, P, f, trials, t_max=t_max,
                                                         ratio=ratio, rng=rng,
                                                         should_stop=should_stop),
                  result, on_progress, should_stop)


def _sweep(values, measure, result, on_progress, should_stop):
    """``result(values done, their final overlaps)`` after measuring each value in turn until
    done or stopped; ``on_progress`` gets the partial result after each value."""
    overlaps: list[np.ndarray] = []
    for value in values:
        if should_stop is not None and should_stop():
            break
        try:
            overlaps.append(measure(value))
        except InterruptedError:
            break
        if on_progress is not None:
            on_progress(len(overlaps) / len(values), result(values[: len(overlaps)], overlaps))
    return result(values[: len(overlaps)], overlaps)


def _rate_and_mean(overlaps: list[np.ndarray], min_overlap: float) -> tuple[np.ndarray, np.ndarray]:
    m = np.vstack(overlaps) if overlaps else np.empty((0, 1))  # (values, trials)
    return (m >= min_overlap).mean(axis=1), m.mean(axis=1)


# ---------------------------------------------------------------------------------- tab tools

@dataclasses.dataclass(frozen=True)
class CapacityInputs(Params):
    """The capacity experiment of the tab (network size, flips and seed come from the tab)."""

    max_load: float = param(0.3, "largest load P/N²", min=0.01, max=0.5, step=0.01, decimals=2,
                            help="P runs from 1 up to this many patterns per neuron")
    points: int = param(30, "number of P values", min=2, max=100, step=1, decimals=0,
                        help="how many values of P between 1 and the largest load")
    trials: int = param(20, "trials per point", min=1, max=500, step=1, decimals=0,
                        help="independent networks (fresh random patterns) per value")
    min_overlap: float = param(0.95, "retrieved if overlap ≥", min=0.0, max=1.0, step=0.01,
                               decimals=2, help="a trial counts as retrieved when its final "
                                                "overlap with the cue reaches this value")


@dataclasses.dataclass(frozen=True)
class ErrorCorrectionInputs(Params):
    """The error-correction experiment of the tab (N, P, seed come from the tab)."""

    max_flip: float = param(0.5, "largest flipped fraction", min=0.01, max=1.0, step=0.05,
                            decimals=2, help="the flipped fraction runs from 0 to this value")
    points: int = param(26, "number of values", min=2, max=100, step=1, decimals=0,
                        help="how many flipped fractions between 0 and the largest")
    trials: int = param(20, "trials per point", min=1, max=500, step=1, decimals=0,
                        help="independent networks (fresh random patterns) per value")
    min_overlap: float = param(0.95, "retrieved if overlap ≥", min=0.0, max=1.0, step=0.01,
                               decimals=2, help="a trial counts as retrieved when its final "
                                                "overlap with the cue reaches this value")


@checked(CapacityInputs)
def capacity_sweep(params: HopfieldParams, max_load: float = 0.3, points: int = 30,
                   trials: int = 20, min_overlap: float = 0.95, *, on_chunk=None,
                   should_stop=None) -> SweepResult:
    """Capacity for the tab's N, flipped fraction, t_max, ratio and seed with random patterns;
    0.138 N² is marked. ``on_chunk`` gets ``{"fraction": done, "partial": SweepResult}``."""
    n = params.N ** 2
    P_values = np.unique(np.round(np.linspace(1, max(1.0, max_load * n), points)).astype(int))
    result = capacity_experiment(
        params.N, P_values, trials, flip_ratio=params.flip_ratio, min_overlap=min_overlap,
        t_max=params.t_max, ratio=params.ratio, seed=params.seed, should_stop=should_stop,
        on_progress=_chunks(on_chunk, lambda r: _capacity_sweep_result(r, params.N)))
    return _capacity_sweep_result(result, params.N)


@checked(ErrorCorrectionInputs)
def error_correction_sweep(params: HopfieldParams, max_flip: float = 0.5, points: int = 26,
                           trials: int = 20, min_overlap: float = 0.95, *, on_chunk=None,
                           should_stop=None) -> SweepResult:
    """Retrieval against the flipped fraction for the tab's N and P random patterns."""
    result = error_correction_experiment(
        params.N, params.P, np.linspace(0, max_flip, points), trials, min_overlap=min_overlap,
        t_max=params.t_max, ratio=params.ratio, seed=params.seed, should_stop=should_stop,
        on_progress=_chunks(on_chunk, _error_sweep_result))
    return _error_sweep_result(result)


def _chunks(on_chunk, convert) -> Progress | None:
    if on_chunk is None:
        return None
    return lambda fraction, partial: on_chunk({"fraction": fraction, "partial": convert(partial)})


def _capacity_sweep_result(result: CapacityResult, N: int) -> SweepResult:
    limit = CAPACITY_LOAD * N * N
    return SweepResult(result.P.astype(float), _columns(result), "stored patterns P",
                       answer=limit, answer_text=f"0.138 N² = {limit:.4g}")


def _error_sweep_result(result: ErrorCorrectionResult) -> SweepResult:
    return SweepResult(result.flip_ratio, _columns(result), "flipped fraction")


def _columns(result) -> dict[str, np.ndarray]:
    return {"retrieval_rate": result.retrieval_rate, "mean_overlap": result.mean_overlap}
