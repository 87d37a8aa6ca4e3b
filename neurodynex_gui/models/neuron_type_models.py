"""The two model neurons of the type I / type II exercise (Neuronal Dynamics, ch. 4.4):
parameters, planar models (numpy) and brian2 descriptions.

Two planar models, as in the exercise package (``neuron_type.neurons``), simulated with brian2:

- type I, a Morris-Lecar-like reduction (a saddle-node on an invariant circle: the f-I curve
  starts continuously at zero)::

      dv/dt = (-g_1 m(v) (v - V_1) - g_2 w (v - V_2) - g_L (v - V_L) + R I) / 20 ms
      dw/dt = phi (w_inf(v) - w) / tau(v)
      m(v) = 0.5 mV (1 + tanh((v + 1.2 mV) / 18 mV)),
      w_inf(v) = 0.5 mV (1 + tanh((v - 12 mV) / 17 mV)),  tau(v) = 1 ms / cosh((v - 12 mV) / 34 mV)

- type II, a FitzHugh-Nagumo variant (a Hopf bifurcation: the f-I curve jumps)::

      dv/dt = (v - v^3 / (3 mV^2) - w + R I) / 1 ms,   dw/dt = (a (v + 0.7 mV) - w) / tau

Units as in the exercise package: t in ms, v and w in mV (mV-like units: w is a recovery
variable, and the type II model is a scaled FitzHugh-Nagumo model), the current I in pA
(R I in mV: 100 GOhm for type I, so 1 pA adds 100 mV; 1 GOhm for type II).
"""
from __future__ import annotations

import dataclasses
from typing import Callable

import numpy as np

from . import spikes
from .params import Params, param
from .planar import PlanarModel

TYPE_ONE, TYPE_TWO = "Type I", "Type II"


# ---------------------------------------------------------------- parameters

@dataclasses.dataclass(frozen=True)
class TypeOneParams(Params):
    """The type I model; defaults are the exercise package's."""

    g_1: float = param(4.4, "g₁ (fast, depolarising)", "1/mV", min=0.0, max=100.0, step=0.1,
                       help="gain of the instantaneous depolarising current m(v) (v - V₁)")
    g_2: float = param(8.0, "g₂ (recovery)", "1/mV", min=0.0, max=100.0, step=0.1,
                       help="gain of the recovery current w (v - V₂)")
    g_L: float = param(2.0, "g_L (leak)", min=0.0, max=100.0, step=0.1,
                       help="gain of the leak current (v - V_L)")
    V_1: float = param(120.0, "V₁", "mV", min=-200.0, max=200.0, step=1.0,
                       help="reversal potential of the depolarising current")
    V_2: float = param(-84.0, "V₂", "mV", min=-200.0, max=200.0, step=1.0,
                       help="reversal potential of the recovery current")
    V_L: float = param(-60.0, "V_L", "mV", min=-200.0, max=200.0, step=1.0,
                       help="reversal potential of the leak (and initial v)")
    phi: float = param(0.06666667, "φ", min=1e-4, max=10.0, step=0.01, decimals=8,
                       help="rate factor of the recovery variable w")
    R: float = param(100.0, "R", "GOhm", min=1e-3, max=1e4, step=1.0,
                     help="input resistance: R I (mV) drives v")
    I: float = param(0.0, "input current I", "pA", min=-100.0, max=100.0, step=0.01,
                     help="constant input (phase plane)")
    v0: float = param(-60.0, "initial v", "mV", min=-200.0, max=200.0, step=1.0,
                      help="v at t = 0 (the seed starts at V_L)")
    w0: float = param(0.0, "initial w", "mV", min=-10.0, max=10.0, step=0.01,
                      help="w at t = 0")


@dataclasses.dataclass(frozen=True)
class TypeTwoParams(Params):
    """The type II model; defaults are the exercise package's."""

    a: float = param(1.25, "a", min=0.0, max=100.0, step=0.05,
                     help="slope of the w-nullcline w = a (v + 0.7 mV)")
    tau: float = param(15.6, "τ", "ms", min=0.01, max=1e4, step=0.1,
                       help="time constant of the recovery variable w")
    R: float = param(1.0, "R", "GOhm", min=1e-3, max=1e4, step=0.1,
                     help="input resistance: R I (mV) drives v")
    I: float = param(0.0, "input current I", "pA", min=-100.0, max=100.0, step=0.01,
                     help="constant input (phase plane)")
    v0: float = param(0.0, "initial v", "mV", min=-10.0, max=10.0, step=0.1,
                      help="v at t = 0 (the seed starts at 0)")
    w0: float = param(0.0, "initial w", "mV", min=-10.0, max=10.0, step=0.1,
                      help="w at t = 0")


