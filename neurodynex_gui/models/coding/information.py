"""Information theory of spike trains (the note's "Information Theory"): the mutual information
I(S;R) with the plug-in estimate and two bias corrections, the channel capacity (Blahut-
Arimoto) and the coding efficiency eta = I(S;R) / C, and the transfer entropy T_{X->Y} with a
surrogate test. Everything in bits.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..params import Params, checked, param

CORRECTIONS = ("none", "shuffle", "panzeri-treves")


@dataclasses.dataclass(frozen=True)
class InformationParams(Params):
    """The estimators of the information page."""

    correction: str = param("panzeri-treves", "bias correction", choices=CORRECTIONS,
                            help="the plug-in estimate of I(S;R) is biased upwards with few "
                                 "trials: subtract the Panzeri-Treves first-order bias, or the "
                                 "mean information of shuffled data")
    shuffles: int = param(20, "shuffles", min=1, max=10000, step=10,
                          help="shuffle correction: shuffled copies averaged")
    bin_ms: float = param(2.0, "transfer-entropy bin", "ms", min=0.1, max=1000.0, step=1.0,
                          decimals=2, help="spike trains are binned (0/1) at this width")
    lag: int = param(1, "lag (bins)", min=1, max=1000, step=1,
                     help="the past of the source this many bins back")
    surrogates: int = param(100, "surrogates", min=1, max=10000, step=10,
                            help="circularly shifted copies of the source for the test")
    pairs: int = param(4, "units in transfer-entropy pairs", min=2, max=20, step=1,
                       help="transfer entropy between every ordered pair of the first units")
    seed: int = param(1, "random seed", min=0, max=2 ** 31 - 1, step=1)


def entropy(probabilities) -> float:
    """H = -sum p log2 p (bits) of a probability vector (zeros skipped)."""
    p = np.asarray(probabilities, dtype=float).ravel()
    p = p[p > 0]
    return float(-(p * np.log2(p)).sum())


def binary_entropy(p: float) -> float:
    """H(p) of a coin with probability p (bits)."""
    return entropy([p, 1.0 - p])


def _labels(values) -> np.ndarray:
    values = np.asarray(values).ravel()
    return np.unique(values, return_inverse=True)[1].ravel()


def joint_table(s, r) -> np.ndarray:
    """Counts of (stimulus, response) pairs: stimuli x responses."""
    s, r = _labels(s), _labels(r)
    if len(s) != len(r):
        raise ValueError(f"r: {len(r)} responses for {len(s)} stimuli")
    table = np.zeros((s.max() + 1 if len(s) else 1, r.max() + 1 if len(r) else 1))
    np.add.at(table, (s, r), 1)
    return table


def _plugin(table: np.ndarray) -> float:
    total = table.sum()
    if total == 0:
        return 0.0
    joint = table / total
    return entropy(joint.sum(axis=0)) + entropy(joint.sum(axis=1)) - entropy(joint)


def panzeri_treves_bias(table: np.ndarray) -> float:
    """The first-order bias of the plug-in I (bits): [sum_s (R_s - 1) - (R - 1)] / (2 N ln 2),
    with R_s the responses seen for stimulus s and R those seen at all (Panzeri & Treves 1996,
    'relevant bins' counted naively)."""
    total = table.sum()
    if total == 0:
        return 0.0
    relevant_s = (table > 0).sum(axis=1)
    relevant_s = relevant_s[table.sum(axis=1) > 0]
    relevant = (table.sum(axis=0) > 0).sum()
    return float((np.sum(relevant_s - 1) - (relevant - 1)) / (2 * total * math.log(2)))


@checked(InformationParams)
def mutual_information(s, r, correction: str = "none", shuffles: int = 20,
                       seed: int | None = None) -> float:
    """I(S;R) = H(R) - H(R|S) in bits between paired discrete samples (stimulus labels ``s``,
    responses ``r``, e.g. spike counts), from their joint histogram; ``correction``: "none"
    (plug-in), "panzeri-treves" (minus the first-order bias) or "shuffle" (minus the mean of
    ``shuffles`` estimates with r shuffled against s)."""
    table = joint_table(s, r)
    value = _plugin(table)
    if correction == "panzeri-treves":
        value -= panzeri_treves_bias(table)
    elif correction == "shuffle":
        rng = np.random.default_rng(seed)
        s_labels, r_labels = _labels(s), _labels(r)
        value -= float(np.mean([_plugin(joint_table(s_labels, rng.permutation(r_labels)))
                                for _ in range(shuffles)]))
    return float(value)


def channel_capacity(p_r_given_s, tolerance: float = 1e-9, max_steps: int = 10000
                     ) -> tuple[float, np.ndarray]:
    """The capacity C = max over P(s) of I(S;R) (bits) of a discrete channel (rows P(r|s)) by
    the Blahut-Arimoto iteration; returns (C, the best input distribution)."""
    channel = np.asarray(p_r_given_s, dtype=float)
    channel = channel / channel.sum(axis=1, keepdims=True)
    prior = np.full(len(channel), 1.0 / len(channel))
    log_channel = np.log2(np.where(channel > 0, channel, 1.0))
    capacity = 0.0
    for _ in range(max_steps):
        output = prior @ channel
        log_output = np.log2(np.where(output > 0, output, 1.0))
        divergence = np.sum(channel * (log_channel - log_output), axis=1)  # D(P(r|s) || P(r))
        weights = prior * np.exp2(divergence)
        lower, upper = math.log2(weights.sum()), float(divergence.max())
        prior = weights / weights.sum()
        capacity = lower
        if upper - lower < tolerance:
            break
    return float(capacity), prior


@checked(InformationParams)
def coding_efficiency(s, r, correction: str = "panzeri-treves") -> tuple[float, float, float]:
    """(I(S;R), C, eta = I / C): the information the stimuli as shown carry, against the most
    the same channel P(r|s) (estimated from the samples) could carry with the best stimulus
    distribution."""
    information = mutual_information(s, r, correction=correction)
    table = joint_table(s, r)
    capacity, _ = channel_capacity(table[table.sum(axis=1) > 0])
    return information, capacity, information / capacity if capacity > 0 else math.nan


@dataclasses.dataclass
class InformationCurve:
    """I(S;R) against the number of trials: plug-in and corrected (bits)."""

    trials: np.ndarray
    plugin: np.ndarray
    corrected: np.ndarray
    correction: str


@checked(InformationParams)
def information_vs_trials(s, r, correction: str = "panzeri-treves", points: int = 8,
                          seed: int | None = None) -> InformationCurve:
    """The estimates from the first n pairs, n from 10 (or fewer) to all, geometrically spaced:
    the plug-in falls towards the truth as n grows, a good correction is flat."""
    s, r = np.asarray(s).ravel(), np.asarray(r).ravel()
    top = len(s)
    sizes = np.unique(np.round(np.geomspace(min(10, top), top, points)).astype(int))
    plugin = [mutual_information(s[:n], r[:n]) for n in sizes]
    corrected = [mutual_information(s[:n], r[:n], correction=correction, seed=seed)
                 for n in sizes]
    return InformationCurve(sizes, np.array(plugin), np.array(corrected), correction)


# ---------------------------------------------------------------- transfer entropy

def _symbols(x, bins: int | None) -> np.ndarray:
    x = np.asarray(x).ravel()
    if bins is None:
        if np.issubdtype(x.dtype, np.integer) or np.all(x == np.round(x)):
            return _labels(x)
        bins = 4
    edges = np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1])
    return np.searchsorted(edges, x, side="right")


def _te_symbols(x, y, lag: int) -> float:
    """T_{X->Y} of integer sequences: sum p(y1, y0, x0) log2 p(y1|y0,x0) / p(y1|y0), where
    y1 = y(t+1), y0 = y(t), x0 = x(t + 1 - lag)."""
    y1, y0, x0 = y[lag:], y[lag - 1:-1], x[:len(x) - lag]
    ny, nx = y.max() + 1, x.max() + 1
    codes = (y1 * ny + y0) * nx + x0
    joint = np.bincount(codes, minlength=ny * ny * nx).reshape(ny, ny, nx).astype(float)
    joint /= joint.sum()
    p_y0x0 = joint.sum(axis=0)          # (y0, x0)
    p_y1y0 = joint.sum(axis=2)          # (y1, y0)
    p_y0 = joint.sum(axis=(0, 2))       # (y0,)
    nonzero = joint > 0
    denominator = p_y0x0[None, :, :] * p_y1y0[:, :, None]
    ratio = np.divide(joint * p_y0[None, :, None], denominator, out=np.ones_like(joint),
                      where=nonzero)
    return float(np.sum(joint[nonzero] * np.log2(ratio[nonzero])))


@checked(InformationParams)
def transfer_entropy(x, y, lag: int = 1, bins: int | None = None) -> float:
    """T_{X->Y} (bits): what the past of ``x`` (``lag`` steps back) tells about the next value
    of ``y`` beyond y's own present, the note's transfer entropy with the source x and the
    target y. Integer sequences (e.g. binned spikes) are used as they are; real ones are cut
    into ``bins`` quantile bins (default 4)."""
    x_symbols, y_symbols = _symbols(x, bins), _symbols(y, bins)
    if len(x_symbols) != len(y_symbols):
        raise ValueError(f"y: {len(y_symbols)} values, x has {len(x_symbols)}")
    if len(x_symbols) <= lag + 1:
        raise ValueError("x: too short for this lag")
    return _te_symbols(x_symbols, y_symbols, int(lag))


@dataclasses.dataclass
class TransferTest:
    """T_{X->Y} with the surrogate distribution (circularly shifted sources)."""

    value: float
    surrogate_mean: float
    surrogate_95: float
    p_value: float


@checked(InformationParams)
def transfer_entropy_test(x, y, lag: int = 1, surrogates: int = 100, bins: int | None = None,
                          seed: int | None = None) -> TransferTest:
    """T_{X->Y} against ``surrogates`` copies of x shifted circularly by random amounts (which
    keep x's own statistics and break its timing relation to y); p = (1 + #surrogates >= T)
    / (1 + surrogates)."""
    x_symbols, y_symbols = _symbols(x, bins), _symbols(y, bins)
    value = _te_symbols(x_symbols, y_symbols, int(lag))
    rng = np.random.default_rng(seed)
    n = len(x_symbols)
    shifts = rng.integers(max(1, n // 10), max(2, n - n // 10), surrogates)
    null = np.array([_te_symbols(np.roll(x_symbols, k), y_symbols, int(lag)) for k in shifts])
    return TransferTest(value, float(null.mean()), float(np.quantile(null, 0.95)),
                        float((1 + np.sum(null >= value)) / (1 + surrogates)))
