"""Decision making and working memory (issue 18): wall times of our networks, and working
memory beside neurodynex3's own function in its environment and default mode.

    python bench/bench_decisions.py [--skip-nd3] [--skip-decision] [--repeats N]

1. Decision making, neurodynex3's defaults (384 + 96 neurons), 800 ms: first run in this
   process and warm (median of --repeats), brian2's numpy target. Target: warm <= 10 s.
2. Working memory, neurodynex3's defaults (1024 + 256 neurons, 800 ms; our dt 0.1 ms):
   - the compiled program (models/wm_standalone.py): its first build in an empty cache
     folder, the first run, warm runs, a 10 s run (a program run per simulated second, the
     state passed on); the same at neurodynex3's dt of 0.05 ms (its own build);
   - brian2's runtime (the fallback while the build goes on): first run and warm, both dt;
   - neurodynex3's simulate_wm() with its defaults (its module sets dt 0.05 ms, Cython
     target), the median of its warm runs in its own process; the ratios.
   Target: ours <= neurodynex3 / 3.
CPU seconds are printed beside the wall times (ours include the compiled programs, child
processes): on a shared machine the wall time includes waiting for a core.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time

import benchkit


def measured(function, repeats: int) -> tuple[float, float, float]:
    """(first run wall s, warm wall s (median of ``repeats``), warm CPU s (median, this
    process and its children))."""
    start = time.perf_counter()
    function(1)
    first = time.perf_counter() - start
    walls, cpus = [], []
    for seed in range(2, 2 + repeats):
        wall, cpu = time.perf_counter(), _cpu()
        function(seed)
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return first, statistics.median(walls), statistics.median(cpus)


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the compiled programs)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def working_memory(args) -> None:
    from neurodynex_gui.models import wm_standalone
    from neurodynex_gui.models.working_memory import simulate_wm

    ours = {}
    os.environ["NEURODYNEX_GUI_CACHE"] = tempfile.mkdtemp(prefix="bench-wm-cache-")
    for dt in (0.1, 0.05):
        os.environ["NEURODYNEX_GUI_FAST_PATH"] = "on"
        start = time.perf_counter()
        wm_standalone.ps.build(wm_standalone.spec_for(1024, 256, 1000, 1.4, dt))
        build = time.perf_counter() - start
        first, warm, cpu = measured(lambda s: _checked(simulate_wm(seed=s, dt=dt),
                                                       "standalone"), args.repeats)
        benchkit.report(f"working memory 1024+256, 800 ms, dt {dt:g} ms, compiled: build "
                        "(empty cache)", build, "s")
        benchkit.report("  first run after the build", first, "s")
        benchkit.report(f"  warm (CPU {cpu:.2f} s)", warm, "s")
        ours[dt, "standalone"] = warm, cpu
        if dt == 0.1:
            start, cpu = time.perf_counter(), _cpu()
            chunks = []
            _checked(simulate_wm(seed=1, sim_time=10000.0, on_chunk=chunks.append),
                     "standalone")
            benchkit.report(f"  10 s simulated, {len(chunks)} program runs (CPU "
                            f"{_cpu() - cpu:.2f} s)", time.perf_counter() - start, "s")
        os.environ["NEURODYNEX_GUI_FAST_PATH"] = "off"
        first, warm, cpu = measured(lambda s: _checked(simulate_wm(seed=s, dt=dt), "runtime"),
                                    args.repeats)
        benchkit.report("  brian2 runtime (numpy): first run in this process", first, "s")
        benchkit.report(f"  brian2 runtime warm (CPU {cpu:.2f} s)", warm, "s")
        ours[dt, "runtime"] = warm, cpu
    if args.skip_nd3:
        return
    found = benchkit.neurodynex3("wm_run", repeats=1 + args.repeats)
    if found is None:
        return
    theirs = statistics.median(found["times_s"][1:])
    theirs_cpu = statistics.median(found["cpu_s"][1:])
    benchkit.report(f"neurodynex3 simulate_wm() defaults (dt {found['result']['dt_ms']:g} ms, "
                    f"{found['target']}), warm (CPU {theirs_cpu:.2f} s)", theirs, "s")
    benchkit.report("  its first run (build, compile if not cached)", found["times_s"][0], "s")
    for (dt, path), (warm, cpu) in ours.items():
        like = " (like for like)" if dt == found["result"]["dt_ms"] else ""
        benchkit.report(f"  ratio neurodynex3 / ours, {path} dt {dt:g} ms{like}, wall",
                        theirs / warm, "x", "3" if path == "standalone" else "")
        benchkit.report("    and CPU time", theirs_cpu / cpu, "x",
                        "3" if path == "standalone" else "")


def _checked(result, path):
    assert result.params["path"] == path, result.params
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-nd3", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-decision", action="store_true", help="working memory only")
    args = parser.parse_args()
    from neurodynex_gui.models.decision_making import sim_decision_making_network

    if not args.skip_decision:
        first, warm, cpu = measured(lambda s: sim_decision_making_network(max_sim_time=800.0,
                                                                          seed=s),
                                    args.repeats)
        benchkit.report("decision making 384+96, 800 ms: first run", first, "s")
        benchkit.report(f"  warm (CPU {cpu:.2f} s)", warm, "s", "10 s")
    working_memory(args)


if __name__ == "__main__":
    main()
