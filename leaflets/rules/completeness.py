"""LM: completeness and metadata beyond the schema. The file is where its id and language say,
every risk says what is done about it, urgent help names whom to call, the disclaimer says what
it must, and the glossary explains words the leaflet uses."""

from __future__ import annotations

import re
from collections.abc import Iterable

from leaflets.findings import Severity
from leaflets.rules.context import Context
from leaflets.rules.registry import Hit, rule


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
      what="A risk with no `management` text, or whose management holds only blank text.",
      why="A risk with no answer frightens without helping. Patients need to know what the team does to prevent "
          "or treat it, and what they should watch for and report.",
      bad='{"name": "Infection", "description": ["The wound can become infected."], "frequency": {...}}',
      good='add "management": ["The team keeps the wound clean. Tell the ward if it becomes red or leaks."]')
def risk_without_management(ctx: Context) -> Iterable[Hit]:
    for pointer, risk in ctx.items("/risks"):
        if not isinstance(risk, dict):
            continue
        if not _has_text(risk.get("management")):
            name = risk.get("name") if isinstance(risk.get("name"), str) else f"risk {pointer.rsplit('/', 1)[1]}"
            yield Hit(pointer, f"\"{name}\" does not say what is done about it or what to watch for: add "
                      "\"management\"")


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
    symptoms = ctx.prose_under("/urgent_help/symptoms")
    if not any(p.text.strip() for p in symptoms):
        yield Hit("/urgent_help", "urgent help lists no symptoms: say which symptoms need help at once")
    whom = " ".join(p.text for p in ctx.prose_under("/urgent_help/whom_to_call"))
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
    text = " ".join(p.text for p in ctx.prose_under("/urgent_help"))
    if not _EMERGENCY.search(text):
        yield Hit("/urgent_help/whom_to_call", "urgent help does not mention 999: say when to call it")


_REPLACE = re.compile(r"\b(?:(?:does|do|is|will)\s+not|doesn['’]t|never)\s+(?:replace|take\s+the\s+place|substitute|"
                      r"a\s+substitute)|\bnot\s+a\s+substitute\b|\binstead\s+of\b", re.IGNORECASE)


@rule("LM005", "disclaimer-incomplete", Severity.WARNING,
      "The disclaimer does not say the leaflet cannot replace advice.",
      what="A `disclaimer` that does not say the leaflet does not replace advice from the patient's own care team "
           "(\"does not replace\", \"is not a substitute for\").",
      why="A leaflet is written for everyone having the operation; the patient's own team knows their case. The "
          "disclaimer tells them which to trust when the two differ.",
      bad='"disclaimer": "This leaflet was written by the spinal team at our hospital."',
      good='"disclaimer": "This leaflet gives general information. It does not replace advice from your own care '
           'team."')
def disclaimer_incomplete(ctx: Context) -> Iterable[Hit]:
    text = ctx.data.get("disclaimer")
    if isinstance(text, str) and text.strip() and not _REPLACE.search(text):
        yield Hit("/disclaimer", "the disclaimer does not say that this leaflet does not replace advice from the "
                  "patient's own care team: say so")


def _forms(term: str) -> list[str]:
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
