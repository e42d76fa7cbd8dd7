"""Find leaflet files, decode them, parse JSON, and map JSON pointers to line:column.

Python's ``json`` is fast but forgets where things were and silently keeps the last of two
duplicate keys. We parse with it (catching duplicates and NaN through hooks) and only when a
position is needed run a small scanner of our own over the text (well under a millisecond for a
leaflet), so a clean file pays nothing for positions.
"""

from __future__ import annotations

import bisect
import itertools
import json
import operator
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets.errors import UsageError  # raised here for paths that do not exist
from leaflets.findings import Finding, Severity

MAX_BYTES = 1024 * 1024  # a long leaflet is ~40 kB; anything near a megabyte is not a leaflet
MAX_DEPTH = 32  # the schema's deepest path is 7 levels


# Codes of findings about the file itself, before any schema or rule sees it.
LOAD_CODES: dict[str, tuple[str, str]] = {
    "LF001": ("unreadable-file", "The file cannot be read."),
    "LF002": ("file-too-large", "The file is larger than a leaflet can be."),
    "LF003": ("empty-file", "The file is empty."),
    "LF004": ("byte-order-mark", "The file starts with a UTF-8 byte-order mark."),
    "LF005": ("not-utf8", "The file has bytes that are not UTF-8."),
    "LF006": ("invalid-json", "The file is not valid JSON."),
    "LF007": ("duplicate-key", "A key appears twice in one object; JSON keeps only the last."),
    "LF008": ("too-deep", "Objects or lists are nested deeper than a leaflet can be."),
    "LF009": ("not-a-number", "NaN or Infinity is not JSON."),
    "LF010": ("not-an-object", "A leaflet file must hold one JSON object."),
    "LF011": ("duplicate-leaflet", "Two files hold the same leaflet id and language; a build would write one "
              "over the other."),
}


def pointer_escape(token: str | int) -> str:
    text = str(token)
    if "~" not in text and "/" not in text:  # nearly every key: two scans in C instead of two new strings
        return text
    return text.replace("~", "~0").replace("/", "~1")


def make_pointer(path: Any) -> str:
    return "".join("/" + pointer_escape(part) for part in path)


@dataclass
class Document:
    """One leaflet file: its text, parsed data (None if unusable), and load findings."""

    path: Path
    display: str
    text: str = ""
    data: Any = None
    findings: list[Finding] = field(default_factory=list)
    _scan: Scan | None = field(default=None, repr=False)
    _locator: Locator | None = field(default=None, repr=False)

    @property
    def usable(self) -> bool:
        return self.data is not None and isinstance(self.data, dict)

    @property
    def scan(self) -> Scan:
        if self._scan is None:
            self._scan = Scan(self.text)
        return self._scan

    @property
    def locator(self) -> Locator:
        if self._locator is None:
            self._locator = Locator(self.text)
        return self._locator

    def position(self, pointer: str) -> tuple[int, int]:
        """Line and column (1-based) of the key holding ``pointer``, or of its nearest ancestor."""
        if self._scan is not None:  # scanned already (a duplicate key or NaN was looked for): every place is known
            positions = self._scan.positions
            while pointer:
                if pointer in positions:
                    return positions[pointer]
                pointer = pointer.rpartition("/")[0]  # "a" (no slash) goes to the root, not round again
            return positions.get("", (1, 1))
        return self.locator.position(pointer)

    def finding(self, code: str, message: str, pointer: str = "", *, severity: Severity = Severity.ERROR,
                rule: str = "", hint: str = "", line: int | None = None, column: int | None = None) -> Finding:
        if line is None or column is None:
            line, column = self.position(pointer) if self.text else (1, 1)
        return Finding(self.display, line, column, pointer, code, severity, message,
                       rule or LOAD_CODES.get(code, ("",))[0], hint)


# --- the scanner -------------------------------------------------------------------------------

