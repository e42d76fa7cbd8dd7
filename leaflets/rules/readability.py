"""LR: readability. Flesch–Kincaid grade and SMOG per section, long sentences and paragraphs (jargon
and abbreviations used without a plain explanation, LR006 and LR007, are in ``plain_words``).

Both formulas were fitted to English text, so they are measured only for English leaflets
(language "en" or "en-XX"); for any other language LR003 says so instead of guessing. Syllables
are counted by English spelling rules (below), offline and in microseconds: textstat needs nltk's
cmudict from the network and pyphen's hyphenation points are not syllables ("every" has one
hyphenation point fewer than syllables, "people" none).
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from leaflets.findings import Severity
from leaflets.rules.context import Context, Sentence, blank_punctuation, words
from leaflets.rules.plain_words import (  # noqa: F401  (jargon: for callers of this module)
    jargon,
    jargon_uses,
    prose_words,
    sentence_spans,
    unlowered_words,
)
from leaflets.rules.registry import Hit, rule

SUPPORTED = "English (en, en-GB, en-US and other en-XX tags)"
GRADED_SECTIONS = ["summary", "condition", "procedure", "benefits", "alternatives", "preparation", "on_the_day",
                   "risks_introduction", "risks", "recovery", "urgent_help", "questions", "contact", "disclaimer"]


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_SPLIT_PAIRS = re.compile(r"(?=(ia|io|iu|eo(?!p)|ua|uo|ii|ya|yo|ea$|iet|ienc))")
_JOINED = re.compile(r"cia|tia|tio|sion|cio|gio|geo|cious|tious|gious|xio")
_SILENT_E = re.compile(r"(?:[^aeiouy]le|ee|ye|oe|[^gq]ue|ae)$")
_SILENT_ED = re.compile(r"[^dt]ed$")
_SOUNDED_ED = re.compile(r"[^aeiouyl]led$|eed$")  # "han-dled", not "called" or "filled"
_SILENT_ES = re.compile(r"[^aeiouy]es$")
_SOUNDED_ES = re.compile(r"(?:[sxzc]es|[sc]hes|ges|[^aeiouy]les)$")
_SILENT_E_MENT = re.compile(r"[aeiou](?:[cgstvzr]|nc|ng)ement$")  # "re-place-ment", "man-age-ment", not "el-e-ment"
_CONSONANT_Y = re.compile(r"^y(?=[aeiou])")  # "your", "yes": a consonant, not a vowel group


@functools.lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Syllables in an English word by spelling rules (about 95 % exact on medical leaflet words)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1 if word[:1].isdigit() else 0
    if len(w) <= 3:
        return 1
    w = _CONSONANT_Y.sub("", w)
    count = len(_VOWEL_GROUPS.findall(w)) + len(_SPLIT_PAIRS.findall(w)) - len(_JOINED.findall(w))
    if w.endswith("e") and not _SILENT_E.search(w):
        count -= 1
    if _SILENT_ED.search(w) and not _SOUNDED_ED.search(w):
        count -= 1
    if _SILENT_ES.search(w) and not _SOUNDED_ES.search(w):
        count -= 1
    if _SILENT_E_MENT.search(w):
        count -= 1
    return max(count, 1)


def grades(sentences: list[Sentence]) -> tuple[float, float, int]:
    """(Flesch–Kincaid grade, SMOG grade, word count) of a run of sentences."""
    return grades_of_words(len(sentences), [w for s in sentences for w in words(s.text)])


def grades_of_words(sentence_count: int, all_words: list[str],
                    short: frozenset[str] = frozenset()) -> tuple[float, float, int]:
    """The grades of some words. A hyphenated compound counts as its parts: a reader takes
    "state-of-the-art" or "follow-up" as the short words it is made of, not as one long word. A word
    in ``short`` (lower case) counts as one syllable."""
    return _grades_of_costs(sentence_count, all_words, _WordCosts(set(all_words), short))


# What a word adds to the grades, three counts packed in one integer so that one sum over a section's
# words, in C, adds them all: its parts of three syllables or more (SMOG's count) + _PACK * the words
# it adds beyond one (a hyphenated compound counts as its parts) + _PACK ** 2 * its syllables. The two
# low counts of a section are each at most its parts, which _WordCosts.fits checks are under _PACK, so
# they never carry into the next; the syllables, on top, need no bound. Each is a sum of integers, so
# the grades are the very floats a word-by-word count gives.
_PACK = 1 << 20


class _PlainCosts(dict[str, int]):
    """The packed cost of a word that is not hyphenated and not a short word (one part), computed the first
    time a process meets the word. A dict, read by ``map(costs.__getitem__, ...)`` in C: half the time of an
    lru_cache hit, which also moves the entry to the front of its list. Emptied when it grows large, so
    that no run of leaflets, however long, makes it unbounded."""

    LIMIT = 50_000

    def __missing__(self, word: str) -> int:
        if len(self) >= self.LIMIT:
            self.clear()
        count = syllables(word)
        cost = self[word] = count * _PACK ** 2 + (count >= 3)
        return cost


_PLAIN_COSTS = _PlainCosts()


class _Lower(dict[str, str]):
    """Each word's lower case, kept (with its hash) from one leaflet to the next; emptied when it grows large."""

    def __missing__(self, word: str) -> str:
        if len(self) >= _PlainCosts.LIMIT:
            self.clear()
        lower = self[word] = word.lower()
        return lower


