"""``leaflets build``: select → check → model → render (in parallel) → write atomically → manifest.

Content with errors is refused (unless ``draft``: then every page carries a DRAFT mark). Each
output is rendered in a worker process, written through a temporary file in the same folder and
renamed into place, and listed in ``manifest.json`` with its SHA-256 and where it came from.

Layout of ``out_dir``::

    index.html                      every leaflet by title and language
    assets/…                        the brand files the web pages use (logo, fonts)
    <id>.<lang>.html                web page (published at the brand's web_base + this name)
    <id>.<lang>.screen.pdf          tagged PDF/UA-1 for screens and e-mail
    <id>.<lang>.print.pdf           PDF/X-4 with 3 mm bleed for the print shop
    <id>.<lang>.booklet.pdf         with ``booklet`` and A5 paper: the print PDF imposed two up on A4
    manifest.json                   every output: sha256, leaflet, version, status, profile, brand

The manifest is the record of what the last build produced, and the folder is kept to it: a
leaflet that is refused or fails loses its earlier outputs (``<id>.<lang>.html``, ``.screen.pdf``,
``.print.pdf``, ``.booklet.pdf``), so a print shop never picks up a stale file; and files the
previous ``manifest.json`` lists that this build did not produce (a leaflet since removed, a format
no longer asked for) are removed too, but only while they still have the hash leaflets wrote. Files
leaflets never wrote are never touched. Each removal is reported in :attr:`BuildResult.removed`.

The folder itself (checked and locked before rendering, ``manifest.json`` "in progress" while
outputs are replaced, temporaries of a killed build removed) is :mod:`leaflets.outputs`' job.

:func:`preview` renders one leaflet for its writer, errors and all (then with the DRAFT mark).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime
import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from leaflets import __version__, check, content, outputs
from leaflets.config import load as load_config
from leaflets.findings import Report
from leaflets.outputs import write_atomic  # moved to leaflets.outputs; still importable from here

FORMATS = ("html", "pdf")
PROFILES = ("screen", "print")
MANIFEST = "manifest.json"
ASSETS = "assets"
# The PDF date of a draft whose last_reviewed is not a date (a fixed one: same input, same bytes).
DRAFT_PDF_DATE = datetime.date(2000, 1, 1)


class BuildError(Exception):
    """A problem with what was asked for (unknown format, bad brand): exit code 2."""


@dataclass(frozen=True)
class Task:
    """One output to render. Plain data, so it can travel to a worker process."""

    source: str  # display path of the content file
    text: str
    source_sha256: str
    brand: str  # absolute path of the brand folder
    kind: str  # "html", "screen" or "print"
    draft: bool
    crop_marks: bool
    booklet: bool = False  # print profile: pad to a multiple of 4 pages with useful pages

    @property
    def label(self) -> str:
        return f"{self.source} ({self.kind})"


@dataclass(frozen=True)
class Rendered:
    task: Task
    data: bytes = b""
    error: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # id, language, version, status


@dataclass
class BuildResult:
    report: Report = field(default_factory=Report)  # every finding of the checks
    refused: list[str] = field(default_factory=list)  # content files not rendered because of errors
    failures: list[str] = field(default_factory=list)  # one message per output that failed to render
    outputs: list[dict[str, Any]] = field(default_factory=list)  # the manifest entries
    removed: list[str] = field(default_factory=list)  # "path (why)" for each earlier output removed
    kept: list[str] = field(default_factory=list)  # earlier outputs not removed because they changed since
    renamed: list[str] = field(default_factory=list)  # drafts named after their path: their id or language is unusable

    @property
    def ok(self) -> bool:
        return not self.refused and not self.failures


def build(paths: Sequence[str], out_dir: str | os.PathLike[str], *, formats: Sequence[str] = FORMATS,
          profiles: Sequence[str] = PROFILES, brand: str = "default", jobs: int | None = None,
          draft: bool = False, crop_marks: bool = False, booklet: bool = False) -> BuildResult:
    """Build every leaflet under ``paths`` into ``out_dir``. Raises BuildError or content.UsageError
    for usage problems; content and render problems are in the result.

    ``booklet`` pads each print PDF to a multiple of 4 pages with useful pages and, for A5 paper,
    also writes the imposed A4 booklet (``<id>.<lang>.booklet.pdf``)."""
    _check_choices(formats, FORMATS, "format")
    _check_choices(profiles, PROFILES, "profile")
    the_brand = _load_brand(brand)
    out = Path(out_dir)
    outputs.check_outside(out, paths)
    with outputs.claim(out) as leftovers:  # checked and locked before minutes of rendering; see leaflets.outputs
        try:
            result = _build_into(out, paths, the_brand, formats=formats, profiles=profiles, jobs=jobs, draft=draft,
                                 crop_marks=crop_marks, booklet=booklet)
        except OSError as exc:  # a disk that filled up, a file made read-only half-way: one line, not a traceback
            raise outputs.OutputError(f"{exc.filename or out}: cannot write the build: {exc.strerror or exc} "
                                      f"({MANIFEST} says the build did not finish)") from None
    result.removed[:0] = [f"{name} (a temporary file an interrupted build left)" for name in leftovers]
    return result


def _build_into(out: Path, paths: Sequence[str], the_brand: Any, *, formats: Sequence[str],
                profiles: Sequence[str], jobs: int | None, draft: bool, crop_marks: bool,
                booklet: bool) -> BuildResult:
    """The build proper, holding the output folder's lock."""
    result = BuildResult()
    config = load_config()  # the same rules as `leaflets validate`; ConfigError is a UsageError
    previous = previous_outputs(out)
    dropped: dict[tuple[str, str], str] = {}  # (id, language) of leaflets refused or failed → why

    tasks: list[Task] = []
    documents = [content.load(path) for path in content.discover(list(paths))]
    clashes = check.duplicates([(doc.path, doc.display, check.identity(doc)) for doc in documents])
    for doc in documents:
        findings = check.check_document(doc, config) + clashes.get(doc.display, [])
        result.report.files.append(doc.display)
        result.report.extend(findings)
        if any(f.is_error for f in findings) and not (draft and doc.usable) or doc.display in clashes:
            result.refused.append(doc.display)  # a duplicate even as a draft: it would overwrite the other
            dropped[leaflet_key(doc.data, doc.display)] = "refused: the content has errors"
            continue
        if (unusable := unnamed(leaflet_key(doc.data, doc.display), doc.display)) is not None:
            result.failures.append(unusable)  # a draft whose id, language and path give no safe name
            continue
        if (guessed := leaflet_key(doc.data, doc.display))[0].startswith("?"):
            result.renamed.append(f"{doc.display}: its id or language is not usable as a file name, so this draft's "
                                  f"outputs are named {output_path(guessed[0][1:], guessed[1], 'html')[:-5]}.* "
                                  "after its path")
        sha = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        kinds = (["html"] if "html" in formats else []) + ([p for p in PROFILES if p in profiles]
                                                           if "pdf" in formats else [])
        tasks += [Task(doc.display, doc.text, sha, str(the_brand.folder), kind, draft, crop_marks,
                       booklet and kind == "print") for kind in kinds]

    rendered = render_all(tasks, jobs or os.cpu_count() or 1)
    outputs.check_targets(out, _targets(rendered, the_brand, formats))
    outputs.begin(out, previous)  # manifest.json says "in progress" before any output is replaced or removed

    leaflets = []
    for item in rendered:
        key = ((item.meta["id"], item.meta["language"]) if item.meta
               else leaflet_key(json.loads(item.task.text), item.task.source))
        if item.error:
            result.failures.append(item.error)
            dropped.setdefault(key, f"its {item.task.kind} output failed to render")
            continue
        relative = output_path(item.meta["id"], item.meta["language"], item.task.kind)
        try:
            target = inside(out, relative)
        except BuildError as exc:
            result.failures.append(f"{item.task.label}: {exc}")
            continue
        checked = _preflight(target, item, result)
        if checked is None:
            dropped.setdefault(key, f"its {item.task.kind} PDF failed preflight")
            continue
        write_atomic(target, item.data)
        result.outputs.append(_entry(relative, item.data, item.task, item.meta, the_brand.name) | checked)
        if item.task.kind == "html":
            leaflets.append(item.task)
        if item.task.booklet and the_brand.paper == "A5":
            if not _write_booklet(out, relative, item, result, the_brand.name):
                dropped.setdefault(key, "its booklet could not be imposed or failed preflight")
    if "html" in formats and leaflets:
        result.outputs += _write_web_extras(out, leaflets, the_brand)
    remove_stale(out, {entry["path"] for entry in result.outputs}, dropped, previous, result)
    write_atomic(inside(out, MANIFEST), manifest_bytes(result.outputs, the_brand.name))
    return result


