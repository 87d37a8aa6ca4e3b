"""Neural fields (Neuronal Dynamics, chapter 18): Amari fields on a ring (1D) or a torus (2D).

    tau du/dt = -u + integral w(x - y) f(u(y, t)) dy + h + I(x, t) - a
    tau_a da/dt = -a + b u            (linear adaptation; b = 0 switches it off)

The convolution is computed by FFT (scipy.fft) on a periodic grid of ``n`` points per side
and length ``L`` (mm); time in ms. Usage from a notebook::

    from neurodynex_gui.models import neural_field as nf
    run = nf.simulate_field_1d(h=-0.1, inputs=[dict(amplitude=1, x0=0, width=1, t_off=20)])
    nf.bump_width(run.x, run.u[-1]), nf.amari_bump_width(None, h=-0.1)

Kernels w(x) (|x| is the distance on the ring or torus):
``"mexican_hat"`` a_e exp(-x^2 / 2 sigma_e^2) - a_i exp(-x^2 / 2 sigma_i^2) and
``"exponential"`` a_e exp(-|x| / sigma_e) - a_i exp(-|x| / sigma_i).
Transfer functions f: ``"heaviside"`` H(u - theta), ``"sigmoid"`` 1 / (1 + exp(-beta (u - theta))).
"""
from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

import numpy as np

from .params import Params, checked, param

KERNELS = ("mexican_hat", "exponential")
TRANSFERS = ("heaviside", "sigmoid")
INITIAL_STATES = ("rest", "broken wave")
CHUNK_S = 1 / 30  # frames are streamed at most this often (wall-clock seconds)


@dataclasses.dataclass(frozen=True)
class FieldParams(Params):
    """Time constants, resting level and the grid of a neural field."""

    tau: float = param(10.0, "time constant tau", "ms", min=0.1, max=1000.0, step=1.0,
                       help="Membrane time constant of the field's units.")
    h: float = param(-0.1, "resting level h", "", min=-10.0, max=10.0, step=0.05,
                     help="Constant input to every point: a bump of width a persists where "
                          "W(a) + h = theta (Amari).")
    L: float = param(20.0, "length L", "mm", min=1.0, max=1000.0, step=1.0,
                     help="Length of the ring (side of the torus in 2D); positions run from "
                          "-L/2 to L/2.")
    n: int = param(512, "grid points n", "", min=8, max=4096, step=64,
                   help="Grid points along each side (2D: n x n, keep it at 256 or less).")
    t_end: float = param(200.0, "duration", "ms", min=0.1, max=100000.0, step=50.0)
    dt: float = param(0.1, "time step dt", "ms", min=0.001, max=10.0, step=0.05,
                      help="Euler time step (well below tau).")
    record_dt: float = param(1.0, "frame interval", "ms", min=0.01, max=1000.0, step=0.5,
                             help="Time between the frames kept and animated.")
    b: float = param(0.0, "adaptation strength b", "", min=0.0, max=100.0, step=0.5,
                     help="Linear adaptation: tau_a da/dt = -a + b u (0: none). With b > 0 "
                          "a bump turns into a travelling pulse.")
    tau_a: float = param(100.0, "adaptation time constant", "ms", min=0.1, max=10000.0,
                         step=10.0)
    initial: str = param("rest", "initial state", choices=INITIAL_STATES,
                         help="rest: u = 0 (plus the noise); broken wave: u = 1 on a strip "
                              "-L/12 < x < 0 (in 2D only for y < 0) with adapted, refractory "
                              "units (a = 1) on -L/4 < x < -L/12 behind it: a pulse that runs "
                              "one way (1D), a wave whose free end curls into a spiral (2D), "
                              "with b > 0.")
    noise: float = param(0.0, "initial noise", "", min=0.0, max=10.0, step=0.01,
                         help="Standard deviation of a random initial field (the same for "
                              "every run: seed 0) when no u0 is given; breaks the symmetry "
                              "for patterns.")


