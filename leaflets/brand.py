"""Brands: how one organisation's leaflets look, read from a folder and checked before any rendering.

A brand is a folder holding ``brand.json`` (checked against ``schemas/brand.schema.json``) and the
files it names: an SVG logo, a typeface under an open licence with its licence text, and
optionally the print shop's ICC profile. Every file resolves inside the brand's own folder: URLs,
absolute paths, ``..`` and symbolic links that lead out are refused.

A brand folder comes from outside, so each file is opened by a real parser for its kind and
nothing is trusted by its bytes: the logo by defusedxml (no DTD, no entities, whatever its
encoding; the web pages publish the re-serialised tree, never the file as given), each font by
fontTools, the ICC profile by LittleCMS (:mod:`leaflets.icc`). Every file is measured with
``stat`` before it is read and refused above its limit (``MAX_*_BYTES`` below).

Errors raise :class:`BrandError`, whose message names the file and the place; the CLI turns it
into exit code 2. Exception tree::

    BrandError                 a brand cannot be used (bad JSON, schema, asset, logo, contrast)
    └── MissingGlyphsError     a leaflet uses characters the brand's typeface does not have
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from leaflets import icc
from leaflets.brand_folder import BRAND_FILE, DEFAULT_BRAND, MAX_BRAND_JSON_BYTES, brand_dir  # noqa: F401  (all still here)
from leaflets.contact import Dialable
from leaflets.content import display_path, load
from leaflets.logo import MAX_LOGO_DEPTH, LogoError, clean_logo  # noqa: F401  (MAX_LOGO_DEPTH: one place for limits)
from leaflets.output_condition import DeclaredCondition
from leaflets.schema import check

# BRAND_FILE, DEFAULT_BRAND, MAX_BRAND_JSON_BYTES and brand_dir() live in leaflets.brand_folder, which
# the slot rules import without this module
PAPER_MM: dict[str, tuple[int, int]] = {"A4": (210, 297), "A5": (148, 210)}
TEXT_SCREEN = "#1a1a1a"  # body text on screen; in print, text is always 100 % K
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for body text

# Limits on what a brand folder may hold, each checked with stat() before the file is read: a
# symbolic link to a 3 GB file once made a build use 3.2 GB, and a 59 MB logo took 30 s to load.
# (MAX_BRAND_JSON_BYTES, for brand.json itself, is with the names above in leaflets.brand_folder.)
KIB, MIB = 1024, 1024 * 1024
MAX_LOGO_BYTES = 1 * MIB  # shipped logos are under 1 KiB
MAX_FONT_BYTES = 20 * MIB  # each face; a full CJK face is about 16 MiB
MAX_ICC_BYTES = icc.MAX_PROFILE_BYTES  # 10 MiB
MAX_LICENCE_BYTES = 1 * MIB
MAX_FOLDER_BYTES = 100 * MIB  # everything in the folder: the build reads it all to fingerprint the brand
MAX_FOLDER_FILES = 1000


class BrandError(Exception):
    """A brand cannot be used. The message names the file and the place."""


class MissingGlyphsError(BrandError):
    """A leaflet uses characters that the brand's typeface has no glyph for."""


def available_brands() -> list[str]:
    return sorted(p.parent.name for p in brand_dir().glob(f"*/{BRAND_FILE}"))


# --- values ------------------------------------------------------------------------------------

def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


@dataclass(frozen=True, slots=True)
class Cmyk:
    """A print colour as ink percentages, 0–100 each."""

    c: float
    m: float
    y: float
    k: float

    def css(self) -> str:
        """``device-cmyk(1 0.7 0 0.1)``: WeasyPrint writes it to the PDF as DeviceCMYK."""
        return "device-cmyk({})".format(" ".join(_number(v / 100) for v in (self.c, self.m, self.y, self.k)))


BLACK = Cmyk(0, 0, 0, 100)
WHITE = Cmyk(0, 0, 0, 0)


@dataclass(frozen=True, slots=True)
class Colour:
    screen: str  # "#rrggbb", lower case
    print: Cmyk

    def css(self, profile: Literal["screen", "print"]) -> str:
        return self.print.css() if profile == "print" else self.screen


@dataclass(frozen=True, slots=True)
class Colours:
    primary: Colour
    accent: Colour
    warning: Colour

    def by_screen(self) -> dict[str, Cmyk]:
        """Screen hex → print CMYK for every brand colour, plus black and white."""
        table = {"#000000": BLACK, "#ffffff": WHITE}
        table.update({c.screen: c.print for c in (self.primary, self.accent, self.warning)})
        return table