_LOWER = _Lower()


def _hyphenated(words: list[str]) -> list[str]:
    """``[w for w in words if "-" in w]``, found in the words joined by spaces: a search in C skips to each
    "-", a step for each hyphenated word (a handful a leaflet, often none) rather than one for every word.
    Split words hold no space: when one does (the spaces are more than the gaps), each word is tested."""
    every = " ".join(words)
    if "-" not in every:
        return []
    if every.count(" ") != len(words) - 1:
        return [w for w in words if "-" in w]
    out: list[str] = []
    at = every.find("-")
    while at >= 0:  # the word around this "-": from the space before it to the space after it
        end = every.find(" ", at)
        end = len(every) if end < 0 else end
        out.append(every[every.rfind(" ", 0, at) + 1:end])
        at = every.find("-", end)
    return out


class _WordCosts:
    """The packed cost of each of some distinct words, for one set of short words: each word's syllables
    counted once per leaflet, however many sections use it (most words are in several)."""

    def __init__(self, distinct: set[str], short: frozenset[str], unlowered: set[str] | None = None) -> None:
        """``unlowered``: the words of ``distinct`` that may not be their own lower case (None: any of them)."""
        self.short = short
        ordered = list(distinct)
        self.costs = dict(zip(ordered, map(_PLAIN_COSTS.__getitem__, ordered), strict=True))  # map, zip: C
        self.most_parts = 1
        # The few words counted otherwise: a word whose lower case is a short word is one part of one syllable,
        # not long; a hyphenated word is counted part by part, below (after the short words: it may be one too,
        # and then its parts are what count). The short words are found in C: a word written just as in
        # ``short`` by a set intersection (each short word is its own lower case), a word written otherwise
        # (with a capital) among ``unlowered`` only, lowered by map and looked up by compress.
        if short:
            found = distinct.intersection(short)
            others = ordered if unlowered is None else list(unlowered)
            found.update(itertools.compress(others, map(short.__contains__, map(_LOWER.__getitem__, others))))
            self.costs.update(dict.fromkeys(found, _PACK ** 2))
        for word in _hyphenated(ordered):
            parts = [part for part in word.split("-") if part] or [word]
            counts = [1 if short and part.lower() in short else syllables(part) for part in parts]
            self.costs[word] = sum(counts) * _PACK ** 2 + (len(parts) - 1) * _PACK + sum(c >= 3 for c in counts)
            self.most_parts = max(self.most_parts, len(parts))

    def fits(self, all_words: list[str]) -> bool:
        """The words' parts (and so their long parts, and the words their compounds add) are fewer than
        _PACK: any section of a real leaflet (a million words would be thousands of pages)."""
        return len(all_words) * self.most_parts < _PACK


