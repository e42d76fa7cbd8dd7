"""Figures end to end: a picture or diagram kept beside the leaflet, read as a hostile file
(leaflets.figures), checked by validate (LM020 file, LM021 print resolution, LH020 alt text), and
rendered into every output: RGB in the web page and screen PDF, CMYK through the print profile in the
print PDF, tagged /Figure with /Alt and a caption in the screen PDF, "[Figure: …]" in plain text.

The slow tests build a copy of content/ with the shipped pars-defect-repair diagram (SVG) and a PNG
made here at 300 ppi, and inspect the real outputs with pikepdf, pdfimages and the PDF/UA checker.
"""

from __future__ import annotations

import importlib
import io
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import FIXTURES, ROOT, run_cli, struct_elements
from PIL import Image, ImageDraw

from leaflets import figures
from leaflets.figures import FigureError, load_figure

BASE = FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the base leaflet's dates are set against this day
ALT = "The wrist seen from the palm side, with the nerve shown running through a narrow gap."
PHOTO_ALT = "A test picture: a red square on white with a blue circle in its middle."
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
       '<rect width="40" height="20" fill="#1d4f91"/><path d="M2 2h10v10z" fill="#1a1a1a"/></svg>')


def png(path: Path, ppi: int, size: tuple[int, int] = (900, 600)) -> Path:
    """A real PNG (red square, blue circle) that says it is ``ppi`` pixels an inch."""
    image = Image.new("RGB", size, (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((size[0] // 9, size[1] // 6, size[0] * 8 // 9, size[1] * 5 // 6), fill=(200, 40, 40))
    draw.ellipse((size[0] // 3, size[1] // 3, size[0] * 2 // 3, size[1] * 3 // 4), fill=(30, 90, 160))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, dpi=(ppi, ppi))
    return path


def figure(file: str, alt: str | None = ALT, **more: str) -> dict[str, Any]:
    body: dict[str, Any] = {"file": file, **more}
    if alt is not None:
        body["alt"] = alt
    return {"figure": body}


# --- reading the file: what is refused, in the function the rule and the model both use ----------

@pytest.mark.parametrize("body,why", [
    ('<script>alert(1)</script>', "<script> is not allowed in a figure"),
    ('<image href="https://example.org/x.png"/>', "<image> is not allowed"),
    ('<use href="https://example.org/s.svg#a"/>', "may only refer to its own parts"),
    ('<rect width="1" height="1" onload="x()"/>', "event handler"),
    ('<rect width="1" height="1" filter="url(http://127.0.0.1:9/f#x)"/>', "refers to another file"),
    ('<rect width="1" height="1" style="fill:url(https://example.org/p)"/>', "refers to another file"),
    ('<foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p></foreignObject>', "<foreignObject>"),
    ('<rect width="1" height="1" fill="rgb(1,2,3)"/>', "write each colour of a figure as #rrggbb"),
])
def test_hostile_svg_is_refused(tmp_path: Path, body: str, why: str) -> None:
    (tmp_path / "d.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg">{body}</svg>', encoding="utf-8")
    with pytest.raises(FigureError, match=re.escape(why)):
        load_figure(tmp_path, "d.svg")


@pytest.mark.parametrize("text,why", [
    ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
     "DOCTYPE"),
    ('<!DOCTYPE svg SYSTEM "http://example.org/svg.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE"),
    ('<?xml-stylesheet href="http://example.org/s.css"?><svg xmlns="http://www.w3.org/2000/svg"/>',
     "processing instruction"),
    ('<html><body>not svg</body></html>', "not SVG"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><rect', "not an SVG file that can be read"),
])
def test_svg_with_a_dtd_entity_or_instruction_is_refused(tmp_path: Path, text: str, why: str) -> None:
    (tmp_path / "d.svg").write_text(text, encoding="utf-8")
    with pytest.raises(FigureError, match=why):
        load_figure(tmp_path, "d.svg")


def test_svg_is_published_as_the_parsed_tree_not_the_bytes_given(tmp_path: Path) -> None:
    (tmp_path / "d.svg").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawn in a tool, with a note -->'
                                    + SVG, encoding="utf-8")
    image = load_figure(tmp_path, "d.svg")
    text = image.data.decode("utf-8")
    assert "drawn in a tool" not in text and "<?xml" not in text
    assert text.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and (image.width, image.height) == (40, 20)


@pytest.mark.parametrize("name,why", [
    ("../outside.png", "climbs out"),
    ("/etc/outside.png", "absolute"),
    ("https://example.org/x.png", "web address"),
    ("link.png", "outside the leaflet's folder through a symbolic link"),
    ("missing.png", "there is no file"),
])
def test_a_file_outside_the_folder_or_missing_is_refused(tmp_path: Path, name: str, why: str) -> None:
    folder = tmp_path / "leaflet"
    png(tmp_path / "outside.png", 300)  # exists, but beside the folder, not in it
    folder.mkdir()
    (folder / "link.png").symlink_to(tmp_path / "outside.png")
    with pytest.raises(FigureError, match=why):
        load_figure(folder, name)


def test_a_symlink_inside_the_folder_is_followed(tmp_path: Path) -> None:
    png(tmp_path / "art" / "real.png", 300)
    (tmp_path / "same.png").symlink_to(tmp_path / "art" / "real.png")
    assert load_figure(tmp_path, "same.png").kind == "png"


def test_the_bytes_decide_the_type_not_the_name(tmp_path: Path) -> None:
    png(tmp_path / "real.png", 300)
    shutil.copy(tmp_path / "real.png", tmp_path / "named.svg")
    shutil.copy(tmp_path / "real.png", tmp_path / "named.jpg")
    (tmp_path / "text.png").write_text(SVG, encoding="utf-8")
    with pytest.raises(FigureError, match="not an SVG file"):
        load_figure(tmp_path, "named.svg")
    with pytest.raises(FigureError, match="holds PNG data, not JPEG"):
        load_figure(tmp_path, "named.jpg")
    with pytest.raises(FigureError, match="not a PNG image"):
        load_figure(tmp_path, "text.png")


def test_a_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    with (tmp_path / "big.png").open("wb") as handle:  # sparse: the size, not the bytes, is what is checked
        handle.truncate(figures.MAX_FIGURE_BYTES + 1)
    with pytest.raises(FigureError, match="over the limit of 4 MiB"):
        load_figure(tmp_path, "big.png")


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def test_a_decompression_bomb_is_refused_before_its_pixels_are_read(tmp_path: Path) -> None:
    # A header that claims 20,000 × 20,000 grey pixels (400 million) over a few bytes of data: Pillow's
    # limit refuses it on opening, before decoding anything.
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 0, 0, 0, 0)
    bomb = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 64)) \
        + _chunk(b"IEND", b"")
    (tmp_path / "bomb.png").write_bytes(bomb)
    with pytest.raises(FigureError, match="decompression bomb"):
        load_figure(tmp_path, "bomb.png")


def test_raster_is_encoded_again_without_its_metadata(tmp_path: Path) -> None:
    image = Image.new("RGB", (30, 20), (10, 20, 30))
    exif = Image.Exif()
    exif[0x010E] = "patient name in the description"
    image.save(tmp_path / "p.jpg", "JPEG", exif=exif, dpi=(300, 300))
    loaded = load_figure(tmp_path, "p.jpg")
    assert b"patient name" in (tmp_path / "p.jpg").read_bytes()
    assert b"patient name" not in loaded.data and loaded.ppi == 300 and (loaded.width, loaded.height) == (30, 20)


def test_print_colours_go_through_the_press_profile(tmp_path: Path) -> None:
    from leaflets.brand import load_brand

    (tmp_path / "d.svg").write_text(SVG, encoding="utf-8")
    profile = figures.print_profile(load_brand("default"))
    text = figures.svg_for_print(load_figure(tmp_path, "d.svg"), profile)
    colours = re.findall(r'fill="([^"]+)"', text)
    assert colours and all(c.startswith("device-cmyk(") for c in colours), colours
    assert "device-cmyk(0 0 0 0.898" in text  # #1a1a1a, a grey: black ink alone
    blue = next(c for c in colours if c.startswith("device-cmyk(") and not c.startswith("device-cmyk(0 0 0"))
    cyan, magenta, yellow, black = (float(v) for v in blue[len("device-cmyk("):-1].split())
    assert cyan > 0.7 and magenta > 0.4 and yellow < 0.1, blue  # the brand blue #1d4f91, mostly cyan


def test_placement_and_effective_resolution() -> None:
    image = figures.FigureImage("png", b"", 600, 300, 100.0)
    assert figures.placement(image, 170) == figures.Placement(152.4, 100.0)  # its own size: 6 inches
    assert figures.placement(image, 118).ppi == pytest.approx(129.2, abs=0.1)  # shrunk to an A5 column
    from leaflets.render.html import column_mm

    assert column_mm(210) == figures.WIDEST_COLUMN_MM  # validate judges resolution in the widest column


def test_plain_text_says_figure_and_alt_and_prints_the_caption(tmp_path: Path) -> None:
    from leaflets.brand import load_brand
    from leaflets.model import Leaflet
    from leaflets.render.text import render_text

    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["procedure"].append(figure("wrist.svg", caption="Where the cut is made.", credit="Drawn by the team"))
    (tmp_path / "wrist.svg").write_text(SVG, encoding="utf-8")
    leaflet = Leaflet.from_data(data, source_sha256="0" * 64, folder=tmp_path)
    assert leaflet.figures()[0].image is not None
    text = render_text(leaflet, load_brand("default"))
    assert f"[Figure: {ALT}]\n\nWhere the cut is made.\nDrawn by the team" in text


# --- validate: each refusal is a finding with a place, never a traceback ----------------------------

VALIDATE_CASES: dict[str, tuple[Any, str, str]] = {
    # name: (figure block, code expected, severity)
    "missing": (figure("wrist.svg"), "LM020", "error"),
    "climbs-out": (figure("../secret.png"), "LM020", "error"),
    "absolute": (figure("/etc/hosts.png"), "LM020", "error"),
    "symlink-out": (figure("link.png"), "LM020", "error"),
    "hostile-svg": (figure("hostile.svg"), "LM020", "error"),
    "alt-is-file-name": (figure("wrist.svg", alt="carpal-tunnel-wrist.svg"), "LH020", "error"),
    "no-alt": (figure("wrist.svg", alt=None), "LS001", "error"),
    "low-resolution": (figure("low.png"), "LM021", "error"),
    "low-resolution-draft": (figure("low.png"), "LM021", "warning"),
}


def test_validate_reports_every_figure_refusal_with_file_line_and_column(tmp_path: Path) -> None:
    for name, (block, _code, _severity) in VALIDATE_CASES.items():
        folder = tmp_path / name / "carpal-tunnel-release"
        folder.mkdir(parents=True)
        data = json.loads(BASE.read_text(encoding="utf-8"))
        data["procedure"].append(block)
        if name.endswith("draft"):
            data["status"] = "draft"
        (folder / "en.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
        (folder / "wrist.svg").write_text(SVG, encoding="utf-8") if name != "missing" else None
        (folder / "hostile.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>')
        png(folder / "low.png", 100, (600, 300))
        png(tmp_path / name / "secret.png", 300)
        (folder / "link.png").symlink_to(tmp_path / name / "secret.png")
    result = run_cli("validate", "--format", "json", ".", cwd=tmp_path, env=TODAY)
    assert result.code == 1 and "Traceback" not in result.stderr, result
    findings = json.loads(result.stdout)["findings"]
    for name, (_block, code, severity) in VALIDATE_CASES.items():
        mine = [f for f in findings if f["file"].startswith(name + "/") and f["code"] == code]
        assert mine, f"{name}: no {code} in {[(f['file'], f['code']) for f in findings]}"
        assert mine[0]["severity"] == severity and mine[0]["line"] > 1 and mine[0]["column"] > 1, mine
        assert "/procedure/" in mine[0]["pointer"], mine
    low = next(f for f in findings if f["file"].startswith("low-resolution/") and f["code"] == "LM021")
    assert "100 ppi" in low["message"] and "152.4 mm" in low["message"], low
    others = {f["code"] for f in findings if f["file"].startswith("alt-is-file-name/")} - {"LF011"}  # copies
    assert others == {"LH020"}, others  # a good file with a bad alt text: nothing else fires


# --- the real outputs (slow: real builds) --------------------------------------------------------

@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """content/ copied, with a 300 ppi PNG added to pars-defect-repair (which ships an SVG diagram),
    built twice from scratch into two folders (html, pdf, txt)."""
    root = tmp_path_factory.mktemp("figures")
    shutil.copytree(ROOT / "content", root / "content")
    leaflet = root / "content" / "pars-defect-repair" / "en.json"
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    data["preparation"].insert(0, figure("test-photo.png", alt=PHOTO_ALT, caption="A test picture in RGB.",
                                          credit="Made by the test"))
    leaflet.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    png(leaflet.parent / "test-photo.png", 300)
    outs = {}
    for name in ("out", "again"):
        result = run_cli("build", "content/pars-defect-repair", "--out", name, "--format", "html,pdf,txt", "--force",
                         cwd=root, env={"LEAFLETS_TODAY": "2026-12-02"})
        assert result.code == 0, result
        outs[name] = root / name
    return outs


def _images(document: pikepdf.Pdf) -> list[pikepdf.Stream]:
    found = {}
    for page in document.pages:
        for image in page.get_images().values() if hasattr(page, "get_images") else page.images.values():
            found[image.objgen] = image
    return list(found.values())


@pytest.mark.slow
def test_raster_is_cmyk_in_print_and_rgb_on_screen(built: dict[str, Path]) -> None:
    out = built["out"]
    with pikepdf.open(out / "pars-defect-repair.en.print.pdf") as printed:
        images = _images(printed)
        assert len(images) == 1 and images[0].ColorSpace == "/DeviceCMYK" and images[0].Filter == "/DCTDecode"
        pixels = pikepdf.PdfImage(images[0]).as_pil_image()
        assert pixels.mode == "CMYK" and pixels.getpixel((5, 5)) == (0, 0, 0, 0)  # white paper: no ink
        cyan, magenta, yellow, _ = pixels.getpixel((450, 300))  # the blue circle
        assert cyan > 150 and yellow < 30
    with pikepdf.open(out / "pars-defect-repair.en.screen.pdf") as screen:
        images = _images(screen)
        assert len(images) == 1 and images[0].ColorSpace == "/DeviceRGB"
    listed = subprocess.run(["pdfimages", "-list", out / "pars-defect-repair.en.print.pdf"], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert [row.split()[5] for row in listed] == ["cmyk"] and [row.split()[12] for row in listed] == ["300"], listed
    listed = subprocess.run(["pdfimages", "-list", out / "pars-defect-repair.en.screen.pdf"], capture_output=True,
                            text=True, check=True).stdout.splitlines()[2:]
    assert [row.split()[5] for row in listed] == ["rgb"], listed


@pytest.mark.slow
def test_preflight_passes_and_reports_the_effective_ppi(built: dict[str, Path]) -> None:
    out = built["out"]
    result = run_cli("preflight", "--format", "json", out / "pars-defect-repair.en.print.pdf")
    assert result.code == 0, result
    findings = json.loads(result.stdout)["findings"]
    assert [(f["code"], f["severity"]) for f in findings] == [("PP018", "info")], findings
    assert re.search(r"is 30[01] ppi as placed", findings[0]["message"]), findings
    screen = run_cli("preflight", out / "pars-defect-repair.en.screen.pdf")
    assert screen.code == 0 and "no problems found" in screen.stdout, screen
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "pars-defect-repair.en.print.pdf")
    assert entry["preflight"]["errors"] == 0 and entry["preflight"]["warnings"] == 0, entry


@pytest.mark.slow
def test_svg_diagram_prints_in_cmyk_only(tmp_path: Path) -> None:
    """The shipped diagram alone (no raster): its print PDF passes preflight with no finding at all,
    so none of its colours is RGB."""
    result = run_cli("build", ROOT / "content" / "pars-defect-repair", "--out", tmp_path, "--profile", "print",
                     "--format", "pdf", env={"LEAFLETS_TODAY": "2026-12-02"})
    assert result.code == 0, result
    checked = run_cli("preflight", tmp_path / "pars-defect-repair.en.print.pdf")
    assert checked.code == 0 and "no problems found" in checked.stdout, checked
    with pikepdf.open(tmp_path / "pars-defect-repair.en.print.pdf") as document:
        drawn = b"\n".join(obj.read_bytes() for obj in document.objects if isinstance(obj, pikepdf.Stream)
                           and obj.get("/Subtype") not in ("/Image", "/XML") and "/Length1" not in obj
                           and "/N" not in obj and obj.get("/Type") != "/EmbeddedFile")
    assert re.search(rb"/DeviceCMYK cs\n", drawn), "the diagram's fills are not drawn in CMYK"
    assert not re.search(rb"/DeviceRGB (cs|CS)|\d (rg|RG)\n", drawn), "an RGB colour in the print PDF"


@pytest.mark.slow
def test_screen_pdf_tags_each_figure_with_alt_and_caption(built: dict[str, Path]) -> None:
    data = (built["out"] / "pars-defect-repair.en.screen.pdf").read_bytes()
    with pikepdf.open(io.BytesIO(data)) as document:
        elements = [element for element, _language in struct_elements(document)]
        alts = [str(e.Alt) for e in elements if e.S == "/Figure" and "/Alt" in e]
        captions = [e for e in elements if e.S == "/Caption"]
    assert PHOTO_ALT in alts and any(alt.startswith("A drawing of one bone of the lower back") for alt in alts), alts
    assert captions, "no /Caption for the figures"
    page = importlib.import_module("page")
    report = page.validate_pdf_bytes(data, profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


@pytest.mark.slow
def test_web_page_has_figure_img_alt_caption_and_credit(built: dict[str, Path]) -> None:
    page = (built["out"] / "pars-defect-repair.en.html").read_text(encoding="utf-8")
    found = re.findall(r'<figure class="figure">\s*<img src="data:(image/[a-z+]+);base64,[A-Za-z0-9+/=]+" '
                       r'alt="([^"]+)"[^>]*>\s*<figcaption>(.*?)</figcaption>', page, re.S)
    assert [(mime, alt[:20]) for mime, alt, _ in found] == [("image/svg+xml", "A drawing of one bon"),
                                                             ("image/png", PHOTO_ALT[:20])], found
    assert '<small class="credit">Drawn for this leaflet by the leaflets team</small>' in found[0][2]
    assert 'width="900" height="600"' not in page and 'width="288" height="192"' in page  # 900 px at 300 ppi
    assert "style=" not in re.sub(r"<style>.*?</style>", "", page, flags=re.S)  # the CSP allows no style attribute


@pytest.mark.slow
def test_plain_text_output_has_the_figures(built: dict[str, Path]) -> None:
    text = (built["out"] / "pars-defect-repair.en.txt").read_text(encoding="utf-8")
    assert f"[Figure: {PHOTO_ALT}]\n\nA test picture in RGB.\nMade by the test" in text
    assert "[Figure: A drawing of one bone of the lower back" in text


@pytest.mark.slow
def test_rebuild_with_figures_is_byte_identical(built: dict[str, Path]) -> None:
    first, second = built["out"], built["again"]
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    assert any(name.endswith(".print.pdf") for name in names)
    different = [name for name in names if (first / name).read_bytes() != (second / name).read_bytes()]
    # (manifest.json records the toolchain's hash: a package file edited between the two builds changes it)
    assert different == [], different


@pytest.mark.slow
def test_changing_only_the_figure_file_renders_again(built: dict[str, Path], tmp_path: Path) -> None:
    """The incremental build's key includes the figures' bytes, not only the leaflet's JSON."""
    root = built["out"].parent
    png(root / "content" / "pars-defect-repair" / "test-photo.png", 300, (600, 600))
    out = tmp_path / "out"
    shutil.copytree(built["out"], out)
    result = run_cli("build", "content/pars-defect-repair", "--out", out, "--format", "html,pdf,txt", cwd=root,
                     env={"LEAFLETS_TODAY": "2026-12-02"})
    assert result.code == 0 and "0 reused" in result.stdout, result
    png(root / "content" / "pars-defect-repair" / "test-photo.png", 300)  # as the other tests expect it


@pytest.mark.slow
def test_draft_with_a_low_resolution_raster_warns_and_prints_it_smaller(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    leaflet = tmp_path / "content" / "pars-defect-repair" / "en.json"
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    assert data["status"] == "draft"
    data["preparation"].insert(0, figure("low.png", alt=PHOTO_ALT))
    leaflet.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    png(leaflet.parent / "low.png", 100, (600, 300))
    env = {"LEAFLETS_TODAY": "2026-12-02"}
    checked = run_cli("validate", "content/pars-defect-repair", cwd=tmp_path, env=env)
    assert checked.code == 0 and "LM021 warning" in checked.stdout and "100 ppi" in checked.stdout, checked
    result = run_cli("build", "content/pars-defect-repair", "--out", "out", "--format", "pdf", "--profile", "print",
                     cwd=tmp_path, env=env)
    assert result.code == 0, result
    listed = subprocess.run(["pdfimages", "-list", tmp_path / "out" / "pars-defect-repair.en.print.pdf"],
                            capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert [int(row.split()[12]) for row in listed] in ([300], [301]), listed  # placed at 51 mm, not 152


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_web_page_with_figures_passes_axe(browser: Any, built: dict[str, Path], width: int) -> None:
    from test_web import check_page, serve

    with serve(built["out"]) as base:
        seen = check_page(browser, base + "pars-defect-repair.en.html", width)
    assert "<figure" in seen["page"]


def test_no_figure_file_is_left_unchecked_by_a_build(tmp_path: Path) -> None:
    """A build refuses a leaflet whose figure file is missing (validate's LM020 is an error), naming it."""
    folder = tmp_path / "carpal-tunnel-release"
    folder.mkdir()
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["procedure"].append(figure("gone.svg"))
    (folder / "en.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run_cli("build", folder, "--out", tmp_path / "out", "--format", "html", env=TODAY)
    assert result.code == 1 and "LM020" in result.stdout + result.stderr and "Traceback" not in result.stderr, result
    assert not (tmp_path / "out" / "carpal-tunnel-release.en.html").exists()


def test_a_draft_shows_why_its_figure_cannot_be_shown_and_a_strict_model_refuses(tmp_path: Path) -> None:
    from leaflets.brand import load_brand
    from leaflets.model import ContentError, Leaflet
    from leaflets.render.html import render_web

    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["procedure"].append(figure("gone.svg"))
    leaflet = Leaflet.from_data(data, source_sha256="0" * 64, draft=True, folder=tmp_path)
    shown = leaflet.figures()[0]
    assert shown.image is None and shown.problem is not None and "LM020" in shown.problem
    page = render_web(leaflet, load_brand("default"), draft=True)
    assert '<span class="missing">[figure not shown: there is no file' in page and "<figure" not in page
    with pytest.raises(ContentError, match="gone.svg"):
        Leaflet.from_data(data, source_sha256="0" * 64, folder=tmp_path)
