"""Synaptic plasticity (Neuronal Dynamics, ch. 19; the broader note's "Synaptic Learning"):
the scripting API of the plasticity tab.

- :func:`stdp_window` (analytic) and :func:`pairing_protocol` (brian2, synaptic traces):
  the pair rule all-to-all or nearest-spike, and the triplet rule (Pfister and Gerstner 2006);
  :func:`simulated_window` measures the whole window in one vectorised run (one synapse per
  dt), :func:`frequency_dependence` the weight change against the pairing frequency;
- :func:`song_abbott`: Song, Miller and Abbott (2000), about 1000 Poisson inputs onto an LIF
  neuron with additive (bimodal weights) or multiplicative (one group) STDP;
- :func:`hebb_with_decay`: dW/dt = eta (r_pre r_post - alpha W), beside plain Hebb;
  :func:`synaptic_scaling`: a rate held at its target by homeostatic scaling;
- :class:`SynapticPlasticity`: STDP, short-term plasticity and homeostasis in one simulation.

Times in ms (rates in Hz; the rate rules in s). brian2 is imported inside the functions.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import checked
from .plasticity_class import CombinedParams, SynapticPlasticity, combined_experiment
from .plasticity_rules import (
    CompetitionParams,
    HebbParams,
    PairingParams,
    STDPParams,
    hebb_with_decay,
    pair_rule_sum,
    protocol_times,
    stdp_window,
    synaptic_scaling,
)

__all__ = [
    "FREQUENCIES_HZ",
    "CombinedParams",
    "CompetitionParams",
    "HebbParams",
    "PairingParams",
    "PlasticityResult",
    "STDPParams",
    "SynapticPlasticity",
    "bimodality",
    "combined_experiment",
    "frequency_dependence",
    "hebb_with_decay",
    "pair_rule_sum",
    "pairing_protocol",
    "prepare",
    "protocol_times",
    "simulate",
    "simulated_window",
    "song_abbott",
    "stdp_window",
    "synaptic_scaling",
]

FREQUENCIES_HZ = (1.0, 2.0, 5.0, 10.0, 20.0, 25.0, 40.0, 50.0)
"""Pairing frequencies of the frequency-dependence experiment (whole-ms periods)."""
HOMEOSTASIS_RATES = (1.0, 0.8, 0.6, 0.4)
"""Presynaptic rates of the Hebb and homeostasis experiments, as fractions of r_pre."""


def _stdp(stdp: STDPParams | None, rule: str | None = None,
          pairing: str | None = None) -> STDPParams:
    stdp = stdp or STDPParams()
    changes = {}
    if rule is not None:
        changes["rule"] = rule
    if pairing is not None:
        changes["pairing"] = pairing
    return stdp.replace(**changes) if changes else stdp


@checked(STDPParams, PairingParams, stdp=None)
def pairing_protocol(dt_ms: float = 10.0, n_pairs: int = 60, frequency_Hz: float = 1.0,
                     rule: str | None = None, pairing: str | None = None,
                     stdp: STDPParams | None = None) -> float:
    """The total weight change of ``n_pairs`` pre/post pairs at ``dt_ms`` (post minus pre)
    repeated at ``frequency_Hz``, simulated by brian2 with synaptic traces (no bounds).
    ``rule`` is "pair" or "triplet", ``pairing`` "all-to-all" or "nearest" (None: those of
    ``stdp``, by default the pair rule all-to-all); ``stdp`` (an STDPParams) sets the rest
    of the rule."""
    from . import plasticity_brian as pb

    params = _stdp(stdp, rule, pairing)
    pre, post = protocol_times(dt_ms, n_pairs, frequency_Hz, start_ms=max(0.0, -dt_ms) + 1.0)
    return float(pb.run_trains(params, [pre], [post])["dw"][0])


@checked(STDPParams, PairingParams, stdp=None, dt_values=None)
def simulated_window(dt_values=None, n_pairs: int = 60, frequency_Hz: float = 1.0,
                     stdp: STDPParams | None = None, *, on_chunk=None,
                     should_stop=None) -> dict:
    """The weight change of the pairing protocol for every dt (default -100 to +100 ms in
    1 ms steps), all in one brian2 run: ``dt_ms``, ``dw`` (simulated) and ``analytic`` (the
    note's window times n_pairs, pair rule only)."""
    from . import plasticity_brian as pb

    stdp = stdp or STDPParams()
    dts = np.arange(-100.0, 101.0) if dt_values is None else np.asarray(dt_values, float)
    pre, post = pb.protocol_trains(dts, n_pairs, frequency_Hz, float(np.max(-dts, initial=0))
                                   + 1.0)
    dw = pb.run_trains(stdp, pre, post, on_chunk=on_chunk, should_stop=should_stop)["dw"]
    return {"dt_ms": dts, "dw": dw, "analytic": n_pairs * stdp_window(
        dts, stdp.A_plus, stdp.A_minus, stdp.tau_plus, stdp.tau_minus)}


@checked(STDPParams, PairingParams, stdp=None, frequencies_Hz=None)
def frequency_dependence(dt_ms: float = 10.0, n_pairs: int = 60, frequencies_Hz=FREQUENCIES_HZ,
                         stdp: STDPParams | None = None, *, on_chunk=None,
                         should_stop=None) -> dict:
    """The weight change of ``n_pairs`` pairs at +dt and -dt against the pairing frequency,
    for the pair rule and the triplet rule (the pairing of ``stdp``), one run per rule:
    ``frequency_Hz``, ``pair_plus``, ``pair_minus``, ``triplet_plus``, ``triplet_minus``."""
    from . import plasticity_brian as pb

    stdp = stdp or STDPParams()
    freqs = np.asarray(frequencies_Hz, float)
    out = {"frequency_Hz": freqs, "dt_ms": float(dt_ms)}
    for index, rule in enumerate(("pair", "triplet")):
        pre_trains, post_trains = [], []
        for sign in (1.0, -1.0):
            for f in freqs:
                pre, post = protocol_times(sign * dt_ms, n_pairs, f, start_ms=abs(dt_ms) + 1.0)
                pre_trains.append(pre)
                post_trains.append(post)

        def progress(chunk, index=index):
            if on_chunk is not None:
                on_chunk({"fraction": (index + chunk["fraction"]) / 2})

        dw = pb.run_trains(stdp.replace(rule=rule), pre_trains, post_trains,
                           on_chunk=progress, should_stop=should_stop)["dw"]
        out[f"{rule}_plus"], out[f"{rule}_minus"] = dw[:len(freqs)], dw[len(freqs):]
    return out


@checked(CompetitionParams)
def song_abbott(n_inputs: int = 1000, t_end_s: float = 100.0, rule: str = "additive",
                seed: int = 1, rate_Hz: float = 15.0, A_plus: float = 0.01, ratio: float = 1.05,
                w_max: float = 0.01, correlated: int = 0, c: float = 0.2,
                dt_ms: float = 0.5, *, target: str | None = None, on_chunk=None,
                should_stop=None) -> dict:
    """Song, Miller and Abbott (2000): ``n_inputs`` Poisson inputs at ``rate_Hz`` onto a
    conductance-based LIF neuron (tau_m 10 ms, E_l -74 mV, threshold -54 mV, reset -60 mV,
    excitatory conductances of 5 ms reversing at 0 mV) whose weights learn by STDP
    (tau 20 ms, A_- = -ratio A_+; additive: steps of A_+ w_max with hard bounds 0 and w_max;
    multiplicative: potentiation A_+ (w_max - w), depression |A_-| w). The first
    ``correlated`` inputs share spikes with correlation ``c``; ``dt_ms`` is the clock.
    Returns ``frames_s``, ``weights`` (frame x input, one frame per simulated second),
    ``post_spikes_ms``, ``edges`` (of the weight histogram) and ``target`` (how brian2 ran
    it: "standalone", the compiled program of ``song_standalone``, once it is built in the
    background; until then brian2's runtime, "cython" once compiled, else "numpy").
    ``target`` given picks one ("standalone" waits for its build)."""
    from . import plasticity_brian as pb

    if correlated > n_inputs:
        raise ValueError("correlated: at most n_inputs inputs")
    return pb.run_song(n_inputs, rate_Hz, t_end_s, rule, A_plus, ratio, w_max, correlated, c,
                       seed, dt_ms=dt_ms, target=target, on_chunk=on_chunk, should_stop=should_stop)


def prepare() -> None:
    """Start building the compiled program of the default STDP window in the background (the
    pair rule, all-to-all; the tab calls this when it opens): the window then
    takes some 0.1-0.2 s instead of 2-5 s on brian2's runtime. Once it is built, the default
    competition's program (1000 inputs, additive) is started instead (2 s instead of 10 s for
    100 s of learning). Nothing happens without a C++ compiler, with the fast path switched
    off, or if both are built already (one build at a time: a run starts the others)."""
    from . import plasticity_standalone as ps

    window, competition = program_specs()
    if ps.lookup(window)[0] is not None:
        ps.lookup(competition)


def program_specs() -> list:
    """The builds of the default STDP window's and competition's compiled programs (built by
    ``plasticity_standalone``; ``prepare`` and ``--precompile`` build them)."""
    from . import plasticity_standalone as ps
    from . import song_standalone as ss

    c = CompetitionParams()
    return [ps.window_spec(),
            ss.spec_for(c.rule, c.n_inputs, round(c.n_inputs * c.rate_Hz), c.dt_ms)]


def bimodality(weights, w_max: float, edge: float = 0.2) -> tuple[float, float]:
    """The shares of weights within ``edge`` w_max of 0 and of w_max."""
    w = np.asarray(weights, float) / w_max
    return float(np.mean(w <= edge)), float(np.mean(w >= 1 - edge))


# ------------------------------------------------------------------- the tab's experiments

@dataclasses.dataclass
class PlasticityResult:
    """One experiment of the tab: ``kind`` and its arrays (see :func:`simulate`)."""

    kind: str
    data: dict
    completed: bool = True


def _hebb_experiment(hebb: HebbParams) -> dict:
    rates = np.array(HOMEOSTASIS_RATES) * hebb.r_pre
    learning = hebb_with_decay(rates, hebb.r_post, hebb.eta, hebb.alpha, hebb.t_end, hebb.dt)
    scaling = synaptic_scaling(rates, np.full(len(rates), hebb.W0), hebb.target_Hz, hebb.tau_h,
                               hebb.t_end, hebb.dt, hebb.eta_h, hebb.alpha)
    return {"hebb": learning, "scaling": scaling, "r_pre": rates}


@checked(stdp=None, pairing=None, competition=None, hebb=None, combined=None)
def simulate(stdp: STDPParams = STDPParams(), pairing: PairingParams = PairingParams(),
             competition: CompetitionParams = CompetitionParams(),
             hebb: HebbParams = HebbParams(), experiment: str = "pairing",
             combined: CombinedParams = CombinedParams(), *, on_chunk=None,
             should_stop=None) -> PlasticityResult:
    """The tab's run: ``experiment`` is "pairing" (the window and one protocol's weight
    against time), "frequency", "competition", "hebb" (Hebb with decay and homeostasis) or
    "combined" (:class:`SynapticPlasticity`: STDP, short-term plasticity and homeostasis in
    one simulation, :func:`combined_experiment`)."""
    from . import plasticity_brian as pb

    if experiment == "pairing":
        half = pairing.window_ms
        dts = np.concatenate([[pairing.dt_ms], np.arange(-half, half + 1.0)])
        pre, post = pb.protocol_trains(dts, pairing.n_pairs, pairing.frequency_Hz,
                                       max(half, -pairing.dt_ms, 0.0) + 1.0)
        run = pb.run_trains(stdp, pre, post, record_first=True, on_chunk=on_chunk,
                            should_stop=should_stop)
        analytic = pairing.n_pairs * stdp_window(dts[1:], stdp.A_plus, stdp.A_minus,
                                                 stdp.tau_plus, stdp.tau_minus)
        closed = pair_rule_sum(pre[0], post[0], stdp.A_plus, stdp.A_minus, stdp.tau_plus,
                               stdp.tau_minus, stdp.pairing) if stdp.rule == "pair" else None
        return PlasticityResult("pairing", {
            "dt_ms": dts[1:], "dw": run["dw"][1:], "analytic": analytic,
            "trace_t_ms": run["t_ms"] - pre[0][0], "trace_w": run["w"],
            "dw_chosen": float(run["dw"][0]), "closed_form": closed,
            "step_ms": run["step_ms"], "path": run["path"]})
    if experiment == "frequency":
        return PlasticityResult("frequency", frequency_dependence(
            abs(pairing.dt_ms) or 10.0, pairing.n_pairs, FREQUENCIES_HZ, stdp,
            on_chunk=on_chunk, should_stop=should_stop))
    if experiment == "competition":
        p = competition
        data = song_abbott(p.n_inputs, p.t_end_s, p.rule, p.seed, p.rate_Hz, p.A_plus, p.ratio,
                           p.w_max, min(p.correlated, p.n_inputs), p.c, p.dt_ms,
                           on_chunk=on_chunk,
                           should_stop=should_stop)
        return PlasticityResult("competition", data, data["completed"])
    if experiment == "hebb":
        return PlasticityResult("hebb", _hebb_experiment(hebb))
    if experiment == "combined":
        return PlasticityResult("combined", combined_experiment(combined, stdp))
    raise ValueError(f"experiment: '{experiment}' is not one of pairing, frequency, "
                     "competition, hebb, combined")
