"""Local slots: one master leaflet, many hospitals.

A leaflet many trusts share cannot carry one hospital's ward number or care pathway. Its text names
a **slot** instead, ``{ward_phone}`` or ``{home_nursing}`` (a name of lower-case letters, digits and
underscores that starts with a letter, at most 40 characters), and each brand fills it from the
``slots`` of its ``brand.json``: plain text for every language, or one text per language
(``{"en": "…", "cy": "…"}``; a leaflet in ``en-GB`` takes ``en-GB``, else ``en``; a language the
brand does not give is not filled: no silent fall back to English in a Welsh leaflet).

Braces that are not a slot are text: ``{see below}`` and ``{`` alone are printed as written (the
hygiene of "looks like a slot but is not a valid name" is rule LL002's warning). To print a valid
slot name in braces, double the braces: ``{{ward_phone}}`` prints ``{ward_phone}``.

Where it happens: :func:`fill` on the leaflet's JSON, before the model is built
(:func:`leaflets.build.prepare`, for ``build``, ``preview`` and ``serve`` alike), so every text field
(paragraphs, list items, names, notes, contact text, titles…) gets the value, and the templates escape
it like any other text. A value is plain text (the brand schema refuses ``<``). A slot the brand does
not fill is rule LL001's error, which refuses the build for that leaflet; a draft shows a marked
placeholder instead (``[slot not filled: ward_phone – see finding LL001]``). ``validate``, with no brand
chosen, checks the slots against every known brand (:func:`known_brands`).

Values are never searched for slots in turn: a value that contains ``{x}`` prints ``{x}``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leaflets.content import display_path, pointer_escape

NAME = r"[a-z][a-z0-9_]{0,39}"
VALID_NAME = re.compile(rf"^{NAME}$")
# A slot, or a slot name in doubled braces (text: "{{ward_phone}}" prints "{ward_phone}").
TOKEN = re.compile(rf"\{{\{{({NAME})\}}\}}|\{{({NAME})\}}")
# Braces round something that reads like a name but is not a valid one: "{Ward Phone}", "{ward-phone}".
NEAR_MISS = re.compile(r"\{[ \t]*([A-Za-z][A-Za-z0-9 _.-]{0,39}?)[ \t]*\}")
FINDING = "LL001"  # the rule that reports an unfilled slot (leaflets.rules.slots)

# Keys whose strings are codes, dates, addresses or file names, never text a patient reads: no slot
# is looked for, or filled, in them (the schema's patterns refuse braces in most of them anyway).
NOT_TEXT = frozenset({"$schema", "id", "language", "version", "status", "last_reviewed", "next_review", "approval",
                      "suppressions", "translation_of", "band", "kind", "per", "group", "phone", "email", "web",
                      "url", "accessed", "family", "not_applicable_risks", "file", "copy", "cite", "leaflets"})


@dataclass(frozen=True, slots=True)
class Use:
    """One place a slot is used: the string at ``pointer``, from character ``index``, ``length`` long."""

    pointer: str
    index: int
    length: int
    name: str


def strings(data: Any, pointer: str = "") -> Iterator[tuple[str, str]]:
    """(pointer, text) of every string a patient may read, in document order."""
    if isinstance(data, str):
        yield pointer, data
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from strings(item, f"{pointer}/{index}")
    elif isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_TEXT:
                yield from strings(value, f"{pointer}/{pointer_escape(key)}")


def uses(data: Any) -> list[Use]:
    """Every slot the leaflet uses, in document order (a doubled-brace name is text, not a use)."""
    found = []
    for pointer, text in strings(data):
        if "{" not in text:
            continue
        for match in TOKEN.finditer(text):
            if match.group(2):
                found.append(Use(pointer, match.start(), len(match.group()), match.group(2)))
    return found


def near_misses(data: Any) -> Iterator[tuple[str, int, str, str]]:
    """(pointer, index, what was written, the slot name it was probably meant to be) for each pair of
    braces round a name that is not a valid slot name."""
    for pointer, text in strings(data):
        if "{" not in text:
            continue
        for match in NEAR_MISS.finditer(text):
            if VALID_NAME.match(match.group(1)) and match.group() == "{" + match.group(1) + "}":
                continue  # a slot
            if text[match.start() - 1:match.start()] == "{" and text[match.end():match.end() + 1] == "}":
                continue  # doubled braces: text on purpose
            yield pointer, match.start(), match.group(), suggest(match.group(1))


def suggest(written: str) -> str:
    """``Ward Phone`` → ``ward_phone``: the valid name closest to what was written."""
    name = re.sub(r"[^a-z0-9]+", "_", written.strip().lower()).strip("_")
    if not name or not name[0].isalpha():
        name = "slot_" + name
    return name[:40].rstrip("_")


# --- values: what a brand fills in -----------------------------------------------------------------

SlotValues = Mapping[str, "str | Mapping[str, str]"]


def value_of(values: SlotValues, name: str, language: str) -> str | None:
    """The brand's text for slot ``name`` in ``language``: one text for every language, or the
    language's own (``en-GB``, else ``en``); None when the brand does not fill it in that language."""
    value = values.get(name)
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        for tag in (language, language.split("-")[0]):
            text = value.get(tag)
            if isinstance(text, str):
                return text
    return None


