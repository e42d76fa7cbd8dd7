"""Screen and accessibility checks (PU codes): tagging, language, title, PDF/UA identification,
the structure tree (alt text, heading levels, loops), untagged content and link descriptions."""

from __future__ import annotations

import re
from collections.abc import Iterator

from leaflets.preflight.bounds import Budget, too_complex
from leaflets.preflight.codes import (
    CONTENT_UNTAGGED,
    FIGURE_NO_ALT,
    HEADINGS_SKIPPED,
    LINK_NO_CONTENTS,
    MAX_FILE_CONTENT_BYTES,
    MAX_FILE_OPERATORS,
    NO_LANGUAGE,
    NO_PDFUA,
    NO_TITLE,
    NOT_TAGGED,
    STRUCTURE_CYCLE,
    TITLE_NOT_SHOWN,
    Raw,
)
from leaflets.preflight.metadata import box, read_xmp, xmp_title, xmp_value
from leaflets.preflight.scanner import Interpreter


def check_screen(pdf) -> Iterator[Raw]:
    import pikepdf

    root = pdf.Root
    struct = root.get("/StructTreeRoot")
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info is not None and mark_info.get("/Marked", False))
    if struct is None or not marked:
        parts = (("StructTreeRoot", struct is not None), ("MarkInfo /Marked true", marked))
        missing = " and ".join(name for name, present in parts if not present)
        yield Raw(NOT_TAGGED, 0, "/Root", f"the PDF is not tagged (no {missing}); a screen reader cannot "
                  "tell headings, lists or images apart")
    if not str(root.get("/Lang", "")).strip():
        yield Raw(NO_LANGUAGE, 0, "/Root/Lang", "no document language (/Lang); screen readers may use the "
                  "wrong voice")
    xmp = read_xmp(pdf)
    info = pdf.trailer.get("/Info")
    title = (str(info.get("/Title", "")) if info is not None else "") or xmp_title(xmp)
    if not title.strip():
        yield Raw(NO_TITLE, 0, "/Info/Title", "no document title: the window and screen reader show the "
                  "file name")
    prefs = root.get("/ViewerPreferences")
    if not (prefs is not None and prefs.get("/DisplayDocTitle", False)):
        yield Raw(TITLE_NOT_SHOWN, 0, "/Root/ViewerPreferences", "DisplayDocTitle is not true: the window "
                  "shows the file name instead of the title")
    if not xmp_value(xmp, r"pdfuaid:part"):
        yield Raw(NO_PDFUA, 0, "/Root/Metadata", "no PDF/UA identification (pdfuaid:part) in the XMP metadata")
    if struct is not None:
        yield from _check_structure(pdf, struct)
    budget = Budget(MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS)
    for number, page in enumerate(pdf.pages, start=1):
        if struct is not None and marked:
            scan = Interpreter(box(page, "/MediaBox") or (0, 0, 0, 0), None, budget).run(page)
            if scan.too_complex:
                yield too_complex(number, scan.too_complex)
            untagged = scan.untagged
            if untagged:
                yield Raw(CONTENT_UNTAGGED, number, "content", "page content is outside any tag or artifact "
                          f"(operators {', '.join(sorted(untagged))}); assistive technology may skip it")
        bare = [index for index, annot in enumerate(page.obj.get("/Annots") or [])
                if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == pikepdf.Name.Link
                and not str(annot.get("/Contents", "")).strip()]
        if bare:
            yield Raw(LINK_NO_CONTENTS, number, "link annotations", "links have no /Contents description; "
                      "screen readers announce only 'link', not where it goes")


_HEADING = re.compile(r"^/H([1-6])$")


def _check_structure(pdf, struct) -> Iterator[Raw]:
    import pikepdf

    role_map = struct.get("/RoleMap") or {}
    last_level = 0
    figures = 0
    visited = 0
    ancestors = {struct.objgen}  # the indirect objects on the path from the root to the node walked
    loops: list[str] = []

    def walk(node, depth: int) -> Iterator[pikepdf.Dictionary]:
        nonlocal visited
        if depth > 100 or visited > 200_000:
            return
        key = node.objgen if isinstance(node, pikepdf.Object) else (0, 0)
        if key != (0, 0) and key in ancestors:
            loops.append(f"object {key[0]} {key[1]}" + (f" ({node.S})" if isinstance(node, pikepdf.Dictionary)
                                                        and "/S" in node else ""))
            return
        if key != (0, 0):
            ancestors.add(key)
        if isinstance(node, pikepdf.Array):
            for child in node:
                yield from walk(child, depth + 1)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            visited += 1
            yield node
            yield from walk(node.get("/K"), depth + 1)
        ancestors.discard(key)

    for element in walk(struct.get("/K"), 0):
        tag = element.S
        tag = role_map.get(tag, tag)
        if tag == pikepdf.Name.Figure:
            figures += 1
            if not str(element.get("/Alt", "")).strip() and not str(element.get("/ActualText", "")).strip():
                yield Raw(FIGURE_NO_ALT, _element_page(pdf, element), f"Figure {figures}",
                          f"figure {figures} has no alternate text; a screen reader says only 'image'")
        m = _HEADING.match(str(tag))
        if m:
            level = int(m.group(1))
            if level > last_level + 1:
                yield Raw(HEADINGS_SKIPPED, _element_page(pdf, element), f"H{level}",
                          f"heading H{level} follows {'H' + str(last_level) if last_level else 'no heading'}; "
                          f"level {last_level + 1} is skipped")
            last_level = level
    if loops:
        yield Raw(STRUCTURE_CYCLE, 0, "/Root/StructTreeRoot", f"the structure tree loops back on itself at "
                  f"{loops[0]}{f' and {len(loops) - 1} more places' if len(loops) > 1 else ''}: a screen reader "
                  "following it never reaches the end")


def _element_page(pdf, element) -> int:
    page = element.get("/Pg")
    if page is None:
        return 0
    for number, candidate in enumerate(pdf.pages, start=1):
        if candidate.obj.objgen == page.objgen:
            return number
    return 0

