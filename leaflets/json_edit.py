"""Editing a leaflet's JSON file in place: find a member's value by its pointer and replace it, keeping
the writer's own layout (indentation, key order, line breaks) everywhere else; then write the file
atomically with its permissions kept. Used by ``leaflets approve`` and ``leaflets translate-pin``.
"""

from __future__ import annotations

import json
from pathlib import Path

from leaflets import content
from leaflets.outputs import write_atomic


def key_offset(doc: content.Document, pointer: str) -> int:
    """Character offset of the key at ``pointer`` (its opening quote)."""
    line, column = doc.scan.positions[pointer]
    starts = [0] + [m.end() for m in content.LINE_BREAK.finditer(doc.text)]
    return starts[line - 1] + column - 1


def value_span(text: str, key_offset: int) -> tuple[int, int]:
    """Start and end offsets of the value of the member whose key starts at ``key_offset``."""
    decoder = json.JSONDecoder()
    _key, after_key = decoder.raw_decode(text, key_offset)
    colon = text.index(":", after_key)
    start = colon + 1
    while text[start] in " \t\r\n":
        start += 1
    _value, end = decoder.raw_decode(text, start)
    return start, end


def replace_text(path: Path, text: str) -> None:
    """Write ``text`` over ``path`` atomically, keeping the file's permissions."""
    write_atomic(path, text.encode("utf-8"), mode=path.stat().st_mode & 0o7777)