# Only the tokens that carry a position: a key with its colon is one token, white space, colons and
# commas are stepped over by finditer in C (each was a turn of the Python loop, about half of them).
# A string is matched as runs of plain characters between escapes, not one alternation per character.
# A key's plain value (a string, number or literal) is taken with the key, as one token: the key holds
# the member's position, so the value was a turn of the loop that did nothing (NaN is left to "bad").
# The white space, commas and colons before a token are taken possessively, in the same match: no
# alternative starts with a plain character, so the engine cannot skip to a token's first character by
# itself and would try all of them at every space of the indentation (half the time of the scan). A
# token's place is its group's start, not the match's.
_TOKEN = re.compile(
    r"""[ \t\n\r,:]*+
      (?:(?P<str>"[^"\\]*(?:\\.[^"\\]*)*")(?P<key>[ \t\n\r]*:[ \t\n\r]*
        (?:"[^"\\]*(?:\\.[^"\\]*)*"|-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null)?)?
      |(?P<num>-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
      |(?P<bad>NaN|-?Infinity)
      |(?P<lit>true|false|null)
      |(?P<open>[{\[])
      |(?P<close>[}\]]))""",
    re.VERBOSE,
)


# What ends a line, as editors count lines: LF, CRLF, and a lone CR (old Mac files). Reporters use it too.
LINE_BREAK = re.compile(r"\r\n?|\n")


def line_col(text: str, offset: int) -> tuple[int, int]:
    """Line and column (1-based) of ``offset`` in ``text``, without scanning the JSON (for errors)."""
    breaks = LINE_BREAK.findall(text, 0, offset)
    line_start = max(text.rfind("\n", 0, offset), text.rfind("\r", 0, offset)) + 1
    return len(breaks) + 1, offset - line_start + 1


