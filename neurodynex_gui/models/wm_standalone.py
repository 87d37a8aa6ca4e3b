"""The working-memory ring as a compiled program (brian2's C++ standalone device), built once
per network size and re-run with new values: the fast path of ``working_memory.simulate_wm``.

The network is ``wm_network``'s (the runtime's own description: the same equations, synapses,
Poisson inputs, cue and monitors), given the runtime's values (``wm_network.run_values``) on the
program's command line. The recurrent NMDA input, which the runtime sums with numpy's FFT in a
NetworkOperation, is summed here by C++ (``NMDA_CPP``) called at the start of every step from a
``run_regularly`` of a small group ``wm_kernel`` that holds the ring profile's Fourier weights:
s_NMDA_total = kernel (*) s_NMDA, the circular convolution, written as the profile's Fourier
modes: the profile is even, so with a_k, b_k the cosine and sine sums of s_NMDA,
total_j = sum_k w_k (a_k cos(2 pi k j / N) + b_k sin(2 pi k j / N)), w the real Fourier
transform of the profile / N (doubled for 0 < k < N/2). The modes a run uses are those whose
weights are not negligible (:func:`kernel_weights`: the dropped ones change no total by more
than 1e-10); a Gaussian of 20 deg on 1024 neurons needs 22 of 513, so this costs some 90,000
multiply-adds a step (4 N per mode), about what an FFT costs, with no FFT library to ship.

A run goes on a simulated second at a time (``CHUNK_MS``; neurodynex3's default 800 ms is
one program run, 0.55 s): each program run is given the state the last one ended with
(``wm_network.STATE``, refractory times moved by the chunk's length), so that a long run
streams its spikes to the tab; chunked and whole runs fire the same spikes where the network
is deterministic (tests/test_wm_standalone.py). Chunk k is seeded with seed + k, the first
with brian2's seed of the runtime's run: the same Mersenne twister and binomial sampler, so
the first second fires the runtime's spikes (until rounding, -ffast-math against numpy,
moves one across the threshold: not within 400 ms in the tests).

What a build fixes (``Spec``): the two population sizes, the Poisson inputs' number and rate
(brian2 compiles them into its binomial sampler), dt. Everything else is a run-time value: the
conductances, the cue and the distractor, the profile, the initial potentials, the random seed
(``SEED_ARG``, parsed by the program before brian2 reads the other arguments) and the run
length (``fast_path_build``'s device). Builds, their cache folder, the background build and
the command-line runs are ``plasticity_standalone``'s (``lookup``, ``build``, ``execute``); the
device is ``fast_path_build``'s (run length at run time; only the monitors' results and the
state written).
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from pathlib import Path

import numpy as np

from . import fast_path
from . import plasticity_standalone as ps
from . import wm_network
from .fast_path_build import build_into, command_line_input, result_file, use_device

FORMAT = 1
COMPILE_ARGS = [arg if arg != "-O1" else "-O3" for arg in fast_path.COMPILE_ARGS]
"""The fast path's flags at -O3 rather than -O1: the default 800 ms ran in 0.535 s against
0.584 s, for a build 0.5 s longer (9.6 -> 10.1 s; measured on a quiet machine)."""
SEED_ARG = "neurodynex_seed"
PATH = "standalone"
"""The ``path`` of a compiled result (the runtime's: "runtime")."""
RUNTIME_S_PER_MS = 5e-3
"""What a simulated ms of the default ring costs on brian2's runtime (measured: 2.5-4 s for
800 ms); a run the runtime would take longer than twice a build for waits for its build."""
BUILD_S = 20.0
"""About how long a build takes (measured 10-20 s)."""
CHUNK_MS = 1000.0
"""A compiled run goes on a simulated second at a time (0.65 s of wall time, program start
13 ms), so that a long run streams: neurodynex3's default 800 ms is one run."""

NMDA_CPP = r"""
static double wm_nmda_sum(const double _t)
{
    // s_NMDA_total of the ring: the circular convolution of s_NMDA with the profile, from
    // the profile's Fourier weights w (wm_kernel.weight, the first wm_kernel.modes of them);
    // of the inhibitory neurons: the sum of s_NMDA
    static std::vector<double> table;  // per mode: cos(2 pi k j / n), then sin(2 pi k j / n)
    static std::vector<double> sums;
    static int modes = -1;
    const int n = %(n_exc)d;
    const double* s = brian::%(s)s;
    double* total = brian::%(total_exc)s;
    const double* w = brian::%(weight)s;
    if (modes < 0) {
        modes = brian::%(modes)s[0];
        if (modes < 1) modes = 1;
        if (modes > n / 2 + 1) modes = n / 2 + 1;
        table.resize(2 * (size_t)modes * n);
        sums.resize(2 * (size_t)modes);
        for (int k = 0; k < modes; k++)
            for (int j = 0; j < n; j++) {
                const double angle = 6.283185307179586477 * (double)(((long)k * j) %% n) / n;
                table[2 * (size_t)k * n + j] = cos(angle);
                table[(2 * (size_t)k + 1) * n + j] = sin(angle);
            }
    }
    double sum = 0.0;
    for (int j = 0; j < n; j++)
        sum += s[j];
    for (int k = 1; k < modes; k++) {
        const double* c = &table[2 * (size_t)k * n];
        const double* z = c + n;
        double a = 0.0, b = 0.0;
        for (int j = 0; j < n; j++) {
            a += s[j] * c[j];
            b += s[j] * z[j];
        }
        sums[2 * k] = w[k] * a;
        sums[2 * k + 1] = w[k] * b;
    }
    const double mean = w[0] * sum;
    for (int j = 0; j < n; j++)
        total[j] = mean;
    for (int k = 1; k < modes; k++) {
        const double* c = &table[2 * (size_t)k * n];
        const double* z = c + n;
        const double a = sums[2 * k], b = sums[2 * k + 1];
        for (int j = 0; j < n; j++)
            total[j] += a * c[j] + b * z[j];
    }
    double* total_inh = brian::%(total_inh)s;
    for (int j = 0; j < %(n_inh)d; j++)
        total_inh[j] = sum;
    return 0.0;
}
"""
"""The NMDA sum (C++; the %(...)s are the arrays' names in brian2's program, filled in at the
build)."""

SEED_CPP = f"""
for (size_t _k = 0; _k < args.size(); _k++)
{{
    if (args[_k].compare(0, {len(SEED_ARG) + 1}, "{SEED_ARG}=") == 0)
    {{
        const unsigned long _seed = std::stoul(args[_k].substr({len(SEED_ARG) + 1}));
        for (size_t _g = 0; _g < brian::_random_generators.size(); _g++)
            brian::_random_generators[_g].seed(_seed + _g);
        args.erase(args.begin() + _k);
        break;
    }}
}}"""
"""C++ of ``main``: seed brian2's random generators from the command line (``SEED_ARG``)."""

KERNEL_GROUP = "weight : 1 (constant)\nmodes : integer (constant, shared)\ndone : 1 (shared)"


@dataclasses.dataclass(frozen=True)
class Spec:
    """What one build fixes."""

    n_exc: int
    n_inh: int
    n_extern: int
    rate_Hz: float
    dt_ms: float

    def name(self) -> str:
        return f"wm-{self.n_exc}"

    def describe(self) -> str:
        return (f"working memory: {self.n_exc} + {self.n_inh} neurons, dt {self.dt_ms:g} ms "
                f"(its own program)")

    def code(self) -> str:
        text = json.dumps([FORMAT, COMPILE_ARGS, wm_network.SIGNATURE, NMDA_CPP, SEED_CPP,
                           KERNEL_GROUP, fast_path.FORMAT, wm_network.STATE])
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def spec_for(N_excitatory, N_inhibitory, N_extern_poisson, poisson_firing_rate, dt) -> Spec:
    """The build that serves a ring of these sizes, inputs and dt (ms)."""
    return Spec(int(N_excitatory), int(N_inhibitory), int(N_extern_poisson),
                float(poisson_firing_rate), float(dt))


def default_spec() -> Spec:
    """The build of neurodynex3's default ring (the tab's and the bench's)."""
    return spec_for(1024, 256, 1000, 1.4, 0.1)


def program_specs() -> list[Spec]:
    """The builds ``--precompile`` makes: the default ring's."""
    return [default_spec()]


def kernel_weights(kernel: np.ndarray, tolerance: float = 1e-13) -> tuple[np.ndarray, int]:
    """(Fourier weights w of the even ``kernel``, number of modes to use): with s in [0, 1],
    each dropped mode k changes a total by at most |w_k| N, so the modes kept are those before
    the tail whose |w| add up to ``tolerance`` (1e-13: 1e-10 for N = 1024)."""
    n = len(kernel)
    w = np.fft.rfft(kernel).real / n
    w[1:] *= 2.0
    if n % 2 == 0:
        w[-1] /= 2.0  # the Nyquist mode appears once
    tail = np.cumsum(np.abs(w)[::-1])[::-1]  # tail[k] = sum of |w| from k on
    modes = int(np.argmax(np.append(tail, 0.0) <= tolerance))
    return w, max(1, modes)


# -- the build, in a child process (``build_processes.spawn_program``) -------------------------

def _build_here(spec: Spec, folder: Path) -> None:
    import brian2 as b2

    def make(work: Path) -> dict:
        device = use_device(work, COMPILE_ARGS)
        objects = wm_network.make(b2, spec.n_exc, spec.n_inh, spec.n_extern, spec.rate_Hz,
                                  spec.dt_ms)
        exc, inh = objects["exc"], objects["inh"]
        nmda = b2.Function(_no_runtime, arg_units=[b2.second], return_unit=1,
                           stateless=False)
        kernel = b2.NeuronGroup(spec.n_exc, KERNEL_GROUP, dt=spec.dt_ms * b2.ms,
                                name="wm_kernel", namespace={"nmda_sum": nmda})

        def name(group, var):
            return device.get_array_name(group.variables[var])

        code = NMDA_CPP % {"n_exc": spec.n_exc, "n_inh": spec.n_inh, "s": name(exc, "s_NMDA"),
                           "total_exc": name(exc, "s_NMDA_total"),
                           "total_inh": name(inh, "s_NMDA_total"),
                           "weight": name(kernel, "weight"), "modes": name(kernel, "modes")}
        nmda.implementations.add_implementation("cpp", code, name="wm_nmda_sum")
        kernel.run_regularly("done = nmda_sum(t)", dt=spec.dt_ms * b2.ms, when="start",
                             name="wm_nmda")
        device.insert_code("before_network_run", SEED_CPP)
        net = b2.Network(*objects.values(), kernel, name="net")
        net.run(fast_path.BUILT_DURATION_MS * b2.ms, namespace={})
        outputs = {f"{key}.{var}": result_file(objects[key].variables[var])
                   for key, var in (("spikes", "i"), ("spikes", "t"), ("rate_e", "t"),
                                    ("rate_e", "rate"), ("rate_i", "rate"))}
        outputs.update({f"state.{key}.{var}": result_file(objects[key].variables[var])
                        for key, names in wm_network.STATE.items()  # the state a run ends with
                        for var in names})
        device.kept_results = frozenset(output["file"] for output in outputs.values())
        device.build(directory=str(work), compile=True, run=False, with_output=False)
        inputs = {"duration": {"arg": fast_path.DURATION_ARG, "dtype": "<f8"},
                  "seed": {"arg": SEED_ARG, "dtype": "<u4"},
                  "kernel.weight": command_line_input(kernel, "weight"),
                  "kernel.modes": command_line_input(kernel, "modes")}
        for key in ("exc", "inh"):
            group = objects[key]
            for var in group.variables:
                if f"{key}.{var}" in _INPUT_NAMES or var in wm_network.STATE[key]:
                    inputs[f"{key}.{var}"] = command_line_input(group, var)
        return {"inputs": inputs, "outputs": outputs}

    build_into(folder, make)


def _no_runtime(t):
    raise NotImplementedError("the ring's NMDA sum is C++ only (the runtime uses numpy's FFT)")


_INPUT_NAMES = frozenset(wm_network.run_values(
    N_excitatory=4, N_inhibitory=1, weight_scaling_factor=1.0, G_inhib2inhib=1.0,
    G_inhib2excit=1.0, G_excit2excit=1.0, G_excit2inhib=1.0, stimulus_center_deg=0.0,
    stimulus_width_deg=0.0, stimulus_strength=0.0, t_stimulus_start=0.0,
    t_stimulus_duration=0.0, distractor_center_deg=0.0, distractor_width_deg=0.0,
    distractor_strength=0.0, t_distractor_start=0.0, t_distractor_duration=0.0,
    rng=np.random.default_rng(0)))
"""The names of a run's values (``wm_network.run_values``): the program's inputs."""


# -- runs -------------------------------------------------------------------------------------

def run_compiled(spec: Spec, values: dict, kernel: np.ndarray, seed: int,
                 sim_time_ms: float, *, wait: bool | None = None, on_piece=None,
                 should_stop=None, chunk_ms: float = CHUNK_MS) -> tuple[dict | None, str]:
    """The compiled run of ``sim_time_ms`` with ``values`` (``wm_network.run_values``), the
    ring ``kernel`` and brian2's random ``seed``: (``{"spike_t_ms", "spike_i", "t_ms",
    "rate_excit_Hz", "rate_inhib_Hz", "completed"}``, ""). It runs ``chunk_ms`` at a time,
    each run given the state the last one ended with (``wm_network.STATE``; the times moved
    by the chunk) and seeded ``seed + k``; ``on_piece`` receives each chunk's new spikes
    (``spike_t_ms``, ``spike_i``, ``t_start_ms``, ``t_end_ms``). Stopped (``should_stop``), it
    returns what it computed until then. (None, why not) if the build is not ready: it is then
    started in the background, or waited for if ``wait`` (by default when brian2's runtime
    would take longer than two builds)."""
    if wait is None:
        wait = sim_time_ms * RUNTIME_S_PER_MS > 2 * BUILD_S
    folder, note = ps.lookup(spec, wait=wait, should_stop=should_stop)
    if folder is None:
        return None, note
    weights, modes = kernel_weights(np.asarray(kernel, float))
    padded = np.zeros(spec.n_exc)
    padded[:modes] = weights[:modes]
    dt_s = spec.dt_ms * 1e-3
    steps = int(round(sim_time_ms / spec.dt_ms))
    per_chunk = max(1, int(round(chunk_ms / spec.dt_ms)))
    state: dict = {}
    pieces = {"spike_t_ms": [], "spike_i": [], "t_ms": [], "rate_excit_Hz": [],
              "rate_inhib_Hz": []}
    completed = True
    with tempfile.TemporaryDirectory(prefix="neurodynex-wm-", dir=ps.memory()) as results:
        for k, first in enumerate(range(0, steps, per_chunk)):
            if k and should_stop is not None and should_stop():
                completed = False
                break
            n = min(per_chunk, steps - first)
            offset = first * dt_s
            arguments = {"duration": n * dt_s, "seed": (int(seed) + k) % 2**32,
                         "kernel.weight": padded, "kernel.modes": modes, **values,
                         **{name: values[name] - offset for name in _TIMES}, **state}
            read = ps.execute(folder, arguments, results, should_stop, partial=True)
            t = read("spikes.t")
            keep = np.rint(t / dt_s) < n
            new_t, new_i = (t[keep] + offset) * 1e3, read("spikes.i")[keep].astype(int)
            pieces["spike_t_ms"].append(new_t)
            pieces["spike_i"].append(new_i)
            pieces["t_ms"].append((read("rate_e.t")[:n] + offset) * 1e3)
            pieces["rate_excit_Hz"].append(read("rate_e.rate")[:n])
            pieces["rate_inhib_Hz"].append(read("rate_i.rate")[:n])
            if not read.completed:
                completed = False
                break
            state = {name: read(f"state.{name}") for name in _STATE_NAMES}
            for name in _STATE_NAMES:
                if name.endswith(".lastspike"):
                    state[name] = state[name] - n * dt_s
            if on_piece is not None:
                on_piece({"spike_t_ms": new_t, "spike_i": new_i, "t_start_ms": offset * 1e3,
                          "t_end_ms": (first + n) * spec.dt_ms})
    out = {key: np.concatenate(value) if value else np.zeros(0)
           for key, value in pieces.items()}
    out["spike_i"] = out["spike_i"].astype(int)
    out["completed"] = completed
    return out, ""


_TIMES = ("exc.t_cue_on", "exc.t_cue_off", "exc.t_distractor_on", "exc.t_distractor_off")
_STATE_NAMES = tuple(f"{key}.{var}" for key, names in wm_network.STATE.items()
                     for var in names)


def lookup(spec: Spec, *, wait: bool = False, should_stop=None):
    """``plasticity_standalone.lookup`` for a ring's build: (folder or None, why not)."""
    return ps.lookup(spec, wait=wait, should_stop=should_stop)
