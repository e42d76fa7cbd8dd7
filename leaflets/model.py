"""The typed leaflet that templates see, built from data that has passed the schema.

Templates never reach into raw JSON: they get a :class:`Leaflet` whose derived values are already
worked out here, where they can be unit-tested:

* a risk's (or an outcome's) frequency in words: ``about 1 in 100 people (common)``, ``up to 1 in 20
  operations within a year (common)``, the band only when the figure lies in one;
* the risks in the order the page lists them: serious ones first, per group (``Leaflet.risk_groups``);
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
import hashlib
from dataclasses import dataclass
from pathlib import Path
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
    Figure,
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


RateKind = Literal["about", "up-to", "less-than", "at-least", "more-than", "between"]
Per = Literal["people", "operations", "eyes", "joints"]
PER_VALUES: tuple[str, ...] = ("people", "operations", "eyes", "joints")


@dataclass(frozen=True, slots=True)
class Rate:
    kind: RateKind
    percent: float | None = None
    percent_from: float | None = None
    percent_to: float | None = None


@dataclass(frozen=True, slots=True)
class Frequency:
    """How often a risk (or an outcome) happens.

    ``words`` is what the patient reads: the figure as a natural frequency, its time span and, when the
    figure lies in one band, the band (``about 1 in 100 people (common)``); a verbal-only band with its
    note (``Rare (no figure). Our surgeons…``); or, with no figure, the note. ``figure`` is the same
    without the band, for outcomes (a benefit is not "common"). ``known`` is true exactly when there is
    a rate."""

    known: bool
    words: str
    rate: Rate | None = None
    band: str | None = None  # stated, or worked out from the rate when it lies in one band
    note: str | None = None
    per: str = "people"
    within: str | None = None
    figure: str = ""  # the words without the band (the note when there is no rate)
    icons: bool = True  # false: the writer turned off the rate's icon array (leaflets.render.icons)

    @property
    def verbal(self) -> bool:
        """A band with no figure: the note gives the reason for the word."""
        return not self.known and self.band is not None

    @classmethod
    def from_data(cls, data: dict[str, Any], language: str = "en") -> Frequency:
        per, within = data.get("per", "people"), data.get("within")
        if "rate" not in data:  # v2: a frequency is known exactly when it has a rate
            band = data.get("band")
            words = verbal_words(band, data["note"], language) if band else data["note"]
            return cls(known=False, words=words, band=band, note=data["note"], per=per, within=within,
                       figure=data["note"])
        rate = Rate(**data["rate"])
        band = data.get("band") or computed_band(rate)
        return cls(known=True, words=frequency_words(rate, band, language, per=per, within=within), rate=rate,
                   band=band, note=data.get("note"), per=per, within=within,
                   figure=frequency_words(rate, None, language, per=per, within=within),
                   icons=data.get("icons") is not False)


def computed_band(rate: Rate) -> str | None:
    """The band a rate lies in, when it lies in one (as LN001 picks it): the writer need not state it.
    A range across a boundary has none, and then no band is shown."""
    from leaflets.bands import computed_band as band_of_rate

    return band_of_rate({"kind": rate.kind, **{key: value for key in ("percent", "percent_from", "percent_to")
                                               if (value := getattr(rate, key)) is not None}})


# Each kind of rate, and what a figure counts, as messages: the words are the leaflet language's.
KINDS = {"about": N_("about %(figure)s"), "up-to": N_("up to %(figure)s"), "less-than": N_("less than %(figure)s"),
         "at-least": N_("at least %(figure)s"), "more-than": N_("more than %(figure)s")}
PER = {"people": N_("%(figure)s people"), "operations": N_("%(figure)s operations"), "eyes": N_("%(figure)s eyes"),
       "joints": N_("%(figure)s joints")}


def frequency_words(rate: Rate, band: str | None, language: str = "en", *, per: str = "people",
                    within: str | None = None) -> str:
    """``about 1 in 100 people (common)``, ``up to 1 in 20 operations (common)``, ``more than 9 in 10
    people within a year (very common)``, ``between 1 in 20 and 1 in 10 eyes``; the band only when there
    is one; in the leaflet's language where its catalogue has these words (leaflets.i18n). A bound is
    never rounded so as to claim more than it says (leaflets.wording.people)."""
    say = interface(language).text
    if rate.kind == "between":
        assert rate.percent_from is not None and rate.percent_to is not None
        low, high = sorted((rate.percent_from, rate.percent_to))
        figure = say(N_("between %(low)s and %(high)s"), low=people(low, language), high=people(high, language))
    else:
        assert rate.percent is not None and rate.kind in KINDS
        figure = say(KINDS[rate.kind], figure=people(rate.percent, language,
                                                     less_than=rate.kind in ("less-than", "up-to"),
                                                     at_least=rate.kind in ("at-least", "more-than")))
    words = say(PER[per] if per in PER else PER["people"], figure=figure)
    if within:
        words = f"{words} {within}"
    if band is None:
        return words
    return f"{words} ({say(BANDS[band]) if band in BANDS else band})"


def verbal_words(band: str, note: str, language: str = "en") -> str:
    """A band with no figure, and the note that gives the reason for the word: ``Rare (no figure). …``."""
    say = interface(language).text
    word = say(BANDS[band]) if band in BANDS else str(band)
    return say(N_("%(band)s (no figure). %(note)s"), band=word[:1].upper() + word[1:], note=note)


# The schema's band names, as messages: the band is part of what the patient reads.
BANDS = {"very common": N_("very common"), "common": N_("common"), "uncommon": N_("uncommon"),
         "rare": N_("rare"), "very rare": N_("very rare")}


def _frequency(read: Reader, item: dict[str, Any], pointer: str, language: str) -> Frequency:
    """A risk's (or an outcome's) frequency; in a draft, one whose words are a placeholder where it cannot
    be read. In a draft it never raises: each part it cannot use becomes a placeholder or is left out."""
    if not read.draft:
        return Frequency.from_data(item["frequency"], language)
    data, problem = read.obj(item, "frequency", pointer + "/frequency")
    if problem is not None:
        return Frequency(known=False, words=problem, figure=problem)
    at = pointer + "/frequency"
    per = data.get("per", "people")
    if not isinstance(per, str) or per not in PER_VALUES:
        per = "people"  # the schema's finding (LS004) names it; the figure is still worth showing
    within = data.get("within") if isinstance(data.get("within"), str) and data.get("within") else None
    band = data.get("band") if isinstance(data.get("band"), str) and data.get("band") in BANDS else None
    if "rate" not in data:
        note = read.text(data, "note", at + "/note")
        words = verbal_words(band, note, language) if band else note
        return Frequency(known=False, words=words, band=band, note=note, per=per, within=within, figure=note)
    rate_data, problem = read.obj(data, "rate", at + "/rate")
    if problem is not None:
        return Frequency(known=True, words=problem, band=band, per=per, within=within, figure=problem)
    try:
        rate = Rate(**rate_data)
        band = band or computed_band(rate)
        words = frequency_words(rate, band, language, per=per, within=within)
        figure = frequency_words(rate, None, language, per=per, within=within)
    except (TypeError, ValueError, ArithmeticError, AssertionError, AttributeError, KeyError):
        words = read.problem("unreadable", "rate", at + "/rate", None)
        return Frequency(known=True, words=words, band=band, per=per, within=within, figure=words)
    return Frequency(known=True, words=words, rate=rate, band=band, per=per, within=within, figure=figure,
                     icons=data.get("icons") is not False)


Group = Literal["general", "operation", "anaesthetic"]
# The groups in the order the page shows them, each with its sub-heading (a message).
GROUPS: dict[str, str] = {"general": N_("General risks of an operation"), "operation": N_("Risks of this operation"),
                          "anaesthetic": N_("Risks of the anaesthetic")}
OTHER_RISKS = N_("Other risks")


@dataclass(frozen=True, slots=True)
class Risk:
    name: str
    description: Text
    frequency: Frequency
    management: Text = ()
    serious: bool = False
    group: str | None = None
    index: int = 0  # its place in the content's list: the page shows serious risks first, and ids follow the content


@dataclass(frozen=True, slots=True)
class RiskGroup:
    """The risks under one sub-heading: ``group`` is None for a leaflet whose risks have no groups (one
    list, no sub-heading), ``"other"`` for the ungrouped ones of a leaflet where some have one."""

    group: str | None
    title: str | None  # the sub-heading, a message
    risks: tuple[Risk, ...]


def _group(value: Any) -> str | None:
    """A risk's group when it is one the schema allows (a draft may hold anything)."""
    return value if isinstance(value, str) and value in GROUPS else None


