"""The decision-making tab's runs: a typed parameter set for
:func:`.decision_making.sim_decision_making_network` and the psychometric / chronometric
curves over repeated trials, run by the sweep engine (:mod:`neurodynex_gui.sweeps`)."""
from __future__ import annotations

import dataclasses

import numpy as np

from .params import ParamError, Params, checked, param

__all__ = ["DecisionParams", "PsychometricInputs", "simulate", "psychometric_curve"]


@dataclasses.dataclass(frozen=True)
class DecisionParams(Params):
    """The tab's opening network: neurodynex3's getting_started (341 + 85 neurons, weight
    scaling 6, w_pos 2, a 500 Hz stimulus from 100 ms); the API's defaults are 384 + 96."""

    coherence_level: float = param(0.5, "coherence c", "", min=-1.0, max=1.0, step=0.05,
                                   section="Stimulus", help="A gets mu0 (1 + c) / 2, B mu0 "
                                                            "(1 - c) / 2")
    mu0_mean_stimulus_Hz: float = param(500.0, "stimulus mean mu0", "Hz", min=0.0, max=5000.0,
                                        step=10.0, section="Stimulus")
    stimulus_std_Hz: float = param(20.0, "stimulus noise (std)", "Hz", min=0.0, max=1000.0,
                                   step=1.0, section="Stimulus")
    t_stimulus_start: float = param(100.0, "stimulus start", "ms", min=0.0, max=1e5,
                                    step=10.0, section="Stimulus")
    N_Excit: int = param(341, "excitatory neurons", "", min=8, max=5000, step=1,
                         section="Network")
    N_Inhib: int = param(85, "inhibitory neurons", "", min=2, max=2000, step=1,
                         section="Network")
    weight_scaling_factor: float = param(6.0, "weight scaling", "", min=0.0, max=100.0,
                                         step=0.1, section="Network",
                                         help="halve it when doubling the network")
    w_pos: float = param(2.0, "recurrent weight w+ in A, B", "", min=1.0, max=5.0, step=0.05,
                         section="Network")
    firing_rate_extern: float = param(9.8, "external Poisson rate", "Hz", min=0.0,
                                      max=100.0, step=0.1, section="Network")
    max_sim_time: float = param(800.0, "simulation length", "ms", min=10.0, max=1e5,
                                step=50.0, section="Run")
    rate_threshold: float = param(25.0, "decision threshold", "Hz", min=1.0, max=500.0,
                                  step=1.0, section="Run",
                                  help="A or B decides when its rate, averaged over 30 ms, "
                                       "crosses this")
    seed: int = param(0, "random seed (0: new each run)", "", min=0, max=2**31 - 1, step=1,
                      section="Run")

    def network(self) -> dict:
        return {k: v for k, v in self.to_dict().items() if k not in ("rate_threshold",)}


@dataclasses.dataclass(frozen=True)
class PsychometricInputs(Params):
    c_max: float = param(0.5, "coherence up to +-", "", min=0.0, max=1.0, step=0.05)
    c_n: int = param(5, "coherence levels", "", min=2, max=41, step=1)
    trials: int = param(4, "trials per level", "", min=1, max=1000, step=1)
    workers: int = param(2, "local worker processes", "", min=1, max=64, step=1)


@checked(diverges=False)
def simulate(params: DecisionParams = DecisionParams(), *, on_chunk=None, should_stop=None):
    """One trial of the network of ``params`` (a DecisionResult)."""
    from .decision_making import sim_decision_making_network

    return sim_decision_making_network(**params.network(), on_chunk=on_chunk,
                                       should_stop=should_stop)


@checked(scheduler=None)
def psychometric_curve(params: DecisionParams = DecisionParams(), *, c_max=0.5, c_n=5,
                       trials=4, workers=2, scheduler: str = "", on_chunk=None,
                       should_stop=None) -> dict:
    """``trials`` runs at each of ``c_n`` coherences from -c_max to c_max (one sweep point
    each, on ``workers`` processes, or on the dask.distributed ``scheduler`` at
    "tcp://HOST:PORT"): coherence, fraction choosing A, mean decision time (ms after the
    stimulus start), trials decided. ``on_chunk`` gets the sweep's progress."""
    from .. import sweeps
    from .decision_making import psychometric

    if c_n < 2:
        raise ParamError("c_n", "must be at least 2")
    base = params.network()
    base.pop("coherence_level")
    seed = base.pop("seed") or int(np.random.default_rng().integers(1, 2**31 - 1))
    base.update(seed=seed, rate_threshold=params.rate_threshold)
    levels = np.linspace(-c_max, c_max, c_n)
    grid = {"coherence_level": levels, "trial": np.arange(trials)}

    def point(index, values, done, total, eta):
        if on_chunk is not None:
            on_chunk({"fraction": done / total, "eta_s": eta})

    result = sweeps.run_sweep("neurodynex_gui.models.decision_making:decision_trial", grid,
                              scheduler.strip() or None, base=base, workers=workers,
                              on_point=point, should_stop=should_stop,
                              use_cache=params.seed != 0)
    frac, mean_t, decided = psychometric(result.columns["choice_A"],
                                         result.columns["decision_time_ms"])
    return {"coherence": levels, "fraction_A": frac, "decision_time_ms": mean_t,
            "decided": decided}


