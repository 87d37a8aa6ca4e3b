"""Oja's rule: convergence to the principal axis (numpy.linalg), circular and non-centred data,
Hebb's divergence, and the fast loop against a plain reference loop."""
import numpy as np
import pytest

from neurodynex_gui.models import oja
from neurodynex_gui.models.params import ParamError


def reference_learn(cloud, initial_angle, eta, rule):
    """The rule written out step by step with numpy arrays, as in the exercise."""
    x = cloud - cloud.mean(axis=0) if rule == "covariance" else cloud
    a = np.deg2rad(initial_angle)
    w = np.array([np.cos(a), np.sin(a)])
    course = np.zeros_like(x)
    for i, xi in enumerate(x):
        course[i] = w
        y = np.dot(w, xi)
        w = w + eta * y * xi if rule == "hebb" else w + eta * y * (xi - y * w)
    return course


def eigh_axis(points, centred=True):
    """Principal eigenvector of the covariance (or of <x x^T> if not centred)."""
    matrix = np.cov(points.T) if centred else points.T @ points / len(points)
    return np.linalg.eigh(matrix)[1][:, -1]


def line_angle_deg(u, v):
    """Angle between the lines along u and v, in degrees (0..90)."""
    cos = abs(np.dot(u, v)) / (np.linalg.norm(u) * np.linalg.norm(v))
    return np.rad2deg(np.arccos(min(cos, 1.0)))


@pytest.mark.parametrize("angle", [-45.0, 0.0, 30.0, 100.0])
def test_elongated_cloud_converges_to_principal_eigenvector(angle):
    cloud = oja.make_cloud(n=10000, ratio=0.3, angle=angle, seed=7)
    w_end = oja.learn(cloud, initial_angle=angle + 70, eta=0.001)[-1]
    assert line_angle_deg(w_end, eigh_axis(cloud)) < 2.0
    assert np.linalg.norm(w_end) == pytest.approx(1.0, abs=0.03)


def test_circular_cloud_has_no_preferred_direction():
    finals = [oja.learn(oja.make_cloud(n=10000, ratio=1, seed=s), eta=0.001, seed=100 + s)[-1]
              for s in range(12)]
    doubled = 2 * np.arctan2([w[1] for w in finals], [w[0] for w in finals])
    # resultant length of the axial angles: 1 if all runs agree, about 0.3 if uniform
    assert abs(np.mean(np.exp(1j * doubled))) < 0.6
    assert [np.linalg.norm(w) for w in finals] == pytest.approx([1.0] * 12, abs=0.03)

    elongated = [oja.learn(oja.make_cloud(n=10000, ratio=0.3, angle=20, seed=s), eta=0.001,
                           seed=100 + s)[-1] for s in range(4)]
    doubled = 2 * np.arctan2([w[1] for w in elongated], [w[0] for w in elongated])
    assert abs(np.mean(np.exp(1j * doubled))) > 0.99


@pytest.mark.parametrize("angle", [-45.0, 0.0, 60.0])
def test_non_centred_data(angle):
    cloud = oja.make_cloud(n=10000, ratio=0.3, angle=angle, center=(5, 5), seed=3)
    plain = oja.learn(cloud, initial_angle=angle + 70, eta=0.001, rule="oja")[-1]
    assert line_angle_deg(plain, [1, 1]) < 3.0
    assert line_angle_deg(plain, eigh_axis(cloud, centred=False)) < 2.0
    covariance = oja.learn(cloud, initial_angle=angle + 70, eta=0.001, rule="covariance")[-1]
    assert line_angle_deg(covariance, eigh_axis(cloud)) < 2.0
    assert np.linalg.norm(covariance) == pytest.approx(1.0, abs=0.03)


def test_hebb_norm_diverges():
    cloud = oja.make_cloud(n=10000, ratio=0.3, angle=30, seed=4)
    norm = np.linalg.norm(oja.learn(cloud, initial_angle=0, eta=0.001, rule="hebb"), axis=1)
    assert norm[-1] > 1000.0
    # the growth per step is 1 + eta y^2 on average: |w| ~ exp(eta * n * var(long axis))
    assert np.log(norm[-1]) == pytest.approx(0.001 * 10000 * 1.0, rel=0.1)


