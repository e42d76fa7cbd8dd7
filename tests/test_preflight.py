"""Preflight on deliberately broken PDFs: each gives its finding and nothing else, and agrees
with independent tools (pdffonts, pdfinfo -box, qpdf --check) on the same files."""

from __future__ import annotations

import importlib
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from conftest import Result, run_cli

from leaflets import booklet
from leaflets.preflight import MM, Options, preflight_file

ROOT = Path(__file__).resolve().parent.parent
ICC_CANDIDATES = [
    Path("/usr/share/color/icc/ghostscript/default_cmyk.icc"),  # Debian ghostscript (scripts/setup.sh)
    Path("/usr/share/color/icc/ghostscript/ps_cmyk.icc"),
]
A4 = (210 * MM, 297 * MM)
BLEED = 3 * MM


def cmyk_profile() -> Path:
    for path in ICC_CANDIDATES:
        if path.exists():
            return path
    pytest.fail("no CMYK ICC profile found: scripts/setup.sh installs ghostscript, which ships one")


def codes(path: Path, **kwargs) -> list[str]:
    """The codes that fired, less PP018: a note of every image's ppi as placed (tests/test_figures.py)."""
    return sorted(f.code for f in preflight_file(path, Options(**kwargs)) if f.code != "PP018")


# ------------------------------------------------------------------ PDFs built with pikepdf


def print_pdf(
    path: Path,
    *,
    pages: int = 1,
    variant: str = "PDF/X-4",
    bleed: float | None = BLEED,
    font: bool = False,
    image: tuple[str, int, float] | None = None,  # (colour space, pixels, placed size in pt)
    rgb_fill: bool = False,
    line_width: float = 1.0,
    extra: str = "",
) -> Path:
    """A print-ready PDF (PDF/X, CMYK output intent, TrimBox, 3 mm bleed) with one thing changed."""
    pdf = pikepdf.new()
    w, h = A4
    resources = pikepdf.Dictionary()
    content = [f"0 0 0 1 k {line_width} w 0 0 1 0 K 50 50 m 200 50 l S 0 0 {w:.3f} {h:.3f} re f"]
    if extra:
        content.append(extra)
    if rgb_fill:
        content.append("1 0 0 rg 10 10 20 20 re f")
    if font:
        resources.Font = pikepdf.Dictionary(F1=pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
            Encoding=pikepdf.Name.WinAnsiEncoding))
        content.append("BT /F1 12 Tf 72 720 Td (Knee replacement) Tj ET")
    if image:
        space, pixels, size = image
        channels = {"DeviceRGB": 3, "DeviceCMYK": 4, "DeviceGray": 1}[space]
        img = pdf.make_stream(bytes(pixels * pixels * channels), Type=pikepdf.Name.XObject,
                              Subtype=pikepdf.Name.Image, Width=pixels, Height=pixels,
                              ColorSpace=pikepdf.Name(f"/{space}"), BitsPerComponent=8)
        resources.XObject = pikepdf.Dictionary(Im1=img)
        content.append(f"q {size} 0 0 {size} 100 300 cm /Im1 Do Q")
    for _ in range(pages):
        media = [-(bleed or 0), -(bleed or 0), w + (bleed or 0), h + (bleed or 0)]
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=media, TrimBox=[0, 0, w, h],
                                  Resources=resources, Contents=pdf.make_stream(" ".join(content).encode()))
        if bleed is not None:
            page.BleedBox = media
        pdf.pages.append(pikepdf.Page(page))
    if variant:
        pdf.docinfo["/GTS_PDFXVersion"] = variant
        profile = pdf.make_stream(cmyk_profile().read_bytes(), N=4)
        pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
            Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="CMYK",
            DestOutputProfile=profile)])
    pdf.docinfo["/Title"] = "Knee replacement"
    pdf.save(path)
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("preflight")


def test_clean_print_pdf_has_no_findings(out):
    assert codes(print_pdf(out / "clean.pdf", image=("DeviceCMYK", 400, 72.0))) == []


