"""Plasticity (issue 16): the STDP window (201 dt x 60 pairs at 1 Hz, one brian2 run) and the
Song-Miller-Abbott competition (1000 inputs, 100 s simulated) per brian2 target; prints
wall-clock times (warm: the second of each pair of runs) and the weight histogram.

    PYTHONPATH=. python bench/bench_plasticity.py [window|song|correlated] [numpy|cython|standalone] [t_end_s]
"""
import os
import sys
import time

import numpy as np

from neurodynex_gui.models import plasticity as pl


def window() -> None:
    """The compiled program (plasticity_standalone): its first build in an empty cache folder,
    then cold and warm runs; then brian2's runtime (the fallback without a compiler)."""
    import tempfile

    from neurodynex_gui.models import fast_path
    from neurodynex_gui.models import plasticity_standalone as ps

    if not fast_path.missing_compiler() and not fast_path.switched_off():
        os.environ["NEURODYNEX_GUI_CACHE"] = tempfile.mkdtemp(prefix="bench-stdp-")
        start = time.perf_counter()
        ps.build(ps.window_spec())
        print(f"window: first build of the compiled program {time.perf_counter() - start:.1f} s")
        _window_runs("compiled", ("first run", "warm", "warm"))
    os.environ["NEURODYNEX_GUI_FAST_PATH"] = "off"
    _window_runs("runtime", ("cold", "warm"))


def _window_runs(path: str, attempts) -> None:
    for attempt in attempts:
        start = time.perf_counter()
        out = pl.simulated_window(np.arange(-100.0, 101.0), n_pairs=60, frequency_Hz=1.0)
        print(f"window 201 dt x 60 pairs, {path} ({attempt}): "
              f"{time.perf_counter() - start:.2f} s, largest |simulated - 60 W(dt)| "
              f"{np.max(np.abs(out['dw'] - out['analytic'])):.2g}")


def correlated(target: str, t_end_s: float) -> None:
    start = time.perf_counter()
    out = pl.song_abbott(1000, t_end_s, "additive", 1, correlated=200, c=0.2, target=target)
    w = out["weights"][-1] / 0.01
    print(f"song additive, 200 inputs correlated (c = 0.2), {target}, {t_end_s:g} s: "
          f"{time.perf_counter() - start:.1f} s wall; mean w/w_max correlated "
          f"{w[:200].mean():.2f}, independent {w[200:].mean():.2f}; share of the correlated "
          f"above 0.8 w_max {np.mean(w[:200] >= 0.8):.2f}, of the independent "
          f"{np.mean(w[200:] >= 0.8):.2f}")


def song(target: str, t_end_s: float) -> None:
    if target == "standalone":  # the compiled program of song_standalone: first builds
        import tempfile

        from neurodynex_gui.models import plasticity_standalone as ps
        from neurodynex_gui.models import song_standalone as ss

        os.environ["NEURODYNEX_GUI_CACHE"] = tempfile.mkdtemp(prefix="bench-song-")
        for rule in ("additive", "multiplicative"):
            start = time.perf_counter()
            ps.build(ss.spec_for(rule, 1000, 15000, 0.5))
            print(f"song {rule}: first build of the compiled program "
                  f"{time.perf_counter() - start:.1f} s")
    if target == "cython":
        from neurodynex_gui.models import brian_support as bs
        from neurodynex_gui.models import plasticity_brian as pb

        start = time.perf_counter()
        bs.cython_ready(pb.SONG_WARM_UP, pb.SONG_SIGNATURE, wait=True)
        print(f"cython compile (or cache check): {time.perf_counter() - start:.1f} s")
    for rule in ("additive", "multiplicative"):
        frames = []
        start, before = time.perf_counter(), os.times()
        out = pl.song_abbott(1000, t_end_s, rule, 1, target=target,
                             on_chunk=lambda chunk, frames=frames: frames.append(chunk["t_s"]))
        wall, after = time.perf_counter() - start, os.times()
        cpu = sum(after[:4]) - sum(before[:4])  # this process and its programs (standalone)
        w = out["weights"][-1] / 0.01
        rate = np.histogram(out["post_spikes_ms"] / 1e3, out["frames_s"])[0]
        print(f"song {rule} {target} {t_end_s:g} s simulated: {wall:.1f} s wall "
              f"({cpu:.1f} s of processor time, {os.getloadavg()[0]:.1f} load), "
              f"{len(frames)} frames streamed; share near 0 / near w_max "
              f"{pl.bimodality(out['weights'][-1], 0.01)}; output rate first/last second "
              f"{rate[0]} / {rate[-1]} Hz")
        print("   histogram of w/w_max (10 bins):", np.histogram(w, 10, (0, 1))[0],
              f"(target {out['target']})")


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "window"
    if what == "window":
        window()
    elif what == "correlated":
        correlated(sys.argv[2] if len(sys.argv) > 2 else "cython",
                   float(sys.argv[3]) if len(sys.argv) > 3 else 100.0)
    else:
        song(sys.argv[2] if len(sys.argv) > 2 else "cython",
             float(sys.argv[3]) if len(sys.argv) > 3 else 100.0)
