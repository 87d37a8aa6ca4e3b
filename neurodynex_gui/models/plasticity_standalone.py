"""The pairing protocols of the plasticity tab as a compiled program (brian2's C++ standalone
device), built once and re-run with new spike trains and rule parameters.

Why: the STDP window (201 protocols of 60 pairs at 1 Hz) is 60 s of simulated time; on
brian2's runtime every step costs some 80 us of overhead, 4.5-5.6 s in all; the compiled
program runs it in a fraction of a second. It is the runtime's network (``plasticity_brian``:
the same synapse equations and on_pre/on_post code) with one change: the spikes come from two
NeuronGroups that read their spike times from a table (a TimedArray given at run time) instead
of two SpikeGeneratorGroups, whose spikes a standalone program cannot take on its command line.
Neuron i of each group fires at the step of table item k (from its first item ``k`` up to
``k_end``, exclusive), then moves to the next item; a SpikeGeneratorGroup fires at the same
steps, in the same slot of the step, so the synapses see the same spikes in the same order
(tests/test_plasticity_standalone.py compares both).

As in ``fast_path`` (whose cache folder, compiler check, switch and builder process this reuses:
``build_processes.spawn_program`` runs this module's ``_build_here`` there), a build lives in the
user's cache folder under a key of brian2's version and a digest of the code and sizes, and is
run directly (no brian2 import) with brian2's ``run_args`` syntax; results are read with numpy.
A build fixes the rule, the pairing, the clock step and sizes rounded up (synapses and table
items to powers of two, the run length to 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 x 10^k ms):
padding synapses get no spikes, and the recorded weight is cut at the requested length.
"""
from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import json
import math
import os
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from . import build_processes, fast_path
from .fast_path_build import build_into, command_line_input, result_file
from . import plasticity_code as code
from .plasticity_rules import STDPParams

FORMAT = 1
RUNTIME_US_PER_STEP = 85.0
"""What a step of the runtime's pairing network costs (measured: 60,000 steps in 3-5.6 s).
A run that the runtime would take more than twice a build's time (``fast_path.BUILD_S``) for
waits for its build; a shorter one runs on the runtime while the build goes on (a build took
6-17 s here, on a loaded machine)."""
_FACTORS = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


@dataclasses.dataclass(frozen=True)
class Spec:
    """What one build fixes."""

    rule: str
    pairing: str
    n: int
    table: int
    step_ms: float
    duration_ms: float

    def name(self) -> str:
        return f"stdp-{self.rule}-{self.pairing}"

    def code(self) -> str:
        return _code_digest()


def _power_of_two(n: int, least: int) -> int:
    return max(least, 1 << max(0, int(n) - 1).bit_length())


def _rounded_up(duration_ms: float) -> float:
    decade = 10.0 ** math.floor(math.log10(duration_ms))
    return next(f * decade for f in _FACTORS if duration_ms <= f * decade * (1 + 1e-12))


def spec_for(rule: str, pairing: str, n: int, spikes: int, step_ms: float,
             duration_ms: float) -> Spec:
    """The build that serves ``n`` synapses with at most ``spikes`` spikes per side."""
    return Spec(rule, pairing, _power_of_two(n, 16), _power_of_two(spikes + 1, 1024),
                float(step_ms), _rounded_up(duration_ms))


def _code_digest() -> str:
    text = json.dumps([FORMAT, fast_path.COMPILE_ARGS,
                       [code.rule_code(r, p) for r in ("pair", "triplet")
                        for p in ("all-to-all", "nearest")], _SOURCE_NEURON, _THRESHOLD,
                       _RESET])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def build_dir(spec) -> Path:
    """The cache folder of a build: ``spec`` is a frozen dataclass with ``name()`` and
    ``code()`` (a digest of the code it compiles) whose module has ``_build_here(spec,
    folder)``: this module's Spec, or ``song_standalone``'s."""
    brian_version = importlib.metadata.version("brian2")
    text = json.dumps([spec.code(), type(spec).__module__, dataclasses.asdict(spec)],
                      sort_keys=True)
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    return (fast_path.cache_dir() / f"standalone-brian{brian_version}"
            / f"{spec.name()}-{digest}")


_SOURCE_NEURON = "k : integer\nk_end : integer"
_THRESHOLD = "k < k_end and t > {table}(k * ms) - 0.5 * dt"
_RESET = "k += 1"


# -- the build, in a child process ---------------------------------------------------------

