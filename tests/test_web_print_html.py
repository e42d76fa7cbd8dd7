"""The print HTML that WeasyPrint renders: page set-up, CMYK-only print profile, marks on every page."""

from __future__ import annotations

import base64
import copy
import importlib
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from leaflets.brand import MissingGlyphsError, load_brand
from leaflets.model import Leaflet
from leaflets.render.html import qr_svg, render_print, templates_dir

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "model" / "sample.en.json"
URL = "https://www.st-example-hospital.example/leaflets/sample.en.html"


def leaflet(**changes: Any) -> Leaflet:
    data = copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8"))) | changes
    return Leaflet.from_data(data, source_sha256="0" * 64)


def style_of(html: str) -> str:
    match = re.search(r"<style>(.*?)</style>", html, re.S)
    assert match is not None
    return match.group(1)


def data_uris(html: str) -> list[str]:
    """The SVG images of the page but its icon arrays (tests/test_icons.py checks those)."""
    return [base64.b64decode(m).decode("utf-8")
            for m in re.findall(r'<img (?!class="icons")[^>]*?src="data:image/svg\+xml;base64,([^"]+)"', html)]


def test_print_profile_is_all_cmyk_with_bleed_and_an_output_profile() -> None:
    html = render_print(leaflet(), load_brand("example-hospital"), profile="print", web_url=URL)
    style = style_of(html)
    assert re.search(r"@color-profile device-cmyk \{\s*src: url\(\"file://[^\"]+\.icc\"\);", style)
    assert "bleed: 3mm;" in style and "size: 148mm 210mm;" in style
    assert not re.search(r"#[0-9a-fA-F]{3,6}\b|rgb\(|hsl\(", style), "an RGB colour in the print stylesheet"
    assert re.search(r"html \{[^}]*color: device-cmyk\(0 0 0 1\);", style), "text must be 100 % K"
    logo, qr = data_uris(html)
    for svg in (logo, qr):
        colours = re.findall(r'(?:fill|stroke)="([^"]+)"', svg)
        assert colours and all(c.startswith("device-cmyk(") for c in colours), colours
    assert 'style="' not in html  # every colour is in the stylesheet above


def test_screen_profile_is_rgb_with_live_links_and_alt_text() -> None:
    html = render_print(leaflet(), load_brand("example-hospital"), profile="screen", web_url=URL)
    style = style_of(html)
    assert "@color-profile" not in style and "bleed" not in style
    assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\" dir=\"ltr\">")
    assert '<a href="https://example.org/guideline">A sample guideline</a>' in html
    assert '<a href="tel:02079460000" dir="ltr">020 7946 0000</a>' in html and f'<a href="{URL}" dir="ltr">' in html
    images = re.findall(r"<img\b[^>]*>", html)
    pictures = [img for img in images if 'class="icons"' not in img]  # the logo and the QR code; the icon arrays
    assert len(pictures) == 2 and all(re.search(r'alt="[^"]+"', img) for img in images)  # all with alt text


def test_footer_has_code_version_dates_and_page_x_of_y() -> None:
    style = style_of(render_print(leaflet(), load_brand("default"), profile="print"))
    # one footer box: the title (not the id), then the version (approved: with its date) and the dates
    assert ('content: "Sample procedure\\a Version 1.2, approved 20\u00a0November\u00a02026 · Last reviewed '
            '23\u00a0November\u00a02026 · Next review due 23\u00a0November\u00a02027";') in style  # dates stay whole
    draft = style_of(render_print(leaflet(status="draft"), load_brand("default"), profile="print"))
    assert 'content: "Sample procedure\\a Version 1.2 · Last reviewed' in draft
    assert 'content: "Page " counter(page) " of " counter(pages);' in style
    assert "size: 210mm 297mm;" in style


def test_fonts_are_relative_to_the_brand_folder() -> None:
    brand = load_brand("default")
    style = style_of(render_print(leaflet(), brand, profile="print"))
    urls = re.findall(r'src: url\("([^"]+\.ttf)"\)', style)
    # four faces of the main typeface, regular and bold of each fallback (Noto Naskh Arabic, Noto Sans Bengali)
    assert len(urls) == 8 and all((brand.folder / url).is_file() for url in urls)


