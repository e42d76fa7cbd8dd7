"""Compile schemas/leaflet.v2.schema.json (the current content format) ahead of time into
leaflets/_schema_check.py, a plain-Python validator that `leaflets validate` runs instead of importing
jsonschema (about half its start-up).

    python scripts/compile_schema.py           # write leaflets/_schema_check.py
    python scripts/compile_schema.py --check   # exit 1 when that file is not what the schema gives

The compiled check only decides "valid"; any failure is explained by jsonschema, as before
(leaflets.schema.check). So the compiled code must never accept what jsonschema refuses. fastjsonschema
knows drafts 4 to 2019-09, not 2020-12, so the schema is first rewritten into the same rules in words it
reads the 2020-12 way: a ``$ref`` with sibling keywords becomes an ``allOf`` (fastjsonschema would ignore
the siblings, as draft 7 did), ``const`` becomes a one-value ``enum`` (its brief-exception code for const is
broken). Keywords or formats it would read differently, or not at all, stop the compilation instead of
being skipped: the file is regenerated and compared by a test, so a schema change that needs them fails
there, not silently in a writer's hands. ``date`` is checked at run time by leaflets.schema.is_date, which
does what jsonschema's checker does.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "leaflet.v2.schema.json"
TARGET = ROOT / "leaflets" / "_schema_check.py"

_SCHEMA_MAPS = {"properties", "patternProperties", "$defs"}  # name → subschema
_SCHEMA_LISTS = {"allOf", "anyOf", "oneOf"}
_SCHEMA_ONE = {"items", "additionalProperties", "not", "if", "then", "else", "contains", "propertyNames"}
# validation keywords that fastjsonschema reads as 2020-12 does, given the rewriting below
_SAME_MEANING = {"type", "enum", "minLength", "maxLength", "pattern", "format", "minimum", "maximum", "multipleOf",
                 "exclusiveMinimum", "exclusiveMaximum", "minItems", "maxItems", "uniqueItems", "minProperties",
                 "maxProperties", "required", "const", "$ref"}
_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "default", "examples", "deprecated",
                "readOnly", "writeOnly"}
FORMATS = {"date"}  # checked at run time by the function leaflets.schema passes in


class NotCompilable(Exception):
    """The schema uses a keyword or format the compiled check would not enforce as jsonschema does."""


def rewritten(node: Any, where: str = "#") -> Any:
    """``node`` (a subschema) in the words fastjsonschema reads with 2020-12's meaning."""
    if isinstance(node, bool):
        return node
    if not isinstance(node, dict):
        raise NotCompilable(f"{where}: a schema must be an object or a boolean")
    out: dict[str, Any] = {}
    for key, value in node.items():
        place = f"{where}/{key}"
        if key in _SCHEMA_MAPS:
            out[key] = {name: rewritten(sub, f"{place}/{name}") for name, sub in value.items()}
        elif key in _SCHEMA_LISTS:
            out[key] = [rewritten(sub, f"{place}/{index}") for index, sub in enumerate(value)]
        elif key in _SCHEMA_ONE:
            out[key] = rewritten(value, place)
        elif key == "format" and value not in FORMATS:
            raise NotCompilable(f"{place}: format {value!r} is not compiled (known: {', '.join(sorted(FORMATS))})")
        elif key in _SAME_MEANING or key in _ANNOTATIONS or key.startswith("x-"):
            out[key] = value
        else:
            raise NotCompilable(f"{place}: keyword {key!r} is not compiled")
    if "items" in out and not isinstance(out["items"], (dict, bool)):
        raise NotCompilable(f"{where}/items: an array of schemas means something else before 2020-12")
    if "const" in out:
        if "enum" in out:
            raise NotCompilable(f"{where}: both const and enum")
        out["enum"] = [out.pop("const")]
    if "$ref" in out and set(out) - _ANNOTATIONS - {"$ref"} - {key for key in out if key.startswith("x-")}:
        out["allOf"] = [*out.get("allOf", []), {"$ref": out.pop("$ref")}]
    return out


def generated_code(schema_path: Path = SCHEMA) -> str:
    """The module's text: fastjsonschema's code for the rewritten schema, with a header and ``validate``."""
    import fastjsonschema

    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    formats = {name: _placeholder for name in FORMATS}
    code = fastjsonschema.compile_to_code(rewritten(schema), formats=formats, use_default=False,
                                          detailed_exceptions=False)
    entry = "validate_" + "".join(c if c.isalnum() else "_" for c in schema["$id"])
    if f"def {entry}(" not in code:
        raise NotCompilable(f"fastjsonschema named the entry point otherwise than {entry}")
    relative = schema_path.relative_to(ROOT) if schema_path.is_relative_to(ROOT) else schema_path
    header = (f'"""Generated by scripts/compile_schema.py from {relative.as_posix()} with fastjsonschema: '
              "do not edit.\n\n"
              "Run `python scripts/compile_schema.py` after changing the schema (a test compares).\n"
              '"""\n# ruff: noqa\n# mypy: ignore-errors\n')
    return f"{header}{code.rstrip()}\n\n\nvalidate = {entry}\n"


def _placeholder(value: Any) -> bool:  # only its presence matters when compiling
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when they differ")
    args = parser.parse_args(argv)
    try:
        code = generated_code()
    except NotCompilable as exc:
        print(f"compile_schema: {SCHEMA.relative_to(ROOT)}: {exc}", file=sys.stderr)
        return 2
    current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
    if args.check:
        if current != code:
            print(f"compile_schema: {TARGET.relative_to(ROOT)} is out of date: run python scripts/compile_schema.py",
                  file=sys.stderr)
            return 1
        return 0
    if current != code:
        TARGET.write_text(code, encoding="utf-8")
        print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
