"""The cable, the branched tree and the NMDA synapses against numbers derived here from the
book's formulas (Neuronal Dynamics ch. 3.2-3.4), in SI units, not from the module."""
import math

import numpy as np
import pytest
from scipy import special

from neurodynex_gui.models import cable as cb
from neurodynex_gui.models import dendritic_tree as dt

# neurodynex3's defaults in SI
D, R_L, R_T, C_M = 2e-6, 0.5 * 1e3 * 1e-3, 1.25 * 1e6 * 1e-6, 0.8e-6 / 1e-4  # m, Ohm m, Ohm m^2, F/m^2
LAMBDA_UM = math.sqrt(D * R_T / (4 * R_L)) * 1e6
TAU_MS = R_T * C_M * 1e3
R_A = 4 * R_L / (math.pi * D ** 2)  # axial resistance per metre (Ohm/m)


def test_lambda_and_tau_from_the_parameters():
    assert LAMBDA_UM == pytest.approx(1118.03, abs=0.01)
    assert cb.length_constant(2.0, 0.5, 1.25) == pytest.approx(LAMBDA_UM, rel=1e-9)
    assert cb.time_constant(1.25, 0.8) == pytest.approx(TAU_MS, rel=1e-9) == 10.0
    # lambda grows as sqrt(d)
    assert cb.length_constant(8.0, 0.5, 1.25) == pytest.approx(2 * LAMBDA_UM)


def sealed_profile(x_um, x0_um, amplitude_nA, length_um, killed=False):
    """V - E (mV) of a finite cable with a DC current at x0, sealed at 0, sealed or killed
    at L: the Green's function of lambda^2 u'' - u = -lambda^2 r_a I delta(x - x0)."""
    lam, x, x0, big = LAMBDA_UM * 1e-6, x_um * 1e-6, x0_um * 1e-6, length_um * 1e-6
    near, far = np.minimum(x, x0), np.maximum(x, x0)
    if killed:
        shape = np.cosh(near / lam) * np.sinh((big - far) / lam) / np.cosh(big / lam)
    else:
        shape = np.cosh(near / lam) * np.cosh((big - far) / lam) / np.sinh(big / lam)
    return amplitude_nA * 1e-9 * R_A * lam * shape * 1e3


@pytest.mark.parametrize("end", ["sealed", "killed"])
def test_dc_steady_state_and_fitted_lambda(end):
    length, x0, amplitude = 5000.0, 1000.0, 0.1
    run = cb.simulate_passive_cable([x0], (amplitude, 0.0, 1000.0), length=length,
                                    nr_compartments=1000, simulation_time=150.0, dt=0.1,
                                    end=end, record_dt=5.0)
    expected = -70.0 + sealed_profile(run.x, x0, amplitude, length, end == "killed")
    peak = expected.max() + 70.0
    assert np.abs(run.v[-1] - expected).max() < 0.01 * peak
    analytic = cb.steady_state(run.x, x0, amplitude, length, end=end)
    np.testing.assert_allclose(analytic, expected, atol=1e-9 * peak)
    lam = cb.fit_length_constant(run.x, run.v[-1], -70.0, [x0], length, end)
    assert lam == pytest.approx(LAMBDA_UM, rel=0.02)
    if end == "sealed":
        assert run.v[-1, -1] > -70.0 + 0.05 * peak
    else:
        assert run.v[-1, -1] == pytest.approx(-70.0, abs=0.01 * peak)


