"""The typed leaflet that templates see, built from data that has passed the schema.

Templates never reach into raw JSON: they get a :class:`Leaflet` whose derived values are already
worked out here, where they can be unit-tested:

* a risk's frequency in words: ``about 1 in 100 people (uncommon)``;
* dates in words for the leaflet's language: ``23 November 2026``;
* text as a tuple of :class:`Paragraph` and :class:`BulletList` blocks.

``Leaflet.from_data`` trusts its input to be schema-valid (the build refuses content with errors
before it gets here) and raises ``KeyError``/``TypeError`` on anything else.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any, Literal

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

Status = Literal["draft", "in-review", "approved"]

# Languages written right to left: the page gets dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ps", "ur", "yi"})

# A bare language gets the region whose conventions NHS leaflets follow ("23 November 2026",
# not "November 23, 2026"); anything else is left to babel.
_DEFAULT_REGION = {"en": "en_GB", "cy": "cy_GB", "gd": "gd_GB", "ga": "ga_IE", "pt": "pt_PT"}


# --- text --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]
    kind: Literal["list"] = "list"


Block = Paragraph | BulletList
Text = tuple[Block, ...]


def text_from(blocks: list[Any] | None) -> Text:
    """``["para", {"list": ["a", "b"]}]`` → ``(Paragraph("para"), BulletList(("a", "b")))``."""
    out: list[Block] = []
    for block in blocks or ():
        if isinstance(block, str):
            out.append(Paragraph(block))
        else:
            out.append(BulletList(tuple(block["list"])))
    return tuple(out)


def plain_text(text: Text) -> str:
    """All the words of ``text``, one block or item a line (for search, JSON-LD, glyph checks)."""
    lines: list[str] = []
    for block in text:
        lines.extend(block.items if isinstance(block, BulletList) else (block.text,))
    return "\n".join(lines)


# --- locale, numbers and dates -----------------------------------------------------------------

def locale_for(language: str) -> Locale:
    """The babel locale for a BCP 47 tag; unknown languages fall back to British English."""
    tag = _DEFAULT_REGION.get(language, language.replace("-", "_"))
    try:
        return Locale.parse(tag)
    except (UnknownLocaleError, ValueError):
        try:
            return Locale.parse(tag.split("_")[0])
        except (UnknownLocaleError, ValueError):
            return Locale.parse("en_GB")


def date_in_words(value: dt.date, language: str = "en") -> str:
    """``2026-11-23`` → ``23 November 2026`` (in the leaflet's language where babel knows it)."""
    return format_date(value, format="long", locale=locale_for(language))


def format_count(number: int, language: str = "en") -> str:
    """1000 → ``1,000`` (grouping as the language writes it)."""
    return format_decimal(number, locale=locale_for(language), group_separator=True)


def _two_significant(number: float, *, down: bool) -> int:
    """Round to two significant figures (down when the statement must stay true), at least 1."""
    if number < 1:
        return 1
    digits = int(math.floor(math.log10(number)))
    step = Decimal(10) ** max(digits - 1, 0)
    value = Decimal(str(number)) / step
    rounded = value.to_integral_value(rounding=ROUND_FLOOR if down else ROUND_HALF_UP)
    return max(int(rounded * step), 1)


def one_in(percent: float, *, down: bool = False) -> int:
    """The N of "1 in N" for a percentage: 1 → 100, 0.1 → 1000, 5 → 20, 33 → 3, 0.3 → 330.

    Below 10, a figure within 5 % of a whole number is that number (33 % is "1 in 3", not "1 in
    3.03"); otherwise N is rounded to two significant figures. With ``down`` N is never rounded
    up, so "less than 1 in N" stays true.
    """
    exact = 100 / percent
    nearest = round(exact)
    if exact < 10 and nearest >= 1 and abs(exact - nearest) <= 0.05 * exact and (not down or nearest <= exact):
        return nearest
    return _two_significant(exact, down=down)


def people(percent: float, language: str = "en", *, less_than: bool = False) -> str:
    """A percentage as a patient reads it: "1 in 20", "1 in 1,000"; "4 in 10" where "1 in 2.5" would be
    needed. With ``less_than`` the figure is never rounded so as to claim less than is known."""
    if percent >= 100:
        return "10 in 10"
    exact = 100 / percent
    if less_than:
        if exact >= 3:
            return f"1 in {format_count(one_in(percent, down=True), language)}"
        return f"{math.ceil(percent / 10)} in 10"
    nearest = round(exact)
    if exact >= 10 or abs(exact - nearest) <= 0.05 * exact:
        return f"1 in {format_count(one_in(percent), language)}"
    tenths = percent / 10
    if abs(tenths - round(tenths)) <= 0.05 * tenths:
        return f"{round(tenths)} in 10"
    return f"{format_count(round(percent), language)} in 100"


# --- people, sources and the rest of the leaflet -----------------------------------------------

@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    name: str
    role: str
    date: dt.date
    date_words: str


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    kind: str
    publisher: str | None = None
    url: str | None = None
    accessed: dt.date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Alternative:
    name: str
    description: Text
    no_treatment: bool = False


@dataclass(frozen=True, slots=True)
class Rate:
    kind: Literal["about", "less-than", "between"]
    percent: float | None = None
    percent_from: float | None = None
    percent_to: float | None = None


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often a risk happens. ``words`` is what the patient reads, band included."""

    known: bool
    words: str
    rate: Rate | None = None
    band: str | None = None
    note: str | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any], language: str = "en") -> Frequency:
        if not data["known"]:
            return cls(known=False, words=data["note"], note=data["note"])
        rate = Rate(**data["rate"])
        return cls(known=True, words=frequency_words(rate, data["band"], language), rate=rate, band=data["band"])


def frequency_words(rate: Rate, band: str, language: str = "en") -> str:
    """``about 1 in 100 people (uncommon)``, ``less than 1 in 100 people (uncommon)``,
    ``between 1 in 20 and 1 in 10 people (common)``."""
    if rate.kind == "between":
        assert rate.percent_from is not None and rate.percent_to is not None
        low, high = sorted((rate.percent_from, rate.percent_to))
        figure = f"between {people(low, language)} and {people(high, language)}"
    else:
        assert rate.percent is not None
        less_than = rate.kind == "less-than"
        figure = ("less than " if less_than else "about ") + people(rate.percent, language, less_than=less_than)
    return f"{figure} people ({band})"


@dataclass(frozen=True, slots=True)
class Risk:
    name: str
    description: Text
    frequency: Frequency
    management: Text = ()


@dataclass(frozen=True, slots=True)
class Step:
    when: str
    what: Text


@dataclass(frozen=True, slots=True)
class Recovery:
    hospital_stay: Text
    timeline: tuple[Step, ...]
    work: Text = ()
    driving: Text = ()
    exercise: Text = ()


@dataclass(frozen=True, slots=True)
class UrgentHelp:
    symptoms: tuple[str, ...]
    whom_to_call: Text


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    term: str
    definition: str


@dataclass(frozen=True, slots=True)
class Contact:
    text: Text
    phone: str | None = None
    email: str | None = None
    web: str | None = None

    @property
    def phone_uri(self) -> str | None:
        return "tel:" + self.phone.replace(" ", "") if self.phone else None


@dataclass(frozen=True, slots=True)
class Leaflet:
    """One leaflet in one language, as the templates see it."""

    id: str
    language: str
    title: str
    summary: str
    version: str
    status: Status
    last_reviewed: dt.date
    next_review: dt.date
    last_reviewed_words: str
    next_review_words: str
    authors: tuple[Person, ...]
    approval: Approval | None
    sources: tuple[Source, ...]
    condition: Text
    procedure: Text
    benefits: Text
    alternatives: tuple[Alternative, ...]
    preparation: Text
    on_the_day: Text
    risks: tuple[Risk, ...]
    recovery: Recovery
    urgent_help: UrgentHelp
    questions: tuple[str, ...]
    glossary: tuple[GlossaryEntry, ...]
    contact: Contact
    disclaimer: str
    source_sha256: str

    @property
    def approved(self) -> bool:
        """Only an approved leaflet may be shown without the "not yet approved" band."""
        return self.status == "approved"

    @property
    def direction(self) -> Literal["ltr", "rtl"]:
        return "rtl" if self.language.split("-")[0] in RTL_LANGUAGES else "ltr"

    @property
    def slug(self) -> str:
        """The file stem of this leaflet's outputs: ``spinal-fusion.en``."""
        return f"{self.id}.{self.language}"

    @classmethod
    def from_data(cls, data: dict[str, Any], *, source_sha256: str) -> Leaflet:
        language = data["language"]
        last_reviewed = dt.date.fromisoformat(data["last_reviewed"])
        next_review = dt.date.fromisoformat(data["next_review"])
        approval = None
        if "approval" in data:
            approved_on = dt.date.fromisoformat(data["approval"]["date"])
            approval = Approval(data["approval"]["name"], data["approval"]["role"], approved_on,
                                date_in_words(approved_on, language))
        recovery = data["recovery"]
        return cls(
            id=data["id"],
            language=language,
            title=data["title"],
            summary=data["summary"],
            version=data["version"],
            status=data["status"],
            last_reviewed=last_reviewed,
            next_review=next_review,
            last_reviewed_words=date_in_words(last_reviewed, language),
            next_review_words=date_in_words(next_review, language),
            authors=tuple(Person(p["name"], p.get("role")) for p in data["authors"]),
            approval=approval,
            sources=tuple(
                Source(s["title"], s["kind"], s.get("publisher"), s.get("url"),
                       dt.date.fromisoformat(s["accessed"]) if "accessed" in s else None, s.get("note"))
                for s in data["sources"]
            ),
            condition=text_from(data["condition"]),
            procedure=text_from(data["procedure"]),
            benefits=text_from(data["benefits"]),
            alternatives=tuple(
                Alternative(a["name"], text_from(a["description"]), bool(a.get("no_treatment", False)))
                for a in data["alternatives"]
            ),
            preparation=text_from(data["preparation"]),
            on_the_day=text_from(data["on_the_day"]),
            risks=tuple(
                Risk(r["name"], text_from(r["description"]), Frequency.from_data(r["frequency"], language),
                     text_from(r.get("management")))
                for r in data["risks"]
            ),
            recovery=Recovery(
                hospital_stay=text_from(recovery["hospital_stay"]),
                timeline=tuple(Step(s["when"], text_from(s["what"])) for s in recovery["timeline"]),
                work=text_from(recovery.get("work")),
                driving=text_from(recovery.get("driving")),
                exercise=text_from(recovery.get("exercise")),
            ),
            urgent_help=UrgentHelp(tuple(data["urgent_help"]["symptoms"]),
                                   text_from(data["urgent_help"]["whom_to_call"])),
            questions=tuple(data.get("questions", ())),
            glossary=tuple(GlossaryEntry(g["term"], g["definition"]) for g in data.get("glossary", ())),
            contact=Contact(text_from(data["contact"]["text"]), data["contact"].get("phone"),
                            data["contact"].get("email"), data["contact"].get("web")),
            disclaimer=data["disclaimer"],
            source_sha256=source_sha256,
        )

    def all_text(self) -> str:
        """Every word a reader can see, for checking the brand's font has each glyph."""
        parts: list[str] = [self.title, self.summary, self.disclaimer, *self.questions]
        parts += [p.name + " " + (p.role or "") for p in self.authors]
        for text in (self.condition, self.procedure, self.benefits, self.preparation, self.on_the_day,
                     self.recovery.hospital_stay, self.recovery.work, self.recovery.driving,
                     self.recovery.exercise, self.urgent_help.whom_to_call, self.contact.text):
            parts.append(plain_text(text))
        for alternative in self.alternatives:
            parts += [alternative.name, plain_text(alternative.description)]
        for risk in self.risks:
            parts += [risk.name, plain_text(risk.description), risk.frequency.words, plain_text(risk.management)]
        for step in self.recovery.timeline:
            parts += [step.when, plain_text(step.what)]
        parts += [f"{g.term} {g.definition}" for g in self.glossary]
        parts += list(self.urgent_help.symptoms)
        parts += [" ".join(filter(None, (s.title, s.publisher, s.note))) for s in self.sources]
        parts += [self.last_reviewed_words, self.next_review_words]
        if self.approval:
            parts += [self.approval.name, self.approval.role, self.approval.date_words]
        parts += [x for x in (self.contact.phone, self.contact.email, self.contact.web) if x]
        return "\n".join(parts)
