"""brian2 plumbing for the models: one cached network per structure, streamed runs.

brian2 is imported here, so import this module lazily (inside functions): the GUI process never
imports brian2, a worker process does (see ``neurodynex_gui.worker_process``).

Every brian2 object gets an explicit, stable name, so that a network that is rebuilt reuses the
generated code; parameters live in group variables, never in constants baked into code, so one
built network serves every parameter value: it is restored to its initial state and re-run.

A network may use its own code-generation target (``target="cython"``); :func:`cython_ready`
compiles a model's cython code in a background process, so that nobody waits on a compiler.
"""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import importlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Callable

import brian2 as b2
import numpy as np

from .stimulus import BRIAN_EQUATIONS, Stimulus, si_values

CHUNK_WALL_S = 0.03
"""A streamed chunk goes out at most this often (wall clock), so the GUI gets ~30 per second."""

b2.prefs.codegen.target = "numpy"  # no compile in front of a user; warm runs measured fast


@dataclasses.dataclass
class Built:
    """A built network, its neuron group, monitors and the streaming hook."""

    net: b2.Network
    group: b2.NeuronGroup
    state: b2.StateMonitor | None
    spikes: b2.SpikeMonitor | None
    hook: "StreamHook"
    sampler: "Sampler | None" = None
    name: str = ""


@dataclasses.dataclass
class StreamHook:
    """What the network operation of a built network calls during a run."""

    on_chunk: Callable[[dict], None] | None = None
    should_stop: Callable[[], bool] | None = None
    sent: int = 0
    last_sent: float = 0.0
    stopped: bool = False
    step: int = 0


@dataclasses.dataclass
class Sampler:
    """Copies variables of every neuron into preallocated buffers every ``every`` steps.

    Called from a network operation on the group's own clock: for a long run of few neurons
    this costs far less per step than a StateMonitor (which resizes its arrays at every step,
    and on a second clock makes the network juggle two clocks).
    """

    names: tuple[str, ...]
    every: int
    dt_ms: float
    sources: list = dataclasses.field(default_factory=list)
    buffers: list = dataclasses.field(default_factory=list)
    count: int = 0
    size: int = 0

    def start(self, steps: int) -> None:
        self.size = steps // self.every + 1
        self.buffers = [np.empty((len(source), self.size)) for source in self.sources]
        self.count = 0

    def take(self) -> None:
        count = self.count
        if count >= self.size:
            return
        if len(self.sources[0]) == 1:  # one neuron: scalar copies are 4x faster than slices
            for source, buffer in zip(self.sources, self.buffers):
                buffer[0, count] = source[0]
        else:
            for source, buffer in zip(self.sources, self.buffers):
                buffer[:, count] = source
        self.count = count + 1

    def times_ms(self, start: int = 0) -> np.ndarray:
        return np.arange(start, self.count) * (self.every * self.dt_ms)

    def values(self, name: str, start: int = 0) -> np.ndarray:
        """Samples (neurons x samples, SI units) of ``name`` from sample ``start`` on."""
        return self.buffers[self.names.index(name)][:, start:self.count]


CODE_OBJECTS = {"numpy": "brian2.codegen.runtime.numpy_rt:NumpyCodeObject",
                "cython": "brian2.codegen.runtime.cython_rt:CythonCodeObject"}
"""Code-generation targets a network can ask for, and brian2's class for each."""

_networks: dict[tuple, Built] = {}


