"""Custom models: brian2 equations typed by the user, checked, simulated and exported.

Scripting API::

    model = CustomModel(LIF_EQUATIONS, threshold="v > v_th", reset="v = v_reset",
                        refractory="t_ref", current="I", parameters={"tau": 8.0, ...})
    model.check()                    # [] or [(line, message), ...]
    result = model.simulate({"I_amp": 2.5, "I_tstart": 20, "I_tend": 170}, t_end=200, dt=0.1)
    script = model.to_script(...)    # a standalone brian2 script

Values are given in the units the form shows (mV for volt, nA for amp, ms for second, ...; see
:mod:`.custom_spec`). The equations go only through brian2's parser (plus a screen that refuses
double underscores and odd characters in units); nothing typed is passed to eval or exec here.
brian2 is imported inside the functions: they run in the worker process.
"""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from .custom_spec import (ModelText, display_unit_of, params_class, parse_lines,
                          stimulus_values, strip_comment)
from .custom_run import (CustomResult, Problem, equations_text, screen, si_values, sweep,
                         unshared)
from .params import ParamError, checked

__all__ = ["CustomModel", "CustomResult", "Problem", "check", "simulate", "to_script",
           "WALL_LIMIT_S"]

WALL_LIMIT_S = 60.0
"""A run that takes longer than this (wall clock) is stopped with a message."""

@dataclasses.dataclass
class CheckResult:
    problems: list
    states: list
    parameters: list
    elapsed_ms: float = 0.0


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


@checked()
def check(model: ModelText, *, on_chunk=None, should_stop=None) -> CheckResult:
    """brian2's verdict on ``model``: parse errors, undefined names and unit mismatches, each
    at its line; then the threshold, reset and refractoriness."""
    started = time.perf_counter()
    problems = screen(model)
    if problems:
        return CheckResult(problems, [], [], (time.perf_counter() - started) * 1e3)
    import brian2 as b2
    from brian2.parsing.expressions import parse_expression_dimensions
    from brian2.units.fundamentalunits import get_unit

    from . import brian_support  # noqa: F401 - the numpy target

    for number, raw in enumerate(model.equations.splitlines(), start=1):
        text = strip_comment(raw)
        if text.strip():
            try:
                b2.Equations(text)
            except Exception as error:  # brian2 raises several kinds for bad text
                problems.append(Problem(number, _first_line(error)))
    if problems:
        return CheckResult(problems, [], [], (time.perf_counter() - started) * 1e3)
    known = {line.name: line for line in parse_lines(model.equations)}
    if model.current and (model.current not in known or known[model.current].kind != "param"):
        problems.append(Problem(0, f"'{model.current}' is not a parameter of the equations "
                                   f"(declare it as '{model.current} : amp')", "current"))
    try:
        equations = b2.Equations(equations_text(model, False))
        group = b2.NeuronGroup(1, equations, namespace={}, name="custom_check")
    except Exception as error:
        problems.append(Problem(1, _first_line(error)))
        return CheckResult(problems, [], [], (time.perf_counter() - started) * 1e3)
    for eq in equations.ordered:
        if eq.expr is None:
            continue
        number = known[eq.varname].number if eq.varname in known else 1
        resolved = {}
        for name in sorted(eq.expr.identifiers):
            try:
                resolved.update(group.resolve_all({name}, run_namespace={}))
            except KeyError:
                problems.append(Problem(number, f"undefined name '{name}' (declare it as a "
                                                f"parameter: '{name} : unit')"))
        if len(resolved) < len(eq.expr.identifiers):
            continue
        try:
            dim = parse_expression_dimensions(str(eq.expr), resolved)
        except Exception as error:
            problems.append(Problem(number, _first_line(error)))
            continue
        wanted = eq.dim / b2.second.dim if eq.type == "differential equation" else eq.dim
        if dim != wanted:
            left = f"d{eq.varname}/dt" if eq.type == "differential equation" else eq.varname
            problems.append(Problem(number, f"unit mismatch: the right side is in "
                                            f"{get_unit(dim)!r}, {left} in {get_unit(wanted)!r}"))
    if not problems:
        problems += _check_events(model, group)
    states = [eq.varname for eq in equations.ordered if eq.type == "differential equation"]
    parameters = [(eq.varname, str(eq.unit)) for eq in equations.ordered
                  if eq.type == "parameter"]
    return CheckResult(problems, states, parameters, (time.perf_counter() - started) * 1e3)


