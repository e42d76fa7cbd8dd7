"""The PDF engine on small HTML of our own: sandbox, profiles, post-processing, determinism.

Every test renders a real PDF with WeasyPrint and opens it with pikepdf (and poppler where a second
opinion helps). The brand folder is a temporary copy of the default brand's fonts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT

pdf = importlib.import_module("leaflets.render.pdf")

pytestmark = pytest.mark.slow

FONTS = ROOT / "brands" / "default" / "fonts"
BLEED = Decimal("8.504")  # 3 mm in points, to the precision we promise


@pytest.fixture
def brand(tmp_path: Path) -> Path:
    folder = tmp_path / "brand"
    shutil.copytree(FONTS, folder / "fonts")
    (folder / "dot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                                    '<rect width="10" height="10" fill="device-cmyk(0 0 0 1)"/></svg>')
    return folder


def page_html(profile: str, body: str = "", head: str = "", lang: str = ' lang="en"', bleed: bool = True) -> str:
    black = "device-cmyk(0 0 0 1)" if profile == "print" else "#1a1a1a"
    tint = "device-cmyk(0.1 0 0 0)" if profile == "print" else "#e8f0f8"
    intent = (f"@color-profile device-cmyk {{ src: url({pdf.DEFAULT_ICC_PROFILE.as_uri()}); "
              "components: cyan, magenta, yellow, black }" if profile == "print" else "")
    return f"""<!doctype html><html{lang}><head><meta charset="utf-8"><title>Knee replacement</title>
<style>{intent}
@font-face {{ font-family: Brand; src: url(fonts/AtkinsonHyperlegibleNext_400Regular.ttf) }}
@font-face {{ font-family: Brand; font-weight: bold; src: url(fonts/AtkinsonHyperlegibleNext_700Bold.ttf) }}
@page {{ size: A4; {"bleed: 3mm;" if bleed else ""} margin: 20mm; background: {tint};
  @bottom-center {{ content: "Page " counter(page) " of " counter(pages); font-family: Brand; color: {black} }} }}
