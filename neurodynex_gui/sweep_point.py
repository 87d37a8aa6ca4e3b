"""One point of a sweep, run where the sweep sends it (a local worker process or a dask
worker): ``path(**kwargs)`` as a dict of floats."""
from __future__ import annotations

import contextlib
import importlib
import signal
import threading


def call_point(path: str, kwargs: dict) -> dict:
    """Run one point (in a worker): ``path(**kwargs)`` as a dict of floats."""
    module, _, name = path.partition(":")
    function = getattr(importlib.import_module(module), name)
    if threading.current_thread() is threading.main_thread():
        values = function(**kwargs)
    else:
        with _signals_off_main_thread():
            values = function(**kwargs)
    return {str(k): float(v) for k, v in dict(values).items()}


@contextlib.contextmanager
def _signals_off_main_thread():
    """A dask worker runs tasks on a thread, where ``signal.signal`` raises ValueError, and
    brian2 installs a SIGINT handler when it is imported: there the handler is left as it is
    (a worker is stopped by its nanny, not by Ctrl+C) instead of failing the import."""
    original = signal.signal

    def install(signum, handler):
        try:
            return original(signum, handler)
        except ValueError:
            return signal.getsignal(signum)

    signal.signal = install
    try:
        yield
    finally:
        signal.signal = original
