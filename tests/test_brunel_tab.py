"""The Brunel network tab driven like a user (issue 18): a run streamed into the raster and
the activity, a regime preset, a session round trip with the results, the command line."""
import numpy as np
import pytest
from PyQt5.QtCore import Qt

from neurodynex_gui.tabs.brunel_tab import BrunelTab


@pytest.fixture
def tab(qtbot, runner):
    tab = BrunelTab(runner)
    qtbot.addWidget(tab)
    tab.resize(1300, 820)
    tab.show()
    yield tab
    tab.stop()


def set_form(tab, **values):
    form = tab.param_forms["params"]
    for name, value in values.items():
        assert form.set_value(name, str(value)), name


def test_a_run_fills_raster_activity_spectrum_and_readout(qtbot, tab):
    set_form(tab, N_Excit=400, sim_time=150, seed=5, monitored_subset_size=50)
    with qtbot.waitSignal(tab.result_ready, timeout=60000) as blocker:
        qtbot.mouseClick(tab.run_bar.run_button, Qt.LeftButton)
    result = blocker.args[0]
    data = tab.traces.data()
    np.testing.assert_allclose(np.sort(data["raster/spikes"][0]), np.sort(result.spike_t_ms))
    assert data["raster/spikes"][1].max() < 50
    t, activity = data["activity/A (1 ms bins)"]
    assert len(t) == 150  # 1 ms bins of 150 ms
    # the binned activity is the population's spike count per neuron and second
    assert activity.mean() == pytest.approx(result.rate_Hz.mean(), rel=1e-6)
    assert len(tab.spectrum.data()["power/spectrum"][0]) > 10
    assert "ISI CV" in tab.readout.text() and "synchrony" in tab.readout.text()


def test_a_regime_preset_sets_g_and_the_input_relative_to_threshold(tab):
    tab.apply_preset("synchronous irregular, slow (SI slow)")
    params = tab.param_forms["params"].params()
    nu_thr = 20.0 / (200 * 0.5 * 20e-3)  # theta / (C_ext w0 tau) = 10 Hz
    assert params.g == 4.5
    assert params.poisson_input_rate == pytest.approx(0.9 * nu_thr)
    assert "slow" in tab.regime_text.text()
    assert "nu_ext / nu_thr = 0.90" in tab.prediction.text()


def test_a_session_keeps_parameters_and_results(qtbot, tab, runner):
    set_form(tab, N_Excit=200, sim_time=60, g=5.5, seed=2)
    tab.run_blocking()
    state, arrays = tab.state(), tab.result_arrays()
    other = BrunelTab(runner)
    qtbot.addWidget(other)
    other.restore(state, arrays)
    assert other.param_forms["params"].params() == tab.param_forms["params"].params()
    for key, (x, y) in tab.traces.data().items():
        np.testing.assert_array_equal(other.traces.data()[key][0], x)
    np.testing.assert_array_equal(other.spectrum.data()["power/spectrum"][1],
                                  tab.spectrum.data()["power/spectrum"][1])


def test_the_command_line_exports_a_run(tmp_path, main_py):
    out = tmp_path / "brunel.npz"
    result = main_py("--tab", "brunel", "--set", "N_Excit=200", "--set", "sim_time=80",
                     "--set", "monitored_subset_size=20", "--export", str(out))
    assert result.returncode == 0, result.stderr
    data = np.load(out)
    assert data["activity/A (1 ms bins)/x"][-1] == pytest.approx(79.5)
    assert data["raster/spikes/y"].max() < 20


def test_the_phase_diagram_fills_in_and_comes_back_with_the_session(qtbot, tab, runner):
    set_form(tab, N_Excit=200, sim_time=80, seed=3)
    form = tab.tool_forms["phase_diagram"]
    for name, value in dict(g_min=3, g_max=7, g_n=2, nu_ratio_min=2, nu_ratio_max=2,
                            nu_ratio_n=1, workers=1).items():
        assert form.set_value(name, str(value)), name
    with qtbot.waitSignal(tab.tool_ready, timeout=120000) as blocker:
        qtbot.mouseClick(tab.findChild(type(tab.run_bar.run_button), "tool_phase_diagram"),
                         Qt.LeftButton)
    grid = blocker.args[1]
    assert grid.completed and grid.shape == (2, 1)
    rates = grid.columns["rate_Hz"][:, 0]
    assert rates[0] > 1.5 * rates[1]  # g = 3 fires much faster than g = 7
    assert tab.progress_bars["phase_diagram"].value() == 100
    np.testing.assert_array_equal(tab.diagram.image.image, grid.columns["rate_Hz"])
    tab.readout_box.setCurrentText("synchrony chi")
    tab.scheduler.setText("tcp://10.0.0.5:8786")
    other = BrunelTab(runner)
    qtbot.addWidget(other)
    other.restore(tab.state(), tab.result_arrays())
    assert other.readout_box.currentText() == "synchrony chi"
    assert other.scheduler.text() == "tcp://10.0.0.5:8786"
    np.testing.assert_array_equal(other.diagram.image.image, grid.columns["synchrony"])


def test_the_command_line_runs_a_sweep_into_an_npz(tmp_path, main_py):
    out = tmp_path / "diagram.npz"
    result = main_py("--tab", "brunel", "--set", "N_Excit=60", "--set", "sim_time=40",
                     "--set", "seed=9", "--sweep", "g=3,8", "--sweep", "nu_ratio=2:2:1",
                     "--export", str(out))
    assert result.returncode == 0, result.stderr
    data = np.load(out)
    assert data["axis/g"].tolist() == [3.0, 8.0] and data["axis/nu_ratio"].tolist() == [2.0]
    assert data["done"].all()
    assert data["column/rate_Hz"][0, 0] > data["column/rate_Hz"][1, 0]
    bad = main_py("--tab", "brunel", "--sweep", "gg=1:2:2", "--export", str(out))
    assert bad.returncode == 2 and "gg" in bad.stderr
