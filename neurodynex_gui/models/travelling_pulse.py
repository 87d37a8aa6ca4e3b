"""Travelling pulses of the 1D Heaviside field with linear adaptation (book chapter 18.2).

The field tau du/dt = -u + w * H(u - theta) + h - a, tau_a da/dt = -a + b u carries pulses
u(x, t) = U(x - c t) that are above theta on an interval of width Delta. In the frame moving
with the pulse the equations are linear with the known drive W(xi) - W(xi - Delta)
(W: the integral of the kernel), solved on the ring by Fourier transform; c and Delta follow from
U = theta at both edges (scipy's root finder). The fast, wide pulse is the stable one.
"""
from __future__ import annotations

import numpy as np

from . import neural_field as nf
from .params import checked

GRID = 8192  # points of the ring in the moving frame


@checked(nf.FieldParams)
def pulse_profile(c, width, kernel_params=None, h=0.0, tau=10.0, b=5.0, tau_a=100.0,
                  L=100.0) -> tuple[np.ndarray, np.ndarray]:
    """U(xi) on the ring (xi from 0 to L, mm) of a pulse moving at ``c`` (mm/ms) and above
    threshold on 0 < xi < ``width`` (mm): the edges' conditions are not imposed here."""
    xi = np.arange(GRID) * (L / GRID)

    def W(a):  # the kernel's integral from 0 to a, odd in a
        return np.sign(a) * nf.kernel_integral(np.abs(a), kernel_params)

    drive = sum(W(xi + m * L) - W(xi - width + m * L) for m in range(-3, 4))
    k = 2 * np.pi * np.fft.fftfreq(GRID, d=L / GRID)
    response = (1 - 1j * k * c * tau) + b / (1 - 1j * k * c * tau_a)
    spectrum = np.fft.fft(drive)
    spectrum[0] += h * GRID
    return xi, np.real(np.fft.ifft(spectrum / response))


@checked(nf.FieldParams, nf.TransferParams)
def pulse_speed(kernel_params=None, h=0.0, theta=0.2, tau=10.0, b=5.0, tau_a=100.0,
                L=100.0) -> tuple[float, float]:
    """The speed c (mm/ms) and width Delta (mm) of the fast travelling pulse on a ring of
    length ``L``. Raises ValueError (naming ``b``) when there is no pulse."""
    from scipy import optimize

    if b <= 0:
        raise ValueError("b: a pulse needs adaptation (b > 0); without it fronts advance")

    def edges(v):
        c, width = v
        xi, U = pulse_profile(c, width, kernel_params, h, tau, b, tau_a, L)
        at = np.interp([0.0, width], np.r_[xi, L], np.r_[U, U[0]])
        return at - theta

    found = []
    for c0 in (0.02, 0.1, 0.5, 2.0):
        for width0 in (0.05 * L, 0.15 * L):
            solution, _info, ok, _text = optimize.fsolve(edges, (c0, width0), full_output=True)
            c, width = solution
            if ok == 1 and c > 0 and 0 < width < L and _only_inside(c, width, kernel_params,
                                                                     h, theta, tau, b, tau_a, L):
                found.append((float(c), float(width)))
    if not found:
        raise ValueError(f"b: no travelling pulse for b = {b:g} with this kernel, h and theta")
    return max(found)


def _only_inside(c, width, kernel_params, h, theta, tau, b, tau_a, L) -> bool:
    """The profile is above theta inside the pulse and below it outside (a real pulse)."""
    xi, U = pulse_profile(c, width, kernel_params, h, tau, b, tau_a, L)
    margin = 2 * L / GRID
    inside = (xi > margin) & (xi < width - margin)
    outside = (xi > width + margin) & (xi < L - margin)
    return bool(np.all(U[inside] > theta) and np.all(U[outside] < theta))


def measured_pulse(t, x, u, theta) -> tuple[float, float] | None:
    """Speed (mm/ms, from the unwrapped centre of activity) and mean width (mm) over the second
    half of a 1D run, or None unless one pulse (one interval above theta) runs throughout."""
    t, u = np.asarray(t), np.asarray(u)
    half = t >= t[-1] / 2
    above = u[half] > theta
    rises = np.count_nonzero(above & ~np.roll(above, 1, axis=1), axis=1)
    if half.sum() < 3 or not np.all(rises == 1):
        return None
    L = len(x) * (x[1] - x[0])
    centres = [nf.centre_of_mass(x, frame, theta=theta) for frame in u[half]]
    path = np.unwrap(np.asarray(centres) * 2 * np.pi / L) * L / (2 * np.pi)
    speed = abs(np.polyfit(t[half], path, 1)[0])
    return float(speed), float(above.sum(axis=1).mean() * (x[1] - x[0]))
