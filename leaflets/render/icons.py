"""Icon arrays: a frequency drawn as 100 people (or operations, eyes, joints), some of them marked.

Why: people with low numeracy grasp "1 in 20" far better when they see 5 marked people among 100
(Galesic, Garcia-Retamero & Gigerenzer 2009; the Winton Centre's patient-risk tools). The page shows an
array beside a risk's "How often" in the risk details (never in the risks table, where 100 icons a row
would swamp it) and under each outcome's figure, for every frequency that qualifies, unless the writer
turns it off with ``"icons": false`` in the frequency. On by default: the research says it helps, and a
writer who has never heard of icon arrays would otherwise never get one.

Which frequencies get one (:func:`plan`), and why the others do not:

- an array of 100 shows a figure of 1 in 100 or more: ``about``, ``between``, ``up-to`` and ``less-than``
  rates whose every figure is 1 % to 100 %. Below 1 in 100, 100 icons would show nothing, and 1,000 are
  too many to read. An upper bound ("up to", "less than") needs 2 % or more: "less than 1 in 100" is at
  most one icon in 100, which shows nothing;
- each figure is rounded to the nearest whole icon (halves up); when that moves it by more than a tenth
  of itself (2.5 % would be drawn as 3 in 100, 1.3 % as 1 in 100) there is no array: the picture would
  say something the words do not;
- ``at-least`` and ``more-than`` get none: an open figure says nothing of how many it does not happen
  to, and a picture has to draw every icon one way or the other;
- a rate of 100 % (or one that rounds to it) gets none: all 100 marked tells nothing the words do not.

What the icons mean, never by colour alone (WCAG 1.4.1): a filled icon is someone it happens to; an
outlined icon someone it does not; a half-filled one someone it may happen to: the part of a ``between``
range above its lower figure, or all of an ``up-to``/``less-than`` figure (an outline alone would look
the same as "does not happen"). A key under the array says so in words. Every edge is the brand's primary
colour against white, which the brand check holds to 4.5:1 or more on screen (WCAG 1.4.11 asks 3:1 of
graphics); in the print PDF the same colour is the brand's own CMYK ink (``device-cmyk()``, as the print
stylesheet and the logo use it) and the paper is no ink, so nothing in the array is RGB. Icons fill in
reading order, from the top left (from the top right on a right-to-left page), and a gap after every five
rows and columns helps count them.

``per`` "people" is drawn as people; operations, eyes and joints as circles (a person would say the
figure counts people). The accessible name (``<img alt>``, the PDF's /Figure /Alt) says the picture in
words of the leaflet's language: "Picture: this happens in 5 of every 100 people, and not in the other
95." The plain-text output has no picture and needs none: the frequency's words are there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal, TypedDict

import jinja2
from markupsafe import Markup

from leaflets.i18n import N_, interface
from leaflets.render import data_uri
from leaflets.wording import format_count

Shape = Literal["person", "circle"]
State = Literal["sure", "maybe", "none"]

ICONS = 100
TOLERANCE = 0.1  # a figure may move by at most a tenth of itself when rounded to whole icons
GRID = 10  # 10 × 10
CELL = 10.0  # one icon's cell, in SVG units
GAP = 2.0  # the extra space after the fifth row and column
SIZE = GRID * CELL + GAP  # the viewBox's width and height
STROKE = 0.7  # in SVG units: 0.24 mm at PRINT_MM (preflight's hairline limit is 0.25 pt = 0.09 mm)
# The array's width (and height): on paper about 30–40 mm reads at arm's length without taking the page;
# print.css, web.css and the <img> take these (leaflets.render.html's ``icon_sizes``).
PRINT_MM = 34
LARGE_PRINT_MM = 50
WEB_PX = 168  # CSS pixels, about 44 mm on a screen

# What a figure counts, as the words after "of": the leaflet's language.
EVERY = {"people": N_("every 100 people"), "operations": N_("every 100 operations"),
         "eyes": N_("every 100 eyes"), "joints": N_("every 100 joints")}
ALT = {
    "exact": N_("Picture: this happens in %(count)s of %(every)s, and not in the other %(rest)s."),
    "range": N_("Picture: this happens in %(count)s of %(every)s, may happen in %(more)s more, "
                "and not in the other %(rest)s."),
    "up-to": N_("Picture: this may happen in up to %(count)s of %(every)s, and not in the other %(rest)s."),
}
KEY: dict[State, str] = {"sure": N_("happens"), "maybe": N_("may happen"), "none": N_("does not happen")}


@dataclass(frozen=True, slots=True)
class IconPlan:
    """What one array shows: ``sure`` filled icons, then ``maybe`` half-filled, the rest outlined."""

    kind: Literal["exact", "range", "up-to"]
    sure: int
    maybe: int
    per: str = "people"

    @property
    def rest(self) -> int:
        return ICONS - self.sure - self.maybe

    @property
    def shape(self) -> Shape:
        return "person" if self.per == "people" else "circle"

    def states(self) -> tuple[State, ...]:
        """The kinds of icon the array draws, in the key's order."""
        counts: tuple[tuple[State, int], ...] = (("sure", self.sure), ("maybe", self.maybe), ("none", self.rest))
        return tuple(state for state, count in counts if count)


