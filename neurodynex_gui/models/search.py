"""Threshold searches as vectorised runs: every round simulates a grid of amplitudes (one
neuron each, in one run) and narrows the bracket around the lowest amplitude that fires."""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from .params import Params, param


@dataclasses.dataclass(frozen=True)
class SearchInputs(Params):
    """The grid of a search: fewer than 3 amplitudes per round would never narrow it."""

    neurons: int = param(46, "amplitudes per round", min=3, max=2000, step=1,
                         help="amplitudes simulated together in each round, one neuron each")


@dataclasses.dataclass
class Brackets:
    """[low, high] per group around the lowest amplitude that fires (NaN: none up to the
    ceiling; low == high: it fires at the bottom of the range)."""

    low: np.ndarray
    high: np.ndarray
    ceiling: float
    tried: list = dataclasses.field(default_factory=list)  # (amplitudes, counts) per round

    @property
    def answer(self) -> np.ndarray:
        """The lowest amplitude known to fire, per group."""
        return self.high

    def grid(self, k: int) -> np.ndarray:
        return self.low[:, None] + (self.high - self.low)[:, None] * np.linspace(0, 1, k)

    def update(self, amps: np.ndarray, fired: np.ndarray, counts: np.ndarray) -> None:
        self.tried.append((amps, counts))
        for g, (row, hits) in enumerate(zip(amps, fired)):
            if self.high[g] <= self.low[g]:
                continue  # settled
            if not hits.any():
                if self.high[g] >= self.ceiling:
                    self.low[g] = self.high[g] = np.nan  # nothing up to the ceiling
                else:
                    self.low[g], self.high[g] = self.high[g], min(4 * self.high[g],
                                                                  self.ceiling)
                continue
            first = int(np.argmax(hits))
            if first == 0:
                self.low[g] = self.high[g] = row[0]
            else:
                self.low[g], self.high[g] = row[first - 1], row[first]

    def done(self, resolution: float) -> bool:
        width = self.high - self.low
        return bool(np.all(np.isnan(width) | (width <= resolution)))


def lowest_firing(fires: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], *,
                  resolution: float, groups: int = 1, start: float, ceiling: float,
                  neurons: int = 46) -> Brackets:
    """Bracket, per group, the lowest amplitude (>= 0) for which ``fires`` holds.

    ``fires(amps)`` takes a (groups, neurons) array of amplitudes, simulates them together and
    returns (counts, fired) of the same shape. The search starts on [0, start], widens fourfold
    up to ``ceiling`` while nothing fires, and each round narrows a bracket neurons - 1 fold.
    """
    brackets = Brackets(np.zeros(groups), np.full(groups, float(start)), ceiling)
    while not brackets.done(resolution):
        amps = brackets.grid(neurons)
        counts, fired = fires(np.nan_to_num(amps))
        brackets.update(amps, fired, counts)
    return brackets
