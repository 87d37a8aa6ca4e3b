"""The broader note's ``SynapticPlasticity``: STDP, short-term plasticity and homeostatic
scaling in one simulation (numpy, time-stepped at ``dt``).

    sp = SynapticPlasticity(stdp={"A_plus": 0.01, "A_minus": -0.0105},
                            stp={"U": 0.2, "tau_rec": 200.0, "tau_facil": 50.0},
                            homeostasis={"target_rate": 5.0, "tau": 1000.0})
    out = sp.simulate_plasticity(pre_spikes, None, initial_weights=np.full(50, 0.5),
                                 time_span=2000.0)

Spike times in ms, one array per synapse (``pre_spikes``), and ``post_spikes`` either one array
of the postsynaptic neuron's spike times or None: then a leaky integrate-and-fire neuron
(tau_m = 20 ms, rest and reset -70 mV, threshold -50 mV) is simulated, every presynaptic spike
moving its potential by ``w x efficacy x psp_mV``.

Per step of ``dt``: traces decay; presynaptic spikes are handled (STDP depression
A_minus x_post, the pre trace, the STP efficacy u x, the PSP), then postsynaptic ones
(potentiation A_plus x_pre, the post trace), then the homeostatic scaling of every weight by
dt (target - rate) / (target tau), the rate being the postsynaptic spikes averaged with
tau_rate. A spike of each side in the same step counts as pre before post (W(0) = A_plus).
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import Params, checked, param
from .plasticity_rules import PAIRINGS

STDP_DEFAULTS = {"A_plus": 0.01, "A_minus": -0.0105, "tau_plus": 20.0, "tau_minus": 20.0,
                 "w_min": 0.0, "w_max": np.inf, "pairing": "all-to-all"}
STP_DEFAULTS = {"U": 0.2, "tau_rec": 200.0, "tau_facil": 50.0}
HOMEOSTASIS_DEFAULTS = {"target_rate": 5.0, "tau": 1000.0, "tau_rate": 500.0}
LIF = {"tau_m": 20.0, "v_rest": -70.0, "v_reset": -70.0, "v_th": -50.0, "psp_mV": 1.0}


@dataclasses.dataclass(frozen=True)
class SimulationSpan(Params):
    """The bounds of ``simulate_plasticity``'s numbers."""

    time_span: float = param(1000.0, "time span", "ms", min=0.1, max=1e6)
    dt: float = param(0.1, "time step", "ms", min=0.001, max=10.0)


def _options(given, defaults: dict, name: str) -> dict | None:
    if given is None or given is False:
        return None
    if given is True:
        return dict(defaults)
    if dataclasses.is_dataclass(given):
        given = {k: v for k, v in dataclasses.asdict(given).items() if k in defaults}
    if not isinstance(given, dict):
        raise ValueError(f"{name}: must be a dict of options, True or None")
    unknown = set(given) - set(defaults)
    if unknown:
        raise ValueError(f"{name}: unknown option(s) {', '.join(sorted(unknown))} (known: "
                         f"{', '.join(defaults)})")
    options = {**defaults, **given}
    for key, value in options.items():
        if key == "pairing":
            if value not in PAIRINGS:
                raise ValueError(f"{name}: pairing must be one of {', '.join(PAIRINGS)}")
        elif not isinstance(value, (int, float)) or np.isnan(value):
            raise ValueError(f"{name}: {key} must be a number")
        elif key.startswith("tau") and value <= 0:
            raise ValueError(f"{name}: {key} must be positive")
    return options


def _bins(trains, steps: int, dt: float, name: str) -> list[np.ndarray]:
    """Each spike's step (spikes beyond the span are dropped)."""
    out = []
    for train in trains:
        times = np.asarray(train, float).ravel()
        if np.any(~np.isfinite(times)) or np.any(times < 0):
            raise ValueError(f"{name}: spike times must be finite and >= 0 ms")
        bins = np.round(times / dt).astype(int)
        out.append(bins[bins < steps])
    return out


