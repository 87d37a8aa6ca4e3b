"""A neuron you assemble (the note's NeuralDynamics): a conductance-based point neuron with
channels added and removed, a recovery variable and a synapse driven by an input spike train;
traces of V, w, s and every current."""
from __future__ import annotations

import dataclasses
from typing import Annotated

import numpy as np
import pyqtgraph as pg

from ..models import neural_dynamics as nd
from ..view_state import MaxItems, TabView
from ..widgets.channel_list import MAX_CHANNELS, ChannelList
from .base import ModelTab
from .declarations import Section

CURRENT_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2",
                   "#17becf", "#bcbd22", "#ff7f0e", "#7f7f7f", "#393b79", "#637939")


@dataclasses.dataclass(frozen=True)
class NeuralDynamicsView(TabView):
    channels: Annotated[tuple[nd.ChannelParams, ...], MaxItems(MAX_CHANNELS)] = (
        nd.ChannelParams(),)


class NeuralDynamicsTab(ModelTab):
    tab_id = "neural_dynamics"
    title = "Build a neuron"
    book_section = "the note's NeuralDynamics; Neuronal Dynamics ch. 2.2 and 6.1"
    forms = (("params", "Membrane, recovery and input", nd.AssembledParams),
             ("synapse", "Synapse and input spikes", nd.SynapseParams))
    presets = {
        "leaky integrate-and-fire (leak only)": {"params": nd.AssembledParams(),
                                                 "synapse": nd.SynapseParams()},
        "adapting (recovery variable)": {
            "params": nd.AssembledParams(a_w=0.01, b_w=0.2, tau_w=100.0),
            "synapse": nd.SynapseParams()},
        "synaptic input only": {
            "params": nd.AssembledParams(I_amp=0.0),
            "synapse": nd.SynapseParams(g_s=0.3, input_start=50.0, input_interval=4.0,
                                        input_count=25)},
    }
    simulate_path = "neurodynex_gui.models.neural_dynamics:simulate_assembled"
    # a Python loop of about 0.3 s: in the simulation process, where it cannot stall the window
    View = NeuralDynamicsView
    exercises = """
<ol>
<li><b>Passive membrane.</b> With the leak alone (turn the reset off and raise the threshold)
V relaxes to E_L + I/g_L with τ = C_m/g_L: check it in the trace.</li>
<li><b>Add channels.</b> Add a persistent sodium channel: how does the rheobase change? Add a
slow potassium channel: the neuron adapts. An h current makes a rebound after a negative
step.</li>
<li><b>Synapse.</b> Give the synapse a conductance and watch s follow the input train; with
E_rev = -80 mV the same input inhibits.</li>
</ol>"""

    def build_plots(self, panel) -> None:
        panel.add_plot("V", "potential V", "mV")
        panel.add_plot("currents", "currents (outward +)", "nA", link_x="V", legend=True)
        panel.add_plot("w", "recovery w", "nA", link_x="V")
        panel.add_plot("s", "synaptic s", "", link_x="V")
        panel.add_curve("V", "V", pen=pg.mkPen("#1f4e9c", width=2))
        panel.add_curve("w", "w", pen=pg.mkPen("#c05000", width=2))
        panel.add_curve("s", "s", pen=pg.mkPen("#2a7d2a", width=2))
        self.input_marks = panel.add_curve("s", "input spikes", pen=None, symbol="t1",
                                           symbolSize=9, symbolBrush="#555555", symbolPen=None)
        self.channel_list = ChannelList(nd.ChannelParams, nd.CHANNEL_TEMPLATES)
        self.channel_list.set_channels(NeuralDynamicsView().channels)
        self.channel_list.changed.connect(self._channels_changed)

    def _channels_changed(self) -> None:
        if self.auto_run_enabled and self.auto_run:  # as a form's change does
            self.run()

    def side_sections(self) -> list[Section]:
        return [Section("Channels", self.channel_list, "controls")]

    def _arguments(self) -> dict:
        return {**self.values(), "channels": self.channel_list.channels()}

    def run(self) -> None:
        if self.refuse_if_invalid():
            return
        if self.channel_list.has_errors():
            self.message.emit(f"{self.title}: fix the channel values marked in red first")
            return
        self.start_run()
        self.submit(self.simulate_path, self._arguments(), "simulation",
                    on_done=self.finish_run)

    def run_blocking(self):
        self.start_run()
        result = nd.simulate_assembled(**self._arguments())
        self.finish_run(result)
        return result

    def start_run(self) -> None:
        super().start_run()
        self.traces.plots["V"].setXRange(0, self.param_forms["params"].params().t_end,
                                         padding=0.02)

    def show_result(self, result) -> None:
        self.traces.curve("V", "V").set(result.t, result.V)
        self.traces.curve("w", "w").set(result.t, result.w)
        self.traces.curve("s", "s").set(result.t, result.s)
        self.input_marks.set(result.input_spikes, np.zeros(len(result.input_spikes)))
        self.traces.remove_curves("currents")
        for k, (name, values) in enumerate(result.currents.items()):
            colour = CURRENT_COLOURS[k % len(CURRENT_COLOURS)]
            self.traces.add_curve("currents", name, pen=pg.mkPen(colour, width=1.5)).set(
                result.t, values)
        self.traces.add_curve("currents", "I_ext (inward)", pen=pg.mkPen(
            "#444444", width=1.5, style=2)).set(result.t, -result.I_ext)
        count = len(result.spike_times)
        rate = ""
        if count > 1:
            rate = f", mean ISI {np.mean(np.diff(result.spike_times)):.2f} ms"
        self.readout.setText(f"{count} spikes{rate}; V from {np.min(result.V):.1f} to "
                             f"{np.max(result.V):.1f} mV")

    def view_fields(self) -> dict:
        return {"channels": self.channel_list.channels()}

    def apply_view(self, view: NeuralDynamicsView) -> None:
        self.channel_list.set_channels(view.channels)
