"""Which content format a leaflet file is in, from its ``$schema``: the one fact both the schema check
(one LS010 finding for an old file) and ``leaflets migrate`` (what to upgrade) need.
"""

from __future__ import annotations

import re
from typing import Any

FORMAT = 2
SCHEMA_FILE = f"leaflet.v{FORMAT}.schema.json"
SCHEMA_REF = f"../../schemas/{SCHEMA_FILE}"  # content/<id>/<lang>.json, as the shipped leaflets have it
_NAMED = re.compile(r"(?:^|/)leaflet(?:\.v([0-9]+))?\.schema\.json\Z")


def format_of(data: Any) -> int | None:
    """The content format a leaflet's ``$schema`` names: 1 for ``leaflet.schema.json`` or
    ``leaflet.v1.schema.json``, N for ``leaflet.vN.schema.json``; None when it names no leaflet schema
    (absent, or another file)."""
    ref = data.get("$schema") if isinstance(data, dict) else None
    if not isinstance(ref, str):
        return None
    found = _NAMED.search(ref)
    return int(found.group(1) or 1) if found else None


def looks_v1(data: Any) -> bool:
    """A file with no ``$schema`` that still writes ``"known"`` in a frequency: a v1 file from before
    ``$schema`` was written."""
    risks = data.get("risks") if isinstance(data, dict) else None
    return isinstance(risks, list) and any(
        isinstance(r, dict) and isinstance(r.get("frequency"), dict) and "known" in r["frequency"] for r in risks)
