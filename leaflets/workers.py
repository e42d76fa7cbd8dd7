"""Rendering, in worker processes: one :class:`RenderRequest` in, one :class:`Rendered` out.

The build (and ``preview``, and ``serve``) read and check each content file once, and build its
model once (:func:`leaflet_model`) in the main process; a request carries that model (plain,
picklable data) to a worker, which only lays it out: the web page with Jinja2, a PDF with
WeasyPrint. Workers never raise: every problem comes back as one line in :attr:`Rendered.error`,
and a worker is killed with the build (:func:`die_with_parent`).

A print PDF for a booklet is padded to a multiple of 4 pages with useful pages (see
:func:`_padded_for_booklet`): the page count is only known after layout, so it may take up to three
renders.
"""

from __future__ import annotations

import concurrent.futures
import datetime
import hashlib
import io
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from leaflets import __version__
from leaflets.names import leaflet_key, output_path

if TYPE_CHECKING:
    from leaflets.brand import Brand
    from leaflets.model import Leaflet
    from leaflets.output_condition import OutputCondition
    from leaflets.render.marks import DraftFinding

Kind = Literal["html", "screen", "print", "large-print", "txt"]  # what one request renders: the web page, a PDF
# profile, or the plain text
# The PDF date of a draft whose last_reviewed is not a date (a fixed one: same input, same bytes).
DRAFT_PDF_DATE = datetime.date(2000, 1, 1)


@dataclass(frozen=True)
class Partner:
    """The second language of a bilingual PDF (leaflets.bilingual): its content file and model."""

    source: str
    leaflet: Leaflet


@dataclass(frozen=True)
class RenderRequest:
    """One output to render. Plain data (the model is frozen dataclasses), so it travels to a worker."""

    source: str  # display path of the content file
    leaflet: Leaflet  # its model, built once: see leaflet_model
    brand: str  # absolute path of the brand folder
    kind: Kind
    draft: bool
    crop_marks: bool = False
    booklet: bool = False  # print profile: pad to a multiple of 4 pages with useful pages
    findings: tuple[DraftFinding, ...] = ()  # a draft's: marked in its text and listed (leaflets.render.marks)
    large_print: str = ""  # the large-print PDF's file name when this build makes one: this output says so
    partner: Partner | None = None  # a bilingual PDF: the leaflet in the right-hand column (leaflets.bilingual)

    @property
    def label(self) -> str:
        if self.partner is not None:
            return f"{self.source} + {self.partner.source} (bilingual {self.kind})"
        return f"{self.source} ({self.kind})"

    @property
    def relative(self) -> str:
        """The output's file name in the build folder (a bilingual PDF's: ``<id>.cy-en.print.pdf``)."""
        return output_path(self.leaflet.id, self.languages, self.kind)

    @property
    def languages(self) -> str:
        """The language part of the output's name: the leaflet's, or both of a bilingual PDF's."""
        partner = self.partner
        return self.leaflet.language if partner is None else f"{self.leaflet.language}-{partner.leaflet.language}"


@dataclass(frozen=True)
class Rendered:
    request: RenderRequest
    data: bytes = b""
    error: str = ""  # one line naming the file; then data is empty


def leaflet_model(data: object, source: str, source_sha256: str, *, draft: bool) -> Leaflet:
    """The model of a checked leaflet; a draft's tolerates broken content (placeholders, see
    leaflets.model), and is named after its path (``content/<id>/<lang>.json``) when its own id or
    language is unusable. Raises (ContentError, or anything a draft's data provokes)."""
    from leaflets.model import ContentError, Leaflet

    if not isinstance(data, dict):
        raise ContentError("the leaflet is not a JSON object")
    folder = Path(source).parent  # the figures' folder: the display path is relative to the working folder
    if not draft:
        return Leaflet.from_data(data, source_sha256=source_sha256, folder=folder)
    guess_id, guess_language = leaflet_key(None, source)
    return Leaflet.from_data(data, source_sha256=source_sha256, draft=True,
                             fallback_id=guess_id.removeprefix("?"), fallback_language=guess_language, folder=folder)


def model_or_failure(data: object, source: str, text: str, *, draft: bool) -> Leaflet | str:
    """:func:`leaflet_model` of a content file's data and text, or the one-line reason it has none."""
    try:
        return leaflet_model(data, source, hashlib.sha256(text.encode("utf-8")).hexdigest(), draft=draft)
    except Exception as exc:  # a draft whose data the model cannot read
        return f"{source}: cannot be rendered, even as a draft: {type(exc).__name__}: {exc}"


# --- running requests ---------------------------------------------------------------------------

def render_all(requests: list[RenderRequest], jobs: int) -> list[Rendered]:
    """Render every request, ``jobs`` at a time; results in the order of ``requests``."""
    if jobs <= 1 or len(requests) <= 1:
        return [render_task(request) for request in requests]
    results: dict[int, Rendered] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(requests)), initializer=die_with_parent,
                                                initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(render_task, request): i for i, request in enumerate(requests)}
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except concurrent.futures.process.BrokenProcessPool:
                results[i] = Rendered(requests[i], error=f"{requests[i].label}: the render worker stopped "
                                                         "unexpectedly (crashed or ran out of memory); nothing was "
                                                         "written")
            except Exception as exc:  # an unpicklable result or similar: still one clean line
                results[i] = Rendered(requests[i], error=f"{requests[i].label}: {type(exc).__name__}: {exc}")
    return [results[i] for i in range(len(requests))]


def die_with_parent(parent: int) -> None:
    """Pool initializer: a worker is killed when the build is (even by SIGKILL, which the build cannot
    catch to stop its workers), instead of rendering on for minutes with no one to take its output."""
    import ctypes
    import signal
    import sys

    if sys.platform == "linux":
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the build died before the line above: nobody will take our output
        os._exit(1)


