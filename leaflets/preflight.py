"""Preflight: read any PDF and report what a print shop or an accessibility checker would.

``preflight_file(path, profile="print"|"screen")`` returns findings (never prints, never raises
for a bad file). Every check is a :class:`Rule` in ``RULES``; ``docs/preflight.md`` is written
from that registry by ``rules_markdown()`` (``leaflets preflight --list --format markdown``).

Codes: ``PF`` file-level (both profiles), ``PP`` print, ``PU`` screen / accessibility.
Page-level findings that are the same on several pages are merged into one ("pages 1–8").
"""

from __future__ import annotations

import base64
import binascii
import math
import os
import re
import stat
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets.findings import Finding, Report, Severity

MM = 72 / 25.4
MIN_BLEED_MM = 3.0
MAX_PAGES = 1000  # a leaflet never has this many; above it only file-level checks run
# A leaflet page's content is some 25 kB and a thousand operators. A hostile or runaway file can hold
# a megabyte that inflates to a gigabyte, or a million operators in 28 kB: past these limits a page
# is reported as too complex to check, instead of taking minutes and gigabytes.
MAX_CONTENT_BYTES = 1024 * 1024  # one page's content, forms, patterns and appearances, decoded
MAX_OPERATORS = 100_000  # one page's operators, a form's counted each time it is drawn
MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS = 16 * MAX_CONTENT_BYTES, 5 * MAX_OPERATORS  # all pages together
MAX_METADATA_BYTES = 4 * 1024 * 1024  # the XMP metadata, decoded
PPI_WARN, PPI_ERROR = 300, 150
HAIRLINE_PT = 0.25
SIZE_TOLERANCE_PT = 2.0
PROFILES = ("print", "screen")

# Known trim sizes in points (portrait); landscape is accepted too.
TRIM_SIZES: dict[str, tuple[float, float]] = {
    "A4": (210 * MM, 297 * MM),
    "A5": (148 * MM, 210 * MM),
    "A3": (297 * MM, 420 * MM),
    "DL": (99 * MM, 210 * MM),
    "Letter": (612.0, 792.0),
}


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    profiles: tuple[str, ...]
    summary: str
    why: str
    fix: str


RULES: dict[str, Rule] = {}


def _rule(code: str, name: str, severity: str, profiles: str, summary: str, why: str, fix: str) -> Rule:
    rule = Rule(code, name, Severity(severity), tuple(profiles.split()), summary, why, fix)
    RULES[code] = rule
    return rule


BOTH = "print screen"
# fmt: off
NOT_PDF = _rule("PF001", "not-a-pdf", "error", BOTH, "The file is not a PDF.",
    "It does not start with a %PDF header, so no printer or reader can open it.",
    "Export the document as PDF again; check the file was not renamed from another format.")
DAMAGED = _rule("PF002", "damaged-pdf", "error", BOTH, "The PDF is damaged or truncated.",
    "Its cross-reference table or objects cannot be read; viewers may show blank or missing pages "
    "and a RIP may reject it.",
    "Re-export the PDF from its source; if it was copied or uploaded, copy it again in full.")
ENCRYPTED = _rule("PF003", "encrypted", "error", BOTH, "The PDF is encrypted or password-protected.",
    "Print shops cannot preflight or impose an encrypted file, and assistive technology may be "
    "barred from reading its text.",
    "Export without a password or security settings.")
TOO_MANY_PAGES = _rule("PF004", "too-many-pages", "error", BOTH, "The PDF has far more pages than a leaflet.",
    f"Above {MAX_PAGES} pages the file is almost certainly not a leaflet (a wrong file or a "
    "runaway layout); page checks are skipped to keep preflight quick.",
    "Check you supplied the right file and that the layout does not repeat content.")
FONT_NOT_EMBEDDED = _rule("PF005", "font-not-embedded", "error", BOTH, "A font is not embedded.",
    "The printer or reader substitutes another font: text reflows, glyphs go missing or print as boxes. "
    "PDF/X and PDF/UA both require every font to be embedded.",
    "Embed all fonts when exporting (WeasyPrint embeds the fonts it uses; avoid the 14 standard "
    "fonts by name).")
FONT_NO_UNICODE = _rule("PU010", "font-without-unicode", "error", "screen",
    "A font has no Unicode mapping (ToUnicode), so its text cannot be extracted.",
    "Screen readers, search and copy-paste read gibberish or nothing from text set in it.",
    "Use a font with a Unicode cmap; export with ToUnicode maps (WeasyPrint writes them).")

PAGE_SIZE_UNKNOWN = _rule("PP001", "unknown-trim-size", "warning", "print", "The trim size is not a known size.",
    "The print shop's job is set up for a standard sheet (A4, A5, or the brand's); an odd size is "
    "trimmed wrongly or rejected.",
    "Set `@page { size: A4 }` (or A5) in the print stylesheet, or pass the brand's trim size.")
PAGE_SIZES_DIFFER = _rule("PP002", "mixed-page-sizes", "error", "print", "Pages have different trim sizes.",
    "A leaflet is printed and trimmed as one job; a page of another size is trimmed through its content.",
    "Give every page the same `@page size`.")
TRIMBOX_MISSING = _rule("PP003", "trimbox-missing", "error", "print", "A page has no TrimBox.",
    "Without a TrimBox the print shop cannot tell where the sheet is cut (PDF/X requires one).",
    "Render with a bleed (`@page { bleed: 3mm }`); WeasyPrint then writes TrimBox and BleedBox.")
BLEED_MISSING = _rule("PP004", "bleedbox-missing", "error", "print", "A page has no BleedBox beyond its trim.",
    "Colour that should run to the edge stops short of it, leaving a white hairline after trimming.",
    "Add `bleed: 3mm` to `@page` and extend edge-to-edge backgrounds into it.")
BLEED_TOO_SMALL = _rule("PP005", "bleed-too-small", "error", "print", "The bleed is less than 3 mm on a side.",
    f"Guillotines drift by a millimetre or two; with less than {MIN_BLEED_MM:g} mm of bleed a white "
    "edge shows on trimmed sheets.",
    "Set `@page { bleed: 3mm }` or more.")
MARKS_IN_BLEED = _rule("PP006", "crop-marks-in-bleed", "warning", "print",
    "Crop marks are drawn inside the BleedBox.",
    "Marks inside the bleed area print on the part of the sheet that bleeds artwork, and a shop that "
    "adds its own marks gets two sets; marks belong outside the BleedBox (in the slug).",
    "Leave `marks` off and let the print shop add marks, or make the bleed area larger than the "
    "marks' offset.")
MARKS_INSIDE_TRIM = _rule("PP007", "crop-marks-inside-trim", "error", "print",
    "Crop marks reach inside the trim.",
    "Marks inside the trim are printed on the finished leaflet.",
    "Draw marks only outside the TrimBox.")
PDFX_MISSING = _rule("PP008", "pdfx-missing", "error", "print", "No PDF/X identification.",
    "Without GTS_PDFXVersion the print shop cannot tell which colour and transparency rules the "
    "file follows, and its RIP treats it as an unchecked PDF.",
    "Render with `pdf_variant=\"pdf/x-4\"` (or x-1a / x-3).")
