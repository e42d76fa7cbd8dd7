"""The output folder of ``leaflets build``: a folder it cannot use fails at once with one clear line and
nothing written; one build at a time; manifest.json true even after ``kill -9``; workers die with the
build; duplicate leaflets refused; discovery takes only ``<id>/<lang>.json``; an unreadable folder
is an error. The real CLI as a subprocess, real files, real signals.

The tests run as root here, and root ignores file permissions: a read-only or unreadable folder is
made real by running the CLI without the capabilities that let root ignore them (``setpriv``),
which is what an unprivileged user's build sees.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, Result, run_cli

LEAFLET = FIXTURES / "validate" / "knee-arthroscopy" / "en.json"


def leaflets(folder: Path, count: int, title: str = "") -> Path:
    """``count`` copies of a valid leaflet, each with its own id, as ``folder/<id>/en.json``."""
    data = json.loads(LEAFLET.read_text(encoding="utf-8"))
    for index in range(count):
        copy = data | {"id": f"knee-arthroscopy-{index:02d}"} | ({"title": title} if title else {})
        path = folder / copy["id"] / "en.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(copy, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_manifest_true(out: Path) -> dict:
    """Every file manifest.json lists exists with the listed SHA-256, or it says the build is in progress."""
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    if manifest.get("in_progress"):
        assert manifest["outputs"] == [], manifest
        return manifest
    for entry in manifest["outputs"]:
        path = out / entry["path"]
        assert path.is_file(), f"manifest.json lists {entry['path']}, which is missing"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == entry["sha256"], \
            f"manifest.json lists {entry['path']} with a hash it does not have"
    return manifest


def one_clear_error(result: Result, *words: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.stderr, result
    [line] = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    for word in words:
        assert word in line, result


def without_root_powers() -> list[str]:
    """A command prefix under which file permissions apply, as they do for any user but root."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: file permissions cannot be made to apply")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search"]
    if subprocess.run([*prefix, "true"], capture_output=True).returncode != 0:
        pytest.skip("cannot drop root's file-permission capabilities here (setpriv failed)")
    return prefix


def run_restricted(*args: str | os.PathLike[str], cwd: Path = ROOT) -> Result:
    command = [*without_root_powers(), sys.executable, "-m", "leaflets", *map(str, args)]
    done = subprocess.run(command, cwd=cwd, env={**os.environ, "NO_COLOR": "1"}, capture_output=True, text=True,
                          timeout=300)
    return Result(command, done.returncode, done.stdout, done.stderr)


def html_build(content: Path, out: Path, *options: str, run=run_cli) -> Result:
    return run("build", content, "--out", out, "--format", "html", *options)


# --- a folder the build cannot use: one clear line, exit 2, nothing written ------------------------

def test_out_under_a_file_is_one_clear_error(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 1)
    (tmp_path / "notes").write_text("not a folder")
    result = html_build(content, tmp_path / "notes" / "dist")
    one_clear_error(result, "cannot create the output folder", "notes is a file")
    assert (tmp_path / "notes").read_text() == "not a folder"


@pytest.mark.slow
def test_a_read_only_out_is_one_clear_error_and_the_earlier_build_is_left_whole(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 2)
    out = tmp_path / "dist"
    assert html_build(content, out).code == 0
    before = snapshot(out)
    leaflets(content, 2, title="A new title")
    out.chmod(0o555)
    try:
        result = html_build(content, out, run=run_restricted)
    finally:
        out.chmod(0o755)
    one_clear_error(result, str(out), "cannot write into the output folder", "Permission denied")
    assert snapshot(out) == before
    assert_manifest_true(out)


@pytest.mark.parametrize("obstacle", ["manifest.json", "assets", pytest.param("page", marks=pytest.mark.slow)])
def test_an_entry_in_the_way_is_one_clear_error_before_anything_is_written(tmp_path: Path, obstacle: str) -> None:
    content = leaflets(tmp_path / "content", 2)
    out, elsewhere = tmp_path / "dist", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    if obstacle == "manifest.json":
        (out / "manifest.json").mkdir()
        words = ["manifest.json", "is a folder"]
    elif obstacle == "assets":
        (out / "assets").symlink_to(elsewhere)  # a build would write the brand's files wherever it points
        words = ["assets", "symbolic link"]
    else:
        (out / "knee-arthroscopy-01.en.html").mkdir()
        words = ["knee-arthroscopy-01.en.html", "is a folder"]
    result = html_build(content, out)
    one_clear_error(result, *words)
    assert [p.name for p in out.iterdir()] == [obstacle if obstacle != "page" else "knee-arthroscopy-01.en.html"]
    assert not list(elsewhere.iterdir())


# --- content and output apart ----------------------------------------------------------------------

def test_out_inside_the_content_folder_is_refused(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 1)
    result = html_build(content, content / "dist")
    one_clear_error(result, "is inside the content folder")
    assert not (content / "dist").exists()


