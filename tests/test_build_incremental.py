"""Builds that redo only what changed, `--force`, `--shard I/N` and merging shards, through the real
CLI. Two leaflets (one per shard of 2), built once per worker and copied: keys depend on the content
path as shown (relative to the working folder), so every test runs in a folder of the same shape."""

from __future__ import annotations

import filecmp
import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, brand_copy, copy_beside, run_cli

from leaflets import shards

pytestmark = pytest.mark.slow
# (source, id): one leaflet in each shard of 2 (tests/test_incremental.py fixes the partition)
LEAFLETS = [("spinal-fusion", "spinal-fusion"), ("pars-defect-repair", "pars-defect-repair-2")]


def make_content(folder: Path) -> Path:
    for source, leaflet_id in LEAFLETS:
        data = json.loads((ROOT / "content" / source / "en.json").read_text(encoding="utf-8"))
        data["id"] = leaflet_id
        data.pop("further_information")  # the leaflets it names are not beside it (LM010)
        target = folder / "content" / leaflet_id / "en.json"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        copy_beside(ROOT / "content" / source / "en.json", target)  # its figure
    return folder


def build(folder: Path, *args: str, out: str = "out"):
    return run_cli("build", "content", "--out", out, "--brand", str(folder / "brand"), *args, cwd=folder)


def counts(result) -> tuple[int, int]:
    """(rendered, reused) as the build reports them."""
    found = re.search(r"(\d+) rendered, (\d+) reused", result.stdout)
    assert found, result
    return int(found[1]), int(found[2])


def state(out: Path) -> dict[str, tuple[int, int, str]]:
    """path → (inode, mtime in ns, SHA-256) of every file: a file written again changes inode (atomic rename)."""
    return {p.relative_to(out).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns,
                                            hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(out.rglob("*")) if p.is_file()}


