"""The Hopfield network (book chapter 17.2): N x N binary neurons that store and recall
patterns; :mod:`.hopfield` (the scripting API) re-exports it and adds the experiments.

The n = N² neurons ``S_i = ±1`` are coupled by Hebbian weights
``w_ij = (1/n) Σ_μ p_i^μ p_j^μ`` without self-coupling (``w_ii = 0``, as in neurodynex3) and
follow ``S_i <- sgn(Σ_j w_ij S_j)`` with ``sgn(0) = +1`` (the neurodynex3 convention). A step
updates all neurons at once (``mode="sync"``) or sweeps once through all neurons in random
order, each seeing the new states of those before it (``mode="async"``).

The dynamics never needs the n x n weight matrix: with the patterns ``p`` (P x n) the field is
``n h = pᵀ(p S) - P S``, O(nP) in time and memory instead of O(n²). Fields are exact integers
(``n h``) held in float64, so ``sgn(0)`` is decided exactly. The matrix is built only where it
is cheaper (more than n/2 patterns in a small network) or when :attr:`HopfieldNetwork.weight`
is read. Overlaps ``m^μ = (1/n) Σ_i p_i^μ S_i`` and the energy
``E = -1/2 Σ_ij w_ij S_i S_j = P/2 - (n/2) Σ_μ (m^μ)²`` come from the same product ``p S``.

Example::

    net = HopfieldNetwork(10, seed=1)
    net.make_pattern(P=5)
    result = net.run(t_max=20, mu=0, flip_ratio=0.1)
    result.overlaps[-1, 0]      # 1.0 when pattern 0 was recalled
    print(result.describe(0))
"""
from __future__ import annotations

import dataclasses
import json
import string
from pathlib import Path
from typing import Iterator, NamedTuple, Sequence

import numpy as np

from ..resources import ALPHABET
from .params import ParamError, Params, checked, param

ALPHABET_PATH = ALPHABET  # resources/ in the source tree, <prefix>/share/... when installed
ALPHABET_FORMAT = "neurodynex-gui-alphabet"
KINDS = ("random", "letters", "checkerboard")
MODES = ("sync", "async")
STARTS = ("cue", "grid")
MAX_CACHED_WEIGHT_NEURONS = 2500  # the update uses a weight matrix only up to N = 50


# ---------------------------------------------------------------------------------- patterns

def text_to_grid(rows: Sequence[str]) -> np.ndarray:
    """Rows of '#' (+1) and '.' (-1) as an int8 array."""
    if len({len(row) for row in rows}) != 1 or any(set(row) - {"#", "."} for row in rows):
        raise ValueError("rows must be strings of equal length made of '#' and '.'")
    return np.array([[1 if c == "#" else -1 for c in row] for row in rows], dtype=np.int8)


def grid_to_text(grid: np.ndarray) -> list[str]:
    """A 2-d ±1 array as rows of '#' (+1) and '.' (-1); print with ``"\\n".join(...)``."""
    return ["".join("#" if v > 0 else "." for v in row) for row in np.asarray(grid)]


