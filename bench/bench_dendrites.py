"""Speed of the Dendrites tab (issue 19): the default cable run + draw in the tab (warm), a
5 mm cable of 1000 compartments for 100 ms streamed, and neurodynex3's simulate_passive_cable
for the same workloads (its own environment, see benchkit.ND3_PYTHON; neurodynex3 runs with
dt = 0.01 ms, as we do by default).

Run as ``python bench/bench_dendrites.py``; one line per measurement with its target.
"""
from benchkit import compare, nd3_warm, report, timed, wait_for, warm  # before neurodynex_gui
from neurodynex_gui.models import cable as cb
from neurodynex_gui.models import dendritic_tree as dt

LONG = dict(current_injection_location=[2500.0], input_current=(0.1, 0.0, 100.0),
            length=5000.0, nr_compartments=1000, simulation_time=100.0)


def model_figures() -> None:
    compare("default cable (200 compartments, 5 ms, dt 0.01 ms), model only",
            warm(cb.simulate_passive_cable), nd3_warm("cable_default", dt=0.01), "ms")
    chunks = []
    seconds = timed(cb.simulate_passive_cable, **LONG, record_dt=0.1, on_chunk=chunks.append)
    report("5 mm, 1000 compartments, 100 ms at dt 0.01 ms, streamed", seconds, "s", "<= 2 s")
    report("  chunks sent while it ran", len(chunks), "")
    theirs = nd3_warm("cable_long", dt=0.01, repeats=1, warmup=1)
    if theirs is not None:
        report("  neurodynex3, same workload (all rows recorded)", theirs, "s")
    report("tree with its equivalent cylinder (60 ms)", warm(dt.simulate_tree, repeats=3), "s")
    report("NMDA run on the tree (100 ms)", warm(dt.simulate_nmda, repeats=3), "s")
    report("NMDA input-output tool (21 x 2 runs)", timed(dt.nmda_input_output), "s")


def gui_figures() -> None:
    from PyQt5.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    from neurodynex_gui.runner import Runner
    from neurodynex_gui.tabs.dendrites_tab import DendritesTab

    runner = Runner()
    tab = DendritesTab(runner)
    tab.resize(1400, 900)
    tab.show()

    def run_and_draw():
        tab.run()
        wait_for(tab.result_ready)
        tab.traces.flush()
        app.processEvents()

    report("default cable: run + draw in the tab (warm, median)", 1e3 * warm(run_and_draw),
           "ms", "<= 100 ms")
    for name, value in (("length", "5000"), ("nr_compartments", "1000"),
                        ("simulation_time", "100"), ("record_dt", "0.1")):
        tab.set_value(name, value)
    report("5 mm / 1000 compartments / 100 ms: run + draw in the tab", timed(run_and_draw),
           "s", "<= 2 s")
    runner.shutdown() if hasattr(runner, "shutdown") else None


if __name__ == "__main__":
    model_figures()
    gui_figures()
