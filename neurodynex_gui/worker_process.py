"""A simulation process: imports brian2 once, then serves the jobs that ``runner`` sends.

No Qt here. The process talks to the GUI through two one-way pipes. In: ``(job_id, "package.
module:function", kwargs)`` to run a job, ``("cancel", job_id)`` to stop it. Out: ``("ready",
None, None)`` once the imports are done, then per job ``("chunk", id, data)``s and one of
``("done", id, result)``, ``("error", id, message)`` or ``("stopped", id, partial)``. Messages
are pickled between our own processes only.

The process ends when its in-pipe closes: the GUI closed it (shutdown) or the GUI died, SIGKILL
included (the operating system closes a dead process's pipes), so no simulation process ever
outlives the GUI.
"""
from __future__ import annotations

import gc
import importlib
import os
import queue
import threading
import traceback


def resolve(path: str):
    """The function named ``"module:function"``."""
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def call(path: str, kwargs: dict, on_chunk, should_stop):
    """Run one job function; raises what it raises."""
    return resolve(path)(**kwargs, on_chunk=on_chunk, should_stop=should_stop)


def serve(jobs, events, preload: tuple[str, ...] = ()) -> None:
    """Process main loop: run the jobs read from ``jobs``; report on ``events``."""
    inbox: queue.SimpleQueue = queue.SimpleQueue()
    cancelled: set[int] = set()
    threading.Thread(target=_read, args=(jobs, inbox, cancelled), name="job-reader",
                     daemon=True).start()
    for module in preload:
        importlib.import_module(module)
    gc.freeze()  # brian2 runs a full gc.collect() per run: keep the imported heap out of it
    events.send(("ready", None, None))
    while True:
        job_id, path, kwargs = inbox.get()

        def on_chunk(data, job_id=job_id):
            events.send(("chunk", job_id, data))

        def should_stop(job_id=job_id):
            return job_id in cancelled

        try:
            result = call(path, kwargs, on_chunk, should_stop)
        except InterruptedError:
            message = ("stopped", job_id, None)
        except Exception as error:  # reported to the user, the process goes on
            message = ("error", job_id, describe(error))
        else:
            message = ("stopped" if should_stop() else "done", job_id, result)
        try:
            events.send(message)
        except Exception as error:  # a result that cannot be pickled
            events.send(("error", job_id, describe(error)))
        cancelled.discard(job_id)
        gc.collect()  # the result is out: collect this job's garbage, keep the rest frozen
        gc.freeze()


def _read(jobs, inbox: queue.SimpleQueue, cancelled: set[int]) -> None:
    """Reader thread: queue jobs, note cancels; exit the process when the pipe closes."""
    try:
        while True:
            message = jobs.recv()
            if message[0] == "cancel":
                cancelled.add(message[1])
            else:
                inbox.put(message)
    except (EOFError, OSError):
        pass
    os._exit(0)  # the GUI has gone or let us go: nothing left to do, even mid-job


def describe(error: BaseException) -> str:
    """A one-paragraph message for the status bar, with the last frames for details."""
    text = f"{type(error).__name__}: {error}".strip()
    first = text.splitlines()[0] if text else type(error).__name__
    return first + "\n\n" + "".join(traceback.format_exception(error)[-3:])