def _targets(rendered: list[Rendered], brand: Any, formats: Sequence[str]) -> list[str]:
    """Every file the write phase may write, so that one it cannot take fails before any is written."""
    names = [output_path(item.meta["id"], item.meta["language"], kind) for item in rendered
             if item.meta and not item.error
             for kind in [item.task.kind] + (["booklet"] if item.task.booklet else [])]
    if "html" in formats:
        names += ["index.html"] + [relative for _source, relative in web_assets(brand)]
    return names


# --- stale outputs: the folder holds what the manifest lists ------------------------------------

STALE_KINDS = ("html", "screen", "print", "booklet")


def leaflet_key(data: Any, source: str) -> tuple[str, str]:
    """(id, language) a leaflet's outputs are named by: from its data when the schema allows them as
    names (see leaflets.names: content never names a file unchecked), else a guess from its path
    (slugs of ``content/<folder>/<stem>.json``, as a refused file may not parse), the id marked with
    a leading "?" so that only outputs the previous manifest lists are removed for it. A draft is
    named the same way (see :func:`_model`); either slug may be "" (see :func:`unnamed`)."""
    from leaflets import names

    guess_id, guess_language = names.from_path(source)
    given = data if isinstance(data, dict) else {}
    leaflet_id = given.get("id") if names.valid_id(given.get("id")) else None
    language = given.get("language") if names.valid_language(given.get("language")) else None
    if leaflet_id is not None and language is not None:
        return leaflet_id, language
    return "?" + (leaflet_id or guess_id), language or guess_language


