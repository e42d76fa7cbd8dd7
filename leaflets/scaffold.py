"""``leaflets new``: start a leaflet as a file that cannot pass as finished.

Every required field is there, in the order the shipped leaflets use, so the file has the schema's
structure and a writer sees the whole shape at once. Every piece of text is a placeholder starting
with "TODO:", which rule LH001 reports as an error, so ``leaflets validate`` lists each one as a
to-do and ``leaflets build`` refuses the file until each is written. Dates are today's
(LEAFLETS_TODAY honoured); the status is "draft" and the version "0.1".

``--from ID`` copies another leaflet's *structure*, never its words or figures: the same sections,
as many paragraphs, list items, risks, alternatives, recovery steps, symptoms, questions, glossary
entries, authors and sources, each text replaced by the placeholder for its place. Every risk's
(and outcome's) frequency becomes a TODO note with no rate or band (another procedure's figure is not
this one's); source kinds, "no_treatment" flags and risk groups are kept; addresses, phone numbers,
e-mail, publishers, access dates, approval, suppressions and the "serious" flags are dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from leaflets.content import UsageError
from leaflets.content_format import SCHEMA_REF  # the current content format, as the shipped leaflets name it
from leaflets.outputs import ordinary_mode

TODO = "TODO: "
# not_applicable_risks: a reason a risk does not apply belongs to the leaflet it was written for
DROPPED = frozenset({"url", "accessed", "publisher", "phone", "email", "web", "approval", "suppressions", "$schema",
                     "not_applicable_risks",
                     "reference", "others", "further_information",  # another leaflet's code, numbers and links
                     "serious"})  # whether another operation's risk is serious says nothing of this one's
KEPT = frozenset({"kind", "no_treatment", "family", "group"})  # enum and flag values: structure, not words
GLOSSARY = {"glossary/term": TODO + "a medical word the leaflet uses",
            "glossary/definition": TODO + "what it means, in plain words"}


def _text(what: str) -> list[str]:
    return [TODO + what]


def fresh(leaflet_id: str, language: str, today: dt.date) -> dict[str, Any]:
    """A new leaflet: every required field, every text a TODO placeholder, in the recommended order."""
    return {
        "$schema": SCHEMA_REF,
        "id": leaflet_id,
        "language": language,
        "title": TODO + "the name of the procedure as a patient would say it",
        "summary": TODO + "one or two sentences saying what this leaflet is about and who it is for",
        "version": "0.1",
        "status": "draft",
        "last_reviewed": today.isoformat(),
        "next_review": _next_year(today).isoformat(),
        "authors": [{"name": TODO + "your name or your team's", "role": TODO + "your role, e.g. medical writer"}],
        "sources": [{"title": TODO + "the title of a source you used", "kind": "other",
                     "note": TODO + "which facts come from this source (set kind, and add url if it has one)"}],
        "condition": _text("what the condition is, in plain words"),
        "procedure": _text("what the operation is and what it aims to do"),
        "benefits": _text("what the operation may do for the patient"),
        "alternatives": [
            {"name": "Not having the operation", "no_treatment": True,
             "description": _text("what may happen if the patient chooses not to have the operation")},
            {"name": TODO + "another option, e.g. physiotherapy",
             "description": _text("what this option involves and how it compares")},
        ],
        "preparation": _text("what the patient does before the operation"),
        "on_the_day": _text("what happens on the day of the operation"),
        "risks": [
            {"name": TODO + "the risk's name, e.g. infection",
             "description": _text("what this risk means for the patient"),
             "frequency": {"note": TODO + "the figure your source gives (then write it as a rate, e.g. \"rate\": "
                           "{\"kind\": \"about\", \"percent\": 1}, and delete this note), or say the sources give "
                           "none"},
             "management": _text("what the team does about it, or what the patient should watch for")},
        ],
        "recovery": {
            "hospital_stay": _text("how long people usually stay in hospital"),
            "timeline": [{"when": TODO + "when, e.g. after about 2 weeks", "what": _text("what happens then")}],
            "work": _text("when people usually return to work or school"),
            "driving": _text("when people may drive again"),
            "exercise": _text("exercise and physiotherapy after the operation"),
        },
        "urgent_help": {
            "symptoms": [TODO + "a symptom that needs urgent help"],
            "whom_to_call": _text("whom to call, and when (the ward, the GP, 999 in an emergency)"),
        },
        "questions": [TODO + "a question the patient may want to ask their care team"],
        "contact": {"text": _text("who to contact with questions, and when")},
        "disclaimer": TODO + "say that this leaflet is general information and does not replace advice from the "
                      "patient's own care team",
    }


def _next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _shape(path: tuple[str, ...]) -> str:
    """A place with its indices and list wrappers taken out: ("risks", "3", "description", "0") → risks/description."""
    return "/".join(part for part in path if not part.isdigit() and part != "list")


def _hints(template: Any, path: tuple[str, ...] = (), out: dict[str, str] | None = None) -> dict[str, str]:
    """Each placeholder of the fresh scaffold by the shape of its place, to reuse when copying a structure."""
    out = {} if out is None else out
    if isinstance(template, str) and template.startswith(TODO):
        out.setdefault(_shape(path), template)
    elif isinstance(template, list):
        for index, item in enumerate(template):
            _hints(item, (*path, str(index)), out)
    elif isinstance(template, dict):
        for key, item in template.items():
            _hints(item, (*path, key), out)
    return out


def copied(source: dict[str, Any], leaflet_id: str, language: str, today: dt.date) -> dict[str, Any]:
    """``source``'s structure with every text a placeholder (see the module docstring for what is kept)."""
    template = fresh(leaflet_id, language, today)
    hints = _hints(template) | GLOSSARY
    seen: Counter[str] = Counter()
    result: dict[str, Any] = {}
    for key in template:
        if key in ("alternatives", "risks", "authors", "sources") and not isinstance(source.get(key), list):
            result[key] = template[key]
        elif key in source and key not in ("$schema", "id", "language", "version", "status", "last_reviewed",
                                           "next_review"):
            result[key] = _blank(source[key], (key,), hints, seen)
        else:
            result[key] = template[key]
    for key, value in source.items():  # optional sections the template has not (a glossary)
        if key not in result and key not in DROPPED:
            result[key] = value if key in KEPT else _blank(value, (key,), hints, seen)
    return {key: result[key] for key in _order(result, template)}


