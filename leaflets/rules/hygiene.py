"""LH: text hygiene. The marks of unfinished or pasted text: placeholders, web-page leftovers,
missing spaces, doubled words, repeats, unbalanced brackets, bad phone numbers and web addresses,
US spellings in a UK leaflet. Word lists are data in leaflets/rules/data/."""

from __future__ import annotations

import functools
import itertools
import operator
import re
from collections import Counter
from collections.abc import Iterable
from typing import NamedTuple

from leaflets.content import pointer_escape
from leaflets.findings import Severity
from leaflets.rules.claims import phrase_hits
from leaflets.rules.context import Context, quoted
from leaflets.rules.data import Entry, load, phrases
from leaflets.rules.numbers import digit_paragraphs
from leaflets.rules.registry import Hit, rule
from leaflets.walk import texts


@rule("LH001", "placeholder", Severity.ERROR, "Unfinished text: a placeholder is still there.",
      what="TODO, TBC, TBD, FIXME, XXX, lorem ipsum, \"[insert ...]\" and \"??\" (list: "
           "leaflets/rules/data/placeholders.toml), in the prose and in the authors and sources (which "
           "`leaflets new` fills with TODO).",
      why="A placeholder printed in a leaflet tells the patient the facts around it were never checked, and "
          "sometimes hides the one fact they needed (a phone number, a date).",
      bad="Call the ward on TBC if your wound leaks.",
      good="Call the ward on 020 7946 0000 if your wound leaks.",
      data_file="leaflets/rules/data/placeholders.toml")
def placeholder(ctx: Context) -> Iterable[Hit]:
    yield from phrase_hits(ctx, "placeholders", "entry", "placeholder")
    # authors and sources are not prose (no readability, no spelling), but a TODO there is unfinished too
    strings = _strings(ctx.data.get("authors"), "/authors") + _strings(ctx.data.get("sources"), "/sources")
    entries = _found_in(phrases("placeholders").entries, [text for _pointer, text in strings])
    if not entries:
        return  # nearly always: a finished leaflet
    for pointer, text in strings:
        lower = text.lower()
        if pointer.endswith("/url") or len(lower) != len(text):
            continue  # an address is LH008's business; a rare case-changing character: skip, never misplace
        for entry in entries:
            match = next((m for m in entry.regex.finditer(lower)
                          if not m.start() or not (lower[m.start() - 1].isalnum() or lower[m.start() - 1] in "_-")),
                         None)
            if match:
                advice = f": {entry.advice}" if entry.advice else ""
                yield Hit(pointer, f"placeholder \"{' '.join(match.group().split())}\"{advice}",
                          index=match.start(), severity=entry.severity, length=len(match.group()))
                break


@rule("LH002", "web-leftover", Severity.ERROR, "Text pasted from a web page: buttons, menus, links.",
      what="\"icon plus\", \"back to top\", \"click here\", \"Menu\", \"read more\", \"skip to content\" and the like "
           "(list: leaflets/rules/data/web_leftovers.toml), in the prose and in the other printed text (authors, "
           "sources' titles and notes, approver).",
      why="Web-page furniture means nothing on paper, and shows the text was pasted, not written for the reader. "
          "\"Click here\" in a printed leaflet leaves the patient with no way to reach what it pointed to.",
      bad="How to prepare for your surgery icon plus",
      good="How to prepare for your operation",
      data_file="leaflets/rules/data/web_leftovers.toml")
def web_leftover(ctx: Context) -> Iterable[Hit]:
    phrased = set()
    for hit in phrase_hits(ctx, "web_leftovers", "entry", "web-page leftover"):
        phrased.add(hit.pointer)
        yield hit
    lines, advice = _web_lines()
    for paragraph in ctx.paragraphs:
        if paragraph.pointer in phrased:
            continue  # already reported ("Back to top" is both a phrase and a whole line): once is enough
        if len(paragraph.text) < 20 and " ".join(paragraph.text.lower().rstrip(" .").split()) in lines:
            yield Hit(paragraph.pointer, f"web-page leftover {quoted(paragraph.text)}: {advice}")
    strings = printed(ctx)
    entries = _found_in(phrases("web_leftovers").entries, [text for _pointer, text in strings])
    if not entries:
        return
    for pointer, text in strings:
        lower = text.lower()
        if len(lower) != len(text):
            continue  # a rare case-changing character: skip, never misplace
        for entry in entries:
            match = next((m for m in entry.regex.finditer(lower) if _word_start(lower, m.start())), None)
            if match:
                yield Hit(pointer, f"web-page leftover \"{text[match.start():match.end()]}\": {entry.advice}",
                          index=match.start(), severity=entry.severity, length=len(match.group()))
                break


