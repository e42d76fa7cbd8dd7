"""Upgrade leaflet files from content format v1 to v2, in place, keeping the writer's layout.

What changes from v1 to v2 (docs/content-model.md, "Content format versions"):

- ``$schema`` names the format: it now ends in ``leaflet.v2.schema.json``. A v1 file's own path to
  the schemas folder is kept; a file without one gets the path the shipped leaflets use.
- A frequency no longer says ``"known"``: a v2 frequency is known exactly when it has a rate (v1
  required a rate with ``"known": true`` and forbade one with ``"known": false``), so the member is
  removed and nothing is lost.

Everything else in v2 is new and optional, so a migrated file says exactly what it said. The
migration is proved, not assumed: the migrated text is parsed again and must equal the v1 data with
only those two changes, or the file is left alone with a message.

An approval (``approval.content_sha256``) or a translation's pin (``translation_of``) recorded for the
v1 content is carried over to the same content in v2 only when it was valid before: a stale one stays
stale. Outputs are written atomically with the file's permissions kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets import content, json_edit
from leaflets.clinical import clinical_hash
from leaflets.content_format import FORMAT, SCHEMA_FILE, SCHEMA_REF, format_of, looks_v1


def upgraded(data: dict[str, Any]) -> dict[str, Any]:
    """The v2 form of v1 ``data``, as plain data (the oracle the text edit is checked against)."""
    new = json.loads(json.dumps(data))
    ref = new.get("$schema")
    new["$schema"] = (ref[: ref.rfind("/") + 1] + SCHEMA_FILE) if isinstance(ref, str) and "/" in ref else (
        SCHEMA_REF if not isinstance(ref, str) or format_of(new) is None else SCHEMA_FILE)
    if "$schema" not in data:  # a new first member, as `leaflets new` writes it
        new = {"$schema": new.pop("$schema"), **new}
    for risk in new.get("risks", []) if isinstance(new.get("risks"), list) else []:
        if isinstance(risk, dict) and isinstance(risk.get("frequency"), dict):
            risk["frequency"].pop("known", None)
    return new


@dataclass
class Result:
    path: Path
    display: str
    changed: list[str] = field(default_factory=list)  # what was done, in words
    problem: str | None = None  # why the file was left alone
    old_hash: str | None = None  # clinical hash of the v1 content
    new_hash: str | None = None
    text: str | None = None  # the migrated text, before it is written


def _member_span(text: str, key_at: int) -> tuple[int, int]:
    """The span to cut to remove the member whose key starts at ``key_at``, with one neighbouring comma
    and the space that went with it, so what remains is the same layout without that line."""
    _, end = json_edit.value_span(text, key_at)
    after = end
    while after < len(text) and text[after] in " \t":
        after += 1
    if after < len(text) and text[after] == ",":  # not the last member: cut up to the next key
        after += 1
        while after < len(text) and text[after] in " \t\r\n":
            after += 1
        return key_at, after
    before = key_at  # the last member: cut from the comma before it
    while before > 0 and text[before - 1] in " \t\r\n":
        before -= 1
    if before > 0 and text[before - 1] == ",":
        before -= 1
    return before, end


def _edits(doc: content.Document, data: dict[str, Any], new_ref: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, replacement) text edits that turn the v1 file into v2."""
    text = doc.text
    if "$schema" in data:
        start, end = json_edit.value_span(text, json_edit.key_offset(doc, "/$schema"))
        yield start, end, json.dumps(new_ref)
    else:
        brace = text.index("{")
        first = re.compile(r"\s*").match(text, brace + 1)
        gap = first.group(0) if first else ""
        yield brace + 1, brace + 1, f"{gap}\"$schema\": {json.dumps(new_ref)},"
    for index, risk in enumerate(data.get("risks", []) if isinstance(data.get("risks"), list) else []):
        if isinstance(risk, dict) and isinstance(risk.get("frequency"), dict) and "known" in risk["frequency"]:
            start, end = _member_span(text, json_edit.key_offset(doc, f"/risks/{index}/frequency/known"))
            yield start, end, ""


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def migrate_one(path: Path) -> Result:
    """Work out the v2 text of one file (nothing is written)."""
    doc = content.load(path)
    result = Result(path, doc.display)
    if not doc.usable or not isinstance(doc.data, dict):
        problems = "; ".join(f.message for f in doc.findings) or "it does not hold one JSON object"
        result.problem = f"cannot be read as a leaflet: {problems}"
        return result
    data = doc.data
    version = format_of(data)
    if version == FORMAT:
        return result
    if version is not None and version > FORMAT:
        result.problem = f"is in content format v{version}, newer than this version of leaflets reads (v{FORMAT})"
        return result
    if version is None and "$schema" in data and not looks_v1(data):
        result.problem = (f"its $schema {json.dumps(data['$schema'])} names no leaflet format; point it at "
                          f"{SCHEMA_REF} if the file is a v2 leaflet")
        return result
    want = upgraded(data)
    text = _apply(doc.text, list(_edits(doc, data, want["$schema"])))
    try:
        got = json.loads(text)
    except ValueError as exc:  # the edit broke the JSON: never write that
        result.problem = f"the migration would not give valid JSON ({exc}); nothing was written"
        return result
    if got != want or list(got) != list(want):
        result.problem = "the migrated file would not say what the v1 file said; nothing was written"
        return result
    removed = sum(1 for r in data.get("risks", []) if isinstance(r, dict)
                  and isinstance(r.get("frequency"), dict) and "known" in r["frequency"])
    result.changed = [f"$schema → {want['$schema']}"] + ([f"removed \"known\" from {removed} frequencies"]
                                                         if removed else [])
    folder = path.parent
    result.old_hash, result.new_hash, result.text = clinical_hash(data, folder), clinical_hash(want, folder), text
    return result


