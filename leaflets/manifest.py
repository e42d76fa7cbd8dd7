"""``manifest.json``: the record of what the last build wrote, and the folder kept true to it.

A print shop or web server trusts the manifest, so the build lists every output with its SHA-256
and where it came from, sorted and without timestamps (the same build gives the same manifest), and
removes what it no longer produces: every output of a leaflet that is refused or fails (a print
shop never picks up a stale file), and every file the previous manifest lists that this build did
not write (a leaflet since removed, a format no longer asked for), but only while it still has the
hash leaflets wrote. Files leaflets never wrote are never touched.

The in-progress manifest a build writes before it replaces anything is :func:`leaflets.outputs.begin`'s.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from leaflets import __version__
from leaflets.names import Key, output_path
from leaflets.outputs import MANIFEST

if TYPE_CHECKING:
    from leaflets.model import Leaflet

# Every kind of file a leaflet may have in a build folder, so that all of a dropped leaflet's go.
STALE_KINDS = ("html", "screen", "print", "large-print", "booklet", "txt")

Entry = dict[str, Any]  # one output in the manifest: path, sha256, bytes, brand, and for a leaflet's own files more


def entry(relative: str, data: bytes, brand: str) -> Entry:
    """The manifest entry of a file that belongs to no one leaflet (the index page, a brand asset)."""
    return {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "brand": brand}


def leaflet_entry(relative: str, data: bytes, brand: str, *, leaflet: Leaflet, kind: str, draft: bool,
                  source: str) -> Entry:
    """The manifest entry of one of a leaflet's outputs: which leaflet, version and status it shows,
    what it was made from, and (when approved) the hash of the clinical content the sign-off covers."""
    meta: Entry = {"id": leaflet.id, "language": leaflet.language, "version": leaflet.version,
                   "status": str(leaflet.status)}
    if leaflet.approved and leaflet.approval and leaflet.approval.content_sha256:
        meta["approval_sha256"] = leaflet.approval.content_sha256
    if leaflet.reference:  # the trust's code: a print shop files and reorders "ORTH-012 v1.2" by it
        meta["reference"] = str(leaflet.reference)
    if leaflet.department:
        meta["department"] = str(leaflet.department)
    if leaflet.translation_of:  # a translation: the source it was made from (leaflets.translation)
        meta["translation_of"] = {"language": leaflet.translation_of[0], "version": leaflet.translation_of[1]}
    pdf_kind = kind not in ("html", "txt")
    return entry(relative, data, brand) | meta | {
        "format": "pdf" if pdf_kind else kind, "profile": kind if pdf_kind else None, "draft": draft,
        "source": Path(source).as_posix(), "source_sha256": leaflet.source_sha256}


def manifest_bytes(outputs: list[Entry], brand: str, **fields: Any) -> bytes:
    """The manifest of a build's ``outputs``, with ``fields`` (``inputs``: what it was made from, see
    leaflets.incremental; ``shard`` for a part) beside them: see :func:`dump`."""
    return dump({"tool": "leaflets", "version": __version__, "brand": brand, "outputs": outputs} | fields)


def dump(manifest: dict[str, Any]) -> bytes:
    """A manifest's bytes: sorted keys and outputs, no timestamps, so one build gives one manifest,
    whether it ran whole or in shards merged by ``leaflets merge-manifests``."""
    manifest = manifest | {"outputs": sorted(manifest["outputs"], key=lambda e: e["path"])}
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def previous_outputs(out: Path, name: str = MANIFEST) -> dict[str, str]:
    """path → SHA-256 of every output the manifest already in ``out`` lists (empty when there is
    none, or it is not a manifest leaflets wrote). A manifest left "in progress" by a build that was
    killed lists the outputs of the build before it as ``earlier_outputs``. ``name``: a shard's part
    manifest instead (a shard keeps to its own files)."""
    try:
        manifest = json.loads((out / name).read_text(encoding="utf-8"))
        if manifest.get("tool") != "leaflets":
            return {}
        return {entry["path"]: entry["sha256"] for entry in manifest["outputs"] + manifest.get("earlier_outputs", [])
                if isinstance(entry.get("path"), str) and isinstance(entry.get("sha256"), str)}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


# --- stale outputs: the folder holds what the manifest lists ------------------------------------

@dataclass
class Cleanup:
    removed: list[str] = field(default_factory=list)  # "path (why)" for each earlier output removed
    kept: list[str] = field(default_factory=list)  # earlier outputs not removed because they changed since


def remove_stale(out: Path, produced: set[str], dropped: dict[Key, str], previous: dict[str, str]) -> Cleanup:
    """Remove earlier outputs this build did not produce: every output of a leaflet in ``dropped``
    (refused or failed: key → why), and every file of the ``previous`` manifest that still has the
    hash leaflets wrote (a changed file is left, and named in ``kept``)."""
    cleanup = Cleanup()
    for relative, (why, always) in sorted(_candidates(produced, dropped, previous).items()):
        path = _our_file(out, relative)
        if path is None:
            continue
        if not always and hashlib.sha256(path.read_bytes()).hexdigest() != previous[relative]:
            cleanup.kept.append(f"{relative} (listed in the previous manifest.json but changed since leaflets wrote "
                                "it, so it was left: check it)")
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        cleanup.removed.append(f"{relative} ({why})")
        _remove_empty_parents(out, path)
    return cleanup


def _candidates(produced: set[str], dropped: dict[Key, str], previous: dict[str, str]) -> dict[str, tuple[str, bool]]:
    """path → (why, remove even if changed since leaflets wrote it)."""
    candidates: dict[str, tuple[str, bool]] = {}
    for (leaflet_id, language), why in dropped.items():
        guessed = leaflet_id.startswith("?")  # named from its path: only what the manifest lists is ours
        leaflet_id = leaflet_id.removeprefix("?")
        for kind in STALE_KINDS:
            relative = output_path(leaflet_id, language, kind)
            if relative not in produced and (relative in previous or not guessed):
                candidates[relative] = (f"{leaflet_id}.{language} was {why}" if why.startswith("refused")
                                        else f"{leaflet_id}.{language}: {why}", True)
    for relative in previous:
        if relative not in produced and relative not in candidates:
            candidates[relative] = ("not produced by this build", False)
    return candidates


def _remove_empty_parents(out: Path, path: Path) -> None:
    parent = path.parent
    while parent != out and parent.is_relative_to(out):
        try:
            parent.rmdir()  # only when empty
        except OSError:
            break
        parent = parent.parent


def _our_file(out: Path, relative: str) -> Path | None:
    """``out/relative`` when it is a regular file inside ``out`` (no absolute path, ``..``, or
    symbolic link on the way); None otherwise."""
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