# ---------------------------------------------------------------- planar models (numpy)

def _sech2(x):
    return 1.0 / np.cosh(x) ** 2


def _m_inf(v):
    return 0.5 * (1.0 + np.tanh((v + 1.2) / 18.0))


def _w_inf(v):
    return 0.5 * (1.0 + np.tanh((v - 12.0) / 17.0))


def _one_drive(v, p):
    """20 ms dv/dt without the recovery term."""
    return -p.g_1 * _m_inf(v) * (v - p.V_1) - p.g_L * (v - p.V_L) + p.R * p.I


def _one_rhs(v, w, p):
    return ((_one_drive(v, p) - p.g_2 * w * (v - p.V_2)) / 20.0,
            p.phi * (_w_inf(v) - w) * np.cosh((v - 12.0) / 34.0))


def _one_jacobian(v, w, p):
    dm = 0.5 / 18.0 * _sech2((v + 1.2) / 18.0)
    dw_inf = 0.5 / 17.0 * _sech2((v - 12.0) / 17.0)
    c, s = np.cosh((v - 12.0) / 34.0), np.sinh((v - 12.0) / 34.0)
    return [[(-p.g_1 * (dm * (v - p.V_1) + _m_inf(v)) - p.g_2 * w - p.g_L) / 20.0,
             -p.g_2 * (v - p.V_2) / 20.0],
            [p.phi * (dw_inf * c + (_w_inf(v) - w) * s / 34.0), -p.phi * c]]


def _one_equilibria(p):
    """Zeros of dv/dt along the w-nullcline w = w_inf(v) (scanned from -200 to 200 mV)."""
    from scipy.optimize import brentq
    def f(v):
        return _one_drive(v, p) - p.g_2 * _w_inf(v) * (v - p.V_2)

    grid = np.linspace(-200.0, 200.0, 4001)
    values = f(grid)
    changes = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    roots = [brentq(f, grid[i], grid[i + 1], xtol=1e-12) for i in changes]
    return [(v, float(_w_inf(v))) for v in roots]


