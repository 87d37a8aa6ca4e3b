"""The seed exercise package's API (neurodynex 2016) as a student types it from the exercise
sheet: every documented call with its documented defaults, the free-current runs, and the
figures of do_plot=True (issue 23). matplotlib runs on its Agg backend (tests/conftest.py)."""
import inspect
import math
import sys

import numpy as np
import pytest

from neurodynex_gui.models import fitzhugh_nagumo as fhn
from neurodynex_gui.models import hh, hopfield as hf, lif, neuron_type as nt, oja
from neurodynex_gui.models.exercise import Current
from neurodynex_gui.models.params import ParamError

plt = pytest.importorskip("matplotlib.pyplot")

# ------------------------------------------------------------------ the seed's documented API
# name -> the seed's parameters with their defaults (REQUIRED: no default), in its order; a
# call with the seed's defaults (the HH runs shortened: brian2's runtime at 0.01 ms costs
# about 0.4 ms per step in the tests); a check of what the seed documents it returns.
REQUIRED = inspect.Parameter.empty
STEP_1MS = np.r_[np.zeros(20), np.full(50, 1.005), np.zeros(30)]  # LIF_Step's current, nA


def _trace_check(*names):
    def check(result):
        lengths = {len(getattr(result, name)) for name in names}
        assert len(lengths) == 1 and lengths.pop() > 10
    return check


