"""``leaflets import``: turn a leaflet kept in Word (.docx) or HTML into a draft content/<id>/<lang>.json.

The draft is the ``leaflets new`` scaffold (leaflets/scaffold.py) with every section the import
could fill filled, so whatever it could not find stays a TODO placeholder that validate reports.
What fits no section is not dropped: it is written, in document order and under the heading it
stood under, to ``<lang>.unmapped.md`` beside the leaflet. Rule LM007 reports that file until the
writer has placed its text and deleted it, so nothing can be forgotten. A picture becomes a figure
where it stood (leaflets.import_map says when), its file saved beside the leaflet; one that could not
be placed is saved too and listed in that file.

Everything is written atomically and only once the whole import has succeeded; pictures get names
we make (``<lang>-figure-<n>.<ext>``), never a name from the document.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets import import_read as reader
from leaflets.content import UsageError
from leaflets.import_map import Mapped, map_document
from leaflets.import_read import Block, Heading, Image, Items, Para, Table
from leaflets.outputs import ordinary_mode


class ImportFailed(Exception):
    """The input was fine but the draft could not be written (a full disk, no permission): the CLI exits 1."""


@dataclass
class Imported:
    """What an import wrote, for the CLI to report."""

    leaflet: Path
    unmapped: Path | None = None
    figures: list[Path] = field(default_factory=list)
    placed: list[str] = field(default_factory=list)
    not_extracted: list[str] = field(default_factory=list)
    figure_places: dict[str, str] = field(default_factory=dict)  # file name → where it became a figure
    removed: list[Path] = field(default_factory=list)


def unmapped_path(leaflet: Path) -> Path:
    """Where an import keeps what it could not place: <lang>.unmapped.md beside <lang>.json (rule LM007)."""
    return leaflet.with_name(f"{leaflet.stem}.unmapped.md")


def slug(text: str) -> str:
    """An id from a title: "Carpal tunnel release (adults)" → "carpal-tunnel-release-adults", at most 60 long."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = ""
    for word in words:
        candidate = f"{out}-{word}" if out else word
        if len(candidate) > 60:
            break
        out = candidate
    return out


def import_file(source: str, content: str = "content", leaflet_id: str | None = None, language: str = "en",
                force: bool = False, today: dt.date | None = None) -> Imported:
    """Read ``source``, map it, write the draft (and what was left over); UsageError when it cannot be."""
    from leaflets import scaffold

    path = Path(source)
    try:
        doc = reader.read(path)
    except reader.ImportError_ as exc:
        raise UsageError(str(exc)) from exc
    mapped = map_document(doc)
    leaflet_id = leaflet_id or slug(mapped.data.get("title") or "") or slug(path.stem)
    if not leaflet_id:
        raise UsageError(f"{path}: no title to make an id from: give one with --id")
    scaffold.check_id(leaflet_id)
    scaffold.check_id(language, "language")
    folder = Path(content)
    if not folder.is_dir():
        raise UsageError(f"{content}: no such folder (give the content folder with --content)")
    target = folder / leaflet_id / f"{language}.json"
    if target.exists() and not force:
        raise UsageError(f"{target} already exists: choose another id with --id, or replace it with --force")
    data = assemble(mapped, leaflet_id, language, today or dt.date.today())
    figures = [(f"{language}-figure-{n}.{image.ext}", image, before)
               for n, (image, before) in enumerate(((i, b) for i, b in mapped.images if i.ext), start=1)]
    for name, image, _ in figures:
        if image.figure is not None:
            image.figure["file"] = name
    result = Imported(target, placed=mapped.placed,
                      not_extracted=[image.problem for image, _ in mapped.images if not image.ext])
    result.figure_places = {name: _where(mapped.data, image.figure) for name, image, _ in figures
                            if image.figure is not None}
    notes = unmapped_markdown(path, target, mapped, [f for f in figures if f[1].figure is None],
                              sorted(Counter(doc.dropped).items()))
    _write_all(target, data, {name: image.data for name, image, _ in figures}, notes, force, result)
    return result


def _where(data: dict[str, Any], figure: dict[str, Any]) -> str:
    """The top-level field the figure block was placed in, for the report ("preparation", "risks")."""
    def holds(value: Any) -> bool:
        if isinstance(value, dict):
            return value.get("figure") is figure or any(holds(item) for item in value.values())
        return isinstance(value, list) and any(holds(item) for item in value)

    return next((key for key, value in data.items() if holds(value)), "the leaflet")


# --- the draft ----------------------------------------------------------------------------------------------------

def assemble(mapped: Mapped, leaflet_id: str, language: str, today: dt.date) -> dict[str, Any]:
    """The scaffold of ``leaflets new`` with what the import found put in: found sections replace placeholders."""
    from leaflets.scaffold import fresh

    data = fresh(leaflet_id, language, today)
    found = mapped.data
    for key, value in found.items():
        if key in ("recovery", "urgent_help", "contact") and isinstance(data.get(key), dict):
            data[key] = {**data[key], **{k: v for k, v in value.items() if v}}
        elif value:
            data[key] = value
    alternatives = data.get("alternatives", [])
    if found.get("alternatives") and not any(option.get("no_treatment") for option in alternatives):
        data["alternatives"] = [fresh(leaflet_id, language, today)["alternatives"][0], *alternatives]
    order = list(fresh(leaflet_id, language, today))
    for key in data:
        if key not in order:
            order.insert(order.index("contact"), key)  # optional sections (glossary) before contact, as shipped
    return {key: data[key] for key in order if key in data}