def _check_events(model: ModelText, group) -> list[Problem]:
    """Threshold, reset and refractoriness, by brian2's parsers against ``group`` (the
    equations' group) without building another (see :mod:`.custom_events`)."""
    from .custom_events import event_problems

    given = {f: getattr(model, f).strip() for f in ("threshold", "reset", "refractory")}
    for field in ("reset", "refractory"):
        if given[field] and not given["threshold"]:
            return [Problem(0, f"a {field} needs a threshold", field)]
    return [Problem(0, message, field) for field, message in event_problems(group, **given)]


@checked()
def simulate(model: ModelText, values: dict, stimulus: dict | None = None, *,
             record: tuple[str, ...] | None = None, on_chunk=None,
             should_stop=None) -> CustomResult:
    """Run ``model`` with the form ``values`` (see :func:`.custom_spec.params_class`) and the
    ``stimulus`` form values; the copies of a sweep differ in ``values["vary"]``. A run that
    produces non-finite values or takes longer than WALL_LIMIT_S is stopped with a message."""
    problems = screen(model)
    if problems:
        raise ParamError("equations", f"line {problems[0].line}: {problems[0].message}")
    from . import custom_fast

    note = "recording chosen variables: brian2's runtime" if record else ""
    if not record:
        fast, note = custom_fast.run(model, values, stimulus, should_stop=should_stop)
        if fast is not None:
            return fast
    import brian2 as b2

    from . import brian_support  # noqa: F401 - the numpy target

    b2.start_scope()
    n = int(values.get("n_copies", 1))
    vary, vary_values = sweep(model, values)
    text = equations_text(model, bool(model.current and stimulus))
    if vary:
        text = "\n".join(unshared(line, vary) for line in text.splitlines())
    equations = b2.Equations(text)
    method = values.get("method", "default")
    kwargs = {"threshold": model.threshold.strip() or None}
    if kwargs["threshold"]:
        kwargs["reset"] = model.reset.strip() or None
        kwargs["refractory"] = model.refractory.strip() or False
    if method != "default":
        kwargs["method"] = method
    group = b2.NeuronGroup(n, equations, namespace={}, name="custom", dt=values["dt"] * b2.ms,
                           **{k: v for k, v in kwargs.items() if v is not None})
    si = si_values(model, values)
    if model.current and stimulus:
        si.update(stimulus_values(stimulus, model.unit_of(model.current)))
    for name, value in si.items():
        group.variables[name].set_value(np.full(group.variables[name].size, value))
    if vary:
        scale = display_unit_of(model.unit_of(vary))[1]
        group.variables[vary].set_value(vary_values * scale)
    states = [line.name for line in model.states()]
    recorded = list(record) if record else states
    if model.current and stimulus:
        recorded.append(model.current)
    monitor = b2.StateMonitor(group, recorded, record=True, name="custom_state")
    spikes = b2.SpikeMonitor(group, name="custom_spikes") if kwargs["threshold"] else None
    net = b2.Network(group, monitor, *([spikes] if spikes is not None else []))
    units = {name: display_unit_of(model.unit_of(name))[0] for name in recorded}
    scales = {name: display_unit_of(model.unit_of(name))[1] for name in recorded}
    total = values["tend"]
    status = {"sent": 0, "message": "", "completed": True}
    started = time.perf_counter()

    def report():  # every chunk_ms of simulated time: stream, and stop if needed
        count = len(monitor.t)
        sent = status["sent"]
        fresh = {name: np.asarray(getattr(monitor, name)[:, sent:count]) for name in recorded}
        now = float(net.t / b2.ms)
        if any(not np.all(np.isfinite(v)) for v in fresh.values()):
            status.update(message=f"stopped at t = {now:.1f} ms: the values diverged",
                          completed=False)
        elif should_stop is not None and should_stop():
            status.update(completed=False)
        elif time.perf_counter() - started > WALL_LIMIT_S:
            status.update(message=f"stopped at t = {now:.1f} ms: longer than the limit of "
                                  f"{WALL_LIMIT_S:.0f} s", completed=False)
        if on_chunk is not None and count > sent:
            on_chunk({"t_ms": np.asarray(monitor.t[sent:count] / b2.ms),
                      **{name: fresh[name] / scales[name] for name in recorded},
                      "spike_count": 0 if spikes is None else int(spikes.num_spikes)})
        status["sent"] = count
        if not status["completed"]:
            net.stop()

    chunk_ms = max(values["dt"], total / 20)
    net.add(b2.NetworkOperation(report, dt=chunk_ms * b2.ms, when="end",
                                name="custom_report"))
    net.run(total * b2.ms, namespace={})
    report_end = status["completed"]
    if report_end:
        report()
    message, completed = status["message"], status["completed"]
    trains = [np.zeros(0)] * n if spikes is None else \
        [np.asarray(spikes.spike_trains()[i] / b2.ms) for i in range(n)]
    return CustomResult(np.asarray(monitor.t / b2.ms),
                        {name: np.asarray(getattr(monitor, name)) / scales[name]
                         for name in recorded},
                        units, trains, vary, vary_values, completed, message,
                        path_note=note)


