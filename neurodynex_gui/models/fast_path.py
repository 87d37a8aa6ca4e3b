"""The fast path: single-neuron models as compiled programs from brian2's C++ standalone device.

Measured on a two-core machine (bench/): brian2's runtime costs about 25 ms of set-up per run
plus 14 us (cython) to 85 us (numpy) per step of one neuron, so a 400 ms LIF run takes 0.3 s
and a 200 ms Hodgkin-Huxley run at 0.01 ms takes 0.3-1.7 s. The standalone device writes the
same model as a C++ program; built once (about 4 s), it re-runs with new values given on its
command line (brian2's ``run_args``) in a few milliseconds, reading the results included.

How it fits in one process with the runtime models: the device is process-wide, so a build
runs in a child process (``python -m neurodynex_gui.models.fast_path``) that sets the device,
builds and compiles the project and writes a manifest (which command-line names set which
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
import gc
import hashlib
import importlib.metadata
import json
import os
import re
import selectors
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import threading
from pathlib import Path

import numpy as np

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

def cache_dir() -> Path:
    """The user's cache folder of this app (``NEURODYNEX_GUI_CACHE`` overrides it)."""
    if os.environ.get("NEURODYNEX_GUI_CACHE"):
        return Path(os.environ["NEURODYNEX_GUI_CACHE"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "neurodynex-gui"


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


# -- the compiler ----------------------------------------------------------------------------

def missing_compiler() -> str:
    """Why no C++ program can be built here ("" if a compiler is found)."""
    compiler = os.environ.get("CXX") or sysconfig.get_config_var("CXX") or "c++"
    program = compiler.split()[0]
    if shutil.which(program) is None:
        return (f"no C++ compiler ({program} not found): simulations run on brian2's numpy "
                "target, about 10-100 times slower; install a C++ compiler (g++ or clang, "
                "or Visual Studio's build tools on Windows) for the fast path")
    return ""


# -- looking up, building and running --------------------------------------------------------

_builds: dict[Path, "Build"] = {}
_building: dict = {"process": None, "dir": None}
_failed: dict[Path, str] = {}


def lookup(model: Model, setup: Setup, *, start: bool = True,
           should_stop=None) -> tuple["Build | None", str]:
    """The compiled build for ``setup`` if it is ready, else (None, why not).

    Without a ready build this starts building it in a background process (unless ``start``
    is False, or another build is under way: one at a time, the next call asks again). A run
    that brian2's runtime would take longer for than a build (BUILD_S) waits for its build
    (``should_stop`` is polled meanwhile; the build goes on if the run is stopped).
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
    if start and setup.steps * model.runtime_us_per_step * 1e-6 > BUILD_S:
        process = _building["process"] if _building["dir"] == folder else None
        if process is None or process.poll() is not None:
            process = _spawn([(model, built, folder)], _log_path(folder), quiet=False)
        while _poll(process, should_stop) is None:
            pass
        if process.returncode is not None:
            found = _load(folder)
            if found is not None:
                return found, ""
            _failed[folder] = _failure(_log_path(folder))
            return None, _failed[folder]
    elif start:
        _start_build(model, built, folder)
    return None, ("the compiled fast path is being built in the background (a few seconds): "
                  "this run used brian2's runtime")


def prepare(model: Model, setup: Setup) -> bool:
    """Whether the build for ``setup`` is ready; if not, start it in the background (when no
    other build is under way), without waiting."""
    if switched_off():
        return False
    return lookup(dataclasses.replace(model, runtime_us_per_step=0.0), setup)[0] is not None


def switched_off() -> str:
    """Why the fast path is not used ("" unless ``NEURODYNEX_GUI_FAST_PATH=off``)."""
    if os.environ.get("NEURODYNEX_GUI_FAST_PATH", "on").lower() in ("0", "off", "no"):
        return "the compiled fast path is switched off (NEURODYNEX_GUI_FAST_PATH=off)"
    return ""


def _load(folder: Path) -> "Build | None":
    try:
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = _builds[folder] = Build(folder, manifest)
    return found


def _start_build(model: Model, setup: Setup, folder: Path) -> None:
    process = _building["process"]
    if process is not None:
        if process.poll() is None:
            return
        done = _building["dir"]
        if not (done / "manifest.json").exists():
            _failed[done] = _failure(_log_path(done))
        _building["process"] = None
    if folder in _failed:
        return
    _building["process"] = _spawn([(model, setup, folder)], _log_path(folder), quiet=True)
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
    log = log or (_log_path(folders[0]) if folders else cache_dir() / "build.log")
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
    log.parent.mkdir(parents=True, exist_ok=True)
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join([root] + ([os.environ["PYTHONPATH"]]
                                     if os.environ.get("PYTHONPATH") else []))
    spec = json.dumps({"nice": quiet, "jobs": [
        {"model": dataclasses.asdict(model), "setup": dataclasses.asdict(setup),
         "folder": str(folder)} for model, setup, folder in jobs]})
    with open(log, "w", encoding="utf-8") as out:
        return subprocess.Popen([sys.executable, "-m", __name__, spec], cwd=root,
                                env=dict(os.environ, PYTHONPATH=path),
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)


def _poll(process: subprocess.Popen, should_stop) -> "int | bool | None":
    """The return code of ``process`` after waiting a moment; True if asked to stop."""
    try:
        return process.wait(timeout=0.05)
    except subprocess.TimeoutExpired:
        return True if should_stop is not None and should_stop() else None


def _log_path(folder: Path) -> Path:
    return folder.with_name(folder.name + ".log")


def _failure(log: Path) -> str:
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    last = next((line for line in reversed(lines) if line.strip()), "no output")
    return (f"the compiled fast path could not be built ({last.strip()[:200]}; log: "
            f"{log}): simulations run on brian2's runtime, slower")


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


def run(model: Model, setup: Setup, values: dict, *, on_chunk=None,
        should_stop=None) -> tuple[Output | None, str]:
    """The compiled run, if its build is ready; else (None, why not), and the caller runs
    brian2's runtime. A long run that is shown while it runs (``on_chunk``, more than
    STREAM_NEURON_STEPS) stays on the runtime, which streams; the environment variable
    ``NEURODYNEX_GUI_FAST_PATH=off`` keeps every run there."""
    return run_all([(model, setup, values)], on_chunk=on_chunk, should_stop=should_stop)[0]


def run_all(runs: list[tuple[Model, Setup, dict]], *, on_chunk=None,
            should_stop=None) -> list[tuple[Output | None, str]]:
    """:func:`run` for each (model, setup, values), the compiled programs all at once (one
    process each: the cores share them); in order."""
    found = [_ready(model, setup, on_chunk, should_stop) for model, setup, _ in runs]
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


def _ready(model: Model, setup: Setup, on_chunk, should_stop) -> tuple[Build | None, str]:
    if switched_off():
        return None, switched_off()
    if on_chunk is not None and setup.n * setup.steps > STREAM_NEURON_STEPS:
        return None, "a long run, shown while it runs: brian2's runtime streams it"
    return lookup(model, setup, should_stop=should_stop)


# -- the build, in its own process -----------------------------------------------------------

def _build_here(model: Model, setup: Setup, folder: Path) -> None:
    """Build and compile the standalone project, then move it into ``folder`` atomically."""
    import brian2 as b2
    from brian2.devices.device import all_devices

    folder.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        all_devices["neurodynex_standalone"] = _device_class()()
        b2.set_device("neurodynex_standalone", directory=str(work), build_on_run=False)
        b2.prefs.codegen.cpp.extra_compile_args_gcc = COMPILE_ARGS
        tables = {name: b2.TimedArray(np.zeros(size) * (1 if unit == "1" else
                                                         getattr(b2, unit)),
                                      dt=1 * b2.ms, name=name)
                  for name, size, unit in model.tables}
        group = b2.NeuronGroup(setup.n, model.equations, threshold=model.threshold,
                               reset=model.reset, refractory=model.refractory,
                               method=model.method, dt=setup.dt_ms * b2.ms, name="neuron",
                               namespace=tables,
                               events={name: condition for name, condition, _ in model.events}
                               or None)
        for name, _, code in model.events:
            group.run_on_event(name, code)
        monitors = []
        if setup.record:
            monitors.append(b2.StateMonitor(group, list(setup.record), record=True,
                                            dt=setup.record_every * setup.dt_ms * b2.ms,
                                            name="state"))
        if setup.spikes:
            monitors.append(b2.SpikeMonitor(group, name="spikes"))
        net = b2.Network(group, *monitors, name="net")
        net.run(setup.duration_ms * b2.ms, namespace={})
        outputs = _outputs(monitors)
        b2.get_device().kept_results = frozenset(spec["file"] for spec in outputs.values())
        b2.device.build(directory=str(work), compile=True, run=False, with_output=False)
        manifest = {"program": "main.exe" if os.name == "nt" else "main",
                    "inputs": {**_inputs(group), **_table_inputs(tables)}, "outputs": outputs}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        shutil.rmtree(work / "results", ignore_errors=True)
        try:
            os.rename(work, folder)
        except OSError:
            if not (folder / "manifest.json").exists():  # not another instance's build
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)


_CLOCK_IN_LOOP = re.compile(r"(\n[ \t]*current = std::clock\(\);\n"
                            r"[ \t]*elapsed_realtime = [^\n]*\n)(\s*\n[ \t]*\}\n)")
_RESULT_FILE = re.compile(r"[ \t]*ofstream outfile_(?P<name>\w+);\n[ \t]*outfile_(?P=name)\.open"
                          r"\(results_dir \+ \"(?P<file>[^\"]+)\".*?Error writing output file "
                          r"for (?P=name)\.[^\n]*\n[ \t]*\}\n", re.DOTALL)


_DURATION_CODE = f"""double _run_duration = -1.0;
for (size_t _k = 0; _k < args.size(); _k++)
{{
    if (args[_k].compare(0, {len(DURATION_ARG) + 1}, "{DURATION_ARG}=") == 0)
    {{
        _run_duration = std::stod(args[_k].substr({len(DURATION_ARG) + 1}));
        args.erase(args.begin() + _k);
        break;
    }}
}}
if (_run_duration < 0)
{{
    std::cerr << "no run length given ({DURATION_ARG}=seconds)" << std::endl;
    return 2;
}}"""
"""C++ of ``main`` that takes the run length off the command line (before brian2 reads the
other ``name=value`` arguments)."""

_ROWS_2D = re.compile(r"template<class T>\s*class DynamicArray2D\s*\{.*?\n\};\n", re.DOTALL)
_ROWS_IN_ONE_BLOCK = """template<class T>
class DynamicArray2D
{
	// neurodynex-gui: the rows (one per recorded step) one after the other in one vector
	std::vector<T> data;
	struct Row { bool is_empty; bool empty() const { return is_empty; } };
public:
	int n, m;
	DynamicArray2D(int _n=0, int _m=0) : n(0), m(0) { resize(_n, _m); }
	void resize(int _n, int _m)
	{
		if(_m != m && n > 0 && m > 0)
		{
			std::vector<T> moved((size_t)_n * _m);
			for(int i=0; i<n && i<_n; i++)
				for(int j=0; j<m && j<_m; j++)
					moved[(size_t)i * _m + j] = data[(size_t)i * m + j];
			data.swap(moved);
		} else
			data.resize((size_t)_n * _m);
		n = _n;
		m = _m;
	}
	inline typename std::vector<T>::reference operator()(int i, int j)
	{
		return data[(size_t)i * m + j];
	}
	inline Row operator()(int i)
	{
		return Row{m == 0};
	}
};
"""
"""brian2's 2D dynamic array (a StateMonitor's recorded values), with the same interface as
brian2's generated code uses it (``resize(n, m)``, ``(i, j)``, ``(i).empty()``, ``n``, ``m``)
but one block of memory: brian2's own class allocates a vector per row, two allocations per
recorded step and variable, which took half of a Hodgkin-Huxley run (9.3 -> 5.4 ms for
10,000 samples of 4 variables, results bit for bit the same)."""


def _device_class():
    """brian2's standalone device, with four changes to the program it writes:

    - the run length is read from the command line (``DURATION_ARG``): the build fails if
      brian2's run code does not read as expected (a program must never run a wrong length);

    and, where brian2's code reads as expected (else it is left as it is, slower):

    - its network reads the processor clock once per run instead of once per step (there it
      only serves ``maximum_run_time``, unused here): the clock call cost 0.6 us of the
      0.8 us a LIF step took;
    - at the end it writes only the result files in ``kept_results`` (the monitors'), not
      every variable: some 40 files, 3-4 ms per run where system calls are slow;
    - recorded values are kept in one block of memory (``_ROWS_IN_ONE_BLOCK``).
    """
    from brian2.devices.cpp_standalone.device import CPPStandaloneDevice

    class Device(CPPStandaloneDevice):
        kept_results: frozenset = frozenset()

        def network_run(self, net, duration, *args, **kwargs):
            super().network_run(net, duration, *args, **kwargs)
            runs = [args for kind, args in self.main_queue if kind == "run_network"]
            lines = runs[-1][1] if len(runs) == 1 else []
            run = f"{net.name}.run("
            at = [k for k, line in enumerate(lines) if line.startswith(run)]
            if len(at) != 1 or "set_from_command_line(args);" not in lines:
                raise RuntimeError("brian2's standalone run code is not as expected: the "
                                   "run length cannot be given at run time")
            lines[at[0]] = run + "_run_duration," + lines[at[0]].split(",", 1)[1]
            lines.insert(lines.index("set_from_command_line(args);"), _DURATION_CODE)

        def copy_source_files(self, writer, directory):
            super().copy_source_files(writer, directory)
            header = Path(directory) / "brianlib" / "dynamic_array.h"
            text = header.read_text(encoding="utf-8")
            header.write_text(_ROWS_2D.sub(lambda _: _ROWS_IN_ONE_BLOCK, text, count=1),
                              encoding="utf-8")

        def generate_network_source(self, writer, compiler):
            with _edited(writer, lambda cpp: _CLOCK_IN_LOOP.sub(r"\2\1", cpp)):
                super().generate_network_source(writer, compiler)

        def generate_objects_source(self, writer, *args, **kwargs):
            def keep(match):
                return match.group(0) if match.group("file") in self.kept_results else ""

            with _edited(writer, lambda cpp: _RESULT_FILE.sub(keep, cpp)):
                super().generate_objects_source(writer, *args, **kwargs)

    return Device


@contextlib.contextmanager
def _edited(writer, edit):
    """While in the block, the .cpp file of brian2's next multi-file write goes through
    ``edit``."""
    write = writer.write

    def edited(filename, contents):
        write(filename[:-1] + "cpp", edit(contents.cpp_file))
        write(filename[:-1] + "h", contents.h_file)

    writer.write = edited
    try:
        yield
    finally:
        del writer.write


def _inputs(group) -> dict:
    from brian2.core.variables import ArrayVariable

    return {name: {"arg": f"{group.name}.{name}", "dtype": np.dtype(var.dtype).str,
                   "size": var.size}
            for name, var in group.variables.items()
            if isinstance(var, ArrayVariable) and var.owner.name == group.name
            and not var.read_only and not name.startswith("_")}


def _table_inputs(tables: dict) -> dict:
    """The command-line names of the tables' values (brian2's ``name.values``)."""
    return {name: {"arg": f"{name}.values", "dtype": np.dtype(table.values.dtype).str,
                   "size": int(table.values.size)} for name, table in tables.items()}


def _outputs(monitors) -> dict:
    import brian2 as b2

    outputs = {}
    for monitor in monitors:
        names = ["t"] + (list(monitor.record_variables) if isinstance(monitor, b2.StateMonitor)
                         else ["i"])
        for name in names:
            var = monitor.variables[name]
            outputs[f"{monitor.name}.{name}"] = {
                "file": b2.device.get_array_filename(var), "dtype": np.dtype(var.dtype).str,
                "columns": monitor.n_indices if isinstance(monitor, b2.StateMonitor)
                and name != "t" else 0}
    return outputs


def _main(spec: dict) -> int:
    """Build every job of ``spec`` (see ``_spawn``); 1 if any failed."""
    if spec["nice"] and hasattr(os, "nice"):
        os.nice(10)  # a background build yields to the foreground simulation
    failed = 0
    for job in spec["jobs"]:
        setup = Setup(**{**job["setup"], "record": tuple(job["setup"]["record"])})
        try:
            _build_here(Model(**job["model"]), setup, Path(job["folder"]))
        except Exception as error:  # noqa: BLE001 - reported in the log, the next job goes on
            failed = 1
            print(f"{Path(job['folder']).name}: {type(error).__name__}: {error}", flush=True)
        gc.collect()  # the next build reuses the brian2 names of this one
    return failed


if __name__ == "__main__":
    sys.exit(_main(json.loads(sys.argv[1])))
