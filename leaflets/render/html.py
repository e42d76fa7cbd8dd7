"""HTML from the leaflet model: the accessible web page, the index page, and the print HTML for WeasyPrint.

The Jinja2 environment autoescapes every template and treats an undefined variable as an error,
so content is always text, never markup. What a template may use is declared in
:class:`WebContext`, :class:`IndexContext` and :class:`PrintContext`.

Web pages link to the brand's files under ``assets/`` (see :func:`web_assets`, which the build
copies beside the pages), so ``dist/`` works offline and needs no script.

Print HTML is rendered by WeasyPrint with ``base_url`` set to the brand folder: fonts are
``@font-face`` URLs relative to it, the logo and QR code are ``data:`` URLs, and for the print
profile the CMYK output profile is an ``@color-profile`` rule inside the document's own
``<style>`` (WeasyPrint 70 drops it silently when it comes through ``stylesheets=``). The brand's
own ICC file is relative to the brand folder; the default one is a ``file:`` URL into
``leaflets/render/icc``, so the fetcher's roots must include that folder.

Glyphs: a PDF must never fall back silently to a system font, so :func:`render_print` refuses a
leaflet with characters the brand's typeface and its fallback typefaces (``typeface.fallbacks``:
Noto Naskh Arabic and Noto Sans Bengali in the default brand) lack
(:class:`~leaflets.brand.MissingGlyphsError`). Both stylesheets list the main family, then the
fallbacks; a web page then names the reader's own sans-serif fonts, so a script no brand face has
(Chinese…) is still shown by the reader's device.

Direction: a right-to-left leaflet (``Leaflet.direction``) gets ``dir="rtl"``; the print stylesheet
mirrors the page (``start``/``end`` in print.css) and the web stylesheet uses logical properties.
Addresses shown as themselves and printed URLs are set ``dir="ltr"``; the brand's own words take
the direction of their first strong character (:func:`text_direction`).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal, TypedDict

import jinja2
from markupsafe import Markup

from leaflets import __version__
from leaflets.brand import BLACK, WHITE, Brand
from leaflets.further import language_in
from leaflets.i18n import N_, Interface, interface
from leaflets.model import Leaflet, locale_for, plain_text
from leaflets.render import data_uri, icons
from leaflets.render.marks import NO_MARKS_NOTES, DraftFinding, Listed, Marks, mark
from leaflets.statements import resolve as resolve_statements

Profile = Literal["screen", "print"]
PDF_PROFILES: tuple[Profile, ...] = ("screen", "print")  # the PDFs a leaflet is rendered as (build --profile)
# Large print: the screen PDF (tagged, live links) in large type, single column, on A4 whatever the
# brand's paper (RNIB: A4 is what large-print readers expect); print.css sizes it from ``large_print``.
LARGE_PRINT = "large-print"
LARGE_PRINT_PAPER_MM = (210, 297)
LARGE_PRINT_MIN_PT = 16.0  # every text run, footer included
ASSETS = "assets"

# Characters the print templates themselves draw (list markers, separators, dashes, digits): the
# brand's typeface must have them as much as the content's.
TEMPLATE_CHARACTERS = "• · – ’ 0123456789 Page of DRAFT"
# What the booklet's extra pages add (headings and prompts in print.html).
BOOKLET_CHARACTERS = " Questions to ask your care team Notes Write them here before your appointment."
# What a draft's findings page adds (print.html, _findings.html), besides the findings' own words.
FINDINGS_CHARACTERS = " Findings in this draft (/,) errors warnings notes error warning info: at line"

STATUS_WORDS = {
    "draft": N_("This leaflet is a draft."),
    "in-review": N_("This leaflet is being reviewed."),
    "approved": N_("This leaflet has been approved."),
}


# The schema's kinds of source, as messages: printed after each source ("(guideline)"), so in the
# leaflet's language, not English in an Arabic or Welsh page.
SOURCE_KINDS = {
    "hospital web page": N_("hospital web page"), "clinic web page": N_("clinic web page"),
    "health information web page": N_("health information web page"), "guideline": N_("guideline"),
    "journal article": N_("journal article"), "textbook": N_("textbook"), "expert opinion": N_("expert opinion"),
    "other": N_("other"),
}


def source_kind(kind: Any, say: Callable[..., Any]) -> Any:
    """A source's kind in the leaflet's language (``say`` is the template's ``_`` or ``gettext``); a
    draft's unusable kind is shown as it is."""
    from leaflets.model import Placeholder

    if isinstance(kind, str) and not isinstance(kind, Placeholder) and kind in SOURCE_KINDS:
        return say(SOURCE_KINDS[kind])
    return kind


@jinja2.pass_context
def _source_kind_filter(context: Any, kind: Any) -> Any:
    return source_kind(kind, context["_"])


def status_words(leaflet: Leaflet) -> str:
    """What the approval band says, in the leaflet's language (English, marked so, where it has no
    catalogue); a draft's unusable status shows its placeholder instead."""
    words = STATUS_WORDS.get(leaflet.status)
    return interface(leaflet.language)(words) if words else leaflet.status


def templates_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "templates"


# --- the environment ---------------------------------------------------------------------------

def css_string(value: str) -> Markup:
    """A CSS string literal, safe inside ``<style>``: quotes, backslashes, ``<`` and line breaks escaped."""
    out = []
    for char in str(value):
        if char in '"\\<>&' or ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return Markup('"' + "".join(out) + '"')


def page_counters(text: str) -> Markup:
    """A translated "Page %(page)s of %(pages)s" as CSS ``content``: its words as CSS strings around
    ``counter(page)`` and ``counter(pages)``, in the order the language puts them."""
    parts = re.split(r"(%\((?:page|pages)\)s)", str(text))
    out = [f"counter({part[2:-2]})" if part in ("%(page)s", "%(pages)s") else str(css_string(part))
           for part in parts if part]
    return Markup(" ".join(out))


def json_for_script(value: Any) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: ``<``, ``>`` and ``&`` as \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False)
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escape)
    return Markup(text)


