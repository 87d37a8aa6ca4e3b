"""Working memory in a ring of spiking neurons: a bump attractor (book ch. 18; Compte et al.
2000), neurodynex3's working_memory_network exercise.

N_excitatory conductance-based LIF neurons with preferred directions 360 i / N on a ring,
coupled by NMDA synapses with a Gaussian profile (``sigma_weight_profile`` deg, peak
``Jpos_excit2excit``, the trough set so that the mean weight is 1), and N_inhibitory neurons
giving global inhibition. A current ``stimulus_strength`` into the neurons within
``stimulus_width_deg`` / 2 of ``stimulus_center_deg`` during the cue creates a bump of activity
that the recurrent excitation keeps after the cue: the memory of the cue's direction. A
distractor works the same way.

The scripting API keeps neurodynex3's ``simulate_wm`` with its keyword names and defaults
(times in ms, currents in nA, conductances in nS as plain numbers) and returns a
:class:`WMResult` of numpy arrays; :func:`bump_position` reads the memory. brian2 is imported
only when a simulation runs on its runtime.

The network is ``wm_network``'s. It runs as a compiled program (``wm_standalone``: 0.55 s for
neurodynex3's default 800 ms against 3.7 s on brian2's runtime, streamed a simulated second at
a time) once that is built for the network's size; until then (a build takes 10-20 s, in the
background: the first run starts it) and without a C++ compiler it runs on brian2's runtime,
which streams every 40 ms.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from . import wm_network
from .params import ParamError, checked

__all__ = ["WMResult", "simulate_wm", "bump_position", "weight_profile", "prepare"]


@dataclasses.dataclass
class WMResult:
    """Spikes of all excitatory neurons (``spike_t_ms``, ``spike_i``; neuron i prefers
    ``360 i / N_excitatory`` deg), the population rates (Hz) against ``t_ms``, the monitored
    subset (indices, for the raster) and the presynaptic weight profile. ``params`` says
    what ran: ``path`` "standalone" (the compiled program) or "runtime" (brian2's numpy
    target; ``note`` why), ``stopped``, the cue's direction and the seed."""

    spike_t_ms: np.ndarray
    spike_i: np.ndarray
    t_ms: np.ndarray
    rate_excit_Hz: np.ndarray
    rate_inhib_Hz: np.ndarray
    monitored: np.ndarray
    weight_profile: np.ndarray
    N_excitatory: int
    sim_time_ms: float
    params: dict

    @property
    def preferred_deg(self) -> np.ndarray:
        """Preferred direction (deg) of each spike's neuron."""
        return 360.0 * self.spike_i / self.N_excitatory

    def bump(self, bin_ms=20.0):
        """(bin centres ms, bump position deg or NaN, spikes per bin): :func:`bump_position`."""
        return bump_position(self.spike_t_ms, self.spike_i, self.N_excitatory,
                             self.sim_time_ms, bin_ms)


def bump_position(spike_t_ms, spike_i, N_excitatory, sim_time_ms, bin_ms=20.0):
    """The bump's direction per time bin: the circular mean of the spikes' preferred directions
    (population vector), angle(sum exp(i theta_k)) in [0, 360); NaN in a bin without spikes.
    Returns (bin centres ms, position deg, spike count)."""
    edges = np.arange(0.0, sim_time_ms + bin_ms, bin_ms)
    which = np.clip(np.searchsorted(edges, spike_t_ms, side="right") - 1, 0, len(edges) - 2)
    theta = 2 * np.pi * np.asarray(spike_i) / N_excitatory
    n_bins = len(edges) - 1
    vec = np.bincount(which, np.cos(theta), n_bins) + 1j * np.bincount(which, np.sin(theta),
                                                                        n_bins)
    count = np.bincount(which, minlength=n_bins)
    pos = np.where(count > 0, np.degrees(np.angle(vec)) % 360.0, np.nan)
    return edges[:-1] + bin_ms / 2, pos, count


