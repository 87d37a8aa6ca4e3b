"""One run of the neural-fields tab: which system, its parameters, and what was measured.

:func:`simulate` dispatches to :mod:`.neural_field` or :mod:`.reaction_diffusion` and compares
the run with the theory: a bump's width with Amari's condition, a front's speed with
2 sqrt(D r) or the bistable formula, a pulse's speed and width with the travelling-pulse
solution, a pattern's wavelength with the kernel's Fourier peak.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import neural_field as nf
from . import reaction_diffusion as rd
from . import travelling_pulse as tp

SYSTEMS = ("field 1D", "field 2D", "reaction-diffusion 1D", "reaction-diffusion 2D",
           "wave 1D", "wave 2D")
MAX_CELLS_2D = 512 ** 2


@dataclasses.dataclass
class FieldRun:
    """Frames ``u`` at ``t`` (ms) on ``x`` (and ``y``) (mm), the system and the comparison
    with the theory (``measured``: plain text, one line per quantity)."""

    system: str
    t: np.ndarray
    x: np.ndarray
    u: np.ndarray
    y: np.ndarray | None = None
    measured: str = ""
    threshold: float | None = None  # the level drawn on u(x) (theta of a field)


def positions(system: str, field: nf.FieldParams, grid: rd.GridParams) -> np.ndarray:
    """The grid (mm) a run of ``system`` has along x (and y)."""
    if is_field(system):
        return nf.grid(field.L, field.n)
    if system.startswith("wave"):
        return nf.grid(grid.L, grid.n)
    return (np.arange(grid.n) + 0.5) * (grid.L / grid.n)


def is_field(system: str) -> bool:
    return system.startswith("field")


def dimensions(system: str) -> int:
    return 2 if system.endswith("2D") else 1


def simulate(system: str, field: nf.FieldParams, kernel: nf.KernelParams,
             transfer: nf.TransferParams, stimulus: nf.InputParams, reaction: rd.ReactionParams,
             grid: rd.GridParams, *, on_chunk=None, should_stop=None) -> FieldRun:
    """Run ``system`` (one of SYSTEMS) with the parameters that apply to it."""
    if system not in SYSTEMS:
        raise ValueError(f"system: '{system}' is not one of {', '.join(SYSTEMS)}")
    ndim = dimensions(system)
    n = field.n if is_field(system) else grid.n
    if ndim == 2 and n * n > MAX_CELLS_2D:
        raise ValueError(f"n: {n} x {n} is too large for a 2D run (at most 512)")
    stream = {"on_chunk": on_chunk, "should_stop": should_stop}
    if is_field(system):
        run = nf.integrate_field(ndim=ndim, params=field, kernel_params=kernel,
                                 f_params=transfer, inputs=[stimulus], **stream)
        return FieldRun(system, run.t, run.x, run.u, run.y,
                        _field_measures(run, field, kernel, transfer, ndim), transfer.theta)
    common = {"L": grid.L, "n": grid.n, "ndim": ndim, "t_end": grid.t_end, "dt": grid.dt,
              "record_dt": grid.record_dt, "r": reaction.r, "a": reaction.a}
    if system.startswith("wave"):
        run = rd.wave_equation(c=reaction.c, alpha=reaction.alpha, f=reaction.wave_f,
                               **common, **stream)
        return FieldRun(system, run.t, run.x, run.u, run.y,
                        _wave_measures(run, reaction) if ndim == 1 else "")
    run = rd.reaction_diffusion(f=reaction.f, D=reaction.D, **common, **stream)
    return FieldRun(system, run.t, run.x, run.u, run.y,
                    _front_measures(run, reaction) if ndim == 1 else "", 0.5)


def _field_measures(run: nf.FieldResult, field, kernel, transfer, ndim: int) -> str:
    lines = []
    heaviside = ndim == 1 and transfer.f == "heaviside" and field.b == 0
    if heaviside and kernel.kernel == "exponential" and kernel.a_i == 0:
        width = nf.active_width(run.x, run.u, transfer.theta)
        growing = (run.t >= run.t[-1] / 2) & (width > 0) & (width < 0.9 * field.L)
        speed = np.polyfit(run.t[growing], width[growing], 1)[0] / 2 \
            if growing.sum() > 1 else float("nan")
        try:
            theory = f"{nf.amari_front_speed(kernel, field.h, transfer.theta, field.tau):.3g}"
        except ValueError:
            theory = "none (no advancing front)"
        lines.append(f"front speed over the second half {speed:.3g} mm/ms; theory {theory} "
                     "mm/ms")
    elif ndim == 1 and transfer.f == "heaviside" and field.b > 0:
        lines.append(_pulse_measures(run, field, kernel, transfer))
    elif heaviside:
        width = nf.bump_width(run.x, run.u[-1], transfer.theta)
        try:
            theory = f"{nf.amari_bump_width(kernel, field.h, transfer.theta):.3g} mm"
        except ValueError:
            theory = "none (W(a) + h = theta has no root where W decreases)"
        lines.append(f"bump width at the end {width:.3g} mm; Amari's W(a) + h = theta: "
                     f"{theory}")
    wavelength = nf.pattern_wavelength(kernel, ndim)
    if ndim == 2 and transfer.f == "heaviside":
        area = float((run.u[-1] > transfer.theta).sum()) * (field.L / field.n) ** 2
        lines.append(f"area above theta at the end {area:.3g} mm² (a disc of diameter "
                     f"{2 * np.sqrt(area / np.pi):.3g} mm)")
    elif ndim == 2 and np.isfinite(wavelength):
        lines.append(f"dominant wavelength at the end "
                     f"{nf.dominant_wavelength(run.x, run.u[-1]):.3g} mm; the kernel's Fourier "
                     f"peak predicts {wavelength:.3g} mm for patterns")
    return "\n".join(lines)


def _pulse_measures(run: nf.FieldResult, field, kernel, transfer) -> str:
    try:
        speed, width = tp.pulse_speed(kernel, field.h, transfer.theta, field.tau, field.b,
                                      field.tau_a, field.L)
        theory = f"theory {speed:.3g} mm/ms and {width:.3g} mm"
    except ValueError:
        theory = "theory: no travelling pulse"
    measured = tp.measured_pulse(run.t, run.x, run.u, transfer.theta)
    if measured is None:
        return f"pulse: {theory} (measured when one pulse runs through the second half)"
    return f"pulse speed {measured[0]:.3g} mm/ms, width {measured[1]:.3g} mm; {theory}"


def _front_measures(run, reaction: rd.ReactionParams) -> str:
    speed = rd.front_speed(run.t, run.x, run.u)
    if reaction.f == "fisher":
        theory = f"2 sqrt(D r) = {rd.fisher_speed(reaction.D, reaction.r):.3g} mm/ms"
    elif reaction.f == "bistable":
        theory = (f"sqrt(D r / 2)(1 - 2a) = "
                  f"{rd.bistable_speed(reaction.D, reaction.r, reaction.a):.3g} mm/ms")
    else:
        theory = "no front without a reaction"
    return f"front speed over the second half {speed:.3g} mm/ms; theory {theory}"


def _wave_measures(run, reaction: rd.ReactionParams) -> str:
    half = len(run.x) // 2
    right = run.x[half + int(np.argmax(run.u[-1][half:]))]
    return (f"right-going peak at {right:.3g} mm after {run.t[-1]:.3g} ms; "
            f"c t = {reaction.c * run.t[-1]:.3g} mm (plain waves, alpha = 0)")
