"""The scripting API refuses nonsense before simulating, naming the argument, and warns when a
result diverges (issue 12, item 15)."""
import inspect
import math
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurodynex_gui.models import fitzhugh_nagumo as fhn
from neurodynex_gui.models import hh, hh_model, hopfield as hf, hopfield_network, lif
from neurodynex_gui.models import neuron_type as nt, neuron_type_models, oja
from neurodynex_gui.models import neural_field, rate_network as rn, reaction_diffusion
from neurodynex_gui.models import exercise, exercise_plots, neuron_type_exercise
from neurodynex_gui.models import travelling_pulse
from neurodynex_gui.models import custom, custom_from_tabs, custom_planar, custom_spec
from neurodynex_gui.models.coding import analysis as coding_analysis
from neurodynex_gui.models.coding import circuit as coding_circuit
from neurodynex_gui.models.coding import information as coding_information
from neurodynex_gui.models.coding import population as coding_population
from neurodynex_gui.models.coding import rate as coding_rate
from neurodynex_gui.models.coding import spike_data as coding_spike_data
from neurodynex_gui.models import cable, compartments, dendrite_runs, dendritic_tree
from neurodynex_gui.models import adex, exp_if, izhikevich, neural_dynamics, reset_neurons
from neurodynex_gui.models import presynaptic, receptors, synapses, tsodyks_markram
from neurodynex_gui.models import plasticity, plasticity_class, plasticity_rules
from neurodynex_gui.models import plasticity_standalone
from neurodynex_gui.models import brunel, spiking_stats
from neurodynex_gui.models import decision_making, working_memory, wm_network, wm_standalone
from neurodynex_gui.models import brian_device
from neurodynex_gui.models.divergence import DivergenceWarning, divergence
from neurodynex_gui.models.params import ParamError

MODULES = (lif, hh, hh_model, fhn, nt, neuron_type_models, hf, hopfield_network, oja,
           rn.network, rn.chaos, rn.planar, neural_field, reaction_diffusion, travelling_pulse,
           exercise, exercise_plots, neuron_type_exercise,
           coding_analysis, coding_circuit, coding_information, coding_population,
           coding_rate, coding_spike_data,
           cable, compartments, dendritic_tree, dendrite_runs,
           exp_if, adex, izhikevich, neural_dynamics, reset_neurons,
           synapses, receptors, tsodyks_markram, presynaptic,
           plasticity, plasticity_class, plasticity_rules, plasticity_standalone,
           brunel, spiking_stats, custom, custom_from_tabs, custom_planar, custom_spec,
           decision_making, working_memory, wm_network, wm_standalone, brian_device)