@dataclasses.dataclass(frozen=True)
class KernelParams(Params):
    """The connectivity w(x): excitation minus inhibition."""

    kernel: str = param("mexican_hat", "kernel", choices=KERNELS,
                        help="mexican_hat: difference of Gaussians; exponential: difference "
                             "of exponentials exp(-|x|/sigma).")
    a_e: float = param(1.0, "excitation a_e", "", min=0.0, max=100.0, step=0.1)
    sigma_e: float = param(1.0, "excitation width sigma_e", "mm", min=0.01, max=100.0,
                           step=0.1)
    a_i: float = param(0.6, "inhibition a_i", "", min=0.0, max=100.0, step=0.1)
    sigma_i: float = param(2.0, "inhibition width sigma_i", "mm", min=0.01, max=100.0,
                           step=0.1)


@dataclasses.dataclass(frozen=True)
class TransferParams(Params):
    """The transfer function f(u)."""

    f: str = param("heaviside", "transfer function", choices=TRANSFERS,
                   help="heaviside: f = 1 where u > theta; sigmoid: 1 / (1 + exp(-beta "
                        "(u - theta))).")
    theta: float = param(0.0, "threshold theta", "", min=-10.0, max=10.0, step=0.05)
    beta: float = param(5.0, "sigmoid gain beta", "", min=0.01, max=1000.0, step=1.0,
                        show_when=("f", ("sigmoid",)))


@dataclasses.dataclass(frozen=True)
class InputParams(Params):
    """A Gaussian input amplitude exp(-|x - x0|^2 / 2 width^2) between t_on and t_off."""

    amplitude: float = param(1.0, "input amplitude", "", min=-100.0, max=100.0, step=0.1,
                             help="Height of the input; click on the field to place it.")
    x0: float = param(0.0, "input position x0", "mm", min=-500.0, max=500.0, step=0.5)
    y0: float = param(0.0, "input position y0 (2D)", "mm", min=-500.0, max=500.0, step=0.5)
    width: float = param(1.0, "input width", "mm", min=0.01, max=500.0, step=0.1)
    t_on: float = param(0.0, "input on", "ms", min=0.0, max=100000.0, step=5.0)
    t_off: float = param(20.0, "input off", "ms", min=0.0, max=100000.0, step=5.0,
                         help="After this time the field is on its own: a bump that "
                              "persists is a memory of the input.")


@dataclasses.dataclass
class FieldResult:
    """Frames of a field: ``u[i]`` at time ``t[i]`` (ms) on the grid ``x`` (and ``y``, mm)."""

    t: np.ndarray
    x: np.ndarray
    u: np.ndarray
    y: np.ndarray | None = None


# -- kernels and transfer functions -------------------------------------------------------------

def kernel_params_from(kernel_params) -> KernelParams:
    """A KernelParams from None (defaults), a dict of its fields, or a KernelParams."""
    if kernel_params is None:
        return KernelParams()
    if isinstance(kernel_params, KernelParams):
        return kernel_params
    return KernelParams.from_dict(kernel_params)


def kernel(distance, kernel_params=None) -> np.ndarray:
    """w at the distances given (mm)."""
    k = kernel_params_from(kernel_params)
    r = np.abs(np.asarray(distance, dtype=float))
    if k.kernel == "mexican_hat":
        return k.a_e * np.exp(-r ** 2 / (2 * k.sigma_e ** 2)) - \
            k.a_i * np.exp(-r ** 2 / (2 * k.sigma_i ** 2))
    return k.a_e * np.exp(-r / k.sigma_e) - k.a_i * np.exp(-r / k.sigma_i)


