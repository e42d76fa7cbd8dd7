"""LM: completeness and metadata beyond the schema. The file is where its id and language say,
every risk says what is done about it, urgent help names whom to call, the disclaimer says what
it must, and the glossary explains words the leaflet uses."""

from __future__ import annotations

import bisect
import functools
import operator
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, TypeVar

from leaflets.findings import Severity
from leaflets.rules.context import SECTIONS, Context, Passage, under
from leaflets.rules.registry import Hit, rule

if TYPE_CHECKING:
    from leaflets.rules.material import MaterialRisk

_SECTION_OF = operator.itemgetter(2)  # a Passage's section
_RANK = {section: rank for rank, section in enumerate(SECTIONS)}
T = TypeVar("T")


def section_run(items: list[T], section: str, section_of: Callable[[T], str]) -> list[T]:
    """The run of ``items`` (paragraphs, or sentences) in the top-level ``section``, found by two binary searches.

    Context.paragraphs walks SECTIONS in order, and its sentences follow its paragraphs, so the sections of
    either list come in SECTIONS order: one section's items are one run, and the items before it are of
    sections before it. A handful of look-ups, not a test of every paragraph's pointer or section."""
    rank = _RANK[section]

    def key(item: T) -> int:
        return _RANK[section_of(item)]

    start = bisect.bisect_left(items, rank, key=key)
    return items[start:bisect.bisect_right(items, rank, lo=start, key=key)]


def section_prose(ctx: Context, section: str) -> list[Passage]:
    """``ctx.prose_under("/" + section)`` for a top-level section (``section_run``): a paragraph is in the
    section exactly when its pointer is "/<section>" or under it."""
    return section_run(ctx.paragraphs, section, _SECTION_OF)


@rule("LM001", "path-mismatch", Severity.ERROR, "The leaflet's id or language does not match where the file is.",
      what="A leaflet lives at content/<id>/<language>.json: the folder's name must equal `id` and the file's name "
           "`language`.",
      why="Builds, links and the manifest find a leaflet by its path; a file copied to start a new leaflet and not "
          "renamed inside would publish one procedure's text under another's name.",
      bad='content/spinal-fusion/en.json with "id": "pars-defect-repair"',
      good='content/spinal-fusion/en.json with "id": "spinal-fusion" and "language": "en"')
def path_mismatch(ctx: Context) -> Iterable[Hit]:
    path = ctx.doc.path
    leaflet_id, language = ctx.data.get("id"), ctx.data.get("language")
    if isinstance(leaflet_id, str) and leaflet_id and path.parent.name != leaflet_id:
        yield Hit("/id", f"the id is \"{leaflet_id}\" but the file is in the folder \"{path.parent.name}\": move the "
                  f"file to {leaflet_id}/{path.name}, or correct the id")
    if isinstance(language, str) and language and path.stem != language:
        yield Hit("/language", f"the language is \"{language}\" but the file is named \"{path.name}\": rename it "
                  f"to {language}.json, or correct the language")


@rule("LM002", "risk-without-management", Severity.WARNING, "A risk does not say what is done about it.",
      what="A risk with no `management` text (or only blank text) whose description does not say what is done "
           "about it either (\"it is usually easily treated with antibiotics\", \"tell your team if...\", \"you may "
           "need another operation\").",
      why="A risk with no answer frightens without helping. Patients need to know what the team does to prevent "
          "or treat it, and what they should watch for and report.",
      bad='{"name": "Infection", "description": ["The wound can become infected."], "frequency": {...}}',
      good='add "management": ["The team keeps the wound clean. Tell the ward if it becomes red or leaks."]')
