"""Neuron zoo speed (issue 14): single 500 ms runs of exp-IF, AdEx and Izhikevich (target: a
model call of at most 10 ms, the fast path's budget), the AdEx gallery (7 runs) computed and
drawn (target 0.5 s), and neurodynex3's simulate_AdEx_neuron on the same workload.

    python bench/bench_zoo.py
"""
from __future__ import annotations

import benchkit  # noqa: F401 - sets up the headless Qt and sys.path
from benchkit import compare, nd3_warm, neurodynex3, report, warm

from neurodynex_gui.models import adex, exp_if, izhikevich


def main() -> None:
    for dt in (0.1, 0.01):
        ours = warm(adex.simulate_AdEx_neuron, I_stim=(65.0, 10.0, 500.0),
                    simulation_time=500.0, dt=dt)
        fastest = warm.fastest
        theirs = nd3_warm("adex_run", dt=dt, repeats=5, warmup=1)
        compare(f"AdEx 500 ms at dt {dt} ms (median)", ours, theirs, "ms",
                "<= 10 ms" if dt == 0.1 else "")
        report(f"  fastest of 7", 1e3 * fastest, "ms")
    found = neurodynex3("adex_run", dt=0.01)
    if found is not None:
        ours = adex.simulate_AdEx_neuron(I_stim=(65.0, 10.0, 500.0), simulation_time=500.0)
        report("  spike count neurodynex3 / ours at dt 0.01 ms", found["result"], "")
        report("  ", ours.spike_count, "")
    report("exp-IF 500 ms at dt 0.1 ms (median)", 1e3 * warm(
        exp_if.simulate_exponential_IF_neuron, I_stim=800.0, simulation_time=500.0, dt=0.1),
        "ms", "<= 10 ms")
    report("Izhikevich RS 500 ms at dt 0.1 ms (median)", 1e3 * warm(
        izhikevich.simulate, "RS", 10.0, 500.0, 0.1), "ms", "<= 10 ms")
    report("AdEx gallery, 7 presets x 500 ms, model (median)", warm(adex.gallery, repeats=5),
           "s", "")
    gallery_drawn()


def gallery_drawn() -> None:
    """Press "Run all seven presets" in the tab and wait until the seven plots are drawn."""
    import time

    from PyQt5.QtWidgets import QApplication

    from neurodynex_gui.runner import Runner
    from neurodynex_gui.tabs.adex_tab import AdExTab

    app = QApplication.instance() or QApplication([])
    runner = Runner()
    tab = AdExTab(runner)
    tab.resize(1400, 850)
    tab.show()
    app.processEvents()
    times = []
    for _ in range(5):
        tab.gallery_result = None
        start = time.perf_counter()
        tab.run_gallery()
        while tab.gallery_result is None:
            app.processEvents()
        tab.gallery_panel.repaint()
        app.processEvents()
        times.append(time.perf_counter() - start)
    report("AdEx gallery run and drawn in the tab (median of 5)", sorted(times)[2], "s",
           "<= 0.5 s")
    tab.stop()
    runner.shutdown()


if __name__ == "__main__":
    main()