def _rebind(result: Result, by_path: dict[Path, Result]) -> None:
    """Carry a valid approval and a valid translation pin over to the migrated content."""
    from leaflets import translation

    assert result.text is not None
    data = json.loads(result.text)
    replacements: dict[str, str] = {}
    approval = data.get("approval")
    if isinstance(approval, dict) and approval.get("content_sha256") == result.old_hash and result.new_hash:
        replacements["/approval/content_sha256"] = result.new_hash
    pin = data.get("translation_of")
    if isinstance(pin, dict) and isinstance(pin.get("language"), str):
        source = by_path.get(translation.source_path(result.path, pin["language"]).resolve())
        if source is not None and source.text is not None and pin.get("content_sha256") == source.old_hash:
            source_data = json.loads(source.text)
            record = translation.pin(source_data, source.path.parent)
            replacements["/translation_of/content_sha256"] = record["content_sha256"]
            if "sections" in pin:
                replacements["/translation_of/sections"] = record["sections"]
    if not replacements:
        return
    doc = content.Document(path=result.path, display=result.display, text=result.text, data=data)
    edits = []
    for pointer, value in replacements.items():
        start, end = json_edit.value_span(result.text, json_edit.key_offset(doc, pointer))
        line_start = result.text.rfind("\n", 0, start) + 1
        indent = re.match(r"[ \t]*", result.text[line_start:]).group(0)  # type: ignore[union-attr]
        written = json.dumps(value, ensure_ascii=False, indent=2 if isinstance(value, dict) else None)
        edits.append((start, end, written.replace("\n", "\n" + indent)))
    result.text = _apply(result.text, edits)
    result.changed.append("kept the recorded " + " and ".join(
        sorted({"approval" if p.startswith("/approval") else "translation pin" for p in replacements})) +
        " (the content it covers is unchanged)")


def migrate(paths: list[Path]) -> list[Result]:
    """Migrate every file (nothing written yet): the results, in order, with each one's new text."""
    results = [migrate_one(path) for path in paths]
    by_path = {r.path.resolve(): r for r in results}
    for result in results:
        if result.text is not None:
            _rebind(result, by_path)
    return results


def write(results: list[Result]) -> None:
    for result in results:
        if result.text is not None:
            json_edit.replace_text(result.path, result.text)
