"""The Coding and information tab: spikes sent from another tab, each page drawn, the rate
window dragged, files, sessions and the command line (issue 21)."""
import types

import numpy as np
import pytest
from PyQt5.QtCore import Qt

from neurodynex_gui.models import coding
from neurodynex_gui.models import neuron_type as nt


@pytest.fixture
def tab(qtbot):
    """The tab without a runner: its analysis runs at once in this thread."""
    from neurodynex_gui.tabs.coding_tab import CodingTab

    widget = CodingTab()
    qtbot.addWidget(widget)
    return widget


def test_a_lif_run_is_sent_to_the_coding_tab(make_window, run_and_wait, qtbot):
    window = make_window("lif", "coding")
    lif = window.tabs["lif"]
    assert lif.param_forms["stimulus"].set_value("I_amp", "1.5")
    result = run_and_wait(lif)
    assert len(result.spikes_ms) > 10
    target = window.tabs["coding"]
    with qtbot.waitSignal(target.result_ready, timeout=30000) as blocker:
        qtbot.mouseClick(lif.side_panel.analyse_button, Qt.LeftButton)
    assert window.current_tab is target
    data = blocker.args[0].data
    assert np.array_equal(data.times_ms, result.spikes_ms)
    assert data.n_units == 1 and data.t_end_ms == pytest.approx(result.t_ms[-1])
    assert "Leaky integrate-and-fire" in target.readout.text()
    x, y = target.traces.data()["raster/spikes"]
    assert len(x) == 2 * len(result.spikes_ms)
    # a regular LIF train: its intervals hardly vary (CV ~ 0 against 1 for Poisson)
    assert blocker.args[0].cv < 0.05


def test_hh_and_neuron_type_tabs_give_their_spikes_and_others_have_no_button(qtbot):
    from neurodynex_gui.tabs.fitzhugh_nagumo_tab import FitzHughNagumoTab
    from neurodynex_gui.tabs.hh_tab import HHTab
    from neurodynex_gui.tabs.neuron_type_tab import NeuronTypeTab

    hh_tab, type_tab, fhn_tab = HHTab(), NeuronTypeTab(), FitzHughNagumoTab()
    for widget in (hh_tab, type_tab, fhn_tab):
        qtbot.addWidget(widget)
    assert hh_tab.sends_spikes() and type_tab.sends_spikes() and not fhn_tab.sends_spikes()
    assert fhn_tab.side_panel.analyse_button is None
    run = types.SimpleNamespace(spikes_ms=np.array([3.0, 9.5]), t_ms=np.arange(0, 50, 0.1))
    times, ids, t_end = hh_tab.spike_trains(run)
    assert list(times) == [3.0, 9.5] and list(ids) == [0, 0] and t_end == pytest.approx(49.9)
    # two neurons, two amplitudes each: a pulse above threshold every 10 ms for row k + 1
    t = np.arange(0, 100.0, 0.1)
    rows = [np.where((t % (10.0 * (k + 1))) < 1.0, 20.0, -70.0) for k in range(2)]
    traces = nt.Traces(t, np.array(rows), np.zeros((2, len(t))), np.zeros((2, len(t))),
                       np.array([1.0, 2.0]))
    pair = nt.PairResult({"X": "type I", "Y": "type II"}, {"X": traces, "Y": traces})
    times, ids, t_end = type_tab.spike_trains(pair)
    expected = [nt.get_spiketimes(t, row) for row in rows] * 2
    assert [len(e) for e in expected] == [np.sum(ids == unit) for unit in range(4)]
    for unit, train in enumerate(expected):
        assert np.array_equal(times[ids == unit], train)
    assert t_end == pytest.approx(99.9)
    type_tab.result = None
    assert not type_tab.send_spikes()  # nothing run yet: a message, no signal


def test_without_a_coding_tab_the_window_says_so(make_window):
    window = make_window("lif")
    lif = window.tabs["lif"]
    lif.result = types.SimpleNamespace(spikes_ms=np.array([5.0]), t_ms=np.arange(0, 10, 0.1))
    assert lif.send_spikes()
    assert "Coding tab is missing" in window.statusBar().currentMessage()


def test_every_page_is_drawn_with_the_numbers_of_the_analysis(tab):
    assert tab.param_forms["source"].set_value("kind", "poisson")
    tab.run()
    result = tab.result
    data = result.data
    drawn = {**tab.traces.data(), **tab.variability.data(), **tab.temporal.data(),
             **tab.population.data(), **tab.information.data(), **tab.circuit.data()}
    for key in ("raster/spikes", "rate/PSTH", "rate/sliding window", "rate/true rate",
                "isi/ISI histogram", "fano/Fano factor", "phase/phase",
                "phase_count/phase histogram", "tuning/tuning curves", "posterior/posterior",
                "decoding/Bayes", "decoding/population vector", "decoding/Cramer-Rao bound",
                "mi/plug-in", "mi/corrected", "te/T(source→target)", "degrees/in-degree",
                "motifs/observed", "graph/nodes", "graph/edges"):
        assert key in drawn and len(drawn[key][0]), key
    # the PSTH's mean is the spike count per unit and second (50 ms bins fill 2000 ms)
    assert result.psth_Hz.mean() == pytest.approx(len(data.times_ms) / data.n_units / 2.0)
    # the motif marks are the counts of the graph drawn
    counts = coding.motif_counts(result.graph)
    assert list(drawn["motifs/observed"][1]) == [counts[m] for m in coding.MOTIFS]
    # the generator couples unit 0 to unit 1: that pair stands out of its surrogates
    pair = result.te_labels.index("0→1")
    assert result.te_bits[pair] > result.te_null_95[pair]
    assert result.te_bits[result.te_labels.index("1→0")] < result.te_bits[pair] / 5


