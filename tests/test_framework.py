"""The tab framework: plugins through entry points, view states described once, the replay,
and tabs that use only the base's public hooks."""
import ast
import dataclasses
import importlib
import inspect
import json
import os
import shutil
import subprocess
import sys
from typing import Annotated, Literal

import numpy as np
import pytest

from neurodynex_gui import session, tabs
from neurodynex_gui.models.params import ParamError
from neurodynex_gui.tabs.base import ModelTab
from neurodynex_gui.view_state import Codec, MaxItems, Range, TabView, ViewState
from neurodynex_gui.widgets.phase_plane import PlaneView

PLUGIN_SOURCE = os.path.join(os.path.dirname(__file__), "data", "ndx_demo_plugin")


@pytest.fixture(scope="module")
def plugin_site(tmp_path_factory):
    """The demo plugin installed by pip into a folder of its own (not into the venv)."""
    source = tmp_path_factory.mktemp("plugin-source") / "ndx_demo_plugin"
    shutil.copytree(PLUGIN_SOURCE, source)
    site = tmp_path_factory.mktemp("plugin-site")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                           "--target", str(site), str(source)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return site


@pytest.fixture
def with_plugin(plugin_site, monkeypatch):
    monkeypatch.syspath_prepend(str(plugin_site))
    importlib.invalidate_caches()
    tabs.tab_classes.cache_clear()
    yield
    tabs.tab_classes.cache_clear()


