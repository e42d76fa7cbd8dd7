"""Booklets: how many pages to add, and the imposition of an A5 leaflet onto A4 sheets.

A saddle-stitched booklet is a stack of sheets folded once and stapled on the fold. Each sheet
carries four pages, two on each side, so the page count must be a multiple of 4. The renderer pads
with useful pages (notes, questions to ask your care team): ``pages_to_add(n)`` says how many.

``impose(src, dst)`` writes the printer's spreads: for ``n`` pages, sheet ``i`` (0-based) has
``n-2i`` | ``2i+1`` on its front and ``2i+2`` | ``n-2i-1`` on its back, each page's trim placed
against the fold. The sheet is press-ready PDF/X like the leaflet, and a shop cuts it without asking:

- its TrimBox is exactly the two pages side by side (two A5 pages, 296 × 210 mm: what is left after
  cutting, so the folded booklet is A5), never a nominal A4 with the pages floating inside it;
- its BleedBox is 3 mm outside that on every edge, filled by each page's own bleed artwork (a page is
  clipped at its trim only along the fold, where its neighbour sits); the MediaBox is the BleedBox, or
  larger with ``crop_marks``: a press sheet is bigger than the finished size, as a leaflet page is;
- with ``crop_marks`` the sheet carries its own crop marks at the sheet's trim and fold marks at the
  spine, all outside the bleed (:mod:`leaflets.marks`); the pages' own marks are clipped away;
- every sheet side says it is an imposition, in a page-piece dictionary (ISO 32000-1, 14.5):
  ``/PieceInfo /Leaflets /Private`` holds ``/Imposition /SaddleStitch``, the ``/Pages`` on it (left,
  right) and the booklet's ``/PageCount``, so ``leaflets preflight --booklet`` counts the booklet's
  pages, not the sheet sides (:func:`imposition`).

``impose_bytes`` gives the bytes unwritten, so ``leaflets build`` preflights them before shipping; it
imposes the print PDF it rendered, from memory, not the file it wrote.
"""

from __future__ import annotations

import io
import re
import uuid
from dataclasses import dataclass
from pathlib import Path

from leaflets.preflight.metadata import xmp_value
from leaflets.printer_marks import MARK_SPACE_PT, crop_mark_lines, fold_mark_lines, marks_content
from leaflets.units import BLEED_PT  # around each sheet side, as on the leaflet's own pages

PRODUCER = "leaflets booklet imposition"
PIECE = "/Leaflets"  # our key in a sheet side's /PieceInfo


class BookletError(ValueError):
    """The leaflet cannot be imposed (wrong page count, unreadable PDF)."""


def pages_to_add(page_count: int) -> int:
    """Pages to add so a booklet of ``page_count`` pages folds from whole sheets (0–3)."""
    if page_count < 1:
        raise BookletError(f"a booklet needs at least one page, not {page_count}")
    return -page_count % 4


