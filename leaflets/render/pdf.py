"""WeasyPrint, fenced in: a sandboxed fetcher, two PDF profiles, and deterministic output.

WeasyPrint 70 renders the print HTML; pikepdf then fixes what WeasyPrint leaves wrong for us:

- ``screen`` (PDF/UA-1): table header cells get a /Scope, running headers and footers become
  /Artifact (WeasyPrint tags them as content but hangs them outside the structure tree).
- ``print`` (PDF/X-4): TrimBox and BleedBox exactly 3 mm apart (WeasyPrint caps the BleedBox at
  10 pt), MediaBox = BleedBox, or larger with crop marks we draw in DeviceCMYK (WeasyPrint's own
  marks are RGB with transparency, which PDF/X forbids).
- both: dates from the leaflet's review date, identifiers from a hash of the inputs, so the same
  inputs give the same bytes.

Every error WeasyPrint logs, and every warning that means something was lost (a font, an image,
an unsupported feature), fails the render: a leaflet is never printed with a silent substitute.
This module imports WeasyPrint, so only the build imports it, and only when it renders.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import logging
import mimetypes
import re
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

import pikepdf
import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

PROFILES = ("screen", "print")
ICC_DIR = Path(__file__).resolve().parent / "icc"
DEFAULT_ICC_PROFILE = ICC_DIR / "leaflets-fogra39-coated.icc"  # licence: icc/LICENCE.txt
VARIANTS = {"screen": "pdf/ua-1", "print": "pdf/x-4"}

PT_PER_MM = 72 / 25.4
BLEED_PT = 3 * PT_PER_MM  # 8.504 pt on every side
MARK_OFFSET_PT = 3.0  # gap between the bleed edge and a crop mark
MARK_LENGTH_PT = 18.0
MARK_SPACE_PT = MARK_OFFSET_PT + MARK_LENGTH_PT + 3.0  # MediaBox beyond the BleedBox with marks
MARK_WIDTH_PT = 0.25

# Warnings that only say a CSS declaration was skipped: recorded, not fatal. Everything else
# WeasyPrint warns about (fonts, images, unsupported colour spaces or layout) fails the render.
_BENIGN_WARNING = re.compile(r"^(Ignored |Expected a media type|Anchor defined twice)")


class RenderError(Exception):
    """A PDF could not be rendered as asked; the message says what and where."""


class RefusedReference(FatalURLFetchingError):
    """The HTML referred to something outside the sandbox. Fatal: it stops WeasyPrint at once."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"refused reference {url!r}: {reason}")
        self.url = url
        self.reason = reason


class SandboxedFetcher(URLFetcher):
    """Serves ``data:`` URLs and files inside ``roots`` (symlinks resolved); refuses the rest.

    No network protocol is ever opened, so a server that never answers cannot stall a build.
    """

    def __init__(self, roots: Sequence[Path]) -> None:
        super().__init__(timeout=1, allowed_protocols={"file", "data"}, fail_on_errors=True)
        self.roots = tuple(Path(root).resolve() for root in roots)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise RefusedReference(url, "only files inside the brand folder and the package's templates may be "
                                   "used; nothing is fetched from the network while rendering")
        path = self.resolve(url)
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": mime})

    def resolve(self, url: str) -> Path:
        rest = url.split(":", 1)[1].split("?", 1)[0].split("#", 1)[0]
        if rest.startswith("//"):
            host, _, rest = rest[2:].partition("/")
            if host not in ("", "localhost"):
                raise RefusedReference(url, "file URLs on another host are not allowed")
            rest = "/" + rest
        raw = Path(url2pathname(rest))
        try:
            path = raw.resolve(strict=True)
        except (OSError, RuntimeError):
            if any(_inside(raw.resolve(), root) for root in self.roots):
                raise RefusedReference(url, "no such file in the brand folder or the templates") from None
            raise RefusedReference(url, "outside the brand folder and the package's templates") from None
        if not any(_inside(path, root) for root in self.roots):
            raise RefusedReference(url, "outside the brand folder and the package's templates")
        if not path.is_file():
            raise RefusedReference(url, "not a file")
        return path


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


