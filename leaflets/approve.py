"""``leaflets approve``: record a clinical sign-off bound to the text it covers.

Approval sets ``"status": "approved"`` and writes ``approval`` with the approver's name, role, the
date and ``content_sha256``, the hash of the clinical content (leaflets.clinical). Rule LD007 then
reports the leaflet as soon as that content changes, so an edit can never ride on an old sign-off.

Only a leaflet that validates without errors can be approved: the file as it is, and the file as it
would be once approved (an approval dated before the last review, or in the future, is an error
too). The file is edited in place, not re-serialised: only the ``status`` value and the
``approval`` member change, so key order, indentation and the one-line objects of the content files
stay as the writer left them, and the review diff shows just the approval. The edit is checked by
parsing it back; the file is replaced atomically (temporary file in the same folder, then rename).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets import content
from leaflets.clinical import clinical_hash
from leaflets.content import UsageError
from leaflets.findings import Report
from leaflets.json_edit import key_offset, replace_text, value_span

# What approving puts right, so it does not stand in the way: an approval with no approver (LD005),
# one that no longer matches the content (LD007, the reason to approve again), one with no hash (LD008).
MENDED = frozenset({"LD005", "LD007", "LD008"})


@dataclass
class Approved:
    """What approve did: the report that refused it (errors), or the hash it recorded."""

    report: Report
    sources: dict[str, str] = field(default_factory=dict)
    content_sha256: str = ""
    written: bool = False


def parse_date(value: str | None, today: dt.date) -> dt.date:
    if value is None:
        return today
    try:
        if len(value) != 10:
            raise ValueError(value)
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--date {value!r} is not a date: write it as YYYY-MM-DD") from None


def approve(path: str, name: str, role: str, date: dt.date, config: Any = None) -> Approved:
    """Approve the leaflet at ``path`` unless it has errors (before or after the approval)."""
    from leaflets.check import check_document, check_paths

    for label, value in (("--name", name), ("--role", role)):
        if not value.strip():
            raise UsageError(f"{label} is empty: say who approves the leaflet and in what role")
    file = Path(path)
    if not file.is_file():
        raise UsageError(f"{path}: no such file")
    report, sources = check_paths([path], config)
    report = Report([f for f in report.findings if f.code not in MENDED], report.files)
    if report.has_errors:
        return Approved(report, sources)
    doc = content.load(file)
    approval = {"name": name.strip(), "role": role.strip(), "date": date.isoformat(),
                "content_sha256": clinical_hash(doc.data, file.parent)}
    text = approved_text(doc, approval)
    after = content.parse(content.Document(path=file, display=doc.display), text.encode("utf-8"))
    findings = check_document(after, config)
    result = Report([f for f in findings if f.is_error], [doc.display])
    if result.has_errors:  # e.g. LD006: an approval dated before the last review
        return Approved(result, {doc.display: text})
    replace_text(file, text)
    return Approved(Report([], [doc.display]), content_sha256=approval["content_sha256"], written=True)


def approved_text(doc: content.Document, approval: dict[str, str]) -> str:
    """The file's text with status "approved" and ``approval``; edited in place when that gives
    exactly the intended data, else the whole file written again with 2-space indentation."""
    expected = {**doc.data, "status": "approved"}
    expected["approval"] = approval
    try:
        text = _edited(doc, approval)
        if json.loads(text) == expected and list(json.loads(text)) == _key_order(doc.data):
            return text
    except (ValueError, KeyError):
        pass
    ordered = {key: expected[key] for key in _key_order(doc.data)}
    return json.dumps(ordered, indent=2, ensure_ascii=False) + "\n"


def _key_order(data: dict[str, Any]) -> list[str]:
    """The file's keys, with approval after authors (the schema's order) when it is new."""
    keys = list(data)
    if "approval" not in keys:
        after = next((k for k in ("authors", "next_review", "status") if k in keys), keys[-1])
        keys.insert(keys.index(after) + 1, "approval")
    return keys


def _edited(doc: content.Document, approval: dict[str, str]) -> str:
    text = doc.text
    one_line = json.dumps(approval, ensure_ascii=False)
    edits: list[tuple[int, int, str]] = []
    start, end = value_span(text, key_offset(doc, "/status"))
    edits.append((start, end, '"approved"'))
    if "approval" in doc.data:
        start, end = value_span(text, key_offset(doc, "/approval"))
        edits.append((start, end, one_line))
    else:
        anchor = next(k for k in ("authors", "next_review", "status") if k in doc.data)
        key_at = key_offset(doc, f"/{anchor}")
        _start, end = value_span(text, key_at)
        indent = text[text.rfind("\n", 0, key_at) + 1:key_at]
        if indent.strip():
            raise ValueError("the key does not start its line: write the whole file again")
        edits.append((end, end, f",\n{indent}\"approval\": {one_line}"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
