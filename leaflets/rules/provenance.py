"""LN008–LN012: provenance of figures. Each figure (a risk's or an outcome's rate) may cite the source it
comes from and quote the passage that gives it; when the source's text is kept beside the leaflet (its
``copy``, a .txt file in the leaflet's folder), the passage must be in that text and the figure in the
passage.

A reviewer who signs off a leaflet checks its numbers against the sources. With a cited, quoted and
copied source the tool does the mechanical half of that check on every run: a figure mistyped while
writing, a quote edited since, or a source page replaced by a newer one that no longer says the same
thing shows up as a finding, not as a wrong number handed to a patient.

The copy is read only inside the leaflet's folder (no absolute paths, no "..", no link that leads out),
only when it is an ordinary file of at most MAX_COPY_BYTES, and only as UTF-8; anything else is an
LN010 finding naming the file, never an exception. Each copy is read once per leaflet.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from leaflets.findings import Severity
from leaflets.rules.context import Context, quoted
from leaflets.rules.registry import Hit, rule

MAX_COPY_BYTES = 1024 * 1024  # as a leaflet (LF002): a web page's text is far smaller

# --- reading the figures ------------------------------------------------------------------------------


class Cited(NamedTuple):
    """One figure of the leaflet: where its frequency is, its rate and its cite (either may be ill-typed)."""

    pointer: str  # the frequency
    rate: dict[str, Any]
    cite: Any


def _figures(ctx: Context) -> list[Cited]:
    """Every frequency with a rate: the risks' and the outcomes' (a frequency with no rate is no figure).
    Found once per leaflet and kept in ``ctx.cache``: four rules ask."""
    if "cited figures" not in ctx.cache:
        ctx.cache["cited figures"] = list(_walk_figures(ctx))
    return ctx.cache["cited figures"]


def _walk_figures(ctx: Context) -> Iterator[Cited]:
    for section in ("/risks", "/outcomes"):
        for pointer, item in ctx.items(section):
            frequency = item.get("frequency") if isinstance(item, dict) else None
            if isinstance(frequency, dict) and isinstance(frequency.get("rate"), dict):
                yield Cited(f"{pointer}/frequency", frequency["rate"], frequency.get("cite"))


def _percent(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def describe(rate: dict[str, Any]) -> str:
    """The rate as a reviewer reads it: "less than 1 %", "between 5 % and 10 %"."""
    kind = rate.get("kind")
    if kind == "between":
        low, high = _percent(rate.get("percent_from")), _percent(rate.get("percent_to"))
        return f"between {low:g} % and {high:g} %" if low and high else "a range"
    value = _percent(rate.get("percent"))
    words = {"about": "about", "up-to": "up to", "less-than": "less than", "at-least": "at least",
             "more-than": "more than"}.get(kind if isinstance(kind, str) else "", "")
    return f"{words} {value:g} %".strip() if value else "a figure"


# --- finding a figure in a quote ----------------------------------------------------------------------
# The expressions are kept as text and compiled (once, by _re) when a quote is first read for a figure:
# most leaflets quote no source, and compiling them all took ~4 ms of every process's start.

_UNITS = ("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
          "seventeen eighteen nineteen").split()
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_WORD_VALUES = {word: value for value, word in enumerate(_UNITS)} | _TENS
_SCALES = {"hundred": 100, "thousand": 1000}
_NUMBER_WORD = "|".join([*_WORD_VALUES, *_SCALES])
_NUMBER_WORDS = rf"\b(?:{_NUMBER_WORD})(?:(?:\s+|-)(?:{_NUMBER_WORD}))*\b"
_A_SCALE = r"\ban?\s+(?=(?:hundred|thousand)\b)"  # "one in a hundred"
_THOUSANDS = r"(?<=\d),(?=\d{3}\b)"
_SYMBOLS = (("≤", " up to "), ("<", " less than "), ("≥", " at least "), (">", " more than "))
_PER_CENT = r"\s*\b(?:per\s*cent|percent)\b|\s*%"
_NUM = r"(\d+(?:\.\d+)?)"
_RANGE_PERCENT = rf"{_NUM}\s*%?\s*(?:-|to|and)\s*{_NUM}%"
_PERCENT = rf"{_NUM}%"
_TIME = r"(?![\d,]*\s*(?:days?|weeks?|months?|years?|hours?|minutes?|mm|cm)\b)"
_RANGE_NATURAL = rf"{_NUM}\s*(?:-|to|and)\s*{_NUM}\s+(?:in|of|out\s+of)\s+(?:every\s+)?(\d+){_TIME}"
_NATURAL = rf"{_NUM}\s+(?:in|of|out\s+of)\s+(?:every\s+)?(\d+){_TIME}"
_UPPER = (r"\b(?:less\s+than|fewer\s+than|under|below|up\s+to|at\s+most|as\s+many\s+as|no\s+more\s+than|"
          r"maximum\s+of)\s*$")
_LOWER = r"\b(?:more\s+than|greater\s+than|over|above|at\s+least|minimum\s+of)\s*$"


@functools.cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _number_words(match: re.Match[str]) -> str:
    total = current = 0
    for word in re.split(r"[\s-]+", match.group()):
        if word in _SCALES:
            if word == "thousand":
                total, current = total + (current or 1) * 1000, 0
            else:
                current = (current or 1) * 100
        else:
            current += _WORD_VALUES[word]
    return str(total + current)


def _normal_figures(text: str) -> str:
    """Lower case, number words as digits ("one in twenty" → "1 in 20"), "<" as "less than", "per cent" as %."""
    text = text.lower()
    for symbol, words in _SYMBOLS:
        text = text.replace(symbol, words)
    text = _re(_THOUSANDS).sub("", text.replace("–", "-").replace("—", "-"))
    if any(word in text for word in _WORD_VALUES) or "hundred" in text or "thousand" in text:
        text = _re(_NUMBER_WORDS).sub(_number_words, _re(_A_SCALE).sub("one ", text))
    return _re(_PER_CENT).sub("%", text)


class Stated(NamedTuple):
    """A figure a quote states, as a percentage; ``natural`` for "1 in 20" (compared after rounding);
    ``bound`` "upper" for "less than", "up to"…, "lower" for "more than", "at least"…, or ""."""

    percent: float
    natural: bool
    bound: str


def stated_figures(text: str) -> list[Stated]:
    """Every figure ``text`` states: percentages ("5%", "5 per cent"), ranges of them ("5-10%"), natural
    frequencies ("1 in 20", "5 in every 100", "one in twenty") and their ranges ("5 to 10 in 100")."""
    text = _normal_figures(text)
    out: list[Stated] = []
    taken: list[tuple[int, int]] = []

    def bound(start: int) -> str:
        before = text[max(0, start - 24):start]
        return "upper" if _re(_UPPER).search(before) else "lower" if _re(_LOWER).search(before) else ""

    def free(span: tuple[int, int]) -> bool:
        return not any(s < span[1] and span[0] < e for s, e in taken)

    for match in _re(_RANGE_PERCENT).finditer(text):
        out += [Stated(float(match[1]), False, bound(match.start())), Stated(float(match[2]), False, "")]
        taken.append(match.span())
    for match in _re(_PERCENT).finditer(text):
        if free(match.span()):
            out.append(Stated(float(match[1]), False, bound(match.start())))
    for match in _re(_RANGE_NATURAL).finditer(text):
        whole = float(match[3])
        if text[:match.start()].endswith((" in ", " of ")):
            continue  # "1 in 20 and 1 in 10": two figures, not the range "20 and 1 in 10"
        if whole and float(match[1]) <= float(match[2]) <= whole:
            out += [Stated(100 * float(match[1]) / whole, True, bound(match.start())),
                    Stated(100 * float(match[2]) / whole, True, "")]
            taken.append(match.span())
    for match in _re(_NATURAL).finditer(text):
        whole = float(match[2])
        if free(match.span()) and whole and float(match[1]) <= whole:
            out.append(Stated(100 * float(match[1]) / whole, True, bound(match.start())))
    return out


def _same(stated: Stated, percent: float) -> bool:
    """A percentage is the rate exactly; a natural frequency is, rounded as the rate is written ("1 in 3"
    is 33 % and 33.3 %; "1 in 12" is 8 % and 8.3 %)."""
    if not stated.natural:
        return abs(stated.percent - percent) < 1e-9
    decimals = len(f"{percent:g}".partition(".")[2])
    return round(stated.percent, decimals) == round(percent, decimals)


def figure_in(rate: dict[str, Any], text: str) -> bool | None:
    """Whether ``text`` states ``rate`` (None when the rate is incomplete: the schema reports it). "About"
    takes the figure with no bound; "less than" and "up to" with an upper one ("< 1%", "under 1 in 100"),
    "more than" and "at least" with a lower one; "between" needs both ends."""
    kind = rate.get("kind")
    found = stated_figures(text)
    if kind == "between":
        low, high = _percent(rate.get("percent_from")), _percent(rate.get("percent_to"))
        if low is None or high is None:
            return None
        return any(_same(s, low) for s in found) and any(_same(s, high) for s in found)
    value = _percent(rate.get("percent"))
    want = {"about": "", "less-than": "upper", "up-to": "upper", "more-than": "lower", "at-least": "lower"}.get(
        kind if isinstance(kind, str) else "")
    if value is None or want is None:
        return None
    return any(_same(s, value) and s.bound == want for s in found)


# --- reading the copies -------------------------------------------------------------------------------

_TYPOGRAPHY = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"',
                             "″": '"', "–": "-", "—": "-", "‒": "-", "―": "-", "−": "-", "‐": "-", "‑": "-",
                             "\u00a0": " ", "\u202f": " ", "\u2009": " "})


def normal_text(text: str) -> str:
    """Text as a quote is compared: typographic quotes and dashes made plain, every run of white space one
    space; capitals and everything else as written."""
    return " ".join(text.translate(_TYPOGRAPHY).replace("…", "...").split())


class Copy(NamedTuple):
    """A source's text copy: its normalised text, or the problem that stopped it being read."""

    name: str  # as the leaflet names it (e.g. "sources/page.txt")
    text: str | None
    problem: str