def serious_first(risks: tuple[Risk, ...]) -> tuple[Risk, ...]:
    """Serious risks first, as consent guidance expects them to stand out; otherwise the writer's order."""
    return tuple(sorted(risks, key=lambda risk: not risk.serious))


@dataclass(frozen=True, slots=True)
class Outcome:
    """A benefit or success figure: ``About 9 in 10 people`` | ``have less leg pain a year later``."""

    outcome: str
    frequency: Frequency

    @property
    def how_many(self) -> str:
        """The figure with a capital, to start the row or sentence: ``About 9 in 10 people``."""
        words = self.frequency.figure or self.frequency.words
        return words[:1].upper() + words[1:]


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
class OtherContact(Dialable):
    """Another number beside the main contact (the ward, out of hours, PALS): pages list them in a table."""

    name: str
    purpose: str | None = None  # "for" in the JSON: when to use it
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    hours: str | None = None


@dataclass(frozen=True, slots=True)
class Contact(Dialable):
    text: Text
    phone: str | None = None
    email: str | None = None
    web: str | None = None
    hours: str | None = None  # when the phone is answered
    others: tuple[OtherContact, ...] = ()


@dataclass(frozen=True, slots=True)
class Link:
    """A trusted web page under "Further information" (https only: the schema and render.html.href)."""

    title: str
    url: str
    publisher: str | None = None


