"""`leaflets validate`: loading, schema findings, reporters, exit codes. Fast: no rendering here."""

from __future__ import annotations

import copy
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

from leaflets import content, schema
from leaflets.findings import Severity

VALID = FIXTURES / "validate" / "knee-arthroscopy" / "en.json"
SHIPPED = sorted((ROOT / "content").glob("*/*.json"))


def parse(raw: bytes, name: str = "x.json") -> content.Document:
    return content.parse(content.Document(path=Path(name), display=name), raw)


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def schema_findings(data: dict, text: str | None = None):
    """Schema findings for ``data``, positioned in ``text`` (pretty-printed data by default)."""
    raw = (text if text is not None else json.dumps(data, indent=2, ensure_ascii=False)).encode()
    doc = parse(raw, "leaflet.json")
    assert doc.usable, doc.findings
    return doc.findings + schema.check(doc)


@pytest.fixture
def leaflet() -> dict:
    return json.loads(VALID.read_text(encoding="utf-8"))


# --- bad bytes and bad JSON: a clear finding with a place, never a traceback ----------------------


def test_byte_order_mark_is_reported_and_the_rest_still_checked():
    doc = parse(b'\xef\xbb\xbf{"id": "x"}')
    assert codes(doc.findings) == ["LF004"]
    assert (doc.findings[0].line, doc.findings[0].column) == (1, 1)
    assert doc.usable  # parsing went on, so the schema still reports what is missing
    assert "LS001" in codes(schema.check(doc))


def test_bytes_that_are_not_utf8_are_located():
    doc = parse(b'{\n  "title": "caf\xe9 au lait"\n}')
    [finding] = doc.findings
    assert finding.code == "LF005"
    assert (finding.line, finding.column) == (2, 16)
    assert "0xe9" in finding.message and "UTF-8" in finding.message
    assert not doc.usable


@pytest.mark.parametrize("raw", [b"", b"   \n\t\n"])
def test_empty_file(raw):
    doc = parse(raw)
    assert codes(doc.findings) == ["LF003"]


def test_duplicate_keys_are_each_reported_where_the_second_one_is():
    raw = b'{\n  "title": "One",\n  "risks": [{"name": "a", "name": "b"}],\n  "title": "Two"\n}'
    doc = parse(raw)
    found = {(f.pointer, f.line, f.column) for f in doc.findings}
    assert codes(doc.findings) == ["LF007", "LF007"]
    assert ("/title", 4, 3) in found
    assert ("/risks/0/name", 3, 27) in found
    title = next(f for f in doc.findings if f.pointer == "/title")
    assert "first at line 2" in title.message and "lost" in title.message


@pytest.mark.parametrize("token", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused_with_their_place(token):
    doc = parse(f'{{\n  "risks": [\n    {{"rate": {token}}}\n  ]\n}}'.encode())
    [finding] = doc.findings
    assert finding.code == "LF009"
    assert (finding.line, finding.column) == (3, 14)
    assert finding.pointer == "/risks/0/rate"


@pytest.mark.parametrize(
    "raw, line, column, words",
    [
        (b'{\n  "title": "a",\n  "summary": "b",\n}', 4, 1, "trailing comma"),
        (b'{\n  "title": "a"\n  "summary": "b"\n}', 3, 3, "comma is missing"),
        (b'{\n  "title": "never closed', 2, 12, "never closed"),
        (b'{\n  "title": "line\nbreak"\n}', 2, 17, "line break"),
        (b'{"title": "a"} {"title": "b"}', 1, 16, "more after the end"),
    ],
)
def test_malformed_json_names_line_column_and_the_fault_in_plain_words(raw, line, column, words):
    [finding] = parse(raw).findings
    assert finding.code == "LF006"
    assert (finding.line, finding.column) == (line, column)
    assert words in finding.message


def test_a_file_of_tens_of_megabytes_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.json"
    with big.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)
    doc = content.load(big)
    assert codes(doc.findings) == ["LF002"]
    assert doc.text == ""


@pytest.mark.parametrize("depth", [50, 100_000])
def test_deep_nesting_is_refused(depth):
    doc = parse(b'{"a": ' + b"[" * depth + b"]" * depth + b"}")
    assert codes(doc.findings) == ["LF008"]


@pytest.mark.parametrize("raw", [b"[]", b'"text"', b"42", b"null"])
def test_a_file_that_is_not_an_object(raw):
    assert codes(parse(raw).findings) == ["LF010"]


