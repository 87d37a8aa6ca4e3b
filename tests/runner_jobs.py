"""Job functions for the runner tests, imported by the simulation processes (from tests/)."""
import os
import time


def stream(*, chunks: int = 1000, every_s: float = 0.01, on_chunk=None, should_stop=None):
    """Send ``chunks`` chunks ``{"pid", "index"}``, one per ``every_s``; returns how many."""
    for index in range(chunks):
        if should_stop():
            return index
        on_chunk({"pid": os.getpid(), "index": index})
        time.sleep(every_s)
    return chunks


def square(*, x: float, on_chunk=None, should_stop=None) -> float:
    return x * x


def start_compile(*, warm_up: str, stamp: str, on_chunk=None, should_stop=None) -> None:
    """Start a background compile the way ``cython_ready`` does, send its pid, wait."""
    from neurodynex_gui.models import brian_support

    on_chunk(brian_support._start_compile(warm_up, stamp).pid)
    while not should_stop():
        time.sleep(0.01)


def sleep_then_stamp(delay_s: float = 60.0) -> None:
    """A stand-in for a long compile: a warm-up that takes ``delay_s``."""
    time.sleep(delay_s)


def no_work() -> None:
    """A stand-in for a compile that has nothing to do."""


def precompile_three(*, on_chunk=None, should_stop=None) -> dict:
    """Reports as ``models.precompile.precompile`` does: three builds, one of them failed."""
    for done in (1, 2, 3):
        on_chunk({"done": done, "total": 3, "built": f"model {done}", "seconds": 0.1 * done})
    return {"built": 2, "cached": 1, "failed": ["model 3: no room"], "seconds": 0.4}
