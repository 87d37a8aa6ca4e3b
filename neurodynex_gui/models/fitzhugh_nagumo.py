"""FitzHugh-Nagumo model (Neuronal Dynamics, ch. 4.3), dimensionless:

    du/dt = u (1 - u^2) - w + I
    dw/dt = eps (u - 0.5 w + 0.5 a)

u is the voltage-like variable (called v in the seed package and in the scripting names v0,
get_trajectory's v), w the recovery variable; time is dimensionless too. Nullclines:
w = u - u^3 + I (du/dt = 0) and w = 2 u + a (dw/dt = 0). The fixed point is the single real
root of u^3 + u + a - I = 0; it loses stability (Hopf) where the trace of the Jacobian,
1 - 3 u^2 - eps/2, vanishes, i.e. at u^2 = (1 - eps/2) / 3.

The broader note's form (a choice of ``form``, with its own ``b``):

    dV/dt = V - V^3/3 - w + I,   dw/dt = eps (b V - w + a)

with nullclines w = V - V^3/3 + I and w = b V + a; for b < 1 it can have three fixed points.

Trajectories are integrated with scipy (LSODA via odeint): for a 2-D ODE this takes a few
milliseconds, far less than brian2's set-up alone, so brian2 is not used here.
The function names and arguments follow neurodynex3.phase_plane_analysis.fitzhugh_nagumo; the
current is ``I`` (the book's name) or ``I_ext`` (the seed's name).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import ParamError, Params, checked, param
from .planar import (BifurcationScan, BifurcationSweep, PlanarModel, Trajectory, bifurcation_scan,
                     flow_field, scan_sweep, trajectory)

V_LIM = (-2.5, 2.5)
W_LIM = (-2.5, 5.5)
DT_OUT = 0.1


FORMS = ("exercise", "note")


@dataclasses.dataclass(frozen=True)
class FHNParams(Params):
    I_ext: float = param(0.0, "input I", min=-10.0, max=10.0, step=0.05, decimals=3,
                         help="constant input added to du/dt; shifts the u-nullcline up")
    eps: float = param(0.1, "ε (time-scale ratio)", min=0.001, max=10.0, step=0.01, decimals=3,
                       help="inverse time constant of the recovery variable w")
    a: float = param(2.0, "a (w-nullcline offset)", min=-10.0, max=10.0, step=0.1, decimals=3,
                     help="offset of the w-nullcline w = 2 u + a (the note's form: w = b V + a)")
    v0: float = param(0.0, "initial u", min=-10.0, max=10.0, step=0.1, decimals=3,
                      help="initial value of u (the seed's v) for the trajectory of Run")
    w0: float = param(0.0, "initial w", min=-10.0, max=10.0, step=0.1, decimals=3,
                      help="initial value of w for the trajectory of Run")
    tend: float = param(500.0, "duration", min=1.0, max=10000.0, step=10.0, decimals=1,
                        help="integration time of every trajectory (dimensionless time)")
    form: str = param(FORMS[0], "equations", choices=FORMS,
                      help="the exercise's du/dt = u(1 - u²) - w + I, dw/dt = ε(u - w/2 + a/2), "
                           "or the note's dV/dt = V - V³/3 - w + I, dw/dt = ε(b V - w + a)")
    b: float = param(0.8, "b (w-nullcline slope)", min=-10.0, max=10.0, step=0.05, decimals=3,
                     show_when=("form", (FORMS[1],)),
                     help="the note's form: slope of the w-nullcline w = b V + a")


@dataclasses.dataclass(frozen=True)
class BifurcationInputs(Params):
    I_min: float = param(0.0, "from I", min=-10.0, max=10.0, step=0.1, decimals=3,
                         help="first value of the input I in the bifurcation view")
    I_max: float = param(4.0, "to I", min=-10.0, max=10.0, step=0.1, decimals=3,
                         help="last value of the input I in the bifurcation view")
    n_values: int = param(400, "values of I", min=3, max=5000, step=50,
                          help="number of values of I, evenly spaced")

    def check(self) -> None:
        if self.I_max <= self.I_min:
            raise ParamError("I_max", "must be larger than 'from I'")


@dataclasses.dataclass(frozen=True)
class FlowInputs(Params):
    """The grid of :func:`get_flow`."""

    n: int = param(20, "arrows per axis", min=2, max=500, step=1,
                   help="the flow is computed on an n x n grid")


def _coefficients(p):
    """(c3, g, B): du/dt = u - c3 u^3 - w + I and dw/dt = eps g (B u - w + a) in both forms."""
    if getattr(p, "form", FORMS[0]) == FORMS[1]:
        return 1.0 / 3.0, 1.0, p.b
    return 1.0, 0.5, 2.0


def _rhs(v, w, p):
    c3, g, B = _coefficients(p)
    return v - c3 * v * v * v - w + p.I_ext, p.eps * g * (B * v - w + p.a)


def _jacobian(v, _w, p):
    c3, g, B = _coefficients(p)
    return [[1.0 - 3.0 * c3 * v * v, -1.0], [p.eps * g * B, -g * p.eps]]


def _equilibria(p):
    c3, _g, B = _coefficients(p)
    roots = np.roots([c3, 0.0, B - 1.0, p.a - p.I_ext])
    real = roots[np.abs(roots.imag) <= 1e-9 * np.maximum(1.0, np.abs(roots))].real
    return [(v, B * v + p.a) for v in sorted(real)]


def _stability(p):
    """Trace of the Jacobian at the fixed point (its determinant is positive when the fixed
    point is unique); with several fixed points, the largest real part of the eigenvalues at
    the most stable one."""
    points = _equilibria(p)
    if len(points) == 1:
        (v, w), = points
        J = _jacobian(v, w, p)
        return J[0][0] + J[1][1]
    return min(float(np.max(np.linalg.eigvals(np.array(_jacobian(v, w, p), float)).real))
               for v, w in points)


FHN = PlanarModel(
    name="FitzHugh-Nagumo", rhs=_rhs, x_name="v", y_name="w", x_label="u", y_label="w",
    x_unit="dimensionless", y_unit="dimensionless", t_unit="dimensionless",
    jacobian=_jacobian,
    x_nullcline=lambda v, p: v - _coefficients(p)[0] * v**3 + p.I_ext,
    y_nullcline=lambda v, p: _coefficients(p)[2] * v + p.a,
    equilibria=_equilibria, stability=_stability,
)


@checked(FHNParams)
def critical_currents(eps: float = 0.1, a: float = 2.0) -> tuple[float, ...]:
    """Currents I where the fixed point changes stability (empty when eps >= 2)."""
    if eps >= 2.0:
        return ()
    v = np.sqrt((1.0 - eps / 2.0) / 3.0)
    return (float(a - v**3 - v), float(a + v**3 + v))


@checked()
def simulate(params: FHNParams, *, on_chunk=None, should_stop=None) -> Trajectory:
    """Trajectory (t, v, w) from (params.v0, params.w0) for params.tend, sampled every 0.1."""
    return trajectory(FHN, params, params.v0, params.w0, params.tend, dt_out=DT_OUT,
                      on_chunk=on_chunk, should_stop=should_stop)


@checked(BifurcationInputs)
def scan_current(params: FHNParams, I_min=0.0, I_max=4.0, n_values=400, *, on_chunk=None,
                 should_stop=None) -> BifurcationScan:
    """Fixed point, eigenvalues and limit-cycle extent for ``n_values`` currents from I_min to
    I_max (the other parameters from ``params``); see :func:`planar.bifurcation_scan`."""
    return bifurcation_scan(FHN, params, "I_ext", np.linspace(I_min, I_max, n_values))


@checked(BifurcationInputs)
def bifurcation_view(params: FHNParams, I_min=0.0, I_max=4.0, n_values=400, *, on_chunk=None,
                     should_stop=None) -> BifurcationSweep:
    """:func:`scan_current` as the tab's tool result: eigenvalues and u extent against I."""
    return scan_sweep(scan_current(params, I_min, I_max, n_values), "I", FHN.x_label,
                      "dimensionless")