def test_pointers_escape_slash_and_tilde():
    raw = b'{\n  "a/b": {\n    "c~d": [1,\n      2]\n  }\n}'
    scan = parse(raw).scan
    assert scan.positions["/a~1b"] == (2, 3)
    assert scan.positions["/a~1b/c~0d"] == (3, 5)
    assert scan.positions["/a~1b/c~0d/1"] == (4, 7)


# --- the schema: every problem, in words a writer understands -------------------------------------


def test_the_fixture_leaflet_is_valid(leaflet):
    assert schema_findings(leaflet) == []


def test_every_problem_is_reported_not_the_first(leaflet):
    del leaflet["summary"]
    leaflet["status"] = "finished"
    leaflet["risk"] = leaflet.pop("risks")
    leaflet["last_reviewed"] = "2026-02-30"
    found = schema_findings(leaflet)
    assert sorted(codes(found)) == ["LS001", "LS001", "LS002", "LS004", "LS006"]
    messages = " | ".join(f.message for f in found)
    assert 'unknown field "risk": did you mean "risks"?' in messages
    assert "the leaflet has no summary" in messages
    assert 'status is "finished": use one of "draft", "in-review", "approved"' in messages
    assert "not a real date" in messages


def test_a_risk_without_frequency_says_what_to_add_and_where(leaflet):
    del leaflet["risks"][0]["frequency"]
    text = json.dumps(leaflet, indent=2)
    [finding] = schema_findings(leaflet, text)
    assert finding.code == "LS001"
    assert finding.message.startswith("risks[0] has no frequency: add how often it happens")
    assert "a note saying the sources give none" in finding.message and '"known"' not in finding.message
    assert finding.pointer == "/risks/0"
    assert text.splitlines()[finding.line - 1].strip() == "{"  # the risk's own opening brace


def test_a_frequency_with_neither_rate_nor_note_is_refused(leaflet):
    """v2: a frequency is known exactly when it has a rate; with none, the note must say what is known."""
    leaflet["risks"][0]["frequency"] = {"per": "eyes"}
    [finding] = schema_findings(leaflet)
    assert (finding.code, finding.pointer) == ("LS001", "/risks/0/frequency")
    assert finding.message.startswith("risks[0].frequency has no note: a frequency with no rate needs a note")


def test_a_band_without_a_rate_needs_a_note_giving_its_reason(leaflet):
    """A verbal-only band ("rare") must say what the word rests on; the message says so, not "add it"."""
    leaflet["risks"][0]["frequency"] = {"band": "rare"}
    [finding] = schema_findings(leaflet)
    assert finding.code == "LS001"
    assert "for a band with no figure, what the word rests on" in finding.message
    leaflet["risks"][0]["frequency"]["note"] = "Our surgeons describe it as rare (expert opinion)."
    assert schema_findings(leaflet) == []


def test_a_frequency_may_give_a_rate_without_a_band(leaflet):
    leaflet["risks"][0]["frequency"] = {"rate": {"kind": "up-to", "percent": 5}, "per": "operations",
                                        "within": "within a year"}
    assert schema_findings(leaflet) == []


def test_an_old_known_field_is_refused_with_the_fields_allowed(leaflet):
    leaflet["risks"][0]["frequency"] = {"known": True, "rate": {"kind": "about", "percent": 1}}
    [finding] = schema_findings(leaflet)
    assert (finding.code, finding.pointer) == ("LS002", "/risks/0/frequency/known")


def test_a_between_rate_needs_both_ends(leaflet):
    leaflet["risks"][0]["frequency"] = {"band": "common", "rate": {"kind": "between", "percent": 5}}
    found = schema_findings(leaflet)
    assert {f.code for f in found} == {"LS001", "LS009"}


def test_a_bound_takes_percent_not_a_range(leaflet):
    leaflet["risks"][0]["frequency"] = {"rate": {"kind": "more-than", "percent_from": 5, "percent_to": 10}}
    found = schema_findings(leaflet)
    assert {f.code for f in found} == {"LS001", "LS009"}


def test_html_in_text_is_refused(leaflet):
    leaflet["procedure"] = ["A look inside the knee with a <b>camera</b>."]
    [finding] = schema_findings(leaflet)
    assert finding.code == "LS006"
    assert "no HTML" in finding.message
    assert finding.pointer == "/procedure/0"


