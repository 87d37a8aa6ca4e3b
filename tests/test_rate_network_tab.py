"""The Rate networks tab driven like a user (issue 17): motif switching, clicking a weight,
dragging a winner-take-all input, the tools, a session round trip and the command line."""
import numpy as np
import pytest
from PyQt5.QtCore import QPointF, Qt

from neurodynex_gui.models import rate_network as rn
from neurodynex_gui.tabs.rate_network_tab import RateNetworkTab


@pytest.fixture
def tab(qtbot, runner):
    tab = RateNetworkTab(runner)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    yield tab
    tab.stop()


def set_form(tab, key, **values):
    """Type the values into the form's fields, as a user does."""
    form = tab.param_forms[key]
    for name, value in values.items():
        assert form.set_value(name, str(value)), name


def run(qtbot, tab):
    with qtbot.waitSignal(tab.result_ready, timeout=30000) as blocker:
        qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
    return blocker.args[0]


def test_switching_to_winner_take_all_shows_its_weights_and_one_winner(qtbot, tab):
    set_form(tab, "params", motif="winner-take-all", N=4, alpha=2.0, f="threshold_linear",
             gain=1.0, threshold=0.0, input_kind="constant", I0=1.0, I_slope=-0.6)
    np.testing.assert_allclose(tab.weights.values, -2.0 * (1 - np.eye(4)))
    result = run(qtbot, tab)
    assert result.r.shape[1] == 4
    assert np.flatnonzero(result.r[-1] > 1e-3).tolist() == [0]
    assert result.r[-1, 0] == pytest.approx(1.0, abs=1e-3)  # max(I_0 - 0, 0)
    assert tab.bars.winners.tolist() == [0]
    assert sorted(tab.traces.data()) == [f"rates/unit {i}" for i in range(4)]
    set_form(tab, "params", motif="random", N=300, g=0.5, f="tanh", gain=1.0, threshold=0.0,
             input_kind="constant", I0=0.0, I_slope=0.0)
    result = run(qtbot, tab)
    assert tab.weights.values.shape == (300, 300)
    assert tab.activity.values.shape[0] == 300  # every unit in the map, lines for 10
    assert len(tab.traces.data()) == 10
    assert np.abs(result.r[-1]).max() < 1e-3  # g < 1: the rates decay to the fixed point 0


def click_cell(qtbot, panel, row, column):
    scene = panel.matrix.vb.mapViewToScene(QPointF(column + 0.5, row + 0.5))
    qtbot.mouseClick(panel.viewport(), Qt.LeftButton, pos=panel.mapFromScene(scene))


def test_clicking_a_weight_and_setting_it_changes_the_steady_state(qtbot, tab):
    set_form(tab, "params", motif="feedforward chain", N=3, w=0.5, f="linear", gain=1.0,
             threshold=0.0, input_kind="constant", I0=1.0, I_slope=-1.0)
    tab.pages.setCurrentWidget(tab.weights)
    click_cell(qtbot, tab.weights, 2, 0)
    assert tab.selected == (2, 0) and tab.set_button.isEnabled()
    tab.cell_value.setValue(0.25)
    with qtbot.waitSignal(tab.result_ready, timeout=30000) as blocker:
        qtbot.mouseClick(tab.set_button, Qt.LeftButton)
    W = 0.5 * np.eye(3, k=-1)
    W[2, 0] = 0.25
    np.testing.assert_allclose(tab.weights.values, W)
    expected = np.linalg.solve(np.eye(3) - W, [1.0, 0.5, 0.0])
    np.testing.assert_allclose(blocker.args[0].r[-1], expected, atol=1e-6)


def test_dragging_an_input_bar_makes_that_unit_win(qtbot, tab):
    set_form(tab, "params", motif="winner-take-all", N=3, alpha=1.5, f="threshold_linear",
             gain=1.0, threshold=0.0, input_kind="constant", I0=1.0, I_slope=-0.5)
    tab.pages.setCurrentWidget(tab.bars)
    run(qtbot, tab)
    assert tab.bars.winners.tolist() == [0]
    with qtbot.waitSignal(tab.result_ready, timeout=30000) as blocker:
        tab.bars.handles[2].setPos(2.4, 1.3)  # as a drag does: x stays at the bar
    assert tab.bars.handles[2].pos().x() == 2
    assert blocker.args[0].r[-1] == pytest.approx([0, 0, 1.3], abs=1e-3)
    assert tab.bars.winners.tolist() == [2]