class SynapticPlasticity:
    """STDP (pair rule with traces), short-term plasticity (Tsodyks-Markram) and homeostatic
    synaptic scaling, each switched on by giving its options (a dict, True for the defaults,
    None to switch it off)."""

    def __init__(self, stdp=True, stp=None, homeostasis=None):
        self.stdp = _options(stdp, STDP_DEFAULTS, "stdp")
        self.stp = _options(stp, STP_DEFAULTS, "stp")
        self.homeostasis = _options(homeostasis, HOMEOSTASIS_DEFAULTS, "homeostasis")

    @checked(SimulationSpan, pre_spikes=None, post_spikes=None, initial_weights=None)
    def simulate_plasticity(self, pre_spikes, post_spikes, initial_weights, time_span: float,
                            dt: float = 0.1) -> dict:
        """Simulate ``time_span`` ms; returns ``t`` (ms), ``weights`` (time x synapse),
        ``post_spikes`` (ms) and the statistics ``stdp``, ``stp``, ``homeostasis``."""
        w = np.array(initial_weights, float).ravel()
        n = len(w)
        if isinstance(pre_spikes, np.ndarray) and pre_spikes.ndim == 1 and n == 1:
            pre_spikes = [pre_spikes]
        if len(pre_spikes) != n:
            raise ValueError(f"pre_spikes: one spike train per synapse ({n}), not "
                             f"{len(pre_spikes)}")
        steps = int(round(time_span / dt))
        pre_bins = _bins(pre_spikes, steps, dt, "pre_spikes")
        fires = np.zeros((steps, n), bool)
        for i, bins in enumerate(pre_bins):
            fires[bins, i] = True
        post_given = post_spikes is not None
        post_fires = np.zeros(steps, bool)
        if post_given:
            post_fires[_bins([post_spikes], steps, dt, "post_spikes")[0]] = True
        s, stp, home = self.stdp, self.stp, self.homeostasis
        x_pre, x_post = np.zeros(n), 0.0
        u = np.zeros(n) if stp else None
        x = np.ones(n)
        rate = 0.0
        weights = np.empty((steps + 1, n))
        weights[0] = w
        efficacy_sum, efficacy_count = np.zeros(n), np.zeros(n)
        potentiation = depression = scaling_total = 0.0
        rates = np.empty(steps + 1)
        rates[0] = 0.0
        v = LIF["v_rest"]
        spikes_out = []
        if s:
            decay_pre, decay_post = np.exp(-dt / s["tau_plus"]), np.exp(-dt / s["tau_minus"])
            nearest = s["pairing"] == "nearest"
        for k in range(steps):
            fired = fires[k]
            any_pre = fired.any()
            if s:
                x_pre *= decay_pre
                x_post *= decay_post
            if stp:
                x = 1.0 - (1.0 - x) * np.exp(-dt / stp["tau_rec"])
                u = u * np.exp(-dt / stp["tau_facil"])
            efficacy = None
            if any_pre:
                if stp:
                    u = np.where(fired, u + stp["U"] * (1 - u), u)
                    efficacy = np.where(fired, u * x, 0.0)
                    x = x - efficacy
                    efficacy_sum += efficacy
                    efficacy_count += fired
                else:
                    efficacy = fired.astype(float)
                if s:
                    change = np.where(fired, s["A_minus"] * x_post, 0.0)
                    depression += change.sum()
                    w = np.clip(w + change, s["w_min"], s["w_max"])
                    x_pre = np.where(fired, 1.0, x_pre) if nearest else x_pre + fired
            if not post_given:
                v += dt / LIF["tau_m"] * (LIF["v_rest"] - v)
                if efficacy is not None:
                    v += LIF["psp_mV"] * float(np.sum(w * efficacy))
                post_fires[k] = v >= LIF["v_th"]
                if post_fires[k]:
                    v = LIF["v_reset"]
            if post_fires[k]:
                spikes_out.append(k * dt)
                if s:
                    change = s["A_plus"] * x_pre
                    potentiation += change.sum()
                    w = np.clip(w + change, s["w_min"], s["w_max"])
                    x_post = 1.0 if nearest else x_post + 1.0
            if home:
                rate += dt / home["tau_rate"] * (-rate) + (1000.0 / home["tau_rate"]
                                                             if post_fires[k] else 0.0)
                factor = dt * (home["target_rate"] - rate) / (home["target_rate"] * home["tau"])
                scaling_total += factor
                w = w * (1.0 + factor)
            rates[k + 1] = rate
            weights[k + 1] = w
        t = np.arange(steps + 1) * dt
        post_ms = np.array(spikes_out)
        out = {"t": t, "weights": weights, "post_spikes": post_ms,
               "stdp": None, "stp": None, "homeostasis": None}
        if s:
            out["stdp"] = {"potentiation": potentiation, "depression": depression,
                           "total_change": weights[-1] - weights[0],
                           "n_pre": int(fires.sum()), "n_post": int(post_fires.sum())}
        if stp:
            out["stp"] = {"mean_efficacy": np.divide(efficacy_sum, efficacy_count,
                                                     out=np.zeros(n), where=efficacy_count > 0),
                          "u": u, "x": x}
        if home:
            out["homeostasis"] = {"rate_Hz": rates, "target_rate": home["target_rate"],
                                  "total_scaling": scaling_total,
                                  "final_rate_Hz": len(post_ms) / (time_span / 1000.0)}
        return out


