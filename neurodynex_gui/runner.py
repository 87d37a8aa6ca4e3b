"""The only place that knows about threads and processes: jobs, streaming, cancel.

brian2 runs in one long-lived worker process (``worker_process.serve``) so that it never holds
the GUI's GIL; a dispatcher thread feeds it jobs and turns its messages into Qt signals. Cheap
numpy jobs run on a plain thread of the GUI process. Either way a tab sees a :class:`Job` whose
signals arrive on the GUI thread; a new job of the same owner cancels the previous one.
"""
from __future__ import annotations

import itertools
import multiprocessing
import queue
import threading
import time

from PyQt5.QtCore import QObject, QTimer, pyqtSignal

from . import worker_process


class Job(QObject):
    """One requested computation and what comes of it."""

    started = pyqtSignal()
    chunk = pyqtSignal(object)
    finished = pyqtSignal(object)
    stopped = pyqtSignal(object)   # a partial result, or None
    failed = pyqtSignal(str)

    _ids = itertools.count(1)

    def __init__(self, owner: str, path: str, kwargs: dict):
        super().__init__()
        self.id = next(self._ids)
        self.owner, self.path, self.kwargs = owner, path, kwargs
        self.cancelled = threading.Event()
        self.done = threading.Event()
        self.submitted_at = time.perf_counter()

    def cancel(self) -> None:
        self.cancelled.set()

    def _end(self, signal, payload) -> None:
        if not self.done.is_set():
            self.done.set()
            signal.emit(payload)


class Runner(QObject):
    """Runs jobs: ``in_process=False`` ones in the simulation process, others on a thread."""

    status = pyqtSignal(str)

    def __init__(self, preload: tuple[str, ...] = ("brian2",)):
        super().__init__()
        self._preload = preload
        self._context = multiprocessing.get_context("spawn")
        self._pending: list[Job] = []
        self._current: Job | None = None
        self._threads: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._process = None
        self._jobs = self._events = self._cancel = None
        self._dispatcher = threading.Thread(target=self._dispatch, name="simulation-dispatcher",
                                            daemon=True)

    def start(self) -> None:
        """Start the simulation process (in the background: returns at once)."""
        with self._lock:
            if self._dispatcher.ident is None:
                self._dispatcher.start()

    def submit(self, owner: str, path: str, kwargs: dict, *, in_process: bool = False) -> Job:
        """Queue ``path(**kwargs)``; cancels the owner's running or pending job."""
        self.cancel(owner)
        job = Job(owner, path, kwargs)
        if in_process:
            self._threads[owner] = job
            thread = threading.Thread(target=self._run_here, args=(job,), daemon=True,
                                      name=f"job-{owner}")
            # started from the event loop, after the caller has connected to the job's signals
            QTimer.singleShot(0, lambda: thread.start())  # a lambda: PyQt keeps it alive
            return job
        self.start()
        with self._lock:
            self._pending.append(job)
        self._wake()
        return job

    def cancel(self, owner: str) -> None:
        """Stop what ``owner`` is running or waiting for."""
        with self._lock:
            for job in [j for j in self._pending if j.owner == owner]:
                self._pending.remove(job)
                job.cancel()
                job._end(job.stopped, None)
            current = self._current
        if current is not None and current.owner == owner:
            current.cancel()
            self._wake()
        thread_job = self._threads.pop(owner, None)
        if thread_job is not None:
            thread_job.cancel()

    def busy(self, owner: str) -> bool:
        with self._lock:
            jobs = self._pending + ([self._current] if self._current else [])
        jobs += [j for j in self._threads.values() if not j.done.is_set()]
        return any(j.owner == owner and not j.done.is_set() for j in jobs)

    def shutdown(self, timeout: float = 1.0) -> None:
        """Cancel everything and end the process and the dispatcher within ``timeout``."""
        for owner in {j.owner for j in self._pending} | set(self._threads):
            self.cancel(owner)
        if self._current is not None:
            self._current.cancel()
        self._stop.set()
        self._wake()
        if self._dispatcher.is_alive():
            self._dispatcher.join(timeout)
        self._end_process(timeout / 2)

    # -- the dispatcher thread ---------------------------------------------------------------

    def _wake(self) -> None:
        try:
            self._events.put(("wake", None, None))
        except (AttributeError, ValueError, OSError):  # not started yet, or shut down
            pass

    def _spawn(self) -> None:
        self.status.emit("starting the simulator…")
        self._jobs, self._events = self._context.Queue(), self._context.Queue()
        self._cancel = self._context.Event()
        self._process = self._context.Process(
            target=worker_process.serve, name="neurodynex-simulator", daemon=True,
            args=(self._jobs, self._events, self._cancel, self._preload))
        self._process.start()

    def _end_process(self, timeout: float) -> None:
        process = self._process
        if process is None:
            return
        if self._cancel is not None:
            self._cancel.set()
        if process.is_alive():
            self._jobs.put(None)
            process.join(timeout)
        if process.is_alive():
            process.terminate()
            process.join(timeout)
        for q in (self._jobs, self._events):
            q.cancel_join_thread()
            q.close()
        self._process = None

    def _dispatch(self) -> None:
        self._spawn()
        while not self._stop.is_set():
            if self._current is None:
                self._send_next()
            try:
                kind, job_id, payload = self._events.get(timeout=0.25)
            except queue.Empty:
                kind = job_id = payload = None
            except (OSError, ValueError, EOFError):
                return  # the queues were closed: the interpreter is exiting
            self._handle(kind, job_id, payload)
            current = self._current
            if current is not None and current.cancelled.is_set():
                self._cancel.set()
            process = self._process
            if not self._stop.is_set() and process is not None and not process.is_alive():
                self._process_died()

    def _send_next(self) -> None:
        with self._lock:
            if not self._pending:
                return
            job = self._current = self._pending.pop(0)
        self._cancel.clear()
        self._jobs.put((job.id, job.path, job.kwargs))
        job.started.emit()

    def _handle(self, kind, job_id, payload) -> None:
        if kind == "starting":
            return
        if kind == "ready":
            self.status.emit("simulator ready")
            return
        job = self._current
        if job is None or job_id != job.id:
            return
        if kind == "chunk":
            if not job.cancelled.is_set():
                job.chunk.emit(payload)
            return
        if kind in ("done", "stopped", "error"):
            with self._lock:
                self._current = None
            self._cancel.clear()
            if kind == "error":
                job._end(job.failed, payload)
            elif kind == "stopped" or job.cancelled.is_set():
                job._end(job.stopped, payload)
            else:
                job._end(job.finished, payload)

    def _process_died(self) -> None:
        code = self._process.exitcode
        job = self._current
        with self._lock:
            self._current = None
        self._end_process(0.1)
        if job is not None:
            job._end(job.failed, f"the simulation process ended unexpectedly (exit code {code});"
                     " it has been restarted")
        self._spawn()

    # -- in-process jobs ------------------------------------------------------------------------

    def _run_here(self, job: Job) -> None:
        job.started.emit()
        try:
            result = worker_process.call(job.path, job.kwargs, job.chunk.emit,
                                         job.cancelled.is_set)
        except InterruptedError:
            job._end(job.stopped, None)
        except Exception as error:  # shown to the user; the app goes on
            job._end(job.failed, worker_process.describe(error))
        else:
            job._end(job.stopped if job.cancelled.is_set() else job.finished, result)
        finally:
            if self._threads.get(job.owner) is job:
                del self._threads[job.owner]