def read_copy(folder: Path, name: str) -> Copy:
    """The copy ``name`` in the leaflet folder ``folder``, read only when it is an ordinary UTF-8 file of
    at most MAX_COPY_BYTES inside that folder (a link is followed only as far as the folder)."""
    relative = PurePosixPath(name)
    if "\\" in name or relative.is_absolute() or ".." in relative.parts or not relative.parts:
        return Copy(name, None, "must be a path inside the leaflet's folder, e.g. \"sources/page.txt\"")
    target = folder.joinpath(*relative.parts)
    try:
        real, home = Path(os.path.realpath(target)), Path(os.path.realpath(folder))
        if not real.is_relative_to(home):
            return Copy(name, None, "leads outside the leaflet's folder (through a link): keep the copy itself "
                                    "in the folder")
        info = os.stat(real)
        if not stat.S_ISREG(info.st_mode):
            return Copy(name, None, "is not an ordinary file")
        if info.st_size > MAX_COPY_BYTES:
            return Copy(name, None, f"is {info.st_size:,} bytes, over the {MAX_COPY_BYTES:,}-byte limit for a "
                                    "source's text copy: keep only the text of the source")
        with open(real, "rb") as handle:
            raw = handle.read(MAX_COPY_BYTES + 1)
    except FileNotFoundError:
        return Copy(name, None, f"does not exist (looked for {target})")
    except OSError as exc:
        return Copy(name, None, f"cannot be read: {exc.strerror or exc}")
    if len(raw) > MAX_COPY_BYTES:
        return Copy(name, None, f"is over the {MAX_COPY_BYTES:,}-byte limit for a source's text copy")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Copy(name, None, f"is not UTF-8 text (byte {exc.start + 1} is not): save it as UTF-8")
    return Copy(name, normal_text(text), "")


