"""Brunel's phase diagram (Brunel 2000, fig. 2): rate, ISI CV, Fano factor and synchrony over a
grid of g and nu_ext / nu_thr, one network run per point, run by :mod:`neurodynex_gui.sweeps`
on a local process pool or a dask.distributed cluster."""
from __future__ import annotations

import dataclasses

import numpy as np

from .brunel import BrunelParams
from .params import ParamError, Params, checked, param

__all__ = ["PhaseDiagramInputs", "phase_diagram"]


@dataclasses.dataclass(frozen=True)
class PhaseDiagramInputs(Params):
    g_min: float = param(3.0, "g from", "", min=0.0, max=20.0, step=0.5)
    g_max: float = param(8.0, "g to", "", min=0.0, max=20.0, step=0.5)
    g_n: int = param(6, "g values", "", min=1, max=100, step=1)
    nu_ratio_min: float = param(1.0, "nu_ext / nu_thr from", "", min=0.0, max=100.0, step=0.5)
    nu_ratio_max: float = param(4.0, "nu_ext / nu_thr to", "", min=0.0, max=100.0, step=0.5)
    nu_ratio_n: int = param(4, "nu_ext / nu_thr values", "", min=1, max=100, step=1)
    workers: int = param(2, "local worker processes", "", min=1, max=64, step=1,
                         help="used when no dask scheduler address is given")

    def check(self) -> None:
        if self.g_max < self.g_min:
            raise ParamError("g_max", "must not be below g_min")
        if self.nu_ratio_max < self.nu_ratio_min:
            raise ParamError("nu_ratio_max", "must not be below nu_ratio_min")


@checked(PhaseDiagramInputs, scheduler=None)
def phase_diagram(params: BrunelParams = BrunelParams(), *, g_min=3.0, g_max=8.0, g_n=6,
                  nu_ratio_min=1.0, nu_ratio_max=4.0, nu_ratio_n=4, workers=2,
                  scheduler: str = "", on_chunk=None, should_stop=None):
    """The readouts of ``params`` on a g x nu_ratio grid (a :class:`~neurodynex_gui.sweeps.
    SweepGrid`); ``on_chunk`` gets ``{"fraction", "index", "values", "eta_s"}`` per point.
    ``scheduler``: a dask.distributed address ("tcp://HOST:PORT"), or "" for a local pool.
    The fixed seed of ``params`` (0: a new one per point) is kept for every point."""
    from .. import sweeps

    base = {k: v for k, v in params.to_dict().items() if k != "poisson_input_rate"}
    grid = {"g": np.linspace(g_min, g_max, g_n),
            "nu_ratio": np.linspace(nu_ratio_min, nu_ratio_max, nu_ratio_n)}

    def point(index, values, done, total, eta):
        if on_chunk is not None:
            on_chunk({"fraction": done / total, "index": index, "values": values,
                      "eta_s": eta})

    return sweeps.run_sweep("neurodynex_gui.models.brunel:sweep_point", grid,
                            scheduler.strip() or None, base=base, workers=workers,
                            on_point=point, should_stop=should_stop,
                            use_cache=params.seed != 0)
