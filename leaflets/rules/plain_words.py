"""LR006 and LR007: medical words and abbreviations a reader is not given.

A word from the jargon list (``data/jargon.toml``) or an abbreviation must be explained where it is
first used, in the leaflet's own words or its glossary. Which terms a leaflet explains is also what
the reading grades (:mod:`leaflets.rules.readability`) count as short words: a term explained is a
word the reader has been given.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from operator import itemgetter

from leaflets.findings import Severity
from leaflets.rules.context import Context, Passage, Sentence, blank_punctuation, words
from leaflets.rules.data import load
from leaflets.rules.registry import Hit, rule

# --- jargon --------------------------------------------------------------------------------------

class Term:
    def __init__(self, term: str, forms: list[str], plain: str, everyday_after: list[str] | None = None,
                 explained_by: list[str] | None = None, explained_before: list[str] | None = None) -> None:
        self.term, self.plain = term, plain
        # words that, later in the sentence of first use, give the meaning ("a pre-assessment
        # appointment a few weeks before": an appointment before the operation)
        self.explained_by = tuple(w.lower() for w in explained_by or [])
        # words that give it in the sentence before, in the same paragraph ("done while you are asleep.
        # ... the risks of an anaesthetic"); a separate list, because "before" explains pre-assessment
        # only beside it ("not to eat before the operation. ... your pre-assessment visit" does not)
        self.explained_before = tuple(w.lower() for w in explained_before or [])
        self.forms = [term, *forms]
        self.everyday_after = tuple(f"{w.lower()} " for w in everyday_after or [])
        self.lower_forms = [f.lower() for f in self.forms]
        self.acronyms = [f for f in self.forms if f.isupper()]
        # (first word, whole form) for a set lookup before the substring test
        self.lower_starts = [(f.split()[0], f) for f in self.lower_forms if not f.isupper()]
        # and the words inside a form of three or more ("conduction" of "nerve conduction studies"): wherever
        # the form is in the text each stands between white space, so it is a word of the vocabulary (when it
        # has no punctuation, which blanking would make a space). A form with one missing is not in the text:
        # a set test instead of the scan of the whole text (about a nanosecond a character, 15 us a leaflet)
        self.lower_gates = [(first, form, frozenset(w for w in form.split()[1:-1] if w == blank_punctuation(w)))
                            for first, form in self.lower_starts]

    # The expressions are compiled when a leaflet first uses the term: compiling all of them for a
    # list of hundreds of terms took 110 ms, paid again by every `leaflets validate` process.

    @functools.cached_property
    def word_regex(self) -> re.Pattern[str] | None:
        """The term's word forms, whole; an abbreviation among the forms (DVT) is LR007's to report."""
        words_only = sorted((f for f in self.forms if not f.isupper()), key=len, reverse=True)
        alternatives = "|".join(f"(?i:{re.escape(f)})" for f in words_only)
        return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])") if words_only else None

    @functools.cached_property
    def lower_regex(self) -> re.Pattern[str] | None:
        """For finding the first use: lower-case forms on the lower-cased text, no look-behind (the
        caller checks the word start), so a one-form term is found by a fast substring scan."""
        lowered = [re.escape(f.lower()) for f in sorted(self.forms, key=len, reverse=True) if not f.isupper()]
        return re.compile(rf"(?:{'|'.join(lowered)})(?![\w-])") if lowered else None

    def maybe_in(self, ctx: Context) -> bool:
        """A plain "in" test before any regular expression runs: most terms are in no leaflet. A one-word
        form in the vocabulary is in the text (each word of it is a piece of the lower-cased text): no scan.
        (Loops, not any() of a generator: a generator made twice for each term a leaflet may use.)"""
        vocabulary = ctx.vocabulary
        for first, form, inner in self.lower_gates:
            if first in vocabulary and (form == first or vocabulary.issuperset(inner) and form in ctx.joined_lower):
                return True
        for acronym in self.acronyms:
            if acronym.lower() in vocabulary and acronym in ctx.joined:
                return True
        return False


@functools.cache
def _jargon_index() -> dict[str, list[int]]:
    """Each term's first words (and acronyms, in lower case) -> the terms' places in ``jargon()``."""
    index: dict[str, list[int]] = {}
    for number, term in enumerate(jargon()):
        for key in {first for first, _form in term.lower_starts} | {a.lower() for a in term.acronyms}:
            index.setdefault(key, []).append(number)
    return index


@functools.cache
def _jargon_keys() -> frozenset[str]:
    """The keys of ``_jargon_index`` as a set: two sets intersect by walking the smaller one with the hashes
    each holds, a third faster than walking the index as a dict."""
    return frozenset(_jargon_index())


def _jargon_candidates(ctx: Context) -> list[Term]:
    """The terms whose first word is in the leaflet at all (one set intersection, in C), in list order.
    The index's keys (about 500, the same strings for every leaflet) are intersected as a set with the
    vocabulary, which walks the smaller of the two, not the vocabulary's words looked up in the index
    (``index.keys() & ctx.vocabulary`` walks a frozenset whole): on the shipped leaflets, of 500 to 750
    words each, that halved the time."""
    index, terms = _jargon_index(), jargon()
    numbers = sorted({n for key in ctx.vocabulary & _jargon_keys() for n in index[key]})
    return [terms[n] for n in numbers if terms[n].maybe_in(ctx)]


@functools.cache
def jargon() -> list[Term]:
    return [Term(str(t["term"]), [str(f) for f in t.get("forms", [])], str(t.get("plain", "")),
                 [str(w) for w in t.get("everyday_after", [])], [str(w) for w in t.get("explained_by", [])],
                 [str(w) for w in t.get("explained_before", [])])
            for t in load("jargon").get("term", []) if isinstance(t, dict) and "term" in t]


# "called", "we call this": not the imperative "call the ward"
_CALLED_BEFORE = re.compile(r"(?:\bcalled|\bcalls?\s+(?:this|it|them|these)|\bknown\s+as|\bterm\s+for|\bname\s+for|"
                            r"\bword\s+for|\bmeans|\bor)\s+(?:an?\s+|the\s+)?[\"“‘']?$|\(\s*(?:an?\s+|the\s+)?$|"
                            # one word may stand between the naming and the term it heads: "a procedure called a
                            # subacromial decompression", "doctors call this rubbing impingement"
                            r"(?:\bcalled|\bcalls?\s+(?:this|it|them|these)|\bknown\s+as)\s+(?:an?\s+|the\s+)?"
                            r"[a-z][a-z-]*\s+[\"“‘']?$",
                            re.IGNORECASE)
_EXPLAINED_AFTER = re.compile(r"^[\"”’']?(?:\s*\(|\s*,\s*(?:which|that|or|meaning|an?|the|where|when)\b|"
                              r"\s+(?:which|where)\b|\s+(?:is|are|means)\s+"
                              r"(?:an?|the|when|where|what|how|medicine|a\s+\w+)\b|\s*[–—:]\s|\s+-\s)", re.IGNORECASE)
# an example, after the term or the one noun it qualifies: "anti-inflammatory tablets such as ibuprofen", "an
# anticoagulant, such as warfarin"; it explains only when it is not jargon too ("procedures such as laminectomy")
_EXAMPLE_AFTER = re.compile(r"^[\"”’']?(?:\s+[a-z]+)?,?\s+such\s+as\s+(?:an?\s+|the\s+)?(?P<example>[a-z][\w-]*)",
                            re.IGNORECASE)
_EXPLAINED_NEXT = re.compile(r"^(?:This|These|That|It|They)\s+(?:is|are|means|mean|was)\b")


@functools.lru_cache(maxsize=1024)
def _whole_word(text: str) -> re.Pattern[str]:
    """``text`` as a whole word (no letter, digit, "_" or "-" either side), compiled once a process: re's
    own cache is looked up with a pattern made anew at each call, and holds the expressions of every rule."""
    return re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])")


def prose_words(ctx: Context) -> set[str]:
    """Every distinct word of the prose as written (``ctx.section_words`` of every section), made once a
    leaflet: the grade rules count the syllables of each word once, and LR007 looks for capitals in those
    not in the vocabulary (``unlowered_words``). Not to be changed by a caller."""
    if "prose words" not in ctx.cache:
        ctx.cache["prose words"] = set().union(*ctx.section_words.values())
    return ctx.cache["prose words"]


def unlowered_words(ctx: Context) -> set[str]:
    """The prose's words (``prose_words``) that are not in ``ctx.vocabulary``, made once a leaflet: every
    word with a capital, and a few others. Any word that is not its own lower case is among them: each
    word of the vocabulary is made of characters str.lower gives, and each of those is its own lower case
    (tests/test_readability_speed.py checks every character). LR007 looks for capitals in them; the grade
    rules lower only them to find a short word written with a capital. Not to be changed by a caller."""
    if "unlowered words" not in ctx.cache:
        ctx.cache["unlowered words"] = prose_words(ctx).difference(ctx.vocabulary)
    return ctx.cache["unlowered words"]


def _glossary_text(ctx: Context) -> str:
    terms = [entry.get("term") for _p, entry in ctx.items("/glossary") if isinstance(entry, dict)]
    return "\n".join(t.lower() for t in terms if isinstance(t, str))


def _explained(sentences: list[Sentence], position: int, start: int, end: int) -> bool:
    sentence = sentences[position]
    before, after = sentence.text[:start], sentence.text[end:]
    if _CALLED_BEFORE.search(before) or _EXPLAINED_AFTER.search(after):
        return True
    example = _EXAMPLE_AFTER.match(after)
    if example and example["example"].lower() not in _jargon_index():
        return True
    following = sentences[position + 1] if position + 1 < len(sentences) else None
    return bool(following and following.paragraph is sentence.paragraph and _EXPLAINED_NEXT.match(following.text))


@rule("LR006", "undefined-jargon", Severity.WARNING, "A medical word is used without a plain explanation.",
      what="Words from the jargon list (leaflets/rules/data/jargon.toml) that have no glossary entry and are not "
           "explained where they are first used in running text, headings such as a risk's name skipped "
           "(\"... This is called a DVT.\", \"an incision (a cut)\", "
           "\"stenosis, which means narrowing\", \"a condition known as 'deep vein thrombosis'\" with straight or "
           "curly quotes, \"a nerve block, where you are awake but numb\", \"an analgesic which eases pain\", "
           "an example the reader knows: \"anti-inflammatory tablets such as ibuprofen\"; "
           "for a few terms, a word later in the sentence that gives the meaning: \"a pre-assessment appointment "
           "a few weeks before\", \"a local anaesthetic ... to numb it\", the term's `explained_by` in the list, "
           "or in the sentence before, in the same paragraph: \"done while you are asleep. ... the risks of an "
           "anaesthetic\", its `explained_before`). A term in curly single quotes (‘laparoscopic’) is found like "
           "any other. Everyday words of the body (tendon, cartilage) are not in the list, and a term met first in "
           "everyday use (\"a general anaesthetic\", the term's `everyday_after`) is not reported when it comes "
           "back alone (\"after the anaesthetic\").",
      why="A patient who does not know a word cannot weigh a risk that uses it. Explaining it at first use, or in "
          "the glossary, costs a line and saves a phone call or a wrong decision.",
      bad="There is a small risk of spondylolisthesis after the operation.",
      good="Sometimes a bone of the spine slips forward, out of line. This is called spondylolisthesis.",
      data_file="leaflets/rules/data/jargon.toml")
def undefined_jargon(ctx: Context) -> Iterable[Hit]:
    return [hit for _term, hit in jargon_uses(ctx) if hit is not None]


def jargon_uses(ctx: Context) -> list[tuple[Term, Hit | None]]:
    """Each jargon term the leaflet uses, with LR006's finding for it, or None when it is explained
    (at first use or in the glossary). Shared with the grade rules, which count explained terms as
    short words."""
    if "jargon" not in ctx.cache:
        ctx.cache["jargon"] = list(_jargon_checked(ctx))
    return ctx.cache["jargon"]


def _jargon_checked(ctx: Context) -> Iterator[tuple[Term, Hit | None]]:
    glossary = _glossary_text(ctx)
    title = ctx.data.get("title")
    title = title.lower() if isinstance(title, str) else ""
    found: list[tuple[Term, Hit]] = []
    spans: list[tuple[str, int, int]] = []
    sentences, starts = ctx.sentences, None
    for term in _jargon_candidates(ctx):
        if term.word_regex is None or any(f in title for f in term.lower_forms if not f.isupper()):
            continue  # an abbreviation only (LR007's), or the leaflet's own subject, named in its title
        if glossary and any(f in glossary and _whole_word(f).search(glossary) for f in term.lower_forms):
            yield term, None
            continue
        if starts is None:  # made only for a term the glossary does not give: a leaflet with one gives most
            starts = sentence_spans(ctx)[0]
        first = _first_use(term, ctx, sentences, starts)
        if first is None:
            continue
        position, match = first
        if match is None:
            yield term, None  # met first in everyday use: known to the reader, as an explained term is
            continue
        if _explained(sentences, position, match.start(), match.end()) or \
                _explained_by(term, sentences, position, match.end()):
            yield term, None
            continue
        sentence = sentences[position]
        plain = f" (for example: {term.plain})" if term.plain else ""
        hit = Hit(sentence.paragraph.pointer, f"\"{match.group()}\" is not explained: say what it means where it is "
                  f"first used{plain}, or add it to the glossary", index=sentence.start + match.start())
        found.append((term, hit))
        spans.append((sentence.paragraph.pointer, sentence.start + match.start(), sentence.start + match.end()))
    # "anterior cruciate ligament" is one term, not three: a match inside a longer one is dropped
    for (term, hit), (pointer, start, end) in zip(found, spans, strict=True):
        if not any(p == pointer and s <= start and end <= e and (s, e) != (start, end) for p, s, e in spans):
            yield term, hit


_PARAGRAPH = itemgetter(0)  # a Sentence's paragraph


def sentence_spans(ctx: Context) -> tuple[dict[int, int], dict[int, int]]:
    """Where each paragraph's sentences are in ``ctx.sentences`` (they are contiguous), by the paragraph's
    id: its first position, and one past its last. Found by map, zip and dict in C, with no Python step a
    sentence; made once a leaflet, for LR006's first uses and LR005's paragraph lengths. A dict made from
    pairs keeps the last value of a key: the positions counted down give each paragraph its first, counted
    up its last."""
    if "sentence spans" not in ctx.cache:
        paragraphs = list(map(id, map(_PARAGRAPH, ctx.sentences)))
        firsts = dict(zip(reversed(paragraphs), range(len(paragraphs) - 1, -1, -1), strict=True))
        ends = dict(zip(paragraphs, range(1, len(paragraphs) + 1), strict=True))
        ctx.cache["sentence spans"] = firsts, ends
    return ctx.cache["sentence spans"]


def _running(paragraph: Passage) -> bool:
    """A paragraph where a term's first use is looked for. Headings (a risk's name, a step's "when") are
    explained by the text under them, so a term's first use is counted in running text (and a risk's
    frequency note, which comes before its description when printed). Asked only of the few paragraphs a
    term is in, not of every one: a list of the running sentences would cost a step for each sentence.
    Where first use is looked for in ``ctx.sentences`` rather than such a list, the sentence after it or
    before it is the same one whenever it is in the same paragraph, and no other is ever read."""
    return paragraph.section not in ("glossary", "title") and \
        not paragraph.pointer.endswith(("/name", "/when", "/frequency/note"))


def _explained_by(term: Term, sentences: list[Sentence], position: int, end: int) -> bool:
    """One of the term's ``explained_by`` words is later in the sentence of first use ("a local
    anaesthetic ... to numb it"), or one of its ``explained_before`` words is in the sentence before
    it in the same paragraph ("The test can be done while you are asleep. ... the risks of an
    anaesthetic")."""
    if not (term.explained_by or term.explained_before):
        return False  # most terms
    sentence = sentences[position]
    after = sentence.text[end:].lower()
    if any(w in after for w in term.explained_by):
        return True
    before = sentences[position - 1] if position else None
    return bool(before and before.paragraph is sentence.paragraph and term.explained_before and
                any(w in before.text.lower() for w in term.explained_before))


def _first_use(term: Term, ctx: Context, sentences: list[Sentence],
               first: dict[int, int]) -> tuple[int, re.Match[str] | None] | None:
    """The first sentence (of ``sentences``, ``ctx.sentences``) in running text (``_running``) using the
    term and the match there, found by one scan of the joined text; no match when that first use is an
    everyday one ("a general anaesthetic": the reader knows it).
    ``first``: each paragraph's first position in ``sentences`` (a paragraph's sentences are contiguous)."""
    if term.lower_regex is None:
        return None
    for paragraph, _index, _match in ctx.matches(term.lower_regex, lower=True, word_start=True):
        position = first.get(id(paragraph))
        if position is None or not _running(paragraph):
            continue
        while position < len(sentences) and sentences[position].paragraph is paragraph:
            text = sentences[position].text
            for match in term.word_regex.finditer(text) if term.word_regex else ():
                if term.everyday_after and text[:match.start()].lower().endswith(term.everyday_after):
                    return position, None  # met first in everyday use: "the anaesthetic" later is that
                return position, match
            position += 1
    return None


# --- abbreviations -------------------------------------------------------------------------------

# at most 8 characters, so a long run of capitals costs a bounded look at each letter; "A1" and
# other codes with one capital are dropped in code (at least two capitals make an abbreviation)
_ABBREVIATION = re.compile(r"(?<![\w&-])(?P<a>[A-Z][A-Z0-9]{1,7}?)(?P<s>s)?(?![\w&-])")
_CAPITALS = re.compile(r"[A-Z][A-Z0-9]{1,7}?s?(?![\w&-])")  # the quick first pass: no look-behind
_NOUN_AFTER = re.compile(r"^\s+(?:scan|test|machine|team|service|clinic|number)s?\b")


@functools.cache
def _abbreviation_meanings() -> dict[str, str]:
    return {a: term.term for term in jargon() for a in term.acronyms}


@functools.cache
def _known_abbreviations() -> frozenset[str]:
    """Abbreviations everyone knows (data/abbreviations.toml), and the placeholders LH001 reports ("TBC",
    "TODO", from data/placeholders.toml): "hours TBC" is unfinished text, one finding, not also an
    abbreviation to spell out."""
    known = load("abbreviations").get("known", [])
    placeholders = {str(word).upper() for entry in load("placeholders").get("entry", []) if isinstance(entry, dict)
                    for word in entry.get("words", []) if isinstance(entry.get("words"), list)}
    return (frozenset(str(k) for k in known) if isinstance(known, list) else frozenset()) | placeholders


def _expanded(sentence: Sentence, match: re.Match[str], sentences: list[Sentence], position: int) -> bool:
    """"deep vein thrombosis (DVT)", "DVT (deep vein thrombosis)", "an MRI scan, which uses...", "called CRPS"."""
    text, abbreviation = sentence.text, match["a"]
    before, after = text[:match.start()], text[match.end():]
    if before.rstrip().endswith("(") and after.lstrip().startswith(")") and len(words(before)) >= 2:
        return True
    noun = _NOUN_AFTER.match(after)
    if noun:
        after = after[noun.end():]
    return _explained_text(before, after, sentences, position) or f"({abbreviation})" in text


def _explained_text(before: str, after: str, sentences: list[Sentence], position: int) -> bool:
    if _CALLED_BEFORE.search(before) or _EXPLAINED_AFTER.search(after):
        return True
    sentence = sentences[position]
    following = sentences[position + 1] if position + 1 < len(sentences) else None
    return bool(following and following.paragraph is sentence.paragraph and _EXPLAINED_NEXT.match(following.text))


@rule("LR007", "unexplained-abbreviation", Severity.WARNING, "An abbreviation is used without being spelt out.",
      what="Abbreviations in capitals (HRT, CRPS, PALS) that are not spelt out where they are first used (\"complex "
           "regional pain syndrome (CRPS)\", \"PALS (the Patient Advice and Liaison Service)\", \"an MRI scan, which "
           "uses a magnet...\") and are not in the glossary. Abbreviations nearly everyone knows (NHS, GP, UK: list in "
           "leaflets/rules/data/abbreviations.toml) are left alone, as are paragraphs written all in capitals. "
           "An abbreviation in the jargon list (DVT) is reported here, not as LR006. English leaflets only: the list "
           "and the ways of spelling out are English (a Welsh leaflet's GIG is the NHS).",
      why="An abbreviation a patient cannot expand is a word they cannot look up: \"call PALS\" is no help to "
          "someone who has never heard of the Patient Advice and Liaison Service.",
      bad="If you are unhappy with your care, contact PALS.",
      good="If you are unhappy with your care, contact the Patient Advice and Liaison Service (PALS).",
      data_file="leaflets/rules/data/abbreviations.toml")
def unexplained_abbreviation(ctx: Context) -> Iterable[Hit]:
    if not ctx.english:
        return
    known, meanings = _known_abbreviations(), _abbreviation_meanings()
    # looked for in the words with a capital (the prose's words, less the lower-case ones: set operations in
    # C), not in all the prose: a scan for a capital tries every character. It may find more than a scan of
    # the prose would ("&" is a space here); only the sentences holding one are read, and those decide.
    text = " ".join(unlowered_words(ctx))
    candidates = {m.group().removesuffix("s") for m in _CAPITALS.finditer(text)
                  if not m.start() or not (text[m.start() - 1].isalnum() or text[m.start() - 1] in "_&-")} - known
    if not candidates:
        return  # most leaflets use only abbreviations everyone knows
    glossary = "\n".join(t for _p, e in ctx.items("/glossary") if isinstance(e, dict)
                         for t in (e.get("term"), e.get("definition")) if isinstance(t, str))
    # only the paragraphs that hold a candidate: each found by a substring search (one expression of them
    # all starts with a choice of letters, tried at every character)
    holding = {id(p) for c in candidates for p, _i, _m in ctx.matches(re.compile(re.escape(c)))
               if p.section not in ("glossary", "title")}
    # only their sentences, picked in C (map and compress, no Python step a sentence): the sentence after one
    # in the same paragraph (``_expanded`` reads it) is kept too
    sentences = list(itertools.compress(ctx.sentences, map(holding.__contains__, map(id, map(_PARAGRAPH,
                                                                                            ctx.sentences)))))
    seen: set[str] = set()
    for position, sentence in enumerate(sentences):
        if not any(c in sentence.text for c in candidates):
            continue
        letters = "".join(filter(str.isalpha, sentence.text))  # filter and map in C: no Python step a character
        if sum(map(str.isupper, letters)) > 0.6 * len(letters):
            continue  # a heading or warning in capitals
        for match in _ABBREVIATION.finditer(sentence.text):
            abbreviation = match["a"]
            if sum(c.isupper() for c in abbreviation) < 2 or abbreviation in seen or abbreviation in known:
                continue
            seen.add(abbreviation)
            if (abbreviation in glossary and _whole_word(abbreviation).search(glossary)) or \
                    _expanded(sentence, match, sentences, position):
                continue
            full = f" (\"{meanings[abbreviation]} ({abbreviation})\")" if abbreviation in meanings else ""
            yield Hit(sentence.paragraph.pointer, f"\"{abbreviation}\" is not spelt out: write it in full where it "
                      f"is first used, with the abbreviation in brackets{full}, or add it to the glossary",
                      index=sentence.start + match.start())
