"""Synapses tab speed figures (issue 15).

Run: python bench/bench_synapses.py

- a 2 s train at 50 Hz onto a LIF neuron (dt 0.1 ms), compiled fast path, warm: the
  simulation alone, and run + draw in the tab (the result drawn on its plots);
- the same run on brian2's runtime (the fallback while the build is made, or without a
  compiler);
- the rate tool with 100 rates, and click to drawn in the tab.
"""
from __future__ import annotations

import os
import resource
import statistics
import time

from benchkit import report, wait_for

from neurodynex_gui.models import fast_path, receptors
from neurodynex_gui.models import synapses as sy
from neurodynex_gui.models import tsodyks_markram as tm

TRAIN = sy.TrainParams(rate_Hz=50.0, n_spikes=100, t_start=10.0)
NEURON = sy.NeuronParams(neuron_model="LIF", tend=2000.0)
RECEPTOR = receptors.ReceptorParams(g_max=20.0)


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the compiled programs)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def median_ms(function, repeats: int = 15, name: str = "") -> float:
    """Median wall time (ms); also reports the median CPU time beside it under ``name``: on
    a machine shared with other work the wall time includes waiting for a core."""
    times, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), _cpu()
        function()
        times.append(time.perf_counter() - start)
        cpu.append(_cpu() - start_cpu)
    if name:
        report(f"{name} (CPU, this process + compiled run)", 1000 * statistics.median(cpu),
               "ms")
    return 1000 * statistics.median(times)


def main() -> None:
    start = time.perf_counter()
    fast_path.build(sy.MODEL, sy._setup(NEURON))
    report("compiled build of the 2 s model (once, cached)", time.perf_counter() - start, "s")
    args = (TRAIN, RECEPTOR, tm.PRESETS["depressing"], NEURON)
    result = sy.simulate_synapse(*args)
    assert result.path == fast_path.PATH, result.path_note
    report("2 s at 50 Hz onto a LIF, compiled run (median of 15)",
           median_ms(lambda: sy.simulate_synapse(*args), name="  compiled run"), "ms")

    from neurodynex_gui.app import make_application
    from neurodynex_gui.main_window import MainWindow

    app = make_application()  # noqa: F841 (the application must outlive the widgets)
    window = MainWindow(tab_ids=["synapses"])
    window.show()
    tab = window.tabs["synapses"]
    forms = {"train": TRAIN, "receptor": RECEPTOR, "plasticity": tm.PRESETS["depressing"],
             "neuron": NEURON}
    for key, params in forms.items():
        tab.param_forms[key].set_params(params)

    def draw():
        tab.start_run()
        tab.finish_run(sy.simulate_synapse(*args))
        tab.traces.flush()
        tab.amplitudes.flush()
        app.processEvents()

    draw()
    report("  run + draw in the tab, in one process (median of 15)",
           median_ms(draw, name="  run + draw"), "ms", "<= 50 ms")
    tab.run()
    wait_for(tab.result_ready)

    def click():
        tab.run_bar.run_button.click()
        wait_for(tab.result_ready)
        tab.traces.flush()

    report("  click to drawn, through the simulation process (median of 15)",
           median_ms(click), "ms")
    sweep = dict(f_min_Hz=1.0, f_max_Hz=100.0, n_rates=100)
    report("rate tool, 100 rates (median of 15)",
           median_ms(lambda: sy.rate_sweep(tm.PRESETS["depressing"], **sweep),
                     name="  rate tool"), "ms", "<= 200 ms")
    report("rate tool, facilitating (tau_F 750 ms: longer trains)",
           median_ms(lambda: sy.rate_sweep(tm.PRESETS["facilitating"], **sweep)), "ms",
           "<= 200 ms")

    def tool():
        tab.run_tool("rate")
        wait_for(tab.tool_ready)

    tool()
    report("  rate tool click to drawn (median of 5)", median_ms(tool, 5), "ms")
    os.environ["NEURODYNEX_GUI_FAST_PATH"] = "off"
    sy.simulate_synapse(*args)
    report("2 s at 50 Hz onto a LIF, brian2 numpy runtime (fallback, median of 3)",
           median_ms(lambda: sy.simulate_synapse(*args), 3), "ms")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    window.close()


if __name__ == "__main__":
    main()
