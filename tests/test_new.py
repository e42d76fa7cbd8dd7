"""`leaflets new`: a scaffold has the schema's structure, and validate flags every placeholder in it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

TODAY = {"LEAFLETS_TODAY": "2026-06-01"}


def strings(value: Any, pointer: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(pointer, value)]
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in strings(item, f"{pointer}/{index}")]
    if isinstance(value, dict):
        return [pair for key, item in value.items() for pair in strings(item, f"{pointer}/{key}")]
    return []


def validate(path: Path) -> tuple[int, list[dict]]:
    result = run_cli("validate", "--format", "json", path, env=TODAY)
    return result.code, json.loads(result.stdout)["findings"]


@pytest.fixture
def content(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    return folder


def test_a_fresh_scaffold_has_the_structure_and_every_placeholder_is_an_error(content: Path):
    result = run_cli("new", "carpal-tunnel-release", "--content", content, env=TODAY)
    assert result.code == 0, result
    path = content / "carpal-tunnel-release" / "en.json"
    assert str(path) in result.stdout
    data = json.loads(path.read_text(encoding="utf-8"))
    assert list(data)[:3] == ["$schema", "id", "language"] and data["$schema"] == "../../schemas/leaflet.v2.schema.json"
    assert (data["id"], data["language"], data["status"]) == ("carpal-tunnel-release", "en", "draft")
    assert (data["last_reviewed"], data["next_review"]) == ("2026-06-01", "2027-06-01")
    schema = json.loads((ROOT / "schemas" / "leaflet.v2.schema.json").read_text(encoding="utf-8"))
    assert set(schema["required"]) <= set(data)

    code, findings = validate(path)
    assert code == 1
    assert not [f for f in findings if f["code"][:2] in ("LF", "LS")], findings  # structure is right
    flagged = {f["pointer"] for f in findings if f["code"] == "LH001"}
    placeholders = [pointer for pointer, text in strings(data) if text.startswith("TODO")]
    assert len(placeholders) > 20
    assert [p for p in placeholders if p not in flagged] == []  # each one is a finding of its own


def test_new_refuses_an_existing_leaflet_and_leaves_it_alone(content: Path):
    assert run_cli("new", "knee", "--content", content, env=TODAY).code == 0
    path = content / "knee" / "en.json"
    path.write_text('{"edited": true}', encoding="utf-8")
    result = run_cli("new", "knee", "--content", content, env=TODAY)
    assert result.code == 2 and "already exists" in result.stderr and "Traceback" not in result.stderr, result
    assert path.read_text(encoding="utf-8") == '{"edited": true}'
    assert run_cli("new", "knee", "--lang", "cy", "--content", content, env=TODAY).code == 0  # a translation


@pytest.mark.parametrize("bad", ["Spinal_Fusion", "../escape", "double--hyphen", "x" * 61, "-leading"])
def test_new_refuses_an_id_the_schema_refuses(content: Path, bad: str):
    result = run_cli("new", "--content", content, "--", bad, env=TODAY)
    assert result.code == 2 and "is not a valid id" in result.stderr and "lower-case" in result.stderr, result
    assert list(content.iterdir()) == []


def test_new_refuses_a_bad_language_and_a_missing_content_folder(tmp_path: Path, content: Path):
    result = run_cli("new", "knee", "--lang", "English", "--content", content, env=TODAY)
    assert result.code == 2 and "is not a valid language" in result.stderr, result
    result = run_cli("new", "knee", "--content", tmp_path / "nowhere", env=TODAY)
    assert result.code == 2 and "no such folder" in result.stderr, result


def test_from_copies_the_structure_but_no_words_or_figures(content: Path):
    shutil.copytree(ROOT / "content" / "spinal-fusion", content / "spinal-fusion")
    original = json.loads((content / "spinal-fusion" / "en.json").read_text(encoding="utf-8"))
    result = run_cli("new", "lumbar-fusion", "--from", "spinal-fusion", "--content", content, env=TODAY)
    assert result.code == 0, result
    path = content / "lumbar-fusion" / "en.json"
    copy = json.loads(path.read_text(encoding="utf-8"))
    assert [k for k in copy if k in original] == [k for k in original if k in copy]  # same order
    assert set(original) - set(copy) <= {"approval", "suppressions", "reference", "further_information"}
    assert "others" not in copy["contact"]  # another leaflet's code, numbers and related leaflets are not copied
    assert len(copy["risks"]) == len(original["risks"]) and len(copy["sources"]) == len(original["sources"])
    assert len(copy["condition"]) == len(original["condition"])
    assert len(copy["recovery"]["timeline"]) == len(original["recovery"]["timeline"])
    assert [a.get("no_treatment") for a in copy["alternatives"]] == \
        [a.get("no_treatment") for a in original["alternatives"]]
    assert all(r["frequency"] == {"note": r["frequency"]["note"]} for r in copy["risks"])  # no figure or band
    assert not any("serious" in r for r in copy["risks"])  # another operation's judgement
    assert copy["id"] == "lumbar-fusion" and copy["version"] == "0.1" and copy["status"] == "draft"
    originals = {text for _, text in strings(original)}
    leaked = [(pointer, text) for pointer, text in strings(copy)
              if text in originals and not pointer.endswith("/kind")
              and pointer not in ("/$schema", "/language", "/status", "/family")]
    assert leaked == []
    code, findings = validate(path)
    assert code == 1 and not [f for f in findings if f["code"][:2] in ("LF", "LS")], findings
    flagged = {f["pointer"] for f in findings if f["code"] == "LH001"}
    assert [p for p, text in strings(copy) if text.startswith("TODO") and p not in flagged] == []
    assert not [f for f in findings if f["code"] in ("LH005", "LH006")], findings  # copies are numbered apart


def test_from_a_leaflet_that_does_not_exist_is_a_usage_error(content: Path):
    result = run_cli("new", "knee", "--from", "nothing-here", "--content", content, env=TODAY)
    assert result.code == 2 and "nothing-here" in result.stderr and "does not exist" in result.stderr, result
    assert list(content.iterdir()) == []


def test_a_new_leaflet_is_an_ordinary_file_not_a_private_one(content: Path):
    """mkstemp makes files only their owner can read; a leaflet is shared with the writer's team."""
    assert run_cli("new", "carpal-tunnel-release", "--content", content, env=TODAY).code == 0
    mask = os.umask(0o022)
    os.umask(mask)
    assert (content / "carpal-tunnel-release" / "en.json").stat().st_mode & 0o777 == 0o666 & ~mask
