"""The Custom model tab driven like a user: typing, error markers at the line, presets,
a run with the closed-form spike count, the form generated from the text, sessions, export."""
import json
import math
import subprocess
import sys

import numpy as np
from PyQt5.QtCore import Qt
from PyQt5.QtGui import QTextCursor

from neurodynex_gui.tabs.custom_tab import CustomTab


def lif_count(R_Mohm, I_nA, tau=8.0, t_ref=2.0, on=20.0, off=170.0):
    """Spikes of the book LIF (rest -70, reset -65, threshold -50 mV) during a step."""
    first = tau * math.log(R_Mohm * I_nA / (R_Mohm * I_nA - 20.0))
    period = t_ref + tau * math.log((R_Mohm * I_nA - 5.0) / (R_Mohm * I_nA - 20.0))
    return int(math.floor((off - on - first) / period)) + 1


def test_typing_a_unit_error_marks_its_line_and_refuses_the_run(qtbot, runner):
    tab = CustomTab(runner)
    qtbot.addWidget(tab)
    tab.show()
    cursor = tab.editor.textCursor()
    block = tab.editor.document().findBlockByNumber(1)  # "dv/dt = ... : volt"
    cursor.setPosition(block.position() + block.length() - 1)
    cursor.movePosition(QTextCursor.StartOfBlock, QTextCursor.KeepAnchor)
    cursor.insertText("dv/dt = (-(v - v_rest) + I) / tau : volt (unless refractory)")
    tab.editor.setTextCursor(cursor)
    qtbot.waitUntil(lambda: tab.checked_text == tab.model_text(), timeout=30000)
    assert [p.line for p in tab.problems_found] == [2], tab.equations.problem_list.text()
    assert tab.equations.highlighter.bad_lines == {2}
    assert "line 2" in tab.equations.problem_list.text()
    messages = []
    tab.message.connect(messages.append)
    tab.run()
    assert tab.job is None and "fix the equations" in messages[-1]
    tab.stop()


def test_the_form_follows_the_text_and_the_lif_runs(qtbot, runner, run_and_wait):
    tab = CustomTab(runner)
    qtbot.addWidget(tab)
    tab.show()
    tab.editor.appendPlainText("g_extra : siemens")
    form = tab.param_forms["params"]
    assert "g_extra" in form.params_class.names()
    assert form.params_class.meta("g_extra").unit == "nS"
    assert form.params().tau == 8.0  # kept
    tab.set_value("R", "12")
    result = run_and_wait(tab)
    assert result.spike_counts == [lif_count(12.0, 2.5)]
    assert "spikes" in tab.readout.text()
    tab.widget = tab
    tab.pages.setCurrentWidget(tab.traces)
    tab.grab().save("/tmp/custom_tab.png")


def test_preset_session_round_trip_and_export(qtbot, tmp_path):
    tab = CustomTab()
    qtbot.addWidget(tab)
    tab.apply_preset("FitzHugh-Nagumo")
    assert set(tab.param_forms["params"].params_class.names()) >= {"eps", "a", "u_0", "w_0"}
    assert tab.param_forms["stimulus"].params_class.unit == ""
    tab.set_value("eps", "0.2")
    tab.set_value("I_amp", "1.5")
    state = json.loads(json.dumps(tab.state()))
    other = CustomTab()
    qtbot.addWidget(other)
    other.restore(state)
    assert other.model_text() == tab.model_text()
    assert other.param_forms["params"].params().eps == 0.2
    assert other.param_forms["stimulus"].params().I_amp == 1.5
    tab.apply_preset("leaky integrate-and-fire")
    script = tab.export_script(tmp_path / "lif.py")
    assert "NeuronGroup" in script
    out = subprocess.run([sys.executable, str(tmp_path / "lif.py"), "--no-plot"],
                         capture_output=True, text=True, timeout=300)
    counts = [line for line in out.stdout.splitlines() if line.startswith("copy 0:")]
    assert counts and counts[0].startswith(f"copy 0: {lif_count(10.0, 2.5)} spikes")


def test_model_file_and_command_line(tmp_path, main_py):
    tab = CustomTab()
    tab.apply_preset("exponential integrate-and-fire")
    tab.set_value("delta_T", "3")
    tab.save_model_file(tmp_path / "expif.txt")
    other = CustomTab()
    other.load_model_file(tmp_path / "expif.txt")
    assert other.model_text() == tab.model_text()
    for key in ("params", "stimulus"):
        assert other.param_forms[key].params().to_dict() == tab.param_forms[key].params().to_dict()
    out = main_py("--tab", "custom", "--model", str(tmp_path / "expif.txt"), "--set", "R=25",
                  "--export", str(tmp_path / "expif.py"))
    assert out.returncode == 0, out.stderr
    script = (tmp_path / "expif.py").read_text()
    assert "group.delta_T = 3.0 * mV" in script and "group.R = 25.0 * Mohm" in script
    out = main_py("--tab", "lif", "--model", str(tmp_path / "expif.txt"), "--export",
                  str(tmp_path / "x.png"))
    assert out.returncode == 2 and "custom tab" in out.stderr