def test_an_approved_leaflet_needs_its_approver(leaflet):
    leaflet["status"] = "approved"
    [finding] = schema_findings(leaflet)
    assert finding.message.startswith("the leaflet has no approval")
    leaflet["approval"] = {"name": "A. Surgeon", "role": "Consultant orthopaedic surgeon", "date": "2026-11-20"}
    assert schema_findings(leaflet) == []


def test_alternatives_must_include_not_having_it(leaflet):
    leaflet["alternatives"] = [a for a in leaflet["alternatives"] if not a.get("no_treatment")]
    [finding] = schema_findings(leaflet)
    assert finding.code == "LS008"
    assert "not having the operation" in finding.message


def test_wrong_types_are_named_in_plain_words(leaflet):
    leaflet["risks"] = {"name": "Infection"}
    leaflet["procedure"] = [42]
    found = {f.pointer: f.message for f in schema_findings(leaflet)}
    assert found["/risks"] == "risks should be a list [ ... ], not an object"
    assert found["/procedure/0"].startswith("procedure[0] should be text or an object { ... }, not a number")


REQUIRED_SECTIONS = ["risks", "recovery", "disclaimer"]


def _broken_variants(data: dict):
    """Each required section removed, and each emptied."""
    for key in REQUIRED_SECTIONS:
        removed = copy.deepcopy(data)
        del removed[key]
        yield f"no {key}", key, removed
        emptied = copy.deepcopy(data)
        emptied[key] = type(data[key])()
        yield f"empty {key}", key, emptied


@pytest.mark.parametrize("path", SHIPPED + [VALID], ids=lambda p: p.parent.name)
def test_removing_or_emptying_risks_recovery_or_disclaimer_is_an_error_naming_field_and_line(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    for label, key, broken in _broken_variants(data):
        text = json.dumps(broken, indent=2, ensure_ascii=False)
        errors = [f for f in schema_findings(broken, text) if f.severity is Severity.ERROR]
        assert errors, label
        named = [f for f in errors if key in f.message]
        assert named, (label, [f.message for f in errors])
        if label.startswith("empty"):
            assert text.splitlines()[named[0].line - 1].lstrip().startswith(f'"{key}"'), label


# --- the shipped content ------------------------------------------------------------------------


def test_five_procedures_ship_and_none_is_approved():
    assert len({path.parent.name for path in SHIPPED}) == 5  # and one Welsh translation (spinal-fusion/cy.json)
    for path in SHIPPED:
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["status"] != "approved", path
        assert (data["id"], data["language"]) == (path.parent.name, path.stem)


def test_shipped_leaflets_validate_with_no_errors():
    result = run_cli("validate", "content", "--format", "json")
    assert result.code == 0, result
    report = json.loads(result.stdout)
    assert report["summary"]["files"] == len(SHIPPED)
    assert report["summary"]["errors"] == 0


# --- the command line -----------------------------------------------------------------------------


@pytest.fixture
def broken_dir(tmp_path, leaflet) -> Path:
    """One valid leaflet and one with two schema errors and a JSON syntax error in a third."""
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "en.json").write_text(json.dumps({**leaflet, "id": "good"}, indent=2))
    bad = copy.deepcopy({**leaflet, "id": "bad"})
    del bad["disclaimer"]
    bad["risks"] = []
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "en.json").write_text(json.dumps(bad, indent=2))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "en.json").write_text('{\n  "id": "x",\n}\n')
    return tmp_path


def test_text_format_lists_every_finding_then_a_summary(broken_dir):
    result = run_cli("validate", broken_dir)
    assert result.code == 1, result
    lines = [line for line in result.stdout.splitlines() if not line.startswith(" ")]
    assert any("bad/en.json:1:1: LS001 error: the leaflet has no disclaimer" in line for line in lines), result
    assert any("bad/en.json:" in line and "LS005 error: risks is empty" in line for line in lines), result
    assert any("broken/en.json:3:1: LF006 error: invalid JSON" in line for line in lines), result
    assert lines[-1] == "3 files checked: 3 errors, 0 warnings."
    assert "^" in result.stdout  # the offending source line with a caret under the column


def test_json_format(broken_dir):
    result = run_cli("validate", broken_dir, "--format", "json")
    assert result.code == 1, result
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] == 3
    for finding in report["findings"]:
        assert {"file", "line", "column", "pointer", "code", "severity", "message"} <= finding.keys()
    assert {f["pointer"] for f in report["findings"]} >= {"/risks", ""}