def _unit_code(unit: str) -> tuple[str, float]:
    """(brian2 unit expression for the display unit, factor of the display value)."""
    shown, scale = display_unit_of(unit)
    if shown == "" or unit.strip() == "1":
        return "", 1.0
    if unit.strip() in ("volt", "amp", "ampere", "second", "ohm", "siemens", "farad", "hertz",
                        "metre", "meter"):
        return shown, 1.0
    return f"({unit})", scale


@checked()
def to_script(model: ModelText, values: dict, stimulus: dict | None = None) -> str:
    """A standalone brian2 script (and matplotlib plot) reproducing :func:`simulate`."""
    vary, vary_values = sweep(model, values)
    text = equations_text(model, bool(model.current and stimulus))
    if vary:
        text = "\n".join(unshared(line, vary) for line in text.splitlines())
    text = "\n".join(line for line in text.splitlines() if line.strip())
    n = int(values.get("n_copies", 1))
    method = values.get("method", "default")
    args = [f"method={method!r}"] if method != "default" else []
    if model.threshold.strip():
        args.append(f"threshold={model.threshold.strip()!r}")
        if model.reset.strip():
            args.append(f"reset={model.reset.strip()!r}")
        if model.refractory.strip():
            args.append(f"refractory={model.refractory.strip()!r}")
    out = ['"""Custom model exported from neurodynex-gui: run with python (brian2, matplotlib)."""',
           "import sys", "", "import numpy as np", "from brian2 import *", "",
           "prefs.codegen.target = 'numpy'", "", f'equations = """\n{text}\n"""', "",
           f"group = NeuronGroup({n}, equations, {', '.join(args + ['dt=' + repr(values['dt']) + '*ms'])})"]
    settings = []
    for line in model.parameters():
        settings.append((line.name, values[line.name], line.unit))
    for line in model.states():
        settings.append((line.name, values[f"{line.name}_0"], line.unit))
    for name, value, unit in settings:
        code, factor = _unit_code(unit)
        number = repr(float(value) * factor)
        out.append(f"group.{name} = {number}" + (f" * {code}" if code else ""))
    if vary:
        code, factor = _unit_code(model.unit_of(vary))
        out.append(f"group.{vary} = np.array({[float(v) * factor for v in vary_values]!r})"
                   + (f" * {code}" if code else ""))
    if model.current and stimulus:
        for name, value in stimulus_values(stimulus, model.unit_of(model.current)).items():
            unit = {"stim_amplitude": model.unit_of(model.current),
                    "stim_offset": model.unit_of(model.current), "stim_frequency": "hertz",
                    }.get(name, "1" if name.startswith("stim_is") else "second")
            suffix = "" if unit.strip() == "1" else f" * ({unit})"
            out.append(f"group.{name} = {float(value)!r}{suffix}")
    states = [line.name for line in model.states()]
    out += ["", f"state = StateMonitor(group, {states!r}, record=True)"]
    has_spikes = bool(model.threshold.strip())
    if has_spikes:
        out.append("spikes = SpikeMonitor(group)")
    out += [f"run({values['tend']!r} * ms)", ""]
    if has_spikes:
        out += ["trains = spikes.spike_trains()",
                f"for i in range({n}):",
                "    times = np.asarray(trains[i] / ms)",
                "    print(f'copy {i}: {len(times)} spikes at', ', '.join(f'{x:.2f}' for x in "
                "times), 'ms')"]
    out += ["", "if '--no-plot' not in sys.argv:",
            "    import matplotlib.pyplot as plt", "",
            f"    fig, axes = plt.subplots({len(states)}, 1, sharex=True, squeeze=False)"]
    for k, name in enumerate(states):
        out += [f"    axes[{k}, 0].plot(state.t / ms, state.{name}.T)",
                f"    axes[{k}, 0].set_ylabel({name!r})"]
    out += ["    axes[-1, 0].set_xlabel('time (ms)')", "    plt.show()", ""]
    return "\n".join(out)


