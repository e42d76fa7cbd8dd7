"""Figures: a picture or diagram kept beside the leaflet (``content/<id>/pars-defect.svg``), read as a
hostile file and published only as what was checked.

Content is as untrusted as a brand folder, so a figure file is held to what brands are held to:

* it must be inside the leaflet's own folder: a name that climbs out, an absolute path, a URL, or a
  symbolic link that leads out is refused (the schema's pattern refuses the first three already; this
  module does not rely on it);
* its size is checked with ``stat`` before a byte is read, and again while reading (the file may
  grow in between), against :data:`MAX_FIGURE_BYTES`;
* its *bytes* decide its type, not its name: an SVG must parse as SVG (with :mod:`leaflets.logo`'s
  parser: no DTD, entity, external reference, processing instruction, script or foreign element) and
  is written out again from the parsed tree; a PNG or JPEG must open with Pillow as that format,
  within :data:`MAX_FIGURE_PIXELS` and Pillow's decompression-bomb limit (a warning is an error
  here), and is decoded and encoded again, so no metadata (EXIF location, comments) is published;
* nothing is fetched: the outputs embed figures as ``data:`` URLs.

Colour: web pages and the screen PDF keep RGB (sRGB; an embedded profile is converted to sRGB). The
print PDF is CMYK only: a raster figure is converted with LittleCMS through the same CMYK profile the
print PDF's output intent embeds (:func:`print_profile`), and an SVG figure's colours are rewritten as
``device-cmyk()`` through it too (neutral greys as black ink alone, so line art and labels print in
one ink with no colour fringes).

Size: a raster figure is placed at the size its own resolution gives it (a 600-pixel-wide PNG that
says 300 ppi is 2 inches wide), never wider than the text column; its effective resolution as
placed must be at least :data:`MIN_PRINT_PPI` in the print PDF (:func:`placement`).
"""

from __future__ import annotations

import functools
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from leaflets.brand import Brand

MIB = 1024 * 1024
MAX_FIGURE_BYTES = 4 * MIB  # a 300 ppi photo across an A4 column is about 2 MiB as JPEG
MAX_FIGURE_PIXELS = 40_000_000  # 8,000 × 5,000; Pillow's own bomb limit is about 89 million
MIN_PRINT_PPI = 300  # what presses ask for at the placed size (preflight PP011 warns under it)
# The widest text column any print PDF has (A4: leaflets.render.html.column_mm(210)); validate, which
# knows no brand, judges a figure's resolution there (narrower paper only raises it).
WIDEST_COLUMN_MM = 170
CSS_PPI = 96  # a raster that states no resolution is placed as a browser places it: 96 pixels an inch
MM_PER_INCH = 25.4

Kind = Literal["svg", "png", "jpeg"]
_KINDS: dict[str, Kind] = {".svg": "svg", ".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg"}
_PILLOW_FORMATS = {"png": "PNG", "jpeg": "JPEG"}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?=\S)")  # "https:", "data:"; not "TODO: draw it"


class FigureError(ValueError):
    """A figure file that cannot be used; the message says why, in words for the writer."""


@dataclass(frozen=True, slots=True)
class FigureImage:
    """A checked figure: what the outputs embed (plain data, so it travels to a render worker)."""

    kind: Kind
    data: bytes  # svg: the checked tree written out again (UTF-8); raster: RGB pixels encoded again
    width: int  # raster: pixels; svg: its width in CSS pixels (0 when it gives none)
    height: int
    ppi: float = CSS_PPI  # raster: the resolution the file states (what sets its placed size)

    @property
    def mime(self) -> str:
        return {"svg": "image/svg+xml", "png": "image/png", "jpeg": "image/jpeg"}[self.kind]


# --- finding and reading the file -----------------------------------------------------------------

def check_name(name: str) -> None:
    """Refuse a figure name that could lead outside the leaflet's folder by its words alone (a web
    address, an absolute or Windows path, ".."): what holds wherever the folder is (on disk, in git)."""
    if _SCHEME.match(name) or name.startswith("//"):
        raise FigureError(f"\"{name}\" is a web address: a figure is a file kept in the leaflet's folder, "
                          "nothing is fetched")
    if name.startswith(("/", "\\")) or "\\" in name:
        raise FigureError(f"\"{name}\" is an absolute or Windows path: name a file in the leaflet's folder, "
                          "such as \"diagram.svg\"")
    if ".." in PurePosixPath(name).parts:
        raise FigureError(f"\"{name}\" climbs out of the leaflet's folder with \"..\": keep the figure beside "
                          "the leaflet")