def render_task(request: RenderRequest) -> Rendered:
    """The HTML and (for PDF profiles) WeasyPrint for one output. Never raises."""
    try:
        brand = brand_in_worker(request.brand)
        return Rendered(request, data=_render(request, brand))
    except Exception as exc:
        from leaflets.brand import BrandError
        from leaflets.render.pdf import RenderError

        known = isinstance(exc, (RenderError, BrandError))  # their messages name the file and the place
        return Rendered(request, error=str(exc) if known else f"{request.label}: {type(exc).__name__}: {exc}")


@lru_cache(maxsize=4)
def brand_in_worker(name_or_path: str) -> Brand:
    from leaflets.brand import load_brand

    return load_brand(name_or_path)


def forget_brands() -> None:
    """Forget every cached view of a brand folder (``serve`` calls it when the folder changes)."""
    for cached in (brand_in_worker, _font_files, _folder_fingerprint):
        cached.cache_clear()


# --- laying out ------------------------------------------------------------------------------------

def _render(request: RenderRequest, brand: Brand) -> bytes:
    from leaflets.render import html

    leaflet = request.leaflet
    if request.kind == "html":
        return html.render_web(leaflet, brand, draft=request.draft, web_url=published_url(brand, leaflet),
                               findings=request.findings, large_print=request.large_print).encode("utf-8")
    if request.kind == "txt":
        from leaflets.render.text import render_text

        return render_text(leaflet, brand, draft=request.draft, web_url=published_url(brand, leaflet),
                           findings=request.findings).encode("utf-8")
    data = _render_pdf(request, brand, 0)
    return _padded_for_booklet(request, brand, data) if request.booklet else data


def _padded_for_booklet(request: RenderRequest, brand: Brand, data: bytes) -> bytes:
    """The print PDF again with useful pages added to make a multiple of 4. Those pages are sized to
    fit, but check: if one spilled over, correct once, then give up clearly."""
    from leaflets.booklet import pages_to_add
    from leaflets.render.pdf import RenderError

    base = _page_count(data)
    extra = pages_to_add(base)
    if not extra:
        return data
    data = _render_pdf(request, brand, extra)
    laid_out = _page_count(data) - base
    # A long list of questions can spill onto another page: ask for that many fewer pages (or, when
    # that leaves none, for 4 more), so the added pages lay out to what the booklet needs.
    retry = (extra - (laid_out - extra)) % 4 or 4
    if laid_out != extra:
        data = _render_pdf(request, brand, retry)
        laid_out = _page_count(data) - base
    if (base + laid_out) % 4:
        raise RenderError(f"{request.label}: could not pad {base} pages to a multiple of 4 for a booklet: "
                          f"the {extra} page(s) added laid out to {laid_out}; nothing was written")
    return data


def _page_count(data: bytes) -> int:
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as document:
        return len(document.pages)


def _render_pdf(request: RenderRequest, brand: Brand, extra_pages: int) -> bytes:
    from leaflets.render import html, pdf

    leaflet = request.leaflet
    if request.partner is not None:
        from leaflets.render.bilingual import render_print

        page = render_print(leaflet, request.partner.leaflet, brand, profile=request.kind, draft=request.draft,
                            crop_marks=request.crop_marks,
                            web_urls=(published_url(brand, leaflet), published_url(brand, request.partner.leaflet)))
    else:
        page = html.render_print(leaflet, brand, profile=request.kind, draft=request.draft,
                                 crop_marks=request.crop_marks, web_url=published_url(brand, leaflet),
                                 extra_pages=extra_pages, findings=request.findings, large_print=request.large_print)
    options = pdf.PdfOptions(
        profile=request.kind, base_dir=Path(brand.folder), roots=(html.templates_dir(), pdf.ICC_DIR),
        date=leaflet.last_reviewed or DRAFT_PDF_DATE, crop_marks=request.crop_marks,
        font_files=_font_files(str(brand.folder)),
        identity=pdf.input_identity(__version__, pdf.weasyprint.__version__, request.kind, _portable(page),
                                    _folder_fingerprint(str(brand.folder)), str(request.crop_marks)),
        label=request.label, output_condition=_output_condition(brand) if request.kind == "print" else None,
        tagged=request.partner is not None)
    return pdf.render_pdf(page, options).data


def _output_condition(brand: Brand) -> OutputCondition:
    """The press condition the print PDF's output intent names: see :mod:`leaflets.output_condition`."""
    from leaflets.output_condition import condition_for
    from leaflets.render import pdf

    return condition_for((brand.icc_profile or pdf.DEFAULT_ICC_PROFILE).read_bytes(), brand.output_condition)


def _portable(page: str) -> str:
    """The print HTML without the install location (the default ICC profile is linked by its
    absolute file: URL), so identifiers inside the PDF, and so its bytes, do not depend on where
    leaflets is installed."""
    from leaflets.render import pdf

    return page.replace(pdf.ICC_DIR.resolve().as_uri(), "leaflets-icc:")


def published_url(brand: Brand, leaflet: Leaflet) -> str | None:
    """Where the brand publishes this leaflet's web page (its QR code points there), if it does."""
    if not brand.web_base:
        return None
    return brand.web_base.rstrip("/") + "/" + output_path(leaflet.id, leaflet.language, "html")


@lru_cache(maxsize=4)
def _font_files(folder: str) -> frozenset[str]:
    from leaflets.render.pdf import font_files

    return font_files(Path(folder))


@lru_cache(maxsize=4)
def _folder_fingerprint(folder: str) -> str:
    from leaflets.incremental import folder_fingerprint

    return folder_fingerprint(folder)  # the brand's part of an output's key, too