OUTPUT_INTENT = _rule("PP009", "output-intent", "error", "print",
    "The PDF/X output intent is missing or does not match.",
    "PDF/X needs a GTS_PDFX output intent with the press's ICC profile so colour is converted "
    "for the right press; PDF/X-1a needs a CMYK one.",
    "Add a CMYK `@color-profile device-cmyk { src: url(...); components: c, m, y, k }` in the "
    "HTML <style> so WeasyPrint writes it as the output intent.")
COLOUR_FORBIDDEN = _rule("PP010", "forbidden-colour-space", "error", "print",
    "Colour is in a colour space the declared PDF/X variant forbids.",
    "RGB (or Lab) colour in a file for a CMYK press is converted by the RIP, often dull or "
    "shifted; PDF/X-1a allows only CMYK, grey and spot colours; PDF/X-3 and X-4 forbid DeviceRGB "
    "with a CMYK output intent.",
    "Use `device-cmyk()` colours and CMYK images, or ICC-tagged colour for PDF/X-4.")
IMAGE_LOW_RES = _rule("PP011", "image-resolution-low", "warning", "print",
    f"An image is below {PPI_WARN} ppi at its placed size.",
    "Photos under 300 ppi look soft or pixelated when printed.",
    "Supply a larger image or place it smaller.")
IMAGE_TOO_LOW_RES = _rule("PP012", "image-resolution-too-low", "error", "print",
    f"An image is below {PPI_ERROR} ppi at its placed size.",
    "Under 150 ppi the pixels show plainly in print.",
    "Supply a larger image (at least 300 ppi at the size it is placed).")
TRANSPARENCY = _rule("PP013", "forbidden-transparency", "error", "print",
    "Transparency is used where the declared PDF/X variant forbids it.",
    "PDF/X-1a and X-3 forbid live transparency; a RIP flattens it unpredictably (stitching lines, "
    "dropped soft edges).",
    "Use PDF/X-4, or remove opacity, soft masks and blend modes.")
HAIRLINE = _rule("PP014", "hairline", "warning", "print", f"A line is thinner than {HAIRLINE_PT} pt.",
    "Very thin lines break up or vanish on press.",
    f"Make rules and borders at least {HAIRLINE_PT} pt (about 0.35 px at 96 dpi is too thin; 0.5px+).")
BOOKLET_COUNT = _rule("PP015", "booklet-page-count", "error", "print",
    "The page count is not a multiple of 4 for a booklet.",
    "A saddle-stitched booklet is folded from sheets of 4 pages; other counts get blank pages "
    "added by the shop, in places you did not choose.",
    "Pad with useful pages (notes, questions to ask your care team): "
    "`leaflets.booklet.pages_to_add(n)` says how many.")
INTENT_PROFILE = _rule("PP016", "output-intent-profile", "error", "print",
    "The output intent's profile is not a usable CMYK output profile.",
    "The RIP converts colour for the press with the output intent's DestOutputProfile; an sRGB, Lab or "
    "truncated profile there (or one whose /N does not match it) makes the file claim a press condition "
    "it does not describe, and the press prints colour nobody chose.",
    "Use the print shop's CMYK output profile (an ICC output-class CMYK profile, e.g. FOGRA39) as the "
    "brand's `icc_profile`, or leave it out to use the one shipped with leaflets.")
JAVASCRIPT = _rule("PF006", "javascript", "error", BOTH, "The PDF contains JavaScript.",
    "Print workflows reject scripts and hospital mail filters quarantine PDFs that run code.",
    "Remove form scripts and open actions; leaflets need none.")
EMBEDDED_FILES = _rule("PF007", "embedded-files", "error", BOTH, "The PDF has embedded files.",
    "Attachments are not printed, may leak data, and PDF/X forbids them.",
    "Remove attachments, or pass --allow-embedded-files if they are intended.")
TOO_COMPLEX = _rule("PF008", "too-complex", "error", BOTH, "A page or the metadata is too complex to check.",
    f"A page whose content decodes to over {MAX_CONTENT_BYTES // 1024 ** 2} MB or draws over "
    f"{MAX_OPERATORS:,} operators (a leaflet page has some 25 kB and a thousand), or metadata over "
    f"{MAX_METADATA_BYTES // 1024 ** 2} MB, is not checked: such a file is a runaway export or made to exhaust "
    "the checker, and a RIP or screen reader may choke on it too. What was not checked is not proven.",
    "Re-export the PDF from its source; flatten or simplify vector artwork drawn with huge numbers of paths.")

NOT_TAGGED = _rule("PU001", "not-tagged", "error", "screen", "The PDF is not tagged.",
    "Without a structure tree (StructTreeRoot, MarkInfo /Marked true) a screen reader reads text in "
    "drawing order with no headings, lists or alt text.",
    "Render with `pdf_variant=\"pdf/ua-1\"` (or `pdf_tags=True`).")
NO_LANGUAGE = _rule("PU002", "language-missing", "error", "screen", "The document language is not set.",
    "Screen readers pronounce the text with the wrong voice.",
    "Set `<html lang=\"en\">` (WeasyPrint writes it as /Lang).")
NO_TITLE = _rule("PU003", "title-missing", "error", "screen", "The document has no title.",
    "The window and screen reader announce the file name instead of the leaflet's title.",
    "Set `<title>` in the HTML.")
TITLE_NOT_SHOWN = _rule("PU004", "title-not-displayed", "error", "screen",
    "The viewer is not told to show the title (DisplayDocTitle).",
    "The window shows the file name, not the title (PDF/UA requires DisplayDocTitle true).",
    "Render as PDF/UA-1, which sets ViewerPreferences /DisplayDocTitle true.")
NO_PDFUA = _rule("PU005", "pdfua-missing", "error", "screen", "No PDF/UA identification in the XMP metadata.",
    "Checkers and readers cannot tell the file claims PDF/UA conformance.",
    "Render with `pdf_variant=\"pdf/ua-1\"`.")
FIGURE_NO_ALT = _rule("PU006", "figure-without-alt", "error", "screen", "A figure has no alternate text.",
    "A screen reader says 'image' and nothing more.",
    "Give every meaningful <img> an alt; mark decorative images as artifacts (alt=\"\").")
HEADINGS_SKIPPED = _rule("PU007", "heading-level-skipped", "error", "screen", "Heading levels are skipped.",
    "Screen-reader users navigate by heading; a jump from H1 to H3 suggests missing content.",
    "Nest headings without gaps (h1, h2, h3).")
CONTENT_UNTAGGED = _rule("PU008", "content-not-tagged", "error", "screen",
    "Page content is neither tagged nor marked as an artifact.",
    "Untagged text or graphics are skipped or read out of order by assistive technology.",
    "Render as PDF/UA-1; do not post-process the PDF with tools that drop marked content.")
LINK_NO_CONTENTS = _rule("PU009", "link-without-contents", "error", "screen",
    "A link annotation has no /Contents description.",
    "Screen readers announce 'link' without saying where it goes.",
    "Give links meaningful text; PDF/UA-1 rendering writes it as /Contents.")
