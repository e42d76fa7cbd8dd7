"""What a rule sees: the leaflet's data, its prose split into paragraphs and sentences, the
thresholds in force, today's date, and a way to point a finding at a character inside a string.

Every accessor tolerates missing and ill-typed fields: a rule asks for ``ctx.get("/risks")`` and
gets None (or the wrong type) rather than an exception.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import re
from collections.abc import Iterator
from typing import Any, NamedTuple

from leaflets.content import Document, pointer_escape

# Fields that hold codes, dates, addresses or enum values rather than prose a patient reads.
NOT_PROSE = {"$schema", "id", "language", "version", "status", "last_reviewed", "next_review", "approval",
             "authors", "sources", "suppressions", "band", "kind", "phone", "email", "web", "url", "accessed",
             "known", "rate", "no_treatment", "family", "not_applicable_risks",
             "group",  # a risk's group: one of three enum words ("anaesthetic"), a heading the template words
             "file",  # a figure's image file name (leaflets.rules.figures)
             "cite"}  # a figure's source and quoted passage: the source's words, not the leaflet's (LN008-LN012)

# Sections a patient reads, in reading order (the readability unit).
# (risks_introduction and outcomes were once missing: "completely safe" there was printed unchecked)
SECTIONS = ["title", "summary", "department", "condition", "procedure", "benefits", "outcomes", "alternatives",
            "preparation", "on_the_day", "risks_introduction", "risks", "recovery", "urgent_help", "questions",
            "glossary", "further_information", "contact", "statements", "disclaimer"]

# A sentence ends at ".", "!" or "?" before a space and a capital, a digit or an opening quote or bracket;
# and before a capital with no space at all when two lower-case letters come before the mark: "15
# minutes.You lie on a couch" is two sentences to a reader (LH003 reports the missing space). Not in an
# address or a name: the capital's word may not run on into "@", "/", "'", "-" or ".x" (John.Smith@nhs.net,
# www.Example.nhs.uk/Leaflets), and "Dr.Jones", "J.R.Jones" have no two lower-case letters before the dot
# ("Mrs.Smith" is matched, then dropped as an abbreviation like "Mrs. Smith"). The pattern still starts with
# the mark, and the second branch looks ahead before it looks behind, so at a mark followed by a space or
# the end of the text it fails at once.
_SENTENCE_END = re.compile(r"[.!?](?:[\"”’)]*\s+(?=[\"“(‘]?[A-Z0-9])"
                           r"|(?=[A-Z][a-z]*(?![\w@/’'-]|\.\w))(?<=[a-z]{2}.))")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "st", "no", "approx", "vs"})
NOT_IN_WORDS = str.maketrans({c: " " for c in '.,;:!?"“”‘()[]{}/\\%&*+=<>|^~`@#$…–—'})
# The same as one character class: re.sub with it is twice as fast as str.translate on leaflet text,
# whose curly quotes and dashes put translate off its ASCII fast path.
_NOT_IN_WORDS = re.compile("[" + "".join(re.escape(chr(c)) for c in NOT_IN_WORDS) + "]")


def blank_punctuation(text: str) -> str:
    """``text.translate(NOT_IN_WORDS)``: each mark that is not part of a word made a space."""
    return _NOT_IN_WORDS.sub(" ", text)


WORD = re.compile(r"[A-Za-z\u00C0-\u024F]+(?:['’-][A-Za-z\u00C0-\u024F]+)*|[0-9]+(?:[.,][0-9]+)*")


class Passage(NamedTuple):  # not a frozen dataclass: a leaflet makes hundreds, 3x faster; not
    # "Paragraph", which is a text block of the model (leaflets.reading)
    """One string of prose: where it is, its text, and the top-level section it belongs to."""

    pointer: str
    text: str
    section: str


class Sentence(NamedTuple):
    paragraph: Passage
    start: int  # offset in the paragraph's text
    text: str


def under(paragraphs: list[Passage], pointer: str) -> list[Passage]:
    """The paragraphs of ``paragraphs`` at ``pointer`` or inside it."""
    return [p for p in paragraphs if p.pointer == pointer or p.pointer.startswith(pointer + "/")]


def parse_date(value: Any) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def split_sentences(paragraph: Passage) -> list[Sentence]:
    text, out, start = paragraph.text, [], 0
    first = _SENTENCE_END.search(text)
    if not first:  # most list items and short paragraphs are one sentence
        stripped = text.strip()
        return [Sentence(paragraph, len(text) - len(text.lstrip()), stripped)] if stripped else []
    for match in _SENTENCE_END.finditer(text, first.start()):  # none before the first: not scanned twice
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


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_count(text: str) -> int:
    """Words in ``text``: whitespace-separated pieces, less free-standing dashes."""
    return len(text.split()) - text.count(" – ") - text.count(" — ") - text.count(" - ")


class Context:
    """One leaflet as the rules see it. Built once per document; derived views are cached."""

    def __init__(self, doc: Document, thresholds: dict[str, Any], when: dt.date | None = None) -> None:
        self.doc = doc
        self.data: dict[str, Any] = doc.data if isinstance(doc.data, dict) else {}
        self.thresholds = thresholds
        self.today = when or dt.date.today()  # the CLI's day (LEAFLETS_TODAY), passed down in the Config
        self.cache: dict[str, Any] = {}  # values several rules share, computed once
        self._escapes: dict[int, _Escapes] = {}  # by offset of a string in the text: see position()
        self.brands: tuple[str, ...] = ()  # brands whose slots count; () for every known one (leaflets.slots)

    # --- data access ---------------------------------------------------------------------------

    def get(self, pointer: str, default: Any = None) -> Any:
        """The value at a JSON pointer, or ``default`` when any step is missing or the wrong type."""
        value: Any = self.data
        for raw in pointer.split("/")[1:]:
            token = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict) and token in value:
                value = value[token]
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                return default
        return value

    def items(self, pointer: str) -> Iterator[tuple[str, Any]]:
        """(pointer, item) for each item of the list at ``pointer``; nothing if it is not a list."""
        value = self.get(pointer)
        if isinstance(value, list):
            for index, item in enumerate(value):
                yield f"{pointer}/{index}", item

    @property
    def language(self) -> str:
        value = self.data.get("language")
        return value if isinstance(value, str) else ""

    @property
    def english(self) -> bool:
        """Rules that read English wording (phrasings, abbreviation lists, grade formulas) check English
        leaflets only; a translation's structure and numbers are held to its source by the LT rules."""
        return self.language == "en" or self.language.startswith("en-")

    # --- prose ---------------------------------------------------------------------------------

    @functools.cached_property
    def paragraphs(self) -> list[Passage]:
        out: list[Passage] = []
        for key in SECTIONS:
            if key in self.data:
                self._walk(self.data[key], "/" + pointer_escape(key), key, out)
        return out

    def _walk(self, value: Any, pointer: str, section: str, out: list[Passage]) -> None:
        if isinstance(value, str):
            out.append(Passage(pointer, value, section))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):  # a list item of text: taken here, one call fewer for each
                    out.append(Passage(f"{pointer}/{index}", item, section))
                else:
                    self._walk(item, f"{pointer}/{index}", section, out)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in NOT_PROSE:
                    continue
                if isinstance(item, str):
                    out.append(Passage(f"{pointer}/{pointer_escape(key)}", item, section))
                else:
                    self._walk(item, f"{pointer}/{pointer_escape(key)}", section, out)

    def prose_under(self, pointer: str) -> list[Passage]:
        return under(self.paragraphs, pointer)

    @functools.cached_property
    def sentences(self) -> list[Sentence]:
        """``split_sentences`` of each paragraph, its one-sentence case (most paragraphs and list items)
        written out here: no call and no list for each."""
        out: list[Sentence] = []
        for paragraph in self.paragraphs:
            text = paragraph.text
            if _SENTENCE_END.search(text):
                out.extend(split_sentences(paragraph))
                continue
            stripped = text.strip()
            if stripped:
                out.append(Sentence(paragraph, len(text) - len(text.lstrip()), stripped))
        return out

    @functools.cached_property
    def sentence_lengths(self) -> list[int]:
        """Words in each sentence of ``sentences`` (same order), counted by str.split (fast, in C):
        ``word_count`` written out, one function call less per sentence."""
        return [len(text.split()) - text.count(" – ") - text.count(" — ") - text.count(" - ")
                for _paragraph, _start, text in self.sentences]

    @functools.cached_property
    def section_words(self) -> dict[str, list[str]]:
        """The words of each section: punctuation made spaces, then split (all in C, no regex)."""
        texts: dict[str, list[str]] = {}
        for paragraph in self.paragraphs:
            texts.setdefault(paragraph.section, []).append(paragraph.text)
        return {section: blank_punctuation("\n".join(parts)).split() for section, parts in texts.items()}

    @functools.cached_property
    def tokens_lower(self) -> list[str]:
        """Every word of the prose in lower case, in order (punctuation made spaces, then split, in C)."""
        return blank_punctuation(self.joined_lower).split()

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of the prose in lower case: word-list rules test membership, not regexes. A word
        in curly single quotes ("known as ‘laparoscopic’ surgery") is there without them too: the
        closing quote is also an apostrophe, so it stays on the token."""
        tokens = frozenset(self.tokens_lower)
        quoted = {t.strip("’'") for t in tokens if t[0] in "’'" or t[-1] in "’'"}
        return tokens | quoted if quoted else tokens

    # Regular expressions run once over all the prose joined, not once per paragraph: a call per
    # paragraph costs more than the scan itself. SEPARATOR keeps matches from running across
    # paragraphs (no pattern matches NUL; ^ and $ under re.MULTILINE still see line ends).
    SEPARATOR = "\n\x00\n"

    @functools.cached_property
    def joined(self) -> str:
        return self.SEPARATOR.join(p.text for p in self.paragraphs)

    @functools.cached_property
    def joined_lower(self) -> str:
        """For fast ``in`` tests of trigger words before any regular expression runs."""
        return self.joined.lower()

    @functools.cached_property
    def _starts(self) -> list[int]:
        starts, offset = [], 0
        for paragraph in self.paragraphs:
            starts.append(offset)
            offset += len(paragraph.text) + len(self.SEPARATOR)
        return starts

    def locate(self, offset: int) -> tuple[Passage, int]:
        """The paragraph holding ``offset`` of ``joined``, and the offset inside its text."""
        index = bisect.bisect_right(self._starts, offset) - 1
        return self.paragraphs[index], offset - self._starts[index]

    def matches(self, regex: re.Pattern[str], *, lower: bool = False,
                word_start: bool = False) -> Iterator[tuple[Passage, int, re.Match[str]]]:
        """(paragraph, offset in it, match) for each match of ``regex`` in the joined prose.

        ``lower``: match against the lower-cased text (a pattern written in lower case that starts
        with a literal is then found by a fast substring search, 20 to 40 times quicker than
        re.IGNORECASE). ``word_start``: keep only matches not preceded by a letter, digit, "_" or
        "-" (checked here rather than with a leading look-behind, which disables that fast search).
        """
        text = self.joined
        if lower:
            text = self.joined_lower
            if len(text) != len(self.joined):  # a rare character whose lower case is longer
                regex, text = re.compile(regex.pattern, regex.flags | re.IGNORECASE), self.joined
        for match in regex.finditer(text):
            start = match.start()
            if "\x00" in match.group():
                continue
            if word_start and start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
                continue
            paragraph, index = self.locate(start)
            yield paragraph, index, match

    # --- positions -----------------------------------------------------------------------------

    def position(self, pointer: str, index: int | None = None) -> tuple[int, int]:
        """Line and column of ``pointer``'s value; with ``index``, of that character inside the string."""
        doc = self.doc
        if index is None or not doc.text or not isinstance(self.get(pointer), str):
            return doc.position(pointer)
        locator, text = doc.locator, doc.text
        offset = locator.value_offset(pointer)  # the string's opening quote
        if offset is None or offset >= len(text) or text[offset] != '"':
            return doc.position(pointer)
        escapes = self._escapes.get(offset)
        if escapes is None:  # indexed once per string: a field with thousands of findings stays linear
            escapes = self._escapes[offset] = _escapes(text, offset + 1)
        return locator.line_col(_raw_offset(offset + 1, index, escapes))


