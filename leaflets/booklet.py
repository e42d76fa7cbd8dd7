"""Booklets: how many pages to add, and the imposition of an A5 leaflet onto A4 sheets.

A saddle-stitched booklet is a stack of sheets folded once and stapled on the fold. Each sheet
carries four pages, two on each side, so the page count must be a multiple of 4. The renderer pads
with useful pages (notes, questions to ask your care team): ``pages_to_add(n)`` says how many.

``impose(src, dst)`` writes the printer's spreads: for ``n`` pages, sheet ``i`` (0-based) has
``n-2i`` | ``2i+1`` on its front and ``2i+2`` | ``n-2i-1`` on its back, each page's trim placed
against the fold (bleed is clipped: on a sheet the neighbour page sits where the bleed was).
"""

from __future__ import annotations

import io
from pathlib import Path

MM = 72 / 25.4
A4_LANDSCAPE = (297 * MM, 210 * MM)


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
    import pikepdf

    try:
        source = pikepdf.open(src)
    except (pikepdf.PdfError, OSError) as exc:
        raise BookletError(f"{src}: cannot read the leaflet PDF: {exc}") from exc
    with source, pikepdf.new() as out:
        spreads = saddle_stitch_order(len(source.pages))
        width, height = sheet
        forms = [out.copy_foreign(_page_form(source, page)) for page in source.pages]
        for left, right in spreads:
            _add_sheet_side(out, forms, source, left, right, width, height)
        out.docinfo["/Title"] = str(source.docinfo.get("/Title", "")) + " (booklet)"
        out.docinfo["/Producer"] = "leaflets booklet imposition"
        _write(out, Path(dst))
        return len(spreads)


def _trim(page) -> tuple[float, float, float, float]:
    box = page.obj.get("/TrimBox") or page.obj.MediaBox
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _page_form(pdf, page):
    """The page as a form XObject clipped to its trim (qpdf keeps rotation and resources)."""
    import pikepdf

    form = page.as_form_xobject()
    form.BBox = pikepdf.Array(_trim(page))
    return form


def _add_sheet_side(out, forms, source, left: int, right: int, width: float, height: float) -> None:
    import pikepdf

    resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary())
    content = []
    fold = width / 2
    for slot, number in (("L", left), ("R", right)):
        x0, y0, x1, y1 = _trim(source.pages[number - 1])
        page_w, page_h = x1 - x0, y1 - y0
        scale = min(fold / page_w, height / page_h, 1.0)
        placed_w, placed_h = page_w * scale, page_h * scale
        tx = (fold - placed_w if slot == "L" else fold) - x0 * scale
        ty = (height - placed_h) / 2 - y0 * scale
        name = pikepdf.Name(f"/P{number}")
        resources.XObject[name] = forms[number - 1]
        content.append(f"q {scale:.6f} 0 0 {scale:.6f} {tx:.4f} {ty:.4f} cm {name} Do Q")
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=pikepdf.Array([0, 0, round(width, 4), round(height, 4)]),
        Resources=resources,
        Contents=out.make_stream("\n".join(content).encode()),
    )
    out.pages.append(pikepdf.Page(page))


def _write(pdf, dst: Path) -> None:
    """Write atomically, so a failed imposition never leaves half a booklet (nor a fixed-name
    temporary file that a crash could leave beside it)."""
    from leaflets.build import write_atomic

    buffer = io.BytesIO()
    pdf.save(buffer, deterministic_id=True)
    write_atomic(dst, buffer.getvalue())
