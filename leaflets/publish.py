"""Writing what the workers rendered into an output folder: the one write loop ``build`` and
``preview`` share.

Each output is written atomically (:func:`leaflets.outputs.write_atomic`) to a name proved inside
the folder (:func:`leaflets.names.inside`). For a build, each PDF first passes preflight, the only
gate (:func:`gate`): a PDF its own preflight rejects is never written. An A5 print PDF asked for as
a booklet is then imposed two up (two A5 pages side by side, 3 mm bleed) from the bytes in memory,
preflighted, and written beside it.
With the web pages go the index page and the brand files they use.

Nothing here mutates a result passed in: :func:`write_rendered` returns what it wrote (manifest
entries), what failed, and which leaflets lost their outputs (for :mod:`leaflets.manifest`'s
stale-file removal).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflets import bilingual
from leaflets.errors import BuildError
from leaflets.findings import Report
from leaflets.manifest import Entry, entry, leaflet_entry
from leaflets.names import Key, inside, output_path
from leaflets.outputs import write_atomic, write_if_changed
from leaflets.workers import Rendered

if TYPE_CHECKING:
    from leaflets.brand import Brand
    from leaflets.model import Leaflet


@dataclass
class Written:
    entries: list[Entry] = field(default_factory=list)  # manifest entries of every file written
    paths: list[Path] = field(default_factory=list)  # the leaflets' own files written, in order
    failures: list[str] = field(default_factory=list)  # one line per output not written
    dropped: dict[Key, str] = field(default_factory=dict)  # (id, language) of leaflets that lost an output → why


def write_rendered(out: Path, rendered: list[Rendered], brand: Brand, *, gate_pdfs: bool = True,
                   indexed: Sequence[Leaflet] = ()) -> Written:
    """Write every rendered output into ``out`` (with ``gate_pdfs``, only PDFs preflight passes,
    and the booklets), then the index page and brand files when a web page was written or is in
    ``indexed`` (web pages not rendered now: reused from the last build, or another shard's)."""
    written = Written()
    pages: list[Leaflet] = list(indexed)
    for item in rendered:
        request = item.request
        key = (request.leaflet.id, request.languages)  # a bilingual PDF's failure drops only its own files
        why = _write_one(out, item, brand, written, gate_pdfs)
        if why:
            written.dropped.setdefault(key, why)
        elif why is None and request.kind == "html":
            pages.append(request.leaflet)
    if pages:
        written.entries += write_web_extras(out, pages, brand)
    return written


def _write_one(out: Path, item: Rendered, brand: Brand, written: Written, gate_pdfs: bool) -> str | None:
    """Write one output (and its booklet): None when all went, else why its leaflet's outputs are
    dropped ("" when it was not written but none of its outputs need go)."""
    request = item.request
    if item.error:
        written.failures.append(item.error)
        return f"its {request.kind} output failed to render"
    try:
        target = inside(out, request.relative)
    except BuildError as exc:
        written.failures.append(f"{request.label}: {exc}")
        return ""  # nothing of ours is at a name we refuse to write
    summary: dict[str, Any] = {}
    if gate_pdfs and request.kind not in ("html", "txt"):
        summary, failure = gate(target, item.data, request.kind, booklet=request.booklet, label=request.label)
        if failure:
            written.failures.append(failure)
            return f"its {request.kind} PDF failed preflight"
    write_atomic(target, item.data)
    written.paths.append(target)
    written.entries.append(leaflet_entry(request.relative, item.data, brand.name, leaflet=request.leaflet,
                                         kind=request.kind, draft=request.draft, source=request.source)
                           | bilingual.manifest_fields(request) | summary)
    if request.booklet and brand.paper == "A5":
        booklet, failure = write_booklet(out, item, brand.name)
        if failure:
            written.failures.append(failure)
            return "its booklet could not be imposed or failed preflight"
        written.entries.append(booklet)
    return None


def gate(path: Path, data: bytes, profile: str, *, booklet: bool, label: str) -> tuple[dict[str, Any], str]:
    """Preflight a rendered PDF before it is written: ({}, why) when it has errors, so no build ships
    a PDF its own preflight rejects; else (the manifest's ``preflight`` summary, "")."""
    from leaflets import preflight

    findings = preflight.preflight_file(path, preflight.own_output_options(profile, booklet), data=data)
    errors = [f for f in findings if f.is_error]
    if errors:
        return {}, (f"{label}: preflight rejected {path.name}, so it was not written: "
                    + "; ".join(f"{f.code} {f.pointer}: {f.message}" for f in errors[:5]))
    return {"preflight": preflight.summary(Report(findings, [str(path)]))}, ""


def write_booklet(out: Path, item: Rendered, brand: str) -> tuple[Entry, str]:
    """Impose the (padded, preflighted) A5 print PDF two up in saddle-stitch order (with the build's
    ``--crop-marks``, the sheet's own crop and fold marks), preflight the sheets like every other print
    PDF, and write them only if preflight passes. Returns (its manifest entry, "") or ({}, why not)."""
    from leaflets.booklet import BookletError, impose_bytes

    request = item.request
    relative = output_path(request.leaflet.id, request.leaflet.language, "booklet")
    try:
        path = inside(out, relative)
        data, _sides = impose_bytes(item.data, crop_marks=request.crop_marks,
                                    right_to_left=request.leaflet.direction == "rtl")
    except (BookletError, BuildError) as exc:
        return {}, f"{request.label}: cannot impose the booklet: {exc}"
    # print profile, as a booklet: preflight reads the imposition and counts the booklet's pages, not sides
    summary, failure = gate(path, data, "print", booklet=True, label=request.label)
    if failure:
        return {}, failure
    write_atomic(path, data)
    return leaflet_entry(relative, data, brand, leaflet=request.leaflet, kind="booklet", draft=request.draft,
                         source=request.source) | summary, ""


# --- the web extras: index page and the brand files the pages use --------------------------------

def write_web_extras(out: Path, leaflets: list[Leaflet], brand: Brand) -> list[Entry]:
    """Write the index of ``leaflets`` (by title, language, id) and the brand files the pages use."""
    from leaflets.render import html

    ordered = sorted(leaflets, key=lambda leaflet: (leaflet.title.casefold(), leaflet.language, leaflet.id))
    index = html.render_index(ordered, brand).encode("utf-8")
    write_if_changed(inside(out, "index.html"), index)  # unchanged: left alone, as a reused output is
    entries = [entry("index.html", index, brand.name)]
    for relative, data in html.web_asset_data(brand):  # the logo re-serialised, not copied
        write_if_changed(inside(out, relative), data)
        entries.append(entry(relative, data, brand.name))
    return entries


def web_assets(brand: Brand) -> list[tuple[Path, str]]:
    """(file in the brand folder, path under out_dir) for every brand file a web page links to."""
    from leaflets.render import html

    return [(Path(source), relative) for source, relative in html.web_assets(brand)]
