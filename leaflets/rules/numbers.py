"""LN: numbers and risk. A frequency's band in words must match its number (the medicines
information convention), percentages need a "1 in N" form, ranges run low to high, and one risk
must not be given two different figures.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from leaflets.findings import Severity
from leaflets.rules.context import Context, Sentence, quoted
from leaflets.rules.registry import Hit, rule

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
    """A frequency as an interval of percentages; ``exact`` for "about p"."""

    low: float
    high: float
    text: str
    start: int
    exact: bool = False

    def overlaps(self, other: Figure, slack: float = 1.5) -> bool:
        low, high = (self.low / slack, self.high * slack) if self.exact else (self.low, self.high)
        other_low, other_high = (other.low / slack, other.high * slack) if other.exact else (other.low, other.high)
        return low <= other_high and other_low <= high


def band_of(percent: float) -> str:
    for band, (low, high) in BANDS.items():
        if low <= percent <= high if band == "very common" else low <= percent < high:
            return band
    return "very rare"


def bands_for(figure: Figure) -> set[str]:
    """The bands a figure may honestly be called."""
    if figure.exact:
        allowed = {band_of(figure.low)}
        for band, (low, _high) in BANDS.items():
            if low and abs(figure.low - low) < 1e-9:  # exactly on a boundary: the band below is fair too
                allowed.add(_band_below(band))
        return allowed
    return {band for band, (low, high) in BANDS.items() if low < figure.high and figure.low <= high}


def _band_below(band: str) -> str:
    names = list(BANDS)
    return names[min(names.index(band) + 1, len(names) - 1)]


def _number(text: str) -> float:
    return float(text.replace(",", ""))


_QUALIFIER = r"(?:(?P<q>less\s+than|fewer\s+than|under|below|up\s+to|about|around|approximately|roughly|nearly)\s+)?"
_PERCENT_UNIT = r"\s*(?:%|per\s*cent\b|percent\b)"
_NUM = r"\d+(?:\.\d+)?"
_RANGE_PERCENT = re.compile(rf"(?<![\w.])(?:between\s+)?(?P<a>{_NUM})(?:{_PERCENT_UNIT})?\s*(?:to|-|–|—|and)\s*"
                            rf"(?P<b>{_NUM}){_PERCENT_UNIT}", re.IGNORECASE)
_PERCENT = re.compile(rf"{_QUALIFIER}(?<![\w.])(?P<p>{_NUM}){_PERCENT_UNIT}", re.IGNORECASE)
_ONE_IN = re.compile(rf"{_QUALIFIER}(?<![\w.])(?P<k>\d+)\s+in\s+(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+)(?![\d,]*\s*"
                     r"(?:days?|weeks?|months?|years?|hours?|minutes?|mm|cm)\b)(?![\w.]\d)", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_BAND_WORD = re.compile(r"(?<![\w-])(very\s+common|very\s+rare|uncommon|common|rare)(?![\w-])", re.IGNORECASE)


def _figure(low: float, high: float, qualifier: str | None, text: str, start: int) -> Figure:
    q = (qualifier or "").lower()
    if q.startswith(("less", "fewer", "under", "below", "up")):
        return Figure(0.0, high, text, start)
    return Figure(low, high, text, start, exact=low == high)


def figures(text: str) -> list[Figure]:
    """Every frequency written in ``text``: percentages, ranges of them, and "1 in N"."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    lower = text.lower()
    percent = "%" in text or "cent" in lower
    for match in _RANGE_PERCENT.finditer(text) if percent else ():
        a, b = _number(match["a"]), _number(match["b"])
        found.append(Figure(min(a, b), max(a, b), match.group(), match.start()))
        taken.append(match.span())
    for match in _PERCENT.finditer(text) if percent else ():
        if any(s <= match.start("p") < e for s, e in taken):
            continue
        value = _number(match["p"])
        found.append(_figure(value, value, match["q"], match.group(), match.start()))
    for match in _ONE_IN.finditer(text) if " in " in lower else ():
        k, n = _number(match["k"]), _number(match["n"])
        if n and k <= n:
            value = 100 * k / n
            found.append(_figure(value, value, match["q"], match.group(), match.start()))
    return sorted(found, key=lambda f: f.start)


def _sentence_figures(ctx: Context) -> list[tuple[Sentence, list[Figure]]]:
    if "figures" not in ctx.cache:  # only sentences with a digit can hold a figure: most have none
        ctx.cache["figures"] = [(s, figures(s.text)) for s in ctx.sentences if _DIGIT.search(s.text)]
    return ctx.cache["figures"]


