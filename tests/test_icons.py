"""Icon arrays (leaflets/render/icons.py): which frequencies get a picture of 100 people, how many icons
are marked, that the colours keep WCAG 1.4.11's 3:1 on screen and in print (CMYK only), the alternative
text in English, Welsh and Arabic, and the real outputs: the web page (axe at 320, 640 and 1280 px), the
screen PDF's tagged /Figure with /Alt, the print PDF in CMYK passing preflight, the plain text without it.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import ROOT, run_cli, struct_elements

from leaflets.brand import contrast, load_brand
from leaflets.model import Frequency
from leaflets.render import icons

CEMENT = "cement-augmented-spinal-surgery"
CEMENT_ALT = "Picture: this happens in 5 of every 100 operations, may happen in 5 more, and not in the other 90."
TODAY = {"LEAFLETS_TODAY": "2026-12-02"}
SVG = "{http://www.w3.org/2000/svg}"


def frequency(rate: dict[str, Any], **more: Any) -> Frequency:
    return Frequency.from_data({"rate": rate, **more})


@pytest.mark.parametrize(("rate", "expected"), [
    ({"kind": "about", "percent": 5}, ("exact", 5, 0)),
    ({"kind": "about", "percent": 1}, ("exact", 1, 0)),  # "1 in 100": one icon, the classic array
    ({"kind": "about", "percent": 33.3}, ("exact", 33, 0)),  # "1 in 3"
    ({"kind": "about", "percent": 12.5}, ("exact", 13, 0)),  # halves up (not to even: 12)
    ({"kind": "about", "percent": 0.5}, None),  # below 1 in 100: 100 icons show nothing
    ({"kind": "about", "percent": 2.5}, None),  # 3 in 100 would be 20 % more than the figure
    ({"kind": "about", "percent": 1.3}, None),  # "1 in 77" is not 1 in 100
    ({"kind": "about", "percent": 99.7}, None),  # all 100: nothing the words do not say
    ({"kind": "between", "percent_from": 5, "percent_to": 10}, ("range", 5, 5)),
    ({"kind": "between", "percent_from": 10, "percent_to": 5}, ("range", 5, 5)),  # either order
    ({"kind": "between", "percent_from": 0.5, "percent_to": 5}, None),  # its lower figure is below 1 in 100
    ({"kind": "up-to", "percent": 5}, ("up-to", 0, 5)),
    ({"kind": "less-than", "percent": 2}, ("up-to", 0, 2)),
    ({"kind": "less-than", "percent": 1}, None),  # less than one icon in 100
    ({"kind": "at-least", "percent": 90}, None),  # open: how many it does not happen to is not known
    ({"kind": "more-than", "percent": 5}, None),
])
def test_which_rates_get_an_array_and_how_many_icons_are_marked(rate: dict[str, Any], expected: Any) -> None:
    found = icons.plan(frequency(rate))
    assert (found and (found.kind, found.sure, found.maybe)) == (expected or None)
    if found:
        assert found.sure + found.maybe + found.rest == 100


def test_a_writer_can_turn_it_off_and_a_frequency_without_a_rate_has_none() -> None:
    assert icons.plan(frequency({"kind": "about", "percent": 5}, icons=False)) is None
    assert icons.plan(frequency({"kind": "about", "percent": 5}, icons=True)) is not None
    assert icons.plan(Frequency.from_data({"note": "The sources we used give no figure."})) is None


def test_people_are_people_and_other_counts_are_circles() -> None:
    assert icons.plan(frequency({"kind": "about", "percent": 5})).shape == "person"  # type: ignore[union-attr]
    found = icons.plan(frequency({"kind": "about", "percent": 5}, per="eyes"))
    assert found is not None and found.shape == "circle" and found.per == "eyes"


def _paths(svg: str) -> tuple[str, str]:
    """(the filled path's d, the outlines' d) of an array."""
    root = ET.fromstring(svg)
    filled = [p.get("d", "") for p in root.iter(SVG + "path") if p.get("fill") not in (None, "none")]
    outlines = [p.get("d", "") for p in root.iter(SVG + "path") if p.get("stroke")]
    return "".join(filled), "".join(outlines)


@pytest.mark.parametrize("per", ["people", "operations"])
def test_the_drawing_marks_exactly_the_planned_icons(per: str) -> None:
    plan = icons.IconPlan("range", 7, 4, per)
    filled, outlines = _paths(icons.array_svg(plan, "#1d4f91", "#ffffff"))
    whole = "a1.8 1.8 0 1 0 3.6 0" if per == "people" else "a3.5 3.5 0 1 0 7 0"  # an icon's closed outline
    assert filled.count(whole) == 7  # a filled icon: its whole outline, filled
    assert filled.count("A") == 4  # a half-filled icon: one half arc
    assert outlines.count(whole) == 100


def test_right_to_left_fills_from_the_top_right() -> None:
    plan = icons.IconPlan("exact", 1, 0, "operations")
    first_x = {rtl: float(re.match(r"M([\d.]+)", _paths(icons.array_svg(plan, "#000000", "#ffffff",
                                                                        right_to_left=rtl))[0]).group(1))  # type: ignore[union-attr]
               for rtl in (False, True)}
    assert first_x[False] < 10 and first_x[True] > 90, first_x


def _colours(svg: str) -> set[str]:
    root = ET.fromstring(svg)
    return {value for element in root.iter() for key in ("fill", "stroke") if (value := element.get(key))} - {"none"}


@pytest.mark.parametrize("brand_name", ["default", "example-hospital"])
def test_contrast_is_at_least_3_to_1_on_screen_and_in_print(brand_name: str) -> None:
    """WCAG 1.4.11: a marked icon against an unmarked one (its white inside) and every edge against the
    page is the brand's primary colour against white. On screen that is the hex colour; in print the
    brand's CMYK ink on paper, turned into sRGB through the print PDF's own output profile."""
    from PIL import Image, ImageCms

    from leaflets.figures import print_profile

    brand = load_brand(brand_name)
    ink, paper = icons.colours(brand, None)
    assert contrast(ink, paper) >= 3, (ink, paper)
    plan = icons.IconPlan("range", 5, 5, "people")
    assert _colours(icons.array_svg(plan, ink, paper)) == {ink, paper}
    ink, paper = icons.colours(brand, "print")
    assert ink.startswith("device-cmyk(") and paper == "device-cmyk(0 0 0 0)", (ink, paper)
    assert _colours(icons.array_svg(plan, ink, paper)) == {ink, paper}  # nothing RGB in print
    press = ImageCms.ImageCmsProfile(io.BytesIO(print_profile(brand)))
    to_screen = ImageCms.buildTransform(press, ImageCms.createProfile("sRGB"), "CMYK", "RGB",
                                        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)

    def seen(cmyk: str) -> str:
        values = [float(v) for v in cmyk[len("device-cmyk("):-1].split()]
        pixel = ImageCms.applyTransform(Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in values)), to_screen)
        assert pixel is not None
        return "#{:02x}{:02x}{:02x}".format(*pixel.getpixel((0, 0)))

    assert contrast(seen(ink), seen(paper)) >= 3, (seen(ink), seen(paper))


@pytest.mark.parametrize(("language", "plan", "words"), [
    ("en", icons.IconPlan("exact", 5, 0, "people"), "Picture: this happens in 5 of every 100 people, and not in the "
                                                     "other 95."),
    ("en", icons.IconPlan("up-to", 0, 5, "eyes"), "Picture: this may happen in up to 5 of every 100 eyes, and not in "
                                                   "the other 95."),
    ("en", icons.IconPlan("range", 5, 5, "operations"), CEMENT_ALT),
    ("cy", icons.IconPlan("range", 5, 5, "operations"), "Llun: mae hyn yn digwydd mewn 5 o bob 100 o lawdriniaethau, "
                                                         "gall ddigwydd mewn 5 arall, ac nid yn y 90 arall."),
    ("cy", icons.IconPlan("exact", 5, 0, "people"), "Llun: mae hyn yn digwydd mewn 5 o bob 100 o bobl, ac nid yn y "
                                                     "95 arall."),
    ("ar", icons.IconPlan("exact", 5, 0, "people"), "صورة: يحدث هذا في 5 من كل 100 شخص، ولا يحدث في الـ95 الباقية."),
    ("ar", icons.IconPlan("up-to", 0, 2, "joints"), "صورة: قد يحدث هذا في ما يصل إلى 2 من كل 100 مفصل، ولا يحدث في "
                                                     "الـ98 الباقية."),
])
def test_alt_text_says_the_natural_frequency_in_the_leaflets_language(language: str, plan: icons.IconPlan,
                                                                      words: str) -> None:
    assert icons.alt_text(plan, language) == words


def test_every_array_message_is_translated_into_welsh_and_arabic() -> None:
    from leaflets.i18n import catalogue

    wanted = [*icons.EVERY.values(), *icons.ALT.values(), *icons.KEY.values()]
    for language in ("cy", "ar"):
        have = catalogue(language) or {}
        assert [m for m in wanted if not have.get(m)] == [], language


def _cement(tmp_path: Path, change: Any = None) -> Path:
    shutil.copytree(ROOT / "content", tmp_path / "content")  # its related leaflets must exist beside it (LM010)
    folder = tmp_path / "content" / CEMENT
    if change is not None:
        data = json.loads((folder / "en.json").read_text(encoding="utf-8"))
        change(data)
        (folder / "en.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def test_web_page_shows_the_array_beside_the_risk_not_in_the_table(tmp_path: Path) -> None:
    result = run_cli("build", _cement(tmp_path), "--out", tmp_path / "out", "--format", "html", env=TODAY)
    assert result.code == 0, result
    page = (tmp_path / "out" / f"{CEMENT}.en.html").read_text(encoding="utf-8")
    arrays = re.findall(r'<img class="icons" src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', page)
    assert arrays == [CEMENT_ALT], arrays  # the one qualifying rate; "less than 1 in 100" gets none
    risk = page[page.index('id="risk-4"'):]
    risk = risk[:risk.index('<div class="risk')]  # the cement leak's details, up to the next risk's
    assert "Cement leaking" in risk and risk.index("How often:") < risk.index('class="icon-array"'), risk
    tables = "".join(re.findall(r"<table.*?</table>", page, re.S))
    assert "icon-array" not in tables
    assert re.search(r'<ul class="icon-key" aria-hidden="true">\s*<li><span class="mark circle-sure"></span> happens',
                     page)
    assert "img-src 'self' data:" in page  # the page's CSP lets the array's data: URL load


def test_icons_false_validates_and_leaves_the_array_out(tmp_path: Path) -> None:
    def off(data: dict[str, Any]) -> None:
        next(r for r in data["risks"] if r["name"].startswith("Cement leaking"))["frequency"]["icons"] = False

    folder = _cement(tmp_path, off)
    checked = run_cli("validate", folder, env=TODAY)
    assert checked.code == 0 and "LS0" not in checked.stdout, checked
    result = run_cli("build", folder, "--out", tmp_path / "out", "--format", "html", env=TODAY)
    assert result.code == 0, result
    page = (tmp_path / "out" / f"{CEMENT}.en.html").read_text(encoding="utf-8")
    assert "icon-array" not in page.split("</style>")[1] and "img-src 'self';" in page


def test_icons_must_be_true_or_false(tmp_path: Path) -> None:
    def wrong(data: dict[str, Any]) -> None:
        data["risks"][3]["frequency"]["icons"] = "no"

    result = run_cli("validate", "--format", "json", _cement(tmp_path, wrong), env=TODAY)
    assert result.code == 1 and "Traceback" not in result.stderr, result
    found = [(f["code"], f["pointer"]) for f in json.loads(result.stdout)["findings"] if f["severity"] == "error"]
    assert found == [("LS003", "/risks/3/frequency/icons")], found  # the wrong type


def test_an_outcome_gets_its_array_in_its_cell(tmp_path: Path) -> None:
    def outcome(data: dict[str, Any]) -> None:
        data["outcomes"] = [{"outcome": "have less back pain a month later",
                             "frequency": {"rate": {"kind": "about", "percent": 80}}}]

    result = run_cli("build", _cement(tmp_path, outcome), "--out", tmp_path / "out", "--format", "html", env=TODAY)
    assert result.code == 0, result
    page = (tmp_path / "out" / f"{CEMENT}.en.html").read_text(encoding="utf-8")
    table = re.search(r'<table class="outcomes">.*?</table>', page, re.S)
    assert table and 'alt="Picture: this happens in 80 of every 100 people, and not in the other 20."' in table.group(0)
    assert "person-sure" in table.group(0) and "person-maybe" not in table.group(0)


# --- the real outputs (slow: real PDFs and a browser) ----------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("icons")
    out = root / "out"
    result = run_cli("build", ROOT / "content" / CEMENT, "--out", out, "--format", "html,pdf,txt",
                     "--profile", "screen,print", env=TODAY)
    assert result.code == 0, result
    assert "alt description" not in result.stderr, result  # WeasyPrint names an <img> with no alt text
    return out


@pytest.mark.slow
def test_screen_pdf_tags_the_array_as_a_figure_with_its_alt_text_about_34_mm_wide(built: Path) -> None:
    with pikepdf.open(built / f"{CEMENT}.en.screen.pdf") as document:
        tagged = [e for e, _language in struct_elements(document) if e.S == "/Figure"]
        figures = [e for e in tagged if str(e.get("/Alt", "")) == CEMENT_ALT]
        assert len(figures) == 1, [str(e.get("/Alt")) for e in tagged]
        x0, _, x1, _ = (float(v) for v in figures[0].A.BBox)
    width_mm = (x1 - x0) * 25.4 / 96  # WeasyPrint writes the layout BBox in CSS pixels
    assert abs(width_mm - icons.PRINT_MM) < 0.5, width_mm


@pytest.mark.slow
def test_print_pdf_draws_the_array_in_cmyk_and_passes_preflight(built: Path) -> None:
    pdf = built / f"{CEMENT}.en.print.pdf"
    checked = run_cli("preflight", "--format", "json", pdf)
    assert checked.code == 0 and json.loads(checked.stdout)["findings"] == [], checked
    with pikepdf.open(pdf) as document:
        drawn = b"\n".join(obj.read_bytes() for obj in document.objects if isinstance(obj, pikepdf.Stream)
                           and obj.get("/Subtype") == "/Form")
    assert re.search(rb"/DeviceCMYK cs\n", drawn), "the array's fills are not drawn in CMYK"
    assert not re.search(rb"/DeviceRGB (cs|CS)|\d (rg|RG)\n", drawn), "an RGB colour in the print PDF"
    words = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True, check=True).stdout
    assert "happens\nmay happen\ndoes not happen" in words  # the key, in words
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    layout = [c for e in manifest["outputs"] if "preflight" in e for c in e["preflight"]["codes"] if c.startswith("PL")]
    assert layout == [], layout


@pytest.mark.slow
def test_plain_text_has_the_words_and_no_picture(built: Path) -> None:
    text = (built / f"{CEMENT}.en.txt").read_text(encoding="utf-8")
    assert "How often: between 1 in 20 and 1 in 10 operations (common)" in text
    assert "Picture:" not in text and "happens\n" not in text


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 640, 320])
def test_web_page_with_an_array_passes_axe(browser: Any, built: Path, width: int) -> None:
    from test_web import check_page, serve

    with serve(built) as base:
        seen = check_page(browser, base + f"{CEMENT}.en.html", width)
    assert 'class="icon-array"' in seen["page"]
