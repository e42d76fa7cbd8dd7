"""Map the blocks of an imported leaflet onto our content model (schemas/leaflet.v2.schema.json).

A heading is matched to a section by its words ("What are the risks?", "Possible complications"
→ risks; "Going home", "After the operation" → recovery); the blocks under it are shaped the way
that section wants them (text as paragraphs and lists, risks from a table's rows, alternatives,
timeline steps, questions). Whatever fits nowhere is kept, in document order, as *unmapped*,
for the writer to place by hand: an import must never lose a sentence of a clinical leaflet.

Frequencies are read with the same parser the LN rules use, and written in content format v2. A figure
becomes a rate of the kind its words give ("about", "up to", "less than", "at least", "more than", a
range) and the band worked out from it, when it lies in one. A bare word such as "common" becomes a
verbal-only band with a TODO note: the writer must find the figure or say what the word rests on
(validate refuses the TODO until then).

A PNG or JPEG picture that stands in text the mapping placed (a section, a risk's or option's own text,
a recovery step) becomes a figure block there, with the document's alt text, or a TODO one (validate
reports it) when the document gives none or too little to describe it. Its ``file`` is named by the
importer. Other pictures (a GIF, one above the title or among text kept aside) are saved beside the
leaflet and listed in the notes, as before figures existed.

A contact section whose list or table gives several named numbers, each line or row nothing but a name
and a phone number, e-mail or web address (and, in a table, when to use it or its hours), becomes
``contact.others``; anything less regular stays as text, for the writer to read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from leaflets.import_read import Block, Document, Heading, Image, Items, Para, Table, clean
from leaflets.rules.numbers import Figure, computed_band, figures

TEXT_SECTIONS = ("condition", "procedure", "benefits", "preparation", "on_the_day")

# (target, pattern over the heading's lower-cased words), first match wins: specific before general.
# A target is a section, or "recovery.<field>" for one part of recovery.
_HEADINGS: list[tuple[str, str]] = [
    ("urgent_help", r"\burgent|\bemergency|when (?:to|should i) (?:get|seek|call|contact)|seek(?:ing)? (?:medical )?"
                    r"(?:help|advice)|warning signs|get help|danger signs|red flags"),
    ("disclaimer", r"\bdisclaimer"),
    ("sources", r"\breferences?\b|\bsources?\b|\bevidence\b|further reading|bibliography"),
    ("glossary", r"\bglossary|medical (?:words|terms)|what (?:the )?words mean|terms used"),
    ("questions", r"\bquestions?\b"),
    ("contact", r"\bcontact|who (?:to|can i) (?:call|phone|ring|ask)|phone numbers?|useful numbers|"
                r"how to reach us|(?:more|further) information"),
    ("risks", r"\brisks?\b|complications?|side[ -]effects?|what (?:could|can) go wrong|\bdangers?\b"),
    ("alternatives", r"\balternatives?\b|other (?:options|treatments|choices)|what (?:else|other)|instead\b|"
                     r"not having (?:the|an|this) (?:operation|surgery)"),
    ("benefits", r"\bbenefits?\b|advantages|why (?:should|would|do|might) i (?:have|need)|will it help|"
                 r"what (?:are )?the (?:aims?|goals?)"),
    ("recovery.driving", r"\bdriv(?:e|ing)\b"),
    ("recovery.work", r"^work\b|\b(?:back|return(?:ing)?|going back) to (?:work|school)|\bwork and\b|time off work"),
    ("recovery.exercise", r"\bexercises?\b|physiotherapy|\bsports?\b|physical activity"),
    ("recovery.hospital_stay", r"(?:how long|length of) (?:will i )?(?:be |stay )?(?:in )?hospital|hospital stay"),
    ("recovery", r"\brecover|after (?:the|your|my|surgery|an?)\b|afterwards|going home|aftercare|after care|"
                 r"rehabilitation|back to normal|follow[ -]up|at home"),
    ("preparation", r"^before\b|\bbefore (?:the|your|my|surgery|an?)\b|\bprepar|getting ready|get ready|pre[ -]?op|"
                    r"pre[ -]?assessment|what (?:to|should i) bring"),
    ("on_the_day", r"on the day|day of (?:the|your)|admission|arriving|\banaesthe|in hospital|in the operating|"
                   r"theatre"),
    ("procedure", r"\bthe (?:operation|procedure|surgery)\b|what (?:is|does) (?:the |an? )?(?:operation|procedure|"
                  r"surgery)|how is (?:it|the operation|the procedure) done|what happens (?:in|during)|"
                  r"what does it involve|\babout (?:the|your) (?:operation|procedure|surgery)\b|\btreatment\b"),
    ("condition", r"\bcondition\b|\bcauses?\b|\bsymptoms\b|\bdiagnos|what is\b|what are\b|about (?:the|your)\b"),
    ("summary", r"\bsummary\b|\bintroduction\b|\babout this leaflet\b|\bin brief\b|\boverview\b"),
]
_HEADING_RES = [(target, re.compile(pattern)) for target, pattern in _HEADINGS]
_PROCEDURE_WORDS = re.compile(r"operation|surgery|procedure|release|repair|fusion|replacement|ectomy|otomy|plasty|"
                              r"scopy|decompression|stabilisation|stabilization|injection|graft")

_NO_TREATMENT = re.compile(r"\bno (?:treatment|surgery|operation)\b|\bnot (?:to )?hav(?:e|ing) (?:the|an|any|this|"
                           r"surgery|treatment)|\bdo(?:ing)? nothing\b|\bwatch(?:ful)? (?:and )?wait", re.IGNORECASE)
_SPLIT = re.compile(r"\s*(?::|\s[–—-]\s)\s*")  # "Infection: the wound ..." or "Infection – the wound ..."
_HEADER_WORDS = re.compile(r"\b(?:risk|complication|side effect|how (?:often|common|likely)|frequency|chance|"
                           r"likelihood|problem)s?\b", re.IGNORECASE)
_COLUMNS = [(role, re.compile(pattern, re.IGNORECASE)) for role, pattern in [
    ("management", r"what (?:we|you|the team) (?:do|can do|will do)|what (?:is|can be|will be) done|manag|prevent|"
                   r"treat|watch|what to do"),
    ("description", r"what (?:it|this) means|descri|details|about|what happens|effects?\b"),
]]
_BAND_WORD = re.compile(r"(?<![\w-])(very\s+common|very\s+rare|uncommon|common|rare)(?![\w-])", re.IGNORECASE)
_URL = re.compile(r"https://[^\s<>\"]+")


def todo(what: str) -> str:
    """A visible placeholder that validate flags (LH001, "TODO"), so an import never passes as finished."""
    return f"TODO: {what}"


@dataclass
class Unmapped:
    """What was not placed, in document order: (the heading it stood under or "", its blocks)."""

    parts: list[tuple[str, list[Block]]] = field(default_factory=list)

    def add(self, heading: str, block: Block) -> None:
        if self.parts and self.parts[-1][0] == heading:
            self.parts[-1][1].append(block)
        else:
            self.parts.append((heading, [block]))


@dataclass
class Mapped:
    data: dict[str, Any]
    unmapped: Unmapped
    images: list[tuple[Image, str]]  # each picture and the text just before it (where it stood)
    placed: list[str]  # the headings we recognised, and where they went


def classify(heading: str, title: str = "") -> str:
    """The section (or "recovery.<field>") a heading's words point to, or "" for none."""
    words = " ".join(re.findall(r"[a-z0-9]+(?:['’-][a-z0-9]+)*", heading.lower()))
    for target, pattern in _HEADING_RES:
        if pattern.search(words):
            if target == "condition" and re.search(r"what (?:is|are)\b", words) and _names_procedure(words, title):
                return "procedure"
            return target
    return ""