NOT_CHECKED = {
    # the brian2 device seam: check_device is the check (a ParamError naming "device")
    "check_device", "streams", "use_device",
    # arrays in, arrays out: any values are the caller's data
    "get_spiketimes", "rates", "steady_states", "time_constants", "principal_axis",
    "angle_error_deg", "weight_norm", "plot_oja_trace", "text_to_grid", "grid_to_text",
    "load_alphabet", "simulate_many", "fit_length_constant", "fit_charging_time_constant",
    "fit_decay_time_constant", "membrane_capacitance_nF", "leak_conductance_uS",
    "axial_conductance_uS", "measurements",
    "transfer", "transfer_slope", "f_arguments", "square_matrix", "sigmoid",
    "active_width", "bump_width", "centre_of_mass", "convolve", "dominant_wavelength",
    "front_position", "front_speed", "measured_pulse", "reaction", "bimodality",
    # kernel_params are checked when they become KernelParams (kernel_params_from)
    "kernel", "kernel_integral", "kernel_transform", "pattern_wavelength", "kernel_params_from",
    "f_params_from", "activation",
    # no numeric argument
    "prepare", "build_in_background", "shuffle", "program_specs",
    # plumbing a model module shares with its tools (called with checked values)
    "brian_target", "tool_network", "integrate", "tool_setup", "run_setup", "run_values", "spec_of",
    "grid", "input_profiles", "integrate_field", "kernel_spectrum",
    # the compiled pairing program's builds (sizes from checked protocols)
    "spec_for", "window_spec", "build_dir", "build", "lookup", "run_compiled", "manifest",
    "execute",
    # text
    "updates_text",
    # figures of the caller's data (the exercise API's plots)
    "plot_data", "rec_to_tuple", "lif_figure", "hh_figure", "neuron_type_figure", "flow_figure",
    "hopfield_figure", "oja_figure",
    # the exercise API's argument plumbing (each raises a ParamError naming the argument)
    "as_current", "simtime_ms", "check_flag", "pyplot", "run_neuron",
    # custom model: equation text in, text or a form class out (brian2 checks the text)
    "parse_lines", "display_unit_of", "params_class", "stimulus_values", "strip_comment",
    "safe_unit", "model_file_text", "read_model_file", "planar_model", "plane_params",
    # "Open as custom model": a tab's checked form values in, model file text out
    "form_values", "scaled_stimulus", "hh_model_file", "neuron_type_model_file",
    "adex_model_file", "exp_if_model_file", "izhikevich_model_file",
    # coding: spike data, samples, probability tables and graphs in (any values are data)
    "as_spike_data", "couple", "isis", "cv", "fano_factor", "fano_curve", "spike_phases",
    "angle_difference", "log_posterior", "population_vector", "von_mises_tuning", "entropy",
    "binary_entropy", "joint_table", "panzeri_treves_bias", "channel_capacity", "adjacency",
    "to_graph", "motif_counts", "connectivity",
    # coding: files
    "save_spikes", "load_spikes", "save_nwb", "load_nwb",
    # neuron zoo plumbing, called with checked values (reset_neurons.current_samples checks
    # its I_stim itself; x_inf takes voltages; classify_run a result)
    "adex_euler", "adex_euler_many", "euler", "current_samples", "x_inf", "classify_run",
    "channel_names", "check_exponential_neuron",
    # synapses: typed spike times (text), spike times onto a run's grid (a checked dt)
    "parse_spike_times", "on_grid",
    # spike trains in, numbers out (spiking_stats); a name of brunel.REGIMES
    "isi_cv", "fano_factor", "synchrony", "power_spectrum", "spike_statistics", "regime_params",
    # keyword arguments checked by BrunelParams.from_dict (a ParamError naming the field)
    "sweep_point", "mean_field_point",
    # decision/memory: sweep points (each argument goes to a checked simulation), trial
    # tables and spike data in (any values are data)
    "decision_trial", "psychometric", "bump_position",
    # the working-memory ring's network and compiled program: plumbing of simulate_wm, called
    # with its checked values (make takes the brian2 module, apply its objects; kernel_weights
    # a profile array; run_compiled is listed above)
    "make", "ring_indices", "run_values", "apply", "kernel_weights",
}
"""Public functions without bounded arguments (hh.rates takes voltages; neuron_type.rates is
checked)."""

REQUIRED = {  # valid values for arguments without a default
    "neuron_type": nt.TYPE_ONE, "amplitudes": [0.5], "params": None, "cloud": np.ones((3, 2)),
    "grid": np.ones((2, 2)), "letters": "ab", "states": np.ones(4), "ratio": 0.5, "N": 4,
    "P": 2, "flip_ratio": 0.1, "trials": 2, "P_values": [1, 2], "flip_ratios": [0.1],
    "v0": 0.0, "w0": 0.0, "I_amp": 0.5, "W": np.eye(3), "I_ext": 0.0, "I": [1.0, 0.5],
    "wc": rn.WilsonCowanParams(), "seed": 1, "levels": np.ones(8), "c": 0.1, "width": 5.0,
    "D": 1.0, "r": 1.0, "a": 0.25,
    # coding
    "rate": lambda t: 0 * t + 10.0, "t_end": 100.0, "times": np.array([1.0, 2.0]),
    "n_units": 2, "n_trials": 2, "trial_ms": 50.0, "rate_max": 10.0, "s": [0, 1, 0, 1],
    "x": np.arange(20) % 2, "y": np.arange(20) % 3,
    "tuning": np.ones((4, 2)), "counts": np.ones(2), "window_ms": 50.0, "n": 10, "p": 0.1,
    "data": coding_spike_data.SpikeData([1.0], [0], 10.0),
    # dendrites
    "v": np.array([-70.0, 0.0]), "t": np.array([1.0, 2.0]),
    "show": dendrite_runs.ShowParams(), "cable": cable.CableParams(),
    "injection": cable.InjectionParams(), "tree": dendritic_tree.TreeParams(),
    "nmda": dendritic_tree.NMDAParams(),
    # neuron zoo
    "u": np.linspace(-70.0, -40.0, 4), "spike_times": [20.0, 40.0],
    # synapses
    "V_mV": -60.0, "receptor": receptors.ReceptorParams(), "t_ms": [0.0, 1.0],
    "spike_times_ms": [0.0, 10.0], "rate_Hz": 10.0, "delay_ms": 100.0,
    "pre_spikes": [np.array([1.0])], "post_spikes": None, "initial_weights": [0.5],
    "time_span": 10.0, "dt_ms": 10.0, "r_pre": 1.0, "r_post": 1.0, "W0": [0.1],
    "pre_ms": [0.0], "post_ms": [1.0],
}
PARAMS = {"fitzhugh_nagumo": fhn.FHNParams, "hopfield": hf.HopfieldParams,
          "network": rn.NetworkParams, "chaos": rn.NetworkParams,
          "population": coding_population.PopulationParams,
          "spike_data": coding_spike_data.SourceParams}
