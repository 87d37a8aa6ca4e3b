"""Synapses tab (book chapter 3.1): conductances, receptor types, short-term depression and
facilitation.

A presynaptic train (regular, Poisson, burst + probe, or typed times) drives a synapse onto a
voltage-clamped, passive or LIF neuron (brian2, in the simulation process); g, x, u, V and the
synaptic current are drawn while it runs, and the amplitude of each response against the spike
index beside its event-exact value. Tools: steady-state amplitude against rate, recovery from
depression, the NMDA I-V curve.
"""
from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
import pyqtgraph as pg
from PyQt5.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from ..models import receptors, synapses as sy, tsodyks_markram as tm
from ..models.params import ParamError
from ..models.presynaptic import parse_spike_times
from ..view_state import Rule, TabView
from ..widgets.plots import PlotPanel
from . import saved_results
from .base import ModelTab
from .declarations import Page, Section, Tool

MODELS = "neurodynex_gui.models.synapses"
G_PEN = pg.mkPen("#7b3294", width=2)
X_PEN = pg.mkPen("#1f77b4", width=2)
U_PEN = pg.mkPen("#d62728", width=2)
V_PEN = pg.mkPen("#1f4e9c", width=2)
I_PEN = pg.mkPen("#2a7d2a", width=2)
THEORY_PEN = pg.mkPen("#888888", width=1.5, style=2)
THRESHOLD_PEN = pg.mkPen("#c0392b", width=1.5, style=2)
MG_COLOURS = ("#1f77b4", "#2ca02c", "#d62728", "#9467bd", "#ff7f0e", "#8c564b")
MAX_TYPED = 100_000  # characters of typed spike times kept in a session


TYPED_LENGTH = Rule(lambda text: len(text) <= MAX_TYPED, f"at most {MAX_TYPED} characters")


@dataclasses.dataclass(frozen=True)
class SynapseView(TabView):
    """The typed spike times (ms), as text."""

    spike_times: Annotated[str, TYPED_LENGTH] = "10, 30, 50, 200"


def _preset(receptor=None, plasticity=None, train=None, neuron=None) -> dict:
    forms = {"receptor": receptor, "plasticity": plasticity, "train": train, "neuron": neuron}
    return {key: value for key, value in forms.items() if value is not None}