def _names_procedure(words: str, title: str) -> bool:
    title_words = set(re.findall(r"[a-z]{4,}", title.lower()))
    return bool(_PROCEDURE_WORDS.search(words)) or bool(title_words and title_words <= set(words.split()))


# --- frequencies --------------------------------------------------------------------------------------------------

def frequency(text: str) -> dict[str, Any] | None:
    """A schema frequency read from text such as "1 in 100", "up to 1 in 20", "less than 1 %", "more than 9 in 10",
    "5 to 10 %", "between 1 in 20 and 1 in 10", or a bare band word (then that band with a TODO note). None when
    the text holds no frequency."""
    found = figures(text)
    if len(found) >= 2 and all(f.exact for f in found[:2]) and re.search(r"\b(?:to|and)\b|[-–—]",
                                                                           text[found[0].start:found[1].start]):
        low, high = sorted((found[0].low, found[1].low))
        found = [Figure(low, high, text, 0)]
    if found:
        return _known(found[0])
    word = _BAND_WORD.search(text)
    if word:
        said = " ".join(word[1].lower().split())
        return {"band": said, "note": todo(f"the imported leaflet calls this \"{said}\" but gives no figure: find the "
                                           "figure in a source (and give it as a rate), or say what the word rests on "
                                           "(e.g. expert opinion)")}
    return None


