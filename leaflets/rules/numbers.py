"""LN: numbers and risk. A frequency's band in words must match its number (the medicines
information convention), percentages need a "1 in N" form, ranges run low to high, and one risk
must not be given two different figures.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Iterable, Iterator
from typing import Any

from leaflets.bands import BAND_WORDS, BANDS, Figure, band_of, bands_for, computed_band, rate_figure  # noqa: F401
from leaflets.findings import Severity
from leaflets.rules.completeness import section_run
from leaflets.rules.context import Context, Passage, Sentence, quoted
from leaflets.rules.registry import Hit, rule
from leaflets.wording import one_in


def _number(text: str) -> float:
    return float(text.replace(",", ""))


_QUALIFIER = (r"(?:(?P<q>less\s+than|fewer\s+than|under|below|up\s+to|more\s+than|at\s+least|about|around|"
              r"approximately|roughly|nearly)\s+)?")
_PERCENT_UNIT = r"\s*(?:%|per\s*cent\b|percent\b)"
_NUM = r"\d+(?:\.\d+)?"
# The three forms of a figure, as written (case-blind): the rules search the digit-first forms made from them
# (_DIGIT_FIRST), so they are kept as text, not compiled at import (the speed tests compile them as the reference)
_RANGE_PERCENT = (rf"(?<![\w.])(?:between\s+)?(?P<a>{_NUM})(?:{_PERCENT_UNIT})?\s*(?:to|-|–|—|and)\s*"
                  rf"(?P<b>{_NUM}){_PERCENT_UNIT}")
_PERCENT = rf"{_QUALIFIER}(?<![\w.])(?P<p>{_NUM}){_PERCENT_UNIT}"
_ONE_IN = (rf"{_QUALIFIER}(?<![\w.])(?P<k>\d+)\s+in\s+(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+)(?![\d,]*\s*"
           r"(?:days?|weeks?|months?|years?|hours?|minutes?|mm|cm)\b)(?![\w.]\d)")
_DIGIT = re.compile(r"\d")
_BAND_WORD = re.compile(r"(?<![\w-])(very\s+common|very\s+rare|uncommon|common|rare)(?![\w-])", re.IGNORECASE)


@functools.cache
def _basis_lower_case() -> re.Pattern[str]:
    """_BASIS without re.IGNORECASE, for ASCII text lower-cased first: the same matches, 2-3x faster. Compiled
    on first use, not on import (~150 us). (figures() has lower-case forms of its own: _digit_first.)"""
    return re.compile(_BASIS.pattern, _BASIS.flags & ~re.IGNORECASE)


def _figure(low: float, high: float, qualifier: str | None, text: str, start: int) -> Figure:
    q = (qualifier or "").lower()
    if q.startswith(("less", "fewer", "under", "below", "up")):
        return Figure(0.0, high, text, start)
    if q.startswith(("more", "at")):  # a lower bound: "more than 9 in 10", "at least 1 in 20"
        return Figure(low, 100.0, text, start, at_least=True)
    return Figure(low, high, text, start, exact=low == high)


# The same three expressions started at their first digit, for figures(). Each of the three begins with
# an optional lead ("between", or a qualifier such as "less than"), so the engine tries that lead at every
# character of the text (~6 ns each); begun with a digit class, it skips to the digits in C. The look-behind
# that kept a figure out of a longer number or word now follows the first digit ("(?<![\w.]\d)": what
# stands before that digit), so the expression still starts with the class. The lead is then looked for
# behind the digit (_lead): the same matches, as figures()'s comment says why.
_FIRST_DIGITS = r"\d(?<![\w.]\d)\d*"  # "(?<![\w.])\d+" begun with its digit
_DIGIT_FIRST = (rf"(?P<a>{_FIRST_DIGITS}(?:\.\d+)?)(?:{_PERCENT_UNIT})?\s*(?:to|-|–|—|and)\s*(?P<b>{_NUM})"
                rf"{_PERCENT_UNIT}",
                rf"(?P<p>{_FIRST_DIGITS}(?:\.\d+)?){_PERCENT_UNIT}",
                _ONE_IN[_ONE_IN.index("(?P<k>"):].replace(r"(?P<k>\d+)", rf"(?P<k>{_FIRST_DIGITS})", 1))
_QUALIFIERS = ("less than", "fewer than", "under", "below", "up to", "more than", "at least", "about", "around",
               "approximately", "roughly", "nearly")  # _QUALIFIER's, in its order


def _backwards(phrases: Iterable[str]) -> re.Pattern[str]:
    """A lead (``phrases``, then white space) that ends where a reversed text starts, matched at its start: the
    words spelt backwards, last first. Case-blind, as the expressions of non-ASCII text are (an ASCII text is
    lower-cased, where case-blindness changes nothing)."""
    words = "|".join(r"\s+".join(word[::-1] for word in reversed(phrase.split())) for phrase in phrases)
    return re.compile(rf"\s+(?:{words})", re.IGNORECASE)


@functools.cache
def _digit_first() -> tuple[tuple[re.Pattern[str], ...], tuple[re.Pattern[str], ...], re.Pattern[str], re.Pattern[str]]:
    """(_DIGIT_FIRST for lower-cased ASCII text, the same case-blind for any other text, the qualifier
    backwards, "between" backwards); compiled on first use."""
    return (tuple(re.compile(p) for p in _DIGIT_FIRST), tuple(re.compile(p, re.IGNORECASE) for p in _DIGIT_FIRST),
            _backwards(_QUALIFIERS), _backwards(("between",)))


@functools.cache
def _natural_digit_first() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """_NATURAL begun at its first digit (its look-behind after that digit, as in _DIGIT_FIRST), so a search
    skips to the digits: the same matches. For lower-cased ASCII text without re.IGNORECASE, and for any
    other text with it; compiled on first use (only a sentence with a percentage needs it)."""
    pattern = _NATURAL.replace(r"(?<![\w.])\d", r"\d(?<![\w.]\d)", 1)
    return re.compile(pattern), re.compile(pattern, re.IGNORECASE)


def _lead(subject: str, digit: int, floor: int, backwards: re.Pattern[str]) -> int:
    """Where the lead ``backwards`` spells (a qualifier, "between") starts when it ends, with white space, just
    before ``digit``, and not before ``floor`` (the end of the expression's previous match: where its scan went
    on from); else ``digit``."""
    if digit <= floor or not subject[digit - 1].isspace():  # str.isspace is what \s matches
        return digit
    found = backwards.match(subject[floor:digit][::-1])
    return digit - found.end() if found else digit


def figures(text: str) -> list[Figure]:
    """Every frequency written in ``text``: percentages, ranges of them, and "1 in N".

    Found by _DIGIT_FIRST, each match's lead then looked for behind its first digit: the matches of
    _RANGE_PERCENT, _PERCENT and _ONE_IN, the same. Each of those matches its body at the first digit
    where the body matches (a lead is letters and spaces, so it cannot reach over a digit), which is where
    the digit-first expression matches it, with the same end: the scans go on from the same place. The
    lead is there, before that digit, when it ends with white space just before it and starts after the
    previous match; no lead is the end of another (none ends with a whole other one), so there is at most
    one. "between" also needs its look-behind where it starts (the expression's first assertion); without
    it, the range starts at its digit, as it did."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    lower = text.lower()
    lower_case, any_case, qualifier, between = _digit_first()
    if text.isascii():  # most text: matched lower-cased, without re.IGNORECASE (the same matches, faster)
        subject, (range_re, percent_re, one_in_re) = lower, lower_case
    else:
        subject, (range_re, percent_re, one_in_re) = text, any_case
    percent = "%" in text or "cent" in lower
    floor = 0
    for match in range_re.finditer(subject) if percent else ():
        start = _lead(subject, match.start(), floor, between)
        if start < match.start() and start and (subject[start - 1].isalnum() or subject[start - 1] in "_."):
            start = match.start()  # "between" inside a word or after a full stop: not the range's
        a, b = _number(match["a"]), _number(match["b"])
        found.append(Figure(min(a, b), max(a, b), text[start:match.end()], start))
        taken.append((start, match.end()))
        floor = match.end()
    floor = 0
    for match in percent_re.finditer(subject) if percent else ():
        start, floor = _lead(subject, match.start(), floor, qualifier), match.end()
        if any(s <= match.start("p") < e for s, e in taken):
            continue
        value = _number(match["p"])
        q = subject[start:match.start()] if start < match.start() else None
        found.append(_figure(value, value, q, text[start:match.end()], start))
    floor = 0
    for match in one_in_re.finditer(subject) if " in " in lower else ():
        start, floor = _lead(subject, match.start(), floor, qualifier), match.end()
        k, n = _number(match["k"]), _number(match["n"])
        if n and k <= n:
            value = 100 * k / n
            q = subject[start:match.start()] if start < match.start() else None
            found.append(_figure(value, value, q, text[start:match.end()], start))
    return sorted(found, key=lambda f: f.start)


def _ascii_digit_paragraphs(ctx: Context) -> dict[str, Passage]:
    """The paragraphs with a digit 0-9, by pointer, in reading order: a substring search for each digit over
    all the prose, in C, skipping to the end of each paragraph it finds. A scan of every character for a
    digit class costs ~6 ns a character (~50 us a leaflet), and only a few paragraphs hold a digit.

    The ten searches go on side by side: ``ahead`` holds where each digit is next found (the text's length
    when it is not). The nearest of them starts the next paragraph with a digit, which is located once, and
    only the searches that stopped inside it go on, from its end. A paragraph is then located once, not
    once for each different digit in it ("01632 960 456" holds eight)."""
    if "ascii digits" not in ctx.cache:
        text, found = ctx.joined, {}
        size = len(text)
        ahead = [at if at >= 0 else size for at in map(text.find, _DIGITS)]
        at = min(ahead)
        while at < size:  # in text order: reading order
            paragraph, index = ctx.locate(at)
            found[paragraph.pointer] = paragraph
            end = at - index + len(paragraph.text)
            for number, next_at in enumerate(ahead):
                if next_at < end:  # in this paragraph: on from its end
                    next_at = text.find(_DIGITS[number], end)
                    ahead[number] = next_at if next_at >= 0 else size
            at = min(ahead)
        ctx.cache["ascii digits"] = found
    return ctx.cache["ascii digits"]


_DIGITS = "0123456789"


def digit_paragraphs(ctx: Context) -> dict[str, Passage]:
    """The paragraphs with a digit of any script (what ``\\d`` matches): those with a digit 0-9, and any other
    that has a character outside ASCII and a digit (an ASCII string has no other digits); by pointer, in
    reading order. Found once for the LN rules and LH009 (phone numbers).

    A text that is not ASCII (a Welsh leaflet, or curly quotes) is first searched once, whole, for a digit
    that is not 0-9 (_OTHER_DIGIT); with none, which is nearly always so, the paragraphs are those with a
    digit 0-9, and no paragraph is searched alone."""
    if "digits" not in ctx.cache:
        digits = _ascii_digit_paragraphs(ctx)
        if not ctx.joined.isascii() and _OTHER_DIGIT.search(ctx.joined):
            digits = {p.pointer: p for p in ctx.paragraphs if p.pointer in digits or
                      (not p.text.isascii() and _DIGIT.search(p.text))}
        ctx.cache["digits"] = digits
    return ctx.cache["digits"]


# A digit outside 0-9 ("٣"): what \d matches besides them. It starts with the class, so a search skips to
# digits in C; the look-behind then turns down 0-9.
_OTHER_DIGIT = re.compile(r"\d(?<![0-9])")


def _digit_risks(ctx: Context) -> set[str]:
    """The risks (by pointer) with a paragraph of ``_risk_sentences`` among ``digit_paragraphs``: only their
    sentences can hold a figure."""
    if "digit risks" not in ctx.cache:
        ctx.cache["digit risks"] = {f"/risks/{parts[2]}" for parts in (p.split("/", 4) for p in digit_paragraphs(ctx))
                                    if len(parts) > 3 and parts[1] == "risks" and parts[3] != "frequency"}
    return ctx.cache["digit risks"]


def _sentence_figures(ctx: Context) -> list[tuple[Sentence, list[Figure]]]:
    if "figures" not in ctx.cache:  # only sentences with a digit can hold a figure: most have none
        digits = digit_paragraphs(ctx)
        ctx.cache["figures"] = [(s, figures(s.text)) for s in ctx.sentences
                                if s.paragraph.pointer in digits and _DIGIT.search(s.text)]
    return ctx.cache["figures"]


def _rate(ctx: Context, pointer: str, frequency: dict[str, Any]) -> Figure | None:
    """``rate_figure`` of the rate of ``frequency``, the one at ``pointer`` (a risk's or an outcome's
    ".../frequency"), made once per leaflet: LN001, LN004, LN005 and LN007 each ask for every risk's, and one
    costs ~5 us (a frozen dataclass). A Figure cannot change, so the rules can share it."""
    rates: dict[str, Figure | None] = ctx.cache.setdefault("rate figures", {})
    if pointer not in rates:
        rates[pointer] = rate_figure(frequency.get("rate"))
    return rates[pointer]


def rate_words(frequency: dict[str, Any]) -> str:
    """A structured frequency's figure in the words the English page shows ("up to 1 in 20 operations"),
    for messages: the finding quotes what the reader reads (leaflets.model.frequency_words)."""
    from leaflets.model import Rate, frequency_words

    try:
        rate = Rate(**frequency["rate"])
        return frequency_words(rate, None, "en", per=str(frequency.get("per", "people")))
    except (KeyError, TypeError, ValueError, ArithmeticError, AssertionError, AttributeError):
        return "the rate"


def _risks(ctx: Context) -> list[tuple[str, dict[str, Any]]]:
    """(pointer, risk) of each risk that is an object; listed once per leaflet in ``ctx.cache``: five LN rules
    walk them (no rule changes the data it reads)."""
    if "risk objects" not in ctx.cache:
        ctx.cache["risk objects"] = [(pointer, risk) for pointer, risk in ctx.items("/risks") if isinstance(risk, dict)]
    return ctx.cache["risk objects"]


def _frequencies(ctx: Context) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer, frequency) of every risk and every outcome: both are frequencies of the same form."""
    for key in ("/risks", "/outcomes"):
        for pointer, item in ctx.items(key):
            frequency = item.get("frequency") if isinstance(item, dict) else None
            if isinstance(frequency, dict):
                yield f"{pointer}/frequency", frequency


def _one_in(percent: float) -> str:
    """"1 in N" as the leaflet writes it (leaflets.wording.one_in), for messages: one rounding everywhere."""
    return f"1 in {one_in(percent):,}" if percent > 0 else "none"


@rule("LN001", "band-mismatch", Severity.ERROR, "A frequency's band in words does not match its number.",
      what="A risk's `frequency.band` against its `frequency.rate`, and any sentence that names a band (\"rare\", "
           "\"common\") beside a figure, using the convention medicines information uses: very common 1 in 10 or "
           "more, common 1 in 100 to 1 in 10, uncommon 1 in 1,000 to 1 in 100, rare 1 in 10,000 to 1 in 1,000, "
           "very rare less than 1 in 10,000. As docs/content-model.md picks them, a figure exactly on a boundary "
           "takes the higher band (\"about 1 in 100\" is common); an upper bound (\"less than\", \"up to\") takes "
           "the band of its upper end, as medicines information words it (\"up to 1 in 100\" and \"less than 1 in "
           "100\" are uncommon, \"up to 1 in 50\" common); a lower bound (\"at least\", \"more than\") the band of "
           "its lower end (\"more than 9 in 10\" is very common, \"at least 1 in 20\" common); a range every band "
           "it reaches into. Risks and outcomes alike. The band is optional: without it the leaflet shows the one "
           "worked out from the rate, or none for a range across a boundary.",
      why="Patients read the word before the number. A risk called \"rare\" that happens to 1 in 10 people "
          "is a risk they were misled about, and the same word must mean the same thing in every leaflet.",
      bad='"frequency": {"rate": {"kind": "up-to", "percent": 5}, "band": "rare"}',
      good='"frequency": {"rate": {"kind": "up-to", "percent": 5}, "band": "common"} (or leave the band out)')
def band_mismatch(ctx: Context) -> Iterable[Hit]:
    for pointer, frequency in _frequencies(ctx):
        band = frequency.get("band")
        if not isinstance(band, str) or band not in BANDS:
            continue
        figure = _rate(ctx, pointer, frequency)
        if figure and band not in bands_for(figure):
            yield Hit(f"{pointer}/band", f"\"{band}\" means {BAND_WORDS[band]}, but the rate is "
                      f"{figure.text} ({rate_words(frequency)}): use {' or '.join(sorted(bands_for(figure)))}, "
                      "or leave the band out and let it be worked out")
    for sentence, found in _sentence_figures(ctx):
        if len(found) != 1:
            continue
        lower = sentence.text.lower()
        if "rare" not in lower and "common" not in lower:
            continue  # no band word: substring tests in C before a case-blind expression
        words = {" ".join(m.group(1).lower().split()): m for m in _BAND_WORD.finditer(sentence.text)}
        if len(words) != 1:
            continue
        band, match = next(iter(words.items()))
        if band not in bands_for(found[0]):
            yield Hit(sentence.paragraph.pointer, f"\"{match.group(1)}\" means {BAND_WORDS[band]}, but this sentence "
                      f"gives {quoted(found[0].text)}: use {' or '.join(sorted(bands_for(found[0])))}",
                      index=sentence.start + match.start(), length=len(match.group()))


@rule("LN002", "percent-without-one-in-n", Severity.WARNING, "A percentage is given without a \"1 in N\" form.",
      what="Sentences with a percentage (\"5%\", \"2 per cent\") and no natural frequency beside it (\"1 in N\", "
           "\"95 of 100 cases\", \"5 to 10 in every 100\", \"9 out of 10 people\"). Structured rates are fine: the "
           "leaflet shows them as \"about 1 in 100\" for you.",
      why="Most people understand \"1 in 100 people\" better than \"1%\", and misjudge small percentages "
          "(0.1 % and 1 % feel alike). Natural frequencies are what risk-communication guidance recommends.",
      bad="Cement leaks in 5 to 10% of operations.",
      good="Cement leaks in between 1 in 20 and 1 in 10 operations (5 to 10 in every 100).")
def percent_without_one_in_n(ctx: Context) -> Iterable[Hit]:
    for sentence, _found in _sentence_figures(ctx):
        if "%" not in sentence.text and "cent" not in sentence.text.lower():
            continue  # no unit, no percentage: substring tests in C before four expressions
        bare = _bare_percent(sentence.text)
        if bare:
            start, text, example = bare
            yield Hit(sentence.paragraph.pointer, f"{quoted(text)} has no \"1 in N\" form: add it, e.g. \"{example}\"",
                      index=sentence.start + start)


def _bare_percent(text: str) -> tuple[int, str, str] | None:
    """(where, text, an example in words) of the first percentage in ``text`` (_RANGE_PERCENT's first match,
    else _PERCENT's) when the text has no "1 in N" (_ONE_IN) and no natural frequency (_NATURAL); else None.

    Found by their digit-first forms, as figures() finds them (the first match of each: none before it to
    start after), in lower case when the text is ASCII. Whether _ONE_IN or _NATURAL matches at all is
    whether its digit-first form does: a lead only moves a match's start."""
    lower_case, any_case, qualifier, between = _digit_first()
    if text.isascii():
        subject, (range_re, percent_re, one_in_re), natural = text.lower(), lower_case, _natural_digit_first()[0]
    else:
        subject, (range_re, percent_re, one_in_re), natural = text, any_case, _natural_digit_first()[1]
    percent, lead = range_re.search(subject), between
    if percent is None:
        percent, lead = percent_re.search(subject), qualifier
    if percent is None or one_in_re.search(subject) or natural.search(subject):
        return None
    start = _lead(subject, percent.start(), 0, lead)
    if lead is between and start < percent.start() and start and (subject[start - 1].isalnum()
                                                                  or subject[start - 1] in "_."):
        start = percent.start()  # "between" inside a word or after a full stop: not the range's (as in figures)
    if "p" in percent.groupdict():
        value = _number(percent["p"])
        example = f"{_one_in(value)} people ({value:g}%)" if value <= 50 else f"{value:g} in 100 people"
    else:
        low, high = sorted((_number(percent["a"]), _number(percent["b"])))
        example = f"between {_one_in(low)} and {_one_in(high)} people ({low:g} to {high:g}%)"
    return start, text[start:percent.end()].strip(), example


# A natural frequency in any of the forms real leaflets use: "95 of 100 cases", "5 to 10 in every 100",
# "9 out of 10 people", "1 in 20".
# (as text, case-blind: LN002 searches its digit-first form, _natural_digit_first)
_NATURAL = (r"(?<![\w.])\d[\d,]*(?:\s*(?:to|-|–|—|and)\s*\d[\d,]*)?\s+(?:in|of|out\s+of)\s+(?:every\s+)?"
            r"\d[\d,]*(?!\s*(?:days?|weeks?|months?|years?|hours?|minutes?|mm|cm)\b)(?![\w.]\d)")


# starts with a digit (the scan skips to digits quickly); "between" and the left edge are checked in code.
# The first number opens with one digit class, not an alternation ([1-9]...|0\....), which the engine
# cannot skip to (2x slower); the look-behinds then choose "12.5" or "0.5" as the alternation did.
# (Possessive digits in the first number, "\d*+(?:\.\d++)?+", were ~25 % faster on phone numbers, and
# wrong on Debian 12's Python 3.11.2, whose re kept the "." of "3. to 2" as part of the number: a bug in
# possessive groups fixed in a later 3.11 release. Plain quantifiers find the same ranges on every 3.11.)
_RANGE = re.compile(r"(?P<a>[0-9](?:(?<=[1-9])\d*(?:\.\d+)?|(?<=0)\.\d+))\s*(?P<unit_a>%)?\s*"
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
    for paragraph, index, match in ((p, m.start(), m) for p in _ascii_digit_paragraphs(ctx).values()
                                    for m in _RANGE.finditer(p.text)):  # a range needs a digit 0-9
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
                      "smaller number first", index=index, length=len(match.group()))


_SUB_OUTCOME = re.compile(r"\b(?:rarer|commoner|more\s+common|less\s+common|more\s+often|less\s+often|"
                          r"of\s+(?:these|them|those)|most\s+of|some\s+of|serious|severe|symptom\w*|permanent|"
                          r"lasting|long-term)\b",
                          re.IGNORECASE)


# "the operation stops the pain and infections it was causing in about 95% of people": a figure for how
# often the treatment works, in a sentence that names the risk only as what the operation ends. Compiled
# when first needed: only a sentence outside the risks naming a risk, with a figure, gets that far.
@functools.cache
def _benefit() -> re.Pattern[str]:
    return re.compile(r"\b(?:stops?|stopped|relieve[sd]?|prevents?|prevented|cures?|cured|clears?\s+up|"
                      r"gets?\s+rid\s+of|free\s+(?:of|from))\b", re.IGNORECASE)


@rule("LN004", "inconsistent-risk-figure", Severity.ERROR, "A risk is given two figures that disagree.",
      what="A figure written in a risk's own text, or in a sentence elsewhere that names the risk, that does not "
           "agree with the risk's `frequency.rate` (\"about\" figures are allowed half again either way); and two "
           "risks with the same name and different rates. Sentences about a part of the risk (\"serious\", "
           "\"rarer\", \"of these\", \"symptoms\") are left alone: they give a figure for a narrower outcome; so are "
           "sentences outside the risks that name it as what the operation stops, relieves or prevents (\"stops the "
           "infections in 95 in 100 people\"): the figure there is how often the treatment works.",
      why="When a leaflet says \"less than 1 in 100\" in one place and \"1 in 20\" in another, the patient cannot "
          "know which is true, and the consent they give rests on one of them.",
      bad='risk "Infection" with rate "less-than 1" and a description saying "Infection happens in about 1 in 20 '
          'people."',
      good="Give the figure once, in the rate, and let the text describe what the risk means.")
def inconsistent_risk_figure(ctx: Context) -> Iterable[Hit]:
    named: dict[str, tuple[str, Figure]] = {}
    for pointer, risk in _risks(ctx):
        frequency = risk.get("frequency")
        figure = _rate(ctx, f"{pointer}/frequency", frequency) if isinstance(frequency, dict) else None
        name = risk.get("name")
        if figure is None:
            continue
        key = " ".join(name.lower().split()) if isinstance(name, str) else ""
        if key in named and not named[key][1].overlaps(figure):
            yield Hit(f"{pointer}/frequency/rate", f"\"{name}\" is given {figure.text} here but {named[key][1].text} "
                      f"at {named[key][0]}: give one figure")
        named.setdefault(key, (pointer, figure))
        mentions: re.Pattern[str] | None = None
        for sentence, found in _sentence_figures(ctx):
            if not found:
                continue  # no figure to compare: nothing below can fire
            inside = sentence.paragraph.pointer.startswith(pointer + "/")
            if not inside:  # the name is looked for only outside the risks, and compiled once per risk
                if not key or sentence.paragraph.pointer.startswith("/risks/") or key not in sentence.text.lower():
                    continue
                mentions = mentions or re.compile(rf"(?<![\w-]){re.escape(key)}")
                if not mentions.search(sentence.text.lower()):
                    continue
            if _SUB_OUTCOME.search(sentence.text):
                continue  # "serious infections are rarer, under 1 in 1,000": a figure for part of the risk
            if not inside and _benefit().search(sentence.text):
                continue  # "stops the infections it was causing in 95 in 100": how often the operation works
            for other in found:
                if not other.overlaps(figure):
                    yield Hit(sentence.paragraph.pointer, f"{quoted(other.text)} disagrees with the rate given for "
                              f"\"{name}\" ({figure.text}): give one figure", index=sentence.start + other.start)


# Words that state how often, and the bands each may honestly describe. "Occasionally" is vague
# enough to fit three bands; "usually" and "most people" are left out (they describe recovery and
# treatment far more often than how often a risk happens).
FREQUENCY_WORDS: dict[str, frozenset[str]] = {
    "very rare": frozenset({"very rare", "rare"}),
    "very rarely": frozenset({"very rare", "rare"}),
    "extremely rare": frozenset({"very rare", "rare"}),
    "extremely rarely": frozenset({"very rare", "rare"}),
    "rare": frozenset({"very rare", "rare", "uncommon"}),
    "rarely": frozenset({"very rare", "rare", "uncommon"}),
    "seldom": frozenset({"very rare", "rare", "uncommon"}),
    "unusual": frozenset({"very rare", "rare", "uncommon"}),
    "very occasionally": frozenset({"very rare", "rare", "uncommon"}),
    "uncommon": frozenset({"rare", "uncommon"}),  # never common: it says "not common" (LN005's what)
    "occasionally": frozenset({"rare", "uncommon", "common"}),
    "common": frozenset({"common", "very common"}),
    "commonly": frozenset({"common", "very common"}),
    "often": frozenset({"common", "very common"}),
    "frequently": frozenset({"common", "very common"}),
    "very common": frozenset({"very common"}),
}
_FREQUENCY_WORD = re.compile(r"(?<![\w-])(?P<w>(?:very|extremely)\s+(?:rare(?:ly)?|common|occasionally)|rare(?:ly)?|"
                             r"seldom|unusual|uncommon|occasionally|common(?:ly)?|often|frequently)(?![\w-])",
                             re.IGNORECASE)
# "less common", "not common", "more often than": comparisons and denials say nothing about the band
_COMPARED = re.compile(r"(?:\b(?:less|more|most|least|not|no|how|as|fairly\s+un)\s+|n['’]t\s+)$", re.IGNORECASE)
_WHERE_AFTER = re.compile(r"^\s+(?:in|on|at|around|near|inside|under|behind|from|by|with|because|due)\b",
                          re.IGNORECASE)
_COMPARED_AFTER = re.compile(r"^\s+(?:than|as|in\s+(?:people|those|men|women|children|smokers))\b", re.IGNORECASE)
# "rarely needs an operation", "occasionally leads to a scar": how often a consequence or a treatment
# follows, once the risk has happened; "rarely happens" and "is rare" stay the risk's own frequency
_CONSEQUENCE_AFTER = re.compile(r"^\s+(?:needs?|needed|requires?|required|leads?\s+to|results?\s+in|causes?|"
                                r"lasts?|turns?\s+into|goes\s+on\s+to)\b", re.IGNORECASE)


_SECTION = operator.attrgetter("paragraph.section")
_PARAGRAPH_SECTION = operator.itemgetter(2)  # a Passage's section
_PARAGRAPH_TEXT = operator.itemgetter(1)  # a Passage's text


def _risk_number(sentence: Sentence) -> int:
    """The number of the risk a sentence of the risks section is in ("/risks/3/description" is in 3)."""
    parts = sentence.paragraph.pointer.split("/", 3)
    return int(parts[2]) if len(parts) > 2 else -1  # -1: "/risks" itself (a string: the schema's to report)


def _risk_sentences(ctx: Context, pointer: str) -> list[Sentence]:
    """The sentences of a risk's name, description and management (not its frequency note); ``pointer`` is
    a risk's, "/risks/<number>".

    Only the few risks a rule reads are looked up (those with a frequency word or a digit), each by two
    binary searches, not every sentence of the leaflet tested for every risk (quadratic) or grouped: the
    risks' sentences are one run of all (``section_run``), in which each risk's are a run in the order of
    their numbers (the paragraphs walk the list in order)."""
    found: dict[str, list[Sentence]] = ctx.cache.setdefault("risk sentences", {})
    if pointer not in found:
        if "risks run" not in ctx.cache:
            ctx.cache["risks run"] = section_run(ctx.sentences, "risks", _SECTION)
        run: list[Sentence] = ctx.cache["risks run"]
        number = int(pointer.rsplit("/", 1)[1])
        start = bisect.bisect_left(run, number, key=_risk_number)
        end = bisect.bisect_right(run, number, lo=start, key=_risk_number)
        found[pointer] = [sentence for sentence in run[start:end]
                          if (parts := sentence.paragraph.pointer.split("/", 4))[3:4] and parts[3] != "frequency"]
    return found[pointer]


def _worded_risks(ctx: Context) -> set[str]:
    """The risks (by pointer) with the stem of a frequency word (_FREQUENCY_STEMS) in a paragraph of
    ``_risk_sentences``, in any case: ``frequency_words`` finds nothing in the sentences of any other.

    Each stem is looked for by str.find in the risks' paragraphs joined by NUL and lower-cased, in C, and each
    place found is put in its paragraph by its offset; nearly every paragraph has none, so this is some
    thirty calls, not seven tests on each sentence. A sentence is part of its paragraph, so its lower case
    is part of the joined text's (a NUL changes no lower case beside it). When lower case makes the text
    longer (a rare "İ"), the offsets would not match: each paragraph is then tested alone."""
    if "worded risks" not in ctx.cache:
        paragraphs = section_run(ctx.paragraphs, "risks", _PARAGRAPH_SECTION)
        texts = list(map(_PARAGRAPH_TEXT, paragraphs))  # map() in C, not a generator for each paragraph
        starts = list(itertools.accumulate(map((1).__add__, map(len, texts)), initial=0))
        text = "\x00".join(texts).lower()
        holding: set[int] = set()  # indexes in ``paragraphs``
        if len(text) == starts[-1] - 1 or not paragraphs:
            for stem in _FREQUENCY_STEMS:
                at = text.find(stem)
                while at >= 0:
                    index = bisect.bisect_right(starts, at) - 1
                    holding.add(index)
                    at = text.find(stem, starts[index + 1])  # on from the next paragraph
        else:
            holding = {index for index, p in enumerate(paragraphs)
                       if any(stem in p.text.lower() for stem in _FREQUENCY_STEMS)}
        worded = set()
        for index in holding:
            parts = paragraphs[index].pointer.split("/", 4)
            if len(parts) > 3 and parts[3] != "frequency":
                worded.add(f"/risks/{parts[2]}")
        ctx.cache["worded risks"] = worded
    return ctx.cache["worded risks"]


def _risk_bands(ctx: Context, pointer: str, frequency: Any) -> set[str] | None:
    """The bands a risk's structured frequency (at ``pointer``) allows: its rate's, or a verbal-only band's (a
    band with no rate, whose note gives the reason for the word); None when it states neither."""
    if not isinstance(frequency, dict):
        return None
    if "rate" in frequency:
        figure = _rate(ctx, pointer, frequency)
        return bands_for(figure) if figure is not None else None
    band = frequency.get("band")
    return {band} if isinstance(band, str) and band in BANDS else None


_FREQUENCY_STEMS = ("rare", "common", "often", "occasional", "seldom", "unusual", "frequent")


def frequency_words(sentence: Sentence) -> Iterator[tuple[str, re.Match[str]]]:
    """(normalised word, match) for each frequency word a sentence uses as one, comparisons left out."""
    text = sentence.text
    lower = text.lower()
    # most sentences have none: substring tests in C before any regular expression, _FREQUENCY_STEMS written
    # out (a generator over them costs 3x as much)
    if not ("rare" in lower or "common" in lower or "often" in lower or "occasional" in lower or "seldom" in lower
            or "unusual" in lower or "frequent" in lower):
        return
    for match in _FREQUENCY_WORD.finditer(text):
        if _COMPARED.search(text[:match.start()]) or _COMPARED_AFTER.match(text[match.end():]):
            continue
        if text[:match.start()].rstrip().endswith(",") and text[match.end():].lstrip().startswith(","):
            continue  # "a clot can form and, rarely, travel to the lungs": how often a further step happens
        if _CONSEQUENCE_AFTER.match(text[match.end():]):
            continue  # "a haematoma rarely needs an operation": how often the treatment is needed
        if match["w"].lower() in ("often", "commonly", "frequently") and _WHERE_AFTER.match(text[match.end():]):
            continue  # "a clot forms in a deep vein, often in the leg": where, not how often
        yield " ".join(match["w"].lower().split()), match


@rule("LN005", "frequency-word-contradicts", Severity.ERROR,
      "A risk's text calls it rare or common when its figure says otherwise.",
      what="Frequency words (\"very rare\", \"rarely\", \"uncommon\", \"occasionally\", \"common\", \"often\") "
           "anywhere in a risk's name, description or management that do not fit the band of the risk's own figure "
           "(as LN001 defines the bands). Everyday words are looser than the bands, so a word may stand for the "
           "band next to its own where everyday English uses it so (\"rare\" for an uncommon risk, "
           "\"occasionally\" for a common one), but never for a band its own name denies: \"uncommon\" says "
           "\"not common\", so a risk of 1 in 100 or more is never uncommon, as in medicines information (at most "
           "1 in 100). Sentences that give a figure of their own are LN001's and LN004's; "
           "comparisons (\"less common\", \"more often than\"), sentences about part of the risk (\"serious\", "
           "\"permanent\") and words for how often a consequence follows (\"rarely needs an operation\", "
           "\"occasionally leads to a scar\") are left alone.",
      why="Patients remember the word, not the number. \"This is very rare\" next to a risk of 1 in 10 tells them "
          "the opposite of the figure, and they consent on the word.",
      bad='risk with "rate": {"kind": "about", "percent": 10} and the description "This is very rare."',
      good='"This happens to about 1 in 10 people." (or correct the figure if the word was right)')
def frequency_word_contradicts(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in _risks(ctx):
        allowed = _risk_bands(ctx, f"{pointer}/frequency", risk.get("frequency"))
        if not allowed or pointer not in _worded_risks(ctx):
            continue  # no figure to hold the words to, or no frequency word
        for sentence in _risk_sentences(ctx, pointer):
            used = list(frequency_words(sentence))
            if not used or _SUB_OUTCOME.search(sentence.text):
                continue
            if _DIGIT.search(sentence.text) and figures(sentence.text):
                continue  # a figure of its own: LN001 compares the word with it, LN004 the figure with the rate
            for word, match in used:
                if not FREQUENCY_WORDS[word] & allowed:
                    yield Hit(sentence.paragraph.pointer, f"\"{match['w']}\" does not fit this risk's figure "
                              f"({' or '.join(sorted(allowed))}): use a word that fits, or give the figure",
                              index=sentence.start + match.start())


_BASIS = re.compile(r"\b(?:expert|opinion|experience|surgeons?\s+(?:say|describe|find|report)|describe[sd]?|"
                    r"reports?|reported|studies|trials?|audit|our\s+(?:team|unit|figures))\b", re.IGNORECASE)


def _has_basis(note: str) -> bool:
    """Whether a frequency note says what a word rests on (_BASIS). An ASCII note is lower-cased and first tested,
    in C, for the text one of _BASIS's phrases must hold: one of its first words ("surgeons" with the verbs
    not listed on their own, "say" or "find"), or "our" at the start of a word with "team", "unit" or
    "figures" ("your team" is not "our team"). The expression starts with no literal the engine could skip
    to, so it is tried at every character (~10 us a note), and most notes ("Ask your surgeon how often...")
    hold none of them."""
    if not note.isascii():
        return bool(_BASIS.search(note))
    lower = note.lower()
    if not ("expert" in lower or "opinion" in lower or "experience" in lower or "describe" in lower
            or "report" in lower or "studies" in lower or "trial" in lower or "audit" in lower
            or ("surgeon" in lower and ("say" in lower or "find" in lower))
            or (("team" in lower or "unit" in lower or "figures" in lower) and _starts_a_word(lower, "our"))):
        return False
    return bool(_basis_lower_case().search(lower))


def _starts_a_word(text: str, word: str) -> bool:
    """Whether ``word`` is in ASCII ``text`` where ``\\b`` would let it start (str.find: no regex scan)."""
    at = text.find(word)
    while at >= 0:
        if not at or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            return True
        at = text.find(word, at + 1)
    return False


@rule("LN006", "verbal-frequency-without-basis", Severity.WARNING,
      "A risk is called rare or common with no figure and no reason for the word.",
      what="A risk whose frequency has no `rate` but whose name, description or management "
           "still calls it \"rare\", \"common\", \"occasionally\" and the like, while the frequency `note` does not "
           "say what the word rests on (expert opinion, the team's own audit, reports); and a band given without a "
           "rate (a verbal-only frequency) whose note does not say what the band rests on.",
      why="Patients read \"rare\" as a number, and different people put it anywhere from 1 in 20 to 1 in 10,000. "
          "A word with no figure and no source behind it is a guess the patient cannot weigh.",
      bad='"frequency": {"note": "No figure."} and the description "This is rare."',
      good='"frequency": {"band": "rare", "note": "The sources we used give no figure; our surgeons describe it as '
           'rare (expert opinion)."}')
def verbal_frequency_without_basis(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in _risks(ctx):
        frequency = risk.get("frequency")
        if not isinstance(frequency, dict) or "rate" in frequency:
            continue
        note = frequency.get("note")
        if isinstance(note, str) and _has_basis(note):
            continue
        band = frequency.get("band")
        if isinstance(band, str) and isinstance(note, str):
            yield Hit(f"{pointer}/frequency/note", f"the band \"{band}\" is given with no figure, but the note does "
                      "not say what the word rests on: say so (e.g. expert opinion, our own audit), or give the figure")
            continue
        if pointer not in _worded_risks(ctx):
            continue  # no frequency word in its sentences
        for sentence in _risk_sentences(ctx, pointer):
            found = next(frequency_words(sentence), None)
            if found:
                yield Hit(sentence.paragraph.pointer, f"\"{found[1]['w']}\" gives this risk a frequency, but it has no "
                          "figure: give one, or say in the frequency note what the word rests on (e.g. expert "
                          "opinion)", index=sentence.start + found[1].start())
                break  # once per risk


@rule("LN007", "figure-without-rate", Severity.ERROR, "A risk's text gives a figure its frequency does not state.",
      what="A figure (\"about 3 in 100 people\", \"2%\") in the name, description or management of a risk whose "
           "`frequency` has no rate. (A figure that differs from a stated rate is LN004.)",
      why="The structured frequency is what a reviewer checks against the sources. A figure only in the text was "
          "never checked, and the frequency then says \"no figure\" while the text gives one.",
      bad='"frequency": {"note": "..."} and the description "This happens to about 3 in 100 people."',
      good='Move the figure into "frequency" as a rate, with its source, or remove it.')
def figure_without_rate(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in _risks(ctx):
        frequency = risk.get("frequency")
        if not isinstance(frequency, dict) or _rate(ctx, f"{pointer}/frequency", frequency) is not None:
            continue
        if pointer not in _digit_risks(ctx):
            continue  # none of its paragraphs has a digit (most risks): no sentence below would be looked at
        digits = digit_paragraphs(ctx)
        for sentence in _risk_sentences(ctx, pointer):
            if sentence.paragraph.pointer not in digits or not _DIGIT.search(sentence.text):
                continue
            for found in figures(sentence.text):
                yield Hit(sentence.paragraph.pointer, f"{quoted(found.text)} is a figure, but this risk's frequency "
                          "states none: put it in \"frequency\" with its source, or remove it",
                          index=sentence.start + found.start)
