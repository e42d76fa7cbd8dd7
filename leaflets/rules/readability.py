"""LR: readability. Flesch–Kincaid grade and SMOG per section, long sentences and paragraphs,
and jargon used without a plain explanation.

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
from leaflets.rules.context import Context, Sentence, words
from leaflets.rules.data import load
from leaflets.rules.registry import Hit, rule

SUPPORTED = "English (en, en-GB, en-US and other en-XX tags)"
GRADED_SECTIONS = ["summary", "condition", "procedure", "benefits", "alternatives", "preparation", "on_the_day",
                   "risks", "recovery", "urgent_help", "questions", "contact", "disclaimer"]


def supported(language: str) -> bool:
    return language == "en" or language.startswith("en-")


_VOWEL_GROUPS = re.compile(r"[aeiouy]+")
_SPLIT_PAIRS = re.compile(r"(?=(ia|io|iu|eo(?!p)|ua|uo|ii|ya|yo|ea$|iet|ienc))")
_JOINED = re.compile(r"cia|tia|tio|sion|cio|gio|geo|cious|tious|gious|xio")
_SILENT_E = re.compile(r"(?:[^aeiouy]le|ee|ye|oe|[^gq]ue|ae)$")
_SILENT_ED = re.compile(r"[^dt]ed$")
_SOUNDED_ED = re.compile(r"[^aeiouy]led$|eed$")
_SILENT_ES = re.compile(r"[^aeiouy]es$")
_SOUNDED_ES = re.compile(r"(?:[sxzc]es|[sc]hes|ges|[^aeiouy]les)$")


@functools.lru_cache(maxsize=8192)
def syllables(word: str) -> int:
    """Syllables in an English word by spelling rules (about 95 % exact on medical leaflet words)."""
    w = re.sub(r"[^a-z]", "", word.lower())
    if not w:
        return 1 if word[:1].isdigit() else 0
    if len(w) <= 3:
        return 1
    count = len(_VOWEL_GROUPS.findall(w)) + len(_SPLIT_PAIRS.findall(w)) - len(_JOINED.findall(w))
    if w.endswith("e") and not _SILENT_E.search(w):
        count -= 1
    if _SILENT_ED.search(w) and not _SOUNDED_ED.search(w):
        count -= 1
    if _SILENT_ES.search(w) and not _SOUNDED_ES.search(w):
        count -= 1
    return max(count, 1)


def grades(sentences: list[Sentence]) -> tuple[float, float, int]:
    """(Flesch–Kincaid grade, SMOG grade, word count) of a run of sentences."""
    return grades_of_words(len(sentences), [w for s in sentences for w in words(s.text)])


def grades_of_words(sentence_count: int, all_words: list[str]) -> tuple[float, float, int]:
    total = len(all_words)
    if not sentence_count or not total:
        return 0.0, 0.0, 0
    syllable_sum = polysyllables = 0
    for word, times in Counter(all_words).items():  # each distinct word once (Counter counts in C)
        count = syllables(word)
        syllable_sum += count * times
        polysyllables += times if count >= 3 else 0
    fk = 0.39 * total / sentence_count + 11.8 * syllable_sum / total - 15.59
    smog = 1.0430 * math.sqrt(polysyllables * 30 / sentence_count) + 3.1291
    return fk, smog, total


def _sections(ctx: Context) -> Iterator[tuple[str, int, list[str]]]:
    """(section, sentences in it, its words) for each graded section present."""
    sentence_counts: dict[str, int] = {}
    for sentence in ctx.sentences:
        sentence_counts[sentence.paragraph.section] = sentence_counts.get(sentence.paragraph.section, 0) + 1
    for section in GRADED_SECTIONS:
        if sentence_counts.get(section) and section in ctx.section_words:
            yield section, sentence_counts[section], ctx.section_words[section]


def _section_grades(ctx: Context) -> list[tuple[str, float, float, int]]:
    if "grades" not in ctx.cache:  # shared by LR001 and LR002
        ctx.cache["grades"] = [(section, *grades_of_words(n, ws)) for section, n, ws in _sections(ctx)]
    return ctx.cache["grades"]


@rule("LR001", "reading-grade", Severity.WARNING, "A section reads above the target school grade (Flesch–Kincaid).",
      what="The Flesch–Kincaid grade of each section (all its paragraphs and list items together), for English "
           "leaflets. Sections shorter than `min-readability-words` are not graded. Threshold: `max-grade` "
           "(default 8).",
      why="Patient information should be readable by most adults. The NHS aims at a reading age of 9 to 11, "
          "about US grade 4 to 6; grade 8 is a common ceiling. Long sentences and long words are what push the "
          "grade up, and they are what lose readers who are worried, unwell or reading in a second language.",
      bad="Postoperative mobilisation is facilitated by physiotherapeutic intervention, commencing "
          "immediately subsequent to the procedure, contingent upon satisfactory haemodynamic parameters.",
      good="A physiotherapist will help you get up and walk soon after the operation, once you feel well enough.")
def reading_grade(ctx: Context) -> Iterable[Hit]:
    if not supported(ctx.language):
        return
    limit, minimum = ctx.thresholds["max-grade"], ctx.thresholds["min-readability-words"]
    for section, fk, _smog, count in _section_grades(ctx):
        if count >= minimum and fk > limit:
            yield Hit("/" + section, f"{section} reads at grade {fk:.1f} (Flesch–Kincaid); aim for {limit:g} "
                      "or below: use shorter sentences and everyday words")


@rule("LR002", "smog-grade", Severity.WARNING, "A section reads above the target grade by the SMOG formula.",
      what="The SMOG grade of each section (from the share of words with three or more syllables), for English "
           "leaflets. Threshold: `max-smog` (default 10; SMOG usually reads one or two grades above "
           "Flesch–Kincaid on the same text).",
      why="SMOG is the measure most often recommended for health information because it predicts full "
          "understanding rather than half. Many long words in a section mean many readers give up on it.",
      bad="Complications associated with instrumentation include malpositioning, loosening and periprosthetic "
          "infection, necessitating revision procedures.",
      good="Sometimes a screw is in the wrong place, comes loose or gets infected. You may then need another "
           "operation.")
def smog_grade(ctx: Context) -> Iterable[Hit]:
    if not supported(ctx.language):
        return
    limit, minimum = ctx.thresholds["max-smog"], ctx.thresholds["min-readability-words"]
    for section, _fk, smog, count in _section_grades(ctx):
        if count >= minimum and smog > limit:
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
    if ctx.language and not supported(ctx.language):
        yield Hit("/language", f"readability not measured for language {ctx.language}: the grade formulas "
                  f"support {SUPPORTED} only; have a fluent reader check it")


@rule("LR004", "long-sentence", Severity.WARNING, "A sentence is too long.",
      what="Sentences longer than `max-sentence-words` words (default 25).",
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


# --- jargon --------------------------------------------------------------------------------------

class Term:
    def __init__(self, term: str, forms: list[str], plain: str) -> None:
        self.term, self.plain = term, plain
        self.forms = [term, *forms]
        parts = [re.escape(f) if f.isupper() else f"(?i:{re.escape(f)})" for f in sorted(self.forms, key=len,
                                                                                      reverse=True)]
        self.regex = re.compile(rf"(?<![\w-])(?:{'|'.join(parts)})(?![\w-])")
        self.lower_forms = [f.lower() for f in self.forms]
        self.acronyms = [f for f in self.forms if f.isupper()]
        # (first word, whole form) for a set lookup before the substring test
        self.lower_starts = [(f.split()[0], f) for f in self.lower_forms if not f.isupper()]

    def maybe_in(self, ctx: Context) -> bool:
        """A plain "in" test before any regular expression runs: most terms are in no leaflet."""
        return any(first in ctx.vocabulary and form in ctx.joined_lower for first, form in self.lower_starts) or \
            any(a.lower() in ctx.vocabulary and a in ctx.joined for a in self.acronyms)


@functools.cache
def jargon() -> list[Term]:
    return [Term(str(t["term"]), [str(f) for f in t.get("forms", [])], str(t.get("plain", "")))
            for t in load("jargon").get("term", []) if isinstance(t, dict) and "term" in t]


_CALLED_BEFORE = re.compile(r"(?:\bcall(?:ed|s)?(?:\s+(?:this|it|them|these))?|\bknown\s+as|\bterm\s+for|\bname\s+for|"
                            r"\bword\s+for|\bmeans|\bor)\s+(?:an?\s+|the\s+)?[\"“‘]?$|\(\s*(?:an?\s+|the\s+)?$",
                            re.IGNORECASE)
_EXPLAINED_AFTER = re.compile(r"^[\"”’]?(?:\s*\(|\s*,\s*(?:which|that|or|meaning|an?|the)\b|\s+(?:is|are|means)\s+"
                              r"(?:an?|the|when|where|what|how|medicine|a\s+\w+)\b|\s*[–—:]\s|\s+-\s)", re.IGNORECASE)
_EXPLAINED_NEXT = re.compile(r"^(?:This|These|That|It|They)\s+(?:is|are|means|mean|was)\b")


def _glossary_text(ctx: Context) -> str:
    terms = [entry.get("term") for _p, entry in ctx.items("/glossary") if isinstance(entry, dict)]
    return "\n".join(t.lower() for t in terms if isinstance(t, str))


def _explained(sentences: list[Sentence], position: int, start: int, end: int) -> bool:
    sentence = sentences[position]
    before, after = sentence.text[:start], sentence.text[end:]
    if _CALLED_BEFORE.search(before) or _EXPLAINED_AFTER.search(after):
        return True
    following = sentences[position + 1] if position + 1 < len(sentences) else None
    return bool(following and following.paragraph is sentence.paragraph and _EXPLAINED_NEXT.match(following.text))


@rule("LR006", "undefined-jargon", Severity.WARNING, "A medical word is used without a plain explanation.",
      what="Words from the jargon list (leaflets/rules/data/jargon.toml) that have no glossary entry and are not "
           "explained where they are first used in running text, headings such as a risk's name skipped "
           "(\"... This is called a DVT.\", \"an incision (a cut)\", "
           "\"stenosis, which means narrowing\").",
      why="A patient who does not know a word cannot weigh a risk that uses it. Explaining it at first use, or in "
          "the glossary, costs a line and saves a phone call or a wrong decision.",
      bad="There is a small risk of spondylolisthesis after the operation.",
      good="Sometimes a bone of the spine slips forward, out of line. This is called spondylolisthesis.",
      data_file="leaflets/rules/data/jargon.toml")
def undefined_jargon(ctx: Context) -> Iterable[Hit]:
    glossary = _glossary_text(ctx)
    # headings (a risk's name, a step's "when") are explained by the text under them, so a term's
    # first use is counted in running text
    sentences = [s for s in ctx.sentences if s.paragraph.section not in ("glossary", "title")
                 and not s.paragraph.pointer.endswith(("/name", "/when"))]
    for term in jargon():
        if not term.maybe_in(ctx):
            continue
        if glossary and any(f in glossary and re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", glossary)
                            for f in term.lower_forms):
            continue
        first = _first_use(term, ctx, sentences)
        if first is None:
            continue
        position, match = first
        if _explained(sentences, position, match.start(), match.end()):
            continue
        sentence = sentences[position]
        plain = f" (for example: {term.plain})" if term.plain else ""
        yield Hit(sentence.paragraph.pointer, f"\"{match.group()}\" is not explained: say what it means where it is "
                  f"first used{plain}, or add it to the glossary", index=sentence.start + match.start())


def _first_use(term: Term, ctx: Context, sentences: list[Sentence]) -> tuple[int, re.Match[str]] | None:
    """The first sentence (of ``sentences``) using the term, found by one scan of the joined text."""
    wanted = {id(s.paragraph) for s in sentences}
    for paragraph, _index, _match in ctx.matches(term.regex):
        if id(paragraph) not in wanted:
            continue
        for position, sentence in enumerate(sentences):
            if sentence.paragraph is paragraph:
                match = term.regex.search(sentence.text)
                if match:
                    return position, match
    return None
