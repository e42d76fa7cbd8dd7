"""Brands: the shipped ones load, and every kind of bad brand is refused with the file and the place."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import brand_copy

from leaflets.brand import (
    BrandError,
    Cmyk,
    MissingGlyphsError,
    available_brands,
    brand_dir,
    contrast,
    load_brand,
)

ROOT = Path(__file__).resolve().parent.parent


def refused(folder: Path | str) -> str:
    with pytest.raises(BrandError) as caught:
        load_brand(str(folder))
    message = str(caught.value)
    assert "Traceback" not in message
    return message


@pytest.mark.parametrize("name", ["default", "example-hospital"])
def test_shipped_brands_load(name: str) -> None:
    brand = load_brand(name)
    assert brand.folder == (ROOT / "brands" / name).resolve()
    assert brand.logo.suffix == ".svg" and brand.logo.is_relative_to(brand.folder)
    assert [(f.weight, f.style) for f in brand.typeface.faces] == [(400, "normal"), (700, "normal"),
                                                                   (400, "italic"), (700, "italic")]
    assert "SIL Open Font License" in brand.typeface.licence.read_text(encoding="utf-8")
    assert not brand.missing_glyphs("Café naïve – “quoted” · 1 in 1,000 people … Ŵŷ")  # Welsh too
    assert brand.paper in ("A4", "A5")


def test_example_hospital_is_invented_and_publishes() -> None:
    brand = load_brand("example-hospital")
    assert brand.organisation == "St Example's Hospital NHS Trust"
    assert brand.contact.phone is not None and brand.contact.phone.startswith("020 7946 0")  # Ofcom drama range
    assert brand.web_base is not None and brand.web_base.startswith("https://")
    assert brand.paper == "A5" and brand.paper_mm == (148, 210)


def test_default_brand_is_a4_and_does_not_publish() -> None:
    brand = load_brand("default")
    assert brand.paper_mm == (210, 297) and brand.web_base is None


def test_brand_by_path_and_brand_dir() -> None:
    assert brand_dir() == (ROOT / "brands").resolve()
    assert available_brands() == ["default", "example-hospital"]
    assert load_brand(str(ROOT / "brands" / "example-hospital")).name == "example-hospital"


def test_unknown_brand() -> None:
    message = refused("no-such-brand")
    assert 'no brand called "no-such-brand"' in message and "default, example-hospital" in message


def test_folder_without_brand_json(tmp_path: Path) -> None:
    assert "has no brand.json" in refused(tmp_path)


def test_cmyk_as_css() -> None:
    assert Cmyk(100, 70, 0, 10).css() == "device-cmyk(1 0.7 0 0.1)"
    assert Cmyk(0, 0, 0, 100).css() == "device-cmyk(0 0 0 1)"
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0


# --- bad brand.json -----------------------------------------------------------------------------

def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "brand.json").write_text('{\n  "organisation": "X",\n}\n', encoding="utf-8")
    message = refused(folder)
    assert "brand.json:3:1:" in message and "invalid JSON" in message


def test_bad_colour_names_the_place(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, lambda d: d["colours"]["primary"].__setitem__("screen", "blue"))
    message = refused(folder)
    assert "brand.json:" in message and "colours.primary.screen" in message and "#rrggbb" in message


def test_bad_cmyk_is_out_of_range(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, lambda d: d["colours"]["accent"]["print"].__setitem__("k", 140))
    assert "colours.accent.print.k must be at most 100" in refused(folder)


def test_every_schema_error_is_reported(tmp_path: Path) -> None:
    def change(d: dict[str, Any]) -> None:
        d["paper"] = "Letter"
        d["colour"] = {}
        del d["organisation"]

    message = refused(brand_copy(tmp_path, change))
    assert "paper" in message and "Letter" in message
    assert 'unknown field "colour"' in message and "organisation" in message
    assert len(message.splitlines()) == 3


def test_low_contrast_primary_is_refused(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, lambda d: d["colours"]["primary"].__setitem__("screen", "#88aadd"))
    message = refused(folder)
    assert 'colours.primary.screen "#88aadd"' in message and "4.5:1" in message


# --- assets stay inside the brand folder ---------------------------------------------------------

def test_missing_logo(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "logo.svg").unlink()
    message = refused(folder)
    assert "logo.file" in message and '"logo.svg"' in message and "no such file" in message


@pytest.mark.parametrize(
    ("reference", "words"),
    [
        ("../default/logo.svg", ".."),
        ("fonts/../../default/logo.svg", ".."),
        ("https://example.org/logo.svg", "URL"),
        ("file:///etc/passwd", "URL"),
        ("//example.org/logo.svg", "absolute"),
        ("/etc/passwd", "absolute"),
        ("C:\\logo.svg", "URL"),
    ],
)
def test_asset_references_that_leave_the_folder(tmp_path: Path, reference: str, words: str) -> None:
    folder = brand_copy(tmp_path, lambda d: d["logo"].__setitem__("file", reference))
    message = refused(folder)
    assert "logo.file" in message and "brand.json" in message, message
    # The schema refuses these first (with its advice); either way the place and the reason are named.
    assert "inside the brand folder" in message or words in message, message


@pytest.mark.parametrize(
    ("reference", "words"),
    [("../default/logo.svg", "climbs out"), ("https://example.org/logo.svg", "a URL"), ("/etc/passwd", "absolute")],
)
def test_resolve_asset_refuses_even_without_the_schema(tmp_path: Path, reference: str, words: str) -> None:
    from leaflets.brand import resolve_asset

    with pytest.raises(BrandError, match=words):
        resolve_asset(tmp_path, reference, "brand.json: logo.file")


def test_symlink_out_of_the_folder(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    outside = tmp_path / "outside.svg"
    shutil.copy(folder / "logo.svg", outside)
    (folder / "logo.svg").unlink()
    os.symlink(outside, folder / "logo.svg")
    assert "symbolic link" in refused(folder)


def test_font_that_is_not_a_font(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "fonts" / "AtkinsonHyperlegibleNext_700Bold.ttf").write_bytes(b"not a font")
    message = refused(folder)
    assert "fonts/AtkinsonHyperlegibleNext_700Bold.ttf" in message and "font" in message


def test_font_must_be_ttf_or_otf(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, lambda d: d["typeface"].__setitem__("regular", "fonts/Regular.woff2"))
    assert ".ttf or .otf" in refused(folder)


# --- the logo ------------------------------------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('<rect width="10" height="10" fill="#ff00ff"/>', "one of the brand's colours"),
        ('<rect width="10" height="10" style="fill:#123456"/>', "one of the brand's colours"),
        ("<script>alert(1)</script>", "<script> is not allowed"),
        ('<image href="https://example.org/x.png" width="10" height="10"/>', "<image> is not allowed"),
        ('<use href="other.svg#a"/>', "may only refer to its own parts"),
        ('<rect width="10" height="10" onclick="x()"/>', "event handler"),
        ('<text x="1" y="9">A</text>', "convert text to outlines"),
    ],
)
def test_logo_that_cannot_be_printed_or_is_unsafe(tmp_path: Path, body: str, words: str) -> None:
    folder = brand_copy(tmp_path)
    (folder / "logo.svg").write_text(SVG.format(body), encoding="utf-8")
    message = refused(folder)
    assert "logo.file logo.svg" in message and words in message, message


def test_logo_that_is_not_svg(tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "logo.svg").write_text("<!DOCTYPE svg [<!ENTITY a 'b'>]><svg/>", encoding="utf-8")
    assert "DOCTYPE" in refused(folder)


def test_logo_in_cmyk_has_no_rgb_left() -> None:
    brand = load_brand("example-hospital")
    screen, cmyk = brand.logo_svg(), brand.logo_svg(cmyk=True)
    assert "#00675b" in screen and "#" not in cmyk.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "device-cmyk(0.9 0.15 0.6 0.3)" in cmyk and 'fill="device-cmyk(0 0 0 1)"' in cmyk


# --- glyphs ----------------------------------------------------------------------------------------

def test_missing_glyphs_are_named() -> None:
    brand = load_brand("default")
    assert brand.missing_glyphs("ok ab\u00ad\n中文 عرب 中") == ["中", "文"]  # Arabic: the Noto Naskh fallback
    assert load_brand("example-hospital").missing_glyphs("عرب \u2066020\u2069") == ["ع", "ر", "ب"]
    with pytest.raises(MissingGlyphsError) as caught:
        brand.require_glyphs("Knee 中文", "content/knee/en.json")
    message = str(caught.value)
    assert message.startswith("content/knee/en.json: the typeface \"Atkinson Hyperlegible Next\"")
    assert "'中' (U+4E2D)" in message and "brands/default/brand.json" in message