def _known(figure: Figure) -> dict[str, Any]:
    def pct(value: float) -> float | int:
        rounded = float(f"{value:.4g}")
        return int(rounded) if rounded == int(rounded) else rounded

    said = figure.text.lower()
    if figure.exact:
        rate: dict[str, Any] = {"kind": "about", "percent": pct(figure.low)}
    elif figure.at_least:
        rate = {"kind": "at-least" if said.startswith("at") else "more-than", "percent": pct(figure.low)}
    elif figure.low == 0:
        rate = {"kind": "up-to" if said.startswith("up") else "less-than", "percent": pct(figure.high)}
    else:
        rate = {"kind": "between", "percent_from": pct(figure.low), "percent_to": pct(figure.high)}
    if not 0 < max(v for k, v in rate.items() if k != "kind") <= 100:
        return {"note": todo(f"the imported figure \"{figure.text}\" is not a share of people: check it")}
    band = computed_band(rate)  # written out for the reviewer; none for a range across a boundary
    return {"rate": rate, "band": band} if band else {"rate": rate}


# --- the mapping --------------------------------------------------------------------------------------------------

class _Mapper:
    def __init__(self, doc: Document) -> None:
        self.doc = doc
        self.data: dict[str, Any] = {}
        self.unmapped = Unmapped()
        self.images: list[tuple[Image, str]] = []
        self.placed: list[str] = []
        self.section = ""  # where blocks go now: a target from classify, or "" (unmapped)
        self.level = 0  # the level of the heading that opened it
        self.heading = ""  # its text, for the unmapped notes
        self.item: dict[str, Any] | None = None  # the risk, alternative or timeline step blocks are added to
        self.item_from_heading = False  # True: the item is named by a sub-heading, and the blocks under it are its text
        self.no_figure: set[int] = set()  # ids of risks whose frequency is still the TODO: a paragraph may give it
        self.last_text = ""

    def run(self) -> Mapped:
        blocks = list(self.doc.blocks)
        first = next((i for i, block in enumerate(blocks) if isinstance(block, Heading)), None)
        if first is not None and _text_of(blocks[first]) == self.doc.title:
            for block in blocks[:first]:  # above the title: a web page's banner, a trust's address
                if isinstance(block, Image):
                    self.images.append((block, "(above the title)"))
                else:
                    self.unmapped.add("(above the title)", block)
            blocks = blocks[first + 1:]  # the title itself is "title" already
        self.section, self.heading = "intro", "(before the first heading)"
        for block in blocks:
            if isinstance(block, Heading):
                self.on_heading(block)
            elif isinstance(block, Image):
                self.put(block)  # a figure where it stood, when its section takes text; else only saved
                self.images.append((block, self.last_text))
            else:
                self.on_block(block)
                self.last_text = _text_of(block)
        return Mapped(self.data, self.unmapped, self.images, self.placed)

    # headings

    def on_heading(self, heading: Heading) -> None:
        self.last_text = heading.text
        target = classify(heading.text, self.doc.title)
        deeper = heading.level > self.level and self.section not in ("", "intro")
        if deeper and self.on_subheading(heading, target):
            return
        self.item, self.item_from_heading = None, False
        self.section, self.level, self.heading = target, heading.level, heading.text
        if target:
            self.placed.append(f"\"{heading.text}\" → {target.replace('.', ' ')}")

    def on_subheading(self, heading: Heading, target: str) -> bool:
        """A heading inside a section: a risk, an option, a recovery step or part. False: it opens a new section."""
        section = self.section.split(".")[0]
        self.item_from_heading = True
        if section == "risks":  # under risks, options and the glossary a sub-heading names an item, whatever its words
            self.item = self.risk(heading.text)
        elif section == "alternatives":
            self.item = self.alternative(heading.text, [])
        elif section == "glossary":
            self.item = {"term": heading.text, "definition": ""}
            self.data.setdefault("glossary", []).append(self.item)
        elif section == "recovery" and target.startswith("recovery."):
            self.section, self.item, self.item_from_heading = target, None, False
            self.placed.append(f"\"{heading.text}\" → {target.replace('.', ' ')}")
        elif section == "recovery" and target in ("", "recovery"):
            self.section, self.item = "recovery", self.step(heading.text)
        elif target in ("", self.section):  # a sub-heading of no other section: kept as a line of its own
            self.item_from_heading = False
            self.on_block(Para(heading.text))
        else:
            self.item_from_heading = False
            return False
        return True

    # blocks

    def on_block(self, block: Block) -> None:
        if not self.put(block):
            self.unmapped.add(self.heading, block)

    def put(self, block: Block) -> bool:
        """Place ``block`` in the current section; False when it does not fit there."""
        section = self.section
        handler = getattr(self, "put_" + section.replace(".", "_"), None) if section else None
        if section in TEXT_SECTIONS:
            handled = self.put_text(section, block)
        elif section.startswith("recovery."):
            handled = self.put_recovery_part(section.split(".")[1], block)
        elif handler is not None:
            handled = handler(block)
        else:
            handled = False
        return handled

    def put_text(self, section: str, block: Block) -> bool:
        return _append_text(self.data.setdefault(section, []), block)

    def put_intro(self, block: Block) -> bool:
        if isinstance(block, Para) and "summary" not in self.data:
            self.data["summary"] = block.text
            self.placed.append("the first paragraph → summary")
            return True
        return False

    def put_summary(self, block: Block) -> bool:
        if not isinstance(block, Para):
            return False
        self.data["summary"] = f"{self.data['summary']} {block.text}" if "summary" in self.data else block.text
        return True

    def put_disclaimer(self, block: Block) -> bool:
        return self.put_line("disclaimer", block)

    def put_line(self, key: str, block: Block) -> bool:
        text = block.text if isinstance(block, Para) else " ".join(block.items) if isinstance(block, Items) else ""
        if not text:
            return False
        self.data[key] = f"{self.data[key]} {text}" if key in self.data else text
        return True

    def put_questions(self, block: Block) -> bool:
        lines = [block.text] if isinstance(block, Para) else block.items if isinstance(block, Items) else []
        self.data.setdefault("questions", []).extend(lines)
        return bool(lines)

    def put_sources(self, block: Block) -> bool:
        lines = [block.text] if isinstance(block, Para) else block.items if isinstance(block, Items) else []
        for line in lines:
            source: dict[str, Any] = {"title": line, "kind": "other"}
            url = _URL.search(line)
            if url:
                source["url"] = url.group().rstrip(".,;)")
            self.data.setdefault("sources", []).append(source)
        return bool(lines)

    def put_contact(self, block: Block) -> bool:
        others = other_contacts(block)
        if others:
            self.data.setdefault("contact", {}).setdefault("others", []).extend(others)
            return True
        return _append_text(self.data.setdefault("contact", {}).setdefault("text", []), block)

    def put_urgent_help(self, block: Block) -> bool:
        urgent = self.data.setdefault("urgent_help", {})
        if isinstance(block, Items):
            urgent.setdefault("symptoms", []).extend(block.items)
            return True
        return _append_text(urgent.setdefault("whom_to_call", []), block)

    def put_glossary(self, block: Block) -> bool:
        entries = self.data.setdefault("glossary", [])
        if isinstance(self.item, dict) and "term" in self.item and isinstance(block, Para):
            self.item["definition"] = f"{self.item['definition']} {block.text}".strip()
            return True
        pairs = _pairs(block)
        entries.extend({"term": term, "definition": definition} for term, definition in pairs)
        return bool(pairs)

    def put_risks(self, block: Block) -> bool:
        if isinstance(block, Table):
            return self.risk_table(block)
        if self.item_from_heading and self.item is not None:  # the text under a risk's own heading
            found = frequency(block.text) if isinstance(block, Para) else None
            if found and id(self.item) in self.no_figure:
                self.item["frequency"] = found
                self.no_figure.discard(id(self.item))
            return _append_text(self.item["description"], block)
        if isinstance(block, Items):
            for line in block.items:
                name, rest = _split(line)
                self.risk(name, [rest] if _says_more(rest) else [], frequency(line))
            self.item_from_heading = False
            return True
        return False

    def risk_table(self, table: Table) -> bool:
        """Each row with a name (first cell) and a frequency (a later cell) is a risk; the header, when there is
        one, says which other column is the description and which the management. Other rows are kept aside."""
        rows, roles = table.rows, {}
        if len(rows) > 1 and _HEADER_WORDS.search(" ".join(rows[0])) and not any(frequency(c) for c in rows[0]):
            roles = {index: role for index, cell in enumerate(rows[0]) for role, pattern in _COLUMNS
                     if pattern.search(cell)}
            rows = rows[1:]
        left: list[list[str]] = [table.rows[0]] if roles else []
        for row in rows:
            found = next(((index, f) for index, cell in enumerate(row) if index and (f := frequency(cell))), None)
            if found is None or not row[0]:
                left.append(row)
                continue
            others = [index for index in range(1, len(row)) if index != found[0] and row[index]]
            described = [i for i in others if roles.get(i) == "description"] or [
                i for i in others if roles.get(i) != "management"][:1]
            managed = [i for i in others if i not in described]
            self.risk(row[0], [row[i] for i in described], found[1], management=[row[i] for i in managed])
        if len(left) > (1 if roles else 0):
            self.unmapped.add(self.heading, Table(left))
        self.item_from_heading = False  # text after the table is not the last row's
        return True

    def risk(self, name: str, description: list[str] | None = None, found: dict[str, Any] | None = None,
             management: list[str] | None = None) -> dict[str, Any]:
        risk: dict[str, Any] = {"name": name, "description": list(description or []),
                                "frequency": found or {"note": todo(
                                    "say how often this happens, with a figure from a source, or say that the "
                                    "sources give none")}}
        if management:
            risk["management"] = list(management)
        if found is None:
            self.no_figure.add(id(risk))
        self.data.setdefault("risks", []).append(risk)
        self.item = risk
        return risk

    def put_alternatives(self, block: Block) -> bool:
        if self.item_from_heading and self.item is not None:  # the text under an option's own heading
            return _append_text(self.item["description"], block)
        if isinstance(block, Items):
            for line in block.items:
                name, rest = _split(line)
                self.alternative(name, [rest] if rest else [])
            return True
        return False  # a paragraph between options: its place is for the writer to choose

    def alternative(self, name: str, description: list[str]) -> dict[str, Any]:
        option: dict[str, Any] = {"name": name, "description": description}
        if _NO_TREATMENT.search(name):
            option["no_treatment"] = True
        self.data.setdefault("alternatives", []).append(option)
        self.item = option
        return option

    def step(self, when: str) -> dict[str, Any]:
        step: dict[str, Any] = {"when": when, "what": []}
        self.data.setdefault("recovery", {}).setdefault("timeline", []).append(step)
        return step

    def put_recovery(self, block: Block) -> bool:
        if self.item is None or "when" not in self.item:
            self.item = self.step(self.heading)
        return _append_text(self.item["what"], block)

    def put_recovery_part(self, key: str, block: Block) -> bool:
        return _append_text(self.data.setdefault("recovery", {}).setdefault(key, []), block)


