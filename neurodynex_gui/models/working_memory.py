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
only when a simulation runs.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .params import ParamError, checked

__all__ = ["WMResult", "simulate_wm", "bump_position", "weight_profile"]


@dataclasses.dataclass
class WMResult:
    """Spikes of all excitatory neurons (``spike_t_ms``, ``spike_i``; neuron i prefers
    ``360 i / N_excitatory`` deg), the population rates (Hz) against ``t_ms``, the monitored
    subset (indices, for the raster) and the presynaptic weight profile."""

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


def _ring_indices(n, center_deg, width_deg):
    c = int(round(n / 360.0 * center_deg))
    w = int(round(n / 360.0 * width_deg / 2))
    return np.arange(c - w, c + w + 1) % n


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
    ``fraction``. Returns a :class:`WMResult`."""
    for name, value in (("N_excitatory", N_excitatory), ("N_inhibitory", N_inhibitory),
                        ("N_extern_poisson", N_extern_poisson),
                        ("monitored_subset_size", monitored_subset_size)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ParamError(name, f"'{value}' must be a positive whole number")
    if not (isinstance(sim_time, (int, float)) and sim_time >= dt > 0):
        raise ParamError("sim_time", "must be at least one time step dt")
    import brian2 as b2
    from brian2 import Hz, mV, ms, nF, nS

    from . import brian_support  # noqa: F401  (numpy target)

    rng = np.random.default_rng(seed or None)
    b2.seed(int(rng.integers(1, 2**31 - 1)))
    ws = weight_scaling_factor
    ns = {"E_L": -70 * mV, "E_AMPA": 0 * mV, "E_GABA": -70 * mV, "E_NMDA": 0 * mV,
          "tau_AMPA": 1.8 * ms, "tau_GABA": 10.0 * ms, "tau_NMDA_s": 65.0 * ms,
          "tau_NMDA_x": 1.88 * ms, "alpha_NMDA": 0.5 / ms, "theta": -50 * mV,
          "v_reset": -60 * mV}
    # the NMDA Mg block with v in mV, as neurodynex3; the constants are shared (scalars: one
    # number per group, cheaper per step than arrays), and the inhibitory neurons integrate
    # only what they use (no NMDA gating, no cue), as in neurodynex3
    common = """
    dv/dt = (-G_L*(v-E_L) - g_ext*s_AMPA*(v-E_AMPA) - g_gaba*s_GABA*(v-E_GABA)
             - g_nmda*s_NMDA_total*(v-E_NMDA)/(1.0 + exp(-0.062*v/mV)/3.57){cue}) / C_m
           : volt (unless refractory)
    ds_AMPA/dt = -s_AMPA/tau_AMPA : 1
    ds_GABA/dt = -s_GABA/tau_GABA : 1
    s_NMDA_total : 1
    G_L : siemens (constant, shared)
    C_m : farad (constant, shared)
    g_ext : siemens (constant, shared)
    g_gaba : siemens (constant, shared)
    g_nmda : siemens (constant, shared)
    """
    eqs_exc = common.format(cue=" + I_stim") + """
    ds_NMDA/dt = -s_NMDA/tau_NMDA_s + alpha_NMDA*x*(1 - s_NMDA) : 1
    dx/dt = -x/tau_NMDA_x : 1
    I_stim : amp
    """
    eqs_inh = common.format(cue="")
    dt_q = dt * ms
    exc = b2.NeuronGroup(N_excitatory, eqs_exc, threshold="v > theta",
                         reset="v = v_reset; x += 1.0", refractory=2 * ms, method="rk2",
                         dt=dt_q, namespace=ns, name="wm_exc")
    inh = b2.NeuronGroup(N_inhibitory, eqs_inh, threshold="v > theta", reset="v = v_reset",
                         refractory=1 * ms, method="rk2", dt=dt_q, namespace=ns, name="wm_inh")
    exc.G_L, exc.C_m, exc.g_ext = 25 * nS, 0.5 * nF, 3.1 * nS
    exc.g_gaba, exc.g_nmda = ws * G_inhib2excit * nS, ws * G_excit2excit * nS
    inh.G_L, inh.C_m, inh.g_ext = 20 * nS, 0.2 * nF, 2.38 * nS
    inh.g_gaba, inh.g_nmda = ws * G_inhib2inhib * nS, ws * G_excit2inhib * nS
    exc.v = rng.uniform(-60, -50, N_excitatory) * mV
    inh.v = rng.uniform(-60, -50, N_inhibitory) * mV
    ii = b2.Synapses(inh, inh, on_pre="s_GABA_post += 1", dt=dt_q, name="wm_ii")
    ii.connect(condition="i != j")
    ie = b2.Synapses(inh, exc, on_pre="s_GABA_post += 1", dt=dt_q, name="wm_ie")
    ie.connect()
    ext_e = b2.PoissonInput(exc, "s_AMPA", N_extern_poisson, poisson_firing_rate * Hz, 1.0)
    ext_i = b2.PoissonInput(inh, "s_AMPA", N_extern_poisson, poisson_firing_rate * Hz, 1.0)
    kernel = weight_profile(N_excitatory, sigma_weight_profile, Jpos_excit2excit)
    kernel_f = np.fft.rfft(kernel)

    # the group's own arrays (runtime device), read and written in place at every step
    s_exc = exc.variables["s_NMDA"].get_value()
    total_exc = exc.variables["s_NMDA_total"].get_value()
    total_inh = inh.variables["s_NMDA_total"].get_value()
    current = exc.variables["I_stim"].get_value()

    def nmda_sum():  # circular convolution of s_NMDA with the ring profile, and E -> I
        total_exc[:] = np.fft.irfft(kernel_f * np.fft.rfft(s_exc), N_excitatory)
        total_inh[:] = s_exc.sum()

    cue = _ring_indices(N_excitatory, stimulus_center_deg, stimulus_width_deg)
    distractor = _ring_indices(N_excitatory, distractor_center_deg, distractor_width_deg)

    def stimulate(t):
        now = float(t / ms)
        current[:] = 0.0
        if t_stimulus_start <= now < t_stimulus_start + t_stimulus_duration:
            current[cue] = stimulus_strength * 1e-9
        if t_distractor_start <= now < t_distractor_start + t_distractor_duration:
            current[distractor] = distractor_strength * 1e-9

    spikes = b2.SpikeMonitor(exc, name="wm_spikes")
    rate_e = b2.PopulationRateMonitor(exc, name="wm_rate_e")
    rate_i = b2.PopulationRateMonitor(inh, name="wm_rate_i")
    k = min(monitored_subset_size, N_excitatory)
    monitored = np.ceil(np.linspace(0, N_excitatory - 1, k + 2)).astype(int)[1:-1] \
        if k < N_excitatory else np.arange(N_excitatory)
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

    net = b2.Network(exc, inh, ii, ie, ext_e, ext_i, spikes, rate_e, rate_i,
                     b2.NetworkOperation(nmda_sum, dt=dt_q, when="start"),
                     b2.NetworkOperation(stimulate, dt=1 * ms, when="start"),
                     b2.NetworkOperation(stream, dt=40 * ms, when="end"))
    net.run(sim_time * ms, namespace={})
    stream()
    return WMResult(np.asarray(spikes.t_) * 1e3, np.asarray(spikes.i_, dtype=int),
                    np.asarray(rate_e.t_) * 1e3, np.asarray(rate_e.rate_),
                    np.asarray(rate_i.rate_), monitored, kernel, N_excitatory,
                    float(sim_time), {"stimulus_center_deg": stimulus_center_deg,
                                      "seed": seed, "stopped": state["stop"]})