def kernel_integral(a, kernel_params=None) -> np.ndarray:
    """W(a) = integral of w from 0 to a (1D), in closed form."""
    from scipy import special
    k = kernel_params_from(kernel_params)
    a = np.asarray(a, dtype=float)
    if k.kernel == "mexican_hat":
        part = [amp * sigma * np.sqrt(np.pi / 2) * special.erf(a / (sigma * np.sqrt(2)))
                for amp, sigma in ((k.a_e, k.sigma_e), (k.a_i, k.sigma_i))]
    else:
        part = [amp * sigma * -np.expm1(-a / sigma)
                for amp, sigma in ((k.a_e, k.sigma_e), (k.a_i, k.sigma_i))]
    return part[0] - part[1]


def kernel_transform(k, kernel_params=None, ndim: int = 1) -> np.ndarray:
    """The Fourier transform of w at wavenumbers ``k`` (rad/mm), in 1 or 2 dimensions."""
    p = kernel_params_from(kernel_params)
    k = np.asarray(k, dtype=float)

    def one(amp, sigma):
        if p.kernel == "mexican_hat":
            return amp * (2 * np.pi) ** (ndim / 2) * sigma ** ndim * \
                np.exp(-(k * sigma) ** 2 / 2)
        if ndim == 1:
            return 2 * amp * sigma / (1 + (k * sigma) ** 2)
        return 2 * np.pi * amp * sigma ** 2 / (1 + (k * sigma) ** 2) ** 1.5

    return one(p.a_e, p.sigma_e) - one(p.a_i, p.sigma_i)


def pattern_wavelength(kernel_params=None, ndim: int = 2) -> float:
    """The wavelength (mm) of the kernel's Fourier peak, the pattern that grows fastest from a
    uniform state; inf if the peak is at k = 0 (no periodic pattern)."""
    from scipy import optimize
    p = kernel_params_from(kernel_params)
    top = 20.0 / min(p.sigma_e, p.sigma_i)
    best = optimize.minimize_scalar(lambda k: -kernel_transform(k, p, ndim),
                                    bounds=(0.0, top), method="bounded",
                                    options={"xatol": 1e-8 * top})
    if best.x < 1e-6 * top or -best.fun <= kernel_transform(0.0, p, ndim):
        return float("inf")
    return float(2 * np.pi / best.x)


def transfer(u, f_params=None) -> np.ndarray:
    """f(u)."""
    return activation(f_params)(np.asarray(u, dtype=float))


def activation(f_params=None) -> Callable[[np.ndarray], np.ndarray]:
    """The transfer function f as a function of an array u."""
    from scipy import special
    p = f_params_from(f_params)
    theta, beta = p.theta, p.beta
    if p.f == "heaviside":
        return lambda u: (u > theta).astype(float)
    return lambda u: special.expit(beta * (u - theta))


def f_params_from(f_params, f: str | None = None) -> TransferParams:
    base = f_params if isinstance(f_params, TransferParams) else \
        TransferParams.from_dict(dict(f_params or {}))
    return base if f is None else base.replace(f=f)


# -- Amari's bump ------------------------------------------------------------------------------

@checked("FieldParams", "TransferParams")
def amari_bump_width(kernel_params=None, h=-0.1, theta=0.0, stable=True) -> float:
    """The width a (mm) of a stationary bump of the Heaviside field: a root of
    W(a) + h = theta. ``stable``: the root where W decreases (w(a) < 0), else the one where it
    increases. Raises ValueError if there is no such bump."""
    from scipy import optimize
    p = kernel_params_from(kernel_params)
    target = theta - h
    scale = max(p.sigma_e, p.sigma_i)
    grid = np.linspace(0.0, 40 * scale, 40001)
    excess = kernel_integral(grid, p) - target
    down = (excess[:-1] > 0) & (excess[1:] <= 0)
    crossings = np.flatnonzero(down if stable else (excess[:-1] < 0) & (excess[1:] >= 0))
    if target <= 0 or not len(crossings):
        raise ValueError(f"h: no {'stable' if stable else 'unstable'} bump for h = {h:g} and "
                         f"theta = {theta:g} with this kernel (W(a) + h = theta has no "
                         "such root)")
    i = crossings[-1] if stable else crossings[0]
    return float(optimize.brentq(lambda a: kernel_integral(a, p) - target, grid[i],
                                 grid[i + 1]))