def languages_of(values: SlotValues, name: str) -> list[str]:
    """The languages a per-language slot is filled in (empty for one text for all, or no value)."""
    value = values.get(name)
    return sorted(value) if isinstance(value, Mapping) else []


@dataclass(frozen=True)
class BrandSlots:
    """A brand's slot values as ``validate`` reads them: ``brand.json``'s ``slots`` only (the brand's
    fonts and logo are the build's business, and validate must stay fast)."""

    name: str
    file: str  # brand.json's display path
    values: Mapping[str, Any]
    problem: str = ""  # why the values could not be read, if they could not

    def fills(self, name: str, language: str) -> bool:
        return value_of(self.values, name, language) is not None

    def missing(self, name: str, language: str) -> str:
        """Why this brand does not fill ``name`` in ``language``, in words, for a finding."""
        if self.problem:
            return f"its brand.json cannot be read ({self.problem})"
        have = languages_of(self.values, name)
        if have:
            return f"its \"{name}\" is given only in {', '.join(have)}, not in {language}"
        return f"its \"slots\" has no \"{name}\""


def read_brand_slots(folder: str | Path) -> BrandSlots:
    """The slots of the brand in ``folder`` (a name's folder under brands/, or a path)."""
    path = Path(folder) / "brand.json"
    try:
        stat = path.stat()
    except OSError as exc:
        return BrandSlots(Path(folder).name, display_path(path), {}, exc.strerror or str(exc))
    return _read(str(path.resolve()), stat.st_mtime_ns, stat.st_size, display_path(path))


@functools.lru_cache(maxsize=64)
def _read(path: str, _mtime: int, size: int, display: str) -> BrandSlots:
    from leaflets.brand_folder import MAX_BRAND_JSON_BYTES  # not leaflets.brand: see brand_folder

    name = Path(path).parent.name
    if size > MAX_BRAND_JSON_BYTES:
        return BrandSlots(name, display, {}, "it is over the size limit for a brand.json")
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        return BrandSlots(name, display, {}, f"{type(exc).__name__}: {exc}")
    values = data.get("slots") if isinstance(data, dict) else None
    return BrandSlots(name, display, values if isinstance(values, dict) else {})


def brand_folders(chosen: Sequence[str] = ()) -> list[Path]:
    """The brands to check slots against: those ``chosen`` (names in brands/ or paths of brand
    folders), else every brand in the brands folder (leaflets.brand_folder.brand_dir, found from the package,
    so this works from any working folder). Raises ValueError naming one that is not a brand."""
    from leaflets.brand_folder import BRAND_FILE, brand_dir  # not leaflets.brand: see brand_folder

    if not chosen:
        try:
            root = brand_dir()
        except FileNotFoundError:
            return []
        return sorted(path.parent for path in root.glob(f"*/{BRAND_FILE}"))
    folders = []
    for name in chosen:
        shipped = None
        if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name):
            try:
                shipped = brand_dir() / name
            except FileNotFoundError:
                shipped = None
        if shipped is not None and (shipped / BRAND_FILE).is_file():
            folders.append(shipped)
        elif (Path(name) / BRAND_FILE).is_file():
            folders.append(Path(name))
        else:
            raise ValueError(f"no brand \"{name}\": give a brand's name in brands/ or the path of a folder "
                             f"holding a {BRAND_FILE}")
    return folders


def known_brands(chosen: Sequence[str] = ()) -> list[BrandSlots]:
    return [read_brand_slots(folder) for folder in brand_folders(chosen)]


def looked_at(brands: Sequence[BrandSlots]) -> str:
    """``brands default and example-hospital in brands/``: the brands a finding was checked against."""
    if not brands:
        return "no brands (none found)"
    names = [b.name for b in brands]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    folders = sorted({Path(b.file).parent.parent.as_posix() for b in brands})
    return f"brand{'s' if len(names) > 1 else ''} {listed} in {', '.join(f.rstrip('/') + '/' for f in folders)}"