def _grades_of_costs(sentence_count: int, all_words: list[str], costs: _WordCosts) -> tuple[float, float, int]:
    """``grades_of_words`` with the words' costs already known (``costs`` holds every word of ``all_words``)."""
    total = len(all_words)
    if not sentence_count or not total:
        return 0.0, 0.0, 0
    if not costs.fits(all_words):
        return _grades_counted(sentence_count, all_words, costs.short)  # a huge section (or word): no packing
    packed = sum(map(costs.costs.__getitem__, all_words))
    total += packed // _PACK % _PACK
    syllable_sum, polysyllables = packed // _PACK ** 2, packed % _PACK
    fk = 0.39 * total / sentence_count + 11.8 * syllable_sum / total - 15.59
    smog = 1.0430 * math.sqrt(polysyllables * 30 / sentence_count) + 3.1291
    return fk, smog, total


def _grades_counted(sentence_count: int, all_words: list[str], short: frozenset[str]) -> tuple[float, float, int]:
    """``grades_of_words`` counted word by word, each distinct word once: the plain way, for sections too
    big for the packed sums."""
    total = len(all_words)
    syllable_sum = polysyllables = 0
    for word, times in Counter(all_words).items():
        parts = [part for part in word.split("-") if part] or [word]
        total += (len(parts) - 1) * times
        for count in [1 if short and part.lower() in short else syllables(part) for part in parts]:
            syllable_sum += count * times
            polysyllables += times if count >= 3 else 0
    fk = 0.39 * total / sentence_count + 11.8 * syllable_sum / total - 15.59
    smog = 1.0430 * math.sqrt(polysyllables * 30 / sentence_count) + 3.1291
    return fk, smog, total


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[^\s@]+@[^\s@]+\.\w+", re.IGNORECASE)
# _ADDRESS's first choice alone: in a text with no "@" the second never matches, and the second is what costs
# (it starts at every character and runs on to the next space before it fails)
_WEB_ADDRESS = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)


def _graded_words(ctx: Context, section: str, text: str) -> list[str]:
    """The words of a section as the formulas should see them.

    Web and e-mail addresses are left out: "www.nhs.uk/conditions/carpal-tunnel-syndrome" is not
    prose a reader decodes word by word, yet split at its dots it is five "words" of up to four
    syllables. The leaflet's own procedure name (its title, and each long word of it used alone)
    counts as one short word: the reader meets it in the title and on every page, so it is no harder
    to read the tenth time than a name, and it is a word a writer cannot avoid. Each long word of the
    name alone, and each word of a jargon term the leaflet explains, counts as one syllable
    (``_short_words``)."""
    lower = text.lower()
    title = ctx.data.get("title")
    title = " ".join(title.lower().split()) if isinstance(title, str) else ""
    has_address = "@" in text or "www." in lower or "http" in lower
    has_title = bool(title) and title in lower
    if not (has_address or has_title):
        return ctx.section_words[section]  # most sections have neither: the words split once, in C
    if has_address:
        text = (_ADDRESS if "@" in text else _WEB_ADDRESS).sub(" ", text)
    if has_title:
        text = re.sub(r"\s+".join(re.escape(w) for w in title.split()), "it", text, flags=re.IGNORECASE)
    return blank_punctuation(text).split()


def _short_words(ctx: Context) -> frozenset[str]:
    """Words the grades count as one syllable, in lower case: each long word of the title, and each
    word of a jargon term the leaflet explains (LR006's judgement: where it is first used, or in the
    glossary). A term explained is a word the writer had to use and the reader has been given;
    counting its five syllables each time would grade the section down for the explanation the
    leaflet owes its reader. Unexplained terms still count in full."""
    if "short words" not in ctx.cache:
        title = ctx.data.get("title")
        named = {w.lower() for w in words(title) if syllables(w) >= 3} if isinstance(title, str) else set()
        explained = {part.lower() for term, hit in jargon_uses(ctx) if hit is None for form in term.forms
                     if not form.isupper() for w in form.split() for part in w.split("-")}
        ctx.cache["short words"] = frozenset(named | explained)
    return ctx.cache["short words"]


