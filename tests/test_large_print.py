"""Large print (``build --profile large-print``): a tagged PDF/UA-1 on A4 whatever the brand's paper,
every word 16 pt or more (read here from the PDF's own text operators, not from the layout check that
preflight runs), ranged left, preflighted with the 16 pt minimum; the other outputs say it exists.
"""

from __future__ import annotations

import importlib
import json
import math
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, run_cli

pytestmark = pytest.mark.slow

LEAFLET = ROOT / "content" / "cement-augmented-spinal-surgery" / "en.json"
NAME = "cement-augmented-spinal-surgery.en"
A4_PT = (210 * 72 / 25.4, 297 * 72 / 25.4)
BRANDS = ("default", "example-hospital")  # A4 and A5 paper


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The leaflet's web page, screen PDF and large-print PDF for each shipped brand, built once."""
    outs = {}
    for brand in BRANDS:
        out = tmp_path_factory.mktemp(brand) / "dist"
        result = run_cli("build", LEAFLET, "--brand", brand, "--profile", "screen,large-print,print", "--out", out)
        assert result.code == 0, result
        outs[brand] = out
    return outs


# --- text sizes from the content streams ------------------------------------------------------------

def _multiply(a: list[float], b: list[float]) -> list[float]:
    """a × b for PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def _shown(operands: list) -> str:
    if operands and isinstance(operands[-1], pikepdf.Array):
        return "".join(bytes(item).hex() for item in operands[-1] if isinstance(item, pikepdf.String))
    return bytes(operands[-1]).hex() if operands and isinstance(operands[-1], pikepdf.String) else ""


def text_sizes(stream_owner, ctm: list[float]) -> Iterator[float]:
    """The size of every text run a content stream (and the forms it draws) shows, in points on the
    page: the Tf size scaled by the text matrix and the CTM (WeasyPrint draws in CSS px under a 0.75
    scale), rotated runs included."""
    stack: list[list[float]] = []
    tm = [1.0, 0, 0, 1, 0, 0]
    size = 0.0
    for operands, operator in pikepdf.parse_content_stream(stream_owner):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop()
        elif op == "cm":
            ctm = _multiply([float(v) for v in operands], ctm)
        elif op == "BT":
            tm = [1.0, 0, 0, 1, 0, 0]
        elif op == "Tm":
            tm = [float(v) for v in operands]
        elif op == "Tf":
            size = float(operands[1])
        elif op in ("Tj", "TJ", "'", '"') and _shown(operands):
            m = _multiply(tm, ctm)
            yield size * math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))
        elif op == "Do":
            xobject = stream_owner_resources(stream_owner).get("/XObject", {}).get(str(operands[0]))
            if xobject is not None and xobject.get("/Subtype") == "/Form":
                matrix = [float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0])]
                yield from text_sizes(xobject, _multiply(matrix, ctm))


def stream_owner_resources(owner) -> pikepdf.Dictionary:
    resources = owner.get("/Resources") if not isinstance(owner, pikepdf.Page) else owner.obj.get("/Resources")
    return resources if resources is not None else pikepdf.Dictionary()


def page_text_sizes(path: Path) -> list[list[float]]:
    with pikepdf.open(path) as pdf:
        return [list(text_sizes(page, [1.0, 0, 0, 1, 0, 0])) for page in pdf.pages]


# --- the tests ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("brand", BRANDS)
def test_every_text_run_is_16_pt_or_more_on_a4(built, brand) -> None:
    path = built[brand] / f"{NAME}.large-print.pdf"
    sizes = page_text_sizes(path)
    runs = [size for page in sizes for size in page]
    assert len(runs) > 200, len(runs)  # the whole leaflet was read, not an empty page
    assert min(runs) >= 16 - 0.01, sorted(runs)[:10]
    with pikepdf.open(path) as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.mediabox)
            assert (x1 - x0, y1 - y0) == pytest.approx(A4_PT, abs=0.5), brand  # A5 brand too


def test_the_screen_pdf_beside_it_is_not_large_print(built) -> None:
    """The reader above does see small text where there is some (so the test above can fail)."""
    runs = [size for page in page_text_sizes(built["default"] / f"{NAME}.screen.pdf") for size in page]
    assert min(runs) < 16


@pytest.mark.parametrize("brand", BRANDS)
def test_preflight_passes_it_as_large_print_and_the_manifest_lists_it(built, brand) -> None:
    path = built[brand] / f"{NAME}.large-print.pdf"
    result = run_cli("preflight", "--profile", "large-print", path)
    assert result.code == 0, result
    entries = {entry["path"]: entry for entry in json.loads((built[brand] / "manifest.json").read_text())["outputs"]}
    entry = entries[path.name]
    assert entry["profile"] == "large-print" and entry["format"] == "pdf"
    assert entry["preflight"]["errors"] == 0


def test_preflight_as_large_print_refuses_the_screen_pdf_for_small_text(built) -> None:
    screen = built["default"] / f"{NAME}.screen.pdf"
    assert run_cli("preflight", "--profile", "screen", screen).code == 0
    result = run_cli("preflight", "--profile", "large-print", screen)
    assert result.code == 1 and "PL008" in result.stdout and "below 16 pt" in result.stdout, result
    result = run_cli("preflight", "--min-text-pt", "16", screen)
    assert result.code == 1 and "PL008" in result.stdout, result


@pytest.mark.parametrize("brand", BRANDS)
def test_it_passes_an_independent_pdfua_checker(built, brand) -> None:
    page = importlib.import_module("page")
    report = page.validate_pdf_bytes((built[brand] / f"{NAME}.large-print.pdf").read_bytes(), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_text_is_ranged_left_not_justified(built) -> None:
    """Justified lines all end at the right edge of the column; ragged lines mostly do not."""
    from leaflets.preflight.layout import read_pages

    pages = read_pages(built["default"] / f"{NAME}.large-print.pdf")
    ends = [round(line.words[-1].x1) for page in pages for line in page.lines
            if not line.furniture and len(line.words) >= 4]
    right = max(ends)
    at_edge = sum(1 for end in ends if end >= right - 1)
    assert len(ends) > 100 and at_edge / len(ends) < 0.2, (at_edge, len(ends))


def test_the_web_page_and_screen_pdf_point_to_it(built) -> None:
    out = built["default"]
    page = (out / f"{NAME}.html").read_text(encoding="utf-8")
    assert f'also available in <a href="{NAME}.large-print.pdf">large print' in page
    text = run_text(out / f"{NAME}.screen.pdf")
    assert "also available in large print" in text
    assert "also available in large print" not in run_text(out / f"{NAME}.large-print.pdf")


def test_without_large_print_nothing_points_to_it(tmp_path) -> None:
    out = tmp_path / "dist"
    result = run_cli("build", LEAFLET, "--format", "html", "--out", out)
    assert result.code == 0, result
    assert "large print (PDF)" not in (out / f"{NAME}.html").read_text(encoding="utf-8")


def run_text(path: Path) -> str:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    return " ".join(" ".join(page.get_textpage().get_text_range().split()) for page in document)


def test_asking_for_large_print_later_renders_the_other_outputs_again(tmp_path) -> None:
    """The line naming the large-print PDF is part of the other outputs' keys (leaflets.incremental):
    a screen PDF built without large print is not reused when it should now name it."""
    out = tmp_path / "dist"
    first = run_cli("build", LEAFLET, "--format", "pdf", "--profile", "screen", "--out", out)
    assert first.code == 0, first
    assert "also available in large print" not in run_text(out / f"{NAME}.screen.pdf")
    again = run_cli("build", LEAFLET, "--format", "pdf", "--profile", "screen", "--out", out)
    assert again.code == 0 and "0 rendered, 1 reused" in again.stdout, again
    second = run_cli("build", LEAFLET, "--format", "pdf", "--profile", "screen,large-print", "--out", out)
    assert second.code == 0 and "2 rendered, 0 reused" in second.stdout, second
    assert "also available in large print" in run_text(out / f"{NAME}.screen.pdf")


def _logo_and_words(pdf_path: Path) -> tuple[list[tuple[float, float, float, float]], list[tuple[str, float, float]]]:
    """Page 1's logo (the small square-ish shapes drawn in the masthead, top 45 mm) and the words of the
    masthead with their left and right edges, in PDF points."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    document = pdfium.PdfDocument(str(pdf_path))
    try:
        page = document[0]
        height = page.get_height()
        band = height - 45 * 72 / 25.4
        shapes = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=3)]
        logo = [b for b in shapes if b[1] > band and 6 * 72 / 25.4 < b[2] - b[0] < 30 * 72 / 25.4
                and 6 * 72 / 25.4 < b[3] - b[1] < 30 * 72 / 25.4]
        textpage = page.get_textpage()
        words = []
        for index in range(textpage.count_rects()):
            left, bottom, right, top = textpage.get_rect(index)
            if bottom > band:
                words.append((textpage.get_text_bounded(left, bottom, right, top), left, right, bottom, top))
        textpage.close()
        return logo, [(text, left, right) for text, left, right, bottom, top in words
                      if any(b[1] < top and bottom < b[3] for b in logo)]
    finally:
        document.close()