STRUCTURE_CYCLE = _rule("PU011", "structure-tree-cycle", "error", "screen",
    "The structure tree loops back on itself.",
    "A structure element is its own ancestor, so the tree never ends: assistive technology that follows "
    "it hangs, crashes or reads the same content forever, and what lies inside the loop is not checked.",
    "Re-export the PDF from its source; do not post-process it with tools that rewrite the structure tree.")
# fmt: on


# ---------------------------------------------------------------- findings and merging


@dataclass
class _Raw:
    rule: Rule
    page: int  # 1-based; 0 for the whole file
    obj: str
    message: str
    severity: Severity | None = None


def _page_ranges(pages: list[int]) -> str:
    pages = sorted(set(pages))
    parts, start, prev = [], pages[0], pages[0]
    for p in pages[1:] + [0]:
        if p == prev + 1:
            prev = p
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = p
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(parts)


def _merge(path: str, raws: list[_Raw]) -> list[Finding]:
    groups: dict[tuple[str, str, str], list[_Raw]] = {}
    for raw in raws:
        groups.setdefault((raw.rule.code, raw.obj, raw.message), []).append(raw)
    findings = []
    for (_code, obj, message), items in groups.items():
        pages = [r.page for r in items if r.page]
        where = [_page_ranges(pages)] if pages else []
        if obj:
            where.append(obj)
        rule = items[0].rule
        findings.append(Finding(
            file=path, line=0, column=0, pointer=" / ".join(where), code=rule.code,
            severity=items[0].severity or rule.severity, message=message, rule=rule.name, hint=rule.fix,
            extra={"pages": sorted(set(pages))} if pages else {},
        ))
    return findings


# ---------------------------------------------------------------- opening


@dataclass
class Options:
    profile: str = "print"  # or "screen", or "auto" (decided per file: see resolve_profile)
    booklet: bool = False
    allow_embedded_files: bool = False
    trim_sizes: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(TRIM_SIZES))
    max_pages: int = MAX_PAGES


def preflight_file(path: str | Path, options: Options | None = None, data: bytes | None = None) -> list[Finding]:
    """Every finding for one PDF. Never raises for a bad file: that is a finding too.

    With ``data``, check those bytes (not yet written) and name them ``path`` in the findings.
    """
    import io

    import pikepdf

    options = options or Options()
    display = str(path)
    if data is None:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block forever, a device never end
                return _merge(display, [_Raw(NOT_PDF, 0, "", "cannot read the file: it is not a regular file "
                                             "(a pipe, socket or device)")])
            with open(path, "rb") as fh:
                head = fh.read(1024)
        except OSError as exc:
            return _merge(display, [_Raw(NOT_PDF, 0, "", f"cannot read the file: {exc.strerror or exc}")])
    else:
        head = data[:1024]
    if b"%PDF-" not in head:
        kind = "it is empty" if not head else "it does not start with %PDF"
        return _merge(display, [_Raw(NOT_PDF, 0, "", f"not a PDF: {kind}; no printer or reader can open it")])
    try:
        pdf = pikepdf.open(path if data is None else io.BytesIO(data), suppress_warnings=True)
    except pikepdf.PasswordError:
        return _merge(display, [_Raw(ENCRYPTED, 0, "", "the PDF needs a password to open; preflight, "
                                     "printing and screen readers are blocked")])
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        return _merge(display, [_Raw(DAMAGED, 0, "", f"the PDF cannot be read ({_short(exc, path)}); "
                                     "it is damaged or truncated")])
    with pdf:
        raws = list(_check_file(pdf, options))
        if any(r.rule in (ENCRYPTED, DAMAGED) for r in raws):
            return _merge(display, raws)
        try:
            count = len(pdf.pages)
        except pikepdf.PdfError as exc:
            return _merge(display, raws + [_Raw(DAMAGED, 0, "", f"the page tree cannot be read ({_short(exc, path)})")])
        if warnings := pdf.get_warnings():  # repaired on opening: what is left cannot be trusted
            return _merge(display, raws + [_repaired(warnings, path)])
        if count > options.max_pages:
            raws.append(_Raw(TOO_MANY_PAGES, 0, "", f"the PDF has {count} pages (a leaflet has at most "
                             f"{options.max_pages}); page checks were skipped"))
            return _merge(display, raws)
        try:
            profile = resolve_profile(pdf, options.profile)
            if profile == "print":
                raws.extend(_check_print(pdf, options))
            else:
                raws.extend(_check_screen(pdf))
            raws.extend(_check_fonts(pdf, profile))
        except Exception as exc:  # noqa: BLE001 - a malformed PDF is a finding, never a traceback
            raws.append(_Raw(DAMAGED, 0, "", "the PDF is malformed and could not be fully checked "
                             f"({_short(exc, path)})"))
        if (warnings := pdf.get_warnings()) and not any(r.rule is DAMAGED for r in raws):
            raws.append(_repaired(warnings, path))
        if pdf.is_encrypted:
            raws.append(_Raw(ENCRYPTED, 0, "", "the PDF is encrypted (opens without a password but has "
                             "security settings); print shops and assistive technology may be blocked"))
    return _merge(display, raws)


def _repaired(warnings: list[str], path) -> _Raw:
    return _Raw(DAMAGED, 0, "", "the PDF is damaged and had to be repaired to be read "
                f"({_short(warnings[0], path)}); a RIP or viewer may fail on it")


def _short(exc: BaseException | str, path: str | Path = "") -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if path:
        text = text.replace(f"{path}: ", "").replace(str(path), "the file")
    return text[:200]


def _check_file(pdf, options: Options) -> Iterator[_Raw]:
    import pikepdf

    root = pdf.Root
    try:
        names = root.get("/Names") or {}
        if "/JavaScript" in names or _has_js_action(root.get("/OpenAction")) or "/AA" in root:
            yield _Raw(JAVASCRIPT, 0, "/Root", "the PDF runs JavaScript; print workflows and mail filters reject it")
        if "/EmbeddedFiles" in names and not options.allow_embedded_files:
            yield _Raw(EMBEDDED_FILES, 0, "/Root/Names/EmbeddedFiles", "the PDF carries attached files")
        if not _metadata_bounded(root.get("/Metadata")):
            yield _Raw(TOO_COMPLEX, 0, "/Root/Metadata", "the XMP metadata is too large to check (over "
                       f"{MAX_METADATA_BYTES // 1024 ** 2} MB decoded); it was not read")
    except pikepdf.PdfError as exc:
        yield _Raw(DAMAGED, 0, "", f"the document catalogue cannot be read ({_short(exc)})")


def _has_js_action(action) -> bool:
    import pikepdf

    return isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.JavaScript


# ---------------------------------------------------------------- metadata helpers


def _xmp(pdf) -> str:
    try:
        meta = pdf.Root.get("/Metadata")
        if meta is None or not _metadata_bounded(meta):  # PF008 says so
            return ""
        return meta.read_bytes().decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - unreadable metadata is the same as none for these checks
        return ""


def _xmp_value(xmp: str, prop: str) -> str:
    m = (re.search(rf"<{prop}(?:\s[^>]*)?>\s*([^<]+?)\s*<", xmp)
         or re.search(rf'\s{prop}\s*=\s*"([^"]*)"', xmp))
    return m.group(1).strip() if m else ""