@dataclass(frozen=True, slots=True)
class RelatedLeaflet:
    """A related leaflet named by id. The content gives only the id; the build fills in the rest from
    the leaflet it names (leaflets.further.resolve): its title, the language of that title and page
    (the leaflet's own, or English when the related leaflet has no such translation), and its web
    page's file name when the same build makes that page."""

    id: str
    title: str | None = None
    language: str | None = None
    page: str | None = None
    found: bool = True  # False: no such leaflet (a draft only: LM010 refuses it otherwise)


@dataclass(frozen=True, slots=True)
class FurtherInformation:
    leaflets: tuple[RelatedLeaflet, ...] = ()
    links: tuple[Link, ...] = ()


@dataclass(frozen=True, slots=True)
class Statements:
    """The leaflet's own wording of the standard statements; each empty one comes from the brand or
    the built-in wording (leaflets.statements)."""

    accessible_formats: Text = ()
    consent: Text = ()
    feedback: Text = ()


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
    outcomes: tuple[Outcome, ...] = ()  # benefit and success figures, shown with the benefits
    risks_introduction: Text = ()  # shown before the list of risks
    reference: str | None = None  # the trust's reference code, e.g. "ORTH-012"
    department: str | None = None
    further_information: FurtherInformation = FurtherInformation()
    statements: Statements = Statements()

    @property
    def approved(self) -> bool:
        """Only an approved leaflet may be shown without the "not yet approved" band."""
        return self.status == "approved"

    @property
    def risk_groups(self) -> tuple[RiskGroup, ...]:
        """The risks as the page lists them, serious ones first in each list (the writer's order otherwise).
        When any risk has a ``group``: one list per group present, under its sub-heading, in the order
        general, this operation, the anaesthetic, then the ungrouped ones as "Other risks"; else one list."""
        if not any(risk.group for risk in self.risks):
            return (RiskGroup(None, None, serious_first(self.risks)),) if self.risks else ()
        groups = [RiskGroup(name, title, serious_first(tuple(r for r in self.risks if r.group == name)))
                  for name, title in GROUPS.items()]
        groups.append(RiskGroup("other", OTHER_RISKS, serious_first(tuple(r for r in self.risks if not r.group))))
        return tuple(group for group in groups if group.risks)

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
                  fallback_id: str = "leaflet", fallback_language: str = "en", folder: Path | None = None) -> Leaflet:
        """The model of schema-valid ``data``; with ``draft``, of any JSON object (see the module's
        doc). ``fallback_id`` and ``fallback_language`` name a draft whose own are missing, or not
        what the schema allows (outputs are named after them: see leaflets.names). ``folder`` is the
        leaflet's own folder, where its figure files are read from (leaflets.figures); without it
        figures carry no image."""
        read = Reader(draft, folder)
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
                     read.blocks(r, "management", f"{at}/management", required=False),
                     r.get("serious") is True, _group(r.get("group")), int(at.rsplit("/", 1)[1]))
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
                read.optional_checked(contact, "web", "/contact/web", URL),
                read.optional_text(contact, "hours", "/contact/hours"),
                _other_contacts(read, contact)),
            disclaimer=read.text(data, "disclaimer", "/disclaimer"),
            source_sha256=source_sha256,
            gaps=tuple(gaps),
            placeholders=read.made,
            translation_of=_translation_of(data.get("translation_of")),
            outcomes=_outcomes(read, data, language),
            risks_introduction=read.blocks(data, "risks_introduction", "/risks_introduction", required=False),
            reference=read.optional_text(data, "reference", "/reference"),
            department=read.optional_text(data, "department", "/department"),
            further_information=_further_information(read, data),
            statements=_statements(read, data),
        )

    def figures(self) -> list[Figure]:
        """Every figure block of the leaflet, in no particular order."""
        texts = [self.condition, self.procedure, self.benefits, self.preparation, self.on_the_day,
                 self.recovery.hospital_stay, self.recovery.work, self.recovery.driving, self.recovery.exercise,
                 self.urgent_help.whom_to_call, self.contact.text]
        texts += [a.description for a in self.alternatives]
        texts += [part for risk in self.risks for part in (risk.description, risk.management)]
        texts += [step.what for step in self.recovery.timeline]
        return [block for text in texts for block in text if isinstance(block, Figure)]

    @property
    def inputs_sha256(self) -> str:
        """The content file's hash, with its figures' checked bytes when it has any: what its outputs
        are made from (leaflets.incremental reuses an output only when this is unchanged)."""
        images = [f"{f.file}:{hashlib.sha256(f.image.data).hexdigest()}" for f in self.figures() if f.image]
        if not images:
            return self.source_sha256
        return hashlib.sha256("\n".join([self.source_sha256, *sorted(images)]).encode("utf-8")).hexdigest()

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
        parts += [f"{o.how_many} {o.outcome}" for o in self.outcomes] + [plain_text(self.risks_introduction)]
        for step in self.recovery.timeline:
            parts += [step.when, plain_text(step.what)]
        parts += [f"{g.term} {g.definition}" for g in self.glossary]
        parts += list(self.urgent_help.symptoms)
        parts += [" ".join(filter(None, (s.title, s.publisher, s.note))) for s in self.sources]
        parts += [self.last_reviewed_words, self.next_review_words]
        if self.approval:
            parts += [self.approval.name, self.approval.role, self.approval.date_words]
        parts += [x for x in (self.contact.phone, self.contact.email, self.contact.web) if x]
        parts += [x for x in (self.contact.hours, self.reference, self.department) if x]
        for other in self.contact.others:
            parts += [x for x in (other.name, other.purpose, other.phone, other.email, other.web, other.hours) if x]
        parts += [related.title or related.id for related in self.further_information.leaflets]
        parts += [" ".join(filter(None, (link.title, link.url, link.publisher)))
                  for link in self.further_information.links]
        parts += [plain_text(text) for text in (self.statements.accessible_formats, self.statements.consent,
                                                 self.statements.feedback)]
        return "\n".join(parts)