def unnamed(key: tuple[str, str], source: str, doing: str = "be built, even as a draft") -> str | None:
    """Why a draft cannot be built when neither its content nor its path gives it a usable name, else None."""
    if key[0].removeprefix("?") and key[1]:
        return None
    return (f"{source}: cannot {doing}: its id or language is not usable as a file name, and neither is its "
            "path: name the file content/<id>/<language>.json (letters, digits, hyphens)")


def previous_outputs(out: Path) -> dict[str, str]:
    """path → SHA-256 of every output the manifest already in ``out`` lists (empty when there is
    none, or it is not a manifest leaflets wrote). A manifest left "in progress" by a build that was
    killed lists the outputs of the build before it as ``earlier_outputs``."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("tool") != "leaflets":
            return {}
        return {entry["path"]: entry["sha256"] for entry in manifest["outputs"] + manifest.get("earlier_outputs", [])
                if isinstance(entry.get("path"), str) and isinstance(entry.get("sha256"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _our_file(out: Path, relative: str) -> Path | None:
    """``out/relative`` when it is a regular file inside ``out`` (no absolute path, ``..``, or
    symbolic link on the way); None otherwise."""
    from pathlib import PurePosixPath

    parts = PurePosixPath(relative).parts
    if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative \
            or relative == MANIFEST:
        return None
    path = out.joinpath(*parts)
    try:
        if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(out.resolve()):
            return None
    except OSError:
        return None
    return path


def remove_stale(out: Path, produced: set[str], dropped: dict[tuple[str, str], str],
                 previous: dict[str, str], result: BuildResult) -> None:
    """Remove earlier outputs this build did not produce: every output of a leaflet in ``dropped``
    (refused or failed), and every file of the ``previous`` manifest that still has the hash
    leaflets wrote (a changed file is left, and named in ``result.kept``)."""
    candidates: dict[str, tuple[str, bool]] = {}  # path → (why, remove even if changed)
    for (leaflet_id, language), why in dropped.items():
        guessed = leaflet_id.startswith("?")
        leaflet_id = leaflet_id.removeprefix("?")
        for kind in STALE_KINDS:
            relative = output_path(leaflet_id, language, kind)
            if relative not in produced and (relative in previous or not guessed):
                candidates[relative] = (f"{leaflet_id}.{language} was {why}" if why.startswith("refused")
                                        else f"{leaflet_id}.{language}: {why}", True)
    for relative in previous:
        if relative not in produced and relative not in candidates:
            candidates[relative] = ("not produced by this build", False)
    for relative, (why, always) in sorted(candidates.items()):
        path = _our_file(out, relative)
        if path is None:
            continue
        if not always and hashlib.sha256(path.read_bytes()).hexdigest() != previous[relative]:
            result.kept.append(f"{relative} (listed in the previous manifest.json but changed since leaflets wrote "
                               "it, so it was left: check it)")
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        result.removed.append(f"{relative} ({why})")
        parent = path.parent
        while parent != out and parent.is_relative_to(out):
            try:
                parent.rmdir()  # only when empty
            except OSError:
                break
            parent = parent.parent


def _preflight(path: Path, item: Rendered, result: BuildResult) -> dict[str, Any] | None:
    """Preflight a rendered PDF before it is written: None (and a failure) when it has errors, so no
    build ships a PDF its own preflight rejects; else the manifest's ``preflight`` summary."""
    if item.task.kind == "html":
        return {}
    from leaflets import preflight

    options = preflight.Options(profile=item.task.kind, booklet=item.task.booklet)
    findings = preflight.preflight_file(path, options, data=item.data)
    errors = [f for f in findings if f.is_error]
    if errors:
        result.failures.append(f"{item.task.label}: preflight rejected {path.name}, so it was not written: "
                               + "; ".join(f"{f.code} {f.pointer}: {f.message}" for f in errors[:5]))
        return None
    return {"preflight": preflight.summary(Report(findings, [str(path)]))}


