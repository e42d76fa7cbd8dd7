"""A draft's findings, shown where they are and listed at the end.

Reviewers read drafts, not reports: a claim that is "guaranteed", a "TBC", a risk whose band
contradicts its figure must stand out on the page. A draft (``build --draft``, ``preview``) is
rendered with its findings:

* every **error** is marked in place: the text it concerns wrapped in ``<mark class="finding">``
  with its code (``guaranteed LC001``), at the characters the rule names when it names them
  (:attr:`DraftFinding.index`, :attr:`DraftFinding.length`), else the whole field the pointer names
  (a risk's frequency, a question), else, for a pointer at a whole section or at something the page
  does not show (``/suppressions/0``, ``/status``), as a note under that section's heading;
* **every** finding (errors, warnings, notes) is listed at the end: a section of the web page, a
  draft-only last page of the PDFs.

Warnings are listed, not marked: readability and wording warnings cover whole sentences, and
highlighting them all would bury the errors a reviewer must act on.

Schema errors (LF, LS) are not marked again: the model already shows a placeholder naming them
(leaflets.model). A build without ``--draft`` passes no findings, so its pages are unchanged.

The findings travel with the render request as :class:`DraftFinding` (plain, picklable data);
:func:`mark` runs in the worker, on the model, which it returns with :class:`Marked` strings in
place of the values that carry a mark.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from leaflets.model import BulletList, Frequency, Leaflet, Paragraph, Placeholder

if TYPE_CHECKING:
    from leaflets.findings import Finding

MARKED_SEVERITIES = frozenset({"error"})  # marked in place; every finding is listed
NOT_MARKED_FAMILIES = ("LF", "LS")  # the model's placeholders show these already
_RANK = {"error": 0, "warning": 1, "info": 2}

# Where a finding's note goes when it cannot be marked in the text: the section showing the pointer's
# first token (the template's section ids); "top" is under the title and summary, "about" is "About
# this leaflet" (version, dates, authors, sources, and fields the page does not show).
SECTION_OF = {"": "top", "title": "top", "summary": "top", "condition": "condition", "procedure": "procedure",
              "benefits": "benefits", "alternatives": "alternatives", "preparation": "preparation",
              "on_the_day": "on-the-day", "risks": "risks", "recovery": "recovery", "urgent_help": "urgent-help",
              "questions": "questions", "glossary": "glossary", "contact": "contact", "outcomes": "benefits",
              "risks_introduction": "risks", "further_information": "further-information"}
SECTION_TITLES = {"top": "Title and summary", "condition": "About the condition", "procedure": "About the operation",
                  "benefits": "What the operation may do for you", "alternatives": "Other options",
                  "preparation": "Getting ready for the operation", "on-the-day": "On the day", "risks": "Risks",
                  "recovery": "Recovery", "urgent-help": "When to get help urgently",
                  "questions": "Questions you may want to ask", "glossary": "Words we use",
                  "contact": "Contact us", "about": "About this leaflet", "further-information": "Further information"}
# JSON keys the model keeps under another name (a date is shown in words).
_RENAMED = {"last_reviewed": "last_reviewed_words", "next_review": "next_review_words", "date": "date_words"}
# The leaflet's fields the page shows as text (a finding at any other is a note), and the field that
# names an item of a list, marked for a finding at the item as a whole or at a field not shown.
_SHOWN = frozenset({"title", "summary", "version", "disclaimer", "last_reviewed_words", "next_review_words",
                    "condition", "procedure", "benefits", "alternatives", "preparation", "on_the_day", "risks",
                    "recovery", "urgent_help", "questions", "glossary", "contact", "authors", "approval", "sources",
                    "risks_introduction"})  # outcomes: a note under the benefits heading (their figures are words)
_LABELS = ("name", "title", "term", "when")
_TOKEN_END = re.compile(r"\S+")
_TRAILING = '.,;:!?)"”’'


@dataclass(frozen=True, slots=True)
class DraftFinding:
    """What a draft shows of one finding. ``index`` and ``length``: the characters of the string at
    ``pointer`` it concerns, when the rule names them (length None: the word at ``index``)."""

    code: str
    severity: str
    message: str
    pointer: str
    line: int = 0
    index: int | None = None
    length: int | None = None

    @classmethod
    def of(cls, finding: Finding) -> DraftFinding:
        index, length = finding.extra.get("index"), finding.extra.get("length")
        return cls(finding.code, finding.severity.value, finding.message, finding.pointer, finding.line,
                   index if isinstance(index, int) else None, length if isinstance(length, int) else None)

    @property
    def marked(self) -> bool:
        """Whether the draft marks it in place (else it is only listed)."""
        return self.severity in MARKED_SEVERITIES and not self.code.startswith(NOT_MARKED_FAMILIES)


def draft_findings(findings: Iterable[Finding], source: str) -> tuple[DraftFinding, ...]:
    """The findings of the content file ``source`` a draft shows: errors first, then in file order."""
    own = [f for f in findings if f.file == source]
    own.sort(key=lambda f: (_RANK.get(f.severity.value, 3), f.line, f.column, f.code))
    return tuple(DraftFinding.of(f) for f in own)


# --- marked text -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    code: str


class Marked(str):
    """Text with findings marked in it: a ``str`` (so it goes wherever the value would, and the
    ``plain`` filter gives the words alone), whose HTML (``__html__``) wraps each marked stretch in
    ``<mark class="finding">`` ending with the finding's code. Overlapping stretches are cut where
    they meet, so marks never nest."""

    spans: tuple[Span, ...]

    def __new__(cls, text: str, spans: tuple[Span, ...]) -> Marked:
        made = super().__new__(cls, text)
        made.spans = spans
        return made

    def __reduce__(self) -> tuple[Any, ...]:
        return Marked, (str.__str__(self), self.spans)

    def __html__(self) -> str:
        text = str.__str__(self)
        cuts = sorted({0, len(text)} | {s.start for s in self.spans} | {s.end for s in self.spans})
        out = []
        for start, end in zip(cuts, cuts[1:], strict=False):
            piece = escape(text[start:end])
            if not any(s.start < end and s.end > start for s in self.spans):
                out.append(str(piece))
                continue
            codes = "".join(f' <span class="finding-code">{escape(s.code)}</span>' for s in self.spans if s.end == end)
            out.append(f'<mark class="finding">{piece}{codes}</mark>')
        return "".join(out)


def _span(text: str, finding: DraftFinding, precise: bool) -> Span:
    """The stretch of ``text`` a finding concerns: its characters when known, else the whole text."""
    if not precise or finding.index is None or not 0 <= finding.index < len(text):
        return Span(0, len(text), finding.code)
    start = finding.index
    if finding.length:
        return Span(start, min(len(text), start + finding.length), finding.code)
    word = _TOKEN_END.match(text, start)  # the rule named where, not how far: the word there
    if word is None:
        return Span(start, start + 1, finding.code)
    end = word.end()
    while end - 1 > start and text[end - 1] in _TRAILING:
        end -= 1
    return Span(start, end, finding.code)


def _marked(text: str, span: Span) -> Marked:
    before = text.spans if isinstance(text, Marked) else ()
    return Marked(str.__str__(text), before + (span,))


# --- placing a finding in the model ---------------------------------------------------------------

def _tokens(pointer: str) -> list[str]:
    return [raw.replace("~1", "/").replace("~0", "~") for raw in pointer.split("/")[1:]] if pointer else []


def _place(value: Any, tokens: list[str], finding: DraftFinding, precise: bool) -> tuple[Any, bool]:
    """``value`` with ``finding`` marked at ``tokens`` below it, and whether it could be. ``precise``:
    ``value``'s strings are the JSON's own (not a frequency or a date put into words), so a character
    index applies."""
    if isinstance(value, Placeholder) or value is None:
        return value, False
    if isinstance(value, str):
        if not value.strip():
            return value, False
        return _marked(value, _span(value, finding, precise and not tokens)), True
    if isinstance(value, Frequency):  # its words are made from the band and rate: mark them whole
        note = value.words == value.note and tokens == ["note"]
        words, placed = _place(value.words, [], finding, precise and note)
        return (dataclasses.replace(value, words=words), True) if placed else (value, False)
    if isinstance(value, Paragraph):
        text, placed = _place(value.text, tokens, finding, precise)
        return (dataclasses.replace(value, text=text), True) if placed else (value, False)
    if isinstance(value, BulletList):
        rest = tokens[1:] if tokens[:1] == ["list"] else tokens
        items, placed = _place(value.items, rest, finding, precise)
        return (dataclasses.replace(value, items=items), True) if placed else (value, False)
    if isinstance(value, tuple):
        return _place_in_tuple(value, tokens, finding, precise)
    if dataclasses.is_dataclass(value):
        return _place_in_object(value, tokens, finding, precise)
    return value, False


def _place_in_tuple(value: tuple[Any, ...], tokens: list[str], finding: DraftFinding,
                    precise: bool) -> tuple[Any, bool]:
    if not tokens:  # the whole list: mark each of its items
        items = [_place(item, [], finding, False) for item in value]
        return tuple(item for item, _ in items), any(placed for _, placed in items)
    if not tokens[0].isdigit() or int(tokens[0]) >= len(value):
        return value, False
    index = int(tokens[0])
    item, placed = _place(value[index], tokens[1:], finding, precise)
    return (value[:index] + (item,) + value[index + 1:], True) if placed else (value, False)


def _place_in_object(value: Any, tokens: list[str], finding: DraftFinding, precise: bool) -> tuple[Any, bool]:
    """A field of a risk, step, source…; a field the page does not show (a source's ``accessed``)
    marks the object's label (its name, title, term or "when") instead."""
    names = [f.name for f in dataclasses.fields(value)]
    name = _RENAMED.get(tokens[0], tokens[0]) if tokens else ""
    if name in names:
        new, placed = _place(getattr(value, name), tokens[1:], finding, precise and name == tokens[0])
        if placed:
            return dataclasses.replace(value, **{name: new}), True
    label = next((n for n in _LABELS if n in names), None)
    if label is None:
        return value, False
    new, placed = _place(getattr(value, label), [], finding, False)
    return (dataclasses.replace(value, **{label: new}), True) if placed else (value, False)


def _place_in_leaflet(leaflet: Leaflet, tokens: list[str], finding: DraftFinding) -> tuple[Leaflet, bool]:
    """Only fields the page shows as text: never ``id``, ``language`` or ``status``, which become file
    names and attributes; a pointer at a whole section is a note under its heading instead."""
    if not tokens or (len(tokens) == 1 and SECTION_OF.get(tokens[0], "about") not in ("top", "about")):
        return leaflet, False
    name = _RENAMED.get(tokens[0], tokens[0])
    if name not in _SHOWN:
        return leaflet, False
    new, placed = _place(getattr(leaflet, name), tokens[1:], finding, name == tokens[0])
    return (dataclasses.replace(leaflet, **{name: new}), True) if placed else (leaflet, False)


# --- the whole draft ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Listed:
    """One finding as the list at the end shows it."""

    code: str
    severity: str
    message: str
    section: str  # the section id the finding belongs to (a link target on the web page)
    where: str  # "About the operation (/procedure/0, line 56)"


@dataclass(frozen=True)
class Marks:
    leaflet: Leaflet  # with Marked strings where findings are marked
    notes: dict[str, tuple[DraftFinding, ...]]  # section id → findings shown as a note under its heading
    listed: tuple[Listed, ...]  # every finding, for the list at the end


NO_MARKS_NOTES: dict[str, tuple[DraftFinding, ...]] = {}


def section_of(leaflet: Leaflet, pointer: str) -> str:
    """The id of the page section that shows ``pointer`` (see SECTION_OF)."""
    tokens = _tokens(pointer)
    section = SECTION_OF.get(tokens[0] if tokens else "", "about")
    if section in ("questions", "glossary") and not getattr(leaflet, section):
        return "top"  # the page has no such section when the list is empty
    if section == "further-information" and not (leaflet.further_information.leaflets
                                                 or leaflet.further_information.links):
        return "about"  # nor this one when it names nothing
    return section


def mark(leaflet: Leaflet, findings: Iterable[DraftFinding]) -> Marks:
    """The draft's model with its error findings marked, the notes of those that could not be, and
    the list of every finding."""
    notes: dict[str, list[DraftFinding]] = {}
    listed = []
    for finding in findings:
        section = section_of(leaflet, finding.pointer)
        if finding.marked:
            leaflet, placed = _place_in_leaflet(leaflet, _tokens(finding.pointer), finding)
            if not placed:
                notes.setdefault(section, []).append(finding)
        where = f"{finding.pointer or 'the whole file'}{f', line {finding.line}' if finding.line else ''}"
        listed.append(Listed(finding.code, finding.severity, finding.message, section,
                             f"{SECTION_TITLES[section]} ({where})"))
    return Marks(leaflet, {key: tuple(value) for key, value in notes.items()}, tuple(listed))
