"""What a PDF says about itself: its XMP properties, PDF/X version and boxes."""

from __future__ import annotations

import re

from leaflets.preflight.bounds import metadata_bounded


def read_xmp(pdf) -> str:
    try:
        meta = pdf.Root.get("/Metadata")
        if meta is None or not metadata_bounded(meta):  # PF008 says so
            return ""
        return meta.read_bytes().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - unreadable metadata is the same as none for these checks
        return ""


def xmp_value(xmp: str, prop: str) -> str:
    m = (re.search(rf"<{prop}(?:\s[^>]*)?>\s*([^<]+?)\s*<", xmp)
         or re.search(rf'\s{prop}\s*=\s*"([^"]*)"', xmp))
    return m.group(1).strip() if m else ""


def xmp_title(xmp: str) -> str:
    m = re.search(r"<dc:title(?:\s[^>]*)?>(.*?)</dc:title>", xmp, re.S)
    if not m:
        return ""
    item = re.search(r"<rdf:li(?:\s[^>]*)?>([^<]*)<", m.group(1))
    return item.group(1).strip() if item else ""


def resolve_profile(pdf, profile: str) -> str:
    """``auto``: a PDF that says it is PDF/UA and not PDF/X is checked for screen, any other for
    print (what a print shop receives). ``print`` and ``screen`` are taken as asked."""
    if profile != "auto":
        return profile
    is_pdfua = bool(xmp_value(read_xmp(pdf), r"pdfuaid:part"))
    return "screen" if is_pdfua and not pdfx_version(pdf) else "print"


def pdfx_version(pdf) -> str:
    info = pdf.trailer.get("/Info")
    if info is not None and "/GTS_PDFXVersion" in info:
        return str(info.GTS_PDFXVersion)
    return xmp_value(read_xmp(pdf), r"(?:pdfxid|pdfx):GTS_PDFXVersion")


def box(page, name: str) -> tuple[float, float, float, float] | None:
    value = page.obj.get(name)
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