def _write_booklet(out: Path, relative: str, item: Rendered, result: BuildResult, brand: str) -> bool:
    """Impose the (padded, preflighted, written) A5 print PDF two up on A4 in saddle-stitch order,
    preflight the sheets like every other print PDF, and write them only if preflight passes."""
    from leaflets import preflight
    from leaflets.booklet import BookletError, impose_bytes

    booklet_relative = output_path(item.meta["id"], item.meta["language"], "booklet")
    try:
        path = inside(out, booklet_relative)
        data, _sides = impose_bytes(inside(out, relative))
    except (BookletError, BuildError) as exc:
        result.failures.append(f"{item.task.label}: cannot impose the booklet: {exc}")
        return False
    # print profile; no page-count check: a sheet side is not a booklet page, so its count is free
    findings = preflight.preflight_file(path, preflight.Options(profile="print", booklet=False), data=data)
    errors = [f for f in findings if f.is_error]
    if errors:
        result.failures.append(f"{item.task.label}: preflight rejected {path.name}, so it was not written: "
                               + "; ".join(f"{f.code} {f.pointer}: {f.message}" for f in errors[:5]))
        return False
    write_atomic(path, data)
    result.outputs.append(_entry(booklet_relative, data, item.task, item.meta, brand)
                          | {"profile": "booklet", "preflight": preflight.summary(Report(findings, [str(path)]))})
    return True


def _check_choices(chosen: Sequence[str], allowed: Sequence[str], what: str) -> None:
    unknown = [c for c in chosen if c not in allowed]
    if unknown or not chosen:
        raise BuildError(f"unknown {what} {', '.join(map(repr, unknown)) or '(none given)'}: "
                         f"choose from {', '.join(allowed)}")


def _load_brand(name_or_path: str) -> Any:
    from leaflets.brand import BrandError, load_brand

    try:
        return load_brand(name_or_path)
    except BrandError as exc:
        raise BuildError(str(exc)) from exc


def output_path(leaflet_id: str, language: str, kind: str) -> str:
    suffix = ".html" if kind == "html" else f".{kind}.pdf"
    return f"{leaflet_id}.{language}{suffix}"


# The longest file name written, in bytes: the usual limit of 255 less write_atomic's temporary affixes.
NAME_MAX = 255 - len("..12345678.tmp")


