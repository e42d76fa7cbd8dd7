"""The preflight rule table: every PF/PP/PU code, the limits its checks use, and :class:`Raw`, one
rule firing at one place.

The rules are :class:`leaflets.rules.registry.Rule` s, the type the content rules use, kept in their own
table (``RULES``) so `leaflets rule PF008` explains them, SARIF carries their help, and docs/preflight.md
is written by the same generator as docs/rules.md; validate's ``select``/``ignore`` never sees them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from leaflets.findings import Severity
from leaflets.rules.registry import Rule, add
from leaflets.units import BLEED_MM, PT_PER_MM

MM = PT_PER_MM
MIN_BLEED_MM = BLEED_MM

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


RULES: dict[str, Rule] = {}
FAMILIES = {
    "PF": "File (both profiles)",
    "PL": "Page layout (both profiles): where the words landed, as a reader sees them",
    "PP": "Print (profile print)",
    "PU": "Screen and accessibility (profile screen)",
}


def _rule(code: str, name: str, severity: str, profiles: str, summary: str, why: str, fix: str) -> Rule:
    where = " and ".join(profiles.split())
    rule = Rule(code, name, Severity(severity), summary,
                what=f"Checked by `leaflets preflight` (profile {where}), and by `leaflets build` on every PDF "
                     "before it is written: a build never ships a PDF with an error here.",
                why=why, bad="", good=fix, configurable=False, profiles=tuple(profiles.split()))
    add(rule, RULES)
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
    "adds its own marks gets two sets; marks belong outside the BleedBox (in the slug). Only what prints "
    "counts: a mark wholly clipped away (by a clip path or a form's BBox, as a page's own marks are on an "
    "imposed booklet sheet) is not a mark.",
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
    "for the right press; PDF/X-1a needs a CMYK one. PDF/X-4 is complete exchange (ISO 15930-7): the "
    "profile must be embedded, where X-1a and X-3 may name a registered condition alone.",
    "Add a CMYK `@color-profile device-cmyk { src: url(...); components: c, m, y, k }` in the "
    "HTML <style> so WeasyPrint writes it as the output intent.")
COLOUR_FORBIDDEN = _rule("PP010", "forbidden-colour-space", "error", "print",
    "Colour is in a colour space the declared PDF/X variant forbids.",
    "RGB (or Lab) colour in a file for a CMYK press is converted by the RIP, often dull or "
    "shifted; PDF/X-1a allows only CMYK, grey and spot colours; PDF/X-3 and X-4 forbid DeviceRGB "
    "with a CMYK output intent but allow ICC-based colour. `--cmyk-only` (on for the build's own print "
    "PDFs) allows only CMYK, grey and spot colour, spot colours' fallbacks included.",
    "Use `device-cmyk()` colours and CMYK images, or ICC-tagged colour for PDF/X-4.")
IMAGE_LOW_RES = _rule("PP011", "image-resolution-low", "warning", "print",
    f"An image is below {PPI_WARN} ppi at its placed size.",
    "Photos under 300 ppi look soft or pixelated when printed.",
    "Supply a larger image or place it smaller.")
IMAGE_TOO_LOW_RES = _rule("PP012", "image-resolution-too-low", "error", "print",
    f"An image is below {PPI_ERROR} ppi at its placed size.",
    "Under 150 ppi the pixels show plainly in print.",
    "Supply a larger image (at least 300 ppi at the size it is placed).")
IMAGE_RESOLUTION = _rule("PP018", "image-resolution", "info", "print",
    f"An image's effective resolution as placed (a note: {PPI_WARN} ppi or more).",
    "The resolution that matters is the image's pixels over the size it is printed, which only the PDF "
    "knows; a prepress check reports it for every image, so a good one is on record too.",
    "Nothing to do; under 300 ppi PP011 or PP012 fires instead.")
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
    "added by the shop, in places you did not choose. A booklet imposed by leaflets (each sheet side's "
    "/PieceInfo /Leaflets says which two pages it holds) is counted by the original's pages, which must "
    "all be there in saddle-stitch order, not by its sheet sides.",
    "Pad with useful pages (notes, questions to ask your care team): "
    "`leaflets.booklet.pages_to_add(n)` says how many.")
INTENT_PROFILE = _rule("PP016", "output-intent-profile", "error", "print",
    "The output intent's profile is not a usable CMYK output profile.",
    "The RIP converts colour for the press with the output intent's DestOutputProfile; an sRGB, Lab or "
    "truncated profile there (or one whose /N does not match it) makes the file claim a press condition "
    "it does not describe, and the press prints colour nobody chose.",
    "Use the print shop's CMYK output profile (an ICC output-class CMYK profile, e.g. FOGRA39) as the "
    "brand's `icc_profile`, or leave it out to use the one shipped with leaflets.")
OUTPUT_CONDITION = _rule("PP017", "output-condition-unrecognised", "error", "print",
    "The output intent's condition is not one a prepress workflow can recognise, or its profile is of "
    "another condition.",
    "A workflow sets up the press from the output intent's OutputConditionIdentifier, looked up in the "
    "registry its RegistryName names (FOGRA39 in http://www.color.org, the ICC characterisation registry). A "
    "free-text identifier with no registry is a custom condition, which PDF/X allows only with the profile "
    "embedded; a registered name whose embedded profile describes another condition (FOGRA39 over a FOGRA51 "
    "profile) prints with colour nobody chose. Errors: no identifier, a custom condition without a profile, "
    "a profile of another registered condition. Warnings: a registered name with no RegistryName, a name "
    "leaflets does not know from the ICC registry, a profile that does not say which condition it is.",
    "Leave the brand's `icc_profile` out (the shipped profile is named FOGRA39 with the ICC registry), or give "
    "the brand an `output_condition` naming what its profile characterises: `identifier` and `registry_name` "
    "for a registered characterisation, `identifier` alone for the shop's own condition.")
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



@dataclass
class Raw:
    """One rule firing: merged into findings by page once the file is checked."""

    rule: Rule
    page: int  # 1-based; 0 for the whole file
    obj: str
    message: str
    severity: Severity | None = None


def short(exc: BaseException | str, path: str | Path = "") -> str:
    """An exception's first line, without the file's path (the finding names the file already)."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if path:
        text = text.replace(f"{path}: ", "").replace(str(path), "the file")
    return text[:200]


def _register_layout() -> None:
    """The page-layout rules (PL) live beside their check in :mod:`leaflets.preflight.layout`; they join
    this table so ``leaflets rule PL001``, ``--list``, the docs and SARIF know them like any other."""
    from leaflets.preflight.layout import register

    register(RULES)


_register_layout()
