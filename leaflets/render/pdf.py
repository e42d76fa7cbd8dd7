"""WeasyPrint, fenced in: a sandboxed fetcher, two PDF profiles, and deterministic output.

WeasyPrint 70 renders the print HTML; pikepdf then fixes what WeasyPrint leaves wrong for us:

- ``screen`` and ``large-print`` (PDF/UA-1): tables, lists and sections cut by a page break are one element again, a
  ``<dl>`` is a description list, the /IDTree is added (:mod:`leaflets.render.structure`); table header
  cells get a /Scope, running headers and footers become /Artifact (WeasyPrint tags them as content
  but hangs them outside the structure tree).
- ``print`` (PDF/X-4): TrimBox and BleedBox exactly 3 mm apart (WeasyPrint caps the BleedBox at
  10 pt), MediaBox = BleedBox, or larger with crop marks we draw in DeviceCMYK (WeasyPrint's own
  marks are RGB with transparency, which PDF/X forbids). A bilingual print PDF (``tagged``) is tagged
  too and gets the screen PDF's structure fixes, so each passage keeps its /Lang (leaflets.bilingual).
- both: dates from the leaflet's review date, identifiers from a hash of the inputs, so the same
  inputs give the same bytes.

Every error WeasyPrint logs, and every warning that means something was lost (a font, an image,
an unsupported feature), fails the render: a leaflet is never printed with a silent substitute.
What the PDF must be (fonts embedded, language and title, output intent, CMYK only, no attachments)
is checked by :mod:`leaflets.preflight` alone, which the build runs on these bytes before writing them.
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

from leaflets.output_condition import OutputCondition
from leaflets.printer_marks import MARK_SPACE_PT, crop_mark_lines, marks_content
from leaflets.render import structure
from leaflets.units import BLEED_PT, PT_PER_MM

# As leaflets.render.html's, with large print (not imported: that would load Jinja2 here).
PDF_PROFILES = ("screen", "print", "large-print")
ICC_DIR = Path(__file__).resolve().parent / "icc"
DEFAULT_ICC_PROFILE = ICC_DIR / "leaflets-fogra39-coated.icc"  # licence: icc/LICENCE.txt
# Large print is a screen PDF (tagged PDF/UA-1, RGB, live links) laid out in large type on A4.
VARIANTS = {"screen": "pdf/ua-1", "print": "pdf/x-4", "large-print": "pdf/ua-1"}


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
    output_condition: OutputCondition | None = None  # what the print output intent names (else WeasyPrint's)
    tagged: bool = False  # a print PDF tagged too (the bilingual one: each passage's /Lang, leaflets.bilingual)


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
        raise RenderError(f"{options.label}: unknown PDF profile {options.profile!r}; "
                          f"use one of {', '.join(PDF_PROFILES)}")
    fetcher = SandboxedFetcher((options.base_dir, *options.roots))
    stamp = f"{options.date.isoformat()}T00:00:00+00:00"
    tags = {"pdf_tags": True} if options.tagged else {}  # screen and large print are tagged by their variant
    with captured_weasyprint_log() as log, structure.recording():
        try:
            document = weasyprint.HTML(
                string=html, base_url=options.base_dir.resolve().as_uri() + "/", url_fetcher=fetcher,
            ).render(pdf_variant=VARIANTS[options.profile], **tags)
            document.metadata.created = document.metadata.modified = stamp
            _fill_profile_components(document)
            raw = document.write_pdf(  # <link rel=attachment> files go through the fetcher, then are refused
                pdf_variant=VARIANTS[options.profile],
                pdf_identifier=bytes.fromhex(options.identity)[:16], **tags,
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
        if options.profile != "print":  # screen and large-print: tagged PDF/UA
            crop_to_trim(pdf)
        if options.profile != "print" or options.tagged:
            structure.rejoin(pdf)  # before the fixes below: they read the whole tables and lists
            scope_table_headers(pdf)
            flatten_list_wrappers(pdf)
            artifact_unlinked_content(pdf)
        if options.profile == "print":
            set_print_boxes(pdf, options)
            name_output_condition(pdf, options.output_condition)
            if options.crop_marks:
                add_crop_marks(pdf)
        _fix_identifiers(pdf, options)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, linearize=False)
        return out.getvalue()


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


def name_output_condition(pdf: pikepdf.Pdf, condition: OutputCondition | None) -> None:
    """Name the press condition in the GTS_PDFX output intent so a prepress workflow recognises it.

    WeasyPrint names it by the profile's description ("Leaflets CMYK (FOGRA39 coated, …)"), which no
    workflow looks up; see :mod:`leaflets.output_condition` for what is written instead."""
    if condition is None:
        return
    for intent in pdf.Root.get("/OutputIntents") or []:
        if intent.get("/S") != pikepdf.Name.GTS_PDFX:
            continue
        intent.OutputConditionIdentifier = pikepdf.String(condition.identifier)
        intent.OutputCondition = pikepdf.String(condition.condition)
        intent.Info = pikepdf.String(condition.info)
        if condition.registry_name:
            intent.RegistryName = pikepdf.String(condition.registry_name)
        elif "/RegistryName" in intent:
            del intent.RegistryName


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
    """Eight crop marks in registration colour (all four inks), outside the bleed, no transparency
    (:mod:`leaflets.marks`); the Q first closes the q prepended to the page's own content."""
    return f"Q q {marks_content(crop_mark_lines(trim))}\nQ\n".encode("ascii")


def add_crop_marks(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        trim = [float(v) for v in page.obj.TrimBox]
        page.contents_add(pdf.make_stream(b"q\n"), prepend=True)
        page.contents_add(pdf.make_stream(crop_marks_stream(trim)))


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