def test_charging_at_the_injection_site_is_an_erf_and_gives_tau():
    length, amplitude = 10000.0, 0.1
    run = cb.simulate_passive_cable([length / 2], (amplitude, 0.0, 60.0), length=length,
                                    nr_compartments=1000, simulation_time=40.0, dt=0.01,
                                    record_dt=0.1)
    site = run.v[:, run.injection_index[0]] + 70.0
    # infinite cable: u(0, t) = I r_a lambda / 2 erf(sqrt(t / tau))
    final = amplitude * 1e-9 * R_A * LAMBDA_UM * 1e-6 / 2 * 1e3
    later = run.t > 1.0
    theory = final * special.erf(np.sqrt(run.t / TAU_MS))
    assert np.abs(site[later] - theory[later]).max() < 0.02 * final
    tau = cb.fit_charging_time_constant(run.t, site - 70.0, -70.0, 0.0)
    assert tau == pytest.approx(TAU_MS, rel=0.03)
    # a point neuron's 1 - exp(-t / tau) fitted to the same curve is far off
    from scipy import optimize
    (_, tau_exp), _ = optimize.curve_fit(lambda t, a, k: a * (1 - np.exp(-t / k)), run.t,
                                         site, p0=(final, 5.0))
    assert abs(tau_exp - TAU_MS) > 0.2 * TAU_MS


def test_the_mean_potential_decays_with_tau():
    run = cb.simulate_passive_cable(simulation_time=30.0)  # the default pulse, 2 to 3 ms
    m = cb.measurements(run)
    assert m["tau_decay_ms"] == pytest.approx(TAU_MS, rel=0.01)
    assert m["lambda_um"] == pytest.approx(LAMBDA_UM)


def test_a_short_pulse_spreads_as_the_infinite_cables_green_function():
    length, x0, charge = 6000.0, 3000.0, 0.5  # pC: 5 nA for 0.1 ms
    run = cb.simulate_passive_cable([x0], (5.0, 1.0, 1.1), length=length,
                                    nr_compartments=1200, simulation_time=6.0, dt=0.005,
                                    record_dt=0.05)
    lam, tau = LAMBDA_UM * 1e-6, TAU_MS * 1e-3
    c_per_m = C_M * math.pi * D
    for t_ms in (2.0, 5.0):
        s = (t_ms - 1.05) * 1e-3  # since the middle of the pulse
        x = (run.x - x0) * 1e-6
        expected = charge * 1e-12 / (c_per_m * math.sqrt(4 * math.pi * lam ** 2 * s / tau)) \
            * np.exp(-s / tau - x ** 2 * tau / (4 * lam ** 2 * s)) * 1e3
        row = int(np.argmin(np.abs(run.t - t_ms)))
        assert np.abs(run.v[row] + 70 - expected).max() < 0.03 * expected.max()
        np.testing.assert_allclose(cb.green_function(run.x, t_ms - 1.05, x0, charge) + 70,
                                   expected, atol=1e-9 * expected.max())


def test_neurodynex3_defaults_and_current_forms():
    run = cb.simulate_passive_cable()
    assert run.v.shape == (501, 200) and run.x[0] == pytest.approx(1.25)
    assert run.injection_index[0] == int(np.floor((500 / 3) / 2.5))  # as neurodynex3 places it
    assert run.t[-1] == pytest.approx(5.0)
    n = 500
    array = np.zeros(n)
    array[200:300] = 0.2
    again = cb.simulate_passive_cable(input_current=array)
    np.testing.assert_allclose(again.v, run.v)
    two = cb.simulate_passive_cable([100.0, 400.0], np.column_stack([array, array]))
    one_a = cb.simulate_passive_cable([100.0], array)
    one_b = cb.simulate_passive_cable([400.0], array)
    np.testing.assert_allclose(two.v + 70, (one_a.v + 70) + (one_b.v + 70), atol=1e-9)  # linear


@pytest.mark.parametrize("kwargs, name", [
    ({"diameter": -1.0}, "diameter"), ({"nr_compartments": 1}, "nr_compartments"),
    ({"current_injection_location": [600.0]}, "current_injection_location"),
    ({"input_current": np.ones((10, 3))}, "input_current"),
    ({"input_current": (0.2, 3.0, 2.0)}, "input_current"),
    ({"nr_compartments": 20000, "simulation_time": 200.0}, "record_dt")])
def test_bad_arguments_are_refused_by_name(kwargs, name):
    with pytest.raises(ValueError, match=name):
        cb.simulate_passive_cable(**kwargs)


def dc_tree(tree):
    return dt.simulate_tree(tree.replace(amplitude=0.1, t_start=0.0, t_end=200.0,
                                         tree_time=150.0, tree_dt=0.1))


