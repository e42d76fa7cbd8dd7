"""Translations pinned to their source: ``translation_of`` and what LT001-LT003 compare.

A translation (say ``content/spinal-fusion/cy.json``) records in ``translation_of`` the language of
the leaflet it was translated from, that leaflet's version and clinical-content hash
(leaflets.clinical), and a short hash of each of its top-level sections. The source is always the
sibling file ``<language>.json`` of the same leaflet folder, never a path the file names: a
translation can only be checked against its own leaflet, and validate never opens a file outside it.

Only the current source is on disk, not the one translated from, so the per-section hashes are what
let validate say *which* sections changed since (LT002); the whole hash says *whether* anything did.
Structural drift (LT003) compares what must not differ between languages: the number of risks and of
alternatives and outcomes, each risk's and outcome's figure, band, ``per`` and the numbers of its time span,
each risk's serious flag and group, and every number written in the text, digit for digit.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from leaflets.clinical import _normal, clinical_content, clinical_hash

SECTION_HASH_LENGTH = 16  # hex digits: enough to tell a changed section; the full hash binds the whole
NUMBER = re.compile(r"[0-9]+(?:[.,][0-9]+)*")
NOT_TEXT = frozenset({"band", "kind", "known", "rate", "no_treatment", "phone", "email", "web", "url", "accessed",
                      "per", "group", "serious"})


def source_path(translation: Path, language: str) -> Path:
    """The source of a translation: the sibling ``<language>.json`` in the leaflet's folder."""
    return translation.with_name(f"{language}.json")