SEED_API = [
    ("lif.LIF_Neuron", {"curr": REQUIRED, "simtime": REQUIRED},
     lambda: lif.LIF_Neuron(STEP_1MS, 0.1, dt=1.0), _trace_check("t", "v", "I")),
    ("lif.LIF_Step", {"I_tstart": 20, "I_tend": 70, "I_amp": 1.005, "tend": 100,
                      "do_plot": True},
     lambda: lif.LIF_Step(), _trace_check("t", "v", "I")),
    ("lif.LIF_Sinus", {"I_freq": 0.1, "I_offset": 0.5, "I_amp": 0.5, "tend": 100, "dt": 0.1,
                       "do_plot": True},
     lambda: lif.LIF_Sinus(), _trace_check("t", "v", "I")),
    ("lif.plot_data", {"rec": REQUIRED, "v_threshold": 1.0, "title": None},
     lambda: lif.plot_data(lif.LIF_Neuron(1.2, 0.01)), lambda fig: len(fig.axes) == 2),
    ("hh.HH_Neuron", {"curr": REQUIRED, "simtime": REQUIRED},
     lambda: hh.HH_Neuron(7.0, 0.02), _trace_check("t", "vm", "I_e", "m", "n", "h")),
    ("hh.HH_Step", {"I_tstart": 20, "I_tend": 180, "I_amp": 7, "tend": 200, "do_plot": True},
     lambda: hh.HH_Step(I_tstart=5, I_tend=25, tend=30),
     _trace_check("t", "vm", "I_e", "m", "n", "h")),
    ("hh.HH_Sinus", {"I_freq": 0.01, "I_offset": 0.5, "I_amp": 7.0, "tend": 600, "dt": 0.1,
                     "do_plot": True},
     lambda: hh.HH_Sinus(tend=20), _trace_check("t", "vm", "I_e", "m", "n", "h")),
    ("hh.HH_Ramp", {"I_tstart": 30, "I_tend": 270, "I_amp": 20.0, "tend": 300, "dt": 0.1,
                    "do_plot": True},
     lambda: hh.HH_Ramp(I_tstart=5, I_tend=15, tend=20),
     _trace_check("t", "vm", "I_e", "m", "n", "h")),
    ("hh.plot_data", {"rec": REQUIRED, "title": None},
     lambda: hh.plot_data(hh.HH_Neuron(7.0, 0.01)), lambda fig: len(fig.axes) == 3),
    ("fitzhugh_nagumo.get_trajectory", {"v0": 0.0, "w0": 0.0, "I": 0.0, "eps": 0.1, "a": 2.0,
                                        "tend": 500.0},
     lambda: fhn.get_trajectory(), lambda tvw: len(tvw) == 3 and len(tvw[0]) == len(tvw[1])),
    ("fitzhugh_nagumo.plot_flow", {"I": 0.0, "eps": 0.1, "a": 2.0},
     lambda: fhn.plot_flow(), lambda fig: len(fig.axes[0].lines) == 2),
    ("fitzhugh_nagumo.get_fixed_point", {"I": 0.0, "eps": 0.1, "a": 2.0},
     lambda: fhn.get_fixed_point(), lambda vw: len(vw) == 2),
    ("neuron_type.get_step_curr", {"I_tstart": 20, "I_tend": 270, "I_amp": 0.5},
     lambda: nt.get_step_curr(), lambda curr: len(curr) == 271 and curr.dt_ms == 1.0),
    ("neuron_type.plot_data", {"rec": REQUIRED, "title": None, "show": False},
     lambda: nt.plot_data(nt.NeuronX().run(0.5, 0.05)), lambda fig: len(fig.axes) == 3),
    ("neuron_type.get_spiketimes", {"t": REQUIRED, "v": REQUIRED, "v_th": 0.5,
                                    "do_plot": False},
     lambda: nt.get_spiketimes(np.arange(4.0), np.array([0, 1, 0, 1.0])),
     lambda times: list(times) == [1.0, 3.0]),
    ("neuron_type.rec_to_tuple", {"rec": REQUIRED},
     lambda: nt.rec_to_tuple(nt.NeuronX().run(0.5, 0.01)),
     lambda tvwi: len(tvwi) == 4 and tvwi[0].shape == tvwi[1].shape == (100,)),
    ("NeuronX.run", {"curr": REQUIRED, "simtime": REQUIRED},
     lambda: nt.NeuronX().run(nt.get_step_curr(), 0.3), _trace_check("t")),
    ("NeuronX.step", {"t_end": 300.0, "I_tstart": 20, "I_tend": 270, "I_amp": 0.5,
                      "do_plot": True, "show": True},
     lambda: nt.NeuronX().step(), lambda tvwi: len(tvwi) == 4 and len(tvwi[0]) == 3000),
    ("NeuronX.get_rate", {"I_amp": REQUIRED, "t_end": 1000.0, "do_plot": False},
     lambda: nt.NeuronX().get_rate(0.5), lambda rate: rate >= 0.0),
    ("NeuronX.get_neuron_type", {},
     lambda: nt.NeuronX.get_neuron_type(),
     lambda kind: kind in (nt.NeuronTypeOne, nt.NeuronTypeTwo)),
    ("hopfield.HopfieldNetwork", {"N": REQUIRED}, lambda: hf.HopfieldNetwork(5),
     lambda net: net.x.shape == (25,)),
    ("HopfieldNetwork.make_pattern", {"P": 1, "ratio": 0.5, "letters": None},
     lambda: hf.HopfieldNetwork(5).make_pattern(), lambda _: True),
    ("HopfieldNetwork.run", {"t_max": 20, "mu": 0, "flip_ratio": 0.0, "do_plot": True},
     lambda: _stored(hf.HopfieldNetwork(5, seed=1)).run(),
     lambda run: run.overlaps[-1, 0] == 1.0),
    ("oja.make_cloud", {"n": 10000, "ratio": 1.0, "angle": 0.0},
     lambda: oja.make_cloud(), lambda cloud: cloud.shape == (10000, 2)),
    ("oja.learn", {"cloud": REQUIRED, "initial_angle": None, "eta": 0.001},
     lambda: oja.learn(oja.make_cloud(100)), lambda w: w.shape == (100, 2)),
    ("oja.run_oja", {"n": 10000, "ratio": 1.0, "angle": 0.0, "do_plot": True},
     lambda: oja.run_oja(), lambda result: result[0].shape == (10000, 2)),
]


def _stored(net):
    net.make_pattern()
    return net


def _callable(name):
    owner, attribute = name.split(".")
    holder = {"NeuronX": nt.NeuronX, "HopfieldNetwork": hf.HopfieldNetwork,
              "lif": lif, "hh": hh, "fitzhugh_nagumo": fhn, "neuron_type": nt, "hopfield": hf,
              "oja": oja}[owner]
    return getattr(holder, attribute)


@pytest.mark.parametrize("name, seed_parameters, call, check", SEED_API,
                         ids=[entry[0] for entry in SEED_API])
def test_every_documented_call_has_the_seeds_arguments_runs_and_returns_what_it_says(
        name, seed_parameters, call, check):
    target = _callable(name)
    parameters = inspect.signature(target.__init__ if inspect.isclass(target) else target)
    ours = [p for p in parameters.parameters.values() if p.name != "self"]
    assert [p.name for p in ours[:len(seed_parameters)]] == list(seed_parameters)  # order too
    for parameter in ours[:len(seed_parameters)]:
        assert parameter.default == seed_parameters[parameter.name], parameter.name
    assert all(p.default is not REQUIRED or p.kind is p.VAR_KEYWORD
               for p in ours[len(seed_parameters):])  # anything we add is optional
    result = call()
    assert check(result) is not False
    if seed_parameters.get("do_plot") is True:  # the seed draws by default: so do we
        assert plt.get_fignums(), f"{name}() drew no figure"


