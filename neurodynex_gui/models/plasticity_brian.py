"""brian2 runs of the plasticity tab (book ch. 19): pairing protocols and the STDP window with
synaptic traces, and the Song-Miller-Abbott competition.

brian2 is imported here: import this module lazily (the worker process does). Every brian2
object has a stable name and networks are cached by structure, so a second run reuses the
generated code; parameters are shared synapse variables, never constants baked into code.

The pairing networks: one synapse per protocol (per dt, or per frequency), its presynaptic and
postsynaptic spikes given by two SpikeGeneratorGroups, event-driven traces. The clock is the
coarsest grid (1 ms if every spike time is a whole millisecond) that holds every spike time.
"""
from __future__ import annotations

import gc
import time

import brian2 as b2
import numpy as np

from . import brian_support as bs
from .plasticity_code import (RULE_CODE, SONG_DT_MS, SONG_NEURON, SONG_SIGNATURE, SONG_STDP,
                              poisson_trains, rule_code, shared_values)
from .plasticity_rules import STDPParams

CHECK_MS = 500.0  # simulated time between looks at should_stop (and progress chunks)

def grid_ms(times_ms: np.ndarray) -> float:
    """The coarsest clock step (ms) among 1, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01 that holds every
    spike time."""
    for step in (1.0, 0.5, 0.25, 0.2, 0.1, 0.05, 0.01):
        scaled = np.asarray(times_ms) / step
        if np.all(np.abs(scaled - np.round(scaled)) < 1e-6):
            return step
    return 0.01


class _Cache:
    """The pairing networks built so far, by (rule, pairing, synapses, clock, recorded)."""

    networks: dict = {}


def _pairing_network(rule: str, pairing: str, n: int, step_ms: float, record: bool):
    key = (rule, pairing, n, step_ms, record)
    built = _Cache.networks.get(key)
    if built is not None:
        built["net"].restore("initial")
        return built
    name = f"stdp_{rule}_{pairing.replace('-', '')}{'_rec' if record else ''}"
    stale = [k for k, v in _Cache.networks.items() if v["name"] == name]
    for k in stale:
        del _Cache.networks[k]
    if stale:
        gc.unfreeze()
        gc.collect()
    dt = step_ms * b2.ms
    pre = b2.SpikeGeneratorGroup(n, [], [] * b2.ms, dt=dt, name=f"{name}_pre")
    post = b2.SpikeGeneratorGroup(n, [], [] * b2.ms, dt=dt, name=f"{name}_post")
    equations, on_pre, on_post = rule_code(rule, pairing)
    syn = b2.Synapses(pre, post, equations, on_pre=on_pre, on_post=on_post, dt=dt,
                      name=f"{name}_syn", namespace={})
    syn.connect(j="i")
    objects = [pre, post, syn]
    monitor = None
    if record:
        monitor = b2.StateMonitor(syn, "w", record=[0], dt=dt, name=f"{name}_w")
        objects.append(monitor)
    hook = {"on_chunk": None, "should_stop": None, "stopped": False, "duration": 1.0}

    def check():
        if hook["should_stop"] is not None and hook["should_stop"]():
            hook["stopped"] = True
            built["net"].stop()
        if hook["on_chunk"] is not None:
            hook["on_chunk"]({"fraction": min(1.0, float(syn.t / b2.ms) / hook["duration"])})

    objects.append(b2.NetworkOperation(check, dt=CHECK_MS * b2.ms, name=f"{name}_check"))
    net = b2.Network(*objects, name=f"{name}_net")
    net.store("initial")
    built = {"net": net, "pre": pre, "post": post, "syn": syn, "monitor": monitor,
             "hook": hook, "name": name}
    _Cache.networks[key] = built
    return built


