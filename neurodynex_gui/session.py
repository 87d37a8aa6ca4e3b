"""Versioned JSON sessions (``*.ndx.json``): every tab's state and the active tab.

Reading refuses corrupt, foreign and newer files with a clear message (SessionError) before
anything is applied; older versions are migrated one step at a time. Writes are atomic. On
request the last results go beside the JSON as ``<name>.results.npz`` (plain arrays, loaded
with ``allow_pickle=False``).
"""
from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from .atomic import write_atomically

FORMAT = "neurodynex-gui-session"
VERSION = 3
SUFFIX = ".ndx.json"
RESULTS_SUFFIX = ".results.npz"


def _v1_to_v2(doc: dict) -> dict:
    """Version 2 adds the optional results file and axis ranges in each tab's view."""
    tabs = doc.get("tabs")
    if isinstance(tabs, dict):
        tabs = {tab_id: ({**state, "view": {"ranges": {}, **state.get("view", {})}}
                         if isinstance(state, dict) else state)
                for tab_id, state in tabs.items()}
    return {**doc, "version": 2, "tabs": tabs, "results": None}


V2_VIEW_KEYS = ("plane", "phase", "runs", "drawn", "grid")
"""What version 2 kept beside a tab's view (phase planes, overlaid runs, drawn patterns)."""


def _v2_to_v3(doc: dict) -> dict:
    """Version 3 describes each tab's view once: what v2 kept beside it moves into it, and
    Oja's display settings, a parameter form now, move out of it."""
    tabs = doc.get("tabs")
    if isinstance(tabs, dict):
        tabs = {tab_id: (_v3_tab(state) if isinstance(state, dict) else state)
                for tab_id, state in tabs.items()}
    return {**doc, "version": 3, "tabs": tabs}


def _v3_tab(state: dict) -> dict:
    view = state.get("view", {})
    if not isinstance(view, dict):
        return state
    moved = {key: state[key] for key in V2_VIEW_KEYS if key in state}
    kept = {key: value for key, value in state.items() if key not in V2_VIEW_KEYS}
    view = {**view, **moved}
    if "display" in view:
        kept["display"] = view.pop("display")
    return {**kept, "view": view}


MIGRATIONS = {1: _v1_to_v2, 2: _v2_to_v3}
"""version N -> function turning a version-N document into version N+1."""


class SessionError(ValueError):
    """A session file that cannot be used; the message says why."""


def document(tabs: dict[str, dict], active_tab: str | None,
             results: str | None = None) -> dict:
    return {"format": FORMAT, "version": VERSION, "tabs": tabs, "active_tab": active_tab,
            "results": results}


def results_path(path: str | os.PathLike) -> Path:
    path = Path(path)
    stem = path.name[:-len(SUFFIX)] if path.name.endswith(SUFFIX) else path.stem
    return path.with_name(stem + RESULTS_SUFFIX)


def save(path: str | os.PathLike, tabs: dict[str, dict], active_tab: str | None,
         results: dict[str, dict[str, np.ndarray]] | None = None) -> Path:
    """Write atomically (temporary file, then rename); ``results`` (tab -> arrays) go to NPZ."""
    path = Path(path)
    results_name = None
    if results:
        target = results_path(path)
        flat = {f"{tab}/{key}": value for tab, arrays in results.items()
                for key, value in arrays.items()}
        write_atomically(target, lambda tmp: np.savez_compressed(tmp, **flat))
        results_name = target.name
    text = json.dumps(document(tabs, active_tab, results_name), indent=2, sort_keys=True,
                      allow_nan=False)
    write_atomically(path, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))
    return path


def load_results(path: str | os.PathLike, doc: dict) -> dict[str, dict[str, np.ndarray]]:
    """The arrays saved beside a session, by tab; {} if it saved none."""
    name = doc.get("results")
    if not name:
        return {}
    target = Path(path).with_name(Path(name).name)
    try:
        with np.load(target, allow_pickle=False) as data:
            flat = {key: data[key] for key in data.files}
    except (OSError, ValueError, zipfile.BadZipFile) as error:
        raise SessionError(f"the results file {target.name} cannot be read ({error})") from None
    results: dict[str, dict[str, np.ndarray]] = {}
    for key, value in flat.items():
        tab, _, rest = key.partition("/")
        results.setdefault(tab, {})[rest] = value
    return results


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
