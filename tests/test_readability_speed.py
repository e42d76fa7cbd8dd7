"""The short cuts that keep LR001/LR002 (and LR005, LR006, LR007) cheap must give what the plain way gives:
every grade the very same float, every finding the same. The plain way is written out here as it was
before the short cuts (word-by-word counts, a list of the running sentences, a loop over every sentence),
and both are run on every leaflet the project keeps and every rule fixture; then each short cut is taken
to its edge: a section just small enough for the packed sums and one just too big, a short word written
in capitals, a hyphenated one, an abbreviation inside a longer word of the glossary, a term met first in
a heading."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT
from test_rules import ALL_CASES, BASE, build

from leaflets import content
from leaflets.config import Config
from leaflets.rules import plain_words, readability
from leaflets.rules.context import Context, Sentence
from leaflets.rules.registry import Hit

# --- the plain way, as the code was before the short cuts -------------------------------------------


def plain_grades_of_words(sentence_count: int, all_words: list[str],
                          short: frozenset[str] = frozenset()) -> tuple[float, float, int]:
    total = len(all_words)
    if not sentence_count or not total:
        return 0.0, 0.0, 0
    syllable_sum = polysyllables = 0
    for word, times in Counter(all_words).items():
        if "-" in word or (short and word.lower() in short):
            parts = [part for part in word.split("-") if part] or [word]
            total += (len(parts) - 1) * times
            for count in [1 if short and part.lower() in short else readability.syllables(part) for part in parts]:
                syllable_sum += count * times
                polysyllables += times if count >= 3 else 0
        else:
            count = readability.syllables(word)
            syllable_sum += count * times
            if count >= 3:
                polysyllables += times
    fk = 0.39 * total / sentence_count + 11.8 * syllable_sum / total - 15.59
    smog = 1.0430 * math.sqrt(polysyllables * 30 / sentence_count) + 3.1291
    return fk, smog, total


def plain_section_grades(ctx: Context) -> list[tuple[str, float, float, int, int]]:
    sentence_counts = Counter(paragraph.section for paragraph, _start, _text in ctx.sentences)
    texts: dict[str, list[str]] = {}
    for paragraph in ctx.paragraphs:
        texts.setdefault(paragraph.section, []).append(paragraph.text)
    short = readability._short_words(ctx)
    out = []
    for section in readability.GRADED_SECTIONS:
        if sentence_counts.get(section) and section in ctx.section_words:
            n = sentence_counts[section]
            ws = readability._graded_words(ctx, section, "\n".join(texts[section]))
            out.append((section, *plain_grades_of_words(n, ws, short), n))
    return out


def plain_running_sentences(ctx: Context) -> tuple[list[Sentence], dict[int, int]]:
    sentences = [s for s in ctx.sentences if s.paragraph.section not in ("glossary", "title")
                 and not s.paragraph.pointer.endswith(("/name", "/when", "/frequency/note"))]
    starts: dict[int, int] = {}
    for position, sentence in enumerate(sentences):
        starts.setdefault(id(sentence.paragraph), position)
    return sentences, starts


def plain_first_use(term: plain_words.Term, ctx: Context, sentences: list[Sentence],
                    first: dict[int, int]) -> tuple[int, re.Match[str] | None] | None:
    if term.lower_regex is None:
        return None
    for paragraph, _index, _match in ctx.matches(term.lower_regex, lower=True, word_start=True):
        position = first.get(id(paragraph))
        if position is None:
            continue
        while position < len(sentences) and sentences[position].paragraph is paragraph:
            text = sentences[position].text
            for match in term.word_regex.finditer(text) if term.word_regex else ():
                if term.everyday_after and text[:match.start()].lower().endswith(term.everyday_after):
                    return position, None
                return position, match
            position += 1
    return None


def plain_jargon_checked(ctx: Context) -> Iterator[tuple[plain_words.Term, Hit | None]]:
    glossary = plain_words._glossary_text(ctx)
    title = ctx.data.get("title")
    title = title.lower() if isinstance(title, str) else ""
    found: list[tuple[plain_words.Term, Hit]] = []
    spans: list[tuple[str, int, int]] = []
    running = None
    for term in plain_words._jargon_candidates(ctx):
        if term.word_regex is None or any(f in title for f in term.lower_forms if not f.isupper()):
            continue
        if glossary and any(f in glossary and re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", glossary)
                            for f in term.lower_forms):
            yield term, None
            continue
        if running is None:
            running = plain_running_sentences(ctx)
        sentences, starts = running
        first = plain_first_use(term, ctx, sentences, starts)
        if first is None:
            continue
        position, match = first
        if match is None:
            yield term, None
            continue
        if plain_words._explained(sentences, position, match.start(), match.end()) or \
                plain_words._explained_by(term, sentences, position, match.end()):
            yield term, None
            continue
        sentence = sentences[position]
        plain = f" (for example: {term.plain})" if term.plain else ""
        hit = Hit(sentence.paragraph.pointer, f"\"{match.group()}\" is not explained: say what it means where it is "
                  f"first used{plain}, or add it to the glossary", index=sentence.start + match.start())
        found.append((term, hit))
        spans.append((sentence.paragraph.pointer, sentence.start + match.start(), sentence.start + match.end()))
    for (term, hit), (pointer, start, end) in zip(found, spans, strict=True):
        if not any(p == pointer and s <= start and end <= e and (s, e) != (start, end) for p, s, e in spans):
            yield term, hit


def plain_long_paragraph(ctx: Context) -> list[Hit]:
    limit = ctx.thresholds["max-paragraph-words"]
    counts: dict[int, int] = {}
    for sentence, length in zip(ctx.sentences, ctx.sentence_lengths, strict=True):
        counts[id(sentence.paragraph)] = counts.get(id(sentence.paragraph), 0) + length
    return [Hit(p.pointer, f"this paragraph has {counts[id(p)]} words; keep paragraphs to {limit} or fewer: "
                "split it or make a list") for p in ctx.paragraphs if counts.get(id(p), 0) > limit]


def plain_abbreviations(ctx: Context) -> list[Hit]:
    if not ctx.english:
        return []
    known, meanings = plain_words._known_abbreviations(), plain_words._abbreviation_meanings()
    text = " ".join(set().union(*ctx.section_words.values()).difference(ctx.vocabulary))
    candidates = {m.group().removesuffix("s") for m in plain_words._CAPITALS.finditer(text)
                  if not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_&-")} - known
    if not candidates:
        return []
    glossary = "\n".join(t for _p, e in ctx.items("/glossary") if isinstance(e, dict)
                         for t in (e.get("term"), e.get("definition")) if isinstance(t, str))
    holding = {id(p) for c in candidates for p, _i, _m in ctx.matches(re.compile(re.escape(c)))}
    sentences = [s for s in ctx.sentences if id(s.paragraph) in holding and s.paragraph.section not in
                 ("glossary", "title")]
    seen: set[str] = set()
    out = []
    for position, sentence in enumerate(sentences):
        if not any(c in sentence.text for c in candidates):
            continue
        letters = "".join(filter(str.isalpha, sentence.text))
        if sum(map(str.isupper, letters)) > 0.6 * len(letters):
            continue
        for match in plain_words._ABBREVIATION.finditer(sentence.text):
            abbreviation = match["a"]
            if sum(c.isupper() for c in abbreviation) < 2 or abbreviation in seen or abbreviation in known:
                continue
            seen.add(abbreviation)
            if re.search(rf"(?<![\w-]){re.escape(abbreviation)}(?![\w-])", glossary) or \
                    plain_words._expanded(sentence, match, sentences, position):
                continue
            full = f" (\"{meanings[abbreviation]} ({abbreviation})\")" if abbreviation in meanings else ""
            out.append(Hit(sentence.paragraph.pointer, f"\"{abbreviation}\" is not spelt out: write it in full where "
                           f"it is first used, with the abbreviation in brackets{full}, or add it to the glossary",
                           index=sentence.start + match.start()))
    return out


# --- the leaflets -----------------------------------------------------------------------------------


def _leaflets() -> list[tuple[str, bytes]]:
    """Every leaflet the project keeps (content/ and each JSON leaflet under tests/fixtures/), and every
    rule fixture case written out."""
    out = []
    for path in sorted([*ROOT.glob("content/**/*.json"), *FIXTURES.glob("**/*.json")]):
        raw = path.read_bytes()
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        if isinstance(data, dict) and ("title" in data or "summary" in data):
            out.append((str(path.relative_to(ROOT)), raw))
    for code, outcome, index, edit in ALL_CASES:
        _relative, data = build(edit)
        out.append((f"{code}-{outcome}-{index}", json.dumps(data, ensure_ascii=False).encode()))
    return out


LEAFLETS = _leaflets()


def context(raw: bytes, name: str = "leaflet/en.json", **thresholds: Any) -> Context:
    config = Config()
    config.thresholds.update(thresholds)
    doc = content.parse(content.Document(path=Path(name), display=name), raw)
    return Context(doc, config.thresholds, dt.date(2026, 6, 1))


def test_there_are_many_leaflets_to_compare():
    assert len(LEAFLETS) > 300, len(LEAFLETS)


def test_every_grade_is_the_same_float_on_every_leaflet():
    compared = 0
    for name, raw in LEAFLETS:
        fast = readability._section_grades(context(raw))
        plain = plain_section_grades(context(raw))
        assert fast == plain, name  # the very floats: == on each, no tolerance
        compared += len(fast)
    assert compared > 1000, compared


def test_every_jargon_judgement_and_finding_is_the_same_on_every_leaflet():
    judged = 0
    for name, raw in LEAFLETS:
        fast = [(term.term, hit) for term, hit in plain_words.jargon_uses(context(raw))]
        plain = [(term.term, hit) for term, hit in plain_jargon_checked(context(raw))]
        assert fast == plain, name
        judged += len(fast)
    assert judged > 500, judged


@pytest.mark.parametrize("limit", [80, 25, 8, 1])
def test_paragraph_lengths_are_the_same_on_every_leaflet(limit):
    """At the default limit most leaflets have no long paragraph (the early return); at 1 every
    paragraph of two words is one, so every paragraph's count is compared."""
    reported = 0
    for name, raw in LEAFLETS:
        fast = list(readability.long_paragraph(context(raw, **{"max-paragraph-words": limit})))
        assert fast == plain_long_paragraph(context(raw, **{"max-paragraph-words": limit})), name
        reported += len(fast)
    assert limit == 80 or reported > 100


