"""The shared text views of a leaflet (leaflets/rules/context.py) are built by shortcuts, and return
exactly what their plain definitions return.

The views are the words and sentences every content rule reads, so they are built with few Python
operations: the paragraphs and sentences made by tuple.__new__, the sentence ends of all paragraphs
found in one scan of the joined prose, the abbreviation test skipped when the character before a mark
rules one out, sentence lengths counted by str.count when a leaflet's sentences have single spaces
only, the punctuation blanked by a replace for each mark present, sections cut from the blanked prose,
and the test for quoted words skipped when no quote stands at a word's end. Here each view is compared
with a straightforward reference (the definition as it was written before the shortcuts) on every
leaflet the project has, and on leaflets made to sit on the edges of each shortcut: an abbreviation
before a mark after white space, a sentence end at a paragraph's end, a tab, a double or no-break space
in a sentence, a NUL in the prose, a quote at one end of one word, a key to escape in a pointer.
"""

from __future__ import annotations

import bisect
import itertools
import json
import operator
import re
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT

from leaflets import content
from leaflets.config import Config
from leaflets.content import pointer_escape
from leaflets.rules import context
from leaflets.rules.context import (
    _ABBREVIATION_ENDS,
    _ABBREVIATIONS,
    _SENTENCE_END,
    NOT_IN_WORDS,
    NOT_PROSE,
    SECTIONS,
    Context,
    Passage,
    Sentence,
    _blank_long,
    blank_punctuation,
    split_sentences,
    word_count,
)

# --- the references: each view as it was defined before it was made fast ------------------------


def reference_paragraphs(data: dict[str, Any]) -> list[Passage]:
    out: list[Passage] = []

    def walk(value: Any, pointer: str, section: str) -> None:
        if isinstance(value, str):
            out.append(Passage(pointer, value, section))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                walk(item, f"{pointer}/{index}", section)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key not in NOT_PROSE:
                    walk(item, f"{pointer}/{pointer_escape(key)}", section)

    for key in SECTIONS:
        if key in data:
            walk(data[key], "/" + pointer_escape(key), key)
    return out


def reference_split(paragraph: Passage) -> list[Sentence]:
    text, out, start = paragraph.text, [], 0
    for match in _SENTENCE_END.finditer(text):
        candidate = text[start:match.start() + 1].rstrip()
        last = candidate[:-1].rsplit(None, 1)
        if last and last[-1].lower() in _ABBREVIATIONS:
            continue
        if candidate.strip():
            out.append(Sentence(paragraph, start, candidate))
        start = match.end()
    rest = text[start:].strip()
    if rest:
        out.append(Sentence(paragraph, start + (len(text[start:]) - len(text[start:].lstrip())), rest))
    return out


def reference_views(paragraphs: list[Passage]) -> dict[str, Any]:
    sentences = [s for p in paragraphs for s in reference_split(p)]
    texts: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        texts.setdefault(paragraph.section, []).append(paragraph.text)
    joined = Context.SEPARATOR.join(p.text for p in paragraphs)
    tokens = frozenset(joined.lower().translate(NOT_IN_WORDS).split())
    starts, offset = [], 0
    for paragraph in paragraphs:
        starts.append(offset)
        offset += len(paragraph.text) + len(Context.SEPARATOR)
    return {
        "joined": joined,
        "_starts": starts,
        "vocabulary": tokens | {t.strip("’'") for t in tokens if t[0] in "’'" or t[-1] in "’'"},
        "sentences": sentences,
        "sentence_lengths": [len(s.text.split()) - s.text.count(" – ") - s.text.count(" — ")
                             - s.text.count(" - ") for s in sentences],
        "section_words": {section: "\n".join(parts).translate(NOT_IN_WORDS).split()
                          for section, parts in texts.items()},
        "tokens_lower": joined.lower().translate(NOT_IN_WORDS).split(),
    }