html, a {{ font-family: Brand; color: {black} }}
</style>{head}</head><body><h1>Knee replacement</h1><h2>Risks</h2>
<table><caption>Risks and how often they happen</caption>
<thead><tr><th>Risk</th><th>How often</th></tr></thead>
<tbody><tr><th>Infection</th><td>about 1 in 100 people (uncommon)</td></tr>
<tr><th>Blood clot</th><td>about 1 in 50 people (common)</td></tr></tbody></table>
<p>Read more at <a href="https://example.org/knee">example.org</a>.</p>{body}</body></html>"""


def render(brand: Path, profile: str, html: str | None = None, **changes) -> bytes:
    options = pdf.PdfOptions(profile=profile, base_dir=brand, roots=(pdf.ICC_DIR,), date=dt.date(2026, 3, 1),
                             identity="ab" * 32, font_files=pdf.font_files(brand / "fonts"), label="test.json")
    return pdf.render_pdf(html if html is not None else page_html(profile), replace(options, **changes)).data


def open_pdf(data: bytes) -> pikepdf.Pdf:
    import io

    return pikepdf.open(io.BytesIO(data))


def text_of(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# --- print profile -----------------------------------------------------------------------------

def test_print_boxes_are_exactly_three_millimetres_apart(brand: Path) -> None:
    document = open_pdf(render(brand, "print"))
    for page in document.pages:
        trim = [Decimal(str(v)) for v in page.obj.TrimBox]
        bleed = [Decimal(str(v)) for v in page.obj.BleedBox]
        media = [Decimal(str(v)) for v in page.obj.MediaBox]
        assert trim[2] - trim[0] == pytest.approx(Decimal("595.276"), abs=Decimal("0.01"))  # A4 width
        assert trim[3] - trim[1] == pytest.approx(Decimal("841.890"), abs=Decimal("0.01"))
        gaps = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
        assert all(abs(gap - BLEED) < Decimal("0.001") for gap in gaps), gaps
        assert media == bleed  # no crop marks asked for: nothing beyond the bleed


def test_print_is_pdfx4_with_a_cmyk_output_intent(brand: Path) -> None:
    document = open_pdf(render(brand, "print"))
    intents = document.Root.OutputIntents
    assert len(intents) == 1
    assert intents[0].S == "/GTS_PDFX"
    assert int(intents[0].DestOutputProfile.N) == 4
    assert intents[0].DestOutputProfile.read_bytes()[36:40] == b"acsp"  # an ICC profile
    xmp = document.Root.Metadata.read_bytes()
    assert b"<pdfxid:GTS_PDFXVersion>PDF/X-4</pdfxid:GTS_PDFXVersion>" in xmp
    assert document.docinfo.Trapped == "/False"


def rgb_uses(document: pikepdf.Pdf) -> list[str]:
    """Our own scan (not the engine's): rg/RG operators, RGB colour spaces set by cs/CS, RGB images."""
    found = []

    def is_rgb(space) -> bool:
        if space is None:
            return False
        if isinstance(space, pikepdf.Name):
            return space in ("/DeviceRGB", "/CalRGB")
        kind = space[0]
        return kind in ("/DeviceRGB", "/CalRGB") or (kind == "/ICCBased" and int(space[1].N) == 3) or (
            kind == "/Indexed" and is_rgb(space[1]))

    def scan(owner, resources, where) -> None:
        spaces = resources.get("/ColorSpace", {}) if resources is not None else {}
        for operands, operator in pikepdf.parse_content_stream(owner):
            if str(operator) in ("rg", "RG"):
                found.append(f"{where}: {operator}")
            if str(operator) in ("cs", "CS"):
                name = operands[0]
                if is_rgb(spaces.get(str(name)) if str(name) in spaces else name):
                    found.append(f"{where}: {operator} {name}")
            if str(operator) in ("sc", "SC", "scn", "SCN") and len(operands) == 3:
                found.append(f"{where}: {operator} with three components")
        for name, xobject in (resources.get("/XObject", {}) if resources is not None else {}).items():
            if xobject.Subtype == "/Image" and is_rgb(xobject.get("/ColorSpace")):
                found.append(f"{where}: image {name}")
            elif xobject.Subtype == "/Form":
                scan(xobject, xobject.get("/Resources"), f"{where}/{name}")

    for number, page in enumerate(document.pages, 1):
        scan(page, page.obj.get("/Resources"), f"page {number}")
    return found


def test_print_has_no_rgb_colour_and_fonts_are_embedded(brand: Path, tmp_path: Path) -> None:
    body = '<p><img src="dot.svg" alt="A dot"></p>'
    data = render(brand, "print", page_html("print", body=body))
    assert rgb_uses(open_pdf(data)) == []
    path = tmp_path / "print.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = fonts.splitlines()[2:]
    assert rows, fonts
    assert all(row.split()[-5] == "yes" for row in rows), fonts  # the "emb" column


def refused(data: bytes, profile: str, code: str, tmp_path: Path) -> str:
    """Rendering renders; the build's preflight gate (the only checker) refuses: the reason names ``code``
    and nothing is written."""
    from leaflets.publish import gate

    target = tmp_path / f"knee.en.{profile}.pdf"
    summary, failure = gate(target, data, profile, booklet=False, label="knee (test)")
    assert summary == {} and not target.exists(), summary
    assert f"{code} " in failure and "not written" in failure, failure
    return failure


def test_rgb_in_print_html_is_refused_by_the_builds_preflight(brand: Path, tmp_path: Path) -> None:
    html = page_html("print", body='<p style="color: #ff0000">red</p>')
    assert "DeviceRGB colour" in refused(render(brand, "print", html), "print", "PP010", tmp_path)


def test_print_without_colour_profile_in_a_style_element_is_refused(brand: Path, tmp_path: Path) -> None:
    html = page_html("print").replace("@color-profile", "@media nothing { x {} } /* ") .replace(
        "components: cyan, magenta, yellow, black }", "*/")
    assert "output intent" in refused(render(brand, "print", html), "print", "PP009", tmp_path)


def test_print_without_bleed_in_the_html_fails(brand: Path) -> None:
    with pytest.raises(pdf.RenderError, match="bleed"):
        render(brand, "print", page_html("print", bleed=False))


def test_crop_marks_are_cmyk_outside_the_bleed_and_keep_pdfx(brand: Path) -> None:
    document = open_pdf(render(brand, "print", crop_marks=True))
    page = document.pages[0]
    bleed = [Decimal(str(v)) for v in page.obj.BleedBox]
    media = [Decimal(str(v)) for v in page.obj.MediaBox]
    assert media[0] < bleed[0] and media[1] < bleed[1] and media[2] > bleed[2] and media[3] > bleed[3]
    operations = pikepdf.parse_content_stream(page)
    strokes = [[float(v) for v in operands] for operands, op in operations if str(op) == "K"]
    assert [1.0, 1.0, 1.0, 1.0] in strokes  # registration: all four inks
    lines = [(float(o[0]), float(o[1])) for o, op in operations if str(op) in ("m", "l")][-16:]
    trim = [float(v) for v in page.obj.TrimBox]
    outside = [x < float(bleed[0]) or x > float(bleed[2]) or y < float(bleed[1]) or y > float(bleed[3])
               for x, y in lines]
    assert len(lines) == 16 and all(outside), (lines, trim)
    assert rgb_uses(document) == []
    for state in page.Resources.get("/ExtGState", {}).values():  # no transparency anywhere
        assert float(state.get("/CA", 1)) == 1 and float(state.get("/ca", 1)) == 1


# --- screen profile ----------------------------------------------------------------------------

def test_screen_is_tagged_with_language_title_outline_and_links(brand: Path) -> None:
    document = open_pdf(render(brand, "screen"))
    root = document.Root
    assert "/StructTreeRoot" in root
    assert str(root.Lang) == "en"
    assert bool(root.MarkInfo.Marked) is True
    assert bool(root.ViewerPreferences.DisplayDocTitle) is True
    assert str(document.docinfo.Title) == "Knee replacement"
    assert b"pdfuaid:part=\"1\"" in root.Metadata.read_bytes()
    with document.open_outline() as outline:
        assert [item.title for item in outline.root] == ["Knee replacement"]
        assert [item.title for item in outline.root[0].children] == ["Risks"]
    links = [a for a in document.pages[0].get("/Annots", []) if a.Subtype == "/Link"]
    assert str(links[0].A.URI) == "https://example.org/knee"
    page = document.pages[0]
    assert page.obj.MediaBox == page.obj.TrimBox and "/BleedBox" not in page.obj  # no bleed on screen


def struct_elements(document: pikepdf.Pdf):
    stack = [document.Root.StructTreeRoot.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            yield node
            stack.append(node.get("/K"))


def test_every_table_header_cell_has_a_scope(brand: Path) -> None:
    document = open_pdf(render(brand, "screen"))
    scopes = []
    for element in struct_elements(document):
        if element.S == "/TH":
            attrs = element.A if isinstance(element.A, pikepdf.Array) else [element.A]
            scopes += [str(a.Scope) for a in attrs if a.get("/O") == "/Table" and "/Scope" in a]
    assert sorted(scopes) == ["/Column", "/Column", "/Row", "/Row"]


def test_running_footer_is_an_artifact_not_content(brand: Path) -> None:
    document = open_pdf(render(brand, "screen"))
    operations = pikepdf.parse_content_stream(document.pages[0])
    tag, footer_tagged_as = None, []
    for operands, operator in operations:
        if str(operator) in ("BDC", "BMC"):
            tag = str(operands[0])
        elif str(operator) in ("Tj", "TJ") and tag is not None:
            footer_tagged_as.append(tag)
    # The footer "Page 1 of 1" is the last text drawn; it must be an artifact, the body is not.
    assert footer_tagged_as[-1] == "/Artifact"
    assert footer_tagged_as[0] != "/Artifact"
    nums = document.Root.StructTreeRoot.ParentTree.Nums
    assert all(entry is None or isinstance(entry, pikepdf.Dictionary) for entry in nums[1])


def test_screen_pdf_passes_an_independent_pdfua_checker(brand: Path) -> None:
    page = importlib.import_module("page")
    report = page.validate_pdf_bytes(render(brand, "screen"), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_lists_are_l_li_lbody_even_with_wrappers_and_paragraphs(brand: Path) -> None:
    body = ("<dl><div><dt>Pars</dt><dd>A thin part of a vertebra.</dd></div>"
            "<div><dt>Graft</dt><dd>Bone.</dd></div></dl>"
            "<ol><li><p>Day 1</p><p>You walk.</p></li><li><p>Week 6</p><p>You drive.</p></li></ol>")
    document = open_pdf(render(brand, "screen", page_html("screen", body=body)))
    lists = [e for e in struct_elements(document) if e.S == "/L"]
    assert len(lists) == 2
    for element in lists:
        assert all(kid.S == "/LI" for kid in element.K)
        for item in element.K:
            assert all(kid.S in ("/Lbl", "/LBody") for kid in item.K), [str(k.S) for k in item.K]
            assert all(kid.P.objgen == item.objgen for kid in item.K)
    page = importlib.import_module("page")
    report = page.validate_pdf_bytes(render(brand, "screen", page_html("screen", body=body)), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


def test_missing_alt_text_fails_instead_of_only_logging(brand: Path) -> None:
    with pytest.raises(pdf.RenderError, match="alt"):
        render(brand, "screen", page_html("screen", body='<img src="dot.svg">'))


def test_missing_language_fails(brand: Path) -> None:
    # WeasyPrint's own PDF/UA writer logs this as an error, so the render fails before preflight (which
    # would report PU002): not a check of ours, a logged error like any other.
    with pytest.raises(pdf.RenderError, match="lang"):
        render(brand, "screen", page_html("screen", lang=""))


def test_missing_title_is_refused_by_the_builds_preflight(brand: Path, tmp_path: Path) -> None:
    html = page_html("screen").replace("<title>Knee replacement</title>", "")
    assert "title" in refused(render(brand, "screen", html), "screen", "PU003", tmp_path)


# --- fonts and missing files -------------------------------------------------------------------

def test_a_glyph_missing_from_the_brand_font_fails_instead_of_a_fallback(brand: Path) -> None:
    # With a system font that has the glyphs, WeasyPrint falls back to it (a stray font); with none
    # (a stock Debian machine has no CJK font), it draws .notdef boxes and says so. Both are refusals.
    with pytest.raises(pdf.RenderError, match=r"not one of the brand's font files|notdef"):
        render(brand, "screen", page_html("screen", body="<p>漢字</p>"))


def test_a_missing_font_file_fails(brand: Path) -> None:
    (brand / "fonts" / "AtkinsonHyperlegibleNext_700Bold.ttf").unlink()
    with pytest.raises(pdf.RenderError, match="AtkinsonHyperlegibleNext_700Bold.ttf"):
        render(brand, "screen")


def test_a_missing_image_fails(brand: Path) -> None:
    with pytest.raises(pdf.RenderError, match="no-such-logo.svg"):
        render(brand, "screen", page_html("screen", body='<img src="no-such-logo.svg" alt="Logo">'))


def test_data_urls_are_served(brand: Path) -> None:
    svg = ("data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='4' height='4'%3E"
           "%3Crect width='4' height='4'/%3E%3C/svg%3E")
    assert render(brand, "screen", page_html("screen", body=f'<img src="{svg}" alt="A square">'))


# --- the sandbox -------------------------------------------------------------------------------

@pytest.mark.parametrize("reference", ["https://example.org/logo.png", "http://127.0.0.1:9/logo.png",
                                       "ftp://example.org/logo.png"])
def test_network_references_are_refused_by_name(brand: Path, reference: str) -> None:
    with pytest.raises(pdf.RenderError, match="refused reference") as error:
        render(brand, "screen", page_html("screen", body=f'<img src="{reference}" alt="Logo">'))
    assert reference in str(error.value)


def test_a_server_that_never_answers_is_never_contacted(brand: Path) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:  # accept and never answer
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        head = f'<link rel="stylesheet" href="http://127.0.0.1:{port}/style.css">'
        with pytest.raises(pdf.RenderError, match=f"127.0.0.1:{port}/style.css"):
            render(brand, "screen", page_html("screen", head=head))
    finally:
        stop.set()
        thread.join(2)
        listener.close()
    assert accepted == []


def test_etc_passwd_attachment_is_refused(brand: Path) -> None:
    head = '<link rel="attachment" href="file:///etc/passwd">'
    with pytest.raises(pdf.RenderError, match="file:///etc/passwd"):
        render(brand, "screen", page_html("screen", head=head))


def test_attachment_of_a_brand_file_is_refused_too(brand: Path, tmp_path: Path) -> None:
    head = '<link rel="attachment" href="dot.svg">'
    assert "attached" in refused(render(brand, "screen", page_html("screen", head=head)), "screen", "PF007", tmp_path)


def test_dot_dot_escape_is_refused(brand: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.svg").write_text((brand / "dot.svg").read_text())
    with pytest.raises(pdf.RenderError, match="secret.svg.*outside"):
        render(brand, "screen", page_html("screen", body='<img src="../secret.svg" alt="x">'))


def test_symlink_out_of_the_brand_is_refused(brand: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.svg").write_text((brand / "dot.svg").read_text())
    (brand / "innocent.svg").symlink_to(tmp_path / "secret.svg")
    with pytest.raises(pdf.RenderError, match="innocent.svg.*outside"):
        render(brand, "screen", page_html("screen", body='<img src="innocent.svg" alt="x">'))


def test_fetcher_resolves_only_inside_roots(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (root / "a").mkdir(parents=True)
    (root / "a" / "ok.css").write_text("p{}")
    fetcher = pdf.SandboxedFetcher([root])
    assert fetcher.resolve((root / "a" / "ok.css").as_uri()) == (root / "a" / "ok.css").resolve()
    for url in ["file:///etc/passwd", (root / "a" / ".." / ".." / "x").as_uri(), "file://evil.example/x.css"]:
        with pytest.raises(pdf.RefusedReference):
            fetcher.resolve(url)


# --- determinism -------------------------------------------------------------------------------

def test_same_inputs_give_the_same_bytes_in_separate_processes(brand: Path, tmp_path: Path) -> None:
    script = tmp_path / "render.py"
    script.write_text(
        "import sys\nfrom pathlib import Path\nsys.path[:0] = [sys.argv[3], sys.argv[3] + '/tests']\n"
        "from test_pdf import render\n"
        "Path(sys.argv[2]).write_bytes(render(Path(sys.argv[1]), sys.argv[4]))\n")
    for profile in ("screen", "print"):
        outputs = []
        for run in range(2):
            out = tmp_path / f"{profile}{run}.pdf"
            subprocess.run([sys.executable, str(script), str(brand), str(out), str(ROOT), profile], check=True,
                           cwd=ROOT)
            outputs.append(out.read_bytes())
        assert outputs[0] == outputs[1], profile
        document = open_pdf(outputs[0])
        assert str(document.docinfo.CreationDate).startswith("D:20260301")
        assert str(document.docinfo.ModDate).startswith("D:20260301")


def test_identifiers_come_from_the_inputs(brand: Path) -> None:
    one = open_pdf(render(brand, "print", identity="01" * 32))
    two = open_pdf(render(brand, "print", identity="02" * 32))
    assert bytes(one.trailer.ID[0]) == bytes.fromhex("01" * 16)
    assert bytes(two.trailer.ID[0]) == bytes.fromhex("02" * 16)
    ids = [d.Root.Metadata.read_bytes().split(b"<xmpMM:DocumentID>")[1].split(b"<")[0] for d in (one, two)]
    assert ids[0] != ids[1] and all(i.startswith(b"uuid:") for i in ids)
    assert b"<xmpMM:InstanceID>" in one.Root.Metadata.read_bytes()


def test_validate_never_imports_weasyprint() -> None:
    code = ("import sys\nfrom click.testing import CliRunner\nfrom leaflets.cli import cli\n"
            "CliRunner().invoke(cli, ['validate', 'tests/fixtures'])\n"
            "print('weasyprint' in sys.modules, 'pikepdf' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"], done.stderr
