"""The fast path: single-neuron models as compiled programs from brian2's C++ standalone device.

Measured on a two-core machine (bench/): brian2's runtime costs about 25 ms of set-up per run
plus 14 us (cython) to 85 us (numpy) per step of one neuron, so a 400 ms LIF run takes 0.3 s
and a 200 ms Hodgkin-Huxley run at 0.01 ms takes 0.3-1.7 s. The standalone device writes the
same model as a C++ program; built once (about 4 s), it re-runs with new values given on its
command line (brian2's ``run_args``) in a few milliseconds, reading the results included.

How it fits in one process with the runtime models: the device is process-wide, so a build
runs in a child process (``python -m neurodynex_gui.models.fast_path_build``) that sets the
device, builds and compiles the project and writes a manifest (which command-line names set which
variable, which result file holds which monitor variable). Any process then runs the built
program directly, with brian2's own command-line syntax for ``run_args`` and a private results
folder, and reads the binary results with numpy: no device switch, and no brian2 import at all.

What a build fixes: the model's code, the number of neurons, dt and what is recorded.
Everything else (the run length, parameters, initial state, stimulus, per neuron or shared) is
a value given at run time: the program reads its run length from its command line (an edit of
brian2's generated ``main``), so one build serves every length and runs exactly as long as
asked.

Builds live in the user's cache folder (``cache_dir``), one folder per key: brian2's version
and a digest of the model and the build's settings. A build is written to a temporary folder
beside it and renamed into place, so two app instances never see half a build.
"""
from __future__ import annotations

import atexit
import concurrent.futures
import contextlib
import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import os
import selectors
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from .build_processes import (build_under_way, cache_dir, last_logged, log_path,
                              missing_compiler, spawn_builder, switched_off)

FORMAT = 3
"""Version of the build layout: part of the key, so that a new layout never reads an old one
(3: the run length is a run-time value, recorded samples are stored in one block)."""

BUILT_DURATION_MS = 100.0
"""The run length a program is built with (``Setup.built_as``); every run gives its own."""

DURATION_ARG = "neurodynex_duration"
"""The command-line name (``name=seconds``) of a run's length."""

BUILD_S = 5.0
"""About how long a build takes (3.5-6 s measured): a first run that brian2's runtime would
take longer for waits for the build instead (Hodgkin-Huxley: 8 s on the numpy target)."""

COMPILE_ARGS = ["-w", "-O1", "-ffast-math", "-fno-finite-math-only", "-std=c++11"]
"""brian2's defaults for gcc, but -O1 for -O3: it compiles 20 % faster and the models ran as
fast (measured: one HH neuron, and 46); without -march=native, so that a cache in a home
folder shared by different machines runs on each."""

STREAM_NEURON_STEPS = 2_000_000
"""A run that streams (``on_chunk``) and is longer than this many neuron-steps stays on
brian2's runtime, which can show it while it runs; a compiled run of this size takes about
0.05 s (LIF) to 0.3 s (Hodgkin-Huxley)."""


@dataclasses.dataclass(frozen=True)
class Model:
    """A brian2 neuron model: one NeuronGroup's equations, integration and spike rules."""

    name: str
    equations: str
    method: str
    threshold: str | None = None
    reset: str | None = None
    refractory: str | bool = False
    runtime_us_per_step: float = dataclasses.field(default=100.0, compare=False)
    """What a step of one neuron costs on brian2's numpy runtime, the fallback (measured)."""
    events: tuple = ()
    """Custom events (name, condition, code): the group runs ``code`` when ``condition``
    holds (brian2's ``events=`` and ``run_on_event``)."""
    tables: tuple = ()
    """Tables the equations and events read (name, size, unit): brian2 TimedArrays of
    ``size`` values in ``unit`` ("second", "volt", ... or "1") with dt = 1 ms, so that
    ``name(k*ms)`` is item k; their values are given at run time like a variable's."""

    def code(self) -> dict:
        """What the compiled code depends on (events and tables only where a model has them,
        so that the builds of the models without keep their folders)."""
        return {key: value for key, value in dataclasses.asdict(self).items()
                if key != "runtime_us_per_step" and (value or key not in ("events", "tables"))}


@dataclasses.dataclass(frozen=True)
class Setup:
    """What a build fixes besides the model: neurons, dt, recorded variables, run length.

    ``record`` variables are sampled every ``record_every`` steps for every neuron; ``spikes``
    adds a SpikeMonitor (the model needs a threshold).
    """

    n: int
    dt_ms: float
    duration_ms: float
    record: tuple[str, ...] = ()
    record_every: int = 1
    spikes: bool = False

    @property
    def steps(self) -> int:
        return int(round(self.duration_ms / self.dt_ms))

    def built_as(self) -> "Setup":
        """The build that serves this setup: the same but for the run length, which each run
        gives (one build serves every length)."""
        return dataclasses.replace(self, duration_ms=BUILT_DURATION_MS)


