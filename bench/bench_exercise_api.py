"""The seed exercise API's free-current runs (numpy loops) and figures (matplotlib, Agg):
wall time per call, median of a few.

Run: python bench/bench_exercise_api.py
"""
from __future__ import annotations

import os
import statistics

os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
from benchkit import report, timed  # noqa: E402


def median(function, repeats: int = 5) -> float:
    return statistics.median(timed(function) for _ in range(repeats))


def main() -> None:
    import matplotlib.pyplot as plt

    from neurodynex_gui.models import fitzhugh_nagumo, hh, hopfield, lif, neuron_type

    step_nA = np.r_[np.zeros(20), np.full(50, 1.2), np.zeros(30)]  # LIF_Step's, 1 ms samples
    step_uA = np.r_[np.zeros(20), np.full(160, 7.0), np.zeros(20)]  # HH_Step's
    report("lif.LIF_Neuron, 100 ms (1000 steps of 0.1 ms)",
           1e3 * median(lambda: lif.LIF_Neuron(step_nA, 0.1, dt=1.0)), "ms")
    report("lif.LIF_Neuron, 5 s (50000 steps)",
           1e3 * median(lambda: lif.LIF_Neuron(1.2, 5.0), 3), "ms")
    report("hh.HH_Neuron, 200 ms (20000 steps of 0.01 ms)",
           1e3 * median(lambda: hh.HH_Neuron(step_uA, 0.2, dt=1.0), 3), "ms")
    report("neuron_type NeuronX().run(get_step_curr(), 0.3) (3000 steps)",
           1e3 * median(lambda: neuron_type.NeuronX().run(neuron_type.get_step_curr(), 0.3)),
           "ms")
    run = lif.LIF_Neuron(step_nA, 0.1, dt=1.0)
    lif.plot_data(run, show=False)  # the first figure imports and sets up matplotlib
    plt.close("all")

    def figure(draw):
        def once():
            draw()
            plt.close("all")
        return once

    report("lif.plot_data (2 panels)", 1e3 * median(figure(lambda: lif.plot_data(run))), "ms")
    hh_run = hh.HH_Neuron(step_uA, 0.2, dt=1.0)
    report("hh.plot_data (3 panels)", 1e3 * median(figure(lambda: hh.plot_data(hh_run))), "ms")
    report("fitzhugh_nagumo.plot_flow", 1e3 * median(figure(fitzhugh_nagumo.plot_flow)), "ms")
    net = hopfield.HopfieldNetwork(10, seed=1)
    net.make_pattern(3)
    report("HopfieldNetwork(10).run(flip_ratio=0.1) with its figure",
           1e3 * median(figure(lambda: net.run(flip_ratio=0.1))), "ms")


if __name__ == "__main__":
    main()
