"""Brunel network and sweep figures (issue 18).

    python bench/bench_brunel.py [--n-excit 5000] [--sim-ms 1000] [--grid 8]
                                 [--grid-n-excit 2000] [--point-ms 500] [--skip-nd3]
                                 [--skip-sweep]

1. One run of neurodynex3's default network (N_Excit=5000 unless --n-excit) for --sim-ms,
   warm (the second run in this process), brian2's numpy target, and the peak memory of this
   process; neurodynex3's own function for the same run in its environment, its default mode
   (benchkit.ND3_PYTHON), second of two runs; and the ratio.
2. A --grid x --grid Brunel phase diagram (g 3..8, nu_ext/nu_thr 1..4) of N_Excit=
   --grid-n-excit networks, --point-ms each, on 2 local worker processes and on a 2-worker
   dask LocalCluster: total time and per-point overhead of each executor (total x workers /
   points minus the mean time of one point run alone).
"""
from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time

import benchkit
import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-excit", type=int, default=5000)
    parser.add_argument("--sim-ms", type=float, default=1000.0)
    parser.add_argument("--grid", type=int, default=8)
    parser.add_argument("--grid-n-excit", type=int, default=2000)
    parser.add_argument("--point-ms", type=float, default=500.0)
    parser.add_argument("--skip-nd3", action="store_true")
    parser.add_argument("--skip-sweep", action="store_true")
    parser.add_argument("--skip-single", action="store_true", help="only the sweeps")
    parser.add_argument("--skip-local", action="store_true", help="only dask's sweep")
    args = parser.parse_args()
    from neurodynex_gui import sweeps
    from neurodynex_gui.models import brunel

    if not args.skip_single:
        single(args, brunel)
    if not args.skip_sweep:
        sweep(args, brunel, sweeps)


def single(args, brunel) -> None:
    params = brunel.BrunelParams(N_Excit=args.n_excit, sim_time=args.sim_ms)
    first = benchkit.timed(brunel.simulate, params)
    start = time.perf_counter()
    result = brunel.simulate(params)
    ours = time.perf_counter() - start
    benchkit.report(f"Brunel N_E={args.n_excit}, {args.sim_ms:g} ms: first run", first, "s")
    benchkit.report(f"  warm (build {result.build_s:.1f} s + run {result.run_s:.1f} s), "
                    f"{result.mean_rate_Hz:.1f} Hz", ours, "s")
    benchkit.report("  peak memory of this process",
                    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "MB")
    if not args.skip_nd3 and args.n_excit == 5000:
        found = benchkit.neurodynex3("brunel_run", repeats=2, count=int(args.sim_ms))
        if found is not None:
            theirs = found["times_s"][-1]
            benchkit.report(f"  neurodynex3, same run (warm, {found['result']:.1f} Hz)",
                            theirs, "s")
            benchkit.report("  ratio neurodynex3 / ours", theirs / ours, "x", "3")


def sweep(args, brunel, sweeps) -> None:
    base = brunel.BrunelParams(N_Excit=args.grid_n_excit, sim_time=args.point_ms,
                               random_vm_init=True, seed=1).to_dict()
    base.pop("poisson_input_rate")
    grid = {"g": np.linspace(3, 8, args.grid), "nu_ratio": np.linspace(1, 4, args.grid)}
    alone = [benchkit.timed(brunel.sweep_point, nu_ratio=2.0, **{**base, "g": 5.0})
             for _ in range(2)]
    point_s = statistics.mean(alone)
    points = args.grid ** 2
    benchkit.report(f"one point alone (N_E={args.grid_n_excit}, {args.point_ms:g} ms)",
                    point_s, "s")
    if not args.skip_local:
        start = time.perf_counter()
        done = sweeps.run_sweep("neurodynex_gui.models.brunel:sweep_point", grid, base=base,
                                cache_dir=tempfile.mkdtemp(), workers=2)
        local = time.perf_counter() - start
        benchkit.report(f"{args.grid}x{args.grid} phase diagram, 2 local workers "
                        f"({int(done.done.sum())} points done)", local, "s")
        benchkit.report("  per-point overhead", local * 2 / points - point_s, "s")
    from distributed import Client, LocalCluster

    start = time.perf_counter()
    with LocalCluster(n_workers=2, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        up = time.perf_counter() - start
        done = sweeps.run_sweep("neurodynex_gui.models.brunel:sweep_point", grid, client,
                                base=base, cache_dir=tempfile.mkdtemp())
        dask = time.perf_counter() - start - up
    benchkit.report(f"{args.grid}x{args.grid} phase diagram, dask LocalCluster (2 workers, "
                    f"{int(done.done.sum())} points done)", dask, "s")
    benchkit.report("  cluster start-up (not counted above)", up, "s")
    benchkit.report("  per-point overhead", dask * 2 / points - point_s, "s")


if __name__ == "__main__":
    main()