def run_trains(stdp: STDPParams, pre_trains, post_trains, *, record_first: bool = False,
               on_chunk=None, should_stop=None, compiled: bool = True) -> dict:
    """One synapse per pair of trains (spike times in ms, >= 0), all in one run; returns the
    final weight changes ``dw``, ``path`` ("standalone": the compiled program of
    ``plasticity_standalone``, used once built unless ``compiled`` is False or the fast path
    is switched off; "runtime": brian2's runtime) and, with ``record_first``, ``t_ms``/``w``
    of synapse 0."""
    n = len(pre_trains)
    indices_pre = np.concatenate([np.full(len(t), i) for i, t in enumerate(pre_trains)])
    indices_post = np.concatenate([np.full(len(t), i) for i, t in enumerate(post_trains)])
    times_pre = np.concatenate([np.asarray(t, float) for t in pre_trains])
    times_post = np.concatenate([np.asarray(t, float) for t in post_trains])
    step = grid_ms(np.concatenate([times_pre, times_post]))
    duration = float(max(times_pre.max(initial=0), times_post.max(initial=0))) + 2 * step
    if compiled:
        from . import plasticity_standalone as ps

        found = ps.run_compiled(stdp, pre_trains, post_trains, step, duration,
                                on_chunk=on_chunk, should_stop=should_stop)
        if found is not None:
            return found
    built = _pairing_network(stdp.rule, stdp.pairing, n, step, record_first)
    built["pre"].set_spikes(indices_pre, times_pre * b2.ms)
    built["post"].set_spikes(indices_post, times_post * b2.ms)
    syn = built["syn"]
    syn.w = 0.0
    for name, value in shared_values(stdp).items():
        syn.variables[name].set_value(value)
    hook = built["hook"]
    hook.update(on_chunk=on_chunk, should_stop=should_stop, stopped=False, duration=duration)
    try:
        built["net"].run(duration * b2.ms, namespace={})
    finally:
        hook.update(on_chunk=None, should_stop=None)
    if hook["stopped"]:
        raise InterruptedError("stopped")
    result = {"dw": np.array(syn.w[:]), "step_ms": step, "path": "runtime"}
    if record_first:
        result["t_ms"] = np.asarray(built["monitor"].t / b2.ms)
        result["w"] = np.asarray(built["monitor"].w[0])
    return result


def protocol_trains(dt_values, n_pairs: int, frequency_Hz: float, start_ms: float):
    """Pre and post trains (ms) of one pairing protocol per dt."""
    pre = start_ms + np.arange(n_pairs) * (1000.0 / frequency_Hz)
    return [pre for _ in dt_values], [pre + dt for dt in dt_values]


# ----------------------------------------------------------------- Song, Miller and Abbott

SONG_WARM_UP = "neurodynex_gui.models.plasticity_brian:warm_up"
_song: dict = {}


def _song_network(n: int, rule: str, target: str, dt_ms: float = SONG_DT_MS):
    key = (n, rule, target, dt_ms)
    built = _song.get(key)
    if built is not None:
        built["net"].restore("initial")
        return built
    name = f"song_{rule}_{target}"
    stale = [k for k, v in _song.items() if v["name"] == name]
    for k in stale:
        del _song[k]
    if stale:
        gc.unfreeze()
        gc.collect()
    code = {"codeobj_class": bs._code_object_class(target)}
    dt = dt_ms * b2.ms
    inputs = b2.SpikeGeneratorGroup(n, [], [] * b2.ms, dt=dt, name=f"{name}_in", **code)
    neuron = b2.NeuronGroup(1, SONG_NEURON, threshold="v > v_t", reset="v = v_r",
                            method="euler", refractory=0 * b2.ms, dt=dt,
                            name=f"{name}_neuron", namespace={}, **code)
    on_pre, on_post = RULE_CODE[rule]
    syn = b2.Synapses(inputs, neuron, SONG_STDP, on_pre=on_pre, on_post=on_post, dt=dt,
                      name=f"{name}_syn", namespace={}, **code)
    syn.connect()
    spikes = b2.SpikeMonitor(neuron, name=f"{name}_spikes", **code)
    hook = {"tick": None}

    def tick():
        if hook["tick"] is not None:
            hook["tick"]()

    op = b2.NetworkOperation(tick, dt=1000 * b2.ms, name=f"{name}_frames", when="end")
    net = b2.Network(inputs, neuron, syn, spikes, op, name=f"{name}_net")
    net.store("initial")
    built = {"net": net, "inputs": inputs, "neuron": neuron, "syn": syn, "spikes": spikes,
             "hook": hook, "name": name}
    _song[key] = built
    return built


def warm_up() -> None:
    """Build the cython networks and run each for a step (compiles them into the cache)."""
    for rule in RULE_CODE:
        built = _song_network(10, rule, "cython")
        _set_song_values(built, rule, 0.01, 0.01, 1.05)
        built["net"].run(SONG_DT_MS * b2.ms, namespace={})


