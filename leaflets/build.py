"""``leaflets build``: select → check → model → render (in parallel) → preflight → write atomically → manifest.

Content with errors is refused (unless ``draft``: then every page carries a DRAFT mark). Each
content file is read, checked and turned into its model once, here; the model goes to a worker
process for each output (:mod:`leaflets.workers`), and what comes back is preflighted and written
through a temporary file in the same folder, renamed into place (:mod:`leaflets.publish`), and
listed in ``manifest.json`` with its SHA-256 and where it came from (:mod:`leaflets.manifest`).

Layout of ``out_dir``::

    index.html                      every leaflet by title and language
    assets/…                        the brand files the web pages use (logo, fonts)
    <id>.<lang>.html                web page (published at the brand's web_base + this name)
    <id>.<lang>.screen.pdf          tagged PDF/UA-1 for screens and e-mail
    <id>.<lang>.print.pdf           PDF/X-4 with 3 mm bleed for the print shop
    <id>.<lang>.large-print.pdf     with ``--profile large-print``: tagged PDF/UA-1, A4, text 16 pt or more
    <id>.<lang>.booklet.pdf         with ``booklet`` and A5 paper: the print PDF imposed two up on A4
    <id>.<lang>.txt                 with ``--format txt``: plain text in reading order (leaflets.render.text)
    manifest.json                   every output: sha256, leaflet, version, status, profile, brand

The manifest is the record of what the last build produced, and the folder is kept to it: a
leaflet that is refused or fails loses its earlier outputs, and files the previous manifest lists
that this build did not produce are removed while they still have the hash leaflets wrote (see
:mod:`leaflets.manifest`). The folder itself (checked and locked before rendering,
``manifest.json`` "in progress" while outputs are replaced, temporaries of a killed build removed)
is :mod:`leaflets.outputs`' job. ``leaflets preview`` is :mod:`leaflets.preview`.

Where the work is decided: :func:`_plan` turns the checked documents into render requests (what to
render; with ``--shard I/N`` only that shard's leaflets, see :mod:`leaflets.shards`);
:func:`leaflets.incremental.split` sets aside those whose key and file still match the last build's
manifest (unless ``--force``); :func:`_build_into` renders the rest, writes them and, last, the
manifest (a shard's part manifest), recording each output's key and what the build was made from.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from leaflets import bilingual, check, content, further, incremental, manifest, outputs, publish, slots
from leaflets.config import Config
from leaflets.config import load as load_config
from leaflets.errors import BuildError
from leaflets.findings import Finding, Report
from leaflets.names import Key, inside, leaflet_key, output_path, unnamed
from leaflets.outputs import MANIFEST
from leaflets.shards import Shard
from leaflets.workers import Kind, Rendered, RenderRequest, model_or_failure, render_all

if TYPE_CHECKING:
    from leaflets.brand import Brand
    from leaflets.model import Leaflet

__all__ = ["BuildError", "BuildResult", "build", "load_brand", "prepare"]

OUTPUT_FORMATS = ("html", "pdf", "txt")  # what --format builds (not the report formats of leaflets.cli)
DEFAULT_FORMATS = ("html", "pdf")  # plain text only when asked for: a default build's outputs stay as they were
PDF_PROFILES = ("screen", "print")  # what --profile builds by default (leaflets.render.html.PDF_PROFILES)
PROFILE_CHOICES = (*PDF_PROFILES, "large-print")  # large print only when asked for


@dataclass
class BuildResult:
    report: Report = field(default_factory=Report)  # every finding of the checks
    refused: list[str] = field(default_factory=list)  # content files not rendered because of errors
    failures: list[str] = field(default_factory=list)  # one message per output that failed to render
    outputs: list[manifest.Entry] = field(default_factory=list)  # the manifest entries
    removed: list[str] = field(default_factory=list)  # "path (why)" for each earlier output removed
    kept: list[str] = field(default_factory=list)  # earlier outputs not removed because they changed since
    renamed: list[str] = field(default_factory=list)  # drafts named after their path: their id or language is unusable
    rendered: list[str] = field(default_factory=list)  # a leaflet's files rendered and written by this build
    reused: list[str] = field(default_factory=list)  # a leaflet's files left from the last build: nothing changed
    manifest: str = MANIFEST  # the manifest written: a shard's is its part manifest
    notes: list[str] = field(default_factory=list)  # what was left out and why, not an error (--bilingual)

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failures


@dataclass(frozen=True)
class Options:
    """What a build renders, and how."""

    formats: Sequence[str] = DEFAULT_FORMATS
    profiles: Sequence[str] = PDF_PROFILES
    draft: bool = False
    crop_marks: bool = False
    booklet: bool = False
    force: bool = False  # render everything, reusing nothing (see leaflets.incremental)
    shard: Shard | None = None  # build only this shard's leaflets (see leaflets.shards)
    bilingual: tuple[str, str] | None = None  # also one PDF per leaflet in both languages (leaflets.bilingual)

    def kinds(self) -> list[Kind]:
        every: tuple[Kind, ...] = ("html", "screen", "print", "large-print")
        pages = [kind for kind in every if (kind in self.profiles and "pdf" in self.formats if kind != "html"
                                           else "html" in self.formats)]
        return pages + (["txt"] if "txt" in self.formats else [])


def build(paths: Sequence[str], out_dir: str | os.PathLike[str], *, formats: Sequence[str] = DEFAULT_FORMATS,
          profiles: Sequence[str] = PDF_PROFILES, brand: str = "default", jobs: int | None = None,
          draft: bool = False, crop_marks: bool = False, booklet: bool = False,
          config: Config | None = None, force: bool = False, shard: Shard | None = None,
          bilingual: str | None = None) -> BuildResult:
    """Build every leaflet under ``paths`` into ``out_dir``, checked with ``config`` (the CLI's, as
    ``validate`` would use it; the nearest configuration file when None). Raises BuildError or
    UsageError for usage problems; content and render problems are in the result.

    ``booklet`` pads each print PDF to a multiple of 4 pages with useful pages and, for A5 paper,
    also writes the imposed A4 booklet (``<id>.<lang>.booklet.pdf``).

    An output whose key and file still match the last build's manifest is reused, not rendered
    (:mod:`leaflets.incremental`); ``force`` renders every one. ``shard`` builds only that shard's
    leaflets, with a part manifest (:mod:`leaflets.shards`). ``bilingual`` ("en,cy") also builds one PDF
    per leaflet given in both languages, side by side (:mod:`leaflets.bilingual`)."""
    _check_choices(formats, OUTPUT_FORMATS, "format")
    _check_choices(profiles, PROFILE_CHOICES, "profile")
    pair = _bilingual_pair(bilingual, formats, profiles) if bilingual is not None else None
    options = Options(formats, profiles, draft, crop_marks, booklet, force, shard, pair)
    the_brand = load_brand(brand)
    if pair is not None:  # (here ``bilingual`` is the option's text, not the module)
        from leaflets.bilingual import check_paper

        check_paper(the_brand)
    config = config if config is not None else load_config()  # ConfigError is a UsageError
    config = config.checking_for(the_brand.folder)  # its slots are this brand's to fill (LL001)
    out = Path(out_dir)
    outputs.check_outside(out, paths)
    with outputs.claim(out) as leftovers:  # checked and locked before minutes of rendering; see leaflets.outputs
        try:
            result = _build_into(out, paths, the_brand, options, config, jobs)
        except OSError as exc:  # a disk that filled up, a file made read-only half-way: one line, not a traceback
            raise outputs.OutputError(f"{exc.filename or out}: cannot write the build: {exc.strerror or exc} "
                                      f"({MANIFEST} says the build did not finish)") from None
    result.removed[:0] = [f"{name} (a temporary file an interrupted build left)" for name in leftovers]
    return result


def _build_into(out: Path, paths: Sequence[str], the_brand: Brand, options: Options, config: Config,
                jobs: int | None) -> BuildResult:
    """The build proper, holding the output folder's lock."""
    result = BuildResult(manifest=options.shard.manifest if options.shard else MANIFEST)
    if options.shard and (out / MANIFEST).exists():  # its removals would make that manifest untrue
        raise outputs.OutputError(f"{out} holds a whole build's {MANIFEST}: build each shard into a folder of its "
                                  "own, then copy them together and run leaflets merge-manifests")
    previous = manifest.previous_outputs(out, result.manifest)
    plan = _plan(paths, the_brand, options, config, result)
    built = {(r.leaflet.id, r.leaflet.language) for r in plan.requests if r.kind == "html"}
    plan.requests = further.link_pages(plan.requests, built | {(page.id, page.language) for page in plan.elsewhere})
    brand_sha256 = incremental.folder_fingerprint(str(the_brand.folder))
    todo = incremental.split(out, plan.requests, incremental.previous_entries(out / result.manifest),
                             brand_sha256=brand_sha256, force=options.force, imposes=the_brand.paper == "A5")
    rendered = render_all(todo.render, jobs or os.cpu_count() or 1)
    outputs.check_targets(out, _targets(rendered, the_brand, options))
    outputs.begin(out, previous, result.manifest)  # "in progress" before any output is replaced or removed
    written = publish.write_rendered(out, rendered, the_brand, indexed=todo.reused_pages + plan.elsewhere)
    result.outputs += todo.reused + todo.with_keys(written.entries)
    result.reused = [entry["path"] for entry in todo.reused]
    result.rendered = [entry["path"] for entry in written.entries if "source" in entry]
    result.failures += written.failures
    for key, why in written.dropped.items():
        plan.dropped.setdefault(key, why)
    cleanup = manifest.remove_stale(out, {entry["path"] for entry in result.outputs}, plan.dropped, previous)
    result.removed += cleanup.removed
    result.kept += cleanup.kept
    made_from = incremental.inputs(brand_sha256=brand_sha256, content=plan.content_sha256, formats=options.formats,
                                   profiles=options.profiles, draft=options.draft, crop_marks=options.crop_marks,
                                   booklet=options.booklet)
    shard = {"shard": options.shard.describe()} if options.shard else {}
    outputs.write_atomic(inside(out, result.manifest),
                         manifest.manifest_bytes(result.outputs, the_brand.name, inputs=made_from, **shard))
    return result


