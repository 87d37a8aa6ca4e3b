"""Brunel's sparse balanced network of LIF neurons (book ch. 13.4.4; Brunel 2000).

    tau dv/dt = -(v - v_rest) + RI,  v > theta: spike, v <- v_reset, refractory t_ref

N_Excit excitatory and N_Inhib = N_Excit / 4 inhibitory neurons; every pair is connected with
probability ``connection_probability``; a spike moves the target's v by +w0 (excitatory) or
-g w0 (inhibitory) after ``synaptic_delay``; every neuron also receives ``N_extern``
independent Poisson trains at ``poisson_input_rate`` of weight ``w_external`` (default w0).

The scripting API keeps neurodynex3's ``simulate_brunel_network`` with its keyword names and
defaults (times in ms, potentials in mV, rates in Hz, as plain numbers); it returns a
:class:`BrunelResult` of numpy arrays. The readouts (ISI CV, Fano factor, synchrony, power
spectrum) are in :mod:`.spiking_stats`, the mean-field prediction in :func:`mean_field_rate`.
brian2 is imported only when a simulation runs (in the worker process).
"""
from __future__ import annotations

import dataclasses
import math
import time

import numpy as np

from .params import ParamError, Params, checked, param
from .spiking_stats import SpikeStatistics, spike_statistics

__all__ = ["BrunelParams", "BrunelResult", "PRESETS", "REGIMES", "simulate",
           "simulate_brunel_network", "mean_field_rate", "nu_threshold", "regime_params"]


@dataclasses.dataclass(frozen=True)
class BrunelParams(Params):
    """Defaults: neurodynex3's ``brunel_model.simulate_brunel_network``."""

    N_Excit: int = param(5000, "excitatory neurons N_E", "", min=10, max=100000, step=100,
                         section="Network", help="N_Inhib is N_Excit / 4 when left at 0")
    N_Inhib: int = param(0, "inhibitory neurons N_I (0: N_E/4)", "", min=0, max=100000,
                         step=50, section="Network",
                         help="0 means N_Excit / 4, as neurodynex3's default None")
    N_extern: int = param(1000, "external Poisson inputs per neuron", "", min=0, max=100000,
                          step=100, section="Network")
    connection_probability: float = param(0.1, "connection probability", "", min=0.0,
                                          max=1.0, step=0.01, section="Network",
                                          help="each ordered pair is connected with this "
                                               "probability")
    w0: float = param(0.1, "synaptic weight w0", "mV", min=0.0, max=20.0, step=0.01,
                      section="Network", help="jump of v per excitatory spike")
    g: float = param(4.0, "relative inhibition g", "", min=0.0, max=20.0, step=0.1,
                     section="Network", help="an inhibitory spike moves v by -g w0")
    synaptic_delay: float = param(1.5, "synaptic delay", "ms", min=0.1, max=50.0, step=0.1,
                                  section="Network")
    poisson_input_rate: float = param(13.0, "external Poisson rate", "Hz", min=0.0,
                                      max=1000.0, step=0.5, section="Input",
                                      help="rate of each external Poisson train; "
                                           "nu_thr = theta / (N_extern w_ext tau)")
    w_external: float = param(0.0, "external weight (0: w0)", "mV", min=0.0, max=20.0,
                              step=0.01, section="Input",
                              help="0 means w0, as neurodynex3's default None")
    v_rest: float = param(0.0, "resting potential", "mV", min=-100, max=100, step=1.0,
                          section="Neuron")
    v_reset: float = param(10.0, "reset potential", "mV", min=-100, max=100, step=1.0,
                           section="Neuron")
    firing_threshold: float = param(20.0, "firing threshold", "mV", min=-100, max=100,
                                    step=1.0, section="Neuron")
    membrane_time_scale: float = param(20.0, "membrane time constant", "ms", min=0.5,
                                       max=1000.0, step=1.0, section="Neuron")
    abs_refractory_period: float = param(2.0, "absolute refractory period", "ms", min=0.0,
                                         max=100.0, step=0.5, section="Neuron")
    monitored_subset_size: int = param(100, "neurons in the raster", "", min=1, max=10000,
                                       step=10, section="Run",
                                       help="the first excitatory neurons are monitored")
    random_vm_init: bool = param(False, "random initial v", section="Run",
                                 help="v uniform between v_rest and the threshold at t=0")
    sim_time: float = param(100.0, "simulation length", "ms", min=1.0, max=1e5, step=50.0,
                            section="Run")
    dt: float = param(0.1, "time step", "ms", min=0.01, max=1.0, step=0.01, section="Run")
    seed: int = param(0, "random seed (0: new each run)", "", min=0, max=2**31 - 1, step=1,
                      section="Run", help="the same non-zero seed gives the same network "
                                          "and input")

    def check(self) -> None:
        if self.v_reset >= self.firing_threshold:
            raise ParamError("v_reset", "must be below the firing threshold")
        if self.dt > self.synaptic_delay:
            raise ParamError("dt", "must not exceed the synaptic delay")
        if self.dt > self.sim_time:
            raise ParamError("dt", "must be shorter than the simulation")

    @property
    def n_inhib(self) -> int:
        return self.N_Inhib or self.N_Excit // 4

    @property
    def w_ext(self) -> float:
        return self.w_external or self.w0


