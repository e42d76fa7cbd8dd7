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
"""

from __future__ import annotations

import hashlib
import json
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


def canonical(data: dict[str, Any]) -> bytes:
    """The clinical content as canonical JSON bytes (the input of :func:`clinical_hash`)."""
    return json.dumps(_normal(clinical_content(data)), sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=True).encode("utf-8", "surrogatepass")


def clinical_hash(data: dict[str, Any]) -> str:
    """SHA-256 (hex) of the clinical content: what an approval is bound to."""
    return hashlib.sha256(canonical(data)).hexdigest()