def network(key: tuple, equations: str, n: int, *, dt_ms: float, threshold: str | None = None,
            reset: str | None = None, refractory: str | bool = False, method: str,
            record: tuple[str, ...] = (), record_dt_ms: float | None = None,
            spikes: bool = True, check_ms: float = 1.0, target: str | None = None,
            name: str | None = None, sample: tuple[str, ...] = (), sample_every: int = 1,
            one_clock: bool = False, events: tuple = (), tables: dict | None = None) -> Built:
    """The network for ``key`` in its initial state, built on first use.

    ``equations`` may use ``I_stim`` (amp), the shared stimulus. ``record`` names the variables
    a StateMonitor records for every neuron; ``check_ms`` is how often (simulated time) a run
    looks at ``should_stop`` and streams.

    ``target`` ("numpy" or "cython", see CODE_OBJECTS) is this network's code generation
    (default: the process-wide numpy). ``name`` is the base of the brian2 names (default: made
    from ``key``); a network built under the same name for another key (e.g. another size)
    replaces it, and the new one reuses the compiled code. ``sample`` names variables a
    :class:`Sampler` takes every ``sample_every`` steps instead of a StateMonitor. With
    ``one_clock`` (implied by ``sample``) the streaming hook runs on the group's clock, so the
    whole network has one clock: brian2's cheapest loop.

    ``events`` are custom events (name, condition, code) the group runs code on; ``tables``
    (name -> brian2 TimedArray) are what its equations and events read (change a table's
    values in place between runs). Both are part of the network's structure: give them a
    ``key`` of their own.
    """
    built = _networks.get(key)
    if built is not None:
        built.net.restore("initial")
        built.hook.sent = 0
        return built
    name = name or "_".join(str(part) for part in key).replace(".", "p").replace("-", "m")
    _drop_named(name)
    code = {} if target is None else {"codeobj_class": _code_object_class(target)}
    group = b2.NeuronGroup(n, equations + BRIAN_EQUATIONS, threshold=threshold, reset=reset,
                           refractory=refractory, method=method, dt=dt_ms * b2.ms,
                           name=f"{name}_group", namespace=dict(tables or {}),
                           events={event: condition for event, condition, _ in events} or None,
                           **code)
    for event, _, event_code in events:
        group.run_on_event(event, event_code)
    state = (b2.StateMonitor(group, list(record), record=True, name=f"{name}_state",
                             dt=(record_dt_ms or dt_ms) * b2.ms, **code) if record else None)
    spike_monitor = b2.SpikeMonitor(group, name=f"{name}_spikes", **code) if spikes else None
    sampler = (Sampler(tuple(sample), sample_every, dt_ms,
                       [group.variables[var].get_value() for var in sample]) if sample else None)
    hook = StreamHook()
    objects = [obj for obj in (group, state, spike_monitor) if obj is not None]
    objects.append(_stream_operation(hook, sampler, lambda: built, name, group,
                                     one_clock or sampler is not None, dt_ms, check_ms))
    net = b2.Network(*objects, name=f"{name}_network")
    net.store("initial")
    built = Built(net, group, state, spike_monitor, hook, sampler, name)
    _networks[key] = built
    return built


def _stream_operation(hook, sampler, get_built, name, group, one_clock, dt_ms, check_ms):
    """The network operation that samples, looks at ``should_stop`` and streams chunks."""

    def check():
        if hook.should_stop is not None and hook.should_stop():
            hook.stopped = True
            get_built().net.stop()
        if hook.on_chunk is not None and time.monotonic() - hook.last_sent >= CHUNK_WALL_S:
            _send_chunk(get_built())

    if not one_clock:
        return b2.NetworkOperation(check, dt=check_ms * b2.ms, name=f"{name}_stream",
                                   when="end")
    check_every = max(1, int(round(check_ms / dt_ms)))
    every = sampler.every if sampler is not None else 0

    def each_step():
        step = hook.step
        hook.step = step + 1
        if every and step % every == 0:
            sampler.take()
        if step % check_every == 0:
            check()

    return b2.NetworkOperation(each_step, clock=group.clock, name=f"{name}_stream",
                               when="start")


def _code_object_class(target: str):
    module, _, cls = CODE_OBJECTS[target].partition(":")
    return getattr(importlib.import_module(module), cls)


def _drop_named(name: str) -> None:
    """Forget the network built under ``name`` (if any) and free its brian2 objects now.

    brian2 derives the names of code objects from their owner's with a counter if the name is
    taken, and compiled code has names baked in: the old objects must be gone first.
    """
    stale = [key for key, built in _networks.items() if built.name == name]
    if not stale:
        return
    for key in stale:
        del _networks[key]
    gc.unfreeze()  # the worker freezes its heap after each job; let this old network go
    gc.collect()


def set_stimulus(built: Built, stimulus: Stimulus, amp_unit) -> None:
    """Write the stimulus into the group's variables (every neuron gets ``I_amp``)."""
    write(built, si_values(stimulus, float(amp_unit)))


def write(built: Built, values: dict) -> None:
    """Write values (SI units; numbers or one per neuron) into the group's variables."""
    built.group.set_states(values, units=False)


def run(built: Built, duration_ms: float, on_chunk=None, should_stop=None,
        first_chunk_s: float | None = None) -> bool:
    """Run for ``duration_ms``, streaming new samples; True if it ran to the end.

    With ``first_chunk_s``, streaming starts that far (wall clock) into the run and a run that
    is over sooner streams nothing (its result has every sample): the GUI stays idle.
    """
    hook = built.hook
    hook.on_chunk, hook.should_stop, hook.stopped = on_chunk, should_stop, False
    delay = CHUNK_WALL_S if first_chunk_s is None else first_chunk_s
    hook.last_sent, hook.step = time.monotonic() + delay - CHUNK_WALL_S, 0
    if built.sampler is not None:
        built.sampler.start(int(round(duration_ms / float(built.group.dt / b2.ms))))
    try:
        built.net.run(duration_ms * b2.ms, namespace={})
    finally:
        hook.on_chunk = hook.should_stop = None
    if on_chunk is not None and (first_chunk_s is None or hook.sent > 0):
        hook.on_chunk = on_chunk
        _send_chunk(built)
        hook.on_chunk = None
    return not hook.stopped