@checked()
def nu_threshold(params: BrunelParams) -> float:
    """The external rate (Hz) that alone brings the mean v to threshold: theta /
    (N_extern w_ext tau) (Brunel 2000, nu_thr, with v_rest as zero)."""
    drive = params.N_extern * params.w_ext * params.membrane_time_scale * 1e-3  # mV s
    return (params.firing_threshold - params.v_rest) / drive if drive > 0 else math.inf


REGIMES = {
    "synchronous regular (SR)": (3.0, 2.0, "inhibition too weak: the network fires near "
                                 "saturation in regular, synchronous volleys (CV small, "
                                 "synchrony high, sharp peaks in the spectrum)"),
    "asynchronous irregular (AI)": (5.0, 2.0, "inhibition dominates: each neuron fires "
                                    "irregularly (CV near 1) at a low rate and the population "
                                    "activity is nearly flat (low synchrony)"),
    "synchronous irregular, fast (SI fast)": (6.0, 4.0, "strong inhibition and input: a fast "
                                              "population oscillation (~150-200 Hz in the "
                                              "spectrum) while single neurons fire "
                                              "irregularly"),
    "synchronous irregular, slow (SI slow)": (4.5, 0.9, "input below threshold: a slow "
                                              "oscillation of the population activity "
                                              "(~20-30 Hz), neurons fire rarely and "
                                              "irregularly"),
}
"""Brunel (2000) fig. 8: (g, nu_ext / nu_thr, what to look for)."""


def regime_params(name: str, base: BrunelParams = BrunelParams(), **changes) -> BrunelParams:
    """``base`` with g and the Poisson rate of one of Brunel's regimes (see REGIMES)."""
    g, ratio, _ = REGIMES[name]
    probe = dataclasses.replace(base, **changes)
    return dataclasses.replace(probe, g=g, poisson_input_rate=ratio * nu_threshold(probe))


SMALL = {"N_Excit": 1000, "connection_probability": 0.2, "N_extern": 200, "w0": 0.5,
         "sim_time": 500.0, "random_vm_init": True}
"""A network scaled down from Brunel (2000) to 1,250 neurons, so that a regime runs in
seconds: C_E = 200 recurrent excitatory inputs, as many external ones (C_ext = C_E, as there),
w0 = 0.5 mV (so that C_E w0 = 100 mV)."""

PRESETS = {"neurodynex3 defaults": BrunelParams(),
           **{name: regime_params(name, **SMALL) for name in REGIMES}}
"""Named parameter sets: neurodynex3's defaults and Brunel's four regimes (see SMALL)."""


@dataclasses.dataclass
class BrunelResult:
    """One run. Spikes of the monitored subset (``spike_t_ms``, ``spike_i``), the activity of
    the whole population (``rate_Hz`` per time step, times ``t_ms``) and the readouts."""

    spike_t_ms: np.ndarray
    spike_i: np.ndarray
    t_ms: np.ndarray
    rate_Hz: np.ndarray
    monitored: int
    sim_time_ms: float
    stats: SpikeStatistics
    params: dict
    completed: bool = True
    build_s: float = 0.0
    run_s: float = 0.0

    @property
    def mean_rate_Hz(self) -> float:
        return self.stats.mean_rate_Hz


