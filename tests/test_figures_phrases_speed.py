"""The shortcuts taken for speed in the figures of leaflets.rules.numbers and in the phrase lists find exactly
what the plain code found.

Each is compared with a reference (the code as it was written before it) on every string of every leaflet the
project has, and on text made to sit on its edge: figures found from their first digit with the qualifier or
"between" then looked for behind it (inside a word, across new lines, in capitals, with a long s that only a
case-blind match takes, straight after a previous figure, after a full stop), a percentage without a "1 in N"
(LN002) found the same way, the paragraphs with a digit found by ten searches side by side, a risk's rate
made once and shared, and a phrase list's entries of one-word triggers taken without their trigger test.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT

from leaflets import content
from leaflets.bands import Figure, rate_figure
from leaflets.config import Config
from leaflets.rules import numbers
from leaflets.rules.context import Context
from leaflets.rules.data import phrases
from leaflets.walk import texts

TODAY = dt.date(2026, 6, 1)
LEAFLETS = sorted(ROOT.glob("content/*/*.json")) + sorted(FIXTURES.glob("corpus*/*/*.json"))
RULE_FIXTURES = sorted(FIXTURES.glob("rules/**/*.json"))


# the three forms of a figure and the natural frequency as numbers.py writes them, compiled: the reference
REFERENCE_RANGE_PERCENT = re.compile(numbers._RANGE_PERCENT, re.IGNORECASE)
REFERENCE_PERCENT = re.compile(numbers._PERCENT, re.IGNORECASE)
REFERENCE_ONE_IN = re.compile(numbers._ONE_IN, re.IGNORECASE)
REFERENCE_NATURAL = re.compile(numbers._NATURAL, re.IGNORECASE)


def every_leaflet() -> Iterator[Context]:
    for path in LEAFLETS + RULE_FIXTURES:
        doc = content.load(path)
        if doc.usable:
            yield Context(doc, Config().thresholds, TODAY)


def parsed(data: dict[str, Any]) -> Context:
    path = Path("leaflet-x/en.json")
    doc = content.parse(content.Document(path=path, display=str(path)),
                        json.dumps(data, ensure_ascii=False).encode("utf-8"))
    assert doc.usable, doc.findings
    return Context(doc, Config().thresholds, TODAY)


# --- the references: the code before the shortcuts --------------------------------------------------------

def reference_figures(text: str) -> list[Figure]:
    """figures() as it was: the three expressions with their leads, case-blind, over the text."""
    found: list[Figure] = []
    taken: list[tuple[int, int]] = []
    lower = text.lower()
    percent = "%" in text or "cent" in lower
    for match in REFERENCE_RANGE_PERCENT.finditer(text) if percent else ():
        a, b = numbers._number(match["a"]), numbers._number(match["b"])
        found.append(Figure(min(a, b), max(a, b), text[match.start():match.end()], match.start()))
        taken.append(match.span())
    for match in REFERENCE_PERCENT.finditer(text) if percent else ():
        if any(s <= match.start("p") < e for s, e in taken):
            continue
        value = numbers._number(match["p"])
        found.append(numbers._figure(value, value, match["q"], text[match.start():match.end()], match.start()))
    for match in REFERENCE_ONE_IN.finditer(text) if " in " in lower else ():
        k, n = numbers._number(match["k"]), numbers._number(match["n"])
        if n and k <= n:
            value = 100 * k / n
            found.append(numbers._figure(value, value, match["q"], text[match.start():match.end()], match.start()))
    return sorted(found, key=lambda f: f.start)


def reference_bare_percent(text: str) -> tuple[int, str, str] | None:
    """LN002's test of a sentence as it was."""
    percent = REFERENCE_RANGE_PERCENT.search(text) or REFERENCE_PERCENT.search(text)
    if percent and not REFERENCE_ONE_IN.search(text) and not REFERENCE_NATURAL.search(text):
        if "p" in percent.groupdict():
            value = numbers._number(percent["p"])
            example = f"{numbers._one_in(value)} people ({value:g}%)" if value <= 50 else f"{value:g} in 100 people"
        else:
            low, high = sorted((numbers._number(percent["a"]), numbers._number(percent["b"])))
            example = f"between {numbers._one_in(low)} and {numbers._one_in(high)} people ({low:g} to {high:g}%)"
        return percent.start(), percent.group().strip(), example
    return None


