"""Files read ahead of time into JSON copies by scripts/compile_data.py (the rules' word lists, the
interface catalogues), so a process that checks a leaflet does not parse them at its start.

A copy stores, for each file, its SHA-256 and what reading it gave; the reading is used only while the
file's hash is still that one, so an edited file is read again as before, never served stale.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def entries(path: Path, table: str) -> dict[str, Any]:
    """The ``table`` of the copy at ``path`` ({name: {"sha256": ..., "data": ...}}), or {} when the copy is
    missing or cannot be read (every file is then read the slow way)."""
    try:
        copy = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    found = copy.get(table) if isinstance(copy, dict) else None
    return found if isinstance(found, dict) else {}


def reading(entry: Any, content: bytes) -> tuple[bool, Any]:
    """(True, what was read) when ``entry`` (one of ``entries``) was made from these very bytes, else
    (False, None)."""
    if isinstance(entry, dict) and entry.get("sha256") == hashlib.sha256(content).hexdigest():
        return True, entry.get("data")
    return False, None
