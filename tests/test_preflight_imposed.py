"""Preflight of what a print shop receives from a booklet build, and of the output intent's condition:
marks judged by what the clip path leaves (PP006), an imposed booklet counted by its original's pages
(PP015) and sized as two pages side by side (PP001), the sheet's geometry and marks, and the output
condition named so a workflow recognises it (PP017). PDFs built with pikepdf (tests/fixtures/preflight)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, run_cli

from leaflets import booklet
from leaflets.output_condition import ICC_REGISTRY, condition_for, registered
from leaflets.preflight import MM, Options, preflight_file
from leaflets.printer_marks import MARK_SPACE_PT
from leaflets.units import BLEED_PT

_spec = importlib.util.spec_from_file_location("preflight_cases", FIXTURES / "preflight" / "cases.py")
assert _spec is not None and _spec.loader is not None
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)

A5 = (148 * MM, 210 * MM)


def findings(path: Path, **options) -> list[tuple[str, str]]:
    return sorted((f.code, str(f.severity)) for f in preflight_file(path, Options(**options)))


def codes(path: Path, **options) -> list[str]:
    return sorted({code for code, _ in findings(path, **options)})


# --- PP006 reads clipping -----------------------------------------------------------------------------

MARK_IN_BLEED = "0.25 w 1 1 1 1 K -8 20 m -2 20 l S"  # a short line in the left bleed, not along the trim


@pytest.mark.parametrize(("content", "expected"), [
    (MARK_IN_BLEED, ["PP006"]),
    (f"q 0 0 100 100 re W n {MARK_IN_BLEED} Q", []),  # clipped to the trim: nothing of it prints
    (f"q -5 0 100 100 re W n {MARK_IN_BLEED} Q", ["PP006"]),  # the clip leaves part of it
    (f"q 0 0 100 100 re W n Q {MARK_IN_BLEED}", ["PP006"]),  # the clip ended with Q
])
def test_a_mark_clipped_away_is_not_a_mark_in_the_bleed(tmp_path, content, expected):
    path = cases.print_pdf(tmp_path / "marks.pdf", content=f"{cases.PAINT} {content}")
    assert codes(path) == expected


def _form_mark(bbox: list[float]):
    def edit(pdf: pikepdf.Pdf) -> None:
        form = pdf.make_stream(MARK_IN_BLEED.encode(), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                               BBox=bbox)
        page = pdf.pages[0].obj
        page.Resources.XObject = pikepdf.Dictionary(Fm1=form)
        page.Contents = pdf.make_stream(page.Contents.read_bytes() + b" /Fm1 Do")
    return edit


def test_a_form_clips_to_its_bbox(tmp_path):
    inside = cases.print_pdf(tmp_path / "inside.pdf", edit=_form_mark([0, 0, 100, 100]))
    reaching = cases.print_pdf(tmp_path / "reaching.pdf", edit=_form_mark([-10, 0, 100, 100]))
    assert codes(inside) == [] and codes(reaching) == ["PP006"]


# --- an imposed booklet: counted by its original's pages, sized as two pages -------------------------

def a5_leaflet(path: Path, pages: int, *, crop_marks: bool = False) -> Path:
    """A PDF/X-4 A5 leaflet of ``pages`` pages with 3 mm bleed (and, like a --crop-marks build, marks)."""
    marks = ""
    if crop_marks:
        from leaflets.printer_marks import crop_mark_lines, marks_content

        marks = f" q {marks_content(crop_mark_lines([0, 0, *A5]))} Q"
    grow = BLEED_PT + (MARK_SPACE_PT if crop_marks else 0)

    def edit(pdf: pikepdf.Pdf) -> None:
        for page in pdf.pages:
            page.obj.MediaBox = [-grow, -grow, A5[0] + grow, A5[1] + grow]
            page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + marks.encode())

    return cases.print_pdf(path, pages=pages, size=A5, edit=edit)


def test_an_imposed_booklet_is_counted_by_its_original_pages(tmp_path):
    source = a5_leaflet(tmp_path / "a5.pdf", 12)
    sheets = tmp_path / "booklet.pdf"
    assert booklet.impose(source, sheets) == 6  # 6 sheet sides: not a multiple of 4, yet a whole booklet
    assert findings(sheets, booklet=True, cmyk_only=True) == []
    with pikepdf.open(sheets) as pdf:
        assert booklet.imposition(pdf) == [(12, 1, 12), (2, 11, 12), (10, 3, 12), (4, 9, 12), (8, 5, 12),
                                           (6, 7, 12)]


def test_sheet_sides_without_the_imposition_are_counted_as_pages(tmp_path):
    sheets = tmp_path / "booklet.pdf"
    booklet.impose(a5_leaflet(tmp_path / "a5.pdf", 12), sheets)
    with pikepdf.open(sheets, allow_overwriting_input=True) as pdf:
        for page in pdf.pages:
            del page.obj.PieceInfo
        pdf.save(sheets)
    found = preflight_file(sheets, Options(booklet=True))
    assert {f.code for f in found} == {"PP001", "PP015"}  # a 296 mm sheet, 6 pages
    assert any("6 pages is not a multiple of 4" in f.message for f in found)


def test_an_imposition_missing_a_page_is_refused(tmp_path):
    sheets = tmp_path / "booklet.pdf"
    booklet.impose(a5_leaflet(tmp_path / "a5.pdf", 8), sheets)
    with pikepdf.open(sheets, allow_overwriting_input=True) as pdf:
        del pdf.pages[3]  # the last sheet side: pages 4 | 5
        pdf.save(sheets)
    (finding,) = [f for f in preflight_file(sheets, Options(booklet=True)) if f.code == "PP015"]
    assert "do not hold a 8-page booklet in saddle-stitch order" in finding.message, finding.message


def test_sheet_geometry_and_marks(tmp_path):
    """TrimBox = the two pages, BleedBox 3 mm outside it on every edge, the pages' artwork reaching it; with
    crop marks the MediaBox holds the sheet's own crop and fold marks, and the pages' marks are clipped."""
    source = a5_leaflet(tmp_path / "a5.pdf", 4, crop_marks=True)
    plain, marked = tmp_path / "plain.pdf", tmp_path / "marked.pdf"
    booklet.impose(source, plain)
    booklet.impose(source, marked, crop_marks=True)
    with pikepdf.open(plain) as pdf:
        side = pdf.pages[0].obj
        assert [float(v) for v in side.TrimBox] == pytest.approx([0, 0, 2 * A5[0], A5[1]], abs=0.001)
        bleed = [-BLEED_PT, -BLEED_PT, 2 * A5[0] + BLEED_PT, A5[1] + BLEED_PT]
        assert [float(v) for v in side.BleedBox] == pytest.approx(bleed, abs=0.001)
        assert [float(v) for v in side.MediaBox] == pytest.approx(bleed, abs=0.001)
        left, right = (side.Resources.XObject[name].BBox for name in ("/P4", "/P1"))
        assert [float(v) for v in left] == pytest.approx([-BLEED_PT, -BLEED_PT, A5[0], A5[1] + BLEED_PT], abs=0.001)
        assert [float(v) for v in right] == pytest.approx([0, -BLEED_PT, A5[0] + BLEED_PT, A5[1] + BLEED_PT],
                                                          abs=0.001)
    with pikepdf.open(marked) as pdf:
        side = pdf.pages[0].obj
        media = [-BLEED_PT - MARK_SPACE_PT, -BLEED_PT - MARK_SPACE_PT, 2 * A5[0] + BLEED_PT + MARK_SPACE_PT,
                 A5[1] + BLEED_PT + MARK_SPACE_PT]
        assert [float(v) for v in side.MediaBox] == pytest.approx(media, abs=0.001)
        content = side.Contents.read_bytes().decode()
        assert f"{A5[0]:.3f} {A5[1] + BLEED_PT + 3:.3f} m" in content  # a fold mark above the spine
        assert f"{A5[0]:.3f} {-BLEED_PT - 3:.3f} m" in content  # and below it
    assert findings(marked, booklet=True, cmyk_only=True) == [] and findings(plain, booklet=True) == []
    assert codes(source) == []  # the leaflet's own marks sit outside its bleed too


# --- PP017: the output condition -----------------------------------------------------------------------

def _renamed_profile(old: bytes, new: bytes) -> bytes:
    """The shipped profile with every mention of ``old`` replaced (same length): still a usable CMYK
    output profile, no longer the shipped bytes, and describing itself otherwise."""
    assert len(old) == len(new)
    return cases.CMYK_PROFILE.read_bytes().replace(old, new)


def _profile(data: bytes):
    def edit(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OutputIntents[0].DestOutputProfile = pdf.make_stream(data, N=4)
    return edit


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({}, []),  # FOGRA39 in the ICC registry, over the shipped FOGRA39 profile
    ({"registry": "https://www.color.org/"}, []),  # the same registry, written otherwise
    ({"registry": None}, [("PP017", "warning")]),  # registered name, no RegistryName: nobody looks it up
    ({"condition": "fogra39"}, []),  # registry names are matched as the registry spells them, or not
    ({"condition": "FOGRA51"}, [("PP017", "error")]),  # the profile is of FOGRA39
    ({"condition": "FOGRA99"}, [("PP017", "warning")]),  # not a name leaflets knows from the registry
    ({"condition": "Our press, coated", "registry": None}, []),  # custom condition, profile embedded
    ({"condition": "Our press", "registry": None, "intent": "identifier", "variant": "PDF/X-3:2003"},
     [("PP017", "error")]),  # custom condition and no profile: nothing defines it
    ({"condition": "", "registry": None}, [("PP017", "error")]),  # PDF/X requires an identifier
])
def test_output_condition(tmp_path, kwargs, expected):
    assert findings(cases.print_pdf(tmp_path / "intent.pdf", **kwargs)) == expected


def test_a_profile_that_does_not_say_what_it_is(tmp_path):
    silent = _renamed_profile(b"FOGRA39", b"FOGRAXX")
    path = cases.print_pdf(tmp_path / "silent.pdf", edit=_profile(silent))
    (finding,) = preflight_file(path)
    assert (finding.code, str(finding.severity)) == ("PP017", "warning")
    assert "does not say it is FOGRA39" in finding.message and "FOGRAXX" in finding.message


def test_a_profile_that_says_it_is_another_registered_condition(tmp_path):
    fogra51 = _renamed_profile(b"FOGRA39", b"FOGRA51")
    path = cases.print_pdf(tmp_path / "other.pdf", edit=_profile(fogra51))
    (finding,) = preflight_file(path)
    assert (finding.code, str(finding.severity)) == ("PP017", "error")
    assert "is of FOGRA51" in finding.message


def test_condition_for_the_shipped_profile_a_declared_one_and_a_custom_one():
    from leaflets.output_condition import DeclaredCondition

    shipped = condition_for(cases.CMYK_PROFILE.read_bytes())
    assert (shipped.identifier, shipped.registry_name) == ("FOGRA39", ICC_REGISTRY)
    assert shipped.condition == registered("FOGRA39").condition and "FOGRA39" in shipped.info
    own = _renamed_profile(b"FOGRA39", b"OURPRES")
    custom = condition_for(own)
    assert custom.registry_name is None and custom.identifier == custom.info and "OURPRES" in custom.identifier
    declared = condition_for(own, DeclaredCondition("Shop press 2", None, "Sheet-fed, silk 150 g/m2"))
    assert (declared.identifier, declared.registry_name, declared.condition) == (
        "Shop press 2", None, "Sheet-fed, silk 150 g/m2")


def test_preflight_cli_reports_a_mismatched_condition(tmp_path):
    path = cases.print_pdf(tmp_path / "mismatch.pdf", condition="FOGRA51")
    result = run_cli("preflight", path)
    assert result.code == 1 and "PP017 error: the output intent names FOGRA51" in result.stdout, result