@checked("FieldParams", "TransferParams")
def amari_front_speed(kernel_params=None, h=0.0, theta=0.2, tau=10.0) -> float:
    """The speed c (mm/ms) of an advancing front of the Heaviside field with the exponential
    kernel: the front U(x - c t) that crosses theta - h at its edge satisfies
    sum over the kernel's parts of +-a sigma / (1 + c tau / sigma) = theta - h.
    Raises ValueError for another kernel or when no front advances (W(inf) <= theta - h)."""
    from scipy import optimize
    p = kernel_params_from(kernel_params)
    if p.kernel != "exponential":
        raise ValueError("kernel_params: the front speed is known for the exponential kernel")
    kappa = theta - h

    def edge(c):
        return p.a_e * p.sigma_e / (1 + c * tau / p.sigma_e) - \
            p.a_i * p.sigma_i / (1 + c * tau / p.sigma_i) - kappa

    if kappa <= 0 or edge(0.0) <= 0:
        raise ValueError(f"h: no advancing front for h = {h:g} and theta = {theta:g}")
    top = 1.0
    while edge(top) > 0:
        top *= 2
    return float(optimize.brentq(edge, 0.0, top))


def active_width(x, frames, theta: float = 0.0) -> np.ndarray:
    """Total length (mm) where u > theta, frame by frame."""
    return (np.asarray(frames) > theta).sum(axis=-1) * (x[1] - x[0])