# Printed on the leaflet but not prose the readability rules should grade: the authors, the
# sources' titles, publishers and notes, the approver. The hygiene rules check them too.
_PRINTED = ("/authors", "/sources", "/approval")
_NOT_PRINTED = ("/url", "/accessed", "/kind", "/date", "/content_sha256")


def printed(ctx: Context) -> list[tuple[str, str]]:
    """(pointer, text) of each printed string outside the prose: authors, sources and approval. Walked
    once per leaflet and kept in ``ctx.cache``: LH002 and LH004 ask."""
    if "printed strings" not in ctx.cache:
        ctx.cache["printed strings"] = [(pointer, text) for top in _PRINTED
                                        for pointer, text in _strings(ctx.data.get(top[1:]), top)
                                        if not pointer.endswith(_NOT_PRINTED)]
    return ctx.cache["printed strings"]


def _found_in(entries: list[Entry], texts: list[str]) -> list[Entry]:
    """The entries whose expression matches somewhere in ``texts``, lower-cased and joined as the prose
    is: one search each over all the strings, not one per string (most match none). A match in one
    string is also one in the joined text, so an entry left out here matches in no single string."""
    text = Context.SEPARATOR.join(t.lower() for t in texts)
    return [entry for entry in entries if entry.regex.search(text)]


def _word_start(text: str, index: int) -> bool:
    return not index or not (text[index - 1].isalnum() or text[index - 1] in "_-")


@functools.cache
def _web_lines() -> tuple[frozenset[str], str]:
    table = load("web_leftovers").get("lines", {})
    table = table if isinstance(table, dict) else {}
    return frozenset(str(t).lower() for t in table.get("text", [])), str(table.get("advice", "remove it"))


# starts with the mark, not a look-behind, so the scan can skip quickly to each punctuation mark; one
# expression for each mark, so that each starts with a literal (a fast substring search), not a class
# (tried at every character). After ";" and ",", two lower-case letters also count.
_NON_SPACE = re.compile(r"\S+")
_NO_SPACE = [re.compile(re.escape(mark) + r"(?<=[a-z]{2}.)(?:(?=[A-Z][a-z])"
                        + (r"|(?=[a-z]{2})" if mark in ";," else "") + ")") for mark in ".!?;,"]


@rule("LH003", "missing-space", Severity.WARNING, "A full stop or comma with no space after it.",
      what="A full stop, question mark, comma or semicolon between two words with no space: \"anaesthetic.Your\".",
      why="Text joined at a full stop is a sign of careless pasting, and a screen reader reads the two words as "
          "one, so a listener hears nonsense.",
      bad="The operation is done under general anaesthetic.Your surgeon makes a small cut.",
      good="The operation is done under general anaesthetic. Your surgeon makes a small cut.")
def missing_space(ctx: Context) -> Iterable[Hit]:
    found = sorted((each for regex in _NO_SPACE for each in ctx.matches(regex)), key=lambda each: each[2].start())
    for paragraph, index, match in found:  # in text order, as one expression for all marks found them
        text = paragraph.text
        # the pieces of text around the mark up to a space, found by stepping out from the mark, not by
        # splitting or searching all the text before it (quadratic in a long paragraph with many hits);
        # the pattern has letters on both sides of the mark, so neither piece is empty
        start = index
        while start and not text[start - 1].isspace():
            start -= 1
        before, after = text[start:index], _NON_SPACE.match(text, index + 1)
        if "www" in before or "http" in before or "@" in before:
            continue  # inside a web or e-mail address
        mark = match.group()
        joined = before + mark + (after.group() if after else "")
        yield Hit(paragraph.pointer, f"no space after \"{mark}\" in {quoted(joined, 40)}: add one", index=index + 1)


# "++": a word never gives letters back (a shorter word is followed by a letter, never a space), which
# spares the engine trying it, a quarter of the scan
_DOUBLED = re.compile(r"\b(?P<word>[A-Za-z]++) +(?P=word)\b", re.IGNORECASE)
_DOUBLING_ALLOWED = {"had", "that", "is"}


