"""The only place that knows about threads and processes: jobs, streaming, cancel.

brian2 runs in long-lived simulation processes (``worker_process.serve``) so that it never holds
the GUI's GIL; each runs one job at a time. There are two: an ordinary job goes to the first
free one, a ``long`` job (a tab's tool: seconds, not a fraction of one) only to the last one, so
that a long tool never delays another tab's run by more than one run. A dispatcher thread starts
the processes (again when one dies or failed to start), hands them jobs, forwards cancels and
turns their messages into Qt signals. Cheap numpy jobs run on a plain thread of the GUI process.
Either way a tab sees a :class:`Job` whose signals arrive on the GUI thread, the first of them
after ``submit`` has returned; a new job of the same owner cancels the previous one.
"""
from __future__ import annotations

import itertools
import multiprocessing
import socket
import threading
import time
import traceback
from multiprocessing.connection import wait

from PyQt5.QtCore import QObject, QTimer, pyqtSignal

from . import worker_process

PROCESSES = 2
RETRY_S = 1.0
"""A simulation process that failed to start is tried again at most this often."""


class Job(QObject):
    """One requested computation and what comes of it.

    ``waiting(text)`` says that the job is queued behind another: ``text`` is that job's label
    (or "the simulator to start"), also kept in ``waiting_for``. ``started`` comes when the job
    really starts (``started_at``, a ``time.perf_counter()``); then ``chunk``s and one of
    ``finished``, ``stopped`` (with a partial result or None) or ``failed`` (a message).
    """

    started = pyqtSignal()
    waiting = pyqtSignal(str)
    chunk = pyqtSignal(object)
    finished = pyqtSignal(object)
    stopped = pyqtSignal(object)   # a partial result, or None
    failed = pyqtSignal(str)

    _ids = itertools.count(1)

    def __init__(self, owner: str, path: str, kwargs: dict, label: str, long: bool):
        super().__init__()
        self.id = next(self._ids)
        self.owner, self.path, self.kwargs = owner, path, kwargs
        self.label, self.long = label, long
        self.cancelled = threading.Event()
        self.done = threading.Event()
        self.submitted_at = time.perf_counter()
        self.started_at: float | None = None
        self.waiting_for: str | None = None
        self.handled = False  # set by the GUI side once it has taken the job's end
        self._started = False
        self._end_lock = threading.Lock()

    def cancel(self) -> None:
        self.cancelled.set()

    def _start(self) -> bool:
        """Mark the job started and say so; False if it has ended already (cancelled)."""
        with self._end_lock:
            if self.done.is_set():
                return False
            self._started, self.started_at = True, time.perf_counter()
        self.waiting_for = None
        self.started.emit()
        return True

    def _wait_for(self, text: str) -> None:
        if text != self.waiting_for:
            self.waiting_for = text
            self.waiting.emit(text)

    def _end(self, signal, payload) -> None:
        """Emit ``signal(payload)`` unless the job has ended already (from any thread)."""
        with self._end_lock:
            if self.done.is_set():
                return
            self.done.set()
        signal.emit(payload)

    def _stop_if_waiting(self) -> None:
        """End a job that has not started yet with ``stopped(None)``."""
        with self._end_lock:
            if self.done.is_set() or self._started:
                return
            self.done.set()
        self.stopped.emit(None)


class _Worker:
    """One simulation process as the dispatcher thread sees it."""

    def __init__(self, index: int, takes_long: bool):
        self.name = f"neurodynex-simulator-{index + 1}"
        self.takes_long = takes_long
        self.process = self.jobs = self.events = None
        self.ready = False
        self.job: Job | None = None
        self.cancel_sent = False
        self.failed_at: float | None = None  # the last failed start, None once one succeeded

    def takes(self, job: Job) -> bool:
        return self.takes_long or not job.long

    def idle(self) -> bool:
        return self.ready and self.job is None