@dataclasses.dataclass
class Output:
    """A compiled run: sample times, recorded variables (neurons x samples, SI units) and
    spike times per neuron (ms); ``completed`` is False if it was stopped."""

    t_ms: np.ndarray
    state: dict[str, np.ndarray]
    spikes_ms: list[np.ndarray]
    completed: bool = True


# -- where builds live ---------------------------------------------------------------------

def build_dir(model: Model, setup: Setup) -> Path:
    """The folder of the build for ``model`` and ``setup`` (already rounded up)."""
    return cache_dir() / _build_name(model, setup)


@functools.lru_cache(maxsize=256)
def _build_name(model: Model, setup: Setup) -> str:
    brian_version = importlib.metadata.version("brian2")
    text = json.dumps([FORMAT, brian_version, model.code(),
                       dataclasses.asdict(setup)], sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return os.path.join(f"standalone-brian{brian_version}", f"{model.name}-{digest}")


# -- looking up, building and running --------------------------------------------------------

_builds: dict[Path, "Build"] = {}
_building: dict = {"process": None, "dir": None}
_failed: dict[Path, str] = {}


def lookup(model: Model, setup: Setup, *, start: bool = True, should_stop=None,
           quiet: bool = True, wait: bool = True) -> tuple["Build | None", str]:
    """The compiled build for ``setup`` if it is ready, else (None, why not).

    Without a ready build this starts building it in a background process (unless ``start``
    is False, or another build is under way: one at a time, the next call asks again). A run
    that brian2's runtime would take longer for than a build (BUILD_S) waits for its build
    (``should_stop`` is polled meanwhile; the build goes on if the run is stopped), unless
    not ``wait``. A build started in the background runs at a lower priority if ``quiet``.
    """
    built = setup.built_as()
    folder = build_dir(model, built)
    found = _builds.get(folder) or _load(folder)
    if found is not None:
        return found, ""
    if folder in _failed:
        return None, _failed[folder]
    reason = missing_compiler()
    if reason:
        return None, reason
    if start and wait and setup.steps * model.runtime_us_per_step * 1e-6 > BUILD_S:
        while build_under_way(folder) and not (should_stop and should_stop()):
            time.sleep(0.05)  # a build started before, maybe by another process
        found = _load(folder)
        if found is not None:
            return found, ""
        process = _building["process"] if _building["dir"] == folder else None
        if process is None or process.poll() is not None:
            process = _spawn([(model, built, folder)], log_path(folder), quiet=False)
        while _poll(process, should_stop) is None:
            pass
        if process.returncode is not None:
            found = _load(folder)
            if found is not None:
                return found, ""
            _failed[folder] = _failure(log_path(folder))
            return None, _failed[folder]
    elif start and not build_under_way(folder):
        _start_build(model, built, folder, quiet)
    return None, BUILDING


BUILDING = ("the compiled fast path is being built in the background (a few seconds): this "
            "run used brian2's runtime")
"""Why a run did not use the fast path when its build is (being) started."""


def prepare(model: Model, setup: Setup) -> bool:
    """Whether the build for ``setup`` is ready; if not, start it in the background (when no
    other build is under way), without waiting, at full priority: it is for the run the user
    is about to make."""
    if switched_off():
        return False
    return lookup(dataclasses.replace(model, runtime_us_per_step=0.0), setup,
                  quiet=False)[0] is not None


def being_built(model: Model, setup: Setup) -> bool:
    """Whether the build for ``setup`` is under way (by this process or another)."""
    return build_under_way(build_dir(model, setup.built_as()))


def _load(folder: Path) -> "Build | None":
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = _builds[folder] = Build(folder, manifest)
    return found


def _start_build(model: Model, setup: Setup, folder: Path, quiet: bool) -> None:
    process = _building["process"]
    if process is not None:
        if process.poll() is None:
            return
        done = _building["dir"]
        if not (done / "manifest.json").exists():
            _failed[done] = _failure(log_path(done))
        _building["process"] = None
    if folder in _failed:
        return
    _building["process"] = _spawn([(model, setup, folder)], log_path(folder), quiet)
    threading.Thread(target=_building["process"].wait, name="build-reaper", daemon=True).start()
    _building["dir"] = folder


def build(model: Model, setup: Setup) -> Path:
    """Build ``setup`` (rounded up) now, in a child process, and wait; its folder.

    Raises RuntimeError with the reason if it cannot be built.
    """
    started = start_builds([(model, setup)])
    failures = finish_builds(*started)
    if failures:
        raise RuntimeError(failures[0])
    return build_dir(model, setup.built_as())


def start_builds(builds: list[tuple[Model, Setup]], log: Path | None = None
                 ) -> tuple[subprocess.Popen | None, list[Path], Path]:
    """Start building those of ``builds`` (setups rounded up) that are not in the cache, one
    after the other in one child process (brian2 is imported once): (the process, or None if
    all are built; their folders; the process's log). RuntimeError without a compiler."""
    jobs = []
    for model, setup in builds:
        built = setup.built_as()
        folder = build_dir(model, built)
        if not (folder / "manifest.json").exists() and all(folder != f for *_, f in jobs):
            jobs.append((model, built, folder))
    folders = [folder for _, _, folder in jobs]
    log = log or (log_path(folders[0]) if folders else cache_dir() / "build.log")
    if not jobs:
        return None, folders, log
    reason = missing_compiler()
    if reason:
        raise RuntimeError(reason)
    return _spawn(jobs, log, quiet=False), folders, log


def finish_builds(process: subprocess.Popen | None, folders: list[Path], log: Path
                  ) -> list[str]:
    """Wait for ``start_builds``'s process; why each build that failed did (none: [])."""
    if process is not None:
        process.wait()
    reason = _failure(log)
    return [f"{folder.name}: {reason}" for folder in folders
            if not (folder / "manifest.json").exists()]


def _spawn(jobs: list, log: Path, quiet: bool) -> subprocess.Popen:
    """A child process that builds ``jobs`` [(model, setup, folder)], writing to ``log``."""
    return spawn_builder([{"model": dataclasses.asdict(model),
                           "setup": dataclasses.asdict(setup), "folder": str(folder)}
                          for model, setup, folder in jobs], log, quiet)


def _poll(process: subprocess.Popen, should_stop) -> "int | bool | None":
    """The return code of ``process`` after waiting a moment; True if asked to stop."""
    try:
        return process.wait(timeout=0.05)
    except subprocess.TimeoutExpired:
        return True if should_stop is not None and should_stop() else None


def _failure(log: Path) -> str:
    return (f"the compiled fast path could not be built ({last_logged(log)}; log: {log}): "
            "simulations run on brian2's runtime, slower")


@dataclasses.dataclass
class Build:
    """A compiled standalone project: run it with values for its group's variables."""

    folder: Path
    manifest: dict

    def run(self, setup: Setup, values: dict, should_stop=None) -> Output:
        """Run for ``setup.duration_ms`` with ``values`` (variable name -> SI number or
        per-neuron array) and return the results. ``should_stop`` is polled while the
        program runs; stopping interrupts it, and it returns what it has computed. Runs in
        several threads at once are safe (each takes its own results folder)."""
        inputs = self.manifest["inputs"]
        with _results_dir() as results:
            args = [str(self.folder / self.manifest["program"]),
                    "--results_dir", results + os.sep,
                    f"{DURATION_ARG}={setup.duration_ms * 1e-3!r}"]
            for name, value in values.items():
                array = np.asarray(value, dtype=inputs[name]["dtype"])
                if array.ndim == 0 or np.all(array == array.flat[0]):
                    args.append(f"{inputs[name]['arg']}={array.flat[0].item()!r}")
                else:
                    path = os.path.join(results, f"in_{name}")
                    np.broadcast_to(array, (inputs[name]["size"],)).tofile(path)
                    args.append(f"{inputs[name]['arg']}={path}")
            completed = run_program(args, self.folder, should_stop)
            return self._read(Path(results), setup, completed)

    def _read(self, results: Path, setup: Setup, completed: bool) -> Output:
        outputs = self.manifest["outputs"]

        def read(name):
            spec = outputs[name]
            data = np.fromfile(results / spec["file"], dtype=spec["dtype"])
            return data.reshape(-1, spec["columns"]) if spec.get("columns") else data

        steps = setup.steps
        samples = -(-steps // setup.record_every)  # ceil: the runtime's sample count
        state = {}
        t_ms = np.zeros(0)
        if setup.record:
            t_ms = read("state.t")[:samples] * 1e3
            state = {var: read(f"state.{var}")[:samples].T.copy() for var in setup.record}
        trains = []
        if setup.spikes:
            index, times = read("spikes.i"), read("spikes.t")
            keep = np.rint(times / (setup.dt_ms * 1e-3)) < steps
            index, times = index[keep], times[keep] * 1e3
            trains = [times[index == i] for i in range(setup.n)]
        return Output(t_ms, state, trains, completed)


_results_lock = threading.Lock()
_results_free: list[str] = []


@contextlib.contextmanager
def _results_dir():
    """A folder of this process for the results of one compiled run, reused by the next run
    (the programs overwrite their files, so a run costs no folder to create) and removed at
    exit. In memory (/dev/shm) where there is one: a program writes some 40 small files, which
    took 10-150 ms on a disk's file system here against 4-8 ms in memory."""
    with _results_lock:
        folder = _results_free.pop() if _results_free else None
    if folder is None:
        memory = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
        folder = tempfile.mkdtemp(prefix="neurodynex-gui-run-", dir=memory)
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
    try:
        yield folder
    finally:
        with _results_lock:
            _results_free.append(folder)


def run_program(args: list[str], folder: Path, should_stop) -> bool:
    """Run a compiled program (``args``, in ``folder``); interrupt it (brian2 stops cleanly and
    writes its results) if asked. True if it ran to the end."""
    process = subprocess.Popen(args, cwd=folder, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stopped = False

    def stop_if_asked():
        nonlocal stopped
        if not stopped and should_stop is not None and should_stop():
            stopped = True
            process.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)

    if os.name == "nt":  # no select() on pipes
        while True:
            try:
                _, err = process.communicate(timeout=0.05)
                break
            except subprocess.TimeoutExpired:
                stop_if_asked()
    else:
        # the end of its error output is the end of the program, then a blocking wait: with a
        # timeout, Popen.wait polls in growing sleeps (1.6 ms a run, measured)
        err = b""
        with selectors.DefaultSelector() as selector:
            selector.register(process.stderr, selectors.EVENT_READ)
            while True:
                if selector.select(timeout=0.05):
                    piece = os.read(process.stderr.fileno(), 65536)
                    if not piece:
                        break
                    err += piece
                else:
                    stop_if_asked()
        process.stderr.close()
        process.wait()
    if process.returncode != 0 and not stopped:
        raise RuntimeError(f"the compiled model failed ({folder}): "
                           f"{err.decode(errors='replace').strip()[-300:]}")
    return not stopped


PATH = "standalone"
"""The ``path`` a result of the fast path names (the runtime's are "numpy" and "cython")."""


def run(model: Model, setup: Setup, values: dict, *, on_chunk=None, should_stop=None,
        stream_first: bool = False) -> tuple[Output | None, str]:
    """The compiled run, if its build is ready; else (None, why not), and the caller runs
    brian2's runtime. A long run that is shown while it runs (``on_chunk``, more than
    STREAM_NEURON_STEPS) stays on the runtime, which streams; the environment variable
    ``NEURODYNEX_GUI_FAST_PATH=off`` keeps every run there. With ``stream_first``, a run
    shown while it runs does not wait for its build: the runtime streams it until the build
    is ready (see ``until_built``; the note is then BUILDING), and the caller then runs the
    build."""
    return run_all([(model, setup, values)], on_chunk=on_chunk, should_stop=should_stop,
                   stream_first=stream_first)[0]


def until_built(model: Model, setup: Setup, should_stop=None):
    """``should_stop`` for a runtime run that the build for ``setup`` takes over: also True
    once that build is ready."""
    manifest = build_dir(model, setup.built_as()) / "manifest.json"
    return lambda: bool(should_stop and should_stop()) or manifest.exists()


def run_all(runs: list[tuple[Model, Setup, dict]], *, on_chunk=None, should_stop=None,
            stream_first: bool = False) -> list[tuple[Output | None, str]]:
    """:func:`run` for each (model, setup, values), the compiled programs all at once (one
    process each: the cores share them); in order."""
    wait = not (stream_first and on_chunk is not None)
    found = [_ready(model, setup, on_chunk, should_stop, wait) for model, setup, _ in runs]
    ready = [index for index, (build, _) in enumerate(found) if build is not None]

    def execute(index: int) -> Output:
        _, setup, values = runs[index]
        return found[index][0].run(setup, values, should_stop)

    if len(ready) > 1:
        with concurrent.futures.ThreadPoolExecutor(len(ready)) as pool:
            outputs = dict(zip(ready, pool.map(execute, ready)))  # re-raises a failure
    else:
        outputs = {index: execute(index) for index in ready}
    return [(outputs.get(index), note) for index, (_, note) in enumerate(found)]


def _ready(model: Model, setup: Setup, on_chunk, should_stop,
           wait: bool) -> tuple[Build | None, str]:
    if switched_off():
        return None, switched_off()
    if on_chunk is not None and setup.n * setup.steps > STREAM_NEURON_STEPS:
        return None, "a long run, shown while it runs: brian2's runtime streams it"
    return lookup(model, setup, should_stop=should_stop, wait=wait, quiet=wait)