def _build_here(spec: Spec, folder: Path) -> None:
    import brian2 as b2

    def make(work: Path) -> dict:
        b2.set_device("cpp_standalone", directory=str(work), build_on_run=False)
        b2.prefs.codegen.cpp.extra_compile_args_gcc = fast_path.COMPILE_ARGS
        dt = spec.step_ms * b2.ms
        groups = {}
        for side in ("pre", "post"):
            table = b2.TimedArray(np.zeros(spec.table) * b2.second, dt=1 * b2.ms,
                                  name=f"{side}_times")
            groups[side] = b2.NeuronGroup(
                spec.n, _SOURCE_NEURON, threshold=_THRESHOLD.format(table=f"{side}_times"),
                reset=_RESET, dt=dt, name=side, namespace={f"{side}_times": table})
            groups[side + "_table"] = table
        equations, on_pre, on_post = code.rule_code(spec.rule, spec.pairing)
        syn = b2.Synapses(groups["pre"], groups["post"], equations, on_pre=on_pre,
                          on_post=on_post, dt=dt, name="syn", namespace={})
        syn.connect(j="i")
        syn.w = 0.0
        monitor = b2.StateMonitor(syn, "w", record=[0], dt=dt, name="state")
        net = b2.Network(groups["pre"], groups["post"], syn, monitor, name="net")
        net.run(spec.duration_ms * b2.ms, namespace={})
        b2.get_device().build(directory=str(work), compile=True, run=False, with_output=False)
        inputs = {}
        for side in ("pre", "post"):
            for var in ("k", "k_end"):
                inputs[f"{side}.{var}"] = command_line_input(groups[side], var)
            inputs[f"{side}_times"] = {"arg": f"{side}_times.values", "dtype": "<f8"}
        shared = {name: {"arg": f"syn.{name}", "dtype": "<f8"}
                  for name in code.shared_values(STDPParams(rule=spec.rule))}
        return {"inputs": {**inputs, **shared},
                "outputs": {"w": result_file(syn.variables["w"]),
                            "t": result_file(monitor.variables["t"]),
                            "trace": result_file(monitor.variables["w"])}}

    build_into(folder, make)


def _failure(folder: Path) -> str:
    return (f"the compiled program ({folder.name.rsplit('-', 1)[0]}) could not be built "
            f"({build_processes.last_logged(build_processes.log_path(folder))})")


class _State:
    process: subprocess.Popen | None = None
    folder: Path | None = None
    failed: dict = {}
    manifests: dict = {}


def window_spec(window_ms: float = 100.0, n_pairs: int = 60, frequency_Hz: float = 1.0,
                rule: str = "pair", pairing: str = "all-to-all") -> Spec:
    """The build that serves the STDP window (dt from -window_ms to +window_ms in 1 ms steps,
    plus one chosen dt) of ``n_pairs`` pairs at ``frequency_Hz`` (whole-ms times)."""
    n = 2 * int(window_ms) + 2
    duration = window_ms + 1 + (n_pairs - 1) * 1000.0 / frequency_Hz + window_ms + 2
    return spec_for(rule, pairing, n, n * n_pairs, 1.0, duration)


def build(spec) -> Path:
    """Build ``spec`` now (in a child process) and wait; its folder. RuntimeError if it
    cannot be built."""
    folder = build_dir(spec)
    if not (folder / "manifest.json").exists():
        reason = fast_path.missing_compiler()
        if reason:
            raise RuntimeError(reason)
        build_processes.spawn_program(spec, folder, quiet=False).wait()
        if not (folder / "manifest.json").exists():
            raise RuntimeError(_failure(folder))
    return folder


def lookup(spec, *, wait: bool = False, should_stop=None) -> tuple[Path | None, str]:
    """The folder of the build for ``spec`` if it is ready, else (None, why not); without it,
    starts the build in the background (one at a time), and waits for it if ``wait``."""
    if fast_path.switched_off():
        return None, fast_path.switched_off()
    folder = build_dir(spec)
    if (folder / "manifest.json").exists():
        return folder, ""
    if folder in _State.failed:
        return None, _State.failed[folder]
    reason = fast_path.missing_compiler()
    if reason:
        return None, reason
    building = (f"the compiled program ({spec.name()}) is being built in the background: "
                "this run used brian2's runtime")
    if _State.folder != folder and build_processes.build_under_way(folder):  # another process's
        if not wait:
            return None, building
        while build_processes.build_under_way(folder):
            if should_stop is not None and should_stop():
                return None, "stopped while the compiled program was being built"
            time.sleep(0.05)
        if (folder / "manifest.json").exists():
            return folder, ""
    process = _State.process
    if process is not None and process.poll() is not None:
        if not (_State.folder / "manifest.json").exists():
            _State.failed[_State.folder] = _failure(_State.folder)
        process = _State.process = None
    if process is None or (wait and _State.folder != folder):
        if folder in _State.failed:
            return None, _State.failed[folder]
        process = build_processes.spawn_program(spec, folder, quiet=not wait)
        _State.process, _State.folder = process, folder
    if _State.folder == folder and wait:
        while process.poll() is None:
            if should_stop is not None and should_stop():
                return None, "stopped while the compiled program was being built"
            time.sleep(0.05)
        if (folder / "manifest.json").exists():
            return folder, ""
        _State.failed[folder] = _failure(folder)
        return None, _State.failed[folder]
    return None, building


