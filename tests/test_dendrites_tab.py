"""The Dendrites tab with real widgets: the heat map streams, a click adds probes, the tree is
drawn coloured by V, the NMDA tool draws its curves, sessions and the command line."""
import numpy as np
import pyqtgraph as pg
import pytest
from PyQt5.QtCore import QPointF, Qt
from PyQt5.QtGui import QImage

from neurodynex_gui.models import cable as cb


@pytest.fixture
def tab(make_window):
    window = make_window("dendrites")
    return window.tabs["dendrites"]


def run(qtbot, tab):
    with qtbot.waitSignal(tab.result_ready, timeout=30000) as blocker:
        tab.run()
    return blocker.args[0]


def test_the_heat_map_streams_and_shows_the_whole_run(qtbot, tab):
    tab.set_value("simulation_time", "60")
    tab.set_value("length", "2000")
    tab.set_value("nr_compartments", "1000")
    chunks = []
    tab.traces.dirty = False
    original = tab.on_chunk
    tab.on_chunk = lambda chunk: (chunks.append(chunk), original(chunk))
    result = run(qtbot, tab)
    assert sum(len(c["t"]) for c in chunks) == len(result.t)  # everything came in chunks
    assert tab.heat.image.image.shape == result.v.shape
    # the default probes: V(x) at the end of the pulse and at the end, V(t) at the place of
    # the current and the far end
    data = tab.traces.data()
    _, site = data[f"site/x = {result.x[result.injection_index[0]]:.4g} um"]
    np.testing.assert_allclose(site, result.v[:, result.injection_index[0]])
    assert "lambda</b> = sqrt(d R_T / 4 R_L) = 1118 um" in tab.readout.text()


def test_a_click_on_the_heat_map_adds_a_time_and_a_place(qtbot, tab):
    result = run(qtbot, tab)
    panel = tab.traces
    plot = tab.heat.plot
    scene = plot.vb.mapViewToScene(QPointF(4.0, 300.0))
    qtbot.mouseClick(panel.viewport(), Qt.LeftButton, pos=panel.mapFromScene(scene))
    assert tab.probe_times == [pytest.approx(4.0, abs=0.05)]
    assert tab.probe_places == [pytest.approx(300.0, abs=5.0)]
    data = tab.traces.data()
    row = int(np.argmin(np.abs(result.t - tab.probe_times[0])))
    _, profile = data[f"profile/t = {result.t[row]:.3g} ms"]
    np.testing.assert_allclose(profile, result.v[row])
    column = int(np.argmin(np.abs(result.x - tab.probe_places[0])))
    assert f"site/x = {result.x[column]:.4g} um" in data
    tab.clear_probes()
    assert tab.probe_times == [] and tab.probe_places == []
    assert f"profile/t = {result.t[row]:.3g} ms" not in tab.traces.data()  # back to automatic
    assert "profile/t = 5 ms" in tab.traces.data()


def test_the_steady_state_overlay_matches_a_long_dc_run(qtbot, tab):
    tab.apply_preset("Cable: lambda from a long DC input")
    result = run(qtbot, tab)
    _, steady = tab.traces.data()["profile/steady state (sealed end)"]
    peak = steady.max() + 70
    assert np.abs(result.v[-1] - steady).max() < 0.02 * peak
    fitted = cb.fit_length_constant(result.x, result.v[-1], -70.0, [2500.0], 5000.0)
    assert f"fitted to V(x) at the end: {fitted:.4g} um" in tab.readout.text()
    assert fitted == pytest.approx(1118.0, rel=0.02)


def test_the_tree_is_drawn_coloured_by_v_with_its_equivalent_cylinder(qtbot, tab):
    tab.apply_preset("Tree breaking the 3/2 rule (thick branches)")
    chunks = []
    original = tab.on_chunk
    tab.on_chunk = lambda chunk: (chunks.append(chunk), original(chunk))
    result = run(qtbot, tab)
    np.testing.assert_allclose(np.concatenate([c["v"][:, 0] for c in chunks]), result.v_soma)
    assert tab.pages.currentWidget() is tab.tree_panel
    points = tab.tree_dots.data
    assert len(points) == result.v.shape[1]
    # the colours follow V: the warmest dot is the compartment with the highest V then
    row = int(np.argmax(np.abs(result.v_soma + 70)))
    colours = [p["brush"].color().name() for p in points]
    viridis = pg.colormap.get("viridis")
    top, bottom = (viridis.map(level, mode="qcolor").name() for level in (1.0, 0.0))
    assert colours[int(np.argmax(result.v[row]))] == top
    assert colours[int(np.argmin(result.v[row]))] == bottom
    data = tab.tree_panel.data()
    np.testing.assert_allclose(data["soma/equivalent cylinder"][1], result.v_equivalent)
    assert "3/2 rule: (d1^1.5 + d2^1.5) / d0^1.5 = 2.000" in tab.readout.text()
    # a click on the soma's V(t) colours the tree at that time
    plot = tab.tree_panel.plots["soma"]
    qtbot.waitUntil(lambda: plot.vb.sceneBoundingRect().height() > 50, timeout=5000)
    qtbot.wait(50)
    scene = plot.vb.mapViewToScene(QPointF(10.0, -60.0))
    qtbot.mouseClick(tab.tree_panel.viewport(), Qt.LeftButton,
                     pos=tab.tree_panel.mapFromScene(scene))
    assert tab.tree_time == pytest.approx(10.0, abs=0.3)