def test_abbreviation_findings_are_the_same_on_every_leaflet():
    reported = 0
    for name, raw in LEAFLETS:
        fast = list(plain_words.unexplained_abbreviation(context(raw)))
        assert fast == plain_abbreviations(context(raw)), name
        reported += len(fast)
    assert reported > 10, reported


# --- the packed sums at their edge ------------------------------------------------------------------

SHORT = frozenset({"carpal", "tunnel", "state"})
ODD_WORDS = ["Carpal", "CARPAL", "carpal", "tunnel-release", "state-of-the-art", "State-Of-The-Art", "-", "--",
             "x-", "-ray", "7", "1.5", "anaesthetist", "physiotherapy", "an", "the", "extraordinary"]


def test_odd_words_grade_as_counted_word_by_word():
    """Short words in any case, hyphenated ones whose parts are short, a free-standing dash, digits."""
    for short in (frozenset(), SHORT):
        for n in (1, 3):
            assert readability.grades_of_words(n, ODD_WORDS * 3, short) == plain_grades_of_words(n, ODD_WORDS * 3,
                                                                                                  short)
    assert readability.grades_of_words(0, ODD_WORDS) == plain_grades_of_words(0, ODD_WORDS) == (0.0, 0.0, 0)
    assert readability.grades_of_words(2, []) == (0.0, 0.0, 0)


