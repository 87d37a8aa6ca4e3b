""""Open as custom model": each built-in single-neuron model, typed as custom equations with
the tab's values, reproduces the tab's own simulation (an independent implementation: plain
Euler loops for AdEx, exp-IF and Izhikevich, brian2 networks of their own for HH and the
type I/II neurons): spike times within one time step, traces within a tolerance."""
from __future__ import annotations

import numpy as np
import pytest
from PyQt5.QtCore import Qt

from neurodynex_gui.models import adex, custom, custom_from_tabs as cf, custom_planar
from neurodynex_gui.models import custom_spec as cs
from neurodynex_gui.models import exp_if, hh, hh_model, izhikevich as iz
from neurodynex_gui.models import neuron_type as nt
from neurodynex_gui.models.stimulus import stimulus_class


def custom_run(text: str):
    """Read a model file as the Custom model tab does (forms check the values) and run it."""
    model, values, stimulus = cs.read_model_file(text)
    assert custom.check(model).problems == []
    form = cs.params_class(model).from_dict(values).to_dict()
    unit = cs.display_unit_of(model.unit_of(model.current))[0]
    stim = stimulus_class(unit, "S", __name__, I_amp=1.0, amplitude_range=1e6)
    return custom.simulate(model, form, stim.from_dict(stimulus).to_dict())


def same_spikes(mine, theirs, dt):
    assert len(mine) == len(theirs) > 0
    assert np.max(np.abs(np.asarray(mine) - np.asarray(theirs))) <= dt + 1e-9


@pytest.mark.parametrize("name, params, stimulus", [
    ("adex", adex.FIRING_PATTERNS["adapting"], adex.AdExStimulus(I_amp=65.0)),
    ("adex", adex.AdExParams(), adex.AdExStimulus(kind="ramp", I_amp=120.0, I_tend=400.0)),
    ("exp_if", exp_if.ExpIFParams(delta_T=3.0), exp_if.ExpIFStimulus(I_amp=900.0)),
])
def test_adex_and_exp_if_equations_reproduce_their_tabs(name, params, stimulus):
    module = {"adex": adex, "exp_if": exp_if}[name]
    text = getattr(cf, f"{name}_model_file")(params, stimulus.to_dict())
    theirs = module.simulate(params, stimulus)
    mine = custom_run(text)
    # the tab's loop stamps a spike at the end of its step, brian2 at its start
    same_spikes(mine.spikes_ms[0], theirs.spike_times, params.dt)
    assert np.allclose(mine.traces["v"][0], theirs.v, atol=1e-6)
    if name == "adex":
        assert np.allclose(mine.traces["w"][0] * 1e3, theirs.w, atol=1e-6)  # nA -> pA


def test_izhikevich_equations_reproduce_the_tab():
    params = iz.IzhikevichParams(a=0.02, b=0.2, c=-50.0, d=2.0, I=10.0)  # chattering
    mine = custom_run(cf.izhikevich_model_file(params))
    theirs = iz.simulate_params(params)
    same_spikes(mine.spikes_ms[0], theirs.spike_times, params.dt)
    assert np.allclose(mine.traces["v"][0], theirs.v, atol=1e-6)
    assert np.allclose(mine.traces["u"][0], theirs.w, atol=1e-6)


def test_hodgkin_huxley_equations_reproduce_the_tab():
    params = hh_model.HHParams(tend=60.0)
    stimulus = hh_model.HHStimulus(I_tstart=5.0, I_tend=45.0, I_amp=10.0)
    theirs = hh.simulate(params, stimulus)
    mine = custom_run(cf.hh_model_file(params, stimulus))
    # the tab finds crossings in samples every record_dt; brian2's threshold every dt
    same_spikes(mine.spikes_ms[0], theirs.spikes_ms, params.record_dt)
    every = params.sample_every
    assert np.allclose(mine.traces["vm"][0][::every][:len(theirs.vm_mV)], theirs.vm_mV,
                       atol=1e-3)