def _append_text(text: list[Any], block: Block) -> bool:
    """A paragraph or list onto a text field, a PNG or JPEG as a figure block; a table or anything else is not text."""
    if isinstance(block, Para):
        text.append(block.text)
    elif isinstance(block, Items):
        text.append({"list": list(block.items)})
    elif isinstance(block, Image) and block.ext in FIGURE_TYPES and block.figure is None:
        block.figure = {"file": "", "alt": _alt(block.alt)}  # the importer names the file
        text.append({"figure": block.figure})
    else:
        return False
    return True


FIGURE_TYPES = ("png", "jpg")  # what a figure may be (leaflets.figures); a GIF stays a saved picture
ALT_MIN, ALT_MAX = 15, 400  # the schema's bounds for a figure's alt text


def _alt(said: str) -> str:
    """The document's alt text when it can describe a picture (LH020 still judges it), else a TODO."""
    if ALT_MIN <= len(said) <= ALT_MAX:
        return said
    if not said:
        return todo("describe what the picture shows and why it matters, for someone who cannot see it "
                    "(the document gives no alt text)")
    shown = said if len(said) <= 200 else said[:197] + "..."
    return todo(f"describe what the picture shows and why it matters, for someone who cannot see it (the "
                f"document's description, \"{shown}\", is too {'short' if len(said) < ALT_MIN else 'long'})")


