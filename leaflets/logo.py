"""A brand's logo, read as a hostile file: parsed with defusedxml in whatever encoding it declares (no
DTD, entity, external reference or processing instruction), limited in depth, and written out again
from the parsed tree with only shapes, groups and the brand's own colours, so what is published is
what was checked, never the bytes as given.

A leaflet's SVG figure (:mod:`leaflets.figures`) is read by the same code (:func:`parse_svg`,
:func:`clean_svg`): content is as untrusted as a brand folder, and one parser and one list of what
is allowed means one thing to keep safe. Only the colours differ: a logo keeps to the brand's
palette, a figure's colours are converted through the print profile.
"""

from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

MAX_LOGO_DEPTH = 64  # nesting of SVG elements (serialising is recursive)


class LogoError(ValueError):
    """A logo that cannot be used; the message names the file and the place."""


SVG_NS = "http://www.w3.org/2000/svg"
_ALLOWED = {"svg", "g", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon", "title", "desc",
            "defs", "use", "clipPath"}
_PAINT = ("fill", "stroke", "stop-color", "color")
_NAMED = {"black": "#000000", "white": "#ffffff"}


def _hex(value: str) -> str | None:
    value = value.strip().lower()
    value = _NAMED.get(value, value)
    if re.fullmatch(r"#[0-9a-f]{3}", value):
        return "#" + "".join(c * 2 for c in value[1:])
    return value if re.fullmatch(r"#[0-9a-f]{6}", value) else None


class _Builder(ET.TreeBuilder):
    """A tree builder that notes every processing instruction, the prolog's too (the tree keeps none)."""

    def __init__(self) -> None:
        super().__init__()
        self.instructions: list[str] = []

    def pi(self, target: str, text: str | None = None) -> ET.Element:
        self.instructions.append(target)
        return super().pi(target, text)


@functools.lru_cache(maxsize=16)
def _parse_svg(path: Path, mtime: float) -> ET.Element:
    return parse_svg(path.read_bytes())


def parse_svg(data: bytes, noun: str = "a logo") -> ET.Element:
    """Parse with defusedxml, refusing any DTD, entity or external reference, in whatever encoding
    the file declares (UTF-16 too: a check of the raw bytes as UTF-8 would miss it), and refuse
    any processing instruction: an ``<?xml-stylesheet href=...?>`` fetches from wherever it points.
    ``noun`` names what the file is in the messages ("a logo", "a figure")."""
    import defusedxml.ElementTree as safe_et
    from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden

    builder = _Builder()
    parser = safe_et.XMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(data)
        root = parser.close()
    except DTDForbidden as exc:
        raise ValueError(f"it has a DOCTYPE declaration (<!DOCTYPE {exc.name}>); {noun} needs none") from exc
    except EntitiesForbidden as exc:
        raise ValueError(f"it declares an entity ({exc.name}); {noun} needs none") from exc
    except ExternalReferenceForbidden as exc:
        raise ValueError(f"it refers to an external file; {noun} must be self-contained") from exc
    except LookupError as exc:  # an encoding Python does not know
        raise ValueError(str(exc)) from exc
    if builder.instructions:
        raise ValueError(f"it has a processing instruction <?{builder.instructions[0]} ...?>; "
                         f"{noun} must be self-contained")
    _check_depth(root)
    return root


def _check_depth(root: ET.Element) -> None:
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_LOGO_DEPTH:
            raise ValueError(f"its elements are nested more than {MAX_LOGO_DEPTH} deep")
        stack.extend((child, depth + 1) for child in element)


