"""Type I / type II neurons: brian2 runs checked against the equations solved here with scipy,
against the bifurcation currents derived from the equations, and the mystery's shuffle."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

from neurodynex_gui.models import neuron_type as nt
from neurodynex_gui.models import planar

STEP_START = 100.0  # get_rate's step starts here (ms)


# -- the equations of the issue, written independently (t in ms, v and w in mV, I in pA) -----

def type_one(v, w, I):
    w_inf = 0.5 * (1 + np.tanh((v - 12) / 17))
    tau = 1 / np.cosh((v - 12) / 34)
    m = 0.5 * (1 + np.tanh((v + 1.2) / 18))
    dv = (-4.4 * m * (v - 120) - 8 * w * (v + 84) - 2 * (v + 60) + 100 * I) / 20
    return dv, 0.0666667 * (w_inf - w) / tau


def type_two(v, w, I):
    return v - v ** 3 / 3 - w + I, (1.25 * (v + 0.7) - w) / 15.6


EQUATIONS = {nt.TYPE_ONE: (type_one, (-60.0, 0.0)), nt.TYPE_TWO: (type_two, (0.0, 0.0))}


def scipy_spike_times(neuron_type, amps, t_end=1000.0, start=STEP_START, stop=None):
    """Spike times (upward crossings of 0.5 mV, sampled every 0.1 ms) for a step of each
    amplitude from ``start`` to ``stop`` (default: the end), all amplitudes in one solve."""
    f, (v0, w0) = EQUATIONS[neuron_type]
    amps = np.asarray(amps, float)
    n, stop = len(amps), t_end if stop is None else stop
    edges = [0.0, start, stop, t_end]
    y = np.concatenate([np.full(n, v0), np.full(n, w0)])
    t_all, v_all = [], []
    for a, b in zip(edges[:-1], edges[1:]):
        if b <= a:
            continue
        current = amps if a == start else 0.0 * amps

        def rhs(_t, state, current=current):
            return np.concatenate(f(state[:n], state[n:], current))

        t_eval = np.arange(round(a / 0.1), round(b / 0.1)) * 0.1
        sol = solve_ivp(rhs, (a, b), y, method="RK45", rtol=1e-8, atol=1e-9,
                        t_eval=np.append(t_eval, b))
        y = sol.y[:, -1]
        t_all.append(sol.t[:-1])
        v_all.append(sol.y[:n, :-1])
    t, v = np.concatenate(t_all), np.concatenate(v_all, axis=1)
    return t, v, [t[1:][(row[:-1] < 0.5) & (row[1:] >= 0.5)] for row in v]


def scipy_threshold(neuron_type, low, high, step=0.001):
    """The lowest amplitude on a fine grid with at least two spikes during the step."""
    amps = np.arange(low, high + step / 2, step)
    _, _, trains = scipy_spike_times(neuron_type, amps)
    firing = np.array([len(s) >= 2 for s in trains])
    assert firing.any() and not firing[0], "the scan must bracket the threshold"
    return amps[np.argmax(firing)]


@pytest.fixture(scope="module")
def scan_thresholds():
    return {kind: scipy_threshold(kind, 0.30, 0.40) for kind in nt.SPECS}


# -- the f-I curves -------------------------------------------------------------------------

def test_type_one_starts_continuously_and_type_two_jumps():
    mystery = nt.MysteryParams(neuron_X=nt.TYPE_TWO)
    curves = nt.onset_curves(mystery)
    one, two = curves.rates["Y"], curves.rates["X"]
    onset_one = np.flatnonzero(one > 0)[0]
    assert 0 < one[onset_one] < 3.0, "type I: just above threshold the rate is a few Hz at most"
    assert np.all(np.diff(one[onset_one:]) > 0), "and it grows with I"
    assert one[-1] > 3 * one[onset_one]
    assert np.all(one[:onset_one] == 0)
    assert two[two > 0].min() > 15.0, "type II: its lowest non-zero rate is well above zero"
    for name in "XY":
        rel = curves.currents[name] - curves.onset[name]
        assert rel[0] < 0 < rel[-1] and np.all(curves.rates[name][rel < 0] == 0)


def test_f_i_curves_agree_with_scipy_rates():
    amps = np.array([0.2, 0.4, 0.6, 0.8, 1.0])
    curves = nt.fi_curves(nt.MysteryParams(neuron_X=nt.TYPE_ONE), 0.2, 1.0, 5)
    for name, kind in nt.MysteryParams(neuron_X=nt.TYPE_ONE).assignment().items():
        _, _, trains = scipy_spike_times(kind, amps)
        expected = np.array([1000 / np.mean(np.diff(s)) if len(s) > 1 else 0.0
                             for s in trains])
        assert np.allclose(curves.currents[name], amps)
        assert expected[0] == 0 and curves.rates[name][0] == 0
        np.testing.assert_allclose(curves.rates[name][1:], expected[1:], rtol=0.02)


def test_thresholds_agree_with_a_fine_scan(scan_thresholds):
    found = nt.thresholds(nt.MysteryParams(neuron_X=nt.TYPE_TWO), resolution=0.01)
    for name, kind in (("X", nt.TYPE_TWO), ("Y", nt.TYPE_ONE)):
        low, high = found.brackets[name]
        assert high - low <= 0.01
        assert abs(found.threshold(name) - scan_thresholds[kind]) <= 0.01
    assert "neuron X" in found.text and "neuron Y" in found.text


def test_thresholds_are_the_bifurcation_currents(scan_thresholds):
    """Type I: a saddle-node (the fold of I(v) along the w-nullcline); type II: firing starts
    just below the Hopf current (subcritical: a stable cycle coexists with the rest state)."""
    p1 = nt.TypeOneParams()
    v = np.linspace(-80.0, 0.0, 200001)
    w_inf = 0.5 * (1 + np.tanh((v - 12) / 17))
    m = 0.5 * (1 + np.tanh((v + 1.2) / 18))
    current = (4.4 * m * (v - 120) + 8 * w_inf * (v + 84) + 2 * (v + 60)) / 100
    fold = np.flatnonzero(np.diff(np.sign(np.diff(current))))[0]
    i_sn = current[fold]
    assert len(planar.fixed_points(nt.TYPE_ONE_MODEL, p1.replace(I=i_sn - 0.005))) == 3
    assert len(planar.fixed_points(nt.TYPE_ONE_MODEL, p1.replace(I=i_sn + 0.005))) == 1
    assert abs(scan_thresholds[nt.TYPE_ONE] - i_sn) < 0.003

    v_h = -np.sqrt(1 - 1 / 15.6)  # trace 1 - v^2 - 1/tau = 0
    i_hopf = v_h ** 3 / 3 + 0.25 * v_h + 0.875
    p2 = nt.TypeTwoParams()
    below, = planar.fixed_points(nt.TYPE_TWO_MODEL, p2.replace(I=i_hopf - 0.005))
    above, = planar.fixed_points(nt.TYPE_TWO_MODEL, p2.replace(I=i_hopf + 0.005))
    assert below.stable and not above.stable and "focus" in above.kind
    assert i_hopf - 0.02 < scan_thresholds[nt.TYPE_TWO] < i_hopf


# -- the scripting API ------------------------------------------------------------------------

@pytest.mark.parametrize("neuron_class", [nt.NeuronTypeOne, nt.NeuronTypeTwo])
def test_step_response_matches_solve_ivp(neuron_class):
    t, v, w, current = neuron_class().step(I_amp=0.5)
    assert len(t) == 3000 and t[0] == 0 and t[-1] == pytest.approx(299.9)
    assert np.array_equal(current, np.where((t >= 20) & (t < 270), 0.5, 0.0))
    t_ref, v_ref, trains = scipy_spike_times(neuron_class.neuron_type, [0.5], 300.0,
                                             start=20.0, stop=270.0)
    assert np.allclose(t, t_ref)
    spikes = nt.get_spiketimes(t, v)
    assert len(spikes) == len(trains[0]) >= 4
    np.testing.assert_allclose(spikes, trains[0], atol=1.0)  # forward Euler at 0.1 ms
    before = (t >= 10) & (t < 20)  # after the first transient of type II from v = 0
    np.testing.assert_allclose(v[before], v_ref[0][before], atol=0.02)
    assert w.shape == v.shape and np.isfinite(w).all()


def test_get_rate_is_zero_below_two_spikes_and_the_isi_rate_above():
    neuron = nt.NeuronTypeTwo()
    assert neuron.get_rate(0.2) == 0.0
    _, _, (train,) = scipy_spike_times(nt.TYPE_TWO, [0.8])
    assert neuron.get_rate(0.8) == pytest.approx(1000 / np.mean(np.diff(train)), rel=0.02)


def test_get_spiketimes_finds_upward_crossings():
    t = np.arange(10.0)
    v = np.array([0, 1, 1, 0, 0, 2, 0, 0.5, 0.4, 0.6])
    assert np.array_equal(nt.get_spiketimes(t, v), [1.0, 5.0, 7.0, 9.0])
    assert np.array_equal(nt.get_spiketimes(t, v, v_th=1.5), [5.0])


def test_shuffle_permutes_and_is_reproducible():
    seen = set()
    for seed in range(40):
        x, y = nt.shuffle(seed)
        assert (x.__name__, y.__name__) == ("NeuronX", "NeuronY")
        assert (nt.NeuronX, nt.NeuronY) == (x, y)
        assert {x.get_neuron_type(), y.get_neuron_type()} == {nt.NeuronTypeOne,
                                                              nt.NeuronTypeTwo}
        seen.add(x.get_neuron_type())
    assert seen == {nt.NeuronTypeOne, nt.NeuronTypeTwo}
    assert nt.shuffle(7)[0].get_neuron_type() == nt.shuffle(7)[0].get_neuron_type()


def test_get_neuron_type_returns_the_revealed_class_as_the_exercise_package():
    for neuron_class in (nt.NeuronTypeOne, nt.NeuronTypeTwo):
        assert neuron_class.get_neuron_type() is neuron_class
    x, y = nt.shuffle(3)
    assert {x.get_neuron_type(), y.get_neuron_type()} == {nt.NeuronTypeOne, nt.NeuronTypeTwo}
    assert x.get_neuron_type().neuron_type == x.neuron_type
    assert x().get_neuron_type() is x.get_neuron_type()  # from an instance too
    assert nt.NeuronTypeOne.__name__ == "NeuronTypeOne"
    assert str(nt.NeuronTypeTwo) == "NeuronTypeTwo (Type II)"
    assert str(x) == "NeuronX"  # printing the mystery does not reveal it


def test_reveal_is_truthful(scan_thresholds):
    """Between the two thresholds only the type II neuron fires: the revealed type of X must
    say whether X fires there."""
    between = 0.5 * (scan_thresholds[nt.TYPE_ONE] + scan_thresholds[nt.TYPE_TWO])
    checked = set()
    for seed in range(20):
        neuron_x, _ = nt.shuffle(seed)
        if neuron_x.get_neuron_type() in checked:
            continue
        checked.add(neuron_x.get_neuron_type())
        fires = neuron_x().get_rate(between) > 0
        assert fires == (neuron_x.get_neuron_type() is nt.NeuronTypeTwo)
        assert (nt.NeuronY().get_rate(between) > 0) == (not fires)
    assert len(checked) == 2


# -- the tab's jobs ---------------------------------------------------------------------------

def test_simulate_runs_both_neurons_and_streams_every_amplitude():
    stimulus = nt.NeuronTypeStimulus(I_tstart=20.0, I_tend=120.0, I_amp=0.3)
    run = nt.TraceParams(n_amplitudes=3, amplitude_step=0.2, t_end=150.0)
    mystery = nt.MysteryParams(neuron_X=nt.TYPE_ONE)
    chunks = []
    result = nt.simulate(stimulus, run, mystery, on_chunk=chunks.append)
    assert result.completed and set(result.traces) == {"X", "Y"}
    for name, kind in mystery.assignment().items():
        traces = result.traces[name]
        assert np.allclose(traces.amplitudes_pA, [0.3, 0.5, 0.7])
        assert traces.v_mV.shape == traces.w_mV.shape == traces.I_pA.shape == (3, 1500)
        assert np.allclose(traces.I_pA.max(axis=1), [0.3, 0.5, 0.7])
        mine = [c for c in chunks if c["neuron"] == name]
        assert np.array_equal(np.concatenate([c["t_ms"] for c in mine]), traces.t_ms)
        assert np.allclose(np.concatenate([c["v_mV"] for c in mine], axis=1), traces.v_mV)
        _, _, trains = scipy_spike_times(kind, [0.3, 0.5, 0.7], 150.0, 20.0, 120.0)
        assert traces.spike_counts() == [len(s) for s in trains]


def test_a_stopped_run_returns_what_it_has():
    result = nt.simulate(nt.NeuronTypeStimulus(), nt.TraceParams(t_end=5000.0),
                         should_stop=lambda: True)
    assert not result.completed and list(result.traces) == ["X"]
    assert result.traces["X"].t_ms[-1] < 5000.0


def test_planar_models_match_the_equations():
    rng = np.random.default_rng(1)
    for kind, (f, _) in EQUATIONS.items():
        spec = nt.SPECS[kind]
        params = spec.params.replace(I=0.4)
        v = rng.uniform(*spec.v_lim, 50)
        w = rng.uniform(*spec.w_lim, 50)
        np.testing.assert_allclose(spec.planar.rhs(v, w, params), f(v, w, 0.4), rtol=1e-6,
                                   atol=1e-9)
        numeric = planar.PlanarModel("numeric", spec.planar.rhs)
        for x, y in zip(v[:5], w[:5]):
            np.testing.assert_allclose(planar.jacobian(spec.planar, params, x, y),
                                       planar.jacobian(numeric, params, x, y), rtol=1e-5,
                                       atol=1e-7)
        for fp in planar.fixed_points(spec.planar, params):
            np.testing.assert_allclose(f(fp.x, fp.y, 0.4), 0.0, atol=1e-8)
            assert fp.y == pytest.approx(spec.planar.y_nullcline(np.array(fp.x), params))
            assert fp.y == pytest.approx(spec.planar.x_nullcline(np.array(fp.x), params))


def test_mystery_and_trace_parameters():
    assert nt.MysteryParams(neuron_X=nt.TYPE_TWO).assignment() == {"X": nt.TYPE_TWO,
                                                                   "Y": nt.TYPE_ONE}
    assert np.allclose(nt.TraceParams(n_amplitudes=3, amplitude_step=0.1).amplitudes(0.3),
                       [0.3, 0.4, 0.5])
    with pytest.raises(nt.ParamError):
        nt.MysteryParams(neuron_X="Type III")