# ------------------------------------------------------------ the tab's "Combined" experiment

_ON = ("True",)


@dataclasses.dataclass(frozen=True)
class CombinedParams(Params):
    """Poisson inputs onto the class's LIF neuron, with STDP (the amplitudes and time
    constants of the STDP form), short-term plasticity and homeostatic scaling each on or off."""

    n_inputs: int = param(20, "inputs", min=1, max=200, step=5,
                          help="presynaptic Poisson inputs, one synapse each")
    rate_Hz: float = param(20.0, "input rate", "Hz", min=0.1, max=200.0, step=5.0,
                           help="rate of every input")
    w0: float = param(10.0, "initial weight", "mV", min=0.0, max=100.0, step=1.0,
                      help="initial weight of every synapse: the jump of the potential per "
                           "presynaptic spike at full efficacy (u x = 1)")
    w_max: float = param(50.0, "w_max (STDP bound)", "mV", min=0.1, max=1000.0, step=5.0,
                         help="hard upper bound of STDP (the lower bound is 0)")
    time_span_s: float = param(10.0, "time span", "s", min=0.1, max=200.0, step=1.0,
                               help="simulated time")
    dt: float = param(0.5, "time step", "ms", min=0.05, max=1.0, step=0.05,
                      help="time step of the simulation (spike times on this grid)")
    seed: int = param(1, "seed", min=0, max=2 ** 31 - 1, help="random seed of the inputs")
    stdp: bool = param(True, "STDP", help="pair-based STDP with the A₊, A₋, τ₊, τ₋ and "
                                          "pairing of the STDP rule form")
    stp: bool = param(True, "short-term plasticity",
                      help="Tsodyks-Markram depression and facilitation: each spike's "
                           "efficacy is u x")
    U: float = param(0.2, "U", min=0.01, max=1.0, step=0.05, show_when=("stp", _ON),
                     help="utilisation increment per spike")
    tau_rec: float = param(200.0, "τ_rec", "ms", min=1.0, max=5000.0, step=50.0,
                           show_when=("stp", _ON), help="recovery of the resources x")
    tau_facil: float = param(50.0, "τ_facil", "ms", min=1.0, max=5000.0, step=10.0,
                             show_when=("stp", _ON), help="decay of the utilisation u")
    homeostasis: bool = param(True, "homeostatic scaling",
                              help="every weight scaled by dt (target − rate)/(target τ)")
    target_rate: float = param(5.0, "target rate", "Hz", min=0.1, max=100.0, step=1.0,
                               show_when=("homeostasis", _ON),
                               help="the output rate scaling aims for")
    tau_h: float = param(1000.0, "τ (scaling)", "ms", min=10.0, max=1e5, step=100.0,
                         show_when=("homeostasis", _ON),
                         help="time constant of the scaling")
    tau_rate: float = param(500.0, "τ (rate estimate)", "ms", min=10.0, max=1e4, step=100.0,
                            show_when=("homeostasis", _ON),
                            help="the output rate is the spike train filtered with this "
                                 "time constant")


