"""neurodynex_gui.show(tab, **values): from a notebook to the window (issue 23)."""
import subprocess

import pytest

import neurodynex_gui
from neurodynex_gui import notebook
from neurodynex_gui.app import main
from neurodynex_gui.models.params import ParamError


def _value(tab, name):
    return next(getattr(form.params(), name) for form in tab.param_forms.values()
                if name in form.params_class.names())


@pytest.fixture
def fresh_window(qtbot, runner, monkeypatch):
    """show() opens its window on the session's simulation process; closed afterwards."""
    from neurodynex_gui.main_window import MainWindow

    made = []

    def new_window():
        window = MainWindow(runner=runner, tab_ids=["lif", "hh", "fitzhugh_nagumo"])
        qtbot.addWidget(window)
        made.append(window)
        return window

    monkeypatch.setattr(notebook, "_new_window", new_window)
    monkeypatch.setattr(notebook, "_window", None)
    yield made
    for window in made:
        for tab in window.tabs.values():
            tab.stop()


def test_show_opens_the_tab_with_the_values_then_reuses_the_window(qtbot, fresh_window):
    tab = neurodynex_gui.show("hh", I_amp=7.5, tend=120, run=False)
    window, = fresh_window
    qtbot.waitUntil(window.isVisible)
    assert window.current_tab is tab and tab.tab_id == "hh"
    assert (_value(tab, "I_amp"), _value(tab, "tend")) == (7.5, 120.0)
    again = neurodynex_gui.show("lif", I_amp=1.5, run=False)
    assert fresh_window == [window]  # the same window, now on the LIF tab
    assert window.current_tab is again and _value(again, "I_amp") == 1.5
    assert _value(window.tabs["hh"], "I_amp") == 7.5  # the other tab keeps its values


def test_show_runs_the_tab_unless_asked_not_to(qtbot, fresh_window):
    tab = neurodynex_gui.show("lif", I_amp=1.5, tend=50)  # the run starts from the event loop
    with qtbot.waitSignal(tab.result_ready, timeout=60_000) as got:
        pass
    result = got.args[0]
    assert tab.tab_id == "lif" and result.I_nA.max() == 1.5 and result.t_ms[-1] < 50


@pytest.mark.parametrize("tab, values, argument", [
    ("hh", {"I_amp": 1e9}, "I_amp"),
    ("nope", {}, "tab"),
    ("lif", {"I_amps": 1.0}, "I_amps"),
    ("lif", {"I_tstart": 90.0}, "I_tend"),  # after the default end of the step
])
def test_bad_values_are_refused_naming_them_before_anything_opens(fresh_window, tab, values,
                                                                   argument):
    with pytest.raises(ParamError, match=f"^{argument}: "):
        neurodynex_gui.show(tab, **values)
    assert fresh_window == []


def test_the_command_line_opens_the_window_on_a_tab_and_refuses_bad_values(capsys):
    assert main(["--tab", "lif", "--set", "I_amp=1e9"]) == 2
    assert "I_amp: must be at most" in capsys.readouterr().err
    command = notebook.command("lif", notebook.check_values("lif", {"I_amp": 1.5}))
    assert command[-4:] == ["--tab", "lif", "--set", "I_amp=1.5"]
    done = subprocess.run(command + ["--exit-after-show"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "window shown" in done.stdout, done.stderr