def text_direction(value: Any) -> str:
    """``rtl`` or ``ltr`` by the first strongly directional character of ``value`` (what ``dir="auto"``
    does in a browser; WeasyPrint has no ``dir="auto"``), ``auto`` when it has none. For words that are
    not the leaflet's own, such as the brand's name and contact note: an English note in an Arabic page
    must keep its full stop at its end."""
    import unicodedata

    for char in str(value):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "auto"


def bdi_ltr(value: Any) -> Markup:
    """``value`` in ``<bdi dir="ltr">``: a code such as "ORTH-012" or "spinal-fusion" inside right-to-left
    text, which the bidi algorithm would otherwise show as "012-ORTH"."""
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def isolate_ltr(value: Any, right_to_left: bool) -> str:
    """``value`` between the Unicode isolates LRI and PDI when the page is right to left: :func:`bdi_ltr`
    for CSS strings (the running footer), where there is no markup. Unchanged in a left-to-right page."""
    return f"\u2066{value}\u2069" if right_to_left else str(value)


def plain(value: Any) -> str:
    """The words of a value alone: a draft's :class:`~leaflets.model.Placeholder` without its warning
    markup, for attributes, ``<title>`` and CSS strings (where markup would be shown as text)."""
    return str.__str__(value) if isinstance(value, str) else str(value)


def unbroken(value: Any) -> str:
    """``value`` with its spaces made no-break spaces: a date in the running footer ("23 November 2027")
    wraps whole to the next line, never leaving its year alone on a line of its own."""
    return str(value).replace(" ", "\u00a0")


def brief(value: Any) -> str:
    """:func:`plain`, but a draft's placeholder cut to its first words and a pointer to the findings
    list: in a running footer a whole placeholder ("23/11/26 [not a date: next_review – write it as
    …]") wraps out of the safe area, and the draft shows it in full elsewhere."""
    from leaflets.model import Placeholder

    if not isinstance(value, Placeholder):
        return plain(value)
    words = str.__str__(value)
    before = words.split("[", 1)[0].strip()
    return f"{before} [see findings]" if before else "[see findings]"


