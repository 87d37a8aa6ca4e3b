"""The plasticity tab through its widgets: each experiment runs on the simulation process,
the competition animates and stops, the session keeps parameters and results."""
import math

import numpy as np
import pytest
from PyQt5.QtCore import Qt


@pytest.fixture
def window(make_window):
    return make_window("plasticity")


@pytest.fixture
def tab(window):
    return window.tabs["plasticity"]


def set_form(tab, key, **values):
    for name, value in values.items():
        assert tab.param_forms[key].set_value(name, str(value)), name


def run_page(qtbot, tab, index, timeout=60000):
    tab.pages.setCurrentIndex(index)
    with qtbot.waitSignal(tab.result_ready, timeout=timeout) as blocker:
        qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
    return blocker.args[0]


def test_pairing_window_and_trace(qtbot, tab):
    """10 pairs at 2 Hz, window +-20 ms: every dot is 10 W(dt) (pairs 500 ms apart); the
    weight trace steps by A+ e^(-dt/tau) per pair at dt = +5 ms."""
    set_form(tab, "pairing", dt_ms=5, n_pairs=10, frequency_Hz=2, window_ms=20)
    result = run_page(qtbot, tab, 0)
    assert result.kind == "pairing"
    x, y = tab.traces.data()["window/simulated (brian2)"]
    assert len(x) == 41
    by_hand = np.where(x >= 0, 10 * 0.01 * np.exp(-np.abs(x) / 20),
                       10 * -0.0105 * np.exp(-np.abs(x) / 20))
    np.testing.assert_allclose(y, by_hand, rtol=1e-9, atol=1e-12)
    _, w = tab.traces.data()["weight/w(t) at the chosen dt"]
    assert w[-1] == pytest.approx(10 * 0.01 * math.exp(-5 / 20), rel=1e-9)
    steps = np.unique(np.round(np.diff(w), 12))
    assert set(steps) <= {0.0, round(0.01 * math.exp(-5 / 20), 12)}
    assert "Δw = 0.07788" in tab.readout.text()


def test_frequency_page_triplet_grows(qtbot, tab):
    set_form(tab, "pairing", n_pairs=10, dt_ms=10)
    run_page(qtbot, tab, 1)
    data = tab.frequency.data()
    f, triplet = data["dw/triplet rule, +dt"]
    assert list(f) == [1, 2, 5, 10, 20, 25, 40, 50]
    assert np.all(np.diff(triplet) > 0)
    _, pair = data["dw/pair rule, +dt"]
    assert pair[0] == pytest.approx(10 * 0.01 * math.exp(-0.5), rel=1e-9)
    assert np.all(np.diff(pair) <= 1e-12)


def test_competition_animates_streams_and_stops(qtbot, tab):
    set_form(tab, "competition", n_inputs=200, t_end_s=3, correlated=50)
    result = run_page(qtbot, tab, 2)
    assert result.kind == "competition"
    weights = result.data["weights"]
    assert weights.shape == (4, 200)  # t = 0, 1, 2, 3 s
    assert np.all((weights >= 0) & (weights <= 0.01))
    _, counts = tab.competition.data()["hist/all inputs"]
    assert counts.max() > 0 and counts.sum() == 2 * 200  # each count drawn as a step
    assert len(tab.frames) == 4
    tab.replay.start(play=False)
    assert tab.replay.step()  # frame 1
    assert "t = 1 s" in tab.competition.plots["hist"].titleLabel.text
    tab.replay.finish()
    assert "t = 3 s" in tab.competition.plots["hist"].titleLabel.text
    # a long run is stopped by Stop
    set_form(tab, "competition", t_end_s=60)
    tab.pages.setCurrentIndex(2)
    qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(tab.frames) >= 2, timeout=60000)
    qtbot.mouseClick(tab.run_bar.stop_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not tab.running(), timeout=30000)
    assert len(tab.frames) < 60


