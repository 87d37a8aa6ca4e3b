"""Decision making and working memory (issue 18): wall times of our networks, and working
memory beside neurodynex3's own function in its environment and default mode.

    python bench/bench_decisions.py [--skip-nd3] [--repeats N]

1. Decision making, neurodynex3's defaults (384 + 96 neurons), 800 ms: first run in this
   process and warm (median of --repeats), brian2's numpy target. Target: warm <= 10 s.
2. Working memory, neurodynex3's defaults (1024 + 256 neurons, 800 ms; our dt 0.1 ms):
   first run and warm; the same at neurodynex3's dt of 0.05 ms (like for like); and
   neurodynex3's simulate_wm() with its defaults (its module sets dt 0.05 ms, Cython target),
   the median of its warm runs in its own process; the ratio. Target: ours <= neurodynex3 / 3.
CPU seconds are printed beside the wall times: on a shared machine the wall time includes
waiting for a core.
"""
from __future__ import annotations

import argparse
import statistics
import time

import benchkit


def measured(function, repeats: int) -> tuple[float, float, float]:
    """(first run wall s, warm wall s (median of ``repeats``), warm CPU s (median))."""
    start = time.perf_counter()
    function(1)
    first = time.perf_counter() - start
    walls, cpus = [], []
    for seed in range(2, 2 + repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        function(seed)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return first, statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-nd3", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-decision", action="store_true", help="working memory only")
    args = parser.parse_args()
    from neurodynex_gui.models.decision_making import sim_decision_making_network
    from neurodynex_gui.models.working_memory import simulate_wm

    if not args.skip_decision:
        first, warm, cpu = measured(lambda s: sim_decision_making_network(max_sim_time=800.0,
                                                                          seed=s),
                                    args.repeats)
        benchkit.report("decision making 384+96, 800 ms: first run", first, "s")
        benchkit.report(f"  warm (CPU {cpu:.2f} s)", warm, "s", "10 s")
    first, warm, cpu = measured(lambda s: simulate_wm(seed=s), args.repeats)
    benchkit.report("working memory 1024+256, 800 ms, dt 0.1 ms: first run", first, "s")
    benchkit.report(f"  warm (CPU {cpu:.2f} s)", warm, "s")
    _, warm_fine, cpu_fine = measured(lambda s: simulate_wm(seed=s, dt=0.05), args.repeats)
    benchkit.report(f"  warm at dt 0.05 ms (CPU {cpu_fine:.2f} s)", warm_fine, "s")
    if args.skip_nd3:
        return
    found = benchkit.neurodynex3("wm_run", repeats=1 + args.repeats)
    if found is not None:
        theirs = statistics.median(found["times_s"][1:])
        theirs_cpu = statistics.median(found["cpu_s"][1:])
        benchkit.report(f"  neurodynex3 simulate_wm() defaults (dt {found['result']['dt_ms']:g}"
                        f" ms, {found['target']}), warm (CPU {theirs_cpu:.2f} s)", theirs, "s")
        benchkit.report("  its first run (build, compile if not cached)", found["times_s"][0],
                        "s")
        benchkit.report("  ratio neurodynex3 / ours (defaults)", theirs / warm, "x", "3")
        benchkit.report("  ratio neurodynex3 / ours (defaults), CPU time", theirs_cpu / cpu,
                        "x", "3")
        benchkit.report("  ratio neurodynex3 / ours (both dt 0.05 ms)", theirs / warm_fine,
                        "x")
        benchkit.report("  ratio neurodynex3 / ours (both dt 0.05 ms), CPU time",
                        theirs_cpu / cpu_fine, "x")


if __name__ == "__main__":
    main()
