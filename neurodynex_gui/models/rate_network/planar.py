"""Two-population rate models as planar models for the shared phase plane.

Wilson-Cowan (excitatory E and inhibitory I population, Wilson & Cowan 1972):

    tau_E dE/dt = -E + S_E(w_EE E - w_EI I + P)
    tau_I dI/dt = -I + S_I(w_IE E - w_II I + Q),    S(x) = 1 / (1 + exp(-a (x - theta)))

Reduced decision model (Neuronal Dynamics, ch. 16.3: two excitatory populations sharing one
fast linear inhibitory population, eliminated), in the input potentials h1, h2:

    tau_E dh1/dt = -h1 + (w_EE - alpha) g(h1) - alpha g(h2) + I0 + bias
    tau_E dh2/dt = -h2 + (w_EE - alpha) g(h2) - alpha g(h1) + I0 - bias

Time is in ms, activities and potentials are dimensionless.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from ..params import ParamError, Params, checked, param
from ..planar import BifurcationSweep, PlanarModel, bifurcation_scan, scan_sweep

WC_LIM = ((-0.05, 1.0), (-0.05, 1.0))
DECISION_LIM = ((-0.6, 1.6), (-0.6, 1.6))


def sigmoid(x, a, theta):
    return 0.5 * (1.0 + np.tanh(0.5 * a * (x - theta)))


def _weight(value: float, label: str, help_text: str):
    return param(value, label, min=0.0, max=100.0, step=0.5, decimals=3, help=help_text)


@dataclasses.dataclass(frozen=True)
class WilsonCowanParams(Params):
    w_EE: float = _weight(12.0, "w_EE", "excitation of E by E")
    w_EI: float = _weight(16.0, "w_EI", "inhibition of E by I")
    w_IE: float = _weight(16.0, "w_IE", "excitation of I by E")
    w_II: float = _weight(1.0, "w_II", "inhibition of I by I")
    a_E: float = param(1.3, "slope a_E", min=0.01, max=100.0, step=0.1, decimals=3,
                       help="slope of the excitatory sigmoid S_E")
    theta_E: float = param(4.0, "threshold θ_E", min=-50.0, max=50.0, step=0.1, decimals=3,
                           help="threshold of the excitatory sigmoid")
    a_I: float = param(2.0, "slope a_I", min=0.01, max=100.0, step=0.1, decimals=3,
                       help="slope of the inhibitory sigmoid S_I")
    theta_I: float = param(3.7, "threshold θ_I", min=-50.0, max=50.0, step=0.1, decimals=3,
                           help="threshold of the inhibitory sigmoid")
    P: float = param(3.0, "input P to E", min=-20.0, max=20.0, step=0.05, decimals=3,
                     help="external input of the excitatory population (the Hopf parameter)")
    Q: float = param(0.0, "input Q to I", min=-20.0, max=20.0, step=0.05, decimals=3,
                     help="external input of the inhibitory population")
    tau_E: float = param(10.0, "τ_E", "ms", min=0.1, max=1000.0, step=1.0, decimals=2,
                         help="time constant of the excitatory population")
    tau_I: float = param(10.0, "τ_I", "ms", min=0.1, max=1000.0, step=1.0, decimals=2,
                         help="time constant of the inhibitory population")
    E0: float = param(0.1, "initial E", min=-1.0, max=2.0, step=0.05, decimals=3,
                      help="start of the trajectory of Run")
    I0: float = param(0.05, "initial I", min=-1.0, max=2.0, step=0.05, decimals=3,
                      help="start of the trajectory of Run")
    t_end: float = param(500.0, "duration", "ms", min=1.0, max=1e5, step=50.0, decimals=1,
                         help="integration time of every trajectory")


@dataclasses.dataclass(frozen=True)
class DecisionParams(Params):
    w_EE: float = param(1.5, "w_EE (self)", min=0.0, max=20.0, step=0.1, decimals=3,
                        help="recurrent excitation within each population")
    alpha: float = param(1.0, "shared α", min=0.0, max=20.0, step=0.1, decimals=3,
                         help="strength of the inhibition both populations share")
    beta: float = param(4.0, "slope β of g", min=0.01, max=100.0, step=0.1, decimals=3,
                        help="slope of the sigmoid g(h) = 1/(1+exp(-β (h-θ)))")
    theta: float = param(0.5, "threshold θ of g", min=-20.0, max=20.0, step=0.05, decimals=3,
                         help="threshold of the sigmoid g")
    I0: float = param(0.8, "common input", min=-20.0, max=20.0, step=0.05, decimals=3,
                      help="input to both populations")
    bias: float = param(0.0, "bias", min=-20.0, max=20.0, step=0.01, decimals=3,
                        help="added to the input of population 1, taken from population 2 "
                             "(the evidence for choice 1)")
    tau_E: float = param(10.0, "τ_E", "ms", min=0.1, max=1000.0, step=1.0, decimals=2,
                         help="time constant of the excitatory populations")
    h1_0: float = param(0.3, "initial h1", min=-5.0, max=5.0, step=0.05, decimals=3,
                        help="start of the trajectory of Run")
    h2_0: float = param(0.2, "initial h2", min=-5.0, max=5.0, step=0.05, decimals=3,
                        help="start of the trajectory of Run")
    t_end: float = param(200.0, "duration", "ms", min=1.0, max=1e5, step=50.0, decimals=1,
                         help="integration time of every trajectory")


@dataclasses.dataclass(frozen=True)
class HopfScan(Params):
    """The inputs P of the Wilson-Cowan bifurcation view."""

    P_min: float = param(0.0, "from P", min=-20.0, max=20.0, step=0.1, decimals=3,
                         help="first value of the input P")
    P_max: float = param(5.0, "to P", min=-20.0, max=20.0, step=0.1, decimals=3,
                         help="last value of the input P")
    n_P: int = param(101, "values of P", min=3, max=2000, step=10,
                     help="number of values of P, evenly spaced")

    def check(self) -> None:
        if self.P_max <= self.P_min:
            raise ParamError("P_max", "must be larger than 'from P'")


def _wc_rhs(E, I, p):
    return ((-E + sigmoid(p.w_EE * E - p.w_EI * I + p.P, p.a_E, p.theta_E)) / p.tau_E,
            (-I + sigmoid(p.w_IE * E - p.w_II * I + p.Q, p.a_I, p.theta_I)) / p.tau_I)


def _slope(x, a, theta):
    s = sigmoid(x, a, theta)
    return a * s * (1.0 - s)


def _wc_jacobian(E, I, p):
    sE = _slope(p.w_EE * E - p.w_EI * I + p.P, p.a_E, p.theta_E)
    sI = _slope(p.w_IE * E - p.w_II * I + p.Q, p.a_I, p.theta_I)
    return [[(-1.0 + p.w_EE * sE) / p.tau_E, -p.w_EI * sE / p.tau_E],
            [p.w_IE * sI / p.tau_I, (-1.0 - p.w_II * sI) / p.tau_I]]


wilson_cowan = PlanarModel(
    name="Wilson-Cowan", rhs=_wc_rhs, x_name="E", y_name="I", x_label="E", y_label="I",
    x_unit="activity", y_unit="activity", t_unit="ms", jacobian=_wc_jacobian)


def _decision_rhs(h1, h2, p):
    g1, g2 = sigmoid(h1, p.beta, p.theta), sigmoid(h2, p.beta, p.theta)
    own = p.w_EE - p.alpha
    return ((-h1 + own * g1 - p.alpha * g2 + p.I0 + p.bias) / p.tau_E,
            (-h2 + own * g2 - p.alpha * g1 + p.I0 - p.bias) / p.tau_E)


def _decision_jacobian(h1, h2, p):
    s1, s2 = _slope(h1, p.beta, p.theta), _slope(h2, p.beta, p.theta)
    own = p.w_EE - p.alpha
    return [[(-1.0 + own * s1) / p.tau_E, -p.alpha * s2 / p.tau_E],
            [-p.alpha * s1 / p.tau_E, (-1.0 + own * s2) / p.tau_E]]


decision_model = PlanarModel(
    name="Decision (two populations)", rhs=_decision_rhs, x_name="h1", y_name="h2",
    x_label="h1", y_label="h2", x_unit="input potential", y_unit="input potential",
    t_unit="ms", jacobian=_decision_jacobian)


@checked(HopfScan)
def wilson_cowan_bifurcation(wc: WilsonCowanParams, P_min=0.0, P_max=5.0, n_P=101, *,
                             on_chunk=None, should_stop=None) -> BifurcationSweep:
    """Fixed point, eigenvalues and the extent of E's attractor against the input P (the other
    parameters from ``wc``); the Hopf points are where the eigenvalues' real part crosses 0."""
    scan = bifurcation_scan(wilson_cowan, wc, "P", np.linspace(P_min, P_max, n_P),
                            xlim=WC_LIM[0], ylim=WC_LIM[1], t_transient=1000.0,
                            t_measure=500.0)
    return scan_sweep(scan, "P", "E")
