"""Izhikevich's simple model (Izhikevich 2003, IEEE Trans. Neural Networks 14:1569; book ch.
6.1 mentions it beside the AdEx):

    dv/dt = 0.04 v^2 + 5 v + 140 - u + I,   du/dt = a (b v - u)
    v >= 30 mV: v <- c, u <- u + d

v in mV, t in ms, I and u in the model's own current units. ``PRESETS`` are the paper's seven
classic cell types; ``IZHIKEVICH`` is the v-u plane for the shared phase-plane widget.
Integrated by forward Euler (dt = 0.1 ms by default; the paper used two half steps of 1 ms).
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .params import ParamError, Params, checked, param
from .planar import PlanarModel
from .reset_neurons import SpikingResult, current_samples

__all__ = ["IzhikevichParams", "PRESETS", "PRESET_CURRENTS", "IZHIKEVICH", "simulate",
           "simulate_params", "euler"]

V_PEAK = 30.0


@dataclasses.dataclass(frozen=True)
class IzhikevichParams(Params):
    """a, b, c, d of the paper (regular spiking by default), a step current and the run."""

    a: float = param(0.02, "a (recovery rate)", "1/ms", min=0.0, max=1.0, step=0.005,
                     decimals=4, help="time scale of the recovery variable u")
    b: float = param(0.2, "b (sensitivity)", min=-1.0, max=1.0, step=0.01, decimals=4,
                     help="sensitivity of u to the subthreshold v")
    c: float = param(-65.0, "c (reset)", "mV", min=-100.0, max=0.0, step=1.0, decimals=2,
                     help="v after a spike")
    d: float = param(8.0, "d (reset of u)", min=-50.0, max=50.0, step=0.5, decimals=3,
                     help="added to u after a spike")
    I: float = param(10.0, "step current I", min=-100.0, max=1000.0, step=0.5, decimals=2,
                     help="amplitude of the step (the model's current units)")
    I_tstart: float = param(20.0, "step start", "ms", min=0.0, max=1e5, step=5.0, decimals=1,
                            help="the step switches on here")
    I_tend: float = param(1e4, "step end", "ms", min=0.0, max=1e5, step=5.0, decimals=1,
                          help="the step switches off here (after the run: it stays on)")
    t_end: float = param(300.0, "simulation length", "ms", min=1.0, max=20000.0, step=10.0,
                         decimals=1, help="simulated time")
    dt: float = param(0.1, "time step", "ms", min=0.001, max=1.0, step=0.01, decimals=3,
                      help="Euler step")

    def check(self) -> None:
        if self.c >= V_PEAK:
            raise ParamError("c", f"must be below the spike peak {V_PEAK:g} mV")
        if self.dt > self.t_end:
            raise ParamError("dt", "must be shorter than the simulation")
        if self.I_tend < self.I_tstart:
            raise ParamError("I_tend", "must not be before the step start")


PRESETS = {
    "regular spiking (RS)": (0.02, 0.2, -65.0, 8.0),
    "intrinsically bursting (IB)": (0.02, 0.2, -55.0, 4.0),
    "chattering (CH)": (0.02, 0.2, -50.0, 2.0),
    "fast spiking (FS)": (0.1, 0.2, -65.0, 2.0),
    "low-threshold spiking (LTS)": (0.02, 0.25, -65.0, 2.0),
    "thalamo-cortical (TC)": (0.02, 0.25, -65.0, 0.05),
    "resonator (RZ)": (0.1, 0.26, -65.0, 2.0),
}
"""(a, b, c, d) of the seven cell types of Izhikevich (2003), Fig. 2."""

PRESET_CURRENTS = {name: 10.0 for name in PRESETS}
PRESET_CURRENTS["resonator (RZ)"] = 0.5
"""Step amplitudes for the presets (10, as in the paper's figure; the resonator rests near
threshold and is shown with a weak step)."""


def euler(a, b, c, d, current: np.ndarray, dt: float, v0: float | None = None,
          u0: float | None = None):
    """Forward Euler with the reset; v0 defaults to c and u0 to b v0. Returns v, u (one
    sample per step, before it) and the spike times (ms)."""
    v = c if v0 is None else v0
    u = b * v if u0 is None else u0
    steps = len(current)
    vs, us, spikes = [0.0] * steps, [0.0] * steps, []
    ab = a * b
    for k, drive in enumerate(np.asarray(current, float).tolist()):
        vs[k], us[k] = v, u
        dv = dt * (0.04 * v * v + 5.0 * v + 140.0 - u + drive)
        u += dt * (ab * v - a * u)
        v += dv
        if v >= V_PEAK or not math.isfinite(v):
            v, u = c, u + d
            spikes.append((k + 1) * dt)
    return np.array(vs), np.array(us), np.array(spikes)


def _run(p: IzhikevichParams, current, label: str) -> SpikingResult:
    v, u, spikes = euler(p.a, p.b, p.c, p.d, current, p.dt)
    return SpikingResult(t=np.arange(len(current)) * p.dt, v=v, w=u, I=np.asarray(current),
                         spike_times=spikes, label=label)


@checked(diverges=True)
def simulate_params(params: IzhikevichParams = IzhikevichParams(), *, on_chunk=None,
                    should_stop=None) -> SpikingResult:
    """The tab's run: the form's cell and its step current (``w`` holds u)."""
    steps = int(round(params.t_end / params.dt))
    t = np.arange(steps) * params.dt
    on = (t >= params.I_tstart) & (t < params.I_tend)
    return _run(params, np.where(on, params.I, 0.0), "Izhikevich")


@checked(IzhikevichParams, preset_or_params=None, I=None)
def simulate(preset_or_params="regular spiking (RS)", I=10.0, t_end=300.0,
             dt=0.1) -> SpikingResult:
    """A preset name (a key of PRESETS, or its abbreviation such as "FS") or an
    IzhikevichParams / (a, b, c, d) tuple, driven by ``I``: a constant, an
    ``(amplitude, t_start_ms, t_end_ms)`` step or an array sampled every dt. ``w`` holds u."""
    if isinstance(preset_or_params, str):
        names = {n: n for n in PRESETS} | {n.split("(")[1].rstrip(")"): n for n in PRESETS}
        if preset_or_params not in names:
            raise ValueError(f"preset_or_params: '{preset_or_params}' is not one of "
                             f"{', '.join(PRESETS)}")
        a, b, c, d = PRESETS[names[preset_or_params]]
    elif isinstance(preset_or_params, IzhikevichParams):
        a, b, c, d = (preset_or_params.a, preset_or_params.b, preset_or_params.c,
                      preset_or_params.d)
    else:
        try:
            a, b, c, d = (float(x) for x in preset_or_params)
        except (TypeError, ValueError):
            raise ValueError("preset_or_params: a preset name, IzhikevichParams or "
                             "(a, b, c, d)") from None
    p = IzhikevichParams(a=a, b=b, c=c, d=d, t_end=float(t_end), dt=float(dt))
    steps = int(round(p.t_end / p.dt))
    return _run(p, current_samples(I, steps, p.dt), str(preset_or_params))


def _rhs(v, u, p):
    return 0.04 * v * v + 5.0 * v + 140.0 - u + p.I, p.a * (p.b * v - u)


IZHIKEVICH = PlanarModel(
    name="Izhikevich", rhs=_rhs, x_name="v", y_name="u", x_label="v", y_label="u", x_unit="mV",
    t_label="time", t_unit="ms",
    jacobian=lambda v, u, p: [[0.08 * v + 5.0, -1.0], [p.a * p.b, -p.a]],
    x_nullcline=lambda v, p: 0.04 * v * v + 5.0 * v + 140.0 + p.I,
    y_nullcline=lambda v, p: p.b * np.asarray(v, float))
"""The v-u plane at the constant current ``I`` of the params (resets drawn by the tab)."""
