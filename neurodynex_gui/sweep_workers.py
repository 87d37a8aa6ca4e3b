"""A local pool of sweep worker processes that talk JSON lines over pipes.

Unlike multiprocessing's pools it works from a daemonic process (the GUI's simulation process
is one), a dead worker costs only the point it held (its future fails with
:class:`WorkerDied`, and a fresh worker takes its place), and nothing is pickled. Each worker
is ``python -m neurodynex_gui.sweep_workers``: it reads ``{"id", "path", "kwargs"}`` lines,
answers ``{"id", "values"}`` or ``{"id", "error"}``, and exits when its stdin closes (when the
pool, or the process that owns it, ends).
"""
from __future__ import annotations

import collections
import concurrent.futures as cf
import json
import os
import subprocess
import sys
import threading
from pathlib import Path


class WorkerDied(Exception):
    """The worker process running a point ended before answering."""


class _Worker:
    def __init__(self, pool: "LocalPool", number: int):
        root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            [root, *sys.path[1:]] + ([os.environ["PYTHONPATH"]]
                                     if os.environ.get("PYTHONPATH") else [])))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "neurodynex_gui.sweep_workers"], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True, bufsize=1)
        self.pool = pool
        self.future: cf.Future | None = None
        self.reader = threading.Thread(target=self._read, name=f"sweep-worker-{number}",
                                       daemon=True)
        self.reader.start()

    def start(self, future: cf.Future, path: str, kwargs: dict) -> None:
        self.future = future
        try:
            self.process.stdin.write(json.dumps({"id": 0, "path": path, "kwargs": kwargs})
                                     + "\n")
            self.process.stdin.flush()
        except OSError:
            pass  # the reader sees the end and fails the future

    def _read(self) -> None:
        for line in self.process.stdout:
            try:
                answer = json.loads(line)
            except ValueError:
                continue
            future, self.future = self.future, None
            if future is not None:
                if "error" in answer:
                    future.set_exception(RuntimeError(answer["error"]))
                else:
                    future.set_result(answer["values"])
            self.pool._idle(self)
        self.process.wait()
        future, self.future = self.future, None
        if future is not None and not future.done():
            future.set_exception(WorkerDied(f"worker process {self.process.pid} ended "
                                            f"(exit code {self.process.returncode})"))
        self.pool._died(self)

    def stop(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        if self.process.poll() is None:
            self.process.kill()


class LocalPool:
    """``submit(path, kwargs)`` -> a concurrent.futures.Future of the point's values."""

    def __init__(self, workers: int = 2):
        self.size = max(1, int(workers))
        self.lock = threading.Lock()
        self.queue: collections.deque = collections.deque()
        self.idle: list[_Worker] = []
        self.workers: list[_Worker] = []
        self.closed = False
        self.started = 0

    def submit(self, path: str, kwargs: dict) -> cf.Future:
        future: cf.Future = cf.Future()
        with self.lock:
            self.queue.append((future, path, kwargs))
            if not self.idle and len(self.workers) < self.size:
                self._spawn()
        self._dispatch()
        return future

    def _spawn(self) -> None:
        self.started += 1
        worker = _Worker(self, self.started)
        self.workers.append(worker)
        self.idle.append(worker)

    def _dispatch(self) -> None:
        while True:
            with self.lock:
                if self.closed or not self.idle or not self.queue:
                    return
                future, path, kwargs = self.queue.popleft()
                if not future.set_running_or_notify_cancel():
                    continue  # cancelled while it waited
                worker = self.idle.pop()
            worker.start(future, path, kwargs)

    def _idle(self, worker: _Worker) -> None:
        with self.lock:
            self.idle.append(worker)
        self._dispatch()

    def _died(self, worker: _Worker) -> None:
        with self.lock:
            if worker in self.workers:
                self.workers.remove(worker)
            if worker in self.idle:
                self.idle.remove(worker)
            if not self.closed and self.queue and len(self.workers) < self.size:
                self._spawn()
        self._dispatch()

    def shutdown(self) -> None:
        """Cancel the points still queued and end every worker (a running point is lost)."""
        with self.lock:
            self.closed = True
            for future, _, _ in self.queue:
                future.cancel()
            self.queue.clear()
            workers = list(self.workers)
        for worker in workers:
            worker.stop()


def serve() -> None:
    """The worker's loop (``python -m neurodynex_gui.sweep_workers``)."""
    from neurodynex_gui.sweep_point import call_point

    out = sys.stdout
    sys.stdout = sys.stderr  # whatever a model prints must not break the protocol
    for line in sys.stdin:
        request = json.loads(line)
        try:
            answer = {"id": request["id"],
                      "values": call_point(request["path"], request["kwargs"])}
        except Exception as error:  # noqa: BLE001  (reported to the sweep)
            answer = {"id": request["id"], "error": f"{type(error).__name__}: {error}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    serve()
