"""A custom model as text, read without brian2: its parameters, state variables and form.

The editor of the "Custom model" tab holds brian2 model equations, one per line::

    dv/dt = (-(v - v_rest) + R * I) / tau : volt (unless refractory)
    tau : second

A line ``name : unit`` declares a parameter (its value comes from the generated form), a line
``dx/dt = ... : unit`` a state variable (its initial value too), ``x = ... : unit`` a
subexpression. This module only splits the lines (enough to build the form, so that sessions
and ``--set`` work in the GUI process, which never imports brian2); brian2 itself parses and
checks the equations in the worker process (:func:`.custom.check`). Nothing typed is ever
evaluated here.
"""
from __future__ import annotations

import dataclasses
import re

from .params import ParamError, Params, param

__all__ = ["ModelText", "Line", "parse_lines", "display_unit_of", "params_class",
           "stimulus_values", "PRESETS", "METHODS", "model_file_text", "read_model_file"]

METHODS = ("default", "exponential_euler", "euler", "rk2", "rk4", "heun")

# brian2 base unit -> (unit shown in the form, its value in the base unit)
DISPLAY_UNITS = {
    "volt": ("mV", 1e-3), "amp": ("nA", 1e-9), "ampere": ("nA", 1e-9), "second": ("ms", 1e-3),
    "ohm": ("Mohm", 1e6), "siemens": ("nS", 1e-9), "farad": ("pF", 1e-12), "hertz": ("Hz", 1.0),
    "metre": ("um", 1e-6), "meter": ("um", 1e-6), "1": ("", 1.0),
}

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DIFF = re.compile(rf"^\s*d({_NAME})\s*/\s*dt\s*=(.*):([^:]*)$")
_SUB = re.compile(rf"^\s*({_NAME})\s*=(.*):([^:]*)$")
_PARAM = re.compile(rf"^\s*({_NAME})\s*:([^=:]*)$")
_FLAGS = re.compile(r"\(([^()]*)\)\s*$")
_UNIT_TEXT = re.compile(r"^[A-Za-z0-9_ *./()]*$")


@dataclasses.dataclass(frozen=True)
class Line:
    """One equation line: ``kind`` is "diff", "sub" or "param"; ``number`` counts from 1."""

    number: int
    kind: str
    name: str
    expression: str
    unit: str
    flags: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class ModelText:
    """The text of a custom model: equations, and optional threshold, reset, refractoriness
    (brian2 syntax), and the parameter the stimulus drives (``current``; "" for none)."""

    equations: str
    threshold: str = ""
    reset: str = ""
    refractory: str = ""
    current: str = ""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data) -> "ModelText":
        if not isinstance(data, dict):
            raise ParamError("model", "must be an object with the equations")
        unknown = set(data) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise ParamError("model", f"unknown entries {', '.join(sorted(unknown))}")
        for key, value in data.items():
            if not isinstance(value, str):
                raise ParamError(f"model/{key}", "must be text")
        if "equations" not in data:
            raise ParamError("model/equations", "is missing")
        return cls(**data)

    def lines(self) -> list[Line]:
        return parse_lines(self.equations)

    def parameters(self) -> list[Line]:
        """Parameter lines, without the stimulus-driven current."""
        return [line for line in self.lines() if line.kind == "param" and line.name != self.current]

    def states(self) -> list[Line]:
        return [line for line in self.lines() if line.kind == "diff"]

    def unit_of(self, name: str) -> str:
        return next((line.unit for line in self.lines() if line.name == name), "1")


def strip_comment(text: str) -> str:
    return text.split("#", 1)[0].rstrip()


def parse_lines(equations: str) -> list[Line]:
    """The equation lines whose shape is recognised (others are left to brian2's parser to
    report); blank and comment lines are skipped."""
    lines = []
    for number, raw in enumerate(equations.splitlines(), start=1):
        text = strip_comment(raw)
        if not text.strip():
            continue
        flags: tuple[str, ...] = ()
        found = _FLAGS.search(text)
        unit_part = None
        for kind, pattern in (("diff", _DIFF), ("sub", _SUB), ("param", _PARAM)):
            match = pattern.match(text)
            if match:
                name = match.group(1)
                expression = match.group(2).strip() if kind != "param" else ""
                unit_part = match.group(match.lastindex)
                if found and unit_part.rstrip().endswith(")"):
                    flags = tuple(f.strip() for f in found.group(1).split(",") if f.strip())
                    unit_part = unit_part[:unit_part.rindex("(")]
                lines.append(Line(number, kind, name, expression, unit_part.strip(), flags))
                break
    return lines


def display_unit_of(unit: str) -> tuple[str, float]:
    """(unit shown in forms, its value in the SI unit): mV for volt; other units as written."""
    return DISPLAY_UNITS.get(unit.strip(), (unit.strip(), 1.0))


