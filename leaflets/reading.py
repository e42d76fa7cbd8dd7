"""Reading a leaflet's JSON into text blocks and values: strictly (anything not as the schema says is
a :class:`ContentError`) or, for drafts, leniently, where each value that cannot be used becomes a
:class:`Placeholder` naming the problem and the finding that reports it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from markupsafe import escape

from leaflets.figures import FigureError, FigureImage, load_figure
from leaflets.schema import value_problem
from leaflets.wording import date_in_words

# --- text --------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Paragraph:
    text: str
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True, slots=True)
class BulletList:
    items: tuple[str, ...]
    kind: Literal["list"] = "list"


@dataclass(frozen=True, slots=True)
class Figure:
    """A picture or diagram kept beside the leaflet (leaflets.figures). ``image`` is None when the
    model was built without the leaflet's folder (a model from data alone), or, in a draft, when the
    file cannot be used: then ``problem`` is the placeholder the pages show instead."""

    file: str
    alt: str
    caption: str | None = None
    credit: str | None = None
    image: FigureImage | None = None
    problem: str | None = None
    kind: Literal["figure"] = "figure"


Block = Paragraph | BulletList | Figure
Text = tuple[Block, ...]

# The finding validate gives a figure file that cannot be used (leaflets.rules.completeness).
FIGURE_FILE = "LM020"


def figure_from(data: dict[str, Any], folder: Path | None) -> Figure:
    """A schema-valid figure block's ``{"file", "alt", ...}``, its image read from ``folder`` (when
    given). Raises ContentError when the file cannot be used (validate reports it as LM020)."""
    image = None
    if folder is not None:
        try:
            image = load_figure(folder, data["file"])
        except (FigureError, OSError) as exc:
            raise ContentError(f"figure {data['file']}: {exc}") from exc
    return Figure(data["file"], data["alt"], data.get("caption"), data.get("credit"), image)


def text_from(blocks: list[Any] | None, folder: Path | None = None) -> Text:
    """``["para", {"list": ["a", "b"]}]`` → ``(Paragraph("para"), BulletList(("a", "b")))``; a
    ``{"figure": {...}}`` block is a :class:`Figure` whose file is read from ``folder``."""
    out: list[Block] = []
    for block in blocks or ():
        if isinstance(block, str):
            out.append(Paragraph(block))
        elif "figure" in block:
            out.append(figure_from(block["figure"], folder))
        else:
            out.append(BulletList(tuple(block["list"])))
    return tuple(out)


def plain_text(text: Text) -> str:
    """All the words of ``text``, one block or item a line (for search, JSON-LD, glyph checks); a
    figure's caption and credit, which the outputs print, and its alt text, which they carry."""
    lines: list[str] = []
    for block in text:
        if isinstance(block, Figure):
            lines.extend(words for words in (block.alt, block.caption, block.credit) if words)
        else:
            lines.extend(block.items if isinstance(block, BulletList) else (block.text,))
    return "\n".join(lines)


# --- placeholders: what a draft shows where its content is missing or wrong --------------------

# The schema's finding codes (leaflets.schema.SCHEMA_CODES) a placeholder points the writer to.
MISSING, WRONG_TYPE, NOT_ALLOWED, EMPTY, BAD_FORMAT = "LS001", "LS003", "LS004", "LS005", "LS006"
# The schema's definitions of the values the pages make links of (leaflets.schema.value_problem).
URL, EMAIL, PHONE = "$defs/url", "$defs/contact/properties/email", "$defs/contact/properties/phone"


def recorded_sha256(value: Any) -> str | None:
    """A recorded content hash, or None when absent or malformed (the schema reports that one)."""
    return value if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) else None


class Placeholder(str):
    """Words that stand, in a draft, for a value the content lacks or gets wrong:
    ``[missing: disclaimer – see finding LS001]``.

    A ``str``, so it goes wherever the value would; in HTML (its ``__html__``) it is a
    ``<span class="missing">`` the stylesheets mark as a warning; the ``plain`` filter gives the
    words alone, for attributes and CSS strings."""

    __slots__ = ()

    def __html__(self) -> str:
        return f'<span class="missing">{escape(str.__str__(self))}</span>'


class ContentError(ValueError):
    """Content the (non-draft) model cannot read: the schema should have refused it."""


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