@pytest.mark.parametrize("most_parts,word", [(1, "extraordinary"), (4, "extra-ordinary-medical-terminology")])
def test_the_packed_sums_hold_up_to_their_limit_and_the_counting_takes_over_past_it(most_parts, word):
    """A section's parts just under _PACK: every part long (SMOG's count as high as it can be); one past it,
    the word-by-word count. Both the same as the plain way."""
    limit = readability._PACK // most_parts
    for count in (limit - 1, limit):  # (limit - 1) * most_parts < _PACK <= limit * most_parts
        section = [word] * (count - 1) + ["a"]
        costs = readability._WordCosts(set(section), frozenset())
        assert costs.fits(section) is (count * most_parts < readability._PACK)
        assert readability.grades_of_words(9, section) == plain_grades_of_words(9, section), count


def test_a_word_with_more_parts_than_the_packing_holds_is_counted():
    word = "-".join(["medicine"] * (readability._PACK + 1))
    assert readability.grades_of_words(1, [word]) == plain_grades_of_words(1, [word])


# --- the short cuts of LR006 and LR007 at their edge ------------------------------------------------


def _base(**changes: Any) -> bytes:
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


def _risk(name: str, description: str) -> dict[str, Any]:
    return {"name": name, "description": [description],
            "frequency": {"rate": {"kind": "about", "percent": 2}, "band": "common"}}


