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
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator

from leaflets.findings import Severity
from leaflets.rules.context import Context, Sentence, blank_punctuation, words
from leaflets.rules.plain_words import jargon, jargon_uses  # noqa: F401  (jargon: for callers of this module)
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
    total = len(all_words)
    if not sentence_count or not total:
        return 0.0, 0.0, 0
    syllable_sum = polysyllables = 0
    for word, times in Counter(all_words).items():  # each distinct word once (Counter counts in C)
        if "-" in word or (short and word.lower() in short):
            parts = [part for part in word.split("-") if part] or [word]
            total += (len(parts) - 1) * times
            for count in [1 if short and part.lower() in short else syllables(part) for part in parts]:
                syllable_sum += count * times
                polysyllables += times if count >= 3 else 0
        else:  # nearly every word: one count, without a list of one to loop over (sums of integers: same grades)
            count = syllables(word)
            syllable_sum += count * times
            if count >= 3:
                polysyllables += times
    fk = 0.39 * total / sentence_count + 11.8 * syllable_sum / total - 15.59
    smog = 1.0430 * math.sqrt(polysyllables * 30 / sentence_count) + 3.1291
    return fk, smog, total


_ADDRESS = re.compile(r"(?:https?://|www\.)\S+|[^\s@]+@[^\s@]+\.\w+", re.IGNORECASE)


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
        text = _ADDRESS.sub(" ", text)
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


def _sections(ctx: Context) -> Iterator[tuple[str, int, list[str]]]:
    """(section, sentences in it, its words) for each graded section present."""
    sentence_counts = Counter(paragraph.section for paragraph, _start, _text in ctx.sentences)  # counted in C
    texts: dict[str, list[str]] = {}
    for paragraph in ctx.paragraphs:
        texts.setdefault(paragraph.section, []).append(paragraph.text)
    for section in GRADED_SECTIONS:
        if sentence_counts.get(section) and section in ctx.section_words:
            yield section, sentence_counts[section], _graded_words(ctx, section, "\n".join(texts[section]))


def _section_grades(ctx: Context) -> list[tuple[str, float, float, int, int]]:
    """(section, Flesch–Kincaid, SMOG, words, sentences) of each graded section."""
    if "grades" not in ctx.cache:  # shared by LR001 and LR002
        short = _short_words(ctx)
        ctx.cache["grades"] = [(section, *grades_of_words(n, ws, short), n) for section, n, ws in _sections(ctx)]
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
        for sentence, length in zip(ctx.sentences, ctx.sentence_lengths, strict=True):
            if length > far and length > longest.get(sentence.paragraph.section, 0):
                longest[sentence.paragraph.section] = length
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
    limit = ctx.thresholds["max-sentence-words"]
    for sentence, count in zip(ctx.sentences, ctx.sentence_lengths, strict=True):
        if sentence.paragraph.section == "glossary":
            continue
        if count > limit:
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
    counts: dict[int, int] = {}
    for sentence, length in zip(ctx.sentences, ctx.sentence_lengths, strict=True):
        counts[id(sentence.paragraph)] = counts.get(id(sentence.paragraph), 0) + length
    for paragraph in ctx.paragraphs:
        count = counts.get(id(paragraph), 0)
        if count > limit:
            yield Hit(paragraph.pointer, f"this paragraph has {count} words; keep paragraphs to {limit} or fewer: "
                      "split it or make a list")