@dataclass(frozen=True, slots=True)
class FontFace:
    weight: int
    style: Literal["normal", "italic"]
    path: Path


@dataclass(frozen=True, slots=True)
class Fallback:
    """A typeface for a script the main one lacks (``typeface.fallbacks``): regular and bold only,
    as Arabic and the Indic scripts have no italic (a renderer slants the regular face)."""

    family: str
    script: str  # ISO 15924, e.g. "Arab"
    faces: tuple[FontFace, ...]
    licence: Path


@dataclass(frozen=True, slots=True)
class Typeface:
    family: str
    faces: tuple[FontFace, ...]
    licence: Path
    fallbacks: tuple[Fallback, ...] = ()

    def families(self) -> tuple[str, ...]:
        """The CSS font-family list, main family first: each character comes from the first that has it."""
        return (self.family, *(fallback.family for fallback in self.fallbacks))


@dataclass(frozen=True, slots=True)
class BrandContact(Dialable):
    phone: str | None = None
    email: str | None = None
    address: str | None = None
    web: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Brand:
    """A loaded, checked brand. Paths are absolute and inside ``folder``."""

    name: str
    folder: Path
    organisation: str
    logo: Path
    logo_alt: str
    colours: Colours
    typeface: Typeface
    contact: BrandContact
    paper: Literal["A4", "A5"] = "A4"
    web_base: str | None = None
    icc_profile: Path | None = None
    output_condition: DeclaredCondition | None = None  # what icc_profile characterises (brand.json)
    # statement (accessible_formats, consent, feedback) → language → its wording (brand.json "statements")
    statements: dict[str, dict[str, str]] = field(default_factory=dict, hash=False)
    # local slot → its text, or language → text (brand.json "slots"): what the brand fills in (leaflets.slots)
    slots: dict[str, Any] = field(default_factory=dict, hash=False)
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, hash=False)

    @property
    def display(self) -> str:
        return display_path(self.folder / BRAND_FILE)

    def statement(self, key: str, language: str) -> str | None:
        """The brand's wording of statement ``key`` for ``language`` ("en-GB" takes "en" when the brand
        has no "en-GB"), or None: then the leaflet gets the built-in wording (leaflets.statements)."""
        wording = self.statements.get(key, {})
        return wording.get(language) or wording.get(language.split("-")[0].lower())

    @property
    def paper_mm(self) -> tuple[int, int]:
        """Trim size, width × height in millimetres."""
        return PAPER_MM[self.paper]

    def relative(self, path: Path) -> str:
        """An asset's URL relative to the brand folder (the base URL the PDF engine renders against)."""
        return path.relative_to(self.folder).as_posix()

    def assets(self) -> list[Path]:
        """Every file a web page links to: logo, fonts (fallbacks included) and the font licences."""
        files = [self.logo, *(face.path for face in self.typeface.faces), self.typeface.licence]
        for fallback in self.typeface.fallbacks:
            files += [*(face.path for face in fallback.faces), fallback.licence]
        return list(dict.fromkeys(files))  # one licence may cover several fallbacks

    def logo_svg(self, *, cmyk: bool = False) -> str:
        """The logo as checked SVG text; with ``cmyk`` every colour is rewritten as ``device-cmyk()``."""
        key = f"logo:{cmyk}"
        if key not in self._cache:
            self._cache[key] = _logo(self, cmyk=cmyk)
        return str(self._cache[key])

    def glyphs(self) -> frozenset[int]:
        """Code points the typeface can draw in every face: those every face of the main typeface
        has, and those every face of one fallback has (a fallback's italic is its slanted regular)."""
        if "glyphs" not in self._cache:
            self._cache["glyphs"] = _coverage(self)
        return frozenset(self._cache["glyphs"])

    def missing_glyphs(self, text: str) -> list[str]:
        """The distinct characters of ``text`` (in order of first use) that the typeface lacks."""
        have = self.glyphs()
        missing: dict[str, None] = {}
        for char in text:
            if ord(char) not in have and not _needs_no_glyph(char):
                missing.setdefault(char, None)
        return list(missing)

    def require_glyphs(self, text: str, where: str) -> None:
        """Raise :class:`MissingGlyphsError` if ``text`` uses a character the typeface lacks.

        A PDF must never fall back silently to whatever system font has the glyph.
        """
        missing = self.missing_glyphs(text)
        if missing:
            shown = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in missing[:8])
            more = f" and {len(missing) - 8} more" if len(missing) > 8 else ""
            at = text.index(missing[0])
            line_start = text.rfind("\n", 0, at) + 1
            line_end = text.find("\n", at) if "\n" in text[at:] else len(text)
            excerpt = text[max(line_start, at - 30):min(line_end, at + 30)]
            fallbacks = ", ".join(f"\"{fallback.family}\"" for fallback in self.typeface.fallbacks)
            also = f" (and its fallbacks {fallbacks})" if fallbacks else ""
            raise MissingGlyphsError(
                f"{where}: the typeface \"{self.typeface.family}\"{also} of brand {self.display} has no glyph for "
                f"{shown}{more} (first in \"{excerpt}\"): use a brand whose typeface covers this language"
            )