def _copies(ctx: Context) -> dict[int, Copy]:
    """The copy of each source that names one, by 1-based source number; read once per leaflet."""
    if "source copies" not in ctx.cache:
        copies: dict[int, Copy] = {}
        path = getattr(ctx.doc, "path", None)
        folder = Path(path).parent if path else None
        for number, (_, source) in enumerate(ctx.items("/sources"), start=1):
            name = source.get("copy") if isinstance(source, dict) else None
            if isinstance(name, str) and folder is not None:
                copies[number] = read_copy(folder, name)
        ctx.cache["source copies"] = copies
    return ctx.cache["source copies"]


def _cite(cited: Cited) -> tuple[int, str] | None:
    """(source number, quote) of a well-formed cite, else None (the schema reports a malformed one)."""
    cite = cited.cite
    if not isinstance(cite, dict):
        return None
    number, quote = cite.get("source"), cite.get("quote")
    if isinstance(number, bool) or not isinstance(number, int) or number < 1 or not isinstance(quote, str):
        return None
    return number, quote


def _sources(ctx: Context) -> int:
    sources = ctx.get("/sources")
    return len(sources) if isinstance(sources, list) else 0


# --- the rules ----------------------------------------------------------------------------------------


@rule("LN008", "figure-without-citation", Severity.INFO, "A figure does not cite the source it comes from.",
      what="A risk's or an outcome's `frequency` with a `rate` but no `cite` (the source's number in `sources`, "
           "1 for the first, and the passage that gives the figure, quoted word for word). A note by default; a "
           "project that requires every figure to be traced makes it an error in its configuration, "
           "`leaflets.toml`: `[severity]` then `LN008 = \"error\"` (in pyproject.toml: `[tool.leaflets.severity]`).",
      why="A reviewer signs off the numbers by finding each one in a source. A figure that says where it comes "
          "from, in the source's own words, can be checked in a minute today and again at every review; one "
          "that does not has to be hunted for, and an invented or mistyped number looks the same as a real one.",
      bad='"frequency": {"rate": {"kind": "less-than", "percent": 1}}',
      good='"frequency": {"rate": {"kind": "less-than", "percent": 1}, "cite": {"source": 1, "quote": "Infection: '
           'Less than 1%"}}')