class Scan:
    """Positions of every key and value in a JSON text, duplicate keys, and NaN/Infinity tokens."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._line_starts = [0] + [m.end() for m in LINE_BREAK.finditer(text)]
        self.positions: dict[str, tuple[int, int]] = {"": (1, 1)}
        self.duplicates: list[tuple[str, str, tuple[int, int], tuple[int, int]]] = []
        self.not_numbers: list[tuple[str, tuple[int, int]]] = []
        self._run()

    def line_col(self, offset: int) -> tuple[int, int]:
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def _run(self) -> None:
        # Each frame: [kind, pointer, next array index, pending key, {key: position}]
        stack: list[list[Any]] = []
        first_value = True
        # a key is most tokens: its line and column worked out here (line_col written out) and its
        # pointer escaped only when it needs it, with no call for either
        starts, bisect_right, record = self._line_starts, bisect.bisect_right, self.positions.setdefault
        for match in _TOKEN.finditer(self.text):
            kind = match.lastgroup
            if kind == "close":
                if stack:
                    stack.pop()
                continue
            offset = match.start("str" if kind == "key" else kind or 0)  # every token is a named group
            if kind == "key" and stack and stack[-1][0] == "obj":
                frame = stack[-1]
                token = match.group("str")
                key = json.loads(token) if "\\" in token else token[1:-1]  # decode only keys with escapes
                line = bisect_right(starts, offset) - 1
                position = (line + 1, offset - starts[line] + 1)
                frame[3] = key
                if key in frame[4]:
                    self.duplicates.append((frame[1], key, frame[4][key], position))
                else:
                    frame[4][key] = position
                record(frame[1] + "/" + (pointer_escape(key) if "~" in key or "/" in key else key), position)
                continue
            # a value
            if stack:
                frame = stack[-1]
                if frame[0] == "arr":
                    pointer = frame[1] + "/" + str(frame[2])
                    frame[2] += 1
                    self.positions.setdefault(pointer, self.line_col(offset))
                elif kind in ("str", "num", "lit"):
                    continue  # a member's plain value: its key holds its position
                else:
                    pointer = frame[1] + "/" + pointer_escape(frame[3])
            elif first_value:
                pointer, first_value = "", False
            else:
                pointer = ""
            if kind == "bad":
                self.not_numbers.append((pointer, self.line_col(offset)))
            elif kind == "open":
                stack.append(["obj" if match.group("open") == "{" else "arr", pointer, 0, None, {}])


class Locator:
    """The place of one JSON pointer, found by walking down to it rather than scanning the whole text.

    A rule's findings name a few places of a leaflet; ``Scan`` works out every place (hundreds) in a
    Python loop over every token. This walks the pointer's path only: at each level it steps over the
    members or items before the one it wants, each with one match of a pattern (key, colon and a plain
    value) and, for an object or list as the value, json's own scanner (``scan_once``, in C), so a
    sibling holding the whole "risks" list costs one C call. Every key and item passed on the way is
    remembered, and the walk stops at the one it wants, so the next finding in the same place starts
    where this one left off.

    The places are those ``Scan`` gives (a member at its key's opening quote, an item at its value,
    the first of two duplicate keys, the nearest ancestor for a pointer that is not there): a test
    compares the two on every pointer of every fixture."""

    def __init__(self, text: str) -> None:
        self.text = text
        start = _SPACE.match(text).end()  # type: ignore[union-attr]  # (the pattern matches anywhere)
        # pointer -> (offset of its place, offset of its value); the root's place is line 1, column 1
        self._known: dict[str, tuple[int, int]] = {"": (0, start)}
        self._walked: set[str] = set()  # containers whose members are all in _known
        # containers walked part of the way, up to a wanted member: where to go on (see _walk): object or
        # list, that member's value and the end of its match, the number of the next item
        self._paused: dict[str, tuple[bool, int, int, int]] = {}
        self._line_starts: list[int] | None = None
        self._counted = 0
        # every line break is a "\n" (LF, or CRLF: its CR ends no line of its own), so a count of "\n" is
        # the line; a lone CR (old Mac files) needs LINE_BREAK's table
        self._newline_breaks = "\r" not in text or text.count("\r") == text.count("\r\n")

    def line_col(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._counted += 1
            if self._counted <= 32 and self._newline_breaks:  # a few places: counted in C, no table of every line
                return self.text.count("\n", 0, offset) + 1, offset - self.text.rfind("\n", 0, offset)
            # many: a table of where each line starts, each place bisected
            if self._newline_breaks:  # built in C: each line's length and its "\n", added up
                starts = [0, *map(operator.add, itertools.accumulate(map(len, self.text.split("\n"))),
                                  itertools.count(1))]
                starts.pop()  # (the last line's end, past the text)
                self._line_starts = starts
            else:
                self._line_starts = [0] + [m.end() for m in LINE_BREAK.finditer(self.text)]
        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def offset(self, pointer: str) -> int:
        """Offset of ``pointer``'s place in the text, or of its nearest ancestor's."""
        return self._find(pointer)[0]

    def value_offset(self, pointer: str) -> int | None:
        """Offset where ``pointer``'s value starts, or None when the pointer is not in the text."""
        self._find(pointer)
        known = self._known.get(pointer)
        return known[1] if known else None

    def position(self, pointer: str) -> tuple[int, int]:
        return self.line_col(self._find(pointer)[0])

    def _find(self, pointer: str) -> tuple[int, int]:
        known = self._known.get(pointer)
        if known is not None:
            return known
        parent, _, _last = pointer.rpartition("/")
        place = self._find(parent) if pointer else self._known[""]
        if parent in self._known and parent not in self._walked:
            self._walk(parent, pointer)
        return self._known.get(pointer) or place

    def _walk(self, pointer: str, wanted: str) -> None:
        """Record the place and value offset of the members or items of the container ``pointer`` up to
        ``wanted``, or to the end when it is not there.

        The walk pauses at the wanted member, before stepping over its value, and goes on from there
        when a later pointer needs more: a leaflet's findings are in a few of its sections, so the members
        after the last one asked for are never stepped over. Pausing does not change what is recorded:
        each member once, in text order, the first of two duplicate keys kept (as Scan)."""
        text, known, scan_once = self.text, self._known, _SCAN_ONCE
        paused = self._paused.pop(pointer, None)
        if paused is None:  # the first visit: at the opening bracket
            start = known[pointer][1]
            opening = text[start:start + 1]
            if opening != "{" and opening != "[":
                self._walked.add(pointer)  # a string, number or literal has no members
                return
            is_object, end, item = opening == "{", start + 1, 0
            match = (_FIRST_MEMBER if is_object else _FIRST_ITEM).match(text, end)
            if not is_object and match and match.start(1) == match.end() and text.startswith("]", match.end()):
                match = None  # an empty list (the pattern's value is optional: it matched nothing before "]")
        else:  # going on after the member it paused at
            is_object, value, end, item = paused
            match = None
        following, prefix = _NEXT_MEMBER if is_object else _NEXT_ITEM, pointer + "/"
        try:
            if paused is not None:  # step over the value of the member it paused at (a plain one is passed)
                if end == value:
                    end = scan_once(text, value)[1]
                match = following.match(text, end)
            while match:
                if is_object:
                    index, (value, end) = match.start(1), match.span(2)  # the key's body, its value
                    key = match.group(1)
                    if "\\" in key:  # decoded by json's own scanner (the pattern let only JSON's escapes through)
                        key = _SCANSTRING(text, index)[0]
                    child = prefix + (pointer_escape(key) if "~" in key or "/" in key else key)
                    known.setdefault(child, (index - 1, value))  # at its opening quote; the first of two
                    # duplicate keys, as Scan
                else:
                    value, end = match.span(1)
                    child = prefix + str(item)
                    known[child] = (value, value)
                    item += 1
                # (a second duplicate key is never the wanted one: the walk paused at the first)
                if child == wanted:
                    self._paused[pointer] = (is_object, value, end, item)
                    return
                if end == value:  # an object or list (or NaN): json's scanner steps over it, in C
                    end = scan_once(text, value)[1]
                match = following.match(text, end)
        except (StopIteration, ValueError, IndexError):  # text json.loads accepted; only a broken one stops here
            pass
        self._walked.add(pointer)


