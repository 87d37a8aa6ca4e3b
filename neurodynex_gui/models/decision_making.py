"""Decision making by two competing excitatory populations (book ch. 16.3; Wang 2002).

Conductance-based LIF neurons with AMPA, NMDA and GABA synapses: N_Excit excitatory neurons
split into two selective populations A and B (``f_Subpop_size`` N_Excit each, recurrent weight
``w_pos`` inside, w_neg between) and a non-selective rest Z, inhibited by N_Inhib inhibitory
neurons. All neurons receive N_extern Poisson trains at ``firing_rate_extern``; A and B
receive a noisy stimulus of mean mu0 (1 +- coherence) / 2, re-drawn every
``stimulus_update_interval``. The population whose rate first crosses a threshold decides.

The scripting API keeps neurodynex3's ``sim_decision_making_network`` and
``run_multiple_simulations`` (competing_populations exercise) with their keyword names and
defaults; times are ms and rates Hz as plain numbers. brian2 is imported only in a simulation.
"""
from __future__ import annotations

import dataclasses
import math

import numpy as np

from .params import ParamError, checked

__all__ = ["DecisionResult", "sim_decision_making_network", "get_decision_time",
           "run_multiple_simulations", "decision_trial", "psychometric"]


@dataclasses.dataclass
class DecisionResult:
    """Rates (Hz, every dt) of A, B, Z and the inhibitory population against t (ms), the
    spikes (ms, index) of A and B's monitored neurons and the stimulus rates drawn."""

    t_ms: np.ndarray
    rate_A_Hz: np.ndarray
    rate_B_Hz: np.ndarray
    rate_Z_Hz: np.ndarray
    rate_inhib_Hz: np.ndarray
    spikes_A: tuple
    spikes_B: tuple
    coherence_level: float
    params: dict

    def decision(self, rate_threshold=25.0, avg_window_width=30.0):
        """("A" | "B" | None, decision time ms or nan): :func:`get_decision_time`."""
        t_a, t_b = get_decision_time(self, avg_window_width, rate_threshold)
        if t_a > 0 and (t_b == 0 or t_a <= t_b):
            return "A", t_a
        if t_b > 0:
            return "B", t_b
        return None, math.nan


def _smooth(rate, dt_ms, width_ms):
    n = max(1, int(round(width_ms / dt_ms)))
    return np.convolve(rate, np.ones(n) / n, mode="same")


@checked()
def get_decision_time(result: DecisionResult, avg_window_width=30.0, rate_threshold=25.0):
    """(t_A, t_B) in ms: the first time the rate of A (B), averaged over a flat window of
    ``avg_window_width`` ms, exceeds ``rate_threshold`` Hz; 0 where it never does (as in
    neurodynex3's exercise)."""
    if not avg_window_width > 0:
        raise ParamError("avg_window_width", "must be positive")
    dt = float(result.t_ms[1] - result.t_ms[0]) if len(result.t_ms) > 1 else 0.1
    times = []
    for rate in (result.rate_A_Hz, result.rate_B_Hz):
        above = np.nonzero(_smooth(rate, dt, avg_window_width) > rate_threshold)[0]
        times.append(float(result.t_ms[above[0]]) if len(above) else 0.0)
    return tuple(times)