def _set_song_values(built, rule, w_max, A_plus, ratio):
    neuron, syn = built["neuron"], built["syn"]
    for name, value in {"E_e": 0.0, "E_l": -74e-3, "tau_m": 10e-3, "tau_e": 5e-3,
                        "v_t": -54e-3, "v_r": -60e-3}.items():
        neuron.variables[name].set_value(value)
    neuron.v = -74e-3 * b2.volt
    for name, value in {"w_max": w_max, "d_apre": A_plus, "d_apost": -A_plus * ratio,
                        "tau_a": 20e-3, "tau_b": 20e-3}.items():
        syn.variables[name].set_value(value)


def song_target() -> str:
    """The runtime's target: cython once its code is compiled (started in the background at
    the first call), numpy until then, and always with compiled code switched off
    (NEURODYNEX_GUI_FAST_PATH=off). (``run_song`` runs the compiled program of
    ``song_standalone`` instead once it is built.)"""
    from . import fast_path

    if fast_path.switched_off():
        return "numpy"
    return "cython" if bs.cython_ready(SONG_WARM_UP, SONG_SIGNATURE) else "numpy"


def run_song(n_inputs: int, rate_Hz: float, t_end_s: float, rule: str, A_plus: float,
             ratio: float, w_max: float, correlated: int, c: float, seed: int, *,
             dt_ms: float = SONG_DT_MS, bins: int = 40, target: str | None = None, on_chunk=None,
             should_stop=None) -> dict:
    """Learn for ``t_end_s``; a frame of every weight each simulated second (streamed as
    chunks with the histogram); returns ``frames_s``, ``weights`` (frame x input),
    ``post_spikes_ms``, ``edges`` and ``target``."""
    from . import fast_path

    if target in (None, "standalone") and not fast_path.switched_off():
        from . import song_standalone

        found = song_standalone.run_song(
            n_inputs, rate_Hz, t_end_s, rule, A_plus, ratio, w_max, correlated, c, seed,
            dt_ms=dt_ms, bins=bins, on_chunk=on_chunk, should_stop=should_stop,
            wait=target == "standalone")
        if found is not None:
            return found
        if target == "standalone":
            raise RuntimeError("the compiled competition cannot run here (no C++ compiler, "
                               "or a learning time that is not a whole number of seconds)")
    rng = np.random.default_rng(seed)
    target = target or song_target()
    built = _song_network(n_inputs, rule, target, dt_ms)
    indices, times = poisson_trains(n_inputs, rate_Hz, t_end_s, rng, correlated, c, dt_ms)
    built["inputs"].set_spikes(indices, times * b2.ms)
    _set_song_values(built, rule, w_max, A_plus, ratio)
    syn = built["syn"]
    syn.w = rng.uniform(0, w_max, n_inputs)
    edges = np.linspace(0, w_max, bins + 1)
    frames, frame_t = [], []
    spikes = built["spikes"]
    state = {"stopped": False, "sent_spikes": 0}

    def tick():
        if should_stop is not None and should_stop():
            state["stopped"] = True
            built["net"].stop()
            return
        w = np.array(syn.w[:])
        frames.append(w)
        frame_t.append(float(syn.t / b2.second))
        if on_chunk is not None:
            spike_t = np.asarray(spikes.t / b2.ms)
            on_chunk({"fraction": len(frames) / (t_end_s + 1), "frame": len(frames) - 1,
                      "t_s": float(syn.t / b2.second), "counts": np.histogram(w, edges)[0],
                      "w": w, "post_spikes_ms": spike_t[state["sent_spikes"]:]})
            state["sent_spikes"] = len(spike_t)

    built["hook"]["tick"] = tick
    started = time.perf_counter()
    try:
        built["net"].run(t_end_s * b2.second, namespace={})
    finally:
        built["hook"]["tick"] = None
    end_s = float(built["net"].t / b2.second)
    if not frame_t or end_s > frame_t[-1]:
        frames.append(np.array(syn.w[:]))
        frame_t.append(end_s)
    weights = np.array(frames)
    return {"frames_s": np.array(frame_t), "weights": weights,
            "post_spikes_ms": np.asarray(spikes.t / b2.ms), "edges": edges, "target": target,
            "completed": not state["stopped"], "wall_s": time.perf_counter() - started,
            "t_end_s": float(t_end_s)}