def href(url: Any) -> str | None:
    """The address a link may point to, or None: the templates then show the words as text.

    Only ``https:`` addresses that keep the schema's ``url`` definition, and the ``mailto:`` and
    ``tel:`` addresses the templates build from an e-mail address or phone number that keeps the
    schema's. A draft's placeholder (``javascript:alert(1) [not allowed: …]``), ``http:``,
    ``data:``, ``javascript:`` and the rest never become a link."""
    from leaflets.model import EMAIL, URL, Placeholder
    from leaflets.schema import value_problem

    if not isinstance(url, str) or isinstance(url, Placeholder):
        return None
    url = plain(url)  # a draft's marked address (leaflets.render.marks): the address alone
    if url.startswith("mailto:"):
        ok = value_problem(EMAIL, url.removeprefix("mailto:")) is None
    elif url.startswith("tel:"):
        ok = re.fullmatch(r"\+?[0-9]{6,20}", url.removeprefix("tel:")) is not None  # Contact.phone_uri's form
    else:
        ok = value_problem(URL, url) is None
    return url if ok else None


def csp(css: str, figures: bool = False) -> Markup:
    """The Content-Security-Policy of a web page whose one ``<style>`` element holds ``css``.

    The pages need no script, and load only the brand's logo and fonts from ``assets/`` beside
    them; their styles are that one inline element, allowed by its hash, so an injected ``<style>``,
    a script, a frame, a form or anything off-site is refused by the browser. (The JSON-LD
    ``<script type="application/ld+json">`` is data, not run, so CSP does not block it.)"""
    digest = base64.b64encode(hashlib.sha256(str(css).encode("utf-8")).digest()).decode("ascii")
    images = "'self' data:" if figures else "'self'"  # a page's figures are data: URLs (leaflets.figures)
    return Markup(f"default-src 'none'; style-src 'sha256-{digest}'; img-src {images}; font-src 'self'; "
                  "base-uri 'none'; form-action 'none'")


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        autoescape=True,  # every template, .css included: values reach CSS only through css_string
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    env.filters["page_counters"] = page_counters
    env.filters["json_for_script"] = json_for_script
    env.filters["plain"] = plain
    env.filters["text_direction"] = text_direction
    env.filters["bdi_ltr"] = bdi_ltr
    env.filters["isolate_ltr"] = isolate_ltr
    env.filters["source_kind"] = _source_kind_filter
    env.filters["brief"] = brief
    env.filters["unbroken"] = unbroken
    env.filters["href"] = href
    env.filters["csp"] = csp
    env.filters["statements"] = resolve_statements  # leaflet | statements(brand): leaflets.statements
    env.filters["language_in"] = language_in  # language | language_in(reader): its name in the reader's language
    env.globals["figure_view"] = figure_view
    env.globals["icon_view"] = icons.icon_view  # a frequency's icon array (leaflets.render.icons), or None
    env.globals["has_icon_arrays"] = icons.has_arrays
    env.globals["icon_key_css"] = icons.key_css
    env.globals["icon_sizes"] = {"print_mm": icons.PRINT_MM, "large_print_mm": icons.LARGE_PRINT_MM,
                                 "web_px": icons.WEB_PX}
    return env


# --- figures -----------------------------------------------------------------------------------

class FigureView(TypedDict):
    """How one output embeds a figure: a ``data:`` URL (nothing is fetched) and its placed size."""

    src: str
    width: int  # web: the width and height attributes in CSS pixels (0: none, an SVG fills the column)
    height: int
    style: str  # PDF: the placed width, as CSS (the web page's CSP allows no style attributes)
    ppi: float  # a raster's effective resolution as placed (0 for SVG)


SVG_MAX_MM = 120  # an SVG figure's width on paper: a diagram wider than this only takes pages


def column_mm(paper_width_mm: float) -> float:
    """The text column's width on the page, in mm (print.css: the side margin, and 4 mm more inside)."""
    _, side, _ = page_margins_mm(paper_width_mm)
    return paper_width_mm - 2 * side - 4