@rule("LH004", "doubled-word", Severity.WARNING, "The same word twice in a row.",
      what="A word repeated straight after itself (\"the the\"), in any case, in the prose and in the other printed "
           "text (authors, sources, approver). \"had had\" and \"that that\" are allowed.",
      why="Readers skip over the second word and do not notice; a screen reader reads both. It is the most "
          "common typing slip and the cheapest to fix.",
      bad="Tell the the ward if your wound leaks.",
      good="Tell the ward if your wound leaks.")
def doubled_word(ctx: Context) -> Iterable[Hit]:
    yield from _doubled_in_printed(ctx)
    tokens = ctx.tokens_lower  # neighbours compared by map/compress, in C (operator.eq: twice as fast as
    # str.__eq__, a slot wrapper); the regex below confirms
    doubled = {w for w in itertools.compress(tokens, map(operator.eq, tokens, tokens[1:])) if w.isalpha()}
    pairs = [f"{w} {w}" for w in doubled - _DOUBLING_ALLOWED if f"{w} {w}" in ctx.joined_lower]
    if not pairs:
        return
    for paragraph in ctx.paragraphs:
        if not any(pair in paragraph.text.lower() for pair in pairs):
            continue
        for match in _DOUBLED.finditer(paragraph.text):
            before = paragraph.text[match.start() - 1: match.start()]
            if match["word"].lower() not in _DOUBLING_ALLOWED and before != "-":
                yield Hit(paragraph.pointer, f"\"{match['word']}\" appears twice in a row: remove one",
                          index=match.end() - len(match["word"]))


# each ASCII byte of a letter made lower case, every other byte a space: the runs of letters, split, in C
_LETTER_RUNS = bytes((b | 0x20) if chr(b).isalpha() and b < 128 else 32 for b in range(256))


def _doubled_in_printed(ctx: Context) -> Iterable[Hit]:
    strings = printed(ctx)
    joined = "\n".join(text for _pointer, text in strings)
    if joined.isascii():
        # _DOUBLED is slow (~50 ns a character: a back-reference, in any case). In ASCII text the two words it
        # finds are whole runs of letters with only spaces between, the same in lower case: so two runs
        # alike side by side in all the strings' text must be there first (the text's letter runs, lower-cased
        # and split by bytes.translate and split, compared by map, all in C; most leaflets have none)
        runs = joined.encode("ascii").translate(_LETTER_RUNS).split()
        if not any(map(operator.eq, runs, runs[1:])):
            return
    for pointer, text in strings:
        for match in _DOUBLED.finditer(text):
            if match["word"].lower() not in _DOUBLING_ALLOWED and text[match.start() - 1: match.start()] != "-":
                yield Hit(pointer, f"\"{match['word']}\" appears twice in a row: remove one",
                          index=match.end() - len(match["word"]))


_LETTERS_OR_DIGITS = re.compile(r"[^\W_]+")  # compiled here: re.findall looks it up in re's cache on each call


def _normal(text: str) -> str:
    """A name as compared for LH006: its words in any script, case folded. (The rules' ``words`` reads
    Latin letters only, which made every Arabic or Bengali name the same empty name.)"""
    folded = text.casefold()
    # Most names are already that: letters and digits in words one space apart ("Blood clots"), which
    # str.isalnum tests in C ([^\W_] is what it calls alphanumeric); then the expression finds those words
    if folded.replace(" ", "").isalnum() and "  " not in folded and folded[0] != " " and folded[-1] != " ":
        return folded
    return " ".join(_LETTERS_OR_DIGITS.findall(folded))


@rule("LH005", "repeated-sentence", Severity.WARNING, "The same sentence appears twice.",
      what="A sentence of five words or more that appears, word for word (any case), earlier in the leaflet.",
      why="Repeated sentences are usually pasting slips; they make a leaflet longer without telling the reader "
          "more, and the copies drift apart when one is edited.",
      bad="The same \"Ask your surgeon how long recovery takes.\" in the recovery and the risks sections.",
      good="Say it once, in the section where a reader would look for it.")