def test_current_is_conserved_at_the_branch_point():
    tree = dt.TreeParams(branch1_diameter=1.0, branch2_diameter=1.6, branch2_length=150.0,
                         compartment_length=2.0)
    run = dc_tree(tree)
    v = run.v[-1]
    flows = []
    for name, diameter in (("trunk", 2.0), ("branch 1", 1.0), ("branch 2", 1.6)):
        idx = run.sections[name]
        h = 2.0
        # dV/dx pointing away from the branch point, from the two compartments nearest it
        slope = (v[idx[-2]] - v[idx[-1]]) / h if name == "trunk" else \
            (v[idx[1]] - v[idx[0]]) / h
        flows.append(diameter ** 2 * slope)  # proportional to (1 / r_i) dV/dx_i
    assert abs(sum(flows)) < 0.02 * abs(flows[0])
    assert flows[0] > 0 and flows[1] < 0 and flows[2] < 0  # into both daughters


def test_a_tree_meeting_the_three_halves_rule_is_its_equivalent_cylinder():
    tree = dt.TreeParams(trunk_diameter=2.0, branch1_diameter=2 ** (1 / 3),
                         branch2_diameter=2 ** (1 / 3), compartment_length=2.0)
    assert dt.rall_ratio(tree) == pytest.approx(1.0)
    length, diameter = dt.equivalent_cylinder(tree)
    # equal electrotonic length: L1 / lambda1 = L1 / (lambda0 sqrt(d1 / d0))
    assert length == pytest.approx(200.0 + 300.0 * math.sqrt(2.0 / 2 ** (1 / 3)))
    run = dt.simulate_tree(tree)
    response = np.abs(run.v_soma + 70).max()
    assert np.abs(run.v_soma - run.v_equivalent).max() < 0.02 * response
    # and both match the input resistance of a soma on a sealed cylinder: 1 / (g_soma +
    # 1 / (r_a lambda coth(L / lambda)))
    steady = dc_tree(tree).v_soma[-1] + 70.0
    area = math.pi * (15e-6) ** 2
    g_soma = area / R_T
    lam = LAMBDA_UM * 1e-6
    r_cyl = R_A * lam / math.tanh(length * 1e-6 / lam)
    expected = 0.1e-9 / (g_soma + 1 / r_cyl) * 1e3
    assert steady == pytest.approx(expected, rel=0.02)


def test_a_tree_breaking_the_rule_is_not():
    run = dt.simulate_tree(dt.TreeParams(branch1_diameter=2.0, branch2_diameter=2.0))
    response = np.abs(run.v_soma + 70).max()
    assert np.abs(run.v_soma - run.v_equivalent).max() > 0.1 * response


def test_mg_block():
    assert dt.mg_block(0.0, 1.0) == pytest.approx(1 / (1 + 1 / 3.57))
    assert dt.mg_block(-70.0, 1.0) == pytest.approx(1 / (1 + math.exp(0.062 * 70) / 3.57))
    assert dt.mg_block(-70.0, 0.0) == 1.0


def test_nmda_input_output_is_supralinear_and_ampa_alone_is_not():
    io = dt.nmda_input_output(n_max=30, n_points=11)
    assert list(io.x[:3]) == [0, 3, 6]
    for site in ("branch", "soma"):
        nmda = np.diff(io.columns[f"{site}_mV"])
        ampa = np.diff(io.columns[f"{site}_AMPA_only_mV"])
        assert nmda.max() > 2.0 * nmda[0]            # the jump: supralinear
        assert np.all(np.diff(ampa) <= 1e-9)         # then sublinear, never supralinear
        assert ampa[-1] < 0.8 * ampa[0]
    # linear at first: two synapses give about twice one's peak (AMPA alone)
    one, two = (dt.simulate_nmda(nmda=dt.NMDAParams(n_synapses=n, nmda=False)) for n in (1, 2))
    assert two.v_branch.max() + 70 == pytest.approx(2 * (one.v_branch.max() + 70), rel=0.1)
