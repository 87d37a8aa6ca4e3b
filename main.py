#!/usr/bin/env python3
"""Start neurodynex-gui: double-click this file or run ``python main.py`` (``--help``).

If this Python lacks the dependencies but the README's set-up made ``.venv`` beside this file,
the application restarts itself with that environment's Python.
"""
import importlib.util
import os
import sys
from pathlib import Path


def _python_of_local_venv():
    venv = Path(__file__).resolve().parent / ".venv"
    if Path(sys.prefix).resolve() == venv.resolve():
        return None  # already running in it
    for candidate in (venv / "bin" / "python", venv / "Scripts" / "python.exe"):
        if candidate.exists():
            return candidate
    return None


if __name__ == "__main__":
    missing = [name for name in ("PyQt5", "pyqtgraph", "scipy")
               if importlib.util.find_spec(name) is None]
    if missing:
        venv_python = _python_of_local_venv()
        if venv_python is not None:
            os.execv(str(venv_python), [str(venv_python), __file__, *sys.argv[1:]])
        sys.exit(f"neurodynex-gui: {', '.join(missing)} not installed; set up first with\n"
                 "  python3 -m venv .venv && .venv/bin/pip install -e .")
    from neurodynex_gui.app import main

    sys.exit(main())
