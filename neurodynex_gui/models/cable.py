"""The passive cable (Neuronal Dynamics, ch. 3.2-3.4; neurodynex3 ``cable_equation.passive_cable``).

    lambda^2 d2V/dx2 = tau dV/dt + (V - E_leak) - (injected current term)
    lambda = sqrt(d R_T / (4 R_L)),   tau = R_T C

with neurodynex3's names, units and defaults: a 500 um cable of 2 um diameter, R_L 0.5 kOhm mm,
R_T 1.25 MOhm mm^2, E_leak -70 mV, 0.8 uF/cm^2, 200 compartments, 5 ms, a 0.2 nA step from 2 to
3 ms at a third of its length. Usage from a notebook::

    from neurodynex_gui.models import cable
    run = cable.simulate_passive_cable(input_current=(0.1, 0.0, 50.0), simulation_time=60)
    run.t, run.x, run.v          # ms, um, mV (time x compartment)
    cable.length_constant(2.0, 0.5, 1.25)   # 1118 um
    cable.time_constant(1.25, 0.8)          # 10 ms

Integrated with :mod:`.compartments` (numpy/scipy, implicit), not brian2: a cable is one
tridiagonal linear system per step, done in microseconds.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import compartments as cm
from .params import Params, ParamError, checked, param

ENDS = ("sealed", "killed")
KINDS = ("step", "pulse", "sinusoid", "short pulse")
MAX_VALUES = 25_000_000  # potentials kept per run (200 MB)
SHORT_PULSE_MS = 0.1  # width of the "short pulse" (the Green's function's delta)


@dataclasses.dataclass(frozen=True)
class CableParams(Params):
    """A uniform passive cable, in neurodynex3's units."""

    length: float = param(500.0, "length", "um", min=1.0, max=100000.0, step=100.0)
    diameter: float = param(2.0, "diameter d", "um", min=0.01, max=100.0, step=0.5)
    r_longitudinal: float = param(0.5, "axial resistivity R_L", "kOhm mm", min=0.001,
                                  max=100.0, step=0.1,
                                  help="Intracellular resistivity (0.5 kOhm mm = 50 Ohm cm).")
    r_transversal: float = param(1.25, "membrane resistance R_T", "MOhm mm^2", min=0.001,
                                 max=1000.0, step=0.25,
                                 help="Specific membrane resistance (1.25 MOhm mm^2 = "
                                      "12.5 kOhm cm^2): the leak.")
    e_leak: float = param(-70.0, "resting potential E_leak", "mV", min=-200.0, max=100.0,
                          step=1.0)
    capacitance: float = param(0.8, "capacitance C", "uF/cm^2", min=0.01, max=100.0,
                               step=0.1)
    nr_compartments: int = param(200, "compartments", "", min=2, max=20000, step=50)
    simulation_time: float = param(5.0, "duration", "ms", min=0.01, max=10000.0, step=5.0)
    dt: float = param(0.01, "time step dt", "ms", min=0.0001, max=10.0, step=0.005,
                      help="Implicit (backward Euler) step: stable for any dt, accurate for "
                           "dt well below tau.")
    end: str = param("sealed", "end at x = length", choices=ENDS,
                     help="sealed: no current leaves (dV/dx = 0); killed: V = E_leak there "
                          "(an open, cut end). The end at x = 0 is sealed.")
    record_dt: float = param(0.01, "record every", "ms", min=0.0001, max=1000.0, step=0.01,
                             help="Time between the rows of v kept (a multiple of dt).")


@dataclasses.dataclass(frozen=True)
class InjectionParams(Params):
    """The current injected at one or two places, the same waveform at each."""

    kind: str = param("pulse", "waveform", choices=KINDS,
                      help="step: on from t_start; pulse: from t_start to t_end; sinusoid: "
                           "amplitude sin(2 pi f (t - t_start)) from t_start to t_end; short "
                           f"pulse: {SHORT_PULSE_MS:g} ms at t_start (the Green's function).")
    amplitude: float = param(0.2, "amplitude", "nA", min=-1000.0, max=1000.0, step=0.05)
    t_start: float = param(2.0, "start", "ms", min=0.0, max=10000.0, step=0.5)
    t_end: float = param(3.0, "end", "ms", min=0.0, max=10000.0, step=0.5,
                         show_when=("kind", ("pulse", "sinusoid")))
    frequency: float = param(200.0, "frequency f", "Hz", min=0.0, max=100000.0, step=10.0,
                             show_when=("kind", ("sinusoid",)))
    location: float = param(500.0 / 3, "place", "um", min=0.0, max=100000.0, step=10.0,
                            help="Distance from the x = 0 end; click on the heat map's "
                                 "axis... or type it.")
    sites: str = param("one", "places", choices=("one", "two"))
    location_2: float = param(400.0, "second place", "um", min=0.0, max=100000.0, step=10.0,
                              show_when=("sites", ("two",)))