def manifest(folder: Path) -> dict:
    """The manifest of the build in ``folder`` (read once per process)."""
    found = _State.manifests.get(folder)
    if found is None:
        found = _State.manifests[folder] = json.loads(
            (folder / "manifest.json").read_text(encoding="utf-8"))
    return found


def _table(trains, spec: Spec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(k, k_end, table in s) of ``trains`` padded to the build's sizes."""
    counts = np.array([len(t) for t in trains], int)
    k = np.zeros(spec.n, np.int32)
    k_end = np.zeros(spec.n, np.int32)
    k_end[:len(trains)] = np.cumsum(counts)
    k[:len(trains)] = k_end[:len(trains)] - counts
    table = np.full(spec.table, 1e9)
    if counts.sum():
        table[:counts.sum()] = np.concatenate([np.asarray(t, float) for t in trains]) * 1e-3
    return k, k_end, table


def run_compiled(stdp, pre_trains, post_trains, step_ms: float, duration_ms: float, *,
                 on_chunk=None, should_stop=None) -> dict | None:
    """``plasticity_brian.run_trains``'s result from the compiled program (``dw``, ``t_ms``
    and ``w`` of synapse 0, ``step_ms``, ``path``), or None if its build is not ready (then it
    is started, and waited for if the runtime would take longer than a build)."""
    spikes = max(sum(len(t) for t in pre_trains), sum(len(t) for t in post_trains))
    spec = spec_for(stdp.rule, stdp.pairing, len(pre_trains), spikes, step_ms, duration_ms)
    steps = int(round(duration_ms / step_ms))
    wait = steps * RUNTIME_US_PER_STEP * 1e-6 > 2 * fast_path.BUILD_S
    folder, _ = lookup(spec, wait=wait, should_stop=should_stop)
    if folder is None:
        return None
    values = {}
    for side, trains in (("pre", pre_trains), ("post", post_trains)):
        values[f"{side}.k"], values[f"{side}.k_end"], values[f"{side}_times"] = _table(trains,
                                                                                    spec)
    values.update(code.shared_values(stdp))
    with tempfile.TemporaryDirectory(prefix="neurodynex-stdp-", dir=memory()) as results:
        read = execute(folder, values, results, should_stop)
        dw, t, trace = read("w")[:len(pre_trains)], read("t")[:steps], read("trace")[:steps]
    if on_chunk is not None:
        on_chunk({"fraction": 1.0})
    return {"dw": dw, "step_ms": step_ms, "t_ms": t * 1e3, "w": trace, "path": "standalone"}


def execute(folder: Path, values: dict, results: str, should_stop=None, *,
            partial: bool = False):
    """Run the build in ``folder`` with ``values`` (input name -> number or array), results
    in the folder ``results``; a function that reads an output by name (its ``completed``:
    False if it was stopped). If stopped: InterruptedError, or with ``partial`` what the
    program computed until then."""
    manifest_ = manifest(folder)
    inputs = manifest_["inputs"]
    args = [str(folder / manifest_["program"]), "--results_dir", results + os.sep]
    for name, value in values.items():
        array = np.asarray(value, dtype=inputs[name]["dtype"])
        if array.ndim == 0:
            args.append(f"{inputs[name]['arg']}={array.item()!r}")
        else:
            path = os.path.join(results, f"in_{name}")
            array.tofile(path)
            args.append(f"{inputs[name]['arg']}={path}")
    completed = fast_path.run_program(args, folder, should_stop)
    if not completed and not partial:
        raise InterruptedError("stopped")

    def read(name):
        spec = manifest_["outputs"][name]
        return np.fromfile(os.path.join(results, spec["file"]), dtype=spec["dtype"])

    read.completed = completed
    return read


def memory() -> str | None:
    """Where results go: in memory (/dev/shm) where there is one."""
    return "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
