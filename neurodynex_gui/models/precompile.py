"""Build the compiled fast path of every model ahead of use: ``neurodynex-gui --precompile``.

A build takes about 4 s of one core (see ``fast_path``); two processes build at a time, each
a share of the list (brian2 imported once per process), and a third builds the models' own
compiled programs (``PROGRAMS``: 10-20 s each) meanwhile. Progress goes to ``on_chunk`` (the
runner's convention, for a progress bar) as ``{"done": k, "total": n, "built": what,
"seconds": since the start}`` after each build, or is printed by :func:`main`.
"""
from __future__ import annotations

import importlib
import threading
import time

from . import fast_path

MODULES = {"lif": "neurodynex_gui.models.lif", "hh": "neurodynex_gui.models.hh",
           "neuron_type": "neurodynex_gui.models.neuron_type",
           "synapses": "neurodynex_gui.models.synapses"}
"""The models with a fast path, by the name ``--precompile`` takes, and their modules."""
PROGRAMS = {"plasticity": "neurodynex_gui.models.plasticity",
            "working_memory": "neurodynex_gui.models.wm_standalone"}
"""The models with compiled programs of their own, built by ``plasticity_standalone``: their
modules' ``program_specs()``."""


def builds(models=None) -> list[tuple[fast_path.Model, fast_path.Setup]]:
    """(model, setup) of every fast-path build of ``models`` (names of MODULES; all if None)."""
    chosen = MODULES if not models else {name: MODULES[name] for name in models
                                         if name in MODULES}
    found = {}
    for module in chosen.values():  # setups that differ in their run length only: one build
        for model, setup in importlib.import_module(module).fast_builds():
            found.setdefault(fast_path.build_dir(model, setup.built_as()), (model, setup))
    return list(found.values())


def describe(model: fast_path.Model, setup: fast_path.Setup) -> str:
    what = ", ".join(setup.record) if setup.record else "spikes"
    return (f"{model.name}: {setup.n} neuron{'s' if setup.n > 1 else ''}, "
            f"dt {setup.dt_ms:g} ms, {what}")


def precompile(models=None, *, parallel: int = 2, on_chunk=None, should_stop=None) -> dict:
    """Build every fast-path build of ``models`` that is not in the cache yet, ``parallel``
    at a time; ``{"built": n, "cached": n, "failed": [reasons], "seconds": s}``. Stopped
    (``should_stop``), it returns at once and the started builds finish in the background.

    Raises RuntimeError if there is no C++ compiler.
    """
    from . import plasticity_standalone as ps  # not at import: the app's options list ours

    reason = fast_path.missing_compiler()
    if reason:
        raise RuntimeError(reason)
    todo, specs = builds(models), program_specs(models)
    start = time.monotonic()
    names = {fast_path.build_dir(model, setup.built_as()): describe(model, setup)
             for model, setup in todo}
    names.update({ps.build_dir(spec): f"{spec.name()} program" for spec in specs})
    started = [fast_path.start_builds(todo[k::parallel], log=_log(k)) for k in range(parallel)]
    missing = [spec for spec in specs if not (ps.build_dir(spec) / "manifest.json").exists()]
    lane_failed: list[str] = []
    lane = threading.Thread(target=_build_programs, args=(missing, lane_failed), daemon=True,
                            name="precompile-programs")
    lane.start()
    folders = [folder for _, group, _ in started for folder in group] + \
        [ps.build_dir(spec) for spec in missing]
    total, reported = len(todo) + len(specs), set()
    cached = total - len(folders)
    while not (should_stop is not None and should_stop()):
        running = [process for process, _, _ in started
                   if process is not None and process.poll() is None] + \
            ([lane] if lane.is_alive() else [])
        for folder in folders:
            if folder not in reported and (folder / "manifest.json").exists():
                reported.add(folder)
                if on_chunk is not None:
                    on_chunk({"done": cached + len(reported), "total": total,
                              "built": names[folder], "seconds": time.monotonic() - start})
        if not running:
            break
        time.sleep(0.1)
    failed = [failure for started_one in started
              if started_one[0] is None or started_one[0].poll() is not None
              for failure in fast_path.finish_builds(*started_one)] + lane_failed
    return {"built": len(reported), "cached": cached, "failed": failed,
            "seconds": time.monotonic() - start}


def program_specs(models=None) -> list:
    """The builds of the compiled programs of ``models`` (names of PROGRAMS; all if None)."""
    chosen = [module for name, module in PROGRAMS.items() if not models or name in models]
    return [spec for module in chosen for spec in importlib.import_module(module).program_specs()]


def _build_programs(specs: list, failed: list[str]) -> None:
    from . import plasticity_standalone as ps

    for spec in specs:
        try:
            ps.build(spec)
        except RuntimeError as error:
            failed.append(f"{spec.name()}: {error}")


def _log(k: int):
    return fast_path.cache_dir() / f"precompile-{k}.log"


def main(models=None) -> int:
    """Build and print progress; the exit status of ``--precompile``."""
    def show(chunk):
        print(f"[{chunk['done']}/{chunk['total']}] built {chunk['built']} "
              f"({chunk['seconds']:.0f} s)", flush=True)

    try:
        summary = precompile(models, on_chunk=show)
    except RuntimeError as error:
        print(f"cannot precompile: {error}")
        return 1
    print(f"fast path ready: {summary['built']} built, {summary['cached']} already in "
          f"{fast_path.cache_dir()}, in {summary['seconds']:.0f} s")
    for failure in summary["failed"]:
        print(f"failed: {failure}")
    return 1 if summary["failed"] else 0