def safe_unit(unit: str) -> bool:
    """A unit string made only of names, numbers and * / ** ( ): what is passed on to brian2."""
    return bool(_UNIT_TEXT.match(unit)) and "__" not in unit


def _number_field(default, label, unit, help_text, **bounds):
    return param(float(default), label, unit, decimals=5, help=help_text,
                 **{"min": -1e9, "max": 1e9, "step": 0.1, **bounds})


RUN_FIELDS = ("tend", "dt", "method", "n_copies", "vary", "vary_from", "vary_to")


def params_class(model: ModelText, defaults: dict | None = None) -> type[Params]:
    """The form of ``model``: its parameters, initial values of its state variables (name_0),
    the run (duration, step, method) and the sweep (N copies, one parameter varied from-to);
    ``defaults`` (field -> value) are the starting values (1 for a parameter without one)."""
    defaults = dict(defaults or {})
    fields = []
    names = []
    for line in model.parameters():
        unit, _ = display_unit_of(line.unit)
        names.append(line.name)
        fields.append((line.name, float, _number_field(
            defaults.get(line.name, 1.0), line.name, unit,
            f"parameter '{line.name} : {line.unit}' of the equations")))
    for line in model.states():
        unit, _ = display_unit_of(line.unit)
        fields.append((f"{line.name}_0", float, _number_field(
            defaults.get(f"{line.name}_0", 0.0), f"initial {line.name}", unit,
            f"value of the state variable {line.name} at t = 0")))
    vary_choices = tuple(names) or ("(none)",)
    vary = defaults.get("vary", vary_choices[0])
    fields += [
        ("tend", float, param(float(defaults.get("tend", 100.0)), "duration", "ms", min=0.1,
                              max=1e5, step=10.0, decimals=2, help="simulated time")),
        ("dt", float, param(float(defaults.get("dt", 0.1)), "time step", "ms", min=0.0001,
                            max=10.0, step=0.01, decimals=4, help="integration time step")),
        ("method", str, param(defaults.get("method", "default"), "integration method",
                              choices=METHODS, help="brian2's state updater ('default': "
                              "brian2 chooses, exact where the equations allow it)")),
        ("n_copies", int, param(int(defaults.get("n_copies", 1)), "copies N", min=1, max=200,
                                step=1, help="neurons simulated together; with N > 1 the "
                                "parameter below is varied across them")),
        ("vary", str, param(vary if vary in vary_choices else vary_choices[0],
                            "varied parameter", choices=vary_choices,
                            help="the parameter that differs between the copies")),
        ("vary_from", float, _number_field(defaults.get("vary_from", 0.0), "varied from", "",
                                           "value of the varied parameter in the first copy "
                                           "(in its unit, as in its field)")),
        ("vary_to", float, _number_field(defaults.get("vary_to", 1.0), "varied to", "",
                                         "value of the varied parameter in the last copy")),
    ]
    cls = dataclasses.make_dataclass("CustomParams", fields, bases=(Params,), frozen=True,
                                     namespace={"check": _check_run})
    cls.__module__ = __name__
    return cls


def _check_run(self) -> None:
    if self.dt > self.tend:
        raise ParamError("dt", "must be shorter than the duration")


def stimulus_values(stimulus: dict, unit: str) -> dict:
    """The stimulus (form values, amplitude in the current's display unit) in SI values of
    the stim_ variables of the run."""
    _, scale = display_unit_of(unit)
    return {
        "stim_amplitude": stimulus["I_amp"] * scale, "stim_offset": stimulus["I_offset"] * scale,
        "stim_start": stimulus["I_tstart"] * 1e-3, "stim_end": stimulus["I_tend"] * 1e-3,
        "stim_frequency": stimulus["I_freq"] * 1e3, "stim_period": stimulus["pulse_period"] * 1e-3,
        "stim_width": stimulus["pulse_width"] * 1e-3,
        **{f"stim_is_{kind}": float(stimulus["kind"] == kind)
           for kind in ("step", "sinusoid", "ramp", "pulses")},
    }


LIF_EQUATIONS = """\
# leaky integrate-and-fire (book ch. 1.3)
dv/dt = (-(v - v_rest) + R * I) / tau : volt (unless refractory)
v_rest : volt
v_reset : volt
v_th : volt
R : ohm
tau : second
t_ref : second
I : amp
"""

EXP_IF_EQUATIONS = """\
# exponential integrate-and-fire (book ch. 5.2)
dv/dt = (-(v - v_rest) + delta_T * exp((v - v_rh) / delta_T) + R * I) / tau : volt (unless refractory)
v_rest : volt
v_rh : volt
delta_T : volt
v_reset : volt
v_spike : volt
R : ohm
tau : second
t_ref : second
I : amp
"""

