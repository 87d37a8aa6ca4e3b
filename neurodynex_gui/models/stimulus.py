"""The injected current (names as in the exercise package: I_tstart, I_amp, ...), shared by every tab: step, sinusoid, ramp and pulse train.

Inside the window ``I_tstart <= t < I_tend`` the current is ``I_offset + I_amp * shape(t)``
with shape 1 (step), sin(2 pi I_freq (t - I_tstart)) (sinusoid), (t - I_tstart)/(I_tend - I_tstart) (ramp) or
1 during each pulse of a train; outside the window it is 0. ``stimulus_class`` makes the
parameter set for one current unit (nA for the LIF, uA for Hodgkin-Huxley) and tab defaults.
The same waveform is evaluated in numpy (``current``) and inside brian2 equations
(``BRIAN_EQUATIONS``), so one compiled network serves every kind and amplitude.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import ParamError, Params, param

KINDS = ("step", "sinusoid", "ramp", "pulses")


@dataclasses.dataclass(frozen=True)
class Stimulus(Params):
    """Base of the per-unit stimulus classes; see :func:`stimulus_class`."""

    unit = ""

    def check(self) -> None:
        if self.I_tend <= self.I_tstart:
            raise ParamError("I_tend", "must be later than the start")
        if self.kind == "pulses" and self.pulse_width > self.pulse_period:
            raise ParamError("pulse_width", "must not exceed the pulse period")

    def selectors(self) -> dict[str, float]:
        """1/0 switches of the four shapes, as used by the brian2 equations."""
        return {f"stim_is_{kind}": float(self.kind == kind) for kind in KINDS}

    def current(self, t_ms: np.ndarray, amplitude: float | np.ndarray | None = None) -> np.ndarray:
        """The current at times ``t_ms`` (in this class's unit); ``amplitude`` overrides."""
        t = np.asarray(t_ms, dtype=float)
        amp = self.I_amp if amplitude is None else amplitude
        since = t - self.I_tstart
        shape = {
            "step": np.ones_like(t),
            "sinusoid": np.sin(2 * np.pi * self.I_freq * since),
            "ramp": since / (self.I_tend - self.I_tstart),
            "pulses": (np.mod(since, self.pulse_period) < self.pulse_width).astype(float),
        }[self.kind]
        inside = (t >= self.I_tstart) & (t < self.I_tend)
        return np.where(inside, self.I_offset + np.multiply.outer(amp, shape), 0.0)


BRIAN_EQUATIONS = """
I_stim = int(t >= stim_start) * int(t < stim_end) * (stim_offset + stim_amplitude * (stim_is_step + stim_is_sinusoid * sin(2 * pi * stim_frequency * (t - stim_start)) + stim_is_ramp * (t - stim_start) / (stim_end - stim_start) + stim_is_pulses * int((t - stim_start) % stim_period < stim_width))) : amp
stim_amplitude : amp
stim_offset : amp (shared)
stim_start : second (shared)
stim_end : second (shared)
stim_frequency : hertz
stim_period : second (shared)
stim_width : second (shared)
stim_is_step : 1 (shared)
stim_is_sinusoid : 1 (shared)
stim_is_ramp : 1 (shared)
stim_is_pulses : 1 (shared)
"""
"""Equations defining ``I_stim`` (amp) in a brian2 NeuronGroup; set with :func:`si_values`."""


def si_values(stimulus: Stimulus, amp_si: float) -> dict[str, float]:
    """Values (SI units) for the variables of :data:`BRIAN_EQUATIONS`; ``amp_si`` is the
    stimulus's current unit in ampere (1e-9 for nA)."""
    values = {
        "stim_amplitude": stimulus.I_amp * amp_si,
        "stim_offset": stimulus.I_offset * amp_si,
        "stim_start": stimulus.I_tstart * 1e-3,
        "stim_end": stimulus.I_tend * 1e-3,
        "stim_frequency": stimulus.I_freq * 1e3,
        "stim_period": stimulus.pulse_period * 1e-3,
        "stim_width": stimulus.pulse_width * 1e-3,
    }
    values.update(stimulus.selectors())
    return values


def stimulus_class(unit: str, name: str, module: str, *, I_amp: float, amplitude_range: float,
                   kind: str = "step", kinds: tuple[str, ...] = KINDS, I_tstart: float = 20.0,
                   I_tend: float = 70.0, I_offset: float = 0.0, I_freq: float = 0.1,
                   pulse_width: float = 2.0, pulse_period: float = 10.0) -> type[Stimulus]:
    """A Stimulus parameter class for one current unit, with a tab's defaults.

    Assign the result to ``name`` in ``module`` (the caller's ``__name__``) so that it pickles.
    """
    only = lambda *shown: ("kind", shown)  # noqa: E731 - a tiny local spelling aid
    fields = [
        ("kind", str, param(kind, "stimulus", choices=kinds,
                            help="shape of the injected current")),
        ("I_tstart", float, param(I_tstart, "start", "ms", min=0.0, max=1e5, step=1.0,
                                  decimals=2, help="the current switches on at this time")),
        ("I_tend", float, param(I_tend, "end", "ms", min=0.0, max=1e5, step=1.0, decimals=2,
                                help="the current switches off at this time")),
        ("I_amp", float, param(I_amp, "amplitude", unit, min=-amplitude_range,
                                   max=amplitude_range, step=amplitude_range / 1000,
                                   decimals=4, help="height of the step, sinusoid, ramp end "
                                   "or pulses")),
        ("I_offset", float, param(I_offset, "offset", unit, min=-amplitude_range,
                                max=amplitude_range, step=amplitude_range / 1000, decimals=4,
                                help="constant current added inside the window")),
        ("I_freq", float, param(I_freq, "frequency", "kHz", min=0.0, max=10.0,
                                      step=0.01, decimals=4, show_when=only("sinusoid"),
                                      help="frequency of the sinusoid")),
        ("pulse_width", float, param(pulse_width, "pulse width", "ms", min=0.01,
                                        max=1e4, step=0.5, decimals=2,
                                        show_when=only("pulses"),
                                        help="duration of each pulse")),
        ("pulse_period", float, param(pulse_period, "pulse period", "ms", min=0.01,
                                         max=1e4, step=1.0, decimals=2,
                                         show_when=only("pulses"),
                                         help="time from one pulse onset to the next")),
    ]
    cls = dataclasses.make_dataclass(name, fields, bases=(Stimulus,), frozen=True,
                                     namespace={"unit": unit})
    cls.__module__ = module
    return cls
