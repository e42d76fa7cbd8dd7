"""Scripts beyond Latin (issue 14, item 3): an Arabic leaflet built right to left, and a Bengali one.

The default brand carries Noto Naskh Arabic and Noto Sans Bengali as fallback typefaces (vendored
with their licence), so ``tests/fixtures/scripts/sample/ar.json`` and ``bn.json`` (translations of
the sample leaflet, pinned to the ``en.json`` beside them) build as web page, screen, print and
large-print PDF. The slow tests build that folder once with the real CLI and read what came out:
the fonts embedded in the PDFs, no glyph drawn as .notdef, the page mirrored (the title set at the
right, the page number at the left), a phone number still read left to right inside Arabic text,
PDF/UA by an independent checker, and the web page through axe-core in headless Chromium, with its
computed direction right to left.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from babel.messages.pofile import read_po
from conftest import FIXTURES, ROOT, brand_copy, run_cli
from lxml import html as lxml_html

from leaflets.brand import load_brand
from leaflets.model import Leaflet
from leaflets.preflight.layout import Page, read_pages
from leaflets.render.html import render_print, text_direction

SAMPLE = FIXTURES / "scripts" / "sample"
ARABIC, BENGALI, ENGLISH = SAMPLE / "ar.json", SAMPLE / "bn.json", SAMPLE / "en.json"
FONTS = ROOT / "brands" / "default" / "fonts"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def leaflet(path: Path) -> Leaflet:
    return Leaflet.from_data(json.loads(path.read_text(encoding="utf-8")), source_sha256="0" * 64)


def catalogue(language: str) -> dict[str, str]:
    with (ROOT / "leaflets" / "locale" / language / "LC_MESSAGES" / "leaflets.po").open("rb") as handle:
        return {str(m.id): str(m.string) for m in read_po(handle) if m.id}


# --- the brand's fallback typefaces ---------------------------------------------------------------

def test_default_brand_covers_arabic_and_bengali_with_licensed_fallbacks() -> None:
    brand = load_brand("default")
    assert [(f.family, f.script) for f in brand.typeface.fallbacks] == [("Noto Naskh Arabic", "Arab"),
                                                                       ("Noto Sans Bengali", "Beng")]
    every_word = "".join(path.read_text(encoding="utf-8") for path in (ARABIC, BENGALI))
    assert brand.missing_glyphs(every_word) == []
    assert brand.missing_glyphs("中") == ["中"]  # what no typeface of the brand has is still refused
    published = {path.name for path in brand.assets()}
    assert {"OFL-Noto.txt", "NotoNaskhArabic-Regular.ttf", "NotoSansBengali-Bold.ttf"} <= published
    assert "SIL OPEN FONT LICENSE Version 1.1" in (FONTS / "OFL-Noto.txt").read_text(encoding="utf-8")


def test_vendored_noto_files_are_the_ones_their_note_records() -> None:
    """NOTO-SOURCES.md says where each face came from and its SHA-256: a swapped file fails here."""
    note = (FONTS / "NOTO-SOURCES.md").read_text(encoding="utf-8")
    recorded = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+\.ttf)$", note, re.M))
    assert len(recorded) == 4
    for name, digest in recorded.items():
        assert hashlib.sha256((FONTS / name).read_bytes()).hexdigest() == digest, name


def test_a_brand_without_fallbacks_still_refuses_arabic(tmp_path: Path) -> None:
    result = run_cli("build", ARABIC, "--brand", "example-hospital", "--format", "pdf", "--profile", "screen",
                     "--out", tmp_path / "out")
    assert result.code == 1, result
    assert "has no glyph for 'إ' (U+0625)" in result.stderr and "Traceback" not in result.stderr, result


def test_a_fallback_named_like_the_main_typeface_is_refused(tmp_path: Path) -> None:
    def same_name(data: dict[str, Any]) -> None:
        data["typeface"]["fallbacks"][1]["family"] = "atkinson hyperlegible next"

    result = run_cli("build", ENGLISH, "--brand", brand_copy(tmp_path, same_name), "--out", tmp_path / "out")
    assert result.code == 2, result
    assert "typeface.fallbacks[1].family \"atkinson hyperlegible next\" is already the name of typeface.family" \
        in result.stderr and "Traceback" not in result.stderr, result


def test_a_broken_fallback_font_is_named(tmp_path: Path) -> None:
    """A fallback face is opened by fontTools like the main ones: a truncated file fails the brand,
    naming the file, before anything is rendered."""
    def broken(data: dict[str, Any]) -> None:
        data["typeface"]["fallbacks"][0]["bold"] = "fonts/Broken.ttf"

    brand = brand_copy(tmp_path, broken)
    (brand / "fonts" / "Broken.ttf").write_bytes((FONTS / "NotoNaskhArabic-Bold.ttf").read_bytes()[:4000])
    result = run_cli("build", ARABIC, "--brand", brand, "--out", tmp_path / "out")
    assert result.code == 2, result
    assert "typeface file fonts/Broken.ttf is not a TrueType or OpenType font that can be read" in result.stderr
    assert "Traceback" not in result.stderr, result


# --- words: catalogues, rules, direction -----------------------------------------------------------

def test_arabic_catalogue_is_complete_and_keeps_every_value() -> None:
    arabic, english = catalogue("ar"), catalogue("en")
    assert set(arabic) == set(english)
    untranslated = [m for m, string in arabic.items() if not string]
    assert untranslated == [], ("an Arabic page would show these in English: translate them in "
                                f"leaflets/locale/ar/LC_MESSAGES/leaflets.po: {untranslated}")
    for message, string in arabic.items():
        assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(message)), message
    assert arabic["Risks"] == "المخاطر" and arabic["Page %(page)s of %(pages)s"] == "الصفحة %(page)s من %(pages)s"


def test_leaflets_validate_and_readability_is_not_measured() -> None:
    result = run_cli("validate", "--format", "json", SAMPLE)
    assert result.code == 0, result
    found = json.loads(result.stdout)["findings"]
    codes = {(Path(f["file"]).name, f["code"]) for f in found}
    assert ("ar.json", "LR003") in codes and ("bn.json", "LR003") in codes  # "not measured for language ar"
    assert not any(code.startswith(("LR00", "LT")) and code != "LR003" for name, code in codes if name != "en.json")
    assert ("ar.json", "LM009") not in codes  # every Arabic interface message is translated
    partial = [f["message"] for f in found if f["code"] == "LM009" and f["file"].endswith("bn.json")]
    assert len(partial) == 1 and "are shown in English" in partial[0]  # the Bengali catalogue is partial: said so
    assert "LH006" not in {code for _, code in codes}


def test_repeated_names_are_found_in_arabic_too(tmp_path: Path) -> None:
    """LH006 compares names by their words in any script (it once read every Arabic name as the same
    empty name, and flagged all of them)."""
    data = json.loads(ARABIC.read_text(encoding="utf-8"))
    data.pop("translation_of")
    data["risks"][2]["name"] = data["risks"][0]["name"]
    target = tmp_path / "sample" / "ar.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_cli("validate", "--format", "json", target)
    repeated = [f["pointer"] for f in json.loads(result.stdout)["findings"] if f["code"] == "LH006"]
    assert repeated == ["/risks/2/name"], result


def test_text_direction_is_that_of_the_first_strong_character() -> None:
    assert text_direction("Surgical patient information") == "ltr"
    assert text_direction("« مستشفى » Hospital") == "rtl"
    assert text_direction("020 7946 0000") == "auto"


def test_source_kind_is_in_the_leaflets_language(tmp_path: Path) -> None:
    result = run_cli("build", ARABIC, "--format", "txt", "--out", tmp_path)
    assert result.code == 0, result
    text = (tmp_path / "sample.ar.txt").read_text(encoding="utf-8")
    assert "(دليل إرشادي)." in text and "(guideline)" not in text


def test_print_styles_mirror_for_right_to_left() -> None:
    brand = load_brand("default")
    arabic = render_print(leaflet(ARABIC), brand, profile="print")
    english = render_print(leaflet(SAMPLE / "en.json"), brand, profile="print")
    assert '<html lang="ar" dir="rtl">' in arabic and '<html lang="en" dir="ltr">' in english
    for page, start, end in ((arabic, "right", "left"), (english, "left", "right")):
        assert re.search(rf"\.edge \{{[^}}]*\n  {start}: -", page)  # the brand strip on the binding side
        assert f"@bottom-{start} {{\n    content: " in page and f"@bottom-{end} {{\n    content: counter" not in page
        assert f"ul, ol {{ padding-{start}: 6mm; }}" in page
    assert '<a href="tel:02079460000" dir="ltr">020 7946 0000</a>' not in arabic  # print shows no live link
    assert '<span class="url" dir="ltr">020 7946 0000</span>' in arabic


# --- the real build --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("scripts")
    result = run_cli("build", SAMPLE, "--out", out, "--profile", "screen,print,large-print", "-j", "2")
    assert result.code == 0, result
    assert "error" not in result.stderr, result
    return out


def title_line(page: Page) -> Any:
    """The largest text on the page outside the running header and footer: the leaflet's title."""
    lines = [line for line in page.lines if line.top > page.trim[1] + 60]
    return max(lines, key=lambda line: line.size)


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["screen", "print", "large-print"])
def test_arabic_pdf_is_set_right_to_left(built: Path, profile: str) -> None:
    """The title starts at the right margin in Arabic and at the left in English (the same check,
    so it would catch a page that was not mirrored); the page number sits at the left in Arabic."""
    for language, at_right in (("ar", True), ("en", False)):
        first = read_pages(built / f"sample.{language}.{profile}.pdf")[0]
        title = title_line(first)
        left_gap, right_gap = title.words[0].x0 - first.trim[0], first.trim[2] - max(w.x1 for w in title.words)
        assert (right_gap < left_gap) is at_right, (language, title.text, left_gap, right_gap)
    arabic = read_pages(built / f"sample.ar.{profile}.pdf")[0]
    number = next(w for line in arabic.lines for w in line.words if w.text == "الصفحة")
    assert number.x0 < (arabic.trim[0] + arabic.trim[2]) / 2  # "Page 1 of 4" at the left, the outer edge


