"""Where compiled builds live and the processes that build them, for the fast path and the
models' own compiled programs: the user's cache folder, the compiler check and the switch, the
builder process (``fast_path_build``, started here), its log, and the marker that tells every
process (this one's, the GUI's, another app instance's) that a build is under way."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

STALE_MARKER_S = 120.0
"""Where a builder's liveness cannot be probed (Windows), its marker counts this long."""


def cache_dir() -> Path:
    """The user's cache folder of this app (``NEURODYNEX_GUI_CACHE`` overrides it)."""
    if os.environ.get("NEURODYNEX_GUI_CACHE"):
        return Path(os.environ["NEURODYNEX_GUI_CACHE"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "neurodynex-gui"


def missing_compiler() -> str:
    """Why no C++ program can be built here ("" if a compiler is found)."""
    compiler = os.environ.get("CXX") or sysconfig.get_config_var("CXX") or "c++"
    program = compiler.split()[0]
    if shutil.which(program) is None:
        return (f"no C++ compiler ({program} not found): simulations run on brian2's numpy "
                "target, about 10-100 times slower; install a C++ compiler (g++ or clang, "
                "or Visual Studio's build tools on Windows) for the fast path")
    return ""


def switched_off() -> str:
    """Why the fast path is not used ("" unless ``NEURODYNEX_GUI_FAST_PATH=off``)."""
    if os.environ.get("NEURODYNEX_GUI_FAST_PATH", "on").lower() in ("0", "off", "no"):
        return "the compiled fast path is switched off (NEURODYNEX_GUI_FAST_PATH=off)"
    return ""


def building_marker(folder: Path) -> Path:
    """The file that says which process builds ``folder`` (its process id) while it does."""
    return folder.with_name(folder.name + ".building")


def build_under_way(folder: Path) -> bool:
    """Whether a live process (a child of this one, of the GUI, of another app instance) is
    building ``folder``: its marker names it."""
    marker = building_marker(folder)
    try:
        pid = int(marker.read_text(encoding="ascii"))
        age = time.time() - marker.stat().st_mtime
    except (OSError, ValueError):
        return False
    if (folder / "manifest.json").exists():
        return False
    if os.name != "posix":  # no harmless liveness probe: trust a marker for a build's time
        return age < STALE_MARKER_S
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def spawn_program(spec, folder: Path, quiet: bool) -> subprocess.Popen:
    """A child process that builds a compiled program of its own (``plasticity_standalone``'s
    kind): ``spec``, a dataclass of the module that builds it (its ``Spec`` and
    ``_build_here``), into ``folder``; the log beside it."""
    return spawn_builder([{"program": type(spec).__module__,
                           "spec": dataclasses.asdict(spec), "folder": str(folder)}],
                         log_path(folder), quiet)


def spawn_builder(jobs: list[dict], log: Path, quiet: bool) -> subprocess.Popen:
    """``fast_path_build``'s process for ``jobs`` (each with its "folder"), writing to
    ``log``; a marker beside each folder names it while it builds (see ``build_under_way``)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    root = str(Path(__file__).resolve().parents[2])
    path = os.pathsep.join([root] + ([os.environ["PYTHONPATH"]]
                                     if os.environ.get("PYTHONPATH") else []))
    with open(log, "w", encoding="utf-8") as out:
        builder = f"{__package__}.fast_path_build"
        process = subprocess.Popen([sys.executable, "-m", builder,
                                    json.dumps({"nice": quiet, "jobs": jobs})], cwd=root,
                                   env=dict(os.environ, PYTHONPATH=path),
                                   stdin=subprocess.DEVNULL, stdout=out,
                                   stderr=subprocess.STDOUT)
    for job in jobs:  # the builder removes each when its job is over
        folder = Path(job["folder"])
        folder.parent.mkdir(parents=True, exist_ok=True)
        building_marker(folder).write_text(str(process.pid), encoding="ascii")
    return process


def log_path(folder: Path) -> Path:
    """The log of the build of ``folder``, beside it."""
    return folder.with_name(folder.name + ".log")


def last_logged(log: Path) -> str:
    """The last line a build wrote to ``log`` (at most 200 characters; "no output")."""
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        lines = []
    return next((line.strip() for line in reversed(lines) if line.strip()), "no output")[:200]
