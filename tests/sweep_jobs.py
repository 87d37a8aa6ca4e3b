"""Point functions for the sweep tests, imported by the worker processes (from tests/)."""
import os
import time
from pathlib import Path


def product(x: float, y: float, delay: float = 0.0) -> dict:
    time.sleep(delay)
    return {"xy": x * y, "pid": os.getpid()}


def dies_once(x: float, marker: str) -> dict:
    """The worker computing x = 2 dies the first time (its marker file did not exist)."""
    flag = Path(marker) / f"died-{x:g}"
    if x == 2 and not flag.exists():
        flag.write_text("x")
        os._exit(3)
    time.sleep(0.2)
    return {"square": x * x}


def brian2_rate(rate: float) -> dict:
    """Imports brian2 (which installs a signal handler) where the point runs."""
    import brian2

    return {"rate": float(rate * brian2.Hz / brian2.Hz)}