class Reader:
    """Reads the leaflet's JSON. Strict (``draft=False``): anything not as the schema says raises
    :class:`ContentError`. Draft: it becomes a :class:`Placeholder` and reading goes on."""

    def __init__(self, draft: bool, folder: Path | None = None) -> None:
        self.draft = draft
        self.folder = folder  # the leaflet's folder, where its figure files are (None: figures not read)
        self.made = 0  # placeholders made

    def problem(self, what: str, name: str, pointer: str, code: str | None, detail: str = "") -> Placeholder:
        where = "" if pointer == "/" + name else f" at {pointer}"
        see = f"see finding {code}{where}" if code else f"see the findings{where or ' for ' + name}"
        words = f"[{what}: {name}{detail} – {see}]"
        if not self.draft:
            raise ContentError(words)
        self.made += 1
        return Placeholder(words)

    def missing(self, name: str, pointer: str) -> Placeholder:
        return self.problem("missing", name, pointer, MISSING)

    def wrong(self, name: str, pointer: str, value: Any, expected: str) -> Placeholder:
        return self.problem("wrong type", name, pointer, WRONG_TYPE, f" is {_kind_of(value)}, not {expected}")

    def obj(self, parent: Any, key: str, pointer: str, *,
            required: bool = True) -> tuple[dict[str, Any], Placeholder | None]:
        """``parent[key]`` as an object: ({}, placeholder) when it is missing (and required) or not an object."""
        if key not in parent:
            return {}, (self.missing(key, pointer) if required else None)
        value = parent[key]
        if not isinstance(value, dict):
            return {}, self.wrong(key, pointer, value, "an object")
        return value, None

    def items(self, parent: Any, key: str, pointer: str, *,
              required: bool = True) -> tuple[list[Any], Placeholder | None]:
        """``parent[key]`` as a list: ([], placeholder) when it is missing (and required) or not a list."""
        if key not in parent:
            return [], (self.missing(key, pointer) if required else None)
        value = parent[key]
        if not isinstance(value, list):
            return [], self.wrong(key, pointer, value, "a list")
        return value, None

    def objects(self, parent: Any, key: str, pointer: str, *, required: bool = True
                ) -> tuple[list[tuple[dict[str, Any], str]], Placeholder | None]:
        """The objects of the list ``parent[key]`` with their pointers; an item that is not an object
        is read as ``{}`` (so each of its fields shows as missing) after a wrong-type placeholder."""
        values, gap = self.items(parent, key, pointer, required=required)
        out = []
        for index, value in enumerate(values):
            where = f"{pointer}/{index}"
            if not isinstance(value, dict):
                self.wrong(f"{key}[{index}]", where, value, "an object")
                value = {}
            out.append((value, where))
        return out, gap

    def text(self, parent: Any, key: str, pointer: str) -> str:
        if key not in parent:
            return self.missing(key, pointer)
        value = parent[key]
        if not isinstance(value, str):
            return self.wrong(key, pointer, value, "text")
        return value

    def unusable(self, parent: Any, key: str, pointer: str) -> Placeholder:
        """The placeholder of a text that is missing, not text, or empty."""
        value = parent.get(key)
        if key not in parent:
            return self.missing(key, pointer)
        if not isinstance(value, str):
            return self.wrong(key, pointer, value, "text")
        return self.problem("empty", key, pointer, EMPTY)

    def optional_text(self, parent: Any, key: str, pointer: str) -> str | None:
        if key not in parent:
            return None
        return self.text(parent, key, pointer)

    def not_a_name(self, name: str, value: str) -> Placeholder | None:
        """The placeholder of an ``id`` or ``language`` that breaks the schema's definition: outputs
        are named after them, so a draft's must not be ``../x``, ``/`` or 5,000 characters long (its
        outputs take the fallback names instead; see leaflets.names)."""
        problem = value_problem(f"properties/{name}", value)
        if problem is None:
            return None
        return self.problem("not allowed", name, "/" + name, problem[0],
                            f" (not usable as a file name: {problem[1] or 'see the schema'})")

    def optional_checked(self, parent: Any, key: str, pointer: str, definition: str) -> str | None:
        """An optional text that must keep the schema's ``definition`` (a web address, an e-mail
        address, a phone number) because the page makes it a link; in a draft, one that does not is
        its raw text with a placeholder, and so never a link (see leaflets.render.html.href)."""
        value = self.optional_text(parent, key, pointer)
        if value is None or isinstance(value, Placeholder):
            return value
        problem = value_problem(definition, value)
        if problem is None:
            return value
        if not self.draft:
            raise ContentError(f"{pointer}: {problem[1] or 'not allowed'}")
        self.made += 1
        where = "" if pointer == "/" + key else f" at {pointer}"
        return Placeholder(f"{value} [not allowed: {key} – {problem[1] or 'see the schema'}, "
                           f"see finding {problem[0]}{where}]")

    def strings(self, parent: Any, key: str, pointer: str, *, required: bool = True) -> tuple[str, ...]:
        values, gap = self.items(parent, key, pointer, required=required)
        if gap is not None:
            return (gap,)
        return tuple(value if isinstance(value, str) else self.wrong(f"{key}[{i}]", f"{pointer}/{i}", value, "text")
                     for i, value in enumerate(values))

    def blocks(self, parent: Any, key: str, pointer: str, *, required: bool = True) -> Text:
        """Like :func:`text_from`; in a draft, a missing or wrong block is a paragraph of its placeholder."""
        if not self.draft:
            if required:
                return text_from(parent[key], self.folder)
            return text_from(parent.get(key), self.folder)
        if key not in parent:
            return (Paragraph(self.missing(key, pointer)),) if required else ()
        value = parent[key]
        if isinstance(value, str):  # one paragraph where a list of them belongs: show it, and say so
            return Paragraph(value), Paragraph(self.wrong(key, pointer, value, "a list of paragraphs"))
        if not isinstance(value, list):
            return (Paragraph(self.wrong(key, pointer, value, "a list of paragraphs")),)
        out: list[Block] = []
        for index, block in enumerate(value):
            where = f"{pointer}/{index}"
            if isinstance(block, str):
                out.append(Paragraph(block))
            elif isinstance(block, dict) and isinstance(block.get("list"), list):
                out.append(BulletList(self.strings(block, "list", where + "/list")))
            elif isinstance(block, dict) and "figure" in block:
                out.append(self.figure(block, where + "/figure"))
            else:
                out.append(Paragraph(self.problem("wrong type", f"{key}[{index}]", where, WRONG_TYPE,
                                                  f" is {_kind_of(block)}, not a paragraph or a list")))
        return tuple(out)

    def figure(self, block: dict[str, Any], pointer: str) -> Figure:
        """A draft's figure: its words as far as they can be read, and its image, or the placeholder
        that names why the file cannot be used (finding LM020)."""
        data, problem = self.obj(block, "figure", pointer)
        if problem is not None:
            return Figure("", problem, problem=problem)
        file, alt = self.text(data, "file", pointer + "/file"), self.text(data, "alt", pointer + "/alt")
        caption = self.optional_text(data, "caption", pointer + "/caption")
        credit = self.optional_text(data, "credit", pointer + "/credit")
        if isinstance(file, Placeholder) or self.folder is None:
            return Figure(file, alt, caption, credit, problem=file if isinstance(file, Placeholder) else None)
        try:
            image = load_figure(self.folder, file)
        except (FigureError, OSError) as exc:
            self.made += 1
            where = f"see finding {FIGURE_FILE} at {pointer}/file"
            return Figure(file, alt, caption, credit, problem=Placeholder(f"[figure not shown: {exc} – {where}]"))
        return Figure(file, alt, caption, credit, image)

    def date(self, parent: Any, key: str, pointer: str, language: str) -> tuple[dt.date | None, str]:
        """(date, date in words); in a draft, (None, placeholder) when it is missing or not a date,
        the placeholder keeping the raw text."""
        if not self.draft:
            value = dt.date.fromisoformat(parent[key])
            return value, date_in_words(value, language)
        raw = self.text(parent, key, pointer)
        if isinstance(raw, Placeholder):
            return None, raw
        try:
            value = dt.date.fromisoformat(raw)
        except ValueError:
            self.made += 1
            return None, Placeholder(f"{raw} [not a date: {key} – write it as YYYY-MM-DD, "
                                     f"see finding {BAD_FORMAT}{'' if pointer == '/' + key else ' at ' + pointer}]")
        return value, date_in_words(value, language)