def recorded(built: Built, name: str, unit) -> np.ndarray:
    """A recorded (or sampled) variable as a plain array (neurons x samples) in ``unit``."""
    if built.sampler is not None:
        return built.sampler.values(name) / float(unit)
    return np.asarray(getattr(built.state, name) / unit)


def recorded_times_ms(built: Built) -> np.ndarray:
    """The times (ms) of the recorded (or sampled) values."""
    if built.sampler is not None:
        return built.sampler.times_ms()
    return np.asarray(built.state.t / b2.ms)


def spike_trains_ms(built: Built) -> list[np.ndarray]:
    """Spike times (ms) of every neuron."""
    trains = built.spikes.spike_trains()
    return [np.asarray(trains[i] / b2.ms) for i in range(len(built.group))]


def _send_chunk(built: Built) -> None:
    """Hand the samples recorded since the last chunk to ``on_chunk`` (neuron 0 only)."""
    hook, state, sampler = built.hook, built.state, built.sampler
    hook.last_sent = time.monotonic()
    if sampler is not None:
        end = sampler.count
        if end <= hook.sent:
            return
        chunk = {"t_ms": sampler.times_ms(hook.sent)}
        chunk.update({var: sampler.values(var, hook.sent)[0].copy() for var in sampler.names})
    else:
        if state is None:
            return
        end = len(state.t)
        if end <= hook.sent:
            return
        chunk = {"t_ms": np.asarray(state.t[hook.sent:end] / b2.ms)}
        for var in state.record_variables:
            values = state.variables[var].get_value()[hook.sent:end, 0]
            chunk[var] = np.asarray(values, dtype=float)
    if built.spikes is not None:
        chunk["spike_count"] = int(built.spikes.count[0])
    hook.sent = end
    hook.on_chunk(chunk)


_compiles: dict[str, "subprocess.Popen | bool"] = {}


def cython_ready(warm_up: str, signature: str, *, wait: bool = False) -> bool:
    """Whether the cython code that ``warm_up`` ("module:function") builds is compiled.

    ``warm_up`` builds a model's cython networks and runs each for a step, so that brian2
    compiles them into its disk cache; a stamp named after ``signature`` (the model's
    equations and names) and the versions of brian2, Cython and Python then records that the
    cache holds them. Without the stamp the first call starts ``warm_up`` in a background
    process and answers False until it has finished: meanwhile callers run the numpy target,
    slower but at once. ``wait=True`` compiles in this process instead (tests, benchmarks).
    The background process ends with this one (see ``compile_child``) and is reaped when done.
    """
    stamp = _stamp_path(warm_up, signature)
    if stamp is None:
        return False  # no Cython: numpy it is
    if stamp.exists():
        return True
    if wait:
        from . import compile_child

        compile_child.build(warm_up, str(stamp))
        return True
    state = _compiles.get(warm_up)
    if state is None:
        state = _compiles[warm_up] = _start_compile(warm_up, stamp)
    if isinstance(state, bool):
        return state
    if state.poll() is None:
        return False
    _compiles[warm_up] = ready = state.returncode == 0 and stamp.exists()
    return ready


def _stamp_path(warm_up: str, signature: str) -> Path | None:
    try:
        import Cython
    except ImportError:
        return None
    from brian2.codegen.runtime.cython_rt.extension_manager import get_cython_cache_dir

    text = "\n".join((warm_up, signature, b2.__version__, Cython.__version__, sys.version))
    digest = hashlib.sha256(text.encode()).hexdigest()[:20]
    return Path(os.path.expanduser(get_cython_cache_dir())) / f"neurodynex_gui_{digest}.ok"


def _start_compile(warm_up: str, stamp: Path) -> "subprocess.Popen | bool":
    """Start ``compile_child`` on ``warm_up``; its stdin is its lifeline to this process."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [root] + ([os.environ["PYTHONPATH"]] if os.environ.get("PYTHONPATH") else [])))
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "neurodynex_gui.models.compile_child", warm_up, str(stamp)],
            env=env, cwd=root, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
    except OSError:
        return False
    threading.Thread(target=process.wait, name="compile-reaper", daemon=True).start()
    return process