@dataclasses.dataclass(frozen=True)
class MemoryInputs(Params):
    """The tab's working-memory run: neurodynex3's ring (1024 + 256 neurons) with a cue of
    0.3 nA. neurodynex3's default cue, 0.07 nA (for 0 ms), starts no bump in neurodynex3 1.0.4
    itself either: measured there (its default dt 0.05 ms, a 200 ms cue at 120 deg, seeds
    1-3) the cue raises the ring to 0.3-0.7 Hz and the activity fades after it, as here; both
    hold a bump at 6-8 Hz from 0.15 nA on (ours loses it at 0.1 nA). (Older copies of the
    exercise read v in volt in the NMDA magnesium block, i.e. almost no block; with that, 0.07
    nA drives our ring to ~150 Hz around the cue: no bump of the book's kind either.)"""

    stimulus_center_deg: float = param(120.0, "cue direction", "deg", min=0.0, max=360.0,
                                       step=5.0)
    stimulus_strength: float = param(0.3, "cue current", "nA", min=0.0, max=5.0, step=0.01)
    t_stimulus_start: float = param(100.0, "cue start", "ms", min=0.0, max=1e5, step=10.0)
    t_stimulus_duration: float = param(200.0, "cue duration", "ms", min=0.0, max=1e5,
                                       step=10.0)
    distractor_center_deg: float = param(300.0, "distractor direction", "deg", min=0.0,
                                         max=360.0, step=5.0)
    distractor_strength: float = param(0.0, "distractor current", "nA", min=0.0, max=5.0,
                                       step=0.01)
    t_distractor_start: float = param(500.0, "distractor start", "ms", min=0.0, max=1e5,
                                      step=10.0)
    t_distractor_duration: float = param(100.0, "distractor duration", "ms", min=0.0,
                                         max=1e5, step=10.0)
    N_excitatory: int = param(1024, "excitatory neurons", "", min=16, max=8192, step=16)
    sim_time: float = param(800.0, "simulation length", "ms", min=10.0, max=1e5, step=50.0)
    seed: int = param(0, "random seed (0: new each run)", "", min=0, max=2**31 - 1, step=1)


@checked(MemoryInputs)
def memory_run(stimulus_center_deg=120.0, stimulus_strength=0.3, t_stimulus_start=100.0,
               t_stimulus_duration=200.0, distractor_center_deg=300.0,
               distractor_strength=0.0, t_distractor_start=500.0, t_distractor_duration=100.0,
               N_excitatory=1024, sim_time=800.0, seed=0, on_chunk=None,
               should_stop=None) -> dict:
    """A working-memory run (N_inhibitory = N_excitatory / 4, weights scaled by 2048 /
    N_excitatory as neurodynex3 advises): the excitatory spikes as (t ms, preferred deg) and
    the bump's position in 20 ms bins."""
    from .working_memory import simulate_wm

    result = simulate_wm(N_excitatory=int(N_excitatory), N_inhibitory=int(N_excitatory) // 4,
                         weight_scaling_factor=2048.0 / N_excitatory,
                         stimulus_center_deg=stimulus_center_deg,
                         stimulus_strength=stimulus_strength,
                         t_stimulus_start=t_stimulus_start,
                         t_stimulus_duration=t_stimulus_duration,
                         distractor_center_deg=distractor_center_deg,
                         distractor_strength=distractor_strength,
                         t_distractor_start=t_distractor_start,
                         t_distractor_duration=t_distractor_duration, sim_time=sim_time,
                         seed=seed, on_chunk=on_chunk, should_stop=should_stop)
    t, pos, count = result.bump(20.0)
    return {"spike_t_ms": result.spike_t_ms, "spike_deg": result.preferred_deg,
            "bump_t_ms": t, "bump_deg": pos, "cue_deg": stimulus_center_deg,
            "path": result.params["path"]}