def test_junit_format_has_one_case_per_file_and_fails_the_bad_ones(broken_dir):
    result = run_cli("validate", broken_dir, "--format", "junit")
    assert result.code == 1, result
    suite = ET.fromstring(result.stdout).find("testsuite")
    cases = {case.get("name").split("/")[-2]: case for case in suite.findall("testcase")}
    assert set(cases) == {"good", "bad", "broken"}
    assert cases["good"].find("failure") is None
    assert "LS005" in cases["bad"].find("failure").text
    assert suite.get("failures") == "2"


def test_github_format_makes_annotations(broken_dir):
    result = run_cli("validate", broken_dir, "--format", "github")
    assert result.code == 1, result
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 3
    assert any(",line=3,col=1," in line and "LF006" in line for line in annotations)


def test_sarif_format(broken_dir):
    result = run_cli("validate", broken_dir, "--format", "sarif")
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"LS001", "LS005", "LF006"}
    assert all(r["locations"][0]["physicalLocation"]["region"]["startLine"] >= 1 for r in results)


def test_report_can_go_to_a_file(broken_dir, tmp_path):
    out = tmp_path / "report.json"
    result = run_cli("validate", broken_dir, "--format", "json", "--output", out)
    assert result.code == 1 and result.stdout == ""
    assert json.loads(out.read_text())["summary"]["errors"] == 3


def test_exit_zero_for_a_valid_file():
    result = run_cli("validate", VALID)
    assert result.code == 0, result
    assert result.stdout.strip() == "1 file checked: no problems found."


@pytest.mark.parametrize(
    "args, words",
    [
        (["validate", "no/such/leaflet.json"], "no/such/leaflet.json: no such file or folder"),
        (["validate", "--format", "yaml", "content"], "Invalid value for '--format'"),
        (["validate", "--bogus"], "No such option"),
    ],
)
def test_usage_problems_exit_two_with_a_clear_message(args, words):
    result = run_cli(*args)
    assert result.code == 2, result
    assert words in result.stderr
    assert "Traceback" not in result.stderr


def test_a_folder_with_no_leaflets_is_a_usage_problem(tmp_path):
    (tmp_path / "notes.txt").write_text("not a leaflet")
    result = run_cli("validate", tmp_path)
    assert result.code == 2, result
    assert "no leaflets" in result.stderr


@pytest.mark.parametrize(
    "raw",
    [b"", b"\xef\xbb\xbf{}", b'{"a": 1, "a": 2}', b"{\"a\": NaN}", b"\xff\xfe{", b"[" * 50_000, b"{,}"],
    ids=["empty", "bom", "duplicate", "nan", "utf16", "deep", "syntax"],
)
def test_hostile_files_get_findings_never_a_traceback(tmp_path, raw):
    path = tmp_path / "x.json"
    path.write_bytes(raw)
    result = run_cli("validate", path, "--format", "json")
    assert result.code == 1, result
    assert "Traceback" not in result.stderr
    assert any(f["code"].startswith("LF") for f in json.loads(result.stdout)["findings"])


def test_the_checkout_script_forwards_to_the_cli():
    import subprocess

    done = subprocess.run([sys.executable, "cli.py", "validate", str(VALID)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "no problems found" in done.stdout


def _imported_by_validate(path: Path) -> tuple[int, set[str]]:
    """(exit code, top-level packages imported) of `leaflets validate PATH`, from ``python -X importtime``."""
    import subprocess

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "leaflets", "validate", str(path)],
        cwd=ROOT, capture_output=True, text=True,
    )
    return done.returncode, {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines()
                             if "|" in line}


def test_validate_does_not_import_the_rendering_stack_nor_jsonschema_for_a_valid_file():
    code, imported = _imported_by_validate(VALID)
    assert code == 0
    assert "fastjsonschema" in imported  # the measurement works: the compiled schema check ran
    assert not imported & {"weasyprint", "pikepdf", "jinja2", "segno", "pydyf", "fontTools", "PIL"}
    assert not imported & {"jsonschema", "referencing", "attrs", "attr", "rpds"}


def test_validate_imports_jsonschema_only_to_explain_a_schema_error(tmp_path):
    data = json.loads(VALID.read_text(encoding="utf-8"))
    data["status"] = "finished"
    broken = tmp_path / "knee-arthroscopy" / "en.json"
    broken.parent.mkdir()
    broken.write_text(json.dumps(data, indent=2), encoding="utf-8")
    code, imported = _imported_by_validate(broken)
    assert code == 1
    assert "jsonschema" in imported
    assert not imported & {"weasyprint", "pikepdf", "jinja2"}


