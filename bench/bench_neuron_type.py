"""Type I / type II speed figures (issues 5 and 13), each beside neurodynex3's for the same
workload (run in its own environment, see benchkit.ND3_PYTHON) and the ratio.

Run: python bench/bench_neuron_type.py [--nd3-amplitudes N] [--gui]   (headless; neurodynex3's
f-I loop runs N amplitudes per neuron, default 20, and its time is scaled to 100: the runs of
the loop cost the same; --gui adds the window figures of issue 5)
"""
from __future__ import annotations

import argparse
import tempfile
import time

from benchkit import (StallMeter, compare, first_run_seconds, nd3_warm, neurodynex3, report,
                      wait_for, warm)


def model_figures(nd3_amplitudes: int) -> None:
    from neurodynex_gui.models import fast_path
    from neurodynex_gui.models import neuron_type as nt

    for number, neuron in ((1, nt.NeuronTypeOne()), (2, nt.NeuronTypeTwo())):
        model = nt.MODELS[nt.SPECS[neuron.neuron_type].slug]
        fast_path.build(model, nt._trace_setup(1, nt.DT_MS, 300.0))
        ours = warm(neuron.step, do_plot=False)  # neurodynex3's workload draws nothing
        compare(f"type {'I' * number} 300 ms step, model call (median of 7, warm)", ours,
                nd3_warm(f"type{number}_step"), "ms", "<= 10 ms")
        report("  ours, fastest of 7", 1e3 * warm.fastest, "ms")

    for model in nt.MODELS.values():
        fast_path.build(model, nt._rate_setup(100, 1000.0))
    ours = warm(nt.fi_curves, nt.MysteryParams(), 0.0, 1.0, 100, 1000.0, repeats=5)
    found = neurodynex3("ntype_fi", count=nd3_amplitudes, repeats=2)
    theirs = None if found is None else found["times_s"][-1] * 100 / nd3_amplitudes
    scaled = "" if nd3_amplitudes == 100 else f", theirs scaled from 2 x {nd3_amplitudes}"
    compare(f"type I/II f-I curves, 2 x 100 amplitudes x 1 s (median of 5{scaled})", ours,
            theirs, "ms", "<= 300 ms")

    code = ("from neurodynex_gui.models import neuron_type as nt, fast_path; "
            "t, v, w, i = nt.NeuronTypeOne().step(do_plot=False); print(nt.SPECS['Type I'].slug, "
            "round(float(v.max()), 1), flush=True); p = fast_path._building['process']; "
            "p and p.wait()")
    first, line = first_run_seconds(code)
    start = time.perf_counter()
    found = neurodynex3("type1_step", env={"HOME": tempfile.mkdtemp(prefix="bench-nd3-home-")})
    compare(f"type I first run, empty cache, from process start (v max {line})", first,
            None if found is None else time.perf_counter() - start, "s", "<= 5 s")


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
    parser.add_argument("--nd3-amplitudes", type=int, default=20,
                        help="amplitudes per neuron in neurodynex3's f-I loop (2 to 100)")
    parser.add_argument("--gui", action="store_true", help="also the window figures")
    args = parser.parse_args()
    model_figures(max(2, min(args.nd3_amplitudes, 100)))
    if args.gui:
        gui_figures()