SHOWN_SYNAPSES = 3
"""Synapses drawn one by one in the tab (beside the mean of all)."""


@checked(stdp_form=None)
def combined_experiment(p: CombinedParams = CombinedParams(), stdp_form=None) -> dict:
    """Run :class:`SynapticPlasticity` on ``p.n_inputs`` Poisson inputs (times on the dt grid)
    with the simulated LIF neuron; ``stdp_form`` (an STDPParams, pair rule) gives the STDP
    window. Returns ``t_s`` (every 10 ms), ``weights`` (time x synapse, the same times),
    ``rate_Hz`` (the homeostatic rate estimate, or the output spikes filtered with 500 ms
    without homeostasis), ``post_spikes`` (ms) and the class's ``stdp``, ``stp`` and
    ``homeostasis`` statistics."""
    rng = np.random.default_rng(p.seed)
    span = p.time_span_s * 1e3
    steps = int(round(span / p.dt))
    pre = []
    for _ in range(p.n_inputs):
        bins = np.flatnonzero(rng.random(steps) < p.rate_Hz * p.dt * 1e-3)
        pre.append(bins * p.dt)
    stdp = None
    if p.stdp:
        stdp = {"w_max": p.w_max, "w_min": 0.0}
        if stdp_form is not None:
            stdp.update(A_plus=stdp_form.A_plus, A_minus=stdp_form.A_minus,
                        tau_plus=stdp_form.tau_plus, tau_minus=stdp_form.tau_minus,
                        pairing=stdp_form.pairing)
    model = SynapticPlasticity(
        stdp=stdp,
        stp={"U": p.U, "tau_rec": p.tau_rec, "tau_facil": p.tau_facil} if p.stp else None,
        homeostasis={"target_rate": p.target_rate, "tau": p.tau_h, "tau_rate": p.tau_rate}
        if p.homeostasis else None)
    out = model.simulate_plasticity(pre, None, np.full(p.n_inputs, p.w0), span, p.dt)
    every = max(1, int(round(10.0 / p.dt)))
    if out["homeostasis"] is not None:
        rate = out["homeostasis"]["rate_Hz"]
        out["homeostasis"] = {k: v for k, v in out["homeostasis"].items() if k != "rate_Hz"}
    else:  # the same estimate, for the plot
        train = np.zeros(steps + 1)
        np.add.at(train, np.round(out["post_spikes"] / p.dt).astype(int) + 1, 1000.0)
        rate = np.zeros(steps + 1)
        decay = 1.0 - p.dt / 500.0
        for k in range(1, steps + 1):
            rate[k] = rate[k - 1] * decay + train[k] / 500.0
    return {"t_s": out["t"][::every] / 1e3, "weights": out["weights"][::every],
            "rate_Hz": rate[::every], "post_spikes": out["post_spikes"],
            "stdp": out["stdp"], "stp": out["stp"], "homeostasis": out["homeostasis"],
            "rate_last_half_Hz": float(np.sum(out["post_spikes"] >= span / 2)
                                       / (p.time_span_s / 2))}