def test_hebb_page_and_session_round_trip(qtbot, window, tab, tmp_path):
    set_form(tab, "hebb", r_pre=6, r_post=5, alpha=12, t_end=200)
    set_form(tab, "stdp", rule="triplet", pairing="nearest", A3_plus=0.01)
    set_form(tab, "competition", rule="multiplicative", seed=7)
    run_page(qtbot, tab, 3)
    _, W = tab.hebb.data()["W/synapse 1"]
    assert W[-1] == pytest.approx(6 * 5 / 12, rel=1e-3)
    _, rate = tab.hebb.data()["rate/with scaling"]
    assert rate[-1] == pytest.approx(5.0, rel=0.1)
    path = window.save_session(tmp_path / "plasticity.ndx.json", with_results=True)
    for key in tab.param_forms:
        tab.param_forms[key].reset_defaults()
    tab.hebb.clear_curves()
    tab.pages.setCurrentIndex(0)
    assert window.open_session(path)
    assert tab.param_forms["hebb"].params().r_pre == 6
    assert tab.param_forms["stdp"].params().rule == "triplet"
    assert tab.param_forms["stdp"].params().pairing == "nearest"
    assert tab.param_forms["stdp"].params().A3_plus == 0.01
    assert tab.param_forms["competition"].params().rule == "multiplicative"
    assert tab.pages.currentIndex() == 3
    _, restored = tab.hebb.data()["W/synapse 1"]
    np.testing.assert_allclose(restored, W)


def test_oja_link_switches_tab(make_window):
    window = make_window("plasticity", "oja")
    tab = window.tabs["plasticity"]
    window.tab_widget.setCurrentWidget(tab)
    assert tab.open_oja()
    assert window.tab_widget.currentWidget() is window.tabs["oja"]


def test_command_line_export_of_the_pairing_window(tmp_path, main_py):
    """``--tab plasticity --export``: the default experiment (pairing), its window as CSV:
    5 pairs at 1 Hz, dt from -10 to +10 ms, each 5 W(dt)."""
    out = tmp_path / "window.csv"
    result = main_py("--tab", "plasticity", "--set", "window_ms=10", "--set", "n_pairs=5",
                     "--export", str(out))
    assert result.returncode == 0, result.stderr
    rows = np.genfromtxt(out, delimiter=",", skip_header=1)
    dt, simulated = rows[:, 2], rows[:, 3]
    keep = ~np.isnan(dt)
    by_hand = np.where(dt[keep] >= 0, 5 * 0.01 * np.exp(-np.abs(dt[keep]) / 20),
                       5 * -0.0105 * np.exp(-np.abs(dt[keep]) / 20))
    assert keep.sum() == 21
    np.testing.assert_allclose(simulated[keep], by_hand, rtol=1e-9)


def test_combined_page_runs_and_round_trips(qtbot, window, tab, tmp_path):
    """The SynapticPlasticity page: 10 inputs, 2 s, STP off. Without STP every efficacy is 1
    (no STP curve); the mean weight curve is the mean of the weights; the readout gives the
    STDP and homeostasis statistics; the form and the curves survive a session."""
    set_form(tab, "combined", n_inputs=10, time_span_s=2, stp="False", target_rate=8,
             seed=3)
    result = run_page(qtbot, tab, 4)
    assert result.kind == "combined"
    data = tab.combined.data()
    t, mean = data["w/mean of all"]
    np.testing.assert_allclose(mean, result.data["weights"].mean(axis=1))
    assert t[-1] == pytest.approx(2.0)
    _, target = data["rate/target"]
    assert list(target) == [8.0, 8.0]
    assert "syn/STP mean efficacy u·x" not in data
    x, change = data["syn/Δw / w₀ over the run"]
    assert list(x) == list(range(1, 11))
    w = result.data["weights"]
    np.testing.assert_allclose(change, (w[-1] - w[0]) / w[0])
    assert "STDP: potentiation" in tab.readout.text() and "Homeostasis" in tab.readout.text()
    path = window.save_session(tmp_path / "combined.ndx.json", with_results=True)
    tab.param_forms["combined"].reset_defaults()
    tab.combined.clear_curves()
    tab.pages.setCurrentIndex(0)
    assert window.open_session(path)
    params = tab.param_forms["combined"].params()
    assert (params.n_inputs, params.time_span_s, params.stp, params.target_rate,
            params.seed) == (10, 2.0, False, 8.0, 3)
    assert tab.pages.currentIndex() == 4
    _, restored = tab.combined.data()["w/mean of all"]
    np.testing.assert_allclose(restored, mean)
