"""Second-look audit of preflight: content that hides in places the first scan did not look
(inline images, tiling patterns, Type3 glyphs, annotation appearances, inherited line width,
stroked text), fonts whose glyph names already map to Unicode, and legitimate PDF/X-4 features
that must not be reported. Each case asserts its finding and nothing else."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest

from leaflets.preflight import MM, Options, preflight_file

W, H = 210 * MM, 297 * MM
BLEED = 3 * MM
ICC_DIR = Path("/usr/share/color/icc/ghostscript")
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def codes(path: Path, **kwargs) -> list[str]:
    """The codes that fired, less PP018: the note of every image's ppi as placed."""
    return sorted(f.code for f in preflight_file(path, Options(**kwargs)) if f.code != "PP018")


def x4(path: Path, content: str, resources=None, variant: str = "PDF/X-4", setup=None) -> Path:
    """A clean PDF/X-4 A4 page with 3 mm bleed and a CMYK output intent, plus ``content``."""
    cmyk = ICC_DIR / "default_cmyk.icc"
    if not cmyk.exists():
        pytest.fail("no CMYK ICC profile: scripts/setup.sh installs ghostscript, which ships one")
    pdf = pikepdf.new()
    res = resources(pdf) if resources else pikepdf.Dictionary()
    media = [-BLEED, -BLEED, W + BLEED, H + BLEED]
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=media, BleedBox=media, TrimBox=[0, 0, W, H],
                              Resources=res, Contents=pdf.make_stream(("0 0 0 1 K 1 w 50 50 m 200 50 l S "
                                                                       + content).encode()))
    pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo["/GTS_PDFXVersion"] = variant
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="CMYK",
        DestOutputProfile=pdf.make_stream(cmyk.read_bytes(), N=4))])
    pdf.docinfo["/Title"] = "Knee replacement"
    if setup:
        setup(pdf)
    pdf.save(path)
    return path


def image(pdf, space: str = "/DeviceCMYK", channels: int = 4, pixels: int = 400, **extra):
    return pdf.make_stream(bytes(pixels * pixels * channels), Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Image,
                           Width=pixels, Height=pixels, ColorSpace=pikepdf.Name(space), BitsPerComponent=8, **extra)


def red_form(pdf, content: bytes = b"1 0 0 rg 0 0 50 50 re f", **extra):
    return pdf.make_stream(content, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form, BBox=[0, 0, 300, 100],
                           **extra)


# ------------------------------------------------------------------ legitimate PDF/X-4: nothing to report


def _lab(pdf):
    return pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(
        CS1=pikepdf.Array([pikepdf.Name.Lab, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])])))


def _icc_rgb(pdf):
    rgb = ICC_DIR / "default_rgb.icc"
    if not rgb.exists():
        pytest.fail("no RGB ICC profile from ghostscript")
    return pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(
        CS1=pikepdf.Array([pikepdf.Name.ICCBased, pdf.make_stream(rgb.read_bytes(), N=3)])))


def _opacity(pdf):
    return pikepdf.Dictionary(ExtGState=pikepdf.Dictionary(G1=pikepdf.Dictionary(ca=0.5, CA=0.5)))


def _smask_image(pdf):
    mask = image(pdf, "/DeviceGray", 1)
    return pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im1=image(pdf, SMask=mask)))


@pytest.mark.parametrize("name, content, resources, x1a", [
    ("lab", "/CS1 cs 50 0 0 sc 10 10 50 50 re f", _lab, ["PP010"]),
    ("icc-rgb", "/CS1 cs 1 0 0 sc 10 10 50 50 re f", _icc_rgb, ["PP010"]),
    ("opacity", "q /G1 gs 0 0 1 0 k 10 10 50 50 re f Q", _opacity, ["PP013"]),
    ("smask-image", "q 72 0 0 72 100 300 cm /Im1 Do Q", _smask_image, ["PP013"]),
])
def test_x4_allows_what_x1a_forbids(tmp_path, name, content, resources, x1a):
    assert codes(x4(tmp_path / f"{name}-x4.pdf", content, resources)) == []
    assert codes(x4(tmp_path / f"{name}-x1a.pdf", content, resources, variant="PDF/X-1a:2003")) == x1a


# ------------------------------------------------------------------ colour hiding outside the page's own stream


def _tiling(pdf):
    cell = pdf.make_stream(b"1 0 0 rg 0 0 5 5 re f", Type=pikepdf.Name.Pattern, PatternType=1, PaintType=1,
                           TilingType=1, BBox=[0, 0, 10, 10], XStep=10, YStep=10, Resources=pikepdf.Dictionary())
    return pikepdf.Dictionary(Pattern=pikepdf.Dictionary(P1=cell))