def test_dragging_the_rate_window_redraws_the_rates_without_a_new_run(tab):
    tab.run()
    result = tab.result
    assert tab.param_forms["rate"].set_value("window_ms", "100")
    tab.explore("window_ms")
    assert tab.result is result and result.window_ms == 100.0
    x, _ = tab.traces.data()["rate/PSTH"]
    assert len(x) == 2 * 20  # 20 bins of 100 ms as a staircase
    assert x[0] == 0.0 and x[-1] == pytest.approx(2000.0)


def test_files_load_and_a_missing_pynwb_is_said_clearly(tab, tmp_path, monkeypatch):
    data = coding.poisson_spikes(10.0, 500.0, 3, seed=2)
    path = tmp_path / "spikes.csv"
    coding.save_spikes(path, data)
    tab.load_spike_file(path)
    assert np.array_equal(tab.result.data.times_ms, data.times_ms)
    assert "spikes.csv" in tab.source_label.text()
    matrix = tmp_path / "w.csv"
    np.savetxt(matrix, np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]]), delimiter=",")
    tab.load_matrix_file(matrix)
    assert tab.result.connectivity["motifs"]["recurrent loop"] == 1
    monkeypatch.setitem(__import__("sys").modules, "pynwb", None)
    with pytest.raises(ImportError, match="pip install pynwb"):
        tab.load_spike_file(tmp_path / "units.nwb")
    tab.use_generator()
    assert tab.data is None and tab.result.data.source.startswith("inhomogeneous")


def test_the_session_round_trips_forms_and_the_spike_file(make_window, tmp_path):
    window = make_window("coding")
    tab = window.tabs["coding"]
    spikes = tmp_path / "spikes.npz"
    coding.save_spikes(spikes, coding.poisson_spikes(15.0, 400.0, 4, seed=1))
    tab.load_spike_file(spikes)
    changes = {"source": ("kind", "tuned"), "rate": ("window_ms", "80"),
               "information": ("correction", "shuffle"), "circuit": ("n_nodes", "30"),
               "population": ("kappa", "4.5")}
    for form, (name, value) in changes.items():
        assert tab.param_forms[form].set_value(name, value)
    tab.pages.setCurrentIndex(4)
    path = window.save_session(tmp_path / "coding.ndx.json")
    tab.use_generator()
    tab.reset_defaults()
    tab.pages.setCurrentIndex(0)
    assert window.open_session(path)
    values = tab.values()
    assert values["source"].kind == "tuned" and values["rate"].window_ms == 80.0
    assert values["information"].correction == "shuffle" and values["circuit"].n_nodes == 30
    assert values["population"].kappa == 4.5
    assert tab.pages.currentIndex() == 4
    assert tab.data is not None and tab.spike_file == str(spikes)


def test_the_command_line_exports_the_coding_tab(tmp_path, main_py):
    out = tmp_path / "coding.npz"
    result = main_py("--tab", "coding", "--set", "kind=poisson", "--set", "n_units=7",
                     "--export", str(out))
    assert result.returncode == 0, result.stderr
    expected = coding.generate(coding.SourceParams(kind="poisson", n_units=7))
    with np.load(out) as arrays:
        times, ticks = arrays["raster/spikes/x"], arrays["raster/spikes/y"]
    # each spike is a tick from its unit id to id + 0.8
    assert np.array_equal(times[::2], expected.times_ms)
    assert np.array_equal(ticks[::2], expected.ids) and ticks.max() == pytest.approx(6.8)


def test_the_zoo_synapse_and_brunel_tabs_send_their_spikes(qtbot):
    from neurodynex_gui.models.reset_neurons import SpikingResult
    from neurodynex_gui.tabs.adex_tab import AdExTab
    from neurodynex_gui.tabs.brunel_tab import BrunelTab
    from neurodynex_gui.tabs.synapses_tab import SynapsesTab

    adex_tab, synapse_tab, brunel_tab = AdExTab(), SynapsesTab(), BrunelTab()
    for widget in (adex_tab, synapse_tab, brunel_tab):
        qtbot.addWidget(widget)
        assert widget.sends_spikes() and widget.side_panel.analyse_button is not None
    t = np.arange(0.0, 100.0, 0.1)
    run = SpikingResult(t, t * 0, t * 0, t * 0, np.array([12.0, 40.5]))
    times, ids, t_end = adex_tab.spike_trains(run)
    assert list(times) == [12.0, 40.5] and list(ids) == [0, 0] and t_end == pytest.approx(99.9)
    pair = types.SimpleNamespace(spikes_ms=np.array([10.0, 30.0]), t_ms=t,
                                 post_spikes_ms=np.array([12.0]))
    times, ids, _ = synapse_tab.spike_trains(pair)  # pre = unit 0, post = unit 1, in time order
    assert list(times) == [10.0, 12.0, 30.0] and list(ids) == [0, 1, 0]
    network = types.SimpleNamespace(spike_t_ms=np.array([1.0, 2.0]), spike_i=np.array([7, 3]),
                                    sim_time_ms=300.0)
    times, ids, t_end = brunel_tab.spike_trains(network)
    assert list(ids) == [7, 3] and t_end == 300.0
