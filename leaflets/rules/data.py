r"""Word and phrase lists kept as TOML in leaflets/rules/data/, so a writer can add a banned phrase
or a jargon term without touching Python (like Vale's word-list rules).

Each list file holds ``[[entry]]`` tables with ``phrase`` (matched as whole words, any case) or
``pattern`` (a regular expression, any case), ``advice`` (what to write instead) and optionally
``level`` ("error", "warning" or "info") to override the rule's default severity.

Patterns are matched against the lower-cased text, so they must be written in lower case
(escapes such as ``\S`` excepted); the loader says so if one is not.

Speed: a pattern may list ``words``, lower-case pieces of text of which at least one must appear
in the leaflet before the pattern is tried at all (a plain ``in`` test, far cheaper than a
regular expression). A phrase gets its longest word as its trigger without being told. A pattern
with no ``words`` is always tried, which is correct but slower. A phrase is its own trigger, so it is
found when written with single spaces (as text almost always is).

The TOML files are the source. ``data/_parsed.json`` is a generated copy of every list as tomllib
parses it, with the SHA-256 of the TOML text it was made from (``python scripts/compile_data.py``
writes it; a test fails when it is stale): reading it takes ~1 ms where parsing the TOML takes ~30,
paid by every process that checks a leaflet. ``load`` uses a list's copy only while its TOML file
still has that hash, so an edited list is parsed afresh, never served stale, just slower until the
copy is written again.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from leaflets.rules.context import Context, Passage

from leaflets import readahead
from leaflets.findings import Severity

DATA = Path(__file__).resolve().parent / "data"
PARSED_COPY = "_parsed.json"  # in DATA: every list already parsed (scripts/compile_data.py writes it)


class DataError(Exception):
    """A data file is broken: a bug in the project, reported with the file and entry."""


@dataclass(frozen=True)
class Entry:
    label: str  # the phrase, or the pattern's label
    advice: str
    severity: Severity | None
    extra: dict[str, Any]
    pattern: str  # compiled when first needed: most entries' triggers are absent from most leaflets
    # (first word if the trigger starts with one, trigger): any in the lower-cased text, or ()
    triggers: tuple[tuple[str | None, str, frozenset[str]], ...]

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.MULTILINE)


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed list ``name``: from the generated copy when it was made from this very text, else parsed."""
    path = DATA / f"{name}.toml"
    try:
        text = path.read_text(encoding="utf-8")
        # the copy is what tomllib made of the text with this hash (scripts/compile_data.py), so it stands
        # for parsing only while the file still holds that text; an edited list is parsed as it now is
        fresh, parsed = readahead.reading(_parsed_copy(DATA).get(name), text.encode("utf-8"))
        return parsed if fresh else tomllib.loads(text)  # type: ignore[no-any-return]
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DataError(f"{path}: {exc}") from exc


@functools.cache
def _parsed_copy(folder: Path) -> dict[str, Any]:
    """{list name: {"sha256": hash of its TOML text, "data": the parsed list}} from ``folder``'s generated
    copy, or {} when there is none or it cannot be read (every list is then parsed from its TOML)."""
    return readahead.entries(folder / PARSED_COPY, "lists")