@pytest.mark.slow
def test_numbers_inside_arabic_keep_their_order(built: Path) -> None:
    """"020 7946 0000" in an Arabic line is isolated left to right: drawn 020, 7946, 0000 from the left
    (without dir="ltr" the bidi algorithm draws it as 0000 7946 020)."""
    for profile in ("screen", "print"):
        for page in read_pages(built / f"sample.ar.{profile}.pdf"):
            for line in page.lines:
                parts = {w.text: w.x0 for w in line.words if w.text in ("020", "7946", "0000")}
                if len(parts) == 3:
                    assert parts["020"] < parts["7946"] < parts["0000"], (profile, line.text)
                    break
            else:
                continue
            break
        else:
            pytest.fail(f"no line of the {profile} PDF has the phone number")


@pytest.mark.slow
def test_a_reference_code_inside_arabic_keeps_its_order(built: Path) -> None:
    """The leaflet's reference "4471-TEST" starts with digits: in right-to-left text the bidi algorithm
    would draw it as "TEST-4471" (the body) or "TEST4471-" (the running footer). It is isolated left to
    right (``<bdi dir="ltr">`` in the body, LRI…PDI in the footer's CSS string), so "4471" is drawn to
    the left of "TEST" wherever it is printed."""
    import pypdfium2 as pdfium

    for profile in ("screen", "print", "large-print"):
        document = pdfium.PdfDocument(built / f"sample.ar.{profile}.pdf")
        seen = 0
        try:
            for number in range(len(document)):
                textpage = document[number].get_textpage()
                text = textpage.get_text_range()
                at = text.find("TEST")
                while at >= 0:
                    digits = text.find("4471", max(at - 8, 0), at + 12)
                    assert digits >= 0, (profile, number, text[max(at - 8, 0):at + 12])
                    assert textpage.get_charbox(digits)[0] < textpage.get_charbox(at)[0], (profile, number + 1)
                    seen += 1
                    at = text.find("TEST", at + 1)
        finally:
            document.close()
        assert seen > len(read_pages(built / f"sample.ar.{profile}.pdf")), profile  # every footer, and the body
    assert '<bdi dir="ltr">4471-TEST</bdi>' in (built / "sample.ar.html").read_text(encoding="utf-8")