@pytest.mark.parametrize("rule", oja.RULES)
def test_fast_loop_equals_reference_loop(rule):
    cloud = oja.make_cloud(n=3000, ratio=0.5, angle=-30, center=(1, 2), seed=5)
    fast = oja.learn(cloud, initial_angle=37.0, eta=0.002, rule=rule)
    slow = reference_learn(cloud, 37.0, 0.002, rule)
    assert fast.shape == (3000, 2)
    np.testing.assert_allclose(fast, slow, rtol=1e-12, atol=1e-12)


def test_initial_weight_and_time_course_layout():
    cloud = oja.make_cloud(n=5, ratio=1.234, angle=56.789, seed=0)
    course = oja.learn(cloud, initial_angle=30.0, eta=0.1)
    assert course.shape == (5, 2)
    np.testing.assert_allclose(course[0], [np.sqrt(3) / 2, 0.5], atol=1e-15)
    y = course[0] @ cloud[0]
    np.testing.assert_allclose(course[1], course[0] + 0.1 * y * (cloud[0] - y * course[0]))


@pytest.mark.parametrize("ratio", [0.25, 4.0])
def test_cloud_shape_and_ratio_above_one_inverted(ratio):
    angle = 35.0
    cloud = oja.make_cloud(n=20000, ratio=ratio, angle=angle, center=(3, -2), seed=6)
    assert cloud.shape == (20000, 2)
    np.testing.assert_allclose(cloud.mean(axis=0), [3, -2], atol=0.03)
    a = np.deg2rad(angle)
    long_axis, short_axis = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    assert np.std(cloud @ long_axis) == pytest.approx(1.0, rel=0.03)
    assert np.std(cloud @ short_axis) == pytest.approx(0.25, rel=0.03)
    assert line_angle_deg(eigh_axis(cloud), long_axis) < 1.0


def test_seed_reproducibility():
    a = oja.make_cloud(n=100, ratio=0.5, angle=10, seed=42)
    np.testing.assert_array_equal(a, oja.make_cloud(n=100, ratio=0.5, angle=10, seed=42))
    assert not np.allclose(a, oja.make_cloud(n=100, ratio=0.5, angle=10, seed=43))
    np.testing.assert_array_equal(oja.learn(a, seed=1), oja.learn(a, seed=1))
    assert not np.allclose(oja.learn(a, seed=1)[0], oja.learn(a, seed=2)[0])
    np.testing.assert_allclose(np.linalg.norm(oja.learn(a, seed=3)[0]), 1.0)
    w1, c1 = oja.run_oja(n=100, ratio=0.3, seed=9)
    w2, c2 = oja.run_oja(n=100, ratio=0.3, seed=9)
    np.testing.assert_array_equal(w1, w2)
    np.testing.assert_array_equal(c1, c2)


def test_run_oja_returns_course_and_cloud():
    wcourse, cloud = oja.run_oja(500, 0.3, 30.0, initial_angle=10.0, eta=0.01, seed=3)
    assert cloud.shape == wcourse.shape == (500, 2)
    np.testing.assert_allclose(wcourse, reference_learn(cloud, 10.0, 0.01, "oja"),
                               rtol=1e-12, atol=1e-12)
    alias, _ = oja.run_oja(500, 0.3, 30.0, initial_angle=10.0, learning_rate=0.01, seed=3)
    np.testing.assert_array_equal(alias, wcourse)
    with pytest.raises(TypeError, match="eta="):
        oja.run_oja(500, 0.3, 30.0, 0.01)  # neurodynex3's positional learning rate


