"""Translations pinned to their source (issue 14, item 2): ``leaflets translate-pin`` records the source a
translation was made from, validate reports a missing source (LT001), a source changed since (LT002, naming
the sections) and drift in risks, figures, bands and numbers (LT003), and the manifest lists each
translation's source. All through the real CLI, on copies of the shipped Spinal fusion leaflet."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

TODAY = {"LEAFLETS_TODAY": "2026-12-01"}
SOURCE = ROOT / "content" / "spinal-fusion" / "en.json"
WELSH = ROOT / "content" / "spinal-fusion" / "cy.json"


def _edit(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    """content/spinal-fusion/ with en.json and an unpinned, in-review cy.json in tmp_path: the shipped Welsh
    translation when there is one, else the English text labelled cy."""
    folder = tmp_path / "content" / "spinal-fusion"
    folder.mkdir(parents=True)
    shutil.copy(SOURCE, folder / "en.json")
    for related in json.loads(SOURCE.read_text(encoding="utf-8")).get("further_information", {}).get("leaflets", []):
        shutil.copytree(SOURCE.parent.parent / related, folder.parent / related)  # the leaflets it names (LM010)
    if WELSH.is_file():
        data = json.loads(WELSH.read_text(encoding="utf-8"))
        data.pop("translation_of", None)
    else:
        data = json.loads(SOURCE.read_text(encoding="utf-8")) | {"language": "cy"}
    (folder / "cy.json").write_text(json.dumps(data | {"status": "in-review"}, indent=2, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    return folder


def _validate(path: Path) -> tuple[int, list[dict]]:
    result = run_cli("validate", "--format", "json", path, env=TODAY)
    assert result.code in (0, 1), result
    return result.code, json.loads(result.stdout)["findings"]


def _pin(path: Path, *extra: str):
    return run_cli("translate-pin", path, *extra, env=TODAY)


def test_pin_records_the_source_and_only_adds_translation_of(pair: Path) -> None:
    before = (pair / "cy.json").read_text(encoding="utf-8")
    result = _pin(pair / "cy.json", "--from", "en")
    assert result.code == 0 and "pinned" in result.stdout and "version 1.0" in result.stdout, result
    after = (pair / "cy.json").read_text(encoding="utf-8")
    record = json.loads(after)["translation_of"]
    assert record["language"] == "en" and record["version"] == "1.0"
    assert len(record["content_sha256"]) == 64 and "risks" in record["sections"]
    assert record["content_sha256"] in result.stdout
    # the file is edited in place: lines are only added (translation_of), none changed or removed
    opcodes = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines()).get_opcodes()
    assert {tag for tag, *_ in opcodes} == {"equal", "insert"}, opcodes
    code, findings = _validate(pair / "cy.json")
    assert not [f for f in findings if f["code"].startswith("LT")], findings
    assert _pin(pair / "cy.json").code == 0  # pinning again (the recorded language by default) replaces it
    assert json.loads((pair / "cy.json").read_text(encoding="utf-8"))["translation_of"] == record


def test_a_source_change_makes_the_translation_stale_naming_the_sections(pair: Path) -> None:
    assert _pin(pair / "cy.json").code == 0

    def reword(data: dict) -> None:
        data["version"] = "1.1"
        data["urgent_help"]["symptoms"].append("You cannot pass urine.")

    _edit(pair / "en.json", reword)
    code, findings = _validate(pair / "cy.json")
    stale = [f for f in findings if f["code"] == "LT002"]
    assert code == 1 and len(stale) == 1, findings
    assert "changed sections: urgent_help, version" in stale[0]["message"]
    assert "version 1.0 then, 1.1 now" in stale[0]["message"]
    assert stale[0]["severity"] == "error" and stale[0]["pointer"] == "/translation_of/content_sha256"


def test_a_draft_translation_is_stale_as_a_warning(pair: Path) -> None:
    _edit(pair / "cy.json", lambda data: data.update(status="draft"))
    assert _pin(pair / "cy.json").code == 0
    _edit(pair / "en.json", lambda data: data.update(title="Spinal fusion surgery"))
    _code, findings = _validate(pair / "cy.json")
    stale = [f for f in findings if f["code"] == "LT002"]
    assert [f["severity"] for f in stale] == ["warning"] and "changed sections: title" in stale[0]["message"]


def test_a_changed_band_goes_stale_and_drifts(pair: Path) -> None:
    """Done when: the Welsh leaflet goes stale visibly when its English source changes (here, a risk's band)."""
    assert _pin(pair / "cy.json").code == 0

    def figure(data: dict) -> None:
        data["risks"][0]["frequency"] = {"rate": {"kind": "about", "percent": 2}, "band": "common"}

    _edit(pair / "en.json", figure)
    code, findings = _validate(pair / "cy.json")
    codes = {f["code"]: f for f in findings}
    assert code == 1 and "LT002" in codes and "LT003" in codes, findings
    assert "changed sections: risks" in codes["LT002"]["message"]
    assert codes["LT003"]["pointer"] == "/risks/0/frequency" and '"band": "common"' in codes["LT003"]["message"]


@pytest.mark.parametrize("change,pointer,words", [
    (lambda d: d["risks"].pop(), "/risks", "risks here but"),
    (lambda d: d["alternatives"].pop(0), "/alternatives", "alternatives here but"),
    (lambda d: d.update(summary=d["summary"] + " About 1 in 20 people stay 2 nights."), "/summary", "1, 2, 20"),
])
def test_drift_in_risks_alternatives_and_numbers_is_an_error(pair: Path, change, pointer, words) -> None:
    assert _pin(pair / "cy.json").code == 0
    _edit(pair / "cy.json", change)
    code, findings = _validate(pair / "cy.json")
    drift = [f for f in findings if f["code"] == "LT003"]
    assert code == 1 and any(f["pointer"] == pointer and words in f["message"] for f in drift), findings
    assert not [f for f in findings if f["code"] == "LT002"]  # the source has not changed


def test_pin_refuses_a_drifted_translation_and_writes_nothing(pair: Path) -> None:
    _edit(pair / "cy.json", lambda d: d["risks"].pop())
    before = (pair / "cy.json").read_bytes()
    result = _pin(pair / "cy.json")
    assert result.code == 1 and "not pinned" in result.stderr and "/risks" in result.stderr, result
    assert (pair / "cy.json").read_bytes() == before


def test_a_missing_source_is_an_error(pair: Path) -> None:
    assert _pin(pair / "cy.json").code == 0
    (pair / "en.json").unlink()
    code, findings = _validate(pair / "cy.json")
    missing = [f for f in findings if f["code"] == "LT001"]
    assert code == 1 and len(missing) == 1 and "en.json does not exist" in missing[0]["message"], findings
    result = _pin(pair / "cy.json")
    assert result.code == 2 and "en.json" in result.stderr and "Traceback" not in result.stderr, result


def test_pin_usage_errors(pair: Path) -> None:
    for args, words in (((pair / "fr.json",), "no such file"), ((pair / "en.json",), "translation of itself"),
                        ((pair / "cy.json", "--from", "cy"), "translation of itself"),
                        ((pair / "cy.json", "--from", "de"), "de.json does not exist")):
        result = _pin(*args)
        assert result.code == 2 and words in result.stderr and "Traceback" not in result.stderr, (args, result)


def test_a_leaflet_that_is_not_a_translation_is_unaffected(pair: Path) -> None:
    _edit(pair / "en.json", lambda d: d["risks"].pop())  # differs from cy.json, which is not pinned
    for name in ("en.json", "cy.json"):
        _code, findings = _validate(pair / name)
        assert not [f for f in findings if f["code"].startswith("LT")], findings


def test_the_shipped_welsh_leaflet_is_pinned_and_current() -> None:
    if not WELSH.is_file():
        pytest.skip("no shipped Welsh leaflet")
    record = json.loads(WELSH.read_text(encoding="utf-8"))["translation_of"]
    assert record["language"] == "en"
    _code, findings = _validate(WELSH)
    assert not [f for f in findings if f["code"].startswith("LT") or f["severity"] == "error"], findings


def test_the_manifest_lists_each_translation_with_its_source_version(pair: Path, tmp_path: Path) -> None:
    assert _pin(pair / "cy.json").code == 0
    out = tmp_path / "dist"
    result = run_cli("build", "--draft", "--format", "html", "--out", out, pair, env=TODAY)
    assert result.code == 0, result
    entries = {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    welsh = [e for e in entries.values() if e.get("language") == "cy"]
    english = [e for e in entries.values() if e.get("language") == "en"]
    assert welsh and english, entries
    assert all(e["translation_of"] == {"language": "en", "version": "1.0"} for e in welsh)
    assert not [e for e in english if "translation_of" in e]


def test_pinning_keeps_the_translations_own_approval(pair: Path) -> None:
    """translation_of is not clinical content: recording the source changes nothing a patient reads (LD007)."""
    result = run_cli("approve", pair / "cy.json", "--name", "Dr A. Cyfieithydd", "--role", "Consultant spinal surgeon",
                     env=TODAY)
    assert result.code == 0, result
    assert _pin(pair / "cy.json").code == 0
    _code, findings = _validate(pair / "cy.json")
    assert not [f for f in findings if f["code"] in ("LD007", "LT001", "LT002", "LT003")], findings