def _needs_no_glyph(char: str) -> bool:
    # Line breaks, tabs, soft hyphens, joiners and direction marks are never drawn.
    # Bidi isolates (U+2066–U+2069) the templates put around numbers in right-to-left text included.
    return char in "\n\r\t\u00ad\u200b\u200c\u200d\u200e\u200f\u2060\u2066\u2067\u2068\u2069\ufeff"


# --- loading -----------------------------------------------------------------------------------

_NAME = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def load_brand(name_or_path: str) -> Brand:
    """Load a brand by its name (a folder in brands/) or by the path of a brand folder."""
    folder = _find(name_or_path)
    brand_json = folder / BRAND_FILE
    display = display_path(brand_json)
    _check_folder(folder)
    _check_size(brand_json, MAX_BRAND_JSON_BYTES, display)
    doc = load(brand_json)
    problems = doc.findings if not doc.usable else doc.findings + check(doc, "brand")
    if not doc.usable and not doc.findings:
        problems = [doc.finding("LF010", "a brand is one JSON object", line=1, column=1)]
    if problems:
        raise BrandError("\n".join(f"{f.file}:{f.line}:{f.column}: {f.message}" for f in problems))
    return _build(folder, display, doc.data)


def _find(name_or_path: str) -> Path:
    if _NAME.match(name_or_path):
        try:
            shipped = brand_dir() / name_or_path
        except FileNotFoundError as exc:
            raise BrandError(str(exc)) from exc
        if (shipped / BRAND_FILE).is_file():
            return shipped.resolve()
    folder = Path(name_or_path)
    if folder.is_dir():
        if not (folder / BRAND_FILE).is_file():
            raise BrandError(f"{display_path(folder)}: this folder has no {BRAND_FILE}, so it is not a brand")
        return folder.resolve()
    try:
        choices = ", ".join(available_brands())
    except FileNotFoundError:
        choices = "none installed"
    raise BrandError(f"no brand called \"{name_or_path}\": use one of {choices}, or the path of a brand folder")


def _size(limit: int) -> str:
    return f"{limit // MIB} MiB" if limit % MIB == 0 else f"{limit // KIB} KiB"


def _check_size(path: Path, limit: int, where: str) -> None:
    """Refuse ``path`` above ``limit`` bytes, measured without reading it."""
    size = path.stat().st_size
    if size > limit:
        raise BrandError(f"{where} is {size:,} bytes, over the limit of {_size(limit)} for this file: "
                         "use a smaller file")


def _check_folder(folder: Path) -> None:
    """Before any file is read: refuse a symbolic link anywhere in the folder that leads out of it
    (the renderer and the build's fingerprint would follow it), and a folder too big to read."""
    root = folder.resolve()
    sizes: dict[Path, int] = {}
    for here, dirs, files in os.walk(root):  # does not descend into linked folders; their links are checked
        for name in dirs + files:
            path = Path(here, name)
            if path.is_symlink():
                _check_link(root, path)
            if name in files and path.is_file():
                sizes[path] = path.stat().st_size
        if len(sizes) > MAX_FOLDER_FILES:
            raise BrandError(f"{display_path(folder)}: the brand folder holds more than {MAX_FOLDER_FILES} files: "
                             "keep only the brand's own files in it")
    if sum(sizes.values()) > MAX_FOLDER_BYTES:
        largest = max(sizes, key=lambda path: sizes[path])
        raise BrandError(f"{display_path(folder)}: the brand folder holds {sum(sizes.values()):,} bytes, over the "
                         f"limit of {_size(MAX_FOLDER_BYTES)}; the largest file is "
                         f"{largest.relative_to(root).as_posix()} ({sizes[largest]:,} bytes)")


def _check_link(root: Path, path: Path) -> None:
    shown = path.relative_to(root).as_posix()
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise BrandError(f"{display_path(root)}: {shown} is a symbolic link that cannot be followed ({exc})") from exc
    if not target.is_relative_to(root):
        raise BrandError(f"{display_path(root)}: {shown} is a symbolic link that leads outside the brand folder "
                         f"(to {target}): copy the file into the folder instead")