def test_a_term_first_met_in_a_heading_is_judged_where_the_running_text_uses_it():
    """The heading is skipped (it is explained by the text under it); the sentence after the heading is
    the description's, in another paragraph: it does not explain the heading's term."""
    raw = _base(risks=[_risk("Haematoma", "This is common."),
                       _risk("Bleeding", "A haematoma can form under the cut.")])
    fast = [(t.term, h) for t, h in plain_words.jargon_uses(context(raw))]
    assert fast == [(t.term, h) for t, h in plain_jargon_checked(context(raw))]
    hits = [h for t, h in fast if t == "haematoma"]
    assert hits and hits[0] is not None and hits[0].pointer == "/risks/1/description/0", fast


def test_a_term_only_in_headings_and_the_glossary_text_is_not_judged():
    raw = _base(risks=[_risk("Haematoma", "Blood may collect under the skin.")])
    fast = [(t.term, h) for t, h in plain_words.jargon_uses(context(raw))]
    assert fast == [(t.term, h) for t, h in plain_jargon_checked(context(raw))]
    assert "haematoma" not in [t for t, _h in fast]


@pytest.mark.parametrize("glossary_term,reported", [("PALSY", True), ("PALS", False), ("the PALS-team", True),
                                                    ("(PALS)", False)])
def test_an_abbreviation_in_the_glossary_counts_only_as_a_whole_word(glossary_term, reported):
    raw = _base(questions=["If you are unhappy, contact PALS."],
                glossary=[{"term": glossary_term, "definition": "Someone to talk to."}])
    fast = list(plain_words.unexplained_abbreviation(context(raw)))
    assert fast == plain_abbreviations(context(raw))
    assert any("\"PALS\"" in h.message for h in fast) is reported, fast


def test_an_abbreviation_only_in_the_title_or_glossary_paragraphs_is_not_read_there():
    raw = _base(title="Carpal tunnel release (CTR)",
                glossary=[{"term": "ABC", "definition": "XYZ means something."}])
    fast = list(plain_words.unexplained_abbreviation(context(raw)))
    assert fast == plain_abbreviations(context(raw)) == []


# --- LR001's look for a sentence far too long ---------------------------------------------------------


def plain_hard_sections(ctx: Context) -> dict[str, str]:
    limit, minimum = ctx.thresholds["max-grade"], ctx.thresholds["min-readability-words"]
    near = {section: fk - 0.39 * max(0.0, count / n - readability.PLAIN_AVERAGE)
            for section, fk, _smog, count, n in readability._section_grades(ctx)
            if count >= minimum and fk > limit - readability.CLEARLY_OVER}
    hard: dict[str, str] = {}
    if near:
        far = ctx.thresholds["max-sentence-words"] * readability.FAR_OVER
        longest: dict[str, int] = {}
        for sentence, length in zip(ctx.sentences, ctx.sentence_lengths, strict=True):
            if length > far and length > longest.get(sentence.paragraph.section, 0):
                longest[sentence.paragraph.section] = length
        for section, words_grade in near.items():
            if section in longest:
                hard[section] = f"a sentence of {longest[section]} words"
            elif words_grade > limit + readability.CLEARLY_OVER:
                hard[section] = "many long words"
    return hard