def _seeded(params: BrunelParams):
    import brian2 as b2

    seed = params.seed or int.from_bytes(np.random.default_rng().bytes(4), "little") >> 1
    b2.seed(seed)
    return seed


def _build(params: BrunelParams):
    """The brian2 network (explicit names, numpy target, own namespace)."""
    import brian2 as b2
    from brian2 import mV, ms

    n_e, n_i = params.N_Excit, params.n_inhib
    dt = params.dt * ms
    namespace = {"v_rest": params.v_rest * mV, "tau": params.membrane_time_scale * ms,
                 "theta": params.firing_threshold * mV, "v_reset": params.v_reset * mV}
    group = b2.NeuronGroup(n_e + n_i, "dv/dt = -(v - v_rest) / tau : volt (unless refractory)",
                           threshold="v > theta", reset="v = v_reset",
                           refractory=params.abs_refractory_period * ms, method="exact",
                           dt=dt, name="brunel_group", namespace=namespace)
    if params.random_vm_init:
        group.v = (params.v_rest + np.random.uniform(
            0, 1, n_e + n_i) * (params.firing_threshold - params.v_rest)) * mV
    else:
        group.v = params.v_rest * mV
    exc, inh = group[:n_e], group[n_e:]
    objects = [group]
    p = params.connection_probability
    if p > 0 and params.w0 > 0:
        exc_syn = b2.Synapses(exc, group, on_pre="v += w_e", delay=params.synaptic_delay * ms,
                              dt=dt, name="brunel_exc", namespace={"w_e": params.w0 * mV})
        exc_syn.connect(p=p)
        objects.append(exc_syn)
        if n_i > 0 and params.g > 0:
            inh_syn = b2.Synapses(inh, group, on_pre="v -= w_i",
                                  delay=params.synaptic_delay * ms, dt=dt, name="brunel_inh",
                                  namespace={"w_i": params.g * params.w0 * mV})
            inh_syn.connect(p=p)
            objects.append(inh_syn)
    if params.N_extern > 0 and params.poisson_input_rate > 0:
        objects.append(b2.PoissonInput(group, "v", params.N_extern,
                                       params.poisson_input_rate * b2.Hz,
                                       weight=params.w_ext * mV))
    monitored = min(params.monitored_subset_size, n_e)
    spikes = b2.SpikeMonitor(group[:monitored], name="brunel_spikes")
    rate = b2.PopulationRateMonitor(group, name="brunel_rate")
    objects += [spikes, rate]
    return objects, group, spikes, rate, monitored


def _take(monitor, name, start):
    return np.asarray(monitor.variables[name].get_value()[start:], dtype=float)


@checked(diverges=False, device=None)
def simulate(params: BrunelParams = BrunelParams(), *, device: str = "runtime", on_chunk=None,
             should_stop=None) -> BrunelResult:
    """Simulate the network; ``on_chunk`` receives about 30 dicts a second of new samples:
    ``t_ms``/``rate_Hz`` (population activity binned at 1 ms), ``spike_t_ms``/``spike_i``
    (monitored subset) and ``fraction`` of the run done. ``device``: the brian2 device
    (:mod:`.brian_device`: "runtime", "cpp_standalone" compiles the network as C++ and sends
    one chunk at the end, "cuda_standalone" needs brian2cuda)."""
    from .brian_device import check_device, use_device

    check_device(device)
    with use_device(device):
        return _simulate(params, device, on_chunk, should_stop)