def inside(out: Path, relative: str) -> Path:
    """``out / relative``, once resolving it (links and all) proves it lies inside ``out``; raises
    BuildError otherwise. Called before every write: output names come from validated values (see
    leaflets.names), and this proves it again, so no content, link or mistake writes elsewhere."""
    from pathlib import PurePosixPath

    shown = relative if len(relative) <= 80 else relative[:77] + "..."
    parts = PurePosixPath(relative).parts
    if (not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\\" in relative
            or "\0" in relative or any(len(part.encode("utf-8", "surrogatepass")) > NAME_MAX for part in parts)):
        raise BuildError(f"refusing to write {shown!r}: not a plain file name inside {out}")
    path = out.joinpath(*parts)
    try:
        root, resolved = out.resolve(), path.resolve()
    except (OSError, RuntimeError) as exc:  # a loop of links, an unreadable folder
        raise BuildError(f"refusing to write {shown!r}: cannot resolve it inside {out}: {exc}") from None
    if resolved == root or not resolved.is_relative_to(root):
        raise BuildError(f"refusing to write {shown!r}: it resolves to {resolved}, outside {out} "
                         "(a symbolic link on the way?)")
    return path


def _entry(relative: str, data: bytes, task: Task | None, meta: dict[str, str], brand: str) -> dict[str, Any]:
    entry: dict[str, Any] = {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data),
                             "brand": brand}
    if task is not None:
        entry.update(meta)
        entry.update({"format": "html" if task.kind == "html" else "pdf",
                      "profile": None if task.kind == "html" else task.kind,
                      "draft": task.draft, "source": Path(task.source).as_posix(),
                      "source_sha256": task.source_sha256})
    return entry


def manifest_bytes(outputs: list[dict[str, Any]], brand: str) -> bytes:
    """Sorted, no timestamps: the same build gives the same manifest."""
    manifest = {"tool": "leaflets", "version": __version__, "brand": brand,
                "outputs": sorted(outputs, key=lambda e: e["path"])}
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


# --- preview: one leaflet for its writer, errors and all -----------------------------------------

@dataclass
class PreviewResult:
    out: Path  # the folder written into
    report: Report  # every finding of the checks
    sources: dict[str, str]  # display path → text, for the report's excerpts
    draft: bool  # rendered with the DRAFT mark (the content has errors)
    outputs: list[Path] = field(default_factory=list)  # leaflet files written: the web page first
    failures: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.outputs) and not self.failures


def preview(path: str, out_dir: str | os.PathLike[str] | None = None, *, brand: str = "default",
            pdf: bool = False) -> PreviewResult:
    """Render one leaflet's web page (and with ``pdf`` its screen PDF) for its writer, even when it
    has errors, then with the DRAFT mark. Writes into ``out_dir`` (default: the leaflet's own preview
    folder, emptied first: see :func:`preview_folder`)
    with the index page and brand assets, but no manifest: a preview is never a build, and a folder
    that holds a build's ``manifest.json`` is refused. Raises BuildError or content.UsageError."""
    files = content.discover([path])
    if len(files) != 1:
        raise BuildError(f"{path}: preview takes one leaflet, and this folder holds {len(files)}: "
                         "name the file (content/<id>/<lang>.json)")
    if out_dir is not None and (Path(out_dir) / MANIFEST).exists():
        raise BuildError(f"{out_dir} holds a build ({MANIFEST}): preview into another folder, so a preview is "
                         "never mistaken for a build")
    the_brand = _load_brand(brand)
    config = load_config()
    doc = content.load(files[0])
    findings = check.check_document(doc, config)
    draft = any(f.is_error for f in findings)
    out = Path(out_dir) if out_dir is not None else preview_folder(leaflet_key(doc.data, doc.display))
    result = PreviewResult(out, Report(findings, [doc.display]), {doc.display: doc.text}, draft)
    if not doc.usable:
        result.failures.append(f"{doc.display}: cannot be previewed: the file is not a readable leaflet "
                               "(see the errors above)")
        return result
    if (unusable := unnamed(leaflet_key(doc.data, doc.display), doc.display, "be previewed")) is not None:
        result.failures.append(unusable)
        return result
    sha = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    kinds = ["html"] + (["screen"] if pdf else [])
    tasks = [Task(doc.display, doc.text, sha, str(the_brand.folder), kind, draft, False) for kind in kinds]
    produced: set[str] = set()
    dropped: dict[tuple[str, str], str] = {}
    for item in render_all(tasks, 1):
        key = (item.meta["id"], item.meta["language"]) if item.meta else leaflet_key(doc.data, doc.display)
        if item.error:
            result.failures.append(item.error)
            dropped.setdefault(key, f"its {item.task.kind} output failed to render")
            continue
        relative = output_path(item.meta["id"], item.meta["language"], item.task.kind)
        try:
            target = inside(out, relative)
        except BuildError as exc:
            result.failures.append(f"{item.task.label}: {exc}")
            continue
        write_atomic(target, item.data)
        result.outputs.append(target)
        produced.add(relative)
        if item.task.kind == "html":
            produced.update(entry["path"] for entry in _write_web_extras(out, [item.task], the_brand))
    # an earlier preview in the same folder must not pass for this one
    stale = BuildResult()
    remove_stale(out, produced, dropped, {}, stale)
    result.removed = stale.removed
    return result