@jinja2.pass_context
def figure_view(context: Any, figure: Any) -> FigureView:
    """The figure as this output embeds it: the web page and the screen PDF in RGB, the print PDF in
    CMYK through the print profile (leaflets.figures). Reads the output from the template's context
    (a print context has ``profile`` and ``page_width_mm``; a web one has neither)."""
    from leaflets import figures

    image = figure.image
    profile = context.get("profile")
    if profile is None:  # the web page: width and height give the browser the aspect ratio before it loads
        width = round(image.width * figures.CSS_PPI / image.ppi) if image.kind != "svg" else image.width
        height = round(image.height * figures.CSS_PPI / image.ppi) if image.kind != "svg" else image.height
        return {"src": data_uri(image.data, image.mime), "width": width, "height": height, "style": "",
                "ppi": 0.0}
    brand, paper_width = context.get("brand"), context.get("page_width_mm")
    if brand is None or paper_width is None:  # a page built from macros alone must pass them (render.bilingual does)
        raise ValueError("a figure in a PDF needs `brand` and `page_width_mm` in the template's context, to convert "
                         "it for the brand's press and size it to the column")
    cmyk = profile == "print"
    column = context.get("column_mm") or column_mm(paper_width)  # a bilingual page's column is narrower
    if image.kind == "svg":  # a drawing scales without loss: as wide as the column, up to SVG_MAX_MM
        data = figures.svg_for_print(image, figures.print_profile(brand)) if cmyk else image.data
        return {"src": data_uri(data, image.mime), "width": 0, "height": 0,
                "style": f"width: {min(column, SVG_MAX_MM)}mm", "ppi": 0.0}
    place = figures.placement(image, column)
    width_mm, ppi = place.width_mm, place.ppi
    if cmyk and ppi < figures.MIN_PRINT_PPI:
        # Only a draft gets here (validate's LM021 is an error otherwise): place it at the size that
        # still prints sharp, so the proof passes preflight; the finding says what is wrong.
        width_mm = round(image.width / figures.MIN_PRINT_PPI * figures.MM_PER_INCH, 2)
        ppi = float(figures.MIN_PRINT_PPI)
    if cmyk:
        src = data_uri(figures.cmyk_jpeg(image, figures.print_profile(brand)), "image/jpeg")
    else:
        src = data_uri(image.data, image.mime)
    return {"src": src, "width": 0, "height": 0, "style": f"width: {width_mm}mm", "ppi": ppi}


# --- contexts ----------------------------------------------------------------------------------

class WebContext(TypedDict):
    _: Interface  # the words the template adds, in the leaflet's language (leaflets.i18n)
    gettext: Callable[..., str]  # the same as plain words, for attributes, <title> and CSS strings
    generator: str
    leaflet: Leaflet
    brand: Brand
    draft: bool
    assets: str  # URL prefix of the brand files, e.g. "assets/"
    index_url: str
    jsonld: dict[str, Any]
    status_words: str
    findings: tuple[Listed, ...]  # a draft's findings, listed at the end (leaflets.render.marks)
    notes: dict[str, tuple[DraftFinding, ...]]  # section id → a draft's findings noted under its heading
    large_print: str  # the large-print PDF's file name when the build makes one ("" if not): linked


class IndexEntry(TypedDict):
    leaflet: Leaflet
    url: str
    language_name: str


class IndexContext(TypedDict):
    _: Interface
    entries: list[IndexEntry]
    brand: Brand
    assets: str
    language: str


class PrintContext(TypedDict):
    _: Interface  # the words the template adds, in the leaflet's language (leaflets.i18n)
    gettext: Callable[..., str]  # the same as plain words, for attributes, <title> and CSS strings
    leaflet: Leaflet
    brand: Brand
    profile: Profile
    draft: bool
    crop_marks: bool
    web_url: str | None
    qr_uri: str | None
    logo_uri: str
    icc_url: str | None
    colours: dict[str, str]
    page_width_mm: int
    page_height_mm: int
    margins_mm: tuple[int, int, int]  # top, side, bottom (page_margins_mm: one definition)
    body_pt: int
    large_print: bool  # this is the large-print PDF: print.css sets it in large type
    large_print_name: str  # the large-print PDF's file name when the build makes one ("" if not): named
    status_words: str
    generator: str
    extra_pages: list[ExtraPage]
    findings: tuple[Listed, ...]  # a draft's findings, listed on its last page (leaflets.render.marks)
    notes: dict[str, tuple[DraftFinding, ...]]  # section id → a draft's findings noted under its heading


class ExtraPage(TypedDict):
    """One page a booklet adds: ``kind`` is "questions" or "notes"; ``lines`` ruled lines fill it."""

    kind: Literal["questions", "notes"]
    questions: tuple[str, ...]
    lines: int


# --- web ---------------------------------------------------------------------------------------

