"""Izhikevich simple model tab (Izhikevich 2003; book ch. 6.1): the classic cell types as
presets, traces of v and u, and the v-u phase plane with the run and its resets."""
from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg

from ..models import izhikevich as iz
from ..view_state import TabView
from ..widgets.phase_plane import PhasePlane, PlaneView
from ..widgets.reset_run import ResetRun, frame_run, show_time_course
from .base import ModelTab
from .declarations import Page

V_PEN = pg.mkPen("#1f4e9c", width=2)
U_PEN = pg.mkPen("#c05000", width=2)
I_PEN = pg.mkPen("#2a7d2a", width=2)


@dataclasses.dataclass(frozen=True)
class IzhikevichView(TabView):
    plane: PlaneView = PlaneView()


class IzhikevichTab(ModelTab):
    tab_id = "izhikevich"
    title = "Izhikevich"
    book_section = "Neuronal Dynamics, ch. 6.1; Izhikevich (2003), simple model of spiking neurons"
    forms = (("params", "Cell and input", iz.IzhikevichParams),)
    presets = {name: {"params": iz.IzhikevichParams(a=a, b=b, c=c, d=d,
                                                    I=iz.PRESET_CURRENTS[name])}
               for name, (a, b, c, d) in iz.PRESETS.items()}
    presets["thalamo-cortical (TC): rebound burst"] = {"params": iz.IzhikevichParams(
        *iz.PRESETS["thalamo-cortical (TC)"], I=-10.0, I_tstart=20.0, I_tend=120.0)}
    simulate_path = "neurodynex_gui.models.izhikevich:simulate_params"
    in_process = True
    View = IzhikevichView
    sliders = {"I": (0.0, 30.0, 0.5), "d": (0.0, 10.0, 0.1), "c": (-70.0, -40.0, 1.0)}
    exercises = """
<ol>
<li><b>Cell types.</b> Load each preset (regular spiking, intrinsically bursting, chattering,
fast spiking, low-threshold spiking, thalamo-cortical, resonator): which of a, b, c, d differ,
and what does each change in the trace?</li>
<li><b>Rates.</b> At the same current, which fires faster, RS or FS, and why (a: how fast u
recovers; d: how much it jumps)?</li>
<li><b>Phase plane.</b> The v-nullcline is a parabola, the u-nullcline the line u = b v. Where
does the reset (c, u + d) put the state, relative to the parabola, for bursting and for regular
spiking?</li>
</ol>"""

    def build_plots(self, panel) -> None:
        panel.add_plot("v", "potential v", "mV")
        panel.add_plot("u", "recovery u", "", link_x="v")
        panel.add_plot("I", "input I", "", link_x="v")
        panel.add_curve("v", "v", pen=V_PEN)
        panel.add_curve("u", "u", pen=U_PEN)
        panel.add_curve("I", "I", pen=I_PEN)
        self.plane = PhasePlane(iz.IZHIKEVICH, self.param_forms["params"].params(),
                                (-80.0, 35.0), (-20.0, 10.0), t_end=100.0, dt_out=0.05)
        self.reset_run = ResetRun(self.plane.panel, "plane")
        self.param_forms["params"].changed.connect(self._params_changed)

    def build_pages(self) -> list[Page]:
        return [Page("Traces", self.traces), Page("Phase plane", self.plane, self.plane.panel)]

    def _params_changed(self, _params=None) -> None:
        self.plane.set_params(self.param_forms["params"].params())

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self._params_changed()

    def start_run(self) -> None:
        super().start_run()
        self.traces.plots["v"].setXRange(0, self.param_forms["params"].params().t_end,
                                         padding=0.02)

    def spike_trains(self, result):
        """One unit: the spikes of the run ("Analyse spikes")."""
        return result.spike_trains()

    def show_result(self, result) -> None:
        for name, values in (("v", result.v), ("u", result.w), ("I", result.I)):
            self.traces.curve(name, name).set(result.t, values)
        p = self.param_forms["params"].params()
        self.reset_run.show(result.t, result.v, result.w, result.spike_times, iz.V_PEAK, p.dt)
        frame_run(self.plane, (min(-80.0, float(np.min(result.v)) - 5.0), iz.V_PEAK + 5.0),
                  result.w)
        show_time_course(self.plane, result.t, result.v, result.w)
        stimulated = min(p.t_end, p.I_tend) - p.I_tstart
        rate = 1000.0 * result.spike_count / stimulated if stimulated > 0 else 0.0
        self.readout.setText(f"{result.spike_count} spikes, {rate:.1f} Hz over the step")

    def view_fields(self) -> dict:
        return {"plane": self.plane.view()}

    def apply_view(self, view: IzhikevichView) -> None:
        self._params_changed()
        self.plane.apply_view(view.plane)

    def custom_model(self) -> str:
        """"Open as custom model": Izhikevich's equations with the form's values."""
        from ..models.custom_from_tabs import izhikevich_model_file

        return izhikevich_model_file(self.param_forms["params"].params())
