"""Rate networks (Neuronal Dynamics, ch. 15-16): the scripting API of the Rate networks tab.

    from neurodynex_gui.models import rate_network as rn
    W = rn.random_network(N=400, g=2.0, seed=1)
    run = rn.simulate_rates(W, I_ext=0.0, f="tanh", r0=0.1, t_end=500.)   # run.t (ms), run.r
    rn.lyapunov_exponent(W, tau=10., f="tanh")                            # 1/ms
    rn.winner_take_all([1.0, 0.8, 0.5], alpha=1.5).winners                # array([0])

``wilson_cowan`` and ``decision_model`` are planar models for
:mod:`neurodynex_gui.models.planar` (fixed points, nullclines, trajectories, bifurcations).
"""
from .chaos import ChaosSweep, lyapunov_exponent, lyapunov_sweep
from .network import (INPUTS, MOTIFS, TRANSFERS, NetworkParams, RateResult, WTARange, WTAResult,
                      motif_inputs, motif_weights, random_network, simulate, simulate_rates,
                      transfer, winner_take_all, wta_range)
from .planar import (DecisionParams, HopfScan, WilsonCowanParams, decision_model, wilson_cowan,
                     wilson_cowan_bifurcation)

__all__ = ["ChaosSweep", "DecisionParams", "HopfScan", "INPUTS", "MOTIFS", "NetworkParams",
           "RateResult", "TRANSFERS", "WTARange", "WTAResult", "WilsonCowanParams",
           "decision_model", "lyapunov_exponent", "lyapunov_sweep", "motif_inputs",
           "motif_weights", "random_network", "simulate", "simulate_rates", "transfer",
           "wilson_cowan", "wilson_cowan_bifurcation", "winner_take_all", "wta_range"]
