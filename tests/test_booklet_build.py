"""``leaflets build --booklet`` end to end: the real CLI as a subprocess, the PDFs opened with
pikepdf and read back with poppler's pdftotext.

pars-defect-repair lays out to 13 A5 pages with the example-hospital brand, so the booklet adds 3:
a questions page and two notes pages. spinal-fusion lays out to 9 A4 pages with the default brand.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, run_cli

SHIPPED = ROOT / "content" / "pars-defect-repair" / "en.json"
BAND = "Not yet approved for patient use"
BLEED = 3 * 72 / 25.4  # 8.504 pt


def pdf_text(path: Path, page: int | None = None, crop: tuple[float, float, float, float] | None = None) -> str:
    """The text of ``path`` (one page, optionally a crop x, y, width, height in points), spaces squashed."""
    args = ["-f", str(page), "-l", str(page)] if page else []
    if crop:
        args += ["-r", "72", "-x", str(int(crop[0])), "-y", str(int(crop[1])),
                 "-W", str(int(crop[2])), "-H", str(int(crop[3]))]
    done = subprocess.run(["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def build_booklet(out: Path, *extra: str) -> None:
    result = run_cli("build", SHIPPED, "--brand", "example-hospital", "--booklet", "--format", "pdf",
                     "--profile", "print", "--out", out, "--jobs", "1", *extra)
    assert result.code == 0, result


@pytest.fixture(scope="module")
def a5_builds(tmp_path_factory) -> tuple[Path, Path]:
    """The same A5 booklet build twice, into two folders."""
    first, second = tmp_path_factory.mktemp("booklet-1"), tmp_path_factory.mktemp("booklet-2")
    build_booklet(first)
    build_booklet(second)
    return first, second


def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@pytest.mark.slow
def test_print_pdf_is_padded_to_a_multiple_of_4_with_useful_pages(a5_builds) -> None:
    out = a5_builds[0]
    pdf = out / "pars-defect-repair.en.print.pdf"
    n = page_count(pdf)
    assert n % 4 == 0 and n == 16, n  # 13 pages of leaflet + 3 added
    questions = json.loads(SHIPPED.read_text(encoding="utf-8"))["questions"]
    added = {page: pdf_text(pdf, page) for page in (n - 2, n - 1, n)}
    assert "Questions to ask your care team" in added[n - 2]
    for question in questions:  # the leaflet's own questions, on the questions page
        assert re.sub(r"\s+", " ", question) in added[n - 2], question
    assert "Notes" in added[n - 1] and "Notes" in added[n]
    assert "Questions to ask your care team" not in pdf_text(pdf, n - 3)  # the leaflet ends before
    for page, text in added.items():  # footer and not-approved band on the added pages too
        assert f"Page {page} of {n}" in text, (page, text)
        assert "pars-defect-repair · version" in text
        assert BAND in text, (page, text)
    with pikepdf.open(pdf) as document:  # every page the same trim, so the print shop sees one job
        trims = {tuple(round(float(v), 2) for v in page.obj.TrimBox) for page in document.pages}
    assert len(trims) == 1, trims


@pytest.mark.slow
def test_padded_print_pdf_passes_booklet_preflight(a5_builds) -> None:
    out = a5_builds[0]
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e["path"] == "pars-defect-repair.en.print.pdf")
    assert entry["preflight"]["errors"] == 0, entry
    result = run_cli("preflight", "--booklet", out / "pars-defect-repair.en.print.pdf")
    assert result.code == 0, result


@pytest.mark.slow
def test_a5_leaflet_is_imposed_two_up_on_a4_in_saddle_stitch_order(a5_builds) -> None:
    out = a5_builds[0]
    n = page_count(out / "pars-defect-repair.en.print.pdf")
    booklet = out / "pars-defect-repair.en.booklet.pdf"
    with pikepdf.open(booklet) as pdf:
        assert len(pdf.pages) == n // 2
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
            assert abs((x1 - x0) - 842) < 1 and abs((y1 - y0) - 595) < 1, page.obj.TrimBox
    first = pdf_text(booklet, 1)
    assert f"Page {n} of {n}" in first and f"Page 1 of {n}" in first, first
    fold = BLEED + 421  # pdftotext crops from the MediaBox corner, 3 mm of bleed outside the trim
    left = pdf_text(booklet, 1, crop=(0, 0, fold, 612))
    right = pdf_text(booklet, 1, crop=(fold, 0, fold, 612))
    assert f"Page {n} of {n}" in left and f"Page 1 of {n}" not in left, left
    assert f"Page 1 of {n}" in right and f"Page {n} of {n}" not in right, right
    back = pdf_text(booklet, 2)  # the back of the first sheet: 2 | n-1
    assert f"Page 2 of {n}" in back and f"Page {n - 1} of {n}" in back, back


@pytest.mark.slow
def test_manifest_lists_the_booklet_with_its_own_hash(a5_builds) -> None:
    out = a5_builds[0]
    manifest = json.loads((out / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["outputs"]}
    assert set(entries) == {"pars-defect-repair.en.print.pdf", "pars-defect-repair.en.booklet.pdf"}
    booklet = entries["pars-defect-repair.en.booklet.pdf"]
    data = (out / "pars-defect-repair.en.booklet.pdf").read_bytes()
    assert booklet["profile"] == "booklet" and booklet["format"] == "pdf"
    assert booklet["sha256"] == hashlib.sha256(data).hexdigest() and booklet["bytes"] == len(data)
    assert booklet["id"] == "pars-defect-repair" and booklet["source"] == "content/pars-defect-repair/en.json"
    assert booklet["sha256"] != entries["pars-defect-repair.en.print.pdf"]["sha256"]


@pytest.mark.slow
def test_booklet_build_is_deterministic(a5_builds) -> None:
    first, second = a5_builds
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    assert "pars-defect-repair.en.booklet.pdf" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.slow
def test_a4_brand_is_padded_but_not_imposed(tmp_path) -> None:
    result = run_cli("build", ROOT / "content" / "spinal-fusion" / "en.json", "--booklet", "--format", "pdf",
                     "--profile", "print", "--out", tmp_path, "--jobs", "1")
    assert result.code == 0, result
    pdf = tmp_path / "spinal-fusion.en.print.pdf"
    n = page_count(pdf)
    assert n == 12, n  # 9 A4 pages + a questions page + 2 notes pages
    assert "Questions to ask your care team" in pdf_text(pdf, n - 2) and "Notes" in pdf_text(pdf, n)
    assert not list(tmp_path.glob("*.booklet.pdf"))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [e["profile"] for e in manifest["outputs"]] == ["print"]


@pytest.mark.slow
def test_a_questions_page_that_spills_over_is_corrected(tmp_path) -> None:
    """So many questions that they fill more than a page: the pages added must still make 4n."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data["questions"] = [f"Question {i}: what should I ask about my operation, my recovery and going home?"
                         for i in range(1, 31)]
    source = tmp_path / "content" / data["id"] / "en.json"
    source.parent.mkdir(parents=True)
    source.write_text(json.dumps(data, indent=2), encoding="utf-8")
    out = tmp_path / "dist"
    result = run_cli("build", source, "--brand", "example-hospital", "--booklet", "--format", "pdf",
                     "--profile", "print", "--out", out, "--jobs", "1", "--draft")
    assert result.code == 0, result
    pdf = out / "pars-defect-repair.en.print.pdf"
    n = page_count(pdf)
    assert n % 4 == 0, n
    text = pdf_text(pdf)
    assert "Question 30:" in text and "Questions to ask your care team" in text
    assert page_count(out / "pars-defect-repair.en.booklet.pdf") == n // 2