# fields by index, for map() in C: a Passage is (pointer, text, section), a Sentence (paragraph, start, text)
_TEXT, _SECTION, _PARAGRAPH = operator.itemgetter(1), operator.itemgetter(2), operator.itemgetter(0)


def _sections_with_addresses_or_title(ctx: Context) -> set[str] | None:
    """The sections whose text has what ``_graded_words`` looks for (an "@", "www." or "http", the title),
    found by a few substring searches of the whole prose, not a join and lower-casing of each section: in
    any other section ``_graded_words`` gives ``ctx.section_words``. None: look in every section.

    A hit in ``joined_lower`` is one in its paragraph's lower case, and so in its section's texts joined by
    "\n" and lower-cased (what ``_graded_words`` tests): no string looked for holds a "\n", so none runs
    across paragraphs, and str.lower changes a character by what is beside it only for a capital sigma
    at a word's end, where a "\n" or an end of the text count alike. No character's lower case holds an
    "@" but the "@"'s own (tests/test_readability_speed.py checks every character)."""
    lower = ctx.joined_lower
    if len(lower) != len(ctx.joined):  # a character whose lower case is longer: offsets differ
        return None
    title = ctx.data.get("title")
    title = " ".join(title.lower().split()) if isinstance(title, str) else ""
    found: set[str] = set()
    for mark in ("@", "www.", "http", title) if title else ("@", "www.", "http"):
        at = lower.find(mark)
        while at >= 0:
            found.add(ctx.locate(at)[0].section)
            at = lower.find(mark, at + 1)
    return found


def _sections(ctx: Context) -> Iterator[tuple[str, int, list[str]]]:
    """(section, sentences in it, its words) for each graded section present."""
    sentence_counts = Counter(map(_SECTION, map(_PARAGRAPH, ctx.sentences)))  # looked up and counted in C
    split_anew = _sections_with_addresses_or_title(ctx)
    texts: dict[str, list[str]] | None = None
    for section in GRADED_SECTIONS:
        if sentence_counts.get(section) and section in ctx.section_words:
            if split_anew is not None and section not in split_anew:  # most sections
                yield section, sentence_counts[section], ctx.section_words[section]
                continue
            if texts is None:
                texts = {}
                # a section's paragraphs come together (``ctx.paragraphs`` walks one section after another):
                # one step a section, not one a paragraph; extend, so that a section met twice would still
                # have all its texts
                for name, paragraphs in itertools.groupby(ctx.paragraphs, _SECTION):
                    texts.setdefault(name, []).extend(map(_TEXT, paragraphs))
            yield section, sentence_counts[section], _graded_words(ctx, section, "\n".join(texts[section]))


def _section_grades(ctx: Context) -> list[tuple[str, float, float, int, int]]:
    """(section, Flesch–Kincaid, SMOG, words, sentences) of each graded section."""
    if "grades" not in ctx.cache:  # shared by LR001 and LR002
        sections = list(_sections(ctx))
        # one table of costs for all the sections: a word's syllables counted once per leaflet. Its words are
        # the prose's (made once a leaflet, and shared with LR007), and those of a section split anew
        # (``_graded_words``: an address left out, the title made "it"); a word of another section costs a
        # look-up and is never read. The words that may not be their own lower case: those not in the vocabulary.
        distinct, unlowered = prose_words(ctx), unlowered_words(ctx)
        split_anew = [ws for section, _n, ws in sections if ws is not ctx.section_words[section]]
        # a section split anew rarely has a word the prose lacks ("it" for the title is in most leaflets'
        # prose, an address only takes words out): the prose's set is copied only when it has one
        new_words = set().union(*split_anew).difference(distinct) if split_anew else None
        if new_words:
            distinct = distinct | new_words
            unlowered = unlowered.union(new_words.difference(ctx.vocabulary))
        costs = _WordCosts(distinct, _short_words(ctx), unlowered)
        ctx.cache["grades"] = [(section, *_grades_of_costs(n, ws, costs), n) for section, n, ws in sections]
    return ctx.cache["grades"]