def _build(folder: Path, display: str, data: dict[str, Any]) -> Brand:
    def asset(value: str, where: str, max_bytes: int) -> Path:
        return resolve_asset(folder, value, f"{display}: {where}", max_bytes=max_bytes)

    colours = Colours(**{
        role: Colour(spec["screen"].lower(), Cmyk(**spec["print"])) for role, spec in data["colours"].items()
    })
    _check_contrast(colours, display)
    face = data["typeface"]
    faces = [FontFace(400, "normal", asset(face["regular"], "typeface.regular", MAX_FONT_BYTES)),
             FontFace(700, "normal", asset(face["bold"], "typeface.bold", MAX_FONT_BYTES)),
             FontFace(400, "italic", asset(face["italic"], "typeface.italic", MAX_FONT_BYTES))]
    if "bold_italic" in face:
        faces.append(FontFace(700, "italic", asset(face["bold_italic"], "typeface.bold_italic", MAX_FONT_BYTES)))
    fallbacks = _fallbacks(face, asset, display)
    brand = Brand(
        name=folder.name,
        folder=folder,
        organisation=data["organisation"],
        logo=asset(data["logo"]["file"], "logo.file", MAX_LOGO_BYTES),
        logo_alt=data["logo"]["alt"],
        colours=colours,
        typeface=Typeface(face["family"], tuple(faces),
                          asset(face["licence"], "typeface.licence", MAX_LICENCE_BYTES), fallbacks),
        contact=BrandContact(**data["contact"]),
        paper=data.get("paper", "A4"),
        web_base=data.get("web_base"),
        icc_profile=asset(data["icc_profile"], "icc_profile", MAX_ICC_BYTES) if "icc_profile" in data else None,
        output_condition=DeclaredCondition(**data["output_condition"]) if "output_condition" in data else None,
        slots=dict(data.get("slots", {})),
        statements={key: dict(wording) for key, wording in data.get("statements", {}).items()},
    )
    if brand.icc_profile is not None:
        _check_icc(brand.icc_profile, f"{display}: icc_profile {brand.relative(brand.icc_profile)}")
    brand.glyphs()  # a font that cannot be read fails here, naming the file
    brand.logo_svg(cmyk=True)  # a logo that cannot be printed in CMYK fails here
    return brand


def _fallbacks(face: dict[str, Any], asset: Callable[[str, str, int], Path], display: str) -> tuple[Fallback, ...]:
    """``typeface.fallbacks``, each family named once and never the main family's name (CSS would
    take the second @font-face of a name as another face of the first, not as a fallback)."""
    seen = {face["family"].casefold(): "typeface.family"}
    out = []
    for index, spec in enumerate(face.get("fallbacks", ())):
        where = f"typeface.fallbacks[{index}]"
        if spec["family"].casefold() in seen:
            raise BrandError(f"{display}: {where}.family \"{spec['family']}\" is already the name of "
                             f"{seen[spec['family'].casefold()]}: give each typeface its own family name")
        seen[spec["family"].casefold()] = f"{where}.family"
        out.append(Fallback(spec["family"], spec["script"],
                            (FontFace(400, "normal", asset(spec["regular"], f"{where}.regular", MAX_FONT_BYTES)),
                             FontFace(700, "normal", asset(spec["bold"], f"{where}.bold", MAX_FONT_BYTES))),
                            asset(spec["licence"], f"{where}.licence", MAX_LICENCE_BYTES)))
    return tuple(out)


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def resolve_asset(folder: Path, reference: str, where: str, *, max_bytes: int | None = None) -> Path:
    """The file ``reference`` names inside ``folder``; anything that leads elsewhere, or is larger
    than ``max_bytes``, is refused."""
    plain = (f"name a file inside the brand folder {display_path(folder)} with a relative path "
             "such as \"fonts/Regular.ttf\"")
    if _SCHEME.match(reference) or reference.startswith("//"):
        raise BrandError(f"{where} is \"{reference}\", a URL: brands never fetch from the network; {plain}")
    if reference.startswith(("/", "\\")) or "\\" in reference:
        raise BrandError(f"{where} is \"{reference}\", an absolute or Windows path: {plain}")
    if ".." in PurePosixPath(reference).parts:
        raise BrandError(f"{where} is \"{reference}\", which climbs out with \"..\": {plain}")
    root = folder.resolve()
    target = (root / reference).resolve()
    if not target.is_relative_to(root):
        raise BrandError(f"{where} is \"{reference}\", which leads outside the brand folder through a symbolic link: "
                         f"{plain}")
    if not target.is_file():
        raise BrandError(f"{where} is \"{reference}\", but there is no such file in {display_path(folder)}")
    if max_bytes is not None:
        _check_size(target, max_bytes, f"{where} \"{reference}\"")
    return target


