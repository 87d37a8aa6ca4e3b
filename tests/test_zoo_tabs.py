"""Neuron zoo tabs (issue 14): presets, the phase planes with reset jumps, the AdEx gallery,
the exp-IF I-V relation, and sessions."""
import json

import numpy as np
import pytest
from scipy.optimize import brentq

from neurodynex_gui.models import adex, izhikevich as iz
from neurodynex_gui.runner import Runner
from neurodynex_gui.tabs.adex_tab import AdExTab
from neurodynex_gui.tabs.exp_if_tab import ExpIFTab
from neurodynex_gui.models import neural_dynamics as nd
from neurodynex_gui.tabs.izhikevich_tab import IzhikevichTab
from neurodynex_gui.tabs.neural_dynamics_tab import NeuralDynamicsTab


@pytest.fixture
def make_tab(qtbot):
    made = []
    runner = Runner()  # in-process jobs: the simulation process never starts

    def make(cls):
        widget = cls(runner)
        qtbot.addWidget(widget)
        widget.resize(1400, 850)
        widget.show()
        made.append(widget)
        return widget

    yield make
    for widget in made:
        widget.stop()
    runner.shutdown()


def run(qtbot, tab):
    with qtbot.waitSignal(tab.result_ready, timeout=10000):
        tab.run()
    return tab.result


def drawn(panel, plot, name):
    item = panel.curve(plot, name).item
    return item.xData, item.yData


@pytest.mark.parametrize("name", ["bursting", "transient", "delayed"])
def test_adex_preset_run_shows_u_w_and_the_reset_jumps_in_the_plane(qtbot, make_tab, name):
    tab = make_tab(AdExTab)
    tab.apply_preset(f"Table 6.1: {name}")
    params = adex.FIRING_PATTERNS[name]
    assert tab.param_forms["params"].params() == params
    assert tab.param_forms["stimulus"].params().I_amp == adex.PATTERN_CURRENTS[name]
    result = run(qtbot, tab)
    assert f"classified as <b>{name}</b>" in tab.readout.text()
    t, w = drawn(tab.traces, "w", "w")
    np.testing.assert_array_equal(w, result.w)
    # one dashed jump per spike: from (v_spike, w) to (v_reset, w + b)
    jx, jy = drawn(tab.plane.panel, "plane", "resets (jumps)")
    assert len(jx) == 2 * result.spike_count
    np.testing.assert_allclose(jx[0::2], params.v_spike)
    np.testing.assert_allclose(jx[1::2], params.v_reset)
    # w grows by b at the jump (plus dt dw/dt of the step: below 0.1 pA here)
    np.testing.assert_allclose(jy[1::2] - jy[0::2], params.b, atol=0.1)
    # the run in the plane is broken at every reset (one NaN per spike)
    x, _ = drawn(tab.plane.panel, "plane", "simulated run")
    assert np.isnan(x).sum() == result.spike_count


def test_adex_plane_nullclines_follow_the_current(qtbot, make_tab):
    tab = make_tab(AdExTab)
    tab.param_forms["stimulus"].set_params(tab.param_forms["stimulus"].params().replace(
        I_amp=30.0))
    tab._params_changed()  # what the form's changed signal does
    u, w = drawn(tab.plane.panel, "plane", "u-nullcline")
    finite = np.isfinite(u) & np.isfinite(w)
    u, w = u[finite], w[finite]
    p = adex.AdExParams()
    expected = 30.0 + 1000.0 * (-(u - p.v_rest) + p.delta_T * np.exp((u - p.v_rheobase)
                                                                     / p.delta_T)) / p.R
    np.testing.assert_allclose(w, expected, rtol=1e-6, atol=1e-6)
    # below the rheobase of the AdEx (a = 0.5 nS) the two nullclines cross: a stable rest
    assert any(fp.stable for fp in tab.plane.fixed_points)


def test_adex_gallery_page_runs_all_seven_presets(qtbot, make_tab):
    tab = make_tab(AdExTab)
    tab.pages.setCurrentWidget(tab.gallery_page)  # opening the page runs it
    qtbot.waitUntil(lambda: tab.gallery_result is not None, timeout=10000)
    for name in adex.FIRING_PATTERNS:
        t, v = drawn(tab.gallery_panel, name, "u")
        assert len(t) == 5000 and np.nanmax(v) <= -30.0 + 1e-9
        assert tab.gallery_panel.plots[name].titleLabel.text.startswith(f"{name}: {name}")
    assert "7 of 7" in tab.readout.text()


def test_adex_classify_tool_states_the_pattern(qtbot, make_tab):
    tab = make_tab(AdExTab)
    tab.apply_preset("Table 6.1: adapting")
    with qtbot.waitSignal(tab.tool_ready, timeout=10000):
        tab.run_tool("classify")
    result = tab.tool_results["classify"]
    assert "classified as <b>adapting</b>" in result.answer_text
    isi = result.columns["ISI_ms"]
    assert isi[-1] > 1.5 * isi[0]