# --- what was left over -------------------------------------------------------------------------------------------

def unmapped_markdown(source: Path, target: Path, mapped: Mapped, figures: list[tuple[str, Image, str]],
                      dropped: list[tuple[str, int]]) -> str | None:
    """The notes file for the writer, or None when everything was placed and there were no pictures."""
    problems = [(image.problem, before) for image, before in mapped.images if not image.ext]
    if not mapped.unmapped.parts and not figures and not problems:
        return None
    lines = [f"# Not yet placed: text imported from {source.name}", "",
             f"`leaflets import` could not place what follows in {target.parent.name}/{target.name}, so it is kept "
             "here, in the order of the original. None of it is in the leaflet yet. Move what belongs into the "
             "leaflet (or decide it does not belong), then delete this file: until you do, `leaflets validate` "
             "reports it (LM007).", ""]
    for heading, blocks in mapped.unmapped.parts:
        lines += [f"## Under \"{heading}\"", ""]
        for block in blocks:
            lines += _markdown(block) + [""]
    if figures or problems:
        lines += ["## Pictures", "",
                  "These pictures could not be placed as figures: they stood where no text of the leaflet was "
                  "placed, or are GIFs (a figure is SVG, PNG or JPEG), or could not be extracted. Each one extracted "
                  "is saved beside the leaflet under a name the import chose. To use one, add a figure block "
                  "(docs/content-model.md, \"Figures\") with alt text: a description for people who cannot see it.",
                  ""]
        lines += [f"- `{name}` (no alt text), after \"{_short(before)}\"" for name, _, before in figures]
        lines += [f"- not extracted: {problem}, after \"{_short(before)}\"" for problem, before in problems]
        lines.append("")
    if dropped:
        lines += ["## Left out on purpose", "", "Scripts, styles and embedded objects are not leaflet text:", ""]
        lines += [f"- `{tag}` ({count}x)" for tag, count in dropped] + [""]
    return "\n".join(lines)


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "..."


def _markdown(block: Block) -> list[str]:
    if isinstance(block, Para):
        return [block.text]
    if isinstance(block, Items):
        return [f"- {item}" for item in block.items]
    if isinstance(block, Table):
        width = max(len(row) for row in block.rows)
        rows = [[cell.replace("|", "\\|") for cell in row] + [""] * (width - len(row)) for row in block.rows]
        return ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width] + ["| " + " | ".join(r) + " |"
                                                                             for r in rows[1:]]
    if isinstance(block, Heading):
        return [f"### {block.text}"]
    return []


# --- writing ------------------------------------------------------------------------------------------------------

def _write_all(target: Path, data: dict[str, Any], figures: dict[str, bytes], notes: str | None, force: bool,
               result: Imported) -> None:
    """Write every file to a temporary name first, then rename them into place, the leaflet last; on any
    failure remove what was made, so nothing partial is left. With --force, pictures and notes of an earlier
    import of the same leaflet that this one did not write again are removed (only names we make)."""
    folder = target.parent
    created = not folder.exists()
    pending: list[tuple[Path, Path]] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name, blob in figures.items():
            pending.append((_temporary(folder, blob), folder / name))
        if notes is not None:
            pending.append((_temporary(folder, notes.encode("utf-8")), unmapped_path(target)))
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        pending.append((_temporary(folder, text.encode("utf-8")), target))
        if target.exists() and not force:  # appeared while we worked
            raise UsageError(f"{target} already exists: choose another id with --id, or replace it with --force")
        for temporary, final in pending:
            os.replace(temporary, final)
    except OSError as exc:
        raise ImportFailed(f"{folder}: cannot write the import there: {exc.strerror or exc}") from exc
    finally:
        for temporary, _ in pending:
            if temporary.exists():
                temporary.unlink()
        if created and folder.exists() and not any(folder.iterdir()):
            folder.rmdir()
    written = {final for _, final in pending}
    result.figures = [final for _, final in pending if final.suffix != ".json" and final.suffix != ".md"]
    result.unmapped = unmapped_path(target) if notes is not None else None
    if force:
        result.removed = _remove_stale(target, written)


def _temporary(folder: Path, blob: bytes) -> Path:
    handle, name = tempfile.mkstemp(dir=folder, prefix=".import-")
    with os.fdopen(handle, "wb") as stream:
        stream.write(blob)
    os.chmod(name, ordinary_mode())
    return Path(name)


def _remove_stale(target: Path, written: set[Path]) -> list[Path]:
    ours = re.compile(re.escape(target.stem) + r"-figure-[0-9]+\.(?:png|jpg|gif)")
    stale = [unmapped_path(target)] + [path for path in target.parent.iterdir() if ours.fullmatch(path.name)]
    removed = []
    for path in stale:
        if path not in written and path.is_file() and not path.is_symlink():
            path.unlink()
            removed.append(path)
    return removed
