"""The shortcuts taken for speed in the long tail of rules (numbers, completeness, hygiene, style) find
exactly what the plain code found.

Each shortcut is compared with a reference (the code as it was written before it) on every leaflet the
project has, and on text made to sit on its edge: the risks' clauses split at once (a NUL or odd white
space in a paragraph, a mark at a paragraph's end), a section found by binary search, a risk's sentences
found by its number, a frequency word found in the risks' text at once (in capitals, after an "İ", only in
a frequency note), a frequency note's basis tested by substrings first ("your team" is not "our team"),
a risk's figure looked for only in risks with a digit, phone numbers looked for in paragraphs with a digit
(of any script), hidden characters looked for in an ASCII file's text (a DEL, a "\\u200b" or "\\t" escape),
repeated sentences found by counting, names compared without the expression when they are plain words,
the passive-voice sentences counted without a test of each, and doubled words in the authors and sources
looked for only when two runs of letters alike stand side by side (in capitals, across two strings, after
a hyphen, in text that is not ASCII).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT

from leaflets import content
from leaflets.config import Config
from leaflets.rules import completeness, hygiene, numbers, style
from leaflets.rules.context import SECTIONS, Context, Passage, Sentence, under

TODAY = dt.date(2026, 6, 1)
LEAFLETS = sorted(ROOT.glob("content/*/*.json")) + sorted(FIXTURES.glob("corpus*/*/*.json"))


def parsed(text: str, path: Path = Path("leaflet-x/en.json")) -> Context:
    doc = content.parse(content.Document(path=path, display=str(path)), text.encode("utf-8"))
    assert doc.usable, doc.findings
    return Context(doc, Config().thresholds, TODAY)


def of_data(data: dict[str, Any], path: Path = Path("leaflet-x/en.json")) -> Context:
    """A context whose file text is the data written out (as a loaded leaflet's is)."""
    return parsed(json.dumps(data, ensure_ascii=False, indent=2), path)


def every_leaflet() -> Iterator[Context]:
    for path in LEAFLETS:
        doc = content.load(path)
        if doc.usable:
            yield Context(doc, Config().thresholds, TODAY)


def test_there_are_leaflets_to_compare_on() -> None:
    assert len(LEAFLETS) > 10


# --- sections found by binary search ------------------------------------------------------------

def test_section_run_is_prose_under_on_every_leaflet() -> None:
    for ctx in every_leaflet():
        for section in SECTIONS:
            assert completeness.section_prose(ctx, section) == under(ctx.paragraphs, "/" + section)
            sentences = [s for s in ctx.sentences if s.paragraph.section == section]
            assert completeness.section_run(ctx.sentences, section, numbers._SECTION) == sentences


def test_section_run_of_a_missing_section_and_of_neighbours() -> None:
    # "risks_introduction" comes just before "risks", and "/risks_introduction" starts with "/risks"
    ctx = of_data({"title": "T", "risks_introduction": "Before.", "risks": [{"name": "Infection"}],
                   "recovery": "After."})
    assert [p.pointer for p in completeness.section_prose(ctx, "risks")] == ["/risks/0/name"]
    assert completeness.section_prose(ctx, "glossary") == []
    assert completeness.section_prose(ctx, "title") == [Passage("/title", "T", "title")]


# --- LM008: the risks' clauses ------------------------------------------------------------------

def reference_clauses(ctx: Context) -> tuple[list[str], str]:
    sentences = [s for p in ctx.prose_under("/risks") for s in completeness._CLAUSE_END.split(p.text.lower())]
    return sentences, "\0".join(" ".join(s.split()) for s in sentences)


def test_risk_clauses_are_the_reference_on_every_leaflet() -> None:
    for ctx in every_leaflet():
        assert completeness._risk_clauses(ctx) == reference_clauses(ctx)


@pytest.mark.parametrize("texts", [
    [],
    [""],
    ["Ends with a mark.", "Next starts here"],
    ["Ends with a mark and a space. ", " Starts with a space"],
    ["A double  space; and\ta tab: and\na line.", "Ends with a colon:", ":"],
    ["No-break\u00a0space and an em\u2003space. Then\u2028a line separator"],
    ["A NUL \x00 inside. Splits nothing", "more"],
    ["ΣΊΣΥΦΟΣ. ΟΔΟΣ", "İstanbul. K for Kelvin"],
    ["   ", "  .  ", ". ;  :"],
])
def test_risk_clauses_on_the_edges(texts: list[str]) -> None:
    ctx = of_data({"title": "T", "risks": [{"name": "Infection", "description": texts}], "recovery": "x"})
    assert completeness._risk_clauses(ctx) == reference_clauses(ctx)


def spine(risks: list[dict[str, Any]], language: str = "en", **more: Any) -> dict[str, Any]:
    return {"title": "Spinal fusion", "language": language, "family": "spine", "risks": risks, **more}


def test_a_pair_of_synonyms_split_by_a_paragraph_break_is_not_a_mention() -> None:
    # "nerve* ~ damag*" must be in one clause: a paragraph break ends one, even with no mark before it
    apart = [{"name": "Nerves", "description": ["The nerves", "may be damaged"]}]
    together = [{"name": "Nerves", "description": ["The nerves may be damaged"]}]
    missing = {h.message for h in completeness.material_risk_missing(of_data(spine(apart)))}
    found = {h.message for h in completeness.material_risk_missing(of_data(spine(together)))}
    assert any("nerve" in m for m in missing - found)


def test_a_welsh_leaflet_is_checked_the_same_every_time() -> None:
    data = spine([{"name": "Haint", "description": ["Gall y clwyf gael ei heintio."]}], language="cy")
    first = [h.message for h in completeness.material_risk_missing(of_data(data, Path("x/cy.json")))]
    again = [h.message for h in completeness.material_risk_missing(of_data(data, Path("x/cy.json")))]
    assert first == again and first


# --- LN005, LN006, LN007: risks' sentences, frequency words, bases ---------------------------------

def reference_risk_sentences(ctx: Context, pointer: str) -> list[Sentence]:
    grouped: dict[str, list[Sentence]] = {}
    for sentence in ctx.sentences:
        if not sentence.paragraph.pointer.startswith("/risks/"):
            continue
        parts = sentence.paragraph.pointer.split("/", 4)
        if len(parts) > 3 and parts[1] == "risks" and parts[3] != "frequency":
            grouped.setdefault(f"/risks/{parts[2]}", []).append(sentence)
    return grouped.get(pointer, [])


def reference_worded(ctx: Context) -> set[str]:
    return {pointer for pointer, _risk in numbers._risks(ctx)
            if any(next(numbers.frequency_words(s), None) for s in reference_risk_sentences(ctx, pointer))}


def test_risk_sentences_and_worded_risks_on_every_leaflet() -> None:
    for ctx in every_leaflet():
        pointers = [pointer for pointer, _risk in numbers._risks(ctx)]
        for pointer in pointers:
            assert numbers._risk_sentences(ctx, pointer) == reference_risk_sentences(ctx, pointer)
        # a risk whose words are all comparisons is "worded" too (a superset is safe): never one missing
        assert reference_worded(ctx) <= numbers._worded_risks(ctx)


RISKS = [
    {"name": "Infection", "description": ["This is RARELY serious.", "Treated with antibiotics."],
     "frequency": {"note": "The sources give no figure; ask your team how often it happens."}},
    {"name": "Bleeding", "description": "İt happens, but it is uncommon.", "frequency": {"note": "No figure."}},
    {"name": "Clots", "description": ["It can happen."],
     "frequency": {"note": "It happens rarely, but how often is not known."}},
    "Stiffness (a risk written as text only)",
    {"name": "Nerve damage", "management": ["About 3 in 100 people have it."], "frequency": {"note": "No figure."}},
    {"name": "Pain", "description": "Pain is common.", "frequency": {"rate": {"kind": "about", "percent": 0.01}}},
]


def test_frequency_words_in_capitals_after_a_dotted_i_and_only_in_a_note() -> None:
    ctx = of_data({"title": "T", "risks": RISKS})
    worded = numbers._worded_risks(ctx)
    assert {"/risks/0", "/risks/1", "/risks/5"} <= worded  # "RARELY", after "İ", "common"
    assert "/risks/2" not in worded  # "rarely" only in the frequency note
    for index in range(len(RISKS)):
        assert numbers._risk_sentences(ctx, f"/risks/{index}") == reference_risk_sentences(ctx, f"/risks/{index}")
    messages = {h.pointer: h.message for h in numbers.verbal_frequency_without_basis(ctx)}
    assert "RARELY" in messages["/risks/0/description/0"] and "uncommon" in messages["/risks/1/description"]
    assert [h.pointer for h in numbers.frequency_word_contradicts(ctx)] == ["/risks/5/description"]
    assert [h.pointer for h in numbers.figure_without_rate(ctx)] == ["/risks/4/management/0"]


def test_a_figure_only_in_a_frequency_note_is_not_the_texts() -> None:
    risks = [{"name": "Infection", "description": "It can happen.", "frequency": {"note": "About 1 in 100."}}]
    ctx = of_data({"title": "T", "risks": risks})
    assert numbers._digit_risks(ctx) == set() and list(numbers.figure_without_rate(ctx)) == []


@pytest.mark.parametrize("note", [
    "Ask your team how often it happens.",  # "your team" is not "our team"
    "Our team sees it rarely.", "our unit: 2 cases", "From OUR\nFIGURES.", "Ask our  team.",
    "Flavour team", "hour unit", "Surgeons say it is rare.", "Ask your surgeon how often they see it.",
    "The surgeon finds it rare", "surgeons\tdescribe it", "Expert opinion.", "Reported in trials.",
    "A trial", "An audit of 2019", "studies", "experienced surgeons", "ourselves", "our_team", "x-our team",
    "Team audit", "Barn unit", "", "Ein tîm ni", "Our team (İ)", "Expertise",
])
def test_a_notes_basis_is_the_expressions(note: str) -> None:
    assert numbers._has_basis(note) == bool(numbers._BASIS.search(note))


def test_basis_fuzzed_against_the_expression() -> None:
    import random

    words = ["our", "your", "team", "unit", "figures", "surgeon", "surgeons", "say", "find", "describe",
             "describes", "report", "reported", "studies", "trial", "audit", "expert", "opinion",
             "experience", "hour", "flour", "x", "-", "_", ".", "  ", "\n", "OUR", "Team"]
    chosen = random.Random(7)
    for _ in range(5000):
        note = " ".join(chosen.choice(words) for _ in range(chosen.randint(1, 6)))
        note = note.replace(" _ ", "_").replace(" - ", "-")
        assert numbers._has_basis(note) == bool(numbers._BASIS.search(note)), note


# --- LH009: phone numbers in paragraphs with a digit -----------------------------------------------

def reference_phone_hits(ctx: Context) -> list[tuple[str, str, int | None]]:
    candidates = {id(p): p for p, _index, match in ctx.matches(hygiene._TEN_DIGITS)
                  if sum(c.isdigit() for c in match.group()) >= 10}
    out = []
    for paragraph in candidates.values():
        for match in hygiene._PHONE.finditer(paragraph.text):
            number = match.group()
            digits = re.sub(r"\D", "", number)
            if len(digits) < 10 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", number):
                continue
            if hygiene._AREA_CODE.fullmatch(number.strip()):
                continue
            if re.search(r"[().-]", number) or " " not in number.strip():
                out.append((paragraph.pointer, number.strip(), match.start()))
    return out


def test_phone_numbers_on_every_leaflet_and_on_the_edges() -> None:
    contexts = list(every_leaflet())
    contexts.append(of_data({"title": "T", "summary": "Call (020) 7946-0000 or 020 7946 0000.",
                             "contact": {"phone": "x", "text": ["Ring ٠٢٠٧٩٤٦٠٠٠٠ today.",
                                                               "Ring ０２０ ７９４６ ００００ today.",
                                                               "Or 01632-960-456.", "No digits here."]},
                             "disclaimer": "Dates 2026-06-01 and 2026-06-02 are no numbers to ring: 0207946000"}))
    for ctx in contexts:
        hits = [(h.pointer, h.index) for h in hygiene.phone_number_form(ctx)]
        assert hits == [(pointer, start) for pointer, _number, start in reference_phone_hits(ctx)]
    reported = {h.pointer for h in hygiene.phone_number_form(contexts[-1])}
    assert {"/summary", "/contact/text/0", "/contact/text/2"} <= reported  # Arabic-Indic digits too


# --- LH011: hidden characters, the file's text first -----------------------------------------------

@pytest.mark.parametrize(("written", "found"), [
    ('{"title": "Clean text", "summary": "Tabs\\n and lines are fine"}', []),
    ('{\n\t"title": "Clean text",\r\n\t"summary": "White space between values"\r\n}', []),
    ('{"title": "A DEL \x7f here"}', ["/title"]),
    ('{"title": "A zero-width space \\u200b here"}', ["/title"]),
    ('{"title": "A tab \\t here"}', ["/title"]),
    ('{"title": "A return \\r here"}', ["/title"]),
    ('{"title": "A form feed \\f and a backspace \\b"}', ["/title", "/title"]),
    ('{"title": "An escaped backslash \\\\t is no tab"}', []),
    ('{"title": "Not ASCII \u200b here"}', ["/title"]),
    ('{"title": "A quote \\" and a slash \\/ are fine"}', []),
])
def test_hidden_characters(written: str, found: list[str]) -> None:
    ctx = parsed(written)
    assert [h.pointer for h in hygiene.invisible_character(ctx)] == found


def test_hidden_characters_in_data_with_no_file_text() -> None:
    doc = content.Document(path=Path("x/en.json"), display="x/en.json", data={"title": "Hidden\u202eright"})
    ctx = Context(doc, Config().thresholds, TODAY)
    assert [h.pointer for h in hygiene.invisible_character(ctx)] == ["/title"]


# --- LH005 and LH006: repeated sentences and names ---------------------------------------------------

def reference_repeated(ctx: Context) -> list[tuple[str, str, int | None]]:
    seen: dict[str, str] = {}
    out = []
    for sentence, length in zip(ctx.sentences, ctx.sentence_lengths, strict=True):
        if length < 5 or sentence.paragraph.section in ("glossary", "title"):
            continue
        key = sentence.text.lower()
        if key in seen:
            out.append((sentence.paragraph.pointer, seen[key], sentence.start))
        else:
            seen[key] = sentence.paragraph.pointer
    return out


def test_repeated_sentences_on_every_leaflet_and_on_the_edges() -> None:
    contexts = list(every_leaflet())
    contexts.append(of_data({
        "title": "Ask your surgeon how long recovery takes.",
        "summary": "NHS. Ask your surgeon how long recovery takes. NHS.",
        "recovery": ["ASK YOUR SURGEON HOW LONG RECOVERY TAKES.", "Short one. Short one.",
                     "Ask your surgeon how long recovery takes."],
        "glossary": [{"term": "x", "definition": "Ask your surgeon how long recovery takes."}],
    }))
    for ctx in contexts:
        hits = [(h.pointer, h.index) for h in hygiene.repeated_sentence(ctx)]
        assert hits == [(pointer, start) for pointer, _first, start in reference_repeated(ctx)]
    assert [h.pointer for h in hygiene.repeated_sentence(contexts[-1])] == ["/recovery/0", "/recovery/2"]


@pytest.mark.parametrize("name", [
    "Infection", "Blood clots", "blood  clots", " Blood clots", "Blood clots ", "Blood-clots", "Blood_clots",
    "Straße", "STRASSE", "١٢ risk", "Ⅻ", "x²", "", " ", "Ünïcödé words", "tab\there", "a\u00a0b", "İ",
])
def test_a_name_is_normalised_as_before(name: str) -> None:
    assert hygiene._normal(name) == " ".join(re.findall(r"[^\W_]+", name.casefold()))


def test_repeated_names_are_reported_as_before() -> None:
    data = {"title": "T", "risks": [{"name": "Infection"}, "text", {"name": "INFECTION!"}, {"name": "Bleeding"},
                                    {"name": "infection"}],
            "alternatives": [{"name": "Physio"}, {"name": "physio"}], "glossary": [{"term": "A b"}, {"term": "a  B"}]}
    hits = [(h.pointer, h.message) for h in hygiene.repeated_heading(of_data(data))]
    assert hits == [
        ("/risks/2/name", "\"INFECTION!\" is also the name at /risks/0/name: merge them or name them apart"),
        ("/risks/4/name", "\"infection\" is also the name at /risks/0/name: merge them or name them apart"),
        ("/alternatives/1/name", "\"physio\" is also the name at /alternatives/0/name: merge them or name them apart"),
        ("/glossary/1/term", "\"a  B\" is also the term at /glossary/0/term: merge them or name them apart"),
    ]


# --- LC004: the sentences counted ---------------------------------------------------------------------

def test_passive_voice_counts_the_sentences_as_before() -> None:
    for ctx in every_leaflet():
        counted = [s for s in ctx.sentences if s.paragraph.section not in ("title", "glossary")]
        expected = len(counted)
        messages = [h.message for h in style.passive_voice(ctx)]
        for message in messages:
            assert f" of {expected} sentences" in message
    # made to fire: every sentence passive, with a title and a glossary that do not count
    body = ["The wound is closed."] * 30
    data = {"title": "It is done.", "summary": body, "glossary": [{"term": "x", "definition": "It is seen."}]}
    [hit] = list(style.passive_voice(of_data(data)))
    assert "30 of 30 sentences" in hit.message


def test_the_shortcuts_change_no_finding_on_a_copy_of_a_leaflet_made_odd() -> None:
    """One leaflet with its risks and text made to sit on several edges at once, run whole: the rules of
    this file give what their references give."""
    source = json.loads((ROOT / "content/spinal-fusion/en.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(source)
    data["risks"][0]["description"] = ["İnfection is VERY RARE.", "Call 020-7946-0000."]
    data["risks"][1]["frequency"] = {"note": "Our team describes it as rare."}
    ctx = of_data(data, Path("spinal-fusion/en.json"))
    for pointer, _risk in numbers._risks(ctx):
        assert numbers._risk_sentences(ctx, pointer) == reference_risk_sentences(ctx, pointer)
    assert reference_worded(ctx) <= numbers._worded_risks(ctx)
    assert completeness._risk_clauses(ctx) == reference_clauses(ctx)
    assert "/risks/0/description/1" in {h.pointer for h in hygiene.phone_number_form(ctx)}


# --- LH004: doubled words in the printed text (authors, sources, approval) ------------------------------

def reference_doubled_in_printed(ctx: Context) -> list[tuple[str, int | None]]:
    out = []
    for pointer, text in hygiene.printed(ctx):
        for match in hygiene._DOUBLED.finditer(text):
            if match["word"].lower() not in hygiene._DOUBLING_ALLOWED and text[match.start() - 1: match.start()] != "-":
                out.append((pointer, match.end() - len(match["word"])))
    return out


@pytest.mark.parametrize("titles", [
    ["A clean title", "Another one"],
    ["The the title"],  # in any case
    ["(Surgery surgery)", "x-the the"],  # marks around; after a hyphen (left alone)
    ["Ends with the", "the starts the next"],  # alike only across two strings: not a doubled word
    ["Tabs\tand\tand lines", "two  spaces  spaces"],
    ["Ünïcode text with with a doubled word"],  # not ASCII: the expression is searched as before
    ["Kelvin \u212a k", "had had", "that that is is"],
    ["the1 the1", "the_ the_", "a9 a9"],
])
def test_doubled_words_in_printed_text(titles: list[str]) -> None:
    data = {"title": "T", "sources": [{"title": t, "url": "https://example.org"} for t in titles],
            "authors": ["Jo Bloggs"]}
    ctx = of_data(data)
    assert [(h.pointer, h.index) for h in hygiene._doubled_in_printed(ctx)] == reference_doubled_in_printed(ctx)


def test_doubled_words_in_printed_text_on_every_leaflet() -> None:
    for ctx in every_leaflet():
        assert [(h.pointer, h.index) for h in hygiene._doubled_in_printed(ctx)] == reference_doubled_in_printed(ctx)