_FIGURE_WORDS = {"less", "than", "fewer", "about", "around", "approximately", "roughly", "nearly", "under", "below",
                 "up", "to", "in", "between", "and", "of", "every", "people", "patients", "very", "common",
                 "uncommon", "rare", "per", "cent", "percent"}


_PHONE = re.compile(r"^\+?[0-9][0-9 ]{5,19}$")  # the schema's contact phone, as it should be dialled
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_WEB = re.compile(r"^https://[^\s<>\"]+$")
_REACH_LABEL = re.compile(r"^(?:tel(?:ephone)?|phone|e-?mail|web(?:site)?)\s*[:.]?\s*", re.IGNORECASE)
_REACH_SPLIT = re.compile(r"\s*[,;]\s*|\s+or\s+|\s+and\s+|\s*/\s+")
_LABEL_ONLY = re.compile(r"^(?:tel(?:ephone)?|phone(?: number)?|e-?mail|web(?:site)?|fax|contact(?: us)?|address)$",
                         re.IGNORECASE)
_HOURS = re.compile(r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|weekdays?|weekends?|daily|"
                    r"every day|any time|24 hours|day or night|[0-9]{1,2}(?:[.:][0-9]{2})?\s*(?:am|pm)|"
                    r"[0-9]{1,2}[.:][0-9]{2})\b", re.IGNORECASE)