def repeated_sentence(ctx: Context) -> Iterable[Hit]:
    # Only a sentence whose lower case is some other sentence's too can be reported (or be the earlier one):
    # those are found by counting, in C (map, Counter, compress), and only they are looked at below, in
    # order, as every sentence once was. A few short ones ("NHS.") are in most leaflets.
    keys = list(map(str.lower, map(_SENTENCE_TEXT, ctx.sentences)))
    counts = Counter(keys)
    if len(counts) == len(keys):
        return  # no two alike
    repeated = {key for key, count in counts.items() if count > 1}
    seen: dict[str, str] = {}
    lengths = ctx.sentence_lengths
    for index in itertools.compress(range(len(keys)), map(repeated.__contains__, keys)):
        sentence, length = ctx.sentences[index], lengths[index]
        if length < 5 or sentence.paragraph.section in ("glossary", "title"):
            continue  # a title pasted into the text is LH006's
        key = keys[index]
        if key in seen:
            yield Hit(sentence.paragraph.pointer, f"this sentence already appears at {seen[key]}: "
                      f"{quoted(sentence.text)}", index=sentence.start)
        else:
            seen[key] = sentence.paragraph.pointer


_HEADING_LISTS = {"/risks": "name", "/alternatives": "name", "/glossary": "term"}
_SENTENCE_TEXT = operator.itemgetter(2)  # a Sentence's text


@rule("LH006", "repeated-heading", Severity.WARNING, "A heading is repeated, or pasted into the text.",
      what="The leaflet's title pasted into a paragraph as a heading (at its start followed by a new sentence "
           "with no full stop, or at its end), and two risks, alternatives or glossary entries with the same name.",
      why="Web pages that repeat their title in every paragraph were scraped, not written. Two risks with one "
          "name make a reader wonder which figure is right.",
      bad="\"title\": \"Back fusion\", and a paragraph \"Back fusion Recovery varies from person to person.\"",
      good="Recovery varies from person to person.")
def repeated_heading(ctx: Context) -> Iterable[Hit]:
    title = ctx.data.get("title")
    if isinstance(title, str) and title.strip():
        title = title.strip()
        # the title's own paragraph holds it once: a second time in all the prose (one C scan) is needed
        # before any paragraph is looked at (or the expression made), and most leaflets have none
        others = ctx.paragraphs if ctx.joined.count(title) > 1 else []
        if others:
            pasted = re.compile(rf"^{re.escape(title)}\s+(?=[A-Z])|(?<=[.!?])\s*{re.escape(title)}\s*$")
        for paragraph in others:
            if paragraph.pointer == "/title" or title not in paragraph.text:
                continue
            match = pasted.search(paragraph.text)
            if match:
                yield Hit(paragraph.pointer, f"the title \"{title}\" is pasted into this paragraph as a heading: "
                          "remove it", index=match.start() + (len(match.group()) - len(match.group().lstrip())))
    for pointer, key in _HEADING_LISTS.items():
        items = ctx.data.get(pointer[1:])  # ctx.items(pointer), without a pointer made for every item
        if not isinstance(items, list):
            continue
        names: dict[str, int] = {}  # the index of the first item of each name
        for index, item in enumerate(items):
            name = item.get(key) if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            normal = _normal(name)
            if normal in names:
                yield Hit(f"{pointer}/{index}/{key}", f"\"{name}\" is also the {key} at "
                          f"{pointer}/{names[normal]}/{key}: merge them or name them apart")
            else:
                names[normal] = index


_PAIRS = [("(", ")"), ("[", "]"), ("“", "”"), ("‘", "’")]
# each pair's two marks, found by the regex engine: the loop below then sees only them, not every character
_MARKS = {opening: re.compile(f"[{re.escape(opening)}{re.escape(closing)}]") for opening, closing in _PAIRS}


@rule("LH007", "unbalanced-brackets", Severity.WARNING, "A bracket or quotation mark is not closed.",
      what="Round or square brackets, and curly or straight double quotation marks, that do not pair up within "
           "one paragraph or list item. Single curly quotes are only checked when an opening one is used, since "
           "’ is also an apostrophe.",
      why="An unclosed bracket leaves the reader unsure where an aside ends, and usually marks text that was cut "
          "in the wrong place.",
      bad="Take your usual medicines (unless your team says otherwise.",
      good="Take your usual medicines (unless your team says otherwise).")