def rate_figure(rate: Any) -> Figure | None:
    """The structured ``rate`` of a risk as a figure, or None when it is incomplete or ill-typed."""
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
    if kind == "less-than":
        return Figure(0.0, value, f"less than {value:g} %", 0)
    if kind == "about":
        return Figure(value, value, f"about {value:g} %", 0, exact=True)
    return None


def _risks(ctx: Context) -> Iterator[tuple[str, dict[str, Any]]]:
    for pointer, risk in ctx.items("/risks"):
        if isinstance(risk, dict):
            yield pointer, risk


def _one_in(percent: float) -> str:
    return f"1 in {round(100 / percent):,}" if percent > 0 else "none"


@rule("LN001", "band-mismatch", Severity.ERROR, "A frequency's band in words does not match its number.",
      what="A risk's `frequency.band` against its `frequency.rate`, and any sentence that names a band (\"rare\", "
           "\"common\") beside a figure, using the convention medicines information uses: very common 1 in 10 or "
           "more, common 1 in 100 to 1 in 10, uncommon 1 in 1,000 to 1 in 100, rare 1 in 10,000 to 1 in 1,000, "
           "very rare less than 1 in 10,000.",
      why="Patients read the word before the number. A risk called \"rare\" that happens to 1 in 10 people "
          "is a risk they were misled about, and the same word must mean the same thing in every leaflet.",
      bad='"frequency": {"known": true, "rate": {"kind": "about", "percent": 10}, "band": "rare"}',
      good='"frequency": {"known": true, "rate": {"kind": "about", "percent": 10}, "band": "very common"}')