def _type3(pdf):
    glyph = pdf.make_stream(b"1000 0 0 0 750 750 d0 1 0 0 rg 0 0 750 750 re f")
    font = pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type3, FontBBox=[0, 0, 750, 750],
        FontMatrix=[0.001, 0, 0, 0.001, 0, 0], CharProcs=pikepdf.Dictionary(a=glyph), FirstChar=97, LastChar=97,
        Encoding=pikepdf.Dictionary(Type=pikepdf.Name.Encoding, Differences=[97, pikepdf.Name.a]),
        Widths=[1000], Resources=pikepdf.Dictionary())
    return pikepdf.Dictionary(Font=pikepdf.Dictionary(T3=font))


def _printed_annotation(pdf):
    appearance = red_form(pdf)
    annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Stamp, Rect=[100, 100, 150, 150], F=4,
                               AP=pikepdf.Dictionary(N=appearance))
    pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annot)])


@pytest.mark.parametrize("name, content, resources, setup, where", [
    ("inline-image", "q 3.8 0 0 3.8 100 300 cm BI /W 16 /H 16 /CS /RGB /BPC 8 ID " + "\0" * 768 + " EI Q",
     None, None, "inline image"),
    ("tiling-pattern", "/Pattern cs /P1 scn 10 10 100 100 re f", _tiling, None, "pattern P1"),
    ("type3-glyph", "BT /T3 12 Tf 72 720 Td (a) Tj ET", _type3, None, "font T3"),
    ("annotation", "", None, _printed_annotation, "annotation"),
])
def test_rgb_hidden_outside_the_page_stream_is_found(tmp_path, name, content, resources, setup, where):
    findings = [f for f in preflight_file(x4(tmp_path / f"{name}.pdf", content, resources, setup=setup))
                if f.code != "PP018"]  # an image's ppi note
    assert [f.code for f in findings] == ["PP010"]
    assert where in findings[0].pointer and "page 1" in findings[0].pointer


def test_hidden_annotation_is_not_printed_so_not_checked(tmp_path):
    def hidden(pdf):
        _printed_annotation(pdf)
        pdf.pages[0].obj.Annots[0].F = 2  # Hidden, not Print
    assert codes(x4(tmp_path / "hidden-annot.pdf", "", setup=hidden)) == []


def test_inline_image_resolution_is_checked(tmp_path):
    # 4 × 4 CMYK pixels over 100 pt: about 3 ppi
    findings = preflight_file(x4(tmp_path / "inline-lowres.pdf",
                                 "q 100 0 0 100 100 300 cm BI /W 4 /H 4 /CS /CMYK /BPC 8 ID " + "\0" * 64 + " EI Q"))
    assert [f.code for f in findings] == ["PP012"]
    assert "inline image" in findings[0].pointer and "3 ppi" in findings[0].message


# ------------------------------------------------------------------ hairlines


def test_form_inherits_the_callers_line_width(tmp_path):
    def form(pdf):
        return pikepdf.Dictionary(XObject=pikepdf.Dictionary(Fm1=red_form(pdf, b"0 0 0 1 K 10 10 m 200 10 l S")))
    findings = preflight_file(x4(tmp_path / "form-hairline.pdf", "q 0.1 w 1 0 0 1 100 300 cm /Fm1 Do Q", form))
    assert [f.code for f in findings] == ["PP014"]
    assert "form Fm1" in findings[0].pointer


def test_stroked_text_is_a_line_too(tmp_path):
    def font(pdf):
        return pikepdf.Dictionary(Font=_type3(pdf).Font)
    # render mode 1 strokes the glyph outlines with the current line width
    glyph_cmyk = "BT /T3 12 Tf 1 Tr 0.05 w 72 720 Td (a) Tj ET"

    def cmyk_type3(pdf):
        res = font(pdf)
        res.Font.T3.CharProcs.a.write(b"1000 0 0 0 750 750 d0 0 0 0 1 k 0 0 750 750 re f")
        return res
    findings = preflight_file(x4(tmp_path / "stroked-text.pdf", glyph_cmyk, cmyk_type3))
    assert [f.code for f in findings] == ["PP014"]
    assert findings[0].pointer == "page 1 / page (stroked text, render mode 1)"
    # the same text filled (mode 0) is not a hairline
    assert codes(x4(tmp_path / "filled-text.pdf", glyph_cmyk.replace("1 Tr", "0 Tr"), cmyk_type3)) == []


def test_zero_width_line_says_it_is_the_thinnest_the_device_can_draw(tmp_path):
    findings = preflight_file(x4(tmp_path / "zero-width.pdf", "0 w 10 400 m 300 400 l S"))
    assert [f.code for f in findings] == ["PP014"]
    assert "0 width" in findings[0].message and "thinnest" in findings[0].message
    # the finding names where the line is
    assert "page content" in findings[0].pointer and "x=10" in findings[0].message


# ------------------------------------------------------------------ screen: Unicode by glyph name