def unbalanced_brackets(ctx: Context) -> Iterable[Hit]:
    # only the marks the prose has at all (one-character tests in C, fast): usually just the round brackets
    pairs = [(opening, closing) for opening, closing in _PAIRS
             if opening in ctx.joined or (closing in ctx.joined and opening != "‘")]
    quotes = '"' in ctx.joined
    if not pairs and not quotes:
        return
    for paragraph in ctx.paragraphs:
        text = paragraph.text
        for opening, closing in pairs:
            if opening not in text and (closing not in text or opening == "‘"):
                continue
            depth, first_open = 0, -1
            for mark in _MARKS[opening].finditer(text):
                index, char = mark.start(), mark.group()
                if char == opening:
                    if depth == 0:
                        first_open = index
                    depth += 1
                elif char == closing:
                    if depth == 0 and opening != "‘":
                        yield Hit(paragraph.pointer, f"\"{closing}\" closes nothing: add the \"{opening}\" or remove "
                                  "it", index=index)
                        break
                    depth = max(depth - 1, 0)
            else:
                if depth > 0:
                    yield Hit(paragraph.pointer, f"\"{opening}\" is never closed: add \"{closing}\"", index=first_open)
        if quotes and text.count('"') % 2:
            yield Hit(paragraph.pointer, "a double quotation mark (\") is never closed", index=text.rindex('"'))


_HTTP = re.compile(r"\bhttp://\S+", re.IGNORECASE)


@rule("LH008", "insecure-web-address", Severity.WARNING, "A web address starts with http://.",
      what="Web addresses in the text that start with `http://`. Addresses written \"www.example.org\" with no scheme "
           "are left alone: that is how printed leaflets write them, patients type them that way, and browsers open "
           "them over https.",
      why="An http:// address can be intercepted or may no longer work; browsers warn about it, and a patient "
          "typing an address from paper needs it exact.",
      bad="Read more at http://www.example.org/spine.",
      good="Read more at www.example.org/spine (or https://www.example.org/spine).")
def insecure_web_address(ctx: Context) -> Iterable[Hit]:
    if "http:" not in ctx.joined_lower:
        return
    for paragraph, index, match in ctx.matches(_HTTP):
        address = match.group().rstrip(".,;:)")
        fix = "https://" + re.sub(r"^https?://", "", address, flags=re.IGNORECASE)
        yield Hit(paragraph.pointer, f"write the address with https://: {fix}", index=index)


_AREA_CODE = re.compile(r"\(0\d{2,5}\)(?: \d{2,6}){1,3}")
_TEN_DIGITS = re.compile(r"\d[\d ().+-]{8,}\d")  # starts with a digit, so the scan skips quickly
_PHONE = re.compile(r"(?<![\w+])(?:\+\s?\d{1,3}[\s.-]?)?(?:\(0\)\s?)?\(?0?\d{2,5}\)?(?:[\s.-]?\d{2,4}){2,3}(?!\w)")


@rule("LH009", "phone-number-form", Severity.WARNING, "A phone number written in a form that is hard to dial.",
      what="Phone numbers in the text (ten digits or more) written with brackets, hyphens, dots, \"(0)\", or no "
           "spaces at all. A UK area code in brackets followed by groups of digits (\"(01632) 960 456\") is the way "
           "leaflets print numbers, and is left alone.",
      why="People dial from paper under stress. \"+44 (0)20-7946.0000\" makes them guess which digits to drop; "
          "groups of digits separated by spaces are easiest to read and to dial.",
      bad="Call the ward on (020) 7946-0000.",
      good="Call the ward on 020 7946 0000.")
def phone_number_form(ctx: Context) -> Iterable[Hit]:
    # Only a paragraph with a digit can hold a number: those few (found once for the LN rules) are searched,
    # in reading order, not all the prose. A match holds no line break, so it never spans two paragraphs, and
    # a paragraph's matches are the ones the search of all the prose finds in it.
    candidates = [p for p in digit_paragraphs(ctx).values()
                  if any(sum(c.isdigit() for c in match.group()) >= 10 for match in _TEN_DIGITS.finditer(p.text))]
    for paragraph in candidates:
        for match in _PHONE.finditer(paragraph.text):
            number = match.group()
            digits = re.sub(r"\D", "", number)
            if len(digits) < 10 or re.fullmatch(r"\d{4}-\d{2}-\d{2}", number):
                continue
            if _AREA_CODE.fullmatch(number.strip()):
                continue  # "(01632) 960 456": the area code in brackets, the way UK leaflets print it
            if re.search(r"[().-]", number) or " " not in number.strip():
                yield Hit(paragraph.pointer, f"write the phone number {quoted(number.strip())} in digits and spaces, "
                          "e.g. 020 7946 0000", index=match.start())


@rule("LH010", "us-spelling", Severity.WARNING, "A US spelling in a UK-English leaflet.",
      what="Words from leaflets/rules/data/spelling.toml (\"anesthesia\", \"stabilization\", \"hospitalization\") "
           "in a leaflet whose language is \"en\" or \"en-GB\". Leaflets tagged \"en-US\" are left alone.",
      why="Mixed spellings look careless and undermine trust; UK patients meet \"anaesthetic\" on every hospital "
          "letter, so the leaflet should match.",
      bad="The stabilization is done under anesthesia.",
      good="The stabilisation is done under anaesthesia.",
      data_file="leaflets/rules/data/spelling.toml")
