"""AdEx tab (book ch. 6.1): the seven firing patterns of Table 6.1, u and w traces, the u-w
phase plane with the run and its resets, a pattern classifier and a gallery of all seven."""
from __future__ import annotations

import dataclasses

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QLabel, QPushButton, QVBoxLayout, QWidget

from .. import presentation
from ..models import adex
from ..view_state import TabView
from ..widgets.phase_plane import PhasePlane, PlaneView
from ..widgets.plots import PlotPanel
from ..widgets.reset_run import ResetRun, frame_run, show_time_course
from .base import ModelTab
from .declarations import Page, Tool

U_PEN = pg.mkPen("#1f4e9c", width=2)
W_PEN = pg.mkPen("#c05000", width=2)
I_PEN = pg.mkPen("#2a7d2a", width=2)
GALLERY_PEN = pg.mkPen("#1f4e9c", width=1.5)
U_LIM, W_LIM = (-75.0, -25.0), (-50.0, 250.0)


def rules_html() -> str:
    items = "".join(f"<li><b>{name}</b>: {rule}</li>" for name, rule in adex.CLASSIFIER_RULES)
    return (f"<b>Pattern classifier</b> (spike times during the step; the first rule that "
            f"holds names the pattern; ISI = inter-spike interval):<ol>{items}</ol>")


@dataclasses.dataclass(frozen=True)
class AdExView(TabView):
    plane: PlaneView = PlaneView()


