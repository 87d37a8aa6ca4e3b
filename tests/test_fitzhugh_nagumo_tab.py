"""The FitzHugh-Nagumo tab driven like a user: clicks in the plane, the slider, the arrows
toggle, the bifurcation button, sessions and the command line.

Expected numbers come from the equations solved here by other means (brentq on the cubic,
scipy's DOP853, numpy.linalg on finite-difference Jacobians, the closed-form Hopf currents).
"""
import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PyQt5.QtCore import QPointF, Qt
from PyQt5.QtWidgets import QPushButton
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from neurodynex_gui import session
from neurodynex_gui.models.params import ParamError
from neurodynex_gui.runner import Runner
from neurodynex_gui.tabs.fitzhugh_nagumo_tab import FitzHughNagumoTab
from neurodynex_gui.widgets import phase_plane

ROOT = Path(__file__).resolve().parents[1]


def fhn_rhs(u, w, I, eps=0.1, a=2.0):
    return u * (1 - u**2) - w + I, eps * (u + 0.5 * (a - w))


def reference(u0, w0, I, t_end, eps=0.1, a=2.0, n=None):
    t_eval = np.linspace(0, t_end, n or int(round(abs(t_end) / 0.1)) + 1)
    sol = solve_ivp(lambda _t, s: fhn_rhs(s[0], s[1], I, eps, a), (0, t_end), [u0, w0],
                    method="DOP853", t_eval=t_eval, rtol=1e-10, atol=1e-12)
    return sol.t, sol.y[0], sol.y[1]


def fixed_point(I, a=2.0):
    u = brentq(lambda u: u**3 + u + a - I, -10, 10, xtol=1e-14)
    return u, 2 * u + a


def kind_by_numpy(I, eps=0.1, a=2.0, h=1e-6):
    u, w = fixed_point(I, a)
    J = np.column_stack([(np.array(fhn_rhs(u + du, w + dw, I, eps, a))
                          - np.array(fhn_rhs(u - du, w - dw, I, eps, a))) / (2 * h)
                         for du, dw in ((h, 0), (0, h))])
    eig = np.linalg.eigvals(J)
    return (("stable" if eig.real.max() < 0 else "unstable")
            + (" focus" if abs(eig.imag).max() > 1e-9 else " node"))


@pytest.fixture
def tab(qtbot):
    runner = Runner()  # this tab's jobs run in-process: the simulation process never starts
    widget = FitzHughNagumoTab(runner)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    qtbot.waitUntil(lambda: widget.plane.panel.isVisible())
    yield widget
    widget.stop()
    runner.shutdown()


def click(qtbot, tab, u, w):
    """Left click on the phase plane at data coordinates (u, w)."""
    plane = tab.plane
    pos = plane.panel.mapFromScene(plane.plane.vb.mapViewToScene(QPointF(u, w)))
    qtbot.mouseClick(plane.panel.viewport(), Qt.LeftButton, pos=pos)


def wait_drawn(qtbot, tab, count):
    qtbot.waitUntil(lambda: len(tab.plane.trajectories) == count
                    and all(run.done for run in tab.plane.trajectories), timeout=3000)


def drawn(tab, name):
    return tab.plane.panel.data()[f"plane/{name}"]


def test_a_click_starts_a_trajectory_at_the_clicked_point(qtbot, tab):
    pixel = tab.plane.plane.vb.viewPixelSize()
    click(qtbot, tab, 0.7, 2.3)
    wait_drawn(qtbot, tab, 1)
    u, w = drawn(tab, "trajectory 1")
    assert abs(u[0] - 0.7) <= pixel[0] and abs(w[0] - 2.3) <= pixel[1]
    # the drawn curve is the solution from that point (sampled every 0.1, 500 time units)
    t_ref, u_ref, w_ref = reference(u[0], w[0], 0.0, 500.0)
    assert len(u) == len(t_ref) == 5001
    assert np.abs(u - u_ref).max() < 1e-4 and np.abs(w - w_ref).max() < 1e-4
    # the time plot shows u(t) and w(t) of that trajectory
    t_u, u_t = tab.plane.panel.data()["time/u"]
    assert t_u[[0, -1]] == pytest.approx([0, 500]) and u_t == pytest.approx(u)


