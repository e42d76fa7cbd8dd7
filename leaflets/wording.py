"""Numbers and dates in the words of the leaflet's language: "23 November 2026", "1 in 100",
"about 1 in 100 people". Babel supplies each language's conventions; a bare language tag gets the
region NHS leaflets follow.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

from leaflets.i18n import N_, interface

# A bare language gets the region whose conventions NHS leaflets follow ("23 November 2026",
# not "November 23, 2026"); anything else is left to babel.
_DEFAULT_REGION = {"en": "en_GB", "cy": "cy_GB", "gd": "gd_GB", "ga": "ga_IE", "pt": "pt_PT"}


def locale_for(language: str) -> Locale:
    """The babel locale for a BCP 47 tag; unknown languages fall back to British English."""
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
    return format_date(value, format="long", locale=locale_for(language))


def format_count(number: int, language: str = "en") -> str:
    """1000 → ``1,000`` (grouping as the language writes it)."""
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


def one_in(percent: float, *, down: bool = False) -> int:
    """The N of "1 in N" for a percentage: 1 → 100, 0.1 → 1000, 5 → 20, 33 → 3, 0.3 → 330.

    Below 10, a figure within 5 % of a whole number is that number (33 % is "1 in 3", not "1 in
    3.03"); otherwise N is rounded to two significant figures. With ``down`` N is never rounded
    up, so "less than 1 in N" stays true.
    """
    exact = 100 / percent
    nearest = round(exact)
    if exact < 10 and nearest >= 1 and abs(exact - nearest) <= 0.05 * exact and (not down or nearest <= exact):
        return nearest
    return _two_significant(exact, down=down)


def people(percent: float, language: str = "en", *, less_than: bool = False) -> str:
    """A percentage as a patient reads it: "1 in 20", "1 in 1,000"; "4 in 10" where "1 in 2.5" would be
    needed. With ``less_than`` the figure is never rounded so as to claim less than is known."""
    say = interface(language).text  # "1 in 20" in the leaflet's language: "1 o bob 20" in Welsh
    if percent >= 100:
        return say(N_("%(count)s in 10"), count="10")
    exact = 100 / percent
    if less_than:
        if exact >= 3:
            return say(N_("1 in %(count)s"), count=format_count(one_in(percent, down=True), language))
        return say(N_("%(count)s in 10"), count=math.ceil(percent / 10))
    nearest = round(exact)
    if exact >= 10 or abs(exact - nearest) <= 0.05 * exact:
        return say(N_("1 in %(count)s"), count=format_count(one_in(percent), language))
    tenths = percent / 10
    if abs(tenths - round(tenths)) <= 0.05 * tenths:
        return say(N_("%(count)s in 10"), count=round(tenths))
    return say(N_("%(count)s in 100"), count=format_count(round(percent), language))
