"""The Song-Miller-Abbott competition as a compiled program (brian2's C++ standalone device),
run one simulated second at a time so that the weight histogram still streams.

The runtime's network (``plasticity_brian``: the same neuron equations, synapse equations and
on_pre/on_post code) with the inputs as a NeuronGroup that reads its spike times from a table
(as in ``plasticity_standalone``). A build simulates one second (``CHUNK_MS``); a run of
t_end seconds runs it t_end times, each time given the state the last one ended with (the
neuron's v and g_e, each synapse's w and traces) and that second's input spikes. The
event-driven traces are brought up to the end of the second and their ``lastupdate`` set to 0,
the start of the next run: the same numbers as the runtime's, in a time frame moved by a second.
The frames are the weights at the end of each second (the runtime's are taken after the first
step of the next one: they can differ by that step's updates; the last frames are the same).
Measured (bench/bench_plasticity.py, load 13-15 on two cores): 100 s of 1000 inputs took
2.1-2.2 s of wall time (1.2-1.4 s of processor time: the programs, the input spikes, the
files), against 9.8-10.5 s (7 s of processor time) on the cython runtime; a build 23-25 s.
Builds, their cache folder and the background process are ``plasticity_standalone``'s.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import time
from pathlib import Path

import numpy as np

from . import fast_path
from .fast_path_build import build_into, command_line_input, result_file
from . import plasticity_code as code
from . import plasticity_standalone as ps

CHUNK_MS = 1000.0


@dataclasses.dataclass(frozen=True)
class Spec:
    rule: str
    n: int
    table: int
    dt_ms: float

    def name(self) -> str:
        return f"song-{self.rule}-{self.n}"

    def code(self) -> str:
        text = json.dumps([ps.FORMAT, fast_path.COMPILE_ARGS, code.SONG_SIGNATURE, CHUNK_MS,
                           ps._SOURCE_NEURON, ps._THRESHOLD, ps._RESET])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


_NEURON_VALUES = {"E_e": (0.0, "mV"), "E_l": (-74.0, "mV"), "tau_m": (10.0, "ms"),
                  "tau_e": (5.0, "ms"), "v_t": (-54.0, "mV"), "v_r": (-60.0, "mV")}
"""The constants of the runtime's ``_set_song_values``."""
_STATE = ("w", "apre", "apost", "lastupdate")


def _build_here(spec: Spec, folder: Path) -> None:
    import brian2 as b2

    def make(work: Path) -> dict:
        b2.set_device("cpp_standalone", directory=str(work), build_on_run=False)
        b2.prefs.codegen.cpp.extra_compile_args_gcc = fast_path.COMPILE_ARGS
        dt = spec.dt_ms * b2.ms
        table = b2.TimedArray(np.zeros(spec.table) * b2.second, dt=1 * b2.ms, name="in_times")
        inputs = b2.NeuronGroup(spec.n, ps._SOURCE_NEURON,
                                threshold=ps._THRESHOLD.format(table="in_times"),
                                reset=ps._RESET, dt=dt, name="inputs",
                                namespace={"in_times": table})
        neuron = b2.NeuronGroup(1, code.SONG_NEURON, threshold="v > v_t", reset="v = v_r",
                                method="euler", refractory=0 * b2.ms, dt=dt, name="neuron",
                                namespace={})
        for name, (value, unit) in _NEURON_VALUES.items():
            setattr(neuron, name, value * getattr(b2, unit))
        on_pre, on_post = code.RULE_CODE[spec.rule]
        syn = b2.Synapses(inputs, neuron, code.SONG_STDP, on_pre=on_pre, on_post=on_post, dt=dt,
                          name="syn", namespace={})
        syn.connect()
        b2.get_device().apply_run_args()  # after the synapses exist: their state is an input
        spikes = b2.SpikeMonitor(neuron, name="spikes")
        net = b2.Network(inputs, neuron, syn, spikes, name="net")
        net.run(CHUNK_MS * b2.ms, namespace={})
        b2.get_device().build(directory=str(work), compile=True, run=False, with_output=False)

        def spec_of(group, var):  # an input that is also written at the end: the state
            return {**command_line_input(group, var), **result_file(group.variables[var])}

        inputs_ = {f"inputs.{v}": spec_of(inputs, v) for v in ("k", "k_end")}
        inputs_["in_times"] = {"arg": "in_times.values", "dtype": "<f8"}
        inputs_.update({f"neuron.{v}": spec_of(neuron, v) for v in ("v", "g_e")})
        inputs_.update({f"syn.{v}": spec_of(syn, v) for v in
                        _STATE + ("w_max", "d_apre", "d_apost", "tau_a", "tau_b")})
        outputs = {name: {"file": value["file"], "dtype": value["dtype"]}
                   for name, value in inputs_.items() if "file" in value}
        outputs["spikes.t"] = result_file(spikes.variables["t"])
        return {"inputs": inputs_, "outputs": outputs}

    build_into(folder, make)


