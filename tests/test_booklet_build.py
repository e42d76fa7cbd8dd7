"""``leaflets build --booklet`` end to end: the real CLI as a subprocess, the PDFs opened with
pikepdf and read back with poppler's pdftotext.

No test depends on how many pages a shipped leaflet lays out to today: counts are read from the PDFs
built. The padding tests use the first of a few cuts of pars-defect-repair (example-hospital, A5)
whose booklet needs pages added, found by building them.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, copy_beside, run_cli

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


def build_booklet(out: Path, *extra: str, source: Path = SHIPPED, brand: str = "example-hospital") -> None:
    result = run_cli("build", source, "--brand", brand, "--booklet", "--format", "pdf",
                     "--profile", "print", "--out", out, "--jobs", "1", *extra)
    assert result.code == 0, result


ADDED = "Questions to ask your care team"  # the heading of the first page a booklet adds


def first_added_page(pdf: Path) -> int | None:
    return next((p for p in range(1, page_count(pdf) + 1) if ADDED in pdf_text(pdf, p)), None)


# Cuts of the shipped leaflet, longest first: the padding tests need one whose pages are not already a
# multiple of 4 (the glossary and questions are optional, so each cut is still a publishable leaflet).
CUTS = [(), ("glossary",), ("glossary", "questions")]


def first_padded_cut(folders: Iterator[Path], questions: list[str] | None = None, *extra: str,
                     brand: str = "example-hospital") -> tuple[Path, Path]:
    """(the source, its build folder) of the first cut of pars-defect-repair (with ``questions`` instead of
    its own, if given) whose booklet by ``brand`` adds pages, built into the next of ``folders``."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data.pop("further_information")  # alone in its folder: the leaflets it names are not beside it (LM010)
    for cut in CUTS:
        folder = next(folders)
        kept = {k: v for k, v in data.items() if k not in cut}
        if questions is not None:
            kept["questions"] = questions
        source = folder / "content" / data["id"] / "en.json"
        source.parent.mkdir(parents=True)
        source.write_text(json.dumps(kept, indent=2), encoding="utf-8")
        copy_beside(SHIPPED, source)
        build_booklet(folder / "dist", *extra, source=source, brand=brand)
        if first_added_page(folder / "dist" / "pars-defect-repair.en.print.pdf"):
            return source, folder / "dist"
    raise AssertionError(f"every cut of {SHIPPED} lays out to a multiple of 4 pages: add a cut to CUTS")


@pytest.fixture(scope="module")
def padded(tmp_path_factory) -> tuple[Path, Path]:
    return first_padded_cut(tmp_path_factory.mktemp("cut") for _ in CUTS)


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


def trim_of(path: Path, page: int = 0) -> list[float]:
    with pikepdf.open(path) as pdf:
        return [float(v) for v in pdf.pages[page].obj.TrimBox]


@pytest.mark.slow
def test_print_pdf_is_padded_to_a_multiple_of_4_with_useful_pages(padded) -> None:
    from leaflets.booklet import pages_to_add

    source, out = padded
    pdf = out / "pars-defect-repair.en.print.pdf"
    n = page_count(pdf)
    first = first_added_page(pdf)
    assert first is not None
    own = first - 1  # the leaflet's own pages end before the questions page
    assert n % 4 == 0 and n == own + pages_to_add(own), (own, n)
    added = {page: pdf_text(pdf, page) for page in range(first, n + 1)}
    for question in json.loads(source.read_text(encoding="utf-8")).get("questions", []):
        assert re.sub(r"\s+", " ", question) in added[first], question  # its own questions, on that page
    assert all("Notes" in added[page] for page in range(first + 1, n + 1))
    assert ADDED not in pdf_text(pdf, own)
    for page, text in added.items():  # footer and not-approved band on the added pages too
        assert f"Page {page} of {n}" in text, (page, text)
        assert "Pars defect repair" in text and "Version " in text  # the footer names the title
        assert BAND in text, (page, text)
    with pikepdf.open(pdf) as document:  # every page the same trim, so the print shop sees one job
        trims = {tuple(round(float(v), 2) for v in page.obj.TrimBox) for page in document.pages}
    assert len(trims) == 1, trims


