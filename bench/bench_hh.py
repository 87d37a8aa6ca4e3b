"""Hodgkin-Huxley speed figures (issues 3 and 13), each beside neurodynex3's for the same
workload at the same dt (run in its own environment, see benchkit.ND3_PYTHON) and the ratio;
the single run also against a compiled C loop of the same model (the physical limit).

Run: python bench/bench_hh.py [--gui]   (headless; --gui adds the window figures of issue 3)
"""
from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time

from benchkit import (compare, compiled_reference, first_run_seconds, nd3_warm, neurodynex3,
                      report, wait_for, warm)

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


REFERENCE = r"""
#include <math.h>
#include <stdio.h>
#include <time.h>
/* The HH of the bench: 200 ms at 0.01 ms from the resting state, 7 uA from 20 to 180 ms,
   exponential Euler as brian2 integrates it; vm, m, n, h of every second step written to a
   file. Prints the seconds of the loop and the spike count (upward crossings of 50 mV). */
static double exprel(double x) { return fabs(x) < 1e-8 ? 1.0 + x / 2 : expm1(x) / x; }
int main(int argc, char **argv) {
    enum { STEPS = 20000, EVERY = 2 };
    static double trace[4][STEPS / EVERY];
    const double dt = 0.01, gNa = 120, gK = 36, gL = 0.3, ENa = 115, EK = -12, EL = 10.6, C = 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    double v = %(v)r, m = %(m)r, n = %(n)r, h = %(h)r;
    int spikes = 0;
    for (int k = 0; k < STEPS; k++) {
        double t = k * dt, I = (t >= 20.0 && t < 180.0) ? 7.0 : 0.0;
        if (k %% EVERY == 0) {
            trace[0][k / EVERY] = v; trace[1][k / EVERY] = m;
            trace[2][k / EVERY] = n; trace[3][k / EVERY] = h;
        }
        double am = 1 / exprel((25 - v) / 10), bm = 4 * exp(-v / 18);
        double an = 0.1 / exprel((10 - v) / 10), bn = 0.125 * exp(-v / 80);
        double ah = 0.07 * exp(-v / 20), bh = 1 / (1 + exp((30 - v) / 10));
        double g = gNa * m * m * m * h + gK * n * n * n * n + gL;
        double vinf = (I + gNa * m * m * m * h * ENa + gK * n * n * n * n * EK + gL * EL) / g;
        double v_new = vinf + (v - vinf) * exp(-g / C * dt);
        m = am / (am + bm) + (m - am / (am + bm)) * exp(-(am + bm) * dt);
        n = an / (an + bn) + (n - an / (an + bn)) * exp(-(an + bn) * dt);
        h = ah / (ah + bh) + (h - ah / (ah + bh)) * exp(-(ah + bh) * dt);
        if (v < 50 && v_new >= 50) spikes++;
        v = v_new;
    }
    FILE *out = fopen(argv[1], "wb");
    fwrite(trace, sizeof trace, 1, out);
    fclose(out);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    printf("%%g %%d\n", (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec), spikes);
    return 0;
}
"""


def model_figures() -> None:
    from neurodynex_gui.models import fast_path, hh, hh_model

    for dt in (0.01, 0.1):
        params = hh.HHParams(dt=dt, record_dt=max(dt, 0.02))
        fast_path.build(hh_model.RUN_MODEL, hh_model.run_setup(params))
        run = hh.simulate(params)
        assert run.target == "standalone", run.path_note
        ours = warm(hh.simulate, params)
        compare(f"HH 200 ms default step at dt {dt} ms, model call (median of 7, warm)", ours,
                nd3_warm("hh_run", dt=dt), "ms", "<= 20 ms" if dt == 0.01 else "")
        report("  ours, fastest of 7", 1e3 * warm.fastest, "ms")
        if dt == 0.01:
            rest = hh.resting_state(params)
            wall, loop = compiled_reference(REFERENCE % {"v": rest.v_mV, "m": rest.m,
                                                         "n": rest.n, "h": rest.h})
            report("  compiled C loop of the same model, as a program (wall)", 1e3 * wall, "ms")
            report("  ratio ours / compiled program", ours / wall, "x")
            report("  the C loop alone (no process, no files)", 1e3 * loop, "ms")
        print(f"  spikes: ours {run.spike_count}")

    params = hh.HHParams()
    fast_path.build(hh.TOOL_MODEL, hh_model.tool_setup(params, hh.NEURONS_PER_ROUND,
                                                       params.tend))
    ours = warm(hh.min_step_amplitude, params, resolution_uA=0.01, repeats=5)
    answer = hh.min_step_amplitude(params, resolution_uA=0.01).answer
    found = neurodynex3("hh_threshold", dt=0.01, repeats=2)
    compare("HH threshold to 0.01 uA at dt 0.01 ms (median of 5, warm)", ours,
            None if found is None else found["times_s"][-1], "ms", "<= 200 ms")
    print(f"  thresholds: ours {answer:.2f} uA (46 amplitudes a round), neurodynex3 "
          f"{found and found['result']:.2f} uA (bisection, one run each)")

    code = ("import time; from neurodynex_gui.models import hh, fast_path; r = hh.HH_Step(); "
            "print(r.target, r.spike_count, flush=True); p = fast_path._building['process']; "
            "p and p.wait()")
    first, line = first_run_seconds(code)
    start = time.perf_counter()
    found = neurodynex3("hh_run", dt=0.01,
                        env={"HOME": tempfile.mkdtemp(prefix="bench-nd3-home-")})
    compare(f"HH first run, empty cache, from process start ({line})", first,
            None if found is None else time.perf_counter() - start, "s", "<= 5 s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gui", action="store_true", help="also the window figures")
    if parser.parse_args().gui:
        gui_figures()
    model_figures()
