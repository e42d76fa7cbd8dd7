"""``leaflets build --format txt``: the plain-text version (leaflets.render.text), through the real CLI.

Reading order from the model (every section heading and every risk, in order), headings underlined,
lists as lines, the risks table linearised, nothing of HTML; a draft says so first and lists its
findings last; hostile content cannot forge structure or reorder what is shown."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from pathlib import Path
from typing import Any

from conftest import ROOT, run_cli

from leaflets.model import Leaflet
from leaflets.render.marks import SECTION_TITLES

SHIPPED = ROOT / "content" / "spinal-fusion" / "en.json"


def write_leaflet(folder: Path, change: Any = None) -> Path:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data.pop("further_information")  # alone in its folder: the leaflets it names are not beside it (LM010)
    if change is not None:
        change(data)
    path = folder / "content" / data["id"] / "en.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def model_of(path: Path) -> Leaflet:
    raw = path.read_bytes()
    return Leaflet.from_data(json.loads(raw), source_sha256=hashlib.sha256(raw).hexdigest())


def build_text(source: Path, out: Path, *extra: str) -> str:
    result = run_cli("build", source, "--out", out, "--format", "txt", *extra)
    assert result.code == 0, result
    data = (out / "spinal-fusion.en.txt").read_bytes()
    return data.decode("utf-8")  # strict: raises if it is not UTF-8


def positions(text: str, needles: list[str]) -> list[int]:
    """Where each of ``needles`` is found in ``text``, each after the one before (-1: missing)."""
    found, start = [], 0
    for needle in needles:
        at = text.find(needle, start)
        found.append(at)
        start = at + 1 if at >= 0 else start
    return found


def test_shipped_leaflet_as_text_in_reading_order(tmp_path: Path) -> None:
    out = tmp_path / "out"
    text = build_text(SHIPPED, out)
    leaflet = model_of(SHIPPED)
    lines = text.split("\n")

    assert text.endswith("\n") and not text.endswith("\n\n")
    assert unicodedata.normalize("NFC", text) == text
    assert "<" not in text and "&amp;" not in text and "&#" not in text
    # the title underlined with "=", every section heading with "-", in the order of the page
    assert lines[lines.index(leaflet.title) + 1] == "=" * len(leaflet.title)
    headings = [SECTION_TITLES[key] for key in ("condition", "procedure", "benefits", "alternatives", "preparation",
                                                "on-the-day", "risks", "recovery", "urgent-help", "questions",
                                                "glossary", "contact", "about")]
    for heading in headings:
        assert lines[lines.index(heading) + 1] == "-" * len(heading), heading
    assert -1 not in positions(text, [leaflet.title, *headings])
    assert positions(text, [leaflet.title, *headings]) == sorted(positions(text, [leaflet.title, *headings]))
    # every risk: a linearised row, then the risk told in sentences, serious ones first (labelled), as the page
    risks = text[text.index("\nRisks\n"):text.index("\nRecovery\n")]
    ordered = [risk for group in leaflet.risk_groups for risk in group.risks]
    assert sorted(r.name for r in ordered) == sorted(r.name for r in leaflet.risks) and ordered[0].serious
    rows = [f"- {'Serious risk' if risk.serious else 'Risk'}: {risk.name}. How often it happens: "
            f"{risk.frequency.words.rstrip('.')}." for risk in ordered]
    assert [line for line in risks.split("\n") if line.startswith(("- Risk: ", "- Serious risk: "))] == rows
    names = [f"\n{'Serious: ' if risk.serious else ''}{risk.name}\n" for risk in ordered]
    assert -1 not in positions(risks, names)
    # list items are lines of their own
    for item in (*leaflet.questions, *leaflet.urgent_help.symptoms):
        assert f"- {item}" in lines, item
    # no hard wraps: each paragraph is one line
    assert leaflet.summary in lines

    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "spinal-fusion.en.txt")
    assert entry["format"] == "txt" and entry["profile"] is None
    assert entry["sha256"] == hashlib.sha256((out / "spinal-fusion.en.txt").read_bytes()).hexdigest()
    assert manifest["inputs"]["options"]["formats"] == ["txt"]
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "spinal-fusion.en.txt"]


def test_unchanged_text_is_reused_and_a_change_renders_it_again(tmp_path: Path) -> None:
    source = write_leaflet(tmp_path)
    out = tmp_path / "out"
    build_text(source, out)
    again = run_cli("build", source, "--out", out, "--format", "txt")
    assert again.code == 0 and "0 rendered, 1 reused" in again.stdout, again
    data = json.loads(source.read_text(encoding="utf-8"))
    data["summary"] = "A new summary for this test."
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert "A new summary for this test." in build_text(source, out)


def test_default_build_writes_no_text(tmp_path: Path) -> None:
    result = run_cli("build", SHIPPED, "--out", tmp_path / "out", "--format", "html")
    assert result.code == 0, result
    assert not list((tmp_path / "out").glob("*.txt"))


def with_errors(data: dict[str, Any]) -> None:
    data["benefits"][2] = "Your recovery is guaranteed."
    data["procedure"][0] = "A spinal fusion joins two or more vertebrae together. TBC"


def test_draft_says_so_first_and_lists_its_findings_last(tmp_path: Path) -> None:
    source = write_leaflet(tmp_path, with_errors)
    refused = run_cli("build", source, "--out", tmp_path / "refused", "--format", "txt")
    assert refused.code == 1 and not (tmp_path / "refused" / "spinal-fusion.en.txt").exists(), refused
    text = build_text(source, tmp_path / "out", "--draft")
    lines = text.split("\n")
    assert lines[0].startswith("DRAFT – ")
    assert lines[2].startswith("Not yet approved for patient use.")
    findings = text[text.index("\nFindings in this draft\n"):]
    assert text.index("\nAbout this leaflet\n") < text.index("\nFindings in this draft\n")
    listed = [line for line in findings.split("\n") if line[:2].isalpha() and line[2:5].isdigit()]
    codes = {line.split(" ")[0] for line in listed}
    assert {"LC001", "LH001"} <= codes, findings
    assert any(line.startswith("LC001 error at What the operation may do for you (/benefits/2") for line in listed)


def hostile(data: dict[str, Any]) -> None:
    data["title"] = "Knee <script>alert(1)</script> & {{ 7 * 7 }} repair"
    data["summary"] = "Reads \u202egnp.exe\u202c backwards? And &amp; stays as written."
    data["condition"] = ["First line\n\nFake heading\n============\n- fake item", {"list": ["<img src=x>", "ok"]}]
    data["contact"]["web"] = "https://example.org/leaflets?id=1&lang=en"
    data["sources"][0]["url"] = "https://example.org/source?a=1&b=2"


def test_hostile_content_comes_out_inert(tmp_path: Path) -> None:
    source = write_leaflet(tmp_path, hostile)
    text = build_text(source, tmp_path / "out", "--draft")
    lines = text.split("\n")
    # markup is text in a .txt file, as written, not escaped into entities
    assert "Knee <script>alert(1)</script> & {{ 7 * 7 }} repair" in lines
    assert "- <img src=x>" in lines
    # a value's own line breaks cannot forge a heading or a list item
    assert "First line Fake heading ============ - fake item" in lines
    assert "Fake heading" not in lines and "- fake item" not in lines
    # bidi overrides, which would show characters in another order than they are read, are dropped
    assert "\u202e" not in text and "\u202c" not in text
    assert "Reads gnp.exe backwards? And &amp; stays as written." in lines
    # links written out in full
    assert "Web: https://example.org/leaflets?id=1&lang=en" in lines
    assert "https://example.org/source?a=1&b=2" in text


def test_a_refused_leaflet_loses_its_earlier_text(tmp_path: Path) -> None:
    source = write_leaflet(tmp_path)
    out = tmp_path / "out"
    build_text(source, out)
    data = json.loads(source.read_text(encoding="utf-8"))
    with_errors(data)
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    refused = run_cli("build", source, "--out", out, "--format", "html")  # not even asking for txt now
    assert refused.code == 1, refused
    assert not (out / "spinal-fusion.en.txt").exists()
    assert "removed earlier output" in refused.stdout + refused.stderr


def test_a_language_without_a_catalogue_gets_plain_english_interface_words(tmp_path: Path) -> None:
    def in_french(data: dict[str, Any]) -> None:
        data["language"] = "fr"
        data["status"] = "in-review"

    source = write_leaflet(tmp_path, in_french)
    target = source.with_name("fr.json")
    source.rename(target)
    result = run_cli("build", target, "--out", tmp_path / "out", "--format", "txt", "--draft")
    assert result.code == 0, result
    text = (tmp_path / "out" / "spinal-fusion.fr.txt").read_text(encoding="utf-8")
    assert "<" not in text  # the pages mark English fallbacks with <span lang="en">; plain text cannot
    lines = text.split("\n")
    assert "Not yet approved for patient use. This leaflet is being reviewed. Do not give it to patients." in lines
    assert "Risks" in lines