class CustomModel:
    """A custom model for scripts: equations (brian2 syntax), optional threshold, reset and
    refractoriness, the parameter driven by the stimulus, and values in form units."""

    def __init__(self, equations: str, threshold: str | None = None, reset: str | None = None,
                 refractory: str | None = None, current: str = "", parameters: dict | None = None):
        self.text = ModelText(equations, threshold or "", reset or "", refractory or "",
                              current or "")
        cls = params_class(self.text)
        try:
            self.values = cls.from_dict(parameters or {}).to_dict()
        except ParamError:
            raise
        except TypeError as error:
            raise ParamError("parameters", str(error)) from None

    def parameters(self) -> dict:
        """Parameter -> (value, unit shown) of the equations' parameters."""
        return {line.name: (self.values[line.name], display_unit_of(line.unit)[0])
                for line in self.text.parameters()}

    def check(self) -> list[Problem]:
        return check(self.text).problems

    def _stimulus(self, stimulus: dict | None) -> dict | None:
        if stimulus is None or not self.text.current:
            return None
        base = {"kind": "step", "I_tstart": 0.0, "I_tend": 1e9, "I_amp": 0.0, "I_offset": 0.0,
                "I_freq": 0.1, "pulse_width": 2.0, "pulse_period": 10.0}
        unknown = set(stimulus) - set(base)
        if unknown:
            raise ParamError("stimulus", f"unknown entries {', '.join(sorted(unknown))}")
        return {**base, **stimulus}

    def _values(self, t_end: float | None, dt: float | None) -> dict:
        changes = {k: v for k, v in (("tend", t_end), ("dt", dt)) if v is not None}
        return params_class(self.text).from_dict({**self.values, **changes}).to_dict()

    def simulate(self, stimulus: dict | None = None, t_end: float | None = None,
                 dt: float | None = None) -> CustomResult:
        """Run (times in ms); ``stimulus`` holds the stimulus form's values (I_amp, ...)."""
        return simulate(self.text, self._values(t_end, dt), self._stimulus(stimulus))

    def to_script(self, stimulus: dict | None = None, t_end: float | None = None,
                  dt: float | None = None) -> str:
        return to_script(self.text, self._values(t_end, dt), self._stimulus(stimulus))
