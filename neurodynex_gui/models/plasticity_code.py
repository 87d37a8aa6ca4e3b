"""The code of the plasticity tab's brian2 networks, as text, and their inputs: what the
runtime (``plasticity_brian``) and the compiled programs (``plasticity_standalone``,
``song_standalone``) build alike. No brian2 import here."""
from __future__ import annotations

import numpy as np

from .plasticity_rules import STDPParams

_PAIR = """
w : 1
A_plus : 1 (shared)
A_minus : 1 (shared)
tau_plus : second (shared)
tau_minus : second (shared)
dapre/dt = -apre / tau_plus : 1 (event-driven)
dapost/dt = -apost / tau_minus : 1 (event-driven)
"""
_TRIPLET = """
w : 1
A2_plus : 1 (shared)
A3_plus : 1 (shared)
A2_minus : 1 (shared)
tau_plus : second (shared)
tau_minus : second (shared)
tau_y : second (shared)
dr1/dt = -r1 / tau_plus : 1 (event-driven)
do1/dt = -o1 / tau_minus : 1 (event-driven)
do2/dt = -o2 / tau_y : 1 (event-driven)
"""


def rule_code(rule: str, pairing: str) -> tuple[str, str, str]:
    """(equations, on_pre, on_post): all-to-all traces add 1, nearest ones are reset to 1.
    The weight is updated with the traces as they were just before the spike."""
    add = "+= 1" if pairing == "all-to-all" else "= 1"
    if rule == "pair":
        return (_PAIR, f"w += A_minus * apost\napre {add}", f"w += A_plus * apre\napost {add}")
    return (_TRIPLET, f"w -= A2_minus * o1\nr1 {add}",
            f"w += r1 * (A2_plus + A3_plus * o2)\no1 {add}\no2 {add}")


def shared_values(stdp: STDPParams) -> dict:
    if stdp.rule == "pair":
        return {"A_plus": stdp.A_plus, "A_minus": stdp.A_minus,
                "tau_plus": stdp.tau_plus * 1e-3, "tau_minus": stdp.tau_minus * 1e-3}
    return {"A2_plus": stdp.A2_plus, "A3_plus": stdp.A3_plus, "A2_minus": stdp.A2_minus,
            "tau_plus": stdp.tau_plus_triplet * 1e-3, "tau_minus": stdp.tau_minus_triplet * 1e-3,
            "tau_y": stdp.tau_y * 1e-3}



# ----------------------------------------------------------------- Song, Miller and Abbott

SONG_NEURON = """
dv/dt = (g_e * (E_e - v) + E_l - v) / tau_m : volt (unless refractory)
dg_e/dt = -g_e / tau_e : 1
E_e : volt (shared, constant)
E_l : volt (shared, constant)
tau_m : second (shared, constant)
tau_e : second (shared, constant)
v_t : volt (shared, constant)
v_r : volt (shared, constant)
"""
SONG_STDP = """
w : 1
w_max : 1 (shared)
d_apre : 1 (shared)
d_apost : 1 (shared)
tau_a : second (shared)
tau_b : second (shared)
dapre/dt = -apre / tau_a : 1 (event-driven)
dapost/dt = -apost / tau_b : 1 (event-driven)
"""
RULE_CODE = {  # (on_pre, on_post); apre, apost are in units of w_max (d_apost < 0)
    "additive": ("g_e_post += w\napre += d_apre\nw = clip(w + apost * w_max, 0, w_max)",
                 "apost += d_apost\nw = clip(w + apre * w_max, 0, w_max)"),
    "multiplicative": ("g_e_post += w\napre += d_apre\nw = clip(w + apost * w, 0, w_max)",
                       "apost += d_apost\nw = clip(w + apre * (w_max - w), 0, w_max)"),
}
SONG_DT_MS = 0.5
SONG_SIGNATURE = SONG_NEURON + SONG_STDP + repr(sorted(RULE_CODE.items())) + "v1"

def poisson_trains(n: int, rate_Hz: float, t_end_s: float, rng, correlated: int = 0,
                   c: float = 0.0, step_ms: float = SONG_DT_MS):
    """(indices, times in ms on the clock grid) of ``n`` Poisson inputs; the first
    ``correlated`` share the spikes of one common source, each keeping each of its spikes with
    probability c and firing independently at (1 - c) rate (every rate stays ``rate_Hz``)."""
    t_end_ms = t_end_s * 1e3
    steps = int(round(t_end_ms / step_ms))
    own_rate = np.full(n, rate_Hz)
    own_rate[:correlated] *= 1.0 - c
    counts = rng.poisson(own_rate * t_end_s)
    indices = np.repeat(np.arange(n), counts)
    bins = rng.integers(0, steps, size=len(indices))
    if correlated and c > 0:
        common = np.flatnonzero(rng.random(steps) < rate_Hz * step_ms * 1e-3)
        keep = rng.random((correlated, len(common))) < c
        rows, cols = np.nonzero(keep)
        indices = np.concatenate([indices, rows])
        bins = np.concatenate([bins, common[cols]])
    code = np.sort(indices.astype(np.int64) * steps + bins)
    code = code[np.concatenate([[True], np.diff(code) != 0])]  # one spike per step at most
    # (np.unique's result; it took 2 s for the 1.5 million spikes of 1000 inputs x 100 s)
    return (code // steps).astype(int), (code % steps) * step_ms