@dataclass(frozen=True)
class PdfOptions:
    """How to render one PDF. ``identity`` is a hash of every input (content, brand, tool version)."""

    profile: str
    base_dir: Path
    roots: tuple[Path, ...]
    date: dt.date
    identity: str
    crop_marks: bool = False
    font_files: frozenset[str] | None = None  # SHA-256 of the allowed font files; None = any font
    label: str = ""  # names the leaflet in error messages


@dataclass
class PdfResult:
    data: bytes
    warnings: list[str] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def captured_weasyprint_log() -> Iterator[_Collect]:
    """Collect WeasyPrint's warnings and errors (instead of letting them reach stderr)."""
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


def render_pdf(html: str, options: PdfOptions) -> PdfResult:
    """Render ``html`` to PDF bytes for ``options.profile``; raise RenderError on any problem."""
    if options.profile not in VARIANTS:
        raise RenderError(f"{options.label}: unknown PDF profile {options.profile!r}; use one of {', '.join(PROFILES)}")
    fetcher = SandboxedFetcher((options.base_dir, *options.roots))
    stamp = f"{options.date.isoformat()}T00:00:00+00:00"
    with captured_weasyprint_log() as log:
        try:
            document = weasyprint.HTML(
                string=html, base_url=options.base_dir.resolve().as_uri() + "/", url_fetcher=fetcher,
            ).render(pdf_variant=VARIANTS[options.profile])
            document.metadata.created = document.metadata.modified = stamp
            _fill_profile_components(document)
            raw = document.write_pdf(  # <link rel=attachment> files go through the fetcher, then are refused
                pdf_variant=VARIANTS[options.profile],
                pdf_identifier=bytes.fromhex(options.identity)[:16],
            )
        except RefusedReference as exc:
            raise RenderError(f"{options.label}: {exc}") from None
        except FatalURLFetchingError as exc:
            cause = exc.__cause__ or exc
            raise RenderError(f"{options.label}: {exc}: {cause}") from None
    problems, notes = _sort_log(log.records)
    problems.extend(_stray_fonts(document, options))
    if problems:
        raise RenderError(f"{options.label}: WeasyPrint reported a problem, so no PDF was written:\n  "
                          + "\n  ".join(problems))
    try:
        data = _finish(raw, options)
    except (pikepdf.PdfError, ValueError, KeyError) as exc:  # a malformed PDF from WeasyPrint
        raise RenderError(f"{options.label}: could not post-process the PDF: {exc}") from exc
    return PdfResult(data, notes)


_COMPONENTS = {"CMYK": ["cyan", "magenta", "yellow", "black"], "RGB": ["r", "g", "b"], "GRAY": ["k"]}


def _fill_profile_components(document: weasyprint.document.Document) -> None:
    """An @color-profile without ``components:`` crashes WeasyPrint 70's PDF writer; take them
    from the ICC profile's own colour space instead."""
    for profile in document.color_profiles.values():
        if profile.components is None:
            space = str(profile._profile.profile.xcolor_space).strip().upper()
            profile.components = _COMPONENTS.get(space, [])


def _stray_fonts(document: weasyprint.document.Document, options: PdfOptions) -> list[str]:
    """Fonts WeasyPrint used that are not the brand's files: a fallback means a missing glyph or style."""
    if options.font_files is None:
        return []
    from weasyprint.text.fonts import get_hb_object_data  # the whole font file, not the subset

    strays = set()
    for font in document.fonts.values():
        if hashlib.sha256(bytes(get_hb_object_data(font.hb_face))).hexdigest() not in options.font_files:
            strays.add(f"{font.family} (weight {font.weight})")
    return [f"error: text was set in the font {name}, which is not one of the brand's font files: a glyph, "
            "weight or style is missing from the brand's fonts, or a font-family name does not match"
            for name in sorted(strays)]


def _sort_log(records: list[logging.LogRecord]) -> tuple[list[str], list[str]]:
    problems, notes = [], []
    for record in records:
        message = record.getMessage().strip()
        if record.levelno < logging.ERROR and _BENIGN_WARNING.match(message):
            notes.append(message)
        else:
            problems.append(f"{record.levelname.lower()}: {message}")
    return problems, notes


# --- post-processing with pikepdf ---------------------------------------------------------------