@checked()
def weight_profile(N_excitatory=1024, sigma_weight_profile=20.0, Jpos_excit2excit=1.6):
    """Weight from a neuron to one j places away on the ring: J- + (J+ - J-) exp(-d^2 /
    2 sigma^2), d the distance in deg; J- is chosen so that the weights average to 1
    (the normalisation of Compte et al. 2000, with the Gaussian's integral over +-180 deg)."""
    if not sigma_weight_profile > 0:
        raise ParamError("sigma_weight_profile", "must be positive")
    part = math.sqrt(2 * math.pi) * sigma_weight_profile * math.erf(
        180.0 / math.sqrt(2) / sigma_weight_profile) / 360.0
    j_neg = (1.0 - Jpos_excit2excit * part) / (1.0 - part)
    j = np.arange(N_excitatory)
    d = 360.0 * np.minimum(j, N_excitatory - j) / N_excitatory
    return j_neg + (Jpos_excit2excit - j_neg) * np.exp(-0.5 * d ** 2 / sigma_weight_profile ** 2)


@checked()
def simulate_wm(N_excitatory=1024, N_inhibitory=256, N_extern_poisson=1000,
                poisson_firing_rate=1.4, weight_scaling_factor=2.0, sigma_weight_profile=20.0,
                Jpos_excit2excit=1.6, stimulus_center_deg=180, stimulus_width_deg=40,
                stimulus_strength=0.07, t_stimulus_start=0.0, t_stimulus_duration=0.0,
                distractor_center_deg=90, distractor_width_deg=40, distractor_strength=0.0,
                t_distractor_start=0.0, t_distractor_duration=0.0, G_inhib2inhib=1.024,
                G_inhib2excit=1.336, G_excit2excit=0.381, G_excit2inhib=0.292,
                monitored_subset_size=1024, sim_time=800.0, dt=0.1, seed=0,
                on_chunk=None, should_stop=None):
    """neurodynex3's function with its keyword names and defaults (Hz, nA, nS, ms, deg as
    numbers; note that its default cue lasts 0 ms). ``on_chunk`` receives dicts of new
    ``spike_t_ms``/``spike_i`` (excitatory), ``bump_t_ms``/``bump_deg`` (20 ms bins) and
    ``fraction`` (every 40 ms on brian2's runtime, every simulated second from the compiled
    program). Returns a :class:`WMResult`."""
    for name, value in (("N_excitatory", N_excitatory), ("N_inhibitory", N_inhibitory),
                        ("N_extern_poisson", N_extern_poisson),
                        ("monitored_subset_size", monitored_subset_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ParamError(name, f"'{value}' must be a positive whole number")
    if not (isinstance(sim_time, (int, float)) and sim_time >= dt > 0):
        raise ParamError("sim_time", "must be at least one time step dt")
    rng = np.random.default_rng(seed or None)
    brian_seed = int(rng.integers(1, 2**31 - 1))
    values = wm_network.run_values(
        N_excitatory=N_excitatory, N_inhibitory=N_inhibitory,
        weight_scaling_factor=weight_scaling_factor, G_inhib2inhib=G_inhib2inhib,
        G_inhib2excit=G_inhib2excit, G_excit2excit=G_excit2excit, G_excit2inhib=G_excit2inhib,
        stimulus_center_deg=stimulus_center_deg, stimulus_width_deg=stimulus_width_deg,
        stimulus_strength=stimulus_strength, t_stimulus_start=t_stimulus_start,
        t_stimulus_duration=t_stimulus_duration, distractor_center_deg=distractor_center_deg,
        distractor_width_deg=distractor_width_deg, distractor_strength=distractor_strength,
        t_distractor_start=t_distractor_start, t_distractor_duration=t_distractor_duration,
        rng=rng)
    kernel = weight_profile(N_excitatory, sigma_weight_profile, Jpos_excit2excit)
    k = min(monitored_subset_size, N_excitatory)
    monitored = np.ceil(np.linspace(0, N_excitatory - 1, k + 2)).astype(int)[1:-1] \
        if k < N_excitatory else np.arange(N_excitatory)
    about = {"stimulus_center_deg": stimulus_center_deg, "seed": seed}

    from . import wm_standalone

    spec = wm_standalone.spec_for(N_excitatory, N_inhibitory, N_extern_poisson,
                                  poisson_firing_rate, dt)

    def piece(new):  # a compiled chunk (a simulated second) as the runtime's chunks
        if on_chunk is None:
            return
        b_t, b_pos, _ = bump_position(new["spike_t_ms"], new["spike_i"], N_excitatory,
                                      new["t_end_ms"], 20.0)
        keep = b_t > new["t_start_ms"]
        on_chunk({"spike_t_ms": new["spike_t_ms"], "spike_i": new["spike_i"],
                  "bump_t_ms": b_t[keep], "bump_deg": b_pos[keep],
                  "fraction": min(1.0, new["t_end_ms"] / sim_time)})

    out, note = wm_standalone.run_compiled(spec, values, kernel, brian_seed, float(sim_time),
                                           on_piece=piece, should_stop=should_stop)
    if out is not None:  # the compiled program, a simulated second per run (0.65 s)
        return WMResult(out["spike_t_ms"], out["spike_i"], out["t_ms"], out["rate_excit_Hz"],
                        out["rate_inhib_Hz"], monitored, kernel, N_excitatory,
                        float(sim_time), {**about, "stopped": not out["completed"],
                                          "path": wm_standalone.PATH, "note": ""})
    return _runtime(values, kernel, brian_seed, about, monitored, N_excitatory, N_inhibitory,
                    N_extern_poisson, poisson_firing_rate, sim_time, dt, on_chunk,
                    should_stop, note)


def prepare() -> None:
    """Start building the compiled program of neurodynex3's default ring in the background
    (the decision tab calls this when it opens): a run then takes some 0.6 s instead of 4 s on
    brian2's runtime. Nothing happens without a C++ compiler, with the fast path switched off,
    if it is built already or while another build is under way (the first run starts it)."""
    from . import wm_standalone

    wm_standalone.lookup(wm_standalone.default_spec())


def _runtime(values, kernel, brian_seed, about, monitored, N_excitatory, N_inhibitory,
             N_extern_poisson, poisson_firing_rate, sim_time, dt, on_chunk, should_stop,
             note) -> WMResult:
    """The run on brian2's runtime (numpy target), streamed every 40 ms."""
    import brian2 as b2
    from brian2 import ms

    from . import brian_support  # noqa: F401  (numpy target)

    b2.seed(brian_seed)
    objects = wm_network.make(b2, N_excitatory, N_inhibitory, N_extern_poisson,
                              poisson_firing_rate, dt)
    wm_network.apply(objects, values)
    exc, inh = objects["exc"], objects["inh"]
    dt_q = dt * ms
    kernel_f = np.fft.rfft(kernel)

    # the group's own arrays (runtime device), read and written in place at every step
    s_exc = exc.variables["s_NMDA"].get_value()
    total_exc = exc.variables["s_NMDA_total"].get_value()
    total_inh = inh.variables["s_NMDA_total"].get_value()

    def nmda_sum():  # circular convolution of s_NMDA with the ring profile, and E -> I
        total_exc[:] = np.fft.irfft(kernel_f * np.fft.rfft(s_exc), N_excitatory)
        total_inh[:] = s_exc.sum()

    spikes, rate_e, rate_i = objects["spikes"], objects["rate_e"], objects["rate_i"]
    state = {"sent": 0, "stop": False}

    def stream():
        if should_stop is not None and should_stop():
            state["stop"] = True
            net.stop()
        if on_chunk is None:
            return
        n = spikes.num_spikes
        t_new = np.asarray(spikes.t_[state["sent"]:n]) * 1e3
        i_new = np.asarray(spikes.i_[state["sent"]:n])
        state["sent"] = n
        now = float(net.t / ms)
        b_t, b_pos, _ = bump_position(t_new, i_new, N_excitatory, now, 20.0)
        keep = b_t > now - 60.0
        on_chunk({"spike_t_ms": t_new, "spike_i": i_new, "bump_t_ms": b_t[keep],
                  "bump_deg": b_pos[keep], "fraction": min(1.0, now / sim_time)})

    net = b2.Network(*objects.values(),
                     b2.NetworkOperation(nmda_sum, dt=dt_q, when="start"),
                     b2.NetworkOperation(stream, dt=40 * ms, when="end"))
    net.run(sim_time * ms, namespace={})
    stream()
    return WMResult(np.asarray(spikes.t_) * 1e3, np.asarray(spikes.i_, dtype=int),
                    np.asarray(rate_e.t_) * 1e3, np.asarray(rate_e.rate_),
                    np.asarray(rate_i.rate_), monitored, kernel, N_excitatory,
                    float(sim_time), {**about, "stopped": state["stop"], "path": "runtime",
                                      "note": note})
