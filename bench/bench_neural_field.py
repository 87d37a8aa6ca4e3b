"""Speed of the neural fields (issue 20): the 1D integration, and 2D fields drawn while they
integrate in the tab (real widgets, offscreen).

Run as ``python bench/bench_neural_field.py``; one line per measurement with its target. In the
tab a run streams its frames from a thread of the GUI process; a frame drawn is a new frame
set on the image (frame_shown with a new index), a frame painted a paint of the view.
"""
import time

from benchkit import PaintCounter, report, timed  # before neurodynex_gui (sys.path)
from neurodynex_gui.models import neural_field as nf
from neurodynex_gui.models import reaction_diffusion as rd

BUMP = [{"amplitude": 1.0, "x0": 0.0, "width": 1.0, "t_off": 20.0}]


def best_of(runs: int, function, *args, **kwargs) -> float:
    return min(timed(function, *args, **kwargs) for _ in range(runs))


def model_figures() -> None:
    seconds = best_of(3, nf.simulate_field_1d, n=1024, t_end=1000.0, dt=0.1, inputs=BUMP)
    report("1D field, n = 1024, 1 s at dt 0.1 ms (10,000 steps)", seconds, "s", "<= 0.5 s")
    steps = 200
    seconds = best_of(2, nf.simulate_field_2d, n=256, L=40.0, t_end=steps * 0.5, dt=0.5,
                      record_dt=0.5, inputs=BUMP)
    report("2D field 256 x 256, steps per second (a frame each step)", steps / seconds,
           "per s", ">= 30 per s")
    seconds = best_of(2, rd.reaction_diffusion, L=100.0, n=256, ndim=2, t_end=steps * 0.02,
                      dt=0.02, record_dt=0.02)
    report("reaction-diffusion 2D 256 x 256, steps per second", steps / seconds, "per s",
           ">= 30 per s")


def drawn_while_integrating(tab, seconds: float = 2.0) -> tuple[float, float]:
    """New frames drawn and paints per second while a long run integrates and streams."""
    from PyQt5.QtTest import QTest

    drawn, last = [0], [-1]

    def shown(index):
        if index != last[0]:
            drawn[0] += 1
            last[0] = index

    tab.frame_shown.connect(shown)
    counter = PaintCounter(tab.image.viewport())
    tab.run()
    QTest.qWait(500)  # the first chunk and the page switch
    drawn[0], counter.count = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        QTest.qWait(20)
    elapsed = time.perf_counter() - start
    integrating = tab.streaming
    tab.stop()
    tab.frame_shown.disconnect(shown)
    counter.remove()
    if not integrating:
        print("  (the run ended before the measurement did: lengthen it)")
    return drawn[0] / elapsed, counter.count / elapsed


def gui_figures() -> None:
    from neurodynex_gui.app import make_application
    from neurodynex_gui.runner import Runner
    from neurodynex_gui.tabs.neural_field_tab import NeuralFieldTab

    app = make_application()  # noqa: F841 (the application must outlive the widgets)
    runner = Runner(preload=())
    tab = NeuralFieldTab(runner)
    tab.resize(1400, 900)
    tab.show()
    for name, value in {"system": "field 2D", "n": "256", "L": "40", "dt": "0.5",
                        "record_dt": "1", "t_end": "5000", "fps": "60"}.items():
        tab.set_value(name, value)
    drawn, paints = drawn_while_integrating(tab)
    report("2D field 256 x 256 in the tab: frames drawn while integrating", drawn, "per s",
           ">= 30 per s")
    report("  frames painted", paints, "per s")
    tab.set_value("system", "reaction-diffusion 2D")
    for name, value in {"L": "100", "n": "256", "dt": "0.02", "record_dt": "0.04",
                        "t_end": "150"}.items():
        tab.param_forms["grid"].set_value(name, value)
    drawn, paints = drawn_while_integrating(tab)
    report("reaction-diffusion 2D 256 x 256 in the tab: drawn while integrating", drawn,
           "per s", ">= 30 per s")
    report("  frames painted", paints, "per s")
    runner.shutdown()


if __name__ == "__main__":
    model_figures()
    gui_figures()