class AdExTab(ModelTab):
    tab_id = "adex"
    title = "AdEx"
    book_section = "Neuronal Dynamics, ch. 6.1 (adaptation and firing patterns)"
    forms = (("params", "Neuron", adex.AdExParams), ("stimulus", "Input current",
                                                     adex.AdExStimulus))
    presets = {f"Table 6.1: {name}": {
        "params": params,
        "stimulus": adex.AdExStimulus(I_amp=adex.PATTERN_CURRENTS[name], I_tstart=10.0,
                                      I_tend=params.simulation_time)}
        for name, params in adex.FIRING_PATTERNS.items()}
    simulate_path = "neurodynex_gui.models.adex:simulate"
    in_process = True  # a few milliseconds of numpy-free arithmetic
    View = AdExView
    sliders = {"I_amp": (0.0, 200.0, 1.0), "a": (-2.0, 2.0, 0.05), "b": (0.0, 100.0, 1.0)}
    tools = (Tool("classify", "Classify the firing pattern",
                  "neurodynex_gui.models.adex:classify_tool", None, ("params", "stimulus"),
                  "Simulates the current settings and names the pattern from the spike times "
                  "by the rules on the Gallery page; plots the ISI sequence"),)
    exercises = """
<ol>
<li><b>Firing patterns.</b> Load each Table 6.1 preset and describe the trace: which
parameters (a, b, τ_w, u_r) make a neuron adapt, burst at the onset, burst regularly?
<i>Gallery</i> runs all seven at once and classifies each.</li>
<li><b>Phase plane.</b> On the <i>Phase plane</i> page follow the run in the u-w plane: where
does w jump (dashed), where does the reset land relative to the u-nullcline, and why does a
reset above or below it give a burst or a single spike (book Fig. 6.4)?</li>
<li><b>Adaptation.</b> Drag b and a: how does the steady ISI change? With a = b = 0 the model
is the exponential integrate-and-fire neuron.</li>
<li><b>Classify.</b> <i>Tool: Classify the firing pattern</i> names the pattern of the current
settings; find a current at which the bursting set fires tonically.</li>
</ol>"""

    def build_plots(self, panel) -> None:
        panel.add_plot("u", "potential u", "mV")
        panel.add_plot("w", "adaptation current w", "pA", link_x="u")
        panel.add_plot("I", "input current I", "pA", link_x="u")
        panel.add_curve("u", "u", pen=U_PEN)
        panel.add_curve("w", "w", pen=W_PEN)
        panel.add_curve("I", "I", pen=I_PEN)
        self.plane = PhasePlane(adex.ADEX, self._plane_params(), U_LIM, W_LIM, t_end=200.0,
                                dt_out=0.05)
        self.reset_run = ResetRun(self.plane.panel, "plane")
        for form in self.param_forms.values():
            form.changed.connect(self._params_changed)
        self.gallery_panel = PlotPanel()
        self._build_gallery()

    def _build_gallery(self) -> None:
        page = QWidget()
        column = QVBoxLayout(page)
        button = QPushButton("Run all seven presets")
        button.setToolTip("Simulates the seven Table 6.1 presets with their step currents "
                          "(one vectorised run) and classifies each pattern")
        button.clicked.connect(self.run_gallery)
        column.addWidget(button)
        column.addWidget(self.gallery_panel, 1)
        rules = QLabel(rules_html())
        rules.setWordWrap(True)
        column.addWidget(rules)
        self.gallery_page = page
        for i, name in enumerate(adex.FIRING_PATTERNS):
            plot = self.gallery_panel.add_plot(name, "u", "mV")
            self.gallery_panel.ci.removeItem(plot)  # a grid of 4 x 2 rather than a column
            self.gallery_panel.ci.addItem(plot, row=i // 2, col=i % 2)
            plot.setTitle(name)
            self.gallery_panel.add_curve(name, "u", pen=GALLERY_PEN)
        self.gallery_result = None

    def build_pages(self) -> list[Page]:
        return [Page("Traces", self.traces), Page("Phase plane", self.plane, self.plane.panel),
                Page("Gallery", self.gallery_page, self.gallery_panel),
                Page("Analysis", self.analysis)]

    def __init__(self, runner=None, parent=None):
        super().__init__(runner, parent)
        self.pages.currentChanged.connect(self._page_shown)

    def _page_shown(self, _index: int) -> None:
        """The gallery runs the first time its page is opened: no empty tiles."""
        if self.pages.currentWidget() is self.gallery_page and self.gallery_result is None \
                and not self.running():
            self.run_gallery()

    # -- the u-w plane -------------------------------------------------------------------------

    def _plane_params(self):
        stimulus = self.param_forms["stimulus"].params()
        return adex.PlaneParams(self.param_forms["params"].params(), stimulus.I_amp)

    def _params_changed(self, _params=None) -> None:
        self.plane.set_params(self._plane_params())

    def apply_preset(self, name: str) -> None:
        super().apply_preset(name)
        self._params_changed()

    # -- runs ------------------------------------------------------------------------------------

    def start_run(self) -> None:
        super().start_run()
        params = self.param_forms["params"].params()
        self.traces.plots["u"].setXRange(0, params.simulation_time, padding=0.02)
        self.readout.setText("running…")

    def spike_trains(self, result):
        """One unit: the spikes of the run ("Analyse spikes")."""
        return result.spike_trains()

    def show_result(self, result) -> None:
        for name, values in (("u", result.v), ("w", result.w), ("I", result.I)):
            self.traces.curve(name, name).set(result.t, values)
        params = self.param_forms["params"].params()
        self.reset_run.show(result.t, result.v, result.w, result.spike_times, params.v_spike,
                            params.dt)
        u_low = min(float(np.min(result.v)), params.v_rest, params.v_reset) - 5.0
        frame_run(self.plane, (u_low, params.v_spike + 5.0), result.w)
        show_time_course(self.plane, result.t, result.v, result.w)
        pattern = adex.classify_run(result, self.param_forms["stimulus"].params())
        isi = np.diff(result.spike_times)
        isi_text = (f"; ISIs from {isi[0]:.1f} to {isi[-1]:.1f} ms" if len(isi) else "")
        self.readout.setText(f"{result.spike_count} spikes{isi_text}; classified as "
                             f"<b>{pattern}</b>")

    # -- gallery ---------------------------------------------------------------------------------

    def run_gallery(self) -> None:
        self.pages.setCurrentWidget(self.gallery_page)
        self.submit("neurodynex_gui.models.adex:gallery", {}, "gallery",
                    on_done=self.show_gallery)

    def show_gallery(self, gallery) -> None:
        self.gallery_result = gallery
        for name, run in gallery.runs.items():
            self.gallery_panel.curve(name, "u").set(run.t, run.v)
            verdict = gallery.classified[name]
            mark = "✓" if verdict == name else "✗"
            self.gallery_panel.plots[name].setTitle(f"{name}: {verdict} {mark}")
        self.gallery_panel.flush()
        presentation.refresh(self.gallery_panel)
        right = sum(v == k for k, v in gallery.classified.items())
        self.readout.setText(f"Gallery: {right} of 7 presets classified as their own pattern")

    # -- sessions ------------------------------------------------------------------------------

    def view_fields(self) -> dict:
        return {"plane": self.plane.view()}

    def apply_view(self, view: AdExView) -> None:
        self._params_changed()
        self.plane.apply_view(view.plane)

    def custom_model(self) -> str:
        """"Open as custom model": the AdEx equations with the form's values."""
        from ..models.custom_from_tabs import adex_model_file

        return adex_model_file(self.param_forms["params"].params(),
                               self.param_forms["stimulus"].params().to_dict())