@dataclasses.dataclass
class CableResult:
    """``v[i, j]`` (mV) at time ``t[i]`` (ms) in compartment j centred at ``x[j]`` (um)."""

    t: np.ndarray
    x: np.ndarray
    v: np.ndarray
    injection_x: np.ndarray        # um, the places of the current
    injection_index: np.ndarray    # their compartments
    current: np.ndarray            # nA, per time step and place
    params: CableParams
    completed: bool = True


# -- the cable's constants and steady states ------------------------------------------------------

@checked("CableParams", diameter_um="diameter")
def length_constant(diameter_um=2.0, r_longitudinal=0.5, r_transversal=1.25) -> float:
    """lambda = sqrt(d R_T / (4 R_L)) in um (d in um, R_L in kOhm mm, R_T in MOhm mm^2)."""
    return float(np.sqrt(diameter_um * r_transversal * 1e6 / (4 * r_longitudinal)))


@checked("CableParams")
def time_constant(r_transversal=1.25, capacitance=0.8) -> float:
    """tau = R_T C in ms (R_T in MOhm mm^2, C in uF/cm^2)."""
    return float(r_transversal * capacitance * 10.0)


@checked("CableParams", amplitude="amplitude", x=None, location=None)
def steady_state(x, location=500.0 / 3, amplitude=0.2, length=500.0, diameter=2.0,
                 r_longitudinal=0.5, r_transversal=1.25, e_leak=-70.0, end="sealed"):
    """The analytic steady state V(x) (mV) of a finite cable (sealed at 0; ``end`` at
    ``length`` sealed or killed) with a DC ``amplitude`` (nA) injected at ``location`` (um;
    a sequence of places: their sum). With r_a = 4 R_L / (pi d^2) per um and x<, x> the
    smaller and larger of x and the place:
    sealed  V - E = I r_a lambda cosh(x< / lambda) cosh((L - x>) / lambda) / sinh(L / lambda)
    killed  V - E = I r_a lambda cosh(x< / lambda) sinh((L - x>) / lambda) / cosh(L / lambda)
    """
    x = np.asarray(x, float)
    lam = length_constant(diameter, r_longitudinal, r_transversal)
    r_a = 4 * r_longitudinal / (np.pi * diameter ** 2)  # MOhm per um
    u = np.zeros_like(x)
    for place in np.atleast_1d(location):
        near, far = np.minimum(x, place), np.maximum(x, place)
        if end == "sealed":
            u += amplitude * r_a * lam * _cosh_ratio(near, length - far, length, lam, "sealed")
        else:
            u += amplitude * r_a * lam * _cosh_ratio(near, length - far, length, lam, "killed")
    return e_leak + u


@checked("CableParams", x=None, t=None, location=None, charge_pC=None)
def green_function(x, t, location=500.0 / 3, charge_pC=1.0, diameter=2.0,
                   r_longitudinal=0.5, r_transversal=1.25, capacitance=0.8, e_leak=-70.0):
    """V(x, t) (mV) of an infinite cable after a charge ``charge_pC`` (pC = nA ms) put in at
    ``location`` (um) at t = 0 (ms): with c = C pi d the capacitance per length,
    V - E = Q / (c sqrt(4 pi lambda^2 t / tau)) exp(-t / tau - (x - x0)^2 tau / (4 lambda^2 t))
    (E at t <= 0). ``x`` and ``t`` broadcast."""
    x, t = np.asarray(x, float), np.asarray(t, float)
    lam = length_constant(diameter, r_longitudinal, r_transversal)
    tau = time_constant(r_transversal, capacitance)
    c_per_um = capacitance * 1e-5 * np.pi * diameter  # nF/um
    safe = np.where(t > 0, t, 1.0)
    u = charge_pC / (c_per_um * np.sqrt(4 * np.pi * lam ** 2 * safe / tau)) * \
        np.exp(-safe / tau - (x - location) ** 2 * tau / (4 * lam ** 2 * safe))
    return e_leak + np.where(t > 0, u, 0.0)