@pytest.mark.parametrize(
    "name, kwargs, expected",
    [
        ("font-not-embedded", {"font": True}, ["PF005"]),
        ("no-bleed", {"bleed": None}, ["PP004"]),
        ("small-bleed", {"bleed": 1 * MM}, ["PP005"]),
        ("rgb-image-x1a", {"variant": "PDF/X-1a:2003", "image": ("DeviceRGB", 400, 72.0)}, ["PP010"]),
        ("rgb-fill-x4", {"rgb_fill": True}, ["PP010"]),
        ("image-72ppi", {"image": ("DeviceCMYK", 100, 100.0)}, ["PP012"]),
        ("image-200ppi", {"image": ("DeviceCMYK", 200, 72.0)}, ["PP011"]),
        ("no-pdfx", {"variant": ""}, ["PP008"]),
        ("hairline", {"line_width": 0.1}, ["PP014"]),
    ],
)
def test_each_broken_print_pdf_gives_its_finding_only(out, name, kwargs, expected):
    assert codes(print_pdf(out / f"{name}.pdf", **kwargs)) == expected


def test_rgb_image_in_x4_with_cmyk_intent_is_caught_but_not_in_unmarked_pdf(out):
    # DeviceRGB with a CMYK output intent is forbidden in X-4 as well; without PDF/X, only PP008.
    assert codes(print_pdf(out / "rgb-x4.pdf", image=("DeviceRGB", 400, 72.0))) == ["PP010"]
    assert codes(print_pdf(out / "rgb-plain.pdf", variant="", image=("DeviceRGB", 400, 72.0))) == ["PP008"]


@pytest.mark.parametrize(
    "name, start, end, expected",
    [
        ("marks-in-slug", -30.0, -12.0, []),  # outside the bleed: where marks belong
        ("marks-in-bleed", -8.0, -2.0, ["PP006"]),
        ("marks-into-trim", -30.0, 6.0, ["PP007"]),
    ],
)
def test_crop_marks(out, name, start, end, expected):
    w, h = A4
    # a horizontal and a vertical mark at the bottom-left corner, and one at the top-right
    marks = f"{start} 0 m {end} 0 l S 0 {start} m 0 {end} l S {w - start} {h} m {w - end} {h} l S"
    path = print_pdf(out / f"{name}.pdf", extra=f"q 0.3 w 1 1 1 1 K {marks} Q")
    assert codes(path) == expected


def test_booklet_page_count(out):
    three = print_pdf(out / "three.pdf", pages=3)
    assert codes(three, booklet=True) == ["PP015"]
    assert codes(three) == []
    assert codes(print_pdf(out / "four.pdf", pages=4), booklet=True) == []


def test_mixed_page_sizes_and_unknown_trim(out):
    path = print_pdf(out / "mixed.pdf", pages=3)
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[1].obj.TrimBox = [0, 0, 500, 700]
        pdf.pages[1].obj.BleedBox = pdf.pages[1].obj.MediaBox = [-9, -9, 509, 709]
        pdf.save(path)
    findings = preflight_file(path)
    assert sorted(f.code for f in findings) == ["PP001", "PP002"]
    assert all(f.pointer.startswith("page 2 /") for f in findings)


def test_same_finding_on_many_pages_is_one_finding(out):
    findings = preflight_file(print_pdf(out / "nobleed8.pdf", pages=8, bleed=None))
    assert [(f.code, f.pointer) for f in findings] == [("PP004", "pages 1–8 / /BleedBox")]
    assert findings[0].extra["pages"] == list(range(1, 9))


def test_encrypted(out):
    clean = print_pdf(out / "to-encrypt.pdf")
    with pikepdf.open(clean) as pdf:
        pdf.save(out / "locked.pdf", encryption=pikepdf.Encryption(owner="o", user="secret"))
        pdf.save(out / "restricted.pdf", encryption=pikepdf.Encryption(owner="o", user=""))
    assert codes(out / "locked.pdf") == ["PF003"]
    assert codes(out / "restricted.pdf") == ["PF003"]
    assert codes(out / "locked.pdf", profile="screen") == ["PF003"]


def test_javascript_and_embedded_files(out):
    path = print_pdf(out / "js.pdf")
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
        pdf.attachments["notes.txt"] = pikepdf.AttachedFileSpec(pdf, b"hello")
        pdf.save(path)
    assert codes(path) == ["PF006", "PF007"]
    assert codes(path, allow_embedded_files=True) == ["PF006"]


# ------------------------------------------------------------------ files that are not good PDFs


