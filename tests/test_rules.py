"""Content rules: every rule has docs and a failing and a passing fixture, run through the real CLI.

Fixtures are small edits (JSON pointer -> value) to one clean base leaflet, written out as real
files at content-style paths (<id>/<lang>.json) and validated in one `leaflets validate` run.
A passing case must make a leaflet the schema accepts; one that is invalid on purpose (to show a rule
leaves a fault to the schema) lists the LS codes it expects under "schema".
"""

from __future__ import annotations

import base64
import copy
import json
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, brand_copy, run_cli

from leaflets.rules import all_rules, content_rules

RULES_FIXTURES = FIXTURES / "rules"
BASE = RULES_FIXTURES / "base" / "carpal-tunnel-release" / "en.json"
CASES = RULES_FIXTURES / "cases"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the base leaflet's dates are set against this day


def set_pointer(data: Any, pointer: str, value: Any) -> None:
    *parents, last = pointer.split("/")[1:]
    holder = data
    for token in parents:
        holder = holder[int(token)] if isinstance(holder, list) else holder.setdefault(token, {})
    if isinstance(holder, list):
        if last == "-":
            holder.append(value)
        else:
            holder[int(last)] = value
    else:
        holder[last] = value


def remove_pointer(data: Any, pointer: str) -> None:
    *parents, last = pointer.split("/")[1:]
    holder = data
    for token in parents:
        holder = holder[int(token)] if isinstance(holder, list) else holder[token]
    del holder[int(last) if isinstance(holder, list) else last]