def page_url(leaflet: Leaflet) -> str:
    """The file name of a leaflet's web page, relative to the index: ``spinal-fusion.en.html``."""
    return f"{leaflet.slug}.html"


def web_assets(brand: Brand) -> list[tuple[Path, str]]:
    """(file in the brand folder, path under the output folder) for every brand file the pages link to."""
    return [(path, f"{ASSETS}/{brand.relative(path)}") for path in brand.assets()]


def web_asset_data(brand: Brand) -> list[tuple[str, bytes]]:
    """(path under the output folder, bytes to publish) for every brand file the pages link to.

    The logo is published as the tree the brand checked, serialised again (UTF-8, no prolog, no
    DTD, no processing instruction), never as the bytes given: a browser opening the file as given
    could act on what the checks do not keep (an ``<?xml-stylesheet?>`` in UTF-16, say).
    """
    logo = ('<?xml version="1.0" encoding="UTF-8"?>\n' + brand.logo_svg() + "\n").encode("utf-8")
    return [(relative, logo if path == brand.logo else path.read_bytes()) for path, relative in web_assets(brand)]


def language_name(language: str) -> str:
    """The language's name in itself: "English", "Cymraeg"."""
    locale = locale_for(language)
    name = locale.get_language_name(locale) or language
    return name[:1].upper() + name[1:]


def jsonld(leaflet: Leaflet, brand: Brand, web_url: str | None = None) -> dict[str, Any]:
    """schema.org ``MedicalWebPage`` about the procedure, with the review date."""
    publisher: dict[str, Any] = {"@type": "Organization", "name": brand.organisation}
    if brand.contact.web:
        publisher["url"] = brand.contact.web
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "name": leaflet.title,
        "headline": leaflet.title,
        "description": leaflet.summary,
        "inLanguage": leaflet.language,
        "version": leaflet.version,
        "lastReviewed": (leaflet.last_reviewed.isoformat() if leaflet.last_reviewed is not None
                         else plain(leaflet.last_reviewed_words)),  # a draft's unparseable date: its raw words
        "audience": "https://schema.org/Patient",
        "about": {"@type": "MedicalProcedure", "name": leaflet.title},
        "publisher": publisher,
        "author": [{"@type": "Organization" if p.role is None else "Person", "name": p.name} for p in leaflet.authors],
    }
    if web_url:
        data["url"] = web_url
    if leaflet.reference:  # the trust's own code, as a print shop and a records system know the leaflet
        data["identifier"] = plain(leaflet.reference)
    if leaflet.approval is not None:
        data["reviewedBy"] = {"@type": "Person", "name": leaflet.approval.name, "jobTitle": leaflet.approval.role}
    return data


def render_web(leaflet: Leaflet, brand: Brand, *, draft: bool = False, assets: str = f"{ASSETS}/",
               index_url: str = "index.html", web_url: str | None = None,
               findings: tuple[DraftFinding, ...] = (), large_print: str = "") -> str:
    """The accessible web page of one leaflet. Links to the brand's files under ``assets``. A draft's
    ``findings`` are marked in its text and listed at the end (:mod:`leaflets.render.marks`);
    ``large_print``, the large-print PDF's file name beside it, is linked ("also available in large print")."""
    marks = mark(leaflet, findings) if draft and findings else None
    context: WebContext = {
        "_": interface(leaflet.language), "gettext": interface(leaflet.language).text,
        "leaflet": marks.leaflet if marks else leaflet, "brand": brand, "draft": draft, "assets": assets,
        "index_url": index_url, "jsonld": jsonld(leaflet, brand, web_url), "status_words": status_words(leaflet),
        "generator": f"leaflets {__version__}",
        "findings": marks.listed if marks else (), "notes": marks.notes if marks else NO_MARKS_NOTES,
        "large_print": large_print,
    }
    return environment().get_template("web.html").render(**context)


def render_index(leaflets: list[Leaflet], brand: Brand, *, assets: str = f"{ASSETS}/") -> str:
    """The index page: every leaflet by title and language, linking to its page."""
    ordered = sorted(leaflets, key=lambda item: (item.title.casefold(), item.language, item.id))
    entries: list[IndexEntry] = [
        {"leaflet": item, "url": page_url(item), "language_name": language_name(item.language)} for item in ordered
    ]
    context: IndexContext = {"_": interface("en"), "entries": entries, "brand": brand, "assets": assets,
                             "language": "en"}
    return environment().get_template("index.html").render(**context)