def whole_icons(percent: float) -> int | None:
    """``percent`` as a whole number of icons in 100 (halves up), or None when rounding moves it by
    more than :data:`TOLERANCE` of itself (the picture would then state a different figure)."""
    count = int(Decimal(str(percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if count < 1 or abs(count - percent) > TOLERANCE * percent:
        return None
    return count


def plan(frequency: Any) -> IconPlan | None:
    """The array a frequency gets (see the module's docstring for which do, and why), or None."""
    rate = getattr(frequency, "rate", None)
    per = getattr(frequency, "per", "people")
    if rate is None or not getattr(frequency, "known", False) or not getattr(frequency, "icons", True) \
            or per not in EVERY:
        return None
    try:
        if rate.kind == "between":
            low, high = sorted((float(rate.percent_from), float(rate.percent_to)))
            counts = whole_icons(low), whole_icons(high)
            if None in counts:
                return None
            sure, top = counts
            assert sure is not None and top is not None
            if top >= ICONS:
                return None
            if sure == top:
                return IconPlan("exact", sure, 0, per)
            return IconPlan("range", sure, top - sure, per)
        if rate.kind not in ("about", "up-to", "less-than") or not math.isfinite(float(rate.percent)):
            return None
        count = whole_icons(float(rate.percent))
    except (TypeError, ValueError, AttributeError, ArithmeticError):  # a draft's unreadable rate: no picture
        return None
    if count is None or count >= ICONS or (rate.kind != "about" and count < 2):
        return None
    return IconPlan("exact", count, 0, per) if rate.kind == "about" else IconPlan("up-to", 0, count, per)


def alt_text(icon_plan: IconPlan, language: str) -> str:
    """The array in words, in the leaflet's language: its accessible name on the page and in the PDF."""
    say = interface(language).text
    count = icon_plan.maybe if icon_plan.kind == "up-to" else icon_plan.sure
    return say(ALT[icon_plan.kind], count=format_count(count, language), every=say(EVERY[icon_plan.per]),
               more=format_count(icon_plan.maybe, language), rest=format_count(icon_plan.rest, language))


# --- drawing -----------------------------------------------------------------------------------

def _circle(cx: float, cy: float, r: float) -> str:
    return f"M{cx - r:g} {cy:g}a{r:g} {r:g} 0 1 0 {2 * r:g} 0a{r:g} {r:g} 0 1 0 {-2 * r:g} 0Z"


def _outline(shape: Shape, x: float, y: float) -> str:
    """One icon's whole outline, its cell's top left corner at (x, y)."""
    if shape == "circle":
        return _circle(x + 5, y + 5, 3.5)
    head = _circle(x + 5, y + 2.2, 1.8)
    body = f"M{x + 1.8:g} {y + 9.3:g}V{y + 7:g}Q{x + 1.8:g} {y + 4.8:g} {x + 5:g} {y + 4.8:g}" \
           f"Q{x + 8.2:g} {y + 4.8:g} {x + 8.2:g} {y + 7:g}V{y + 9.3:g}Z"
    return head + body


def _half(shape: Shape, x: float, y: float) -> str:
    """The left half of one icon (what a half-filled icon fills)."""
    if shape == "circle":
        return f"M{x + 5:g} {y + 1.5:g}A3.5 3.5 0 0 0 {x + 5:g} {y + 8.5:g}Z"
    head = f"M{x + 5:g} {y + 0.4:g}A1.8 1.8 0 0 0 {x + 5:g} {y + 4:g}Z"
    body = f"M{x + 1.8:g} {y + 9.3:g}V{y + 7:g}Q{x + 1.8:g} {y + 4.8:g} {x + 5:g} {y + 4.8:g}V{y + 9.3:g}Z"
    return head + body


def _svg(cells: list[tuple[State, float, float]], shape: Shape, ink: str, paper: str, width: float,
         height: float) -> str:
    filled = "".join(_outline(shape, x, y) if state == "sure" else _half(shape, x, y)
                     for state, x, y in cells if state != "none")
    every = "".join(_outline(shape, x, y) for _, x, y in cells)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:g}" width="{width:g}" '
            f'height="{height:g}"><rect width="{width:g}" height="{height:g}" fill="{paper}"/>'
            + (f'<path fill="{ink}" d="{filled}"/>' if filled else "")
            + f'<path fill="none" stroke="{ink}" stroke-width="{STROKE:g}" stroke-linejoin="round" d="{every}"/>'
            "</svg>")


def array_svg(icon_plan: IconPlan, ink: str, paper: str, *, right_to_left: bool = False) -> str:
    """The 10 × 10 array as SVG: ``ink`` and ``paper`` are CSS colours (``#1d4f91`` on screen,
    ``device-cmyk(1 0.7 0 0.1)`` in print). Filled, then half-filled, then outlined icons in reading order."""
    sure: list[State] = ["sure"]
    maybe: list[State] = ["maybe"]
    none: list[State] = ["none"]
    states = sure * icon_plan.sure + maybe * icon_plan.maybe + none * icon_plan.rest
    cells: list[tuple[State, float, float]] = []
    for index, state in enumerate(states):
        row, column = divmod(index, GRID)
        if right_to_left:
            column = GRID - 1 - column
        cells.append((state, column * CELL + (GAP if column >= GRID // 2 else 0),
                      row * CELL + (GAP if row >= GRID // 2 else 0)))
    return _svg(cells, icon_plan.shape, ink, paper, SIZE, SIZE)


def key_svg(state: State, shape: Shape, ink: str, paper: str) -> str:
    """One icon alone, for the key beside its words."""
    return _svg([(state, 0.0, 0.0)], shape, ink, paper, CELL, CELL)


def colours(brand: Any, profile: str | None) -> tuple[str, str]:
    """(ink, paper) as CSS colours: the brand's primary colour and white, ``device-cmyk()`` in print."""
    from leaflets.brand import WHITE

    if profile == "print":
        return brand.colours.primary.print.css(), WHITE.css()
    return brand.colours.primary.screen, "#ffffff"


# --- the templates' view -----------------------------------------------------------------------

class IconView(TypedDict):
    """One array as a page embeds it: a ``data:`` URL (nothing is fetched), the accessible name, and
    the key: each icon's class (:func:`key_css` draws it) with its words (messages: the template
    translates them)."""

    src: str
    alt: str
    key: list[tuple[str, str]]


@jinja2.pass_context
def icon_view(context: Any, frequency: Any, leaflet: Any) -> IconView | None:
    """The array of ``frequency`` for this output, or None when it gets none (:func:`plan`). The output
    is read from the template's context as leaflets.render.html.figure_view reads it: a print context has
    ``profile`` ("print" draws in CMYK); the web page has none. ``leaflet`` gives the language and
    direction (a bilingual page's context holds two)."""
    icon_plan = plan(frequency)
    if icon_plan is None:
        return None
    ink, paper = colours(context["brand"], context.get("profile"))
    right_to_left = getattr(leaflet, "direction", "ltr") == "rtl"
    return {"src": data_uri(array_svg(icon_plan, ink, paper, right_to_left=right_to_left), "image/svg+xml"),
            "alt": alt_text(icon_plan, leaflet.language),
            "key": [(f"{icon_plan.shape}-{state}", KEY[state]) for state in icon_plan.states()]}


def has_arrays(leaflet: Any) -> bool:
    """Whether any of the leaflet's risks or outcomes gets an array (the web page's CSP then allows
    ``data:`` images)."""
    return any(plan(item.frequency) is not None for item in (*leaflet.risks, *leaflet.outcomes))


def key_css(brand: Any, profile: str | None) -> Markup:
    """The stylesheet rules that draw the key's icons as backgrounds (``<span class="mark person-sure">``):
    a background is decoration, an artifact in the tagged PDF, where an ``<img>`` must have alt text
    and the key's words already say what each icon means."""
    ink, paper = colours(brand, profile)
    rules = []
    for shape in ("person", "circle"):
        for state in KEY:
            uri = data_uri(key_svg(state, shape, ink, paper), "image/svg+xml")  # type: ignore[arg-type]
            rules.append(f'.icon-key .mark.{shape}-{state} {{ background-image: url("{uri}"); }}')
    return Markup("\n".join(rules))