def us_spelling(ctx: Context) -> Iterable[Hit]:
    if ctx.language not in ("en", "en-GB"):
        return
    table = _spellings()
    present = [us for us in table if us in ctx.vocabulary]  # a set lookup first: most leaflets have none
    if not present:
        return
    alternatives = "|".join(re.escape(w) for w in sorted(present, key=len, reverse=True))
    for paragraph, index, match in ctx.matches(re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE)):
        uk = table[match.group().lower()]
        yield Hit(paragraph.pointer, f"\"{match.group()}\" is a US spelling: write \"{uk}\"", index=index)


@functools.cache
def _spellings() -> dict[str, str]:
    words_table = load("spelling").get("words", {})
    return {str(k).lower(): str(v) for k, v in words_table.items()} if isinstance(words_table, dict) else {}


# Characters that are invisible or change how the text around them is shown: C0 and C1 controls
# (a line break inside a paragraph is allowed), DEL, zero-width space, line and paragraph
# separators, bidirectional embeddings, overrides and isolates (which can show "020 7946 0123"
# as something else: the "Trojan Source" trick), and a byte-order mark inside text.
@functools.cache
def _invisible() -> re.Pattern[str]:
    """Compiled when first needed: only text str.isprintable() refuses gets that far (see below)."""
    return re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def _strings(value: object, pointer: str = "") -> list[tuple[str, str]]:
    """(pointer, text) of every string in ``value``, in document order. One loop over a stack, not a
    generator per level: nested generators cost a resumption per level for every string yielded."""
    out: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [(pointer, value)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, str):
            out.append((where, item))
        elif isinstance(item, list):
            stack.extend((f"{where}/{index}", item[index]) for index in range(len(item) - 1, -1, -1))
        elif isinstance(item, dict):
            stack.extend((f"{where}/{pointer_escape(key)}", child) for key, child in reversed(list(item.items())))
    return out


@rule("LH011", "invisible-character", Severity.ERROR, "A control or direction-changing character hidden in text.",
      what="Tabs, control characters, zero-width spaces, line separators, byte-order marks and bidirectional "
           "overrides or isolates (U+202A-U+202E, U+2066-U+2069) anywhere in the leaflet's text.",
      why="They are invisible in an editor but change what is printed or read aloud: a direction override can "
          "show a phone number or dose in a different order from the one stored, and a stray control character "
          "can stop a screen reader or a print shop's tools.",
      bad="Call the ward on \u202e3210 6497 020 (stored with a right-to-left override).",
      good="Call the ward on 020 7946 0123.")
def invisible_character(ctx: Context) -> Iterable[Hit]:
    raw = ctx.doc.text
    # First the file's own text, which the data was read from (as figures() also reads it), when it is ASCII
    # (a flag Python keeps: no scan). JSON allows no character U+0000-U+001F inside a string, so the hidden
    # characters a string can hold are then only DEL and what an escape writes (\b, \f, \r, \t or \u; "\n"
    # is allowed): without those, no string holds one, and the search of every string is not needed. (A
    # "\\t", an escaped backslash, only sends the leaflet the long way.)
    if raw and raw.isascii() and "\x7f" not in raw and \
            ("\\" not in raw or not any(escape in raw for escape in ("\\u", "\\t", "\\r", "\\b", "\\f"))):
        return
    text = "\n".join(texts(ctx.data))  # every string, without a pointer made for each
    # every character _invisible() finds is one str.isprintable() refuses, and that test (in C, no regex)
    # is twice as fast; "\n" is allowed but not printable, so it is made a space first
    if text.replace("\n", " ").isprintable() or not _invisible().search(text):
        return  # one scan of all the text ("\n" is allowed, so joining adds nothing): nearly always clean
    for pointer, text in _strings(ctx.data):
        for match in _invisible().finditer(text):
            yield Hit(pointer, f"an invisible character U+{ord(match.group()):04X} is hidden in this text: "
                      "delete it (retype the text around it if you cannot see it)", index=match.start())