def reach(text: str) -> dict[str, str] | None:
    """{"phone"/"email"/"web": …} when ``text`` is nothing but one to three ways to reach someone ("020 7946 0140",
    "Tel: (020) 7946-0140, ward@example.org"), each written so the schema takes it; else None."""
    found: dict[str, str] = {}
    for part in _REACH_SPLIT.split(text.strip().rstrip(".")):
        part = _REACH_LABEL.sub("", part.strip())
        phone = " ".join(re.sub(r"[()]", "", re.sub(r"(?<=[0-9])[-.](?=[0-9])", " ", part)).split())
        kind, value = (("phone", phone) if _PHONE.match(phone) else ("email", part) if _EMAIL.match(part)
                       else ("web", part) if _WEB.match(part) else ("", ""))
        if not kind or kind in found:
            return None
        found[kind] = value
    return found or None


def other_contacts(block: Block) -> list[dict[str, Any]]:
    """The named numbers of a contact section's list ("Spinal ward: 020 7946 0140") or table (a row each: the
    name, then its numbers, and what it is for or when it answers), when every line or row reads so, and there
    are at least two; else [] and the block stays text. A row of words only, first, is a header."""
    rows: list[list[str]]
    if isinstance(block, Items):
        rows = [_SPLIT.split(line, maxsplit=1) for line in block.items]  # not _split: it capitalises the rest
    elif isinstance(block, Table):
        rows = block.rows[1:] if block.rows and not any(reach(cell) for cell in block.rows[0]) else block.rows
    else:
        return []
    others: list[dict[str, Any]] = []
    for row in rows:
        name, cells = clean(row[0]).rstrip(":"), [cell for cell in row[1:] if cell]
        if not name or _LABEL_ONLY.match(name) or len(name) > 120:
            return []
        other: dict[str, Any] = {"name": name}
        for cell in cells:
            numbers = reach(cell)
            key = "hours" if numbers is None and _HOURS.search(cell) else "for" if numbers is None else ""
            if numbers is not None and not set(numbers) & set(other):
                other.update(numbers)
            elif key and key not in other and isinstance(block, Table):
                other[key] = cell
            else:
                return []  # something we cannot read for certain: the writer reads it as text
        if not {"phone", "email", "web"} & set(other):
            return []
        others.append({key: other[key] for key in ("name", "for", "phone", "email", "web", "hours") if key in other})
    return others if len(others) >= 2 else []