@pytest.mark.slow
def test_padded_print_pdf_passes_booklet_preflight(padded) -> None:
    out = padded[1]
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
    page_w = trim_of(out / "pars-defect-repair.en.print.pdf")[2]
    assert page_count(booklet) == n // 2
    first = pdf_text(booklet, 1)
    assert f"Page {n} of {n}" in first and f"Page 1 of {n}" in first, first
    fold = BLEED + page_w  # pdftotext crops from the MediaBox corner, 3 mm of bleed outside the trim
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
    from leaflets.booklet import pages_to_add

    # a cut whose A4 page count is not a multiple of 4, so pages are added
    folders = (tmp_path / f"cut-{number}" for number in range(len(CUTS)))
    _source, out = first_padded_cut(folders, brand="default")
    pdf = out / "pars-defect-repair.en.print.pdf"
    n = page_count(pdf)
    # the leaflet's own pages, then a questions page and ruled notes pages up to the multiple of 4
    first_added = first_added_page(pdf)
    assert first_added is not None
    assert n % 4 == 0 and n == first_added - 1 + pages_to_add(first_added - 1), (first_added, n)
    assert all("Notes" in pdf_text(pdf, p) for p in range(first_added + 1, n + 1))
    assert not list(out.glob("*.booklet.pdf"))
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["profile"] for e in manifest["outputs"]] == ["print"]


@pytest.mark.slow
def test_a_questions_page_that_spills_over_is_corrected(tmp_path) -> None:
    """So many questions that they fill more than a page: the pages added must still make 4n."""
    questions = [f"Question {i}: what should I ask about my operation, my recovery and going home?"
                 for i in range(1, 31)]
    folders = (tmp_path / f"cut-{number}" for number in range(len(CUTS)))
    _source, out = first_padded_cut(folders, questions, "--draft")
    pdf = out / "pars-defect-repair.en.print.pdf"
    n = page_count(pdf)
    assert n % 4 == 0, n
    first = first_added_page(pdf)
    assert first is not None
    added = "".join(pdf_text(pdf, page) for page in range(first, n + 1))  # the questions page, however long
    assert "Question 1:" in added and "Question 30:" in added
    assert page_count(out / "pars-defect-repair.en.booklet.pdf") == n // 2


