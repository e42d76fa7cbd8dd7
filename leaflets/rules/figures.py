"""Figures (``{"figure": {"file", "alt", ...}}`` blocks): the file must be one the outputs can use
(LM020), sharp enough in print (LM021), and the alt text must describe the picture (LH020). The
file is read with the same checks the build uses (leaflets.figures), so what validate passes, the
build can render."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import Any

from leaflets.content import pointer_escape
from leaflets.figures import MIN_PRINT_PPI, WIDEST_COLUMN_MM, FigureImage
from leaflets.findings import Severity
from leaflets.rules.context import SECTIONS, Context
from leaflets.rules.registry import Hit, rule

# Alt text that names no content: a screen reader would say "image, diagram" and nothing more.
_GENERIC = frozenset({"image", "picture", "diagram", "figure", "photo", "photograph", "illustration", "graphic",
                      "drawing", "chart", "img", "icon", "logo", "fig", "pic", "placeholder", "alt", "alt text"})
_ARTICLES = re.compile(r"^(?:an?|the|this|see)\s+")
_FILE_NAME = re.compile(r"^\S+\.(?:svg|png|jpe?g|gif|webp|tiff?|bmp|pdf)$", re.IGNORECASE)


def figures(ctx: Context) -> Iterator[tuple[str, dict[str, Any]]]:
    """(pointer of the figure object, the object) for every figure block in the leaflet's text. Walked
    once per leaflet and kept in ``ctx.cache``: four rules ask, and the walk visits every value."""
    if "figure blocks" not in ctx.cache:
        text = ctx.doc.text
        # a "figure" key is written "figure", quotes and all, in the file's text, or with a \u escape:
        # without either, two substring searches (in C) say there is none, without walking every value
        if text and '"figure"' not in text and "\\u" not in text:
            ctx.cache["figure blocks"] = []
            return iter(())
        sections = [ctx.data[key] for key in SECTIONS if key in ctx.data]
        ctx.cache["figure blocks"] = list(_figure_blocks(ctx)) if _any_figure_key(sections) else []
    return iter(ctx.cache["figure blocks"])


def _any_figure_key(values: list[Any]) -> bool:
    """Whether any object under ``values`` has a "figure" key: most leaflets have no figure, and this
    loop (no pointers, no generator per level) says so several times faster than the walk below."""
    stack = list(values)
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "figure" in item:
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def _figure_blocks(ctx: Context) -> Iterator[tuple[str, dict[str, Any]]]:
    def walk(value: Any, pointer: str) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(value, dict):
            figure = value.get("figure")
            if isinstance(figure, dict):
                yield f"{pointer}/figure", figure
            for key, item in value.items():  # only into objects and lists: no call and no pointer for each string
                if key != "figure" and isinstance(item, (dict, list)):
                    yield from walk(item, f"{pointer}/{pointer_escape(key)}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, (dict, list)):
                    yield from walk(item, f"{pointer}/{index}")

    for key in SECTIONS:
        if key in ctx.data:
            yield from walk(ctx.data[key], "/" + pointer_escape(key))


@rule("LM020", "figure-file", Severity.ERROR, "A figure's image file cannot be used.",
      what="Each figure's `file` is read as the build reads it: it must be an SVG, PNG or JPEG file inside the "
           "leaflet's own folder (not reached through `..`, an absolute path or a symbolic link that leads out), "
           "at most 4 MiB and 40 million pixels, and its bytes must be what its name says (an SVG that parses, "
           "with no script, DTD, entity or external reference; a PNG or JPEG that Pillow opens and that is not a "
           "decompression bomb).",
      why="A figure that cannot be read would print an empty space or stop the build; one read from outside the "
          "folder could publish any file on the machine; an SVG with a script or an external reference would run "
          "or fetch something in the reader's browser.",
      bad='{"figure": {"file": "../../secrets/photo.png", "alt": "..."}}, or a pars-defect.svg with a <script>',
      good='{"figure": {"file": "pars-defect.svg", "alt": "..."}} with pars-defect.svg beside en.json, drawn '
           "with shapes and paths only")
def figure_file(ctx: Context) -> Iterable[Hit]:
    for pointer, figure in figures(ctx):
        name = figure.get("file")
        if not isinstance(name, str) or not name:
            continue  # the schema reports it
        loaded = _loaded(ctx, name)
        if isinstance(loaded, Exception):
            yield Hit(f"{pointer}/file", f"the figure file cannot be used: {loaded}")


def _loaded(ctx: Context, name: str) -> FigureImage | Exception:
    """``load_figure`` of the figure file ``name``, or the error it raised; once per leaflet and name (LM020 and
    LM021 both ask, and each load resolves the path and asks the file system, though the bytes are cached)."""
    from leaflets.figures import FigureError, load_figure

    loaded: dict[str, FigureImage | Exception] = ctx.cache.setdefault("figure files", {})
    if name not in loaded:
        try:
            loaded[name] = load_figure(ctx.doc.path.parent, name)
        except (FigureError, OSError) as exc:
            loaded[name] = exc
    return loaded[name]


@rule("LH020", "figure-alt-text", Severity.ERROR, "A figure's alt text does not describe the picture.",
      what="Alt text that is a file name (the figure's own, or any `name.png`), or only a word such as "
           "\"image\", \"diagram\" or \"picture\" (with \"a\", \"the\" or a number).",
      why="A screen reader reads the alt text in place of the picture. \"pars-defect.svg\" or \"Diagram 1\" tells "
          "someone who cannot see it nothing, and the text around a figure often leans on it.",
      bad='"alt": "pars-defect.svg"',
      good='"alt": "A side view of a lower-back bone. A thin bridge of bone at the back has a crack through it."')
def figure_alt_text(ctx: Context) -> Iterable[Hit]:
    for pointer, figure in figures(ctx):
        alt, name = figure.get("alt"), figure.get("file")
        if not isinstance(alt, str) or not alt.strip():
            continue  # the schema reports it
        words = alt.strip()
        plain = _ARTICLES.sub("", re.sub(r"[\s.:;,!-]+$", "", words.lower()))
        stem = re.sub(r"\s+\d+$", "", plain)
        own = isinstance(name, str) and words.lower() in {name.lower(), PurePosixPath(name).name.lower(),
                                                          PurePosixPath(name).stem.lower()}
        if own or _FILE_NAME.match(words):
            yield Hit(f"{pointer}/alt", f"the alt text \"{words}\" is a file name: say what the picture shows and "
                      "why it matters, for someone who cannot see it")
        elif plain in _GENERIC or stem in _GENERIC:
            yield Hit(f"{pointer}/alt", f"the alt text \"{words}\" says only that there is a picture: say what it "
                      "shows and why it matters, for someone who cannot see it")


@rule("LM021", "figure-resolution", Severity.ERROR, "A raster figure is under 300 ppi at the size it is printed.",
      what="A PNG or JPEG figure is placed at the size its own resolution gives it (pixels ÷ the ppi the file "
           "states, 96 when it states none), never wider than the text column; this is its resolution as placed "
           f"in the widest print column (A4, {WIDEST_COLUMN_MM} mm; narrower paper only raises it). Under "
           f"{MIN_PRINT_PPI} ppi it is an error, and a warning while the leaflet's status is \"draft\" (a draft's "
           "print PDF then places it smaller, at 300 ppi, so the proof still passes preflight).",
      why="Printed under 300 ppi a picture looks soft, and under 150 its pixels show; a press checks this and "
          "rejects the file, or prints it badly.",
      bad="a 600 × 300 pixel PNG that says 100 ppi (placed 152 mm wide: 100 ppi)",
      good="the same PNG saved saying 300 ppi (placed 51 mm wide: 300 ppi), or a larger image")
def figure_resolution(ctx: Context) -> Iterable[Hit]:
    from leaflets.figures import placement

    level = Severity.WARNING if ctx.data.get("status") == "draft" else None
    for pointer, figure in figures(ctx):
        name = figure.get("file")
        if not isinstance(name, str) or not name:
            continue
        image = _loaded(ctx, name)
        if isinstance(image, Exception):
            continue  # LM020 reports it
        if image.kind == "svg":
            continue
        placed = placement(image, WIDEST_COLUMN_MM)
        if round(placed.ppi) < MIN_PRINT_PPI:
            needed = -(-placed.width_mm / 25.4 * MIN_PRINT_PPI // 1)
            yield Hit(f"{pointer}/file", f"the figure \"{name}\" is {placed.ppi:.0f} ppi at the size it is printed "
                      f"({placed.width_mm:g} mm wide, {image.width} pixels); print needs at least {MIN_PRINT_PPI} "
                      f"ppi: supply at least {needed:.0f} pixels across, or save it saying a higher resolution so "
                      "it is placed smaller", severity=level)
