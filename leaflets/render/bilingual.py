"""The HTML of a bilingual PDF (leaflets.bilingual plans which ones a build makes, and why the layout
is parallel columns, Welsh on the left): each language's sections from the shared ``_leaflet.html``
macro, paired section by section into one page.

Kept apart from leaflets.bilingual so that the render workers (leaflets.workers) can import it
without importing the planning code, which names the workers' request types.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markupsafe import Markup

    from leaflets.brand import Brand
    from leaflets.model import Leaflet

PROFILES = ("screen", "print")  # the PDFs a bilingual leaflet is made as (not large print: one column)
COLUMN_GAP_MM = 6  # between the two columns: _bilingual.css's gap


_SECTION = re.compile(r'<section\b[^>]*\bid="([^"]+)"[^>]*>.*?</section>', re.DOTALL)
_REFERENCES = re.compile(r'\b(id|aria-labelledby|aria-describedby|headers|for)="([^"]*)"')


def columns(leaflet: Leaflet, brand: Brand, profile: str) -> dict[str, Markup]:
    """Section id → that section's HTML in ``leaflet``'s language (the shared ``sections`` macro of
    ``_leaflet.html``, with that language's interface words), ids prefixed with the language so that
    both columns' ids are unique in the one document. Raises ValueError when the macro's output is
    not a run of top-level ``<section id=…>`` elements (then it cannot be paired section by section)."""
    from markupsafe import Markup

    from leaflets.i18n import interface
    from leaflets.render.html import column_mm, environment
    from leaflets.render.marks import NO_MARKS_NOTES

    words = interface(leaflet.language)
    paper_width = brand.paper_mm[0]
    # what the macros read from a print page; a figure is sized to one column of the two (_bilingual.css)
    shared = {"_": words, "gettext": words.text, "profile": profile, "brand": brand, "page_width_mm": paper_width,
              "column_mm": (column_mm(paper_width) - COLUMN_GAP_MM) / 2}
    module: Any = environment().get_template("_leaflet.html").make_module(shared)
    html = str(module.sections(leaflet, brand, profile == "screen", NO_MARKS_NOTES))
    found = {match.group(1): match.group(0) for match in _SECTION.finditer(html)}
    if _SECTION.sub("", html).strip() or not found:
        raise ValueError("the shared template _leaflet.html no longer renders a leaflet as top-level <section id=…> "
                         "elements one after another, so a bilingual PDF cannot pair its sections")
    prefix = leaflet.language + "-"

    def prefixed(match: re.Match[str]) -> str:
        return f'{match.group(1)}="{" ".join(prefix + token for token in match.group(2).split())}"'

    return {section: Markup(_REFERENCES.sub(prefixed, text).replace('href="#', f'href="#{prefix}'))
            for section, text in found.items()}


def rows(first: dict[str, Markup], second: dict[str, Markup]) -> list[tuple[Markup | None, Markup | None]]:
    """The sections paired by id, in the first language's order (a section only one has, such as a
    glossary, keeps its place with an empty cell beside it)."""
    order = list(first) + [section for section in second if section not in first]
    return [(first.get(section), second.get(section)) for section in order]


def render_print(first: Leaflet, second: Leaflet, brand: Brand, *, profile: str, draft: bool = False,
                 crop_marks: bool = False, web_urls: tuple[str | None, str | None] = (None, None)) -> str:
    """The HTML WeasyPrint renders for one bilingual PDF (``screen`` or ``print``): ``first`` in the left
    column, ``second`` in the right, section by section. Raises MissingGlyphsError like
    :func:`leaflets.render.html.render_print`."""
    from leaflets import __version__
    from leaflets.brand import BLACK
    from leaflets.i18n import interface
    from leaflets.render import html

    if profile not in PROFILES:
        raise ValueError(f"a bilingual PDF is made for {' or '.join(PROFILES)}, not {profile!r}")
    typed: html.Profile = "print" if profile == "print" else "screen"
    where = f"{first.id}.{first.language}-{second.language} ({profile} PDF)"
    brand.require_glyphs("\n".join(leaflet.all_text() + interface(leaflet.language).characters()
                                   for leaflet in (first, second)) + html.TEMPLATE_CHARACTERS + " /", where)
    cmyk = typed == "print"
    sides: list[dict[str, Any]] = []
    sections: list[dict[str, Markup]] = []
    for leaflet, web_url in zip((first, second), web_urls, strict=True):
        words = interface(leaflet.language)
        ink = BLACK.css() if cmyk else "#000000"
        qr = html.data_uri(html.qr_svg(web_url, ink), "image/svg+xml") if web_url else None
        sides.append({"leaflet": leaflet, "_": words, "gettext": words.text, "web_url": web_url, "qr_uri": qr,
                      "status_words": html.status_words(leaflet)})
        sections.append(columns(leaflet, brand, typed))
    paper = brand.paper_mm
    context = {
        "_": interface(first.language), "gettext": interface(first.language).text,
        "leaflet": first, "second": second, "sides": sides,
        "rows": rows(sections[0], sections[1]),
        "brand": brand, "profile": typed, "draft": draft, "crop_marks": crop_marks,
        "logo_uri": html.data_uri(brand.logo_svg(cmyk=cmyk), "image/svg+xml"),
        "icc_url": html._icc_url(brand) if cmyk else None,
        "colours": html.print_colours(brand, typed),
        "page_width_mm": paper[0], "page_height_mm": paper[1], "margins_mm": html.page_margins_mm(paper[0]),
        "body_pt": html.BODY_PT, "large_print": False, "generator": f"leaflets {__version__}",
        "placeholders": first.placeholders or second.placeholders, "column_gap_mm": COLUMN_GAP_MM,
    }
    return html.environment().get_template("bilingual.html").render(**context)