def section_hashes(data: dict[str, Any]) -> dict[str, str]:
    """A short SHA-256 of each top-level field of the clinical content but ``language``."""
    out = {}
    for key, value in sorted(clinical_content(data).items()):
        if key in ("language", "translation_of"):
            continue
        canonical = json.dumps(_normal(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        out[key] = hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:SECTION_HASH_LENGTH]
    return out


def pin(source: dict[str, Any], folder: Path | None = None) -> dict[str, Any]:
    """The ``translation_of`` record of a translation made from ``source`` as it is now (its figure files
    in ``folder`` included: leaflets.clinical)."""
    return {"language": source["language"], "version": source["version"],
            "content_sha256": clinical_hash(source, folder),
            "sections": section_hashes(source)}


def changed_sections(recorded: Any, source: dict[str, Any]) -> list[str]:
    """The top-level sections whose hash differs from the one recorded (added and removed ones too)."""
    if not isinstance(recorded, dict):
        return []
    now = section_hashes(source)
    return sorted(key for key in set(recorded) | set(now) if recorded.get(key) != now.get(key))


# --- structural drift ----------------------------------------------------------------------------

def drift(translation: dict[str, Any], source: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """(pointer, message) for each way the translation's structure differs from its source's."""
    yield from _count_drift(translation, source, "risks")
    yield from _count_drift(translation, source, "alternatives")
    yield from _count_drift(translation, source, "outcomes")
    yield from _frequency_drift(translation, source)
    yield from _frequency_drift(translation, source, "outcomes")
    yield from _risk_flag_drift(translation, source)
    yield from _number_drift(translation, source)


def _count_drift(translation: dict[str, Any], source: dict[str, Any], key: str) -> Iterator[tuple[str, str]]:
    mine, theirs = translation.get(key), source.get(key)
    if isinstance(mine, list) and isinstance(theirs, list) and len(mine) != len(theirs):
        yield f"/{key}", f"{len(mine)} {key} here but {len(theirs)} in the source: translate every one, add none"


def _frequency_drift(translation: dict[str, Any], source: dict[str, Any],
                     key: str = "risks") -> Iterator[tuple[str, str]]:
    """Each risk's (or outcome's) figure, band, ``per`` and time span against the source's."""
    mine, theirs = translation.get(key), source.get(key)
    if not isinstance(mine, list) or not isinstance(theirs, list):
        return
    what = key.removesuffix("s")
    for index, (item, original) in enumerate(zip(mine, theirs, strict=False)):
        figure, expected = _figure(item), _figure(original)
        if figure != expected:
            yield (f"/{key}/{index}/frequency", f"{what} {index + 1}'s frequency is {_words(figure)} but the source's "
                   f"is {_words(expected)}: figures, bands, what they count (per) and their time span (within) must "
                   "be the source's exactly")


def _risk_flag_drift(translation: dict[str, Any], source: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """A risk serious in one language must be serious in every one, and in the same group."""
    mine, theirs = translation.get("risks"), source.get("risks")
    if not isinstance(mine, list) or not isinstance(theirs, list):
        return
    for index, (risk, original) in enumerate(zip(mine, theirs, strict=False)):
        if not isinstance(risk, dict) or not isinstance(original, dict):
            continue
        if (risk.get("serious") is True) != (original.get("serious") is True):
            yield (f"/risks/{index}", f"risk {index + 1} is {'' if risk.get('serious') is True else 'not '}marked "
                   f"serious here but {'is' if original.get('serious') is True else 'is not'} in the source: the "
                   "serious flag must be the source's")
        if risk.get("group") != original.get("group"):
            yield (f"/risks/{index}", f"risk {index + 1}'s group is {json.dumps(risk.get('group'))} here but "
                   f"{json.dumps(original.get('group'))} in the source: the group must be the source's")


def _figure(item: Any) -> dict[str, Any]:
    """A frequency without its words: the note is translated, and so is the time span (``within``), of which
    only whether there is one and its numbers must match; rate, band and per are not translated, and a
    citation's source number stays (its quote is the source's own words)."""
    frequency = item.get("frequency") if isinstance(item, dict) else None
    if not isinstance(frequency, dict):
        return {}
    figure = {key: value for key, value in frequency.items() if key not in ("note", "within", "cite")}
    if figure.get("per") == "people":
        del figure["per"]  # the default, written or not
    if figure.get("icons") is True:
        del figure["icons"]  # the default too: an icon array where the rate gets one (leaflets.render.icons)
    if "within" in frequency:
        figure["within"] = "numbers " + " ".join(NUMBER.findall(str(frequency["within"])))
    if isinstance(frequency.get("cite"), dict):
        figure["cite"] = frequency["cite"].get("source")
    return _normal(figure)


def _words(figure: dict[str, Any]) -> str:
    return json.dumps(figure, sort_keys=True, ensure_ascii=False) if figure else "a note only"


def _number_drift(translation: dict[str, Any], source: dict[str, Any]) -> Iterator[tuple[str, str]]:
    from leaflets.rules.context import SECTIONS

    for key in SECTIONS:
        mine, theirs = Counter(_numbers(translation.get(key))), Counter(_numbers(source.get(key)))
        missing, extra = sorted((theirs - mine).elements()), sorted((mine - theirs).elements())
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + ([f"not in the source "
                                                                               f"{', '.join(extra)}"] if extra else [])
            yield f"/{key}", (f"the numbers in {key} differ from the source's ({'; '.join(parts)}): write every "
                              "number exactly as the source does")


def _numbers(value: Any) -> list[str]:
    """Every number written in the prose of ``value`` (not in codes, rates or addresses), in no set order:
    its strings searched at once, joined by NUL (no number spans it). This runs for every section of
    every translation validate checks (LT003)."""
    from leaflets.walk import texts

    return NUMBER.findall("\x00".join(texts(value, NOT_TEXT)))


# --- leaflets translate-pin ----------------------------------------------------------------------

def pin_file(path: str, language: str | None) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Record in the translation at ``path`` the source it now matches: the record, and no drift.
    A translation whose figures or structure differ from the source's (LT003) is not pinned: the
    record and the differences come back, and nothing is written.

    The source is ``language`` (default: the one already recorded, else "en"). Bad input is a
    UsageError naming the file. Only ``translation_of`` changes: the file is edited in place (as
    ``leaflets approve`` does) and replaced atomically."""
    from leaflets import content
    from leaflets.errors import UsageError

    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    doc = content.load(file)
    if not doc.usable:
        raise UsageError(f"{path}: not a readable leaflet ({'; '.join(f.message for f in doc.findings) or 'not JSON'})")
    recorded = doc.data.get("translation_of")
    language = language or (recorded.get("language") if isinstance(recorded, dict) else None) or "en"
    if language == doc.data.get("language") or file.name == f"{language}.json":
        raise UsageError(f"{path}: a leaflet cannot be a translation of itself: give --from the source's language")
    source_file = source_path(file, language)
    source = content.load(source_file) if source_file.is_file() else None
    if source is None or not source.usable or not isinstance(source.data.get("version"), str) \
            or not isinstance(source.data.get("language"), str):
        raise UsageError(f"{path}: its source {source_file.name} does not exist beside it or is not a readable leaflet")
    record = pin(source.data, source_file.parent)
    differences = list(drift(doc.data, source.data))
    if differences:
        return record, differences
    text = pinned_text(doc, record)
    after = content.parse(content.Document(path=file, display=doc.display), text.encode("utf-8"))
    if after.data != {**doc.data, "translation_of": record}:
        raise UsageError(f"{path}: could not record translation_of in this file")  # never write a broken file
    from leaflets.json_edit import replace_text

    replace_text(file, text)
    return record, []


def pinned_text(doc: Any, record: dict[str, Any]) -> str:
    """The file's text with ``translation_of`` set to ``record``, edited in place: the value replaced,
    or the member added after ``language`` with the file's own indentation."""
    from leaflets.json_edit import key_offset, value_span

    text = doc.text
    anchor = "translation_of" if "translation_of" in doc.data else "language"
    key_at = key_offset(doc, f"/{anchor}")
    start, end = value_span(text, key_at)
    indent = text[text.rfind("\n", 0, key_at) + 1:key_at]
    if indent.strip():
        return json.dumps({**doc.data, "translation_of": record}, indent=2, ensure_ascii=False) + "\n"
    inner = json.dumps(record, indent=len(indent) or 2, ensure_ascii=False)
    value = inner.replace("\n", "\n" + indent)
    if anchor == "translation_of":
        return text[:start] + value + text[end:]
    return text[:end] + f",\n{indent}\"translation_of\": {value}" + text[end:]
