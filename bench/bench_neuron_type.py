"""Type I / type II speed figures (issue 5): f-I curves of both neurons, the other tools, the
same f-I work through neurodynex3's classes (a loop of runs, as students do), and the f-I tool
through the window (worker process, GUI stalls).

Run: python bench/bench_neuron_type.py [--nd3-amplitudes N]   (headless; one line per figure
with its target). neurodynex3 runs with brian2's numpy target, as ours; N amplitudes per neuron
(default 100: the same work; fewer for a quicker run, the time is then scaled to 100).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from benchkit import StallMeter, report, timed, wait_for

AMPLITUDES = np.linspace(0.0, 1.0, 100)  # pA
T_END_MS = 1000.0


def model_figures() -> float:
    import brian2  # noqa: F401  (imported once, outside the timings)

    from neurodynex_gui.models import neuron_type as nt

    mystery = nt.MysteryParams()
    first = timed(nt.fi_curves, mystery, 0.0, 1.0, 100, T_END_MS)
    report("f-I curves of both neurons, 100 amplitudes x 1 s, first", first, "s",
           "<= 3 s")
    warm = min(timed(nt.fi_curves, mystery, 0.0, 1.0, 100, T_END_MS) for _ in range(3))
    report("f-I curves of both neurons, 100 amplitudes x 1 s, warm (min of 3)", warm, "s",
           "<= 3 s")
    report("threshold of both neurons to 0.01 pA", timed(nt.thresholds, mystery), "s")
    report("zoom on the onset of firing, both (100 amplitudes x 2 s)",
           timed(nt.onset_curves, mystery), "s")
    neuron = nt.NeuronTypeOne()
    neuron.get_rate(0.5)
    report("get_rate of one neuron, 1 s (warm)", timed(neuron.get_rate, 0.5), "s")
    return warm


def neurodynex3_rate(neuron, amplitude: float) -> float:
    """What a student writes with neurodynex3: a step run and the rate from the mean ISI."""
    import brian2 as b2
    from neurodynex3.tools import input_factory

    current = input_factory.get_step_current(100, int(T_END_MS), b2.ms, amplitude * b2.pA)
    monitor = neuron.run(current, T_END_MS * b2.ms)
    t, v = monitor.t / b2.ms, monitor.v[0] / b2.mV
    spikes = t[1:][(v[:-1] < 0.5) & (v[1:] >= 0.5)]
    return 1000.0 / np.mean(np.diff(spikes)) if len(spikes) > 1 else 0.0


def neurodynex3_figures(ours: float, n: int) -> None:
    try:
        from neurodynex3.neuron_type import neurons
    except ImportError as error:
        print(f"neurodynex3 comparison skipped ({error}); pip install --no-deps neurodynex3 "
              "matplotlib")
        return
    amplitudes = AMPLITUDES[np.linspace(0, len(AMPLITUDES) - 1, n).round().astype(int)]
    start = time.perf_counter()
    for neuron in (neurons._NeuronTypeOne(), neurons._NeuronTypeTwo()):
        for amplitude in amplitudes:
            neurodynex3_rate(neuron, amplitude)
    theirs = (time.perf_counter() - start) * len(AMPLITUDES) / n
    scaled = "" if n == len(AMPLITUDES) else f" (from {n} each)"
    report(f"neurodynex3: loop of 2 x 100 runs of 1 s{scaled}", theirs, "s")
    report("  ratio neurodynex3 / ours (warm)", theirs / ours, "x")


def gui_figures() -> None:
    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow

    app = make_application()  # noqa: F841 (the application must outlive the widgets)
    window = MainWindow(tab_ids=["neuron_type"])
    window.show()
    tab = window.tabs["neuron_type"]
    tab.run()
    wait_for(tab.result_ready)
    meter = StallMeter()
    times, stalls = [], []
    for _ in range(3):
        start = time.perf_counter()
        meter.start()
        tab.run_tool("fi_curve")
        wait_for(tab.tool_ready)
        times.append(time.perf_counter() - start)
        stalls.append(meter.stop())
    report("f-I tool in the window (worker), click to drawn (min of 3)", min(times), "s",
           "<= 3 s")
    report("  worst GUI stall meanwhile", 1000 * max(stalls), "ms", "<= 50 ms")
    start = time.perf_counter()
    tab.run()
    wait_for(tab.result_ready)
    report("run of both neurons, 5 amplitudes x 1.2 s, click to drawn", time.perf_counter()
           - start, "s")
    window.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--nd3-amplitudes", type=int, default=len(AMPLITUDES),
                        help="amplitudes per neuron in the neurodynex3 loop")
    args = parser.parse_args()
    warm = model_figures()
    neurodynex3_figures(warm, max(2, min(args.nd3_amplitudes, len(AMPLITUDES))))
    gui_figures()
