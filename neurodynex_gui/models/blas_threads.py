"""Run numpy's matrix products on one BLAS thread for a while.

The rate networks multiply a matrix by a vector (or a thin matrix) ten thousand times per run.
OpenBLAS splits each product over all cores; on a machine whose cores are busy the threads
wait for each other: a product for N = 1000 took 14 ms on two loaded cores, 0.2 ms on one
thread. :func:`one_blas_thread` sets the thread count of the OpenBLAS that numpy loaded (found
among the process's mapped libraries) and puts it back afterwards; where there is none it does
nothing. The count is process-wide: other threads' products also run on one thread meanwhile.
"""
from __future__ import annotations

import contextlib
import ctypes
import functools

import numpy as np  # noqa: F401  (loads the OpenBLAS looked for below)

SYMBOLS = (("scipy_openblas_get_num_threads64_", "scipy_openblas_set_num_threads64_"),
           ("scipy_openblas_get_num_threads", "scipy_openblas_set_num_threads"),
           ("openblas_get_num_threads", "openblas_set_num_threads"))


@functools.cache
def _controls():
    """(get, set) of the loaded OpenBLAS's thread count, or None."""
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({line.split()[-1] for line in maps
                            if "openblas" in line.rsplit("/", 1)[-1].lower()})
    except OSError:
        return None
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for get_name, set_name in SYMBOLS:
            if hasattr(library, get_name) and hasattr(library, set_name):
                return getattr(library, get_name), getattr(library, set_name)
    return None


@contextlib.contextmanager
def one_blas_thread():
    """Within this block numpy's BLAS uses one thread."""
    controls = _controls()
    if controls is None:
        yield
        return
    get, set_ = controls
    before = get()
    set_(1)
    try:
        yield
    finally:
        set_(before)
