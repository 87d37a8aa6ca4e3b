"""brian2 plumbing for the models: one cached network per structure, streamed runs.

brian2 is imported here, so import this module lazily (inside functions): the GUI process never
imports brian2, a worker process does (see ``neurodynex_gui.worker_process``).

Every brian2 object gets an explicit, stable name, so that a network that is rebuilt reuses the
generated code; parameters live in group variables, never in constants baked into code, so one
built network serves every parameter value: it is restored to its initial state and re-run.
"""
from __future__ import annotations

import dataclasses
import time
from typing import Callable

import brian2 as b2
import numpy as np

from .stimulus import BRIAN_EQUATIONS, Stimulus, brian_values

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


@dataclasses.dataclass
class StreamHook:
    """What the network operation of a built network calls during a run."""

    on_chunk: Callable[[dict], None] | None = None
    should_stop: Callable[[], bool] | None = None
    sent: int = 0
    last_sent: float = 0.0
    stopped: bool = False


_networks: dict[tuple, Built] = {}


def network(key: tuple, equations: str, n: int, *, dt_ms: float, threshold: str | None = None,
            reset: str | None = None, refractory: str | bool = False, method: str,
            record: tuple[str, ...] = (), record_dt_ms: float | None = None,
            spikes: bool = True, check_ms: float = 1.0) -> Built:
    """The network for ``key`` in its initial state, built on first use.

    ``equations`` may use ``I_stim`` (amp), the shared stimulus. ``record`` names the variables
    a StateMonitor records for every neuron; ``check_ms`` is how often (simulated time) a run
    looks at ``should_stop`` and streams.
    """
    built = _networks.get(key)
    if built is not None:
        built.net.restore("initial")
        built.hook.sent = 0
        return built
    name = "_".join(str(part) for part in key).replace(".", "p").replace("-", "m")
    group = b2.NeuronGroup(n, equations + BRIAN_EQUATIONS, threshold=threshold, reset=reset,
                           refractory=refractory, method=method, dt=dt_ms * b2.ms,
                           name=f"{name}_group", namespace={})
    state = (b2.StateMonitor(group, list(record), record=True, name=f"{name}_state",
                             dt=(record_dt_ms or dt_ms) * b2.ms) if record else None)
    spike_monitor = b2.SpikeMonitor(group, name=f"{name}_spikes") if spikes else None
    hook = StreamHook()
    objects = [obj for obj in (group, state, spike_monitor) if obj is not None]

    def operation():
        if hook.should_stop is not None and hook.should_stop():
            hook.stopped = True
            net.stop()
        if hook.on_chunk is not None and time.monotonic() - hook.last_sent >= CHUNK_WALL_S:
            _send_chunk(built)

    objects.append(b2.NetworkOperation(operation, dt=check_ms * b2.ms, name=f"{name}_stream",
                                       when="end"))
    net = b2.Network(*objects, name=f"{name}_network")
    net.store("initial")
    built = Built(net, group, state, spike_monitor, hook)
    _networks[key] = built
    return built


def set_stimulus(built: Built, stimulus: Stimulus, amp_unit) -> None:
    """Write the stimulus into the group's variables (every neuron gets ``I_amp``)."""
    for name, value in brian_values(stimulus, amp_unit).items():
        setattr(built.group, name, value)


def run(built: Built, duration_ms: float, on_chunk=None, should_stop=None) -> bool:
    """Run for ``duration_ms``, streaming new samples; True if it ran to the end."""
    hook = built.hook
    hook.on_chunk, hook.should_stop, hook.stopped = on_chunk, should_stop, False
    hook.last_sent = time.monotonic()
    try:
        built.net.run(duration_ms * b2.ms, namespace={})
    finally:
        hook.on_chunk = hook.should_stop = None
    if on_chunk is not None:
        hook.on_chunk = on_chunk
        _send_chunk(built)
        hook.on_chunk = None
    return not hook.stopped


def recorded(built: Built, name: str, unit) -> np.ndarray:
    """A recorded variable as a plain array (neurons x samples) in ``unit``."""
    return np.asarray(getattr(built.state, name) / unit)


def spike_trains_ms(built: Built) -> list[np.ndarray]:
    """Spike times (ms) of every neuron."""
    trains = built.spikes.spike_trains()
    return [np.asarray(trains[i] / b2.ms) for i in range(len(built.group))]


def _send_chunk(built: Built) -> None:
    """Hand the samples recorded since the last chunk to ``on_chunk`` (neuron 0 only)."""
    hook, state = built.hook, built.state
    hook.last_sent = time.monotonic()
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
