"""Malformed sessions are refused with one clear message; nothing changes, nothing crashes."""
import zipfile

import numpy as np
import pytest

from neurodynex_gui import recovery, session

HEADER = '{"format": "neurodynex-gui-session", "version": 2, "active_tab": "lif", '


def lif_session(state_json: str, rest: str = "") -> str:
    return HEADER + f'"tabs": {{"lif": {state_json}}}{rest}}}'


BAD = {
    "tools as a list": (lif_session('{"tools": [1, 2]}'), "tab lif: tools"),
    "integer 10**400": (lif_session('{"params": {"tend": ' + "1" + "0" * 400 + "}}"),
                        "out of range"),
    "integer of 5000 digits": (lif_session('{"params": {"tend": ' + "9" * 5000 + "}}"),
                               "corrupt"),
    "100k nested [": (lif_session('{"params": ' + "[" * 100_000 + "]" * 100_000 + "}"),
                      "nested too deeply"),
    "view range 10**400": (lif_session('{"view": {"ranges": {"traces": {"v": [[0, 1], [0, '
                                       + "1" + "0" * 400 + "]]}}}}"), "out of range"),
    "view range of text": (lif_session('{"view": {"ranges": {"traces": {"v": "wide"}}}}'),
                           "tab lif: view/ranges/traces/v"),
    "NaN": (lif_session('{"params": {"tend": NaN}}'), "out of range"),
    "results: 5": (lif_session("{}", ', "results": 5'), "'results' must be a name"),
    "active tab as a list": (HEADER.replace('"lif"', '["lif"]') + '"tabs": {}}',
                             "'active_tab' must be a name"),
    "version true": ('{"format": "neurodynex-gui-session", "version": true, "tabs": {}}',
                     "no valid session version"),
    "v1 view as a list": ('{"format": "neurodynex-gui-session", "version": 1, "tabs": '
                          '{"lif": {"view": [1]}}}', "tab lif: view"),
    "tool inputs of the wrong kind": (lif_session('{"tools": {"fi_curve": {"n": [3]}}}'),
                                      "tab lif"),
}


@pytest.fixture
def window(make_window):
    window = make_window("lif", "hopfield")
    window.tabs["lif"].param_forms["params"].set_value("tend", "123")
    return window


@pytest.mark.parametrize("content, message", BAD.values(), ids=BAD.keys())
def test_malformed_sessions_are_refused_with_a_message_and_nothing_changes(
        window, tmp_path, content, message):
    before = window.session_state()
    path = tmp_path / "bad.ndx.json"
    path.write_text(content)
    assert not window.open_session(path)  # no exception escapes
    assert message in window.last_error
    assert "Traceback" not in window.last_error
    assert window.session_state() == before


def corrupt_deflate(npz):
    """Overwrite the start of the first member's compressed data: zlib cannot inflate it."""
    with zipfile.ZipFile(npz) as archive:
        info = archive.infolist()[0]
    data = bytearray(npz.read_bytes())
    name_length = int.from_bytes(data[info.header_offset + 26:info.header_offset + 28], "little")
    extra_length = int.from_bytes(data[info.header_offset + 28:info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_length + extra_length
    data[start:start + 8] = b"\xff" * 8
    npz.write_bytes(data)


@pytest.mark.parametrize("damage", ["deflate", "truncate", "not a zip", "npy"])
def test_a_corrupt_results_file_is_refused_with_a_message(window, tmp_path, damage):
    path = window.save_session(tmp_path / "s.ndx.json", with_results=True)
    npz = session.results_path(path)
    if damage == "deflate":
        corrupt_deflate(npz)
    elif damage == "truncate":
        npz.write_bytes(npz.read_bytes()[:200])
    elif damage == "not a zip":
        npz.write_bytes(b"hello")
    else:
        np.save(open(npz, "wb"), np.arange(3.0))
    window.tabs["lif"].param_forms["params"].set_value("tend", "200")
    before = window.session_state()
    assert not window.open_session(path)
    assert f"the results file {npz.name} cannot be read" in window.last_error
    assert window.session_state() == before


def test_a_session_without_state_for_a_tab_says_so(window, tmp_path):
    path = tmp_path / "only-hopfield.ndx.json"
    session.save(path, {"hopfield": window.tabs["hopfield"].state()}, "hopfield")
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    assert window.open_session(path)
    assert window.tabs["lif"].param_forms["params"].params().tend == 123.0
    assert "no state for Leaky integrate-and-fire" in messages[-1], messages
    assert "Hopfield" not in messages[-1].split("no state for")[1]


def test_a_malformed_autosave_is_refused_on_restore(window):
    recovery.autosave_path().write_text(lif_session('{"tools": [1]}'))
    try:
        before = window.session_state()
        assert not window.restore_autosave()
        assert "tab lif: tools" in window.last_error
        assert window.session_state() == before
    finally:
        recovery.autosave_path().unlink()


def test_start_up_with_a_malformed_session_does_not_crash(tmp_path, main_py):
    path = tmp_path / "bad.ndx.json"
    path.write_text(BAD["100k nested ["][0])
    result = main_py("--session", str(path), "--exit-after-show")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "window shown" in result.stdout


def test_cli_with_a_session_without_the_tab_notes_it(tmp_path, main_py):
    path = tmp_path / "other.ndx.json"
    session.save(path, {"hopfield": {}}, "hopfield")
    result = main_py("--tab", "lif", "--session", str(path), "--export",
                     str(tmp_path / "x.npz"))
    assert result.returncode == 0, result.stderr
    assert "no state for Leaky integrate-and-fire" in result.stderr


def test_cli_with_a_malformed_session_exits_2_with_one_line(tmp_path, main_py):
    path = tmp_path / "bad.ndx.json"
    path.write_text(BAD["tools as a list"][0])
    result = main_py("--tab", "lif", "--session", str(path), "--export",
                     str(tmp_path / "x.npz"))
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and "tab lif: tools" in errors[0]
