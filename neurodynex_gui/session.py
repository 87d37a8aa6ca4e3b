"""Versioned JSON sessions (``*.ndx.json``): every tab's state and the active tab.

Reading refuses corrupt, foreign and newer files with a clear message (SessionError) before
anything is applied: invalid JSON, numbers no float can hold, nesting deeper than any session,
parts of the wrong shape, states a tab refuses (:func:`check_states`). Older versions are
migrated one step at a time. Writes are atomic. On request the last results go beside the JSON
as ``<name>.results.npz`` (plain arrays, loaded with ``allow_pickle=False``).
"""
from __future__ import annotations

import json
import math
import os
import sys
import zipfile
import zlib
from pathlib import Path
from typing import Mapping

import numpy as np

from .atomic import write_atomically

FORMAT = "neurodynex-gui-session"
VERSION = 3
SUFFIX = ".ndx.json"
RESULTS_SUFFIX = ".results.npz"
MAX_DEPTH = 32
"""Nesting deeper than this is refused (a real session is about 6 levels deep)."""


def _v1_to_v2(doc: dict) -> dict:
    """Version 2 adds the optional results file and axis ranges in each tab's view."""
    tabs = doc.get("tabs")
    if isinstance(tabs, dict):
        tabs = {tab_id: ({**state, "view": {"ranges": {}, **state.get("view", {})}}
                         if isinstance(state, dict) and isinstance(state.get("view", {}), dict)
                         else state)
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
    target = Path(path).parent / Path(name).name
    try:
        data = np.load(target, allow_pickle=False)
        if not isinstance(data, np.lib.npyio.NpzFile):
            raise ValueError("not an NPZ archive")
        with data:
            flat = {key: data[key] for key in data.files}
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile, zlib.error) as error:
        raise SessionError(f"the results file {target.name} cannot be read "
                           f"({error or type(error).__name__})") from None
    results: dict[str, dict[str, np.ndarray]] = {}
    for key, value in flat.items():
        tab, _, rest = key.partition("/")
        results.setdefault(tab, {})[rest] = value
    return results


def load(path: str | os.PathLike) -> dict:
    """The session document at ``path``, migrated to the current version."""
    name = Path(path).name
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise SessionError(f"cannot read {path}: {error.strerror or error}") from None
    except UnicodeDecodeError:
        raise SessionError(f"{name} is not a text file") from None
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as error:
        raise SessionError(f"{name} is corrupt (invalid JSON at line "
                           f"{error.lineno}, column {error.colno})") from None
    except RecursionError:
        raise SessionError(f"{name} is corrupt (nested too deeply)") from None
    except ValueError as error:  # e.g. an integer of more than 4300 digits
        raise SessionError(f"{name} is corrupt ({error})") from None
    return parse(doc, name)


def parse(doc, name: str = "the file") -> dict:
    """A decoded session document, checked and migrated; raises SessionError."""
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise SessionError(f"{name} is not a neurodynex-gui session")
    version = doc.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise SessionError(f"{name} has no valid session version")
    if version > VERSION:
        raise SessionError(f"{name} was written by a newer neurodynex-gui (session version "
                           f"{version}; this one reads up to {VERSION}); please update")
    _check_values(doc, name)
    while version < VERSION:
        doc = MIGRATIONS[version](doc)
        version = doc["version"]
    _check_shape(doc, name)
    return doc


def check_states(doc: dict, tabs: Mapping, name: str = "the session") -> list[str]:
    """Check the state of every tab of ``tabs`` (id -> tab with ``validate_state``) that
    ``doc`` holds, applying nothing; raises SessionError naming the tab.

    Returns notes for the status bar: one if the session holds no state for some of ``tabs``
    (they keep their current settings).
    """
    for tab_id, state in doc["tabs"].items():
        if tab_id not in tabs:
            continue
        try:
            tabs[tab_id].validate_state(state)
        except ValueError as error:  # ParamError included: a refused value
            raise SessionError(f"{name}, tab {tab_id}: {error}") from None
        except (TypeError, AttributeError, KeyError, IndexError) as error:
            raise SessionError(f"{name}, tab {tab_id}: malformed state ({error})") from None
    missing = [getattr(tab, "title", tab_id) for tab_id, tab in tabs.items()
               if tab_id not in doc["tabs"]]
    return [f"this session has no state for {', '.join(missing)} (kept as "
            f"{'it was' if len(missing) == 1 else 'they were'})"] if missing else []


def _check_values(doc, name: str) -> None:
    """Refuse numbers no float can hold (NaN, infinities, 10**400) and absurd nesting."""
    pending = [(doc, 0)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_DEPTH:
            raise SessionError(f"{name} is corrupt (nested more than {MAX_DEPTH} levels deep)")
        if isinstance(value, dict):
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
        elif isinstance(value, float) and not math.isfinite(value) or (
                isinstance(value, int) and abs(value) > sys.float_info.max):
            text = repr(value) if isinstance(value, float) else f"{str(value)[:12]}..."
            raise SessionError(f"{name} is corrupt: the number {text} is out of range")


def _check_shape(doc: dict, name: str) -> None:
    """The parts every session has: tab states and the names (each tab checks its own state
    against its descriptions: :func:`check_states`)."""
    if not isinstance(doc.get("tabs"), dict) or not all(
            isinstance(state, dict) for state in doc["tabs"].values()):
        raise SessionError(f"{name} is corrupt: 'tabs' must map tab ids to objects")
    for key in ("active_tab", "results"):
        if not isinstance(doc.get(key), (str, type(None))):
            raise SessionError(f"{name} is corrupt: '{key}' must be a name")
