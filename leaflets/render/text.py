"""The plain-text version of a leaflet (``build --format txt``): for screen-reader users, Braille
transcription and e-mail.

Made from the typed model (:class:`leaflets.model.Leaflet`), in reading order, never by scraping the
HTML. Conventions, chosen so that the file reads aloud well, transcribes to Braille and pastes into
an e-mail, and is still Markdown:

* the title is underlined with ``=`` and each section heading with ``-`` (setext headings: shown
  as headings by Markdown tools, and a transcriber sees the level at a glance); a sub-heading
  (an option, a risk, a part of recovery) is a line of its own between blank lines;
* **no hard line wraps**: one paragraph is one line, blocks are separated by one blank line. Braille
  translation software (Duxbury, Liblouis) reflows text to the embosser's line (often 40 cells) and
  guidance for Braille-ready documents is not to position or break text by hand; e-mail clients
  and screen readers reflow too;
* list items are lines starting ``- ``; the risks table is linearised, one line a row
  (``- Risk: Infection. How often it happens: about 1 in 100 people (uncommon).``), and every risk
  is then told in sentences; as on the page, serious risks come first, said in words (``- Serious
  risk: Paralysis. …``, ``Serious: Paralysis``), under a sub-heading line per group when risks have
  groups, after the risks' introduction; outcomes follow the benefits as sentences (``- About 9 in
  10 people have less leg pain a year later.``);
* links are written out in full (``Web: https://…``), dates in words, no HTML entities, NFC, one
  final newline.

Content is untrusted: a value's own line breaks and runs of spaces become one space (so no text can
forge a heading or a list), and controls and bidi overrides, embeddings and isolates (which make a
text viewer show characters in another order than they are read) are dropped. Markup-looking text
is only text in a ``.txt`` file, and is written as it is.

The words this module adds (headings, "How often", "Phone:") are gettext messages
(:mod:`leaflets.i18n`), in the leaflet's language where its catalogue has them.

A draft starts with the DRAFT line and, when not approved, the "not yet approved" line (as the
pages' bands), and ends with every finding, as the pages list them (leaflets.render.marks).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from leaflets.further import language_in
from leaflets.i18n import N_, Interface, interface
from leaflets.model import BulletList, Figure, Leaflet, Risk, Source, Text
from leaflets.render.marks import SECTION_TITLES, DraftFinding, mark

if TYPE_CHECKING:
    from leaflets.brand import Brand

# The interface words: gettext messages (leaflets.i18n), translated where they are shown, in the
# leaflet's language, English where its catalogue lacks one (rule LI001 names what is missing). Those the
# templates also show are their English word for word, so one translation serves both.
WORDS = {
    "draft": N_("DRAFT – this is a draft copy for checking. It is not for use with patients."),
    "not_approved": N_("Not yet approved for patient use."),
    "do_not_give": N_("Do not give it to patients."),
    "reviewed": N_("Last reviewed %(last)s. Next review due %(next)s. Version %(version)s."),
    "risks_intro": N_("Every operation has risks. The list below shows how often each one happens, where the "
                      "sources give a figure."),
    "risks_caption": N_("How often each risk happens:"),
    "risk_row": N_("Risk: %(name)s. How often it happens: %(words)s."),
    "how_often": N_("How often: %(words)s."),
    "serious_intro": N_("Serious risks are listed first and marked “Serious”: you should know about them however "
                        "rare they are."),
    "serious": N_("Serious:"),
    "serious_row": N_("Serious risk: %(name)s. How often it happens: %(words)s."),
    "outcomes_caption": N_("How often the operation helps:"),
    "outcome_row": N_("%(how_many)s %(outcome)s."),
    "figure": N_("[Figure: %(alt)s]"),
    "stay": N_("Your stay in hospital"),
    "timeline": N_("Recovery step by step"),
    "work": N_("Going back to work"),
    "driving": N_("Driving"),
    "exercise": N_("Exercise"),
    "urgent_intro": N_("Get help straight away if you have any of these:"),
    "phone": N_("Phone: %(value)s"),
    "email": N_("Email: %(value)s"),
    "web": N_("Web: %(value)s"),
    "address": N_("Address: %(value)s"),
    "hours": N_("Hours: %(value)s"),
    "others": N_("Other numbers"),
    "for": N_("For: %(purpose)s"),
    "further": N_("Further information"),
    "related_intro": N_("Other leaflets you may find useful:"),
    "other_language": N_("(in %(language)s: not yet available in this leaflet's language)"),
    "links_intro": N_("Web pages we trust:"),
    "identity": N_("Department: %(department)s."),
    "reference": N_("Reference: %(reference)s."),
    "written_by": N_("Written by %(names)s."),
    "approved_by": N_("Approved for patient use by %(name)s, %(role)s, on %(date)s."),
    "sources": N_("Where the information comes from"),
    "footer": N_("%(organisation)s. Leaflet %(id)s, version %(version)s."),
    "online": N_("Read it online: %(url)s"),
    "findings": N_("Findings in this draft"),
    "findings_count": N_("Draft only: %(errors)s error(s), %(warnings)s warning(s) and %(notes)s note(s) found by "
                         "the checks."),
    "finding": N_("%(code)s %(severity)s at %(where)s: %(text)s"),
}

# Characters a text viewer acts on instead of showing: C0/C1 controls (line breaks are folded to
# spaces first), DEL, bidi embeddings, overrides and isolates, lone surrogates and non-characters.
_INERT = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_SPACES = re.compile(r"[\s\u2028\u2029]+")


def clean(value: str) -> str:
    """One line of untrusted text: its line breaks and space runs one space, controls and bidi
    overrides dropped, NFC."""
    return unicodedata.normalize("NFC", _INERT.sub("", _SPACES.sub(" ", str(value))).strip())


class _Writer:
    """Blocks of text, one blank line apart."""

    def __init__(self, words: Interface) -> None:
        self.words = words  # the interface text in the leaflet's language
        self.blocks: list[str] = []

    def say(self, key: str, **values: object) -> str:
        """The interface words ``WORDS[key]`` in the leaflet's language, with ``values`` filled in."""
        return self.words.text(WORDS[key], **values)

    def section(self, key: str) -> None:
        """The heading of the page's section ``key`` (leaflets.render.marks.SECTION_TITLES)."""
        self.heading(self.words.text(SECTION_TITLES[key]), "-")

    def line(self, text: str) -> None:
        self.blocks.append(clean(text))

    def lines(self, items: Iterable[str], prefix: str = "- ") -> None:
        self.blocks.append("\n".join(prefix + clean(item) for item in items))

    def heading(self, text: str, underline: str) -> None:
        words = clean(text)
        self.blocks.append(f"{words}\n{underline * max(3, _width(words))}")

    def text(self, blocks: Text) -> None:
        for block in blocks:
            if isinstance(block, BulletList):
                self.lines(block.items)
            elif isinstance(block, Figure):  # the words a reader of the text needs in place of the picture
                self.line(self.say("figure", alt=block.problem or block.alt))
                self.lines([words for words in (block.caption, block.credit) if words], prefix="")
            else:
                self.line(block.text)

    def result(self) -> str:
        return unicodedata.normalize("NFC", "\n\n".join(block for block in self.blocks if block)) + "\n"