# ------------------------------------------------------------------ free-current runs

def _lif_closed_form_count(current_nA, steps, dt=0.1, tau=1.0, R=1.0, theta=1.0):
    """Spikes of the seed's LIF (reset and rest 0 mV) under a constant current, from the
    solution v(t) = R I (1 - exp(-t / tau)) sampled by the exact exponential step: v passes
    theta after k = floor(T / dt) + 1 steps, T = tau ln(R I / (R I - theta)), then resets."""
    T = tau * math.log(R * current_nA / (R * current_nA - theta))
    k = math.floor(T / dt) + 1
    return steps // k


@pytest.mark.parametrize("current", [1.05, 1.2, 2.0, 5.0])
def test_lif_neuron_with_a_constant_current_fires_the_closed_form_count(current):
    result = lif.LIF_Neuron(current, 0.2)  # 2000 steps of 0.1 ms
    assert result.spike_count == _lif_closed_form_count(current, 2000)
    T = math.log(current / (current - 1.0))
    assert np.diff(result.spikes_ms) == pytest.approx(0.1 * (math.floor(T / 0.1) + 1))
    assert lif.LIF_Neuron(0.99, 0.2).spike_count == 0  # below the rheobase theta / R


def test_lif_neuron_with_the_seeds_timed_array_spikes_as_lif_step():
    b2 = pytest.importorskip("brian2")
    curr = b2.TimedArray(STEP_1MS * b2.nA, dt=1.0 * b2.ms)  # LIF_Step's current, as the seed
    run = lif.LIF_Neuron(curr, 100 * b2.ms)
    step = lif.LIF_Step(do_plot=False)  # brian2, as the tab
    np.testing.assert_allclose(run.spikes_ms, step.spikes_ms)
    np.testing.assert_allclose(run.v_mV, step.v_mV, atol=1e-9)
    assert run.spike_count == _lif_closed_form_count(1.005, 500) > 0  # within the 50 ms step
    np.testing.assert_allclose(lif.LIF_Neuron(STEP_1MS, 0.1, dt=1.0).v_mV, run.v_mV)


def test_hh_neuron_spikes_as_hh_step_and_as_an_adaptive_ode_solver():
    integrate = pytest.importorskip("scipy.integrate")
    current = np.r_[np.zeros(5), np.full(20, 7.0), np.zeros(10)]  # 1 ms samples, uA
    run = hh.HH_Neuron(current, 0.035, dt=1.0)
    step = hh.HH_Step(I_tstart=5, I_tend=25, I_amp=7, tend=35, do_plot=False)  # brian2
    assert run.spike_count == step.spike_count >= 2
    np.testing.assert_allclose(run.spikes_ms, step.spikes_ms, atol=0.021)
    p = hh.HHParams()

    def rhs(t, y):
        v, m, n, h = y
        r = hh.rates(v)
        drive = 7.0 if 5.0 <= t < 25.0 else 0.0
        dv = (drive - p.g_Na * m ** 3 * h * (v - p.E_Na) - p.g_K * n ** 4 * (v - p.E_K)
              - p.g_L * (v - p.E_L)) / p.C
        return [dv] + [r[f"alpha_{x}"] * (1 - y[i + 1]) - r[f"beta_{x}"] * y[i + 1]
                       for i, x in enumerate("mnh")]

    exact = integrate.solve_ivp(rhs, (0, 35), hh.initial_state(p), max_step=0.01, rtol=1e-8,
                                atol=1e-10, dense_output=True)
    t = np.arange(0, 35, 0.01)
    v = exact.sol(t)[0]
    reference = t[1:][(v[:-1] < 50) & (v[1:] >= 50)]
    assert len(reference) == run.spike_count
    error = np.abs(run.spikes_ms - reference).max()
    assert error < 0.2  # ms: exponential Euler is first order in dt = 0.01 ms
    finer = hh.HH_Neuron(current, 0.035, dt=1.0, params=hh.HHParams(dt=0.001, record_dt=0.01))
    assert np.abs(finer.spikes_ms - reference).max() < max(error / 4, 0.011)  # it converges


