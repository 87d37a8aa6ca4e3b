"""The FitzHugh-Nagumo tab's second form, the note's dV/dt = V - V^3/3 - w + I,
dw/dt = eps (b V - w + a) (issue 14): fixed points, stability and nullclines against formulas
written here."""
import numpy as np
import pytest
from scipy.optimize import brentq

from neurodynex_gui.models import fitzhugh_nagumo as fhn
from neurodynex_gui.models import planar
from neurodynex_gui.runner import Runner
from neurodynex_gui.tabs.fitzhugh_nagumo_tab import FitzHughNagumoTab

NOTE = fhn.FORMS[1]


@pytest.mark.parametrize("I", [-1.0, 0.0, 0.3, 1.0, 2.5])
def test_note_form_fixed_point_and_its_stability(I):
    a, b, eps = 0.2, 1.5, 0.1
    p = fhn.FHNParams(form=NOTE, a=a, b=b, eps=eps, I_ext=I)
    V = brentq(lambda v: v - v**3 / 3 - (b * v + a) + I, -5, 5)  # unique for b > 1
    points = planar.fixed_points(fhn.FHN, p, (-4, 4), (-8, 8))
    assert len(points) == 1
    assert (points[0].x, points[0].y) == pytest.approx((V, b * V + a), abs=1e-7)
    trace = 1 - V**2 - eps  # stable iff negative (the determinant eps (b - 1 + V^2) > 0)
    assert points[0].stable == (trace < 0)


def test_note_form_with_b_below_one_has_three_fixed_points():
    p = fhn.FHNParams(form=NOTE, a=0.7, b=0.8, eps=0.08, I_ext=0.7)
    xs = sorted(x for x, _ in fhn._equilibria(p))
    # V^3/3 - 0.2 V = 0: V = 0 and V = +-sqrt(0.6)
    assert xs == pytest.approx([-np.sqrt(0.6), 0.0, np.sqrt(0.6)], abs=1e-9)


@pytest.fixture
def tab(qtbot):
    runner = Runner()  # in-process jobs only
    widget = FitzHughNagumoTab(runner)
    qtbot.addWidget(widget)
    widget.resize(1400, 850)
    widget.show()
    qtbot.waitUntil(lambda: widget.plane.panel.isVisible())
    yield widget  # held here until teardown: a tab collected mid-test crashes a paint
    widget.stop()
    runner.shutdown()


def test_the_tab_switches_form_and_draws_the_note_nullclines(tab):
    tab.apply_preset("Note's form (b = 1.5, I = 0)")
    assert tab.param_forms["params"].params().form == NOTE
    curve = tab.plane.nullclines[1].item
    u, w = curve.xData, curve.yData
    finite = np.isfinite(u)
    np.testing.assert_allclose(w[finite], 1.5 * u[finite], atol=1e-9)
    u, w = tab.plane.nullclines[0].item.xData, tab.plane.nullclines[0].item.yData
    finite = np.isfinite(u) & np.isfinite(w)
    np.testing.assert_allclose(w[finite], u[finite] - u[finite] ** 3 / 3, atol=1e-6)