def preview_folder(key: tuple[str, str]) -> Path:
    """``<tmp>/leaflets-preview-<uid>/<id>.<lang>/``, emptied: each leaflet's previews reuse one
    folder instead of leaving a new one behind each time. The parent is this user's own (mode 0700;
    refused when it is a link or another user's), as the temporary folder is shared."""
    import shutil
    import stat

    root = Path(tempfile.gettempdir()) / f"leaflets-preview-{os.getuid()}"
    folder = root / (".".join(part for part in (key[0].removeprefix("?"), key[1]) if part) or "leaflet")
    try:
        root.mkdir(mode=0o700, exist_ok=True)
        status = root.lstat()
        if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid():
            raise BuildError(f"{root}: not a folder of your own, so previews are not written there: remove it, "
                             "or preview with --out DIR")
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)  # every file of the last preview: none may pass for this one
        else:
            folder.unlink(missing_ok=True)
        folder.mkdir(mode=0o700)
    except OSError as exc:
        raise BuildError(f"{exc.filename or folder}: cannot prepare the preview folder: {exc.strerror or exc}; "
                         "preview with --out DIR") from None
    return folder


# --- rendering (runs in worker processes) -------------------------------------------------------

def render_all(tasks: list[Task], jobs: int) -> list[Rendered]:
    """Render every task, ``jobs`` at a time; results in the order of ``tasks``."""
    if jobs <= 1 or len(tasks) <= 1:
        return [render_task(task) for task in tasks]
    results: dict[int, Rendered] = {}
    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), initializer=die_with_parent,
                                                initargs=(os.getpid(),)) as pool:
        futures = {pool.submit(render_task, task): i for i, task in enumerate(tasks)}
        for future in concurrent.futures.as_completed(futures):
            i = futures[future]
            try:
                results[i] = future.result()
            except concurrent.futures.process.BrokenProcessPool:
                results[i] = Rendered(tasks[i], error=f"{tasks[i].label}: the render worker stopped unexpectedly "
                                                      "(crashed or ran out of memory); nothing was written")
            except Exception as exc:  # an unpicklable result or similar: still one clean line
                results[i] = Rendered(tasks[i], error=f"{tasks[i].label}: {type(exc).__name__}: {exc}")
    return [results[i] for i in range(len(tasks))]


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


def render_task(task: Task) -> Rendered:
    """Model, HTML and (for PDF profiles) WeasyPrint for one output. Never raises."""
    try:
        brand = _brand_in_worker(task.brand)
        leaflet = _model(task)
    except Exception as exc:  # a draft whose data the model cannot read
        return Rendered(task, error=f"{task.source}: cannot be rendered, even as a draft: "
                                    f"{type(exc).__name__}: {exc}")
    meta = {"id": leaflet.id, "language": leaflet.language, "version": leaflet.version,
            "status": str(leaflet.status)}
    if leaflet.approved and leaflet.approval and leaflet.approval.content_sha256:  # what the sign-off covers
        meta["approval_sha256"] = leaflet.approval.content_sha256
    try:
        data = _render(task, leaflet, brand)
    except Exception as exc:
        from leaflets.brand import BrandError
        from leaflets.render.pdf import RenderError

        known = isinstance(exc, (RenderError, BrandError))  # their messages name the file and the place
        message = str(exc) if known else f"{task.label}: {type(exc).__name__}: {exc}"
        return Rendered(task, error=message, meta=meta)
    return Rendered(task, data=data, meta=meta)


def _model(task: Task) -> Any:
    """The leaflet model; a draft's tolerates broken content (placeholders, see leaflets.model), and
    is named after its path (``content/<id>/<lang>.json``) when its own id or language is unusable."""
    from leaflets.model import Leaflet

    data = json.loads(task.text)
    if not task.draft:
        return Leaflet.from_data(data, source_sha256=task.source_sha256)
    guess_id, guess_language = leaflet_key(None, task.source)
    return Leaflet.from_data(data, source_sha256=task.source_sha256, draft=True,
                             fallback_id=guess_id.removeprefix("?"), fallback_language=guess_language)


