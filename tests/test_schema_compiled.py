"""The compiled leaflet schema (leaflets/_schema_check.py): in step with the schema, and never more
lenient than jsonschema, so `validate` may skip jsonschema whenever it says "valid".

Whenever the compiled check accepts a document jsonschema must find no error in it; then
``schema.check`` (which returns no findings at once) and jsonschema agree, and every other document's
findings are made by jsonschema exactly as before. Checked on the shipped content, every JSON test
fixture (the rule cases applied to their base leaflet too), hand-picked edge cases and a few hundred
documents mutated by Hypothesis.
"""

from __future__ import annotations

import copy
import datetime as dt
import importlib.util
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_rules import ALL_CASES, build

from leaflets import content, schema

SHIPPED = sorted((ROOT / "content").glob("*/*.json"))
SEED = ROOT / "content" / "spinal-fusion" / "en.json"


def _compile_script() -> Any:
    spec = importlib.util.spec_from_file_location("compile_schema", ROOT / "scripts" / "compile_schema.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def jsonschema_valid(data: Any) -> bool:
    return next(iter(schema.validator("leaflet").iter_errors(data)), None) is None


def assert_never_more_lenient(data: Any) -> bool:
    """The compiled answer, after checking that "valid" is also jsonschema's answer."""
    compiled = schema.compiled_says_valid(data)
    if compiled:
        assert jsonschema_valid(data), "the compiled check accepts what jsonschema refuses"
    return compiled


def fixture_documents() -> Iterator[tuple[str, Any]]:
    for path in sorted(FIXTURES.rglob("*.json")):
        yield str(path.relative_to(ROOT)), json.loads(path.read_text(encoding="utf-8"))
    for rule, outcome, index, edit in ALL_CASES:
        yield f"{rule} {outcome} {index}", build(edit)[1]


def test_the_compiled_module_is_what_the_schema_compiles_to():
    done = subprocess.run([sys.executable, "scripts/compile_schema.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_changed_schema_compiles_to_other_code(tmp_path):
    """The comparison above can fail: the same schema with one limit changed gives other code."""
    compiler = _compile_script()
    changed = json.loads((ROOT / "schemas" / "leaflet.v2.schema.json").read_text(encoding="utf-8"))
    changed["properties"]["id"]["maxLength"] += 1
    (tmp_path / "leaflet.schema.json").write_text(json.dumps(changed), encoding="utf-8")
    current = (ROOT / "leaflets" / "_schema_check.py").read_text(encoding="utf-8")
    assert compiler.generated_code() == current
    assert compiler.generated_code(tmp_path / "leaflet.schema.json") != current


@pytest.mark.parametrize("node, problem", [
    ({"unevaluatedProperties": False}, "unevaluatedProperties"),
    ({"properties": {"x": {"prefixItems": [{"type": "string"}]}}}, "prefixItems"),
    ({"dependentRequired": {"a": ["b"]}}, "dependentRequired"),
    ({"type": "string", "format": "email"}, "email"),
    ({"items": [{"type": "string"}]}, "items"),
    ({"const": 1, "enum": [1]}, "const and enum"),
])
def test_keywords_the_compiled_check_would_read_otherwise_stop_the_compilation(node, problem):
    compiler = _compile_script()
    with pytest.raises(compiler.NotCompilable, match=problem):
        compiler.rewritten(node)


def test_rewriting_keeps_2020_12_meanings():
    compiler = _compile_script()
    ref_with_limits = {"$ref": "#/$defs/line", "minLength": 20, "description": "why", "x-messages": {}}
    assert compiler.rewritten(ref_with_limits) == {"minLength": 20, "description": "why", "x-messages": {},
                                                   "allOf": [{"$ref": "#/$defs/line"}]}
    assert compiler.rewritten({"$ref": "#/$defs/line", "description": "why"}) == {"$ref": "#/$defs/line",
                                                                                  "description": "why"}
    assert compiler.rewritten({"properties": {"const": {"const": "x"}}}) == {"properties": {"const": {"enum": ["x"]}}}


def test_shipped_content_passes_the_compiled_check():
    assert SHIPPED
    for path in SHIPPED:
        assert assert_never_more_lenient(json.loads(path.read_text(encoding="utf-8"))), path


def test_every_fixture_gets_the_same_answer_or_goes_to_jsonschema():
    answers = {name: assert_never_more_lenient(data) for name, data in fixture_documents()}
    assert len(answers) > 100
    assert set(answers.values()) == {True, False}  # both answers are exercised


def test_findings_are_those_jsonschema_alone_makes(monkeypatch):
    """``schema.check`` with the compiled check in front gives the very findings it gave without it."""
    docs = []
    for name, data in fixture_documents():
        raw = json.dumps(data, indent=2, ensure_ascii=False).encode()
        docs.append(content.parse(content.Document(path=Path(f"{name}.json"), display=name), raw))
    with_compiled = [schema.check(doc) for doc in docs]
    monkeypatch.setattr(schema, "compiled_says_valid", lambda data: False)
    assert [schema.check(doc) for doc in docs] == with_compiled
    assert any(with_compiled) and not all(with_compiled)


def _seed() -> dict[str, Any]:
    return json.loads(SEED.read_text(encoding="utf-8"))


@pytest.mark.parametrize("pointer, value", [
    (("disclaimer",), "General information only."),  # minLength beside a $ref
    (("last_reviewed",), "2026-02-30"),  # the pattern holds, the calendar does not
    (("last_reviewed",), "2026-1-1"),
    (("last_reviewed",), "2026-01-01\n"),
    (("id",), "Spinal Fusion"),
    (("status",), True),
    (("risks", 0, "frequency"), {"band": "common"}),
    (("authors", 0, "role"), 7),
])
def test_documents_jsonschema_refuses_are_refused(pointer, value):
    data = _with(pointer, value)
    assert not jsonschema_valid(data)
    assert not schema.compiled_says_valid(data)


def test_a_trailing_newline_is_refused_by_both_checks(cli, tmp_path):
    """fastjsonschema reads "$" in a pattern as the very end; Python's re (and so jsonschema) also matches
    it before a final newline. The schema's patterns end in (?![\\s\\S]) instead, so both refuse."""
    data = _with(("id",), "spinal-fusion\n")
    assert not schema.compiled_says_valid(data)
    assert not jsonschema_valid(data)
    path = tmp_path / "spinal-fusion" / "en.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data), encoding="utf-8")
    result = cli("validate", path, "--format", "json")
    assert [f["pointer"] for f in json.loads(result.stdout)["findings"] if f["code"] == "LS006"] == ["/id"], result


def _with(pointer: tuple[Any, ...], value: Any) -> Any:
    data = _seed()
    holder: Any = data
    for step in pointer[:-1]:
        holder = holder[step]
    holder[pointer[-1]] = value
    return data


@pytest.mark.parametrize("text", ["2026-02-28", "2024-02-29", "2026-02-29", "2026-13-01", "2026-00-10",
                                  "2026-1-01", "20260101", "2026-01-01\n", "２０２６-01-01", "2026-01-01T00:00",
                                  "", "0000-01-01", "9999-12-31"])
def test_is_date_is_jsonschemas_date_format(text):
    from jsonschema import Draft202012Validator

    assert schema.is_date(text) == Draft202012Validator.FORMAT_CHECKER.conforms(text, "date")


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(st.dates(min_value=dt.date(1, 1, 1)), st.text(alphabet="0123456789-\n T", max_size=12))
def test_is_date_agrees_with_jsonschema_on_generated_text(day, noise):
    from jsonschema import Draft202012Validator

    for text in (day.isoformat(), noise, day.isoformat() + noise, noise + day.isoformat()[len(noise):]):
        assert schema.is_date(text) == Draft202012Validator.FORMAT_CHECKER.conforms(text, "date"), text


# Values a writer or an import could leave anywhere, chosen near the schema's edges.
EDGES = ["", " ", "x", "x" * 300, "2026-02-31", "2026-01-01", "2026-1-1", "a\n", "<b>bold</b>", "1 in 100",
         "https://example.org/x", "http://example.org", "someone@example.org", "+44 20 7946 0000", "en", "en-GB",
         "common", "very rare", "draft", "approved", 0, 1, -1, 1.5, 100, 101, True, False, None, [], {}, ["x"],
         {"x": 1}, [""], [{"list": []}], [{"list": ["x"]}]]


def _places(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if path:
        yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _places(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _places(item, (*path, index))


def _mutated(data: st.DataObject) -> Any:
    document = _seed()
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        places = list(_places(document))
        path = data.draw(st.sampled_from(places), label="where")
        parent = document
        for step in path[:-1]:
            parent = parent[step]
        how = data.draw(st.sampled_from(["replace", "replace", "delete", "add", "copy"]), label="how")
        value = data.draw(st.one_of(st.sampled_from(EDGES), st.text(max_size=12), st.integers(-5, 200)), label="value")
        if how == "replace":
            parent[path[-1]] = value
        elif how == "delete":
            del parent[path[-1]]
        elif how == "add" and isinstance(parent, dict):
            parent[data.draw(st.sampled_from(["extra", "titel", "note", "known", "band", "rate"]), label="key")] = value
        elif how == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[path[-1]]))
    return document


@pytest.mark.slow
@settings(max_examples=400, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_documents_are_never_accepted_by_the_compiled_check_alone(data: st.DataObject) -> None:
    assert_never_more_lenient(_mutated(data))