def test_format_choices_are_the_reporters():
    from leaflets.cli import REPORT_FORMATS
    from leaflets.report import REPORTERS

    assert REPORT_FORMATS == list(REPORTERS)


def test_pre_commit_hook_runs_the_validator():
    hooks = (ROOT / ".pre-commit-hooks.yaml").read_text()
    assert "id: leaflets-validate" in hooks
    assert "entry: leaflets validate" in hooks


def test_schema_is_valid_draft_2020_12_with_descriptions_everywhere():
    from jsonschema import Draft202012Validator

    leaflet_schema = schema.load_schema("leaflet")
    Draft202012Validator.check_schema(leaflet_schema)
    assert leaflet_schema["$id"].endswith("leaflet.v2.schema.json")

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub, f"{where}/properties/{name} has no description"
            for key, sub in node.items():
                if key in ("contains", "if", "not"):  # matchers, not properties a writer fills in
                    continue
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for index, sub in enumerate(node):
                walk(sub, f"{where}/{index}")

    walk(leaflet_schema, "")


def test_the_example_in_the_writers_guide_is_a_valid_leaflet(tmp_path):
    guide = (ROOT / "docs" / "content-model.md").read_text(encoding="utf-8")
    block = guide.split("<!-- example-leaflet:start -->")[1].split("<!-- example-leaflet:end -->")[0]
    example = json.loads(block.split("```json")[1].split("```")[0])
    folder = tmp_path / example["id"]
    folder.mkdir()
    (folder / f"{example['language']}.json").write_text(json.dumps(example, indent=2), encoding="utf-8")
    result = run_cli("validate", folder)
    assert result.code == 0, result


def test_the_docs_tell_writers_to_name_the_current_schema():
    """A writer copies "$schema" from the guide: the guide once named schemas/leaflet.schema.json, which
    content format v2 renamed, so a file started from it pointed at nothing and read as format v1 (LS010).
    Every "$schema" value the docs show must be the current format's, and every schema file they name
    must exist."""
    from leaflets.content_format import SCHEMA_REF

    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        text = doc.read_text(encoding="utf-8")
        shown = re.findall(r'"\$schema":\s*"([^"]+)"', text)
        assert all(value == SCHEMA_REF for value in shown if "leaflet" in value), (doc.name, shown)
        for name in set(re.findall(r"schemas/([\w.-]+\.json)", text)):
            assert (ROOT / "schemas" / name).is_file(), (doc.name, name)


def test_many_files_are_checked_in_parallel_with_the_same_report(tmp_path, leaflet):
    for index in range(60):
        folder = tmp_path / f"copy-{index:02d}" / f"knee-arthroscopy-{index:02d}"
        folder.mkdir(parents=True)
        data = copy.deepcopy(leaflet) | {"id": folder.name}  # each its own id: copies of one leaflet are LF011
        if index % 20 == 7:
            del data["risks"]
        (folder / "en.json").write_text(json.dumps(data, indent=2))
    (tmp_path / "copy-33" / "knee-arthroscopy-33" / "en.json").write_text('{"id": }')
    serial = run_cli("validate", tmp_path, "--jobs", "1")
    parallel = run_cli("validate", tmp_path, "--jobs", "2")
    assert serial.code == parallel.code == 1, parallel
    assert serial.stdout == parallel.stdout
    assert serial.stdout.splitlines()[-1] == "60 files checked: 4 errors, 0 warnings."
    assert "copy-33/knee-arthroscopy-33/en.json:1:8: LF006" in parallel.stdout


@pytest.mark.parametrize("fmt", ["text", "junit", "github"])
def test_findings_without_a_line_name_their_page_and_object_in_every_line_format(fmt):
    from leaflets.findings import Finding, Report
    from leaflets.report import REPORTERS, ReportOptions

    finding = Finding("a.pdf", 0, 0, "page 3 / font F1", "PF005", Severity.ERROR, "font F1 is not embedded")
    out = REPORTERS[fmt](Report([finding], ["a.pdf"]), ReportOptions())
    assert "page 3 / font F1: " in out
    assert "a.pdf:0:0" not in out


def test_a_badly_written_date_is_one_finding_not_two(leaflet):
    leaflet["last_reviewed"] = "23/11/26"
    [finding] = schema_findings(leaflet)
    assert finding.code == "LS006" and finding.pointer == "/last_reviewed"
    assert "YYYY-MM-DD" in finding.message
