""""Open as custom model": the built-in single-neuron models as custom model files.

Each function takes a tab's (checked) form values and returns the text of a model file
(:func:`.custom_spec.model_file_text`): the model's own equations, and its current values in
the units the Custom model tab shows (mV for volt, nA for amp, nS for siemens, pF for farad,
MOhm for ohm, ms for second), so that the Custom model tab reproduces the tab's run. No brian2
and no Qt here: the GUI process calls them.
"""
from __future__ import annotations

from .custom_spec import (ADEX_EQUATIONS, EXP_IF_EQUATIONS, ModelText, display_unit_of,
                          model_file_text)

__all__ = ["form_values", "scaled_stimulus", "hh_model_file", "neuron_type_model_file",
           "adex_model_file", "exp_if_model_file", "izhikevich_model_file",
           "IZHIKEVICH_EQUATIONS"]

IZHIKEVICH_EQUATIONS = """\
# Izhikevich's simple model (2003): v in mV, u and I in its own units, time in units of tau
dv/dt = (0.04 * v**2 + 5 * v + 140 - u + I) / tau : 1
du/dt = a * (b * v - u) / tau : 1
a : 1
b : 1
c : 1
d : 1
tau : second
I : 1
"""


def form_values(model: ModelText, si: dict) -> dict:
    """The Custom model form's values of ``si`` (parameter and state names -> SI numbers):
    parameters as they are named, initial states as ``name_0``, in the form's units."""
    values = {}
    for line in model.parameters():
        if line.name in si:
            values[line.name] = float(si[line.name]) / display_unit_of(line.unit)[1]
    for line in model.states():
        if line.name in si:
            values[f"{line.name}_0"] = float(si[line.name]) / display_unit_of(line.unit)[1]
    return values


def scaled_stimulus(stimulus: dict, factor: float) -> dict:
    """A stimulus form's values with the amplitude and offset multiplied by ``factor`` (from
    the tab's current unit to the Custom model tab's: 1e-3 for pA to nA, 1e3 for uA)."""
    return {**stimulus, "I_amp": stimulus["I_amp"] * factor,
            "I_offset": stimulus["I_offset"] * factor}


def _run_values(tend: float, dt: float, method: str) -> dict:
    return {"tend": float(tend), "dt": float(dt), "method": method}


def hh_model_file(params, stimulus) -> str:
    """Hodgkin-Huxley (``hh_model.HHParams`` and its stimulus, uA): a spike is a
    crossing of the detection level (threshold and refractoriness ``vm > v_spike``)."""
    from . import hh_model

    equations = ("# Hodgkin-Huxley squid axon (book ch. 2.2); potentials measured from rest\n"
                 + hh_model.EQUATIONS.replace("I_stim", "I").strip("\n") + "\nI : amp\n")
    model = ModelText(equations, hh_model.SPIKE, "", hh_model.SPIKE, "I")
    si = hh_model.run_values(params, stimulus)
    values = {**form_values(model, si), **_run_values(params.tend, params.dt, hh_model.METHOD)}
    return model_file_text(model, values, scaled_stimulus(stimulus.to_dict(), 1e3))


def neuron_type_model_file(neuron_type: str, name: str, stimulus: dict, t_end: float,
                           dt: float) -> str:
    """One neuron of the type I / type II exercise (``neuron_type`` "Type I" or "Type II",
    shown as neuron ``name``, X or Y: the header does not tell its type), driven by the
    stimulus form's values (pA, its first amplitude)."""
    from .neuron_type import SPIKE
    from .neuron_type_models import COMMON_EQUATIONS, V_TH_MV, spec_of

    spec = spec_of(neuron_type)
    equations = (f"# neuron {name} of the type I / type II exercise (book ch. 4.4)\n"
                 + (spec.equations + COMMON_EQUATIONS).replace("I_stim", "I").strip("\n")
                 + "\nI : amp\n")
    model = ModelText(equations, SPIKE, "", SPIKE, "I")
    si = {**spec.values(spec.params), "v_th": V_TH_MV * 1e-3, "v": spec.params.v0 * 1e-3,
          "w": spec.params.w0 * 1e-3}
    values = {**form_values(model, si), **_run_values(t_end, dt, "euler")}
    return model_file_text(model, values, scaled_stimulus(stimulus, 1e-3))


def adex_model_file(params, stimulus: dict) -> str:
    """AdEx (``adex.AdExParams`` and the stimulus form's values, pA), forward Euler."""
    model = ModelText(ADEX_EQUATIONS, "v > v_spike", "v = v_reset; w += b", "", "I")
    values = {"v_rest": params.v_rest, "v_rh": params.v_rheobase, "delta_T": params.delta_T,
              "v_reset": params.v_reset, "v_spike": params.v_spike, "R": params.R,
              "tau_m": params.tau_m, "tau_w": params.tau_w, "a": params.a,
              "b": params.b * 1e-3, "v_0": params.v_rest, "w_0": 0.0,
              **_run_values(params.simulation_time, params.dt, "euler")}
    return model_file_text(model, values, scaled_stimulus(stimulus, 1e-3))


def exp_if_model_file(params, stimulus: dict) -> str:
    """Exponential integrate-and-fire (``exp_if.ExpIFParams``, stimulus in pA), forward
    Euler, no refractory period (t_ref = 0, as the tab)."""
    model = ModelText(EXP_IF_EQUATIONS, "v > v_spike", "v = v_reset", "t_ref", "I")
    values = {"v_rest": params.v_rest, "v_rh": params.v_rheobase, "delta_T": params.delta_T,
              "v_reset": params.v_reset, "v_spike": params.v_spike, "R": params.R,
              "tau": params.tau, "t_ref": 0.0, "v_0": params.v_rest,
              **_run_values(params.simulation_time, params.dt, "euler")}
    return model_file_text(model, values, scaled_stimulus(stimulus, 1e-3))


def izhikevich_model_file(params) -> str:
    """Izhikevich (``izhikevich.IzhikevichParams``: cell, step current and run), forward
    Euler; time in units of tau = 1 ms, v starts at c and u at b c (as the tab)."""
    from .izhikevich import V_PEAK

    model = ModelText(IZHIKEVICH_EQUATIONS, f"v >= {V_PEAK:g}", "v = c; u += d", "", "I")
    values = {"a": params.a, "b": params.b, "c": params.c, "d": params.d, "tau": 1.0,
              "v_0": params.c, "u_0": params.b * params.c,
              **_run_values(params.t_end, params.dt, "euler")}
    stimulus = {"kind": "step", "I_tstart": params.I_tstart,
                "I_tend": max(params.I_tend, params.I_tstart + params.dt), "I_amp": params.I}
    return model_file_text(model, values, stimulus)