def _simulate(params, device, on_chunk, should_stop) -> BrunelResult:
    import brian2 as b2
    from brian2 import ms

    from . import brian_support  # noqa: F401  (the numpy target: no compile in front of a user)
    from .brian_device import streams

    started = time.perf_counter()
    _seeded(params)
    objects, group, spikes, rate, monitored = _build(params)
    sent = {"spikes": 0, "rate": 0, "last": time.monotonic(), "stopped": False}
    steps_per_bin = max(1, int(round(1.0 / params.dt)))

    def stream():
        if should_stop is not None and should_stop():
            sent["stopped"] = True
            net.stop()
            return
        if on_chunk is not None and time.monotonic() - sent["last"] >= 0.03:
            _send()

    def _send():
        sent["last"] = time.monotonic()
        n_rate = len(rate.t)
        usable = (n_rate - sent["rate"]) // steps_per_bin * steps_per_bin
        r = _take(rate, "rate", sent["rate"])[:usable]
        t0 = sent["rate"] * params.dt
        sent["rate"] += usable
        n_spk = spikes.num_spikes
        chunk = {"t_ms": t0 + (np.arange(usable // steps_per_bin) + 0.5) * steps_per_bin
                 * params.dt,
                 "rate_Hz": r.reshape(-1, steps_per_bin).mean(axis=1),
                 "spike_t_ms": _take(spikes, "t", sent["spikes"])[:n_spk - sent["spikes"]]
                 * 1e3,
                 "spike_i": _take(spikes, "i", sent["spikes"])[:n_spk - sent["spikes"]],
                 "fraction": min(1.0, n_rate * params.dt / params.sim_time)}
        sent["spikes"] = n_spk
        on_chunk(chunk)

    if streams(device):  # a standalone device runs no Python during the run
        objects.append(b2.NetworkOperation(stream, dt=max(params.dt, 2.0) * ms, when="end",
                                           name="brunel_stream"))
    net = b2.Network(*objects, name="brunel_network")
    built = time.perf_counter()
    net.run(params.sim_time * ms, namespace={})
    if on_chunk is not None:
        _send()
    ran = time.perf_counter()
    spike_t = np.asarray(spikes.t / ms)
    spike_i = np.asarray(spikes.i, dtype=int)
    t_ms = np.asarray(rate.t / ms)
    rate_Hz = np.asarray(rate.rate / b2.Hz)
    end = float(t_ms[-1] + params.dt) if len(t_ms) else 0.0
    stats = spike_statistics(spike_t, spike_i, monitored, t_ms, rate_Hz, end,
                             transient_ms=min(100.0, 0.2 * end))
    return BrunelResult(spike_t, spike_i, t_ms, rate_Hz, monitored, end, stats,
                        params.to_dict(), completed=not sent["stopped"],
                        build_s=built - started, run_s=ran - built)


@checked(BrunelParams, N_Inhib=None, w_external=None, random_vm_init=None)
def simulate_brunel_network(N_Excit=5000, N_Inhib=None, N_extern=1000,
                            connection_probability=0.1, w0=0.1, g=4.0, synaptic_delay=1.5,
                            poisson_input_rate=13.0, w_external=None, v_rest=0.0,
                            v_reset=10.0, firing_threshold=20.0, membrane_time_scale=20.0,
                            abs_refractory_period=2.0, monitored_subset_size=100,
                            random_vm_init=False, sim_time=100.0, dt=0.1, seed=0):
    """neurodynex3's function with its keyword names and defaults (mV, ms, Hz as numbers);
    ``N_Inhib=None`` is N_Excit / 4 and ``w_external=None`` is w0, as there."""
    if not isinstance(random_vm_init, (bool, np.bool_)) and not (
            isinstance(random_vm_init, int) and random_vm_init in (0, 1)):
        raise ParamError("random_vm_init", f"'{random_vm_init}' is not true or false")
    for name, value, low in (("N_Inhib", N_Inhib, 0), ("w_external", w_external, 0.0)):
        if value is not None and not (isinstance(value, (int, float, np.number))
                                      and not isinstance(value, bool)
                                      and math.isfinite(value) and value >= low):
            raise ParamError(name, f"'{value}' must be None or a number of at least {low}")
    params = BrunelParams(N_Excit=int(N_Excit), N_Inhib=int(N_Inhib or 0),
                          N_extern=int(N_extern),
                          connection_probability=float(connection_probability),
                          w0=float(w0), g=float(g), synaptic_delay=float(synaptic_delay),
                          poisson_input_rate=float(poisson_input_rate),
                          w_external=float(w_external or 0.0), v_rest=float(v_rest),
                          v_reset=float(v_reset), firing_threshold=float(firing_threshold),
                          membrane_time_scale=float(membrane_time_scale),
                          abs_refractory_period=float(abs_refractory_period),
                          monitored_subset_size=int(monitored_subset_size),
                          random_vm_init=bool(random_vm_init), sim_time=float(sim_time),
                          dt=float(dt), seed=int(seed))
    return simulate(params)


@checked()
def mean_field_rate(params: BrunelParams = BrunelParams()) -> float:
    """The stationary rate (Hz) of the asynchronous state by Brunel's self-consistent
    diffusion approximation (Brunel 2000, eqs. 4-6; Siegert's first-passage formula):

        mu = tau (C_E w0 - C_I g w0) nu + tau N_ext w_ext nu_ext
        sigma^2 = tau (C_E w0^2 + C_I g^2 w0^2) nu + tau N_ext w_ext^2 nu_ext
        1/nu = t_ref + tau sqrt(pi) int_{(V_r-mu)/sigma}^{(theta-mu)/sigma} e^{u^2}(1+erf u) du
    """
    from scipy import integrate, optimize, special

    tau = params.membrane_time_scale * 1e-3
    c_e = params.connection_probability * params.N_Excit
    c_i = params.connection_probability * params.n_inhib
    w0, g = params.w0, params.g
    ext_mu = tau * params.N_extern * params.w_ext * params.poisson_input_rate
    ext_var = tau * params.N_extern * params.w_ext ** 2 * params.poisson_input_rate
    theta = params.firing_threshold - params.v_rest
    reset = params.v_reset - params.v_rest
    t_ref = params.abs_refractory_period * 1e-3

    def rate(nu):
        mu = tau * (c_e - g * c_i) * w0 * nu + ext_mu
        sigma = math.sqrt(max(tau * (c_e + g * g * c_i) * w0 ** 2 * nu + ext_var, 1e-12))
        low, high = (reset - mu) / sigma, (theta - mu) / sigma
        integral, _ = integrate.quad(lambda u: special.erfcx(-u), low, high, limit=200)
        return 1.0 / (t_ref + tau * math.sqrt(math.pi) * integral)

    top = 1.0 / t_ref if t_ref > 0 else 1e4
    return float(optimize.brentq(lambda nu: rate(nu) - nu, 0.0, top, xtol=1e-6))


def _sweep_params(nu_ratio, kwargs) -> BrunelParams:
    params = BrunelParams.from_dict(kwargs)  # ParamError naming a bad field
    if nu_ratio is not None:
        if not 0 <= float(nu_ratio) <= 1000:
            raise ParamError("nu_ratio", "must be 0 to 1000")
        params = dataclasses.replace(params,
                                     poisson_input_rate=float(nu_ratio) * nu_threshold(params))
    return params


def sweep_point(nu_ratio: float | None = None, device: str = "runtime", **kwargs) -> dict:
    """One point of a phase diagram (for :func:`neurodynex_gui.sweeps.run_sweep`): simulate
    with the fields of BrunelParams in ``kwargs`` (and the external rate as ``nu_ratio`` times
    nu_thr) on the brian2 ``device`` and return the readouts."""
    params = _sweep_params(nu_ratio, kwargs)
    result = simulate(params, device=device)
    stats = result.stats
    return {"rate_Hz": stats.mean_rate_Hz, "cv_isi": stats.cv_isi,
            "fano_factor": stats.fano_factor, "synchrony": stats.synchrony,
            "peak_Hz": stats.peak_Hz}


def mean_field_point(nu_ratio: float | None = None, **kwargs) -> dict:
    """The mean-field rate at one point (as :func:`sweep_point`, without simulating)."""
    try:
        rate = mean_field_rate(_sweep_params(nu_ratio, kwargs))
    except ValueError as error:
        if isinstance(error, ParamError):
            raise
        rate = math.nan
    return {"rate_Hz": rate}