# --- filling ---------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Edit:
    """Characters ``start``…``end`` of one string replaced by ``length`` characters."""

    start: int
    end: int
    length: int


Edits = dict[str, list[Edit]]  # pointer → its edits, in order


def placeholder(name: str) -> str:
    """What a draft shows for an unfilled slot: unmistakable in words, and marked (see leaflets.render.marks)."""
    return f"[slot not filled: {name} – see finding {FINDING}]"


class UnfilledSlots(ValueError):
    """A leaflet (not a draft) uses a slot the brand does not fill: it must not be printed with braces."""


def fill(data: Any, value: Callable[[str], str | None], *, draft: bool) -> tuple[Any, Edits]:
    """A copy of ``data`` with each slot replaced by ``value(name)`` (and each ``{{name}}`` by
    ``{name}``), and the edits made, by pointer (so a draft's findings, placed by characters of the
    original text, can be moved with them: :func:`moved`). An unfilled slot raises
    :class:`UnfilledSlots` naming every one, or, in a ``draft``, becomes :func:`placeholder`."""
    edits: Edits = {}
    unfilled: list[str] = []

    def replace(text: str, pointer: str) -> str:
        if "{" not in text:
            return text
        out, last, made = [], 0, []
        for match in TOKEN.finditer(text):
            if match.group(1):
                new = "{" + match.group(1) + "}"
            else:
                filled = value(match.group(2))
                if filled is None:
                    unfilled.append(f"{{{match.group(2)}}} at {pointer}")
                    filled = placeholder(match.group(2))
                new = filled
            out += [text[last:match.start()], new]
            made.append(Edit(match.start(), match.end(), len(new)))
            last = match.end()
        if not made:
            return text
        edits[pointer] = made
        return "".join(out) + text[last:]

    def walk(value_: Any, pointer: str) -> Any:
        if isinstance(value_, str):
            return replace(value_, pointer)
        if isinstance(value_, list):
            return [walk(item, f"{pointer}/{index}") for index, item in enumerate(value_)]
        if isinstance(value_, dict):
            return {key: item if key in NOT_TEXT else walk(item, f"{pointer}/{pointer_escape(key)}")
                    for key, item in value_.items()}
        return value_

    filled_data = walk(data, "")
    if unfilled and not draft:
        raise UnfilledSlots(", ".join(unfilled))
    return filled_data, edits


def moved(edits: Iterable[Edit], index: int, length: int | None) -> tuple[int, int | None]:
    """A stretch (``index``, ``length``) of the original text, in the filled text: after a slot it
    moves by the difference; one that covers a slot covers its value."""
    def at(position: int, end: bool) -> int:
        shift = 0
        for edit in edits:
            if position >= edit.end:
                shift += edit.length - (edit.end - edit.start)
            elif position > edit.start:  # inside a slot: its value's start, or end
                return edit.start + shift + (edit.length if end else 0)
            else:
                break
        return position + shift

    start = at(index, False)
    if length is None:
        return start, None
    return start, max(1, at(index + length, True) - start)


def for_brand(data: Any, values: SlotValues, brand: str, source: str, *, draft: bool) -> tuple[Any, Edits] | str:
    """``data`` with the brand's slot values filled in for the leaflet's language, and the edits made;
    or, when a slot is not filled and this is not a draft, the one-line reason it cannot be rendered
    (the build's check has refused it already with a finding at each place: this is the backstop for a
    configuration that turned LL001 off, so braces are never printed for a patient)."""
    language = data.get("language") if isinstance(data, dict) else None
    language = language if isinstance(language, str) else "en"
    try:
        return fill(data, lambda name: value_of(values, name, language), draft=draft)
    except UnfilledSlots as exc:
        return (f"{source}: cannot be rendered for brand \"{brand}\": it uses slots the brand does not fill in "
                f"\"{language}\": {exc} (see finding {FINDING}; add them to \"slots\" in the brand's brand.json)")


def move_findings(findings: Sequence[Any], edits: Edits) -> tuple[Any, ...]:
    """A draft's findings (leaflets.render.marks.DraftFinding) with each stretch of text they mark
    moved to where it is after the slots were filled in (:func:`moved`)."""
    import dataclasses

    out = []
    for finding in findings:
        made = edits.get(finding.pointer)
        if made and finding.index is not None:
            index, length = moved(made, finding.index, finding.length)
            finding = dataclasses.replace(finding, index=index, length=length)
        out.append(finding)
    return tuple(out)