@pytest.mark.parametrize("sentence_words,grade", [(25, 8), (10, 8), (25, 4), (4, 2)])
def test_hard_sections_are_the_same_on_every_leaflet(sentence_words, grade):
    """Lower limits put more sections near the limit and more sentences far over it."""
    limits = {"max-sentence-words": sentence_words, "max-grade": grade}
    hard = 0
    for name, raw in LEAFLETS:
        fast = readability._hard_sections(context(raw, **limits))
        assert fast == plain_hard_sections(context(raw, **limits)), name
        hard += sum("a sentence of" in why for why in fast.values())
    assert hard > 20, hard


@pytest.mark.parametrize("words,far_over", [(30, False), (31, True)])
def test_a_sentence_is_far_too_long_only_past_its_limit(words, far_over):
    """At the default 25 words, a sentence is far too long past 30 words (not at 30)."""
    sentence = " ".join(["Word"] + ["word"] * (words - 2)) + " end."
    raw = _base(on_the_day=["Procedures are performed under anaesthesia. " * 6 + sentence])
    fast = readability._hard_sections(context(raw, **{"max-grade": 4}))
    assert fast == plain_hard_sections(context(raw, **{"max-grade": 4}))
    assert ("a sentence of" in fast.get("on_the_day", "")) is far_over, fast
    assert not far_over or fast["on_the_day"] == f"a sentence of {words} words"


def plain_long_sentence(ctx: Context) -> list[Hit]:
    limit = ctx.thresholds["max-sentence-words"]
    return [Hit(s.paragraph.pointer, f"this sentence has {count} words; keep sentences to {limit} or fewer: split it",
                index=s.start) for s, count in zip(ctx.sentences, ctx.sentence_lengths, strict=True)
            if s.paragraph.section != "glossary" and count > limit]


@pytest.mark.parametrize("limit", [25, 12, 12.5, 3, 0])
def test_long_sentences_are_the_same_on_every_leaflet(limit):
    """Every sentence over the limit, from none over 25 on most leaflets to every one at 0, and a limit
    that is not a whole number (a threshold may be one)."""
    found = 0
    for name, raw in LEAFLETS:
        fast = list(readability.long_sentence(context(raw, **{"max-sentence-words": limit})))
        assert fast == plain_long_sentence(context(raw, **{"max-sentence-words": limit})), name
        found += len(fast)
    assert found > (0 if limit == 25 else 1000), found


@pytest.mark.parametrize("words,reported", [(25, False), (26, True)])
def test_a_sentence_is_too_long_only_past_the_limit(words, reported):
    sentence = " ".join(["Word"] + ["word"] * (words - 2)) + " end."
    raw = _base(on_the_day=[sentence], glossary=[{"term": "local anaesthetic", "definition": sentence}])
    fast = list(readability.long_sentence(context(raw)))
    assert fast == plain_long_sentence(context(raw))
    assert [h.pointer for h in fast] == (["/on_the_day/0"] if reported else []), fast  # not the glossary's


# --- a short word with a capital is looked for among the words not in the vocabulary only -------------


def test_every_character_str_lower_gives_is_its_own_lower_case():
    """So a word of the vocabulary (cut from the lower-cased prose) is its own lower case, and so is each
    short word: a word that is not its own lower case is never in the vocabulary."""
    assert all(d.lower() == d for c in range(sys.maxunicode + 1) for d in chr(c).lower())
    assert "ΟΔΟΣ".lower() == "οδος" and "ς".lower() == "ς"  # the one character lowered by its context


def test_every_word_of_every_vocabulary_is_its_own_lower_case():
    for name, raw in LEAFLETS:
        ctx = context(raw)
        assert all(word.lower() == word for word in ctx.vocabulary), name
        assert all(word.lower() == word for word in readability._short_words(ctx)), name


