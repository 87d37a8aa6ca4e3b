"""Parameter sweeps: a grid of values for any model function, run in parallel.

    from neurodynex_gui.sweeps import run_sweep
    grid = {"g": np.linspace(3, 8, 11), "nu_ratio": np.linspace(1, 4, 7)}
    diagram = run_sweep("neurodynex_gui.models.brunel:sweep_point", grid,
                        base={"N_Excit": 2000, "sim_time": 500.0})
    diagram.columns["rate_Hz"]   # an 11 x 7 array

The function at ``path`` ("module:function") is called once per grid point with
``**base, **point`` and returns a mapping of numbers (its readouts). Where it runs:

- ``executor=None``: a local pool of worker processes (``workers``, default 2; see
  :mod:`.sweep_workers`);
- ``executor="tcp://HOST:PORT"``: the dask.distributed scheduler at that address;
- a ``distributed.Client`` (e.g. on a ``LocalCluster``), or any
  ``concurrent.futures.Executor``.

Points arrive as they finish (``on_point``), a run stops early when ``should_stop()`` says so
(pending points are cancelled), every finished point is cached on disk by its parameters (JSON,
``cache_dir``; a re-run computes only what is missing), and a point whose worker died is
retried (``retries`` times) on a fresh worker. The answer is a :class:`SweepGrid`, exportable as
NPZ or CSV. No Qt here; the worker processes import only what ``path`` needs.
"""
from __future__ import annotations

import concurrent.futures as cf
import csv
import dataclasses
import hashlib
import itertools
import json
import math
import os
import time
from pathlib import Path
from typing import Callable, Mapping, Sequence

import numpy as np

from .sweep_point import call_point

__all__ = ["SweepGrid", "run_sweep", "parse_range", "cache_folder", "point_key"]


@dataclasses.dataclass
class SweepGrid:
    """``axes``: (name, values) per grid dimension; ``columns``: readout name -> array of the
    grid's shape (NaN where a point is missing: stopped or failed)."""

    path: str
    axes: list[tuple[str, np.ndarray]]
    columns: dict[str, np.ndarray]
    done: np.ndarray            # bool, grid shape
    computed: int = 0           # points computed by this run
    cached: int = 0             # points read from the cache
    failed: dict = dataclasses.field(default_factory=dict)  # flat index -> error text
    elapsed_s: float = 0.0
    completed: bool = True

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(len(values) for _, values in self.axes)

    def to_npz(self, path) -> None:
        arrays = {f"axis/{name}": values for name, values in self.axes}
        arrays.update({f"column/{name}": values for name, values in self.columns.items()})
        arrays["done"] = self.done
        arrays["path"] = np.array(self.path)
        np.savez(path, **arrays)

    def to_csv(self, path) -> None:
        names = [name for name, _ in self.axes]
        readouts = sorted(self.columns)
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(names + readouts)
            for index in itertools.product(*(range(n) for n in self.shape)):
                writer.writerow([repr(float(values[i])) for (_, values), i in
                                 zip(self.axes, index)]
                                + [repr(float(self.columns[r][index])) for r in readouts])


def parse_range(text: str) -> tuple[str, np.ndarray]:
    """``"g=3:8:11"`` (start:stop:count, ends included) or ``"g=3,4.5,6"`` -> (name, values)."""
    name, sep, spec = text.partition("=")
    name = name.strip()
    if not sep or not name.isidentifier():
        raise ValueError(f"sweep '{text}' is not NAME=START:STOP:COUNT or NAME=V1,V2,...")
    try:
        if ":" in spec:
            start, stop, count = spec.split(":")
            if int(count) < 1:
                raise ValueError
            return name, np.linspace(float(start), float(stop), int(count))
        return name, np.array([float(v) for v in spec.split(",")])
    except ValueError:
        raise ValueError(f"sweep '{text}': bad values '{spec}'") from None


def cache_folder() -> Path:
    """Where finished points are kept: NEURODYNEX_GUI_CACHE (or ~/.cache/neurodynex-gui)/sweeps."""
    root = os.environ.get("NEURODYNEX_GUI_CACHE") or os.path.join(
        os.path.expanduser("~"), ".cache", "neurodynex-gui")
    return Path(root) / "sweeps"