def _finish(raw: bytes, options: PdfOptions) -> bytes:
    with pikepdf.open(io.BytesIO(raw)) as pdf:
        if "/Names" in pdf.Root and "/EmbeddedFiles" in pdf.Root.Names:
            raise RenderError(f"{options.label}: the HTML asks to attach a file to the PDF; leaflets carry none")
        _check_fonts(pdf, options)
        if options.profile == "screen":
            _check_accessible(pdf, options)
            crop_to_trim(pdf)
            scope_table_headers(pdf)
            flatten_list_wrappers(pdf)
            artifact_unlinked_content(pdf)
        else:
            _check_output_intent(pdf, options)
            set_print_boxes(pdf, options)
            rgb = rgb_colour_uses(pdf)
            if rgb:
                raise RenderError(f"{options.label}: the print PDF must be all CMYK, but has RGB colour: "
                                  + "; ".join(rgb[:5]))
            if options.crop_marks:
                add_crop_marks(pdf)
        _fix_identifiers(pdf, options)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, linearize=False)
        return out.getvalue()


def embedded_fonts(pdf: pikepdf.Pdf) -> dict[str, bool]:
    """BaseFont name (subset prefix removed) → whether its font program is embedded."""
    fonts: dict[str, bool] = {}
    seen: set[tuple[int, int]] = set()

    def visit(resources: Any) -> None:
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for font in (resources.get("/Font") or {}).values():
            for leaf in ([font] + list(font.get("/DescendantFonts", []))):
                descriptor = leaf.get("/FontDescriptor")
                if "/BaseFont" not in leaf or leaf.get("/Subtype") == "/Type0":
                    continue
                name = re.sub(r"^[A-Z]{6}\+", "", str(leaf.BaseFont)[1:])
                has_program = descriptor is not None and any(
                    key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
                fonts[name] = fonts.get(name, True) and has_program
                if leaf.get("/Subtype") == "/Type3":
                    fonts[name] = True  # glyphs drawn in the PDF itself
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.objgen in seen or xobject.get("/Subtype") != "/Form":
                continue
            seen.add(xobject.objgen)
            visit(xobject.get("/Resources"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))  # type: ignore[arg-type]
    return fonts


def _check_fonts(pdf: pikepdf.Pdf, options: PdfOptions) -> None:
    fonts = embedded_fonts(pdf)
    missing = sorted(name for name, embedded in fonts.items() if not embedded)
    if missing:
        raise RenderError(f"{options.label}: fonts not embedded: {', '.join(missing)}")


def _check_accessible(pdf: pikepdf.Pdf, options: PdfOptions) -> None:
    lang = str(pdf.Root.get("/Lang", ""))
    title = str(pdf.docinfo.get("/Title", ""))
    if not lang:
        raise RenderError(f"{options.label}: the screen PDF has no language (lang on <html>)")
    if not title.strip():
        raise RenderError(f"{options.label}: the screen PDF has no title (<title> in the print HTML)")


def _check_output_intent(pdf: pikepdf.Pdf, options: PdfOptions) -> None:
    intents = pdf.Root.get("/OutputIntents")
    ok = intents is not None and any(
        intent.get("/S") == "/GTS_PDFX" and "/DestOutputProfile" in intent
        and int(intent.DestOutputProfile.get("/N", 0)) == 4 for intent in intents)
    if not ok:
        raise RenderError(
            f"{options.label}: the print PDF has no CMYK output intent: the print HTML must declare "
            "@color-profile device-cmyk { src: url(...) } inside a <style> element (WeasyPrint drops it "
            "silently when it comes through stylesheets=)")


def scope_table_headers(pdf: pikepdf.Pdf) -> int:
    """Give every /TH a /Scope: /Row when its row also has data cells, else /Column. Returns the count."""
    fixed = 0
    for element in _struct_elements(pdf):
        if element.get("/S") != "/TH":
            continue
        attributes = element.get("/A")
        table_attrs = None
        for attrs in (list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]):
            if isinstance(attrs, pikepdf.Dictionary) and attrs.get("/O") == "/Table":
                table_attrs = attrs
        if table_attrs is not None and "/Scope" in table_attrs:
            continue
        row = element.get("/P")
        kids = row.get("/K") if row is not None else None
        siblings = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
        has_data = any(isinstance(k, pikepdf.Dictionary) and k.get("/S") == "/TD" for k in siblings)
        scope = pikepdf.Name.Row if has_data else pikepdf.Name.Column
        if table_attrs is None:
            table_attrs = pikepdf.Dictionary(O=pikepdf.Name.Table)
            if attributes is None:
                element.A = table_attrs
            elif isinstance(attributes, pikepdf.Array):
                attributes.append(table_attrs)
            else:
                element.A = pikepdf.Array([attributes, table_attrs])
        table_attrs.Scope = scope
        fixed += 1
    return fixed


