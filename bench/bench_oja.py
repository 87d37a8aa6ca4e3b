"""Oja's rule over 10,000 points: median wall time (target <= 50 ms), and neurodynex3's learn.

Run: python bench/bench_oja.py
"""
import statistics

from benchkit import report, timed
from neurodynex_gui.models import oja

N_POINTS = 10_000
REPEATS = 15
TARGET_MS = 50.0


def median_ms(fn):
    """Median wall time of ``fn()`` over REPEATS runs, in ms."""
    return 1e3 * statistics.median(timed(fn) for _ in range(REPEATS))


def main():
    cloud = oja.make_cloud(n=N_POINTS, ratio=0.3, angle=60, seed=0)
    ours = {}
    for rule in oja.RULES:
        ours[rule] = median_ms(lambda: oja.learn(cloud, initial_angle=-20, eta=0.001, rule=rule))
        report(f"learn rule={rule}, {N_POINTS} points", ours[rule], "ms",
               f"<= {TARGET_MS:.0f} ms")
    try:
        from neurodynex3.ojas_rule import oja as nd3_oja
    except ImportError as error:
        print(f"neurodynex3 oja.learn: skipped ({error})")
        return
    theirs = median_ms(lambda: nd3_oja.learn(cloud, initial_angle=-20, eta=0.001))
    report(f"neurodynex3 oja.learn, {N_POINTS} points", theirs, "ms")
    report("  ratio neurodynex3 / ours (rule=oja)", theirs / ours["oja"], "x")


if __name__ == "__main__":
    main()