def resolve(folder: Path, name: str) -> Path:
    """The file ``name`` inside the leaflet's ``folder``; anything that leads elsewhere is refused."""
    check_name(name)
    root = folder.resolve()
    try:
        target = (root / name).resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links
        raise FigureError(f"\"{name}\" is a symbolic link that cannot be followed ({exc})") from exc
    if not target.is_relative_to(root):
        raise FigureError(f"\"{name}\" leads outside the leaflet's folder through a symbolic link: copy the "
                          "file into the folder instead")
    if not target.is_file():
        raise FigureError(f"there is no file \"{name}\" in the leaflet's folder")
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in _KINDS:
        raise FigureError(f"\"{name}\" is not an .svg, .png or .jpg file")
    return target


def read_limited(path: Path, shown: str) -> bytes:
    """The bytes of ``path``, refused above MAX_FIGURE_BYTES: measured before reading, and the read
    itself stops one byte past the limit (the file may have grown since)."""
    size = path.stat().st_size
    if size > MAX_FIGURE_BYTES:
        raise FigureError(f"\"{shown}\" is {size:,} bytes, over the limit of {MAX_FIGURE_BYTES // MIB} MiB for a "
                          "figure: make the image smaller")
    with path.open("rb") as handle:
        data = handle.read(MAX_FIGURE_BYTES + 1)
    if len(data) > MAX_FIGURE_BYTES:
        raise FigureError(f"\"{shown}\" is over the limit of {MAX_FIGURE_BYTES // MIB} MiB for a figure")
    if not data:
        raise FigureError(f"\"{shown}\" is empty")
    return data


def load_figure(folder: Path, name: str) -> FigureImage:
    """The checked figure ``name`` in the leaflet's ``folder``. Raises FigureError."""
    path = resolve(folder, name)
    stat = path.stat()
    return _load(path, name, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=16)  # at most 16 × MAX_FIGURE_BYTES held (leaflets serve runs for hours)
def _load(path: Path, name: str, mtime_ns: int, size: int) -> FigureImage:
    """Cached on the file's change time and size: validate's rule and the model read the same file."""
    data = read_limited(path, name)
    kind = _KINDS[PurePosixPath(name).suffix.lower()]
    if kind == "svg":
        return _svg(data, name)
    return _raster(data, name, kind)


def _svg(data: bytes, name: str) -> FigureImage:
    import xml.etree.ElementTree as ET

    from leaflets.logo import LogoError, clean_svg, parse_svg

    try:
        root = parse_svg(data, "a figure")
    except (ET.ParseError, ValueError) as exc:
        raise FigureError(f"\"{name}\" is not an SVG file that can be read: {exc}") from exc

    def screen(colour: str | None, where: str) -> str:
        if colour is None:
            raise LogoError(f"{where}: write each colour of a figure as #rrggbb (or black, white, none), "
                            "so it can be converted for print")
        return colour

    try:
        text = clean_svg(root, f"\"{name}\"", screen, cmyk=False, black="#000000", noun="a figure")
    except LogoError as exc:
        raise FigureError(str(exc)) from exc
    width, height = _svg_size(root)
    return FigureImage("svg", text.encode("utf-8"), width, height)


