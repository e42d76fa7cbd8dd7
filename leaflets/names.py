"""The names a leaflet's outputs get: only ever from values the schema allows, never from raw content.

Outputs are named ``<id>.<language>.html`` and so on. Content is untrusted, and a draft may have any
id or language at all (``../../etc/x``, ``/``, a NUL, 5,000 characters), so a value names a file
only when it keeps the schema's own definition of ``id`` or ``language`` (asked of the schema, not
copied from it). A draft whose value does not is named from a slug of its path instead
(``content/<folder>/<stem>.json``), and :func:`inside` proves every path is inside
the output folder before anything is written all the same.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from leaflets.errors import BuildError
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


# --- output names ---------------------------------------------------------------------------------

Key = tuple[str, str]  # (id, language) a leaflet's outputs are named by; see leaflet_key

# The longest file name written, in bytes: the usual limit of 255 less write_atomic's temporary affixes.
NAME_MAX = 255 - len("..12345678.tmp")


def output_path(leaflet_id: str, language: str, kind: str) -> str:
    """``<id>.<lang>.html`` for the web page, ``<id>.<lang>.txt`` for the plain text, ``<id>.<lang>.<kind>.pdf``
    for a PDF (screen, print, booklet)."""
    suffix = ".html" if kind == "html" else ".txt" if kind == "txt" else f".{kind}.pdf"
    return f"{leaflet_id}.{language}{suffix}"


def leaflet_key(data: Any, source: str) -> Key:
    """(id, language) a leaflet's outputs are named by: from its data when the schema allows them as
    names, else a guess from its path (slugs of ``content/<folder>/<stem>.json``, as a refused file
    may not parse), the id marked with a leading "?" so that only outputs the previous manifest
    lists are removed for it. A draft is named the same way (see leaflets.workers.leaflet_model);
    either slug may be "" (see :func:`unnamed`)."""
    guess_id, guess_language = from_path(source)
    given = data if isinstance(data, dict) else {}
    leaflet_id = given.get("id") if valid_id(given.get("id")) else None
    language = given.get("language") if valid_language(given.get("language")) else None
    if leaflet_id is not None and language is not None:
        return leaflet_id, language
    return "?" + (leaflet_id or guess_id), language or guess_language


def unnamed(key: Key, source: str, doing: str = "be built, even as a draft") -> str | None:
    """Why a draft cannot be built when neither its content nor its path gives it a usable name, else None."""
    if key[0].removeprefix("?") and key[1]:
        return None
    return (f"{source}: cannot {doing}: its id or language is not usable as a file name, and neither is its "
            "path: name the file content/<id>/<language>.json (letters, digits, hyphens)")


def inside(out: Path, relative: str) -> Path:
    """``out / relative``, once resolving it (links and all) proves it lies inside ``out``; raises
    BuildError otherwise. Called before every write: output names come from validated values (see
    above), and this proves it again, so no content, link or mistake writes elsewhere."""
    shown = relative if len(relative) <= 80 else relative[:77] + "..."
    parts = PurePosixPath(relative).parts
    if (not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative
            or "\0" in relative or any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX for part in parts)):
        raise BuildError(f"refusing to write {shown!r}: not a plain file name inside {out}")
    path = out.joinpath(*parts)
    try:
        root, resolved = out.resolve(), path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links, an unreadable folder
        raise BuildError(f"refusing to write {shown!r}: cannot resolve it inside {out}: {exc}") from None
    if resolved == root or not resolved.is_relative_to(root):
        raise BuildError(f"refusing to write {shown!r}: it resolves to {resolved}, outside {out} "
                         "(a symbolic link on the way?)")
    return path
