"""The working-memory ring's brian2 network, described once: brian2's runtime
(``working_memory.simulate_wm``) and the compiled program (``wm_standalone``) both build it with
:func:`make` and give it the values of :func:`run_values`. What differs is only how the
recurrent NMDA input is summed at each step (numpy's FFT in the runtime, C++ in the program).
No brian2 import at module level: :func:`make` takes the brian2 module."""
from __future__ import annotations

import math

import numpy as np

CONSTANTS = {"E_L": (-70.0, "mV"), "E_AMPA": (0.0, "mV"), "E_GABA": (-70.0, "mV"),
             "E_NMDA": (0.0, "mV"), "tau_AMPA": (1.8, "ms"), "tau_GABA": (10.0, "ms"),
             "tau_NMDA_s": (65.0, "ms"), "tau_NMDA_x": (1.88, "ms"),
             "alpha_NMDA": (500.0, "Hz"), "theta": (-50.0, "mV"), "v_reset": (-60.0, "mV")}
"""neurodynex3's constants (alpha_NMDA = 0.5 / ms)."""

# the NMDA Mg block with v in mV, as neurodynex3; the constants are shared (scalars: one number
# per group, cheaper per step than arrays), and the inhibitory neurons integrate only what they
# use (no NMDA gating, no cue), as in neurodynex3. s_NMDA_total is the summed NMDA input,
# written before each step by the ring's convolution.
_COMMON = """
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
EXCITATORY = _COMMON.format(cue=" + I_stim") + """
ds_NMDA/dt = -s_NMDA/tau_NMDA_s + alpha_NMDA*x*(1 - s_NMDA) : 1
dx/dt = -x/tau_NMDA_x : 1
I_stim : amp
I_cue : amp (constant)
I_distractor : amp (constant)
t_cue_on : second (constant, shared)
t_cue_off : second (constant, shared)
t_distractor_on : second (constant, shared)
t_distractor_off : second (constant, shared)
"""
INHIBITORY = _COMMON.format(cue="")
STIMULUS = ("I_stim = I_cue * int(t > t_cue_on and t < t_cue_off)"
            " + I_distractor * int(t > t_distractor_on and t < t_distractor_off)")
"""Every 1 ms (at the start of the step): the cue's and the distractor's currents, each on at
the whole milliseconds from its start to its end (the times given are those minus 0.5 ms)."""
SPIKES = {"exc": ("v > theta", "v = v_reset; x += 1.0", 2.0),
          "inh": ("v > theta", "v = v_reset", 1.0)}
"""(threshold, reset, refractory ms) of each population."""
STATE = {"exc": ("v", "s_AMPA", "s_GABA", "s_NMDA", "x", "lastspike", "not_refractory"),
         "inh": ("v", "s_AMPA", "s_GABA", "lastspike", "not_refractory")}
"""The variables that carry a run on (the NMDA totals and the cue's current are computed
again at the start of a step; the GABA synapses have no delay: no spikes in flight)."""
SIGNATURE = repr([sorted(CONSTANTS.items()), EXCITATORY, INHIBITORY, STIMULUS,
                  sorted(SPIKES.items()), "GABA all-to-all, PoissonInput AMPA, rk2", 1])
"""What the compiled program depends on (part of its build's key)."""


def make(b2, N_excitatory: int, N_inhibitory: int, N_extern_poisson: int,
         poisson_firing_rate: float, dt_ms: float) -> dict:
    """The network's brian2 objects with their stable names: the groups "exc" and "inh" (and
    the cue's run_regularly inside "exc"), the GABA synapses "ii" and "ie", the Poisson inputs
    "ext_e" and "ext_i", and the monitors "spikes" (excitatory), "rate_e" and "rate_i"."""
    ns = {name: value * (getattr(b2, unit)) for name, (value, unit) in CONSTANTS.items()}
    dt = dt_ms * b2.ms
    groups = {}
    for key, size, eqs in (("exc", N_excitatory, EXCITATORY), ("inh", N_inhibitory, INHIBITORY)):
        threshold, reset, refractory = SPIKES[key]
        groups[key] = b2.NeuronGroup(size, eqs, threshold=threshold, reset=reset,
                                     refractory=refractory * b2.ms, method="rk2", dt=dt,
                                     namespace=ns, name=f"wm_{key}")
    exc, inh = groups["exc"], groups["inh"]
    exc.run_regularly(STIMULUS, dt=1 * b2.ms, when="start", name="wm_stimulus")
    ii = b2.Synapses(inh, inh, on_pre="s_GABA_post += 1", dt=dt, name="wm_ii")
    ii.connect(condition="i != j")
    ie = b2.Synapses(inh, exc, on_pre="s_GABA_post += 1", dt=dt, name="wm_ie")
    ie.connect()
    rate = poisson_firing_rate * b2.Hz
    return {"exc": exc, "inh": inh, "ii": ii, "ie": ie,
            "ext_e": b2.PoissonInput(exc, "s_AMPA", N_extern_poisson, rate, 1.0),
            "ext_i": b2.PoissonInput(inh, "s_AMPA", N_extern_poisson, rate, 1.0),
            "spikes": b2.SpikeMonitor(exc, name="wm_spikes"),
            "rate_e": b2.PopulationRateMonitor(exc, name="wm_rate_e"),
            "rate_i": b2.PopulationRateMonitor(inh, name="wm_rate_i")}


def ring_indices(n: int, center_deg: float, width_deg: float) -> np.ndarray:
    """The neurons within ``width_deg`` / 2 of ``center_deg`` (neuron i prefers 360 i / n)."""
    c = int(round(n / 360.0 * center_deg))
    w = int(round(n / 360.0 * width_deg / 2))
    return np.arange(c - w, c + w + 1) % n


def _on_off(start_ms: float, duration_ms: float) -> tuple[float, float]:
    """(on, off) in s for STIMULUS: on at the whole ms k with start <= k < start + duration."""
    on = math.ceil(start_ms - 1e-9) - 0.5
    off = max(on, math.ceil(start_ms + duration_ms - 1e-9) - 0.5)
    return on * 1e-3, off * 1e-3


def run_values(*, N_excitatory, N_inhibitory, weight_scaling_factor, G_inhib2inhib,
               G_inhib2excit, G_excit2excit, G_excit2inhib, stimulus_center_deg,
               stimulus_width_deg, stimulus_strength, t_stimulus_start, t_stimulus_duration,
               distractor_center_deg, distractor_width_deg, distractor_strength,
               t_distractor_start, t_distractor_duration, rng) -> dict:
    """The values of a run (``"exc.v"``, ``"inh.g_gaba"``, ...: numbers or per-neuron arrays
    in SI units), the initial potentials drawn from ``rng`` (uniform in -60..-50 mV)."""
    ws = weight_scaling_factor
    cue = np.zeros(N_excitatory)
    cue[ring_indices(N_excitatory, stimulus_center_deg, stimulus_width_deg)] = \
        stimulus_strength * 1e-9
    distractor = np.zeros(N_excitatory)
    distractor[ring_indices(N_excitatory, distractor_center_deg, distractor_width_deg)] = \
        distractor_strength * 1e-9
    cue_on, cue_off = _on_off(t_stimulus_start, t_stimulus_duration)
    dis_on, dis_off = _on_off(t_distractor_start, t_distractor_duration)
    return {"exc.G_L": 25e-9, "exc.C_m": 0.5e-9, "exc.g_ext": 3.1e-9,
            "exc.g_gaba": ws * G_inhib2excit * 1e-9, "exc.g_nmda": ws * G_excit2excit * 1e-9,
            "inh.G_L": 20e-9, "inh.C_m": 0.2e-9, "inh.g_ext": 2.38e-9,
            "inh.g_gaba": ws * G_inhib2inhib * 1e-9, "inh.g_nmda": ws * G_excit2inhib * 1e-9,
            "exc.v": rng.uniform(-60, -50, N_excitatory) * 1e-3,
            "inh.v": rng.uniform(-60, -50, N_inhibitory) * 1e-3,
            "exc.I_cue": cue, "exc.I_distractor": distractor,
            "exc.t_cue_on": cue_on, "exc.t_cue_off": cue_off,
            "exc.t_distractor_on": dis_on, "exc.t_distractor_off": dis_off}


def apply(objects: dict, values: dict) -> None:
    """Give the runtime's network the ``values`` of :func:`run_values`."""
    for name, value in values.items():
        group, var = name.split(".")
        setattr(objects[group], var + "_", value)