@dataclass
class Plan:
    requests: list[RenderRequest] = field(default_factory=list)  # every output to render or reuse, in order
    dropped: dict[Key, str] = field(default_factory=dict)  # leaflets refused or that cannot be rendered → why
    elsewhere: list[Leaflet] = field(default_factory=list)  # another shard's leaflets, for the index
    content_sha256: str = ""  # every content file given: see incremental.content_sha256


def _plan(paths: Sequence[str], the_brand: Brand, options: Options, config: Config, result: BuildResult) -> Plan:
    """Read and check every content file once, and decide what to render: the requests, in order,
    and the (id, language) of each leaflet refused or that cannot be rendered → why (its earlier
    outputs go). Findings, refusals, failures and renames are recorded in ``result``. A shard
    checks every file too, but reports only its own: the others' web pages are on its index."""
    plan = Plan()
    requests, dropped = plan.requests, plan.dropped
    checked: list[bilingual.Checked] = []  # every file as checked, for the bilingual PDFs
    documents = [content.load(path) for path in content.discover(list(paths))]
    plan.content_sha256 = incremental.content_sha256(
        (doc.display, incremental.sha256(doc.text.encode("utf-8", "surrogatepass"))) for doc in documents)
    clashes = check.duplicates([(doc.path, doc.display, check.identity(doc)) for doc in documents])
    for doc in documents:
        findings = check.check_document(doc, config) + clashes.get(doc.display, [])
        key = leaflet_key(doc.data, doc.display)
        refused = any(f.is_error for f in findings) and not (options.draft and doc.usable) or doc.display in clashes
        checked.append(bilingual.Checked(doc, findings, refused))
        if options.shard and not options.shard.owns(*key):
            if not refused and "html" in options.formats:
                page = prepare(doc, ["html"], the_brand, draft=options.draft)
                plan.elsewhere += [request.leaflet for request in page] if isinstance(page, list) else []
            continue
        result.report.files.append(doc.display)
        result.report.extend(findings)
        if refused:
            result.refused.append(doc.display)  # a duplicate even as a draft: it would overwrite the other
            dropped[key] = "refused: the content has errors"
            continue
        prepared = prepare(doc, options.kinds(), the_brand, draft=options.draft, crop_marks=options.crop_marks,
                           booklet=options.booklet, findings=findings)
        if isinstance(prepared, str):
            result.failures.append(prepared)
            if not unnamed(key, doc.display):
                dropped.setdefault(key, "it could not be rendered")
            continue
        if key[0].startswith("?"):
            result.renamed.append(f"{doc.display}: its id or language is not usable as a file name, so this draft's "
                                  f"outputs are named {output_path(key[0][1:], key[1], 'html')[:-5]}.* after its path")
        requests += prepared
    if options.bilingual:
        pairs = bilingual.plan(checked, options.bilingual, options.kinds(), the_brand,
                               lambda doc: _model(doc, the_brand, options), draft=options.draft,
                               crop_marks=options.crop_marks, shard=options.shard)
        requests += pairs.requests
        result.failures += pairs.failures
        result.notes += pairs.skipped
    return plan