# --- print -------------------------------------------------------------------------------------

def qr_svg(url: str, colour: str) -> str:
    """A QR code for ``url`` as SVG: one path of dark modules filled with ``colour`` (any CSS colour,
    e.g. ``device-cmyk(0 0 0 1)``), on a white quiet zone of four modules."""
    import segno

    code = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in code.matrix_iter(scale=1, border=4)]
    size = len(matrix)
    runs = []
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                runs.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    background = WHITE.css() if colour.startswith("device-cmyk") else "#ffffff"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" width="{size}" height="{size}" '
            f'shape-rendering="crispEdges"><rect width="{size}" height="{size}" fill="{background}"/>'
            f'<path fill="{colour}" d="{"".join(runs)}"/></svg>')


def _icc_url(brand: Brand) -> str:
    if brand.icc_profile is not None:
        return brand.relative(brand.icc_profile)
    from leaflets.render.pdf import DEFAULT_ICC_PROFILE

    return DEFAULT_ICC_PROFILE.resolve().as_uri()


def print_colours(brand: Brand, profile: Profile) -> dict[str, str]:
    """Every colour the print stylesheet uses, as CSS: ``device-cmyk()`` for print, hex for screen."""
    c = brand.colours
    if profile == "print":
        return {"text": BLACK.css(), "paper": WHITE.css(), "primary": c.primary.print.css(),
                "accent": c.accent.print.css(), "warning": c.warning.print.css(), "on_primary": WHITE.css(),
                "rule": c.primary.print.css()}
    return {"text": "#1a1a1a", "paper": "#ffffff", "primary": c.primary.screen, "accent": c.accent.screen,
            "warning": c.warning.screen, "on_primary": "#ffffff", "rule": c.primary.screen}


def page_margins_mm(paper_width_mm: float) -> tuple[int, int, int]:
    """(top, side, bottom) page margins in mm, for print.css and for fitting a booklet's extra pages.
    The bottom one holds the footer's lines and keeps them 5 mm inside the trim (PL002)."""
    return (14, 13, 21) if paper_width_mm < 200 else (18, 18, 24)


BODY_PT = 12  # body text: the least for patient information; the layout check (PL008) holds pages to it

# Ruled lines on a booklet's extra pages: pitch and the space the heading (and prompt) take, in mm.
LINE_PITCH_MM = 9  # the height of ".ruled .line" in print.css
_HEADING_MM = {True: 24, False: 26}  # small paper (A5) or not
_CHARS_PER_MM = 0.5  # a conservative line length for a question: 0.5 characters per mm of measure