def _plain(value):
    if isinstance(value, (np.floating, float)):
        return float(value)
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def point_key(path: str, kwargs: Mapping) -> str:
    """The cache key of one call: a hash of the path and the keyword arguments (as JSON)."""
    text = json.dumps({"path": path, "kwargs": {k: _plain(v) for k, v in kwargs.items()}},
                      sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


class _Pool:
    """The executor behind a sweep, with the few operations the loop needs."""

    def __init__(self, executor, workers: int):
        self.owned = None
        self.dask = None
        self.workers = workers
        if executor is None:
            self.executor = self.owned = self._local()
        elif isinstance(executor, str):
            from distributed import Client

            self.executor = self.owned = self.dask = Client(executor)
        elif type(executor).__module__.startswith("distributed"):
            self.executor = self.dask = executor
        else:
            self.executor = executor

    def _local(self):
        from .sweep_workers import LocalPool

        return LocalPool(self.workers)

    def submit(self, path, kwargs, key):
        if self.dask is not None:
            return self.dask.submit(call_point, path, kwargs, pure=False,
                                    key=f"point-{key}-{time.monotonic_ns()}")
        if self.owned is not None:
            return self.executor.submit(path, kwargs)
        return self.executor.submit(call_point, path, kwargs)

    def wait(self, futures, timeout):
        if self.dask is not None:
            from distributed import wait

            try:
                done, _ = wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:
                return set()
            return set(done)
        done, _ = cf.wait(list(futures), timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return done

    def outcome(self, future):
        """(values, None) or (None, error); a dead worker's error is ``_Died``."""
        from .sweep_workers import WorkerDied

        try:
            return future.result(), None
        except (WorkerDied, cf.process.BrokenProcessPool) as error:
            return None, _Died(str(error))
        except Exception as error:  # noqa: BLE001  (a point's failure is data)
            if type(error).__name__ == "KilledWorker":
                return None, _Died(str(error))
            return None, error

    def cancel(self, futures):
        for future in futures:
            future.cancel()

    def close(self):
        if self.owned is not None:
            if self.dask is not None:
                self.owned.close()
            else:
                self.owned.shutdown()


class _Died(Exception):
    """The worker running a point died (killed, crashed)."""


def run_sweep(path: str, grid: Mapping[str, Sequence[float]], executor=None, *,
              base: Mapping | None = None, workers: int = 2, cache_dir=None,
              use_cache: bool = True, retries: int = 2,
              on_point: Callable | None = None,
              should_stop: Callable[[], bool] | None = None) -> SweepGrid:
    """Run ``path`` on every point of ``grid`` (see the module's docstring).

    ``on_point(index, values, done, total, eta_s)`` is called for each finished point (flat
    index in C order; cached points first); ``eta_s`` estimates the time left.
    """
    if not grid:
        raise ValueError("grid: give at least one parameter and its values")
    axes = [(str(name), np.asarray(values, dtype=float)) for name, values in grid.items()]
    for name, values in axes:
        if values.ndim != 1 or len(values) == 0:
            raise ValueError(f"grid: '{name}' needs a flat, non-empty list of values")
    base = dict(base or {})
    shape = tuple(len(values) for _, values in axes)
    total = int(np.prod(shape))
    points = [{name: float(values[i]) for (name, values), i in zip(axes, index)}
              for index in itertools.product(*(range(n) for n in shape))]
    kwargs = [{**base, **point} for point in points]
    keys = [point_key(path, kw) for kw in kwargs]
    folder = Path(cache_dir) if cache_dir is not None else cache_folder()
    results: dict[int, dict] = {}
    started = time.perf_counter()
    cached = 0
    if use_cache:
        for index, key in enumerate(keys):
            file = folder / f"{key}.json"
            if file.exists():
                try:
                    results[index] = json.loads(file.read_text())["values"]
                except (ValueError, KeyError, OSError):
                    continue
                cached += 1
                if on_point is not None:
                    on_point(index, results[index], len(results), total, None)
    missing = [i for i in range(total) if i not in results]
    failed: dict[int, str] = {}
    stopped = False
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        pool = _Pool(executor, workers)
        tries = {i: 0 for i in missing}
        try:
            pending = {pool.submit(path, kwargs[i], keys[i]): i for i in missing}
            computed_times: list[float] = []
            while pending:
                if should_stop is not None and should_stop():
                    pool.cancel(pending)
                    stopped = True
                    break
                done = pool.wait(pending, timeout=0.1)
                died = []
                for future in done:
                    index = pending.pop(future)
                    values, error = pool.outcome(future)
                    if error is None:
                        results[index] = values
                        _write_json(folder / f"{keys[index]}.json",
                                    {"path": path, "kwargs": {k: _plain(v) for k, v in
                                                              kwargs[index].items()},
                                     "values": values})
                        computed_times.append(time.perf_counter() - started)
                        if on_point is not None:
                            eta = _eta(computed_times, total - len(results))
                            on_point(index, values, len(results), total, eta)
                    elif isinstance(error, _Died) and tries[index] < retries:
                        died.append(index)
                    else:
                        failed[index] = f"{type(error).__name__}: {error}"
                if died:  # only the dead worker's point runs again, on a fresh worker
                    for index in died:
                        tries[index] += 1
                        pending[pool.submit(path, kwargs[index], keys[index])] = index
        finally:
            pool.close()
    columns_names = sorted({name for values in results.values() for name in values})
    columns = {name: np.full(shape, np.nan) for name in columns_names}
    done_mask = np.zeros(shape, dtype=bool)
    for index, values in results.items():
        position = np.unravel_index(index, shape)
        done_mask[position] = True
        for name, value in values.items():
            columns[name][position] = value
    return SweepGrid(path, axes, columns, done_mask, computed=len(results) - cached,
                     cached=cached, failed=failed, elapsed_s=time.perf_counter() - started,
                     completed=not stopped and not failed)


def _eta(times: list[float], left: int) -> float:
    """Seconds left, from the pace of the points finished so far."""
    if not times:
        return math.nan
    pace = times[-1] / len(times)
    return pace * left


def _write_json(file: Path, content: dict) -> None:
    from .atomic import write_atomically

    text = json.dumps(content)
    write_atomically(file, lambda temporary: temporary.write_text(text))