class Runner(QObject):
    """Runs jobs: ``in_process=False`` ones in a simulation process, others on a thread."""

    status = pyqtSignal(str)

    def __init__(self, preload: tuple[str, ...] = ("brian2",), processes: int = PROCESSES):
        super().__init__()
        self._preload = preload
        self._context = multiprocessing.get_context("spawn")
        self._workers = [_Worker(i, takes_long=i == processes - 1) for i in range(processes)]
        self._pending: list[Job] = []
        self._live: dict[str, Job] = {}  # each owner's latest job
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._end_by = 0.0  # when shutdown wants the processes gone (time.monotonic())
        self._wake_in, self._wake_out = socket.socketpair()
        self._wake_out.setblocking(False)
        self._dispatcher = threading.Thread(target=self._dispatch, name="simulation-dispatcher",
                                            daemon=True)

    def start(self) -> None:
        """Start the simulation processes (in the background: returns at once)."""
        with self._lock:
            if self._dispatcher.ident is None and not self._stop.is_set():
                self._dispatcher.start()

    def submit(self, owner: str, path: str, kwargs: dict, *, in_process: bool = False,
               long: bool = False, label: str | None = None) -> Job:
        """Queue ``path(**kwargs)``; cancels the owner's running or pending job.

        ``long``: seconds of work (a tool), kept off the process that serves the runs.
        ``label`` names the job to the others that wait for it (default: ``owner``).
        """
        self.cancel(owner)
        job = Job(owner, path, kwargs, label or owner, long)
        with self._lock:
            self._live[owner] = job
        if in_process:
            thread = threading.Thread(target=self._run_here, args=(job,), daemon=True,
                                      name=f"job-{owner}")
            # started from the event loop, after the caller has connected to the job's signals
            QTimer.singleShot(0, lambda: thread.start())  # a lambda: PyQt keeps it alive
        else:
            self.start()
            QTimer.singleShot(0, lambda: self._enqueue(job))
        return job

    def cancel(self, owner: str) -> None:
        """Stop what ``owner`` is running or waiting for."""
        with self._lock:
            job = self._live.get(owner)
            if job is None:
                return
            if job in self._pending:
                self._pending.remove(job)
        job.cancel()
        job._stop_if_waiting()
        self._wake()

    def busy(self, owner: str) -> bool:
        with self._lock:
            job = self._live.get(owner)
        return job is not None and not job.done.is_set()

    def pids(self) -> list[int]:
        """The process ids of the running simulation processes."""
        return [w.process.pid for w in self._workers if w.process is not None]

    def shutdown(self, timeout: float = 1.0) -> None:
        """Stop every job and end the processes and the dispatcher within about ``timeout``."""
        with self._lock:
            self._stop.set()
            jobs = list(self._live.values())
            self._pending.clear()
        for job in jobs:
            job.cancel()
            job._end(job.stopped, None)
        processes = [w.process for w in self._workers if w.process is not None]
        self._end_by = time.monotonic() + timeout / 2
        self._wake()
        if self._dispatcher.is_alive():
            self._dispatcher.join(timeout)
        for process in processes:  # in case the dispatcher did not finish in time
            try:
                process.kill()
            except ValueError:  # closed: the dispatcher has ended it
                pass
        self._wake_in.close()
        self._wake_out.close()

    # -- the dispatcher thread ---------------------------------------------------------------

    def _wake(self) -> None:
        try:
            self._wake_out.send(b"\0")
        except OSError:  # full (a wake-up is pending anyway) or closed
            pass

    def _enqueue(self, job: Job) -> None:
        with self._lock:
            queued = not self._stop.is_set() and not job.done.is_set()
            if queued:
                self._pending.append(job)
        if not queued:  # cancelled before it got here, or submitted after shutdown
            job.cancel()
            job._stop_if_waiting()
        self._wake()

    def _dispatch(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    self._step()
                except Exception:  # a bug here must not leave every later run waiting forever
                    traceback.print_exc()
                    time.sleep(RETRY_S)
        finally:
            self._end_processes()

    def _step(self) -> None:
        """One round: start processes, hand out jobs, forward cancels, handle what comes in."""
        for index, worker in enumerate(self._workers):
            if worker.process is None and self._wanted(index):
                self._spawn(worker)
        self._assign()
        for worker in self._workers:
            job = worker.job
            if job is not None and job.cancelled.is_set() and not worker.cancel_sent:
                worker.cancel_sent = True
                self._send(worker, ("cancel", job.id))
        sources = {self._wake_in: None}
        for worker in self._workers:
            if worker.process is not None:
                sources[worker.events] = sources[worker.process.sentinel] = worker
        for source in wait(list(sources), timeout=self._retry_in()):
            worker = sources[source]
            if worker is None:
                self._wake_in.recv(4096)
            elif source is worker.events:
                if not self._receive(worker):
                    self._lost(worker)
            elif worker.process is not None:  # its sentinel: the process has ended
                self._lost(worker)

    def _wanted(self, index: int) -> bool:
        """Whether the process of worker ``index`` should be started now."""
        worker = self._workers[index]
        with self._lock:
            needed = any(worker.takes(job) for job in self._pending)
        if worker.failed_at is not None:
            return needed and time.monotonic() - worker.failed_at >= RETRY_S
        # the first one at once; the others when the one before is up, so that they do not
        # compete for the cores while starting, or when a job needs them
        return index == 0 or self._workers[index - 1].ready or needed

    def _retry_in(self) -> float | None:
        with self._lock:
            needed = [w for w in self._workers if w.process is None and w.failed_at is not None
                      and any(w.takes(job) for job in self._pending)]
        if not needed:
            return None
        return max(0.0, min(w.failed_at for w in needed) + RETRY_S - time.monotonic())

    def _spawn(self, worker: _Worker) -> None:
        if not any(w.process is not None for w in self._workers):
            self.status.emit("starting the simulator…")
        jobs_in, worker.jobs = self._context.Pipe(duplex=False)
        worker.events, events_out = self._context.Pipe(duplex=False)
        try:
            process = self._context.Process(target=worker_process.serve, name=worker.name,
                                            daemon=True, args=(jobs_in, events_out,
                                                               self._preload))
            process.start()
        except Exception as error:
            self._close(worker)
            self._start_failed(worker, worker_process.describe(error))
            return
        finally:
            jobs_in.close()  # the process has its own copies; ours would hide its death
            events_out.close()
        worker.process = process

    def _assign(self) -> None:
        """Send pending jobs to free processes; tell the others what they wait for."""
        with self._lock:
            pending = list(self._pending)
        for job in pending:
            worker = next((w for w in self._workers if w.takes(job) and w.idle()), None)
            if worker is None:
                job._wait_for(self._blocker(job))
                continue
            with self._lock:
                if job not in self._pending:
                    continue  # cancelled meanwhile
                self._pending.remove(job)
            if job._start():
                worker.job, worker.cancel_sent = job, False
                self._send(worker, (job.id, job.path, job.kwargs), job)

    def _blocker(self, job: Job) -> str:
        """What ``job`` waits for: a process that starts, else the earliest started job."""
        workers = [w for w in self._workers if w.takes(job)]
        running = [w.job for w in workers if w.job is not None]
        if running and all(w.ready for w in workers):
            return min(running, key=lambda j: j.started_at).label
        return "the simulator to start"

    def _send(self, worker: _Worker, message, job: Job | None = None) -> bool:
        try:
            worker.jobs.send(message)
            return True
        except Exception as error:  # cannot be pickled, or the process has just died
            if job is not None:
                worker.job = None
                job._end(job.failed, worker_process.describe(error))
            return False

    def _receive(self, worker: _Worker) -> bool:
        """Handle one message of ``worker``; False at the end of its pipe."""
        try:
            kind, job_id, payload = worker.events.recv()
        except (EOFError, OSError):
            return False
        if kind == "ready":
            worker.ready, worker.failed_at = True, None
            if sum(w.ready for w in self._workers) == 1:
                self.status.emit("simulator ready")
            return True
        job = worker.job
        if job is None or job_id != job.id:
            return True
        if kind == "chunk":
            if not job.cancelled.is_set():
                job.chunk.emit(payload)
            return True
        worker.job = None
        if kind == "error":
            job._end(job.failed, payload)
        elif kind == "stopped" or job.cancelled.is_set():
            job._end(job.stopped, payload)
        else:
            job._end(job.finished, payload)
        return True

    def _lost(self, worker: _Worker) -> None:
        """The process has ended: read what it still sent, fail its job, start another."""
        try:
            while worker.job is not None and worker.events.poll() and self._receive(worker):
                pass
        except OSError:
            pass
        if worker.process.is_alive():  # its pipe broke: it cannot serve any more
            worker.process.kill()
        worker.process.join(1.0)
        code = worker.process.exitcode
        job, ready = worker.job, worker.ready
        self._close(worker)
        if not ready:
            self._start_failed(worker, f"the simulation process ended while starting "
                                       f"(exit code {code})")
            return
        self.status.emit("the simulator stopped unexpectedly; restarting it…")
        if job is not None:
            job._end(job.failed, f"the simulation process ended unexpectedly (exit code "
                                 f"{code}); it has been restarted")

    def _start_failed(self, worker: _Worker, reason: str) -> None:
        """Fail the jobs that only this process could take; try again on the next job."""
        worker.failed_at = time.monotonic()
        first, _, details = reason.partition("\n")
        self.status.emit(f"the simulator could not start: {first}")
        others = [w for w in self._workers if w is not worker and w.process is not None]
        with self._lock:
            stranded = [job for job in self._pending if not any(w.takes(job) for w in others)]
            for job in stranded:
                self._pending.remove(job)
        message = f"the simulator could not start ({first}); it will be tried again on the next run"
        for job in stranded:
            job._end(job.failed, message + ("\n" + details if details else ""))

    def _close(self, worker: _Worker) -> None:
        for connection in (worker.jobs, worker.events):
            if connection is not None:
                connection.close()
        if worker.process is not None:
            worker.process.join(0.1)
            if worker.process.exitcode is not None:
                worker.process.close()
        worker.process = worker.jobs = worker.events = worker.job = None
        worker.ready = False

    def _end_processes(self) -> None:
        """Close every process's in-pipe (it exits at once), then make sure it has."""
        for worker in self._workers:
            if worker.jobs is not None:
                worker.jobs.close()
                worker.jobs = None
        for worker in self._workers:
            process = worker.process
            if process is not None:
                process.join(max(0.0, self._end_by - time.monotonic()))
                if process.is_alive():
                    process.kill()
                    process.join(0.5)
            self._close(worker)

    # -- in-process jobs ------------------------------------------------------------------------

    def _run_here(self, job: Job) -> None:
        if not job._start():
            return  # cancelled before it started
        try:
            result = worker_process.call(job.path, job.kwargs, job.chunk.emit,
                                         job.cancelled.is_set)
        except InterruptedError:
            job._end(job.stopped, None)
        except Exception as error:  # shown to the user; the app goes on
            job._end(job.failed, worker_process.describe(error))
        else:
            job._end(job.stopped if job.cancelled.is_set() else job.finished, result)