def _order(result: dict[str, Any], template: dict[str, Any]) -> list[str]:
    keys = list(template)
    for key in result:
        if key == "family":  # metadata: after the language, as the shipped leaflets have it
            keys.insert(keys.index("language") + 1, key)
        elif key in ("reference", "department"):  # identity: before the version, as the shipped leaflets have it
            keys.insert(keys.index("version"), key)
        elif key not in keys:
            keys.insert(keys.index("contact"), key)  # extra sections before contact, as glossary is shipped
    return keys


def _blank(value: Any, path: tuple[str, ...], hints: dict[str, str], seen: Counter[str]) -> Any:
    if isinstance(value, str):
        hint = hints.get(_shape(path), TODO + "write this")
        seen[hint] += 1  # numbered, so copies are not reported as repeated sentences or duplicate names
        return hint if seen[hint] == 1 else f"{hint} ({seen[hint]})"
    if isinstance(value, list):
        return [_blank(item, (*path, str(index)), hints, seen) for index, item in enumerate(value)]
    if isinstance(value, dict):
        if path[-1] == "frequency":  # another procedure's figure is not this one's: a TODO note, no rate or band
            return {"note": _blank("", (*path, "note"), hints, seen)}
        blanked = {key: (item if key in KEPT else _blank(item, (*path, key), hints, seen))
                   for key, item in value.items() if key not in DROPPED}
        if path[0] == "alternatives" and value.get("no_treatment") is True and "name" in blanked:
            blanked["name"] = TODO + "the option of not having the operation, e.g. \"Not having the operation\""
        return blanked
    return value  # a number or flag out of place: the schema will say


def _pattern(field: str) -> tuple[re.Pattern[str], str, int | None]:
    from leaflets.schema import load_schema

    spec = load_schema("leaflet")["properties"][field]
    return re.compile(spec["pattern"]), spec.get("x-messages", {}).get("pattern", ""), spec.get("maxLength")


def check_id(value: str, field: str = "id") -> None:
    """Refuse an id or language the schema would refuse, with the schema's own advice (one definition)."""
    pattern, advice, longest = _pattern(field)
    if not pattern.fullmatch(value) or (longest is not None and len(value) > longest):
        limit = f" (at most {longest} characters)" if longest else ""
        raise UsageError(f"{value!r} is not a valid {field}: {advice}{limit}")


def target(content: Path, leaflet_id: str, language: str) -> Path:
    check_id(leaflet_id)
    check_id(language, "language")
    if not content.is_dir():
        raise UsageError(f"{content}: no such folder (give the content folder with --content)")
    path = content / leaflet_id / f"{language}.json"
    if path.exists():
        raise UsageError(f"{path} already exists: choose another id, or edit that file")
    return path


def source_leaflet(content: Path, from_id: str, language: str) -> dict[str, Any]:
    from leaflets.content import load

    check_id(from_id)
    path = content / from_id / f"{language}.json"
    if not path.is_file():
        raise UsageError(f"--from {from_id}: {path} does not exist")
    doc = load(path)
    if not doc.usable:
        problem = doc.findings[0].message if doc.findings else "it is not a JSON object"
        raise UsageError(f"--from {from_id}: {doc.display} cannot be read: {problem}")
    return doc.data


def write_new(path: Path, data: dict[str, Any]) -> None:
    """Write the new file atomically; never over a file that appeared meanwhile."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".new-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, ordinary_mode())
        try:
            os.link(temporary, path)  # fails if the file exists: no silent overwrite
        except FileExistsError:
            raise
        except OSError:  # a file system without hard links
            if path.exists():
                raise FileExistsError(path) from None
            os.replace(temporary, path)
            return
    except FileExistsError:
        raise UsageError(f"{path} already exists: choose another id, or edit that file") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def new(content: str, leaflet_id: str, language: str, from_id: str | None, today: dt.date) -> Path:
    """Create content/<id>/<lang>.json; return its path. UsageError for an invalid or existing id."""
    folder = Path(content)
    path = target(folder, leaflet_id, language)
    if from_id:
        data = copied(source_leaflet(folder, from_id, language), leaflet_id, language, today)
    else:
        data = fresh(leaflet_id, language, today)
    created_folder = not path.parent.exists()
    try:
        write_new(path, data)
    except BaseException:
        if created_folder and path.parent.exists() and not any(path.parent.iterdir()):
            path.parent.rmdir()
        raise
    return path