def _xmp_title(xmp: str) -> str:
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
    is_pdfua = bool(_xmp_value(_xmp(pdf), r"pdfuaid:part"))
    return "screen" if is_pdfua and not pdfx_version(pdf) else "print"


def pdfx_version(pdf) -> str:
    info = pdf.trailer.get("/Info")
    if info is not None and "/GTS_PDFXVersion" in info:
        return str(info.GTS_PDFXVersion)
    return _xmp_value(_xmp(pdf), r"(?:pdfxid|pdfx):GTS_PDFXVersion")


def _box(page, name: str) -> tuple[float, float, float, float] | None:
    value = page.obj.get(name)
    if value is None:
        return None
    x0, y0, x1, y1 = (float(v) for v in value)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _size_name(width: float, height: float, sizes: dict[str, tuple[float, float]]) -> str:
    for name, (w, h) in sizes.items():
        for a, b in ((w, h), (h, w)):
            if abs(width - a) <= SIZE_TOLERANCE_PT and abs(height - b) <= SIZE_TOLERANCE_PT:
                return name
    return ""


def _mm(points: float) -> str:
    return f"{points / MM:.1f} mm"


# ---------------------------------------------------------------- print


def _check_print(pdf, options: Options) -> Iterator[_Raw]:
    import pikepdf

    variant = pdfx_version(pdf)
    yield from _check_pdfx(pdf, variant)
    rules = _variant_rules(pdf, variant)
    sizes: dict[tuple[int, int], list[int]] = {}
    budget = _Budget(MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS)
    for number, page in enumerate(pdf.pages, start=1):
        media = _box(page, "/MediaBox")
        trim = _box(page, "/TrimBox")
        bleed = _box(page, "/BleedBox")
        if media is None:
            yield _Raw(DAMAGED, number, "/MediaBox", "the page has no MediaBox")
            continue
        if trim is None:
            yield _Raw(TRIMBOX_MISSING, number, "/TrimBox", "no TrimBox: the print shop cannot tell where to cut")
            trim = media
        w, h = trim[2] - trim[0], trim[3] - trim[1]
        sizes.setdefault((round(w), round(h)), []).append(number)
        if not _size_name(w, h, options.trim_sizes):
            yield _Raw(PAGE_SIZE_UNKNOWN, number, "/TrimBox", f"trim size {_mm(w)} × {_mm(h)} is not one of "
                       f"{', '.join(options.trim_sizes)}")
        yield from _check_bleed(number, trim, bleed)
        scan = _scan_page(page, trim, bleed, budget)
        yield from _print_page_findings(number, scan, rules, trim, bleed)
        if rules.no_transparency:
            if page.obj.get("/Group") is not None and page.obj.Group.get("/S") == pikepdf.Name.Transparency:
                yield _Raw(TRANSPARENCY, number, "/Group", f"the page has a transparency group, forbidden in {variant}")
    if len(sizes) > 1:
        common = max(sizes, key=lambda k: len(sizes[k]))
        for size, pages in sizes.items():
            if size != common:
                for number in pages:
                    yield _Raw(PAGE_SIZES_DIFFER, number, "/TrimBox", f"trim size {_mm(size[0])} × {_mm(size[1])} "
                               f"differs from the other pages' {_mm(common[0])} × {_mm(common[1])}")
    if options.booklet and len(pdf.pages) % 4:
        add = -len(pdf.pages) % 4
        yield _Raw(BOOKLET_COUNT, 0, "", f"{len(pdf.pages)} pages is not a multiple of 4 for a booklet; "
                   f"add {add} useful page{'s' if add > 1 else ''}")


def _check_pdfx(pdf, variant: str) -> Iterator[_Raw]:
    import pikepdf

    if not variant:
        yield _Raw(PDFX_MISSING, 0, "/Root/Metadata", "no PDF/X identification (GTS_PDFXVersion); the print "
                   "shop cannot tell which press rules the file follows")
    intents = [i for i in (pdf.Root.get("/OutputIntents") or []) if i.get("/S") == pikepdf.Name.GTS_PDFX]
    if not intents:
        if variant:
            yield _Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents", f"{variant} declared but there is no GTS_PDFX "
                       "output intent: the press's colour condition is unknown")
        return
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    if profile is None and not str(intent.get("/OutputConditionIdentifier", "")):
        yield _Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents[0]", "the output intent has neither an ICC profile "
                   "nor a registered condition identifier")
    elif profile is not None and variant.startswith("PDF/X-1") and int(profile.get("/N", 0)) != 4:
        yield _Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents[0]/DestOutputProfile", f"{variant} needs a CMYK "
                   f"output profile; this one has {int(profile.get('/N', 0))} components")
    if profile is not None:
        yield from _check_intent_profile(profile)


def _check_intent_profile(profile) -> Iterator[_Raw]:
    """Open the embedded profile with LittleCMS, as :mod:`leaflets.icc` does a brand's own."""
    import pikepdf

    from leaflets import icc

    where = "/Root/OutputIntents[0]/DestOutputProfile"
    try:
        # the decoded size, measured without decoding it all: a small Flate stream can inflate to gigabytes
        length, components = _decoded_size(profile, icc.MAX_PROFILE_BYTES), int(profile.get("/N", 0))
        data = b"" if length > icc.MAX_PROFILE_BYTES else profile.read_bytes()
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError) as exc:
        yield _Raw(INTENT_PROFILE, 0, where, f"the output intent's ICC profile cannot be read ({_short(exc)})")
        return
    problem = (f"it is {length:,} bytes or more once decoded, over the limit of {icc.MAX_PROFILE_BYTES:,} bytes "
               "for an ICC profile"
               if length > icc.MAX_PROFILE_BYTES else icc.cmyk_output_problem(data))
    if problem is None and components != 4:
        problem = f"its /N says {components} components, but a CMYK profile has 4"
    if problem:
        yield _Raw(INTENT_PROFILE, 0, where, f"the output intent's profile is not a usable CMYK output profile: "
                   f"{problem}")


@dataclass
class _VariantRules:
    variant: str
    allowed: frozenset[str]  # colour-space families allowed; empty = no restriction
    no_transparency: bool


_CMYK_ONLY = frozenset({"DeviceCMYK", "DeviceGray", "Separation", "DeviceN", "Pattern", "Indexed"})


def _variant_rules(pdf, variant: str) -> _VariantRules:
    intent_n = 0
    for intent in pdf.Root.get("/OutputIntents") or []:
        profile = intent.get("/DestOutputProfile")
        if profile is not None:
            intent_n = int(profile.get("/N", 0))
            break
    if variant.startswith("PDF/X-1"):
        return _VariantRules(variant, _CMYK_ONLY, True)
    if variant.startswith(("PDF/X-3", "PDF/X-4", "PDF/X-5")):
        allowed = _CMYK_ONLY | {"ICCBased", "Lab", "CalRGB", "CalGray"}
        if intent_n == 3:
            allowed |= {"DeviceRGB"}
        return _VariantRules(variant, frozenset(allowed), variant.startswith("PDF/X-3"))
    return _VariantRules(variant, frozenset(), False)