@lru_cache(maxsize=4)
def _brand_in_worker(name_or_path: str) -> Any:
    from leaflets.brand import load_brand

    return load_brand(name_or_path)


def _render(task: Task, leaflet: Any, brand: Any) -> bytes:
    from leaflets.render import html

    if task.kind == "html":
        return html.render_web(leaflet, brand, draft=task.draft, web_url=published_url(brand, leaflet)).encode("utf-8")
    from leaflets.render import pdf

    data = _render_pdf(task, leaflet, brand, 0)
    if not task.booklet:
        return data
    from leaflets.booklet import pages_to_add

    # The page count is only known after layout: count, then render again with useful pages added.
    # Those pages are sized to fit, but check: if one spilled over, correct once, then give up clearly.
    base = _page_count(data)
    extra = pages_to_add(base)
    if not extra:
        return data
    data = _render_pdf(task, leaflet, brand, extra)
    laid_out = _page_count(data) - base
    # A long list of questions can spill onto another page: ask for that many fewer pages (or, when
    # that leaves none, for 4 more), so the added pages lay out to what the booklet needs.
    retry = (extra - (laid_out - extra)) % 4 or 4
    if laid_out != extra:
        data = _render_pdf(task, leaflet, brand, retry)
        laid_out = _page_count(data) - base
    if (base + laid_out) % 4:
        raise pdf.RenderError(f"{task.label}: could not pad {base} pages to a multiple of 4 for a booklet: "
                              f"the {extra} page(s) added laid out to {laid_out}; nothing was written")
    return data


def _page_count(data: bytes) -> int:
    import io

    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as document:
        return len(document.pages)


def _render_pdf(task: Task, leaflet: Any, brand: Any, extra_pages: int) -> bytes:
    from leaflets.render import html, pdf

    page = html.render_print(leaflet, brand, profile=task.kind, draft=task.draft, crop_marks=task.crop_marks,
                             web_url=published_url(brand, leaflet), extra_pages=extra_pages)
    options = pdf.PdfOptions(
        profile=task.kind, base_dir=Path(brand.folder), roots=(html.templates_dir(), pdf.ICC_DIR),
        date=leaflet.last_reviewed or DRAFT_PDF_DATE, crop_marks=task.crop_marks,
        font_files=_font_files(str(brand.folder)),
        identity=pdf.input_identity(__version__, pdf.weasyprint.__version__, task.kind, _portable(page),
                                    _folder_fingerprint(str(brand.folder)), str(task.crop_marks)),
        label=task.label)
    return pdf.render_pdf(page, options).data


def _portable(page: str) -> str:
    """The print HTML without the install location (the default ICC profile is linked by its
    absolute file: URL), so identifiers inside the PDF, and so its bytes, do not depend on where
    leaflets is installed."""
    from leaflets.render import pdf

    return page.replace(pdf.ICC_DIR.resolve().as_uri(), "leaflets-icc:")


def published_url(brand: Any, leaflet: Any) -> str | None:
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
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


# --- the web extras: index page and the brand files the pages use --------------------------------

def _write_web_extras(out: Path, tasks: list[Task], brand: Any) -> list[dict[str, Any]]:
    from leaflets.render import html

    leaflets = [_model(t) for t in tasks]
    leaflets.sort(key=lambda leaflet: (leaflet.title.casefold(), leaflet.language, leaflet.id))
    entries = []
    index = html.render_index(leaflets, brand).encode("utf-8")
    write_atomic(inside(out, "index.html"), index)
    entries.append(_entry("index.html", index, None, {}, brand.name))
    for relative, data in html.web_asset_data(brand):  # the logo re-serialised, not copied
        write_atomic(inside(out, relative), data)
        entries.append(_entry(relative, data, None, {}, brand.name))
    return entries


def web_assets(brand: Any) -> list[tuple[Path, str]]:
    """(file in the brand folder, path under out_dir) for every brand file a web page links to."""
    from leaflets.render import html

    return [(Path(source), relative) for source, relative in html.web_assets(brand)]