def font_problems(path: Path, wanted: str) -> tuple[set[str], list[str]]:
    """(the base names of the fonts in the PDF, problems): a font not embedded, or a glyph drawn with
    code 0 (.notdef, the empty box) in a font with two-byte codes."""
    names, problems = set(), []
    with pikepdf.open(path) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            fonts = page.resources.get("/Font", {})
            for key, font in fonts.items():
                names.add(str(font.BaseFont))
                descriptor = (font.DescendantFonts[0] if font.Subtype == "/Type0" else font).get("/FontDescriptor")
                if descriptor is None or not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                    problems.append(f"page {number}: {key} {font.BaseFont} is not embedded")
            current = None
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("Tf"):
                    current = fonts.get(str(operands[0]))
                elif operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")) and current is not None \
                        and current.Subtype == "/Type0":
                    strings = operands[0] if operator == pikepdf.Operator("TJ") else [operands[0]]
                    for item in strings:
                        if isinstance(item, pikepdf.String):
                            data = bytes(item)
                            codes = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
                            if 0 in codes:
                                problems.append(f"page {number}: .notdef drawn in {current.BaseFont}")
    assert any(wanted in name for name in names), names
    return names, problems


@pytest.mark.slow
@pytest.mark.parametrize(("language", "family"), [("ar", "Noto-Naskh-Arabic"), ("bn", "Noto-Sans-Bengali")])
def test_pdfs_embed_the_script_font_and_draw_no_notdef(built: Path, language: str, family: str) -> None:
    for profile in ("screen", "print", "large-print"):
        names, problems = font_problems(built / f"sample.{language}.{profile}.pdf", family)
        assert problems == [], problems
        assert any(f"{family}-Bold" in name for name in names), names  # headings in the bold face
        with pikepdf.open(built / f"sample.{language}.{profile}.pdf") as pdf:
            assert str(pdf.Root.Lang) == language


