"""Custom models on the compiled fast path (:mod:`.fast_path`).

Typed equations become a ``fast_path.Model`` (comments and blank lines dropped, so that they
never force a new build) and the form's run settings a ``fast_path.Setup``: copies, dt, the
run's length (rounded up as the fast path does), the recorded variables. Every parameter,
initial value and the stimulus are values given at run time, so a changed value re-runs the
same compiled program in milliseconds; a changed equation needs a new build (about 5 s), which
:func:`build` makes while it reports its progress. :func:`run` uses a ready build and never
waits for one: until it is built, :func:`.custom.simulate` runs brian2's runtime.
"""
from __future__ import annotations

import contextlib
import dataclasses
import os
import time

import numpy as np

from . import fast_path
from .custom_run import CustomResult, equations_text, screen, si_values, sweep, unshared
from .custom_spec import ModelText, display_unit_of, stimulus_values
from .params import ParamError, checked

__all__ = ["fast_model", "run", "build", "FastBuild", "DEFAULT_METHODS"]

DEFAULT_METHODS = ("exact", "euler", "heun")
"""What brian2 tries when no method is named (the form's "default")."""


@dataclasses.dataclass
class FastBuild:
    """The end of :func:`build`: ``ready`` if the compiled program exists now, else why not."""

    ready: bool
    message: str = ""
    seconds: float = 0.0
    permanent: bool = False
    """Nothing can be built in this session (no compiler, or the fast path switched off)."""


def fast_model(model: ModelText, values: dict, stimulus: dict | None
               ) -> tuple[fast_path.Model, fast_path.Setup, dict]:
    """(model, setup, values in SI units) of a run of ``model`` on the fast path."""
    n = int(values.get("n_copies", 1))
    vary, vary_values = sweep(model, values)
    driven = bool(model.current and stimulus)
    text = equations_text(model, driven)
    if vary:
        text = "\n".join(unshared(line, vary) for line in text.splitlines())
    text = "\n".join(line.strip() for line in text.splitlines() if line.strip())
    threshold = model.threshold.strip() or None
    method = values.get("method", "default")
    compiled = fast_path.Model(
        "custom", text, DEFAULT_METHODS if method == "default" else method,
        threshold=threshold, reset=(model.reset.strip() or None) if threshold else None,
        refractory=(model.refractory.strip() or False) if threshold else False,
        runtime_us_per_step=0.0)
    recorded = [line.name for line in model.states()] + ([model.current] if driven else [])
    setup = fast_path.Setup(n, float(values["dt"]), float(values["tend"]),
                            record=tuple(recorded), spikes=bool(threshold))
    si = si_values(model, values)
    if driven:
        si.update(stimulus_values(stimulus, model.unit_of(model.current)))
    if vary:
        si[vary] = vary_values * display_unit_of(model.unit_of(vary))[1]
    return compiled, setup, si


def run(model: ModelText, values: dict, stimulus: dict | None = None, *,
        should_stop=None) -> tuple[CustomResult | None, str]:
    """The run on a ready compiled build, or (None, why not) without waiting for one."""
    if fast_path.switched_off():
        return None, fast_path.switched_off()
    compiled, setup, si = fast_model(model, values, stimulus)
    found, note = fast_path.lookup(compiled, setup, start=False)
    if found is None:
        return None, note
    output = found.run(setup, si, should_stop)
    units = {name: display_unit_of(model.unit_of(name)) for name in setup.record}
    traces = {name: output.state[name] / units[name][1] for name in setup.record}
    vary, vary_values = sweep(model, values)
    message = ""
    if any(not np.all(np.isfinite(v)) for v in traces.values()):
        message = "the values diverged (not finite)"
    spikes = output.spikes_ms if setup.spikes else [np.zeros(0)] * setup.n
    return CustomResult(output.t_ms, traces, {k: u[0] for k, u in units.items()}, spikes,
                        vary, vary_values, output.completed and not message, message,
                        path=fast_path.PATH), ""


@checked()
def build(model: ModelText, values: dict, stimulus: dict | None = None, *, on_chunk=None,
          should_stop=None) -> FastBuild:
    """Build the compiled program of ``model`` for the form's run settings (in a child
    process) and wait for it, sending ``{"elapsed_s", "expected_s"}`` chunks meanwhile; stopped,
    the build is ended. Without a compiler (or with the fast path switched off) it says why."""
    if fast_path.switched_off():
        return FastBuild(False, fast_path.switched_off(), permanent=True)
    problems = screen(model)
    if problems:
        raise ParamError("equations", f"line {problems[0].line}: {problems[0].message}")
    compiled, setup, _ = fast_model(model, values, stimulus)
    started = time.perf_counter()
    try:
        process, folders, log = fast_path.start_builds([(compiled, setup)])
    except RuntimeError as error:  # no compiler
        return FastBuild(False, str(error), permanent=True)
    if process is not None and hasattr(os, "setpriority"):
        with contextlib.suppress(OSError):  # yield to the checks and runs of the user
            os.setpriority(os.PRIO_PROCESS, process.pid, 10)
    while process is not None and process.poll() is None:
        if should_stop is not None and should_stop():
            process.terminate()
            process.wait()
            return FastBuild(False, "stopped")
        if on_chunk is not None:
            on_chunk({"elapsed_s": time.perf_counter() - started,
                      "expected_s": fast_path.BUILD_S})
        time.sleep(0.1)
    failures = fast_path.finish_builds(process, folders, log)
    return FastBuild(not failures, failures[0] if failures else "",
                     time.perf_counter() - started)