def _check_bleed(number: int, trim, bleed) -> Iterator[_Raw]:
    if bleed is None or bleed == trim:
        yield _Raw(BLEED_MISSING, number, "/BleedBox", "no bleed beyond the trim: edge colour will stop short "
                   "of the cut and leave a white edge")
        return
    sides = {"left": trim[0] - bleed[0], "bottom": trim[1] - bleed[1],
             "right": bleed[2] - trim[2], "top": bleed[3] - trim[3]}
    short = {k: v for k, v in sides.items() if v < MIN_BLEED_MM * MM - 0.01}
    if short:
        detail = ", ".join(f"{k} {_mm(max(v, 0))}" for k, v in short.items())
        yield _Raw(BLEED_TOO_SMALL, number, "/BleedBox", f"bleed is under {MIN_BLEED_MM:g} mm ({detail}): a white "
                   "edge may show after trimming")


def _print_page_findings(number: int, scan: _Scan, rules: _VariantRules, trim, bleed) -> Iterator[_Raw]:
    if scan.too_complex:
        yield _too_complex(number, scan)
    if rules.allowed:
        for family, where in sorted(scan.colour_spaces.items()):
            if family not in rules.allowed:
                yield _Raw(COLOUR_FORBIDDEN, number, where, f"{family} colour is used ({where}), which "
                           f"{rules.variant} forbids with this output intent; the press would convert it")
    if rules.no_transparency:
        for where in sorted(scan.transparency):
            yield _Raw(TRANSPARENCY, number, where, f"transparency ({where}) is forbidden in {rules.variant}")
    for name, ppi in sorted(scan.images.items()):
        if ppi < PPI_ERROR:
            yield _Raw(IMAGE_TOO_LOW_RES, number, name, f"{name} is {ppi:.0f} ppi as placed "
                       f"(under {PPI_ERROR}): pixels will show in print")
        elif ppi < PPI_WARN:
            yield _Raw(IMAGE_LOW_RES, number, name, f"{name} is {ppi:.0f} ppi as placed "
                       f"(under {PPI_WARN}): it will look soft in print")
    if scan.thinnest < HAIRLINE_PT:
        where, _, at = scan.thinnest_at.partition(" at ")
        obj = "page content" if where == "page" else where
        if scan.thinnest == 0:
            detail = ("a stroked line has 0 width, which PDF draws as the thinnest line the device can "
                      "make: on a platesetter that is about 0.01 mm, too thin to print")
        else:
            detail = (f"a stroked line is {scan.thinnest:.2f} pt wide (under {HAIRLINE_PT} pt) and may break "
                      "up on press")
        yield _Raw(HAIRLINE, number, obj, f"{detail} (thinnest at {at})" if at else detail)
    for mark in scan.marks:
        if bleed is not None and _overlaps(mark, bleed) and bleed != trim:
            yield _Raw(MARKS_IN_BLEED, number, "crop marks", "crop marks are drawn inside the BleedBox "
                       f"(the bleed is {_mm(trim[0] - bleed[0])}); they will print over bleed artwork")
            break
    for mark in scan.marks_in_trim:
        yield _Raw(MARKS_INSIDE_TRIM, number, "crop marks", "a crop mark reaches inside the trim and will "
                   f"print on the leaflet (at x={mark[0]:.0f}, y={mark[1]:.0f} pt)")
        break


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]


# ---------------------------------------------------------------- bounds


class _TooComplex(Exception):
    """A page's content is past MAX_CONTENT_BYTES or MAX_OPERATORS; the message says which."""


@dataclass
class _Budget:
    """What is left of one page's (or the file's) allowance, shared by the scanners of its forms,
    patterns and glyphs."""

    content_bytes: int = MAX_CONTENT_BYTES
    operators: int = MAX_OPERATORS


# The most each filter can expand its input. Flate alone (nearly every stream) is measured instead.
_TEXT_FILTERS = {"/ASCII85Decode": lambda raw: base64.a85decode(raw, adobe=True),
                 "/ASCIIHexDecode": lambda raw: binascii.unhexlify(_even(b"".join(raw.split()).rstrip(b">")))}
_EXPANSION = {"/ASCIIHexDecode": 1, "/ASCII85Decode": 1, "/RunLengthDecode": 128, "/FlateDecode": 1032,
              "/LZWDecode": 4096}


def _decoded_size(stream, limit: int) -> int:
    """The size of ``stream`` once decoded, learnt without decoding more than ``limit`` bytes (qpdf's
    read_bytes() would decode it all, a gigabyte from a megabyte). Over ``limit`` means "too large"."""
    import pikepdf

    raw = stream.read_raw_bytes()
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    while names and names[0] in _TEXT_FILTERS:  # ASCII85 or hex around Flate, as older exporters wrote
        try:
            raw, names = _TEXT_FILTERS[names[0]](raw.strip()), names[1:]  # these only ever shorten
        except ValueError:  # binascii.Error too
            break
    if not names:
        return len(raw)
    if names == ["/FlateDecode"]:  # a predictor in /DecodeParms only ever shortens the inflated data
        return _inflated_size(raw, limit)
    return len(raw) * math.prod(_EXPANSION.get(name, 1032) for name in names)  # bounded, or refused


def _even(hex_digits: bytes) -> bytes:
    return hex_digits + b"0" if len(hex_digits) % 2 else hex_digits  # a last odd digit is followed by 0


def _inflated_size(raw: bytes, limit: int) -> int:
    """Inflate a megabyte at a time, keeping none of it, and stop once past ``limit``."""
    inflater, size, data = zlib.decompressobj(), 0, raw
    try:
        while data and size <= limit:
            size += len(inflater.decompress(data, 1024 * 1024))
            data = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged: qpdf keeps what inflated before the fault, as counted
    return size


def _metadata_bounded(meta) -> bool:
    import pikepdf

    return not isinstance(meta, pikepdf.Stream) or _decoded_size(meta, MAX_METADATA_BYTES) <= MAX_METADATA_BYTES


def _within(page: _Budget, whole: _Budget) -> None:
    """Raise _TooComplex if the page or the file has overspent its allowance."""
    if page.content_bytes < 0:
        raise _TooComplex(f"its content decodes to over {MAX_CONTENT_BYTES // 1024 ** 2} MB (a leaflet page has "
                          "some 25 kB)")
    if page.operators < 0:
        raise _TooComplex(f"it draws over {MAX_OPERATORS:,} operators, counting each use of a form (a leaflet "
                          "page has about a thousand)")
    if whole.content_bytes < 0:
        raise _TooComplex(f"the pages up to here decode to over {MAX_FILE_CONTENT_BYTES // 1024 ** 2} MB of content")
    if whole.operators < 0:
        raise _TooComplex(f"the pages up to here draw over {MAX_FILE_OPERATORS:,} operators")


def _too_complex(number: int, scan: _Scan) -> _Raw:
    return _Raw(TOO_COMPLEX, number, "content", f"the page is too complex to check: {scan.too_complex}; the rest "
                "of its content was not checked")


# ---------------------------------------------------------------- content-stream scan