@pytest.mark.slow
def test_arabic_pdfs_pass_preflight(built: Path) -> None:
    result = run_cli("preflight", built / "sample.ar.screen.pdf", built / "sample.ar.print.pdf")
    assert result.code == 0 and "no problems found" in result.stdout, result
    result = run_cli("preflight", "--profile", "large-print", built / "sample.ar.large-print.pdf")
    assert result.code == 0 and "no problems found" in result.stdout, result


@pytest.mark.slow
def test_arabic_screen_pdf_passes_an_independent_pdfua_checker(built: Path) -> None:
    import importlib

    page = importlib.import_module("page")
    report = page.validate_pdf_bytes((built / "sample.ar.screen.pdf").read_bytes(), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


@pytest.mark.slow
def test_arabic_web_page_marks_direction_and_language(built: Path) -> None:
    tree = lxml_html.fromstring((built / "sample.ar.html").read_bytes())
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")
    assert tree.xpath("//*[@lang and @lang != 'ar']") == []  # no English fallback: the catalogue is complete
    phone = tree.xpath("//a[starts-with(@href, 'tel:')]")
    assert phone and all(a.get("dir") == "ltr" for a in phone)
    assert tree.xpath("//h2[@id='risks-h']/text()") == ["المخاطر"]
    sources = " ".join(tree.xpath("//ul[@class='sources']//text()"))
    assert "(دليل إرشادي)" in sources and "guideline)" not in sources  # the source's kind, in Arabic too
    bengali = lxml_html.fromstring((built / "sample.bn.html").read_bytes())
    assert (bengali.get("lang"), bengali.get("dir")) == ("bn", "ltr")
    assert bengali.xpath("//h2[@id='risks-h']/text()") == ["ঝুঁকিসমূহ"]
    index = lxml_html.fromstring((built / "index.html").read_bytes())
    assert [a.get("dir") for a in index.xpath("//a[@hreflang='ar']")] == ["rtl"]  # an Arabic title in the list
    assert index.xpath("//span[@lang='ar' and @dir='rtl' and contains(., 'نوفمبر')]")  # its date, marked too


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 640, 320])
def test_arabic_web_page_passes_axe_and_reads_right_to_left(browser: Any, built: Path, width: int) -> None:
    from test_web import check_page, serve

    with serve(built) as base:
        found = check_page(browser, f"{base}sample.ar.html", width)
        assert "Noto Naskh Arabic" in found["fonts"], found["fonts"]
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            page = context.new_page()
            page.goto(f"{base}sample.ar.html", wait_until="load")
            seen = page.evaluate("""() => {
                const h1 = document.querySelector('h1'), range = document.createRange();
                range.selectNodeContents(h1);
                const text = range.getBoundingClientRect(), box = h1.getBoundingClientRect();
                return {direction: getComputedStyle(document.documentElement).direction,
                        leftGap: text.left - box.left, rightGap: box.right - text.right};
            }""")
        finally:
            context.close()
    assert seen["direction"] == "rtl", seen
    assert seen["rightGap"] < 1 < seen["leftGap"], seen  # the title sits against the right edge