def figure_without_citation(ctx: Context) -> Iterable[Hit]:
    for cited in _figures(ctx):
        if cited.cite is None:
            yield Hit(cited.pointer, f"this figure ({describe(cited.rate)}) does not say where it comes from: add "
                      "\"cite\": {\"source\": N, \"quote\": \"…\"} with the source's number and the passage that "
                      "gives it")


@rule("LN009", "citation-source-missing", Severity.ERROR, "A figure cites a source the leaflet does not list.",
      what="A `cite.source` larger than the number of entries in `sources` (1 is the first source).",
      why="The citation is what a reviewer follows to check the figure. One that points past the list leads "
          "nowhere: usually a source was removed or the list reordered, and the figure may now rest on nothing.",
      bad='two sources and "cite": {"source": 3, "quote": "..."}',
      good='"cite": {"source": 2, "quote": "..."} naming the second source, the one that gives the figure')
def citation_source_missing(ctx: Context) -> Iterable[Hit]:
    count = _sources(ctx)
    for cited in _figures(ctx):
        cite = _cite(cited)
        if cite and cite[0] > count:
            listed = f"lists {count} source{'s' if count != 1 else ''}" if count else "lists no sources"
            yield Hit(f"{cited.pointer}/cite/source", f"this figure cites source {cite[0]}, but the leaflet {listed}: "
                      "cite the source that gives the figure (1 is the first in \"sources\")")


@rule("LN010", "source-copy-unreadable", Severity.ERROR, "A source's text copy cannot be read.",
      what="A source's `copy` that is not an ordinary UTF-8 text file inside the leaflet's folder: missing, a path "
           f"that leads outside the folder (\"..\", an absolute path, a link out), larger than {MAX_COPY_BYTES:,} "
           "bytes, or not UTF-8.",
      why="The copy is what quotes are checked against. One that cannot be read checks nothing while the leaflet "
          "looks as if it had been checked; one outside the folder is not kept, reviewed and versioned with the "
          "leaflet.",
      bad='"copy": "sources/page.txt" with no such file beside the leaflet',
      good='"copy": "sources/page.txt", and the source\'s text saved as UTF-8 in <id>/sources/page.txt')