def _svg_size(root: object) -> tuple[int, int]:
    """The SVG's size in CSS pixels, from width/height or else its viewBox; (0, 0) when it gives none."""
    attrib = getattr(root, "attrib", {})

    def number(value: str | None) -> float | None:
        match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(px)?\s*", value or "")
        return float(match.group(1)) if match else None

    width, height = number(attrib.get("width")), number(attrib.get("height"))
    if width and height:
        return round(width), round(height)
    box = (attrib.get("viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            return round(float(box[2])), round(float(box[3]))
        except ValueError:
            pass
    return 0, 0


def _raster(data: bytes, name: str, kind: Kind) -> FigureImage:
    from PIL import Image, ImageCms

    expected = _PILLOW_FORMATS[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=("PNG", "JPEG"))
            if image.format != expected:
                raise FigureError(f"\"{name}\" holds {image.format} data, not {expected}: name the file for what it is")
            if image.width * image.height > MAX_FIGURE_PIXELS:
                raise FigureError(f"\"{name}\" is {image.width:,} × {image.height:,} pixels, over the limit of "
                                  f"{MAX_FIGURE_PIXELS:,} pixels for a figure")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise FigureError(f"\"{name}\" would decompress to too many pixels (a decompression bomb): {exc}") from exc
        except FigureError:
            raise
        except (OSError, SyntaxError, ValueError, EOFError) as exc:
            raise FigureError(f"\"{name}\" is not a {expected} image that can be read: {exc}") from exc
    if image.mode not in ("1", "L", "LA", "P", "PA", "RGB", "RGBA"):
        raise FigureError(f"\"{name}\" is a {image.mode} image: supply it in RGB (the build makes the print "
                          "PDF's CMYK itself, for the printer's own profile)")
    dpi = image.info.get("dpi")
    ppi = float(dpi[0]) if isinstance(dpi, tuple) and dpi and float(dpi[0]) >= 1 else float(CSS_PPI)
    embedded = image.info.get("icc_profile")
    rgb = _flatten(image)
    if embedded:  # e.g. Adobe RGB: the pixels mean what that profile says; the outputs are sRGB
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(embedded))
            rgb = ImageCms.profileToProfile(rgb, source, ImageCms.createProfile("sRGB"), outputMode="RGB") or rgb
        except (OSError, ImageCms.PyCMSError) as exc:
            raise FigureError(f"\"{name}\" has a colour profile LittleCMS cannot read ({exc}): "
                              "save it as sRGB") from exc
    out = io.BytesIO()
    if kind == "jpeg":
        rgb.save(out, "JPEG", quality=92, subsampling=0)
    else:
        rgb.save(out, "PNG")
    return FigureImage(kind, out.getvalue(), rgb.width, rgb.height, round(ppi, 1))


def _flatten(image: PILImage.Image) -> PILImage.Image:
    """RGB on white paper: the page is white in every output, and a soft mask would be transparency
    in the print PDF (which preflight checks for)."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image.convert("RGB")


# --- placing and printing ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Placement:
    """Where a raster figure goes: its width on the page and the resolution that gives it."""

    width_mm: float
    ppi: float


def placement(image: FigureImage, column_mm: float) -> Placement:
    """A raster placed at its own stated size, never wider than the column ``column_mm``; the
    effective resolution is its pixels over that width (shrinking to fit the column raises it)."""
    natural_mm = image.width / image.ppi * MM_PER_INCH
    width_mm = min(natural_mm, column_mm)
    return Placement(round(width_mm, 2), round(image.width / (width_mm / MM_PER_INCH), 1))


def print_profile(brand: Brand) -> bytes:
    """The CMYK profile the print PDF's output intent embeds (the brand's, or the default FOGRA39
    one; see leaflets.render.html._icc_url): the one the figures are converted through."""
    if brand.icc_profile is not None:
        return brand.icc_profile.read_bytes()
    from leaflets.render.pdf import DEFAULT_ICC_PROFILE

    return DEFAULT_ICC_PROFILE.read_bytes()


@functools.lru_cache(maxsize=4)
def _to_press(profile: bytes) -> object:
    """sRGB → the press's CMYK, relative colorimetric with black-point compensation.

    Relative colorimetric keeps every colour the press can print exactly as it is (a diagram's brand
    blue stays that blue) and moves only the ones it cannot to the nearest it can, where perceptual
    would shift all colours to make room; black-point compensation maps the screen's black to the
    paper's darkest ink instead of clipping, so shadows keep their detail. This is the usual choice
    for documents and line art going to press (perceptual is kept for photos with many colours out of
    gamut)."""
    from PIL import ImageCms

    return ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.ImageCmsProfile(io.BytesIO(profile)),
                                   "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
                                   flags=ImageCms.Flags.BLACKPOINTCOMPENSATION)


def cmyk_jpeg(image: FigureImage, profile: bytes) -> bytes:
    """A raster figure in the press's CMYK (see :func:`_to_press`), as a JPEG: a PDF carries CMYK
    pixels as DCT (JPEG) or raw; PNG has no CMYK. Quality 95 with no chroma subsampling keeps a
    diagram's edges; the same pixels give the same bytes, so rebuilds are identical."""
    from PIL import Image, ImageCms

    rgb = Image.open(io.BytesIO(image.data)).convert("RGB")
    cmyk = ImageCms.applyTransform(rgb, _to_press(profile))  # type: ignore[arg-type]
    assert cmyk is not None
    out = io.BytesIO()
    cmyk.save(out, "JPEG", quality=95, subsampling=0)
    return out.getvalue()


def cmyk_colour(hex_colour: str, profile: bytes) -> str:
    """``#rrggbb`` as ``device-cmyk()``: a neutral grey as black ink alone (``#1a1a1a`` → 90 % K), any
    other colour through the press profile as a raster is."""
    from PIL import Image, ImageCms

    from leaflets.brand import Cmyk

    red, green, blue = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    if red == green == blue:
        return Cmyk(0, 0, 0, round(100 - red / 2.55, 2)).css()
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), (red, green, blue)), _to_press(profile))  # type: ignore[arg-type]
    assert pixel is not None
    c, m, y, k = pixel.getpixel((0, 0))  # type: ignore[misc]
    return Cmyk(*(round(v / 2.55, 2) for v in (c, m, y, k))).css()


def svg_for_print(image: FigureImage, profile: bytes) -> str:
    """An SVG figure with every colour as ``device-cmyk()`` (see :func:`cmyk_colour`): the tree
    checked when the figure was read, parsed and checked again, never the file as given."""
    from leaflets.logo import LogoError, clean_svg, parse_svg

    def press(colour: str | None, where: str) -> str:
        if colour is None:
            raise LogoError(f"{where}: not a colour that can be converted for print")
        return cmyk_colour(colour, profile)

    black = cmyk_colour("#000000", profile)
    return clean_svg(parse_svg(image.data, "a figure"), "figure", press, cmyk=True, black=black, noun="a figure")