def spec_for(rule: str, n: int, spikes_per_chunk: int, dt_ms: float) -> Spec:
    return Spec(rule, int(n), ps._power_of_two(spikes_per_chunk + 1, 1024), float(dt_ms))


def _chunks(indices, times_ms, t_end_s: int, dt_ms: float):
    """Per second: (input index, step within the second) of its spikes, by input (the spikes
    come sorted by input, then time: a stable sort by second keeps that order)."""
    steps = int(round(CHUNK_MS / dt_ms))
    bins = np.round(np.asarray(times_ms) / dt_ms).astype(np.int64)
    chunk = bins // steps
    order = np.argsort(chunk, kind="stable")
    indices, bins, chunk = np.asarray(indices)[order], bins[order], chunk[order]
    bounds = np.searchsorted(chunk, np.arange(t_end_s + 1))
    return [(indices[a:b], bins[a:b] - c * steps) for c, (a, b) in
            enumerate(zip(bounds[:-1], bounds[1:]))]


def run_song(n_inputs, rate_Hz, t_end_s, rule, A_plus, ratio, w_max, correlated, c, seed, *,
             dt_ms, bins=40, on_chunk=None, should_stop=None, wait=False) -> dict | None:
    """``plasticity_brian.run_song``'s result from the compiled program (target
    "standalone"), or None if its build is not ready (it is then started in the background,
    or waited for with ``wait``) or ``t_end_s`` is not a whole number of seconds."""
    if abs(t_end_s - round(t_end_s)) > 1e-9 or round(t_end_s) < 1:
        return None
    t_end = int(round(t_end_s))
    rng = np.random.default_rng(seed)
    indices, times = code.poisson_trains(n_inputs, rate_Hz, t_end_s, rng, correlated, c, dt_ms)
    w = rng.uniform(0, w_max, n_inputs)  # the runtime's draws, in the same order
    chunks = _chunks(indices, times, t_end, dt_ms)
    spec = spec_for(rule, n_inputs, max(len(i) for i, _ in chunks), dt_ms)
    folder, _ = ps.lookup(spec, wait=wait, should_stop=should_stop)
    if folder is None:
        return None
    started = time.perf_counter()
    edges = np.linspace(0, w_max, bins + 1)
    state = {"syn.w": w, "syn.apre": np.zeros(n_inputs), "syn.apost": np.zeros(n_inputs),
             "syn.lastupdate": np.zeros(n_inputs), "neuron.v": -74e-3, "neuron.g_e": 0.0}
    shared = {"syn.w_max": w_max, "syn.d_apre": A_plus, "syn.d_apost": -A_plus * ratio,
              "syn.tau_a": 20e-3, "syn.tau_b": 20e-3}
    frames, frame_t, post = [w.copy()], [0.0], []
    if on_chunk is not None:
        on_chunk({"fraction": 1 / (t_end + 1), "frame": 0, "t_s": 0.0,
                  "counts": np.histogram(w, edges)[0], "w": w.copy(),
                  "post_spikes_ms": np.zeros(0)})
    stopped = False
    chunk_s = CHUNK_MS * 1e-3
    with tempfile.TemporaryDirectory(prefix="neurodynex-song-", dir=ps.memory()) as results:
        for second, (index, step) in enumerate(chunks):
            if should_stop is not None and should_stop():
                stopped = True
                break
            counts = np.bincount(index, minlength=n_inputs)
            k_end = np.cumsum(counts)
            table = np.full(spec.table, 1e9)
            table[:len(step)] = step * (dt_ms * 1e-3)
            values = {"inputs.k": k_end - counts, "inputs.k_end": k_end, "in_times": table,
                      **state, **shared}
            try:
                read = ps.execute(folder, values, results, should_stop)
            except InterruptedError:
                stopped = True
                break
            w, apre, apost, last = (read(f"syn.{v}") for v in _STATE)
            state = {"syn.w": w, "syn.apre": apre * np.exp(-(chunk_s - last) / 20e-3),
                     "syn.apost": apost * np.exp(-(chunk_s - last) / 20e-3),
                     "syn.lastupdate": np.zeros(n_inputs),
                     "neuron.v": read("neuron.v")[0], "neuron.g_e": read("neuron.g_e")[0]}
            new = read("spikes.t") * 1e3 + second * CHUNK_MS
            post.append(new)
            frames.append(w.copy())
            frame_t.append(float(second + 1))
            if on_chunk is not None:
                on_chunk({"fraction": (second + 2) / (t_end + 1), "frame": second + 1,
                          "t_s": float(second + 1), "counts": np.histogram(w, edges)[0],
                          "w": w.copy(), "post_spikes_ms": new})
    return {"frames_s": np.array(frame_t), "weights": np.array(frames),
            "post_spikes_ms": np.concatenate(post) if post else np.zeros(0), "edges": edges,
            "target": "standalone", "completed": not stopped,
            "wall_s": time.perf_counter() - started, "t_end_s": float(t_end_s)}