@rule("LH012", "retired-service", Severity.ERROR, "A service or body named that no longer exists.",
      what="Names of closed or renamed services and bodies from leaflets/rules/data/retired_services.toml (NHS "
           "Direct, NHS Choices, primary care trusts, Public Health England...), each with the one that replaced it, "
           "and their old numbers; a name with its number just after it (\"NHS Direct on 0845 4647\") is one finding.",
      why="A patient who looks for NHS Direct at night finds nothing, and the number printed beside it may now "
          "belong to someone else. Out-of-date names also tell the reader the rest of the leaflet was not checked.",
      bad="If you are worried out of hours, call NHS Direct.",
      good="If you are worried out of hours, call NHS 111.",
      data_file="leaflets/rules/data/retired_services.toml")
def retired_service(ctx: Context) -> Iterable[Hit]:
    ends: dict[str, int] = {}  # where the last hit in each paragraph ended
    for hit in phrase_hits(ctx, "retired_services", "entry", "retired service"):
        index, length = hit.index or 0, hit.length or 0
        number = any(c.isdigit() for c in ctx.get(hit.pointer, "")[index:index + length])
        if number and hit.pointer in ends and 0 <= index - ends[hit.pointer] <= _NAMED_WITH_NUMBER:
            continue  # "call NHS Direct on 0845 4647": one service named with its number, one finding
        ends[hit.pointer] = index + length
        yield hit


_NAMED_WITH_NUMBER = 40  # characters between a retired service's name and a retired number that is its own


@rule("LH013", "missing-figure", Severity.ERROR, "The text points to a picture the leaflet does not have.",
      what="Pointers to pictures (\"see the diagram below\", \"figure 1\", \"as shown opposite\"; list: "
           "leaflets/rules/data/figure_references.toml) in a leaflet with no figure block; in one with figures, only "
           "a numbered pointer past its last figure (\"figure 3\" with two figures). \"Figures\" counts only with a "
           "number after it (\"see figures 2 and 3\"): \"the figures below\" are a leaflet's numbers.",
      why="Text copied from a leaflet with a diagram keeps its pointers; the patient then looks for a picture that "
          "is not there, and the words around it were written to lean on it.",
      bad="The nerve runs through the carpal tunnel (see the diagram below).",
      good="The nerve runs through a narrow gap in the wrist, called the carpal tunnel.",
      data_file="leaflets/rules/data/figure_references.toml")
def missing_figure(ctx: Context) -> Iterable[Hit]:
    from leaflets.rules.figures import figures

    table = _figure_words()
    present = table.words & ctx.vocabulary
    if not present:
        return  # a set intersection: most leaflets have no picture word at all
    count = sum(1 for _ in figures(ctx))  # with figures, "the diagram below" points at one of them
    # one search for each word present ("figure" is in most leaflets), each starting with its literal: a fast
    # substring search, where an alternation is tried at every character; put back in text order. Whole
    # words do not overlap, so the order is the one alternation's. Each is a whole word: "figure-of-eight"
    # is not "figure" (one alternation once bound the look-ahead to its last branch only, and a leaflet with
    # "shown" in it got an LH013 for a figure-of-eight bandage).
    found = sorted(((paragraph, index, match, word not in table.showing) for word in present
                    for paragraph, index, match in ctx.matches(_whole_word(word), lower=True, word_start=True)),
                   key=lambda each: each[2].start())
    for paragraph, index, match, picture in found:
        text = paragraph.text.lower()
        before, after = text[max(0, index - 20):index], text[index + len(match.group()):]
        end = index + len(match.group())
        numbered = table.number.match(after) if picture else None
        if match.group() in table.numbered_only:  # "the figures below" are numbers; "figures 2 and 3" pictures
            pointing, following = None, numbered
        else:
            pointing = table.before.search(before) if picture else None
            following = numbered or table.place.match(after)
        if count and not _past_last(following, count):
            continue
        if pointing or following:
            start = index - len(before) + pointing.start() + (1 if before[pointing.start():][:1] in " (" else 0) \
                if pointing else index
            end += following.end() if following else 0
            shown = " ".join(paragraph.text[start:end].split())
            yield Hit(paragraph.pointer, f"\"{shown}\" points to a picture the leaflet does not have: "
                      f"{table.advice}", index=start)


@functools.cache
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(re.escape(word) + r"(?![\w-])")


def _past_last(following: re.Match[str] | None, count: int) -> bool:
    """A numbered pointer ("figure 3") to a figure past the leaflet's ``count``th."""
    number = re.search(r"\d+", following.group()) if following else None
    return number is not None and int(number.group()) > count


