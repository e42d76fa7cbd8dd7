"""``leaflets preview``: one leaflet for its writer, errors and all (then with the DRAFT mark).

A preview goes through the build's own steps (:func:`leaflets.build.prepare`, the workers, the
write loop of :mod:`leaflets.publish`) without the parts that make a build: no preflight gate and
no manifest, and a folder that holds a build's ``manifest.json`` is refused, so a preview is never
mistaken for a build.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from leaflets import check, content, publish
from leaflets.build import load_brand, prepare
from leaflets.config import Config
from leaflets.config import load as load_config
from leaflets.errors import BuildError
from leaflets.findings import Report
from leaflets.manifest import remove_stale
from leaflets.names import Key, leaflet_key
from leaflets.outputs import MANIFEST
from leaflets.workers import Kind, render_all


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
            pdf: bool = False, config: Config | None = None) -> PreviewResult:
    """Render one leaflet's web page (and with ``pdf`` its screen PDF) for its writer, even when it
    has errors, then with the DRAFT mark. Checks with ``config`` (the CLI's; the nearest
    configuration file when None). Writes into ``out_dir`` (default: the leaflet's own preview folder,
    emptied first: see :func:`preview_folder`) with the index page and brand assets, but no
    manifest. Raises BuildError or UsageError."""
    files = content.discover([path])
    if len(files) != 1:
        raise BuildError(f"{path}: preview takes one leaflet, and this folder holds {len(files)}: "
                         "name the file (content/<id>/<lang>.json)")
    if out_dir is not None and (Path(out_dir) / MANIFEST).exists():
        raise BuildError(f"{out_dir} holds a build ({MANIFEST}): preview into another folder, so a preview is "
                         "never mistaken for a build")
    the_brand = load_brand(brand)
    config = config if config is not None else load_config()
    config = config.checking_for(the_brand.folder)  # its slots are this brand's to fill (LL001)
    doc = content.load(files[0])
    findings = check.check_document(doc, config)
    draft = any(f.is_error for f in findings)
    out = Path(out_dir) if out_dir is not None else preview_folder(leaflet_key(doc.data, doc.display))
    result = PreviewResult(out, Report(findings, [doc.display]), {doc.display: doc.text}, draft)
    if not doc.usable:
        result.failures.append(f"{doc.display}: cannot be previewed: the file is not a readable leaflet "
                               "(see the errors above)")
        return result
    kinds: list[Kind] = ["html", "screen"] if pdf else ["html"]
    requests = prepare(doc, kinds, the_brand, draft=draft, doing="be previewed", findings=findings)
    if isinstance(requests, str):
        result.failures.append(requests)
        return result
    written = publish.write_rendered(out, render_all(requests, 1), the_brand, gate_pdfs=False)
    result.outputs, result.failures = written.paths, written.failures
    # an earlier preview in the same folder must not pass for this one
    result.removed = remove_stale(out, {entry["path"] for entry in written.entries}, written.dropped, {}).removed
    return result


def preview_folder(key: Key) -> Path:
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
