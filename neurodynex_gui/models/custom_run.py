"""What one run of a custom model is made of: its equations as brian2 gets them (the stimulus
put in, a swept parameter made per neuron), its values in SI units, the screen that refuses
text before brian2 sees it, and its result. Shared by the runtime run (``custom``) and the
compiled one (``custom_fast``)."""
from __future__ import annotations

import dataclasses

import numpy as np

from .custom_spec import ModelText, display_unit_of, parse_lines, safe_unit, strip_comment

STIM_EQUATIONS = """
{current} = int(t >= stim_start) * int(t < stim_end) * (stim_offset + stim_amplitude * (stim_is_step + stim_is_sinusoid * sin(2 * pi * stim_frequency * (t - stim_start)) + stim_is_ramp * (t - stim_start) / (stim_end - stim_start) + stim_is_pulses * int((t - stim_start) % stim_period < stim_width))) : {unit}
stim_amplitude : {unit} (shared)
stim_offset : {unit} (shared)
stim_start : second (shared)
stim_end : second (shared)
stim_frequency : hertz (shared)
stim_period : second (shared)
stim_width : second (shared)
stim_is_step : 1 (shared)
stim_is_sinusoid : 1 (shared)
stim_is_ramp : 1 (shared)
stim_is_pulses : 1 (shared)
"""


@dataclasses.dataclass(frozen=True)
class Problem:
    """A refusal: ``line`` of the equations (1-based), or 0 with ``field`` "threshold",
    "reset", "refractory" or "current"."""

    line: int
    message: str
    field: str = "equations"


@dataclasses.dataclass
class CustomResult:
    """A run: ``traces[name]`` is (copies, samples) in the display unit ``units[name]``."""

    t_ms: np.ndarray
    traces: dict
    units: dict
    spikes_ms: list
    vary: str = ""
    vary_values: np.ndarray = dataclasses.field(default_factory=lambda: np.zeros(0))
    completed: bool = True
    message: str = ""
    path: str = "numpy"
    """Which simulator ran: "standalone" (the compiled fast path) or brian2's "numpy"."""
    path_note: str = ""
    """Why it was not the fast path ("" if it was)."""

    @property
    def spike_counts(self) -> list[int]:
        return [len(s) for s in self.spikes_ms]


def screen(model: ModelText) -> list[Problem]:
    """What never reaches brian2: double underscores anywhere, odd characters in units."""
    problems = []
    for number, raw in enumerate(model.equations.splitlines(), start=1):
        if "__" in strip_comment(raw):
            problems.append(Problem(number, "names with '__' are not allowed"))
    for line in parse_lines(model.equations):
        if not safe_unit(line.unit):
            problems.append(Problem(line.number, f"'{line.unit}' is not a unit"))
    for field in ("threshold", "reset", "refractory"):
        if "__" in getattr(model, field):
            problems.append(Problem(0, "names with '__' are not allowed", field))
    return problems


def equations_text(model: ModelText, with_stimulus: bool) -> str:
    """The equations as brian2 gets them: comments removed, the driven current replaced by
    the stimulus expression."""
    lines = [strip_comment(raw) for raw in model.equations.splitlines()]
    if with_stimulus and model.current:
        for line in parse_lines(model.equations):
            if line.kind == "param" and line.name == model.current:
                lines[line.number - 1] = ""
        lines.append(STIM_EQUATIONS.format(current=model.current,
                                           unit=model.unit_of(model.current)))
    return "\n".join(lines)


def si_values(model: ModelText, values: dict) -> dict:
    """Parameters and initial states of the form in SI units."""
    si = {}
    for line in model.parameters():
        si[line.name] = values[line.name] * display_unit_of(line.unit)[1]
    for line in model.states():
        si[line.name] = values[f"{line.name}_0"] * display_unit_of(line.unit)[1]
    return si


def sweep(model: ModelText, values: dict) -> tuple[str, np.ndarray]:
    n = int(values.get("n_copies", 1))
    name = values.get("vary", "")
    if n <= 1 or name not in {line.name for line in model.parameters()}:
        return "", np.zeros(0)
    return name, np.linspace(values["vary_from"], values["vary_to"], n)


def unshared(line: str, name: str) -> str:
    """A parameter line made per-neuron (a sweep gives each copy its own value)."""
    parsed = parse_lines(line)
    if parsed and parsed[0].kind == "param" and parsed[0].name == name:
        return f"{name} : {parsed[0].unit}"
    return line
