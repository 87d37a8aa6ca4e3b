"""Each exercise question maps to a notebook call and a tab's tool that exist, and the README
and the F1 panel list them (issue 23)."""
import re
from pathlib import Path

import pytest

from neurodynex_gui import exercise_map
from neurodynex_gui.models import fitzhugh_nagumo, hh, hopfield, lif, neuron_type, oja
from neurodynex_gui.tabs import tab_class

MODULES = {"lif": lif, "hh": hh, "fitzhugh_nagumo": fitzhugh_nagumo,
           "neuron_type": neuron_type, "hopfield": hopfield, "oja": oja}
ROWS = [(tab_id, *row) for tab_id, rows in exercise_map.EXERCISES.items() for row in rows]


@pytest.mark.parametrize("tab_id, question, call, tool", ROWS,
                         ids=[f"{row[0]}: {row[1]}" for row in ROWS])
def test_every_call_names_existing_functions_and_every_tool_exists(tab_id, question, call,
                                                                   tool):
    named = re.findall(r"\b(lif|hh|fitzhugh_nagumo|neuron_type|hopfield|oja)\.(\w+)", call)
    for module, name in named:
        assert hasattr(MODULES[module], name), f"{module}.{name}"
    methods = re.findall(r"(?:NeuronX\(\)|net)\.(\w+)\(", call)
    assert named or methods, call
    for name in methods:
        assert hasattr(neuron_type.NeuronAbstract, name) or \
            hasattr(hopfield.HopfieldNetwork, name), name
    if tool is not None:
        assert tool in {t.key for t in tab_class(tab_id).tools}


def test_the_readme_holds_the_table_and_the_f1_panel_the_calls():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    assert exercise_map.markdown() in readme
    panel = exercise_map.html("hh", tab_class("hh").tools)
    assert "hh.HH_Neuron(curr, simtime, params=hh.HHParams(g_Na_scale=1.5))" in panel
    assert "Tool: Repetitive threshold vs g_Na" in panel
    assert exercise_map.html("rate_network") == ""
