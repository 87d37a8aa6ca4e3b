"""Oja's rule over 10,000 points: median wall time (target <= 50 ms), and neurodynex3's learn.

Run: python bench/bench_oja.py
"""
import pathlib
import statistics
import sys
import time

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from neurodynex_gui.models import oja  # noqa: E402

N_POINTS = 10_000
REPEATS = 15
TARGET_MS = 50.0


def median_ms(fn):
    """Median wall time of ``fn()`` over REPEATS runs, in ms."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def main():
    cloud = oja.make_cloud(n=N_POINTS, ratio=0.3, angle=60, seed=0)
    ours = {}
    for rule in oja.RULES:
        ours[rule] = median_ms(lambda: oja.learn(cloud, initial_angle=-20, eta=0.001, rule=rule))
        print(f"learn rule={rule:<10} {N_POINTS} points: {ours[rule]:7.2f} ms "
              f"(target <= {TARGET_MS:.0f} ms)")
    try:
        from neurodynex3.ojas_rule import oja as nd3_oja
    except ImportError as error:
        print(f"neurodynex3 oja.learn: skipped ({error})")
        return
    theirs = median_ms(lambda: nd3_oja.learn(cloud, initial_angle=-20, eta=0.001))
    print(f"neurodynex3 oja.learn  {N_POINTS} points: {theirs:7.2f} ms "
          f"(ratio neurodynex3 / ours = {theirs / ours['oja']:.1f}x)")


if __name__ == "__main__":
    main()