# Stepping through a container's members with one match each, in C: the white space, the comma, the key,
# the colon and a plain value (a string, number or literal) in one go; only an object or list as the
# value needs json's scanner (which builds the value, so it is kept for what a pattern cannot step over).
# Strings follow JSON's grammar exactly (no control characters, only JSON's escapes), so a value json's
# scanner would refuse is not taken by the pattern either: it goes to the scanner, which stops the walk
# where it stopped before. The value group is empty when the value is not plain (a "{", a "[", or NaN).
_SPACE = re.compile(r"[ \t\n\r]*")
_STRICT_STRING = r'"[^"\\\x00-\x1f]*+(?:\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})[^"\\\x00-\x1f]*+)*+"'
_PLAIN_VALUE = (r"(?P<value>(?:" + _STRICT_STRING
                + r"|-?(?:0|[1-9][0-9]*+)(?:\.[0-9]++)?(?:[eE][+-]?[0-9]++)?|true|false|null)?)")
_MEMBER = '"(?P<key>' + _STRICT_STRING[1:-1] + r')"[ \t\n\r]*+:[ \t\n\r]*+' + _PLAIN_VALUE  # the key's body
_FIRST_MEMBER = re.compile(r"[ \t\n\r]*+" + _MEMBER)
_NEXT_MEMBER = re.compile(r"[ \t\n\r]*+,[ \t\n\r]*+" + _MEMBER)
_FIRST_ITEM = re.compile(r"[ \t\n\r]*+" + _PLAIN_VALUE)
_NEXT_ITEM = re.compile(r"[ \t\n\r]*+,[ \t\n\r]*+" + _PLAIN_VALUE)
_SCAN_ONCE = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # the C scanner: (value, end offset)
_SCANSTRING = json.decoder.scanstring  # type: ignore[attr-defined]  # in C: (decoded string, offset after it)


# --- loading -----------------------------------------------------------------------------------

