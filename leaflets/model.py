"""The typed leaflet that templates see, built from data that has passed the schema.

Templates never reach into raw JSON: they get a :class:`Leaflet` whose derived values are already
worked out here, where they can be unit-tested:

* a risk's frequency in words: ``about 1 in 100 people (uncommon)``;
* dates in words for the leaflet's language: ``23 November 2026``;
* text as a tuple of :class:`Paragraph` and :class:`BulletList` blocks.

``Leaflet.from_data`` trusts its input to be schema-valid (the build refuses content with errors
before it gets here) and raises ``KeyError``/``TypeError``/``ValueError`` on anything else.

With ``draft=True`` (``leaflets build --draft``, ``leaflets preview``) it reads broken content too:
each value it cannot use becomes a :class:`Placeholder`, text that names the problem and the
finding that reports it (``[missing: disclaimer – see finding LS001]``), which the templates show
styled as a warning. An unparseable date keeps its raw text with a marker, and its ``dt.date`` is
None. Valid content gives the same model either way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from leaflets.contact import Dialable
from leaflets.i18n import N_, interface

# Text blocks, placeholders and the (strict or draft) reader, and numbers and dates in words, live in
# their own modules; their names are importable from here too, as the templates and tests know them.
from leaflets.reading import (  # noqa: F401
    BAD_FORMAT,
    EMAIL,
    EMPTY,
    MISSING,
    NOT_ALLOWED,
    PHONE,
    URL,
    WRONG_TYPE,
    Block,
    BulletList,
    ContentError,
    Paragraph,
    Placeholder,
    Reader,
    Text,
    plain_text,
    recorded_sha256,
    text_from,
)
from leaflets.wording import date_in_words, format_count, locale_for, one_in, people  # noqa: F401

Status = Literal["draft", "in-review", "approved"]
STATUS_VALUES: tuple[Status, ...] = ("draft", "in-review", "approved")

# Languages written right to left: the page gets dir="rtl".
RTL_LANGUAGES = frozenset({"ar", "dv", "fa", "he", "ps", "ur", "yi"})

# --- people, sources and the rest of the leaflet -----------------------------------------------

@dataclass(frozen=True, slots=True)
class Person:
    name: str
    role: str | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    name: str
    role: str
    date: dt.date | None  # None only in a draft whose approval date is not a date
    date_words: str
    content_sha256: str | None = None  # the clinical content approved (leaflets.clinical), if recorded


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
        if "rate" not in data:  # v2: a frequency is known exactly when it has a rate
            return cls(known=False, words=data["note"], note=data["note"])
        rate = Rate(**data["rate"])
        band = data.get("band") or computed_band(rate)
        return cls(known=True, words=frequency_words(rate, band, language), rate=rate, band=band)


def computed_band(rate: Rate) -> str | None:
    """The band a rate falls in, when it falls in one: the writer need not state it."""
    from leaflets.rules.numbers import band_of

    if rate.kind == "between":
        assert rate.percent_from is not None and rate.percent_to is not None
        low, high = band_of(rate.percent_from), band_of(rate.percent_to)
        return low if low == high else None
    assert rate.percent is not None
    return band_of(rate.percent)


def frequency_words(rate: Rate, band: str, language: str = "en") -> str:
    """``about 1 in 100 people (uncommon)``, ``less than 1 in 100 people (uncommon)``,
    ``between 1 in 20 and 1 in 10 people (common)``; in the leaflet's language where its catalogue
    has these words (leaflets.i18n), band names included."""
    say = interface(language).text
    band_words = say(BANDS[band]) if band in BANDS else band
    if rate.kind == "between":
        assert rate.percent_from is not None and rate.percent_to is not None
        low, high = sorted((rate.percent_from, rate.percent_to))
        return say(N_("between %(low)s and %(high)s people (%(band)s)"), low=people(low, language),
                   high=people(high, language), band=band_words)
    assert rate.percent is not None
    less_than = rate.kind == "less-than"
    figure = people(rate.percent, language, less_than=less_than)
    if less_than:
        return say(N_("less than %(figure)s people (%(band)s)"), figure=figure, band=band_words)
    return say(N_("about %(figure)s people (%(band)s)"), figure=figure, band=band_words)


# The schema's band names, as messages: the band is part of what the patient reads.
BANDS = {"very common": N_("very common"), "common": N_("common"), "uncommon": N_("uncommon"),
         "rare": N_("rare"), "very rare": N_("very rare")}


def _frequency(read: Reader, risk: dict[str, Any], pointer: str, language: str) -> Frequency:
    """A risk's frequency; in a draft, one whose words are a placeholder when it cannot be read."""
    if not read.draft:
        return Frequency.from_data(risk["frequency"], language)
    data, problem = read.obj(risk, "frequency", pointer + "/frequency")
    if problem is not None:
        return Frequency(known=False, words=problem)
    at = pointer + "/frequency"
    if "rate" not in data:
        note = read.text(data, "note", at + "/note")
        return Frequency(known=False, words=note, note=note)
    band = read.text(data, "band", at + "/band") if "band" in data else None
    rate_data, problem = read.obj(data, "rate", at + "/rate")
    if problem is not None:
        return Frequency(known=True, words=problem, band=band)
    try:
        rate = Rate(**rate_data)
        band = band or computed_band(rate)
        words = frequency_words(rate, band, language)
    except (TypeError, ValueError, ArithmeticError, AssertionError, AttributeError):
        return Frequency(known=True, words=read.problem("unreadable", "rate", at + "/rate", None), band=band)
    return Frequency(known=True, words=words, rate=rate, band=band)


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
class Contact(Dialable):
    text: Text
    phone: str | None = None
    email: str | None = None
    web: str | None = None


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
    gaps: tuple[tuple[str, Placeholder], ...] = ()  # in a draft: see gap()
    placeholders: int = 0  # how many placeholders a draft shows (the stylesheets style them only then)
    translation_of: tuple[str, str] | None = None  # a translation's source (language, version): the manifest lists it

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

    def gap(self, name: str) -> Placeholder | None:
        """In a draft, the placeholder for a list or field that has no place of its own in the page
        (``risks``, ``alternatives``, ``timeline``, ``authors``, ``sources``, ``glossary``, ``id``…)."""
        return dict(self.gaps).get(name)

    @classmethod
    def from_data(cls, data: dict[str, Any], *, source_sha256: str, draft: bool = False,
                  fallback_id: str = "leaflet", fallback_language: str = "en") -> Leaflet:
        """The model of schema-valid ``data``; with ``draft``, of any JSON object (see the module's
        doc). ``fallback_id`` and ``fallback_language`` name a draft whose own are missing, or not
        what the schema allows (outputs are named after them: see leaflets.names)."""
        read = Reader(draft)
        gaps: list[tuple[str, Placeholder]] = []

        def gap(name: str, placeholder: Placeholder | None) -> None:
            if placeholder is not None:
                gaps.append((name, placeholder))

        if draft and not isinstance(data, dict):
            data = {}
        leaflet_id, language = data.get("id"), data.get("language")
        if not draft:
            leaflet_id, language = data["id"], data["language"]
        if not isinstance(leaflet_id, str) or not leaflet_id:
            gap("id", read.unusable(data, "id", "/id"))
            leaflet_id = fallback_id
        elif (problem := read.not_a_name("id", leaflet_id)) is not None:
            gap("id", problem)
            leaflet_id = fallback_id
        if not isinstance(language, str) or not language:
            gap("language", read.unusable(data, "language", "/language"))
            language = fallback_language
        elif (problem := read.not_a_name("language", language)) is not None:
            gap("language", problem)
            language = fallback_language
        status = read.text(data, "status", "/status")
        if draft and not isinstance(status, Placeholder) and status not in STATUS_VALUES:
            status = read.problem("not allowed", "status", "/status", NOT_ALLOWED,
                                  f' "{status}" (use {", ".join(STATUS_VALUES)})')
        last_reviewed, last_reviewed_words = read.date(data, "last_reviewed", "/last_reviewed", language)
        next_review, next_review_words = read.date(data, "next_review", "/next_review", language)
        approval = None
        if "approval" in data:
            approved, _ = read.obj(data, "approval", "/approval")
            approved_on, approved_words = read.date(approved, "date", "/approval/date", language)
            approval = Approval(read.text(approved, "name", "/approval/name"),
                                read.text(approved, "role", "/approval/role"), approved_on, approved_words,
                                recorded_sha256(approved.get("content_sha256") if isinstance(approved, dict) else None))

        authors, missing = read.objects(data, "authors", "/authors")
        gap("authors", missing)
        sources, missing = read.objects(data, "sources", "/sources")
        gap("sources", missing)
        alternatives, missing = read.objects(data, "alternatives", "/alternatives")
        gap("alternatives", missing)
        risks, missing = read.objects(data, "risks", "/risks")
        gap("risks", missing)
        glossary, _ = read.objects(data, "glossary", "/glossary", required=False)
        recovery, missing = read.obj(data, "recovery", "/recovery")
        timeline, timeline_missing = read.objects(recovery, "timeline", "/recovery/timeline", required=not missing)
        gap("timeline", timeline_missing)
        urgent, urgent_missing = read.obj(data, "urgent_help", "/urgent_help")
        contact, contact_missing = read.obj(data, "contact", "/contact")
        return cls(
            id=leaflet_id,
            language=language,
            title=read.text(data, "title", "/title"),
            summary=read.text(data, "summary", "/summary"),
            version=read.text(data, "version", "/version"),
            status=status,  # type: ignore[arg-type]  # a placeholder only in a draft
            last_reviewed=last_reviewed,  # type: ignore[arg-type]  # None only in a draft
            next_review=next_review,  # type: ignore[arg-type]
            last_reviewed_words=last_reviewed_words,
            next_review_words=next_review_words,
            authors=tuple(Person(read.text(p, "name", f"{at}/name"), read.optional_text(p, "role", f"{at}/role"))
                          for p, at in authors),
            approval=approval,
            sources=tuple(
                Source(read.text(s, "title", f"{at}/title"), read.text(s, "kind", f"{at}/kind"),
                       read.optional_text(s, "publisher", f"{at}/publisher"),
                       read.optional_checked(s, "url", f"{at}/url", URL),
                       read.date(s, "accessed", f"{at}/accessed", language)[0] if "accessed" in s else None,
                       read.optional_text(s, "note", f"{at}/note"))
                for s, at in sources
            ),
            condition=read.blocks(data, "condition", "/condition"),
            procedure=read.blocks(data, "procedure", "/procedure"),
            benefits=read.blocks(data, "benefits", "/benefits"),
            alternatives=tuple(
                Alternative(read.text(a, "name", f"{at}/name"), read.blocks(a, "description", f"{at}/description"),
                            bool(a.get("no_treatment", False)))
                for a, at in alternatives
            ),
            preparation=read.blocks(data, "preparation", "/preparation"),
            on_the_day=read.blocks(data, "on_the_day", "/on_the_day"),
            risks=tuple(
                Risk(read.text(r, "name", f"{at}/name"), read.blocks(r, "description", f"{at}/description"),
                     _frequency(read, r, at, language),
                     read.blocks(r, "management", f"{at}/management", required=False))
                for r, at in risks
            ),
            recovery=Recovery(
                hospital_stay=(read.blocks(recovery, "hospital_stay", "/recovery/hospital_stay") if not missing
                               else (Paragraph(missing),)),
                timeline=tuple(Step(read.text(step, "when", f"{at}/when"), read.blocks(step, "what", f"{at}/what"))
                               for step, at in timeline),
                work=read.blocks(recovery, "work", "/recovery/work", required=False),
                driving=read.blocks(recovery, "driving", "/recovery/driving", required=False),
                exercise=read.blocks(recovery, "exercise", "/recovery/exercise", required=False),
            ),
            urgent_help=UrgentHelp(
                read.strings(urgent, "symptoms", "/urgent_help/symptoms") if not urgent_missing else (urgent_missing,),
                read.blocks(urgent, "whom_to_call", "/urgent_help/whom_to_call") if not urgent_missing else ()),
            questions=read.strings(data, "questions", "/questions", required=False),
            glossary=tuple(GlossaryEntry(read.text(g, "term", f"{at}/term"),
                                         read.text(g, "definition", f"{at}/definition"))
                           for g, at in glossary),
            contact=Contact(
                read.blocks(contact, "text", "/contact/text") if not contact_missing else (Paragraph(contact_missing),),
                read.optional_checked(contact, "phone", "/contact/phone", PHONE),
                read.optional_checked(contact, "email", "/contact/email", EMAIL),
                read.optional_checked(contact, "web", "/contact/web", URL)),
            disclaimer=read.text(data, "disclaimer", "/disclaimer"),
            source_sha256=source_sha256,
            gaps=tuple(gaps),
            placeholders=read.made,
            translation_of=_translation_of(data.get("translation_of")),
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


def _translation_of(value: Any) -> tuple[str, str] | None:
    """(language, version) of a translation's source, from ``translation_of`` (leaflets.translation)."""
    if isinstance(value, dict) and isinstance(value.get("language"), str) and isinstance(value.get("version"), str):
        return value["language"], value["version"]
    return None
