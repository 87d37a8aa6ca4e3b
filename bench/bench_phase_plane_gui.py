"""FitzHugh-Nagumo tab with real widgets (offscreen): frames drawn per second while the I slider
is dragged (target >= 30), click to fully drawn trajectory of 500 time units (target <= 100 ms),
the bifurcation view over 400 values of I (target <= 1 s), and neurodynex3 + matplotlib on the
same workload.

A frame is a paint of the plot panel's viewport. Run: python bench/bench_phase_plane_gui.py
"""
import statistics
import time

from benchkit import PaintCounter, StallMeter, report, wait_for
from neurodynex_gui.app import make_application

SLIDER_STEPS = 120
CLICKS = [(0.5, 1.0), (-2.0, -1.0), (1.5, 4.0), (-1.0, 3.0), (0.0, 0.0), (2.0, -2.0)]
CLICK_CURRENTS = (0.0, 2.0)   # trajectories to the fixed point, and onto the limit cycle


def process_until(app, condition, timeout=5.0):
    """Process events until ``condition()``, sleeping a little between rounds as an idle event
    loop would (a busy loop would hold the GIL against the bifurcation scan's thread)."""
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("condition not met")
        app.processEvents()
        time.sleep(2e-4)
    return time.perf_counter()


def drag_slider(app, tab, what):
    """Frames per second while the I slider steps through its range, one step per event-loop
    round; returns the time per step in s."""
    slider = tab.explore_sliders[0].sliders["I_ext"]
    positions = [round(slider.maximum() * k / SLIDER_STEPS) for k in range(SLIDER_STEPS)]
    app.processEvents()
    counter = PaintCounter(tab.plane.panel.viewport())
    start = time.perf_counter()
    for position in positions:
        slider.setValue(position)
        app.processEvents()
    elapsed = time.perf_counter() - start
    counter.remove()
    report(f"drag I slider ({what}): frames drawn", counter.count / elapsed, "per s",
           f">= 30 per s ({counter.count} frames for {len(positions)} positions)")
    return elapsed / len(positions)


def click_trajectories(app, tab, current):
    """Median time from a click in the plane to the trajectory fully drawn, in s."""
    from PyQt5.QtCore import QPointF, Qt
    from PyQt5.QtTest import QTest

    tab.param_forms["params"].set_value("I_ext", str(current))
    plane = tab.plane
    counter = PaintCounter(plane.panel.viewport())
    stall = StallMeter()
    times, frames, stalls = [], [], []
    for x, y in CLICKS:
        plane.clear_trajectories()
        app.processEvents()
        pos = plane.panel.mapFromScene(plane.plane.vb.mapViewToScene(QPointF(x, y)))
        first = counter.count
        stall.start()
        start = time.perf_counter()
        QTest.mouseClick(plane.panel.viewport(), Qt.LeftButton, Qt.NoModifier, pos)
        process_until(app, lambda: plane.trajectories and plane.trajectories[-1].done)
        painted = counter.count
        times.append(process_until(app, lambda: counter.count > painted) - start)
        stalls.append(stall.stop())
        frames.append(counter.count - first)
    counter.remove()
    report(f"click at I = {current:g} -> trajectory t = 0..500 drawn (median)",
           1e3 * statistics.median(times), "ms",
           f"<= 100 ms (max {1e3 * max(times):.0f} ms over {len(times)} clicks, "
           f"{statistics.median(frames):.0f} frames, worst GUI stall "
           f"{1e3 * max(stalls):.0f} ms)")
    return statistics.median(times)


def keep_limit_cycles(tab, count=4):
    """Trajectories onto the limit cycle at I = 2 (the most expensive ones to draw)."""
    tab.param_forms["params"].set_value("I_ext", "2")
    tab.plane.set_starts([(x, y, False) for x, y in CLICKS[:count]])


def bifurcation_view(app, tab):
    from PyQt5.QtCore import Qt
    from PyQt5.QtTest import QTest
    from PyQt5.QtWidgets import QPushButton

    button = tab.findChild(QPushButton, "tool_bifurcation")
    counter = PaintCounter(tab.analysis.viewport())
    stall = StallMeter()
    times, stalls = [], []
    for _ in range(3):
        stall.start()
        start = time.perf_counter()
        QTest.mouseClick(button, Qt.LeftButton)
        wait_for(tab.tool_ready, timeout=10)
        painted = counter.count
        times.append(process_until(app, lambda: counter.count > painted) - start)
        stalls.append(stall.stop())
    counter.remove()
    n = tab.tool_forms["bifurcation"].params().n_values
    report(f"bifurcation view, {n} values of I: click -> drawn (median)",
           1e3 * statistics.median(times), "ms",
           f"<= 1000 ms (max {1e3 * max(times):.0f} ms; scan on a thread, worst GUI stall "
           f"{1e3 * max(stalls):.0f} ms)")


def neurodynex3_workload(frame_s, click_s):
    """The seed's plot_flow + get_fixed_point per slider value, drawn by matplotlib (Agg),
    and its get_trajectory for a click, drawn."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        from neurodynex3.phase_plane_analysis import fitzhugh_nagumo as nd3
    except ImportError as error:
        print(f"neurodynex3 workload: skipped ({error})")
        return
    figure = plt.figure(figsize=(9, 6))
    start = time.perf_counter()
    for k in range(30):
        figure.clf()
        nd3.plot_flow(I_ext=4.0 * k / 30)
        plt.plot(*nd3.get_fixed_point(I_ext=4.0 * k / 30), "ko")
        figure.canvas.draw()
    per_frame = (time.perf_counter() - start) / 30
    report("neurodynex3 plot_flow + get_fixed_point + matplotlib draw", 1 / per_frame, "per s")
    report("  ratio of frame rates, ours / neurodynex3", per_frame / frame_s, "x")
    nd3.get_trajectory(0.5, 1.0, 1.5, tend=500.0)  # brian2's first-run set-up
    start = time.perf_counter()
    _, v, w = nd3.get_trajectory(0.5, 1.0, 1.5, tend=500.0)
    figure.clf()
    plt.plot(v, w)
    figure.canvas.draw()
    nd3_s = time.perf_counter() - start
    report("neurodynex3 get_trajectory tend=500 + matplotlib draw", 1e3 * nd3_s, "ms")
    report("  ratio neurodynex3 / ours (click -> drawn)", nd3_s / click_s, "x")


def main():
    app = make_application()
    from neurodynex_gui.runner import Runner
    from neurodynex_gui.tabs.fitzhugh_nagumo_tab import FitzHughNagumoTab

    runner = Runner()  # this tab's jobs run in-process: no simulation process is started
    tab = FitzHughNagumoTab(runner)
    tab.resize(1500, 900)
    tab.show()
    process_until(app, tab.plane.panel.isVisible)
    frame_s = drag_slider(app, tab, "no trajectory")
    click_s = max(click_trajectories(app, tab, current) for current in CLICK_CURRENTS)
    keep_limit_cycles(tab)
    drag_slider(app, tab, "4 limit cycles kept")
    bifurcation_view(app, tab)
    runner.shutdown()
    neurodynex3_workload(frame_s, click_s)


if __name__ == "__main__":
    main()
