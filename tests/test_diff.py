"""`leaflets diff`: clinical facts first (exit 1 when one changed), wording second (exit 0 when only that)."""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

SHIPPED = ROOT / "content" / "spinal-fusion" / "en.json"


def original() -> dict[str, Any]:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def write(path: Path, data: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def pair(tmp_path: Path, new: dict[str, Any]) -> tuple[Path, Path]:
    return write(tmp_path / "old" / "en.json", original()), write(tmp_path / "new" / "en.json", new)


def risk_named(data: dict[str, Any], name: str) -> dict[str, Any]:
    return next(r for r in data["risks"] if r["name"] == name)


def test_a_frequency_change_is_clinical_and_named_in_text_and_json(tmp_path: Path):
    new = original()
    risk_named(new, "Infection")["frequency"] = {"rate": {"kind": "about", "percent": 2},
                                                 "band": "common"}
    old_path, new_path = pair(tmp_path, new)
    text = run_cli("diff", old_path, new_path)
    assert text.code == 1, text
    assert 'frequency of "Infection": no figure → about 2%' in text.stdout
    assert 'band of "Infection": no band → common' in text.stdout
    assert "needs clinical sign-off" in text.stdout
    report = run_cli("diff", old_path, new_path, "--format", "json")
    assert report.code == 1
    found = json.loads(report.stdout)
    assert found["clinical"] is True
    [change] = [c for c in found["changes"] if c["kind"] == "frequency"]
    assert (change["subject"], change["old"], change["new"]) == ('"Infection"', "no figure", "about 2%")


def test_wording_only_exits_0_and_marks_the_words(tmp_path: Path):
    new = original()
    new["procedure"][0] = new["procedure"][0].replace("joins two or more vertebrae", "joins two or more bones")
    old_path, new_path = pair(tmp_path, new)
    result = run_cli("diff", old_path, new_path)
    assert result.code == 0, result
    assert "Clinical changes: none." in result.stdout and "only wording changed" in result.stdout
    assert "[-vertebrae-] {+bones+}" in result.stdout and "procedure:" in result.stdout


def test_identical_files_exit_0(tmp_path: Path):
    old_path, new_path = pair(tmp_path, original())
    result = run_cli("diff", old_path, new_path)
    assert result.code == 0 and "no changes" in result.stdout, result


def test_a_renamed_risk_is_reported_as_renamed_not_removed_and_added(tmp_path: Path):
    new = original()
    risk_named(new, "Nerve injury")["name"] = "Nerve damage"
    old_path, new_path = pair(tmp_path, new)
    result = run_cli("diff", old_path, new_path, "--format", "json")
    assert result.code == 1, result
    kinds = [(c["kind"], c["old"], c["new"]) for c in json.loads(result.stdout)["changes"]]
    assert ("risk-renamed", "Nerve injury", "Nerve damage") in kinds
    assert not [k for k in kinds if k[0] in ("risk-added", "risk-removed")], kinds


def test_added_and_removed_risks_alternatives_sources_and_numbers_in_text(tmp_path: Path):
    new = original()
    removed = new["risks"].pop()
    new["risks"].append({"name": "Chest infection", "description": ["Your lungs can become infected."],
                         "frequency": {"rate": {"kind": "less-than", "percent": 1}, "band": "uncommon"}})
    new["alternatives"] = [a for a in new["alternatives"] if a["name"] != "Disc replacement"]
    new["sources"].append({"title": "A new guideline", "kind": "guideline"})
    new["recovery"]["hospital_stay"] = ["Most people stay in hospital for 3 to 5 days."]
    old_path, new_path = pair(tmp_path, new)
    result = run_cli("diff", old_path, new_path)
    assert result.code == 1, result
    assert f'risk removed: "{removed["name"]}"' in result.stdout
    assert 'risk added: "Chest infection" (less than 1%, uncommon)' in result.stdout
    assert 'alternative removed: "Disc replacement"' in result.stdout
    assert 'source added: "A new guideline"' in result.stdout
    assert "numbers in recovery: (none) → 3, 5" in result.stdout


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    write(repo / "content" / "spinal-fusion" / "en.json", original())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    edited = original()
    risk_named(edited, "Infection")["frequency"] = {"rate": {"kind": "about", "percent": 3},
                                                    "band": "common"}
    write(repo / "content" / "spinal-fusion" / "en.json", edited)
    return repo


def test_a_git_revision_is_read_with_path_at_rev(repo: Path):
    result = run_cli("diff", "content/spinal-fusion/en.json@HEAD", "content/spinal-fusion/en.json", cwd=repo)
    assert result.code == 1 and 'frequency of "Infection": no figure → about 3%' in result.stdout, result
    inside = run_cli("diff", "en.json@HEAD", "en.json", cwd=repo / "content" / "spinal-fusion")
    assert inside.code == 1 and inside.stdout.count("about 3%") == result.stdout.count("about 3%"), inside
    git(repo, "commit", "-q", "-am", "second")
    both = run_cli("diff", "content/spinal-fusion/en.json@HEAD~1", "content/spinal-fusion/en.json@HEAD", cwd=repo)
    assert both.code == 1 and "about 3%" in both.stdout, both


@pytest.mark.parametrize("argument, words", [
    ("content/spinal-fusion/en.json@no-such-rev", "cannot read content/spinal-fusion/en.json at revision"),
    ("content/spinal-fusion/en.json@HEAD~5", "cannot read content/spinal-fusion/en.json at revision 'HEAD~5'"),
    ("content/other/en.json@HEAD", "cannot read content/other/en.json"),
    ("content@HEAD", "is not a file"),
    ("content/spinal-fusion/en.json@--output=x", "is not a revision"),
    ("content/spinal-fusion/missing.json", "no such file"),
])
def test_bad_revisions_and_files_are_usage_errors(repo: Path, argument: str, words: str):
    (repo / "content" / "other").mkdir()
    result = run_cli("diff", argument, "content/spinal-fusion/en.json", cwd=repo)
    assert result.code == 2 and words in result.stderr and "Traceback" not in result.stderr, result


def test_a_file_outside_git_or_not_json_is_a_usage_error(tmp_path: Path):
    good = write(tmp_path / "a" / "en.json", original())
    result = run_cli("diff", f"{good}@HEAD", good, cwd=tmp_path)
    assert result.code == 2 and "not in a git repository" in result.stderr, result
    broken = tmp_path / "b" / "en.json"
    broken.parent.mkdir()
    broken.write_text('{\n  "id": "x",\n  "title": }', encoding="utf-8")
    result = run_cli("diff", good, broken)
    assert result.code == 2 and "LF006" in result.stderr and ":3:" in result.stderr, result
    assert "Traceback" not in result.stderr


def test_html_is_a_standalone_page_that_escapes_hostile_content(tmp_path: Path):
    new = original()
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    risk_named(new, "Infection")["name"] = hostile
    new["summary"] += " " + hostile
    new["alternatives"].append({"name": "</h3><iframe src=https://example.org>", "description": ["A new option."]})
    new["benefits"].append("&amp; <b>bold</b>")
    old_path, new_path = pair(tmp_path, new)
    result = run_cli("diff", old_path, new_path, "--format", "html")
    assert result.code == 1, result
    page = result.stdout
    assert page.startswith("<!DOCTYPE html>") and "</html>" in page
    assert "<script" not in page.lower() and "<img" not in page and "<iframe" not in page and "<b>" not in page
    assert html.escape(hostile) in page and "&amp;amp;" in page
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page))
    assert tags <= {"html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "p", "ul", "li",
                    "del", "ins"}, tags


def test_colour_only_when_forced_and_never_with_no_color(tmp_path: Path):
    new = copy.deepcopy(original())
    new["summary"] = new["summary"].replace("spinal fusion", "back fusion")
    old_path, new_path = pair(tmp_path, new)
    plain = run_cli("diff", old_path, new_path, env={"NO_COLOR": ""})
    forced = run_cli("diff", old_path, new_path, env={"NO_COLOR": "", "FORCE_COLOR": "1"})
    both = run_cli("diff", old_path, new_path, env={"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert "\x1b[" not in plain.stdout and "\x1b[" in forced.stdout and "\x1b[" not in both.stdout
