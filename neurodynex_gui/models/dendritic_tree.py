"""A soma with a dendrite that branches once (Neuronal Dynamics, ch. 3.2-3.4), Rall's 3/2 rule
and NMDA spikes on a distal branch.

At the branch point the currents balance: sum_i (1 / r_i) dV_i/dx_i = 0 with r_i = 4 R_L /
(pi d_i^2) and x_i pointing away from the point (a node without membrane here). If
d_0^(3/2) = d_1^(3/2) + d_2^(3/2) (Rall's 3/2 rule) and both daughters have the same
electrotonic length L_i / lambda_i, the tree behaves, seen from the soma, as one cylinder of the
trunk's diameter with the electrotonic length L_0 / lambda_0 + L_1 / lambda_1: the
*equivalent cylinder* (:func:`equivalent_cylinder`).

Usage from a notebook::

    from neurodynex_gui.models import dendritic_tree as dt
    tree = dt.simulate_tree(branch1_diameter=1.26, branch2_diameter=1.26)
    tree.v_soma, tree.v_equivalent          # mV, the tree's soma and its equivalent cylinder's
    io = dt.nmda_input_output(n_max=30)      # peak depolarisation against co-active synapses

Units as in :mod:`.cable`: um, ms, mV, nA; synaptic conductances in nS.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import compartments as cm
from .cable import CableParams, _currents
from .params import Params, ParamError, checked, param
from .sweep import SweepResult

SITES = ("soma", "branch 1 end", "branch 2 end")
SECTIONS = ("trunk", "branch 1", "branch 2")
ANGLE = np.radians(30.0)  # of the daughters to the trunk, for the picture


@dataclasses.dataclass(frozen=True)
class TreeParams(Params):
    """The shape of the tree and the current injected into it."""

    soma_diameter: float = param(15.0, "soma diameter", "um", min=0.0, max=200.0, step=1.0,
                                 help="A sphere (0: no soma).")
    trunk_length: float = param(200.0, "trunk length L0", "um", min=1.0, max=10000.0,
                                step=50.0)
    trunk_diameter: float = param(2.0, "trunk diameter d0", "um", min=0.01, max=50.0,
                                  step=0.1)
    branch1_length: float = param(300.0, "branch 1 length L1", "um", min=1.0, max=10000.0,
                                  step=50.0)
    branch1_diameter: float = param(1.26, "branch 1 diameter d1", "um", min=0.01, max=50.0,
                                    step=0.1, help="d1 = d2 = d0 / 2^(2/3) meets the 3/2 "
                                                   "rule (1.26 um for d0 = 2 um).")
    branch2_length: float = param(300.0, "branch 2 length L2", "um", min=1.0, max=10000.0,
                                  step=50.0)
    branch2_diameter: float = param(1.26, "branch 2 diameter d2", "um", min=0.01, max=50.0,
                                    step=0.1)
    compartment_length: float = param(5.0, "compartment length", "um", min=0.1, max=1000.0,
                                      step=1.0)
    input_site: str = param("soma", "current into", choices=SITES)
    amplitude: float = param(0.1, "current", "nA", min=-100.0, max=100.0, step=0.05)
    t_start: float = param(5.0, "current on", "ms", min=0.0, max=10000.0, step=1.0)
    t_end: float = param(45.0, "current off", "ms", min=0.0, max=10000.0, step=1.0)
    tree_time: float = param(60.0, "duration", "ms", min=0.1, max=10000.0, step=10.0)
    tree_dt: float = param(0.025, "time step dt", "ms", min=0.0001, max=10.0, step=0.005)


@dataclasses.dataclass(frozen=True)
class NMDAParams(Params):
    """Co-active synapses at one place of branch 1, AMPA and NMDA (Mg-blocked)."""

    n_synapses: int = param(20, "co-active synapses", "", min=0, max=1000, step=1)
    synapse_place: float = param(0.9, "place on branch 1", "", min=0.0, max=1.0, step=0.1,
                                 help="Fraction of branch 1's length from the branch point.")
    t_synapse: float = param(5.0, "synapses active at", "ms", min=0.0, max=10000.0, step=1.0)
    nmda: bool = param(True, "with NMDA", help="Off: AMPA alone.")
    g_ampa: float = param(0.5, "AMPA peak conductance", "nS", min=0.0, max=100.0, step=0.1,
                          help="Per synapse.")
    g_nmda: float = param(1.0, "NMDA peak conductance", "nS", min=0.0, max=100.0, step=0.1,
                          help="Per synapse, before the Mg block.")
    tau_ampa: float = param(2.0, "AMPA decay", "ms", min=0.01, max=1000.0, step=0.5)
    tau_nmda_rise: float = param(2.0, "NMDA rise", "ms", min=0.01, max=1000.0, step=0.5)
    tau_nmda_decay: float = param(80.0, "NMDA decay", "ms", min=0.1, max=10000.0, step=5.0)
    e_synapse: float = param(0.0, "reversal potential", "mV", min=-100.0, max=100.0, step=5.0)
    mg: float = param(1.0, "[Mg2+]", "mM", min=0.0, max=100.0, step=0.1,
                      help="Block B(V) = 1 / (1 + [Mg] / 3.57 mM exp(-0.062 V / mV)) "
                           "(Jahr and Stevens 1990).")
    nmda_time: float = param(100.0, "duration", "ms", min=1.0, max=10000.0, step=10.0)


@dataclasses.dataclass(frozen=True)
class InputOutputInputs(Params):
    n_max: int = param(40, "most synapses", "", min=1, max=1000, step=5)
    n_points: int = param(21, "points", "", min=2, max=200, step=5)


@dataclasses.dataclass
class TreeResult:
    """``v[i, j]`` (mV) at ``t[i]`` (ms) in compartment j; compartment 0 is the soma (if any).
    ``sections`` name -> compartment indices from the branch point outwards (the trunk from
    the soma), ``xy`` (um) where each compartment is drawn, ``distance`` its path length from
    the soma (um), ``diameter`` (um); ``branch_node`` the membrane-less branch point."""

    t: np.ndarray
    v: np.ndarray
    sections: dict
    xy: np.ndarray
    distance: np.ndarray
    diameter: np.ndarray
    branch_node: int
    soma: int | None
    v_equivalent: np.ndarray | None   # the equivalent cylinder's soma (or first compartment)
    params: TreeParams
    completed: bool = True

    @property
    def v_soma(self) -> np.ndarray:
        return self.v[:, 0]


def _membrane(area, cable: CableParams):
    return (cm.membrane_capacitance_nF(area, cable.capacitance),
            cm.leak_conductance_uS(area, cable.r_transversal))


@checked("TreeParams", "CableParams")
def build_tree(tree: TreeParams, cable: CableParams, equivalent: bool = False):
    """(Compartments, sections, xy, distance, diameter, branch node, soma index) of the tree,
    or of its equivalent cylinder (soma and one cylinder) if ``equivalent``."""
    c, g, edges, xy, distance, diameter = [], [], [], [], [], []
    soma = None
    if tree.soma_diameter > 0:
        area = np.pi * tree.soma_diameter ** 2
        cc, gg = _membrane(area, cable)
        c.append(float(cc)), g.append(float(gg))
        xy.append((0.0, 0.0)), distance.append(0.0), diameter.append(tree.soma_diameter)
        soma = 0
    if equivalent:
        length, diam = equivalent_cylinder(tree)
        plan = [("trunk", length, diam, 0.0)]
    else:
        plan = [("trunk", tree.trunk_length, tree.trunk_diameter, 0.0),
                ("branch 1", tree.branch1_length, tree.branch1_diameter, ANGLE),
                ("branch 2", tree.branch2_length, tree.branch2_diameter, -ANGLE)]
    sections, branch_node, previous = {}, -1, soma
    for name, length, diam, angle in plan:
        n = max(1, int(round(length / tree.compartment_length)))
        h = length / n
        cc, gg = _membrane(np.pi * diam * h, cable)
        start = len(c)
        half = float(cm.axial_conductance_uS(diam, h / 2, cable.r_longitudinal))
        full = float(cm.axial_conductance_uS(diam, h, cable.r_longitudinal))
        origin = np.array([tree.trunk_length, 0.0]) if name != "trunk" else np.zeros(2)
        base = tree.trunk_length if name != "trunk" else 0.0
        for j in range(n):
            c.append(float(cc)), g.append(float(gg)), diameter.append(diam)
            s = (j + 0.5) * h
            xy.append(tuple(origin + s * np.array([np.cos(angle), np.sin(angle)])))
            distance.append(base + s)
            if j:
                edges.append((start + j - 1, start + j, full))
        sections[name] = np.arange(start, start + n)
        if name == "trunk":
            if previous is not None:
                edges.append((previous, start, half))
            if not equivalent:  # the branch point: a node without membrane
                branch_node = len(c)
                c.append(0.0), g.append(0.0), diameter.append(diam)
                xy.append((tree.trunk_length, 0.0)), distance.append(tree.trunk_length)
                edges.append((start + n - 1, branch_node, half))
        else:
            edges.append((branch_node, start, half))
    model = cm.Compartments(c, g, edges)
    return (model, sections, np.array(xy), np.array(distance), np.array(diameter),
            branch_node, soma)


@checked("TreeParams", "CableParams")
def rall_ratio(tree: TreeParams) -> float:
    """(d1^(3/2) + d2^(3/2)) / d0^(3/2): 1 where the 3/2 rule holds."""
    return (tree.branch1_diameter ** 1.5 + tree.branch2_diameter ** 1.5) / \
        tree.trunk_diameter ** 1.5


@checked("TreeParams", "CableParams")
def equivalent_cylinder(tree: TreeParams) -> tuple[float, float]:
    """(length um, diameter um) of the cylinder with the trunk's diameter and the tree's
    electrotonic length L0/lambda0 + L1/lambda1 (branch 1's; lambda ~ sqrt(d)):
    length = L0 + L1 sqrt(d0 / d1)."""
    return (tree.trunk_length + tree.branch1_length
            * np.sqrt(tree.trunk_diameter / tree.branch1_diameter), tree.trunk_diameter)


def _tree_site(tree: TreeParams, sections, soma) -> int:
    if tree.input_site == "soma":
        return soma if soma is not None else int(sections["trunk"][0])
    return int(sections[tree.input_site.replace(" end", "")][-1])


@checked("TreeParams", "CableParams", input_current=None)
def simulate_tree(tree: TreeParams = TreeParams(), cable: CableParams = CableParams(),
                  equivalent: bool = True, input_current=None, record_dt=0.1, *,
                  on_chunk=None, should_stop=None) -> TreeResult:
    """Run the tree (electrical constants of ``cable``; its shape, current and times of
    ``tree``); with ``equivalent`` also its equivalent cylinder, with the current into the
    soma (at ``input_site`` "soma") or into the far end. ``input_current`` (nA, as in
    :func:`.cable.simulate_passive_cable`) replaces the tree's pulse if given."""
    model, sections, xy, distance, diameter, node, soma = build_tree(tree, cable)
    dt = tree.tree_dt
    n_steps = int(round(tree.tree_time / dt))
    every = max(1, int(round(record_dt / dt)))
    if input_current is None:
        if tree.t_end < tree.t_start:
            raise ParamError("t_end", "the current ends before it starts")
        input_current = (tree.amplitude, tree.t_start, tree.t_end)
    currents = _currents(input_current, 1, n_steps, dt)
    site = _tree_site(tree, sections, soma)
    t, v, completed = cm.integrate(model, dt, n_steps, [site], currents,
                                   record_every=every, on_chunk=on_chunk,
                                   should_stop=should_stop, offset=cable.e_leak)
    v_eq = None
    if equivalent and completed:
        eq, eq_sections, *_ = build_tree(tree, cable, equivalent=True)
        eq_site = 0 if tree.input_site == "soma" else int(eq_sections["trunk"][-1])
        _, v_eq_all, _ = cm.integrate(eq, dt, n_steps, [eq_site], currents,
                                      record_every=every, offset=cable.e_leak)
        v_eq = v_eq_all[:len(t), 0]
    return TreeResult(t, v, sections, xy, distance, diameter, node, soma, v_eq, tree,
                      completed)


# -- NMDA spikes ----------------------------------------------------------------------------------

# A small NMDA model of its own (Jahr-Stevens block, difference-of-exponentials conductance);
# it could share the receptor module of the synapses tab once that exists.
@checked("NMDAParams", v=None)
def mg_block(v, mg=1.0) -> np.ndarray:
    """The fraction of NMDA conductance not blocked by Mg2+ at ``v`` (mV)."""
    return 1.0 / (1.0 + mg / 3.57 * np.exp(-0.062 * np.asarray(v, float)))


def _kernel(t, rise, decay):
    """A difference of exponentials normalised to peak 1 (rise -> 0: a single exponential)."""
    if rise >= decay:
        rise = decay * (1 - 1e-6)
    t = np.maximum(t, 0.0)
    shape = np.exp(-t / decay) - np.exp(-t / rise)
    t_peak = rise * decay / (decay - rise) * np.log(decay / rise)
    return shape / (np.exp(-t_peak / decay) - np.exp(-t_peak / rise))


@dataclasses.dataclass
class NMDAResult:
    """A tree run with synapses: the tree's result plus the synapses' compartment and
    conductance (nS) over time."""

    tree: TreeResult
    synapse: int
    g_ampa_nS: np.ndarray
    g_nmda_nS: np.ndarray

    @property
    def t(self):
        return self.tree.t

    @property
    def v_branch(self):
        return self.tree.v[:, self.synapse]

    @property
    def v_soma(self):
        return self.tree.v[:, 0]


@checked("TreeParams", "CableParams", "NMDAParams")
def simulate_nmda(tree: TreeParams = TreeParams(), cable: CableParams = CableParams(),
                  nmda: NMDAParams = NMDAParams(), record_dt=0.1, *, on_chunk=None,
                  should_stop=None) -> NMDAResult:
    """``nmda.n_synapses`` synapses at one place of branch 1, all active at ``t_synapse``:
    g(t) = n [g_AMPA s_AMPA(t) + g_NMDA s_NMDA(t) B(V)] towards ``e_synapse``; no other
    current. Returns an :class:`NMDAResult`."""
    model, sections, xy, distance, diameter, node, soma = build_tree(tree, cable)
    dt = tree.tree_dt
    n_steps = int(round(nmda.nmda_time / dt))
    every = max(1, int(round(record_dt / dt)))
    branch = sections["branch 1"]
    k_syn = int(branch[min(len(branch) - 1, int(nmda.synapse_place * len(branch)))])
    s = np.arange(n_steps) * dt - nmda.t_synapse
    g_a = nmda.n_synapses * nmda.g_ampa * 1e-3 * _kernel(s, 1e-3, nmda.tau_ampa)
    g_n = (nmda.n_synapses * nmda.g_nmda * 1e-3 * _kernel(s, nmda.tau_nmda_rise,
                                                          nmda.tau_nmda_decay)
           if nmda.nmda else np.zeros(n_steps))
    reversal = nmda.e_synapse - cable.e_leak
    e_leak, mg = cable.e_leak, nmda.mg

    def conductance(k, u):
        block = 1.0 / (1.0 + mg / 3.57 * np.exp(-0.062 * (u + e_leak)))
        return g_a[k] + g_n[k] * block, reversal

    t, v, completed = cm.integrate(model, dt, n_steps, [], None, record_every=every,
                                   synapse=(k_syn, conductance), on_chunk=on_chunk,
                                   should_stop=should_stop, offset=cable.e_leak)
    result = TreeResult(t, v, sections, xy, distance, diameter, node, soma, None, tree,
                        completed)
    rows = np.minimum(np.round(t / dt).astype(int), n_steps - 1)  # the step after each record
    return NMDAResult(result, k_syn, g_a[rows] * 1e3, g_n[rows] * 1e3)


@checked("TreeParams", "CableParams", "NMDAParams", "InputOutputInputs")
def nmda_input_output(tree: TreeParams = TreeParams(), cable: CableParams = CableParams(),
                      nmda: NMDAParams = NMDAParams(), n_max=40, n_points=21, *,
                      on_chunk=None, should_stop=None) -> SweepResult:
    """Peak depolarisation (mV above rest) at the synapses and at the soma against the number
    of co-active synapses, with AMPA and NMDA and with AMPA alone (columns ``branch_mV``,
    ``soma_mV``, ``branch_AMPA_only_mV``, ``soma_AMPA_only_mV``)."""
    counts = np.unique(np.round(np.linspace(0, n_max, n_points)).astype(int))
    columns = {"branch_mV": [], "soma_mV": [], "branch_AMPA_only_mV": [],
               "soma_AMPA_only_mV": []}
    total = 2 * len(counts)
    done = 0
    for with_nmda, suffix in ((True, ""), (False, "_AMPA_only")):
        for n in counts:
            if should_stop is not None and should_stop():
                raise InterruptedError
            run = simulate_nmda(tree, cable, nmda.replace(n_synapses=int(n), nmda=with_nmda))
            columns[f"branch{suffix}_mV"].append(float(run.v_branch.max() - cable.e_leak))
            columns[f"soma{suffix}_mV"].append(float(run.v_soma.max() - cable.e_leak))
            done += 1
            if on_chunk is not None:
                on_chunk({"fraction": done / total})
    columns = {key: np.array(values) for key, values in columns.items()}
    jump = _largest_jump(counts, columns["branch_mV"])
    text = (f"largest step of the branch's peak with AMPA + NMDA: {jump[1]:.3g} mV between "
            f"{jump[0]} and the next point" if jump else "")
    return SweepResult(counts.astype(float), columns, "co-active synapses", None, text)


def _largest_jump(counts, peaks):
    if len(counts) < 2:
        return None
    steps = np.diff(peaks)
    i = int(np.argmax(steps))
    return int(counts[i]), float(steps[i])