def build(edit: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The base leaflet with one fixture's edits, and the path (<id>/<lang>.json) to write it at."""
    data = json.loads(BASE.read_text(encoding="utf-8"))
    if edit.get("pinned"):  # LT: a translation of the base leaflet as it is, before any edit
        from leaflets.translation import pin

        data["translation_of"] = pin(json.loads(BASE.read_text(encoding="utf-8")))
    for pointer in edit.get("remove", []):
        remove_pointer(data, pointer)
    for pointer, value in edit.get("set", {}).items():
        set_pointer(data, pointer, copy.deepcopy(value))
    return edit.get("path", "carpal-tunnel-release/en.json"), data


def load_cases() -> list[tuple[str, str, int, dict[str, Any]]]:
    cases = []
    for file in sorted(CASES.glob("*.json")):
        spec = json.loads(file.read_text(encoding="utf-8"))
        assert spec["rule"] == file.stem
        for outcome in ("fail", "pass"):
            for index, edit in enumerate(spec[outcome]):
                cases.append((spec["rule"], outcome, index, edit))
    return cases


ALL_CASES = load_cases()


@pytest.fixture(scope="module")
def case_results(tmp_path_factory) -> dict[tuple[str, str, int], tuple[list[str], list[dict]]]:
    """Write every case as a leaflet file and validate them all in one CLI run (JSON report)."""
    root = tmp_path_factory.mktemp("rule-cases")
    where: dict[tuple[str, str, int], str] = {}
    for code, outcome, index, edit in ALL_CASES:
        relative, data = build(edit)
        target = root / f"{code}-{outcome}-{index}" / relative
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        for name, text in edit.get("files", {}).items():  # files beside the leaflet (LM007: an import's leftovers)
            (target.parent / name).write_text(text, encoding="utf-8")
        for name, data in edit.get("binary_files", {}).items():  # base64: a figure's PNG (LM021)
            (target.parent / name).write_bytes(base64.b64decode(data))
        for other in edit.get("related", []):  # LM010: leaflets in folders beside this one's, the base with their id
            _, sibling = build({"set": {"/id": other}})
            (target.parent.parent / other).mkdir()
            (target.parent.parent / other / "en.json").write_text(json.dumps(sibling, indent=2), encoding="utf-8")
        if "source" in edit:  # LT: the translation's source beside it, the base leaflet with its own edits
            _, source = build(edit["source"])
            (target.parent / "en.json").write_text(json.dumps(source, indent=2, ensure_ascii=False), encoding="utf-8")
        where[(code, outcome, index)] = str(target.relative_to(root))
    # The shipped brands, and one more whose slot "unfinished_probe" is a placeholder (LL003's fixtures).
    probe = brand_copy(tmp_path_factory.mktemp("rule-brand"), lambda data: data.setdefault("slots", {}).update(
        unfinished_probe="TBC: the ward will tell you"), name="probe")
    brands = ["--brand", "default", "--brand", "example-hospital", "--brand", str(probe)]
    result = run_cli("validate", "--format", "json", *brands, ".", cwd=root, env=TODAY)
    assert result.code in (0, 1), result
    report = json.loads(result.stdout)
    by_file: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        by_file.setdefault(finding["file"], []).append(finding)
    return {key: ([f["code"] for f in by_file.get(path, [])], by_file.get(path, [])) for key, path in where.items()}


@pytest.mark.parametrize("code,outcome,index,edit", ALL_CASES, ids=[f"{c}-{o}-{i}" for c, o, i, _ in ALL_CASES])
def test_rule_fixture(case_results, code, outcome, index, edit):
    codes, findings = case_results[(code, outcome, index)]
    assert not [f for f in findings if f["code"] == "LX001"], findings  # no rule may crash on any fixture
    if outcome == "fail":
        assert code in codes, f"{code} should fire on {edit}; got {findings}"
    else:
        assert code not in codes, f"{code} should not fire on {edit}; got {findings}"
        # a passing case proves little if the leaflet it makes is not one the schema accepts (a pointer into a
        # field that is not a list, a misspelt key): the rule may only be quiet because the data is not there.
        # A case that is invalid on purpose ("the schema reports it, so the rule does not") names its LS codes.
        schema = sorted({f["code"] for f in findings if f["code"].startswith("LS")})
        assert code.startswith("LS") or schema == sorted(edit.get("schema", [])), \
            f"{code}'s passing case {edit} gives schema findings {schema}: make it a valid leaflet, or name them"


def test_base_leaflet_is_clean():
    result = run_cli("validate", BASE, env=TODAY)
    assert result.code == 0 and "no problems found" in result.stdout, result


def test_every_rule_has_docs_and_fixtures():
    case_codes = {code for code, *_ in ALL_CASES}
    outcomes = {(code, outcome) for code, outcome, *_ in ALL_CASES}
    for rule in all_rules().values():
        assert rule.summary and rule.what, rule.code
        if rule.family in ("LF", "LS"):
            continue  # documented here, tested with their fixtures in test_validate.py
        assert rule.why and rule.bad and rule.good, f"{rule.code} lacks docs"
        if rule.code == "LX001":
            continue  # no leaflet can crash a rule on purpose: see test_a_crashing_rule_becomes_a_finding
        assert (rule.code, "fail") in outcomes and (rule.code, "pass") in outcomes, \
            f"{rule.code} needs a failing and a passing fixture in {CASES}"
    assert case_codes <= set(all_rules()), case_codes - set(all_rules())


def test_every_word_list_loads_and_compiles():
    from leaflets.rules import data, hygiene, readability

    for rule in all_rules().values():
        if rule.data_file:
            assert (ROOT / rule.data_file).is_file(), rule.code
    lists = [data.phrases("claims", "absolute"), data.phrases("claims", "promotional"),
             data.phrases("placeholders"), data.phrases("web_leftovers")]
    assert all(phrase_list.entries for phrase_list in lists)
    assert readability.jargon() and hygiene._spellings() and hygiene._web_lines()[0]


def test_a_broken_word_list_is_reported_with_its_file(tmp_path, monkeypatch):
    from leaflets.rules import data

    (tmp_path / "bad.toml").write_text("[[entry]]\npattern = 'Upper(case'\n")
    monkeypatch.setattr(data, "DATA", tmp_path)
    data.load.cache_clear()
    try:
        with pytest.raises(data.DataError, match="lower case"):
            data.PhraseList("bad")
    finally:
        data.load.cache_clear()


def test_rule_codes_names_and_families_are_well_formed():
    rules = all_rules()
    assert len({r.name for r in rules.values()}) == len(rules)
    assert {r.family for r in rules.values()} == {"LF", "LS", "LR", "LN", "LD", "LC", "LH", "LM", "LT", "LL", "LX"}
    for rule in content_rules():
        assert rule.configurable and rule.check is not None


def test_docs_rules_md_is_generated_from_the_registry():
    result = run_cli("rules", "--format", "markdown")
    assert result.code == 0, result
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert docs == result.stdout, "docs/rules.md is out of date: run `leaflets rules --format markdown > docs/rules.md`"
    for code in all_rules():
        assert code in docs


def test_rules_lists_every_code_including_file_and_schema_codes():
    result = run_cli("rules")
    assert result.code == 0, result
    for code in ("LF001", "LF010", "LS001", "LS009", "LR001", "LN001", "LD001", "LC001", "LH001", "LM001", "LX001"):
        assert code in result.stdout
    listed = json.loads(run_cli("rules", "--format", "json").stdout)
    assert [r["code"] for r in listed] == list(all_rules())


def test_rule_explains_one_code_and_rejects_unknown_ones():
    result = run_cli("rule", "ln001")
    assert result.code == 0 and "band-mismatch" in result.stdout and "Why it matters" in result.stdout, result
    assert "Example that fires" in result.stdout and "Write instead" in result.stdout
    data_rule = run_cli("rule", "LC001")
    assert "leaflets/rules/data/claims.toml" in data_rule.stdout, data_rule
    unknown = run_cli("rule", "LQ123")
    assert unknown.code == 2 and "unknown rule code" in unknown.stderr, unknown