def flatten_list_wrappers(pdf: pikepdf.Pdf) -> int:
    """``<dl><div><dt>…<dd>…</div></dl>`` (valid HTML) comes out as L > Div > LI; PDF/UA wants
    L > LI. Lift the list items out of such wrappers. Returns how many wrappers were removed."""
    removed = 0
    for element in list(_struct_elements(pdf)):
        if element.get("/S") != "/L" or not isinstance(element.get("/K"), pikepdf.Array):
            continue
        kids: list[Any] = []
        for kid in element.K:
            grandkids = kid.get("/K") if isinstance(kid, pikepdf.Dictionary) else None
            items: list[Any] = list(grandkids) if isinstance(grandkids, pikepdf.Array) else [grandkids]
            if (isinstance(kid, pikepdf.Dictionary) and kid.get("/S") in ("/Div", "/NonStruct", "/Span")
                    and items and all(isinstance(i, pikepdf.Dictionary) and i.get("/S") == "/LI" for i in items)):
                for item in items:
                    item.P = element
                kids.extend(items)
                removed += 1
            else:
                kids.append(kid)
        if removed:
            element.K = pikepdf.Array(kids)
    for element in list(_struct_elements(pdf)):
        if element.get("/S") == "/LI":
            removed += _wrap_list_body(pdf, element)
    return removed


def _wrap_list_body(pdf: pikepdf.Pdf, item: Any) -> int:
    """``<li><p>…</p><p>…</p></li>`` comes out as LI > Lbl, P, P; PDF/UA wants LI > Lbl, LBody."""
    kids: list[Any] = list(item.K) if isinstance(item.get("/K"), pikepdf.Array) else [item.get("/K")]
    loose = [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k and k.S not in ("/Lbl", "/LBody")]
    if not loose or len(loose) != len([k for k in kids if not (isinstance(k, pikepdf.Dictionary)
                                                               and k.get("/S") == "/Lbl")]):
        return 0  # nothing loose, or marked content directly in the LI: leave it alone
    body = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.LBody, P=item,
                                                K=pikepdf.Array(loose)))
    if "/Pg" in item:
        body.Pg = item.Pg
    for kid in loose:
        kid.P = body
    item.K = pikepdf.Array([k for k in kids if not any(k.objgen == x.objgen for x in loose)] + [body])
    return 1


def _struct_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element reachable from the StructTreeRoot, depth first."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen: set[tuple[int, int]] = set()
    kids = root.get("/K")
    stack = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    stack.reverse()
    while stack:
        node = stack.pop()
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        yield node
        children = node.get("/K")
        if isinstance(children, pikepdf.Array):
            stack.extend(reversed(list(children)))
        elif isinstance(children, pikepdf.Dictionary):
            stack.append(children)