def _width(text: str) -> int:
    """Columns ``text`` takes in a monospaced view (wide East Asian characters take two), so the
    underline is as long as the heading."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text)


def render_text(leaflet: Leaflet, brand: Brand, *, draft: bool = False, web_url: str | None = None,
                findings: Sequence[DraftFinding] = ()) -> str:
    """The leaflet as plain text (see the module's doc)."""
    out = _Writer(interface(leaflet.language))
    if draft:
        out.line(out.say("draft"))
    if not leaflet.approved:
        from leaflets.render.html import STATUS_WORDS

        status = STATUS_WORDS.get(leaflet.status)  # a draft's unusable status: its placeholder
        out.line(" ".join((out.say("not_approved"), out.words.text(status) if status else leaflet.status,
                           out.say("do_not_give"))))
    out.heading(leaflet.title, "=")
    out.line(leaflet.summary)
    out.line(out.say("reviewed", last=leaflet.last_reviewed_words, next=leaflet.next_review_words,
                     version=leaflet.version))
    _body(out, leaflet)
    _further(out, leaflet)
    _contact(out, leaflet, brand)
    _statements(out, leaflet, brand)
    _about(out, leaflet)
    footer = out.say("footer", organisation=brand.organisation, id=leaflet.id, version=leaflet.version)
    out.line(f"{clean(leaflet.reference)} · {footer}" if leaflet.reference else footer)
    if web_url:
        out.line(out.say("online", url=web_url))
    if findings:
        _findings(out, leaflet, findings)
    return out.result()


def _section(out: _Writer, key: str, blocks: Text) -> None:
    out.section(key)
    out.text(blocks)


def _gap(out: _Writer, leaflet: Leaflet, name: str) -> None:
    if (placeholder := leaflet.gap(name)) is not None:
        out.line(placeholder)


def _body(out: _Writer, leaflet: Leaflet) -> None:
    _section(out, "condition", leaflet.condition)
    _section(out, "procedure", leaflet.procedure)
    _section(out, "benefits", leaflet.benefits)
    _outcomes(out, leaflet)
    out.section("alternatives")
    _gap(out, leaflet, "alternatives")
    for alternative in leaflet.alternatives:
        out.line(alternative.name)
        out.text(alternative.description)
    _section(out, "preparation", leaflet.preparation)
    _section(out, "on-the-day", leaflet.on_the_day)
    _risks(out, leaflet)
    _recovery(out, leaflet)
    out.section("urgent-help")
    out.line(out.say("urgent_intro"))
    out.lines(leaflet.urgent_help.symptoms)
    out.text(leaflet.urgent_help.whom_to_call)
    if leaflet.questions:
        out.section("questions")
        out.lines(leaflet.questions)
    if leaflet.glossary:
        out.section("glossary")
        out.lines(f"{clean(entry.term)}: {clean(entry.definition)}" for entry in leaflet.glossary)


def _sentence(text: str) -> str:
    """``text`` ending with a full stop (or the mark it already ends with)."""
    words = clean(text)
    return words if words.endswith((".", "!", "?", ")")) else words + "."


def _risks(out: _Writer, leaflet: Leaflet) -> None:
    """The introduction, then per group (a sub-heading when risks have groups) the table linearised, a
    line a row, and each risk in sentences; serious risks first and labelled in words, as on the page."""
    out.section("risks")
    out.text(leaflet.risks_introduction)
    out.line(out.say("risks_intro"))
    if any(risk.serious for risk in leaflet.risks):
        out.line(out.say("serious_intro"))
    _gap(out, leaflet, "risks")
    for group in leaflet.risk_groups:
        if group.title:
            out.line(out.words.text(group.title))
        out.line(out.say("risks_caption"))
        out.lines(out.say("serious_row" if risk.serious else "risk_row", name=clean(risk.name).rstrip("."),
                          words=clean(risk.frequency.words).rstrip("."))
                  for risk in group.risks)
        for risk in group.risks:
            out.line(_risk_name(out, risk))
            out.text(risk.description)
            out.line(out.say("how_often", words=clean(risk.frequency.words).rstrip(".")))
            out.text(risk.management)


def _risk_name(out: _Writer, risk: Risk) -> str:
    """A risk's name, after the words "Serious:" when it is serious."""
    return f"{out.say('serious')} {clean(risk.name)}" if risk.serious else clean(risk.name)


def _outcomes(out: _Writer, leaflet: Leaflet) -> None:
    """Benefit and success figures as sentences: "About 9 in 10 people have less leg pain a year later."."""
    if leaflet.outcomes:
        out.line(out.say("outcomes_caption"))
        out.lines(out.say("outcome_row", how_many=clean(o.how_many), outcome=clean(o.outcome).rstrip("."))
                  for o in leaflet.outcomes)


def _recovery(out: _Writer, leaflet: Leaflet) -> None:
    recovery = leaflet.recovery
    out.section("recovery")
    out.line(out.say("stay"))
    out.text(recovery.hospital_stay)
    if recovery.timeline or leaflet.gap("timeline"):
        out.line(out.say("timeline"))
        _gap(out, leaflet, "timeline")
        for step in recovery.timeline:
            out.line(_sentence(step.when).removesuffix(".") + ":")
            out.text(step.what)
    for key, blocks in (("work", recovery.work), ("driving", recovery.driving), ("exercise", recovery.exercise)):
        if blocks:
            out.line(out.say(key))
            out.text(blocks)


def _contact_lines(out: _Writer, phone: str | None, email: str | None, web: str | None,
                   address: str | None = None, hours: str | None = None) -> list[str]:
    values = (("phone", phone), ("email", email), ("web", web), ("address", address), ("hours", hours))
    return [out.say(key, value=clean(value)) for key, value in values if value]


def _contact(out: _Writer, leaflet: Leaflet, brand: Brand) -> None:
    contact, own = leaflet.contact, brand.contact
    out.section("contact")
    out.text(contact.text)
    out.lines(_contact_lines(out, contact.phone, contact.email, contact.web, hours=contact.hours), prefix="")
    if contact.others:
        out.line(out.say("others"))
        for other in contact.others:
            purpose = [out.say("for", purpose=clean(other.purpose))] if other.purpose else []
            out.lines([other.name, *purpose, *_contact_lines(out, other.phone, other.email, other.web,
                                                             hours=other.hours)], prefix="")
    if own.phone or own.email or own.address or own.web or own.note:
        out.line(brand.organisation)
        if own.note:
            out.line(own.note)
        out.lines(_contact_lines(out, own.phone, own.email, own.web, own.address), prefix="")


def _further(out: _Writer, leaflet: Leaflet) -> None:
    """Related leaflets by title (a file has no links to follow) and trusted pages with their addresses."""
    further = leaflet.further_information
    if not (further.leaflets or further.links):
        return
    out.heading(out.say("further"), "-")
    if further.leaflets:
        out.line(out.say("related_intro"))
        out.lines(clean(related.title or related.id) + _elsewhere(out, related.language, leaflet.language)
                  for related in further.leaflets)
    if further.links:
        out.line(out.say("links_intro"))
        out.lines(f"{clean(link.title)} ({clean(link.url)})" + (f", {clean(link.publisher)}" if link.publisher else "")
                  for link in further.links)


def _elsewhere(out: _Writer, language: str | None, own: str) -> str:
    """The note after a related leaflet only in another language: " (in English: not yet available…)"."""
    if not language or language == own:
        return ""
    return " " + out.say("other_language", language=language_in(language, own))


def _statements(out: _Writer, leaflet: Leaflet, brand: Brand) -> None:
    """Consent, other formats and feedback: the leaflet's, else the brand's, else the built-in wording."""
    from leaflets.statements import resolve

    for statement in resolve(leaflet, brand):
        out.heading(out.words.text(statement.heading), "-")
        out.text(statement.text)


def _about(out: _Writer, leaflet: Leaflet) -> None:
    out.section("about")
    out.line(leaflet.disclaimer)
    if leaflet.department:
        out.line(out.say("identity", department=clean(leaflet.department)))
    if leaflet.reference:
        out.line(out.say("reference", reference=clean(leaflet.reference)))
    for name in ("id", "language"):
        _gap(out, leaflet, name)
    names = ", ".join(clean(p.name) + (f" ({clean(p.role)})" if p.role else "") for p in leaflet.authors)
    if names:
        out.line(out.say("written_by", names=names))
    _gap(out, leaflet, "authors")
    if leaflet.approval:
        approval = leaflet.approval
        out.line(out.say("approved_by", name=approval.name, role=approval.role, date=approval.date_words))
    out.line(out.say("sources"))
    _gap(out, leaflet, "sources")
    out.lines(_source(source, out.words) for source in leaflet.sources)


def _source(source: Source, words_of: Interface) -> str:
    from leaflets.render.html import source_kind

    words = clean(source.title) + (f" ({clean(source.url)})" if source.url else "")
    kind = clean(str(source_kind(source.kind, words_of.text)))  # in the leaflet's language (English if none)
    words += (f", {clean(source.publisher)}" if source.publisher else "") + f" ({kind})."
    return words + (f" {clean(source.note)}" if source.note else "")


def _findings(out: _Writer, leaflet: Leaflet, findings: Sequence[DraftFinding]) -> None:
    """Every finding, as the pages list them (errors first; where: section and pointer)."""
    listed = mark(leaflet, findings).listed
    errors = sum(1 for f in listed if f.severity == "error")
    warnings = sum(1 for f in listed if f.severity == "warning")
    out.heading(out.say("findings"), "-")
    out.line(out.say("findings_count", errors=errors, warnings=warnings, notes=len(listed) - errors - warnings))
    out.lines((out.say("finding", code=clean(f.code), severity=f.severity, where=clean(f.where),
                                  text=clean(f.message)) for f in listed), prefix="")
