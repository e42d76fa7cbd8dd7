"""Font checks: every font embedded (PF005), and, for screen, text that maps to Unicode (PU010)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from leaflets.preflight.codes import FONT_NO_UNICODE, FONT_NOT_EMBEDDED, Raw


def _fonts(resources, seen: set, depth: int = 0) -> Iterator[tuple[str, Any]]:
    import pikepdf

    if resources is None or depth > 8:
        return
    for name, font in (resources.get("/Font") or {}).items():
        if isinstance(font, pikepdf.Dictionary) and font.objgen not in seen:
            seen.add(font.objgen if font.objgen != (0, 0) else id(font))
            yield str(name)[1:], font
    for _name, xobject in (resources.get("/XObject") or {}).items():
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == pikepdf.Name.Form:
            if xobject.objgen not in seen:
                seen.add(xobject.objgen)
                yield from _fonts(xobject.get("/Resources"), seen, depth + 1)


def _page_fonts(page, seen: set) -> Iterator[tuple[str, Any]]:
    """Fonts of the page's content and of its annotations' appearances (form fields, stamps)."""
    import pikepdf

    yield from _fonts(page.obj.get("/Resources"), seen)
    for annot in page.obj.get("/Annots") or []:
        ap = annot.get("/AP") if isinstance(annot, pikepdf.Dictionary) else None
        if not isinstance(ap, pikepdf.Dictionary):
            continue
        for _key, appearance in ap.items():
            streams = [appearance] if isinstance(appearance, pikepdf.Stream) else (
                list(appearance.values()) if isinstance(appearance, pikepdf.Dictionary) else [])
            for stream in streams:
                if isinstance(stream, pikepdf.Stream) and stream.objgen not in seen:
                    seen.add(stream.objgen)
                    yield from _fonts(stream.get("/Resources"), seen, 1)


def _descriptor(font):
    import pikepdf

    if font.get("/Subtype") == pikepdf.Name.Type0:
        descendants = font.get("/DescendantFonts")
        if descendants:
            return descendants[0].get("/FontDescriptor")
        return None
    return font.get("/FontDescriptor")


def _embedded(font) -> bool:
    import pikepdf

    if font.get("/Subtype") == pikepdf.Name.Type3:
        return True  # glyphs are content streams in the file
    descriptor = _descriptor(font)
    return descriptor is not None and any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def check_fonts(pdf, profile: str) -> Iterator[Raw]:

    seen: set = set()
    for number, page in enumerate(pdf.pages, start=1):
        for name, font in _page_fonts(page, seen):
            base = str(font.get("/BaseFont", "/" + name))[1:]
            if not _embedded(font):
                yield Raw(FONT_NOT_EMBEDDED, number, f"font {name} ({base})", f"font {base} is not embedded; "
                          "the printer or viewer will substitute another font")
            if profile == "screen" and "/ToUnicode" not in font:
                opaque = _names_without_unicode(font)
                if opaque is not None:
                    detail = f" and glyph names with no Unicode value ({', '.join(opaque[:5])})" if opaque else ""
                    yield Raw(FONT_NO_UNICODE, number, f"font {name} ({base})", f"font {base} has no ToUnicode "
                              f"map{detail}: text set in it cannot be read aloud or copied")


_STANDARD_ENCODINGS = ("/WinAnsiEncoding", "/MacRomanEncoding", "/StandardEncoding")


def _names_without_unicode(font) -> list[str] | None:
    """None when a font without ToUnicode still maps its codes to Unicode (ISO 32000-1 9.10.2): a
    simple font with a standard encoding, whose Differences use only names from the Adobe Glyph
    List (or uniXXXX). Otherwise the glyph names that map to nothing (empty when not by name)."""
    import pikepdf

    if font.get("/Subtype") not in (pikepdf.Name.Type1, pikepdf.Name.MMType1, pikepdf.Name.TrueType,
                                     pikepdf.Name.Type3):
        return []
    encoding = font.get("/Encoding")
    if isinstance(encoding, pikepdf.Name):
        return None if str(encoding) in _STANDARD_ENCODINGS else []
    if not isinstance(encoding, pikepdf.Dictionary):
        return []
    if str(encoding.get("/BaseEncoding", "/StandardEncoding")) not in _STANDARD_ENCODINGS:
        return []
    try:
        from fontTools.agl import toUnicode  # installed with WeasyPrint
    except ImportError:  # pragma: no cover - WeasyPrint requires fonttools
        return []
    names = [str(n)[1:] for n in encoding.get("/Differences") or [] if isinstance(n, pikepdf.Name)]
    opaque = [n for n in names if not toUnicode(n)]
    return opaque or None