@pytest.mark.parametrize("neuron_class", [nt.NeuronTypeOne, nt.NeuronTypeTwo])
def test_run_with_get_step_curr_is_the_step_of_the_seed(neuron_class):
    neuron = neuron_class()
    t, v, w, current = neuron.step(I_amp=0.5, do_plot=False)  # brian2
    rec = neuron.run(nt.get_step_curr(I_amp=0.5), 0.3)  # numpy
    assert rec.v.shape == (1, len(t))  # one row, as the seed's StateMonitor: rec.v[0]
    np.testing.assert_allclose(rec.t, t)
    np.testing.assert_allclose(rec.v[0], v, atol=1e-6)
    np.testing.assert_allclose(rec.w[0], w, atol=1e-6)
    np.testing.assert_allclose(rec.I[0], current)
    assert len(nt.get_spiketimes(rec.t, rec.v[0])) == len(nt.get_spiketimes(t, v)) > 0


def test_get_step_curr_is_the_seeds_step_sampled_every_ms_and_converts():
    curr = nt.get_step_curr(I_tstart=20, I_tend=270, I_amp=0.5)
    expected = np.zeros(271)
    expected[20:270] = 0.5
    np.testing.assert_array_equal(curr.values, expected)
    assert (curr.unit, curr.dt_ms) == ("pA", 1.0)
    np.testing.assert_array_equal(curr.at([19.9, 20.0, 269.9, 270.0, 5000.0]),
                                  [0, 0.5, 0.5, 0, 0])  # the last value holds afterwards
    np.testing.assert_allclose(curr.to("nA").values, expected * 1e-3)
    b2 = pytest.importorskip("brian2")
    timed = curr.to_timed_array()
    assert float(timed(25 * b2.ms) / b2.pA) == pytest.approx(0.5)
    again = nt.NeuronTypeTwo().run(timed, 0.3)  # a brian2 TimedArray goes in as well
    np.testing.assert_allclose(again.v[0], nt.NeuronTypeTwo().run(curr, 0.3).v[0])


# ------------------------------------------------------------------ figures

def _line_data(ax):
    return [(line.get_xdata(), line.get_ydata()) for line in ax.lines]


def test_lif_step_draws_v_with_the_threshold_over_i(tmp_path):
    result = lif.LIF_Step(I_amp=1.2)
    fig = result.figure
    assert plt.fignum_exists(fig.number)
    top, bottom = fig.axes
    assert (top.get_xlabel(), top.get_ylabel(), bottom.get_ylabel()) == \
        ("t [ms]", "v [mV]", "I [nA]")
    (t, v), (_, threshold) = _line_data(top)
    np.testing.assert_array_equal(v, result.v)
    assert list(threshold) == [1.0, 1.0]
    np.testing.assert_array_equal(_line_data(bottom)[0][1], result.I)
    assert fig._suptitle.get_text() == "Step current"
    fig.savefig(tmp_path / "lif.png")
    assert (tmp_path / "lif.png").stat().st_size > 10_000


def test_hh_plot_data_draws_vm_gates_and_current():
    run = hh.HH_Neuron(np.r_[np.zeros(5), np.full(20, 7.0)], 0.03, dt=1.0)
    fig = hh.plot_data(run, title="seed")
    top, middle, bottom = fig.axes
    assert [ax.get_ylabel() for ax in fig.axes] == ["v [mV]", "act./inact. [1]", "I [uA]"]
    assert all(ax.get_xlabel() == "t [ms]" for ax in fig.axes)
    gates = _line_data(middle)
    for (_, drawn), values in zip(gates, (run.m, run.n, run.h)):
        np.testing.assert_array_equal(drawn, values)
    assert [line.get_label() for line in middle.lines] == ["m", "n", "h"]
    assert _line_data(bottom)[0][1].max() == 7.0


def test_neuron_step_draws_v_w_i_titled_with_the_class():
    t, v, w, current = nt.NeuronX().step(I_amp=0.6, show=True)
    fig = plt.gcf()
    assert [ax.get_ylabel() for ax in fig.axes] == ["v [mV]", "w [mV]", "I [pA]"]
    assert fig._suptitle.get_text() == "NeuronX"
    np.testing.assert_array_equal(_line_data(fig.axes[1])[0][1], w)
    plt.close("all")
    nt.NeuronY().step(I_amp=0.6, do_plot=False)
    assert not plt.get_fignums()