def test_exp_if_iv_page_marks_the_fixed_points_and_the_rheobase(qtbot, make_tab):
    tab = make_tab(ExpIFTab)
    tab.param_forms["stimulus"].set_params(tab.param_forms["stimulus"].params().replace(
        I_amp=200.0))
    tab._draw_iv()
    x, y = drawn(tab.iv, "iv", "fixed points")
    F = lambda u, I: -(u + 65.0) + 2.0 * np.exp((u + 55.0) / 2.0) + 20.0 * I / 1000.0  # noqa
    expected = [brentq(F, -90, -55, args=(200.0,)), brentq(F, -55, -20, args=(200.0,)),
                brentq(F, -90, -55, args=(0.0,)), brentq(F, -55, -20, args=(0.0,))]
    np.testing.assert_allclose(x, expected, atol=1e-6)
    np.testing.assert_allclose(y, 0.0)
    assert tab.rheobase_line.value() == -55.0
    result = run(qtbot, tab)
    assert result.spike_count == 0  # 200 pA is below the 400 pA rheobase


def test_izhikevich_presets_run_with_traces_and_plane(qtbot, make_tab):
    tab = make_tab(IzhikevichTab)
    counts = {}
    for name in ("regular spiking (RS)", "fast spiking (FS)"):
        tab.apply_preset(name)
        counts[name] = run(qtbot, tab).spike_count
        jx, _ = drawn(tab.plane.panel, "plane", "resets (jumps)")
        np.testing.assert_allclose(jx[1::2], iz.PRESETS[name][2])
    assert counts["fast spiking (FS)"] > counts["regular spiking (RS)"] > 0
    tab.apply_preset("thalamo-cortical (TC): rebound burst")
    spikes = run(qtbot, tab).spike_times
    assert len(spikes) >= 2 and np.all(spikes > 120.0)  # silent while held down, then a burst


@pytest.mark.parametrize("cls, changes", [
    (AdExTab, {"params": {"a": -0.5, "tau_m": 9.9}, "stimulus": {"I_amp": 108.0}}),
    (ExpIFTab, {"params": {"delta_T": 3.5}, "stimulus": {"I_amp": 420.0}}),
    (IzhikevichTab, {"params": {"a": 0.1, "d": 2.0, "I": 7.5}}),
])
def test_sessions_round_trip_the_zoo_tabs(qtbot, make_tab, cls, changes):
    tab = make_tab(cls)
    for key, values in changes.items():
        form = tab.param_forms[key]
        form.set_params(form.params().replace(**values))
    tab.pages.setCurrentIndex(1)
    state = json.loads(json.dumps(tab.state()))
    other = make_tab(cls)
    other.restore(state)
    for key in tab.param_forms:
        assert other.param_forms[key].params() == tab.param_forms[key].params()
    assert other.pages.currentIndex() == 1
    assert json.loads(json.dumps(other.state()))["view"]["page"] == 1


def test_assembled_neuron_adds_and_removes_channels_and_draws_every_current(qtbot, make_tab):
    tab = make_tab(NeuralDynamicsTab)
    params = tab.param_forms["params"]
    params.set_params(params.params().replace(reset=False, V_th=100.0, I_amp=1.0,
                                              I_tstart=0.0, I_tend=300.0, t_end=100.0))
    result = run(qtbot, tab)
    # the leak alone: V -> E_L + I / g_L = -55 mV with tau = C_m / g_L = 10 ms
    exact = -65.0 + 1.0 / 0.1 * (1.0 - np.exp(-result.t / 10.0))
    np.testing.assert_allclose(result.V, exact, atol=0.02)
    tab.channel_list.add(nd.CHANNEL_TEMPLATES["slow potassium (first-order)"])
    tab.channel_list.add(nd.CHANNEL_TEMPLATES["persistent sodium (instant)"])
    assert len(tab.channel_list.channels()) == 3
    tab.channel_list.remove(2)
    result = run(qtbot, tab)
    names = [key[1] for key in tab.traces.curves if key[0] == "currents"]
    assert len(names) == 2 + 1 + 1  # two channels, the synapse, I_ext
    for name, values in result.currents.items():
        np.testing.assert_array_equal(drawn(tab.traces, "currents", name)[1], values)
    # the potassium current is outward (V above E_K = -90 mV) and slows the rise
    k_name = list(result.currents)[1]
    assert np.all(result.currents[k_name][1:] > 0) and result.V[-1] < -55.0


def test_assembled_neuron_session_keeps_the_channels(qtbot, make_tab):
    tab = make_tab(NeuralDynamicsTab)
    tab.channel_list.add(nd.CHANNEL_TEMPLATES["h current (first-order, hyperpolarisation)"])
    state = json.loads(json.dumps(tab.state()))
    other = make_tab(NeuralDynamicsTab)
    other.restore(state)
    assert other.channel_list.channels() == tab.channel_list.channels()
    assert len(other.channel_list.channels()) == 2
    state["view"]["channels"][0]["gating"] = "magic"
    from neurodynex_gui.models.params import ParamError
    with pytest.raises(ParamError):
        other.validate_state(state)