def booklet_pages(leaflet: Leaflet, brand: Brand, count: int) -> list[ExtraPage]:
    """The ``count`` pages a booklet adds: questions first (with the leaflet's own, if any), then notes.

    Each page gets as many ruled lines as fit under its heading with room to spare, so a page never
    spills onto the next (the build checks the page count after layout all the same).
    """
    width, height = brand.paper_mm
    small = width < 200
    top, side, bottom = page_margins_mm(width)
    body_mm = height - top - bottom - _HEADING_MM[small]
    measure = width - 2 * side - 4
    line_mm = BODY_PT * 1.45 * 25.4 / 72  # one line of body text
    pages: list[ExtraPage] = []
    for index in range(count):
        if index == 0:
            per_line = max(1, int(measure * _CHARS_PER_MM) - 4)
            asked = sum((len(q) // per_line + 1) * line_mm + 1.5 for q in leaflet.questions)
            lines = int(max(0.0, body_mm - asked - (6 if leaflet.questions else 0)) // LINE_PITCH_MM)
            pages.append({"kind": "questions", "questions": leaflet.questions, "lines": lines})
        else:
            pages.append({"kind": "notes", "questions": (), "lines": int(body_mm // LINE_PITCH_MM)})
    return pages


def render_print(leaflet: Leaflet, brand: Brand, *, profile: str, draft: bool = False, crop_marks: bool = False,
                 web_url: str | None = None, extra_pages: int = 0, findings: tuple[DraftFinding, ...] = (),
                 large_print: str = "") -> str:
    """The HTML WeasyPrint renders for one PDF profile (``screen``, ``print`` or ``large-print``: the
    screen PDF's template, with ``large_print`` set for print.css and A4 paper).

    ``base_url`` must be the brand folder. Raises :class:`~leaflets.brand.MissingGlyphsError` when
    the leaflet uses a character the brand's typeface lacks.

    ``extra_pages`` appends that many useful pages for a booklet (see :func:`booklet_pages`): a
    "Questions to ask your care team" page, then ruled "Notes" pages. The page count is only known
    after layout, so the caller renders once, counts, and renders again with
    ``extra_pages=leaflets.booklet.pages_to_add(count)`` (``leaflets.workers`` does).

    A draft's ``findings`` are marked in its text and listed on its last page, after any booklet
    pages (:mod:`leaflets.render.marks`); a character of theirs the typeface lacks is shown as "?".
    """
    if profile not in (*PDF_PROFILES, LARGE_PRINT):
        raise ValueError(f"unknown PDF profile {profile!r}: use one of {', '.join((*PDF_PROFILES, LARGE_PRINT))}")
    if not 0 <= extra_pages <= 7:  # 0–3 to pad; 4 more when a long questions page spills onto a second
        raise ValueError(f"extra_pages must be 0 to 7 (a booklet pads to the next multiple of 4), not {extra_pages}")
    typed_profile: Profile = "print" if profile == "print" else "screen"
    extra = booklet_pages(leaflet, brand, extra_pages)
    brand.require_glyphs(leaflet.all_text() + "\n" + TEMPLATE_CHARACTERS + interface(leaflet.language).characters()
                         + "".join(plain_text(s.text) for s in resolve_statements(leaflet, brand))  # a brand's wording
                         + (BOOKLET_CHARACTERS if extra else ""),
                         f"{leaflet.slug} ({profile} PDF)")
    marks = mark(leaflet, findings) if draft and findings else None
    if marks:
        brand.require_glyphs(FINDINGS_CHARACTERS, f"{leaflet.slug} ({profile} PDF)")
        marks = printable(marks, brand)
    cmyk = typed_profile == "print"
    paper = LARGE_PRINT_PAPER_MM if profile == LARGE_PRINT else brand.paper_mm
    qr_uri = None
    if web_url:
        qr_uri = data_uri(qr_svg(web_url, BLACK.css() if cmyk else "#000000"), "image/svg+xml")
    context: PrintContext = {
        "_": interface(leaflet.language), "gettext": interface(leaflet.language).text,
        "leaflet": leaflet, "brand": brand, "profile": typed_profile, "draft": draft, "crop_marks": crop_marks,
        "web_url": web_url, "qr_uri": qr_uri,
        "logo_uri": data_uri(brand.logo_svg(cmyk=cmyk), "image/svg+xml"),
        "icc_url": _icc_url(brand) if cmyk else None,
        "colours": print_colours(brand, typed_profile),
        "page_width_mm": paper[0], "page_height_mm": paper[1], "margins_mm": page_margins_mm(paper[0]),
        "body_pt": BODY_PT, "large_print": profile == LARGE_PRINT,
        "status_words": status_words(leaflet), "generator": f"leaflets {__version__}",
        "extra_pages": extra,
        "findings": marks.listed if marks else (), "notes": marks.notes if marks else NO_MARKS_NOTES,
        "large_print_name": large_print,
    }
    if marks:
        context["leaflet"] = marks.leaflet
    return environment().get_template("print.html").render(**context)


def printable(marks: Marks, brand: Brand) -> Marks:
    """``marks`` with each character of the findings' own words (codes, messages, places) that the
    brand's typeface lacks shown as "?": a rule's message must not stop a draft's PDF (the leaflet's
    text is checked as for any PDF)."""
    def fix(text: str) -> str:
        for char in brand.missing_glyphs(text):
            text = text.replace(char, "?")
        return text

    listed = tuple(dataclasses.replace(item, message=fix(item.message), where=fix(item.where), code=fix(item.code))
                   for item in marks.listed)
    notes = {key: tuple(dataclasses.replace(f, message=fix(f.message), code=fix(f.code)) for f in found)
             for key, found in marks.notes.items()}
    return dataclasses.replace(marks, listed=listed, notes=notes)