def test_an_installed_plugin_tab_is_listed_by_the_command_line(plugin_site):
    checkout = os.path.dirname(os.path.dirname(os.path.dirname(tabs.__file__)))  # this tree
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(plugin_site), checkout])}
    done = subprocess.run([sys.executable, "-c", "import sys; from neurodynex_gui.app import "
                           "main; sys.exit(main(['--list-tabs']))"],
                          capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    builtin = len(tabs.BUILTIN)
    assert lines[:builtin] == [f"{c.tab_id}\t{c.title}" for c in
                               (tabs.resolve(path) for path in tabs.BUILTIN)]
    assert lines[builtin:] == ["exponential_decay\tExponential decay (plugin)"]


def test_a_plugin_tab_runs_in_the_window_and_its_session(with_plugin, make_window, qtbot,
                                                          tmp_path):
    window = make_window()
    assert window.tab_ids[-1] == "exponential_decay"
    tab = window.tabs["exponential_decay"]
    titles = [window.tab_widget.tabText(i) for i in range(window.tab_widget.count())]
    assert titles[-1] == "Exponential decay (plugin)"
    tab.set_value("tau", "5")
    with qtbot.waitSignal(tab.result_ready, timeout=10000):
        tab.run()
    t, v = tab.traces.data()["v/v"]
    np.testing.assert_allclose(v[t == 5.0], 20.0 / np.e)  # v0 e^(-t/tau) at t = tau
    path = window.save_session(tmp_path / "plugin.ndx.json")
    assert json.loads(path.read_text())["tabs"]["exponential_decay"]["params"]["tau"] == 5.0
    tab.set_value("tau", "7")
    assert window.open_session(path)
    assert tab.param_forms["params"].params().tau == 5.0


def test_a_broken_plugin_is_skipped_with_a_warning(monkeypatch):
    class Point:
        name, value = "broken", "nowhere:Nothing"

        def load(self):
            raise ImportError("No module named 'nowhere'")

    monkeypatch.setattr(tabs, "entry_points", lambda group: [Point()])
    tabs.tab_classes.cache_clear()
    try:
        with pytest.warns(UserWarning, match="tab plugin 'broken' skipped"):
            assert len(tabs.tab_ids()) == len(tabs.BUILTIN)
    finally:
        tabs.tab_classes.cache_clear()


# -- view state ------------------------------------------------------------------------------

def _even(rows):
    if not isinstance(rows, list) or len(rows) % 2:
        raise ValueError("must be a list of even length")
    return np.array(rows, float)


@dataclasses.dataclass(frozen=True)
class Point(ViewState):
    x: float
    label: Literal["a", "b"] = "a"


@dataclasses.dataclass(frozen=True)
class DemoView(TabView):
    points: Annotated[tuple[Point, ...], MaxItems(3)] = ()
    window: Range | None = None
    pairs: Annotated[np.ndarray, Codec(_even, lambda a: a.tolist())] = dataclasses.field(
        default_factory=lambda: np.zeros(2))
    shown: bool = True


def test_a_view_state_round_trips_through_json():
    view = DemoView(page=1, ranges={"traces": {"v": ((0.0, 1.0), (-2.0, 2.0))}},
                    points=(Point(1.5), Point(-2.0, "b")), window=(3.0, 4.0),
                    pairs=np.array([1.0, 2.0]), shown=False)
    text = json.dumps(view.to_json())
    again = DemoView.parse(json.loads(text))
    assert again.points == view.points and again.window == (3.0, 4.0)
    assert again.ranges == view.ranges and again.page == 1 and again.shown is False
    np.testing.assert_array_equal(again.pairs, [1.0, 2.0])
    defaults = DemoView.parse({})
    assert (defaults.page, defaults.points, defaults.window, defaults.shown) == (0, (), None, True)


@pytest.mark.parametrize("bad, where", [
    ({"page": "1"}, "view/page"), ({"page": True}, "view/page"),
    ({"points": [{"x": 10 ** 400}]}, "view/points[0]/x"),
    ({"points": [{"x": float("nan")}]}, "view/points[0]/x"),
    ({"points": [{"label": "a"}]}, "view/points[0]"),
    ({"points": [{"x": 1, "label": "c"}]}, "view/points[0]/label"),
    ({"points": [{"x": 1}] * 4}, "view/points"), ({"points": {"x": 1}}, "view/points"),
    ({"window": [2, 1]}, "view/window"), ({"window": [1, 2, 3]}, "view/window"),
    ({"pairs": [1, 2, 3]}, "view/pairs"), ({"shown": "yes"}, "view/shown"),
    ({"ranges": {"traces": {"v": [[0, 10 ** 400], [0, 1]]}}}, "view/ranges/traces/v[0][1]"),
    ({"ranges": 5}, "view/ranges"), ({"colour": "red"}, "view"),
])
def test_a_bad_view_state_is_refused_naming_the_field(bad, where):
    with pytest.raises(ParamError) as refused:
        DemoView.parse(bad)
    assert refused.value.name == where


def test_version_2_sessions_are_migrated_into_the_described_views():
    v2 = {"format": session.FORMAT, "version": 2, "active_tab": "oja", "results": None, "tabs": {
        "fitzhugh_nagumo": {"params": {}, "view": {"page": 0, "ranges": {}},
                            "plane": {"trajectories": [{"x0": 1.0, "y0": 0.5,
                                                        "backward": True}],
                                      "flow": "normalised", "backward": False}},
        "oja": {"params": {}, "runs": [{"eta": 0.01}],
                "view": {"page": 0, "ranges": {}, "display": {"duration": 0.0}}},
        "hopfield": {"params": {"N": 2}, "drawn": [["#.", ".#"]], "grid": ["##", ".."],
                     "view": {"page": 0, "ranges": {}}}}}
    doc = session.parse(v2)
    assert doc["version"] == session.VERSION
    fhn, oja, hopfield = (doc["tabs"][t] for t in ("fitzhugh_nagumo", "oja", "hopfield"))
    plane = PlaneView.parse(fhn["view"]["plane"])
    assert plane.trajectories[0].x0 == 1.0 and plane.trajectories[0].backward
    assert "plane" not in fhn and oja["display"] == {"duration": 0.0}
    assert oja["view"]["runs"] == [{"eta": 0.01}] and "display" not in oja["view"]
    assert hopfield["view"]["drawn"] == [["#.", ".#"]] and hopfield["view"]["grid"] == ["##",
                                                                                           ".."]


def test_every_tab_restores_its_own_migrated_state(window):
    """Each tab's state survives save -> parse -> validate with the current version."""
    doc = session.parse(json.loads(json.dumps(window.session_state())))
    for tab_id, tab in window.tabs.items():
        parsed = tab.validate_state(doc["tabs"][tab_id])
        assert parsed.view.to_json() == tab.state()["view"]


# -- replay ----------------------------------------------------------------------------------

def test_replay_plays_pauses_steps_and_stops_its_timer(qtbot):
    from neurodynex_gui.widgets.replay import Replay, ReplayBar

    shown = []

    def advance_to(frame):
        shown.append(min(frame, 9))
        return frame < 9

    replay = Replay(advance_to, rate=200.0)
    bar = ReplayBar(replay)
    qtbot.addWidget(bar)
    replay.start(play=False)
    assert shown == [0] and not replay.playing and replay.active
    assert replay.step() and shown == [0, 1]
    replay.play()
    assert replay.playing and bar.play_button.text() == "Pause"
    qtbot.waitUntil(lambda: not replay.active, timeout=2000)
    assert shown[-1] == 9 and shown == sorted(shown)  # frames in order, by the clock
    assert not replay._timer.isActive()  # nothing ticks while idle
    assert not bar.play_button.isEnabled()
    shown.clear()
    replay.start()
    replay.finish()
    assert shown[-1] == 9 and not replay.active and len(shown) == 2  # skipped to the end


# -- tabs use the base's public hooks only -----------------------------------------------------

def _private_base_members() -> set[str]:
    return {name for name in vars(ModelTab) if name.startswith("_") and not
            name.startswith("__")}


@pytest.mark.parametrize("tab_class", list(tabs.tab_classes().values()),
                         ids=lambda c: c.tab_id)
def test_a_tab_overrides_and_calls_no_private_member_of_the_base(tab_class):
    private = _private_base_members()
    assert not private & set(vars(tab_class)), "overrides a private member of ModelTab"
    tree = ast.parse(inspect.getsource(inspect.getmodule(tab_class)))
    used = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert not private & used, "uses a private member of ModelTab"
    source = inspect.getsource(inspect.getmodule(tab_class))
    for forbidden in ("sip.delete", "insertWidget", "side_panel.widget()", "removeTab"):
        assert forbidden not in source


def test_a_run_behind_another_tabs_job_says_what_it_waits_for(qtbot, make_window):
    """Runs go to the first free simulation process: with two long runs in flight a third
    waits, its run bar says behind what, and its time counts from its own start."""
    window = make_window("lif", "hh", "neuron_type")
    lif, hh, types = (window.tabs[t] for t in ("lif", "hh", "neuron_type"))
    lif.param_forms["params"].set_value("tend", "100000")
    hh.param_forms["params"].set_value("tend", "20000")
    for tab in (lif, hh):
        tab.run()
        # "simulation…" (with the time counting) only once the job has started
        qtbot.waitUntil(lambda t=tab: t.run_bar.state.text().startswith("simulation…"),
                        timeout=30000)
    types.run()
    qtbot.waitUntil(lambda: "waiting for" in types.run_bar.state.text(), timeout=10000)
    assert types.run_bar.state.text() in ("waiting for the Leaky integrate-and-fire simulation",
                                          "waiting for the Hodgkin-Huxley simulation")
    assert types.run_bar.stop_button.isEnabled()
    with qtbot.waitSignal(types.result_ready, timeout=60000):
        lif.stop()
        hh.stop()
    assert types.run_bar.state.text().startswith("done in")


def test_listing_the_tabs_imports_neither_brian2_nor_scipy():
    """The window shows every tab's title before it builds them: reading the registry must
    stay cheap (brian2 and scipy cost seconds to import; they load when a tab computes)."""
    code = ("import sys; from neurodynex_gui.tabs import tab_classes; tab_classes(); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('brian2', 'scipy')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
