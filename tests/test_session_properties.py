"""Property tests of the session loader: any bytes and any JSON are opened or refused with a
SessionError; a refused session changes nothing; saving leaves no half-written file."""
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurodynex_gui import session
from neurodynex_gui.tabs import tab_class, tab_ids
from neurodynex_gui.tabs.declarations import Form

TAB_IDS = tab_ids()


def _forms(tab_id):
    return [Form(*spec) for spec in tab_class(tab_id).forms]

SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(10 ** 300, 10 ** 320)
           | st.floats() | st.text(max_size=8) | st.sampled_from(["step", "oja", "X", "#."]))
JSON = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=4)
                    | st.dictionaries(st.text(max_size=6), inner, max_size=4), max_leaves=12)


def form_values(tab_id):
    """Objects of a tab's real parameter names with any values (they reach the validators)."""
    names = sorted({name for form in _forms(tab_id) for name in form.params_class.names()})
    return st.dictionaries(st.sampled_from(names), JSON, max_size=3)


def tab_state(tab_id):
    keys = [form.key for form in _forms(tab_id)]
    view = st.fixed_dictionaries({}, optional={
        "page": JSON, "currents": JSON, "plane": JSON, "phase": JSON, "runs": JSON,
        "drawn": JSON, "grid": JSON,
        "ranges": st.dictionaries(st.sampled_from(["traces", "analysis", "x"]),
                                  st.dictionaries(st.text(max_size=4), JSON, max_size=2))
        | JSON})
    return st.fixed_dictionaries({}, optional={
        **{key: form_values(tab_id) | JSON for key in keys},
        "tools": st.dictionaries(st.text(max_size=8), form_values(tab_id) | JSON, max_size=2)
        | JSON,
        "view": view | JSON, "plane": JSON, "phase": JSON, "drawn": JSON, "grid": JSON,
        "runs": st.lists(form_values(tab_id), max_size=2) | JSON})


DOCUMENTS = st.fixed_dictionaries(
    {"format": st.just(session.FORMAT) | JSON, "version": st.sampled_from([1, 2]) | JSON,
     "tabs": st.fixed_dictionaries({}, optional={t: tab_state(t) for t in TAB_IDS})
     | JSON},
    optional={"active_tab": st.sampled_from(list(TAB_IDS)) | JSON,
              "results": st.none() | JSON}) | JSON


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=300) | DOCUMENTS.map(lambda d: json.dumps(d).encode()))
def test_any_file_is_loaded_or_refused_with_a_session_error(tmp_path, content):
    path = tmp_path / "any.ndx.json"
    path.write_bytes(content)
    try:
        doc = session.load(path)
    except session.SessionError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert doc["version"] == session.VERSION and isinstance(doc["tabs"], dict)


@pytest.fixture(scope="module")
def all_tabs_window(runner, qapp):
    from neurodynex_gui.main_window import MainWindow

    window = MainWindow(runner=runner)
    window.show()
    yield window
    for tab in window.tabs.values():
        tab.stop()
    window.close()
    window.deleteLater()


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=DOCUMENTS)
def test_any_session_opens_or_is_refused_and_then_nothing_changed(all_tabs_window, tmp_path,
                                                                  doc):
    window = all_tabs_window
    path = tmp_path / "any.ndx.json"
    path.write_text(json.dumps(doc))
    before = window.session_state()
    if window.open_session(path):  # no exception escapes, whatever the content
        return
    assert window.last_error and "Traceback" not in window.last_error
    after = window.session_state()
    for tab_id, state in before["tabs"].items():
        assert {k: v for k, v in after["tabs"][tab_id].items() if k != "view"} == {
            k: v for k, v in state.items() if k != "view"}, tab_id
    assert sorted(p.name for p in tmp_path.iterdir()) == ["any.ndx.json"]


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tabs=st.dictionaries(st.sampled_from(list(TAB_IDS)),
                            st.dictionaries(st.text(max_size=6), JSON, max_size=3),
                            max_size=3))
def test_saving_writes_a_whole_file_or_leaves_the_old_one(tmp_path, tabs):
    path = tmp_path / "s.ndx.json"
    session.save(path, {"lif": {}}, "lif")
    old = path.read_text()
    try:
        session.save(path, tabs, None)
    except ValueError:  # NaN or infinity: JSON cannot hold them
        assert path.read_text() == old
    else:
        assert json.loads(path.read_text())["tabs"] == json.loads(json.dumps(tabs))
    assert [p.name for p in tmp_path.iterdir()] == ["s.ndx.json"]