def test_several_trajectories_stay_until_cleared(qtbot, tab):
    for k, (u, w) in enumerate([(-2.0, -1.0), (1.5, 4.0), (0.0, 0.0)], start=1):
        click(qtbot, tab, u, w)
        wait_drawn(qtbot, tab, k)
    starts = [drawn(tab, f"trajectory {k}") for k in (1, 2, 3)]
    assert [round(s[0][0], 1) for s in starts] == [-2.0, 1.5, 0.0]
    t_u, u_t = tab.plane.panel.data()["time/u"]
    assert u_t[0] == pytest.approx(starts[2][0][0])          # the last one
    assert not any("trajectory" in label.text for _, label in tab.plane.plane.legend.items)
    qtbot.mouseClick(tab.plane.clear_button, Qt.LeftButton)
    data = tab.plane.panel.data()
    assert not any(key.startswith("plane/trajectory") or key.startswith("time/") for key in data)


def test_backward_trajectory_runs_back_in_time_from_the_click(qtbot, tab):
    tab.param_forms["params"].set_value("I_ext", "1.5")
    tab.plane.backward_box.setChecked(True)
    click(qtbot, tab, 0.4, 1.2)
    wait_drawn(qtbot, tab, 1)
    (u_f, w_f), (u_b, w_b) = drawn(tab, "trajectory 1"), drawn(tab, "trajectory 1 backward")
    assert (u_b[0], w_b[0]) == (u_f[0], w_f[0])
    _, u_ref, w_ref = reference(u_b[0], w_b[0], 1.5, -5.0)
    assert u_b[:51] == pytest.approx(u_ref, abs=1e-4) and w_b[:51] == pytest.approx(w_ref, abs=1e-4)
    t, _ = tab.plane.panel.data()["time/u"]
    assert t[0] < -4.9 and t[-1] == pytest.approx(500) and np.all(np.diff(t) > 0)


def test_the_I_slider_moves_the_fixed_point_marker(qtbot, tab):
    slider = tab.explore_sliders[0].sliders["I_ext"]
    form = tab.param_forms["params"]
    for I in (1.0, 2.0, 3.5):
        slider.setValue(round((I + 1.0) / 0.05))       # the slider spans I = -1..5 in 0.05
        assert form.params().I_ext == pytest.approx(I)
        kind = kind_by_numpy(I)
        u, w = drawn(tab, kind)
        assert (u[0], w[0]) == pytest.approx(fixed_point(I), abs=1e-9)
        shown = tab.plane.panel.data()
        assert sum(f"plane/{kind}" in shown for kind in phase_plane.FIXED_POINT_STYLES) == 1
        assert kind in tab.plane.readout.text()
        legend = [label.text for _, label in tab.plane.plane.legend.items]
        assert legend == ["u-nullcline", "w-nullcline", kind]
    u_nullcline = drawn(tab, "u-nullcline")
    finite = np.isfinite(u_nullcline[0])
    u, w = u_nullcline[0][finite], u_nullcline[1][finite]
    assert w == pytest.approx(u - u**3 + 3.5)


def test_typing_in_the_form_moves_the_slider(tab):
    form = tab.param_forms["params"]
    form.set_value("eps", "0.5")
    assert tab.explore_sliders[0].value("eps") == pytest.approx(0.5)
    assert form.set_value("I_ext", "7.5")                   # beyond the slider's range
    assert tab.explore_sliders[0].value("I_ext") == pytest.approx(5.0)
    assert drawn(tab, kind_by_numpy(7.5, eps=0.5))[0] == pytest.approx([fixed_point(7.5)[0]])


def test_trajectories_follow_a_parameter_change(qtbot, tab):
    click(qtbot, tab, -1.0, 0.5)
    wait_drawn(qtbot, tab, 1)
    before = drawn(tab, "trajectory 1")
    tab.param_forms["params"].set_value("I_ext", "2.0")
    qtbot.waitUntil(lambda: not np.array_equal(drawn(tab, "trajectory 1")[0], before[0]))
    u, w = drawn(tab, "trajectory 1")
    assert (u[0], w[0]) == (before[0][0], before[1][0])
    _, u_ref, w_ref = reference(u[0], w[0], 2.0, 100.0)
    assert np.abs(u[:1001] - u_ref).max() < 1e-4 and np.abs(w[:1001] - w_ref).max() < 1e-4


