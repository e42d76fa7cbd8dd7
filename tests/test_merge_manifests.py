"""`leaflets merge-manifests`: parts of one build joined, anything else refused with exit 2 and nothing
written. Parts are made by hand here (fast); tests/test_build_incremental.py merges real shard builds."""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest
from conftest import run_cli

INPUTS = {"toolchain": "t" * 64, "brand_sha256": "b" * 64, "content_sha256": "c" * 64,
          "options": {"formats": ["html", "pdf"], "profiles": ["print", "screen"], "draft": False,
                      "crop_marks": False, "booklet": False}}


def write(folder: Path, relative: str, data: bytes) -> dict:
    (folder / relative).parent.mkdir(parents=True, exist_ok=True)
    (folder / relative).write_bytes(data)
    return {"path": relative, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "brand": "default"}


def leaflet(folder: Path, name: str) -> dict:
    return write(folder, f"{name}.en.html", name.encode()) | {"source": f"content/{name}/en.json", "key": "k" * 64}


def part(folder: Path, index: int, count: int, outputs: list[dict], **changes) -> Path:
    data = {"tool": "leaflets", "version": "1.0", "brand": "default", "inputs": copy.deepcopy(INPUTS),
            "outputs": outputs, "shard": {"index": index, "count": count}} | changes
    path = folder / f"manifest.shard-{index}-of-{count}.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture
def dist(tmp_path):
    """Two shards' outputs copied into one folder, each shard writing the index alike."""
    folder = tmp_path / "dist"
    folder.mkdir()
    index = write(folder, "index.html", b"<index>")
    one = part(folder, 1, 2, [leaflet(folder, "a"), index])
    two = part(folder, 2, 2, [leaflet(folder, "b"), index])
    return folder, one, two


def refused(result, *words: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.stderr, result
    for word in words:
        assert word in result.stderr, result


def test_parts_of_one_build_merge_into_its_manifest(dist):
    folder, one, two = dist
    result = run_cli("merge-manifests", two, one, "--out", folder / "manifest.json")
    assert result.code == 0, result
    assert "merged 2 part(s), 3 file(s)" in result.stdout
    merged = json.loads((folder / "manifest.json").read_text())
    assert [e["path"] for e in merged["outputs"]] == ["a.en.html", "b.en.html", "index.html"]
    assert "shard" not in merged and merged["inputs"] == INPUTS and merged["version"] == "1.0"
    text = (folder / "manifest.json").read_text()
    assert text == json.dumps(merged, indent=2, sort_keys=True, ensure_ascii=False) + "\n"  # as a build writes it


def test_a_leaflet_output_in_two_parts_is_an_overlap(dist):
    folder, one, _two = dist
    two = part(folder, 2, 2, [leaflet(folder, "a")])
    refused(run_cli("merge-manifests", one, two, "--out", folder / "manifest.json"),
            "a.en.html is listed by both", "must not overlap")
    assert not (folder / "manifest.json").exists()


def test_whole_build_files_must_agree(dist):
    folder, one, _two = dist
    two = part(folder, 2, 2, [leaflet(folder, "b"), {"path": "index.html", "sha256": "0" * 64, "bytes": 1,
                                                      "brand": "default"}])
    refused(run_cli("merge-manifests", one, two, "--out", folder / "manifest.json"), "index.html differs between")


@pytest.mark.parametrize("change, words", [
    ({"version": "2.0"}, ["differ in leaflets version (1.0 and 2.0)", "same version"]),
    ({"inputs": INPUTS | {"toolchain": "u" * 64}}, ["differ in toolchain"]),
    ({"brand": "example-hospital"}, ["differ in brand (default and example-hospital)"]),
    ({"inputs": INPUTS | {"brand_sha256": "d" * 64}}, ["differ in brand folder contents"]),
    ({"inputs": INPUTS | {"content_sha256": "d" * 64}}, ["differ in content files"]),
    ({"inputs": INPUTS | {"options": INPUTS["options"] | {"draft": True}}}, ["differ in options"]),
])
def test_parts_of_different_builds_are_refused(dist, change, words):
    folder, one, _two = dist
    two = part(folder, 2, 2, [leaflet(folder, "b")], **change)
    refused(run_cli("merge-manifests", one, two, "--out", folder / "manifest.json"), str(one), str(two), *words)
    assert not (folder / "manifest.json").exists()


def test_a_missing_or_repeated_shard_is_refused(dist, tmp_path):
    folder, one, two = dist
    refused(run_cli("merge-manifests", one, "--out", folder / "manifest.json"), "shard(s) 2 of 2 missing")
    refused(run_cli("merge-manifests", one, one, two, "--out", folder / "manifest.json"), "are both shard 1 of 2")
    three = part(tmp_path, 1, 3, [leaflet(folder, "c")])
    refused(run_cli("merge-manifests", one, two, three, "--out", folder / "manifest.json"),
            "is a shard of 2", "of 3")


def test_what_is_not_a_part_is_refused(dist, tmp_path):
    folder, one, two = dist
    whole = tmp_path / "manifest.json"
    whole.write_text(json.dumps({"tool": "leaflets", "version": "1.0", "outputs": []}))
    refused(run_cli("merge-manifests", whole, "--out", folder / "manifest.json"), "not a part manifest")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    refused(run_cli("merge-manifests", broken, "--out", folder / "manifest.json"), f"{broken}: not a part manifest")
    unfinished = part(tmp_path, 2, 2, [], in_progress=True)
    refused(run_cli("merge-manifests", one, unfinished, "--out", folder / "manifest.json"), "did not finish")
    refused(run_cli("merge-manifests", tmp_path / "nowhere.json", "--out", folder / "manifest.json"),
            "cannot read the part manifest")


def test_files_must_be_beside_the_merged_manifest(dist):
    folder, one, two = dist
    (folder / "b.en.html").unlink()
    refused(run_cli("merge-manifests", one, two, "--out", folder / "manifest.json"),
            f"{folder / 'b.en.html'}: missing", "copy every shard's outputs")
    (folder / "b.en.html").write_bytes(b"edited")
    refused(run_cli("merge-manifests", one, two, "--out", folder / "manifest.json"), "b.en.html: has SHA-256")
    assert not (folder / "manifest.json").exists()
    assert run_cli("merge-manifests", one, two, "--out", folder / "manifest.json", "--no-verify").code == 0