def _check_icc(path: Path, where: str) -> None:
    """The print PDF's output intent carries this profile: it must be a CMYK output profile."""
    problem = icc.cmyk_output_problem(path.read_bytes())
    if problem:
        raise BrandError(f"{where} is not a usable CMYK output profile: {problem}")


# --- colour contrast ---------------------------------------------------------------------------

def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _check_contrast(colours: Colours, display: str) -> None:
    pairs = [("primary", colours.primary.screen, "#ffffff", "white text on it, and it as text on white"),
             ("accent", colours.accent.screen, TEXT_SCREEN, "text on it"),
             ("warning", colours.warning.screen, TEXT_SCREEN, "text on it")]
    for role, colour, other, what in pairs:
        ratio = contrast(colour, other)
        if ratio < MIN_CONTRAST:
            raise BrandError(f"{display}: colours.{role}.screen \"{colour}\" gives {what} a contrast of only "
                             f"{ratio:.2f}:1; WCAG AA needs {MIN_CONTRAST}:1: choose a "
                             f"{'darker' if role == 'primary' else 'lighter'} colour")


# --- fonts -------------------------------------------------------------------------------------

# The tables every face needs to be laid out and embedded, besides its outlines.
_FONT_TABLES = ("head", "hhea", "maxp", "cmap", "hmtx", "name", "OS/2", "post")


def _coverage(brand: Brand) -> frozenset[int]:
    covered = set(_common(brand, brand.typeface.faces))
    for fallback in brand.typeface.fallbacks:
        covered |= _common(brand, fallback.faces)
    return frozenset(covered)


def _common(brand: Brand, faces: tuple[FontFace, ...]) -> frozenset[int]:
    """The code points every one of ``faces`` has."""
    common: set[int] | None = None
    for face in faces:
        try:
            cmap = _font_cmap(face.path)
        except Exception as exc:  # noqa: BLE001 - fontTools raises anything on a malformed font
            detail = (str(exc).splitlines() or [""])[0][:200] or type(exc).__name__
            raise BrandError(f"{brand.display}: typeface file {brand.relative(face.path)} is not a TrueType or "
                             f"OpenType font that can be read ({detail})") from exc
        common = cmap if common is None else common & cmap
    return frozenset(common or ())


def _font_cmap(path: Path) -> set[int]:
    """The code points of one font file, after opening it with fontTools (the library WeasyPrint
    subsets with) and decompiling the tables a renderer needs: a truncated or corrupt face fails
    here, naming the file, not halfway through a PDF."""
    from fontTools.ttLib import TTFont

    size = path.stat().st_size
    with open(path, "rb") as stream:
        if stream.read(4) == b"ttcf":  # fontTools needs a face number, and a huge count breaks it
            raise ValueError("it is a font collection (TTC); name a single .ttf or .otf face")
    with _font_errors() as errors, TTFont(path, lazy=True) as font:
        if font.flavor:
            raise ValueError(f"it is a {font.flavor.upper()} web font; PDF needs the .ttf or .otf font itself")
        for tag, entry in font.reader.tables.items():
            if entry.offset + entry.length > size:
                raise ValueError(f"its {tag.strip()} table runs past the end of the file: it is truncated")
        outlines = [tag for tag in ("glyf", "CFF ", "CFF2") if tag in font]
        if not outlines:
            raise ValueError("it has no glyph outlines (no glyf, CFF or CFF2 table)")
        for tag in (*_FONT_TABLES, *outlines, *(("loca",) if "glyf" in outlines else ())):
            if tag not in font:
                raise ValueError(f"it has no {tag.strip()} table")
            font[tag]  # noqa: B018 - reading the table decompiles it: a malformed one raises here
        cmap = set(font.getBestCmap() or {})
        if errors:  # fontTools patches some faults and only logs them: the font is still damaged
            raise ValueError(errors[0])
        return cmap


@contextlib.contextmanager
def _font_errors() -> Iterator[list[str]]:
    """The errors fontTools logs (instead of raising) while a font is read, kept off stderr."""
    errors: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            errors.append(record.getMessage())

    logger = logging.getLogger("fontTools")
    handler, propagate = Keep(logging.ERROR), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield errors
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _logo(brand: Brand, *, cmyk: bool) -> str:
    where = f"{brand.display}: logo.file {brand.relative(brand.logo)}"
    try:
        return clean_logo(brand.logo, where, brand.colours.by_screen(), cmyk=cmyk, black=BLACK.css())
    except LogoError as exc:
        raise BrandError(str(exc)) from exc