@pytest.mark.slow
def test_an_arabic_booklet_is_imposed_to_bind_on_the_right(tmp_path: Path) -> None:
    """An A5 booklet of the Arabic leaflet folds with its spine on the right: page 1 on the left half
    of the cover's sheet side (the mirror of the English booklet), and preflight accepts it."""
    import shutil

    from leaflets.booklet import imposition

    brand = tmp_path / "a5"
    shutil.copytree(ROOT / "brands" / "example-hospital", brand)
    data = json.loads((brand / "brand.json").read_text(encoding="utf-8"))
    data["typeface"]["fallbacks"] = json.loads(
        (ROOT / "brands" / "default" / "brand.json").read_text(encoding="utf-8"))["typeface"]["fallbacks"]
    (brand / "brand.json").write_text(json.dumps(data), encoding="utf-8")
    for name in ("NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf", "NotoSansBengali-Regular.ttf",
                 "NotoSansBengali-Bold.ttf", "OFL-Noto.txt"):
        shutil.copy(FONTS / name, brand / "fonts" / name)
    out = tmp_path / "out"
    result = run_cli("build", ARABIC, ENGLISH, "--brand", brand, "--booklet", "--format", "pdf", "--profile", "print",
                     "--out", out)
    assert result.code == 0, result
    sides = {}
    for language in ("ar", "en"):
        with pikepdf.open(out / f"sample.{language}.booklet.pdf") as pdf:
            sides[language] = imposition(pdf)
    count = sides["ar"][0][2]
    assert sides["ar"][0][:2] == (1, count) and sides["en"][0][:2] == (count, 1), sides
    assert [(right, left) for left, right, _ in sides["ar"]] == [(left, right) for left, right, _ in sides["en"]]
    result = run_cli("preflight", "--booklet", out / "sample.ar.booklet.pdf")
    assert result.code == 0, result
