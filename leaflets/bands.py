"""Frequency bands: which band ("common", "rare"…) a figure may honestly be called.

One definition for the page (leaflets.model shows the band a rate lies in) and the rules (LN001 and
its neighbours in leaflets.rules.numbers compare a stated band, or a band word in the text, with the
figure), so the two can never disagree. No imports from either: both depend on this.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Band: (lowest percent, highest percent), lowest inclusive. 1 in 10 = 10 %, 1 in 10,000 = 0.01 %.
BANDS: dict[str, tuple[float, float]] = {
    "very common": (10.0, 100.0),
    "common": (1.0, 10.0),
    "uncommon": (0.1, 1.0),
    "rare": (0.01, 0.1),
    "very rare": (0.0, 0.01),
}
BAND_WORDS = {"very common": "1 in 10 or more", "common": "1 in 100 to 1 in 10", "uncommon": "1 in 1,000 to 1 in 100",
              "rare": "1 in 10,000 to 1 in 1,000", "very rare": "less than 1 in 10,000"}


@dataclass(frozen=True)
class Figure:
    """A frequency as an interval of percentages; ``exact`` for "about p", ``at_least`` for a lower bound
    ("at least p", "more than p": ``high`` is then 100)."""

    low: float
    high: float
    text: str
    start: int
    exact: bool = False
    at_least: bool = False

    def overlaps(self, other: Figure, slack: float = 1.5) -> bool:
        """Whether two figures can both be true: an "about" figure stands for anything up to ``slack`` times
        it either way. Between two "about" figures the slack is allowed once, not on each side: "about 1 in
        10" against "about 5 in 100" is twice the figure, not within half again of it (allowed on both
        sides, 2.25 times passed)."""
        if self.exact and other.exact:
            return self.low / slack <= other.high and other.low <= self.high * slack
        low, high = (self.low / slack, self.high * slack) if self.exact else (self.low, self.high)
        other_low, other_high = (other.low / slack, other.high * slack) if other.exact else (other.low, other.high)
        return low <= other_high and other_low <= high


def band_of(percent: float) -> str:
    for band, (low, high) in BANDS.items():
        if low <= percent <= high if band == "very common" else low <= percent < high:
            return band
    return "very rare"


def bands_for(figure: Figure) -> set[str]:
    """The bands a figure may honestly be called, as docs/content-model.md picks them.

    A single figure takes the band that holds it, and one exactly on a boundary the higher band (each
    band starts at its boundary: "about 1 in 100" is common). An upper bound ("less than", "up to")
    takes the band of its upper end, as medicines information words it ("uncommon: may affect up to 1 in
    100 people"), so "less than 1 in 50" is common, not uncommon; a lower bound ("at least", "more
    than") the band of its lower end: the band the patient reads is the band of the figure they read,
    never a smaller or larger one the figure does not show. A range takes every band it reaches into,
    and one ending exactly on a boundary only the band it lies within ("1 to 10 %" is common)."""
    if figure.exact or figure.at_least:
        return {band_of(figure.low)}
    if figure.low <= 0:
        return {band_of(figure.high * (1 - 1e-9))}
    return {band for band, (low, high) in BANDS.items() if low < figure.high and figure.low < high}


def rate_figure(rate: Any) -> Figure | None:
    """The structured ``rate`` of a frequency as a figure, or None when it is incomplete or ill-typed."""
    if not isinstance(rate, dict):
        return None

    def pct(key: str) -> float | None:
        value = rate.get(key)
        return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None

    kind = rate.get("kind")
    if kind == "between":
        low, high = pct("percent_from"), pct("percent_to")
        if low is None or high is None:
            return None
        return Figure(min(low, high), max(low, high), f"between {low:g} % and {high:g} %", 0)
    value = pct("percent")
    if value is None:
        return None
    if kind in ("less-than", "up-to"):
        return Figure(0.0, value, f"{kind.replace('-', ' ')} {value:g} %", 0)
    if kind in ("at-least", "more-than"):
        return Figure(value, 100.0, f"{kind.replace('-', ' ')} {value:g} %", 0, at_least=True)
    if kind == "about":
        return Figure(value, value, f"about {value:g} %", 0, exact=True)
    return None


def computed_band(rate: Any) -> str | None:
    """The band of a structured rate when it lies in one (LN001's bands_for), else None: a range across a
    boundary ("between 1 in 20 and 1 in 5") has no one band, and then none is shown."""
    figure = rate_figure(rate)
    bands = bands_for(figure) if figure is not None else set()
    return next(iter(bands)) if len(bands) == 1 else None
