"""The simulation process: imports brian2 once, then serves jobs sent by ``runner``.

No Qt here. A job is ``(job_id, "package.module:function", kwargs)``; the function is called
with ``on_chunk`` and ``should_stop`` and its partial and final results go back on the event
queue as ``("chunk", id, data)``, ``("done", id, result)``, ``("error", id, message)`` or
``("stopped", id, None)``. Messages are pickled between our own two processes only.
"""
from __future__ import annotations

import gc
import importlib
import traceback


def resolve(path: str):
    """The function named ``"module:function"``."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def call(path: str, kwargs: dict, on_chunk, should_stop):
    """Run one job function; raises what it raises."""
    return resolve(path)(**kwargs, on_chunk=on_chunk, should_stop=should_stop)


def serve(jobs, events, cancel, preload: tuple[str, ...] = ()) -> None:
    """Process main loop: run jobs until ``None`` arrives."""
    events.put(("starting", None, None))
    for module in preload:
        importlib.import_module(module)
    gc.freeze()  # brian2 runs a full gc.collect() per run: keep the imported heap out of it
    events.put(("ready", None, None))
    while True:
        job = jobs.get()
        if job is None:
            return
        job_id, path, kwargs = job

        def on_chunk(data, job_id=job_id):
            events.put(("chunk", job_id, data))

        try:
            result = call(path, kwargs, on_chunk, cancel.is_set)
        except InterruptedError:
            events.put(("stopped", job_id, None))
        except Exception as error:  # reported to the user, the process goes on
            events.put(("error", job_id, describe(error)))
        else:
            events.put(("stopped" if cancel.is_set() else "done", job_id, result))
        gc.collect()  # the result is out: collect this job's garbage, keep the rest frozen
        gc.freeze()


def describe(error: BaseException) -> str:
    """A one-paragraph message for the status bar, with the last frames for details."""
    text = f"{type(error).__name__}: {error}".strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first + "\n\n" + "".join(traceback.format_exception(error)[-3:])