_JSON_MESSAGES = {
    "Expecting ',' delimiter": "a comma is missing between two items (or a bracket is not closed)",
    "Expecting ':' delimiter": "a colon is missing after a key",
    "Expecting property name enclosed in double quotes": (
        "expected a key in double quotes here (a trailing comma before } is not allowed in JSON)"
    ),
    "Expecting value": "expected a value here (a trailing comma, or a missing value?)",
    "Unterminated string starting at": "this text is never closed with a double quote",
    "Invalid control character at": "a line break or tab inside text must be written as \\n or \\t",
    "Invalid \\escape": "a backslash must be followed by a valid escape such as \\n or \\\"",
    "Extra data": "there is more after the end of the leaflet's object",
}


class _NotANumber(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotANumber(name)


def _depth(value: Any) -> int:
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            return depth
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def display_path(path: Path) -> str:
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        shown = str(path)
    # a name with bytes that are not UTF-8 (kept by Python as lone surrogates) could not be written
    # to a UTF-8 report: show those bytes as \xNN instead
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def load(path: Path) -> Document:
    """Read and parse one leaflet file. Problems become findings; this never raises for content."""
    doc = Document(path=path, display=display_path(path))
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):  # only discover() passes a folder: one it could not list
            doc.findings.append(doc.finding("LF001", f"cannot read this folder, so no leaflet in it was checked: "
                                            f"{_listing_error(path)}", line=1, column=1))
            return doc
        if not stat.S_ISREG(status.st_mode):  # a FIFO or device would block or never end
            doc.findings.append(doc.finding(
                "LF001", "cannot read the file: it is not a regular file (a pipe, socket or device)",
                line=1, column=1))
            return doc
        too_large = status.st_size > MAX_BYTES
        if not too_large:
            with path.open("rb") as stream:  # bounded: the size on disk can change, or be reported as 0
                raw = stream.read(MAX_BYTES + 1)
            too_large = len(raw) > MAX_BYTES
        if too_large:
            size = max(status.st_size, MAX_BYTES + 1)
            doc.findings.append(doc.finding(
                "LF002", f"the file is {'over ' if size == MAX_BYTES + 1 else ''}{size:,} bytes; a leaflet must "
                f"be under {MAX_BYTES:,} bytes: check this is the right file", line=1, column=1))
            return doc
    except OSError as exc:
        doc.findings.append(doc.finding("LF001", f"cannot read the file: {exc.strerror or exc}", line=1, column=1))
        return doc
    return parse(doc, raw)


def _listing_error(folder: Path) -> str:
    try:
        os.listdir(folder)
    except OSError as exc:
        return exc.strerror or str(exc)
    return "it is a folder, not a file"


def parse(doc: Document, raw: bytes) -> Document:
    if raw.startswith(b"\xef\xbb\xbf"):
        doc.findings.append(doc.finding(
            "LF004", "the file starts with a byte-order mark (BOM): save it as UTF-8 without BOM",
            line=1, column=1))
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start].decode("utf-8")  # all good up to the fault
        line, column = line_col(before, len(before))
        doc.findings.append(doc.finding(
            "LF005", f"byte 0x{raw[exc.start]:02x} is not UTF-8 text: save the file as UTF-8 "
            "(it may have been saved as Windows-1252 or Latin-1)", line=line, column=column))
        return doc
    doc.text = text
    if not text.strip():
        doc.findings.append(doc.finding("LF003", "the file is empty: a leaflet is one JSON object", line=1, column=1))
        return doc

    duplicates_seen = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal duplicates_seen
        result = dict(items)
        if len(result) != len(items):
            duplicates_seen = True
        return result

    try:
        data = json.loads(text, object_pairs_hook=pairs, parse_constant=_reject_constant)
    except _NotANumber:
        for pointer, (line, column) in doc.scan.not_numbers:
            doc.findings.append(doc.finding(
                "LF009", "NaN and Infinity are not allowed in JSON: write a number", pointer,
                line=line, column=column))
        return doc
    except json.JSONDecodeError as exc:
        message = next((plain for raw_msg, plain in _JSON_MESSAGES.items() if exc.msg.startswith(raw_msg)), exc.msg)
        line, column = line_col(text, exc.pos)  # json counts only "\n" as a line break
        doc.findings.append(doc.finding("LF006", f"invalid JSON: {message}", line=line, column=column))
        return doc
    except RecursionError:
        doc.findings.append(doc.finding(
            "LF008", f"objects and lists are nested thousands deep; a leaflet nests at most {MAX_DEPTH} deep",
            line=1, column=1))
        return doc

    if _depth(data) > MAX_DEPTH:
        doc.findings.append(doc.finding(
            "LF008", f"objects and lists are nested more than {MAX_DEPTH} deep: this is not a leaflet",
            line=1, column=1))
        return doc
    if duplicates_seen:
        for parent, key, first, (line, column) in doc.scan.duplicates:
            doc.findings.append(doc.finding(
                "LF007", f"\"{key}\" appears twice in the same object (first at line {first[0]}): "
                "JSON keeps only the last one, so the first text would be lost; merge or remove one",
                parent + "/" + pointer_escape(key), line=line, column=column))
    if "\\u" in text:  # only an escape can smuggle in half a character
        halves = _lone_surrogates(doc, data)
        if halves:
            doc.findings.extend(halves)
            return doc
    if not isinstance(data, dict):
        doc.findings.append(doc.finding(
            "LF010", f"the file holds a JSON {type(data).__name__.replace('dict', 'object')}, not an object: "
            "a leaflet is one object { ... }", line=1, column=1))
        return doc
    doc.data = data
    return doc