def reference_digit_paragraphs(ctx: Context) -> dict[str, Any]:
    """_ascii_digit_paragraphs as it was: each digit searched alone, each paragraph located for each digit."""
    text, found = ctx.joined, {}
    for digit in "0123456789":
        at = text.find(digit)
        while at >= 0:
            paragraph, index = ctx.locate(at)
            found[at - index] = paragraph
            at = text.find(digit, at - index + len(paragraph.text))
    return {found[start].pointer: found[start] for start in sorted(found)}


def reference_matches(name: str, table: str, ctx: Context) -> list[tuple[str, str, int, str]]:
    """PhraseList.matches as it was: every picked entry's triggers tested."""
    plist = phrases(name, table)
    lower, vocabulary = ctx.joined_lower, ctx.vocabulary
    always, by_word, _one_word = plist._index
    picked = set(always)
    for word in vocabulary.intersection(by_word):
        picked.update(by_word[word])
    out = []
    for entry in (plist.entries[n] for n in sorted(picked)):
        if entry.triggers and not any((first is None or first in vocabulary) and
                                      (t == first or vocabulary.issuperset(inner) and t in lower)
                                      for first, t, inner in entry.triggers):
            continue
        for paragraph, index, match in ctx.matches(entry.regex, lower=True, word_start=True):
            out.append((entry.label, paragraph.pointer, index, match.group()))
    return out


def shown(found: Iterator[tuple[Any, Any, int, re.Match[str]]]) -> list[tuple[str, str, int, str]]:
    return [(entry.label, paragraph.pointer, index, match.group()) for entry, paragraph, index, match in found]


# --- figures ----------------------------------------------------------------------------------------------

EDGES = [
    "It happens to about 1 in 20 people (5%).",
    "less than 1 in 100, fewer than 2%, under 3 %, below 4 per cent, up to 5 percent, more than 9 in 10",
    "At Least 1 in 20 people; APPROXIMATELY 2%; Roughly 3 in 10; nearly 4%; around 1 in 5",
    "less\nthan 1 in 50 and up  to\t5%",  # white space of any kind inside and after a qualifier
    "thunder 5% and roundabout 1 in 10",  # a qualifier at the end of a longer word: the expressions take it too
    "5%about 6% and 1 in 10about 2 in 10",  # a qualifier straight after a figure, no space before it
    "about5% and about 1in 10 and about\u00a01 in 10",  # no space after the qualifier; a no-break space
    "leſs than 5% and ABOUT 1 in 10 (1–2%)",  # a long s: a case-blind match takes it for "s", lower() does not
    "between 1 and 2% and Between 5 to 10 percent, xbetween 3-4%, .between 6 and 7%, _between 1 to 2%",
    "é between 1 and 2%, 1between 3 and 4%, between\n\n 5 and 6 per  cent",
    "between 1 in 10 and 1 in 100 people",  # "1 in N" ranges are no percentages
    "1.5 in 100, 0.5%, 12.5%, 3.%, .4%, 1,000 in 10,000, 1 in 1,000 days, 1 in 100mm, 2 in 3.5",
    "٣% and about ٣ in ١٠ people",  # digits of another script: \d matches them
    "about about 5%, less than about 5%, up to up to 1 in 2",
    "1 in 0 people, 5 in 2 people, 0 in 10",
]


@pytest.mark.parametrize("text", EDGES)
def test_figures_at_the_edges_are_those_of_the_expressions_with_their_leads(text: str) -> None:
    assert numbers.figures(text) == reference_figures(text)
    assert numbers._bare_percent(text) == reference_bare_percent(text)


def test_the_edges_hold_qualified_and_between_figures() -> None:
    """The edge cases exercise the leads: a qualifier taken, one refused, "between" taken and refused."""
    every = [f.text for text in EDGES for f in numbers.figures(text)]
    assert "less\nthan 1 in 50" in every and "up  to\t5%" in every
    assert "under 5%" in every and "about 1 in 10" in every  # from "thunder 5%" and "roundabout 1 in 10"
    assert "about 6%" in every and "leſs than 5%" in every
    assert "between 1 and 2%" in every and "3-4%" in every and "6 and 7%" in every and "1 to 2%" in every