def test_defaults_are_those_of_the_issue():
    cloud = oja.make_cloud(seed=11)
    assert cloud.shape == (10000, 2)
    # ratio 1, angle 0: both coordinates have unit variance and no correlation
    np.testing.assert_allclose(np.cov(cloud.T), np.eye(2), atol=0.05)
    np.testing.assert_allclose(oja.learn(cloud, initial_angle=15.0),
                               reference_learn(cloud, 15.0, 0.001, "oja"), rtol=1e-12, atol=1e-12)
    wcourse, cloud = oja.run_oja(initial_angle=15.0, seed=12)
    assert cloud.shape == (10000, 2)
    np.testing.assert_allclose(wcourse, reference_learn(cloud, 15.0, 0.001, "oja"),
                               rtol=1e-12, atol=1e-12)


def test_analysis_helpers():
    cloud = oja.make_cloud(n=5000, ratio=0.2, angle=120, seed=8)
    axis = oja.principal_axis(cloud)
    assert axis[0] >= 0 and np.linalg.norm(axis) == pytest.approx(1.0)
    assert line_angle_deg(axis, eigh_axis(cloud)) < 1e-6
    w = np.array([[1.0, 0.0], [0.0, -2.0], [-1.0, 1.0], [3.0, 4.0]])
    np.testing.assert_allclose(oja.angle_error_deg(w, [1.0, 0.0]), [0, 90, 45, 53.1301023542])
    np.testing.assert_allclose(oja.weight_norm(w), [1, 2, np.sqrt(2), 5])
    assert oja.weight_norm([[3e200, -4e200]])[0] == pytest.approx(5e200)  # no overflow


def test_unknown_rule_and_negative_ratio_refused():
    with pytest.raises(ValueError, match="rule"):
        oja.learn(np.zeros((3, 2)), rule="bcm")
    with pytest.raises(ValueError, match="ratio"):
        oja.make_cloud(ratio=-1)


def test_params_and_simulate():
    params = oja.OjaParams()
    result = oja.simulate(params.replace(n=5000, eta=0.002))
    assert result.w.shape == result.cloud.shape == (5000, 2)
    assert line_angle_deg(result.w[-1], eigh_axis(result.cloud)) < 3.0
    assert result.angle_error_deg[-1] == pytest.approx(line_angle_deg(result.w[-1], result.axis))
    np.testing.assert_allclose(result.w[0], [np.cos(np.deg2rad(-20)), np.sin(np.deg2rad(-20))])
    np.testing.assert_allclose(result.w_norm, np.linalg.norm(result.w, axis=1))

    hebb = oja.simulate(oja.OjaParams.from_dict({"rule": "hebb", "random_initial": "true"}))
    assert hebb.w_norm[-1] > 2.0
    assert not np.allclose(hebb.w[0], result.w[0])
    with pytest.raises(ParamError, match="rule"):
        oja.OjaParams.from_dict({"rule": "bcm"})
    with pytest.raises(ParamError, match="ratio"):
        oja.OjaParams.from_dict({"ratio": "11"})
    inverted = oja.simulate(params.replace(ratio=1 / 0.3))
    np.testing.assert_allclose(inverted.cloud, oja.simulate(params).cloud)


def test_simulate_many_learns_every_rule_on_the_same_cloud():
    params = oja.OjaParams(n=3000, eta=0.002, center_x=1.0, initial_angle=40.0)
    runs = [params.replace(rule=rule) for rule in oja.RULES]
    results = oja.simulate_many(runs)
    for rule, result in zip(oja.RULES, results):
        np.testing.assert_array_equal(result.cloud, results[0].cloud)
        np.testing.assert_allclose(result.w, reference_learn(result.cloud, 40.0, 0.002, rule),
                                   rtol=1e-12, atol=1e-12)
    with pytest.raises(InterruptedError):
        oja.simulate_many(runs, should_stop=lambda: True)


def test_do_plot_draws_cloud_and_trace():
    plt = pytest.importorskip("matplotlib.pyplot")
    plt.switch_backend("Agg")
    wcourse, cloud = oja.run_oja(n=50, do_plot=True, seed=1)
    points, trace = plt.gca().collections
    np.testing.assert_array_equal(points.get_offsets(), cloud)
    np.testing.assert_array_equal(trace.get_offsets(), wcourse)
    plt.close("all")
