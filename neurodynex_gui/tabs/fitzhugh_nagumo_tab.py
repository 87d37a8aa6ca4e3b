"""FitzHugh-Nagumo tab (book chapter 4.3): phase plane, trajectories, bifurcation view."""
from __future__ import annotations

import dataclasses
import time

import numpy as np

from .. import presentation
from ..models import fitzhugh_nagumo as fhn
from ..view_state import TabView
from ..widgets.bifurcation import show_bifurcation
from ..widgets.phase_plane import PhasePlane, PlaneView
from .base import ModelTab
from .declarations import Page, Tool



@dataclasses.dataclass(frozen=True)
class FHNView(TabView):
    plane: PlaneView = PlaneView()


class FitzHughNagumoTab(ModelTab):
    tab_id = "fitzhugh_nagumo"
    title = "FitzHugh-Nagumo"
    book_section = "Neuronal Dynamics, ch. 4.3 (phase plane analysis)"
    forms = (("params", "Model", fhn.FHNParams),)
    presets = {
        "Excitable rest (I = 0)": {"params": fhn.FHNParams()},
        "Just below the Hopf point (I = 1.2)": {"params": fhn.FHNParams(I_ext=1.2)},
        "Limit cycle (I = 2)": {"params": fhn.FHNParams(I_ext=2.0)},
        "Fast recovery (eps = 1, I = 2)": {"params": fhn.FHNParams(I_ext=2.0, eps=1.0)},
        "Note's form (b = 0.8, I = 0.6)": {"params": fhn.FHNParams(
            form=fhn.FORMS[1], a=0.7, b=0.8, eps=0.08, I_ext=0.6)},
        "Note's form (b = 1.5, I = 0)": {
            "params": fhn.FHNParams(form=fhn.FORMS[1], a=0.0, b=1.5, eps=0.1)},
    }
    exercises = """
<ol>
<li><b>Trajectories.</b> With I = 0 start a trajectory at u = w = 0 (Run) and a few by
clicking in the plane. Where do they all end? Read the fixed point, its eigenvalues and the
Jacobian under the plot and compare them with the intersection of the two nullclines.</li>
<li><b>Phase plane.</b> Why does w change slowly (the flow arrows are nearly horizontal) and
what does eps set? Follow a trajectory that leaves the left branch of the u-nullcline: which
parts of the loop are fast, which slow? Tick <i>also backward in time</i> to see where a
point came from.</li>
<li><b>Stability.</b> Drag I from 0 upwards and watch the marker of the fixed point change from
a stable node to a stable focus, then to an unstable focus. At which I does the trace of the
Jacobian, 1 - 3u<sup>2</sup> - eps/2, vanish? <i>Tool: Bifurcation view</i> marks the currents
where the real part of the eigenvalues crosses zero.</li>
<li><b>Limit cycle.</b> Between the two critical currents every trajectory ends on a limit
cycle: how do its amplitude (u max/min in the bifurcation view) and its period (time plot)
depend on I? What happens with eps = 1?</li>
</ol>
"""
    simulate_path = "neurodynex_gui.models.fitzhugh_nagumo:simulate"
    in_process = True
    View = FHNView
    sliders = {"I_ext": (-1.0, 5.0), "eps": (0.01, 1.0), "a": (-1.0, 4.0)}
    auto_run = False  # the plane follows every change by itself, trajectories included
    tools = (Tool("bifurcation", "Bifurcation view",
                  "neurodynex_gui.models.fitzhugh_nagumo:bifurcation_view", fhn.BifurcationInputs,
                  tip="Eigenvalues of the fixed point and the extent of the attractor (min/max "
                      "of u) against I; the currents where the stability changes are marked"),)

    def build_plots(self, panel) -> None:
        form = self.param_forms["params"]
        params = form.params()
        self.plane = PhasePlane(fhn.FHN, params, fhn.V_LIM, fhn.W_LIM, t_end=params.tend,
                                dt_out=fhn.DT_OUT, panel=panel)
        form.changed.connect(self._params_changed)
        self.plane.trajectory_started.connect(lambda _run: presentation.refresh(self.plane))
        self.plane.trajectory_finished.connect(self._trajectory_done)

    def build_pages(self) -> list[Page]:
        return [Page("Phase plane", self.plane, self.plane.panel),
                Page("Bifurcation", self.analysis)]

    def explore(self, _name: str = "") -> None:
        """The plane follows every change by itself (trajectories included)."""

    def _params_changed(self, _params=None) -> None:
        params = self.param_forms["params"].params()
        self.plane.set_params(params, t_end=params.tend)

    # -- trajectories ------------------------------------------------------------------------

    def run(self) -> None:
        """Start the trajectory from the form's initial point (u0, w0)."""
        if self.refuse_if_invalid():
            return
        self.pages.setCurrentWidget(self.plane)
        params = self.param_forms["params"].params()
        self.plane.start_trajectory(params.v0, params.w0)

    def stop(self) -> None:
        self.plane.stop()
        super().stop()

    def run_blocking(self):
        """The trajectory from (u0, w0), computed and drawn at once (command line export)."""
        params = self.param_forms["params"].params()
        run = self.plane.start_trajectory(params.v0, params.w0, animate=False)
        self.result = run.part()
        return self.result

    def _trajectory_done(self, run) -> None:
        self.result = track = run.part()
        elapsed_ms = (time.perf_counter() - run.started) * 1e3
        last = track.t >= 0.8 * track.t[-1]
        self.readout.setText(
            f"Trajectory from (u, w) = ({run.x0:.3f}, {run.y0:.3f}): at t = {track.t[-1]:.0f}, "
            f"(u, w) = ({track.x[-1]:.3f}, {track.y[-1]:.3f}); over its last fifth u ranges "
            f"from {np.min(track.x[last]):.3f} to {np.max(track.x[last]):.3f}.")
        self.run_bar.set_message(f"trajectory drawn in {elapsed_ms:.0f} ms")

    # -- bifurcation view ----------------------------------------------------------------------

    def show_tool_result(self, key: str, result) -> None:
        """A bifurcation view rather than one plot per column."""
        self._show_bifurcation(result)
        self.readout.setText(result.answer_text)

    def _show_bifurcation(self, result) -> None:
        show_bifurcation(self.analysis, fhn.FHN, result)
        presentation.refresh(self.analysis)

    # -- parameters, sessions, export ----------------------------------------------------------

    def custom_model(self) -> str:
        """The equations with time in units of tau = 1 ms and I as a constant input."""
        from ..models import custom_spec as cs

        p = self.param_forms["params"].params()
        values = {"eps": p.eps, "a": p.a, "tau": 1.0, "u_0": p.v0, "w_0": p.w0, "tend": p.tend,
                  "dt": 0.05, "method": "rk4"}
        stimulus = {"kind": "step", "I_tstart": 0.0, "I_tend": p.tend, "I_amp": p.I_ext}
        return cs.model_file_text(cs.PRESETS["FitzHugh-Nagumo"][0], values, stimulus)

    def set_value(self, name: str, text: str) -> None:
        """As the base, with ``I`` accepted for the seed's ``I_ext``."""
        super().set_value("I_ext" if name == "I" else name, text)
        self._params_changed()

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self._params_changed()

    def view_fields(self) -> dict:
        return {"plane": self.plane.view()}

    def apply_view(self, view: FHNView) -> None:
        """Trajectories are recomputed from their start points with the restored parameters."""
        self._params_changed()
        self.plane.apply_view(view.plane)
