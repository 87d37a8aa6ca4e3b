"""Speed of the phase-plane numerics (FitzHugh-Nagumo): the geometry redrawn per value of I,
a 500-unit trajectory, a 400-value bifurcation scan, and neurodynex3's get_trajectory on the
same workload. The GUI figures are in bench_phase_plane_gui.py.

Run: python bench/bench_phase_plane.py
"""
import statistics
import time

import numpy as np

from benchkit import report, timed
from neurodynex_gui.models import fitzhugh_nagumo as fhn
from neurodynex_gui.models import planar

CURRENTS = np.linspace(0.0, 4.0, 100)
GENERIC = planar.PlanarModel("FHN, numerics only", fhn.FHN.rhs)
LIMITS = dict(xlim=fhn.V_LIM, ylim=fhn.W_LIM)


def median_ms(fn, repeats=7):
    """Median wall time of ``fn()`` over ``repeats`` calls, in ms."""
    return 1e3 * statistics.median(timed(fn) for _ in range(repeats))


def redraw_geometry(model):
    """Nullclines, 20 x 20 flow and fixed points for every I in CURRENTS."""
    for I in CURRENTS:
        p = fhn.FHNParams(I_ext=I)
        planar.nullclines(model, p, fhn.V_LIM, fhn.W_LIM)
        planar.flow_field(model, p, fhn.V_LIM, fhn.W_LIM, 20)
        planar.fixed_points(model, p, fhn.V_LIM, fhn.W_LIM)


def trajectory():
    return fhn.get_trajectory(v0=0.0, w0=0.0, I=1.5, tend=500.0)


def scan(model, **limits):
    return planar.bifurcation_scan(model, fhn.FHNParams(), "I_ext", np.linspace(0, 4, 400),
                                   **limits)


def neurodynex3_ratio(ours_ms):
    start = time.perf_counter()
    try:
        from neurodynex3.phase_plane_analysis import fitzhugh_nagumo as nd3
        import_ms = 1e3 * (time.perf_counter() - start)
    except ImportError as error:
        print(f"neurodynex3 get_trajectory: skipped ({error})")
        return
    report("neurodynex3 import (brian2 included)", import_ms, "ms")
    report("neurodynex3 get_trajectory tend=500, first call",
           1e3 * timed(nd3.get_trajectory, 0.0, 0.0, 1.5, tend=500.0), "ms")
    theirs = median_ms(lambda: nd3.get_trajectory(0.0, 0.0, 1.5, tend=500.0), repeats=3)
    report("neurodynex3 get_trajectory tend=500, warm", theirs, "ms")
    report("  ratio neurodynex3 / ours", theirs / ours_ms, "x")


def main():
    for label, model in (("analytic", fhn.FHN), ("numerical", GENERIC)):
        per_frame = median_ms(lambda: redraw_geometry(model), repeats=3) / len(CURRENTS)
        report(f"geometry per I ({label} nullclines + fixed points)", per_frame, "ms",
               f"a few ms, GUI >= 30 per s ({1e3 / per_frame:.0f} per s)")
    ours = median_ms(trajectory)
    report("trajectory tend=500 (5001 samples, LSODA)", ours, "ms", "<= 30 ms")
    report("bifurcation scan, 400 values of I (analytic helpers)",
           median_ms(lambda: scan(fhn.FHN), 3), "ms", "<= 1000 ms")
    report("bifurcation scan, 400 values of I (numerical only)",
           median_ms(lambda: scan(GENERIC, **LIMITS), 3), "ms", "<= 1000 ms")
    neurodynex3_ratio(ours)


if __name__ == "__main__":
    main()