@pytest.mark.slow
def test_booklet_passes_print_preflight_and_the_manifest_says_so(a5_builds) -> None:
    out = a5_builds[0]
    booklet = out / "pars-defect-repair.en.booklet.pdf"
    result = run_cli("preflight", "--profile", "print", booklet)
    assert result.code == 0, result
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e["path"] == booklet.name)
    assert entry["preflight"]["errors"] == 0 and entry["preflight"]["codes"] == [], entry
    done = subprocess.run(["qpdf", "--check", str(booklet)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.slow
def test_booklet_sheets_have_a4_trim_and_3mm_bleed(a5_builds) -> None:
    out = a5_builds[0]
    with pikepdf.open(out / "pars-defect-repair.en.booklet.pdf") as pdf:
        assert len(pdf.pages) == 8
        for number, page in enumerate(pdf.pages, start=1):
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            media = [float(v) for v in page.obj.MediaBox]
            assert abs(trim[2] - trim[0] - 841.89) < 0.1 and abs(trim[3] - trim[1] - 595.28) < 0.1, (number, trim)
            grown = [trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED]
            assert all(abs(b - g) < 0.01 for b, g in zip(bleed, grown, strict=True)), (number, trim, bleed)
            assert media == bleed, (number, media, bleed)
    # poppler reads the same boxes
    boxes = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "1", str(out / "pars-defect-repair.en.booklet.pdf")],
                           capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page\s+1 TrimBox:\s+0\.00\s+0\.00\s+841\.89\s+595\.28", boxes), boxes
    assert re.search(r"Page\s+1 BleedBox:\s+-8\.50\s+-8\.50\s+850\.39\s+603\.78", boxes), boxes


@pytest.mark.slow
def test_booklet_is_pdfx4_with_the_leaflets_output_intent(a5_builds) -> None:
    out = a5_builds[0]
    with pikepdf.open(out / "pars-defect-repair.en.print.pdf") as source, \
            pikepdf.open(out / "pars-defect-repair.en.booklet.pdf") as pdf:
        intents = pdf.Root.OutputIntents
        assert len(intents) == 1 and intents[0].S == pikepdf.Name.GTS_PDFX
        profile = intents[0].DestOutputProfile
        source_profile = source.Root.OutputIntents[0].DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes() == source_profile.read_bytes()
        assert str(pdf.docinfo.GTS_PDFXVersion) == "PDF/X-4"
        assert pdf.pdf_version >= "1.6"
        xmp = pdf.Root.Metadata.read_bytes().decode()
        assert "<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
        assert ">Pars defect repair (booklet)<" in xmp and str(pdf.docinfo.Title) == "Pars defect repair (booklet)"
        assert "/ID" in pdf.trailer


@pytest.mark.slow
def test_booklet_bleed_is_the_pages_own_artwork(a5_builds, tmp_path) -> None:
    """Side 1 is page n | page 1; page 1 (the cover) has a coloured masthead reaching its top bleed,
    so the sheet's top bleed strip above it is that colour, not paper white."""
    from PIL import Image

    out = a5_builds[0]
    prefix = tmp_path / "side"
    subprocess.run(["pdftoppm", "-r", "36", "-f", "1", "-l", "1", "-png", "-singlefile",
                    str(out / "pars-defect-repair.en.booklet.pdf"), str(prefix)], check=True)
    subprocess.run(["pdftoppm", "-r", "36", "-f", "1", "-l", "1", "-png", "-singlefile",
                    str(out / "pars-defect-repair.en.print.pdf"), str(tmp_path / "cover")], check=True)
    side = Image.open(f"{prefix}.png").convert("RGB")
    cover = Image.open(tmp_path / "cover.png").convert("RGB")
    width, height = side.size
    assert abs(width - round(858.9 * 36 / 72)) <= 1 and abs(height - round(612.3 * 36 / 72)) <= 1, side.size
    px = 36 / 72
    y = 1  # inside the top 3 mm (about 4 px at 36 ppi): sheet bleed, outside the trim
    x = round((BLEED + 421 + 210) * px)  # the middle of the right-hand page (page 1)
    top = side.getpixel((x, y))
    assert top != (255, 255, 255), top
    # and it is the cover's own masthead colour, from the cover's own bleed
    assert top == cover.getpixel((round((BLEED + 210) * px), y)), (top, cover.getpixel((round((BLEED + 210) * px), y)))


@pytest.mark.slow
def test_a_booklet_that_fails_preflight_is_not_written(a5_builds, tmp_path) -> None:
    """The built print PDF with its PDF/X identification and output intent stripped: the imposed
    sheets inherit neither, so the build's preflight of the booklet refuses them."""
    from leaflets import build

    with pikepdf.open(a5_builds[0] / "pars-defect-repair.en.print.pdf") as pdf:
        del pdf.Root.OutputIntents
        del pdf.Root.Metadata
        pdf.save(tmp_path / "pars-defect-repair.en.print.pdf")
    task = build.Task(str(SHIPPED), SHIPPED.read_text(encoding="utf-8"), "0" * 64, "example-hospital", "print",
                      False, False, True)
    item = build.Rendered(task, meta={"id": "pars-defect-repair", "language": "en"})
    result = build.BuildResult()
    assert not build._write_booklet(tmp_path, "pars-defect-repair.en.print.pdf", item, result, "example-hospital")
    assert not (tmp_path / "pars-defect-repair.en.booklet.pdf").exists()
    assert result.outputs == []
    assert len(result.failures) == 1 and "preflight rejected pars-defect-repair.en.booklet.pdf" in result.failures[0]
    assert "PP008" in result.failures[0], result.failures


def test_render_print_refuses_impossible_padding() -> None:
    from leaflets.brand import load_brand
    from leaflets.model import Leaflet
    from leaflets.render import html

    leaflet = Leaflet.from_data(json.loads(SHIPPED.read_text(encoding="utf-8")), source_sha256="0" * 64)
    brand = load_brand("example-hospital")
    with pytest.raises(ValueError, match="extra_pages"):
        html.render_print(leaflet, brand, profile="print", extra_pages=8)
    with pytest.raises(ValueError, match="before layout"):
        html.render_print(leaflet, brand, profile="print", pad_to_multiple_of=4)
    page = html.render_print(leaflet, brand, profile="print", extra_pages=3)
    assert page.count('class="extra-page') == 3
    assert "Questions to ask your care team" in page and page.count(">Notes</h2>") == 2
    assert 'class="extra-page' not in html.render_print(leaflet, brand, profile="print")
