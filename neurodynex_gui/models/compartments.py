"""A passive compartmental neuron on a sparse matrix, integrated implicitly (backward Euler).

Used by the cable (:mod:`.cable`) and by the branched tree and its NMDA synapses
(:mod:`.dendritic_tree`). Units: potential mV, time ms, current nA, conductance uS,
capacitance nF (nF mV / ms = nA, uS mV = nA). Lengths in um, the axial resistivity R_L in
kOhm mm, the specific membrane resistance R_T in MOhm mm^2 and the capacitance in uF/cm^2, as
in neurodynex3's ``passive_cable``:

    membrane capacitance of an area A (um^2):  c_m A 1e-5 nF
    leak conductance of an area A:            A / R_T 1e-6 uS
    axial conductance of a cylinder of length l and diameter d:  pi d^2 / (4 R_L l) uS

Every compartment holds one potential; the membrane equation of all of them,
C du/dt = -G u + I (u = V - E_leak), is stepped by (C/dt + G) u' = C/dt u + I with the matrix
factorised once (scipy.sparse.linalg.splu): stable for any dt, exact in the steady state.
Synaptic conductances at one compartment are added per step without refactorising (the
Sherman-Morrison formula with a precomputed column of the inverse).
"""
from __future__ import annotations

import time

import numpy as np

CHUNK_S = 1 / 30  # streamed at most this often (wall-clock seconds)


def membrane_capacitance_nF(area_um2, capacitance_uF_cm2):
    return np.asarray(area_um2, float) * capacitance_uF_cm2 * 1e-5


def leak_conductance_uS(area_um2, r_transversal):
    return np.asarray(area_um2, float) / r_transversal * 1e-6


def axial_conductance_uS(diameter_um, length_um, r_longitudinal):
    return np.pi * np.asarray(diameter_um, float) ** 2 / (4 * r_longitudinal
                                                          * np.asarray(length_um, float))


class Compartments:
    """Capacitances ``c`` (nF), leak conductances ``g`` (uS) to E_leak, couplings
    ``edges`` [(i, j, g_uS)] and conductances to E_leak at open ends ``grounds`` {i: g_uS}."""

    def __init__(self, c, g, edges, grounds=None):
        self.c = np.asarray(c, float)
        self.g = np.asarray(g, float)
        self.edges = list(edges)
        self.grounds = dict(grounds or {})

    @property
    def n(self) -> int:
        return len(self.c)

    def conductance_matrix(self):
        """G (uS, sparse): leak and ground on the diagonal, the couplings off it."""
        from scipy import sparse
        rows, cols, vals = [], [], []
        diagonal = self.g.copy()
        for i, j, g in self.edges:
            rows += [i, j]
            cols += [j, i]
            vals += [-g, -g]
            diagonal[i] += g
            diagonal[j] += g
        for i, g in self.grounds.items():
            diagonal[i] += g
        n = self.n
        rows += list(range(n))
        cols += list(range(n))
        vals += list(diagonal)
        return sparse.csc_matrix((vals, (rows, cols)), shape=(n, n))

    def steady_state(self, injected):
        """u (mV above E_leak) where G u = injected (nA per compartment)."""
        from scipy.sparse.linalg import spsolve
        return np.atleast_1d(spsolve(self.conductance_matrix(), np.asarray(injected, float)))


def integrate(model: Compartments, dt: float, n_steps: int, sites, currents, *,
              u0=None, record_every: int = 1, synapse=None, on_chunk=None, should_stop=None,
              offset: float = 0.0):
    """Step ``model`` ``n_steps`` times: ``currents[k]`` (nA, one column per index in
    ``sites``) flows during step k. ``synapse`` (optional) is (compartment, conductance(k,
    u_there) -> (g_uS, reversal_mV above E_leak)). Returns (times, u) recorded every
    ``record_every`` steps from t = 0 (u: record x compartment, mV above E_leak, ``offset``
    added) and whether it ran to the end. Chunks {"t", "v"} are sent to ``on_chunk``."""
    from scipy.sparse import diags
    from scipy.sparse.linalg import splu
    c_dt = model.c / dt
    lu = splu((diags(c_dt, format="csc") + model.conductance_matrix()).tocsc())
    u = np.zeros(model.n) if u0 is None else np.array(u0, float)
    sites = np.asarray(sites, int)
    currents = np.asarray(currents, float).reshape(n_steps, len(sites)) if len(sites) else None
    if synapse is not None:
        k_syn, conductance = synapse
        unit = np.zeros(model.n)
        unit[k_syn] = 1.0
        column = lu.solve(unit)
    n_records = n_steps // record_every + 1
    out = np.empty((n_records, model.n))
    out[0] = u
    sent, record, last = 0, 1, time.perf_counter()
    completed = True
    for k in range(n_steps):
        rhs = c_dt * u
        if currents is not None:
            np.add.at(rhs, sites, currents[k])
        if synapse is not None:
            g, reversal = conductance(k, u[k_syn])
            rhs[k_syn] += g * reversal
            y = lu.solve(rhs)
            u = y - column * (g * y[k_syn] / (1.0 + g * column[k_syn]))
        else:
            u = lu.solve(rhs)
        if (k + 1) % record_every == 0:
            out[record] = u
            record += 1
            now = time.perf_counter()
            if on_chunk is not None and now - last > CHUNK_S:
                on_chunk({"t": np.arange(sent, record) * dt * record_every,
                          "v": out[sent:record] + offset})
                sent, last = record, now
            if should_stop is not None and should_stop():
                completed = False
                break
    out = out[:record] + offset
    if on_chunk is not None and sent < record:
        on_chunk({"t": np.arange(sent, record) * dt * record_every, "v": out[sent:record]})
    return np.arange(record) * dt * record_every, out, completed
