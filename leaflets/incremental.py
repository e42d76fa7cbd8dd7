"""Incremental builds: each output is keyed by everything that can change its bytes, so a build
renders only what changed and takes the rest from the previous build.

The **key** of one output is the SHA-256 of the canonical JSON (:func:`canonical`) of:

- ``toolchain``: :func:`toolchain_sha256`, the hash of every file of the installed ``leaflets``
  package (code, templates, CSS, ICC profiles, rule data; the version is in ``__init__.py``) and of
  the versions of the libraries and native text stack that lay out and write the files
  (WeasyPrint, pydyf, pikepdf, Pango, HarfBuzz, …). Any code change re-renders everything: a release
  bumps the version anyway, and during development a stale output is worse than a slow build.
- ``brand``: :func:`folder_fingerprint` of the brand folder (every file's name and bytes, not where
  the folder is: the same brand at another path gives the same bytes).
- the leaflet: its content file's display path (drafts are named after it, and the manifest records
  it) and the SHA-256 of its text. Leaflets have no figures of their own: images come from the brand.
- the options that reach this output: its kind (html, screen or print), ``draft``, ``crop_marks``
  (PDFs only: the web page ignores it) and ``booklet`` (the print PDF only).
- what it shows of its related leaflets (id, title, language, page: :mod:`leaflets.further`), read
  from other content files: a related leaflet retitled renders this one's outputs again;
- a draft's findings (code, message, place), which its pages mark and list
  (:mod:`leaflets.render.marks`); absent for a draft without findings and for every other build.

"Today" is not part of it: the date in a PDF is the leaflet's ``last_reviewed`` (or a fixed date
for a draft without one), and today only decides whether content is refused, which every build
checks afresh. Nor is ``leaflets.toml``: it changes findings, which change only a draft's bytes
(through its findings, above).

An output is **reused** when the previous manifest lists every file it makes (a print PDF with
``--booklet`` on an A5 brand makes two) with the same key, and each file on disk still has the
SHA-256 the manifest recorded (:func:`reusable`): a file edited, truncated or replaced since is
rendered again. The manifest records each key (``key`` in a leaflet's entries) and, at the top,
what the whole build was made with (:func:`inputs`), which ``leaflets merge-manifests`` compares.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from leaflets import __version__
from leaflets.names import output_path

if TYPE_CHECKING:
    from leaflets.model import Leaflet

# Bump when the key's fields or meaning change: every earlier key then stops matching.
KEY_FORMAT = 1
PACKAGE = Path(__file__).resolve().parent
# The Python distributions whose code lays out, draws or writes an output's bytes.
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "cssselect2", "tinyhtml5", "pikepdf", "fonttools", "pillow",
             "jinja2", "markupsafe", "segno", "pyphen", "babel", "defusedxml")
# The native text stack WeasyPrint shapes text with: (name, shared library, function giving its version).
NATIVE = (("pango", "libpango-1.0.so.0", "pango_version_string"),
          ("harfbuzz", "libharfbuzz.so.0", "hb_version_string"),
          ("fontconfig", "libfontconfig.so.1", "FcGetVersion"))

Entry = dict[str, Any]


def canonical(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, ASCII only (so no Unicode normalisation or
    platform encoding can make two equal values hash differently)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode("ascii")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def folder_fingerprint(folder: str, skip: tuple[str, ...] = ()) -> str:
    """SHA-256 of every regular file under ``folder``: its path relative to the folder and its bytes,
    in sorted order. Parts of a path named in ``skip`` (``__pycache__``) are left out. Not cached: a
    long-running process (``leaflets serve``) must see a brand edited while it runs."""
    digest = hashlib.sha256()
    root = Path(folder)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not skip_path(p.relative_to(root), skip)):
        digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def skip_path(relative: Path, skip: tuple[str, ...]) -> bool:
    return any(part in skip for part in relative.parts) or relative.suffix == ".pyc"


def library_versions() -> dict[str, str]:
    """name → version of every library in :data:`LIBRARIES` and :data:`NATIVE` ("missing" when it
    cannot be found: then it cannot have changed an output either). Read from package metadata and
    the shared libraries, without importing WeasyPrint (half a second a no-op build need not spend)."""
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "missing"
    for name, library, function in NATIVE:
        versions[name] = _native_version(library, function)
    return versions


def _native_version(library: str, function: str) -> str:
    try:
        call = getattr(ctypes.CDLL(library), function)
    except (OSError, AttributeError):
        return "missing"
    call.restype = ctypes.c_int if function == "FcGetVersion" else ctypes.c_char_p
    value = call()
    return str(value) if isinstance(value, int) else value.decode("ascii", "replace")


@lru_cache(maxsize=1)
def toolchain_sha256() -> str:
    """What renders every output, as one hash: the package's own files and the libraries' versions."""
    return sha256(canonical({"leaflets": __version__, "package": folder_fingerprint(str(PACKAGE), ("__pycache__",)),
                             "libraries": library_versions()}))


def output_key(*, brand_sha256: str, source: str, source_sha256: str, kind: str, draft: bool, crop_marks: bool,
               booklet: bool, toolchain: str | None = None, findings: Sequence[Any] = (),
               large_print: str = "", related: Sequence[tuple[str | None, ...]] = (),
               partner: tuple[str, str] | None = None) -> str:
    """The key of one output (see the module's docstring): equal keys, equal bytes. ``findings``: a
    draft's (leaflets.render.marks.DraftFinding), which its pages show; ``large_print``: the large-print
    PDF the output names (its "also available in large print" line), when the build makes one."""
    fields = {"format": KEY_FORMAT, "toolchain": toolchain or toolchain_sha256(), "brand": brand_sha256,
              "source": Path(source).as_posix(), "source_sha256": source_sha256, "kind": kind, "draft": draft,
              "crop_marks": crop_marks and kind not in ("html", "txt"), "booklet": booklet and kind == "print"}
    if findings:
        fields["findings"] = [[f.code, f.severity, f.message, f.pointer, f.line, f.index, f.length] for f in findings]
    if large_print:  # only when set, so that the keys of earlier builds still match
        fields["large_print"] = large_print
    if related:  # what the page shows of its related leaflets (leaflets.further): their titles may change
        fields["related"] = [list(item) for item in related]
    if partner:  # a bilingual PDF: the second language's content file (display path, what it is made from)
        fields["partner"] = [Path(partner[0]).as_posix(), partner[1]]
    return sha256(canonical(fields))


def content_sha256(sources: Iterable[tuple[str, str]]) -> str:
    """One hash of every content file a build was given, (display path, SHA-256 of its text), in any
    order: shards of one build see the same files, so their part manifests agree on it."""
    return sha256(canonical(sorted([Path(path).as_posix(), sha] for path, sha in sources)))


def inputs(*, brand_sha256: str, content: str, formats: Sequence[str], profiles: Sequence[str], draft: bool,
           crop_marks: bool, booklet: bool) -> dict[str, Any]:
    """The manifest's ``inputs``: what the whole build was made from and with, so that parts built by
    different shards can be proved to belong to one build (see :mod:`leaflets.shards`)."""
    return {"toolchain": toolchain_sha256(), "brand_sha256": brand_sha256, "content_sha256": content,
            "options": {"formats": sorted(set(formats)), "profiles": sorted(set(profiles)), "draft": draft,
                        "crop_marks": crop_marks, "booklet": booklet}}


def previous_entries(manifest: Path) -> dict[str, Entry]:
    """path → entry of every output a finished manifest lists (empty when there is none, it is in
    progress, or it is not leaflets'): the entries a build may reuse."""
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if data.get("tool") != "leaflets" or data.get("in_progress"):
            return {}
        return {entry["path"]: entry for entry in data["outputs"]
                if isinstance(entry, dict) and isinstance(entry.get("path"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def reusable(out: Path, previous: Mapping[str, Entry], key: str, paths: Sequence[str]) -> list[Entry] | None:
    """The previous entries of ``paths`` (the files one output makes, relative to ``out``) when each
    records ``key`` and its file is still a regular file with the recorded SHA-256; else None, and
    the output is rendered again."""
    entries = [previous.get(relative) for relative in paths]
    if not paths or any(entry is None or entry.get("key") != key for entry in entries):
        return None
    for relative, entry in zip(paths, entries, strict=True):
        assert entry is not None
        if file_sha256(out / relative) != entry.get("sha256"):
            return None
    return [dict(entry) for entry in entries if entry is not None]


def file_sha256(path: Path) -> str | None:
    """SHA-256 of a regular file (not through a symbolic link), or None when there is none."""
    try:
        if path.is_symlink() or not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


# --- the decision, for a build's requests ----------------------------------------------------------

class Request(Protocol):
    """What a key is made of, of a render request (leaflets.workers.RenderRequest, which must not be
    imported here: the workers use :func:`folder_fingerprint`)."""

    @property
    def source(self) -> str: ...
    @property
    def leaflet(self) -> Leaflet: ...
    @property
    def kind(self) -> str: ...
    @property
    def draft(self) -> bool: ...
    @property
    def crop_marks(self) -> bool: ...
    @property
    def booklet(self) -> bool: ...
    @property
    def relative(self) -> str: ...
    @property
    def findings(self) -> Sequence[Any]: ...
    @property
    def large_print(self) -> str: ...


R = TypeVar("R", bound=Request)


@dataclass
class Split(Generic[R]):
    """A build's requests divided: those to render, and those whose files the previous build left."""

    render: list[R] = field(default_factory=list)
    reused: list[Entry] = field(default_factory=list)  # the previous manifest's entries, as they were
    reused_pages: list[Leaflet] = field(default_factory=list)  # leaflets whose web page is reused (for the index)
    keys: dict[str, str] = field(default_factory=dict)  # path → key of every file asked for

    def with_keys(self, entries: Iterable[Entry]) -> list[Entry]:
        """The entries of files just written, each with its key (files of no one leaflet have none)."""
        return [entry | {"key": self.keys[entry["path"]]} if entry["path"] in self.keys and "source" in entry
                else entry for entry in entries]


def request_key(request: Request, brand_sha256: str) -> str:
    partner = getattr(request, "partner", None)  # leaflets.workers.Partner of a bilingual PDF
    return output_key(partner=(partner.source, partner.leaflet.inputs_sha256) if partner else None,
                      brand_sha256=brand_sha256, source=request.source, source_sha256=request.leaflet.inputs_sha256,
                      kind=request.kind, draft=request.draft, crop_marks=request.crop_marks, booklet=request.booklet,
                      findings=request.findings, large_print=request.large_print,
                      related=[(str(r.id), r.title and str(r.title), r.language, r.page)
                               for r in request.leaflet.further_information.leaflets])


def split(out: Path, requests: Sequence[R], previous: Mapping[str, Entry], *, brand_sha256: str,
          force: bool, imposes: bool) -> Split[R]:
    """Which requests to render: all with ``force``; else those not :func:`reusable`. ``imposes``:
    the brand's paper is A5, so a booklet's print request also makes ``<id>.<lang>.booklet.pdf``."""
    result: Split[R] = Split()
    for request in requests:
        key = request_key(request, brand_sha256)
        paths = [request.relative]
        if request.booklet and imposes:
            paths.append(output_path(request.leaflet.id, request.leaflet.language, "booklet"))
        result.keys.update(dict.fromkeys(paths, key))
        entries = None if force else reusable(out, previous, key, paths)
        if entries is None:
            result.render.append(request)
            continue
        result.reused += entries
        if request.kind == "html":
            result.reused_pages.append(request.leaflet)
    return result
