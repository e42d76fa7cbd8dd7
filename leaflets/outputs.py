"""The output folder of ``leaflets build``: checked before rendering, locked, written atomically, and
kept true to its ``manifest.json`` even when a build is killed half-way.

A print shop or web server trusts ``manifest.json``, so at every instant it either lists files that
exist with the SHA-256 it gives, or says a build is in progress (or is absent). A build:

1. :func:`claim` s the folder before rendering (minutes, for many PDFs), so a folder that cannot be
   used fails first: it must be a folder or creatable, writable, with ``assets`` and
   ``manifest.json`` neither symbolic links nor the wrong kind of entry. It takes the folder's lock
   (``flock`` on the folder itself, so no lock file is left in it; on a file system that cannot lock
   a folder, on ``.leaflets.lock`` in it): a second build into the same folder refuses at once,
   naming the folder, rather than waiting silently for minutes or interleaving two versions' pages.
   The lock goes with the process, however it ends. Then it removes the temporary files an
   interrupted build left (only names :func:`write_atomic` makes).
2. :func:`begin` replaces ``manifest.json`` (atomically) with one that says the build is in progress
   and lists no outputs, before the first output is replaced or removed. It keeps the earlier
   manifest's entries as ``earlier_outputs``, so the next build still knows which files leaflets
   wrote (and may remove them when stale) even after a crash.
3. The outputs are written with :func:`write_atomic` (temporary file, fsync, rename), and the final
   manifest is written last, atomically, by the build.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath

from leaflets import __version__
from leaflets.content import UsageError

MANIFEST = "manifest.json"
ASSETS = "assets"
LOCK = ".leaflets.lock"
# write_atomic's temporary names: "." + the file's name + "." + mkstemp's 8 random characters + ".tmp"
TEMPORARY = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


class OutputError(UsageError):
    """The output folder cannot be used (exit code 2): one clear line naming the folder or file."""


# --- writing ---------------------------------------------------------------------------------------

def write_atomic(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` so that a reader sees the old file or the new one, never half, with
    permissions ``mode``. A temporary file a kill leaves behind is named so that
    :func:`clean_temporaries` recognises it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def ordinary_mode() -> int:
    """The permissions a new file gets from ``open()`` under the current umask (``mkstemp`` gives 0600,
    which a writer's other tools and colleagues do not expect of a leaflet)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def clean_temporaries(out: Path) -> list[str]:
    """Remove the temporary files of :func:`write_atomic` that a killed build left in ``out`` or under
    its ``assets`` (where builds write); only regular files with its names. Returns their paths,
    relative to ``out``."""
    folders = [out] + [Path(root) for root, _dirs, _files in os.walk(out / ASSETS)]  # os.walk: no links
    removed = []
    for folder in folders:
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            if TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                removed.append(Path(entry.path).relative_to(out).as_posix())
    return removed


# --- the manifest in progress ----------------------------------------------------------------------

def begin(out: Path, earlier: dict[str, str], name: str = MANIFEST) -> None:
    """Say in ``manifest.json`` (or a shard's part manifest ``name``) that a build is writing, before
    it replaces or removes any output, so the manifest never lists a file with a hash it no longer
    has. ``earlier`` (path → SHA-256 from the manifest being replaced) is kept for the next build's
    stale-file removal."""
    manifest = {"tool": "leaflets", "version": __version__, "in_progress": True, "outputs": [],
                "earlier_outputs": [{"path": path, "sha256": sha} for path, sha in sorted(earlier.items())],
                "note": "a build was writing this folder and has not finished (or was killed): its files may "
                        "be of two builds; build again"}
    write_atomic(out / name, (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8"))


def write_if_changed(path: Path, data: bytes) -> bool:
    """:func:`write_atomic` unless ``path`` is already a regular file with these bytes (then it is
    left as it is, mtime and all, so a rebuild that changes nothing touches nothing). Returns
    whether it wrote."""
    with contextlib.suppress(OSError):
        if not path.is_symlink() and path.is_file() and path.stat().st_size == len(data) \
                and path.read_bytes() == data:
            return False
    write_atomic(path, data)
    return True


# --- the folder: usable, not inside the content, locked --------------------------------------------

def check_outside(out: Path, paths: Iterable[str]) -> None:
    """Refuse an output folder inside a content folder: the build's files would mix with the
    leaflets, and every later build of that folder would walk its own outputs."""
    where = out.resolve()
    for raw in paths:
        folder = Path(raw)
        if folder.is_dir() and where.is_relative_to(folder.resolve()):
            raise OutputError(f"--out {out} is inside the content folder {raw}: build into a folder outside "
                              "the content (for example dist)")


@contextlib.contextmanager
def claim(out: Path) -> Iterator[list[str]]:
    """Check ``out`` can take a build, lock it for this build, and remove what an interrupted build
    left; yields the temporary files removed (paths relative to ``out``). Raises OutputError."""
    _make_folder(out)
    _check_writable(out)
    fd = _lock(out)
    try:
        _check_entries(out)
        yield clean_temporaries(out)
    finally:
        os.close(fd)  # releases the lock


def _lock(out: Path) -> int:
    """Lock ``out`` for this build (the folder itself, or ``.leaflets.lock`` where a folder cannot be
    locked, as on NFS); refuse at once if another build holds it. Returns the descriptor to close."""
    fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return fd
    except BlockingIOError:
        os.close(fd)
        raise _busy(out) from None
    except OSError:
        os.close(fd)
    try:
        fd = os.open(out / LOCK, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise OutputError(f"{out / LOCK}: cannot lock the output folder: {exc.strerror}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        os.close(fd)
        if isinstance(exc, BlockingIOError):
            raise _busy(out) from None
        raise OutputError(f"{out / LOCK}: cannot lock the output folder: {exc.strerror}") from None
    return fd


def _busy(out: Path) -> OutputError:
    return OutputError(f"{out}: another leaflets build is writing into this folder now: wait for it to finish, "
                       "or build into another folder")


def _make_folder(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(f"{out}: --out must be a folder, and this is {_what(out)}") from None
    except NotADirectoryError:
        blocker = next((parent for parent in out.parents if parent.exists() and not parent.is_dir()), out.parent)
        raise OutputError(f"{out}: cannot create the output folder: {blocker} is {_what(blocker)}, "
                          "not a folder") from None
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the output folder: {exc.strerror}") from None


def _check_writable(out: Path) -> None:
    """Create and remove a file, as the build will: permissions, a read-only file system or a full
    disk are found now, not after minutes of rendering. (Its name is a write_atomic temporary one,
    so a kill between the two leaves nothing the next build does not clean.)"""
    try:
        fd, probe = tempfile.mkstemp(dir=out, prefix=".leaflets-write-test.", suffix=".tmp")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputError(f"{out}: cannot write into the output folder: {exc.strerror}") from None


def _check_entries(out: Path) -> None:
    """``assets`` must be a real folder (links in it are refused too: the build would write through
    them, anywhere), and ``manifest.json`` a regular file, where they exist."""
    manifest = out / MANIFEST
    if manifest.is_symlink() or (manifest.exists() and not manifest.is_file()):
        raise OutputError(f"{manifest}: is {_what(manifest)}; leaflets writes its manifest here: move it away")
    assets = out / ASSETS
    if assets.is_symlink() or (assets.exists() and not assets.is_dir()):
        raise OutputError(f"{assets}: is {_what(assets)}; leaflets writes the web pages' files into a folder "
                          "here, and never through a link (it could point anywhere): remove it")
    for root, dirs, files in os.walk(assets):
        for name in dirs + files:
            path = Path(root) / name
            if path.is_symlink():
                raise OutputError(f"{path}: is a symbolic link; leaflets never writes through a link (it could "
                                  "point anywhere): remove it")


def check_targets(out: Path, relatives: Iterable[str]) -> None:
    """Before the first write: every file the build will write must be free to take, so a folder
    in the way of an output fails the build before anything is replaced."""
    for relative in relatives:
        parts = PurePosixPath(relative).parts
        if not parts or PurePosixPath(relative).is_absolute() or ".." in parts or "\0" in relative:
            continue  # not a name inside out at all: the build refuses to write it (names.inside)
        with contextlib.suppress(OSError):  # a name too long to look up: names.inside refuses it too
            _check_target(out, relative, parts)


def _check_target(out: Path, relative: str, parts: tuple[str, ...]) -> None:
    for depth in range(1, len(parts)):
        folder = out.joinpath(*parts[:depth])
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            raise OutputError(f"{folder}: is {_what(folder)}, where leaflets must write the folder holding "
                              f"{relative}: move it away")
    path = out.joinpath(*parts)
    if path.is_dir() or (path.exists() and not path.is_file()):
        raise OutputError(f"{path}: is {_what(path)}, where leaflets must write the file {relative}: move it away")


def _what(path: Path) -> str:
    """What a path is, in words, for a message."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return "missing"
    if stat.S_ISLNK(mode):
        return "a symbolic link" if path.exists() else "a symbolic link that points nowhere"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a file" if stat.S_ISREG(mode) else "not a regular file"