def test_not_a_pdf(out):
    (out / "notes.pdf").write_text("these are notes, not a PDF\n")
    (out / "empty.pdf").write_bytes(b"")
    assert codes(out / "notes.pdf") == ["PF001"]
    assert codes(out / "empty.pdf") == ["PF001"]


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, -40])
def test_truncated_pdf_is_damaged_and_qpdf_agrees(out, keep):
    whole = print_pdf(out / f"whole-{keep}.pdf", font=True).read_bytes()
    path = out / f"truncated-{keep}.pdf"
    path.write_bytes(whole[: int(len(whole) * keep) if keep > 0 else keep])
    assert codes(path) == ["PF002"]
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode != 0


def test_garbage_inside_a_pdf_is_damaged(out):
    path = out / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40)
    assert codes(path) == ["PF002"]


def test_thousands_of_pages_is_quick(out):
    path = out / "thousands.pdf"
    pdf = pikepdf.new()
    for _ in range(3000):
        pdf.add_blank_page(page_size=A4)
    pdf.save(path)
    findings = preflight_file(path)
    assert [f.code for f in findings] == ["PF004"]
    assert "3000 pages" in findings[0].message
    # bounded work, not a clock: through the real CLI, with a timeout only as a guard against a hang
    checked = run_cli("preflight", path, "--format", "json", timeout=120)
    assert checked.code == 1 and [f["code"] for f in json.loads(checked.stdout)["findings"]] == ["PF004"], checked


# ------------------------------------------------------------------ independent tools agree


def _pdffonts(path: Path) -> dict[str, bool]:
    lines = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()
    fonts = {}
    for line in lines[2:]:
        parts = line.split()
        # name type... encoding emb sub uni objnum gen: 'emb' is the 5th field from the end
        fonts[parts[0]] = parts[-5] == "yes"
    return fonts


def _pdfinfo_boxes(path: Path) -> dict[str, list[float]]:
    text = subprocess.run(["pdfinfo", "-box", str(path)], capture_output=True, text=True, check=True).stdout
    return {line.split(":")[0]: [float(v) for v in line.split(":")[1].split()]
            for line in text.splitlines() if line.split(":")[0].endswith("Box")}


def test_pdffonts_agrees_on_embedding(out):
    bad = print_pdf(out / "font-cross.pdf", font=True)
    assert _pdffonts(bad) == {"Helvetica": False}
    assert "PF005" in codes(bad)


def test_pdfinfo_agrees_on_bleed(out):
    for name, bleed, expected in (("bleed3", BLEED, []), ("bleed0", None, ["PP004"]), ("bleed1", MM, ["PP005"])):
        path = print_pdf(out / f"{name}.pdf", bleed=bleed)
        boxes = _pdfinfo_boxes(path)
        margin = min(boxes["TrimBox"][0] - boxes["BleedBox"][0], boxes["BleedBox"][2] - boxes["TrimBox"][2])
        assert (margin >= 3 * MM - 0.01) == (expected == []), (name, boxes)
        assert codes(path) == expected


def test_qpdf_check_passes_where_preflight_finds_no_damage(out):
    path = print_pdf(out / "qpdf-ok.pdf", font=True, image=("DeviceRGB", 10, 10.0))
    assert subprocess.run(["qpdf", "--check", str(path)], capture_output=True).returncode == 0
    assert "PF002" not in codes(path)


# ------------------------------------------------------------------ realistic PDFs from WeasyPrint