class PhraseList:
    """All entries of one list compiled into one regular expression (one pass over each text)."""

    def __init__(self, name: str, table: str = "entry") -> None:
        self.file = f"leaflets/rules/data/{name}.toml"
        self.entries: list[Entry] = []
        for index, raw in enumerate(load(name).get(table, [])):
            if not isinstance(raw, dict) or not ("phrase" in raw or "pattern" in raw):
                raise DataError(f"{self.file}: [[{table}]] number {index + 1} needs a phrase or a pattern")
            if "phrase" in raw:
                words = str(raw["phrase"]).split()
                body, label = r"\s+".join(re.escape(word) for word in words), str(raw["phrase"])
                triggers: tuple[str, ...] = (" ".join(words).lower(),)
            else:
                body, label = str(raw["pattern"]), str(raw.get("label", raw["pattern"]))
                triggers = tuple(str(w).lower() for w in raw.get("words", []))
            if "phrase" in raw:
                body = body.lower()
            elif re.search(r"(?<!\\)[A-Z]", body):
                raise DataError(f"{self.file}: [[{table}]] \"{label}\": write the pattern in lower case "
                                "(text is lower-cased before matching)")
            pattern = rf"(?:{body})(?![\w-])"
            if "pattern" in raw:  # a phrase is escaped; a pattern is checked now, so a bad one names its file
                try:
                    _compiled(pattern)
                except re.error as exc:
                    raise DataError(f"{self.file}: [[{table}]] \"{label}\": bad pattern: {exc}") from exc
            level = raw.get("level")
            severity = Severity(level) if level in ("error", "warning", "info") else None
            extra = {k: v for k, v in raw.items()
                     if k not in ("phrase", "pattern", "label", "advice", "level", "words")}
            keyed = tuple((_first_word(t), t, _inner_words(t)) for t in triggers)
            self.entries.append(Entry(label, str(raw.get("advice", "")), severity, extra, pattern, keyed))

    @functools.cached_property
    def _index(self) -> tuple[frozenset[int], dict[str, list[int]], frozenset[int]]:
        """(entries that must always be tested, {first word of a trigger: entries}, entries whose triggers are
        all one word each): a leaflet's words are intersected with the keys once (in C) instead of each entry
        testing its own words. An entry of the third kind is picked by a word of the leaflet that is one of
        its triggers whole, so its trigger test in ``matches`` would pass: it is not made."""
        always: set[int] = set()
        by_word: dict[str, list[int]] = {}
        one_word: set[int] = set()
        for number, entry in enumerate(self.entries):
            if not entry.triggers or any(first is None for first, _t, _i in entry.triggers):
                always.add(number)
            else:
                for first in {first for first, _t, _i in entry.triggers if first is not None}:
                    by_word.setdefault(first, []).append(number)
                if all(t == first for first, t, _i in entry.triggers):
                    one_word.add(number)
        return frozenset(always), by_word, frozenset(one_word)

    def matches(self, ctx: Context) -> Iterator[tuple[Entry, Passage, int, re.Match[str]]]:
        """(entry, paragraph, offset in it, match) for every entry found in the leaflet's prose."""
        lower, vocabulary = ctx.joined_lower, ctx.vocabulary
        always, by_word, one_word = self._index
        numbers = set(always)
        for word in vocabulary.intersection(by_word):  # walks the index's keys; keys() & a frozenset walked it all
            numbers.update(by_word[word])
        for number in sorted(numbers):  # in list order, as before
            entry = self.entries[number]
            # a set lookup of the trigger's first word, then a substring test only if it is there; a
            # one-word trigger is a word of the text (each word of the vocabulary is a piece of ``lower``),
            # so its scan of the whole text would only say so again (and an entry of one-word triggers
            # only, picked by one of them, passes: see _index)
            if number not in one_word and entry.triggers and not any(
                    (first is None or first in vocabulary)
                    and (t == first or vocabulary.issuperset(inner) and t in lower)
                    for first, t, inner in entry.triggers):
                continue
            for paragraph, index, match in ctx.matches(entry.regex, lower=True, word_start=True):
                yield entry, paragraph, index, match


def _inner_words(trigger: str) -> frozenset[str]:
    from leaflets.rules.context import blank_punctuation

    return frozenset(w for w in trigger.split()[1:-1] if w == blank_punctuation(w))


def _first_word(trigger: str) -> str | None:
    from leaflets.rules.context import WORD

    pieces = trigger.split()
    return pieces[0] if pieces and WORD.fullmatch(pieces[0]) and trigger.startswith(pieces[0]) else None


@functools.cache
def phrases(name: str, table: str = "entry") -> PhraseList:
    return PhraseList(name, table)
