"""What a rule sees: the leaflet's data, its prose split into paragraphs and sentences, the
thresholds in force, today's date, and a way to point a finding at a character inside a string.

Every accessor tolerates missing and ill-typed fields: a rule asks for ``ctx.get("/risks")`` and
gets None (or the wrong type) rather than an exception.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import json
import operator
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

_SECTION_POINTERS = [(key, "/" + pointer_escape(key)) for key in SECTIONS]  # each made once, not per leaflet

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
# _SENTENCE_END for one mark at a time: a pattern that starts with a literal is searched for by skipping to
# that character, twice as fast as testing each character against [.!?]. A match is its mark and then
# closing quotes, brackets and white space (the second branch takes the mark alone), never another mark: so
# a scan of _SENTENCE_END tries each mark in turn and matches there as the mark's own pattern does, and its
# matches are those of the marks' patterns merged by where they start (``_sentence_ends``).
_SENTENCE_END_AT = [(mark, re.compile(re.escape(mark) + _SENTENCE_END.pattern.removeprefix("[.!?]")))
                    for mark in ".!?"]
_START = operator.methodcaller("start")
_ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "dr", "mr", "mrs", "ms", "st", "no", "approx", "vs"})
NOT_IN_WORDS = str.maketrans({c: " " for c in '.,;:!?"“”‘()[]{}/\\%&*+=<>|^~`@#$…–—'})
# The same as one character class: re.sub with it is twice as fast as str.translate on leaflet text,
# whose curly quotes and dashes put translate off its ASCII fast path.
_NOT_IN_WORDS = re.compile("[" + "".join(re.escape(chr(c)) for c in NOT_IN_WORDS) + "]")


def blank_punctuation(text: str) -> str:
    """``text.translate(NOT_IN_WORDS)``: each mark that is not part of a word made a space."""
    return _NOT_IN_WORDS.sub(" ", text)


_MARKS = tuple(map(chr, NOT_IN_WORDS))


def _blank_long(text: str) -> str:
    """``blank_punctuation`` for a whole leaflet's prose, five to eight times as fast: a leaflet uses a
    handful of the marks, and a test for one character (then a replace of it) runs at memory speed, where
    the regular expression tests each character against its class. (For a short string the 35 tests cost
    more.)"""
    for mark in _MARKS:
        if mark in text:
            text = text.replace(mark, " ")
    return text


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
    return _split([paragraph], paragraph.text, 0)


# Sentence(...) and Passage(...) run the Python-level __new__ that NamedTuple writes; tuple.__new__ called
# directly makes the same object in half the time (a leaflet makes hundreds of each).
_new = tuple.__new__
_TEXT = operator.itemgetter(2)  # a Sentence's text, for map() in C
_ASCII_SPACES = "\t\n\v\f\r\x1c\x1d\x1e\x1f"  # str.split's white space in ASCII, but " "
_SECTION = operator.itemgetter(2)  # a Passage's section
_PROSE = operator.itemgetter(1)  # a Passage's text
# A quote with white space or an end of the text after it, or before it ((?<!\S’) looks back from after
# the quote). Each starts with its quote, so a search skips to the next quote in C.
_EDGE_QUOTE = re.compile(r"’(?:(?!\S)|(?<!\S’))")
_EDGE_APOSTROPHE = re.compile(r"'(?:(?!\S)|(?<!\S'))")
# The last character of a word whose lower case is in _ABBREVIATIONS is one of these letters (no other
# character's lower case ends in one: tests/test_context_views_speed.py checks every character), or
# str.split's white space: before a mark, any other character means the word there is no abbreviation.
_ABBREVIATION_ENDS = frozenset("cegorstxCEGORSTX \t\n\v\f\r\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002"
                               "\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def _sentence_ends(text: str) -> Iterator[re.Match[str]]:
    """``_SENTENCE_END.finditer(text)``: the matches of each mark the text has (most leaflets have no "!",
    many no "?"), put in order by a sort in C (heapq.merge would take a Python step for each; no two
    start at one place)."""
    found = [regex.finditer(text) for mark, regex in _SENTENCE_END_AT if mark in text]
    return found[0] if len(found) == 1 else iter(sorted(itertools.chain.from_iterable(found), key=_START))


def _split(paragraphs: list[Passage], joined: str, gap: int) -> list[Sentence]:
    """The sentences of ``paragraphs``, whose texts ``joined`` holds in turn, ``gap`` characters between
    each two (Context.SEPARATOR: see there).

    One scan of _SENTENCE_END over ``joined``, not a search of each paragraph (most find no sentence end):
    a match there is one in its paragraph alone. No match takes in or looks past the NUL of a SEPARATOR,
    and its new lines are no lower-case letters for the look-behind at a paragraph's start: they fail the
    pattern as the text's ends do."""
    out: list[Sentence] = []
    ends = _sentence_ends(joined)
    match = next(ends, None)
    past = len(joined) + 1  # past the end of every paragraph: where "the next sentence end" is when none is left
    at = match.start() if match else past  # the mark of the next sentence end
    offset = 0  # where the paragraph starts in joined
    for paragraph in paragraphs:
        text, start = paragraph.text, 0
        limit = offset + len(text)
        if at >= limit and text and text.strip() is text:  # str.strip() gives back the string itself: no
            # sentence end in it and nothing to strip: all of it is one sentence (most paragraphs), as below
            out.append(_new(Sentence, (paragraph, 0, text)))
            offset = limit + gap
            continue
        while match and at < limit:  # a sentence end in this paragraph
            end = at + 1 - offset  # the sentence runs to its mark: it never ends in white space and is
            # never blank, so the rstrip() and the test for a blank sentence this once had did nothing
            last = text[start:end - 1].rsplit(None, 1) if text[end - 2] in _ABBREVIATION_ENDS else None
            if not (last and last[-1].lower() in _ABBREVIATIONS):  # the word before the mark: "e.g", "Dr"?
                out.append(_new(Sentence, (paragraph, start, text[start:end])))
                start = match.end() - offset
            match = next(ends, None)
            at = match.start() if match else past
        rest = text[start:]  # all of the text (no copy) in most paragraphs: one sentence
        stripped = rest.strip()
        if stripped and stripped is rest:  # str.strip() gives back the string itself: nothing to strip
            out.append(_new(Sentence, (paragraph, start, rest)))
        elif stripped:
            out.append(_new(Sentence, (paragraph, start + len(rest) - len(rest.lstrip()), stripped)))
        offset = limit + gap
    return out


