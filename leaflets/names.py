"""The names a leaflet's outputs get: only ever from values the schema allows, never from raw content.

Outputs are named ``<id>.<language>.html`` and so on. Content is untrusted, and a draft may have any
id or language at all (``../../etc/x``, ``/``, a NUL, 5,000 characters), so a value names a file
only when it keeps the schema's own definition of ``id`` or ``language`` (asked of the schema, not
copied from it). A draft whose value does not is named from a slug of its path instead
(``content/<folder>/<stem>.json``), and :func:`leaflets.build.inside` proves every path is inside
the output folder before anything is written all the same.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePath
from typing import Any

from leaflets.schema import load_schema, value_problem

ID = "properties/id"
LANGUAGE = "properties/language"


def valid_id(value: Any) -> bool:
    return isinstance(value, str) and value_problem(ID, value) is None


def valid_language(value: Any) -> bool:
    return isinstance(value, str) and value_problem(LANGUAGE, value) is None


def slug_limit() -> int:
    """The longest slug: the longest id the schema allows, so a slug is never a longer name than an id."""
    return int(load_schema("leaflet")["properties"]["id"]["maxLength"])


def slug(text: str, limit: int | None = None) -> str:
    """``text`` as lower-case ASCII letters and digits joined by single hyphens, at most ``limit``
    characters (accents dropped, every other run of characters one hyphen); "" when nothing is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    joined = "-".join(re.findall(r"[a-z0-9]+", ascii_text))
    return joined[:limit or slug_limit()].strip("-")


def from_path(source: str) -> tuple[str, str]:
    """(id, language) slugs of a content file's folder and stem: ``content/Knee Op/EN.json`` →
    ``("knee-op", "en")``. Either may be "" when the path gives nothing usable."""
    path = PurePath(source)
    return slug(path.parent.name), slug(path.stem)
