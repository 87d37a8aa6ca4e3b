"""Plot panels redraw when data arrives, at a bounded rate, and nothing ticks while idle."""
from PyQt5.QtCore import QTimer

from neurodynex_gui.widgets.plots import PlotPanel


def ticking(panel) -> list[QTimer]:
    return [timer for timer in panel.findChildren(QTimer) if timer.isActive()]


def test_a_panel_redraws_on_data_and_then_rests(qtbot):
    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.add_plot("v", "vm", "mV")
    curve = panel.add_curve("v", "vm")
    qtbot.wait(100)
    assert ticking(panel) == []  # idle: no timer at all
    curve.append([0.0, 1.0], [-70.0, -65.0])
    curve.append([2.0], [-60.0])
    assert ticking(panel)  # one redraw is due ...
    assert curve.item.xData is None or len(curve.item.xData) == 0  # ... not one per chunk
    qtbot.waitUntil(lambda: not ticking(panel), timeout=2000)
    assert list(curve.item.xData) == [0.0, 1.0, 2.0]
    assert list(curve.item.yData) == [-70.0, -65.0, -60.0]
    assert not panel.dirty


def test_a_subclass_that_marks_itself_dirty_is_flushed_once(qtbot):
    class Counting(PlotPanel):
        flushes = 0

        def flush(self):
            Counting.flushes += 1
            self.dirty = False

    panel = Counting()
    qtbot.addWidget(panel)
    for _ in range(5):
        panel.dirty = True
    qtbot.waitUntil(lambda: not ticking(panel), timeout=2000)
    qtbot.wait(100)
    assert Counting.flushes == 1 and not ticking(panel)


def test_a_peaks_curve_keeps_every_sample_in_its_data(qtbot):
    import numpy as np

    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.add_plot("v", "vm", "mV")
    t = np.arange(20000) * 0.01
    panel.add_curve("v", "vm", peaks=True).set(t, np.sin(t))
    assert len(panel.data()["v/vm"][0]) == 20000


def test_a_quick_panel_draws_without_antialiasing_and_gives_each_curve_its_own_back(qtbot):
    """While a slider is dragged lines are drawn without antialiasing (4-5 times faster for a
    spiking trace); let go, each curve has its own setting again."""
    import pyqtgraph as pg

    panel = PlotPanel()
    qtbot.addWidget(panel)
    panel.add_plot("v", "v", "mV")
    smooth = panel.add_curve("v", "smooth", pen=pg.mkPen("b", width=2), antialias=True)
    rough = panel.add_curve("v", "rough", pen="r", antialias=False)
    for curve in (smooth, rough):
        curve.set([0, 1, 2], [1, 0, 1])
        curve.flush()
    assert smooth.item.curve.opts["antialias"] and not rough.item.curve.opts["antialias"]
    panel.set_quick(True)
    smooth.set([0, 1, 2], [0, 1, 0])  # a run's new data keeps it quick
    smooth.flush()
    assert not smooth.item.curve.opts["antialias"] and not rough.item.curve.opts["antialias"]
    panel.set_quick(False)
    assert smooth.item.curve.opts["antialias"] and not rough.item.curve.opts["antialias"]