def _model(doc: content.Document, the_brand: Brand, options: Options) -> Leaflet | str:
    """A checked document's model as its own outputs get it (the brand's slots filled, related leaflets
    named: :func:`prepare`), or why it has none."""
    prepared = prepare(doc, ["print"], the_brand, draft=options.draft)
    return prepared if isinstance(prepared, str) else prepared[0].leaflet


def _bilingual_pair(value: str, formats: Sequence[str], profiles: Sequence[str]) -> tuple[str, str]:
    """The two languages of ``--bilingual``, in page order; BuildError when it cannot make a PDF."""
    pair = bilingual.parse(value)
    if "pdf" not in formats or not set(profiles) & set(bilingual.PROFILES):
        raise BuildError(f"--bilingual {value} makes {' and '.join(bilingual.PROFILES)} PDFs: ask for pdf in "
                         f"--format and screen or print in --profile")
    return pair


def prepare(doc: content.Document, kinds: Sequence[Kind], the_brand: Brand, *, draft: bool,
            crop_marks: bool = False, booklet: bool = False, doing: str = "be built, even as a draft",
            findings: Sequence[Finding] = ()) -> list[RenderRequest] | str:
    """The render requests for one checked document (its model built once, for every output), or
    the one-line reason it cannot be rendered (no usable name, or no model even as a draft). A
    draft's ``findings`` go with each request, to be marked and listed in it (leaflets.render.marks)."""
    if (why := unnamed(leaflet_key(doc.data, doc.display), doc.display, doing)) is not None:
        return why  # a draft whose id, language and path give no safe name
    filled = slots.for_brand(doc.data, the_brand.slots, the_brand.name, doc.display, draft=draft)
    if isinstance(filled, str):
        return filled  # a slot the brand does not fill: never printed with its braces
    data, edits = filled  # the brand's local details in the text (leaflets.slots)
    leaflet = model_or_failure(data, doc.display, doc.text, draft=draft)
    if isinstance(leaflet, str):
        return leaflet
    leaflet = further.resolve(leaflet, doc.path)  # related leaflets' titles, from the folders beside it
    from leaflets.render.marks import draft_findings

    shown = slots.move_findings(draft_findings(findings, doc.display), edits) if draft else ()
    large = output_path(leaflet.id, leaflet.language, "large-print") if "large-print" in kinds else ""
    return [RenderRequest(doc.display, leaflet, str(the_brand.folder), kind, draft, crop_marks,
                          booklet and kind == "print", findings=shown,
                          large_print=large if kind in ("html", "screen", "print") else "")
            for kind in kinds]


def _targets(rendered: list[Rendered], the_brand: Brand, options: Options) -> list[str]:
    """Every file the write phase may write, so that one it cannot take fails before any is written."""
    names = [output_path(item.request.leaflet.id, item.request.languages, kind) for item in rendered
             if not item.error for kind in [item.request.kind] + (["booklet"] if item.request.booklet else [])]
    if "html" in options.formats:
        names += ["index.html"] + [relative for _source, relative in publish.web_assets(the_brand)]
    return names


def _check_choices(chosen: Sequence[str], allowed: Sequence[str], what: str) -> None:
    unknown = [c for c in chosen if c not in allowed]
    if unknown or not chosen:
        raise BuildError(f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}: "
                         f"choose from {', '.join(allowed)}")


def load_brand(name_or_path: str) -> Brand:
    """The brand, or BuildError (exit 2) saying what is wrong with it."""
    from leaflets.brand import BrandError
    from leaflets.brand import load_brand as load

    try:
        return load(name_or_path)
    except BrandError as exc:
        raise BuildError(str(exc)) from exc