def source_copy_unreadable(ctx: Context) -> Iterable[Hit]:
    for number, copy in _copies(ctx).items():
        if copy.text is None:
            yield Hit(f"/sources/{number - 1}/copy", f"the copy {quoted(copy.name)} of source {number} {copy.problem}")


@rule("LN011", "quote-not-in-source", Severity.ERROR, "A figure's quoted passage is not in the source's copy.",
      what="A `cite.quote` that does not appear in the text copy of the source it cites (when that source has a "
           "`copy`). White space, typographic quotes and dashes are compared loosely (\"5–10%\" matches "
           "\"5-10%\"); capitals and every other character must be as in the source.",
      why="A quote is evidence only if the source says it. A passage paraphrased, misremembered or taken from "
          "another page looks like evidence and is not; and when a source is updated, its copy changes and the "
          "quotes that no longer hold show up here.",
      bad='"quote": "Infection happens in under 1% of cases" when the source says "Infection: Less than 1%"',
      good='"quote": "Infection: Less than 1%", copied from the source\'s text')
def quote_not_in_source(ctx: Context) -> Iterable[Hit]:
    copies = _copies(ctx)
    for cited in _figures(ctx):
        cite = _cite(cited)
        copy = copies.get(cite[0]) if cite else None
        if cite is None or copy is None or copy.text is None:
            continue  # no copy to check against (LN010 reports an unreadable one)
        quote = normal_text(cite[1])
        if quote and quote not in copy.text:
            yield Hit(f"{cited.pointer}/cite/quote", f"this passage is not in {copy.name}, the copy of source "
                      f"{cite[0]}{_divergence(quote, copy.text)}: quote the source word for word")


def _divergence(quote: str, text: str) -> str:
    """Where the quote stops matching: the longest run of its first words that the copy holds (a prefix
    found implies every shorter one is, so a binary search finds it)."""
    words = quote.split()
    low, high = 0, len(words)
    while low < high:
        middle = (low + high + 1) // 2
        if " ".join(words[:middle]) in text:
            low = middle
        else:
            high = middle - 1
    if low == 0:
        return ""
    return f" (it matches as far as {quoted(' '.join(words[max(0, low - 6):low]), 50)}, then differs)"


@rule("LN012", "figure-not-in-quote", Severity.ERROR, "A figure's quoted passage does not give that figure.",
      what="A `cite.quote` that does not state the figure's rate: for \"about 5\" the figure as \"5%\", \"5 per "
           "cent\" or a natural frequency (\"1 in 20\", \"5 in 100\", \"one in twenty\"); for \"less than\" and "
           "\"up to\" the figure after \"less than\", \"under\", \"up to\" or \"<\"; for \"more than\" and \"at "
           "least\" after \"more than\", \"over\", \"at least\" or \">\"; for \"between\" both ends (\"5-10%\", "
           "\"5 to 10 in 100\").",
      why="The passage must be the evidence for the number, not for a neighbouring one: a quote about serious "
          "leaks cited for all leaks, or a figure retyped as 10 from a source that says 1, passes every other "
          "check and misleads the patient.",
      bad='rate {"kind": "between", "percent_from": 5, "percent_to": 10} citing "symptomatic leaks are much rarer '
          '(less than 1%)"',
      good='citing "Cement leakage is the specific complication of this procedure, occurring in 5-10% of cases."')
def figure_not_in_quote(ctx: Context) -> Iterable[Hit]:
    for cited in _figures(ctx):
        cite = _cite(cited)
        if cite and figure_in(cited.rate, cite[1]) is False:
            yield Hit(f"{cited.pointer}/cite/quote", f"this passage does not give the figure ({describe(cited.rate)}): "
                      "quote the passage that states it, or correct the rate")