def load_alphabet(path: str | Path = ALPHABET_PATH) -> dict[str, np.ndarray]:
    """The 26 lowercase letters 'a'..'z' as 10 x 10 int8 arrays of ±1 (from alphabet.json)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("format") != ALPHABET_FORMAT:
        raise ValueError(f"{path} is not a {ALPHABET_FORMAT} file")
    letters = {key: text_to_grid(rows) for key, rows in data["letters"].items()}
    size = data["size"]
    if any(grid.shape != (size, size) for grid in letters.values()):
        raise ValueError(f"{path}: every letter must be {size} x {size}")
    return letters


@checked("HopfieldParams")
def letter_patterns(letters: str | Sequence[str], N: int = 10) -> np.ndarray:
    """The given letters (e.g. "abc") as (len, N, N) ±1 patterns.

    The 10 x 10 letters are resampled to N x N by nearest neighbour (exact for N = 10).
    """
    alphabet = load_alphabet()
    unknown = [c for c in letters if c.lower() not in alphabet]
    if unknown:
        raise ValueError(f"no pattern for {unknown}; the alphabet has 'a' to 'z'")
    return np.array([resample(alphabet[c.lower()], N) for c in letters], dtype=np.int8)


@checked("HopfieldParams")
def resample(grid: np.ndarray, N: int) -> np.ndarray:
    """A square grid resized to N x N by nearest neighbour (up and back down is exact)."""
    grid = np.asarray(grid)
    idx = np.arange(N) * grid.shape[0] // N
    return grid[np.ix_(idx, idx)]


@checked("HopfieldParams", P=None)  # the experiments draw trials x P patterns at once
def random_patterns(P: int, N: int, ratio: float = 0.5, rng=None) -> np.ndarray:
    """P random (N, N) patterns, each with exactly round(ratio N²) pixels +1 at random places."""
    n = N * N
    base = np.where(np.arange(n) < round(ratio * n), 1, -1).astype(np.int8)
    flat = np.random.default_rng(rng).permuted(np.broadcast_to(base, (P, n)), axis=1)
    return flat.reshape(P, N, N)


@checked("HopfieldParams")
def checkerboard(N: int) -> np.ndarray:
    """An N x N checkerboard of ±1, +1 in the top-left corner."""
    i, j = np.indices((N, N))
    return np.where((i + j) % 2 == 0, 1, -1).astype(np.int8)


@checked("HopfieldParams")
def flip_pixels(states: np.ndarray, ratio: float, rng=None) -> np.ndarray:
    """A copy of ``states`` ((n,) or (k, n)) with round(ratio n) random pixels flipped per row."""
    states = np.array(states, copy=True)
    rows = np.atleast_2d(states)
    n = rows.shape[1]
    order = np.random.default_rng(rng).permuted(np.tile(np.arange(n), (len(rows), 1)), axis=1)
    chosen = order[:, : round(ratio * n)]
    rows[np.arange(len(rows))[:, None], chosen] *= -1
    return states


# ---------------------------------------------------------------------------------- parameters

@dataclasses.dataclass(frozen=True)
class HopfieldParams(Params):
    """What the Hopfield tab asks for: network size, patterns, cue and dynamics."""

    N: int = param(10, "grid side N", "", min=2, max=100, step=1, decimals=0,
                   help="the network has N x N neurons")
    kind: str = param("random", "patterns", choices=KINDS,
                      help="random patterns, the first P letters a, b, c, ... or a checkerboard "
                           "followed by P - 1 random patterns")
    P: int = param(3, "number of patterns P", min=1, max=1000, step=1, decimals=0,
                   help="how many patterns are generated (at most 26 letters; drawn patterns "
                        "are stored after them)")
    ratio: float = param(0.5, "fraction on", min=0.0, max=1.0, step=0.05, decimals=2,
                         show_when=("kind", ("random", "checkerboard")),
                         help="fraction of +1 pixels in each random pattern")
    mu: int = param(0, "cue pattern μ", min=0, max=1999, step=1, decimals=0,
                    help="index of the stored pattern the network starts from (0 is the first; "
                         "drawn patterns follow the P generated ones)")
    flip_ratio: float = param(0.1, "flipped fraction", min=0.0, max=1.0, step=0.01, decimals=2,
                              help="fraction of the cue's pixels flipped to make the start state")
    mode: str = param("sync", "update", choices=MODES,
                      help="sync: all neurons at once; async: one at a time in random order")
    t_max: int = param(20, "max steps", min=1, max=1000, step=1, decimals=0,
                       help="at most this many updates (sweeps); a fixed point ends the run")
    seed: int = param(0, "random seed", min=0, max=2**31 - 1, step=1, decimals=0,
                      help="seed of patterns, flips and update order: same seed, same run")

    def check(self) -> None:
        if self.kind == "letters" and self.P > 26:
            raise ParamError("P", "the alphabet has 26 letters")


@dataclasses.dataclass(frozen=True)
class AnimationParams(Params):
    """How the tab plays a run: where it starts and how fast it steps."""

    start: str = param("cue", "start from", choices=STARTS,
                       help="cue: pattern μ with the flipped fraction; grid: the grid as it is "
                            "now (drawn, or left by the last run)")
    speed: float = param(5.0, "speed", "steps/s", min=0.5, max=60.0, step=0.5, decimals=1,
                         help="updates shown per second in the animation")


# ---------------------------------------------------------------------------------- network

class PatternIndexError(ParamError, IndexError):
    """A pattern index beyond the stored patterns (a ParamError naming it, and an IndexError
    as documented)."""


class Step(NamedTuple):
    """One frame of :meth:`HopfieldNetwork.iterate`."""

    t: int  # number of updates so far
    state: np.ndarray  # (n,) int8 copy of the state
    overlaps: np.ndarray  # (P,) overlap with each stored pattern
    energy: float
    flips: int  # neurons changed by the update that led here (0 at t = 0 and at a fixed point)


@dataclasses.dataclass(frozen=True)
class HopfieldRun:
    """History of one run; row t is the state after t updates."""

    states: np.ndarray  # (T+1, n) int8
    overlaps: np.ndarray  # (T+1, P)
    energy: np.ndarray  # (T+1,)
    converged: bool  # the last state is a fixed point

    @classmethod
    def from_steps(cls, steps: Sequence[Step]) -> "HopfieldRun":
        """The history of the frames of :meth:`HopfieldNetwork.iterate`."""
        return cls(states=np.array([s.state for s in steps]),
                   overlaps=np.array([s.overlaps for s in steps]),
                   energy=np.array([s.energy for s in steps]),
                   converged=len(steps) > 1 and steps[-1].flips == 0)

    @property
    def t(self) -> np.ndarray:
        return np.arange(len(self.states))

    def describe(self, mu: int) -> str:
        """One sentence on how the run ended, measured against pattern ``mu``."""
        m = self.overlaps[-1]
        updates = len(self.states) - 1
        ending = (f"a fixed point after {updates_text(updates - 1)}" if self.converged
                  else f"still changing after {updates_text(updates)}")
        wrong = round((1 - m[mu]) / 2 * self.states.shape[1])
        if wrong == 0:
            return f"Retrieved pattern {mu} exactly ({ending})."
        nearest = int(np.argmax(np.abs(m)))
        if abs(m[nearest]) == 1.0:
            found = ("the inverse of " if m[nearest] < 0 else "") + f"pattern {nearest}"
        else:
            found = f"a mixed (spurious) state, nearest pattern {nearest} at m = {m[nearest]:+.2f}"
        return (f"Pattern {mu} not retrieved: {wrong} pixels wrong (m = {m[mu]:+.2f}); "
                f"reached {found}, {ending}.")


def updates_text(count: int) -> str:
    """'1 update', '2 updates'."""
    return f"{count} update{'' if count == 1 else 's'}"


class HopfieldNetwork:
    """N x N neurons of ±1; ``x`` is the flat state, ``patterns`` the stored (P, N²) patterns.

    ``mode`` is "sync" or "async"; ``seed`` (int, None or a numpy Generator) drives the random
    start state, random patterns, flips and the asynchronous update order.
    """

    @checked(HopfieldParams)
    def __init__(self, N: int, *, mode: str = "sync", seed=None):
        if int(N) < 2:
            raise ValueError("N must be at least 2")
        self.N = int(N)
        self.mode = mode
        self.rng = np.random.default_rng(seed)
        self._x = np.where(self.rng.random(self.n) < 0.5, 1, -1).astype(np.int8)
        self.store_patterns(np.empty((0, self.n), dtype=np.int8))

    @classmethod
    def from_params(cls, params: HopfieldParams) -> "HopfieldNetwork":
        """A network holding the patterns described by ``params`` (state still random); then
        ``run(params.t_max, params.mu, params.flip_ratio)`` or ``cue(...)`` and ``iterate(...)``."""
        net = cls(params.N, mode=params.mode, seed=params.seed)
        if params.kind == "letters":
            net.store_patterns(letter_patterns(string.ascii_lowercase[: params.P], net.N))
        else:
            net.make_pattern(params.P, params.ratio)
            if params.kind == "checkerboard":
                net.store_patterns(np.vstack([checkerboard(net.N).ravel(), net.patterns[1:]]))
        return net

    # -- state and patterns

    @property
    def n(self) -> int:
        """Number of neurons, N²."""
        return self.N * self.N

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {value!r}")
        self._mode = value

    @property
    def x(self) -> np.ndarray:
        """The state, flat (N²,) int8 of ±1."""
        return self._x

    @x.setter
    def x(self, state) -> None:
        flat = self._as_patterns(state, "state")
        if len(flat) != 1:
            raise ValueError(f"state must be one pattern of {self.n} pixels")
        self._x = flat[0]

    def set_state(self, state) -> None:
        """Set the state from a flat (N²,) or (N, N) array of ±1."""
        self.x = state

    @property
    def patterns(self) -> np.ndarray:
        """Stored patterns, (P, N²) int8 of ±1 (a read-only view)."""
        return self._patterns

    def store_patterns(self, patterns, append: bool = False) -> None:
        """Store ±1 patterns of shape (P, N²), (P, N, N), (N²,) or (N, N), replacing the old
        ones unless ``append``."""
        new = self._as_patterns(patterns, "patterns")
        stored = np.vstack([self._patterns, new]) if append else new
        stored.setflags(write=False)
        self._patterns = stored
        self._pt = np.ascontiguousarray(stored.T, dtype=np.float64)  # (n, P) for fast products
        P = len(stored)
        cheaper = 2 * P > self.n and self.n <= MAX_CACHED_WEIGHT_NEURONS
        self._coupling = self._unscaled_weight() if cheaper else None

    @checked(HopfieldParams)
    def make_pattern(self, P: int = 1, ratio: float = 0.5,
                     letters: str | None = None) -> np.ndarray:
        """Store P random patterns with a fraction ``ratio`` of +1 pixels, or, if ``letters``
        (e.g. "abc") is given, those letters; returns the stored (P, N²) patterns."""
        if letters is not None:
            self.store_patterns(letter_patterns(letters, self.N))
        else:
            self.store_patterns(random_patterns(P, self.N, ratio, self.rng))
        return self.patterns

    @checked(HopfieldParams)
    def cue(self, mu: int = 0, flip_ratio: float = 0.0) -> None:
        """Start from pattern ``mu`` with round(flip_ratio N²) random pixels flipped."""
        self._check_mu(mu)
        self._x = flip_pixels(self._patterns[mu], flip_ratio, self.rng)

    def grid(self, mu: int | None = None) -> np.ndarray:
        """The state (``mu`` None) or pattern ``mu`` as an N x N array."""
        if mu is None:
            return self._x.reshape(self.N, self.N)
        self._check_mu(mu)
        return self._patterns[mu].reshape(self.N, self.N)

    # -- observables

    @property
    def weight(self) -> np.ndarray:
        """The (N², N²) weight matrix w_ij (float64, zero diagonal), built on request."""
        matrix = self._coupling if self._coupling is not None else self._unscaled_weight()
        return matrix / self.n

    def overlaps(self) -> np.ndarray:
        """Overlap m^μ of the state with every stored pattern, shape (P,)."""
        return self._pt.T @ self._x / self.n

    def overlap(self, mu: int) -> float:
        """Overlap m^μ = (1/N²) Σ_i p_i^μ S_i of the state with pattern ``mu``."""
        self._check_mu(mu)
        return float(self._patterns[mu].astype(np.float64) @ self._x / self.n)

    def energy(self) -> float:
        """E = -1/2 Σ_ij w_ij S_i S_j of the state (computed from the overlaps)."""
        return self._energy(self.overlaps())

    # -- dynamics

    def dynamic(self) -> int:
        """One update (sync) or one random-order sweep (async); returns the number of flips."""
        self._require_patterns()
        old = self._x
        if self._mode == "sync":
            self._x = np.where(self._field(old.astype(np.float64)) >= 0, 1, -1).astype(np.int8)
        else:
            self._x = self._async_sweep(old.astype(np.float64))
        return int(np.count_nonzero(self._x != old))

    @checked(HopfieldParams)
    def iterate(self, t_max: int = 20) -> Iterator[Step]:
        """Yield the current state, then the state after each update, for at most ``t_max``
        updates; the first update that changes nothing (a fixed point) is yielded and ends it."""
        yield self._step(0, 0)
        for t in range(1, t_max + 1):
            flips = self.dynamic()
            yield self._step(t, flips)
            if flips == 0:
                return

    @checked(HopfieldParams)
    def run(self, t_max: int = 20, mu: int = 0, flip_ratio: float = 0.0,
            do_plot: bool = True) -> HopfieldRun:
        """Start from pattern ``mu`` with a fraction ``flip_ratio`` of pixels flipped and update
        until a fixed point or ``t_max`` updates.

        Returns the history (states, overlaps with every pattern, energy). ``do_plot`` (the
        seed's default) draws the state at up to six steps above the overlaps with every
        pattern against time (matplotlib); the figure is ``plot_run(result, mu)``'s.
        Raises RuntimeError if no pattern is stored and IndexError unless 0 <= mu < P.
        """
        from .exercise import check_flag

        check_flag(do_plot, "do_plot")
        self.cue(mu, flip_ratio)
        result = HopfieldRun.from_steps(list(self.iterate(t_max)))
        if do_plot:
            self.plot_run(result, mu)
        return result

    def plot_run(self, result: HopfieldRun, mu: int = 0, show: bool = True):
        """Draw a run: the N x N state at up to six steps from the cue to the end, and the
        overlaps with every pattern (the cued one thick) against the number of updates."""
        from .exercise_plots import hopfield_figure

        picked = np.unique(np.linspace(0, len(result.states) - 1, 6).round().astype(int))
        grids = [result.states[t].reshape(self.N, self.N) for t in picked]
        return hopfield_figure(grids, picked.tolist(), result.overlaps, mu,
                               title=result.describe(mu), show=show)

    # -- internals

    def _as_patterns(self, values, what: str) -> np.ndarray:
        array = np.asarray(values)
        if not (array.ndim in (1, 2, 3) and array.size % self.n == 0
                and array.shape[-1] in (self.n, self.N)):
            raise ValueError(f"{what} must have {self.n} = {self.N} x {self.N} pixels each")
        flat = array.reshape(-1, self.n)
        if not np.isin(flat, (-1, 1)).all():
            raise ValueError(f"{what} must contain only +1 and -1")
        return flat.astype(np.int8)

    def _require_patterns(self) -> None:
        if len(self._patterns) == 0:
            raise RuntimeError("no pattern stored: call make_pattern or store_patterns first")

    def _check_mu(self, mu: int) -> None:
        self._require_patterns()
        if not 0 <= mu < len(self._patterns):
            raise PatternIndexError("mu", f"pattern index {mu} out of range "
                                          f"0..{len(self._patterns) - 1}")

    def _unscaled_weight(self) -> np.ndarray:
        """n w: Σ_μ p_i p_j with a zero diagonal (exact integers in float64)."""
        matrix = self._pt @ self._pt.T
        np.fill_diagonal(matrix, 0.0)
        return matrix

    def _field(self, s: np.ndarray) -> np.ndarray:
        """n h for a float state s (exact integers)."""
        if self._coupling is not None:
            return self._coupling @ s
        return self._pt @ (self._pt.T @ s) - self._pt.shape[1] * s

    def _async_sweep(self, s: np.ndarray) -> np.ndarray:
        pt, P = self._pt, self._pt.shape[1]
        a = pt.T @ s  # n m^μ, kept up to date after each flip
        for i in self.rng.permutation(self.n):
            new = 1.0 if pt[i] @ a - P * s[i] >= 0 else -1.0
            if new != s[i]:
                a += 2.0 * new * pt[i]
                s[i] = new
        return s.astype(np.int8)

    def _energy(self, m: np.ndarray) -> float:
        return float(len(m) / 2 - self.n / 2 * (m @ m))

    def _step(self, t: int, flips: int) -> Step:
        m = self.overlaps()
        return Step(t, self._x.copy(), m, self._energy(m), flips)