def _other_contacts(read: Reader, contact: dict[str, Any]) -> tuple[OtherContact, ...]:
    others, _ = read.objects(contact, "others", "/contact/others", required=False)
    return tuple(OtherContact(read.text(o, "name", f"{at}/name"), read.optional_text(o, "for", f"{at}/for"),
                              read.optional_checked(o, "phone", f"{at}/phone", PHONE),
                              read.optional_checked(o, "email", f"{at}/email", EMAIL),
                              read.optional_checked(o, "web", f"{at}/web", URL),
                              read.optional_text(o, "hours", f"{at}/hours"))
                 for o, at in others)


def _further_information(read: Reader, data: dict[str, Any]) -> FurtherInformation:
    further, _ = read.obj(data, "further_information", "/further_information", required=False)
    links, _ = read.objects(further, "links", "/further_information/links", required=False)
    return FurtherInformation(
        tuple(RelatedLeaflet(name) for name in read.strings(further, "leaflets", "/further_information/leaflets",
                                                              required=False)),
        tuple(Link(read.text(link, "title", f"{at}/title"), read.optional_checked(link, "url", f"{at}/url", URL)
                   or read.missing("url", f"{at}/url"), read.optional_text(link, "publisher", f"{at}/publisher"))
              for link, at in links))


def _statements(read: Reader, data: dict[str, Any]) -> Statements:
    own, _ = read.obj(data, "statements", "/statements", required=False)
    return Statements(*(read.blocks(own, key, f"/statements/{key}", required=False)
                        for key in ("accessible_formats", "consent", "feedback")))


def _outcomes(read: Reader, data: dict[str, Any], language: str) -> tuple[Outcome, ...]:
    """The benefit and success figures (optional); in a draft, each unreadable part a placeholder."""
    outcomes, _ = read.objects(data, "outcomes", "/outcomes", required=False)
    return tuple(Outcome(read.text(o, "outcome", f"{at}/outcome"), _frequency(read, o, at, language))
                 for o, at in outcomes)


def _translation_of(value: Any) -> tuple[str, str] | None:
    """(language, version) of a translation's source, from ``translation_of`` (leaflets.translation)."""
    if isinstance(value, dict) and isinstance(value.get("language"), str) and isinstance(value.get("version"), str):
        return value["language"], value["version"]
    return None