CLEARLY_OVER = 2.0  # grades either side of max-grade that no error of measurement explains
FAR_OVER = 1.2  # a sentence over this many times max-sentence-words (30 words at the default 25) is far too long
PLAIN_AVERAGE = 15  # words: the low end of the average sentence plain-English guidance asks for (LR004's why)
SMOG_MIN_SENTENCES = 10  # SMOG scales each long word by 30 / sentences: below this, one word moves it a grade


def _hard_sections(ctx: Context) -> dict[str, str]:
    """The sections LR001 reports, each with what makes it hard.

    A grade within CLEARLY_OVER of the limit, either side, is within the formula's error on a section
    of a few sentences (one long word moves it by half a grade; one 40-word sentence averaged with
    short ones hides under it), so there the grade alone decides nothing: such a section is reported
    when it has a sentence FAR_OVER `max-sentence-words`, the cause a writer can act on that the
    average hides. A sentence just over the limit is LR004's finding and a medical word left
    unexplained LR006's, each at its place: neither makes a section finding on its own (on real
    leaflets both did, and an editor struck them out). Without such a sentence, a section is reported
    for "many long words" when its words alone put it CLEARLY_OVER the limit: its grade with sentences
    of PLAIN_AVERAGE words at most. Ordinary words in sentences of 20 to 30 words grade 10 or 11 (the
    sentence-length term alone adds 8 to 12), and those sentences are each within what LR004 allows or
    reported by it: "many long words" would name the wrong cause. A section clearly under the limit is
    not reported."""
    if "hard sections" in ctx.cache:
        return ctx.cache["hard sections"]
    limit, minimum = ctx.thresholds["max-grade"], ctx.thresholds["min-readability-words"]
    # each section near the limit or over it, with the grade its words give at a plain sentence length (the
    # Flesch–Kincaid term for sentence length, 0.39 a word, counted up to PLAIN_AVERAGE words a sentence only)
    near = {section: fk - 0.39 * max(0.0, count / n - PLAIN_AVERAGE)
            for section, fk, _smog, count, n in _section_grades(ctx) if count >= minimum and fk > limit - CLEARLY_OVER}
    hard: dict[str, str] = {}
    if near:
        far = ctx.thresholds["max-sentence-words"] * FAR_OVER
        longest: dict[str, int] = {}  # the longest sentence FAR_OVER the limit in each section that has one
        lengths = ctx.sentence_lengths
        # only the sentences FAR_OVER the limit are looked at, picked in C (far < length for each: few or none)
        for position in itertools.compress(range(len(lengths)), map(operator.lt, itertools.repeat(far), lengths)):
            section, length = ctx.sentences[position].paragraph.section, lengths[position]
            if length > longest.get(section, 0):
                longest[section] = length
        for section, words_grade in near.items():
            if section in longest:
                hard[section] = f"a sentence of {longest[section]} words"
            elif words_grade > limit + CLEARLY_OVER:
                hard[section] = "many long words"
    ctx.cache["hard sections"] = hard
    return hard