@pytest.mark.parametrize("profile", ["screen", "print"])
def test_marks_for_drafts_and_unapproved_leaflets(profile: str) -> None:
    brand = load_brand("default")
    approved = render_print(leaflet(), brand, profile=profile)
    assert "DRAFT" not in approved and "Not yet approved" not in approved and "@top-center" not in approved
    unapproved = render_print(leaflet(status="in-review"), brand, profile=profile)
    assert 'content: "Not yet approved for patient use";' in style_of(unapproved)  # every page but the first
    assert "<strong>Not yet approved for patient use.</strong>" in unapproved  # the first page
    draft = render_print(leaflet(), brand, profile=profile, draft=True)
    assert 'content: "DRAFT – not for use with patients";' in style_of(draft)
    assert '<div class="draft-watermark" aria-hidden="true">DRAFT</div>' in draft
    assert "<title>DRAFT: Sample procedure</title>" in draft


def test_no_qr_code_without_a_web_address() -> None:
    html = render_print(leaflet(), load_brand("default"), profile="print", web_url=None)
    assert len(data_uris(html)) == 1 and "Read this leaflet online" not in html


def test_qr_code_modules() -> None:
    import segno

    svg = qr_svg(URL, "device-cmyk(0 0 0 1)")
    code = segno.make(URL, error="m", micro=False)
    size = code.symbol_size(scale=1, border=4)[0]
    assert f'viewBox="0 0 {size} {size}"' in svg
    dark = sum(sum(1 for v in row if v) for row in code.matrix)
    drawn = sum(int(n) for n in re.findall(r"h(\d+)v1", svg))
    assert drawn == dark


def test_hostile_text_is_escaped_in_print_html() -> None:
    html = render_print(leaflet(title="A </style><script>x</script> {{ 7 * 7 }}"), load_brand("default"),
                        profile="screen")
    assert "<script>" not in html and "&lt;/style&gt;&lt;script&gt;" in html and "{{ 7 * 7 }}" in html


def test_missing_glyphs_refuse_the_pdf() -> None:
    with pytest.raises(MissingGlyphsError, match=r"sample.en \(print PDF\).*'这' \(U\+8FD9\).*in \"这是一个摘要\""):
        render_print(leaflet(summary="这是一个摘要"), load_brand("default"), profile="print")


def test_unknown_profile() -> None:
    with pytest.raises(ValueError, match="unknown PDF profile"):
        render_print(leaflet(), load_brand("default"), profile="web")


@pytest.mark.slow
@pytest.mark.parametrize("brand_name", ["default", "example-hospital"])
@pytest.mark.parametrize("profile", ["screen", "print"])
def test_weasyprint_renders_the_print_html_with_marks_on_every_page(tmp_path: Path, brand_name: str,
                                                                    profile: str) -> None:
    """Through the engine's sandboxed renderer, which fails on any WeasyPrint error, stray font or RGB."""
    pdf = importlib.import_module("leaflets.render.pdf")
    brand = load_brand(brand_name)
    item = leaflet(status="draft", condition=["Pneumonoultramicroscopicsilicovolcanoconiosis" * 6] * 30)
    html = render_print(item, brand, profile=profile, draft=True, web_url=URL if brand.web_base else None)
    options = pdf.PdfOptions(profile=profile, base_dir=brand.folder, roots=(templates_dir(), pdf.ICC_DIR),
                             date=item.last_reviewed, identity="00" * 32, font_files=pdf.font_files(brand.folder),
                             label=item.slug)
    target = tmp_path / "out.pdf"
    target.write_bytes(pdf.render_pdf(html, options).data)
    pages = subprocess.run(["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")[:-1]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert "DRAFT" in text, f"page {number} has no DRAFT mark"
        assert "Not yet approved for patient use" in text, f"page {number} has no not-approved band"
        assert f"Page {number} of {len(pages)}" in text
        assert "Version 1.2 · Last reviewed" in text and "Sample procedure" in text  # the footer, every page
