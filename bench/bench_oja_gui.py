"""Oja tab with real widgets (offscreen): frames drawn per second while a 10,000-point run is
replayed over the cloud (target >= 30), the learning time (target <= 50 ms) and the time from
Run to the result on the screen. neurodynex3 has no window to compare with; bench_oja.py
times its learn against ours.

A frame is a paint of the plot panel's viewport; the tab's animation timer asks for 50 per
second. Run: python bench/bench_oja_gui.py
"""
import statistics
import time

from benchkit import PaintCounter, report, wait_for
from neurodynex_gui.app import make_application

N_POINTS = 10_000
REPLAY_S = 3.0
TARGET_FPS = 30.0
TARGET_LEARN_MS = 50.0


def measure_replay(tab, action, label):
    """Frames drawn per second while ``action()``'s runs are replayed."""
    counter = PaintCounter(tab.traces.viewport())
    frames = []
    tab.frame_shown.connect(frames.append)
    start = time.perf_counter()
    action()
    wait_for(tab.animation_finished, timeout=REPLAY_S + 20)
    elapsed = time.perf_counter() - start
    tab.frame_shown.disconnect(frames.append)
    counter.remove()
    report(f"replay {label}: frames drawn", counter.count / elapsed, "per s",
           f">= {TARGET_FPS:.0f} per s ({len(frames)} animation steps in {elapsed:.2f} s)")


def measure_learn(tab, repeats=9):
    """Median time from Run to the finished result reaching the tab, in ms."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        tab.run()
        wait_for(tab.result_ready)
        times.append(time.perf_counter() - start)
        tab.finish_animation()
    return 1e3 * statistics.median(times)


def main():
    app = make_application()  # noqa: F841 (kept alive for the run)
    from neurodynex_gui.models import oja
    from neurodynex_gui.runner import Runner
    from neurodynex_gui.tabs.oja_tab import OjaTab

    tab = OjaTab(runner=Runner())
    tab.resize(1400, 850)
    tab.show()
    form = tab.param_forms["params"]
    for name, value in (("n", N_POINTS), ("eta", 0.001), ("initial_angle", -60)):
        form.set_value(name, str(value))
    tab.display_form.set_value("duration", "0")
    cloud = oja.make_cloud(n=N_POINTS, ratio=0.3, angle=60, seed=0)
    start = time.perf_counter()
    oja.learn(cloud, initial_angle=-60)
    report(f"learn over {N_POINTS} points", 1e3 * (time.perf_counter() - start), "ms",
           f"<= {TARGET_LEARN_MS:.0f} ms")
    report(f"Run -> {N_POINTS}-point result drawn (thread, cloud, learning, plots)",
           measure_learn(tab), "ms")
    tab.display_form.set_value("duration", str(REPLAY_S))
    measure_replay(tab, tab.run, f"1 run, {N_POINTS} points")
    measure_replay(tab, tab.compare_rules, f"compare rules (3 runs), {N_POINTS}")
    tab.display_form.set_value("overlay", "true")
    form.set_value("random_initial", "true")
    for _ in range(9):
        tab.run()
        wait_for(tab.result_ready)
        tab.finish_animation()
    measure_replay(tab, tab.run, f"1 run over 9 overlaid, {N_POINTS}")


if __name__ == "__main__":
    main()