def test_a_short_word_with_a_capital_counts_as_one_syllable():
    """"Tourniquet" starts a sentence: not in the vocabulary (which has "tourniquet"), found as a short word
    only by its lower case; "TOURNIQUET" and "Anaesthetic" likewise; "tourniquet" by the intersection."""
    raw = _base(procedure=["A tourniquet (a tight band) is put on your arm. Tourniquet pressure is checked. "
                           "TOURNIQUET TIME IS SHORT. Anaesthetic cream helps."])
    ctx = context(raw)
    short = readability._short_words(ctx)
    assert {"tourniquet", "anaesthetic"} <= short, short
    unlowered = plain_words.unlowered_words(ctx)
    assert {"Tourniquet", "TOURNIQUET", "Anaesthetic"} <= unlowered and "tourniquet" not in unlowered
    words_ = plain_words.prose_words(ctx)
    with_unlowered = readability._WordCosts(words_, short, unlowered).costs
    assert with_unlowered == readability._WordCosts(words_, short).costs
    assert {w: with_unlowered[w] for w in ("tourniquet", "Tourniquet", "TOURNIQUET", "Anaesthetic")} == \
        dict.fromkeys(("tourniquet", "Tourniquet", "TOURNIQUET", "Anaesthetic"), readability._PACK ** 2)
    assert readability._section_grades(ctx) == plain_section_grades(context(raw))


# --- the sections split anew, found by a search of the whole prose (round 2) --------------------------

# Each is the base leaflet with these fields: the title in a section's text in another case, across two of
# its items (the substitution then takes both, the search for a trigger only the one within an item), with
# its own white space, beside a tab only; an e-mail, a web address in capitals, an "@" alone, an address
# starting inside a word (what is left of the word is new to the prose); a character whose lower case is
# longer (offsets of the lower-cased prose are not those of the prose: every section the long way); a
# capital sigma; an empty title, one that is not a string; and a leaflet whose prose has no "it" but for
# the title made "it".
SPLIT_ANEW: list[dict[str, Any]] = [
    {"procedure": ["A CARPAL TUNNEL RELEASE frees the nerve.", "Rest."]},
    {"procedure": ["We free the nerve in your carpal tunnel", "release is quick. Carpal tunnel release helps."]},
    {"procedure": ["We free the nerve in your carpal tunnel", "release is quick."]},
    {"title": "Carpal  tunnel\nrelease ", "summary": "Carpal tunnel release is quick. It helps."},
    {"summary": "Carpal\ttunnel release is quick. It helps."},
    {"contact": {"text": ["Write to hand.clinic@example.nhs.uk today.", "Call us."]}},
    {"contact": {"text": ["See WWW.EXAMPLE.NHS.UK today.", "Or HTTPS://example.nhs.uk/a today."]}},
    {"recovery": {"text": ["Our @ sign and www.example.com.", "Rest well."]},
     "risks_introduction": "Email a@b.co for more. Then rest."},
    {"questions": ["Read xhttp://example.com/carpal now.", "Ask us anything."]},
    {"summary": "İstanbul has a carpal tunnel release clinic. Go there. See www.example.com."},
    {"title": "ΟΔΟΣ ΑΣ", "summary": "Α ΟΔΟΣ ΑΣ. Then ΟΔΟΣ ΑΣ again. ΟΔΟΣ ας."},
    {"title": ""},
    {"title": 5},
]


@pytest.mark.parametrize("changes", SPLIT_ANEW)
def test_sections_with_an_address_or_the_title_grade_as_the_plain_way(changes):
    raw = _base(**changes)
    assert readability._section_grades(context(raw)) == plain_section_grades(context(raw))


def test_a_section_split_anew_may_bring_a_word_the_prose_lacks():
    raw = json.dumps({"title": "Carpal tunnel release", "language": "en",
                      "summary": "Carpal tunnel release frees a nerve. You rest at home after the operation.",
                      "contact": {"text": ["Read xhttp://example.com/carpal now. Call us."]}}).encode()
    ctx = context(raw)
    assert "it" not in plain_words.prose_words(ctx) and "x" not in plain_words.prose_words(ctx)
    assert readability._sections_with_addresses_or_title(ctx) == {"title", "summary", "contact"}
    assert readability._section_grades(ctx) == plain_section_grades(context(raw))


