"""`leaflets validate` against hostile files, names and strings, and as another repository's pre-commit hook.

Every case runs the real CLI as a subprocess and parses what each reporter writes.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli

VALID = FIXTURES / "validate" / "knee-arthroscopy" / "en.json"
SEED_000 = FIXTURES / "rules" / "seeds" / "seed-000" / "pars-repair-web" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-12-01"}  # after the fixtures' last review, before their next
FORMATS = ["text", "json", "junit", "github", "sarif"]


def every_format(*args, cwd: Path = ROOT) -> dict[str, str]:
    """Run validate in every format; none may crash, and each must parse as what it claims to be."""
    outputs = {}
    for fmt in FORMATS:
        result = run_cli("validate", *args, "--format", fmt, cwd=cwd, env=TODAY)
        assert result.code == 1 and "Traceback" not in result.stderr, result
        if fmt in ("json", "sarif"):
            json.loads(result.stdout)
        elif fmt == "junit":
            ET.fromstring(result.stdout)
        outputs[fmt] = result.stdout
    return outputs


def test_a_lone_surrogate_escape_is_a_finding_in_every_format(tmp_path):
    # Python's json accepts "\ud83d" alone, but it is half a character and cannot be written as UTF-8
    path = tmp_path / "x.json"
    path.write_text('{\n  "title": "Smile \\ud83d here",\n  "k\\udc00": 1\n}\n', encoding="utf-8")
    outputs = every_format(path)
    findings = json.loads(outputs["json"])["findings"]
    assert [(f["code"], f["line"], f["column"]) for f in findings] == [("LF005", 2, 19), ("LF005", 3, 5)]
    assert "\\ud83d" in findings[0]["message"]


def test_a_surrogate_pair_escape_is_fine():
    doc_text = '{"title": "Smile \\ud83d\\ude00"}'
    from leaflets import content

    doc = content.parse(content.Document(path=Path("x.json"), display="x.json"), doc_text.encode())
    assert doc.usable and doc.findings == []


@pytest.mark.parametrize("field", ["id", "language", "version"])
def test_a_trailing_newline_does_not_slip_past_an_anchored_pattern(tmp_path, field):
    """Python's re lets ``$`` match before a final newline; an id of "knee-arthroscopy\\n" must not pass
    (it would name an output file)."""
    data = json.loads(VALID.read_text(encoding="utf-8"))
    data[field] += "\n"
    path = tmp_path / "knee-arthroscopy" / "en.json"
    path.parent.mkdir()
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run_cli("validate", path, "--format", "json", env=TODAY)
    assert result.code == 1, result
    assert [f["pointer"] for f in json.loads(result.stdout)["findings"] if f["code"] == "LS006"] == [f"/{field}"]


def test_a_pipe_is_refused_instead_of_waiting_for_it_forever(tmp_path):
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    result = run_cli("validate", fifo, "--format", "json", timeout=20)
    assert result.code == 1, result
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["code"] == "LF001" and "not a regular file" in finding["message"]


def test_a_symlink_loop_named_on_the_command_line_says_why_it_cannot_be_read(tmp_path):
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop.name)
    result = run_cli("validate", loop)
    assert result.code == 1, result
    assert "LF001" in result.stdout and "symbolic links" in result.stdout
    assert "no such file" not in result.stderr


def test_control_characters_in_keys_and_names_cannot_reach_the_terminal_or_break_xml(tmp_path):
    folder = tmp_path / "new\nline"
    folder.mkdir()
    (folder / "en.json").write_text('{"k\\u0001\\u001b[2J": 1, "id": "a\\u0001b"}', encoding="utf-8")
    outputs = every_format(".", cwd=tmp_path)
    for fmt in ("text", "github", "junit"):
        assert "\x1b" not in outputs[fmt] and "\x01" not in outputs[fmt], fmt
    assert '"k\\u0001\\u001b[2J"' in outputs["text"]  # shown, visibly
    # a line break in a file name stays one line of text, and survives as an XML attribute
    assert all(line.startswith(("new\\nline/en.json:", "    ", "      ", "1 file")) or not line
               for line in outputs["text"].splitlines()), outputs["text"]
    [case] = ET.fromstring(outputs["junit"]).iter("testcase")
    assert case.get("name") == "new\nline/en.json"


def test_a_file_name_that_is_not_utf8_can_be_reported_to_a_file(tmp_path):
    folder = tmp_path / os.fsdecode(b"caf\xe9")  # a leaflet is <id>/<lang>.json: the odd bytes are in the id folder
    folder.mkdir()
    (folder / "en.json").write_bytes(b'{"id": }')
    out = tmp_path / "report.json"
    result = run_cli("validate", ".", "--format", "json", "--output", out, cwd=tmp_path)
    assert result.code == 1 and "Traceback" not in result.stderr, result
    [finding] = json.loads(out.read_text(encoding="utf-8"))["findings"]
    assert finding["file"] == "caf\\xe9/en.json" and finding["code"] == "LF006"


def test_github_and_sarif_escape_awkward_file_names(tmp_path):
    folder = tmp_path / "we,ird:na%me #1"
    folder.mkdir()
    (folder / "en.json").write_text('{"id": }', encoding="utf-8")
    outputs = every_format(".", cwd=tmp_path)
    [annotation] = [line for line in outputs["github"].splitlines() if line.startswith("::error ")]
    assert annotation.startswith("::error file=we%2Cird%3Ana%25me #1/en.json,line=1,col=8,"), annotation
    [result] = json.loads(outputs["sarif"])["runs"][0]["results"]
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "we%2Cird%3Ana%25me%20%231/en.json"


def test_columns_count_characters_with_crlf_tabs_and_emoji(tmp_path):
    data = json.loads(VALID.read_text(encoding="utf-8"))
    data["summary"] = "😀😀\tAbout the knee. TODO finish."
    text = json.dumps(data, indent=2, ensure_ascii=False).replace("\n", "\r\n")
    folder = tmp_path / data["id"]
    folder.mkdir()
    (folder / "en.json").write_bytes(text.encode("utf-8"))
    result = run_cli("validate", folder, "--format", "json", env=TODAY)
    [todo] = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LH001"]
    line = text.split("\r\n")[todo["line"] - 1]
    assert line[todo["column"] - 1 : todo["column"] + 3] == "TODO", (line, todo)


def test_a_web_leftover_that_is_a_whole_line_is_reported_once():
    result = run_cli("validate", SEED_000, "--format", "json", env=TODAY)
    back_to_top = [f for f in json.loads(result.stdout)["findings"]
                   if f["code"] == "LH002" and "back to top" in f["message"].lower()]
    assert len(back_to_top) == 1, back_to_top


# --- as another repository's pre-commit hook ---------------------------------------------------------


def _hook() -> dict[str, str]:
    """The one hook's top-level scalar fields (the file is flat; no YAML library needed)."""
    text = (ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    return dict(re.findall(r"^[- ] (\w+): (.+)$", text, re.MULTILINE))


def test_the_hook_checks_leaflets_not_every_json_file_in_the_repository():
    files = re.compile(_hook()["files"])
    for leaflet in ("content/spinal-fusion/en.json", "site/content/knee/cy.json"):
        assert files.search(leaflet), leaflet
    for other in ("package.json", ".vscode/settings.json", "schemas/leaflet.schema.json", "content/index.json"):
        assert not files.search(other), other


def test_the_hook_entry_is_the_installed_command_and_takes_file_names(tmp_path):
    hook = _hook()
    command, *args = hook["entry"].split()
    assert command == "leaflets"  # the console script in pyproject.toml
    assert 'leaflets = "leaflets.cli:main"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    good = tmp_path / "content" / "knee-arthroscopy" / "en.json"
    good.parent.mkdir(parents=True)
    shutil.copy(VALID, good)
    # pre-commit appends the staged file names to the entry, from the repository's root
    argv = [sys.executable, "-m", "leaflets", *args, "content/knee-arthroscopy/en.json"]
    done = subprocess.run(argv, cwd=tmp_path, capture_output=True, text=True, env={**os.environ, **TODAY})
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_pre_commit_try_repo_runs_the_hook_in_another_repository(tmp_path):
    """The real thing: pre-commit builds the hook's own virtualenv from this checkout (pip needs PyPI
    for the dependencies) and runs it on a staged leaflet, passing a good one and failing a bad one."""
    importlib.import_module("pre_commit")
    repo = tmp_path / "other"
    leaflet = repo / "content" / "knee-arthroscopy" / "en.json"
    leaflet.parent.mkdir(parents=True)
    shutil.copy(VALID, leaflet)
    (repo / "package.json").write_text('{"name": "not a leaflet"}', encoding="utf-8")
    env = {**os.environ, **TODAY, "PRE_COMMIT_HOME": str(tmp_path / "cache"), "NO_COLOR": "1"}
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "leaflets-validate", "--all-files",
               "--color", "never"]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0 and "Passed" in done.stdout, done.stdout + done.stderr
    assert "package.json" not in done.stdout

    data = json.loads(leaflet.read_text(encoding="utf-8"))
    del data["risks"]
    leaflet.write_text(json.dumps(data, indent=2), encoding="utf-8")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "content/knee-arthroscopy/en.json:1:1: LS001 error: the leaflet has no risks" in done.stdout