def run_tool(qtbot, tab, key, **values):
    form = tab.tool_forms[key]
    form.set_params(form.params().replace(**values))
    with qtbot.waitSignal(tab.tool_ready, timeout=60000) as blocker:
        qtbot.mouseClick(tab.findChild(type(tab.run_bar.run_button), f"tool_{key}"),
                         Qt.LeftButton)
    return blocker.args[1]


def test_the_tools_draw_their_answers(qtbot, tab):
    set_form(tab, "params", motif="winner-take-all", N=2, f="threshold_linear", gain=1.0,
             threshold=0.0, input_kind="constant", I0=1.0, I_slope=-0.5, t_end=1500.0)
    wta = run_tool(qtbot, tab, "wta", alpha_min=0.0, alpha_max=1.0, n_values=21)
    assert wta.answer == pytest.approx(0.5, abs=0.051)  # alpha* = I_2 / I_1
    x, y = tab.analysis.data()["active units/active units"]
    np.testing.assert_array_equal(y, wta.columns["active units"])
    set_form(tab, "params", motif="random", N=200, f="tanh", gain=1.0, threshold=0.0)
    chaos = run_tool(qtbot, tab, "chaos", g_min=0.4, g_max=2.4, n_values=6, t_lyap=400.0)
    lam = chaos.columns["largest exponent (1/ms)"]
    assert lam[0] < 0 < lam[-1] and 0.8 < chaos.answer < 1.6
    assert f"g ≈ {chaos.answer:.3g}" in tab.readout.text()
    hopf = run_tool(qtbot, tab, "hopf", P_min=1.0, P_max=4.0, n_P=31)
    assert len(hopf.critical) == 1 and 2.2 < hopf.critical[0] < 2.4
    assert "bifurcation" in tab.analysis.plots


def test_a_trajectory_on_the_decision_plane_ends_in_the_favoured_attractor(qtbot, tab):
    set_form(tab, "decision", bias=0.2, h1_0=0.5, h2_0=0.5)  # one attractor left
    tab.pages.setCurrentWidget(tab.decision_plane)
    with qtbot.waitSignal(tab.decision_plane.trajectory_finished, timeout=30000) as blocker:
        qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
    track = blocker.args[0].part()
    stable = [fp for fp in tab.decision_plane.fixed_points if fp.stable]
    assert len(stable) == 1 and stable[0].x > stable[0].y
    assert (track.x[-1], track.y[-1]) == pytest.approx((stable[0].x, stable[0].y), abs=1e-3)


def test_a_session_keeps_edits_inputs_and_trajectories(qtbot, tab, runner):
    set_form(tab, "params", motif="winner-take-all", N=3, alpha=1.5, f="threshold_linear",
             gain=1.0, threshold=0.0, input_kind="constant")
    set_form(tab, "wc", P=2.0)
    tab.set_weight(0, 1, -0.5)
    tab.bars.handles[1].setPos(1, 2.0)
    tab.wc_plane.start_trajectory(0.3, 0.2, animate=False)
    state = tab.state()
    other = RateNetworkTab(runner)
    qtbot.addWidget(other)
    other.restore(state)
    assert other.edits == {(0, 1): -0.5}
    assert other.inputs.tolist() == tab.inputs.tolist()
    assert other.network_weights()[0, 1] == -0.5
    assert other.param_forms["wc"].params().P == 2.0
    assert [(t.x0, t.y0) for t in other.wc_plane.view().trajectories] == [(0.3, 0.2)]
    assert other.state() == state
    with pytest.raises(ValueError):
        other.restore({**state, "view": {**state["view"], "edits": {"a": 1.0}}})


def test_command_line_export_writes_the_rates(tmp_path, main_py):
    out = tmp_path / "rates.csv"
    done = main_py("--tab", "rate_network", "--set", "motif=winner-take-all", "--set", "N=3",
                   "--set", "f=threshold_linear", "--set", "gain=1", "--set", "threshold=0",
                   "--set", "input_kind=constant", "--export", str(out))
    assert done.returncode == 0, done.stderr
    rows = out.read_text().splitlines()
    assert len(rows) > 1000 and "unit 0" in rows[0]
    png = tmp_path / "rates.png"
    assert main_py("--tab", "rate_network", "--export", str(png)).returncode == 0
    assert png.stat().st_size > 10000


def test_scripting_results_match_the_tab(qtbot, tab):
    params = tab.param_forms["params"].params()
    result = run(qtbot, tab)
    direct = rn.simulate(params)
    np.testing.assert_allclose(result.r, direct.r)