def artifact_unlinked_content(pdf: pikepdf.Pdf) -> int:
    """Mark content whose structure element is not in the tree (running headers, footers) as
    /Artifact /Pagination, and drop it from the ParentTree. Returns how many were changed."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return 0
    linked = {element.objgen for element in _struct_elements(pdf)}
    nums = root.ParentTree.get("/Nums", pikepdf.Array())
    by_page = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    changed = 0
    for index, page in enumerate(pdf.pages):
        marked = by_page.get(int(page.obj.get("/StructParents", index)))
        if not isinstance(marked, pikepdf.Array):
            continue
        orphans = {mcid for mcid, element in enumerate(marked)
                   if isinstance(element, pikepdf.Dictionary) and element.objgen not in linked}
        if not orphans:
            continue
        operations: list[Any] = []
        instructions: list[Any] = pikepdf.parse_content_stream(page)
        for operands, operator in instructions:
            if (str(operator) == "BDC" and len(operands) == 2 and isinstance(operands[1], pikepdf.Dictionary)
                    and int(operands[1].get("/MCID", -1)) in orphans):
                operands = [pikepdf.Name.Artifact, pikepdf.Dictionary(Type=pikepdf.Name.Pagination)]
                changed += 1
            operations.append((operands, operator))
        page.Contents = pdf.make_stream(pikepdf.unparse_content_stream(operations))
        for mcid in orphans:
            marked[mcid] = None
    return changed


def crop_to_trim(pdf: pikepdf.Pdf) -> None:
    """A screen PDF is the page a reader sees: no bleed."""
    for page in pdf.pages:
        if "/TrimBox" in page.obj:
            page.obj.MediaBox = page.obj.TrimBox
        for box in ("/BleedBox", "/CropBox", "/ArtBox"):
            if box in page.obj:
                del page.obj[box]


def set_print_boxes(pdf: pikepdf.Pdf, options: PdfOptions) -> None:
    """BleedBox = TrimBox + 3 mm exactly; MediaBox = BleedBox (+ room for crop marks)."""
    for number, page in enumerate(pdf.pages, start=1):
        trim = [float(v) for v in page.obj.get("/TrimBox", page.MediaBox)]
        media = [float(v) for v in page.MediaBox]
        reach = min(trim[0] - media[0], trim[1] - media[1], media[2] - trim[2], media[3] - trim[3])
        if reach < BLEED_PT - 0.01:
            raise RenderError(
                f"{options.label}: page {number}: the artwork reaches only {reach / PT_PER_MM:.2f} mm beyond the "
                "trim; the print HTML must set @page {{ bleed: 3mm }}")
        bleed = [trim[0] - BLEED_PT, trim[1] - BLEED_PT, trim[2] + BLEED_PT, trim[3] + BLEED_PT]
        extra = MARK_SPACE_PT if options.crop_marks else 0.0
        page.obj.TrimBox = pikepdf.Array([round(v, 4) for v in trim])
        page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in bleed])
        page.obj.MediaBox = pikepdf.Array([round(bleed[0] - extra, 4), round(bleed[1] - extra, 4),
                                           round(bleed[2] + extra, 4), round(bleed[3] + extra, 4)])
        for box in ("/CropBox", "/ArtBox"):
            if box in page.obj:
                del page.obj[box]


def crop_marks_stream(trim: Sequence[float]) -> bytes:
    """Eight crop marks in registration colour (all four inks), outside the bleed, no transparency."""
    x0, y0, x1, y1 = trim
    near = BLEED_PT + MARK_OFFSET_PT
    far = near + MARK_LENGTH_PT
    lines = []
    for x, outward_x in ((x0, -1), (x1, 1)):
        for y, outward_y in ((y0, -1), (y1, 1)):
            lines.append(f"{x + outward_x * near:.3f} {y:.3f} m {x + outward_x * far:.3f} {y:.3f} l S")
            lines.append(f"{x:.3f} {y + outward_y * near:.3f} m {x:.3f} {y + outward_y * far:.3f} l S")
    body = "\n".join(lines)
    return f"Q q {MARK_WIDTH_PT} w 0 J [] 0 d 1 1 1 1 K\n{body}\nQ\n".encode("ascii")


def add_crop_marks(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        trim = [float(v) for v in page.obj.TrimBox]
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(crop_marks_stream(trim)))


_RGB_SPACES = {"/DeviceRGB", "/CalRGB"}


def _colour_space_is_rgb(space: Any) -> bool:
    if space is None:
        return False
    if isinstance(space, pikepdf.Name):
        return str(space) in _RGB_SPACES
    if isinstance(space, pikepdf.Array) and len(space) > 0:
        family = str(space[0])
        if family in _RGB_SPACES:
            return True
        if family == "/ICCBased":
            return int(space[1].get("/N", 0)) == 3
        if family in ("/Indexed", "/Pattern") and len(space) > 1:
            return _colour_space_is_rgb(space[1])
        if family in ("/Separation", "/DeviceN"):
            return _colour_space_is_rgb(space[2])
    return False


def rgb_colour_uses(pdf: pikepdf.Pdf) -> list[str]:
    """Every RGB colour in page content, forms, images and shadings: ``page N: what``."""
    found: list[str] = []
    seen: set[tuple[int, int]] = set()

    def space_named(resources: Any, name: Any) -> Any:
        if str(name) in ("/DeviceRGB", "/DeviceCMYK", "/DeviceGray", "/Pattern"):
            return name
        spaces = resources.get("/ColorSpace") if isinstance(resources, pikepdf.Dictionary) else None
        return spaces.get(str(name)) if spaces is not None else None

    def scan(where: str, owner: Any, resources: Any) -> None:
        current: dict[str, Any] = {"cs": None, "CS": None}
        instructions: list[Any] = pikepdf.parse_content_stream(owner)
        for operands, operator in instructions:
            op = str(operator)
            if op in ("rg", "RG"):
                found.append(f"{where}: {op} {' '.join(str(float(v)) for v in operands)}")
            elif op in ("cs", "CS"):
                current[op] = space_named(resources, operands[0])
                if _colour_space_is_rgb(current[op]):
                    found.append(f"{where}: {op} {operands[0]} (RGB colour space)")
        if not isinstance(resources, pikepdf.Dictionary):
            return
        for name, xobject in (resources.get("/XObject") or {}).items():
            if xobject.objgen in seen:
                continue
            seen.add(xobject.objgen)
            if xobject.get("/Subtype") == "/Image":
                if _colour_space_is_rgb(xobject.get("/ColorSpace")):
                    found.append(f"{where}: image {name} in {xobject.ColorSpace}")
            elif xobject.get("/Subtype") == "/Form":
                scan(f"{where} form {name}", xobject, xobject.get("/Resources", resources))
        for name, shading in (resources.get("/Shading") or {}).items():
            if _colour_space_is_rgb(shading.get("/ColorSpace")):
                found.append(f"{where}: shading {name} in RGB")
        for name, pattern in (resources.get("/Pattern") or {}).items():
            if pattern.objgen in seen:
                continue
            seen.add(pattern.objgen)
            if int(pattern.get("/PatternType", 0)) == 1:
                scan(f"{where} pattern {name}", pattern, pattern.get("/Resources"))
            elif "/Shading" in pattern and _colour_space_is_rgb(pattern.Shading.get("/ColorSpace")):
                found.append(f"{where}: shading pattern {name} in RGB")

    for number, page in enumerate(pdf.pages, start=1):
        scan(f"page {number}", page, page.obj.get("/Resources"))
    return found


def _fix_identifiers(pdf: pikepdf.Pdf, options: PdfOptions) -> None:
    """XMP DocumentID/InstanceID from the inputs' hash instead of WeasyPrint's random uuid4."""
    if "/Metadata" not in pdf.Root:
        return
    digest = hashlib.sha256(options.identity.encode("ascii") + options.profile.encode("ascii")).digest()
    document_id = f"uuid:{uuid.UUID(bytes=digest[:16], version=4)}"
    instance_id = f"uuid:{uuid.UUID(bytes=digest[16:32], version=4)}"
    xmp = pdf.Root.Metadata.read_bytes().decode("utf-8")
    xmp, count = re.subn(r"<xmpMM:DocumentID>[^<]*</xmpMM:DocumentID>",
                         f"<xmpMM:DocumentID>{document_id}</xmpMM:DocumentID>"
                         f"<xmpMM:InstanceID>{instance_id}</xmpMM:InstanceID>", xmp)
    if count:
        pdf.Root.Metadata.write(xmp.encode("utf-8"))


def input_identity(*parts: bytes | str) -> str:
    """A SHA-256 over the inputs of one render, used for identifiers inside the PDF."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def font_files(folder: Path) -> frozenset[str]:
    """SHA-256 of every font file in ``folder`` and below: the only fonts a leaflet may use."""
    return frozenset(hashlib.sha256(path.read_bytes()).hexdigest() for path in sorted(folder.rglob("*"))
                     if path.suffix.lower() in (".ttf", ".otf", ".ttc", ".otc") and path.is_file())