def _screen_pdf(path: Path, differences: list[str]) -> Path:
    """A tagged PDF/UA-looking page with an embedded simple TrueType font whose Encoding is a
    Differences array of ``differences`` for codes 1 and 2, showing those two codes."""
    if not DEJAVU.exists():
        pytest.fail("DejaVu Sans is needed (fonts-dejavu-core, a WeasyPrint dependency)")
    pdf = pikepdf.new()
    descriptor = pikepdf.Dictionary(Type=pikepdf.Name.FontDescriptor, FontName=pikepdf.Name("/DejaVuSans"),
                                    Flags=32, FontBBox=[0, -200, 1000, 900], ItalicAngle=0, Ascent=900,
                                    Descent=-200, CapHeight=700, StemV=80,
                                    FontFile2=pdf.make_stream(DEJAVU.read_bytes()))
    encoding = pikepdf.Dictionary(Type=pikepdf.Name.Encoding, BaseEncoding=pikepdf.Name.WinAnsiEncoding,
                                  Differences=[1] + [pikepdf.Name("/" + n) for n in differences])
    font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.TrueType,
                              BaseFont=pikepdf.Name("/DejaVuSans"), FirstChar=1, LastChar=2, Widths=[684, 686],
                              FontDescriptor=descriptor, Encoding=encoding)
    page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842],
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font)),
                              Contents=pdf.make_stream(
                                  b"/P <</MCID 0>> BDC BT /F1 24 Tf 72 720 Td (\\001\\002) Tj ET EMC"))
    pdf.pages.append(pikepdf.Page(page))
    para = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P,
                                                K=0, Pg=pdf.pages[0].obj))
    pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot,
                                                                   K=pikepdf.Array([para])))
    para.P = pdf.Root.StructTreeRoot
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.Root.Lang = "en"
    pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.docinfo["/Title"] = "Knee replacement"
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = "Knee replacement"
        meta["pdfuaid:part"] = "1"
    pdf.save(path)
    return path


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout.strip()


def test_glyph_names_from_the_glyph_list_are_a_unicode_mapping_and_pdftotext_agrees(tmp_path):
    named = _screen_pdf(tmp_path / "agl-names.pdf", ["A", "B"])
    assert _pdftotext(named) == "AB"
    assert codes(named, profile="screen") == []


def test_made_up_glyph_names_are_not_and_pdftotext_agrees(tmp_path):
    opaque = _screen_pdf(tmp_path / "opaque-names.pdf", ["g36", "g37"])
    assert _pdftotext(opaque) != "AB"
    findings = preflight_file(opaque, Options(profile="screen"))
    assert [f.code for f in findings] == ["PU010"]
    assert "g36" in findings[0].message


def test_optional_content_is_not_a_tag(tmp_path):
    path = _screen_pdf(tmp_path / "oc.pdf", ["A", "B"])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        pdf.pages[0].obj.Contents = pdf.make_stream(
            b"/P <</MCID 0>> BDC BT /F1 24 Tf 72 720 Td (\\001\\002) Tj ET EMC "
            b"/OC /oc1 BDC 0 0 0 1 k 10 10 50 50 re f EMC")
        pdf.pages[0].obj.Resources.Properties = pikepdf.Dictionary(oc1=pikepdf.Dictionary(
            Type=pikepdf.Name.OCG, Name="layer"))
        pdf.save(path)
    findings = preflight_file(path, Options(profile="screen"))
    assert [f.code for f in findings] == ["PU008"]


def test_title_must_be_the_dc_title_not_any_xmp_list_item(tmp_path):
    path = _screen_pdf(tmp_path / "creator-only.pdf", ["A", "B"])
    with pikepdf.open(path, allow_overwriting_input=True) as pdf:
        del pdf.docinfo["/Title"]
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            del meta["dc:title"]
            meta["dc:creator"] = ["Surgical patient information"]
        pdf.save(path)
    assert codes(path, profile="screen") == ["PU003"]


def test_font_in_a_form_field_appearance_must_be_embedded_and_pdffonts_agrees(tmp_path):
    def field(pdf):
        helvetica = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                       BaseFont=pikepdf.Name.Helvetica, Encoding=pikepdf.Name.WinAnsiEncoding)
        appearance = red_form(pdf, b"BT /Helv 10 Tf 0 0 0 1 k 2 2 Td (Name) Tj ET",
                              Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(Helv=helvetica)))
        annot = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget, FT=pikepdf.Name.Tx,
                                   T="name", Rect=[100, 100, 300, 120], F=4, AP=pikepdf.Dictionary(N=appearance))
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annot)])
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([pdf.pages[0].obj.Annots[0]]))
    path = x4(tmp_path / "field-font.pdf", "", setup=field)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    row = fonts.splitlines()[2]  # name type encoding emb sub uni object (object is "[none]" here)
    assert row.startswith("Helvetica") and re.search(r"\s(yes|no)\s+(yes|no)\s+(yes|no)\s", row).group(1) == "no"
    findings = preflight_file(path)
    assert [f.code for f in findings] == ["PF005"]
    assert "Helvetica" in findings[0].message