def check(ctx: Context) -> None:
    """Every view of ``ctx`` equals its reference, value and type (a Passage is no plain tuple)."""
    paragraphs = reference_paragraphs(ctx.data)
    assert ctx.paragraphs == paragraphs
    assert all(type(p) is Passage for p in ctx.paragraphs)
    expected = reference_views(paragraphs)
    assert ctx.sentences == expected["sentences"]
    assert all(type(s) is Sentence and type(s.paragraph) is Passage for s in ctx.sentences)
    for paragraph in paragraphs:
        assert split_sentences(paragraph) == reference_split(paragraph)
    assert ctx.sentence_lengths == expected["sentence_lengths"]
    assert ctx.section_words == expected["section_words"]
    assert list(ctx.section_words) == list(expected["section_words"])  # the same order of sections
    assert ctx.tokens_lower == expected["tokens_lower"]
    assert ctx.vocabulary == expected["vocabulary"]
    assert ctx.joined == expected["joined"]
    assert ctx._starts == expected["_starts"]
    for offset in {0, len(ctx.joined) // 2, max(len(ctx.joined) - 1, 0)} if ctx.paragraphs else ():
        index = bisect.bisect_right(expected["_starts"], offset) - 1
        assert ctx.locate(offset) == (paragraphs[index], offset - expected["_starts"][index])
    for regex, lower, word_start in MATCHED:
        found = [(paragraph, index, match.span()) for paragraph, index, match in
                 ctx.matches(regex, lower=lower, word_start=word_start)]
        assert found == reference_matches(ctx, regex, lower, word_start)


# (round 2) ``matches`` finds each match's paragraph itself: it must give what ``locate`` gives
MATCHED = [(re.compile(r"\w+"), False, False), (re.compile(r"[a-z]+"), True, True), (re.compile(r"."), False, False),
           (re.compile(r"\s+"), False, True), (re.compile(r"e(?![\w-])"), True, False),
           (re.compile(r"^\S", re.M), True, True)]


def reference_matches(ctx: Context, regex: re.Pattern[str], lower: bool, word_start: bool) -> list[Any]:
    text = ctx.joined_lower if lower else ctx.joined
    if lower and len(text) != len(ctx.joined):
        regex, text = re.compile(regex.pattern, regex.flags | re.IGNORECASE), ctx.joined
    out = []
    for match in regex.finditer(text):
        start = match.start()
        if "\x00" in match.group() or (word_start and start and (text[start - 1].isalnum() or text[start - 1] in "_-")):
            continue
        out.append((*ctx.locate(start), match.span()))
    return out


def make(data: dict[str, Any]) -> Context:
    return Context(content.Document(path=Path("x.json"), display="x.json", data=data), Config().thresholds)


# --- every leaflet the project has ---------------------------------------------------------------

LEAFLETS = sorted({*ROOT.glob("content/**/*.json"), *FIXTURES.glob("**/*.json")})


@pytest.mark.parametrize("path", LEAFLETS, ids=lambda path: str(path.relative_to(ROOT)))
def test_views_match_their_definitions(path: Path) -> None:
    doc = content.parse(content.Document(path=path, display=str(path)), path.read_bytes())
    if not isinstance(doc.data, dict):
        pytest.skip("not a JSON object")
    check(Context(doc, Config().thresholds))


def test_there_are_leaflets_to_compare() -> None:
    assert len(LEAFLETS) > 100


# --- the edges of each shortcut --------------------------------------------------------------------

EDGES: dict[str, dict[str, Any]] = {
    # the word before a mark is an abbreviation, with white space between (the character before the mark
    # is then no letter), in capitals, at the start of the text or of a sentence, or one letter too long
    "abbreviations": {"procedure": [
        "Bring your tablets, e.g . Then rest.", "Bring your tablets, e.g\u00a0. Then rest.",
        "Ask for Dr. Jones. Then rest.", "ETC. Then rest. VS. Me.", "E.g. Ask. No. 5 is yours.",
        "Dr. Then. St. Then.", "Ask approx. Then rest.", "Ask xapprox. Then rest.", "Ask mrs. Then",
        "Mrs.Smith is here. Eg. Then.", "a. B", ". A", "e.g.. Then", "Sore.Then.It helps.Sore.E.G."]},
    # one space between words and none at an end, for all sentences but one: each of these is such a one
    "spaces": {"procedure": [
        "Rest  well. Then go.", "Rest\twell. Then go.", "Rest\nwell. Then go.", "Rest\u00a0well. Go.",
        "Rest\u2009well.", "Rest\u200bwell.", "  Leading. Then go.", "Trailing. Then go.  ", "Bar | here.",
        "Bar |here.", "Bar| here. |", "Walk – or run — or - skip.  Then – stop.", "Rest\u3000well."]},
    # sentence ends at a paragraph's ends: one scan of all the prose joined finds what each paragraph
    # alone would (a mark at the end of one, a capital at the start of the next, a look-behind at the start)
    "boundaries": {"summary": "Ends here. ", "procedure": [
        "Next one.", "Ends here.", "Then.", "ab.Cd", "xy", ".Ab", "a.Bc", "Stop.\n\x00\nThen. Go.", "end. ",
        " Lead. In", "Said “yes.” Then", "Said (so.) Then", "Mrs.Smith", "ending.", "Capital", "e.g.", "Fine"]},
    "dashes": {"procedure": ["Walk – or run. Stop — now - or - later.", "A – b – c.", "Just – this"]},
    "clean": {"summary": "One sentence.", "procedure": ["Rest well. Then go home.", "Walk – do not run."]},
    # a NUL in a paragraph: its stretch of the joined text cannot have its NULs made spaces
    "nul": {"summary": "Rest \x00 well.", "procedure": ["a\x00b", "c \x00", "d"]},
    "nul-one": {"procedure": ["\x00"], "benefits": ["x", "y"]},
    "sigma": {"summary": "ΑΣ.Α and ΟΔΟΣ. ΑΣ Α", "procedure": ["ΣΑΣ,Σ", "Σ"]},
    "empty": {},
    "blank": {"summary": "", "procedure": ["", "  ", "\n"], "benefits": []},
    "one-section": {"procedure": ["One.", "Two."]},
    "pointers": {"recovery": {"a/b": "Slash key.", "c~d": ["Tilde key."], "e~/f": {"g/h": "Both."},
                              "kind": "not prose", "n": 3, "m": None, "l": [[["deep."]]]}},
    # a word in quotes, or with a quote at one end only, beside white space, a mark or an end of the text
    "quotes": {"summary": "’Start and end’", "procedure": [
        "Known as ‘keyhole’ surgery.", "The patients’ ward.", "Say 'yes' or 'no'.", "it’s fine", "’", "''",
        "(’bracketed’)", "a\n’b’\nc", "x’’y", "’’double’’", "ΑΣ’ ’Σ"]},
    # the gate is one search of the whole leaflet: a quote at just one end of one word must open it
    "quote-opens-only": {"summary": "The ’word is here."},
    "quote-first-only": {"summary": "’Word is first."},
    "quote-after-mark-only": {"summary": "The (’word is here."},
    "quote-closes-only": {"summary": "The word’ is here."},
    "quote-last-only": {"summary": "The word’"},
    "apostrophe-opens-only": {"summary": "The 'word is here."},
    "apostrophe-closes-only": {"summary": "The word', is here."},
    "apostrophes-only": {"summary": "It’s the patient’s. Don't.", "procedure": ["Rock'n'roll"]},
    "long-lower": {"summary": "İstanbul. İ. Then", "procedure": ["ẞ SS. ﬃ.", "ǅ. Ǆ."]},
    # (round 2) sentence ends of each mark found by its own scan and merged: "?" and "!" with ".", side by
    # side, each alone, none at all
    "marks": {"summary": "Why? Because! Then. Really?Yes", "procedure": [
        "Stop!Go on.", "What?! No.", "Is it? Yes!", "e.g.? Dr.! Then", "Mrs.?Smith", "Ends?", "!", "?A"]},
    "question-only": {"summary": "Why? Because", "procedure": ["Is it?Yes"]},
    "bang-only": {"summary": "Stop! Now", "procedure": ["Go!"]},
    "no-sentence-end": {"summary": "no sentence end here", "procedure": ["nor here", "x"]},
    # a paragraph with no sentence end is all one sentence only when it is not blank and has nothing to strip
    "one-sentence-paragraphs": {"summary": "One", "procedure": [
        "two ", " three", "", "Four. Five", "six", "\tseven", "eight.", " ", "nine\n", "Ten. ", "eleven"]},
    # lists inside a dict (taken without a call of their own) holding text, dicts, lists and other values
    "lists-in-dicts": {"risks": [{"name": "A.", "description": ["One.", {"x": "Two.", "kind": "no"}, ["Three."],
                                                                 4, None, True, []],
                                  "management": [], "a/b": ["Esc."], "c~d": [{"e/f": ["deep"]}]}],
                       "recovery": {"steps": [[["x"]], "y", {"z": ["w"]}]}, "title": ["Not", "a string"]},
}
# an ASCII leaflet (counted by str.count only when it has no white space but " ") with one of the other
# eight ASCII white-space characters: each must send its sentence lengths to str.split
for _space in "\t\n\v\f\r\x1c\x1d\x1e\x1f":
    EDGES[f"ascii-space-{ord(_space):02x}"] = {"summary": "All clean here.", "procedure": [
        f"Rest{_space}well. Then go.", "Fine here too."]}


@pytest.mark.parametrize("name", EDGES)
def test_views_at_the_edges_of_their_shortcuts(name: str) -> None:
    check(make(EDGES[name]))


def test_every_section_at_once() -> None:
    data = {key: [f"Text of {key}. Then\u00a0more.", "Next  one"] for key in SECTIONS}
    check(make(data))


def test_sentence_lengths_of_any_sentences() -> None:
    """A caller may set ``sentences`` itself: an empty one, or one with spaces at its ends, is counted as
    word_count counts it."""
    for texts in [["", "a b"], ["a b", ""], [""], [" a", "b c"], ["a ", "b"], ["a", "b "], ["a  b"], [],
                  ["a – b", "c"], ["x –", "y"], ["a\tb c"], ["one two", "three"]]:
        ctx = make({})
        ctx.sentences = [Sentence(Passage("/summary", text, "summary"), 0, text) for text in texts]
        assert ctx.sentence_lengths == [word_count(text) for text in texts], texts


def test_paragraphs_out_of_section_order() -> None:
    """A caller may set ``paragraphs`` itself; a section then need not be one stretch of them."""
    ctx = make({})
    ctx.paragraphs = [Passage("/a/0", "One, two.", "a"), Passage("/b/0", "Three.", "b"),
                      Passage("/a/1", "Four five.", "a")]
    assert ctx.section_words == {"a": ["One", "two", "Four", "five"], "b": ["Three"]}
    assert list(ctx.section_words) == ["a", "b"]


def test_pointers_escape_keys() -> None:
    ctx = make(EDGES["pointers"])
    assert [p.pointer for p in ctx.paragraphs] == [
        "/recovery/a~1b", "/recovery/c~0d/0", "/recovery/e~0~1f/g~1h", "/recovery/l/0/0/0"]


# --- the facts about characters the shortcuts rest on -----------------------------------------------

# Every character, and those whose lower case is another string (a few thousand): a character that
# lower-cases to itself keeps every property below trivially, so only these need a look one by one.
# (Made once, without keeping a list of a million characters.)
def _characters() -> tuple[list[str], list[str], str]:
    characters = list(map(chr, range(0x110000)))
    changed = list(itertools.compress(characters, map(operator.ne, characters, map(str.lower, characters))))
    return changed, list(filter(str.isspace, characters)), "".join(filter(str.isprintable, characters))


CHANGED, SPACES, PRINTABLE = _characters()


def test_abbreviation_ends_hold_every_character_an_abbreviation_can_end_with() -> None:
    """``_add_sentences`` skips the abbreviation test when the character before the mark is not in
    _ABBREVIATION_ENDS: it must hold every character whose lower case ends as an abbreviation does,
    and all white space (after which the word before the mark ends further back)."""
    ends = {abbreviation[-1] for abbreviation in _ABBREVIATIONS}
    assert 1000 < len(CHANGED) < 5000 and len(SPACES) == 29
    for char in [*ends, *CHANGED, *SPACES]:
        if char.isspace() or char.lower()[-1:] in ends:
            assert char in _ABBREVIATION_ENDS, hex(ord(char))


def test_printable_text_has_no_white_space_but_the_space() -> None:
    """``sentence_lengths`` counts spaces when all sentences are printable: str.split then splits at
    spaces only."""
    assert [char for char in SPACES if char.isprintable()] == [" "]
    printable = PRINTABLE.replace(" ", "")
    assert printable.split() == [printable]


def test_blanking_a_long_text_is_blanking() -> None:
    """``_blank_long`` (a replace for each mark the text has) gives what str.translate gives."""
    marks = "".join(chr(code) for code in NOT_IN_WORDS)
    texts = [marks, marks * 3 + "word", "", "no marks at all", "‘quoted’ – “said” (x) 50% a/b e.g. …",
             "ünïcödé, text; ΑΣ.Α", "\x00\n.\n\x00", "".join(PRINTABLE[::97])]
    for text in texts:
        assert _blank_long(text) == text.translate(NOT_IN_WORDS) == blank_punctuation(text)


def test_split_sentences_is_unchanged_on_its_own() -> None:
    for text in ["", "  ", "One.", "  One. Two.  ", "e.g . Then", "Dr. Jones. Then go.", "x.Then"]:
        paragraph = Passage("/x", text, "condition")
        assert split_sentences(paragraph) == reference_split(paragraph)


def test_the_context_module_keeps_its_names() -> None:
    """Other modules and tests import these."""
    for name in ["split_sentences", "blank_punctuation", "words", "word_count", "under", "Passage"]:
        assert hasattr(context, name)
    assert json.dumps(make({"summary": "A. B"}).sentence_lengths) == "[1, 1]"


def test_ascii_spaces_are_every_ascii_white_space_but_the_space() -> None:
    """``sentence_lengths`` looks in an ASCII text for these only (not isprintable for every character)."""
    assert sorted(context._ASCII_SPACES) == [c for c in map(chr, range(128)) if c.isspace() and c != " "]
    for char in map(chr, range(128)):  # str.split splits an ASCII text at these and " " only
        assert len(f"a{char}b".split()) == (2 if char in context._ASCII_SPACES or char == " " else 1)


def test_sentence_ends_of_each_mark_merged_are_those_of_all_marks() -> None:
    """``_sentence_ends`` (a scan for each mark the text has, merged) finds what one scan of
    _SENTENCE_END finds, on texts made of the pieces its branches look at."""
    import random

    rng = random.Random(5)
    pieces = [".", "!", "?", " ", "\n", "\x00", "A", "b", "ab", "Dr", "e.g", "”", ")", "(", "“", "’", "'", "@",
              "0", "-", "x.Y", "\u00a0"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        assert [m.span() for m in context._sentence_ends(text)] == \
            [m.span() for m in _SENTENCE_END.finditer(text)], repr(text)
