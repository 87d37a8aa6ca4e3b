"""Hodgkin-Huxley speed figures (issue 3): warm re-run of the default step, threshold search,
streaming of a long run; the same workloads through neurodynex3 when it is importable.

Run: python bench/bench_hh.py   (headless; prints one line per figure with its target)
"""
from __future__ import annotations

import gc
import statistics
import time

from benchkit import report, wait_for

REPEATS = 15


def worker_timings(repeats: int = REPEATS, on_chunk=None, should_stop=None) -> dict:
    """Run in the simulation process (a runner job): warm model calls, as the GUI makes them."""
    from neurodynex_gui.models import hh

    hh.prepare(wait=True)
    hh.simulate()
    gc.freeze()  # as the worker does after every job
    steps, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        hh.simulate(hh.HHParams(), hh.HHStimulus())
        steps.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        gc.freeze()
    thresholds = []
    for _ in range(3):
        start = time.perf_counter()
        answer = hh.min_step_amplitude(resolution_uA=0.01).answer
        thresholds.append(time.perf_counter() - start)
        gc.freeze()
    start = time.perf_counter()
    numpy_run = hh.simulate(hh.HHParams(tend=20.0), hh.HHStimulus(), target="numpy")
    numpy_s = (time.perf_counter() - start) * 200.0 / 20.0
    return {"steps": steps, "cpu": cpu, "thresholds": thresholds, "answer": answer,
            "numpy_step_s": numpy_s, "numpy_target": numpy_run.target}


def gui_figures() -> dict:
    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow
    from neurodynex_gui.runner import Runner

    app = make_application()  # noqa: F841 (the application must outlive the widgets)
    runner = Runner()
    runner.start()
    window = MainWindow(runner=runner, tab_ids=["hh"])
    window.show()
    tab = window.tabs["hh"]
    job = runner.submit("bench", "bench_hh:worker_timings", {})
    worker = wait_for(job.finished)[0]
    steps = worker["steps"]
    report("model call in the worker: default step 200 ms (median)",
           1e3 * statistics.median(steps), "ms", "<= 150 ms (whole click)")
    report("model call in the worker: default step 200 ms (min)", 1e3 * min(steps), "ms")
    report("  its CPU time (median; wall minus CPU = waiting on a busy machine)",
           1e3 * statistics.median(worker["cpu"]), "ms")
    report("threshold search to 0.01 uA in the worker (median of 3)",
           statistics.median(worker["thresholds"]), "s", "<= 2 s")
    report("numpy target (fallback while cython compiles), 200 ms step",
           worker["numpy_step_s"], "s")

    tab.run()
    wait_for(tab.result_ready)
    clicks = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        tab.run_bar.run_button.click()
        wait_for(tab.result_ready)
        clicks.append(time.perf_counter() - start)
    report("warm re-run, GUI click to result_ready (median of 15)",
           1e3 * statistics.median(clicks), "ms", "<= 150 ms")
    report("warm re-run, GUI click to result_ready (min / max)", 1e3 * min(clicks), "ms",
           f"(max {1e3 * max(clicks):.0f} ms)")

    tools = []
    for _ in range(3):
        start = time.perf_counter()
        tab.run_tool("min_step")
        _, sweep = wait_for(tab.tool_ready)
        tools.append(time.perf_counter() - start)
    report("threshold tool to 0.01 uA, GUI click to drawn (median of 3)",
           statistics.median(tools), "s", "<= 2 s")

    tab.apply_preset("long sinusoid (2 s)")
    chunks = []
    start = time.perf_counter()
    tab.run()
    tab.job.chunk.connect(lambda chunk: chunks.append(time.perf_counter() - start))
    wait_for(tab.result_ready)
    total = time.perf_counter() - start
    report("2 s sinusoid: time to the first streamed chunk", 1e3 * chunks[0], "ms")
    report("2 s sinusoid: chunks streamed before the end", len(chunks), "", "> 1")
    report("2 s sinusoid: click to finished", total, "s")
    tab.param_forms["params"].set_value("tend", "20000")
    tab.run()
    wait_for(tab.job.chunk)
    start = time.perf_counter()
    tab.stop()
    wait_for(tab.job.stopped)
    report("Stop during a 20 s run: click to stopped", 1e3 * (time.perf_counter() - start), "ms")
    window.close()
    runner.shutdown(timeout=2.0)
    return {"step_s": statistics.median(steps), "threshold_s":
            statistics.median(worker["thresholds"]), "answer": sweep.answer}


def neurodynex3_figures(ours: dict) -> None:
    try:
        import brian2 as b2
        from neurodynex3.hodgkin_huxley import HH
        from neurodynex3.tools import input_factory
    except ImportError as error:
        print(f"neurodynex3: skipped ({error})")
        return

    def spikes(amplitude_uA: float) -> int:
        gc.collect()  # free the last run's objects, so the auto-names and the code are reused
        current = input_factory.get_step_current(20, 179, b2.ms, amplitude_uA * b2.uA)
        monitor = HH.simulate_HH_neuron(current, 200 * b2.ms)
        v = monitor.vm[0] / b2.mV
        return int(((v[:-1] < 50) & (v[1:] >= 50)).sum())

    start = time.perf_counter()
    spikes(7.0)
    report("neurodynex3 simulate_HH_neuron, first call (may compile)",
           time.perf_counter() - start, "s")
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        spikes(7.0)
        runs.append(time.perf_counter() - start)
    theirs = statistics.median(runs)
    report("neurodynex3 default step 200 ms, warm (median of 5)", 1e3 * theirs, "ms",
           f"(ratio neurodynex3 / ours = {theirs / ours['step_s']:.1f}x)")
    start = time.perf_counter()
    low, high = 0.0, 20.0
    while high - low > 0.01:  # what a student does: bisection, one run per amplitude
        middle = 0.5 * (low + high)
        low, high = (low, middle) if spikes(middle) else (middle, high)
    elapsed = time.perf_counter() - start
    report("neurodynex3 threshold by bisection to 0.01 uA", elapsed, "s",
           f"(ratio neurodynex3 / ours = {elapsed / ours['threshold_s']:.1f}x)")
    print(f"  thresholds: neurodynex3 (dt 0.1 ms) {high:.2f} uA, ours (dt 0.01 ms) "
          f"{ours['answer']:.2f} uA")


def main() -> None:
    ours = gui_figures()
    neurodynex3_figures(ours)


if __name__ == "__main__":
    main()
