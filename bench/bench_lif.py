"""LIF speed figures (issue 2): start-up, warm re-run, first run, f-I curve, GUI stalls.

Run: python bench/bench_lif.py   (headless; prints one line per figure with its target)
Also runs the same workloads through neurodynex3 when it is importable, with the ratio.
"""
from __future__ import annotations

import statistics
import subprocess
import sys
import time

from benchkit import ROOT, StallMeter, report, wait_for


def startup_seconds(repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "--exit-after-show"],
                                   stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for line in process.stdout:
            if "window shown" in line:
                times.append(time.perf_counter() - start)
                break
        process.wait(timeout=30)
    return statistics.median(times)


def gui_figures():
    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow

    app = make_application()  # noqa: F841 (the application must outlive the widgets)
    start = time.perf_counter()
    window = MainWindow(tab_ids=["lif"])
    window.show()
    tab = window.tabs["lif"]
    meter = StallMeter()
    meter.start()
    tab.run()
    wait_for(tab.result_ready)
    report("first run after start (process spawn + import + run)",
           time.perf_counter() - start, "s", "<= 5 s")
    report("  worst GUI stall meanwhile", 1000 * meter.stop(), "ms", "<= 50 ms")
    clicks = []
    for _ in range(15):
        start = time.perf_counter()
        tab.run_bar.run_button.click()
        wait_for(tab.result_ready)
        tab.traces.flush()
        clicks.append(time.perf_counter() - start)
    report("warm re-run, click to finished plot (median of 15)",
           1000 * statistics.median(clicks), "ms", "<= 100 ms")
    report("warm re-run, click to finished plot (max of 15)", 1000 * max(clicks), "ms")
    tab.tool_forms["fi_curve"].set_value("n", "50")
    fi = []
    for _ in range(3):
        start = time.perf_counter()
        tab.run_tool("fi_curve")
        wait_for(tab.tool_ready)
        fi.append(time.perf_counter() - start)
    report("f-I curve, 50 amplitudes x 500 ms step, click to drawn", min(fi), "s", "<= 2 s")
    tab.param_forms["params"].set_value("tend", "5000")
    meter.start()
    tab.run()
    wait_for(tab.result_ready)
    report("worst GUI stall during a streamed 5 s LIF run", 1000 * meter.stop(), "ms",
           "<= 50 ms")
    meter.start()
    tab.run_tool("fi_curve")
    wait_for(tab.tool_ready)
    report("worst GUI stall during the f-I tool", 1000 * meter.stop(), "ms", "<= 50 ms")
    tab.param_forms["params"].set_value("tend", "100000")
    tab.run()
    wait_for(tab.job.chunk)
    start = time.perf_counter()
    window.close()  # stops the run and ends the simulation process
    report("close the window during a 100 s run (process ended)",
           time.perf_counter() - start, "s", "<= 1 s")
    return statistics.median(clicks), min(fi)


def model_figures():
    from neurodynex_gui.models import lif

    lif.LIF_Step()
    runs = []
    for _ in range(10):
        start = time.perf_counter()
        lif.LIF_Step()
        runs.append(time.perf_counter() - start)
    step = statistics.median(runs)
    report("LIF_Step in this process (median of 10, warm)", 1000 * step, "ms")
    start = time.perf_counter()
    lif.fi_curve(n=50)
    fi = time.perf_counter() - start
    report("fi_curve(n=50) in this process", fi, "s")
    start = time.perf_counter()
    lif.min_step_amplitude(resolution_nA=0.001)
    report("min_step_amplitude to 0.001 nA in this process", time.perf_counter() - start, "s")
    return step, fi


def neurodynex3_figures(step: float, fi: float) -> None:
    try:
        import brian2 as b2
        from neurodynex3.leaky_integrate_and_fire import LIF
        from neurodynex3.tools import input_factory
    except ImportError as error:
        print(f"neurodynex3 comparison skipped ({error}); pip install --no-deps neurodynex3")
        return
    current = input_factory.get_step_current(200, 700, b2.ms, 1.005 * b2.namp)
    params = dict(v_rest=0 * b2.mV, v_reset=0 * b2.mV, firing_threshold=1 * b2.mV,
                  membrane_resistance=1 * b2.Mohm, membrane_time_scale=1 * b2.ms,
                  abs_refractory_period=0 * b2.ms)
    LIF.simulate_LIF_neuron(current, simulation_time=100 * b2.ms, **params)
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        LIF.simulate_LIF_neuron(current, simulation_time=100 * b2.ms, **params)
        runs.append(time.perf_counter() - start)
    theirs = statistics.median(runs)
    report("neurodynex3 simulate_LIF_neuron, same step (median of 5)", 1000 * theirs, "ms")
    report("  ratio neurodynex3 / ours", theirs / step, "x")
    start = time.perf_counter()
    for amplitude in __import__("numpy").linspace(0, 5, 50):
        step_current = input_factory.get_step_current(0, 4999, 0.1 * b2.ms, amplitude * b2.namp)
        LIF.simulate_LIF_neuron(step_current, simulation_time=500 * b2.ms, **params)
    theirs_fi = time.perf_counter() - start
    report("neurodynex3 f-I curve as a loop of 50 runs", theirs_fi, "s")
    report("  ratio neurodynex3 / ours", theirs_fi / fi, "x")


if __name__ == "__main__":
    report("window shown after `python main.py` (median of 3)", startup_seconds(), "s",
           "<= 1.0 s")
    gui_figures()
    step, fi = model_figures()
    neurodynex3_figures(step, fi)