def bump_width(x, u_frame, theta: float = 0.0) -> float:
    """Width (mm) of the region above ``theta`` around the field's maximum on the ring, the
    threshold crossings interpolated linearly; 0 if nothing is above it."""
    x, u = np.asarray(x, float), np.asarray(u_frame, float)
    if u.max() <= theta:
        return 0.0
    if u.min() > theta:
        return float(len(x) * (x[1] - x[0]))
    shifted = np.roll(u, len(u) // 2 - int(np.argmax(u)))
    top = len(u) // 2
    above = shifted > theta
    right = top + int(np.argmin(above[top:]))        # first index below, right of the top
    left = top - int(np.argmin(above[top::-1]))      # first index below, left of the top
    dx = x[1] - x[0]

    def crossing(inside, outside):
        return (shifted[inside] - theta) / (shifted[inside] - shifted[outside])

    return float(dx * (right - left - 2 + crossing(right - 1, right) + crossing(left + 1, left)))


# -- simulation --------------------------------------------------------------------------------

def grid(L: float, n: int) -> np.ndarray:
    """Positions (mm) on a ring of length L: n points from -L/2, with 0 among them."""
    return (np.arange(n) - n // 2) * (L / n)


def _periodic_offsets(L: float, n: int) -> np.ndarray:
    """Distances of the FFT offsets 0, dx, ..., (n-1) dx on the ring (signed, wrapped)."""
    k = np.arange(n)
    return np.where(k <= n // 2, k, k - n) * (L / n)


def kernel_spectrum(kernel_params, L: float, n: int, ndim: int) -> np.ndarray:
    """rfftn of the kernel sampled on the periodic grid, times the cell area: multiply by
    rfftn(f) and invert to convolve."""
    from scipy import fft
    d = _periodic_offsets(L, n)
    r = np.abs(d) if ndim == 1 else np.hypot(*np.meshgrid(d, d, indexing="ij"))
    return fft.rfftn(kernel(r, kernel_params)) * (L / n) ** ndim


def convolve(w_hat: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The periodic convolution of the kernel (its spectrum ``w_hat``) with ``values``."""
    from scipy import fft
    if values.ndim == 1:  # the 1D transforms cost less per call than the n-dimensional ones
        return fft.irfft(w_hat * fft.rfft(values), n=len(values))
    return fft.irfft2(w_hat * fft.rfft2(values), s=values.shape)


def input_profiles(inputs, x: np.ndarray, ndim: int) -> list[tuple[InputParams, np.ndarray]]:
    """Each input with its Gaussian profile on the grid (distances wrapped on the ring)."""
    L = len(x) * (x[1] - x[0])
    out = []
    for item in inputs or ():
        stim = item if isinstance(item, InputParams) else InputParams.from_dict(item)
        dx = _wrapped(x - stim.x0, L)
        r2 = dx ** 2 if ndim == 1 else \
            dx[:, None] ** 2 + _wrapped(x - stim.y0, L)[None, :] ** 2
        out.append((stim, stim.amplitude * np.exp(-r2 / (2 * stim.width ** 2))))
    return out


def _wrapped(d: np.ndarray, L: float) -> np.ndarray:
    return (d + L / 2) % L - L / 2


class FrameRecorder:
    """Frames kept in chunks (each sent to ``on_chunk`` as ``{"t": ..., "u": ...}``, at most
    every CHUNK_S seconds: the receiver may keep the arrays, they are not written again)."""

    def __init__(self, u0: np.ndarray, on_chunk: Callable | None):
        self.on_chunk = on_chunk
        self.times, self.frames = [0.0], [u0.copy()]  # not sent yet
        self.chunks: list[tuple[np.ndarray, np.ndarray]] = []
        self.sent_at = time.perf_counter()

    def add(self, t: float, u: np.ndarray) -> None:
        self.times.append(t)
        self.frames.append(u.copy())
        time.sleep(0)  # let a GUI thread that waits for the GIL draw (in-process runs)
        if time.perf_counter() - self.sent_at >= CHUNK_S:
            self.flush()

    def flush(self) -> None:
        if self.frames:
            chunk = (np.array(self.times), np.array(self.frames))
            self.times, self.frames = [], []
            self.chunks.append(chunk)
            if self.on_chunk is not None:
                self.on_chunk({"t": chunk[0], "u": chunk[1]})
        self.sent_at = time.perf_counter()

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        """Send what is left; every time and frame so far."""
        self.flush()
        return np.concatenate([t for t, _ in self.chunks]), \
            np.concatenate([u for _, u in self.chunks])


def integrate_field(*, ndim: int, params: FieldParams, kernel_params, f_params, u0=None,
                    inputs=None, on_chunk: Callable | None = None,
                    should_stop: Callable | None = None) -> FieldResult:
    """Euler integration of the field in 1 or 2 dimensions (see the module's equations)."""
    p = params
    x = grid(p.L, p.n)
    shape = (p.n,) * ndim
    u = p.noise * np.random.default_rng(0).standard_normal(shape) if u0 is None else \
        np.array(np.broadcast_to(u0, shape), dtype=float)
    adapt = np.zeros(shape)
    if u0 is None and p.initial == "broken wave":
        strip = np.ones(shape, bool) if ndim == 1 else np.broadcast_to(x[None, :] < 0, shape)
        along = x if ndim == 1 else x[:, None]
        u[strip & (along > -p.L / 12) & (along < 0)] = 1.0
        adapt[strip & (along > -p.L / 4) & (along <= -p.L / 12)] = 1.0
    w_hat = kernel_spectrum(kernel_params, p.L, p.n, ndim)
    profiles = input_profiles(inputs, x, ndim)
    f = activation(f_params)
    steps = round(p.t_end / p.dt)
    every = max(1, round(p.record_dt / p.dt))
    frames = FrameRecorder(u, on_chunk)
    rate, rate_a = p.dt / p.tau, p.dt / p.tau_a
    active, base = None, None  # which inputs are on, and h plus their sum
    for step in range(1, steps + 1):
        t = (step - 1) * p.dt
        now_on = [stim.t_on <= t < stim.t_off for stim, _ in profiles]
        if now_on != active:
            active = now_on
            base = p.h + sum((profile for (_, profile), on in zip(profiles, active) if on),
                             np.zeros(shape))
        drive = convolve(w_hat, f(u))
        drive += base
        if p.b:
            drive -= adapt
            adapt += rate_a * (p.b * u - adapt)
        u += rate * (drive - u)
        if step % every == 0 or step == steps:
            frames.add(step * p.dt, u)
            if should_stop is not None and should_stop():
                break
    t, u = frames.finish()
    return FieldResult(t=t, x=x, u=u, y=x if ndim == 2 else None)


@checked(FieldParams, KernelParams, TransferParams, diverges=True)
def simulate_field_1d(kernel="mexican_hat", kernel_params=None, f="heaviside", f_params=None,
                      h=-0.1, tau=10.0, L=20.0, n=512, u0=None, inputs=None, t_end=200.0,
                      dt=0.1, record_dt=1.0, b=0.0, tau_a=100.0, initial="rest", noise=0.0, *,
                      on_chunk=None, should_stop=None) -> FieldResult:
    """The field on a ring of length ``L`` (mm): frames ``u`` (time x space) at ``t`` (ms).

    ``kernel_params``: dict of KernelParams fields (a_e, sigma_e, a_i, sigma_i); ``f_params``:
    dict with theta (and beta for the sigmoid); ``inputs``: sequence of dicts of InputParams
    fields (amplitude, x0, width, t_on, t_off); ``u0``: initial field (default: 0, or
    Gaussian noise of standard deviation ``noise``, seed 0).
    """
    return _simulate(1, locals())


@checked(FieldParams, KernelParams, TransferParams, diverges=True)
def simulate_field_2d(kernel="mexican_hat", kernel_params=None, f="heaviside", f_params=None,
                      h=-0.1, tau=10.0, L=20.0, n=128, u0=None, inputs=None, t_end=200.0,
                      dt=0.1, record_dt=1.0, b=0.0, tau_a=100.0, initial="rest", noise=0.0, *,
                      on_chunk=None, should_stop=None) -> FieldResult:
    """The field on an n x n torus of side ``L`` (mm): frames ``u[i, x, y]`` at ``t`` (ms);
    inputs take ``y0`` too. Arguments as :func:`simulate_field_1d`."""
    return _simulate(2, locals())


def _simulate(ndim: int, args: dict) -> FieldResult:
    names = FieldParams.names()
    params = FieldParams(**{name: args[name] for name in names})
    kernel_params = kernel_params_from(args["kernel_params"]).replace(kernel=args["kernel"])
    return integrate_field(ndim=ndim, params=params, kernel_params=kernel_params,
                           f_params=f_params_from(args["f_params"], args["f"]),
                           u0=args["u0"], inputs=args["inputs"], on_chunk=args["on_chunk"],
                           should_stop=args["should_stop"])


def dominant_wavelength(x: np.ndarray, frame: np.ndarray) -> float:
    """The wavelength (mm) of the strongest non-zero spatial frequency of a 1D or 2D frame."""
    from scipy import fft
    L = len(x) * (x[1] - x[0])
    power = np.abs(fft.fftn(frame - frame.mean())) ** 2
    k = np.abs(fft.fftfreq(len(x), d=L / len(x)))
    radius = k if frame.ndim == 1 else np.hypot(*np.meshgrid(k, k, indexing="ij"))
    return float(1.0 / radius.flat[int(np.argmax(power))])


def centre_of_mass(x: np.ndarray, frame: np.ndarray, axis: int = 0,
                   theta: float = 0.0) -> float:
    """Where the field's activity (u above ``theta``) is centred along ``axis`` on the ring
    (circular mean), in mm; nan if nothing is above ``theta``."""
    L = len(x) * (x[1] - x[0])
    weight = np.clip(np.asarray(frame) - theta, 0.0, None)
    if weight.ndim == 2:
        weight = weight.sum(axis=1 - axis)
    if not weight.any():
        return float("nan")
    angle = 2 * np.pi * (x + L / 2) / L
    mean = np.angle(np.sum(weight * np.exp(1j * angle)))
    return float(mean % (2 * np.pi) * L / (2 * np.pi) - L / 2)
