"""Load the project's schemas and turn every jsonschema error into a finding a writer understands.

The schemas carry two extension keywords that jsonschema ignores and we read:
``x-missing`` (on an object: what to write when a required property is absent; a string, or a
mapping from property name to advice) and ``x-messages`` (a mapping from a failing keyword such as
``pattern`` or ``minItems`` to plain advice).

A leaflet is first checked by leaflets/_schema_check.py, the schema compiled ahead of time
(scripts/compile_schema.py): when it passes, there is nothing to explain and jsonschema, about half of
``leaflets validate``'s start-up, is never imported. Only a leaflet it refuses goes to jsonschema,
which makes the findings exactly as before.
"""

from __future__ import annotations

import ast
import difflib
import functools
import json
import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflets.content import Document, make_pointer
from leaflets.findings import Finding, Severity

if TYPE_CHECKING:  # imported where used: most runs never need them
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError
    from referencing import Registry

# code: (name, summary). Stable: tools and suppressions refer to them.
SCHEMA_CODES: dict[str, tuple[str, str]] = {
    "LS001": ("missing-field", "A required field is missing."),
    "LS002": ("unknown-field", "A field the schema does not know (often a misspelling)."),
    "LS003": ("wrong-type", "A field holds the wrong kind of value."),
    "LS004": ("value-not-allowed", "A field's value is not one of those allowed."),
    "LS005": ("empty", "A text, list or section is empty."),
    "LS006": ("bad-format", "A value is not written in the expected form."),
    "LS007": ("out-of-range", "A number or text is too large or too small."),
    "LS008": ("missing-item", "A list lacks an item it must have."),
    "LS009": ("conflicting-fields", "Fields that cannot be used together."),
    "LS010": ("old-content-format",
              "The file is in an older content format (or names none): `leaflets migrate` upgrades it."),
}

# The schema a name means: "leaflet" is always the current content format (leaflets.content_format.FORMAT).
_CURRENT = {"leaflet": "leaflet.v2"}

_KEYWORD_CODES = {
    "required": "LS001", "additionalProperties": "LS002", "type": "LS003", "enum": "LS004", "const": "LS004",
    "minItems": "LS005", "minLength": "LS005", "pattern": "LS006", "format": "LS006",
    "maxLength": "LS007", "maxItems": "LS007", "minimum": "LS007", "maximum": "LS007",
    "exclusiveMinimum": "LS007", "exclusiveMaximum": "LS007", "contains": "LS008", "not": "LS009",
}

_TYPE_WORDS = {
    "string": "text", "object": "an object { ... }", "array": "a list [ ... ]", "number": "a number",
    "integer": "a whole number", "boolean": "true or false", "null": "null",
}


