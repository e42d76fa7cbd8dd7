"""Booklets: how many pages to add, and the imposition of an A5 leaflet onto A4 sheets.

A saddle-stitched booklet is a stack of sheets folded once and stapled on the fold. Each sheet
carries four pages, two on each side, so the page count must be a multiple of 4. The renderer pads
with useful pages (notes, questions to ask your care team): ``pages_to_add(n)`` says how many.

``impose(src, dst)`` writes the printer's spreads: for ``n`` pages, sheet ``i`` (0-based) has
``n-2i`` | ``2i+1`` on its front and ``2i+2`` | ``n-2i-1`` on its back, each page's trim placed
against the fold. The sheet is press-ready PDF/X like the leaflet: its TrimBox is the A4 sheet, its
BleedBox 3 mm outside, filled by each page's own bleed artwork on the outer edges (a page is
clipped at its trim only along the fold, where its neighbour sits). ``impose_bytes`` gives the
bytes unwritten, so ``leaflets build`` preflights them before shipping.
"""

from __future__ import annotations

import io
import re
import uuid
from pathlib import Path

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)
BLEED_PT = 3 * MM  # 8.504 pt of bleed around each sheet side, as on the leaflet's own pages
PRODUCER = "leaflets booklet imposition"


class BookletError(ValueError):
    """The leaflet cannot be imposed (wrong page count, unreadable PDF)."""


def pages_to_add(page_count: int) -> int:
    """Pages to add so a booklet of ``page_count`` pages folds from whole sheets (0–3)."""
    if page_count < 1:
        raise BookletError(f"a booklet needs at least one page, not {page_count}")
    return -page_count % 4


def saddle_stitch_order(page_count: int) -> list[tuple[int, int]]:
    """The (left, right) 1-based page numbers of each sheet side, front then back, sheet by sheet."""
    if page_count < 4 or page_count % 4:
        raise BookletError(f"{page_count} pages: a saddle-stitched booklet needs a multiple of 4 "
                           f"(add {pages_to_add(max(page_count, 1))} useful pages)")
    spreads = []
    for sheet in range(page_count // 4):
        spreads.append((page_count - 2 * sheet, 2 * sheet + 1))
        spreads.append((2 * sheet + 2, page_count - 2 * sheet - 1))
    return spreads


def impose(src: str | Path, dst: str | Path, sheet: tuple[float, float] = A4_LANDSCAPE) -> int:
    """Write ``dst``: the pages of ``src`` two up on ``sheet`` in saddle-stitch order.

    Returns the number of sheet sides written. Raises BookletError for a page count that is not a
    multiple of 4 or a PDF that cannot be read.
    """
    data, sides = impose_bytes(src, sheet)
    _write_bytes(Path(dst), data)
    return sides


def impose_bytes(src: str | Path, sheet: tuple[float, float] = A4_LANDSCAPE) -> tuple[bytes, int]:
    """The imposed booklet as PDF bytes (not yet written, so it can be preflighted first) and the
    number of sheet sides.

    Each sheet side is a press-ready PDF/X page: TrimBox = the sheet, BleedBox = MediaBox = the
    sheet grown by 3 mm on every side. Each page keeps its own bleed artwork on the sheet's outer
    edges (top, bottom, outside) and is clipped at its trim only along the fold, where its
    neighbour starts. The source's output intent, XMP metadata and PDF/X identification are carried
    over, so the sheet is the same PDF/X variant as the leaflet it came from.
    """
    import pikepdf

    try:
        source = pikepdf.open(src)
    except (pikepdf.PdfError, OSError) as exc:
        raise BookletError(f"{src}: cannot read the leaflet PDF: {exc}") from exc
    with source, pikepdf.new() as out:
        spreads = saddle_stitch_order(len(source.pages))
        width, height = sheet
        for left, right in spreads:
            _add_sheet_side(out, source, left, right, width, height)
        _carry_over_print_identity(source, out)
        buffer = io.BytesIO()
        out.save(buffer, deterministic_id=True, min_version=source.pdf_version)
        return buffer.getvalue(), len(spreads)


def _box(page, name: str, fallback: str = "/MediaBox") -> tuple[float, float, float, float]:
    box = page.obj.get(name) or page.obj.get(fallback) or page.obj.MediaBox
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _trim(page) -> tuple[float, float, float, float]:
    return _box(page, "/TrimBox")


def _bleed(page) -> tuple[float, float, float, float]:
    """The page's bleed (its BleedBox, else its trim), never beyond its MediaBox."""
    b = _box(page, "/BleedBox", "/TrimBox")
    m = _box(page, "/MediaBox")
    return max(b[0], m[0]), max(b[1], m[1]), min(b[2], m[2]), min(b[3], m[3])


def _page_form(out, page, slot: str):
    """The page as a form XObject (qpdf keeps rotation and resources), clipped to its bleed on the
    outer edges and to its trim along the fold: the right edge for a left page, and vice versa."""
    import pikepdf

    trim, bleed = _trim(page), _bleed(page)
    x0, x1 = (bleed[0], trim[2]) if slot == "L" else (trim[0], bleed[2])
    form = out.copy_foreign(page.as_form_xobject())
    form.BBox = pikepdf.Array([round(x0, 4), round(bleed[1], 4), round(x1, 4), round(bleed[3], 4)])
    return form


def _add_sheet_side(out, source, left: int, right: int, width: float, height: float) -> None:
    """One sheet side: TrimBox [0 0 width height], MediaBox = BleedBox 3 mm outside it."""
    import pikepdf

    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
    content = []
    fold = width / 2
    group = None
    for slot, number in (("L", left), ("R", right)):
        page = source.pages[number - 1]
        x0, y0, x1, y1 = _trim(page)
        page_w, page_h = x1 - x0, y1 - y0
        scale = min(fold / page_w, height / page_h, 1.0)
        placed_w, placed_h = page_w * scale, page_h * scale
        tx = (fold - placed_w if slot == "L" else fold) - x0 * scale
        ty = (height - placed_h) / 2 - y0 * scale
        name = pikepdf.Name(f"/P{number}")
        resources.XObject[name] = _page_form(out, page, slot)
        content.append(f"q {scale:.6f} 0 0 {scale:.6f} {tx:.4f} {ty:.4f} cm {name} Do Q")
        if group is None and page.obj.get("/Group") is not None:
            group = _copy(source, out, page.obj.Group)
    bleed = pikepdf.Array([round(-BLEED_PT, 4), round(-BLEED_PT, 4),
                           round(width + BLEED_PT, 4), round(height + BLEED_PT, 4)])
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=bleed,
        BleedBox=pikepdf.Array(list(bleed)),
        TrimBox=pikepdf.Array([0, 0, round(width, 4), round(height, 4)]),
        Resources=resources,
        Contents=out.make_stream("\n".join(content).encode()),
    )
    if group is not None:  # the leaflet's transparency group (blending colour space) for the sheet
        page.Group = group
    out.pages.append(pikepdf.Page(page))


