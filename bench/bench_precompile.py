"""`neurodynex-gui --precompile` with an empty cache: every fast-path build (issue 13).

Run: python bench/bench_precompile.py   (prints the progress lines and the wall and CPU time)
"""
from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time

from benchkit import ROOT, report

if __name__ == "__main__":
    cache = tempfile.mkdtemp(prefix="bench-precompile-")
    start = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "main.py"), "--precompile"], check=True,
                   env=dict(os.environ, NEURODYNEX_GUI_CACHE=cache))
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report("--precompile, all models, empty cache (wall)", wall, "s", "<= 90 s")
    report("  CPU time of the builds (user + system)", usage.ru_utime + usage.ru_stime, "s")
    report("  load average of the machine meanwhile (1 min)", os.getloadavg()[0], "")