class SynapsesTab(ModelTab):
    tab_id = "synapses"
    title = "Synapses"
    book_section = "Neuronal Dynamics, ch. 3.1 (synapses)"
    forms = (("train", "Presynaptic spike train", sy.TrainParams),
             ("receptor", "Receptor", receptors.ReceptorParams),
             ("plasticity", "Short-term plasticity (Tsodyks-Markram)", tm.PlasticityParams),
             ("neuron", "Postsynaptic neuron", sy.NeuronParams))
    presets = {
        **{f"Receptor: {name}": _preset(receptor=params)
           for name, params in receptors.RECEPTORS.items()},
        **{f"Plasticity: {name}": _preset(plasticity=params)
           for name, params in tm.PRESETS.items()},
        "Depression: burst and recovery probe (voltage clamp)": _preset(
            plasticity=tm.PRESETS["depressing"],
            train=sy.TrainParams(kind="burst + probe", rate_Hz=20.0, n_spikes=10,
                                 probe_delay=500.0),
            neuron=sy.NeuronParams(neuron_model="voltage clamp", tend=1200.0)),
        "Facilitation onto a LIF neuron (40 Hz)": _preset(
            receptor=receptors.ReceptorParams(g_max=50.0),
            plasticity=tm.PRESETS["facilitating"],
            train=sy.TrainParams(rate_Hz=40.0, n_spikes=15),
            neuron=sy.NeuronParams(neuron_model="LIF", tend=500.0)),
        "NMDA at -30 mV vs -80 mV: try V_hold (voltage clamp)": _preset(
            receptor=receptors.RECEPTORS["NMDA"], plasticity=tm.PRESETS["static"],
            train=sy.TrainParams(n_spikes=3, rate_Hz=10.0),
            neuron=sy.NeuronParams(neuron_model="voltage clamp", V_hold=-30.0, tend=600.0)),
        "Shunting inhibition: GABA_A, conductance-based": _preset(
            receptor=dataclasses.replace(receptors.RECEPTORS["GABA_A"], E_rev=-70.0,
                                         g_max=20.0),
            plasticity=tm.PRESETS["static"], train=sy.TrainParams(n_spikes=5)),
    }
    exercises = """
<ol>
<li><b>Conductances.</b> Load the receptor presets one after the other (voltage clamp): which
receptors are fast, which slow, which excite and which inhibit at rest? Switch between the
single exponential and the difference of exponentials: what is the area under g(t)?
(g<sub>max</sub> τ<sub>s</sub> for the single exponential.)</li>
<li><b>Current or conductance.</b> With a passive neuron and a strong synapse, compare the
conductance-based synapse with the current-based one: why does the conductance-based PSP
saturate below E<sub>rev</sub>? Try the shunting-inhibition preset: what does an inhibitory
synapse with E<sub>rev</sub> = E<sub>L</sub> do to V?</li>
<li><b>Depression.</b> With the depressing preset, how does the amplitude decline along a
regular train (page <i>Amplitudes</i>: points from the simulation, circles event-exact)? Check
the steady state against (1 - e<sup>-T/τ<sub>D</sub></sup>) / (1 - (1 - U)
e<sup>-T/τ<sub>D</sub></sup>). <i>Tool: Steady state against rate</i> marks the limiting
frequency 1/(U τ<sub>D</sub>), beyond which amplitude × rate no longer grows.</li>
<li><b>Recovery.</b> The burst + probe train: how long after the burst does the probe recover?
<i>Tool: Recovery from depression</i> (the dashed curve is 1 - (1 - x<sub>+</sub>)
e<sup>-Δ/τ<sub>D</sub></sup>).</li>
<li><b>Facilitation.</b> Facilitating and mixed presets: why does the mixed synapse first grow
and then decline? Where is its steady state u? (U / (1 - (1 - U) e<sup>-T/τ<sub>F</sub></sup>))</li>
<li><b>NMDA.</b> Hold the neuron at -80 mV and at -30 mV with the NMDA preset: why is the
current smaller at -80 mV? <i>Tool: NMDA I-V curve</i> for several [Mg<sup>2+</sup>]: where is
the slope negative?</li>
</ol>"""
    simulate_path = f"{MODELS}:simulate_synapse"
    sliders = {"g_max": (0.0, 50.0, 0.5), "U": (0.01, 1.0, 0.01),
               "tau_D": (10.0, 2000.0, 10.0), "rate_Hz": (1.0, 100.0, 1.0)}
    View = SynapseView
    tools = (
        Tool("rate", "Steady state against rate", f"{MODELS}:rate_sweep", sy.RateSweepInputs,
             ("plasticity",), "Steady-state relative amplitude (and amplitude x rate) of a "
             "long regular train against its rate, event-exact; the analytic curve dashed, "
             "the limiting frequency 1/(U tau_D) marked"),
        Tool("recovery", "Recovery from depression", f"{MODELS}:recovery_sweep",
             sy.RecoveryInputs, ("plasticity",), "Amplitude of a probe spike after a burst, "
             "relative to the first spike's, against the probe delay; analytic curve dashed"),
        Tool("iv", "NMDA I-V curve", f"{MODELS}:nmda_iv", sy.IVInputs, ("receptor",),
             "The NMDA current g_max B(V) (V - E_rev) against V for several Mg "
             "concentrations, in the receptor form's block form (stated on the plot)"),
    )

    # -- building --------------------------------------------------------------------------------

    def build_plots(self, panel) -> None:
        panel.add_plot("g", "conductance g", "nS")
        panel.add_plot("xu", "x and u", "", link_x="g", legend=True)
        panel.add_plot("v", "potential V", "mV", link_x="g")
        panel.add_plot("I", "current I_syn", "pA", link_x="g")
        for plot, name, pen in (("g", "g", G_PEN), ("xu", "x (resources)", X_PEN),
                                ("xu", "u (utilisation)", U_PEN), ("v", "V", V_PEN),
                                ("I", "I", I_PEN)):
            # 20000 samples a trace: draw what shows, the extremes of each pixel column
            item = panel.add_curve(plot, name, pen=pen).item
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
            item.opts["autoDownsampleFactor"] = 1.0  # no setter in pyqtgraph 0.14; 5 default
        self.pre_marks = panel.add_curve("g", "presynaptic spikes", pen=None, symbol="t1",
                                         symbolSize=9, symbolBrush="#444444", symbolPen=None)
        self.post_marks = panel.add_curve("v", "postsynaptic spikes", pen=None, symbol="t1",
                                          symbolSize=11, symbolBrush="#c0392b", symbolPen=None)
        self.threshold_line = pg.InfiniteLine(angle=0, pen=THRESHOLD_PEN)
        panel.plots["v"].addItem(self.threshold_line)
        self.amplitudes = PlotPanel()
        plot = self.amplitudes.add_plot("amp", "relative amplitude u x", "",
                                        x_label="presynaptic spike", x_unit="", legend=True)
        self.amplitudes.add_curve("amp", "simulated (brian2)", pen=pg.mkPen("#1f77b4", width=1),
                                  symbol="o", symbolSize=8, symbolBrush="#1f77b4")
        self.amplitudes.add_curve("amp", "event-exact (tm_synapse)", pen=None, symbol="o",
                                  symbolSize=14, symbolBrush=None,
                                  symbolPen=pg.mkPen("#d62728", width=2))
        self.steady_line = pg.InfiniteLine(angle=0, pen=THEORY_PEN, label="",
                                           labelOpts={"position": 0.8, "color": "#888888"})
        plot.addItem(self.steady_line)
        self.amplitudes.add_plot("response", "response", "mV", x_label="presynaptic spike",
                                 x_unit="", link_x="amp", legend=True)
        self.amplitudes.add_curve("response", "measured peak", pen=pg.mkPen("#2a7d2a", width=1),
                                  symbol="s", symbolSize=8, symbolBrush="#2a7d2a")
        self.amplitudes.add_curve("response", "first × release ratio", pen=THEORY_PEN,
                                  symbol="o", symbolSize=10, symbolBrush=None,
                                  symbolPen=pg.mkPen("#888888", width=1.5))
        self.typed = QPlainTextEdit(SynapseView().spike_times)
        self.typed.setToolTip("Spike times in ms for the 'typed' train, separated by commas, "
                              "spaces or lines (paste a column of numbers)")
        self.typed.setMaximumHeight(80)
        self.typed_problem = QLabel()
        self.typed_problem.setWordWrap(True)
        self.typed_problem.setStyleSheet("color: #b00020;")
        self.typed_problem.hide()
        self.typed.textChanged.connect(self.check_typed)
        self.param_forms["neuron"].changed.connect(self._show_threshold)
        self._show_threshold()

    def build_pages(self) -> list[Page]:
        return [Page("Traces", self.traces), Page("Amplitudes", self.amplitudes),
                Page("Analysis", self.analysis)]

    def side_sections(self) -> list[Section]:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.typed)
        column.addWidget(self.typed_problem)
        return [Section("Typed spike times (ms), for the 'typed' train", box, "controls")]

    # -- the typed train -------------------------------------------------------------------------

    def typed_times(self) -> np.ndarray | None:
        """The typed spike times, or None (and the reason shown) if they do not parse."""
        try:
            times = parse_spike_times(self.typed.toPlainText())
        except ParamError as error:
            self.typed_problem.setText(error.message)
            self.typed_problem.show()
            return None
        self.typed_problem.hide()
        return times

    def check_typed(self) -> None:
        self.typed_times()
        if self.param_forms["train"].params().kind == "typed":
            self._parameter_changed_by_text()

    def _parameter_changed_by_text(self) -> None:
        if self.auto_run_enabled:
            self.explore()

    def values(self) -> dict:
        """The forms, and the typed spike times for a typed train."""
        values = dict(super().values())
        if values["train"].kind == "typed":
            times = self.typed_times()
            values["spike_times_ms"] = times if times is not None else np.zeros(0)
        return values

    def refuse_if_invalid(self) -> bool:
        if self.param_forms["train"].params().kind == "typed" and self.typed_times() is None:
            self.message.emit(f"{self.title}: fix the typed spike times first")
            return True
        return super().refuse_if_invalid()

    # -- runs ------------------------------------------------------------------------------------

    def _show_threshold(self, _params=None) -> None:
        neuron = self.param_forms["neuron"].params()
        self.threshold_line.setValue(neuron.threshold)
        self.threshold_line.setVisible(neuron.neuron_model == "LIF")

    def start_run(self) -> None:
        super().start_run()
        self.amplitudes.clear_curves()
        neuron = self.param_forms["neuron"].params()
        self.traces.plots["g"].setXRange(0, neuron.tend, padding=0.02)
        self.readout.setText("running…")

    def on_chunk(self, chunk) -> None:
        t = chunk["t_ms"]
        self.traces.curve("g", "g").append(t, chunk["g_nS"])
        self.traces.curve("xu", "x (resources)").append(t, chunk["x"])
        self.traces.curve("xu", "u (utilisation)").append(t, chunk["u"])
        self.traces.curve("v", "V").append(t, chunk["v_mV"])
        self.traces.curve("I", "I").append(t, chunk["I_pA"])

    def spike_trains(self, result: sy.SynapseResult):
        """Two units for "Analyse spikes": 0 the presynaptic train, 1 the postsynaptic neuron
        (transfer entropy from 0 to 1 measures the synapse)."""
        times = np.concatenate([result.spikes_ms, result.post_spikes_ms])
        ids = np.repeat([0, 1], [len(result.spikes_ms), len(result.post_spikes_ms)])
        order = np.argsort(times, kind="stable")
        return times[order], ids[order], float(result.t_ms[-1])

    def show_result(self, result: sy.SynapseResult) -> None:
        t = result.t_ms
        self.traces.curve("g", "g").set(t, result.g_nS)
        self.traces.curve("xu", "x (resources)").set(t, result.x)
        self.traces.curve("xu", "u (utilisation)").set(t, result.u)
        self.traces.curve("v", "V").set(t, result.v_mV)
        self.traces.curve("I", "I").set(t, result.I_pA)
        self.pre_marks.set(result.spikes_ms, np.zeros(len(result.spikes_ms)))
        neuron = self.param_forms["neuron"].params()
        self.post_marks.set(result.post_spikes_ms,
                            np.full(len(result.post_spikes_ms), neuron.threshold))
        index = np.arange(1, len(result.amplitudes) + 1)
        self.amplitudes.curve("amp", "simulated (brian2)").set(index, result.amplitudes)
        self.amplitudes.curve("amp", "event-exact (tm_synapse)").set(
            np.arange(1, len(result.amplitudes_exact) + 1), result.amplitudes_exact)
        self._show_responses(result, neuron)
        self.amplitudes.flush()
        self._show_steady_state()
        self.readout.setText(self._summary(result, neuron))

    def _show_responses(self, result: sy.SynapseResult, neuron: sy.NeuronParams) -> None:
        """Measured response peaks beside the first one scaled by each spike's release: they
        differ where responses sum or the driving force (or the NMDA block) changes."""
        clamp = neuron.neuron_model == "voltage clamp"
        self.amplitudes.plots["response"].setLabel(
            "left", "clamp current peak (pA)" if clamp else "PSP peak (mV)")
        n = len(result.responses)
        index = np.arange(1, n + 1)
        self.amplitudes.curve("response", "measured peak").set(index, result.responses)
        if n and result.amplitudes[0] > 0:
            scaled = result.responses[0] * result.amplitudes / result.amplitudes[0]
            self.amplitudes.curve("response", "first × release ratio").set(index, scaled)

    def _show_steady_state(self) -> None:
        """The analytic steady state of a regular train, as a dashed line."""
        train = self.param_forms["train"].params()
        plasticity = self.param_forms["plasticity"].params()
        regular = train.kind in ("regular", "burst + probe") and plasticity.stp
        if regular:
            steady = float(tm.steady_state_amplitude(train.rate_Hz, plasticity.U,
                                                     plasticity.tau_D, plasticity.tau_F))
            self.steady_line.setValue(steady)
            self.steady_line.label.setFormat(f"steady state {steady:.3g}")
        self.steady_line.setVisible(regular)

    def _summary(self, result: sy.SynapseResult, neuron: sy.NeuronParams) -> str:
        n = len(result.amplitudes)
        if n == 0:
            return "no presynaptic spike in the run"
        text = (f"{n} presynaptic spikes; release u x: first {result.amplitudes[0]:.3g}, "
                f"last {result.amplitudes[-1]:.3g}")
        if n > 1:
            text += f" (ratio {result.amplitudes[-1] / result.amplitudes[0]:.3g})"
        if neuron.neuron_model == "voltage clamp":
            peak = result.I_pA[np.argmax(np.abs(result.I_pA))]
            text += f"; largest current {peak:.3g} pA at {neuron.V_hold:g} mV"
        else:
            text += (f"; V from {result.v_mV.min():.2f} to {result.v_mV.max():.2f} mV")
        if neuron.neuron_model == "LIF":
            text += f"; {len(result.post_spikes_ms)} postsynaptic spikes"
        if not result.completed:
            text += " (stopped early)"
        return text

    # -- tools -----------------------------------------------------------------------------------

    def show_tool_result(self, key: str, result) -> None:
        if key == "iv":
            self._show_iv(result)
            return
        super().show_tool_result(key, result)
        plasticity = self.param_forms["plasticity"].params()
        if key == "rate":
            rates = np.linspace(result.x[0], result.x[-1], 400)
            steady = tm.steady_state_amplitude(rates, plasticity.U, plasticity.tau_D,
                                               plasticity.tau_F)
            self.analysis.add_curve("steady_amplitude", "analytic", pen=THEORY_PEN).set(
                rates, steady)
            self.analysis.add_curve("amplitude_x_rate_Hz", "analytic", pen=THEORY_PEN).set(
                rates, steady * rates)
        elif key == "recovery":
            inputs = self.tool_forms["recovery"].params()
            delays = np.linspace(0.0, result.x[-1], 400)
            first = plasticity.U if plasticity.stp else 1.0
            curve = (tm.recovery_amplitude(delays, inputs.n_burst, inputs.burst_rate_Hz,
                                           plasticity.U, plasticity.tau_D, plasticity.tau_F)
                     / first if plasticity.stp else np.ones_like(delays))
            self.analysis.add_curve("probe_amplitude", "analytic", pen=THEORY_PEN).set(
                delays, curve)
        self.analysis.flush()

    def _show_iv(self, result) -> None:
        panel = self.analysis
        panel.clear()
        panel.plots.clear()
        panel.curves.clear()
        plot = panel.add_plot("I", "NMDA current", "pA", x_label="membrane potential V",
                              x_unit="mV", legend=True)
        for colour, (column, values) in zip(MG_COLOURS, result.columns.items()):
            mg = column.removeprefix("I_Mg_").removesuffix("_mM")
            panel.add_curve("I", f"[Mg] = {mg} mM", pen=pg.mkPen(colour, width=2)).set(
                result.x, values)
        plot.addItem(pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen("#888888", width=1)))
        plot.setTitle(result.answer_text.split(";")[0])
        self.readout.setText(result.answer_text)
        panel.flush()

    # -- sessions --------------------------------------------------------------------------------

    def result_arrays(self) -> dict[str, np.ndarray]:
        """The base's arrays and the amplitudes page."""
        return {**super().result_arrays(),
                **saved_results.curve_arrays("amplitudes", self.amplitudes.data())}

    def restore_results(self, arrays: dict) -> None:
        curves = saved_results.read_saved(arrays, "amplitudes")[0]
        super().restore_results(arrays)
        for key, (x, y) in curves.items():
            if key in self.amplitudes.curves:
                self.amplitudes.curves[key].set(x, y)
        self.amplitudes.flush()

    def view_fields(self) -> dict:
        return {"spike_times": self.typed.toPlainText()}

    def apply_view(self, view: SynapseView) -> None:
        self.typed.setPlainText(view.spike_times)
