"""Versioned JSON sessions (``*.ndx.json``): every tab's state and the active tab.

Reading refuses corrupt, foreign and newer files with a clear message (SessionError) before
anything is applied; older versions are migrated one step at a time. Writes are atomic.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

FORMAT = "neurodynex-gui-session"
VERSION = 1
SUFFIX = ".ndx.json"

MIGRATIONS: dict[int, callable] = {}
"""version N -> function turning a version-N document into version N+1."""


class SessionError(ValueError):
    """A session file that cannot be used; the message says why."""


def document(tabs: dict[str, dict], active_tab: str | None) -> dict:
    return {"format": FORMAT, "version": VERSION, "tabs": tabs, "active_tab": active_tab}


def save(path: str | os.PathLike, tabs: dict[str, dict], active_tab: str | None) -> Path:
    """Write atomically: a temporary file in the same folder, then rename."""
    path = Path(path)
    text = json.dumps(document(tabs, active_tab), indent=2, sort_keys=True, allow_nan=False)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        tmp.write_text(text + "\n", encoding="utf-8")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


def load(path: str | os.PathLike) -> dict:
    """The session document at ``path``, migrated to the current version."""
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SessionError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SessionError(f"{Path(path).name} is not a text file") from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SessionError(f"{Path(path).name} is corrupt (invalid JSON at line "
                           f"{error.lineno}, column {error.colno})") from None
    return parse(doc, Path(path).name)


def parse(doc, name: str = "the file") -> dict:
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SessionError(f"{name} is not a neurodynex-gui session")
    version = doc.get("version")
    if not isinstance(version, int) or version < 1:
        raise SessionError(f"{name} has no valid session version")
    if version > VERSION:
        raise SessionError(f"{name} was written by a newer neurodynex-gui (session version "
                           f"{version}; this one reads up to {VERSION}); please update")
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["version"]
    if not isinstance(doc.get("tabs"), dict) or not all(
            isinstance(state, dict) for state in doc["tabs"].values()):
        raise SessionError(f"{name} is corrupt: 'tabs' must map tab ids to objects")
    return doc
