"""Neural fields, reaction-diffusion fronts and waves against values derived independently:
roots of W(a) + h = 0 by quadrature, front speeds from the travelling-wave solutions, a direct
convolution, the kernel's Fourier transform by quadrature."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate, optimize, special

from neurodynex_gui.models import neural_field as nf
from neurodynex_gui.models import reaction_diffusion as rd
from neurodynex_gui.models import travelling_pulse as tp

DOG = {"a_e": 1.0, "sigma_e": 1.0, "a_i": 0.6, "sigma_i": 2.0}  # the default Mexican hat


def dog(r, a_e, sigma_e, a_i, sigma_i):
    return a_e * np.exp(-r ** 2 / (2 * sigma_e ** 2)) - a_i * np.exp(-r ** 2 / (2 * sigma_i ** 2))


def stable_root(w, h, top=20.0):
    """The larger root of W(a) + h = 0, W(a) = quad of w from 0 to a (found on a grid first)."""
    W = lambda a: integrate.quad(w, 0.0, a)[0] + h
    grid = np.linspace(0.01, top, 400)
    values = np.array([W(a) for a in grid])
    i = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))[-1]
    return optimize.brentq(W, grid[i], grid[i + 1])


# -- Amari's bump ------------------------------------------------------------------------------

def test_a_bump_outlives_its_input_with_the_width_of_amaris_condition():
    L, n, h = 20.0, 512, -0.1
    run = nf.simulate_field_1d(h=h, L=L, n=n, t_end=300.0, record_dt=10.0,
                               inputs=[{"amplitude": 1.0, "x0": 0.0, "width": 1.0, "t_off": 20.0}])
    dx = L / n
    expected = stable_root(lambda x: dog(x, **DOG), h)  # about 2.29 mm
    widths = [(frame > 0).sum() * dx for frame in run.u[[10, 20, 30]]]  # 100, 200, 300 ms
    assert run.t[10] == 100.0 and run.t[30] == 300.0
    for width in widths:
        assert abs(width - expected) <= 2 * dx
    assert max(widths) - min(widths) <= dx  # kept after the input is gone (t > 20 ms)
    assert nf.bump_width(run.x, run.u[-1]) == pytest.approx(expected, abs=2 * dx)
    assert abs(run.x[np.argmax(run.u[-1])]) <= dx  # where the input was


@pytest.mark.parametrize("kernel, w", [
    ("mexican_hat", lambda x: dog(x, **DOG)),
    ("exponential", lambda x: np.exp(-x) - 0.6 * np.exp(-x / 2.0)),
])
def test_amari_bump_width_is_the_stable_root_found_by_quadrature(kernel, w):
    params = {**DOG, "kernel": kernel}
    for h in (-0.05, -0.1, -0.15):  # the exponential kernel's W peaks at 0.16
        assert nf.amari_bump_width(params, h=h) == pytest.approx(stable_root(w, h), rel=1e-6)


def test_no_bump_is_refused_and_bad_arguments_are_named():
    with pytest.raises(ValueError, match="^h: no stable bump"):
        nf.amari_bump_width(None, h=-1.0)  # below -max W(a) = -0.29
    with pytest.raises(ValueError, match="^tau"):
        nf.simulate_field_1d(tau=-1.0)
    with pytest.raises(ValueError, match="^kernel"):
        nf.simulate_field_1d(kernel="gauss")
    with pytest.raises(ValueError, match="^dt"):
        rd.reaction_diffusion(D=1.0, L=10.0, n=100, dt=0.1)  # D dt / dx^2 = 10


def test_an_excitatory_field_spreads_as_two_fronts_at_the_travelling_wave_speed():
    a_e, sigma, tau, kappa = 0.5, 1.0, 10.0, 0.2
    # front U(x - c t) with U = kappa at its edge: for w = a_e exp(-|x|/sigma) the drive ahead
    # of the edge is a_e sigma exp(-xi/sigma), and U(0) = a_e sigma / (1 + c tau / sigma)
    expected = sigma / tau * (a_e * sigma / kappa - 1)  # 0.15 mm/ms
    kernel = {"kernel": "exponential", "a_e": a_e, "sigma_e": sigma, "a_i": 0.0}
    run = nf.simulate_field_1d(kernel=kernel["kernel"], kernel_params=kernel,
                               f_params={"theta": kappa}, h=0.0, L=100.0, n=1024, t_end=250.0,
                               record_dt=5.0, inputs=[{"x0": 0.0, "t_off": 10.0}])
    right = [run.x[np.flatnonzero(frame > kappa)[-1]] for frame in run.u[20:]]  # from 100 ms
    speed = np.polyfit(run.t[20:], right, 1)[0]
    assert speed == pytest.approx(expected, rel=0.03)
    assert nf.amari_front_speed(kernel, h=0.0, theta=kappa, tau=tau) == pytest.approx(expected)
    with pytest.raises(ValueError, match="^h: no stable bump"):
        nf.amari_bump_width(kernel, h=0.0, theta=kappa)  # W only grows: no bump is stable


def test_a_broken_wave_with_adaptation_sends_one_pulse_one_way_round_the_ring():
    theta = 0.2
    run = nf.simulate_field_1d(kernel="exponential", kernel_params={"a_e": 0.5, "a_i": 0.0},
                               f_params={"theta": theta}, h=0.0, L=100.0, n=512, t_end=300.0,
                               record_dt=25.0, b=5.0, tau_a=200.0, initial="broken wave")
    edges = []
    for frame in run.u[4:]:  # from 100 ms
        active = frame > theta
        assert np.count_nonzero(np.diff(active.astype(int)) == 1) + active[0] == 1  # one pulse
        edges.append(run.x[np.flatnonzero(active)[-1]])
    assert np.all(np.diff(edges) > 2.0)  # its front moves towards +x all the time


def test_the_pulse_runs_at_the_speed_and_width_of_the_travelling_wave_solution():
    """The Euler simulation on the grid against the pulse solved in its own moving frame."""
    kernel, theta = {"kernel": "exponential", "a_e": 0.5, "a_i": 0.0}, 0.2
    run = nf.simulate_field_1d(kernel="exponential", kernel_params=kernel,
                               f_params={"theta": theta}, h=0.0, L=100.0, n=1024, t_end=600.0,
                               dt=0.05, b=5.0, tau_a=200.0, initial="broken wave")
    speed, width = tp.measured_pulse(run.t, run.x, run.u, theta)
    c, delta = tp.pulse_speed(kernel, h=0.0, theta=theta, tau=10.0, b=5.0, tau_a=200.0, L=100.0)
    assert speed == pytest.approx(c, rel=0.02)
    assert width == pytest.approx(delta, abs=2 * (run.x[1] - run.x[0]))


def test_the_pulse_profile_solves_the_travelling_wave_equations():
    """Checked by finite differences: -c tau U' = -U - A + h + W(xi) - W(xi - Delta) with
    A recovered from the first equation must satisfy -c tau_a A' = -A + b U."""
    kernel, tau, b, tau_a, L = {"kernel": "exponential", "a_e": 0.5, "a_i": 0.0}, 10.0, 5.0, \
        200.0, 100.0
    c, delta = tp.pulse_speed(kernel, h=0.0, theta=0.2, tau=tau, b=b, tau_a=tau_a, L=L)
    xi, U = tp.pulse_profile(c, delta, kernel, 0.0, tau, b, tau_a, L)
    assert np.interp([0.0, delta], xi, U) == pytest.approx([0.2, 0.2], abs=1e-6)
    step = xi[1] - xi[0]
    drive = sum(np.sign(d) * nf.kernel_integral(np.abs(d), kernel)
                for m in range(-3, 4) for d in (xi + m * L,)) - \
        sum(np.sign(d) * nf.kernel_integral(np.abs(d), kernel)
            for m in range(-3, 4) for d in (xi - delta + m * L,))
    slope = (np.roll(U, -1) - np.roll(U, 1)) / (2 * step)
    A = -U + drive + c * tau * slope
    A_slope = (np.roll(A, -1) - np.roll(A, 1)) / (2 * step)
    smooth = np.abs(((xi - 0.0 + L / 2) % L) - L / 2) > 0.5  # away from the kinks at the edges
    smooth &= np.abs(((xi - delta + L / 2) % L) - L / 2) > 0.5
    assert np.max(np.abs((-c * tau_a * A_slope + A - b * U)[smooth])) < 1e-2 * b * U.max()