def _cosh_ratio(a, b, length, lam, end):
    """cosh(a/l) cosh(b/l) / sinh(L/l) (sealed) or cosh(a/l) sinh(b/l) / cosh(L/l) (killed),
    computed without overflow for long cables (a + b <= L)."""
    a, b, big = a / lam, b / lam, length / lam
    left = 0.5 * (np.exp(a - big) + np.exp(-a - big))
    right = 0.5 * (np.exp(b) + (1 if end == "sealed" else -1) * np.exp(-b))
    norm = 0.5 * (1 + (-1 if end == "sealed" else 1) * np.exp(-2 * big))
    return left * right / norm


# -- the current ---------------------------------------------------------------------------------

@checked("InjectionParams")
def injection_waveform(n_steps=500, dt=0.01, kind="pulse", amplitude=0.2, t_start=2.0,
                       t_end=3.0, frequency=200.0) -> np.ndarray:
    """The current (nA) during each of ``n_steps`` steps of ``dt`` ms (sampled at the step's
    start), of one of the waveforms of :class:`InjectionParams`."""
    t = np.arange(int(n_steps)) * dt
    if kind == "step":
        return np.where(t >= t_start - 1e-9 * dt, amplitude, 0.0)
    if kind == "short pulse":
        return np.where((t >= t_start - 1e-9 * dt) & (t < t_start + SHORT_PULSE_MS - 1e-9 * dt),
                        amplitude, 0.0)
    on = (t >= t_start - 1e-9 * dt) & (t < t_end - 1e-9 * dt)
    if kind == "pulse":
        return np.where(on, amplitude, 0.0)
    return np.where(on, amplitude * np.sin(2 * np.pi * frequency * 1e-3 * (t - t_start)), 0.0)


def _currents(input_current, n_sites: int, n_steps: int, dt: float) -> np.ndarray:
    """Step x place array (nA) from a constant, a (amplitude, t_start, t_end) step or an
    array sampled every dt (one column per place; shorter arrays are padded with 0)."""
    if np.isscalar(input_current):
        values = np.full((n_steps, n_sites), float(input_current))
    elif isinstance(input_current, tuple) and len(input_current) == 3 and \
            all(np.isscalar(item) for item in input_current):
        amplitude, start, stop = map(float, input_current)
        if stop < start:
            raise ParamError("input_current", "the step ends before it starts")
        column = injection_waveform(n_steps, dt, "pulse", amplitude, start, stop)
        values = np.repeat(column[:, None], n_sites, axis=1)
    else:
        array = np.asarray(input_current, float)
        if array.ndim == 1:
            array = np.repeat(array[:, None], n_sites, axis=1)
        if array.ndim != 2 or array.shape[1] != n_sites:
            raise ParamError("input_current", f"needs one column per place ({n_sites}), "
                                              f"got shape {np.shape(input_current)}")
        values = np.zeros((n_steps, n_sites))
        values[:min(n_steps, len(array))] = array[:n_steps]
    if not np.isfinite(values).all():
        raise ParamError("input_current", "must be finite")
    return values


# -- the simulation ------------------------------------------------------------------------------

@checked("CableParams")
def cable_model(length=500.0, diameter=2.0, r_longitudinal=0.5, r_transversal=1.25,
                capacitance=0.8, nr_compartments=200, end="sealed") -> cm.Compartments:
    """The compartments of a uniform cable (centres at (j + 1/2) length / n)."""
    h = length / nr_compartments
    area = np.full(nr_compartments, np.pi * diameter * h)
    g_axial = float(cm.axial_conductance_uS(diameter, h, r_longitudinal))
    edges = [(j, j + 1, g_axial) for j in range(nr_compartments - 1)]
    grounds = {nr_compartments - 1: 2 * g_axial} if end == "killed" else {}
    return cm.Compartments(cm.membrane_capacitance_nF(area, capacitance),
                           cm.leak_conductance_uS(area, r_transversal), edges, grounds)