@checked()
def sim_decision_making_network(N_Excit=384, N_Inhib=96, weight_scaling_factor=5.33,
                                t_stimulus_start=100.0, t_stimulus_duration=9999.0,
                                coherence_level=0.0, stimulus_update_interval=30.0,
                                mu0_mean_stimulus_Hz=160.0, stimulus_std_Hz=20.0,
                                N_extern=1000, firing_rate_extern=9.8, w_pos=1.90,
                                f_Subpop_size=0.25, max_sim_time=1000.0,
                                stop_condition_rate=None, monitored_subset_size=512,
                                dt=0.1, seed=0, on_chunk=None, should_stop=None):
    """neurodynex3's function with its keyword names and defaults (ms, Hz as numbers). With
    ``stop_condition_rate`` (Hz) the run stops after the 100 ms batch in which A's or B's mean
    rate exceeded it. ``on_chunk`` receives dicts of new ``t_ms``, ``rate_A_Hz``,
    ``rate_B_Hz`` (binned at 1 ms) and ``fraction``. Returns a :class:`DecisionResult`."""
    for name, value in (("N_Excit", N_Excit), ("N_Inhib", N_Inhib), ("N_extern", N_extern)):
        if not isinstance(value, (int, np.integer)) or value < 1:
            raise ParamError(name, f"'{value}' must be a positive whole number")
    for name, value, low, high in (("coherence_level", coherence_level, -1, 1),
                                   ("f_Subpop_size", f_Subpop_size, 0.01, 0.5),
                                   ("max_sim_time", max_sim_time, dt, 1e6),
                                   ("dt", dt, 0.001, 1.0),
                                   ("weight_scaling_factor", weight_scaling_factor, 0, 1e4),
                                   ("stimulus_update_interval", stimulus_update_interval,
                                    dt, 1e6)):
        if not (isinstance(value, (int, float, np.number)) and low <= value <= high):
            raise ParamError(name, f"'{value}' must be a number from {low} to {high}")
    import brian2 as b2
    from brian2 import Hz, mV, ms, nF, nS

    from . import brian_support  # noqa: F401  (numpy target)

    rng = np.random.default_rng(seed or None)
    b2.seed(int(rng.integers(1, 2**31 - 1)))
    n_a = int(N_Excit * f_Subpop_size)
    n_z = N_Excit - 2 * n_a
    if n_a < 1 or n_z < 0:
        raise ParamError("f_Subpop_size", "leaves no neuron in A and B")
    w_neg = 1.0 - f_Subpop_size * (w_pos - 1.0) / (1.0 - f_Subpop_size)
    ws = weight_scaling_factor
    g = {"ee_ampa": ws * 0.012 * nS, "ei_ampa": ws * 0.015 * nS, "ee_nmda": ws * 0.040 * nS,
         "ei_nmda": ws * 0.045 * nS, "ie": ws * 1.60 * nS, "ii": ws * 1.25 * nS}
    ns = {"E_L": -70 * mV, "E_AMPA": 0 * mV, "E_GABA": -70 * mV, "E_NMDA": 0 * mV,
          "tau_AMPA": 2.5 * ms, "tau_GABA": 5.0 * ms, "tau_NMDA_s": 100.0 * ms,
          "tau_NMDA_x": 2.0 * ms, "alpha_NMDA": 0.5 / ms, "theta": -50 * mV,
          "v_reset": -60 * mV}
    # one equation for both kinds of neuron; capacitance, leak and coupling are parameters.
    # The NMDA voltage dependence uses v in volt, as neurodynex3 does (Wang 2002: in mV)
    eqs = """
    dv/dt = (-G_L*(v-E_L) - g_ampa*s_AMPA*(v-E_AMPA) - g_gaba*s_GABA*(v-E_GABA)
             - g_nmda*s_NMDA_total*(v-E_NMDA)/(1.0 + exp(-0.062*v/volt)/3.57)) / C_m
           : volt (unless refractory)
    ds_AMPA/dt = -s_AMPA/tau_AMPA : 1
    ds_GABA/dt = -s_GABA/tau_GABA : 1
    ds_NMDA/dt = -s_NMDA/tau_NMDA_s + alpha_NMDA*x*(1 - s_NMDA) : 1
    dx/dt = -x/tau_NMDA_x : 1
    s_NMDA_total : 1
    G_L : siemens (constant)
    C_m : farad (constant)
    g_ampa : siemens (constant)
    g_gaba : siemens (constant)
    g_nmda : siemens (constant)
    """
    dt_q = dt * ms
    exc = b2.NeuronGroup(N_Excit, eqs, threshold="v > theta", reset="v = v_reset",
                         refractory=2 * ms, method="rk2", dt=dt_q, namespace=ns, name="dm_exc")
    inh = b2.NeuronGroup(N_Inhib, eqs, threshold="v > theta", reset="v = v_reset",
                         refractory=1 * ms, method="rk2", dt=dt_q, namespace=ns, name="dm_inh")
    exc.G_L, exc.C_m = 25 * nS, 0.5 * nF
    exc.g_ampa, exc.g_gaba, exc.g_nmda = g["ee_ampa"], g["ie"], g["ee_nmda"]
    inh.G_L, inh.C_m = 20 * nS, 0.2 * nF
    inh.g_ampa, inh.g_gaba, inh.g_nmda = g["ei_ampa"], g["ii"], g["ei_nmda"]
    exc.v[:2 * n_a] = rng.uniform(-70, -65, 2 * n_a) * mV
    exc.v[2 * n_a:] = rng.uniform(-60, -51, n_z) * mV
    inh.v = rng.uniform(-54, -51, N_Inhib) * mV
    pop = np.zeros(N_Excit, dtype=int)
    pop[n_a:2 * n_a] = 1
    pop[2 * n_a:] = 2
    # w[pre population, post population] for A, B, Z
    w = np.ones((3, 3))
    w[0, 0] = w[1, 1] = w_pos
    w[0, 1] = w[1, 0] = w_neg
    w[2, 0] = w[2, 1] = w_neg  # NMDA from Z to A and B as in the exercise; AMPA below uses 1
    w_ampa = w.copy()
    w_ampa[2, :] = 1.0
    w_ext_e = float(2.1 * nS / g["ee_ampa"])
    w_ext_i = float(1.62 * nS / g["ei_ampa"])
    delay = 0.5 * ms
    ee = b2.Synapses(exc, exc, "w : 1 (constant)", on_pre="s_AMPA_post += w", delay=delay,
                     dt=dt_q, name="dm_ee")
    ee.connect()
    ee.w = w_ampa[pop[ee.i[:]], pop[ee.j[:]]]
    ei = b2.Synapses(exc, inh, on_pre="s_AMPA_post += 1", delay=delay, dt=dt_q, name="dm_ei")
    ei.connect()
    ie = b2.Synapses(inh, exc, on_pre="s_GABA_post += 1", delay=delay, dt=dt_q, name="dm_ie")
    ie.connect()
    ii = b2.Synapses(inh, inh, on_pre="s_GABA_post += 1", delay=delay, dt=dt_q, name="dm_ii")
    ii.connect()
    xx = b2.Synapses(exc, exc, on_pre="x_post += 1", delay=delay, dt=dt_q, name="dm_x")
    xx.connect(j="i")
    sel = [pop == k for k in range(3)]
    w_nmda_post = w[:, pop]  # (3 presynaptic populations, N_Excit)

    # the group's own arrays (runtime device), written in place: ~4x cheaper per step than
    # the group attributes, and this runs at every time step
    s_exc = exc.variables["s_NMDA"].get_value()
    total_exc = exc.variables["s_NMDA_total"].get_value()
    total_inh = inh.variables["s_NMDA_total"].get_value()

    def nmda_sum():
        sums = np.array([s_exc[m].sum() for m in sel])
        np.dot(sums, w_nmda_post, out=total_exc)
        total_inh[:] = sums.sum()

    ext_e = b2.PoissonInput(exc, "s_AMPA", N_extern, firing_rate_extern * Hz, weight=w_ext_e)
    ext_i = b2.PoissonInput(inh, "s_AMPA", N_extern, firing_rate_extern * Hz, weight=w_ext_i)
    stim = b2.PoissonGroup(2 * n_a, 0 * Hz, dt=dt_q, name="dm_stim")
    stim_syn = b2.Synapses(stim, exc, on_pre=f"s_AMPA_post += {w_ext_e!r}", dt=dt_q,
                           name="dm_stim_syn")
    stim_syn.connect(j="i")
    t_end = t_stimulus_start + t_stimulus_duration
    drawn = []

    def update_stimulus(t):
        now = float(t / ms)
        if t_stimulus_start <= now < t_end:
            mean = mu0_mean_stimulus_Hz * (0.5 + 0.5 * np.array([coherence_level,
                                                                 -coherence_level]))
            rates = np.maximum(0.0, rng.normal(mean, stimulus_std_Hz))
        else:
            rates = np.zeros(2)
        drawn.append((now, *rates))
        stim.rates_[:n_a] = rates[0]
        stim.rates_[n_a:] = rates[1]

    mon = [b2.PopulationRateMonitor(exc[:n_a]), b2.PopulationRateMonitor(exc[n_a:2 * n_a]),
           b2.PopulationRateMonitor(exc[2 * n_a:]) if n_z else None,
           b2.PopulationRateMonitor(inh)]
    k = min(monitored_subset_size, n_a)
    spk = [b2.SpikeMonitor(exc[:k]), b2.SpikeMonitor(exc[n_a:n_a + k])]
    state = {"sent": 0, "stop": False}
    per_ms = max(1, int(round(1.0 / dt)))

    def stream():
        if should_stop is not None and should_stop():
            state["stop"] = True
            net.stop()
        if on_chunk is None:
            return
        n = (len(mon[0].t) - state["sent"]) // per_ms * per_ms
        if n <= 0:
            return
        a = np.asarray(mon[0].rate_)[state["sent"]:state["sent"] + n]
        b = np.asarray(mon[1].rate_)[state["sent"]:state["sent"] + n]
        t0 = state["sent"] * dt
        state["sent"] += n
        on_chunk({"t_ms": t0 + np.arange(n // per_ms) + 0.5,
                  "rate_A_Hz": a.reshape(-1, per_ms).mean(1),
                  "rate_B_Hz": b.reshape(-1, per_ms).mean(1),
                  "fraction": min(1.0, state["sent"] * dt / max_sim_time)})

    net = b2.Network(exc, inh, ee, ei, ie, ii, xx, ext_e, ext_i, stim, stim_syn,
                     *[m for m in mon if m is not None], *spk,
                     b2.NetworkOperation(nmda_sum, dt=dt_q, when="start"),
                     b2.NetworkOperation(update_stimulus, dt=stimulus_update_interval * ms,
                                         when="start"),
                     b2.NetworkOperation(stream, dt=20 * ms, when="end"))
    if stop_condition_rate is None:
        net.run(max_sim_time * ms, namespace={})
    else:
        batch, done = 100.0, 0.0
        while done < max_sim_time and not state["stop"]:
            step = min(batch, max_sim_time - done)
            net.run(step * ms, namespace={})
            done += step
            n = int(round(step / dt))
            if max(np.mean(mon[0].rate_[-n:]), np.mean(mon[1].rate_[-n:])) \
                    >= stop_condition_rate:
                break
    stream()
    rates = [np.asarray(m.rate_) if m is not None else np.zeros(len(mon[0].t)) for m in mon]
    return DecisionResult(np.asarray(mon[0].t_) * 1e3, *rates,
                          (np.asarray(spk[0].t_) * 1e3, np.asarray(spk[0].i_)),
                          (np.asarray(spk[1].t_) * 1e3, np.asarray(spk[1].i_)),
                          float(coherence_level),
                          {"N_Excit": N_Excit, "N_Inhib": N_Inhib, "w_pos": w_pos,
                           "coherence_level": coherence_level, "seed": seed,
                           "stimulus_rates": np.asarray(drawn)})


def _criterion(f_get_decision_time, result, avg_window_width, rate_threshold):
    f = f_get_decision_time or get_decision_time
    return f(result, avg_window_width, rate_threshold)


@checked()
def run_multiple_simulations(f_get_decision_time, coherence_levels, nr_repetitions,
                             max_sim_time=1200.0, rate_threshold=25.0, avg_window_width=30.0,
                             N_excit=384, N_inhib=96, weight_scaling=5.33, w_pos=1.9,
                             f_Subpop_size=0.25, t_stim_start=100.0, t_stim_duration=99999.0,
                             mu0_mean_stim_Hz=160.0, stimulus_StdDev_Hz=20.0,
                             stim_upd_interval=30.0, N_extern=1000, firing_rate_extern=9.8,
                             seed=0, on_progress=None):
    """neurodynex3's function with its names and defaults (ms, Hz as numbers): ``nr_repetitions``
    runs per coherence level, each stopped once A or B exceeds ``rate_threshold``.
    ``f_get_decision_time(result, avg_window_width, rate_threshold) -> (t_A, t_B)`` (None:
    :func:`get_decision_time`). Returns (time_to_A, time_to_B, count_A, count_B, count_No) as
    neurodynex3 does: times in ms, [levels x repetitions], 0 where the other (or no) decision
    was made. A non-zero ``seed`` makes the runs reproducible. (neurodynex3 runs every trial
    at 9.5 Hz whatever ``firing_rate_extern`` says; here the argument is used.)"""
    if not isinstance(nr_repetitions, (int, np.integer)) or nr_repetitions < 1:
        raise ParamError("nr_repetitions", "must be a positive whole number")
    levels = np.atleast_1d(np.asarray(coherence_levels, dtype=float))
    if levels.size == 0 or np.any(np.abs(levels) > 1):
        raise ParamError("coherence_levels", "must be values from -1 to 1")
    time_a = np.zeros((len(levels), nr_repetitions))
    time_b = np.zeros_like(time_a)
    count = np.zeros((3, len(levels)), dtype=int)
    for i, c in enumerate(levels):
        for k in range(nr_repetitions):
            result = sim_decision_making_network(
                N_Excit=N_excit, N_Inhib=N_inhib, weight_scaling_factor=weight_scaling,
                w_pos=w_pos, f_Subpop_size=f_Subpop_size, t_stimulus_start=t_stim_start,
                t_stimulus_duration=t_stim_duration, coherence_level=float(c),
                max_sim_time=max_sim_time, stop_condition_rate=rate_threshold,
                mu0_mean_stimulus_Hz=mu0_mean_stim_Hz, stimulus_std_Hz=stimulus_StdDev_Hz,
                stimulus_update_interval=stim_upd_interval, N_extern=N_extern,
                firing_rate_extern=firing_rate_extern,
                seed=(seed * 1000 + i * nr_repetitions + k + 1) if seed else 0)
            t_a, t_b = _criterion(f_get_decision_time, result, avg_window_width,
                                  rate_threshold)
            time_a[i, k], time_b[i, k] = t_a, t_b
            if (t_a > 0) == (t_b > 0):
                count[2, i] += 1
            else:
                count[0 if t_a > 0 else 1, i] += 1
            if on_progress is not None:
                on_progress((i * nr_repetitions + k + 1) / (len(levels) * nr_repetitions))
    return time_a, time_b, count[0], count[1], count[2]


def decision_trial(coherence_level=0.0, trial=0, seed=1, rate_threshold=25.0,
                   avg_window_width=30.0, **kwargs) -> dict:
    """One trial, for :func:`neurodynex_gui.sweeps.run_sweep` (grid of ``coherence_level`` x
    ``trial``): ``choice_A`` 1 (A), 0 (B) or NaN (none), ``decision_time_ms`` (NaN: none).
    ``kwargs`` are :func:`sim_decision_making_network`'s; the run stops at the threshold."""
    kwargs.setdefault("max_sim_time", 1200.0)
    result = sim_decision_making_network(
        coherence_level=float(coherence_level), stop_condition_rate=rate_threshold,
        seed=int(seed) * 100003 + int(trial) + 1, **kwargs)
    t_a, t_b = get_decision_time(result, avg_window_width, rate_threshold)
    if (t_a > 0) == (t_b > 0):
        return {"choice_A": math.nan, "decision_time_ms": math.nan}
    stim = float(kwargs.get("t_stimulus_start", 100.0))
    return {"choice_A": 1.0 if t_a > 0 else 0.0,
            "decision_time_ms": max(t_a, t_b) - stim}


def psychometric(choice_A, decision_time_ms):
    """Per coherence level (rows of the [levels x trials] arrays of a decision_trial sweep):
    (fraction of decided trials choosing A, mean decision time ms, trials decided)."""
    choice = np.asarray(choice_A, dtype=float)
    times = np.asarray(decision_time_ms, dtype=float)
    decided = np.isfinite(choice).sum(axis=1)
    with np.errstate(invalid="ignore"):
        frac = np.nansum(np.nan_to_num(choice, nan=0.0), axis=1) / decided
        mean_t = np.nansum(np.nan_to_num(times, nan=0.0), axis=1) / decided
    return frac, mean_t, decided