def test_without_adaptation_there_is_no_pulse_and_the_error_names_b():
    with pytest.raises(ValueError, match="^b"):
        tp.pulse_speed({"kernel": "exponential", "a_e": 0.5, "a_i": 0.0}, b=0.0)


# -- the FFT convolution -----------------------------------------------------------------------

@pytest.mark.parametrize("ndim", [1, 2])
def test_fft_convolution_equals_the_direct_sum_on_the_ring(ndim):
    L, n = 10.0, 21
    rng = np.random.default_rng(3)
    values = rng.random((n,) * ndim)
    fast = nf.convolve(nf.kernel_spectrum(DOG, L, n, ndim), values)
    x = (np.arange(n) - n // 2) * (L / n)
    d = x[:, None] - x[None, :]
    d = np.minimum(np.abs(d), L - np.abs(d))  # distance on the ring
    dx = L / n
    if ndim == 1:
        direct = dog(d, **DOG) @ values * dx
    else:
        r = np.hypot(d[:, None, :, None], d[None, :, None, :])  # (i, j, k, l)
        direct = np.einsum("ikjl,kl->ij", dog(r, **DOG).transpose(0, 2, 1, 3), values) * dx ** 2
    np.testing.assert_allclose(fast, direct, atol=1e-12)


@settings(max_examples=40, deadline=None)
@given(n=st.integers(4, 40), L=st.floats(1.0, 50.0), a_i=st.floats(0.0, 2.0),
       sigma_i=st.floats(0.1, 10.0), seed=st.integers(0, 1000))
def test_fft_convolution_is_the_ring_sum_for_any_grid_and_kernel(n, L, a_i, sigma_i, seed):
    kernel = {**DOG, "a_i": a_i, "sigma_i": sigma_i}
    values = np.random.default_rng(seed).random(n)
    x = np.arange(n) * (L / n)
    d = np.abs(x[:, None] - x[None, :])
    direct = dog(np.minimum(d, L - d), **kernel) @ values * (L / n)
    fast = nf.convolve(nf.kernel_spectrum(kernel, L, n, 1), values)
    np.testing.assert_allclose(fast, direct, atol=1e-9 * max(1.0, np.abs(direct).max()))


# -- 2D fields -----------------------------------------------------------------------------------

def test_a_2d_bump_stays_where_the_input_put_it():
    L, n = 20.0, 128
    run = nf.simulate_field_2d(L=L, n=n, t_end=300.0, dt=0.5, record_dt=50.0,
                               inputs=[{"amplitude": 1.0, "x0": 2.0, "y0": -3.0, "width": 1.0,
                                        "t_off": 20.0}])
    dx = L / n
    areas = [(frame > 0).sum() * dx ** 2 for frame in run.u[2:]]  # 100 to 300 ms
    assert min(areas) > 1.0 and max(areas) - min(areas) <= 4 * dx * 2.0  # a ring of cells
    for frame in run.u[2:]:
        assert nf.centre_of_mass(run.x, frame, 0) == pytest.approx(2.0, abs=dx)
        assert nf.centre_of_mass(run.x, frame, 1) == pytest.approx(-3.0, abs=dx)


def transform_peak(transform):
    """The wavenumber (rad/mm) in (0.05, 5) where ``transform(k)`` is largest."""
    return optimize.minimize_scalar(lambda k: -transform(k), bounds=(0.05, 5.0),
                                    method="bounded", options={"xatol": 1e-7}).x


def hankel(w, k):
    """The 2D Fourier transform of a radial w: 2 pi integral w(r) J0(k r) r dr."""
    return 2 * np.pi * integrate.quad(lambda r: w(r) * special.j0(k * r) * r, 0.0, 30.0,
                                      limit=200)[0]


def cosine(w, k):
    """The 1D Fourier transform of an even w: 2 integral w(x) cos(k x) dx."""
    return 2 * integrate.quad(lambda x: w(x) * np.cos(k * x), 0.0, 30.0, limit=200)[0]


def test_lateral_inhibition_forms_a_pattern_at_the_kernels_fourier_peak():
    balanced = {"a_e": 1.0, "sigma_e": 1.0, "a_i": 0.25, "sigma_i": 2.0}  # w integrates to 0 in 2D
    expected = 2 * np.pi / transform_peak(lambda k: hankel(lambda r: dog(r, **balanced), k))  # about 6.5 mm
    assert nf.pattern_wavelength(balanced, ndim=2) == pytest.approx(expected, rel=1e-4)
    L, n = 64.0, 128
    u0 = 0.01 * np.random.default_rng(0).standard_normal((n, n))
    # u = h = theta is a fixed point; its gain beta / 4 times the peak transform exceeds 1
    run = nf.simulate_field_2d(kernel_params=balanced, f="sigmoid", f_params={"beta": 4.0},
                               h=0.0, L=L, n=n, u0=u0, t_end=200.0, dt=0.5, record_dt=100.0)
    frame = run.u[-1]
    assert frame.std() > 0.5  # a pattern, not the uniform state
    power = np.abs(np.fft.fft2(frame - frame.mean())) ** 2
    m = np.fft.fftfreq(n, d=1.0 / n)  # cycles per side
    cycles = np.hypot(m[:, None], m[None, :]).ravel()[np.argmax(power)]
    assert L / cycles == pytest.approx(expected, rel=0.10)
    assert nf.dominant_wavelength(run.x, frame) == pytest.approx(L / cycles)


def test_pattern_wavelength_in_1d_and_none_without_inhibition():
    peak = transform_peak(lambda k: cosine(lambda x: dog(x, **DOG), k))
    assert nf.pattern_wavelength(DOG, ndim=1) == pytest.approx(2 * np.pi / peak, rel=1e-4)
    assert nf.pattern_wavelength({**DOG, "a_i": 0.0}, ndim=2) == np.inf


# -- reaction-diffusion fronts -------------------------------------------------------------------

def test_a_fisher_front_approaches_two_sqrt_d_r():
    D, r = 2.0, 0.5  # 2 sqrt(D r) = 2 mm/ms
    run = rd.reaction_diffusion(f="fisher", D=D, r=r, L=300.0, n=1500, t_end=60.0, dt=0.005,
                                record_dt=1.0)
    early = rd.front_speed(run.t, run.x, run.u, since=5.0)
    late = rd.front_speed(run.t, run.x, run.u, since=40.0)
    assert late == pytest.approx(2.0, rel=0.05)
    assert early < late < 2.0  # approached from below (the logarithmic delay)


@pytest.mark.parametrize("a", [0.25, 0.4, 0.6, 0.75])
def test_the_bistable_front_moves_at_the_analytic_speed_both_ways(a):
    D, r, L, n = 1.0, 1.0, 100.0, 500
    x = (np.arange(n) + 0.5) * L / n
    # u = 1 / (1 + exp((x - x0 - c t) / sqrt(2 D / r))) solves u_t = D u_xx + r u(1-u)(u-a)
    # exactly when c = sqrt(D r / 2) (1 - 2 a) (substitute: u_x = -u(1-u)/s, s = sqrt(2D/r))
    expected = np.sqrt(D * r / 2) * (1 - 2 * a)
    run = rd.reaction_diffusion(f="bistable", D=D, r=r, a=a, L=L, n=n, u0=(x < L / 2) * 1.0,
                                t_end=40.0, dt=0.01, record_dt=1.0)
    speed = rd.front_speed(run.t, run.x, run.u, since=10.0)
    assert speed == pytest.approx(expected, rel=0.05)
    assert np.sign(speed) == np.sign(0.5 - a)


# -- waves ---------------------------------------------------------------------------------------

def test_the_undamped_wave_keeps_mass_and_energy_and_travels_at_c():
    c, L, n, dt = 1.0, 100.0, 500, 0.05
    run = rd.wave_equation(c=c, L=L, n=n, t_end=20.0, dt=dt, record_dt=dt)
    dx = L / n
    u = run.u
    # the leapfrog scheme conserves exactly E = 1/2 sum(((u' - u) / dt)^2 + c^2 Du' Du) dx
    # between consecutive frames u, u' (D: forward difference on the ring)
    grad = (np.roll(u, -1, axis=1) - u) / dx
    energy = 0.5 * (((u[1:] - u[:-1]) / dt) ** 2 + c ** 2 * grad[1:] * grad[:-1]).sum(1) * dx
    assert energy.min() > 0.1
    np.testing.assert_allclose(energy, energy[0], rtol=1e-9)
    mass = u.sum(axis=1) * dx
    np.testing.assert_allclose(mass, mass[0], rtol=1e-9)
    # d'Alembert: the bump splits into two halves moving at +-c
    peaks = sorted(run.x[np.argsort(u[-1])[-2:]])
    assert peaks == pytest.approx([-c * 20.0, c * 20.0], abs=2 * dx)


# -- streaming -------------------------------------------------------------------------------------

def test_streamed_frames_are_the_result_and_a_stop_keeps_what_ran():
    chunks = []
    run = nf.simulate_field_1d(n=64, t_end=50.0, record_dt=1.0, on_chunk=chunks.append)
    assert np.concatenate([c["t"] for c in chunks]).tolist() == run.t.tolist()
    np.testing.assert_array_equal(np.concatenate([c["u"] for c in chunks]), run.u)
    calls = []
    stopped = nf.simulate_field_1d(n=64, t_end=50.0, record_dt=1.0,
                                   should_stop=lambda: calls.append(1) or len(calls) >= 10)
    assert stopped.t[-1] == 10.0 and len(stopped.u) == 11