def words(text: str) -> list[str]:
    return WORD.findall(text)


def word_count(text: str) -> int:
    """Words in ``text``: whitespace-separated pieces, less free-standing dashes."""
    return len(text.split()) - text.count(" – ") - text.count(" — ") - text.count(" - ")


_ABSENT = object()  # Context.get's marker for a key that is not there (a None in the data is a value)


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
        for token in pointer.split("/")[1:]:
            if "~" in token:  # only an escaped token has anything to unescape (nearly none do)
                token = token.replace("~1", "/").replace("~0", "~")
            if isinstance(value, dict):
                # one look-up instead of "in" and then [] (a missing key is the default all the same)
                value = value.get(token, _ABSENT)
                if value is _ABSENT:
                    return default
            elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
                value = value[int(token)]
            else:
                return default
        return value

    def items(self, pointer: str) -> Iterator[tuple[str, Any]]:
        """(pointer, item) for each item of the list at ``pointer``; nothing if it is not a list."""
        value = self.get(pointer)
        if not isinstance(value, list):
            return iter(())
        # the pairs a loop of f"{pointer}/{index}" yielded, made in C (the rules ask for ~50 lists a leaflet;
        # no rule changes the data it reads, so the list's length now is its length then)
        return zip(map((pointer + "/").__add__, map(str, range(len(value)))), value, strict=False)

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
        data = self.data
        for key, pointer in _SECTION_POINTERS:
            if key in data:
                self._walk(data[key], pointer, key, out)
        return out

    def _walk(self, value: Any, pointer: str, section: str, out: list[Passage]) -> None:
        if isinstance(value, str):
            out.append(_new(Passage, (pointer, value, section)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):  # a list item of text: taken here, one call fewer for each
                    out.append(_new(Passage, (f"{pointer}/{index}", item, section)))
                else:
                    self._walk(item, f"{pointer}/{index}", section, out)
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in NOT_PROSE:
                    continue
                if "~" in key or "/" in key:  # pointer_escape's own test, without a call for each key
                    key = pointer_escape(key)
                if isinstance(item, str):
                    out.append(_new(Passage, (f"{pointer}/{key}", item, section)))
                elif isinstance(item, list):  # its items taken here, as the list branch above takes them:
                    # one call fewer for each list in a dict (a risk's description, its management)
                    here = f"{pointer}/{key}"
                    for index, each in enumerate(item):
                        if isinstance(each, str):
                            out.append(_new(Passage, (f"{here}/{index}", each, section)))
                        else:
                            self._walk(each, f"{here}/{index}", section, out)
                else:
                    self._walk(item, f"{pointer}/{key}", section, out)

    def prose_under(self, pointer: str) -> list[Passage]:
        return under(self.paragraphs, pointer)

    @functools.cached_property
    def sentences(self) -> list[Sentence]:
        """``split_sentences`` of each paragraph, found in one scan of ``joined``."""
        return _split(self.paragraphs, self.joined, len(self.SEPARATOR))

    @functools.cached_property
    def sentence_lengths(self) -> list[int]:
        """Words in each sentence of ``sentences`` (same order): ``word_count`` of each, by calls that map
        over all the sentences in C rather than a Python loop."""
        texts = list(map(_TEXT, self.sentences))
        every = " ".join(texts)
        # isprintable() is False for every white-space character but " " (the test checks them all). So
        # when the sentences joined by spaces are printable with no double space and no space at either
        # end, no sentence is empty and each has single spaces between its words and none at its ends:
        # its words are its spaces + 1 (str.count makes no string; str.split makes one for each word).
        # Else (any sentence in the leaflet with other white space) str.split for all, as word_count does.
        # An ASCII text (most leaflets: str.isascii reads a flag) is looked at for its nine other white-space
        # characters instead, each found by a memchr: isprintable looks up every character.
        if ((not any(map(every.__contains__, _ASCII_SPACES)) if every.isascii() else every.isprintable())
                and "  " not in every and every[:1] != " " and every[-1:] != " " and "" not in texts):
            counts = list(map((1).__add__, map(str.count, texts, itertools.repeat(" "))))
        else:
            counts = list(map(len, map(str.split, texts)))
        for dash in (" – ", " — ", " - "):  # free-standing dashes are not words
            if dash in every:  # in no sentence of most leaflets (and then not in every): no count for each
                counts = list(map(operator.sub, counts, map(str.count, texts, itertools.repeat(dash))))
        return counts

    @functools.cached_property
    def _blanked(self) -> str:
        """``joined`` with its punctuation made spaces (``blank_punctuation``): what section_words splits."""
        return _blank_long(self.joined)

    @functools.cached_property
    def section_words(self) -> dict[str, list[str]]:
        """The words of each section: punctuation made spaces, then split (all in C, no regex).

        A section's paragraphs come one after another (``paragraphs`` walks one section at a time), so
        its words are those of its stretch of ``_blanked``, where SEPARATOR's NUL is made a space: the
        same words as of its paragraphs joined by "\\n", as long as no paragraph holds a NUL itself."""
        paragraphs, blanked = self.paragraphs, self._blanked
        if blanked.count("\x00") != len(paragraphs) - 1:  # a NUL in some text (or no paragraph at all)
            return self._section_words_one_by_one()
        starts, first = self._starts, 0
        out: dict[str, list[str]] = {}
        for section, run in itertools.groupby(map(_SECTION, paragraphs)):
            if section in out:  # sections out of order (not made by _walk): never so in a leaflet
                return self._section_words_one_by_one()
            last = first + len(list(run)) - 1
            stretch = blanked[starts[first]:starts[last] + len(paragraphs[last].text)]
            out[section] = (stretch.replace("\x00", " ") if last > first else stretch).split()
            first = last + 1
        return out

    def _section_words_one_by_one(self) -> dict[str, list[str]]:
        """``section_words`` by its definition: each section's paragraphs joined by "\\n", then split."""
        texts: dict[str, list[str]] = {}
        for paragraph in self.paragraphs:
            texts.setdefault(paragraph.section, []).append(paragraph.text)
        return {section: blank_punctuation("\n".join(parts)).split() for section, parts in texts.items()}

    @functools.cached_property
    def _blanked_lower(self) -> str:
        """``joined_lower`` with its punctuation made spaces: what tokens_lower splits."""
        return _blank_long(self.joined_lower)

    @functools.cached_property
    def tokens_lower(self) -> list[str]:
        """Every word of the prose in lower case, in order (punctuation made spaces, then split, in C)."""
        return self._blanked_lower.split()

    @functools.cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of the prose in lower case: word-list rules test membership, not regexes. A word
        in curly single quotes ("known as ‘laparoscopic’ surgery") is there without them too: the
        closing quote is also an apostrophe, so it stays on the token."""
        tokens = frozenset(self.tokens_lower)
        # A token starts or ends with a quote only where one has white space (or an end of the text)
        # beside it in the text it is split from; most leaflets have none, and then the test of each
        # word is skipped.
        blanked = self._blanked_lower
        if not (_EDGE_QUOTE.search(blanked) or ("'" in blanked and _EDGE_APOSTROPHE.search(blanked))):
            return tokens
        quoted = {t.strip("’'") for t in tokens if t[0] in "’'" or t[-1] in "’'"}
        return tokens | quoted if quoted else tokens

    # Regular expressions run once over all the prose joined, not once per paragraph: a call per
    # paragraph costs more than the scan itself. SEPARATOR keeps matches from running across
    # paragraphs (no pattern matches NUL; ^ and $ under re.MULTILINE still see line ends).
    SEPARATOR = "\n\x00\n"

    @functools.cached_property
    def joined(self) -> str:
        return self.SEPARATOR.join(map(_PROSE, self.paragraphs))

    @functools.cached_property
    def joined_lower(self) -> str:
        """For fast ``in`` tests of trigger words before any regular expression runs."""
        return self.joined.lower()

    @functools.cached_property
    def _starts(self) -> list[int]:
        """Where each paragraph starts in ``joined``: the running sum of the lengths before it, each with
        a SEPARATOR (summed by itertools.accumulate, in C)."""
        lengths = map(len(self.SEPARATOR).__add__, map(len, map(_PROSE, self.paragraphs)))
        starts = list(itertools.accumulate(lengths, initial=0))
        starts.pop()  # the end of the last paragraph's separator: no paragraph starts there
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
        starts, paragraphs = self._starts, self.paragraphs
        for match in regex.finditer(text):
            start = match.start()
            if "\x00" in match.group():
                continue
            if word_start and start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
                continue
            index = bisect.bisect_right(starts, start) - 1  # ``locate``, written out: no call for each match
            yield paragraphs[index], start - starts[index], match

    # --- positions -----------------------------------------------------------------------------

    def position(self, pointer: str, index: int | None = None) -> tuple[int, int]:
        """Line and column of ``pointer``'s value; with ``index``, of that character inside the string."""
        doc = self.doc
        if index is None or not doc.text:
            return doc.position(pointer)
        value = self.get(pointer)
        if not isinstance(value, str):
            return doc.position(pointer)
        text = doc.text
        escaped = self._escaped_strings
        self._searched += 1
        if self._searched <= _SEARCHES and escaped is not None and value not in escaped and \
                _PLAIN_POINTER.fullmatch(pointer) and not _ODD_INDEX.search(pointer):
            # No string of the text with this value has an escape: the value is written as its characters
            # between two quotes. That text found once and only once is the value's place (any other
            # string with the same value would be found too), with no walk to it (the walk steps over every
            # member before it, a few microseconds each; this is two searches in C). Found twice (the same
            # words as a key or another string), or a pointer the walk may name otherwise than get() reads
            # it, it walks. Each search reads the whole text, so only the first _SEARCHES findings search:
            # a leaflet with thousands would be quadratic (the walk remembers what it passed: linear).
            needle = '"' + value + '"'
            found = text.find(needle)
            if found >= 0 and text.find(needle, found + 1) < 0:
                return doc.locator.line_col(found + 1 + index)
        locator = doc.locator
        offset = locator.value_offset(pointer)  # the string's opening quote
        if offset is None or offset >= len(text) or text[offset] != '"':
            return doc.position(pointer)
        if text.find("\\", offset + 1, offset + 1 + index) < 0:
            # no escape before the character: each raw character up to it is one decoded character (the
            # index of the escapes would add nothing), so it is the index-th raw one; most findings
            return locator.line_col(offset + 1 + index)
        escapes = self._escapes.get(offset)
        if escapes is None:  # indexed once per string: a field with thousands of findings stays linear
            escapes = self._escapes[offset] = _escapes(text, offset + 1)
        return locator.line_col(_raw_offset(offset + 1, index, escapes))

    _searched = 0  # findings placed so far (see position)

    @functools.cached_property
    def _escaped_strings(self) -> frozenset[str] | None:
        """The values of the text's strings (and keys) written with an escape, for position(); None when
        it cannot tell, or when a duplicate key (parse made a Scan) means a value in the data may not be the
        one at its pointer in the text. Found from each backslash (a leaflet has a few, or none): a
        backslash is inside a string, which opens at the last quote before it that no backslash escapes."""
        text = self.doc.text
        if self.doc._scan is not None:
            return None
        escaped: set[str] = set()
        at = text.find("\\")
        try:
            while at >= 0:
                if len(escaped) >= 64:
                    return None  # (a text full of escapes: the walk is as quick)
                quote = text.rfind('"', 0, at)
                while quote > 0 and _backslashes_before(text, quote) % 2:  # an escaped quote: go on back
                    quote = text.rfind('"', 0, quote)
                if quote < 0:
                    return None
                value, end = _SCANSTRING(text, quote + 1)  # decoded by json's own scanner, in C
                escaped.add(value)
                at = text.find("\\", end)
        except ValueError:  # not text json.loads accepted (position() then walks, as ever)
            return None
        return frozenset(escaped)


# Pointers that get() reads as the walk names them, for position()'s search: from the root ("/"), no escapes
# ("~": get() takes "~2" as it is, the walk never names it), ASCII (no other digits), and no item number
# with a leading zero ("/list/01" reads item 1 in the data, the walk names it "/list/1").
_PLAIN_POINTER = re.compile(r"/[\x00-\x7d\x7f]*+")  # a "/", then any ASCII character but "~"
_ODD_INDEX = re.compile(r"/0[0-9]")
_SEARCHES = 32  # findings of a leaflet that position() places by searching the text (see there)
_SCANSTRING = json.decoder.scanstring  # type: ignore[attr-defined]  # in C: (decoded string, offset after it)


def _backslashes_before(text: str, offset: int) -> int:
    """How many backslashes come straight before ``offset``: an odd number escapes the character there."""
    start = offset
    while start and text[start - 1] == "\\":
        start -= 1
    return offset - start


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