def schema_dir() -> Path:
    """Schemas ship inside the package when installed, and sit at the top of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "schemas", here.parent / "schemas"):
        if (candidate / f"{_CURRENT['leaflet']}.schema.json").is_file():
            return candidate
    raise FileNotFoundError("the leaflets schemas folder is missing from this installation")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    with open(schema_dir() / f"{_CURRENT.get(name, name)}.schema.json", encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


@functools.cache
def registry() -> Registry:
    """Every schema in schemas/, by its ``$id``, so ``$ref`` between them resolves offline."""
    from referencing import Registry, Resource

    resources = []
    for path in sorted(schema_dir().glob("*.schema.json")):
        contents = load_schema(path.name.removesuffix(".schema.json"))
        resources.append((contents["$id"], Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def inline_local_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with every ``#/$defs/...`` reference replaced by what it points at.

    Resolving ``$ref`` costs about a third of validation time in jsonschema; our schemas have no
    recursive definitions, so we resolve them once. Sibling keywords of a ``$ref`` keep their
    meaning through ``allOf``; a sibling ``description`` is kept for the messages that quote it.
    """
    defs = schema.get("$defs", {})
    done: dict[str, Any] = {}

    def resolve(name: str, resolving: frozenset[str]) -> Any:
        if name not in done:
            done[name] = walk(defs[name], resolving | {name})
        return done[name]

    def walk(node: Any, resolving: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [walk(item, resolving) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref[8:] in defs and ref[8:] not in resolving:
            target = resolve(ref[8:], resolving)
            rest = {key: walk(value, resolving) for key, value in node.items() if key != "$ref"}
            if set(rest) <= {"description"}:
                return {**target, **rest}
            return {**rest, "allOf": [target]}
        return {key: (value if key == "$defs" else walk(value, resolving)) for key, value in node.items()}

    return walk(schema, frozenset())


@functools.cache
def validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(
        inline_local_refs(load_schema(name)), registry=registry(), format_checker=Draft202012Validator.FORMAT_CHECKER
    )


@functools.cache
def _definition_validator(name: str, where: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    whole = load_schema(name)
    node: Any = whole
    for key in where.split("/"):
        node = node[key]
    return Draft202012Validator(inline_local_refs({**node, "$defs": whole.get("$defs", {})}),
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def value_problem(where: str, value: Any, name: str = "leaflet") -> tuple[str, str] | None:
    """(finding code, advice) when ``value`` breaks the definition at ``where`` in the schema (e.g.
    ``properties/id``, ``$defs/url``); None when it keeps it.

    Code that must trust a value before using it (as a file name, as a link) asks the schema itself,
    so the rule has one definition and a draft cannot get round it."""
    for error in _definition_validator(name, where).iter_errors(value):
        keyword = str(error.validator)
        advice = _advice(error.schema, keyword)
        if not advice and keyword in ("maxLength", "minLength"):
            advice = f"write {'at most' if keyword == 'maxLength' else 'at least'} {error.validator_value} characters"
        return _KEYWORD_CODES.get(keyword, "LS006"), advice
    return None


def human_path(path: Iterable[Any]) -> str:
    """``['risks', 2, 'frequency']`` → ``risks[2].frequency``; the root is "the leaflet"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the leaflet"


def _advice(schema: Any, keyword: str) -> str:
    if isinstance(schema, dict):
        messages = schema.get("x-messages")
        if isinstance(messages, dict) and keyword in messages:
            return str(messages[keyword])
    return ""


def _missing_advice(schema: dict[str, Any], prop: str) -> str:
    hint = schema.get("x-missing")
    if isinstance(hint, dict) and prop in hint:
        return str(hint[prop])
    described = schema.get("properties", {}).get(prop, {})
    if isinstance(described, dict) and described.get("description"):
        return "add it: " + described["description"][0].lower() + described["description"][1:]
    return str(hint) if isinstance(hint, str) else "add it"


def _required_property(error: ValidationError) -> str:
    """jsonschema yields one error per missing property, naming it only in its message."""
    quoted = error.message.removesuffix(" is a required property")
    try:
        return str(ast.literal_eval(quoted))
    except (ValueError, SyntaxError):
        missing = [p for p in error.validator_value if isinstance(error.instance, dict) and p not in error.instance]
        return missing[0] if missing else quoted


def _message(error: ValidationError) -> tuple[str, list[Any]]:
    """A plain message and the path the finding should point at."""
    where = human_path(error.absolute_path)
    path = list(error.absolute_path)
    keyword, schema, instance = error.validator, error.schema, error.instance
    advice = _advice(schema, str(keyword))
    if keyword == "required":
        prop = _required_property(error)
        return f"{where} has no {prop}: {_missing_advice(schema, prop)}", path
    if keyword == "additionalProperties":
        allowed = sorted(schema.get("properties", {})) if isinstance(schema, dict) else []
        extras = [key for key in instance if key not in allowed] if isinstance(instance, dict) else []
        if extras:
            extra = extras[0]  # jsonschema reports each object once; _unknown_fields splits the rest
            close = difflib.get_close_matches(extra, allowed, n=1, cutoff=0.75)
            if close:
                suggestion = f": did you mean \"{close[0]}\"?"
            elif len(allowed) <= 8:
                suggestion = f": allowed here are {', '.join(allowed)}"
            else:
                suggestion = ": remove it, or see docs/content-model.md for the fields allowed here"
            return f"{where} has an unknown field \"{extra}\"{suggestion}", path + [extra]
    if keyword == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in expected)
        return f"{where} should be {words}, not {_describe(instance)}" + (f": {advice}" if advice else ""), path
    if keyword in ("enum", "const"):
        options = error.validator_value if keyword == "enum" else [error.validator_value]
        listed = ", ".join(json.dumps(o, ensure_ascii=False) for o in options)
        one_of = "one of " if len(options) > 1 else ""
        return f"{where} is {json.dumps(instance, ensure_ascii=False)[:60]}: use {one_of}{listed}", path
    if keyword == "minItems":
        return f"{where} is empty: {advice or 'add at least one item'}", path
    if keyword == "minLength":
        if isinstance(instance, str) and instance.strip():
            return f"{where} is too short: {advice or 'write more'}", path
        return f"{where} is empty: {advice or 'write it'}", path
    if keyword in ("pattern", "format"):
        return f"{where} is {json.dumps(instance, ensure_ascii=False)[:60]}: {advice or error.message}", path
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength", "maxItems"):
        limit = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than",
                 "exclusiveMaximum": "less than", "maxLength": "at most", "maxItems": "at most"}[str(keyword)]
        unit = {"maxLength": " characters", "maxItems": " items"}.get(str(keyword), "")
        return advice and f"{where}: {advice}" or f"{where} must be {limit} {error.validator_value}{unit}", path
    if advice:
        return f"{where}: {advice}", path
    return f"{where}: {error.message}", path


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    for kind, word in ((str, "text"), (dict, "an object"), (list, "a list"), ((int, float), "a number")):
        if isinstance(value, kind):
            return word
    return "null"


def _leaves(error: ValidationError) -> Iterable[ValidationError]:
    """Errors from ``allOf``/``$ref`` wrappers are reported by their causes, not the wrapper."""
    if error.context and error.validator not in ("not", "contains"):
        for child in error.context:
            yield from _leaves(child)
    else:
        yield error


def _unknown_fields(error: ValidationError) -> Iterable[ValidationError]:
    """jsonschema reports all unknown keys of one object as one error; we want one finding each."""
    allowed = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
    extras = [key for key in error.instance if key not in allowed] if isinstance(error.instance, dict) else []
    if error.validator != "additionalProperties" or len(extras) < 2:
        yield error
        return
    from jsonschema.exceptions import ValidationError

    for extra in extras:
        single = ValidationError(error.message, validator="additionalProperties", path=error.absolute_path,
                                 schema=error.schema, instance={extra: error.instance[extra]})
        yield single


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: object) -> bool:
    """The ``date`` format as jsonschema checks it (its ``is_date``), for the compiled check: the form
    YYYY-MM-DD and a real day of the calendar. Other values are the ``type`` keyword's business."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and date.fromisoformat(value))
    except ValueError:
        return False


def compiled_says_valid(data: Any) -> bool:
    """True when the compiled leaflet schema accepts ``data``. It is never more lenient than jsonschema
    (tests compare them on every fixture and on generated documents); it may be stricter, and then
    jsonschema, asked next, finds nothing."""
    from fastjsonschema import JsonSchemaValueException

    from leaflets import _schema_check

    try:
        _schema_check.validate(data, custom_formats={"date": is_date})
    except JsonSchemaValueException:
        return False
    return True


def format_finding(doc: Document) -> Finding | None:
    """One LS010 finding when ``doc`` is not in the current content format, instead of the dozens of
    schema errors an old file would give; None for a current one."""
    from leaflets.content_format import FORMAT, SCHEMA_REF, format_of, looks_v1

    version = format_of(doc.data)
    if version == FORMAT:
        return None
    if version is None and not looks_v1(doc.data):
        return None  # no $schema, or another one, and nothing of v1 in it: the schema says what is wrong
    if version is not None and version > FORMAT:
        message = (f"this file is in content format v{version}, newer than this version of leaflets reads "
                   f"(v{FORMAT}): update leaflets")
    else:
        message = (f"this file is in content format v1; run `leaflets migrate {doc.display}` to upgrade it to "
                   f"v{FORMAT} (nothing in it is lost), then validate again")
        if version is None:
            message += f"; or, if it is already v{FORMAT}, add \"$schema\": \"{SCHEMA_REF}\""
    return doc.finding("LS010", message, "/$schema" if "$schema" in doc.data else "", severity=Severity.ERROR,
                       rule=SCHEMA_CODES["LS010"][0])


def check(doc: Document, name: str = "leaflet") -> list[Finding]:
    """Every schema error in ``doc`` as a finding, with the line and column it points at."""
    if name == "leaflet" and compiled_says_valid(doc.data):
        return []
    errors = [
        single
        for error in validator(name).iter_errors(doc.data)
        for leaf in _leaves(error)
        for single in _unknown_fields(leaf)
    ]
    findings = []
    seen: set[tuple[str, str]] = set()
    for error in errors:
        code = _KEYWORD_CODES.get(str(error.validator), "LS009")
        message, path = _message(error)
        pointer = make_pointer(path)
        # one "bad format" per value: a date like "26-1-1" fails both its pattern and its format
        key = (pointer, code if code == "LS006" else message)
        if key in seen:
            continue
        seen.add(key)
        findings.append(doc.finding(code, message, pointer, severity=Severity.ERROR, rule=SCHEMA_CODES[code][0]))
    return findings