@dataclass
class _Scan:
    colour_spaces: dict[str, str] = field(default_factory=dict)  # family -> first place seen
    transparency: set[str] = field(default_factory=set)
    images: dict[str, float] = field(default_factory=dict)  # name -> lowest effective ppi
    thinnest: float = math.inf
    thinnest_at: str = ""  # where the thinnest line is, for the finding
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)
    marks_in_trim: list[tuple[float, float, float, float]] = field(default_factory=list)
    untagged: set[str] = field(default_factory=set)  # painting operators outside marked content
    too_complex: str = ""  # why the scan stopped early (PF008), if it did


Matrix = tuple[float, float, float, float, float, float]
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT_OPS = {"Tj", "TJ", "'", '"'}
_PAINT_OPS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "INLINE IMAGE"} | _TEXT_OPS
_STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}
_STROKED_TEXT_MODES = {1, 2, 5, 6}  # text render modes that stroke glyph outlines with the line width
_DEVICE_OPS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK",
               "g": "DeviceGray", "G": "DeviceGray"}


def _mul(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _scale(m: Matrix) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


def _family(cs, resources) -> str:
    """The colour-space family name of a colour-space object or a resource name."""
    import pikepdf

    if isinstance(cs, pikepdf.Name):
        name = str(cs)[1:]
        if name in ("DeviceRGB", "DeviceCMYK", "DeviceGray", "Pattern"):
            return name
        named = (resources.get("/ColorSpace") or {}).get(cs) if resources is not None else None
        return _family(named, None) if named is not None else name
    if isinstance(cs, pikepdf.Array) and len(cs):
        family = str(cs[0])[1:]
        if family == "ICCBased":
            n = int(cs[1].get("/N", 0))
            return {1: "ICCBased", 3: "ICCBased", 4: "ICCBased"}.get(n, "ICCBased")
        if family == "Indexed":
            base = _family(cs[1], resources)
            return base if base != "Indexed" else "Indexed"
        return family
    return "unknown"


class _Scanner:
    """Walk a page's content (and its form XObjects) once, tracking the CTM, line width and
    marked-content depth, and collect what the print and screen checks need."""

    MAX_DEPTH = 8

    def __init__(self, trim, bleed, file_budget: _Budget | None = None) -> None:
        self.scan = _Scan()
        self.trim = trim
        self.bleed = bleed
        self.seen_forms: set[tuple[int, int]] = set()
        self.budget = _Budget()
        self.file_budget = file_budget or _Budget(MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS)

    def run(self, page) -> _Scan:
        import pikepdf

        resources = page.obj.get("/Resources")
        contents = page.obj.get("/Contents")
        try:
            self._resources_once(resources, "page")
            ops = self._parse(page, contents if isinstance(contents, pikepdf.Array) else [contents])
            self._content(ops, resources, IDENTITY, 0, "page", 0)
        except _TooComplex as exc:
            self.scan.too_complex = self.scan.too_complex or str(exc)
        return self.scan

    def _parse(self, owner, streams) -> list:
        """``owner``'s content instructions, charged to the page's budget: sizes are checked before
        parsing (a parse holds every instruction at once), the operator count before scanning."""
        import pikepdf

        page, whole = self.budget, self.file_budget
        _within(page, whole)  # once the file's allowance is spent, later pages are not even parsed
        for stream in streams:
            if isinstance(stream, pikepdf.Stream):
                size = _decoded_size(stream, max(min(page.content_bytes, whole.content_bytes), 0))
                page.content_bytes, whole.content_bytes = page.content_bytes - size, whole.content_bytes - size
        _within(page, whole)
        ops = pikepdf.parse_content_stream(owner)
        page.operators, whole.operators = page.operators - len(ops), whole.operators - len(ops)
        _within(page, whole)
        return ops

    def _resources_once(self, resources, where: str) -> None:
        import pikepdf

        if resources is None:
            return
        for name, gs in (resources.get("/ExtGState") or {}).items():
            if not isinstance(gs, pikepdf.Dictionary):
                continue
            alpha = [f"{key[1:]}={float(gs[key]):g}" for key in ("/CA", "/ca") if key in gs and float(gs[key]) < 1]
            if alpha:
                self.scan.transparency.add(f"{where} ExtGState {name[1:]} {', '.join(alpha)}")
            smask = gs.get("/SMask")
            if smask is not None and smask != pikepdf.Name.None_:
                self.scan.transparency.add(f"{where} ExtGState {name[1:]} soft mask")
            bm = gs.get("/BM")
            if bm is not None and str(bm) not in ("/Normal", "/Compatible", "[/Normal]"):
                self.scan.transparency.add(f"{where} ExtGState {name[1:]} blend mode {bm}")
        for name, shading in (resources.get("/Shading") or {}).items():
            if isinstance(shading, (pikepdf.Dictionary, pikepdf.Stream)) and "/ColorSpace" in shading:
                self._colour(_family(shading.ColorSpace, resources), f"{where} shading {name[1:]}")
        for name, pattern in (resources.get("/Pattern") or {}).items():
            sh = pattern.get("/Shading") if isinstance(pattern, (pikepdf.Dictionary, pikepdf.Stream)) else None
            if sh is not None and "/ColorSpace" in sh:
                self._colour(_family(sh.ColorSpace, resources), f"{where} pattern {name[1:]}")
            if isinstance(pattern, pikepdf.Stream) and pattern.get("/PatternType") == 1:
                self._colour_only(pattern, pattern.get("/Resources"), f"{where} pattern {name[1:]}")
        for name, font in (resources.get("/Font") or {}).items():
            # Type3 glyphs are content streams: colour set in a d0 glyph is printed as drawn
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == pikepdf.Name.Type3:
                for _glyph, proc in (font.get("/CharProcs") or {}).items():
                    if isinstance(proc, pikepdf.Stream):
                        self._colour_only(proc, font.get("/Resources") or resources, f"{where} font {name[1:]}")

    def _colour(self, family: str, where: str) -> None:
        self.scan.colour_spaces.setdefault(family, where)

    def _colour_only(self, stream, resources, where: str) -> None:
        """Colour and transparency from a content stream whose placement is not tracked here
        (tiling-pattern cells, Type3 glyphs, annotation appearances): lines, marks and image
        resolution there are not measured."""
        if stream.objgen in self.seen_forms and stream.objgen != (0, 0):
            return
        self.seen_forms.add(stream.objgen)
        inner = _Scanner(self.trim, self.bleed)
        inner.seen_forms, inner.budget, inner.file_budget = self.seen_forms, self.budget, self.file_budget
        inner._resources_once(resources, where)
        inner._content(inner._parse(stream, [stream]), resources, IDENTITY, 0, where, 1)
        for family, place in inner.scan.colour_spaces.items():
            self._colour(family, place)
        self.scan.transparency |= inner.scan.transparency

    def annotations(self, page) -> None:
        """Printed annotations' normal appearances are printed with the page."""
        try:
            self._annotations(page)
        except _TooComplex as exc:
            self.scan.too_complex = self.scan.too_complex or str(exc)

    def _annotations(self, page) -> None:
        import pikepdf

        for index, annot in enumerate(page.obj.get("/Annots") or [], start=1):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            flags = int(annot.get("/F", 0))
            if not flags & 4 or flags & 2:
                continue  # not printed, or hidden
            ap = annot.get("/AP")
            appearance: Any = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
            if isinstance(appearance, pikepdf.Dictionary) and not isinstance(appearance, pikepdf.Stream):
                state = annot.get("/AS")  # a widget's on/off states: the current one is printed
                appearance = appearance.get(str(state)) if state is not None else None
            if isinstance(appearance, pikepdf.Stream):
                subtype = str(annot.get("/Subtype", "/Annot"))[1:]
                self._colour_only(appearance, appearance.get("/Resources"), f"annotation {index} ({subtype})")

    def _content(self, ops, resources, ctm: Matrix, depth: int, where: str, marked: int,
                 width: float = 1.0) -> None:

        stack: list[tuple[Matrix, float, int]] = []
        mode = 0  # text render mode (Tr)
        inline = 0
        path: list[tuple[float, float]] = []
        mc = marked
        mc_stack: list[int] = []
        for operands, operator in ops:
            op = str(operator)
            if op == "q":
                stack.append((ctm, width, mode))
            elif op == "Q":
                if stack:
                    ctm, width, mode = stack.pop()
            elif op == "Tr" and operands:
                mode = int(operands[0])
            elif op == "cm" and len(operands) == 6:
                ctm = _mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op == "w" and operands:
                width = float(operands[0])
            elif op == "gs" and operands:
                gs = (resources.get("/ExtGState") or {}).get(operands[0]) if resources is not None else None
                if gs is not None and "/LW" in gs:
                    width = float(gs.LW)
            elif op in ("BDC", "BMC"):
                mc_stack.append(mc)
                if operands and _tags_content(operands, resources):
                    mc += 1
            elif op == "EMC":
                if mc_stack:
                    mc = mc_stack.pop()
            elif op in _DEVICE_OPS:
                self._colour(_DEVICE_OPS[op], f"{where} operator {op}")
            elif op in ("cs", "CS") and operands:
                self._colour(_family(operands[0], resources), f"{where} colour space {operands[0]}")
            elif op in ("m", "l") and len(operands) == 2:
                path.append(_apply(ctm, float(operands[0]), float(operands[1])))
            elif op == "c" and len(operands) == 6:
                path.append(_apply(ctm, float(operands[4]), float(operands[5])))
            elif op in ("v", "y") and len(operands) == 4:
                path.append(_apply(ctm, float(operands[2]), float(operands[3])))
            elif op == "re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                path += [_apply(ctm, x, y), _apply(ctm, x + w, y + h)]
            if op in _PAINT_OPS and mc == 0:
                self.scan.untagged.add(op)
            if op in _STROKE_OPS or (op in _TEXT_OPS and mode in _STROKED_TEXT_MODES):
                thickness = width * _scale(ctm)
                if thickness < self.scan.thinnest:
                    self.scan.thinnest = thickness
                    if op in _TEXT_OPS:  # the text matrix is not tracked: name the text, not a point
                        self.scan.thinnest_at = f"{where} (stroked text, render mode {mode})"
                    else:
                        x, y = path[0] if path else (ctm[4], ctm[5])
                        self.scan.thinnest_at = f"{where} at x={x:.0f}, y={y:.0f} pt"
                if op in _STROKE_OPS:
                    self._maybe_mark(path)
            if op == "INLINE IMAGE" and operands:
                inline += 1
                label = f"inline image {inline}" + ("" if where == "page" else f" in {where}")
                self._image(operands[0].obj, label, resources, ctm)
            if op in _PAINT_OPS or op == "n":
                path = []
            if op == "Do" and operands:
                self._do(operands[0], resources, ctm, depth, where, mc, width)

    def _maybe_mark(self, path: list[tuple[float, float]]) -> None:
        """Printer's marks: a short thin line along a trim line, drawn from outside the trim, or any
        stroke wholly outside the trim. A mark that runs on past the trim corner prints on the page."""
        if not path:
            return
        xs, ys = [p[0] for p in path], [p[1] for p in path]
        box = (min(xs), min(ys), max(xs), max(ys))
        t, tol = self.trim, 0.5
        short = max(box[2] - box[0], box[3] - box[1]) < 30 * MM
        along_h = (short and box[3] - box[1] < tol and any(abs(box[1] - y) < tol for y in (t[1], t[3]))
                   and (box[0] < t[0] - tol or box[2] > t[2] + tol))
        along_v = (short and box[2] - box[0] < tol and any(abs(box[0] - x) < tol for x in (t[0], t[2]))
                   and (box[1] < t[1] - tol or box[3] > t[3] + tol))
        if along_h or along_v:
            reaches = (box[2] > t[0] + tol and box[0] < t[2] - tol) if along_h else (
                box[3] > t[1] + tol and box[1] < t[3] - tol)
            (self.scan.marks_in_trim if reaches else self.scan.marks).append(box)
        elif not (box[0] < t[2] - tol and box[2] > t[0] + tol and box[1] < t[3] - tol and box[3] > t[1] + tol):
            self.scan.marks.append(box)

    def _image(self, image, label: str, resources, ctm: Matrix) -> None:
        if image.get("/SMask") is not None or int(image.get("/SMaskInData", 0)):
            self.scan.transparency.add(f"{label} soft mask")
        if not image.get("/ImageMask", False) and "/ColorSpace" in image:
            self._colour(_family(image.ColorSpace, resources), label)
        w_pt = math.hypot(ctm[0], ctm[1])
        h_pt = math.hypot(ctm[2], ctm[3])
        if w_pt >= 1 and h_pt >= 1:
            ppi = min(int(image.get("/Width", 0)) / (w_pt / 72), int(image.get("/Height", 0)) / (h_pt / 72))
            self.scan.images[label] = min(ppi, self.scan.images.get(label, math.inf))

    def _do(self, name, resources, ctm: Matrix, depth: int, where: str, marked: int, width: float = 1.0) -> None:
        import pikepdf

        xobjects = resources.get("/XObject") if resources is not None else None
        xobject = xobjects.get(name) if xobjects is not None else None
        if not isinstance(xobject, pikepdf.Stream):
            return
        subtype = xobject.get("/Subtype")
        label = str(name)[1:]
        if subtype == pikepdf.Name.Image:
            self._image(xobject, f"image {label}", resources, ctm)
        elif subtype == pikepdf.Name.Form and depth < self.MAX_DEPTH:
            key = xobject.objgen
            form_resources = xobject.get("/Resources") or resources
            if key not in self.seen_forms:
                self.seen_forms.add(key)
                self._resources_once(xobject.get("/Resources"), f"form {label}")
                group = xobject.get("/Group")
                if group is not None and group.get("/S") == pikepdf.Name.Transparency:
                    self.scan.transparency.add(f"form {label} transparency group")
            matrix = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            ops = self._parse(xobject, [xobject])
            self._content(ops, form_resources, _mul(matrix, ctm), depth + 1, f"form {label}", marked,  # type: ignore[arg-type]
                          width)


def _scan_page(page, trim, bleed, file_budget: _Budget | None = None) -> _Scan:
    scanner = _Scanner(trim, bleed, file_budget)
    scanner.run(page)
    scanner.annotations(page)
    return scanner.scan


def _tags_content(operands, resources) -> bool:
    """Whether a BMC/BDC makes its content tagged: an Artifact, or a structure tag with an MCID.
    Other marked content (optional content /OC, a bare /Span) does not tie content to the
    structure tree."""
    import pikepdf

    if operands[0] == pikepdf.Name.Artifact:
        return True
    if len(operands) < 2:
        return False
    props = operands[1]
    if isinstance(props, pikepdf.Name) and resources is not None:
        props = (resources.get("/Properties") or {}).get(props)
    return isinstance(props, pikepdf.Dictionary) and "/MCID" in props


# ---------------------------------------------------------------- fonts


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


def _check_fonts(pdf, profile: str) -> Iterator[_Raw]:

    seen: set = set()
    for number, page in enumerate(pdf.pages, start=1):
        for name, font in _page_fonts(page, seen):
            base = str(font.get("/BaseFont", "/" + name))[1:]
            if not _embedded(font):
                yield _Raw(FONT_NOT_EMBEDDED, number, f"font {name} ({base})", f"font {base} is not embedded; "
                           "the printer or viewer will substitute another font")
            if profile == "screen" and "/ToUnicode" not in font:
                opaque = _names_without_unicode(font)
                if opaque is not None:
                    detail = f" and glyph names with no Unicode value ({', '.join(opaque[:5])})" if opaque else ""
                    yield _Raw(FONT_NO_UNICODE, number, f"font {name} ({base})", f"font {base} has no ToUnicode "
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


# ---------------------------------------------------------------- screen


def _check_screen(pdf) -> Iterator[_Raw]:
    import pikepdf

    root = pdf.Root
    struct = root.get("/StructTreeRoot")
    mark_info = root.get("/MarkInfo")
    marked = bool(mark_info is not None and mark_info.get("/Marked", False))
    if struct is None or not marked:
        parts = (("StructTreeRoot", struct is not None), ("MarkInfo /Marked true", marked))
        missing = " and ".join(name for name, present in parts if not present)
        yield _Raw(NOT_TAGGED, 0, "/Root", f"the PDF is not tagged (no {missing}); a screen reader cannot "
                   "tell headings, lists or images apart")
    if not str(root.get("/Lang", "")).strip():
        yield _Raw(NO_LANGUAGE, 0, "/Root/Lang", "no document language (/Lang); screen readers may use the "
                   "wrong voice")
    xmp = _xmp(pdf)
    info = pdf.trailer.get("/Info")
    title = (str(info.get("/Title", "")) if info is not None else "") or _xmp_title(xmp)
    if not title.strip():
        yield _Raw(NO_TITLE, 0, "/Info/Title", "no document title: the window and screen reader show the "
                   "file name")
    prefs = root.get("/ViewerPreferences")
    if not (prefs is not None and prefs.get("/DisplayDocTitle", False)):
        yield _Raw(TITLE_NOT_SHOWN, 0, "/Root/ViewerPreferences", "DisplayDocTitle is not true: the window "
                   "shows the file name instead of the title")
    if not _xmp_value(xmp, r"pdfuaid:part"):
        yield _Raw(NO_PDFUA, 0, "/Root/Metadata", "no PDF/UA identification (pdfuaid:part) in the XMP metadata")
    if struct is not None:
        yield from _check_structure(pdf, struct)
    budget = _Budget(MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS)
    for number, page in enumerate(pdf.pages, start=1):
        if struct is not None and marked:
            scan = _Scanner(_box(page, "/MediaBox") or (0, 0, 0, 0), None, budget).run(page)
            if scan.too_complex:
                yield _too_complex(number, scan)
            untagged = scan.untagged
            if untagged:
                yield _Raw(CONTENT_UNTAGGED, number, "content", "page content is outside any tag or artifact "
                           f"(operators {', '.join(sorted(untagged))}); assistive technology may skip it")
        bare = [index for index, annot in enumerate(page.obj.get("/Annots") or [])
                if isinstance(annot, pikepdf.Dictionary) and annot.get("/Subtype") == pikepdf.Name.Link
                and not str(annot.get("/Contents", "")).strip()]
        if bare:
            yield _Raw(LINK_NO_CONTENTS, number, "link annotations", "links have no /Contents description; "
                       "screen readers announce only 'link', not where it goes")


_HEADING = re.compile(r"^/H([1-6])$")


def _check_structure(pdf, struct) -> Iterator[_Raw]:
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
                yield _Raw(FIGURE_NO_ALT, _element_page(pdf, element), f"Figure {figures}",
                           f"figure {figures} has no alternate text; a screen reader says only 'image'")
        m = _HEADING.match(str(tag))
        if m:
            level = int(m.group(1))
            if level > last_level + 1:
                yield _Raw(HEADINGS_SKIPPED, _element_page(pdf, element), f"H{level}",
                           f"heading H{level} follows {'H' + str(last_level) if last_level else 'no heading'}; "
                           f"level {last_level + 1} is skipped")
            last_level = level
    if loops:
        yield _Raw(STRUCTURE_CYCLE, 0, "/Root/StructTreeRoot", f"the structure tree loops back on itself at "
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


# ---------------------------------------------------------------- many files, docs


def preflight_paths(paths: Iterable[str], options: Options | None = None) -> Report:
    report = Report()
    for path in paths:
        report.files.append(str(path))
        report.extend(preflight_file(path, options))
    return report


def summary(report: Report) -> dict[str, object]:
    """What manifest.json records about preflight."""
    return {
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "codes": sorted({f.code for f in report.findings}),
    }


def rules_markdown() -> str:
    lines = [
        "# Preflight rules",
        "",
        "<!-- Generated by `leaflets preflight --list --format markdown`; do not edit by hand. -->",
        "",
        "`leaflets preflight FILE.pdf… [--profile auto|print|screen] [--booklet]` checks a PDF as a print "
        "shop (profile `print`) or an accessibility checker (profile `screen`) would; the default, `auto`, "
        "checks a file that declares PDF/UA and not PDF/X for screen, and any other for print. "
        "`PF` rules apply to both profiles, `PP` to print, `PU` to screen. Findings name the page and "
        "object; the same finding on several pages is reported once (\"pages 1–8\").",
        "",
        "| code | name | severity | profiles | summary |",
        "| --- | --- | --- | --- | --- |",
    ]
    ordered = sorted(RULES.values(), key=lambda r: ({"PF": 0, "PP": 1, "PU": 2}[r.code[:2]], r.code))
    for r in ordered:
        lines.append(f"| [{r.code}](#{r.code.lower()}-{r.name}) | {r.name} | {r.severity.value} | "
                     f"{', '.join(r.profiles)} | {r.summary} |")
    for r in ordered:
        lines += ["", f"## {r.code} {r.name}", "", f"**{r.severity.value}**, profile {' and '.join(r.profiles)}. "
                  f"{r.summary}", "", f"Why: {r.why}", "", f"Fix: {r.fix}"]
    return "\n".join(lines) + "\n"


def rules_text() -> str:
    return "".join(f"{r.code}  {r.name:<26} {r.severity.value:<8} {'/'.join(r.profiles):<13} {r.summary}\n"
                   for r in sorted(RULES.values(), key=lambda r: r.code))