def _current(I, I_ext):
    """The input current given as ``I`` or as the seed's ``I_ext`` (not two different ones)."""
    if I_ext is None:
        return I
    if I != 0.0 and I != I_ext:
        raise TypeError(f"the current is given twice: I={I} and I_ext={I_ext}")
    return I_ext


@checked(FHNParams, I="I_ext")
def get_trajectory(v0=0., w0=0., I=0., eps=0.1, a=2.0, tend=500., *, I_ext=None):
    """Solve the equations from (v0, w0) for ``tend``; returns (t, v, w) arrays, step 0.1."""
    params = FHNParams(I_ext=_current(I, I_ext), eps=eps, a=a, v0=v0, w0=w0, tend=tend)
    return tuple(simulate(params))


@checked(FHNParams, I="I_ext")
def get_fixed_point(I=0., eps=0.1, a=2.0, *, I_ext=None):
    """The fixed point (v, w): the real root of v^3 + v + a - I = 0, and w = 2 v + a."""
    (v, w), = _equilibria(FHNParams(I_ext=_current(I, I_ext), eps=eps, a=a))
    return float(v), float(w)


@checked(FHNParams)
def get_jacobian(v0, w0, eps=0.1):
    """Jacobian (2 x 2 array) of the equations at (v0, w0); it does not depend on w0, I, a."""
    return np.array(_jacobian(v0, w0, FHNParams(eps=eps)), float)


@checked(FHNParams, FlowInputs, I="I_ext", vlim="v0", wlim="w0")
def get_flow(I=0., eps=0.1, a=2.0, vlim=V_LIM, wlim=W_LIM, n=20, *, I_ext=None):
    """Flow field on an n x n grid: (V, W, dV, dW) arrays, as drawn by the seed's plot_flow."""
    return flow_field(FHN, FHNParams(I_ext=_current(I, I_ext), eps=eps, a=a), vlim, wlim, n)


@checked(FHNParams, I="I_ext")
def plot_flow(I=0., eps=0.1, a=2.0, *, I_ext=None, show=True):
    """Draw the flow field (arrows coloured by speed) and both nullclines, v in [-2.5, 2.5]
    and w in [-2.5, 5.5], with matplotlib: the seed's ``plot_flow``; returns the figure
    (``show`` calls ``plt.show()``)."""
    from .exercise import check_flag
    from .exercise_plots import flow_figure

    check_flag(show, "show")
    params = FHNParams(I_ext=_current(I, I_ext), eps=eps, a=a)
    V, W, dV, dW = flow_field(FHN, params, V_LIM, W_LIM, 25)
    v = np.linspace(*V_LIM, 201)
    return flow_figure(V, W, dV, dW, v, FHN.x_nullcline(v, params), FHN.y_nullcline(v, params),
                       params.I_ext, show=show)
