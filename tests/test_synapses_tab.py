"""The synapses tab (issue 15) driven through its widgets: presets, train kinds, the
amplitudes page, the tools, sessions and the command line."""
from __future__ import annotations

import json
import math

import numpy as np
import pytest
from PyQt5.QtCore import Qt


@pytest.fixture
def tab(make_window):
    window = make_window("synapses")
    tab = window.tabs["synapses"]
    window.tab_widget.setCurrentWidget(tab)
    tab.param_forms["neuron"].set_value("tend", "200")
    return tab


def test_default_run_draws_every_trace_and_the_amplitudes(tab, run_and_wait):
    result = run_and_wait(tab)
    data = tab.traces.data()
    for key in ("g/g", "xu/x (resources)", "xu/u (utilisation)", "v/V", "I/I"):
        assert len(data[key][0]) == 2000, key  # 200 ms at 0.1 ms
    # a regular 20 Hz train from 10 ms: spikes at 10, 60, 110, 160 ms
    pre_t, _ = data["g/presynaptic spikes"]
    np.testing.assert_allclose(pre_t, [10.0, 60.0, 110.0, 160.0])
    # depressing preset (U = 0.5, tau_D = 800 ms): u x = U, then U (1 - U e^(-T/tau_D)) ...
    d = math.exp(-50.0 / 800.0)
    x, expected = 1.0, []
    for _ in range(4):
        expected.append(0.5 * x)
        x = 1 - (1 - 0.5 * x) * d
    amps = tab.amplitudes.data()
    np.testing.assert_allclose(amps["amp/simulated (brian2)"][1], expected, rtol=1e-9)
    np.testing.assert_allclose(amps["amp/event-exact (tm_synapse)"][1], expected, rtol=1e-9)
    np.testing.assert_array_equal(amps["amp/simulated (brian2)"][0], [1, 2, 3, 4])
    assert "4 presynaptic spikes" in tab.readout.text()
    # the conductance peaks at g_max u x = 5 nS x 0.5 (a peak between samples: 1 %)
    assert data["g/g"][1].max() == pytest.approx(2.5, rel=1e-2)
    assert result.v_mV.max() > -70.0


def test_presets_load_receptors_and_plasticity(tab):
    tab.apply_preset("Receptor: NMDA")
    receptor = tab.param_forms["receptor"].params()
    assert receptor.mg_block and receptor.tau_decay == 80.0 and receptor.E_rev == 0.0
    tab.apply_preset("Receptor: GABA_B")
    assert tab.param_forms["receptor"].params().E_rev == -95.0
    tab.apply_preset("Plasticity: facilitating")
    plasticity = tab.param_forms["plasticity"].params()
    assert (plasticity.U, plasticity.tau_D, plasticity.tau_F) == (0.15, 50.0, 750.0)
    assert tab.param_forms["receptor"].params().E_rev == -95.0  # other forms stay


def test_typed_and_burst_trains(tab, run_and_wait, qtbot):
    form = tab.param_forms["train"]
    assert form.set_value("kind", "typed")
    tab.typed.setPlainText("15, 40.04\n120")
    result = run_and_wait(tab)
    np.testing.assert_allclose(result.spikes_ms, [15.0, 40.0, 120.0])  # on the 0.1 ms grid
    tab.typed.setPlainText("15, x")
    assert tab.typed_problem.isVisibleTo(tab) and "'x' is not a number" in \
        tab.typed_problem.text()
    tab.run()
    assert "typed spike times" in tab.window().statusBar().currentMessage()
    assert form.set_value("kind", "burst + probe")
    assert form.set_value("n_spikes", "3")
    assert form.set_value("probe_delay", "100")
    tab.apply_preset("Plasticity: depressing")
    result = run_and_wait(tab)
    np.testing.assert_allclose(result.spikes_ms, [10.0, 60.0, 110.0, 210.0][:3])  # < 200 ms
    assert form.set_value("probe_delay", "50")
    result = run_and_wait(tab)
    np.testing.assert_allclose(result.spikes_ms, [10.0, 60.0, 110.0, 160.0])
    # the probe recovered for 50 ms after the burst's last spike, as x(t) says
    x3 = result.amplitudes[2] / 0.5
    probe = 0.5 * (1 - (1 - x3 * 0.5) * math.exp(-50.0 / 800.0))
    assert result.amplitudes[3] == pytest.approx(probe, rel=1e-9)


def test_tools_draw_their_answers(tab, qtbot):
    for key in ("rate", "recovery", "iv"):
        with qtbot.waitSignal(tab.tool_ready, timeout=30000) as blocker:
            qtbot.mouseClick(tab.findChild(type(tab.run_bar.run_button), f"tool_{key}"),
                             Qt.LeftButton)
        assert blocker.args[0] == key
        data = tab.analysis.data()
        if key == "rate":
            rates, analytic = data["steady_amplitude/analytic"]
            d = np.exp(-1000.0 / rates / 800.0)
            np.testing.assert_allclose(analytic, 0.5 * (1 - d) / (1 - 0.5 * d), rtol=1e-9)
            assert "2.5 Hz" in tab.readout.text()  # 1 / (0.5 x 0.8 s)
        elif key == "recovery":
            assert "probe_amplitude/analytic" in data
        else:
            assert len([k for k in data if k.startswith("I/")]) == 4
            assert "note's block" in tab.analysis.plots["I"].titleLabel.text
    assert tab.pages.currentWidget() is tab.analysis


def test_session_round_trip(make_window, tab, tmp_path):
    window = tab.window()
    tab.apply_preset("Receptor: NMDA")
    assert tab.param_forms["receptor"].set_value("Mg_mM", "2")
    assert tab.param_forms["train"].set_value("kind", "typed")
    tab.typed.setPlainText("5, 25, 45")
    assert tab.tool_forms["rate"].set_value("n_rates", "20")
    path = window.save_session(tmp_path / "synapses.ndx.json")
    saved = json.loads(path.read_text())["tabs"]["synapses"]
    assert saved["view"]["spike_times"] == "5, 25, 45"
    second = make_window("synapses")
    assert second.open_session(path), second.last_error
    other = second.tabs["synapses"]
    for key in ("train", "receptor", "plasticity", "neuron"):
        assert other.param_forms[key].params() == tab.param_forms[key].params()
    assert other.typed.toPlainText() == "5, 25, 45"
    assert other.tool_forms["rate"].params().n_rates == 20


def test_saved_results_come_back_with_the_amplitudes(tab, run_and_wait, make_window):
    run_and_wait(tab)
    arrays = tab.result_arrays()
    other = make_window("synapses").tabs["synapses"]
    other.restore_results(arrays)
    for panel in ("traces", "amplitudes"):
        mine, theirs = getattr(tab, panel).data(), getattr(other, panel).data()
        assert mine.keys() == theirs.keys() and mine
        for key in mine:
            np.testing.assert_array_equal(mine[key][1], theirs[key][1])


def test_command_line_export(tmp_path, main_py):
    out = tmp_path / "synapse.csv"
    done = main_py("--tab", "synapses", "--set", "tend=100", "--set", "n_spikes=2",
                   "--set", "neuron_model=LIF", "--export", str(out))
    assert done.returncode == 0, done.stderr
    header, *rows = out.read_text().splitlines()
    columns = header.split(",")
    assert "v/V potential V (mV)" in columns and len(rows) == 1000  # 100 ms at 0.1 ms
    pre = columns.index("g/presynaptic spikes time (ms)")
    assert [float(row.split(",")[pre]) for row in rows[:2]] == [10.0, 60.0]
