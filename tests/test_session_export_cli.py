"""Sessions, exports and the command line, on the LIF tab."""
import csv
import json
import math
import xml.etree.ElementTree as ElementTree

import numpy as np
import pytest
from PyQt5.QtGui import QImage

from neurodynex_gui import session


@pytest.fixture
def window(make_window):
    return make_window("lif")


def edit(window):
    tab = window.tabs["lif"]
    tab.apply_preset("book ch. 1.3 (physiological)")
    assert tab.param_forms["stimulus"].set_value("kind", "sinusoid")
    assert tab.param_forms["stimulus"].set_value("I_freq", "0.25")
    assert tab.tool_forms["fi_curve"].set_value("n", "17")
    return window.session_state()


def test_session_round_trip(window, tmp_path):
    saved = edit(window)
    path = window.save_session(tmp_path / "lecture.ndx.json")
    window.tabs["lif"].reset_defaults()
    assert window.session_state() != saved
    assert window.open_session(path)
    assert window.session_state() == saved
    on_disk = json.loads(path.read_text())
    assert on_disk["format"] == "neurodynex-gui-session"
    assert on_disk["version"] == session.VERSION
    assert on_disk["tabs"]["lif"]["params"]["firing_threshold"] == -50.0
    assert on_disk["active_tab"] == "lif"
    assert not list(tmp_path.glob(".*tmp*")), "temporary file left behind"


@pytest.mark.parametrize("content, message", [
    ("{not json", "corrupt"),
    ('{"format": "something-else", "version": 1, "tabs": {}}', "not a neurodynex-gui session"),
    ('{"format": "neurodynex-gui-session", "version": 99, "tabs": {}}', "newer"),
    ('{"format": "neurodynex-gui-session", "version": 1, "tabs": {"lif": {"params": '
     '{"membrane_time_scale": -5}}}}', "membrane_time_scale"),
    ('{"format": "neurodynex-gui-session", "version": 1, "tabs": {"lif": {"params": '
     '{"no_such_parameter": 1}}}}', "unknown parameter"),
    ('{"format": "neurodynex-gui-session", "version": 1, "tabs": []}', "corrupt"),
])
def test_bad_sessions_are_refused_and_nothing_changes(window, tmp_path, content, message):
    before = edit(window)
    path = tmp_path / "bad.ndx.json"
    path.write_text(content)
    assert not window.open_session(path)
    assert message in window.last_error
    assert window.session_state() == before


def test_atomic_save_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "s.ndx.json"
    session.save(path, {"lif": {"params": {}}}, "lif")
    original = path.read_text()
    with pytest.raises(ValueError):
        session.save(path, {"lif": {"params": {"x": float("nan")}}}, "lif")
    assert path.read_text() == original


def test_exports_decode(qtbot, window, tmp_path):
    tab = window.tabs["lif"]
    with qtbot.waitSignal(tab.result_ready, timeout=20000):
        tab.run()
    png = window.export_to(tmp_path / "f.png", width=1200)
    image = QImage(str(png))
    assert not image.isNull() and image.width() == 1200
    svg = window.export_to(tmp_path / "f.svg")
    root = ElementTree.parse(svg).getroot()
    assert root.tag.endswith("svg")
    with window.export_to(tmp_path / "f.csv").open() as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    assert "v/v time (ms)" in header and "v/v potential v (mV)" in header
    v_column = header.index("v/v potential v (mV)")
    assert len([r for r in body if r[v_column] != ""]) == 1000
    npz = np.load(window.export_to(tmp_path / "f.npz"))
    np.testing.assert_allclose(npz["v/v/y"], tab.result.v_mV)
    assert len(npz["v/spikes/x"]) == 9


def test_cli_lists_tabs(main_py):
    result = main_py("--list-tabs")
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith("lif\t")


def test_cli_exports_a_run_with_parameters_set(tmp_path, main_py):
    out = tmp_path / "run.npz"
    result = main_py("--tab", "lif", "--set", "I_amp=1.5", "--set", "tend=200", "--export",
                     str(out))
    assert result.returncode == 0, result.stderr
    data = np.load(out)
    assert data["v/v/x"][-1] == pytest.approx(199.9)
    isi = math.ceil(math.log(3.0) / 0.1) * 0.1
    assert len(data["v/spikes/x"]) == math.floor(50.0 / isi)


def test_cli_uses_a_session_then_the_sets(tmp_path, window, main_py):
    edit(window)
    path = window.save_session(tmp_path / "s.ndx.json")
    out = tmp_path / "run.png"
    result = main_py("--tab", "lif", "--session", str(path), "--set", "kind=step",
                     "--export", str(out))
    assert result.returncode == 0, result.stderr
    assert not QImage(str(out)).isNull()


@pytest.mark.parametrize("args, message", [
    (("--set", "I_amx=2"), "I_amx: unknown parameter"),
    (("--set", "I_amp=lots"), "I_amp: 'lots' is not a number"),
    (("--set", "membrane_time_scale=0"), "membrane_time_scale: must be at least"),
    (("--set", "I_amp"), "is not NAME=VALUE"),
])
def test_cli_bad_names_and_values_exit_non_zero_with_one_line(tmp_path, args, message, main_py):
    result = main_py("--tab", "lif", *args, "--export", str(tmp_path / "x.png"))
    assert result.returncode != 0
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and message in errors[0]
    assert not (tmp_path / "x.png").exists()


def test_cli_unknown_tab_and_format(tmp_path, main_py):
    assert main_py("--tab", "nope", "--export", str(tmp_path / "x.png")).returncode != 0
    bad = main_py("--tab", "lif", "--export", str(tmp_path / "x.gif"))
    assert bad.returncode != 0 and ".gif" in bad.stderr


def test_every_tab_round_trips_through_a_session(make_window, tmp_path):
    """All tabs at once: each tab's state (forms, view, its own extras) survives save/open,
    and the active tab comes back."""
    first = make_window()
    for tab in first.tabs.values():  # change one value of each tab's first form
        form = next(iter(tab.param_forms.values()))
        name, default, meta = next((n, d, m) for n, d, m in form.params_class.specs()
                                   if isinstance(d, float) and m.max is not None
                                   and m.step and d + m.step <= m.max)
        assert form.set_value(name, str(default + meta.step)), (tab.tab_id, name)
    first.tab_widget.setCurrentWidget(first.tabs["hopfield"])
    saved = first.session_state()
    path = first.save_session(tmp_path / "all.ndx.json")

    second = make_window()
    assert second.session_state() != saved
    assert second.open_session(path), second.last_error
    assert second.current_tab is second.tabs["hopfield"]
    for tab_id, state in saved["tabs"].items():
        reopened = second.session_state()["tabs"][tab_id]
        for key in state:
            if key != "view":  # axis ranges follow the window's size
                assert reopened[key] == state[key], (tab_id, key)
