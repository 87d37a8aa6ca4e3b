"""Rate networks (issue 17): a random network of N = 1000 units for 1 s at dt = 0.1 ms
(target <= 1 s), the Lyapunov sweep over 20 values of g for N = 500 (target <= 10 s, with its
progress reports counted) and the re-runs per second of the tab while a winner-take-all input
bar of N = 20 units is dragged (target >= 25 per second; real widgets, offscreen, the runner's
thread as in the window).

numpy's BLAS may use several threads for the matrix-vector product; on a loaded machine one
thread is faster. Run: python bench/bench_rate_network.py (OPENBLAS_NUM_THREADS=1 to compare).
"""
import os
import statistics
import time

from benchkit import report, timed, wait_for
from neurodynex_gui.models import rate_network as rn

DRAG_S = 3.0
DRAG_EVENT_MS = 10


def bench_network(repeats=3):
    W = rn.random_network(1000, 1.5, seed=1)
    times, cpu = [], []
    for _ in range(repeats):
        start = time.process_time()
        times.append(timed(rn.simulate_rates, W, 0.0, 10.0, "tanh", None, 0.1, 1000.0, 0.1,
                           record_dt=1.0))
        cpu.append(time.process_time() - start)
    report("random network N = 1000, 1 s at dt 0.1 ms (median of 3)", statistics.median(times),
           "s", "<= 1 s")
    report("  its CPU time", statistics.median(cpu), "s")


def bench_lyapunov_sweep():
    params = rn.NetworkParams(motif="random", N=500, f="tanh", gain=1.0, threshold=0.0)
    reports = []
    start = time.perf_counter()
    sweep = rn.lyapunov_sweep(params, 0.2, 3.0, 20, on_chunk=reports.append)
    elapsed = time.perf_counter() - start
    report(f"Lyapunov sweep, 20 values of g, N = 500 ({len(reports)} progress reports, "
           f"g* = {sweep.answer:.2f})", elapsed, "s", "<= 10 s")


def bench_wta_drag():
    from PyQt5.QtCore import QTimer

    from neurodynex_gui.app import make_application
    from neurodynex_gui.runner import Runner
    from neurodynex_gui.tabs.rate_network_tab import RateNetworkTab

    app = make_application(["bench"])  # noqa: F841 (kept alive)
    runner = Runner()
    runner.start()
    tab = RateNetworkTab(runner)
    tab.resize(1300, 800)
    tab.show()
    tab.apply_preset("Winner-take-all, α = 1.5")
    tab.param_forms["params"].set_value("N", "20")
    tab.pages.setCurrentWidget(tab.bars)
    tab.run_network()
    wait_for(tab.result_ready)
    results, moves = [], []
    tab.result_ready.connect(results.append)
    handle = tab.bars.handles[7]

    def drag():
        moves.append(None)
        handle.setPos(7, 1.0 + 0.5 * ((len(moves) % 40) / 40))

    timer = QTimer()
    timer.timeout.connect(drag)
    start, cpu = time.perf_counter(), time.process_time()
    timer.start(DRAG_EVENT_MS)
    deadline = start + DRAG_S
    while time.perf_counter() < deadline:
        wait_for(tab.result_ready, timeout=DRAG_S)
    timer.stop()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    report(f"WTA bar dragged, N = 20 ({len(moves)} drag events): runs shown",
           len(results) / elapsed, "per s", ">= 25 per s")
    report(f"  the same per second of this process's CPU time ({cpu / elapsed:.0%} of a core)",
           len(results) / cpu, "per s")
    tab.stop()
    runner.shutdown(timeout=2.0)


if __name__ == "__main__":
    print(f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"{os.cpu_count()} cores")
    bench_network()
    bench_lyapunov_sweep()
    bench_wta_drag()