def test_figures_of_every_string_of_every_leaflet_are_the_same() -> None:
    count = 0
    for path in LEAFLETS + RULE_FIXTURES:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        for text in texts(data):
            assert numbers.figures(text) == reference_figures(text), (path, text)
            assert numbers._bare_percent(text) == reference_bare_percent(text), (path, text)
            count += bool(reference_figures(text))
    assert count > 50


LEADS = ["less than", "Less  Than", "fewer\nthan", "under", "BELOW", "up to", "more than", "at least", "about",
         "around", "approximately", "roughly", "nearly", "between", "Between", "xbetween", ".between", "thunder",
         "roundabout", "leſs than", "aBout", "", "", "and", "_between", "é between", "1between", "to", "in"]
SPACES = [" ", "  ", "\n", "\u00a0", "", "\t "]
NUMBERS = ["1", "5", "10", "0.5", "1,000", "12.5", "3.", ".4", "100", "2", "٣", "20", "1,00", "007"]
AFTER = ["%", " %", " per cent", "percent", "Per  Cent", " in ", " IN ", " to ", "-", "–", " and ", " of ", " out of ",
         " in every ", "", " days", "mm", ".", ",", ".5", "a", " people"]


def fuzzed(seed: int, count: int) -> Iterator[str]:
    rng = random.Random(seed)
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(1, 6)):
            parts += [rng.choice(LEADS), rng.choice(SPACES), rng.choice(NUMBERS), rng.choice(AFTER),
                      rng.choice(NUMBERS) if rng.random() < 0.6 else "", rng.choice(AFTER), rng.choice(SPACES)]
        yield "".join(parts)


def test_figures_of_fuzzed_text_are_the_same() -> None:
    led = bare = 0
    for text in fuzzed(20261202, 6000):
        expected = reference_figures(text)
        assert numbers.figures(text) == expected, text
        assert numbers._bare_percent(text) == reference_bare_percent(text), text
        led += any(not f.text[0].isdigit() for f in expected)
        bare += reference_bare_percent(text) is not None
    assert led > 500 and bare > 1000  # the leads and LN002's case were reached


def test_the_digit_first_expressions_start_with_a_digit_class() -> None:
    """What makes them fast: no lead and no look-behind before the first digit, so a search skips to digits."""
    for pattern in numbers._DIGIT_FIRST + (numbers._natural_digit_first()[0].pattern,):
        assert re.match(r"(?:\(\?P<\w+>)?\\d\(\?<!\[\\w\.\]\\d\)", pattern), pattern


# --- paragraphs with a digit ------------------------------------------------------------------------------

def test_digit_paragraphs_of_every_leaflet_are_the_same() -> None:
    for ctx in every_leaflet():
        assert list(numbers._ascii_digit_paragraphs(ctx).items()) == list(reference_digit_paragraphs(ctx).items())


def test_digit_paragraphs_with_every_digit_and_digits_at_the_ends() -> None:
    """Paragraphs with many digits, one digit, a digit first or last, next to each other and far apart."""
    ctx = parsed({"title": "9", "summary": "Call 0161 234 5678 or 999.", "procedure": ["no digits", "7 days", "x"],
                  "recovery": ["after 2", "none", "3", "1234567890", "end 0"], "contact": {"phone": "020 7946 0000"}})
    found = numbers._ascii_digit_paragraphs(ctx)
    assert list(found.items()) == list(reference_digit_paragraphs(ctx).items())
    assert list(found) == ["/title", "/summary", "/procedure/1", "/recovery/0", "/recovery/2", "/recovery/3",
                           "/recovery/4"]
    assert numbers._ascii_digit_paragraphs(parsed({"title": "No numbers here"})) == {}


# --- a risk's rate, made once -----------------------------------------------------------------------------

def test_a_risks_rate_is_made_once_and_is_what_rate_figure_makes() -> None:
    frequency = {"rate": {"kind": "about", "percent": 5}}
    ctx = parsed({"title": "x", "risks": [{"name": "Infection", "frequency": frequency}]})
    first = numbers._rate(ctx, "/risks/0/frequency", frequency)
    assert first == rate_figure(frequency["rate"])
    assert numbers._rate(ctx, "/risks/0/frequency", frequency) is first
    assert numbers._rate(ctx, "/risks/1/frequency", {"note": "no rate"}) is None


# --- phrase lists -----------------------------------------------------------------------------------------

