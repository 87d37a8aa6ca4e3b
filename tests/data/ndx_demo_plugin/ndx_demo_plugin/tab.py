"""The plugin's tab: a form, a run, one trace."""
from neurodynex_gui.tabs.base import ModelTab

from . import model


class ExponentialDecayTab(ModelTab):
    tab_id = "exponential_decay"
    title = "Exponential decay (plugin)"
    forms = (("params", "Decay", model.DecayParams),)
    simulate_path = "ndx_demo_plugin.model:simulate"
    in_process = True

    def build_plots(self, panel) -> None:
        panel.add_plot("v", "v", "mV")
        panel.add_curve("v", "v")

    def show_result(self, result) -> None:
        self.traces.curve("v", "v").set(result["t_ms"], result["v_mV"])