@pytest.mark.parametrize("brand", BRANDS)
def test_the_masthead_words_stand_beside_the_logo_not_under_it(built, brand) -> None:
    """Seen in a page image: the large-print masthead's organisation name ran under the logo (a paragraph
    with a column count is laid over a float by WeasyPrint). Every word level with the logo starts to its
    right."""
    logo, words = _logo_and_words(built[brand] / f"{NAME}.large-print.pdf")
    assert logo, "the logo's shapes were not found on page 1"
    logo_right = max(b[2] for b in logo)
    assert words, "no masthead words level with the logo"
    under = [text for text, left, _right in words if left < logo_right]
    assert not under, f"words drawn over the logo (its right edge at {logo_right:.1f} pt): {under}"


@pytest.mark.parametrize("brand", BRANDS)
def test_the_print_pdf_that_points_to_it_keeps_its_closing_block_whole(built, brand) -> None:
    """Seen in a page image: the A5 print PDF's last block (QR code, address, "also available in large
    print") split over two pages, the large-print line alone on the last one, the address wrapped under
    the QR code (PL006). The build's own layout check of the print PDF finds nothing."""
    entries = json.loads((built[brand] / "manifest.json").read_text(encoding="utf-8"))["outputs"]
    (entry,) = [e for e in entries if e["path"] == f"{NAME}.print.pdf"]
    assert entry["preflight"]["codes"] == [], entry["preflight"]