@pytest.mark.slow
def test_booklet_passes_print_preflight_and_the_manifest_says_so(a5_builds) -> None:
    out = a5_builds[0]
    booklet = out / "pars-defect-repair.en.booklet.pdf"
    result = run_cli("preflight", "--profile", "print", "--booklet", booklet)
    assert result.code == 0 and "no problems found" in result.stdout, result
    manifest = json.loads((out / "manifest.json").read_text())
    entry = next(e for e in manifest["outputs"] if e["path"] == booklet.name)
    assert entry["preflight"]["errors"] == 0 and entry["preflight"]["codes"] == [], entry
    done = subprocess.run(["qpdf", "--check", str(booklet)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def placed_pages(page) -> list[list[float]]:
    """Where each page placed on a sheet side can paint: its form's BBox, moved by the ``cm`` before it."""
    boxes = []
    matrix = None
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "cm":
            matrix = [float(v) for v in operands]
        elif str(operator) == "Do" and matrix is not None:
            x0, y0, x1, y1 = (float(v) for v in page.Resources.XObject[operands[0]].BBox)
            a, _b, _c, d, e, f = matrix
            boxes.append([a * x0 + e, d * y0 + f, a * x1 + e, d * y1 + f])
    return boxes


@pytest.mark.slow
def test_booklet_sheet_trim_is_two_pages_with_3mm_bleed_on_every_edge(a5_builds) -> None:
    """The TrimBox is what is left after cutting: the two pages side by side (two A5 pages, not A4), and
    the pages' own artwork fills a full 3 mm bleed on every cut edge of the sheet."""
    out = a5_builds[0]
    page = trim_of(out / "pars-defect-repair.en.print.pdf")
    page_w, page_h = page[2] - page[0], page[3] - page[1]
    with pikepdf.open(out / "pars-defect-repair.en.booklet.pdf") as pdf:
        assert len(pdf.pages) == page_count(out / "pars-defect-repair.en.print.pdf") // 2
        for number, side in enumerate(pdf.pages, start=1):
            trim = [float(v) for v in side.obj.TrimBox]
            bleed = [float(v) for v in side.obj.BleedBox]
            media = [float(v) for v in side.obj.MediaBox]
            assert trim == pytest.approx([0, 0, 2 * page_w, page_h], abs=0.01), (number, trim)
            grown = [trim[0] - BLEED, trim[1] - BLEED, trim[2] + BLEED, trim[3] + BLEED]
            assert bleed == pytest.approx(grown, abs=0.01), (number, trim, bleed)
            assert media == bleed, (number, media, bleed)
            left, right = placed_pages(side)
            assert left[2] == pytest.approx(page_w, abs=0.01) and right[0] == pytest.approx(page_w, abs=0.01)
            painted = [left[0], min(left[1], right[1]), right[2], max(left[3], right[3])]
            assert painted == pytest.approx(grown, abs=0.01), (number, painted)  # artwork to the bleed edge
    # poppler reads the same boxes
    boxes = subprocess.run(["pdfinfo", "-box", "-f", "1", "-l", "1", str(out / "pars-defect-repair.en.booklet.pdf")],
                           capture_output=True, text=True, check=True).stdout
    assert re.search(rf"Page\s+1 TrimBox:\s+0\.00\s+0\.00\s+{2 * page_w:.2f}\s+{page_h:.2f}", boxes), boxes
    assert re.search(rf"Page\s+1 BleedBox:\s+-8\.50\s+-8\.50\s+{2 * page_w + BLEED:.2f}\s+{page_h + BLEED:.2f}",
                     boxes), boxes


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
    page_w, page_h = trim_of(out / "pars-defect-repair.en.print.pdf")[2:]
    width, height = side.size
    px = 36 / 72
    assert abs(width - round((2 * page_w + 2 * BLEED) * px)) <= 1, side.size
    assert abs(height - round((page_h + 2 * BLEED) * px)) <= 1, side.size
    y = 1  # inside the top 3 mm (about 4 px at 36 ppi): sheet bleed, outside the trim
    x = round((BLEED + page_w + page_w / 2) * px)  # the middle of the right-hand page (page 1)
    top = side.getpixel((x, y))
    assert top != (255, 255, 255), top
    # and it is the cover's own masthead colour, from the cover's own bleed
    at = (round((BLEED + page_w / 2) * px), y)
    assert top == cover.getpixel(at), (top, cover.getpixel(at))


@pytest.mark.slow
def test_a_booklet_that_fails_preflight_is_not_written(a5_builds, tmp_path) -> None:
    """The built print PDF with its PDF/X identification and output intent stripped: the imposed
    sheets inherit neither, so the build's preflight of the booklet refuses them. The booklet is
    imposed from the bytes rendered, in memory: no print PDF is read back from the folder."""
    import io
    import json

    from leaflets import publish, workers

    buffer = io.BytesIO()
    with pikepdf.open(a5_builds[0] / "pars-defect-repair.en.print.pdf") as pdf:
        del pdf.Root.OutputIntents
        del pdf.Root.Metadata
        pdf.save(buffer)
    leaflet = workers.leaflet_model(json.loads(SHIPPED.read_text(encoding="utf-8")), str(SHIPPED), "0" * 64,
                                    draft=False)
    request = workers.RenderRequest(str(SHIPPED), leaflet, "example-hospital", "print", False, False, True)
    entry, failure = publish.write_booklet(tmp_path, workers.Rendered(request, data=buffer.getvalue()),
                                           "example-hospital")
    assert list(tmp_path.iterdir()) == []
    assert entry == {}
    assert "preflight rejected pars-defect-repair.en.booklet.pdf" in failure
    assert "PP008" in failure, failure


def test_render_print_refuses_impossible_padding() -> None:
    from leaflets.brand import load_brand
    from leaflets.model import Leaflet
    from leaflets.render import html

    leaflet = Leaflet.from_data(json.loads(SHIPPED.read_text(encoding="utf-8")), source_sha256="0" * 64)
    brand = load_brand("example-hospital")
    with pytest.raises(ValueError, match="extra_pages"):
        html.render_print(leaflet, brand, profile="print", extra_pages=8)
    with pytest.raises(TypeError):  # no parameter that could only ever raise
        html.render_print(leaflet, brand, profile="print", pad_to_multiple_of=4)  # type: ignore[call-arg]
    page = html.render_print(leaflet, brand, profile="print", extra_pages=3)
    assert page.count('class="extra-page') == 3
    assert "Questions to ask your care team" in page and page.count(">Notes</h2>") == 2
    assert 'class="extra-page' not in html.render_print(leaflet, brand, profile="print")


# --- every shipped booklet, with the build's --crop-marks: what a print shop receives -------------------


@pytest.fixture(scope="module")
def shipped_with_marks(tmp_path_factory) -> dict[str, Path]:
    """Every shipped leaflet built with --booklet --crop-marks, by each brand (A4 default, A5 example-hospital)."""
    folders = {}
    for brand in ("default", "example-hospital"):
        out = tmp_path_factory.mktemp(f"marks-{brand}")
        result = run_cli("build", ROOT / "content", "--brand", brand, "--booklet", "--crop-marks", "--format", "pdf",
                         "--profile", "print", "--out", out, "--jobs", "2")
        assert result.code == 0, result
        folders[brand] = out
    return folders


@pytest.mark.slow
def test_every_booklet_passes_booklet_preflight_with_no_findings(shipped_with_marks) -> None:
    """The A5 brand's imposed sheets (checked as booklets: pages of the original counted, the pages' own
    clipped-away marks not taken for marks in the bleed) and the A4 brand's padded print PDFs."""
    shipped = sorted(f"{p.parent.name}.{p.stem}" for p in (ROOT / "content").glob("*/*.json"))  # cy.json too
    imposed = sorted(shipped_with_marks["example-hospital"].glob("*.booklet.pdf"))
    assert [p.name for p in imposed] == [f"{name}.booklet.pdf" for name in shipped]
    padded_a4 = sorted(shipped_with_marks["default"].glob("*.print.pdf"))
    assert len(padded_a4) == len(shipped) and not list(shipped_with_marks["default"].glob("*.booklet.pdf"))
    result = run_cli("preflight", "--booklet", *imposed, *padded_a4)
    assert result.code == 0 and result.stdout.strip().endswith("no problems found."), result
    for booklet in imposed:  # each sheet side holds two of the original's pages
        original = booklet.with_name(booklet.name.replace(".booklet.", ".print."))
        assert page_count(booklet) * 2 == page_count(original), booklet


def stroked_lines(page) -> list[tuple[float, float, float, float]]:
    """The bounds of every line the sheet side's own content strokes (its marks; the pages are forms)."""
    lines, start = [], None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "m":
            start = [float(v) for v in operands]
        elif op == "l" and start is not None:
            x, y = (float(v) for v in operands)
            lines.append((min(start[0], x), min(start[1], y), max(start[0], x), max(start[1], y)))
    return lines


@pytest.mark.slow
def test_sheet_crop_and_fold_marks_are_outside_the_bleed(shipped_with_marks, tmp_path) -> None:
    from PIL import Image

    booklet = shipped_with_marks["example-hospital"] / "pars-defect-repair.en.booklet.pdf"
    with pikepdf.open(booklet) as pdf:
        for number, side in enumerate(pdf.pages, start=1):
            trim = [float(v) for v in side.obj.TrimBox]
            bleed = [float(v) for v in side.obj.BleedBox]
            media = [float(v) for v in side.obj.MediaBox]
            fold = (trim[0] + trim[2]) / 2
            marks = stroked_lines(side)
            assert len(marks) == 10, (number, marks)  # 8 crop marks at the corners, 2 fold marks
            for x0, y0, x1, y1 in marks:
                outside = x1 < bleed[0] or x0 > bleed[2] or y1 < bleed[1] or y0 > bleed[3]
                assert outside, (number, (x0, y0, x1, y1), bleed)
                assert media[0] <= x0 and x1 <= media[2] and media[1] <= y0 and y1 <= media[3], (number, media)
            def on(value: float, *lines: float) -> bool:
                return any(abs(value - line) < 0.01 for line in lines)

            # a crop mark continues a trim edge: vertical at its left or right, horizontal at its bottom or top
            crop = [m for m in marks if (on(m[0], m[2]) and on(m[0], trim[0], trim[2]))
                    or (on(m[1], m[3]) and on(m[1], trim[1], trim[3]))]
            assert len(crop) == 8, (number, crop)
            folds = [m for m in marks if on(m[0], m[2]) and on(m[0], fold)]
            assert len(folds) == 2 and {m[1] > trim[3] for m in folds} == {True, False}, (number, folds)
        first = pdf.pages[0].obj
        margin = -float(first.MediaBox[0])
        fold_x = float(first.TrimBox[2]) / 2
        fold_mark = next(m for m in stroked_lines(pdf.pages[0])
                         if abs(m[0] - fold_x) < 0.01 and m[1] > float(first.TrimBox[3]))
    subprocess.run(["pdftoppm", "-r", "72", "-f", "1", "-l", "1", "-png", "-singlefile", str(booklet),
                    str(tmp_path / "sheet")], check=True)
    sheet = Image.open(tmp_path / "sheet.png").convert("L")
    height = sheet.size[1]
    x = round(fold_mark[0] + margin)
    y = round(height - (fold_mark[1] + fold_mark[3]) / 2 - margin)  # image rows run down from the top
    assert min(sheet.getpixel((x + dx, y)) for dx in (-1, 0, 1)) < 160, "the fold mark is not drawn"
