"""Numbers and dates in the words of the leaflet's language: "23 November 2026", "1 in 100",
"about 1 in 100 people". Babel supplies each language's conventions; a bare language tag gets the
region NHS leaflets follow.

Babel and the interface catalogues (leaflets.i18n) are imported by the functions that use them, not
on import: the rules only need ``one_in`` (plain arithmetic), and every `leaflets validate` process
would otherwise pay ~15-25 ms importing Babel for nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel import Locale

# A bare language gets the region whose conventions NHS leaflets follow ("23 November 2026",
# not "November 23, 2026"); anything else is left to babel.
_DEFAULT_REGION = {"en": "en_GB", "cy": "cy_GB", "gd": "gd_GB", "ga": "ga_IE", "pt": "pt_PT"}


def locale_for(language: str) -> Locale:
    """The babel locale for a BCP 47 tag; unknown languages fall back to British English."""
    from babel import Locale, UnknownLocaleError

    tag = _DEFAULT_REGION.get(language, language.replace("-", "_"))
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("_")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_GB")


def date_in_words(value: dt.date, language: str = "en") -> str:
    """``2026-11-23`` → ``23 November 2026`` (in the leaflet's language where babel knows it)."""
    from babel.dates import format_date

    return format_date(value, format="long", locale=locale_for(language))


def format_count(number: int, language: str = "en") -> str:
    """1000 → ``1,000`` (grouping as the language writes it)."""
    from babel.numbers import format_decimal

    return format_decimal(number, locale=locale_for(language), group_separator=True)


def _two_significant(number: float, *, down: bool) -> int:
    """Round to two significant figures (down when the statement must stay true), at least 1."""
    if number < 1:
        return 1
    digits = int(math.floor(math.log10(number)))
    step = Decimal(10) ** max(digits - 1, 0)
    value = Decimal(str(number)) / step
    rounded = value.to_integral_value(rounding=ROUND_FLOOR if down else ROUND_HALF_UP)
    return max(int(rounded * step), 1)


def one_in(percent: float, *, down: bool = False, up: bool = False) -> int:
    """The N of "1 in N" for a percentage: 1 → 100, 0.1 → 1000, 5 → 20, 33 → 3, 0.3 → 330.

    The one place "1 in N" is worked out: the leaflet's words (``people``) and the rules' messages
    (leaflets.rules.numbers) both use it, so a finding never quotes a different N than the page shows.
    Below 10, a figure within 5 % of a whole number is that number (33 % is "1 in 3", not "1 in
    3.03"); otherwise N is rounded to two significant figures. With ``down`` N is never rounded
    up, so "less than 1 in N" stays true; with ``up`` never down, so "at least 1 in N" does.
    """
    exact = 100 / percent
    nearest = round(exact)
    if exact < 10 and nearest >= 1 and abs(exact - nearest) <= 0.05 * exact and (not down or nearest <= exact) \
            and (not up or nearest >= exact):
        return nearest
    if up:
        return _two_significant_up(exact)
    return _two_significant(exact, down=down)


def _two_significant_up(number: float) -> int:
    """``number`` rounded up to two significant figures: the N of "at least 1 in N" may not shrink."""
    digits = int(math.floor(math.log10(number))) if number >= 1 else 0
    step = Decimal(10) ** max(digits - 1, 0)
    return max(int((Decimal(str(number)) / step).to_integral_value(rounding=ROUND_CEILING) * step), 1)


def people(percent: float, language: str = "en", *, less_than: bool = False, at_least: bool = False) -> str:
    """A percentage as a patient reads it: "1 in 20", "1 in 1,000"; "4 in 10" where "1 in 2.5" would be
    needed. With ``less_than`` (an upper bound: "less than", "up to") the figure is never rounded so as
    to claim less than is known; with ``at_least`` (a lower bound: "at least", "more than") never so
    as to claim more ("more than 92 %" is "more than 9 in 10", not "more than 1 in 1.1")."""
    from leaflets.i18n import N_, interface

    say = interface(language).text  # "1 in 20" in the leaflet's language: "1 o bob 20" in Welsh
    if percent >= 100:
        return say(N_("%(count)s in 10"), count="10")
    exact = 100 / percent
    if less_than:
        if exact >= 3:
            return say(N_("1 in %(count)s"), count=format_count(one_in(percent, down=True), language))
        if math.ceil(percent / 10) < 10 and math.ceil(percent / 10) - percent / 10 <= 0.05 * percent / 10:
            return say(N_("%(count)s in 10"), count=math.ceil(percent / 10))
        return say(N_("%(count)s in 100"), count=format_count(math.ceil(percent), language))
    if at_least:
        nearest = math.ceil(exact)
        if exact >= 10 or nearest - exact <= 0.05 * exact:
            return say(N_("1 in %(count)s"), count=format_count(one_in(percent, up=True), language))
        whole = math.floor(percent / 10)  # tenths, rounded down
        if whole >= 1 and percent / 10 - whole <= 0.05 * percent / 10:
            return say(N_("%(count)s in 10"), count=whole)
        return say(N_("%(count)s in 100"), count=format_count(math.floor(percent), language))
    nearest = round(exact)
    if exact >= 10 or (nearest >= 2 and abs(exact - nearest) <= 0.05 * exact):  # never "1 in 1"
        return say(N_("1 in %(count)s"), count=format_count(one_in(percent), language))
    tenths = percent / 10
    if round(tenths) < 10 and abs(tenths - round(tenths)) <= 0.05 * tenths:
        return say(N_("%(count)s in 10"), count=round(tenths))
    return say(N_("%(count)s in 100"), count=format_count(round(percent), language))