@pytest.mark.parametrize("mode", phase_plane.FLOW_MODES)
def test_flow_arrows_normalised_or_proportional_to_speed(tab, mode):
    tab.plane.flow_box.setCurrentText(mode)
    xs, ys = tab.plane.flow.getData()
    (x0, x1), (y0, y1) = tab.plane.view_limits()
    cell = np.array([(x1 - x0), (y1 - y0)]) / phase_plane.FLOW_GRID
    tail = np.column_stack([xs[0::6], ys[0::6]])
    tip = np.column_stack([xs[1::6], ys[1::6]])
    centre = (tail + tip) / 2
    length = np.hypot(*((tip - tail) / cell).T)               # in grid cells
    du, dw = fhn_rhs(centre[:, 0], centre[:, 1], 0.0)
    direction = (tip - tail) / np.hypot(*(tip - tail).T)[:, None]
    flow = np.column_stack([du, dw]) / np.hypot(du, dw)[:, None]
    assert len(length) == phase_plane.FLOW_GRID**2
    assert np.abs(direction - flow).max() < 1e-9               # along the flow
    speed = np.hypot(du / cell[0], dw / cell[1])
    if mode == "normalised":
        assert length == pytest.approx(0.8)
    else:
        assert length == pytest.approx(0.9 * speed / speed.max())


def test_zooming_recomputes_the_geometry_for_the_new_view(tab):
    tab.param_forms["params"].set_value("I_ext", "1.5")
    tab.plane.plane.setRange(xRange=(0.0, 1.0), yRange=(1.0, 3.0), padding=0)
    xs, ys = tab.plane.flow.getData()
    centres_u = (xs[0::6] + xs[1::6]) / 2
    assert centres_u.min() == pytest.approx(0.025) and centres_u.max() == pytest.approx(0.975)
    u, w = drawn(tab, "u-nullcline")
    assert np.nanmin(u) == pytest.approx(0.0) and np.nanmax(u) == pytest.approx(1.0)
    assert "no fixed point in view" in tab.plane.readout.text()   # it is at u = -0.42
    tab.plane.plane.vb.enableAutoRange()                  # the "A" button: back to the start
    assert tab.plane.view_limits() == ((-2.5, 2.5), (-2.5, 5.5))


def test_bifurcation_view_marks_the_analytic_hopf_currents(qtbot, tab):
    button = tab.findChild(QPushButton, "tool_bifurcation")
    with qtbot.waitSignal(tab.tool_ready, timeout=10000):
        qtbot.mouseClick(button, Qt.LeftButton)
    v = np.sqrt((1 - 0.1 / 2) / 3)
    hopf = [2 - v**3 - v, 2 + v**3 + v]
    plot = tab.analysis.plots["bifurcation"]
    marks = sorted(item.value() for item in plot.items if hasattr(item, "angle")
                   and item.angle == 90)
    assert marks == pytest.approx(hopf, abs=1e-3)
    for value in hopf:
        assert f"I = {value:.4f}" in tab.readout.text()
    I, re1 = tab.analysis.data()["bifurcation/Re λ1"]
    assert len(I) == 400 and I[[0, -1]] == pytest.approx([0, 4])
    for k in (0, 150, 250):
        u, _ = fixed_point(I[k])
        J = np.array([[1 - 3 * u**2, -1], [0.1, -0.05]])
        assert re1[k] == pytest.approx(np.linalg.eigvals(J).real.max(), abs=1e-9)
    _, u_max = tab.analysis.data()["bifurcation/u max"]
    inside = (I > hopf[0] + 0.05) & (I < hopf[1] - 0.05)
    assert np.all(u_max[inside] > 0.9)                          # a limit cycle of size ~1
    assert u_max[~inside & (I < 1)] == pytest.approx([fixed_point(i)[0] for i in I[I < 1]])