def risk_without_management(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in ctx.items("/risks"):
        if not isinstance(risk, dict):
            continue
        if not _has_text(risk.get("management")) and not _manages(risk.get("description")):
            name = risk.get("name") if isinstance(risk.get("name"), str) else f"risk {pointer.rsplit('/', 1)[1]}"
            yield Hit(pointer, f"\"{name}\" does not say what is done about it or what to watch for: add "
                      "\"management\"")


# What is done about a risk, written inside its description: "usually easily treated with antibiotics",
# "it settles on its own", "tell your team if...", "you may need another operation".
_MANAGED = re.compile(r"\b(?:treat(?:ed|s|ment|able)?|antibiotics?|medicines?|tablets?|injections?|physiotherapy|"
                      r"settles?|(?:goes|go)\s+away|resolves?|gets?\s+better|another\s+operation|further\s+surgery|"
                      r"(?:tell|contact|call|see)\s+(?:your|the)\b|we\s+(?:will|can)|your\s+(?:team|surgeon|doctor)\s+"
                      r"(?:will|can|may)|(?:can|may)\s+be\s+(?:managed|repaired|fixed|removed|drained|corrected)|"
                      r"to\s+(?:prevent|reduce|lower)\s+(?:this|the\s+risk))", re.IGNORECASE)


def _manages(value: object) -> bool:
    """Whether a risk's description already says what is done about it or what to watch for."""
    if isinstance(value, str):
        return bool(_MANAGED.search(value))
    if isinstance(value, list):
        return any(_manages(item) for item in value)
    if isinstance(value, dict):
        return any(_manages(item) for item in value.values())
    return False


def _has_text(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list):
        return any(_has_text(item) for item in value)
    if isinstance(value, dict):
        return any(_has_text(item) for item in value.values())
    return False


_WHO = re.compile(r"\b(?:ward|GP|doctor|nurse|surgeon|team|hospital|clinic|consultant|A&E|accident and emergency|"
                  r"emergency department|999|111|112|911|NHS)\b|\d[\d ]{7,}\d", re.IGNORECASE)
_EMERGENCY = re.compile(r"(?<!\d)(?:999|112|911)(?!\d)")


def _urgent_help(ctx: Context) -> list[Passage]:
    """``ctx.prose_under("/urgent_help")``, once for LM003 and LM004 (by ``section_prose``: no walk of every
    paragraph)."""
    if "urgent help" not in ctx.cache:
        ctx.cache["urgent help"] = section_prose(ctx, "urgent_help")
    return ctx.cache["urgent help"]


@rule("LM003", "urgent-help-without-contact", Severity.ERROR, "The urgent-help section does not say whom to call.",
      what="`urgent_help.whom_to_call` that names no one to call: no ward, team, GP, NHS 111, 999 or phone number. "
           "Also fires when `urgent_help.symptoms` is missing or holds no symptom text.",
      why="In an emergency a patient re-reads this section for one thing: the number to call. Advice to "
          "\"seek help\" without saying where is no help at night.",
      bad='"whom_to_call": ["Get help quickly if you are worried."]',
      good='"whom_to_call": ["Call the ward on 020 7946 0000. At night call NHS 111. In an emergency call 999."]')
def urgent_help_without_contact(ctx: Context) -> Iterable[Hit]:
    if not isinstance(ctx.data.get("urgent_help"), dict):
        return  # the schema reports a missing or ill-typed section
    symptoms = under(_urgent_help(ctx), "/urgent_help/symptoms")
    if not any(p.text.strip() for p in symptoms):
        yield Hit("/urgent_help", "urgent help lists no symptoms: say which symptoms need help at once")
    whom = " ".join(p.text for p in under(_urgent_help(ctx), "/urgent_help/whom_to_call"))
    if not _WHO.search(whom):
        yield Hit("/urgent_help/whom_to_call", "this does not say whom to call: name the ward or team and its "
                  "number, NHS 111 or the GP, and 999 in an emergency")


@rule("LM004", "no-emergency-number", Severity.WARNING, "Urgent help does not give the emergency number.",
      what="`urgent_help` that does not mention 999 (or 112 or 911).",
      why="Some symptoms after spinal surgery (loss of bladder control, chest pain, sudden breathlessness) need an "
          "ambulance, not a call to the ward in the morning.",
      bad='"whom_to_call": ["Call the ward or your GP."]',
      good='"whom_to_call": ["Call the ward or your GP. In an emergency, call 999."]')
def no_emergency_number(ctx: Context) -> Iterable[Hit]:
    if not isinstance(ctx.data.get("urgent_help"), dict):
        return
    text = " ".join(p.text for p in _urgent_help(ctx))
    if not _EMERGENCY.search(text):
        yield Hit("/urgent_help/whom_to_call", "urgent help does not mention 999: say when to call it")


# The meaning, in any of the phrasings real leaflets use: (1) this leaflet does not replace advice
# ("does not replace", "is not intended to replace", "is not a substitute for", "should not be used
# instead of", "cannot replace", "general guidance only") and (2) the patient's own team is the one to ask.
_REPLACE = re.compile(r"\b(?:not|never|cannot|n['’]t)\s+(?:\w+\s+){0,3}?(?:replace|take\s+the\s+place|substitute|"
                      r"a\s+substitute|be\s+a\s+substitute|be\s+used\s+instead|instead)|\bnot\s+a\s+substitute\b|"
                      r"\b(?:general|generic)\s+(?:information|guidance|advice)\b|\b(?:is|are)\s+(?:only\s+)?general\b|\bonly\s+(?:general|a\s+general)\s+"
                      r"(?:information|guide|guidance)\b|\bnot\s+(?:personal|individual)\s+(?:medical\s+)?advice\b",
                      re.IGNORECASE)
_YOUR_TEAM = re.compile(r"\b(?:doctors?|team|nurses?|surgeons?|GP|consultants?|clinicians?|physiotherapists?|"
                        r"specialists?|(?:health\s*care|medical)\s+professionals?|staff)\b", re.IGNORECASE)


@rule("LM005", "disclaimer-incomplete", Severity.WARNING,
      "The disclaimer does not say the leaflet cannot replace advice.",
      what="A `disclaimer` that does not say, in any words, both that the leaflet does not replace advice (\"does not "
           "replace\", \"is not intended to replace\", \"cannot replace\", \"is not a substitute for\", \"general "
           "guidance only\") and "
           "who to ask instead (the patient's doctor, nurse, surgeon or care team). The meaning is checked, not one "
           "phrasing, in English leaflets only: the phrasings it knows are English (a fluent reader checks others).",
      why="A leaflet is written for everyone having the operation; the patient's own team knows their case. The "
          "disclaimer tells them which to trust when the two differ.",
      bad='"disclaimer": "This leaflet was written by the spinal team at our hospital."',
      good='"disclaimer": "This leaflet is not intended to replace the discussion between you and your doctor."')
def disclaimer_incomplete(ctx: Context) -> Iterable[Hit]:
    text = ctx.data.get("disclaimer")
    if not ctx.english or not isinstance(text, str) or not text.strip():
        return
    if not _REPLACE.search(text):
        yield Hit("/disclaimer", "the disclaimer does not say that this leaflet does not replace advice from the "
                  "patient's own care team: say so")
    elif not _YOUR_TEAM.search(text):
        yield Hit("/disclaimer", "the disclaimer does not say whom to ask instead: name the patient's own doctor, "
                  "nurse or care team")


def _forms(term: str) -> list[str]:
    if "(" not in term:  # most terms: no bracket for either expression to find
        plain = term.strip().lower()
        return [plain] if plain else []
    plain = re.sub(r"\s*\([^)]*\)", "", term).strip().lower()
    inner = re.findall(r"\(([^)]*)\)", term)
    return [f for f in [plain, *[i.strip().lower() for i in inner]] if f]


@rule("LM006", "unused-glossary-term", Severity.WARNING, "A glossary term is not used in the leaflet.",
      what="A glossary entry whose term (or the abbreviation in brackets after it, or a plural) appears nowhere "
           "else in the leaflet.",
      why="The glossary is there to explain the words the patient meets in this leaflet; an unused entry is "
          "usually left over from the leaflet the text was copied from.",
      bad='"glossary": [{"term": "kyphoplasty", ...}] in a leaflet that never says kyphoplasty',
      good="Remove the entry, or use the word where it helps.")
def unused_glossary_term(ctx: Context) -> Iterable[Hit]:
    if not isinstance(ctx.data.get("glossary"), list):
        return
    body = "\n".join(p.text for p in ctx.paragraphs if p.section != "glossary").lower()
    for pointer, entry in ctx.items("/glossary"):
        term = entry.get("term") if isinstance(entry, dict) else None
        if not isinstance(term, str) or not term.strip():
            continue
        if not any(_starts_a_word(body, _stem(f)) for f in _forms(term)):
            yield Hit(f"{pointer}/term", f"\"{term}\" is in the glossary but not used in the leaflet: remove it")


def _starts_a_word(text: str, needle: str) -> bool:
    """Whether ``needle`` occurs in ``text`` at the start of a word (str.find: no regex scan)."""
    index = text.find(needle)
    while index != -1:
        if index == 0 or not (text[index - 1].isalnum() or text[index - 1] in "_-"):
            return True
        index = text.find(needle, index + 1)
    return False


def _stem(form: str) -> str:
    """Enough of a word to match its plural and its Latin plural (vertebra/vertebrae, bacterium/bacteria)."""
    return form[:-1] if len(form) > 5 and form[-1] in "asem" else form


@rule("LM007", "import-leftovers", Severity.ERROR, "An import left text it could not place beside the leaflet.",
      what="A `<language>.unmapped.md` file beside the leaflet: `leaflets import` writes there, under the headings "
           "they stood under, the paragraphs, lists and tables of the original that fit no section, and the pictures "
           "it saved.",
      why="An imported leaflet is only finished when every sentence of the original has been placed or deliberately "
          "dropped; text left in a side file would otherwise be lost from the leaflet patients read without anyone "
          "deciding so.",
      bad="content/carpal-tunnel-release/en.unmapped.md beside content/carpal-tunnel-release/en.json",
      good="Move each part into the right section of en.json (or decide it does not belong), then delete "
           "en.unmapped.md.")
def import_leftovers(ctx: Context) -> Iterable[Hit]:
    leftovers = ctx.doc.path.with_name(f"{ctx.doc.path.stem}.unmapped.md")
    if leftovers.is_file():
        yield Hit("", f"{leftovers.name} beside this file holds text from an import that is not in the leaflet yet: "
                  f"place it in the right sections (or decide it does not belong), then delete {leftovers.name}")


_CLAUSE_END = re.compile(r"[.!?;:]\s")  # compiled once: re.split with a string looks it up for each paragraph


def _risk_clauses(ctx: Context) -> tuple[list[str], str]:
    """The risks' prose in lower case split into clauses, and the clauses with their white space made single
    spaces and stripped, joined by NUL: what ``MaterialRisk.mentioned`` reads.

    Found by a few calls in C on all the risks' text at once, not by a split, a join and a strip for each
    paragraph and clause (one hundred and more a leaflet). The paragraphs are joined by NUL and each clause
    end made a NUL: a clause end is a mark and a white space, so none takes in a NUL, and each is the one
    the paragraph alone has. Split at the NULs, that is the clauses of every paragraph in turn. A paragraph
    with a NUL of its own (never in a real leaflet) would be split at it: then each is split alone, as before."""
    paragraphs = section_prose(ctx, "risks")
    text = "\x00".join(p.text for p in paragraphs).lower()
    if text.count("\x00") != max(len(paragraphs) - 1, 0):
        clauses = [s for p in paragraphs for s in _CLAUSE_END.split(p.text.lower())]
        return clauses, "\0".join(" ".join(s.split()) for s in clauses)
    joined = _CLAUSE_END.sub("\x00", text)
    clauses = joined.split("\x00") if paragraphs else []
    # Each clause's " ".join(clause.split()). Nothing to do when the only white space is single spaces between
    # words, as in nearly every leaflet (every other white-space character is one str.isprintable() refuses);
    # else runs of white space made one space, then the spaces beside a NUL dropped (split() drops those at
    # either end).
    if "".join(clauses).isprintable() and "  " not in joined and "\x00 " not in joined and \
            " \x00" not in joined and joined[:1] != " " and joined[-1:] != " ":
        return clauses, joined
    return clauses, " ".join(joined.split()).replace("\x00 ", "\x00").replace(" \x00", "\x00")


def _in_language(risk: MaterialRisk, language: str) -> MaterialRisk | None:
    """``risk.in_language(language)``; in another language than English (a new risk each time, whose
    expressions were compiled again for every leaflet) kept for the process, as the checklist itself is
    (material.families). The same risk and language give an equal risk, so what it finds is the same."""
    return risk if language == "en" else _translated(risk, language)


@functools.cache
def _translated(risk: MaterialRisk, language: str) -> MaterialRisk | None:
    return risk.in_language(language)


@rule("LM008", "material-risk-missing", Severity.ERROR,
      "A serious risk on the checklist of the leaflet's procedure family is not mentioned.",
      what="A leaflet that declares its procedure `family` (e.g. \"spine\") must name, somewhere in its `risks`, every "
           "risk on that family's checklist (infection, bleeding, blood clots, nerve damage, a dural tear, damage to "
           "the nerves of the bladder and bowel, paralysis and death for the spine), in any words the checklist "
           "knows, or list it in `not_applicable_risks` with the reason it does not apply. Also fires on a family "
           "with no checklist and on a `not_applicable_risks` entry naming a risk the checklist does not have. "
           "Synonyms are per language (`synonyms_cy` beside the English `synonyms`); a leaflet in a language "
           "a risk has no synonyms for gets one info finding naming the risks not checked, never a false error.",
      why="UK consent law (Montgomery, 2015) and the GMC's guidance ask that patients are told of every material "
          "risk and every serious harm, however rare. Leaving out the rare catastrophic ones (paralysis, death) is "
          "the omission a patient is least able to notice, and a figure is not needed to name a risk honestly.",
      bad='"family": "spine" and risks that never mention paralysis',
      good='add {"name": "Paralysis", ..., "frequency": {"known": false, "note": "The sources we used give no '
           'figure."}}, or "not_applicable_risks": [{"risk": "paralysis", "reason": "…because…"}]',
      data_file="leaflets/rules/data/material_risks.toml")
def material_risk_missing(ctx: Context) -> Iterable[Hit]:
    from leaflets.rules.material import families

    family_id = ctx.data.get("family")
    if not isinstance(family_id, str) or not isinstance(ctx.data.get("risks"), list):
        return  # no family declared (the checklist is opt-in), or the schema reports the risks
    family = families().get(family_id)
    if family is None:
        yield Hit("/family", f"there is no material-risk checklist for the family \"{family_id}\": use one of "
                  f"{', '.join(sorted(families()))}, or add it to leaflets/rules/data/material_risks.toml")
        return
    known = {risk.id for risk in family.risks}
    excused = set()
    for pointer, entry in ctx.items("/not_applicable_risks"):
        risk_id = entry.get("risk") if isinstance(entry, dict) else None
        if isinstance(risk_id, str) and risk_id not in known:
            yield Hit(f"{pointer}/risk", f"\"{risk_id}\" is not on the {family_id} checklist: use one of "
                      f"{', '.join(sorted(known))}")
        excused.add(risk_id)
    sentences, spaced = _risk_clauses(ctx)
    language = str(ctx.data.get("language", "en")).split("-")[0].lower()
    unchecked = [risk.id for risk in family.risks if risk.id not in excused and _in_language(risk, language) is None]
    if unchecked:
        yield Hit("/risks", f"the {family_id} checklist has no {language} words for {', '.join(unchecked)}, so these "
                  f"risks were not checked: check them by eye, or add synonyms_{language} to "
                  "leaflets/rules/data/material_risks.toml", severity=Severity.INFO)
    for risk in (_in_language(r, language) for r in family.risks if r.id not in excused):
        if risk is not None and not risk.mentioned(sentences, spaced):
            yield Hit("/risks", f"the risks never mention {risk.name[0].lower()}{risk.name[1:]}, on the checklist of "
                      f"material risks of {family.name[0].lower()}{family.name[1:]}: name it however rare (with "
                      f"\"known\": false if the sources give no figure), or list \"{risk.id}\" in "
                      "not_applicable_risks with the reason")