ADEX_EQUATIONS = """\
# adaptive exponential integrate-and-fire (book ch. 6.1)
dv/dt = (-(v - v_rest) + delta_T * exp((v - v_rh) / delta_T) - R * w + R * I) / tau_m : volt (unless refractory)
dw/dt = (a * (v - v_rest) - w) / tau_w : amp
v_rest : volt
v_rh : volt
delta_T : volt
v_reset : volt
v_spike : volt
R : ohm
tau_m : second
tau_w : second
a : siemens
b : amp
I : amp
"""

FHN_EQUATIONS = """\
# FitzHugh-Nagumo (book ch. 4.3), time in units of tau
du/dt = (u * (1 - u**2) - w + I) / tau : 1
dw/dt = eps * (u - 0.5 * w + 0.5 * a) / tau : 1
eps : 1
a : 1
tau : second
I : 1
"""

PRESETS = {
    "leaky integrate-and-fire": (
        ModelText(LIF_EQUATIONS, "v > v_th", "v = v_reset", "t_ref", "I"),
        {"v_rest": -70.0, "v_reset": -65.0, "v_th": -50.0, "R": 10.0, "tau": 8.0, "t_ref": 2.0,
         "v_0": -70.0, "tend": 200.0, "dt": 0.1, "method": "exponential_euler", "vary": "tau", "vary_from": 4.0,
         "vary_to": 16.0},
        {"I_tstart": 20.0, "I_tend": 170.0, "I_amp": 2.5}),
    "exponential integrate-and-fire": (
        ModelText(EXP_IF_EQUATIONS, "v > v_spike", "v = v_reset", "t_ref", "I"),
        {"v_rest": -65.0, "v_rh": -55.0, "delta_T": 2.0, "v_reset": -68.0, "v_spike": -30.0,
         "R": 20.0, "tau": 12.0, "t_ref": 2.0, "v_0": -65.0, "tend": 200.0, "dt": 0.05,
         "method": "euler", "vary": "delta_T", "vary_from": 0.5, "vary_to": 4.0},
        {"I_tstart": 20.0, "I_tend": 170.0, "I_amp": 0.8}),
    "adaptive exponential integrate-and-fire": (
        ModelText(ADEX_EQUATIONS, "v > v_spike", "v = v_reset; w += b", "", "I"),
        {"v_rest": -70.0, "v_rh": -50.0, "delta_T": 2.0, "v_reset": -51.0, "v_spike": -30.0,
         "R": 500.0, "tau_m": 5.0, "tau_w": 100.0, "a": 0.5, "b": 0.007, "v_0": -70.0,
         "w_0": 0.0, "tend": 350.0, "dt": 0.01, "method": "euler", "vary": "b",
         "vary_from": 0.0, "vary_to": 0.02},
        {"I_tstart": 50.0, "I_tend": 300.0, "I_amp": 0.065}),
    "FitzHugh-Nagumo": (
        ModelText(FHN_EQUATIONS, "", "", "", "I"),
        {"eps": 0.1, "a": 2.0, "tau": 1.0, "u_0": 0.0, "w_0": 0.0, "tend": 200.0, "dt": 0.05,
         "method": "rk4", "vary": "eps", "vary_from": 0.05, "vary_to": 0.5},
        {"I_tstart": 0.0, "I_tend": 200.0, "I_amp": 2.0}),
}
"""Models that students know from their tabs: (text, form values, stimulus values)."""


DIRECTIVES = ("threshold", "reset", "refractory", "current")


def model_file_text(model: ModelText, values: dict, stimulus: dict | None = None) -> str:
    """A custom model as a plain text file: the equations, then ``#!`` lines (comments to
    brian2) with the threshold, reset, refractoriness, current and the values of the forms."""
    lines = [model.equations.rstrip("\n"), ""]
    lines += [f"#! {key}: {getattr(model, key)}" for key in DIRECTIVES if getattr(model, key)]
    lines += [f"#! set {name} = {value}" for name, value in values.items()]
    lines += [f"#! stimulus {name} = {value}" for name, value in (stimulus or {}).items()]
    return "\n".join(lines) + "\n"


def read_model_file(text: str) -> tuple[ModelText, dict, dict]:
    """(model, form values, stimulus values) of :func:`model_file_text` (values as text, to
    be checked by the forms); raises ParamError naming the line of a malformed ``#!`` line."""
    equations, fields, values, stimulus = [], {}, {}, {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.startswith("#!"):
            equations.append(raw)
            continue
        body = raw[2:].strip()
        key, sep, rest = body.partition(":")
        if sep and key.strip() in DIRECTIVES:
            fields[key.strip()] = rest.strip()
            continue
        kind, _, assignment = body.partition(" ")
        name, sep, value = assignment.partition("=")
        if kind in ("set", "stimulus") and sep and name.strip():
            (values if kind == "set" else stimulus)[name.strip()] = value.strip()
            continue
        raise ParamError(f"line {number}", f"'{body[:40]}' is not '#! threshold: ...', "
                                           f"'#! set name = value' or the like")
    while equations and not equations[-1].strip():
        equations.pop()
    return ModelText("\n".join(equations) + "\n", **fields), values, stimulus