def clean_logo(path: Path, where: str, palette: dict[str, Any], *, cmyk: bool, black: str) -> str:
    """The logo at ``path`` parsed safely, checked and written out again: only shapes in the brand's
    colours (``palette``: screen hex → a colour with ``css()``), as CMYK when ``cmyk`` (``black``: 100 %
    K). Raises LogoError naming ``where``."""
    try:
        root = _parse_svg(path, path.stat().st_mtime)
    except (ET.ParseError, ValueError, OSError) as exc:
        raise LogoError(f"{where} is not an SVG file that can be read: {exc}") from exc

    def recolour(colour: str | None, at: str) -> str:
        if colour is None or colour not in palette:
            raise LogoError(f"{at}: every colour in a logo must be one of the brand's colours "
                            f"({', '.join(sorted(palette))}) so it can be printed in CMYK")
        return str(palette[colour].css()) if cmyk else colour

    return clean_svg(root, where, recolour, cmyk=cmyk, black=black)


def clean_svg(root: ET.Element, where: str, recolour: Callable[[str | None, str], str], *, cmyk: bool,
              black: str, noun: str = "a logo") -> str:
    """``root`` (from :func:`parse_svg`) checked and written out again: only the allowed elements, no
    script, no reference outside the file, each colour (as ``#rrggbb``, or None when it is not a
    colour this module can read) replaced by ``recolour(colour, place)``, which raises LogoError to
    refuse it. Raises LogoError naming ``where``."""
    if root.tag != f"{{{SVG_NS}}}svg":
        raise LogoError(f"{where} is not SVG: its root element is <{root.tag}>, not <svg> in the SVG namespace")
    root = _copy(root)
    for element in root.iter():
        tag = element.tag.removeprefix(f"{{{SVG_NS}}}")
        if tag not in _ALLOWED:
            raise LogoError(f"{where}: <{tag}> is not allowed in {noun} (allowed: shapes, paths, groups); "
                             "convert text to outlines and remove scripts, styles and images")
        for name, value in list(element.attrib.items()):
            local = name.rsplit("}", 1)[-1]
            if local.startswith("on"):
                raise LogoError(f"{where}: <{tag}> has an event handler \"{local}\"; {noun} has no script")
            if local == "href" and not value.startswith("#"):
                raise LogoError(f"{where}: <{tag}> links to \"{value}\"; {noun} may only refer to its own parts")
            if local in _PAINT:
                element.set(name, _paint(value, recolour, cmyk, f"{where}: <{tag} {local}=\"{value}\">", black))
            elif local == "style":
                element.set(name, _style(value, recolour, cmyk, f"{where}: <{tag} style>", black, noun))
            elif "url(" in value.lower() and not value.strip().lower().startswith("url(#"):
                # filter=, mask=, clip-path=, marker-*=: a reference to another file or the network
                raise LogoError(f"{where}: <{tag} {local}=\"{value}\"> refers to another file; "
                                 f"{noun} must be self-contained")
    if cmyk and "fill" not in root.attrib:
        root.set("fill", black)  # SVG's default fill is black; make it 100 % K, not RGB
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="unicode")


def _copy(element: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(element))


def _paint(value: str, recolour: Callable[[str | None, str], str], cmyk: bool, where: str, black: str) -> str:
    stripped = value.strip()
    if stripped.lower() in ("none", "transparent") or stripped.startswith("url(#"):
        return value
    if stripped.lower() == "currentcolor":
        return black if cmyk else value
    return recolour(_hex(stripped), where)


def _style(value: str, recolour: Callable[[str | None, str], str], cmyk: bool, where: str, black: str,
           noun: str = "a logo") -> str:
    out = []
    for declaration in filter(None, (d.strip() for d in value.split(";"))):
        prop, _, val = declaration.partition(":")
        prop = prop.strip().lower()
        if "\\" in declaration:  # a CSS escape can spell url( or @import past the check below
            raise LogoError(f"{where}: \"{declaration}\" uses a CSS escape; write the value plainly")
        if "url(" in val.lower() and not val.strip().lower().startswith("url(#"):
            raise LogoError(f"{where}: \"{declaration}\" refers to another file; {noun} must be self-contained")
        if prop in _PAINT:
            val = _paint(val, recolour, cmyk, f"{where} {prop}", black)
        out.append(f"{prop}:{val.strip()}")
    return ";".join(out)