# One decoded character each: a surrogate pair, any other \\uXXXX, a two-character escape.
_ESCAPE = re.compile(r"\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u[0-9a-fA-F]{4}|\\.")
_STRING_BODY = re.compile(r'[^"\\]*(?:\\.[^"\\]*)*')


class _Escapes(NamedTuple):
    """Where a JSON string's escapes are: for the k-th escape, its decoded index and the raw
    characters it adds beyond one (summed over escapes 0..k). Empty for most strings."""

    indexes: list[int]
    extra: list[int]


def _escapes(text: str, start: int) -> _Escapes:
    """Index the escapes of the string whose body starts at ``start`` (one pass over the string)."""
    body = _STRING_BODY.match(text, start)
    end = body.end() if body else start
    indexes: list[int] = []
    extra: list[int] = []
    added = 0
    for match in _ESCAPE.finditer(text, start, end):
        indexes.append(match.start() - start - added)
        added += len(match.group()) - 1
        extra.append(added)
    return _Escapes(indexes, extra)


def _raw_offset(start: int, index: int, escapes: _Escapes) -> int:
    """Offset in the JSON text of the ``index``-th decoded character of the string starting at ``start``."""
    before = bisect.bisect_left(escapes.indexes, index)  # escapes decoded before that character
    return start + index + (escapes.extra[before - 1] if before else 0)


def quoted(text: str, limit: int = 60) -> str:
    """A short excerpt for messages."""
    text = " ".join(text.split())
    return json.dumps(text if len(text) <= limit else text[: limit - 1] + "…", ensure_ascii=False)