def test_plot_flow_draws_the_field_and_both_nullclines():
    fig = fhn.plot_flow(I=0.5, eps=0.1, a=2.0)
    ax, colorbar = fig.axes
    arrows, = ax.collections
    assert len(arrows.U) == 25 * 25 and colorbar.get_ylabel() == "log10 speed [1]"
    V, W = arrows.X.reshape(25, 25), arrows.Y.reshape(25, 25)  # unit arrows along the flow
    u, w = arrows.U.reshape(25, 25), arrows.V.reshape(25, 25)
    dV, dW = V * (1 - V ** 2) - W + 0.5, 0.1 * (V - 0.5 * W + 1.0)
    np.testing.assert_allclose(np.hypot(u, w), 1.0)
    np.testing.assert_allclose(u * dW - w * dV, 0.0, atol=1e-9)  # parallel to (dV, dW)
    assert (u * dV + w * dW >= 0).all()
    (v, w_v), (v2, w_w) = _line_data(ax)
    np.testing.assert_allclose(w_v, v - v ** 3 + 0.5)  # du/dt = 0
    np.testing.assert_allclose(w_w, 2 * v2 + 2.0)  # dw/dt = 0: u - w/2 + a/2 = 0
    assert (ax.get_xlim(), ax.get_ylim()) == ((-2.5, 2.5), (-2.5, 5.5))


def test_hopfield_run_draws_the_grids_and_the_overlaps():
    net = hf.HopfieldNetwork(6, seed=2)
    net.make_pattern(P=3)
    run = net.run(mu=1, flip_ratio=0.2)
    fig = plt.gcf()
    overlaps = fig.axes[-1]
    assert overlaps.get_ylabel() == "overlap m [1]" and len(overlaps.lines) == 3
    for index, (_, drawn) in enumerate(_line_data(overlaps)):
        np.testing.assert_array_equal(drawn, run.overlaps[:, index])
    first = fig.axes[0].images[0].get_array()
    np.testing.assert_array_equal(first, run.states[0].reshape(6, 6))


def test_without_matplotlib_a_plot_warns_how_to_install_it_and_the_run_stays(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)  # import fails
    with pytest.warns(RuntimeWarning, match=r"neurodynex-gui\[plot\]"):
        result = lif.LIF_Step(I_amp=1.2)
    assert result.figure is None and result.spike_count > 0


# ------------------------------------------------------------------ refusals name the argument

@pytest.mark.parametrize("make_call, argument", [
    (lambda: lif.LIF_Neuron("abc", 0.1), "curr"),
    (lambda: lif.LIF_Neuron([1.0, math.nan], 0.1), "curr"),
    (lambda: lif.LIF_Neuron(np.ones((2, 3)), 0.1), "curr"),
    (lambda: lif.LIF_Neuron(1e7, 0.1), "curr"),
    (lambda: lif.LIF_Neuron(1.0, 1000), "simtime"),  # seconds: beyond the form's 100 s
    (lambda: lif.LIF_Neuron(1.0, -0.1), "simtime"),
    (lambda: lif.LIF_Neuron(1.0, "0.1"), "simtime"),
    (lambda: lif.LIF_Neuron(1.0, 0.1, dt=0), "dt"),
    (lambda: lif.LIF_Step(do_plot=3), "do_plot"),
    (lambda: hh.HH_Neuron([], 0.1), "curr"),
    (lambda: hh.HH_Sinus(do_plot="yes"), "do_plot"),
    (lambda: nt.NeuronX().run(0.5, math.inf), "simtime"),
    (lambda: nt.NeuronX().run(0.5, 0.1, dt=-1.0), "dt"),
    (lambda: nt.NeuronX().step(show="no"), "show"),
    (lambda: nt.get_step_curr(I_tstart=300), "I_tend"),
    (lambda: nt.get_step_curr(I_amp=1e6), "I_amp"),
    (lambda: fhn.plot_flow(eps=-1.0), "eps"),
    (lambda: hf.HopfieldNetwork(4).run(do_plot=None), "do_plot"),
])
def test_bad_arguments_raise_a_value_error_naming_them(make_call, argument):
    with pytest.raises(ParamError, match=f"^{argument}: "):
        make_call()
    assert not plt.get_fignums()


def test_a_plain_simtime_of_seconds_that_looks_like_ms_warns():
    with pytest.warns(UserWarning, match="simtime is in seconds"):
        result = lif.LIF_Neuron(0.0, 10)
    assert result.t[-1] == pytest.approx(10_000 - 0.1)


def test_brian2_quantities_are_checked_for_their_dimension():
    b2 = pytest.importorskip("brian2")
    with pytest.raises(ValueError, match="^curr: must be a current"):
        lif.LIF_Neuron(np.ones(3) * b2.mV, 0.1)
    with pytest.raises(ValueError, match="^simtime: must be a time"):
        lif.LIF_Neuron(1.0, 3 * b2.nA)
    assert lif.LIF_Neuron(1.2 * b2.nA, 20 * b2.ms).spike_count == \
        lif.LIF_Neuron(Current([1200.0], 0.1, "pA"), 0.02).spike_count > 0