@rule("LR001", "reading-grade", Severity.WARNING,
      "A section reads above the target school grade (Flesch–Kincaid), or near it with a far too long sentence.",
      what="The Flesch–Kincaid grade of each section (all its paragraphs and list items together), for English "
           "leaflets. Sections shorter than `min-readability-words` are not graded. Threshold: `max-grade` "
           "(default 8). On a few sentences the formula is good to about 2 grades (one long word moves it half a "
           "grade; one very long sentence averaged with short ones hides under the limit), so a section is "
           "reported, once, naming its SMOG grade too (LR002 does not repeat it), with what makes it hard: a "
           "sentence far over `max-sentence-words` (more than 1.2 times it: over 30 words at the default 25) when "
           "the grade is over the limit or within 2 under it; or many long words, when the words alone put the "
           "section 2 or more over the limit (its grade with sentences counted at 15 words at most, the low end of "
           "the plain-English average: two 23-word sentences of everyday words grade 11). A sentence just over "
           "`max-sentence-words` is LR004's finding and a medical word left unexplained LR006's, each where it is: "
           "neither makes a section finding on its own. Counted "
           "as one short word each, because none is prose a writer can make simpler and all pushed grades up on "
           "real leaflets: web and e-mail addresses (left out), the leaflet's own procedure name (its title, and "
           "each long word of it), and a jargon term the leaflet explains where it is first used or in its "
           "glossary (the reader has been given it). A hyphenated word counts as its parts (\"state-of-the-art\" "
           "is four short words). LR002 counts the same way.",
      why="Patient information should be readable by most adults. The NHS aims at a reading age of 9 to 11, "
          "about US grade 4 to 6; grade 8 is a common ceiling. Long sentences and long words are what push the "
          "grade up, and they are what lose readers who are worried, unwell or reading in a second language. A "
          "grade finding is worth a writer's time when it names something to fix: a 40-word sentence in a "
          "section that averages grade 7 is where readers give up, while half a grade over 8 with nothing far "
          "too long in it is the formula's noise.",
      bad="Postoperative mobilisation is facilitated by physiotherapeutic intervention, commencing "
          "immediately subsequent to the procedure, contingent upon satisfactory haemodynamic parameters.",
      good="A physiotherapist will help you get up and walk soon after the operation, once you feel well enough.")
def reading_grade(ctx: Context) -> Iterable[Hit]:
    if not ctx.english:
        return
    limit, hard = ctx.thresholds["max-grade"], _hard_sections(ctx)
    for section, fk, smog, _count, _n in _section_grades(ctx):
        if section not in hard:
            continue
        if fk > limit:
            yield Hit("/" + section, f"{section} reads at grade {fk:.1f} (Flesch–Kincaid; SMOG {smog:.1f}), "
                      f"with {hard[section]}; aim for {limit:g} or below: use shorter sentences and everyday words")
        else:  # near the limit: the long sentence is the whole finding
            yield Hit("/" + section, f"{section} reads at grade {fk:.1f} (Flesch–Kincaid; SMOG {smog:.1f}), near "
                      f"the limit of {limit:g}, with {hard[section]}: the section's average hides it; split that "
                      "sentence")


@rule("LR002", "smog-grade", Severity.WARNING, "A section reads above the target grade by the SMOG formula.",
      what="The SMOG grade of each section (from the share of words with three or more syllables), for English "
           "leaflets, where LR001 does not already report the section: one hard section is one finding, and "
           "LR001's names both grades. SMOG catches what Flesch–Kincaid misses, short sentences packed with long "
           f"words. Only sections of at least {SMOG_MIN_SENTENCES} sentences are graded: SMOG was fitted on 30 "
           "sentences and scales each long word by 30 / sentences, so on 3 sentences one everyday word such as "
           "\"medicine\" weighs as ten and moves the grade by a whole grade. Threshold: `max-smog` (default 10; "
           "SMOG usually reads one or two grades above Flesch–Kincaid on the same text).",
      why="SMOG is the measure most often recommended for health information because it predicts full "
          "understanding rather than half. Many long words in a section mean many readers give up on it.",
      bad="Complications associated with instrumentation include malpositioning, loosening and periprosthetic "
          "infection, necessitating revision procedures.",
      good="Sometimes a screw is in the wrong place, comes loose or gets infected. You may then need another "
           "operation.")
def smog_grade(ctx: Context) -> Iterable[Hit]:
    if not ctx.english:
        return
    limit, minimum = ctx.thresholds["max-smog"], ctx.thresholds["min-readability-words"]
    hard = _hard_sections(ctx)
    for section, _fk, smog, count, sentences in _section_grades(ctx):
        if count >= minimum and sentences >= SMOG_MIN_SENTENCES and smog > limit and section not in hard:
            yield Hit("/" + section, f"{section} reads at SMOG grade {smog:.1f}; aim for {limit:g} or below: "
                      "use fewer long words")