@pytest.mark.slow
def test_validate_takes_only_id_lang_json_files(tmp_path: Path) -> None:
    """A build folder, brand files or other JSON among the leaflets are not leaflets."""
    content = leaflets(tmp_path / "content", 2)
    assert html_build(content, tmp_path / "dist").code == 0
    shutil.copytree(tmp_path / "dist", content / "old-build")  # manifest.json and all
    (content / "notes.json").write_text('{"not": "a leaflet"}')
    result = run_cli("validate", content)
    assert result.code == 0, result
    assert result.stdout.splitlines()[-1] == "2 files checked: no problems found."


# --- duplicate leaflets ----------------------------------------------------------------------------

def duplicate(tmp_path: Path) -> tuple[Path, str, str]:
    data = LEAFLET.read_text(encoding="utf-8")
    for side in ("a", "b"):
        (tmp_path / "content" / side / "knee-arthroscopy").mkdir(parents=True)
        (tmp_path / "content" / side / "knee-arthroscopy" / "en.json").write_text(data, encoding="utf-8")
    return tmp_path / "content", "content/a/knee-arthroscopy/en.json", "content/b/knee-arthroscopy/en.json"


def test_validate_reports_two_files_with_one_id_and_language_naming_both(tmp_path: Path) -> None:
    content, first, second = duplicate(tmp_path)
    result = run_cli("validate", "content", "--format", "json", cwd=tmp_path)
    assert result.code == 1, result
    findings = json.loads(result.stdout)["findings"]
    assert {(f["file"], f["code"], f["pointer"]) for f in findings} == {(first, "LF011", "/id"),
                                                                         (second, "LF011", "/id")}
    by_file = {f["file"]: f["message"] for f in findings}
    assert second in by_file[first] and first in by_file[second]
    assert '"knee-arthroscopy"' in by_file[first] and '"en"' in by_file[first]


@pytest.mark.parametrize("draft", [False, True])
def test_build_refuses_both_duplicates_even_as_drafts(tmp_path: Path, draft: bool) -> None:
    content, first, second = duplicate(tmp_path)
    result = run_cli("build", "content", "--out", "dist", "--format", "html", *(["--draft"] if draft else []),
                     cwd=tmp_path)
    assert result.code == 1, result
    line = next(n for n, text in enumerate(LEAFLET.read_text().splitlines(), 1) if text.lstrip().startswith('"id"'))
    assert f"{first}:{line}:3: LF011" in result.stderr and f"{second}:{line}:3: LF011" in result.stderr, result
    assert "refused 2 leaflet(s)" in result.stderr
    assert not list((tmp_path / "dist").glob("knee-arthroscopy.*"))
    assert assert_manifest_true(tmp_path / "dist")["outputs"] == []


# --- an unreadable folder --------------------------------------------------------------------------

def test_a_folder_validate_cannot_read_is_an_error(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 1)
    hidden = content / "knee-arthroscopy-99"
    hidden.mkdir()
    (hidden / "en.json").write_text('{"id": }')  # broken, and never read
    hidden.chmod(0)
    try:
        result = run_restricted("validate", content, "--format", "json")
    finally:
        hidden.chmod(0o755)
    assert result.code == 1 and "Traceback" not in result.stderr, result
    [finding] = json.loads(result.stdout)["findings"]
    assert finding["code"] == "LF001" and finding["file"].endswith("content/knee-arthroscopy-99"), finding
    assert "cannot read this folder" in finding["message"] and "Permission denied" in finding["message"]


# --- stale temporaries ---------------------------------------------------------------------------------

@pytest.mark.slow
def test_the_next_build_removes_temporary_files_a_killed_build_left_and_only_those(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 1)
    out = tmp_path / "dist"
    (out / "assets").mkdir(parents=True)
    leftovers = [out / ".knee-arthroscopy-00.en.html.k2x_9abq.tmp", out / "assets" / ".logo.svg.0abcdefg.tmp"]
    others = [out / ".notes.tmp", out / "draft.k2x_9abq.tmp", out / ".x.html.short.tmp"]
    for path in leftovers + others:
        path.write_text("half")
    result = html_build(content, out)
    assert result.code == 0, result
    assert not any(path.exists() for path in leftovers)
    assert all(path.exists() for path in others)
    for path in leftovers:
        assert f"{path.relative_to(out).as_posix()} (a temporary file an interrupted build left)" in result.stderr


# --- kill -9: manifest.json is never untrue --------------------------------------------------------

def inodes(folder: Path) -> dict[str, int]:
    try:
        return {entry.name: entry.inode() for entry in os.scandir(folder)}
    except FileNotFoundError:
        return {}


