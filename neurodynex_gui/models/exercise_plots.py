"""The exercise package's figures (``do_plot=True`` and the ``plot_*`` functions), drawn with
matplotlib through ``pyplot``: inline in a notebook, in a window from a Python prompt.

matplotlib is optional (``pip install 'neurodynex-gui[plot]'``): without it a function that
would draw warns once how to install it, returns None and the simulation's results stay
available. Every function returns the new ``matplotlib.figure.Figure`` (the seed returned
nothing); ``show=True`` also calls ``plt.show()`` unless the backend cannot show (Agg).
The panels are the seed's, with the units on every axis.
"""
from __future__ import annotations

import numpy as np

from .exercise import pyplot

NON_INTERACTIVE = ("agg", "pdf", "ps", "svg", "cairo", "template", "pgf")


def _finish(plt, fig, title, show: bool):
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    if show and plt.get_backend().lower() not in NON_INTERACTIVE:
        plt.show()
    return fig


def _panel(ax, x, y, x_label, y_label, **style):
    ax.plot(x, y, lw=2, **style)
    ax.set_xlabel(x_label)
    ax.set_ylabel(y_label)
    ax.grid(True)


def lif_figure(t_ms, v_mV, I_nA, v_threshold=1.0, title=None, show=True):
    """v (with the threshold dashed) over I: the seed's ``LIF.plot_data``."""
    plt = pyplot()
    if plt is None:
        return None
    fig, (top, bottom) = plt.subplots(2, 1, sharex=True, figsize=(7, 5))
    _panel(top, t_ms, v_mV, "t [ms]", "v [mV]", label="v")
    if v_threshold is not None and len(t_ms):
        top.plot(np.asarray(t_ms)[[0, -1]], [v_threshold, v_threshold], "r--", lw=2,
                 label="threshold")
        top.legend(loc="center right")
    _panel(bottom, t_ms, I_nA, "t [ms]", "I [nA]")
    return _finish(plt, fig, title, show)


def hh_figure(t_ms, vm_mV, m, n, h, I_uA, title=None, show=True):
    """vm, the gating variables m, n, h and the current: the seed's ``HH.plot_data``."""
    plt = pyplot()
    if plt is None:
        return None
    fig, (top, middle, bottom) = plt.subplots(3, 1, sharex=True, figsize=(7, 7))
    _panel(top, t_ms, vm_mV, "t [ms]", "v [mV]")
    for values, name, colour in ((m, "m", "black"), (n, "n", "blue"), (h, "h", "red")):
        _panel(middle, t_ms, values, "t [ms]", "act./inact. [1]", color=colour, label=name)
    middle.legend(loc="upper right")
    _panel(bottom, t_ms, I_uA, "t [ms]", "I [uA]")
    return _finish(plt, fig, title, show)


def neuron_type_figure(t_ms, v_mV, w_mV, I_pA, title=None, show=True, spikes_ms=()):
    """v, w and the current: the seed's ``neurons.plot_data`` (spikes marked if given)."""
    plt = pyplot()
    if plt is None:
        return None
    fig, (top, middle, bottom) = plt.subplots(3, 1, sharex=True, figsize=(7, 7))
    _panel(top, t_ms, v_mV, "t [ms]", "v [mV]")
    if len(spikes_ms):
        low, high = float(np.min(v_mV)), float(np.max(v_mV))
        top.vlines(spikes_ms, low, high, colors="#ff0000", lw=1, label="spikes")
    _panel(middle, t_ms, w_mV, "t [ms]", "w [mV]", color="k")
    _panel(bottom, t_ms, I_pA, "t [ms]", "I [pA]")
    return _finish(plt, fig, title, show)


def flow_figure(V, W, dV, dW, v_curve, v_nullcline, w_nullcline, I, title=None, show=True):
    """The flow field with both nullclines: the seed's ``fitzhugh_nagumo.plot_flow``."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6, 6))
    speed = np.hypot(dV, dW)
    unit = np.where(speed > 0, speed, 1.0)  # arrows of one length, coloured by the speed
    spacing = min(np.ptp(V) / max(V.shape[1] - 1, 1), np.ptp(W) / max(V.shape[0] - 1, 1))
    arrows = ax.quiver(V, W, dV / unit, dW / unit, np.log10(speed + 1e-12), cmap="viridis",
                       angles="xy", scale_units="xy", scale=1.0 / (0.8 * spacing),
                       pivot="mid", width=0.004)
    fig.colorbar(arrows, ax=ax, label="log10 speed [1]")
    ax.plot(v_curve, v_nullcline, color="r", lw=3, label="v-nullcline")
    ax.plot(v_curve, w_nullcline, color="b", lw=3, label="w-nullcline")
    ax.set_xlim(float(np.min(V)), float(np.max(V)))
    ax.set_ylim(float(np.min(W)), float(np.max(W)))
    ax.set_xlabel("v [1]")
    ax.set_ylabel("w [1]")
    ax.set_title(title or f"FitzHugh-Nagumo flow, I = {I:g}")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    ax.grid(True)
    return _finish(plt, fig, None, show)


def hopfield_figure(grids, times, overlaps, mu, title=None, show=True):
    """The network's state at some steps (grids) above the overlaps with every pattern."""
    plt = pyplot()
    if plt is None:
        return None
    columns = len(grids)
    fig = plt.figure(figsize=(max(6, 1.6 * columns), 5))
    layout = fig.add_gridspec(2, columns, height_ratios=(1, 1.3))
    for column, (grid, t) in enumerate(zip(grids, times)):
        ax = fig.add_subplot(layout[0, column])
        ax.imshow(grid, cmap="binary", vmin=-1, vmax=1, interpolation="nearest")
        ax.set_title(f"t = {t}")
        ax.set_xticks([])
        ax.set_yticks([])
    ax = fig.add_subplot(layout[1, :])
    steps = np.arange(len(overlaps))
    for index in range(overlaps.shape[1]):
        ax.plot(steps, overlaps[:, index], lw=3 if index == mu else 1,
                label=f"pattern {index}" + (" (cue)" if index == mu else ""))
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("t [updates]")
    ax.set_ylabel("overlap m [1]")
    ax.set_ylim(-1.05, 1.05)
    ax.legend(loc="lower right", fontsize="small")
    ax.grid(True)
    return _finish(plt, fig, title, show)


def oja_figure(cloud, wcourse, show=True):
    """The data cloud and the weight vector's course, coloured by time."""
    plt = pyplot()
    if plt is None:
        return None
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.scatter(cloud[:, 0], cloud[:, 1], marker=".", color="0.3", alpha=0.2)
    trace = ax.scatter(wcourse[:, 0], wcourse[:, 1], c=np.arange(len(wcourse)), cmap="cool",
                       s=6)
    fig.colorbar(trace, ax=ax, label="iteration")
    ax.set_xlabel("x1 [1]")
    ax.set_ylabel("x2 [1]")
    ax.axis("equal")
    return _finish(plt, fig, None, show)