def test_the_model_chooser_switches_forms_and_page(qtbot, tab):
    tab.mode_box.setCurrentIndex(2)
    tab.mode_box.activated.emit(2)  # what a user's choice sends
    assert tab.param_forms["show"].params().mode == "NMDA spikes"
    assert tab.pages.currentWidget() is tab.nmda_panel
    assert tab.param_forms["injection"].parentWidget().isHidden()
    assert not tab.param_forms["nmda"].parentWidget().isHidden()
    tab.apply_preset("Cable: killed end")
    assert tab.mode_box.currentText() == "passive cable"
    assert tab.pages.currentWidget() is tab.traces
    tab.pages.setCurrentWidget(tab.tree_panel)  # the page chooses its model
    assert tab.param_forms["show"].params().mode == "branched tree"
    assert not tab.param_forms["tree"].parentWidget().isHidden()
    tab.pages.setCurrentWidget(tab.analysis)  # a page of no model keeps the model
    assert tab.param_forms["show"].params().mode == "branched tree"


def test_nmda_run_and_input_output_tool(qtbot, tab):
    tab.apply_preset("NMDA spike (20 synapses)")
    result = run(qtbot, tab)
    assert tab.pages.currentWidget() is tab.nmda_panel
    assert result.v_branch.max() > result.v_soma.max() > -70
    tab.tool_forms["nmda_io"].set_value("n_max", "20")
    tab.tool_forms["nmda_io"].set_value("n_points", "5")
    with qtbot.waitSignal(tab.tool_ready, timeout=30000) as blocker:
        tab.run_tool("nmda_io")
    io = blocker.args[1]
    data = tab.analysis.data()
    np.testing.assert_allclose(data["branch/AMPA + NMDA"][1], io.columns["branch_mV"])
    np.testing.assert_allclose(data["soma/AMPA alone"][1], io.columns["soma_AMPA_only_mV"])


def test_session_round_trip(qtbot, make_window, tmp_path):
    first = make_window("dendrites")
    tab = first.tabs["dendrites"]
    tab.apply_preset("Cable: two sinusoidal inputs")
    tab.set_value("diameter", "3.5")
    tab.set_value("branch1_diameter", "0.9")
    tab.add_probe(12.0, 700.0)
    tab.tree_time = 12.5
    path = first.save_session(tmp_path / "dendrites.ndx.json")
    second = make_window("dendrites")
    assert second.open_session(path), second.last_error
    again = second.tabs["dendrites"]
    assert again.param_forms["cable"].params().diameter == 3.5
    assert again.param_forms["injection"].params().sites == "two"
    assert again.param_forms["injection"].params().frequency == 100.0
    assert again.param_forms["tree"].params().branch1_diameter == 0.9
    assert again.probe_times == [12.0] and again.probe_places == [700.0]
    assert again.tree_time == 12.5


def test_command_line_export(tmp_path, main_py):
    out = tmp_path / "cable.png"
    done = main_py("--tab", "dendrites", "--set", "simulation_time=10", "--export", str(out))
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() > 200


def test_a_short_pulse_is_drawn_with_the_infinite_cables_green_function(qtbot, tab):
    tab.apply_preset("Cable: Green's function (short pulse)")
    result = run(qtbot, tab)
    data = tab.traces.data()
    x, green = data["profile/dashed: infinite cable (Green's function)"]
    _, simulated = data["profile/t = 1.6 ms"]  # half a millisecond after the pulse
    peak = green.max() + 70
    assert np.abs(simulated - green).max() < 0.05 * peak  # long cable: the ends are far
    assert result.x[np.argmax(simulated)] == pytest.approx(1500.0, abs=5.0)