def test_session_round_trip_recomputes_the_trajectories(qtbot, tab, tmp_path):
    form = tab.param_forms["params"]
    form.set_value("I_ext", "1.5")
    form.set_value("tend", "50")
    tab.plane.flow_box.setCurrentText(phase_plane.FLOW_MODES[1])
    tab.plane.backward_box.setChecked(True)
    click(qtbot, tab, 0.5, 1.0)
    wait_drawn(qtbot, tab, 1)
    tab.plane.backward_box.setChecked(False)
    click(qtbot, tab, -2.0, -1.0)
    wait_drawn(qtbot, tab, 2)
    tab.plane.backward_box.setChecked(True)
    tab.plane.plane.setRange(xRange=(-2.0, 2.0), yRange=(-1.0, 4.0), padding=0)
    path = session.save(tmp_path / "s.ndx.json", {"fitzhugh_nagumo": tab.state()}, None)

    other = FitzHughNagumoTab(None)
    qtbot.addWidget(other)
    other.restore(session.load(path)["tabs"]["fitzhugh_nagumo"])
    assert other.param_forms["params"].params() == form.params()
    assert other.plane.starts() == tab.plane.starts()
    assert other.plane.flow_mode == phase_plane.FLOW_MODES[1]
    assert other.plane.backward_box.isChecked()
    assert np.ravel(other.plane.view_limits()) == pytest.approx([-2, 2, -1, 4])
    for name in ("trajectory 1", "trajectory 1 backward", "trajectory 2"):
        u, w = drawn(other, name)
        assert u == pytest.approx(drawn(tab, name)[0]) and w == pytest.approx(drawn(tab, name)[1])
    assert len(drawn(other, "trajectory 2")[0]) == 501


def test_session_with_results_redraws_the_bifurcation_view(qtbot, tab):
    with qtbot.waitSignal(tab.tool_ready, timeout=10000):
        tab.run_tool("bifurcation")
    state, arrays = tab.state(), tab.result_arrays()
    assert "sweep/bifurcation/column/re_lambda1" in arrays
    other = FitzHughNagumoTab(None)
    qtbot.addWidget(other)
    other.restore(state, arrays)
    v = np.sqrt((1 - 0.1 / 2) / 3)
    plot = other.analysis.plots["bifurcation"]
    marks = sorted(item.value() for item in plot.items if getattr(item, "angle", 0) == 90)
    assert marks == pytest.approx([2 - v**3 - v, 2 + v**3 + v], abs=1e-3)
    assert other.analysis.data()["bifurcation/u max"][1] == pytest.approx(
        tab.analysis.data()["bifurcation/u max"][1], nan_ok=True)


@pytest.mark.parametrize("bad", [{"trajectories": [{"x0": "a", "y0": 1}]},
                                 {"trajectories": [{"x0": 1.0}]},
                                 {"flow": "sideways"}, {"backward": "yes"},
                                 {"x_range": [2, 1]}])
def test_a_bad_session_changes_nothing(qtbot, tab, bad):
    click(qtbot, tab, 0.5, 1.0)
    wait_drawn(qtbot, tab, 1)
    state = tab.state()
    state["params"]["I_ext"] = 2.5
    state["view"]["plane"].update(bad)
    with pytest.raises(ParamError):
        tab.restore(state)
    assert tab.param_forms["params"].params().I_ext == 0.0
    assert len(tab.plane.starts()) == 1


def test_command_line_I_alias_and_run(tab):
    tab.set_value("I", "1.5")
    tab.set_value("v0", "-1")
    tab.set_value("w0", "2")
    track = tab.run_blocking()
    assert tab.plane.params.I_ext == 1.5
    _, u_ref, _ = reference(-1.0, 2.0, 1.5, 500.0)
    assert track.x[0] == -1.0 and np.abs(track.x - u_ref).max() < 1e-4


def test_command_line_export(tmp_path):
    out = tmp_path / "fhn.csv"
    args = [sys.executable, str(ROOT / "main.py"), "--tab", "fitzhugh_nagumo", "--set", "I=0.5",
            "--set", "v0=-1.5", "--set", "w0=3", "--export"]
    done = subprocess.run(args + [str(out)], capture_output=True, text=True, cwd=ROOT,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    with open(out, newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    column = {name: k for k, name in enumerate(header)}
    u_key = "plane/trajectory 1 u (dimensionless)"
    assert float(rows[1][column[u_key]]) == -1.5
    assert float(rows[1][column[u_key.replace(" u ", " w ")]]) == 3.0
    nullcline = "plane/u-nullcline "
    cu, cw = column[nullcline + "u (dimensionless)"], column[nullcline + "w (dimensionless)"]
    u, w = np.array([(r[cu], r[cw]) for r in rows[1:] if r[cu] not in ("", "nan")], float).T
    assert len(u) > 100 and w == pytest.approx(u - u**3 + 0.5)
    png = tmp_path / "fhn.png"
    done = subprocess.run(args + [str(png), "--width", "1200"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(png.read_bytes()[16:20], "big") == 1200