def _says_more(text: str) -> bool:
    """Whether ``text`` says more than a frequency ("less than 1 in 1,000" says nothing else)."""
    return any(word.lower() not in _FIGURE_WORDS for word in re.findall(r"[A-Za-z]+", text))


def _split(line: str) -> tuple[str, str]:
    """ "Infection: the wound can ..." → ("Infection", "the wound can ..."), upper-casing the rest's first letter."""
    parts = _SPLIT.split(line, maxsplit=1)
    if len(parts) == 2 and parts[0] and parts[1] and len(parts[0]) <= 80:
        rest = parts[1]
        return parts[0].strip(), rest[:1].upper() + rest[1:]
    return line, ""


def _pairs(block: Block) -> list[tuple[str, str]]:
    if isinstance(block, Table):
        return [(row[0], " ".join(row[1:])) for row in block.rows if len(row) >= 2 and row[0] and any(row[1:])]
    lines = [block.text] if isinstance(block, Para) else block.items if isinstance(block, Items) else []
    pairs = [_split(line) for line in lines]
    return [pair for pair in pairs if pair[1]] if all(rest for _, rest in pairs) else []


def _text_of(block: Block) -> str:
    if isinstance(block, Para | Heading):
        return block.text
    if isinstance(block, Items):
        return block.items[-1] if block.items else ""
    if isinstance(block, Table):
        return " | ".join(block.rows[-1]) if block.rows else ""
    return ""


def map_document(doc: Document) -> Mapped:
    """The leaflet fields we could fill from ``doc``, what is left over, and the pictures with their places."""
    mapped = _Mapper(doc).run()
    if doc.title:
        mapped.data["title"] = clean(doc.title)
    _tidy(mapped.data)
    return mapped


def _tidy(data: dict[str, Any]) -> None:
    """Fill what a half-found item lacks with TODOs; an empty text stays empty, for the placeholders to fill."""
    for risk in data.get("risks", []):
        if not risk["description"]:
            risk["description"] = [todo(f"say what \"{risk['name']}\" means for the patient")]
    for option in data.get("alternatives", []):
        if not option["description"]:
            option["description"] = [todo(f"say what \"{option['name']}\" involves and how it compares")]
    for step in data.get("recovery", {}).get("timeline", []):
        if not step["what"]:
            step["what"] = [todo("say what happens at this stage of recovery")]
    for entry in data.get("glossary", []):
        if not entry["definition"]:
            entry["definition"] = todo(f"explain \"{entry['term']}\" in plain words")
    recovery = data.get("recovery")
    if isinstance(recovery, dict) and not recovery.get("timeline"):
        recovery.pop("timeline", None)