def test_the_search_gives_up_when_lower_case_changes_the_length():
    ctx = context(_base(summary="İstanbul. Rest."))
    assert readability._sections_with_addresses_or_title(ctx) is None
    assert readability._sections_with_addresses_or_title(context(_base())) == {"title"}


def test_lower_case_changes_a_character_by_its_neighbours_only_for_a_capital_sigma():
    """What the search of the lower-cased prose rests on: a paragraph's lower case is the same whatever
    stands beside it (a "\\n" or an end of the text), and no character lower-cases to an "@"."""
    changed = [c for c in map(chr, range(sys.maxunicode + 1)) if c.lower() != c]
    assert len(changed) > 1000
    for char in changed:
        assert "@" not in char.lower() and "\n" not in char.lower()
        if char != "Σ":
            for beside in ("a", "Α", "\n", "’", ".", ""):
                assert (beside + char + beside).lower() == beside.lower() + char.lower() + beside.lower()
    for beside in ("\n", "\n\x00\n"):  # a final sigma at a paragraph's end, either way joined
        assert ("ΑΣ" + beside + "Β").lower() == "ας" + beside + "β" and "ΑΣ".lower() == "ας"


WEB_TEXTS = ["See www.example.com today.", "HTTP://X.Y/z and https://a.b", "xwww.a.b", "www.", "http:/a",
             "HtTpS://a.b/c?d=e f", "no address", "", "a.b.c www.x www.y"]


def test_an_address_without_an_at_sign_is_found_by_the_web_part_alone():
    for text in WEB_TEXTS:
        assert readability._WEB_ADDRESS.sub(" ", text) == readability._ADDRESS.sub(" ", text), text
    rng = random.Random(7)
    pieces = ["www.", "http", "s", "://", "a", ".", "b", " ", "\n", "W", "H", "/", "x"]
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert readability._WEB_ADDRESS.sub(" ", text) == readability._ADDRESS.sub(" ", text), text


def test_hyphenated_words_are_those_holding_a_hyphen():
    rng = random.Random(3)
    for _ in range(20000):
        words_ = ["".join(rng.choice("ab- ") for _ in range(rng.randint(0, 5))) for _ in range(rng.randint(0, 6))]
        assert readability._hyphenated(words_) == [w for w in words_ if "-" in w], words_
    assert readability._hyphenated(["-", "a-", "-b", "c", "d--e"]) == ["-", "a-", "-b", "d--e"]
    assert readability._hyphenated(["a b-c", "d"]) == ["a b-c"]  # a word with a space: each word tested


def test_a_form_of_three_words_is_looked_for_only_when_its_inner_words_are_in_the_leaflet():
    """``Term.maybe_in`` skips the scan for "nerve conduction studies" when "conduction" is no word of the
    leaflet; with the word anywhere, or the form itself in the text, the scan runs and decides."""
    term = plain_words.Term("nerve conduction studies", ["electro-myography (EMG) test"], "")
    assert ("nerve", "nerve conduction studies", frozenset({"conduction"})) in term.lower_gates
    assert ("electro-myography", "electro-myography (emg) test", frozenset()) in term.lower_gates  # "(emg)"
    cases = {"You may have nerve conduction studies first.": True,  # the form itself
             "You may have nerve\nconduction studies.": False,  # not the form: a new line for its space
             "Conduction is tested. A nerve is studied.": False,  # its words apart: scanned, not found
             "A nerve test. No studies.": False,  # no "conduction": not scanned
             "Nerve Conduction Studies (NCS) help.": True,  # in capitals: the lower-cased text has it
             "An electro-myography (EMG) test.": True}  # the inner word with punctuation is not asked for
    for text, found in cases.items():
        ctx = context(_base(summary=text))
        assert term.maybe_in(ctx) is found, text
        plain = any(first in ctx.vocabulary and (form == first or form in ctx.joined_lower)
                    for first, form in term.lower_starts) or \
            any(a.lower() in ctx.vocabulary and a in ctx.joined for a in term.acronyms)
        assert plain is found, text