_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')


def _lone_surrogates(doc: Document, data: Any) -> list[Finding]:
    """An escape such as \\ud83d alone is half of a UTF-16 pair, not a character: Python's json keeps
    it, but it cannot be written as UTF-8, so every reporter (and the renderer) would fail on it."""
    if not any(_SURROGATE.search(text) for text in _strings(data)):
        return []
    findings = []
    for match in _JSON_STRING.finditer(doc.text):  # every key and value string (the text parsed: quotes pair up)
        token = match.group()
        if "\\u" in token:
            decoded = json.loads(token)
            half = _SURROGATE.search(decoded)
            if half:
                escape = f"\\u{ord(half.group()):04x}"
                where = token.lower().find(escape)
                line, column = doc.scan.line_col(match.start() + max(where, 0))
                findings.append(doc.finding(
                    "LF005", f"{escape} is half of a character (a lone UTF-16 surrogate), which is not UTF-8 text: "
                    "write the character itself, e.g. \"\u00e9\" or the emoji, not its escape",
                    line=line, column=column))
    return findings


def _strings(value: Any) -> Iterator[str]:
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


# --- discovery ---------------------------------------------------------------------------------

# A leaflet's file name: its language tag (the schema's pattern for `language`) and .json
LEAFLET_NAME = re.compile(r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?\.json$")


def _json_files(folder: Path) -> Iterator[Path]:
    """Every ``<id>/<lang>.json`` under ``folder`` (not a build's manifest.json, a brand.json or other
    JSON that happens to be there), and every folder that cannot be listed: load() reports it, so a
    folder of leaflets that was not checked is an error rather than silently left out."""
    unreadable: list[Path] = []
    for root, dirs, files in os.walk(folder, onerror=lambda error: unreadable.append(Path(error.filename))):
        yield from unreadable
        unreadable.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in {"node_modules", "__pycache__"})
        for name in sorted(files):
            if LEAFLET_NAME.match(name):
                yield Path(root) / name
    yield from unreadable


def discover(paths: list[str]) -> list[Path]:
    """The leaflet files named by ``paths``: files, or folders searched recursively for ``<id>/<lang>.json``."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = list(_json_files(path))
            if not files:
                raise UsageError(f"{raw}: no leaflets (<id>/<lang>.json files, such as spinal-fusion/en.json) "
                                 "in this folder")
            found.extend(files)
        elif path.exists() or path.is_symlink():  # a broken or looping link: load() says why
            found.append(path)
        else:
            raise UsageError(f"{raw}: no such file or folder")
    unique: dict[str, Path] = {}  # one file named twice (by a relative and an absolute path, or a link) is one
    for path in found:
        unique.setdefault(os.path.realpath(path), path)
    return list(unique.values())