def band_mismatch(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in _risks(ctx):
        frequency = risk.get("frequency")
        band = frequency.get("band") if isinstance(frequency, dict) else None
        if not isinstance(frequency, dict) or not isinstance(band, str) or band not in BANDS:
            continue
        figure = rate_figure(frequency.get("rate"))
        if figure and band not in bands_for(figure):
            yield Hit(f"{pointer}/frequency/band", f"\"{band}\" means {BAND_WORDS[band]}, but the rate is "
                      f"{figure.text} ({_one_in(figure.high)}): use {' or '.join(sorted(bands_for(figure)))}")
    for sentence, found in _sentence_figures(ctx):
        if len(found) != 1:
            continue
        words = {" ".join(m.group(1).lower().split()): m for m in _BAND_WORD.finditer(sentence.text)}
        if len(words) != 1:
            continue
        band, match = next(iter(words.items()))
        if band not in bands_for(found[0]):
            yield Hit(sentence.paragraph.pointer, f"\"{match.group(1)}\" means {BAND_WORDS[band]}, but this sentence "
                      f"gives {quoted(found[0].text)}: use {' or '.join(sorted(bands_for(found[0])))}",
                      index=sentence.start + match.start())


@rule("LN002", "percent-without-one-in-n", Severity.WARNING, "A percentage is given without a \"1 in N\" form.",
      what="Sentences with a percentage (\"5%\", \"2 per cent\") and no \"1 in N\" figure. Structured rates are "
           "fine: the leaflet shows them as \"about 1 in 100\" for you.",
      why="Most people understand \"1 in 100 people\" better than \"1%\", and misjudge small percentages "
          "(0.1 % and 1 % feel alike). Natural frequencies are what risk-communication guidance recommends.",
      bad="Cement leaks in 5 to 10% of operations.",
      good="Cement leaks in between 1 in 20 and 1 in 10 operations (5 to 10 in every 100).")
def percent_without_one_in_n(ctx: Context) -> Iterable[Hit]:
    for sentence, _found in _sentence_figures(ctx):
        percent = _RANGE_PERCENT.search(sentence.text) or _PERCENT.search(sentence.text)
        if percent and not _ONE_IN.search(sentence.text):
            if "p" in percent.groupdict():
                value = _number(percent["p"])
                example = f"{_one_in(value)} people ({value:g}%)" if value <= 50 else f"{value:g} in 100 people"
            else:
                low, high = sorted((_number(percent["a"]), _number(percent["b"])))
                example = f"between {_one_in(low)} and {_one_in(high)} people ({low:g} to {high:g}%)"
            yield Hit(sentence.paragraph.pointer, f"{quoted(percent.group().strip())} has no \"1 in N\" form: add it, "
                      f"e.g. \"{example}\"", index=sentence.start + percent.start())


# starts with a digit (the scan skips to digits quickly); "between" and the left edge are checked in code
_RANGE = re.compile(r"(?P<a>[1-9]\d*(?:\.\d+)?|0\.\d+)\s*(?P<unit_a>%)?\s*"
                    r"(?P<sep>to|and|-|–|—)\s*(?P<b>[1-9]\d*(?:\.\d+)?|0\.\d+)(?![\w/-]|[.,]\d)")


@rule("LN003", "backwards-range", Severity.ERROR, "A range is written high to low.",
      what="Ranges in text (\"10 to 5 days\", \"between 8% and 3%\") whose first number is larger than the "
           "second, and `between` rates whose `percent_from` is larger than `percent_to`. \"1 in N\" ranges "
           "are left alone: \"between 1 in 10 and 1 in 100\" is a fair way to write them.",
      why="A backwards range is usually a typing slip that hides which number is right; a patient cannot tell "
          "whether recovery takes 2 weeks or 6.",
      bad="You can go back to work after 6 to 2 weeks.",
      good="You can go back to work after 2 to 6 weeks.")
def backwards_range(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in _risks(ctx):
        frequency = risk.get("frequency")
        rate = frequency.get("rate") if isinstance(frequency, dict) else None
        if isinstance(rate, dict) and rate.get("kind") == "between":
            low, high = rate.get("percent_from"), rate.get("percent_to")
            numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (low, high))
            if numbers and low > high:  # type: ignore[operator]
                yield Hit(f"{pointer}/frequency/rate", f"percent_from ({low}) is larger than percent_to ({high}): "
                          "swap them")
    for paragraph, index, match in ctx.matches(_RANGE):
        text = paragraph.text
        if index and (text[index - 1].isalnum() or text[index - 1] in "_.,/-"):
            continue  # inside a longer number, a date or a code
        before, after = text[:index].rstrip().lower(), text[index + len(match.group()):]
        if match["sep"] == "and" and not before.endswith("between"):
            continue
        if before.endswith(" in") or before == "in" or re.match(r"\s*in\s+\d", after):  # "1 in 10 to 1 in 100"
            continue
        if _number(match["a"]) > _number(match["b"]):
            yield Hit(paragraph.pointer, f"the range {quoted(match.group())} runs from high to low: write the "
                      "smaller number first", index=index)


_SUB_OUTCOME = re.compile(r"\b(?:rarer|commoner|more\s+common|less\s+common|more\s+often|less\s+often|"
                          r"of\s+(?:these|them|those)|most\s+of|some\s+of|serious|severe|symptom\w*|permanent|"
                          r"lasting|long-term)\b",
                          re.IGNORECASE)


@rule("LN004", "inconsistent-risk-figure", Severity.ERROR, "A risk is given two figures that disagree.",
      what="A figure written in a risk's own text, or in a sentence elsewhere that names the risk, that does not "
           "agree with the risk's `frequency.rate` (\"about\" figures are allowed half again either way); and two "
           "risks with the same name and different rates. Sentences about a part of the risk (\"serious\", "
           "\"rarer\", \"of these\", \"symptoms\") are left alone: they give a figure for a narrower outcome.",
      why="When a leaflet says \"less than 1 in 100\" in one place and \"1 in 20\" in another, the patient cannot "
          "know which is true, and the consent they give rests on one of them.",
      bad='risk "Infection" with rate "less-than 1" and a description saying "Infection happens in about 1 in 20 '
          'people."',
      good="Give the figure once, in the rate, and let the text describe what the risk means.")
def inconsistent_risk_figure(ctx: Context) -> Iterable[Hit]:
    named: dict[str, tuple[str, Figure]] = {}
    for pointer, risk in _risks(ctx):
        frequency = risk.get("frequency")
        figure = rate_figure(frequency.get("rate")) if isinstance(frequency, dict) else None
        name = risk.get("name")
        if figure is None:
            continue
        key = " ".join(name.lower().split()) if isinstance(name, str) else ""
        if key in named and not named[key][1].overlaps(figure):
            yield Hit(f"{pointer}/frequency/rate", f"\"{name}\" is given {figure.text} here but {named[key][1].text} "
                      f"at {named[key][0]}: give one figure")
        named.setdefault(key, (pointer, figure))
        for sentence, found in _sentence_figures(ctx):
            inside = sentence.paragraph.pointer.startswith(pointer + "/")
            mentions = bool(key) and re.search(rf"(?<![\w-]){re.escape(key)}", sentence.text.lower())
            if not (inside or (mentions and not sentence.paragraph.pointer.startswith("/risks/"))):
                continue
            if _SUB_OUTCOME.search(sentence.text):
                continue  # "serious infections are rarer, under 1 in 1,000": a figure for part of the risk
            for other in found:
                if not other.overlaps(figure):
                    yield Hit(sentence.paragraph.pointer, f"{quoted(other.text)} disagrees with the rate given for "
                              f"\"{name}\" ({figure.text}): give one figure", index=sentence.start + other.start)
