"""A tab's last results as flat arrays for the NPZ beside a session, and back (no Qt)."""
from __future__ import annotations

import numpy as np

from ..models.params import ParamError
from ..models.sweep import SweepResult


def curve_arrays(page: str, data: dict[str, tuple[np.ndarray, np.ndarray]]) -> dict:
    """``{"plot/curve": (x, y)}`` of a panel as ``{"page/plot/curve/x": x, ".../y": y}``."""
    arrays = {}
    for key, (x, y) in data.items():
        arrays[f"{page}/{key}/x"], arrays[f"{page}/{key}/y"] = x, y
    return arrays


def sweep_arrays(sweeps: dict[str, object], last_tool: str | None) -> dict:
    """The SweepResults among a tab's tool results (others are the tab's to save)."""
    arrays = {}
    for key, sweep in sweeps.items():
        if not isinstance(sweep, SweepResult):
            continue
        prefix = f"sweep/{key}"
        arrays[f"{prefix}/x"] = np.asarray(sweep.x, dtype=float)
        arrays[f"{prefix}/x_label"] = np.array(sweep.x_label)
        arrays[f"{prefix}/answer"] = np.array(np.nan if sweep.answer is None else sweep.answer)
        arrays[f"{prefix}/answer_text"] = np.array(sweep.answer_text)
        for column, values in sweep.columns.items():
            arrays[f"{prefix}/column/{column}"] = np.asarray(values, dtype=float)
    if last_tool is not None:
        arrays["last_tool"] = np.array(last_tool)
    return arrays


def read_saved(arrays: dict, page: str = "traces"):
    """``(curves, sweeps, last_tool)`` from saved arrays: ``curves`` maps (plot, curve) to
    (x, y) of ``page``; raises ParamError (before anything is drawn) if they are incomplete."""
    curves, sweeps = {}, {}
    try:
        for key in arrays:
            parts = key.split("/")
            if parts[0] == page and parts[-1] == "x" and len(parts) == 4:
                curves[(parts[1], parts[2])] = (arrays[key], arrays[key[:-1] + "y"])
            elif parts[0] == "sweep" and parts[-1] == "x" and len(parts) == 3:
                prefix = f"sweep/{parts[1]}"
                columns = {k.rsplit("/", 1)[1]: arrays[k] for k in arrays
                           if k.startswith(prefix + "/column/")}
                answer = float(arrays[prefix + "/answer"])
                sweeps[parts[1]] = SweepResult(
                    arrays[key], columns, str(arrays[prefix + "/x_label"]),
                    None if np.isnan(answer) else answer, str(arrays[prefix + "/answer_text"]))
    except (KeyError, TypeError, ValueError) as error:
        raise ParamError("results", f"the saved results are incomplete ({error})") from None
    last = str(arrays["last_tool"]) if "last_tool" in arrays else None
    return curves, sweeps, last