LISTS = [("claims", "absolute"), ("claims", "promotional"), ("placeholders", "entry"), ("web_leftovers", "entry"),
         ("retired_services", "entry"), ("plain_style", "wordy"), ("plain_style", "patronising")]


@pytest.mark.parametrize(("name", "table"), LISTS)
def test_phrase_matches_of_every_leaflet_are_the_same(name: str, table: str) -> None:
    for ctx in every_leaflet():
        assert shown(phrases(name, table).matches(ctx)) == reference_matches(name, table, ctx)


def test_entries_taken_without_a_trigger_test_have_only_one_word_triggers() -> None:
    for name, table in LISTS:
        plist = phrases(name, table)
        always, _by_word, one_word = plist._index
        assert not one_word & always
        for number in one_word:
            assert all(first == t for first, t, _inner in plist.entries[number].triggers)
    assert any(phrases(name, table)._index[2] for name, table in LISTS)


def test_a_one_word_entry_is_found_and_a_missing_phrase_is_not() -> None:
    """An entry picked by its one-word trigger is still matched (at a paragraph's start, in capitals); a
    two-word phrase whose first word is there but not the phrase is still tested, and not found."""
    plist = phrases("claims", "absolute")
    one_word = [plist.entries[n] for n in plist._index[2]]
    assert one_word
    word = one_word[0].triggers[0][1]
    ctx = parsed({"title": "x", "summary": f"{word.upper()} results.", "procedure": "No lengthy words here."})
    assert shown(plist.matches(ctx)) == reference_matches("claims", "absolute", ctx)
    assert any(label == one_word[0].label for label, *_rest in shown(plist.matches(ctx)))


# --- LN003's ranges ---------------------------------------------------------------------------------------


def ranges(regex: re.Pattern[str], text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(match.span(), match.groupdict()) for match in regex.finditer(text)]


@pytest.mark.parametrize(("text", "found"), [
    ("3. to 2", []),  # a full stop is no decimal point: Python 3.11.2's re found "3." with possessive digits
    ("0 x007-–-3.—0.5", []),
    ("between 2 and 3 in 100", [((8, 15), {"a": "2", "unit_a": None, "sep": "and", "b": "3"})]),
    ("12.5to3", [((0, 7), {"a": "12.5", "unit_a": None, "sep": "to", "b": "3"})]),
    ("05 to 3", [((1, 7), {"a": "5", "unit_a": None, "sep": "to", "b": "3"})]),
])
def test_a_range_is_two_numbers_and_a_separator_on_this_python(text: str, found: list[Any]) -> None:
    """The ranges LN003 reads, as written out by hand. CI runs this on Debian's own Python 3.11.2, whose
    regular expressions differ from later 3.11 releases in possessive groups (see numbers._RANGE)."""
    assert ranges(numbers._RANGE, text) == found


def reference_all_digit_paragraphs(ctx: Context) -> dict[str, Any]:
    """digit_paragraphs as it was for text that is not ASCII: each paragraph outside ASCII searched alone."""
    digits = reference_digit_paragraphs(ctx)
    if ctx.joined.isascii():
        return digits
    return {p.pointer: p for p in ctx.paragraphs if p.pointer in digits or
            (not p.text.isascii() and numbers._DIGIT.search(p.text))}


def test_paragraphs_with_a_digit_of_any_script_are_the_same() -> None:
    """Text outside ASCII with digits 0-9 only (curly quotes, Welsh), and with other digits too."""
    for ctx in every_leaflet():
        assert list(numbers.digit_paragraphs(ctx).items()) == list(reference_all_digit_paragraphs(ctx).items())
    for data in ({"title": "‘Quoted’ 1 in 10", "summary": "Dim rhifau", "procedure": ["Ffoniwch 999.", "é"]},
                 {"title": "‘Quoted’", "summary": "1 in ١٠ people", "procedure": ["٣ days", "é", "no", "7 é"]},
                 {"title": "é", "summary": "٣"}):
        ctx = parsed(data)
        assert list(numbers.digit_paragraphs(ctx).items()) == list(reference_all_digit_paragraphs(ctx).items())
    ctx = parsed({"title": "‘Quoted’", "summary": "1 in ١٠ people", "procedure": ["٣ days", "é", "no", "7 é"]})
    assert list(numbers.digit_paragraphs(ctx)) == ["/summary", "/procedure/0", "/procedure/3"]
