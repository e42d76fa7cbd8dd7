"""`leaflets migrate`: v1 files become v2 losslessly and idempotently, run as the real CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from leaflets import check, content, migrate

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "migrate"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "leaflets", *args], capture_output=True, text=True,
                          cwd=cwd or ROOT, timeout=120)


def test_migrate_turns_the_v1_fixtures_into_exactly_the_v2_ones_and_again_changes_nothing(tmp_path):
    work = tmp_path / "content"
    shutil.copytree(FIXTURES / "v1", work)
    first = cli("migrate", str(work))
    assert first.returncode == 0, first.stderr
    assert "3 migrated" in first.stdout and "kept the recorded translation pin" in first.stdout
    for expected in sorted((FIXTURES / "v2").rglob("*.json")):
        got = work / expected.relative_to(FIXTURES / "v2")
        assert got.read_text(encoding="utf-8") == expected.read_text(encoding="utf-8"), got
    before = {p: p.read_bytes() for p in work.rglob("*.json")}
    again = cli("migrate", str(work))
    assert again.returncode == 0 and "0 migrated, 3 already v2" in again.stdout
    assert {p: p.read_bytes() for p in work.rglob("*.json")} == before


def test_nothing_is_lost_only_known_goes_and_schema_is_renamed():
    for v1 in sorted((FIXTURES / "v1").rglob("*.json")):
        old = json.loads(v1.read_text(encoding="utf-8"))
        new = json.loads((FIXTURES / "v2" / v1.relative_to(FIXTURES / "v1")).read_text(encoding="utf-8"))
        for risk in old["risks"]:
            known = risk["frequency"].pop("known")
            assert known == ("rate" in risk["frequency"])  # v2 reads "known" from the rate: lossless
        old.pop("$schema", None), new.pop("$schema")
        for record in ("approval", "translation_of"):  # re-bound hashes of the same content
            old.pop(record, None), new.pop(record, None)
        assert old == new


def test_a_v1_file_gets_one_finding_that_says_to_migrate_not_dozens(tmp_path):
    doc = content.load(FIXTURES / "v1" / "spinal-fusion" / "en.json")
    findings = check.check_document(doc)
    assert [f.code for f in findings] == ["LS010"]
    assert "leaflets migrate" in findings[0].message and findings[0].line == 2
    run = cli("validate", str(FIXTURES / "v1" / "sample" / "en.json"))
    assert run.returncode == 1 and "LS010" in run.stdout and "Traceback" not in run.stderr


def test_a_valid_translation_pin_survives_and_the_migrated_pair_is_not_stale(tmp_path):
    work = tmp_path / "content"
    shutil.copytree(FIXTURES / "v1" / "spinal-fusion", work / "spinal-fusion")
    assert cli("migrate", str(work)).returncode == 0
    findings = check.check_document(content.load(work / "spinal-fusion" / "cy.json"))
    assert not [f for f in findings if f.code.startswith("LT")], findings


def test_check_mode_writes_nothing_and_fails_while_a_file_needs_migrating(tmp_path):
    target = tmp_path / "sample" / "en.json"
    target.parent.mkdir()
    shutil.copy(FIXTURES / "v1" / "sample" / "en.json", target)
    run = cli("migrate", "--check", str(target))
    assert run.returncode == 1 and "needs migrating" in run.stderr
    assert target.read_bytes() == (FIXTURES / "v1" / "sample" / "en.json").read_bytes()


def test_unreadable_and_newer_files_are_left_alone_with_a_message(tmp_path):
    broken = tmp_path / "a" / "en.json"
    broken.parent.mkdir()
    broken.write_text("{ not json", encoding="utf-8")
    newer = tmp_path / "b" / "en.json"
    newer.parent.mkdir()
    newer.write_text(json.dumps({"$schema": "../../schemas/leaflet.v3.schema.json", "id": "b"}), encoding="utf-8")
    run = cli("migrate", str(broken), str(newer))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert "not migrated" in run.stderr and "v3" in run.stderr
    assert broken.read_text(encoding="utf-8") == "{ not json"
    assert migrate.format_of(json.loads(newer.read_text(encoding="utf-8"))) == 3