@checked("CableParams", current_injection_location=None, input_current=None,
         initial_voltage="e_leak")
def simulate_passive_cable(current_injection_location=None, input_current=(0.2, 2.0, 3.0),
                           length=500.0, diameter=2.0, r_longitudinal=0.5, r_transversal=1.25,
                           e_leak=-70.0, initial_voltage=-70.0, capacitance=0.8,
                           nr_compartments=200, simulation_time=5.0, dt=0.01, end="sealed",
                           record_dt=None, *, on_chunk=None, should_stop=None) -> CableResult:
    """neurodynex3's ``simulate_passive_cable`` in plain numbers: places in um (default
    [length / 3]), the current in nA (a constant, an (amplitude, t_start_ms, t_end_ms) step,
    or an array sampled every dt, one column per place), times in ms, potentials in mV.
    The current at a place flows into the compartment that contains it, as in neurodynex3.
    ``record_dt`` (ms, default dt) thins the rows of ``v``. Returns a :class:`CableResult`."""
    places = np.atleast_1d(np.asarray(length / 3 if current_injection_location is None
                                      else current_injection_location, float))
    if places.ndim != 1 or not len(places) or not np.isfinite(places).all() or \
            (places < 0).any() or (places > length).any():
        raise ParamError("current_injection_location",
                         f"places must lie on the cable, 0 to {length:g} um")
    n_steps = int(round(simulation_time / dt))
    every = max(1, int(round((dt if record_dt is None else record_dt) / dt)))
    if (n_steps // every + 1) * nr_compartments > MAX_VALUES:
        raise ParamError("record_dt", f"{n_steps // every + 1} rows of {nr_compartments} "
                                      "compartments is too much to keep: record less often "
                                      "(a larger record_dt) or use fewer compartments")
    currents = _currents(input_current, len(places), n_steps, dt)
    h = length / nr_compartments
    index = np.minimum((places / h).astype(int), nr_compartments - 1)
    model = cable_model(length, diameter, r_longitudinal, r_transversal, capacitance,
                        nr_compartments, end)
    u0 = np.full(nr_compartments, initial_voltage - e_leak)
    t, v, completed = cm.integrate(model, dt, n_steps, index, currents, u0=u0,
                                   record_every=every, on_chunk=on_chunk,
                                   should_stop=should_stop, offset=e_leak)
    params = CableParams(length=length, diameter=diameter, r_longitudinal=r_longitudinal,
                         r_transversal=r_transversal, e_leak=e_leak, capacitance=capacitance,
                         nr_compartments=nr_compartments, simulation_time=simulation_time,
                         dt=dt, end=end, record_dt=dt * every)
    return CableResult(t, (np.arange(nr_compartments) + 0.5) * h, v, places, index, currents,
                       params, completed)


# -- measured from a run ---------------------------------------------------------------------------

def fit_length_constant(x, v, e_leak, location, length, end="sealed") -> float:
    """lambda (um) fitted to a steady profile V(x): on the longer stretch beyond the places
    of the current, V - E_leak = A cosh((L - x) / lambda) towards a sealed end at L,
    A sinh((L - x) / lambda) towards a killed one, A cosh(x / lambda) towards x = 0.
    NaN if the stretch is too short or the profile flat."""
    from scipy import optimize
    x, u = np.asarray(x, float), np.asarray(v, float) - e_leak
    places = np.atleast_1d(location)
    right, left = length - places.max(), places.min()
    if right >= left:
        keep = x > places.max() + 0.5 * (length / len(x))
        s, u = length - x[keep], u[keep]
        shape = np.cosh if end == "sealed" else np.sinh
    else:
        keep = x < places.min() - 0.5 * (length / len(x))
        s, u = x[keep], u[keep]
        shape = np.cosh
    if len(s) < 5 or not np.all(u > 0) or u.max() < 1e-9:
        return float("nan")
    slope = np.polyfit(s, np.log(u), 1)[0]  # exponential guess
    guess = 1.0 / slope if slope > 0 else (s.max() - s.min())

    def model(ss, amp, lam):
        return amp * shape(ss / lam) / shape(s.max() / lam)

    try:
        (amp, lam), _ = optimize.curve_fit(model, s, u, p0=(u[np.argmax(s)], guess),
                                           bounds=([0, 1e-3 * guess], [np.inf, 1e4 * guess]))
    except (RuntimeError, ValueError):
        return float("nan")
    return float(lam)


def fit_charging_time_constant(t, v, e_leak, t_start, t_end=None) -> float:
    """tau (ms) fitted to the charging at the place of a current step into a long cable:
    V - E_leak = A erf(sqrt((t - t_start) / tau)) (the infinite cable's solution; not
    1 - exp(-t / tau)). NaN if there are too few samples."""
    from scipy import optimize, special
    t, u = np.asarray(t, float), np.asarray(v, float) - e_leak
    keep = (t > t_start) & (t <= (t[-1] if t_end is None else t_end))
    s, u = t[keep] - t_start, u[keep]
    if len(s) < 10 or abs(u[-1]) < 1e-12:
        return float("nan")
    if len(s) > 400:  # enough for two parameters
        pick = np.linspace(0, len(s) - 1, 400).astype(int)
        s, u = s[pick], u[pick]

    def misfit(log_tau):  # the amplitude is linear: its best value in closed form
        shape = special.erf(np.sqrt(s / np.exp(log_tau)))
        amp = shape @ u / (shape @ shape)
        return float(np.sum((u - amp * shape) ** 2))

    span = np.log(s[-1])
    best = optimize.minimize_scalar(misfit, bounds=(span - 9.0, span + 9.0),
                                    method="bounded", options={"xatol": 1e-6})
    if not best.success or abs(best.x - span) > 8.9:  # at a bound: no time constant found
        return float("nan")
    return float(np.exp(best.x))


def fit_decay_time_constant(t, v_mean, e_leak, t_from) -> float:
    """tau (ms) from the decay of the mean potential after ``t_from`` (all current off): in a
    uniform cable with sealed ends the total charge leaks as exp(-t / tau) exactly. NaN if
    the decay is too short or too small."""
    t, u = np.asarray(t, float), np.asarray(v_mean, float) - e_leak
    keep = t >= t_from
    t, u = t[keep], u[keep]
    if len(t) < 5 or not np.all(np.abs(u) > 1e-9 * max(np.abs(u).max(), 1e-300)) or \
            np.abs(u).max() < 1e-9:
        return float("nan")
    slope = np.polyfit(t, np.log(np.abs(u)), 1)[0]
    return float(-1.0 / slope) if slope < 0 else float("nan")


def measurements(run: CableResult, injection: InjectionParams | None = None) -> dict:
    """lambda and tau from the parameters and measured from ``run`` (NaN where the run does
    not allow it): keys lambda_um, tau_ms, lambda_fit_um (a step on for 4 tau: V(x) near
    its steady state), tau_erf_ms (a step or pulse charging for tau / 2 or longer),
    tau_decay_ms (sealed end, time left after the current)."""
    p = run.params
    tau = time_constant(p.r_transversal, p.capacitance)
    out = {"lambda_um": length_constant(p.diameter, p.r_longitudinal, p.r_transversal),
           "tau_ms": tau, "lambda_fit_um": float("nan"), "tau_erf_ms": float("nan"),
           "tau_decay_ms": float("nan")}
    active = np.flatnonzero(np.any(run.current != 0, axis=1))
    if not len(active):
        return out
    first, last = active[0] * p.dt, (active[-1] + 1) * p.dt
    kind = injection.kind if injection is not None else "pulse"
    if kind == "step" and run.t[-1] - first >= 4 * tau:  # near the steady state
        out["lambda_fit_um"] = fit_length_constant(run.x, run.v[-1], p.e_leak, run.injection_x,
                                                   p.length, p.end)
    charging = (run.t[-1] if kind == "step" else last) - first
    if kind in ("step", "pulse") and charging >= tau / 2:
        site = run.v[:, run.injection_index[0]]
        out["tau_erf_ms"] = fit_charging_time_constant(run.t, site, p.e_leak, first,
                                                       last if kind == "pulse" else None)
    if p.end == "sealed" and last < run.t[-1] - 2 * p.dt:
        weights = np.full(len(run.x), 1.0 / len(run.x))
        out["tau_decay_ms"] = fit_decay_time_constant(run.t, run.v @ weights, p.e_leak,
                                                      last + 0.1 * (run.t[-1] - last))
    return out