"""The ``params`` a module's tool functions require."""


def public_functions():
    """(name, callable, instance factory) of every public function and method of the models."""
    found = {}
    for module in MODULES:
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", "") != module.__name__:
                continue
            if inspect.isfunction(value) or hasattr(value, "checked_arguments"):
                found[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = (value, None)
            elif inspect.isclass(value) and value.__module__ == module.__name__:
                for method_name, method in vars(value).items():
                    if hasattr(method, "checked_arguments"):
                        found[f"{value.__name__}.{method_name}"] = (method, value)
    return found


FUNCTIONS = public_functions()
CHECKED = {key: (function, owner) for key, (function, owner) in FUNCTIONS.items()
           if hasattr(function, "checked_arguments")}


def test_every_public_function_with_bounded_arguments_is_checked():
    unchecked = sorted(key for key, (function, _) in FUNCTIONS.items()
                       if key not in CHECKED and key.rsplit(".", 1)[1] not in NOT_CHECKED
                       and inspect.signature(function).parameters)
    assert unchecked == []
    for method in ("NeuronAbstract.step", "NeuronAbstract.get_rate", "HopfieldNetwork.__init__",
                   "HopfieldNetwork.run", "HopfieldNetwork.make_pattern"):
        assert method in CHECKED


def instance(owner):
    if owner is hf.HopfieldNetwork:
        net = hf.HopfieldNetwork(4, seed=0)
        net.make_pattern(2)
        return net
    return owner()


def call(key, argument, value):
    """Call a checked function with ``argument=value``, every other required one valid."""
    function, owner = CHECKED[key]
    parameters = list(inspect.signature(function).parameters.values())
    kwargs = {}
    for parameter in parameters:
        if parameter.name in ("self", argument) or parameter.default is not inspect._empty:
            continue
        kwargs[parameter.name] = (PARAMS[key.split(".")[0]]() if parameter.name == "params"
                                  else REQUIRED[parameter.name])
    kwargs[argument] = value
    if key == "HopfieldNetwork.__init__":
        return hf.HopfieldNetwork(**kwargs)
    target = function if owner is None else getattr(instance(owner), function.__name__)
    return target(**kwargs)


def bad_values(meta, integer: bool):
    """Values a form refuses for a field with ``meta``."""
    refused = [st.just(math.nan), st.just(math.inf), st.just(-math.inf), st.just(10 ** 400),
               st.sampled_from(["abc", "", "1,5", None.__class__.__name__, "[1]"]),
               st.just(object())]
    if meta.choices is not None:
        return st.one_of(st.text().filter(lambda t: t not in meta.choices), st.integers())
    if meta.min is not None:
        refused.append(st.floats(max_value=meta.min, exclude_max=True, allow_nan=False,
                                 allow_infinity=False, width=64).filter(lambda v: v < meta.min))
    if meta.max is not None:
        refused.append(st.floats(min_value=meta.max, exclude_min=True, allow_nan=False,
                                 allow_infinity=False))
    if integer:
        refused.append(st.floats(min_value=meta.min or -1e6, max_value=meta.max or 1e6)
                       .filter(lambda v: not float(v).is_integer()))
    return st.one_of(refused)


CASES = [(key, argument, cls, field) for key, (function, _) in CHECKED.items()
         for argument, (cls, field) in function.checked_arguments().items()]


@pytest.fixture
def no_simulation(monkeypatch):
    """Building a brian2 network fails the test: the checks come first."""
    from neurodynex_gui.models import brian_support

    def refuse(*_args, **_kwargs):
        raise AssertionError("a simulation started before the arguments were checked")

    monkeypatch.setattr(brian_support, "network", refuse)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_refused_value_raises_a_param_error_naming_the_argument(no_simulation, data):
    key, argument, cls, field = data.draw(st.sampled_from(CASES), label="argument")
    default = next(d for n, d, _ in cls.specs() if n == field)
    value = data.draw(bad_values(cls.meta(field), type(default) is int), label="value")
    with pytest.raises(ValueError) as refused:
        call(key, argument, value)
    assert isinstance(refused.value, ParamError)
    assert refused.value.name == argument and str(refused.value).startswith(f"{argument}: ")


@pytest.mark.parametrize("make_call, argument", [
    (lambda: nt.NeuronX().step(I_amp=1e6), "I_amp"),
    (lambda: nt.NeuronX().step(t_end=math.nan), "t_end"),
    (lambda: nt.NeuronX().step(t_end=0), "t_end"),
    (lambda: nt.NeuronX().step(t_end=1e9), "t_end"),
    (lambda: nt.NeuronY().get_rate("lots"), "I_amp"),
    (lambda: oja.run_oja(eta=-1), "eta"),
    (lambda: oja.run_oja(eta=math.nan), "eta"),
    (lambda: oja.run_oja(eta=1e6), "eta"),
    (lambda: oja.run_oja(learning_rate=2), "learning_rate"),
    (lambda: oja.run_oja(ratio=math.nan), "ratio"),
    (lambda: oja.run_oja(n=0), "n"),
    (lambda: oja.make_cloud(center=(0, math.inf)), "center"),
    (lambda: hf.HopfieldNetwork(2.9), "N"),
    (lambda: hf.HopfieldNetwork(10 ** 5), "N"),
    (lambda: hf.HopfieldNetwork(10).run(t_max=-5), "t_max"),
    (lambda: hf.HopfieldNetwork(10).run(flip_ratio=2.0), "flip_ratio"),
    (lambda: hf.HopfieldNetwork(10).make_pattern(-3), "P"),
    (lambda: lif.LIF_Step(I_tstart=80), "I_tend"),
    (lambda: lif.fi_curve(I_min=2.0, I_max=1.0), "I_max"),
    (lambda: lif.simulate(hh.HHParams()), "params"),
    (lambda: hh.HH_Sinus(dt=-1), "dt"),
    (lambda: fhn.get_trajectory(I=math.nan), "I"),
    (lambda: fhn.get_fixed_point(I_ext="x"), "I_ext"),
    (lambda: fhn.get_flow(n=10 ** 5), "n"),  # 10^10 grid points: a MemoryError
    (lambda: lif.min_step_amplitude(neurons=2), "neurons"),  # would never narrow: a hang
    (lambda: nt.threshold(nt.TYPE_ONE, neurons=1), "neurons"),
    (lambda: rn.simulate_rates(np.eye(2), 0.0, tau=1.0, dt=2.0), "dt"),  # unstable Euler
    (lambda: rn.lyapunov_exponent(np.eye(2), t_end=math.inf), "t_end"),
    (lambda: rn.winner_take_all([1.0, 0.5], alpha=-1.0), "alpha"),
    (lambda: coding_rate.psth([1.0], 100.0, window_ms=0.0), "window_ms"),
    (lambda: coding_rate.psth([1.0], math.nan), "t_end"),
    (lambda: coding_information.mutual_information([0], [1], correction="bogus"), "correction"),
    (lambda: coding_information.transfer_entropy([0, 1] * 5, [1, 0] * 5, lag=0), "lag"),
    (lambda: coding_circuit.random_graph(10, p=2.0), "p"),
    (lambda: coding_spike_data.poisson_spikes(n_units=10 ** 9), "n_units"),
    (lambda: coding_analysis.analyse(rate=coding_population.PopulationParams()), "rate"),
])
def test_the_reported_nonsense_is_refused(no_simulation, make_call, argument):
    with pytest.raises(ValueError, match=f"^{argument}: "):
        make_call()


def test_a_pattern_index_beyond_the_stored_ones_is_a_value_error_naming_mu():
    net = hf.HopfieldNetwork(4)
    net.make_pattern(2)
    with pytest.raises(ValueError, match="^mu: ") as refused:
        net.run(mu=2)
    assert isinstance(refused.value, IndexError)  # as documented before


@settings(max_examples=60, deadline=None)
@given(n=st.integers(-5, 3000), ratio=st.floats(), angle=st.floats(), eta=st.floats(),
       rule=st.sampled_from(oja.RULES + ("anti",)))
def test_oja_gives_finite_weights_a_divergence_warning_or_a_named_refusal(n, ratio, angle,
                                                                          eta, rule):
    arguments = dict(n=n, ratio=ratio, angle=angle, eta=eta, rule=rule, seed=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            wcourse, cloud = oja.run_oja(**arguments)
        except ValueError as error:
            assert isinstance(error, ParamError) and error.name in arguments
            return
    assert np.isfinite(cloud).all() and wcourse.shape == (n, 2)
    warned = [w for w in caught if issubclass(w.category, DivergenceWarning)]
    assert np.isfinite(wcourse).all() != bool(warned)


@settings(max_examples=40, deadline=None)
@given(N=st.one_of(st.integers(-3, 40), st.floats(0, 50)), P=st.integers(-2, 60),
       ratio=st.floats(), t_max=st.integers(-3, 30), mu=st.integers(-2, 70),
       flip_ratio=st.floats())
def test_hopfield_runs_or_refuses_naming_the_argument(N, P, ratio, t_max, mu, flip_ratio):
    try:
        net = hf.HopfieldNetwork(N, seed=0)
        net.make_pattern(P, ratio)
        run = net.run(t_max=t_max, mu=mu, flip_ratio=flip_ratio, do_plot=False)
    except ValueError as error:
        assert isinstance(error, ParamError)
        assert error.name in ("N", "P", "ratio", "t_max", "mu", "flip_ratio")
        return
    assert run.states.shape[1] == int(N) ** 2 and len(run.states) <= t_max + 1
    assert np.isfinite(run.overlaps).all() and np.isfinite(run.energy).all()


@settings(max_examples=40, deadline=None)
@given(v0=st.floats(), w0=st.floats(), I=st.floats(), eps=st.floats(), a=st.floats(),
       tend=st.floats(max_value=2000))
def test_fitzhugh_nagumo_trajectories_are_finite_or_refused(v0, w0, I, eps, a, tend):
    try:
        t, v, w = fhn.get_trajectory(v0, w0, I, eps, a, tend)
    except ValueError as error:
        assert isinstance(error, ParamError)
        assert error.name in ("v0", "w0", "I", "eps", "a", "tend")
        return
    assert np.isfinite(v).all() and np.isfinite(w).all() and t[-1] <= tend


def test_a_diverging_hodgkin_huxley_run_warns():
    """The tester's case: without potassium, 1000 uA drive v to E_L + I / g_L = 3344 mV."""
    params = hh.HHParams(E_Na=500.0, g_Na=10000.0, g_K=0.0, tend=30.0)
    with pytest.warns(DivergenceWarning, match="vm_mV reaches 33") as caught:
        result = hh.simulate(params, hh.HHStimulus(I_tstart=5.0, I_tend=25.0, I_amp=1000.0))
    assert np.abs(result.vm_mV).max() == pytest.approx(10.6 + 1000.0 / 0.3, rel=0.01)
    warned, = (w for w in caught if w.category is DivergenceWarning)
    assert divergence(result) == str(warned.message)
    assert divergence(hh.HH_Step(tend=30)) is None  # the default neuron stays in range


def test_divergence_names_what_left_its_range():
    assert divergence(np.array([1.0, np.nan])) .startswith(
        "the simulation diverged: 50% of the result")
    assert "vm_mV reaches 3344 mV" in divergence(
        hh.HHResult(np.arange(2.0), np.array([0.0, 3344.0]), *([np.zeros(2)] * 5),
                    params=hh.HHParams(), rest=hh.resting_state()))
    assert divergence((np.zeros(3), {"X": np.ones(2)})) is None


@pytest.mark.parametrize("value", [math.nan, 5, "maybe", object()])
def test_a_true_or_false_field_refuses_what_is_neither(value):
    from neurodynex_gui.models.brunel import BrunelParams
    from neurodynex_gui.models.params import coerce

    with pytest.raises(ParamError, match="random_vm_init"):
        coerce(BrunelParams, "random_vm_init", value)
    assert coerce(BrunelParams, "random_vm_init", 1) is True
    assert coerce(BrunelParams, "random_vm_init", np.False_) is False