@rule("LR003", "readability-not-measured", Severity.INFO, "Readability is not measured for this language.",
      what=f"Reports, once per leaflet, that the grade rules (LR001, LR002) were skipped because the leaflet's "
           f"language is not one they support. Supported: {SUPPORTED}.",
      why="Flesch–Kincaid and SMOG were fitted to English; their numbers mean nothing for Welsh or Polish. Saying "
          "so is better than a silent pass or a made-up grade: the leaflet still needs a human readability check.",
      bad='"language": "cy"  (a Welsh leaflet: readability not measured)',
      good="Have a fluent reader check the text, then suppress this finding in the leaflet with that reason.")
def readability_not_measured(ctx: Context) -> Iterable[Hit]:
    if ctx.language and not ctx.english:
        yield Hit("/language", f"readability not measured for language {ctx.language}: the grade formulas "
                  f"support {SUPPORTED} only; have a fluent reader check it")


@rule("LR004", "long-sentence", Severity.WARNING, "A sentence is too long.",
      what="Sentences longer than `max-sentence-words` words (default 25). A full stop with no space after it "
           "between two words (\"minutes.You\") ends a sentence too; LH003 reports the missing space.",
      why="Plain-English guidance puts the average sentence at 15 to 20 words. A reader holds one idea at a time; "
          "a 40-word sentence makes them hold three.",
      bad="After the operation you will be taken to the recovery area where nurses will check your blood "
          "pressure, pulse and breathing regularly and give you pain relief as needed before you are taken back "
          "to the ward once you are awake.",
      good="After the operation you wake up in the recovery area. Nurses check your blood pressure, pulse and "
           "breathing. They give you pain relief if you need it. When you are awake, you go back to the ward.")
def long_sentence(ctx: Context) -> Iterable[Hit]:
    limit, lengths = ctx.thresholds["max-sentence-words"], ctx.sentence_lengths
    # only the sentences over the limit are looked at, picked in C (limit < count for each: few or none)
    for position in itertools.compress(range(len(lengths)), map(operator.lt, itertools.repeat(limit), lengths)):
        sentence, count = ctx.sentences[position], lengths[position]
        if sentence.paragraph.section != "glossary":
            yield Hit(sentence.paragraph.pointer, f"this sentence has {count} words; keep sentences to {limit} "
                      "or fewer: split it", index=sentence.start)


@rule("LR005", "long-paragraph", Severity.WARNING, "A paragraph or list item is too long.",
      what="Paragraphs and list items longer than `max-paragraph-words` words (default 80).",
      why="Long blocks of text are skipped. Short paragraphs with one topic each let a reader find the part "
          "they need and come back to it later.",
      bad="A paragraph of 120 words covering the anaesthetic, the cut, the screws, the X-rays and the stitches.",
      good="One short paragraph for each step, or a bulleted list of the steps.")
def long_paragraph(ctx: Context) -> Iterable[Hit]:
    limit = ctx.thresholds["max-paragraph-words"]
    # a paragraph's words: the sum of its sentences' lengths, the difference of two running totals at the
    # ends of its run of sentences (one step a paragraph, not one a sentence)
    firsts, ends = sentence_spans(ctx)
    totals = list(itertools.accumulate(ctx.sentence_lengths, initial=0))
    counts = {paragraph: totals[end] - totals[firsts[paragraph]] for paragraph, end in ends.items()}
    if not counts or max(counts.values()) <= limit:
        return  # most leaflets
    for paragraph in ctx.paragraphs:
        count = counts.get(id(paragraph), 0)
        if count > limit:
            yield Hit(paragraph.pointer, f"this paragraph has {count} words; keep paragraphs to {limit} or fewer: "
                      "split it or make a list")