def saddle_stitch_order(page_count: int, *, right_to_left: bool = False) -> list[tuple[int, int]]:
    """The (left, right) 1-based page numbers of each sheet side, front then back, sheet by sheet.

    A right-to-left booklet (Arabic, Urdu) is bound on its right edge and opened from the left: every
    sheet side is the mirror of the left-to-right one, so its first page is on the left of the cover."""
    if page_count < 4 or page_count % 4:
        raise BookletError(f"{page_count} pages: a saddle-stitched booklet needs a multiple of 4 "
                           f"(add {pages_to_add(max(page_count, 1))} useful pages)")
    spreads = []
    for sheet in range(page_count // 4):
        spreads.append((page_count - 2 * sheet, 2 * sheet + 1))
        spreads.append((2 * sheet + 2, page_count - 2 * sheet - 1))
    return [(right, left) for left, right in spreads] if right_to_left else spreads


def impose(src: str | Path, dst: str | Path, *, crop_marks: bool = False) -> int:
    """Write ``dst``: the pages of ``src`` two up in saddle-stitch order.

    Returns the number of sheet sides written. Raises BookletError for a page count that is not a
    multiple of 4 or a PDF that cannot be read.
    """
    data, sides = impose_bytes(src, crop_marks=crop_marks)
    _write_bytes(Path(dst), data)
    return sides


def impose_bytes(src: str | Path | bytes, *, crop_marks: bool = False, right_to_left: bool = False,
                 ) -> tuple[bytes, int]:
    """The imposed booklet of ``src`` (a PDF file, or a PDF's bytes) as PDF bytes (not yet written, so
    it can be preflighted first) and the number of sheet sides.

    Each sheet side is a press-ready PDF/X page: TrimBox = two pages side by side (the first page's
    trim twice), BleedBox = that grown by 3 mm on every side, MediaBox = the BleedBox (with
    ``crop_marks``, larger, holding crop and fold marks). Each page keeps its own bleed artwork on the
    sheet's outer edges (top, bottom, outside) and is clipped at its trim only along the fold, where its
    neighbour starts. The source's output intent, XMP metadata and PDF/X identification are carried
    over, so the sheet is the same PDF/X variant as the leaflet it came from.
    """
    import pikepdf

    try:
        source = pikepdf.open(io.BytesIO(src) if isinstance(src, bytes) else src)
    except (pikepdf.PdfError, OSError) as exc:
        where = "" if isinstance(src, bytes) else f"{src}: "
        raise BookletError(f"{where}cannot read the leaflet PDF: {exc}") from exc
    with source, pikepdf.new() as out:
        count = len(source.pages)
        spreads = saddle_stitch_order(count, right_to_left=right_to_left)
        x0, y0, x1, y1 = _trim(source.pages[0])
        sheet = Sheet(2 * (x1 - x0), y1 - y0, crop_marks, _stamp(source))
        for left, right in spreads:
            _add_sheet_side(out, source, (left, right), count, sheet)
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
    """The page's bleed (its BleedBox, else its trim), never beyond its MediaBox nor beyond the sheet's
    3 mm: the page's crop marks and anything else outside are clipped away."""
    b, m, t = _box(page, "/BleedBox", "/TrimBox"), _box(page, "/MediaBox"), _trim(page)
    return (max(b[0], m[0], t[0] - BLEED_PT), max(b[1], m[1], t[1] - BLEED_PT),
            min(b[2], m[2], t[2] + BLEED_PT), min(b[3], m[3], t[3] + BLEED_PT))


def _page_form(out, page, slot: str):
    """The page as a form XObject (qpdf keeps rotation and resources), clipped to its bleed on the
    outer edges and to its trim along the fold: the right edge for a left page, and vice versa."""
    import pikepdf

    trim, bleed = _trim(page), _bleed(page)
    x0, x1 = (bleed[0], trim[2]) if slot == "L" else (trim[0], bleed[2])
    form = out.copy_foreign(page.as_form_xobject())
    form.BBox = pikepdf.Array([round(x0, 4), round(bleed[1], 4), round(x1, 4), round(bleed[3], 4)])
    return form


@dataclass(frozen=True)
class Sheet:
    """One sheet side's size (its trim: two pages side by side), marks, and the date its piece info carries."""

    width: float
    height: float
    crop_marks: bool
    modified: str  # a PDF date, the source's own, so the same leaflet gives the same bytes


def _stamp(source) -> str:
    info = source.docinfo
    return str(info.get("/ModDate") or info.get("/CreationDate") or "D:20000101000000Z")


def _add_sheet_side(out, source, pages: tuple[int, int], count: int, sheet: Sheet) -> None:
    """One sheet side: TrimBox [0 0 width height], BleedBox 3 mm outside it, MediaBox = BleedBox (or
    room for marks beyond it), and the piece info that says which booklet pages are on it."""
    import pikepdf

    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
    content = []
    width, height = sheet.width, sheet.height
    fold = width / 2
    group = None
    for slot, number in zip(("L", "R"), pages, strict=True):
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
    trim = [0.0, 0.0, width, height]
    if sheet.crop_marks:  # the sheet's own marks: its trim's corners, and the fold at the spine
        content.append(f"q {marks_content(crop_mark_lines(trim) + fold_mark_lines(fold, trim))} Q")
    bleed = _grown(trim, BLEED_PT)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=_grown(trim, BLEED_PT + (MARK_SPACE_PT if sheet.crop_marks else 0.0)),
        BleedBox=bleed,
        TrimBox=_grown(trim, 0.0),
        Resources=resources,
        Contents=out.make_stream("\n".join(content).encode()),
        LastModified=pikepdf.String(sheet.modified),  # required with PieceInfo
        PieceInfo=pikepdf.Dictionary({PIECE: pikepdf.Dictionary(
            LastModified=pikepdf.String(sheet.modified),
            Private=pikepdf.Dictionary(Imposition=pikepdf.Name.SaddleStitch, Pages=pikepdf.Array(list(pages)),
                                       PageCount=count))}),
    )
    if group is not None:  # the leaflet's transparency group (blending colour space) for the sheet
        page.Group = group
    out.pages.append(pikepdf.Page(page))


