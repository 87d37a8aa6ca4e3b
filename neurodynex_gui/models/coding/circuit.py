"""Network motifs and the note's ``NeuralCircuit.analyze_circuit``: a directed graph (a
networkx DiGraph or a weight matrix w[i, j] from j to i) with its degree distributions,
clustering, reciprocity and counts of three-node motifs against a random graph of the same
density, and the activity on it (rates, variability, information).

Motif counts are subgraph counts (not induced: a feedforward triangle inside a denser triple
counts too): reciprocal pairs i <-> j; feedforward loops (i -> j, j -> k, i -> k); recurrent
loops (i -> j -> k -> i). In an Erdos-Renyi graph with n nodes and connection probability p
their expected numbers are n(n-1)/2 p^2, n(n-1)(n-2) p^3 and n(n-1)(n-2) p^3 / 3.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from ..params import Params, checked, param

MOTIFS = ("reciprocal", "feedforward", "recurrent loop")


@dataclasses.dataclass(frozen=True)
class CircuitParams(Params):
    """The graph of the circuit page when no connectivity was sent or loaded."""

    n_nodes: int = param(60, "nodes", min=3, max=5000, step=10)
    p: float = param(0.1, "connection probability p", min=0.0, max=1.0, step=0.01, decimals=4)
    reciprocity: float = param(0.0, "extra reciprocity", min=0.0, max=1.0, step=0.05,
                               decimals=3, help="probability that an edge i -> j also gets "
                                                "j -> i (0: Erdos-Renyi)")
    seed: int = param(1, "random seed", min=0, max=2 ** 31 - 1, step=1)


def adjacency(circuit) -> np.ndarray:
    """The 0/1 adjacency matrix a[i, j] = 1 for an edge i -> j (no self loops) of a networkx
    graph or of a weight matrix w[i, j] from j to i (so a = (w != 0).T)."""
    if hasattr(circuit, "nodes") and hasattr(circuit, "edges"):
        import networkx as nx

        matrix = nx.to_numpy_array(circuit, nodelist=sorted(circuit.nodes), weight=None)
        if not circuit.is_directed():
            matrix = np.maximum(matrix, matrix.T)
    else:
        matrix = np.asarray(circuit, dtype=float)
        if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
            raise ValueError(f"circuit: a weight matrix must be square, got {matrix.shape}")
        matrix = (matrix != 0).T.astype(float)
    np.fill_diagonal(matrix, 0.0)
    return (matrix != 0).astype(float)


def to_graph(circuit):
    """A networkx DiGraph of a weight matrix or graph (edges i -> j)."""
    import networkx as nx

    return nx.from_numpy_array(adjacency(circuit), create_using=nx.DiGraph)


@checked(CircuitParams)
def random_graph(n_nodes: int = 60, p: float = 0.1, reciprocity: float = 0.0,
                 seed: int | None = None) -> np.ndarray:
    """An Erdos-Renyi adjacency matrix (edges i -> j with probability p), where each edge gets
    its reverse with probability ``reciprocity`` in addition."""
    rng = np.random.default_rng(seed)
    a = (rng.uniform(size=(n_nodes, n_nodes)) < p).astype(float)
    np.fill_diagonal(a, 0.0)
    if reciprocity > 0:
        back = (rng.uniform(size=a.shape) < reciprocity) & (a.T > 0)
        a = np.maximum(a, back.astype(float))
    return a


def motif_counts(graph) -> dict[str, int]:
    """Counts of the three motifs (see the module) in a graph or weight matrix."""
    a = adjacency(graph)
    two_paths = a @ a                      # (a^2)[i, k]: paths i -> j -> k
    return {"reciprocal": int(round(np.sum(a * a.T) / 2)),
            "feedforward": int(round(np.sum(two_paths * a))),
            "recurrent loop": int(round(np.sum(two_paths * a.T) / 3))}


@checked(CircuitParams, n="n_nodes")
def expected_motifs(n: int, p: float) -> dict[str, float]:
    """Expected counts in an Erdos-Renyi graph."""
    triples = n * (n - 1) * (n - 2)
    return {"reciprocal": n * (n - 1) / 2 * p ** 2, "feedforward": triples * p ** 3,
            "recurrent loop": triples * p ** 3 / 3}


def connectivity(graph) -> dict:
    """Degrees, density, reciprocity, clustering and motifs of a graph or weight matrix."""
    a = adjacency(graph)
    n = len(a)
    edges = float(a.sum())
    density = edges / (n * (n - 1)) if n > 1 else 0.0
    undirected = np.maximum(a, a.T)
    degree = undirected.sum(axis=1)
    triangles = ((undirected @ undirected) * undirected).sum(axis=1)
    possible = degree * (degree - 1)
    clustering = np.divide(triangles, possible, out=np.zeros(n), where=possible > 0)
    counts = motif_counts(a)
    return {"n_nodes": n, "n_edges": int(edges), "density": density,
            "in_degree": a.sum(axis=0).astype(int), "out_degree": a.sum(axis=1).astype(int),
            "reciprocity": 2 * counts["reciprocal"] / edges if edges else 0.0,
            "clustering": float(clustering.mean()) if n else 0.0,
            "motifs": counts, "expected_motifs": expected_motifs(n, density)}


class NeuralCircuit:
    """The note's circuit analyzer: ``analyze_circuit(circuit, activity, params)``."""

    def analyze_circuit(self, circuit, activity: dict, params: dict | None = None) -> dict:
        """``circuit``: a networkx graph or a weight matrix (None: no connectivity part);
        ``activity``: {"times": spike times (ms), "ids": unit ids[, "t_end": ms,
        "stimulus": one value per trial, "trial_ms": trial length]}; ``params``: {"window_ms":
        rate window (default 50), "bin_ms": transfer-entropy bin (2), "lag": (1)}. Returns
        {"connectivity": ..., "dynamics": ..., "information": ...}."""
        from .rate import cv, fano_factor, psth
        from .spike_data import SpikeData
        from .information import mutual_information, transfer_entropy

        params = dict(params or {})
        data = SpikeData(activity["times"], activity["ids"], float(activity.get("t_end", 0)),
                         stimulus=activity.get("stimulus"),
                         trial_ms=float(activity.get("trial_ms", 0.0)))
        trains = data.trains()
        window = float(params.get("window_ms", 50.0))
        t, rate = psth(data.times_ms, data.t_end_ms, window, n=data.n_units)
        counts = data.binned(window)
        dynamics = {"mean_rate_Hz": len(data.times_ms) / data.n_units / data.t_end_ms * 1e3,
                    "rates_Hz": np.array([len(x) for x in trains]) / data.t_end_ms * 1e3,
                    "cv": cv(trains), "fano": fano_factor(counts.ravel()),
                    "psth_t_ms": t, "psth_Hz": rate,
                    "synchrony": _synchrony(counts)}
        information = {}
        if data.stimulus is not None and data.trial_ms > 0:
            trial_counts = data.binned(data.trial_ms)[:, :len(data.stimulus)]
            information["unit_bits"] = np.array(
                [mutual_information(data.stimulus, row, correction="panzeri-treves")
                 for row in trial_counts])
        result = {"dynamics": dynamics, "information": information, "connectivity": {}}
        if circuit is not None:
            result["connectivity"] = connectivity(circuit)
            a = adjacency(circuit)
            bins = np.minimum(data.binned(float(params.get("bin_ms", 2.0))), 1).astype(int)
            lag = int(params.get("lag", 1))
            sources, targets = np.nonzero(a[:data.n_units, :data.n_units])
            information["transfer_bits"] = {
                (int(i), int(j)): transfer_entropy(bins[i], bins[j], lag=lag)
                for i, j in list(zip(sources, targets))[:50]}
        return result


def _synchrony(counts: np.ndarray) -> float:
    """var(population mean count) / mean(var of each unit's count) (Golomb's chi^2): 1 for
    identical units, about 1/n for independent ones."""
    unit_var = counts.var(axis=1).mean()
    return float(counts.mean(axis=0).var() / unit_var) if unit_var > 0 else math.nan
