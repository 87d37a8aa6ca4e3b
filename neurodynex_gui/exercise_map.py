"""Each exercise question, the notebook call that answers it and the tab's tool (or plain Run)
that does the same: the F1 panel's "From a notebook" part and the README's table.

The calls use the scripting API (``from neurodynex_gui.models import lif, hh, ...``) with the
exercise package's names; ``tests/test_exercise_map.py`` runs none of them but checks that
every named function and tool exists and that the README lists every call.
"""
from __future__ import annotations

from html import escape

RUN = None
"""The tool of a question answered by the tab's Run (the form, then Ctrl+R)."""

EXERCISES: dict[str, list[tuple[str, str, str | None]]] = {
    "lif": [
        ("Minimal current for a spike (rheobase)", "lif.min_step_amplitude().answer",
         "min_amplitude"),
        ("A step current, as the sheet's first plot", "lif.LIF_Step(I_amp=1.005)", RUN),
        ("Firing rate against the step amplitude (f-I curve)", "lif.fi_curve(I_max=5.0)",
         "fi_curve"),
        ("Sinusoidal input: amplitude and phase of v", "lif.LIF_Sinus(I_freq=0.1)",
         "sinus_response"),
        ("Any input current (an array sampled every dt)", "lif.LIF_Neuron(curr, simtime)", RUN),
    ],
    "hh": [
        ("Step current: the sheet's first plot", "hh.HH_Step(I_amp=7)", RUN),
        ("Lowest step amplitude for a spike", "hh.min_step_amplitude().answer", "min_step"),
        ("Lowest amplitude for repetitive firing", "hh.repetitive_threshold().answer",
         "repetitive"),
        ("Slow and fast ramps", "hh.HH_Ramp(I_tstart=5, I_tend=50, I_amp=3)", "ramp"),
        ("Rebound spike after a negative step",
         "hh.HH_Step(I_tstart=5, I_tend=25, I_amp=-5, tend=50)", "rebound"),
        ("Sodium channel density x 1.5",
         "hh.HH_Neuron(curr, simtime, params=hh.HHParams(g_Na_scale=1.5))", "gNa_scan"),
    ],
    "fitzhugh_nagumo": [
        ("Trajectories from an initial state", "fitzhugh_nagumo.get_trajectory(v0=0., w0=0.)",
         RUN),
        ("Flow field and nullclines", "fitzhugh_nagumo.plot_flow(I=0., eps=0.1, a=2.0)", RUN),
        ("Fixed point and its stability",
         "fitzhugh_nagumo.get_fixed_point(I=0.); fitzhugh_nagumo.get_jacobian(v0, w0)", RUN),
        ("Where the fixed point loses stability (Hopf)", "fitzhugh_nagumo.critical_currents()",
         "bifurcation"),
    ],
    "neuron_type": [
        ("Step response of the two mystery neurons", "neuron_type.NeuronX().step(I_amp=0.5)",
         RUN),
        ("Any input current",
         "neuron_type.NeuronX().run(neuron_type.get_step_curr(I_amp=0.5), 0.3)", RUN),
        ("Threshold current for repetitive firing",
         "neuron_type.threshold(neuron_type.NeuronX.neuron_type)", "threshold"),
        ("f-I curves: type I or type II?", "neuron_type.NeuronX().get_rate(0.5)", "fi_curve"),
        ("The onset of firing, zoomed in", "neuron_type.onset_curves()", "onset"),
        ("Reveal the answer", "neuron_type.NeuronX.get_neuron_type()", RUN),
    ],
    "hopfield": [
        ("Store patterns and retrieve one from a noisy cue",
         "net = hopfield.HopfieldNetwork(10); net.make_pattern(P=3); "
         "net.run(mu=0, flip_ratio=0.1)", RUN),
        ("Letters as patterns", "net.make_pattern(letters='abc')", RUN),
        ("Capacity: retrieval against the number of patterns",
         "hopfield.capacity_experiment(N=10, P_values=range(1, 20))", "capacity"),
        ("Error correction against the flipped fraction",
         "hopfield.error_correction_experiment(N=10, P=3, flip_ratios=[0.1, 0.2, 0.3])",
         "error_correction"),
    ],
    "oja": [
        ("The weight vector learns the principal axis",
         "oja.run_oja(n=10000, ratio=0.3, angle=60.)", RUN),
        ("A cloud, then learning over it",
         "oja.learn(oja.make_cloud(n=200, ratio=0.3, angle=60), eta=0.04)", RUN),
    ],
}


def html(tab_id: str, tools=()) -> str:
    """The F1 panel's part for ``tab_id``: question, notebook call, tool (by its label)."""
    rows = EXERCISES.get(tab_id)
    if not rows:
        return ""
    labels = {tool.key: tool.label for tool in tools}
    lines = ["<h4>From a notebook</h4><p><code>from neurodynex_gui.models import "
             f"{_module(tab_id)}</code>; <code>do_plot=True</code> draws the exercise "
             "package's figure (matplotlib), <code>neurodynex_gui.show(\"" + tab_id +
             "\", ...)</code> opens this tab with values.</p><ul>"]
    for question, call, tool in rows:
        where = f"Tool: {labels.get(tool, tool)}" if tool else "Run"
        lines.append(f"<li>{escape(question)}: <code>{escape(call)}</code> "
                     f"<i>({escape(where)})</i></li>")
    return "".join(lines) + "</ul>"


def _module(tab_id: str) -> str:
    return {"lif": "lif", "hh": "hh", "fitzhugh_nagumo": "fitzhugh_nagumo",
            "neuron_type": "neuron_type", "hopfield": "hopfield", "oja": "oja"}[tab_id]


def markdown() -> str:
    """The README's table: tab, question, notebook call, tool."""
    from .tabs import tab_class

    lines = ["| tab | question | notebook call | in the tab |", "| --- | --- | --- | --- |"]
    for tab_id, rows in EXERCISES.items():
        labels = {tool.key: tool.label for tool in tab_class(tab_id).tools}
        for question, call, tool in rows:
            where = f"tool *{labels[tool]}*" if tool else "Run"
            lines.append(f"| {tab_id} | {question} | `{call}` | {where} |")
    return "\n".join(lines)