class _FigureWords(NamedTuple):
    words: frozenset[str]
    showing: frozenset[str]
    numbered_only: frozenset[str]
    before: re.Pattern[str]
    number: re.Pattern[str]
    place: re.Pattern[str]
    advice: str


@functools.cache
def _figure_words() -> _FigureWords:
    table = load("figure_references")

    def listed(key: str) -> list[str]:
        value = table.get(key, [])
        return sorted((str(v).lower() for v in value), key=len, reverse=True) if isinstance(value, list) else []

    def alternatives(key: str) -> str:
        return "|".join(r"\s+".join(re.escape(w) for w in v.split()) for v in listed(key))

    pictures, showing = listed("pictures"), listed("showing")
    return _FigureWords(
        frozenset(pictures + showing),
        frozenset(showing),
        frozenset(listed("numbered_only")),
        re.compile(rf"(?:^|[^\w-])(?:{alternatives('pointing')})\s+$"),
        re.compile(r"\.?\s*\d+[a-z]?\b"),
        re.compile(rf"\s+(?:{alternatives('places')})\b"),
        str(table.get("advice", "describe in words what the picture showed, or remove the pointer")))


# A space before a mark that closes a clause ("go away ."), and a run of marks ("!!", ",,", ".,").
# "..." (an ellipsis) and "??" (a placeholder, LH001's) are left alone; so is a space before the
# "?" or ":" of French text, where typography asks for one.
# each starts with a literal or a class, not a look-behind, so the scan skips quickly; the word
# before the space, and which runs count, are checked in code
_SPACE_BEFORE = re.compile(r" +(?:[.,;:!](?![.\d])|\?(?!\?))")
_RUN = re.compile(r"[.,;:!?]{2,}")
# A mark with a space before it or another mark after it. One search for each mark in the text, each
# starting with the mark (a fast substring search), tells whether either is there at all: twice as fast
# as the scans below, which most leaflets then skip
_STRAY = {mark: re.compile(re.escape(mark) + r"(?:(?<= .)|[.,;:!?])") for mark in ".,;:!?"}


@functools.cache
def _abbreviated() -> re.Pattern[str]:  # "e.g.,", "etc.;": compiled when first needed, for a run after a full stop
    return re.compile(r"(?:\b[a-z]\.[a-z]|\b(?:etc|approx|no|vs))$", re.IGNORECASE)


@rule("LH014", "stray-punctuation", Severity.WARNING, "A space before punctuation, or a run of punctuation marks.",
      what="A space between a word and the full stop, comma, semicolon, colon, question or exclamation mark after "
           "it (\"go away .\"), and runs of marks (\"!!\", \",,\", \".,\", \"?!\"). An ellipsis (\"...\") is allowed; "
           "\"??\" is LH001's placeholder; French text, which puts a space before \"?\", \"!\", \";\" and \":\", is "
           "checked for runs only.",
      why="Stray marks are the trace of text edited in a hurry; readers notice them and trust the facts less, and "
          "a screen reader reads a lone full stop aloud.",
      bad="The numbness will usually go away . Call us if it does not !!",
      good="The numbness usually goes away. Call us if it does not.")
def stray_punctuation(ctx: Context) -> Iterable[Hit]:
    if not any(regex.search(ctx.joined) for mark, regex in _STRAY.items() if mark in ctx.joined):
        return  # nearly always
    french = ctx.language == "fr" or ctx.language.startswith("fr-")
    marks = [mark for mark in ".,;:!?" if f" {mark}" in ctx.joined]  # six scans in C; usually none is there
    if marks:
        for paragraph, index, match in ctx.matches(_SPACE_BEFORE):
            mark = match.group().strip()
            if not index or not (paragraph.text[index - 1].isalnum()) or (french and mark in "?!;:"):
                continue
            yield Hit(paragraph.pointer, f"a space before \"{mark}\": remove it", index=index)
    for paragraph, index, match in ctx.matches(_RUN):
        run = match.group()
        if run == "..." or (run[0] == "." and _abbreviated().search(paragraph.text[max(0, index - 12):index])):
            continue  # an ellipsis; "e.g.," and "etc.;" (the full stop belongs to the abbreviation)
        if set(run) == {"?"} and not (index and paragraph.text[index - 1].isalnum()):
            continue  # a free-standing "??" is LH001's placeholder
        yield Hit(paragraph.pointer, f"\"{run}\" is a run of punctuation marks: keep one", index=index)

