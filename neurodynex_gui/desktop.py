"""``--install-desktop``: a freedesktop menu entry, a desktop shortcut and icons for this user."""
from __future__ import annotations

import os
import shlex
import shutil
import sys
from pathlib import Path

from . import resources

APP_ID = "neurodynex-gui"


def launcher_command() -> list[str]:
    """How to start the app: the installed GUI launcher, else this Python with main.py."""
    beside_python = Path(sys.executable).with_name(APP_ID)
    found = beside_python if beside_python.exists() else shutil.which(APP_ID)
    if found:
        return [str(Path(found).resolve())]
    return [str(Path(sys.executable).absolute()),  # not resolved: keep the venv
            str(Path(__file__).resolve().parents[1] / "main.py")]


def desktop_entry(command: list[str]) -> str:
    exec_line = " ".join(_quote(part) for part in command)
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.0",
        "Name=neurodynex-gui",
        "GenericName=Neuronal Dynamics explorer",
        "Comment=The models of the book Neuronal Dynamics, live",
        f"Exec={exec_line}",
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;Science;Biology;",
        "Keywords=neuron;neuroscience;brian2;Hodgkin-Huxley;Hopfield;",
        "StartupNotify=true",
        "",
    ])


def install(home: Path | None = None, command: list[str] | None = None) -> list[Path]:
    """Write the entry, the shortcut (if a Desktop folder exists) and icons; returns the paths."""
    if home is None:
        home = Path.home()
        data = Path(os.environ.get("XDG_DATA_HOME") or home / ".local" / "share")
    else:
        data = Path(home) / ".local" / "share"
    entry = desktop_entry(command or launcher_command())
    written = []
    for size in resources.ICON_SIZES:
        target = data / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        written.append(_copy(resources.icon_png(size), target))
    written.append(_copy(resources.ICON_SVG,
                         data / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"))
    menu_entry = data / "applications" / f"{APP_ID}.desktop"
    written.append(_write(menu_entry, entry))
    desktop_folder = home / "Desktop"
    if desktop_folder.is_dir():
        written.append(_write(desktop_folder / f"{APP_ID}.desktop", entry, executable=True))
    return written


def _quote(part: str) -> str:
    """Quote an Exec argument as the Desktop Entry Specification asks."""
    if not any(c in part for c in ' \t\n"\'\\><~|&;$*?#()`'):
        return part
    escaped = part.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace(
        "$", "\\$")
    return f'"{escaped}"'


def parse_exec(entry_text: str) -> list[str]:
    """The command of an entry's Exec line (for tests and diagnostics)."""
    line = next(l for l in entry_text.splitlines() if l.startswith("Exec="))
    return shlex.split(line[len("Exec="):])


def _copy(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def _write(target: Path, text: str, executable: bool = False) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    if executable:
        target.chmod(0o755)
    return target