def _copy(source, out, obj):
    """``obj`` of ``source`` copied into ``out`` (with what it refers to, such as an ICC stream),
    direct or indirect."""
    return out.copy_foreign(obj if obj.is_indirect else source.make_indirect(obj))


def _carry_over_print_identity(source, out) -> None:
    """The source's document info, output intents, XMP and PDF/X version, for the booklet."""
    import pikepdf

    for key, value in source.docinfo.items():
        out.docinfo[key] = value
    title = str(source.docinfo.get("/Title", "")) + " (booklet)"
    out.docinfo["/Title"] = title
    out.docinfo["/Producer"] = PRODUCER
    if "/OutputIntents" in source.Root:
        out.Root.OutputIntents = pikepdf.Array([_copy(source, out, intent) for intent in source.Root.OutputIntents])
    xmp = ""
    if source.Root.get("/Metadata") is not None:
        xmp = source.Root.Metadata.read_bytes().decode("utf-8")
    version = str(source.docinfo.get("/GTS_PDFXVersion", "")) or _xmp_value(xmp, r"(?:pdfxid|pdfx):GTS_PDFXVersion")
    if version:
        out.docinfo["/GTS_PDFXVersion"] = version
    if xmp:
        xmp = _booklet_xmp(xmp, title)
        metadata = out.make_stream(xmp.encode("utf-8"))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        out.Root.Metadata = metadata


def _xmp_value(xmp: str, prop: str) -> str:
    m = (re.search(rf"<{prop}(?:\s[^>]*)?>\s*([^<]+?)\s*<", xmp)
         or re.search(rf'\s{prop}\s*=\s*"([^"]*)"', xmp))
    return m.group(1).strip() if m else ""


def _booklet_xmp(xmp: str, title: str) -> str:
    """The source's XMP, saying what the booklet's document info says (PDF/X wants the two to
    agree): its title and producer, and a new instance ID derived from the source's, so the same
    leaflet always gives the same booklet bytes."""
    from xml.sax.saxutils import escape

    xmp = re.sub(r"(<dc:title(?:\s[^>]*)?>.*?<rdf:li(?:\s[^>]*)?>)[^<]*(<)",
                 lambda m: m.group(1) + escape(title) + m.group(2), xmp, count=1, flags=re.S)
    xmp = re.sub(r'(pdf:Producer\s*=\s*")[^"]*(")', lambda m: m.group(1) + PRODUCER + m.group(2), xmp)
    xmp = re.sub(r"(<pdf:Producer(?:\s[^>]*)?>)[^<]*(<)", lambda m: m.group(1) + PRODUCER + m.group(2), xmp)
    instance = _xmp_value(xmp, r"xmpMM:InstanceID")
    if instance:
        booklet_id = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, instance + '#booklet')}"
        xmp = re.sub(r"(<xmpMM:InstanceID(?:\s[^>]*)?>)[^<]*(<)",
                     lambda m: m.group(1) + booklet_id + m.group(2), xmp, count=1)
    return xmp


def _write_bytes(dst: Path, data: bytes) -> None:
    """Write atomically, so a failed imposition never leaves half a booklet (nor a fixed-name
    temporary file that a crash could leave beside it)."""
    from leaflets.build import write_atomic

    write_atomic(dst, data)