def _grown(box: list[float], by: float):
    import pikepdf

    return pikepdf.Array([round(box[0] - by, 4), round(box[1] - by, 4), round(box[2] + by, 4), round(box[3] + by, 4)])


def imposition(pdf) -> list[tuple[int, int, int]] | None:
    """(left page, right page, booklet page count) of every sheet side of an imposed booklet written by
    :func:`impose_bytes`, read from its piece info; None when any page lacks it (not our imposition)."""
    import pikepdf

    sides = []
    for page in pdf.pages:
        piece = page.obj.get("/PieceInfo")
        ours = piece.get(PIECE) if isinstance(piece, pikepdf.Dictionary) else None
        private = ours.get("/Private") if isinstance(ours, pikepdf.Dictionary) else None
        if not isinstance(private, pikepdf.Dictionary) or private.get("/Imposition") != pikepdf.Name.SaddleStitch:
            return None
        try:
            left, right = (int(v) for v in private.Pages)
            sides.append((left, right, int(private.PageCount)))
        except (AttributeError, TypeError, ValueError, pikepdf.PdfError):
            return None
    return sides or None


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
    version = str(source.docinfo.get("/GTS_PDFXVersion", "")) or xmp_value(xmp, r"(?:pdfxid|pdfx):GTS_PDFXVersion")
    if version:
        out.docinfo["/GTS_PDFXVersion"] = version
    if xmp:
        xmp = _booklet_xmp(xmp, title)
        metadata = out.make_stream(xmp.encode("utf-8"))
        metadata.Type = pikepdf.Name.Metadata
        metadata.Subtype = pikepdf.Name.XML
        out.Root.Metadata = metadata


def _booklet_xmp(xmp: str, title: str) -> str:
    """The source's XMP, saying what the booklet's document info says (PDF/X wants the two to
    agree): its title and producer, and a new instance ID derived from the source's, so the same
    leaflet always gives the same booklet bytes."""
    from xml.sax.saxutils import escape

    xmp = re.sub(r"(<dc:title(?:\s[^>]*)?>.*?<rdf:li(?:\s[^>]*)?>)[^<]*(<)",
                 lambda m: m.group(1) + escape(title) + m.group(2), xmp, count=1, flags=re.S)
    xmp = re.sub(r'(pdf:Producer\s*=\s*")[^"]*(")', lambda m: m.group(1) + PRODUCER + m.group(2), xmp)
    xmp = re.sub(r"(<pdf:Producer(?:\s[^>]*)?>)[^<]*(<)", lambda m: m.group(1) + PRODUCER + m.group(2), xmp)
    instance = xmp_value(xmp, r"xmpMM:InstanceID")
    if instance:
        booklet_id = f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, instance + '#booklet')}"
        xmp = re.sub(r"(<xmpMM:InstanceID(?:\s[^>]*)?>)[^<]*(<)",
                     lambda m: m.group(1) + booklet_id + m.group(2), xmp, count=1)
    return xmp


def _write_bytes(dst: Path, data: bytes) -> None:
    """Write atomically, so a failed imposition never leaves half a booklet (nor a fixed-name
    temporary file that a crash could leave beside it)."""
    from leaflets.outputs import write_atomic

    write_atomic(dst, data)