def test_fitzhugh_nagumo_phase_plane_fixed_point_and_type(qtbot, runner):
    """The fixed point of the FitzHugh-Nagumo preset: the real root of u^3 + u + a - I = 0,
    w = 2 u + a; stable where the trace 1 - 3 u^2 - eps/2 of the Jacobian is negative."""
    from scipy.optimize import brentq

    tab = CustomTab(runner)
    qtbot.addWidget(tab)
    tab.show()
    tab.apply_preset("FitzHugh-Nagumo")
    qtbot.waitUntil(lambda: tab.plane_page.plane is not None, timeout=30000)
    for current, stable in ((0.0, True), (2.0, False)):
        tab.set_value("I_amp", str(current))
        tab.parameters_changed()
        qtbot.waitUntil(lambda: tab.plane_page.plane.params["I"] == current, timeout=5000)
        from neurodynex_gui.models import planar

        points = planar.fixed_points(tab.plane_page.plane.model, tab.plane_page.plane.params, (-2.5, 2.5), (-2.5, 5.5))
        u = brentq(lambda u: u**3 + u + 2.0 - current, -10, 10, xtol=1e-13)
        assert len(points) == 1
        assert abs(points[0].x - u) < 1e-6 and abs(points[0].y - (2 * u + 2.0)) < 1e-6
        assert points[0].stable == stable == (1 - 3 * u * u - 0.05 < 0)
        # time in units of tau = 1 ms: the eigenvalues are those of the dimensionless model
        trace = 1 - 3 * u * u - 0.05
        assert abs(np.trace(points[0].jacobian) - trace) < 1e-4
    tab.pages.setCurrentWidget(tab.plane_page)
    tab.resize(1200, 760)
    tab.grab().save("/tmp/custom_plane.png")


def test_open_as_custom_model_reproduces_the_lif_tab(make_window, run_and_wait, qtbot):
    window = make_window("lif", "fitzhugh_nagumo", "custom")
    lif_tab = window.tabs["lif"]
    lif_tab.apply_preset("book ch. 1.3 (physiological)")
    lif_tab.set_value("I_amp", "2.2")
    lif_result = run_and_wait(lif_tab)
    qtbot.mouseClick(lif_tab.side_panel.custom_button, Qt.LeftButton)
    custom_tab = window.tabs["custom"]
    assert window.current_tab is custom_tab
    assert custom_tab.param_forms["stimulus"].params().I_amp == 2.2
    result = run_and_wait(custom_tab)
    assert result.spike_counts == [lif_result.spike_count] == [lif_count(10.0, 2.2)]
    assert np.max(np.abs(result.spikes_ms[0] - lif_result.spikes_ms)) <= 0.1 + 1e-9
    fhn_tab = window.tabs["fitzhugh_nagumo"]
    fhn_tab.set_value("I", "1.5")
    fhn_tab.send_custom_model()
    values = custom_tab.param_forms["params"].params()
    assert custom_tab.model_text().equations.startswith("# FitzHugh-Nagumo")
    assert (values.eps, values.a) == (0.1, 2.0)
    assert custom_tab.param_forms["stimulus"].params().I_amp == 1.5


def test_bifurcation_view_finds_the_hopf_currents(qtbot, runner):
    """FitzHugh-Nagumo: the trace 1 - 3 u^2 - eps/2 vanishes at u^2 = (1 - eps/2) / 3, i.e.
    at I = a -/+ (u^3 + u) (book ch. 4.3); eps = 0.1, a = 2."""
    tab = CustomTab(runner)
    qtbot.addWidget(tab)
    tab.apply_preset("FitzHugh-Nagumo")
    assert tab.bifurcation.param.currentText() == "I"
    tab.run_bifurcation()
    qtbot.waitUntil(lambda: "stability" in tab.readout.text() or "failed" in
                    tab.readout.text(), timeout=60000)
    assert "failed" not in tab.readout.text(), tab.readout.text()
    u = math.sqrt((1 - 0.05) / 3)
    expected = sorted((2 - (u**3 + u), 2 + (u**3 + u)))
    found = [float(part.split()[0]) for part in tab.readout.text().split("I = ")[1:]]
    assert np.allclose(found, expected, atol=1e-3)