@pytest.mark.parametrize("neuron_type", [nt.TYPE_ONE, nt.TYPE_TWO])
def test_type_one_and_two_equations_reproduce_the_tab(neuron_type):
    stimulus = nt.NeuronTypeStimulus(I_tstart=50.0, I_tend=400.0, I_amp=1.0)
    mine = custom_run(cf.neuron_type_model_file(neuron_type, "X", stimulus.to_dict(), 400.0,
                                                0.1))
    theirs = nt.traces(neuron_type, stimulus, amplitudes=(1.0,), t_end=400.0, dt=0.1)
    assert np.allclose(mine.traces["v"][0], theirs.v_mV[0], atol=1e-6)
    assert np.allclose(mine.traces["w"][0], theirs.w_mV[0], atol=1e-6)
    crossings = np.flatnonzero((theirs.v_mV[0][1:] > nt.V_TH_MV) &
                               (theirs.v_mV[0][:-1] <= nt.V_TH_MV)) + 1
    same_spikes(mine.spikes_ms[0], theirs.t_ms[crossings], 0.1)


def test_form_values_convert_si_to_the_forms_units():
    model = cs.ModelText("dv/dt = (-v + R * I) / tau : volt\nR : ohm\ntau : second\n"
                         "g : siemens\nI : amp\n", current="I")
    values = cf.form_values(model, {"R": 2e7, "tau": 0.012, "g": 3e-9, "I": 1.0, "v": -0.07})
    assert values == pytest.approx({"R": 20.0, "tau": 12.0, "g": 3.0, "v_0": -70.0})


def test_open_as_custom_model_from_every_single_neuron_tab(make_window, qtbot):
    ids = ("hh", "neuron_type", "adex", "exp_if", "izhikevich", "lif", "fitzhugh_nagumo")
    window = make_window(*ids, "custom")
    custom_tab = window.tabs["custom"]
    firsts = {"hh": "# Hodgkin-Huxley", "neuron_type": "# neuron X", "adex": "# adaptive",
              "exp_if": "# exponential", "izhikevich": "# Izhikevich", "lif": "# leaky",
              "fitzhugh_nagumo": "# FitzHugh-Nagumo"}
    for tab_id in ids:
        tab = window.tabs[tab_id]
        assert tab.sends_custom_model()
        qtbot.mouseClick(tab.side_panel.custom_button, Qt.LeftButton)
        assert window.current_tab is custom_tab
        assert custom_tab.model_text().equations.startswith(firsts[tab_id]), tab_id
    adex_tab = window.tabs["adex"]
    adex_tab.set_value("b", "12")
    adex_tab.set_value("I_amp", "80")
    qtbot.mouseClick(adex_tab.side_panel.custom_button, Qt.LeftButton)
    assert custom_tab.param_forms["params"].params().b == pytest.approx(0.012)  # nA
    assert custom_tab.param_forms["stimulus"].params().I_amp == pytest.approx(0.08)
    assert custom_tab.model_text().reset == "v = v_reset; w += b"


@pytest.mark.parametrize("neuron_type", [nt.TYPE_ONE, nt.TYPE_TWO])
def test_type_one_and_two_open_with_the_phase_plane_of_their_tab(neuron_type):
    """Their equations write units (``12*mV``, ``1*ms``): the phase plane reads brian2's unit
    names, and its flow equals the type I/II tab's own phase plane at every point."""
    stimulus = nt.NeuronTypeStimulus(I_amp=0.3)
    text = cf.neuron_type_model_file(neuron_type, "X", stimulus.to_dict(), 400.0, 0.1)
    model, values, stimulus_values = cs.read_model_file(text)
    planar = custom_planar.planar_model(model)
    params = custom_planar.plane_params(model, values, stimulus_values)
    spec = nt.SPECS[neuron_type]
    theirs = spec.planar.rhs
    v, w = np.meshgrid(np.linspace(-80, 40, 7), np.linspace(-10, 30, 5))
    mine = planar.rhs(v, w, params)
    expected = theirs(v, w, spec.params.replace(I=0.3))
    assert np.allclose(mine[0], expected[0], rtol=1e-6, atol=1e-9)
    assert np.allclose(mine[1], expected[1], rtol=1e-6, atol=1e-9)