def _one_v_nullcline(v, p):
    """w where dv/dt = 0 (none at v = V_2)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return _one_drive(v, p) / (p.g_2 * (v - p.V_2))


TYPE_ONE_MODEL = PlanarModel(
    name="type I neuron", rhs=_one_rhs, x_name="v", y_name="w", x_label="v", y_label="w",
    x_unit="mV", y_unit="mV", t_unit="ms", jacobian=_one_jacobian,
    x_nullcline=_one_v_nullcline,
    y_nullcline=lambda v, p: _w_inf(v), equilibria=_one_equilibria)


def _two_rhs(v, w, p):
    return v - v ** 3 / 3.0 - w + p.R * p.I, (p.a * (v + 0.7) - w) / p.tau


def _two_equilibria(p):
    roots = np.roots([-1.0 / 3.0, 0.0, 1.0 - p.a, p.R * p.I - 0.7 * p.a])
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))].real
    return [(float(v), float(p.a * (v + 0.7))) for v in real]


TYPE_TWO_MODEL = PlanarModel(
    name="type II neuron", rhs=_two_rhs, x_name="v", y_name="w", x_label="v", y_label="w",
    x_unit="mV", y_unit="mV", t_unit="ms",
    jacobian=lambda v, w, p: [[1.0 - v * v, -1.0], [p.a / p.tau, -1.0 / p.tau]],
    x_nullcline=lambda v, p: v - v ** 3 / 3.0 + p.R * p.I,
    y_nullcline=lambda v, p: p.a * (v + 0.7), equilibria=_two_equilibria)


# ---------------------------------------------------------------- brian2 descriptions

COMMON_EQUATIONS = """
v_th : volt (shared)
"""

_ONE_EQUATIONS = """
w_inf = (0.5*mV)*(1 + tanh((v - 12*mV)/(17*mV))) : volt
tau_w = (1*ms)/cosh((v - 12*mV)/(34*mV)) : second
m_inf = (0.5*mV)*(1 + tanh((v + 1.2*mV)/(18*mV))) : volt
dv/dt = (-g_1*m_inf*(v - V_1) - g_2*w*(v - V_2) - g_L*(v - V_L) + R*I_stim)/(20*ms) : volt
dw/dt = phi*(w_inf - w)/tau_w : volt
g_1 : 1/volt (shared)
g_2 : 1/volt (shared)
g_L : 1 (shared)
V_1 : volt (shared)
V_2 : volt (shared)
V_L : volt (shared)
phi : 1 (shared)
R : ohm (shared)
"""

_TWO_EQUATIONS = """
dv/dt = (v - v**3/(3*mV**2) - w + R*I_stim)/ms : volt
dw/dt = (a*(v + 0.7*mV) - w)/tau : volt
a : 1 (shared)
tau : second (shared)
R : ohm (shared)
"""


def _one_values(p: TypeOneParams) -> dict:
    """Parameters in SI units (1/mV is 1000/V, GOhm 1e9 Ohm)."""
    return {"g_1": p.g_1 * 1e3, "g_2": p.g_2 * 1e3, "g_L": p.g_L, "V_1": p.V_1 * 1e-3,
            "V_2": p.V_2 * 1e-3, "V_L": p.V_L * 1e-3, "phi": p.phi, "R": p.R * 1e9}


def _two_values(p: TypeTwoParams) -> dict:
    return {"a": p.a, "tau": p.tau * 1e-3, "R": p.R * 1e9}


@dataclasses.dataclass(frozen=True)
class NeuronSpec:
    """One neuron type: its parameters, equations (brian2 and numpy) and phase-plane view."""

    slug: str
    params: Params
    planar: PlanarModel
    equations: str
    values: Callable[[Params], dict]
    v_lim: tuple[float, float]
    w_lim: tuple[float, float]
    description: str


SPECS = {
    TYPE_ONE: NeuronSpec("type1", TypeOneParams(), TYPE_ONE_MODEL, _ONE_EQUATIONS,
                         _one_values, (-80.0, 60.0), (-0.1, 0.8),
                         "a Morris-Lecar-like reduction: saddle-node on invariant circle"),
    TYPE_TWO: NeuronSpec("type2", TypeTwoParams(), TYPE_TWO_MODEL, _TWO_EQUATIONS,
                         _two_values, (-2.5, 2.5), (-1.0, 2.5),
                         "a FitzHugh-Nagumo variant: Hopf bifurcation"),
}
"""The two types by name ("Type I", "Type II")."""


def spec_of(neuron_type: str) -> NeuronSpec:
    try:
        return SPECS[neuron_type]
    except KeyError:
        raise ValueError(f"unknown neuron type '{neuron_type}' (use {TYPE_ONE!r} or "
                         f"{TYPE_TWO!r})") from None


# ---------------------------------------------------------------- results

V_TH_MV = 0.5
"""Spike detection threshold (an upward crossing of v)."""
DT_MS = 0.1
"""Integration step (ms) of the sweeps and the scripting API (brian2's default, as the seed)."""


@dataclasses.dataclass
class Traces:
    """Runs of one neuron, one row per amplitude: t (ms), v and w (mV), I (pA)."""

    t_ms: np.ndarray
    v_mV: np.ndarray
    w_mV: np.ndarray
    I_pA: np.ndarray
    amplitudes_pA: np.ndarray
    completed: bool = True
    path: str = "numpy"
    """Which simulator ran: "standalone" (the compiled fast path) or brian2's "numpy"."""
    path_note: str = ""
    """Why it was not the fast path ("" if it was)."""
    spikes_ms: list | None = None
    """Spike times (ms) per amplitude, found at every step, where the traces keep fewer
    samples (the tab's runs); None: ``spike_counts`` finds them in the traces."""

    t = property(lambda self: self.t_ms, doc="time (ms), as the seed's rec.t")
    v = property(lambda self: self.v_mV, doc="v (mV), one row per neuron, as rec.v")
    w = property(lambda self: self.w_mV, doc="w (mV), one row per neuron, as rec.w")
    I = property(lambda self: self.I_pA, doc="current (pA), one row per neuron, as rec.I")  # noqa: E741

    def spike_counts(self) -> list[int]:
        if self.spikes_ms is not None:
            return [len(train) for train in self.spikes_ms]
        return [len(spikes.get_spiketimes(self.t_ms, v, V_TH_MV)) for v in self.v_mV]

    def shown(self, samples: int) -> "Traces":
        """These traces with at most about ``samples`` samples each (every k-th step; all if
        0), their spike times found at every step first (``spikes_ms``)."""
        every = -(-len(self.t_ms) // samples) if samples else 1
        if every <= 1:
            return self
        return dataclasses.replace(
            self, t_ms=self.t_ms[::every].copy(), v_mV=self.v_mV[:, ::every].copy(),
            w_mV=self.w_mV[:, ::every].copy(), I_pA=self.I_pA[:, ::every].copy(),
            spikes_ms=[spikes.get_spiketimes(self.t_ms, v, V_TH_MV) for v in self.v_mV])