def _html(extra_style: str = "", body: str = "") -> str:
    icc = cmyk_profile().as_uri()
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Knee replacement</title>
<style>
@color-profile device-cmyk {{ src: url({icc}); components: c, m, y, k }}
@page {{ size: A4; bleed: 3mm; {extra_style} }}
body {{ font-family: DejaVu Sans; color: device-cmyk(0 0 0 1) }}
</style></head><body>
<h1>Knee replacement</h1><h2>What happens</h2><p>You will have an operation on your knee.</p>{body}
</body></html>"""


@pytest.fixture(scope="module")
def weasy(out):
    weasyprint = importlib.import_module("weasyprint")

    def render(name: str, variant: str | None, **kwargs) -> Path:
        path = out / f"{name}.pdf"
        path.write_bytes(weasyprint.HTML(string=_html(**kwargs)).write_pdf(pdf_variant=variant))
        return path

    return render


@pytest.mark.slow
def test_weasyprint_pdfx4_without_marks_is_clean(weasy):
    assert codes(weasy("x4", "pdf/x-4")) == []


@pytest.mark.slow
def test_weasyprint_crop_marks_are_caught_honestly(weasy):
    # WeasyPrint draws crop marks in DeviceRGB inside its BleedBox: a real print shop would object.
    findings = preflight_file(weasy("x4-marks", "pdf/x-4", extra_style="marks: crop"))
    assert sorted(f.code for f in findings) == ["PP006", "PP010"]
    assert any("DeviceRGB" in f.message for f in findings)


@pytest.mark.slow
def test_weasyprint_pdfua_is_clean_for_screen(weasy):
    path = weasy("ua", "pdf/ua-1", body='<p><a href="https://example.org">hospital site</a></p>')
    assert codes(path, profile="screen") == []
    assert codes(path) == ["PP008"]  # not a print file: no PDF/X identification


@pytest.mark.slow
@pytest.mark.parametrize(
    "name, edit, expected",
    [
        ("untagged", lambda pdf: (pdf.Root.__delitem__("/StructTreeRoot"), pdf.Root.__delitem__("/MarkInfo")),
         ["PU001"]),
        ("no-lang", lambda pdf: pdf.Root.__delitem__("/Lang"), ["PU002"]),
        ("no-display-title", lambda pdf: pdf.Root.__delitem__("/ViewerPreferences"), ["PU004"]),
        ("no-link-contents", lambda pdf: pdf.pages[0].obj.Annots[0].__delitem__("/Contents"), ["PU009"]),
    ],
)
def test_each_broken_screen_pdf_gives_its_finding_only(weasy, name, edit, expected):
    path = weasy(f"ua-{name}", "pdf/ua-1", body='<p><a href="https://example.org">hospital site</a></p>')
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        edit(pdf)
        pdf.save(path)
    assert codes(path, profile="screen") == expected


@pytest.mark.slow
def test_untagged_content_heading_gap_and_missing_alt(weasy, out):
    gap = weasy("ua-gap", "pdf/ua-1", body="<h4>Too deep</h4>")
    assert codes(gap, profile="screen") == ["PU007"]
    png = out / "knee.png"
    importlib.import_module("PIL.Image").new("RGB", (40, 40), (200, 30, 30)).save(png)
    noalt = weasy("ua-noalt", "pdf/ua-1", body=f'<img src="{png.as_uri()}" alt="knee">')
    with pikepdf.open(noalt, allow_overwriting_input=True) as pdf:
        stack = [pdf.Root.StructTreeRoot.K]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
            elif isinstance(node, pikepdf.Dictionary):
                if node.get("/S") == pikepdf.Name.Figure and "/Alt" in node:
                    del node["/Alt"]
                stack.append(node.get("/K"))
        pdf.save(noalt)
    assert codes(noalt, profile="screen") == ["PU006"]
    loose = weasy("ua-loose", "pdf/ua-1")
    with pikepdf.open(loose, allow_overwriting_input=True) as pdf:
        page = pdf.pages[0]
        page.contents_add(pdf.make_stream(b"BT /F1 1 Tf ET 0 0 1 rg 1 1 5 5 re f"), prepend=False)
        pdf.save(loose)
    assert codes(loose, profile="screen") == ["PU008"]


@pytest.mark.slow
def test_pdffonts_and_preflight_agree_on_weasyprint_fonts(weasy):
    path = weasy("ua-fonts", "pdf/ua-1")
    fonts = _pdffonts(path)
    assert fonts and all(fonts.values())
    assert "PF005" not in codes(path) and "PU010" not in codes(path, profile="screen")


# ------------------------------------------------------------------ booklet


def test_pages_to_add():
    assert [booklet.pages_to_add(n) for n in range(1, 10)] == [3, 2, 1, 0, 3, 2, 1, 0, 3]
    with pytest.raises(booklet.BookletError):
        booklet.pages_to_add(0)


def test_saddle_stitch_order():
    assert booklet.saddle_stitch_order(4) == [(4, 1), (2, 3)]
    assert booklet.saddle_stitch_order(8) == [(8, 1), (2, 7), (6, 3), (4, 5)]
    order = booklet.saddle_stitch_order(12)
    assert sorted(p for side in order for p in side) == list(range(1, 13))
    assert all(a + b == 13 for a, b in order)  # facing pages on one sheet side always sum to n+1
    with pytest.raises(booklet.BookletError, match="add 2"):
        booklet.saddle_stitch_order(6)


def _a5_leaflet(path: Path, pages: int) -> Path:
    pdf = pikepdf.new()
    w, h = 148 * MM, 210 * MM
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    for n in range(1, pages + 1):
        text = f"BT /F1 48 Tf 150 300 Td (P{n:02d}) Tj ET".encode()
        pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
            Type=pikepdf.Name.Page, MediaBox=[-BLEED, -BLEED, w + BLEED, h + BLEED], TrimBox=[0, 0, w, h],
            BleedBox=[-BLEED, -BLEED, w + BLEED, h + BLEED],
            Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
            Contents=pdf.make_stream(text))))
    pdf.save(path)
    return path


def test_impose_a5_onto_a4_in_saddle_stitch_order(out):
    src = _a5_leaflet(out / "a5.pdf", 8)
    assert booklet.impose(src, out / "booklet.pdf") == 4
    text = subprocess.run(["pdftotext", "-layout", str(out / "booklet.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    sides = [side.split() for side in text.split("\f") if side.strip()]
    assert sides == [["P08", "P01"], ["P02", "P07"], ["P06", "P03"], ["P04", "P05"]]
    with pikepdf.open(out / "booklet.pdf") as pdf:
        for page in pdf.pages:
            x0, y0, x1, y1 = (float(v) for v in page.obj.TrimBox)
            assert (round(x1 - x0, 2), round(y1 - y0, 2)) == (round(2 * 148 * MM, 2), round(210 * MM, 2))  # 2 × A5
    assert subprocess.run(["qpdf", "--check", str(out / "booklet.pdf")], capture_output=True).returncode == 0


def test_impose_refuses_a_page_count_that_does_not_fold(out):
    with pytest.raises(booklet.BookletError, match="multiple of 4"):
        booklet.impose(_a5_leaflet(out / "a5-6.pdf", 6), out / "nope.pdf")
    assert not (out / "nope.pdf").exists()


# ------------------------------------------------------------------ the command line


def run(*args: str) -> Result:
    return run_cli("preflight", *args)  # the real CLI, with the environment it is given (a PATH, a TMPDIR)


def test_cli_exit_codes_and_text(out):
    good = print_pdf(out / "cli-good.pdf")
    bad = print_pdf(out / "cli-bad.pdf", bleed=None)
    ok = run(str(good))
    assert ok.code == 0, ok.stderr
    assert "no problems found" in ok.stdout
    failed = run(str(good), str(bad))
    assert failed.code == 1, failed
    assert f"{bad}: page 1 / /BleedBox: PP004 error: no bleed" in failed.stdout
    assert "Traceback" not in failed.stderr
    missing = run(str(out / "missing.pdf"))
    assert missing.code == 2 and "no such file" in missing.stderr


def test_cli_json_and_other_formats(out):
    bad = print_pdf(out / "cli-json.pdf", font=True)
    result = run("--format", "json", str(bad))
    assert result.code == 1
    data = json.loads(result.stdout)
    assert [(f["code"], f["pointer"], f["line"]) for f in data["findings"]] == [
        ("PF005", "page 1 / font F1 (Helvetica)", 0)]
    for fmt in ("junit", "github", "sarif"):
        assert run("--format", fmt, str(bad)).code == 1


def test_cli_bad_files_never_traceback(out):
    (out / "cli-not.pdf").write_text("hello")
    result = run("--profile", "screen", str(out / "cli-not.pdf"))
    assert result.code == 1
    assert "PF001" in result.stdout and "Traceback" not in result.stderr


def test_docs_preflight_md_is_in_step():
    result = run("--list", "--format", "markdown")
    assert result.code == 0
    assert (ROOT / "docs" / "preflight.md").read_text() == result.stdout, (
        "docs/preflight.md is stale: run `leaflets preflight --list --format markdown > docs/preflight.md`")


# ------------------------------------------------------------------ the build's preflight gate


def test_build_refuses_to_write_a_pdf_its_preflight_rejects(out):
    from leaflets.publish import gate

    good = print_pdf(out / "gate-good.pdf", image=("DeviceCMYK", 200, 72.0)).read_bytes()
    assert gate(out / "knee.en.print.pdf", good, "print", booklet=False, label="knee (print)") == (
        {"preflight": {"errors": 0, "warnings": 1, "codes": ["PP011"]}}, "")
    bad = print_pdf(out / "gate-bad.pdf", bleed=None).read_bytes()
    summary, failure = gate(out / "knee.en.bad.pdf", bad, "print", booklet=False, label="knee (print)")
    assert summary == {} and not (out / "knee.en.bad.pdf").exists()
    assert "PP004" in failure and "not written" in failure
