"""A draft's findings on its pages: every error marked where it is (highlight and code) and every
finding listed at the end (web page) or on a last page (PDFs); builds without --draft show none.

Through the real CLI: `leaflets build --draft` of a leaflet with "about 1 in 10 people (rare)"
(LN001), "guaranteed" (LC001), "TBC" (LH001) and a swapped range (LN003)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import tinyhtml5
from conftest import ROOT, lone_copy, run_cli

from leaflets import incremental
from leaflets.model import Leaflet
from leaflets.render.marks import DraftFinding, Marked, Span, mark

SHIPPED = ROOT / "content" / "spinal-fusion" / "en.json"
XHTML = "{http://www.w3.org/1999/xhtml}"
# code → the words it marks, as the pages show them
MARKED = {
    "LH001": "TBC",
    "LC001": "guaranteed",
    "LN001": "about 1 in 10 people (rare)",
    "LN003": "between 1 in 20 and 1 in 10 people (common)",  # percent_from 10, percent_to 5: the page sorts them
}


def write_leaflet(folder: Path, change: Any = None) -> Path:
    return lone_copy(SHIPPED, folder, change)


def with_errors(data: dict[str, Any]) -> None:
    data["risks"][0]["frequency"] = {"rate": {"kind": "about", "percent": 10}, "band": "rare"}
    data["risks"][1]["frequency"] = {"rate": {"kind": "between", "percent_from": 10, "percent_to": 5},
                                     "band": "common"}
    data["benefits"][2] = "Your recovery is guaranteed."
    data["procedure"][0] = "A spinal fusion joins two or more vertebrae together. TBC"


def text_of(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def marks_in(page: str) -> list[tuple[str, str]]:
    """(marked words, code) for each ``<mark class="finding">`` of a page."""
    found = []
    for element in tinyhtml5.parse(page).iter(f"{XHTML}mark"):
        if "finding" not in (element.get("class") or "").split():
            continue
        codes = [text_of(code) for code in element.iter(f"{XHTML}span") if code.get("class") == "finding-code"]
        words = " ".join((element.text or "").split())
        found += [(words, code) for code in codes]
    return found


def listed_in(page: str) -> list[str]:
    """The items of the page's list of findings."""
    tree = tinyhtml5.parse(page)
    section = next((s for s in tree.iter(f"{XHTML}section") if s.get("id") == "draft-findings"), None)
    return [] if section is None else [text_of(item) for item in section.iter(f"{XHTML}li")]


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, words joined by single spaces (pdftotext: the marks may wrap)."""
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [" ".join(page.split()) for page in text.split("\f") if page.strip()]


@pytest.fixture(scope="module")
def draft_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("draft")
    write_leaflet(folder / "content", with_errors)
    result = run_cli("build", folder / "content", "--out", folder / "out", "--draft")
    assert result.code == 0, result
    return folder / "out"


@pytest.mark.slow
def test_draft_web_page_marks_each_error_at_its_text_and_lists_it(draft_build: Path) -> None:
    page = (draft_build / "spinal-fusion.en.html").read_text(encoding="utf-8")
    marks = marks_in(page)
    for code, words in MARKED.items():
        assert (words, code) in marks, (code, marks)
    listed = listed_in(page)
    assert len([item for item in listed if " error at " in item]) == 4, listed
    assert all(" error at " in item or item.startswith("LN008 info at ") for item in listed), listed  # no cite
    for code in MARKED:
        item = next(item for item in listed if item.startswith(code))
        assert " error at " in item
    assert any(item.startswith("LC001 error at What the operation may do for you (/benefits/2, line")
               and 'absolute claim "guaranteed"' in item for item in listed), listed
    assert any(item.startswith("LN003 error at Risks (/risks/1/frequency/rate") and "swap them" in item
               for item in listed), listed
    assert 'href="#draft-findings"' in page  # the draft band and the contents lead to the list


@pytest.mark.slow
def test_draft_pdfs_mark_each_error_and_end_with_the_findings_page(draft_build: Path) -> None:
    for profile in ("screen", "print"):
        pages = pdf_pages(draft_build / f"spinal-fusion.en.{profile}.pdf")
        body, last = " ".join(pages[:-1]), pages[-1]
        for code, words in MARKED.items():
            assert f"{words} {code}" in body, (profile, code)
            assert f"{code} error at" in last, (profile, code)
        assert "Findings in this draft" in last and "Findings in this draft" not in body
        assert "6 findings: 4 errors marked in the text" in pages[0]  # and 2 LN008 notes: figures with no cite
    checked = run_cli("preflight", *sorted(draft_build.glob("*.pdf")))  # screen and print profiles, layout too
    assert checked.code == 0, checked


@pytest.mark.slow
def test_a5_booklet_draft_ends_with_the_findings_page(tmp_path: Path) -> None:
    write_leaflet(tmp_path / "content", with_errors)
    out = tmp_path / "out"
    result = run_cli("build", tmp_path / "content", "--out", out, "--draft", "--booklet", "--brand", "example-hospital",
                     "--format", "pdf", "--profile", "print")
    assert result.code == 0, result
    pages = pdf_pages(out / "spinal-fusion.en.print.pdf")
    assert len(pages) % 4 == 0
    assert pages[-1].count(" error at ") == 4 and "Questions to ask your care team" in " ".join(pages[:-1])
    assert "guaranteed LC001" in " ".join(pages)


@pytest.mark.slow
def test_builds_without_draft_show_no_findings(tmp_path: Path) -> None:
    write_leaflet(tmp_path / "content")  # the shipped leaflet: no errors
    out = tmp_path / "out"
    result = run_cli("build", tmp_path / "content", "--out", out)
    assert result.code == 0, result
    page = (out / "spinal-fusion.en.html").read_text(encoding="utf-8")
    assert "finding" not in page and listed_in(page) == []
    for profile in ("screen", "print"):
        text = " ".join(pdf_pages(out / f"spinal-fusion.en.{profile}.pdf"))
        assert "Findings in this draft" not in text and "LC001" not in text


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_draft_page_with_marks_passes_axe(browser: Any, draft_build: Path, width: int) -> None:
    from test_web import check_page, serve

    with serve(draft_build) as base:
        seen = check_page(browser, base + "spinal-fusion.en.html", width)
    assert 'class="finding"' in seen["page"]


@pytest.mark.slow
def test_serve_keeps_its_own_marks_on_the_page_and_marks_its_pdfs(tmp_path: Path) -> None:
    from test_serve import Serving

    server = Serving(write_leaflet(tmp_path / "content", with_errors), "--port", "0")
    try:
        page = server.page()
        status, body, _ = server.get("/pdf/spinal-fusion.en.screen.pdf")
    finally:
        server.stop()
    assert "lf-findings" in page and marks_in(page) == []  # serve's panel and marks, not the draft's
    assert status == 200
    (tmp_path / "served.pdf").write_bytes(body)
    pages = pdf_pages(tmp_path / "served.pdf")
    assert "guaranteed LC001" in " ".join(pages) and "LC001 error at" in pages[-1]


# --- where a finding is marked -------------------------------------------------------------------

def leaflet() -> Leaflet:
    return Leaflet.from_data(json.loads(SHIPPED.read_text(encoding="utf-8")), source_sha256="0" * 64)


def test_marked_text_cuts_overlapping_findings_and_escapes() -> None:
    text = Marked("a <b> c d", (Span(2, 7, "LH001"), Span(6, 9, "LC001")))
    assert text.__html__() == ('a <mark class="finding">&lt;b&gt; </mark><mark class="finding">c '
                               '<span class="finding-code">LH001</span></mark><mark class="finding"> d '
                               '<span class="finding-code">LC001</span></mark>')
    assert str.__str__(text) == "a <b> c d"


def test_a_finding_without_a_length_marks_the_word_at_its_index() -> None:
    base = leaflet()
    index = base.benefits[2].text.index("promise")
    finding = DraftFinding("LC001", "error", "absolute claim", "/benefits/2", 1, index=index)
    marked = mark(base, [finding]).leaflet.benefits[2].text
    assert '<mark class="finding">promise <span class="finding-code">LC001</span></mark>' in marked.__html__()


def test_findings_at_a_section_or_at_fields_the_page_hides_are_notes() -> None:
    found = [DraftFinding("LM001", "error", "whole section", "/risks", 1),
             DraftFinding("LD001", "error", "status", "/status", 1),
             DraftFinding("LX003", "error", "suppression", "/suppressions/0/rule", 1),
             DraftFinding("LR001", "warning", "long sentence", "/condition/0", 1, index=0, length=5)]
    marks = mark(leaflet(), found)
    assert [f.code for f in marks.notes["risks"]] == ["LM001"]
    assert [f.code for f in marks.notes["about"]] == ["LD001", "LX003"]
    assert not isinstance(marks.leaflet.status, Marked) and not isinstance(marks.leaflet.id, Marked)
    assert not isinstance(marks.leaflet.condition[0].text, Marked)  # warnings are listed, not marked
    assert [item.code for item in marks.listed] == ["LM001", "LD001", "LX003", "LR001"]


def test_a_risk_field_the_page_does_not_show_marks_the_risk_name() -> None:
    marks = mark(leaflet(), [DraftFinding("LN004", "error", "two figures", "/risks/2/frequency", 1),
                             DraftFinding("LM002", "error", "no management", "/risks/3/nonsense", 1)])
    assert isinstance(marks.leaflet.risks[2].frequency.words, Marked)
    assert isinstance(marks.leaflet.risks[3].name, Marked)
    assert marks.notes == {}


def test_validate_reports_the_characters_a_finding_concerns(tmp_path: Path) -> None:
    path = write_leaflet(tmp_path / "content", with_errors)
    result = run_cli("validate", path, "--format", "json")
    findings = {f["code"]: f for f in json.loads(result.stdout)["findings"]}
    assert findings["LC001"]["extra"] == {"index": 17, "length": len("guaranteed")}
    assert findings["LH001"]["extra"] == {"index": 54, "length": 3}


def test_a_drafts_findings_are_part_of_its_outputs_key() -> None:
    key = {"brand_sha256": "b", "source": "content/x/en.json", "source_sha256": "s", "kind": "html", "draft": True,
           "crop_marks": False, "booklet": False, "toolchain": "t"}
    finding = DraftFinding("LC001", "error", "absolute claim", "/benefits/2", 74, 17, 10)
    assert incremental.output_key(**key, findings=[finding]) != incremental.output_key(**key)
    assert incremental.output_key(**key, findings=()) == incremental.output_key(**key)