@pytest.mark.slow
def test_manifest_json_stays_true_when_a_build_is_killed_while_writing(tmp_path: Path) -> None:
    """Kill the build at random moments after it starts changing the folder (each try builds another
    version, so every write replaces a file), and check the manifest after each kill."""
    content = leaflets(tmp_path / "content", 24)
    out = tmp_path / "dist"
    assert html_build(content, out).code == 0
    mid_write = 0
    for attempt in range(30):  # until three kills have landed mid-write: how soon depends on the machine's load
        if mid_write >= 3:
            break
        leaflets(content, 24, title=f"Knee arthroscopy, version {attempt}")
        before = inodes(out)
        process = subprocess.Popen([sys.executable, "-m", "leaflets", "build", str(content), "--out", str(out),
                                    "--format", "html"], cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        while process.poll() is None and inodes(out) == before:  # not writing yet: rendering
            time.sleep(0.0005)
        time.sleep(random.uniform(0, 0.02 if attempt % 2 else 0.004))
        process.send_signal(signal.SIGKILL)
        process.wait()
        manifest = assert_manifest_true(out)
        mid_write += bool(manifest.get("in_progress"))
    assert mid_write, "no kill landed while the build was writing: the test proved nothing"
    result = html_build(content, out)
    assert result.code == 0, result
    assert not list(out.rglob("*.tmp"))
    assert not assert_manifest_true(out).get("in_progress")


# --- two builds at once ----------------------------------------------------------------------------

def lock_is_held(out: Path) -> bool:
    try:
        fd = os.open(out, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


@pytest.mark.slow
def test_a_second_build_into_the_same_folder_refuses_while_the_first_writes(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 3)
    out = tmp_path / "dist"
    first = subprocess.Popen([sys.executable, "-m", "leaflets", "build", str(content), "--out", str(out),
                              "--profile", "screen", "--jobs", "1"], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not lock_is_held(out) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert first.poll() is None, "the first build ended before it could be raced"
    second = html_build(content, out)
    stdout, stderr = first.communicate(timeout=300)
    one_clear_error(second, str(out), "another leaflets build is writing into this folder")
    assert first.returncode == 0, stderr
    manifest = assert_manifest_true(out)
    assert len(manifest["outputs"]) == len(snapshot(out)) - 1  # every file but manifest.json


# --- render workers die with the build -------------------------------------------------------------

def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")  # a zombie has died; only its exit status waits to be collected


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds the workers through /proc")
def test_render_workers_die_when_the_build_is_killed(tmp_path: Path) -> None:
    content = leaflets(tmp_path / "content", 6)
    build = subprocess.Popen([sys.executable, "-m", "leaflets", "build", str(content), "--out", str(tmp_path / "dist"),
                              "--format", "pdf", "--jobs", "2"], cwd=ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(workers := children(build.pid)) < 2 and build.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert len(workers) >= 2 and build.poll() is None, "the build never started its two workers"
    time.sleep(0.5)  # rendering now
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # do not leave them to the next test
        os.kill(pid, signal.SIGKILL)
    assert not left, f"render workers {left} outlived the build"


@pytest.mark.slow
def test_a_build_after_a_killed_one_still_knows_the_files_leaflets_wrote(tmp_path: Path) -> None:
    """The folder as a build killed while writing leaves it (manifest.json "in progress", written by
    the same function the build uses): the next build still removes the earlier outputs of a leaflet
    taken out of the content, because the in-progress manifest kept them as earlier_outputs."""
    from leaflets import manifest, outputs

    content = leaflets(tmp_path / "content", 2)
    out = tmp_path / "dist"
    assert html_build(content, out).code == 0
    outputs.begin(out, manifest.previous_outputs(out))
    shutil.rmtree(content / "knee-arthroscopy-01")
    result = html_build(content, out)
    assert result.code == 0, result
    assert not (out / "knee-arthroscopy-01.en.html").exists()
    assert f"removed earlier output {out}/knee-arthroscopy-01.en.html (not produced by this build)" in result.stderr
    assert [e["path"] for e in assert_manifest_true(out)["outputs"] if e["path"].endswith(".en.html")] == \
        ["knee-arthroscopy-00.en.html"]


def test_where_a_folder_cannot_be_locked_a_lock_file_in_it_is(tmp_path: Path, monkeypatch) -> None:
    """NFS cannot flock a folder: the lock falls back to .leaflets.lock, and still keeps a second build out."""
    from leaflets import outputs

    real_flock = fcntl.flock

    def no_folder_locks(fd: int, operation: int) -> None:
        if os.path.isdir(f"/proc/self/fd/{fd}"):
            raise OSError(9, "Bad file descriptor")
        real_flock(fd, operation)

    monkeypatch.setattr(fcntl, "flock", no_folder_locks)
    with outputs.claim(tmp_path):
        assert (tmp_path / ".leaflets.lock").is_file()
        with pytest.raises(outputs.OutputError, match="another leaflets build is writing into this folder"):
            with outputs.claim(tmp_path):
                pass
    with outputs.claim(tmp_path):  # released when the first build ended
        pass
