"""The clinical content of a leaflet: one definition, used by ``approve``, by rule LD007 and by ``diff``.

An approval must cover everything a patient reads, so an edit can never ride on an old sign-off.
The clinical content is the whole leaflet except the fields about the review itself: ``approval``
(it holds the hash, so it cannot be part of it), ``status`` (approving changes it), ``suppressions``
(they change what the checker says, not what the patient reads), ``translation_of`` (which source a
translation matches: re-pinning an unchanged translation changes nothing a patient reads; see
leaflets.translation) and ``$schema`` (an editor hint).
Version, dates, authors and sources are included: the patient reads them in the footer and in
"About this leaflet", and a new version is a new text to approve.

The hash is the SHA-256 of a canonical JSON serialisation (keys sorted, no spaces, UTF-8 text not
escaped, 2.0 written as 2), so re-indenting a file or reordering its keys keeps the approval.

A figure is something the patient reads too, and its picture is a file beside the JSON: given the
leaflet's folder, the hash also covers the SHA-256 of each figure file's bytes, so a redrawn diagram
needs a new sign-off like a reworded sentence. A leaflet without figures hashes as it always did.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

NOT_CLINICAL = frozenset({"$schema", "status", "approval", "suppressions", "translation_of"})


def clinical_content(data: dict[str, Any]) -> dict[str, Any]:
    """The fields a patient reads: every top-level field but those in NOT_CLINICAL."""
    return {key: value for key, value in data.items() if key not in NOT_CLINICAL}


def _normal(value: Any) -> Any:
    """Whole floats as ints, so ``"percent": 2.0`` and ``"percent": 2`` hash alike (they mean the same)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [_normal(item) for item in value]
    if isinstance(value, dict):
        return {key: _normal(item) for key, item in value.items()}
    return value


FIGURE_FILES = "figure files"  # not a field name the schema allows, so it cannot clash with one


def figure_names(value: Any) -> Iterator[str]:
    """The ``file`` of every figure block in ``value``, in document order."""
    if isinstance(value, dict):
        figure = value.get("figure")
        if isinstance(figure, dict) and isinstance(figure.get("file"), str):
            yield figure["file"]
        for item in value.values():
            yield from figure_names(item)
    elif isinstance(value, list):
        for item in value:
            yield from figure_names(item)


def figure_digests(data: dict[str, Any], folder: Path) -> dict[str, str]:
    """file name → SHA-256 of its bytes, for every figure of ``data`` (read as leaflets.figures reads
    them: inside the folder, size-limited); a file that cannot be read is "unreadable" (LM020 says why)."""
    from leaflets.figures import FigureError, read_limited, resolve

    digests = {}
    for name in figure_names(clinical_content(data)):
        try:
            digests[name] = hashlib.sha256(read_limited(resolve(folder, name), name)).hexdigest()
        except (FigureError, OSError):
            digests[name] = "unreadable"
    return digests


def canonical(data: dict[str, Any], folder: Path | None = None) -> bytes:
    """The clinical content as canonical JSON bytes (the input of :func:`clinical_hash`), with its
    figure files' digests when ``folder`` is given and the leaflet has figures."""
    content = _normal(clinical_content(data))
    if folder is not None and (digests := figure_digests(data, folder)):
        content[FIGURE_FILES] = digests
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=True).encode("utf-8", "surrogatepass")


def clinical_hash(data: dict[str, Any], folder: Path | None = None) -> str:
    """SHA-256 (hex) of the clinical content: what an approval is bound to. Pass the leaflet's
    ``folder`` so its figure files count (every caller that has a file does)."""
    return hashlib.sha256(canonical(data, folder)).hexdigest()