def manifest(out: Path, name: str = "manifest.json") -> dict:
    return json.loads((out / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """content/, brand/ and a whole build of both leaflets in out/."""
    folder = make_content(tmp_path_factory.mktemp("built"))
    brand_copy(folder, name="brand")
    result = build(folder)
    assert result.code == 0, result
    assert counts(result) == (6, 0)
    return folder


@pytest.fixture
def project(built, tmp_path) -> Path:
    """A copy of ``built`` to change."""
    shutil.copytree(built, tmp_path / "project", symlinks=True)
    return tmp_path / "project"


def leaflet_files(leaflet_id: str) -> set[str]:
    return {f"{leaflet_id}.en.html", f"{leaflet_id}.en.screen.pdf", f"{leaflet_id}.en.print.pdf"}


def changed(before: dict, after: dict) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def test_a_rebuild_with_nothing_changed_reuses_every_output_and_leaves_the_files(project):
    out = project / "out"
    before = state(out)
    result = build(project)
    assert result.code == 0, result
    assert counts(result) == (0, 6)
    assert f"built {len(manifest(out)['outputs'])} file(s) into out" in result.stdout  # and the index, brand files
    assert changed(before, state(out)) <= {"manifest.json"}  # not even rewritten
    assert before["manifest.json"][2] == state(out)["manifest.json"][2]
    keys = {e["path"]: e.get("key") for e in manifest(out)["outputs"]}
    assert all(re.fullmatch(r"[0-9a-f]{64}", keys[path]) for path in leaflet_files("spinal-fusion"))


def test_editing_one_leaflet_renders_only_its_outputs_and_the_index(project):
    out = project / "out"
    before, keys = state(out), {e["path"]: e.get("key") for e in manifest(out)["outputs"]}
    source = project / "content" / "spinal-fusion" / "en.json"
    data = json.loads(source.read_text(encoding="utf-8"))
    data["title"] = "Spinal fusion surgery"
    source.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    result = build(project)
    assert result.code == 0, result
    assert counts(result) == (3, 3)
    assert changed(before, state(out)) == leaflet_files("spinal-fusion") | {"index.html", "manifest.json"}
    after = {e["path"]: e.get("key") for e in manifest(out)["outputs"]}
    assert {p for p in after if after[p] != keys.get(p)} == leaflet_files("spinal-fusion")
    assert "Spinal fusion surgery" in (out / "index.html").read_text(encoding="utf-8")


def test_a_changed_brand_renders_everything_again(project):
    out = project / "out"
    before = state(out)
    brand = project / "brand" / "brand.json"
    brand.write_text(json.dumps(json.loads(brand.read_text(encoding="utf-8")), indent=4), encoding="utf-8")
    result = build(project)
    assert result.code == 0, result
    assert counts(result) == (6, 0)
    assert changed(before, state(out)) >= leaflet_files("spinal-fusion") | leaflet_files("pars-defect-repair-2")


def test_an_output_changed_on_disk_is_rendered_again(project):
    out = project / "out"
    (out / "spinal-fusion.en.screen.pdf").write_bytes(b"not what leaflets wrote")
    result = build(project)
    assert result.code == 0, result
    assert counts(result) == (1, 5)
    entry = next(e for e in manifest(out)["outputs"] if e["path"] == "spinal-fusion.en.screen.pdf")
    assert hashlib.sha256((out / "spinal-fusion.en.screen.pdf").read_bytes()).hexdigest() == entry["sha256"]


def test_force_renders_everything(project):
    out = project / "out"
    before = state(out)
    result = build(project, "--force")
    assert result.code == 0, result
    assert counts(result) == (6, 0)
    after = state(out)
    for path in leaflet_files("spinal-fusion") | leaflet_files("pars-defect-repair-2"):
        assert after[path][0] != before[path][0], path  # written again
        assert after[path][2] == before[path][2], path  # to the same bytes: rendering is deterministic


def test_changed_options_are_other_outputs(project):
    """--draft is part of every key: nothing built without it is reused."""
    result = build(project, "--draft")
    assert result.code == 0, result
    assert counts(result) == (6, 0)


# --- shards ----------------------------------------------------------------------------------------------

def test_two_shards_merged_equal_a_whole_build_byte_for_byte(project):
    whole = project / "out"
    merged = project / "merged"
    for index in (1, 2):
        result = build(project, "--shard", f"{index}/2", out=f"shard{index}")
        assert result.code == 0, result
        assert counts(result) == (3, 0)  # one leaflet each
        part = manifest(project / f"shard{index}", f"manifest.shard-{index}-of-2.json")
        assert part["shard"] == {"index": index, "count": 2}
        assert not (project / f"shard{index}" / "manifest.json").exists()
        shutil.copytree(project / f"shard{index}", merged, dirs_exist_ok=True)
    parts = sorted(merged.glob("manifest.shard-*.json"))
    result = run_cli("merge-manifests", *parts, "--out", merged / "manifest.json")
    assert result.code == 0, result
    for part in parts:
        part.unlink()  # the shards' own records, not outputs of the build
    files = {p.relative_to(whole).as_posix() for p in whole.rglob("*") if p.is_file()}
    assert files == {p.relative_to(merged).as_posix() for p in merged.rglob("*") if p.is_file()}
    assert len(files) == len(manifest(whole)["outputs"]) + 1  # every output and manifest.json
    for name in sorted(files):
        assert filecmp.cmp(whole / name, merged / name, shallow=False), name


def test_shards_sharing_a_folder_keep_each_other_s_files(project):
    out = project / "both"
    for index in (1, 2):
        assert build(project, "--shard", f"{index}/2", out="both").code == 0
    second = state(out)
    assert leaflet_files("spinal-fusion") | leaflet_files("pars-defect-repair-2") <= set(second)
    source = project / "content" / "spinal-fusion"
    shutil.rmtree(source)  # shard 1's leaflet taken out of the content
    result = build(project, "--shard", "1/2", out="both")
    assert result.code == 0, result
    assert "removed earlier output both/spinal-fusion.en.html" in result.stderr
    after = state(out)
    assert not leaflet_files("spinal-fusion") & set(after)
    for path in leaflet_files("pars-defect-repair-2"):
        assert after[path] == second[path], path  # shard 2's files: untouched
    assert shards.Shard(1, 2).owns("spinal-fusion", "en") and shards.Shard(2, 2).owns("pars-defect-repair-2", "en")


def test_a_shard_refuses_a_folder_holding_a_whole_build(project):
    before = state(project / "out")
    result = build(project, "--shard", "1/2")
    assert result.code == 2, result
    assert "holds a whole build's manifest.json" in result.stderr and "Traceback" not in result.stderr
    assert state(project / "out") == before


@pytest.mark.parametrize("value", ["0/2", "3/2", "two"])
def test_a_bad_shard_is_a_usage_error(project, value):
    result = build(project, "--shard", value)
    assert result.code == 2, result
    assert "write it as I/N" in result.stderr


def test_a_booklet_is_reused_with_its_print_pdf_and_rendered_again_with_it(built, tmp_path):
    """An A5 print PDF with --booklet makes two files from one render: both must still be as written."""
    folder = tmp_path / "a5"
    shutil.copytree(built / "content", folder / "content")
    shutil.rmtree(folder / "content" / "pars-defect-repair-2")
    args = ("build", "content", "--out", "out", "--brand", "example-hospital", "--format", "pdf", "--profile",
            "print", "--booklet")
    assert counts(first := run_cli(*args, cwd=folder)) == (2, 0), first
    booklet = folder / "out" / "spinal-fusion.en.booklet.pdf"
    assert booklet.is_file()
    assert counts(again := run_cli(*args, cwd=folder)) == (0, 2), again
    booklet.unlink()
    result = run_cli(*args, cwd=folder)
    assert result.code == 0, result
    assert counts(result) == (2, 0)  # the print PDF is rendered again to impose its booklet
    assert booklet.is_file()
