"""A refused or failed leaflet must not leave an earlier output where a print shop could pick it up,
and the out folder holds what manifest.json lists: the real CLI, real files."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

LEAFLETS = ("pars-defect-repair", "spinal-fusion")


def content_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    for name in LEAFLETS:
        shutil.copytree(ROOT / "content" / name, folder / name)
        for path in (folder / name).glob("*.json"):  # the leaflets they name are not all copied (LM010)
            data = json.loads(path.read_text(encoding="utf-8"))
            data["further_information"].pop("leaflets", None)
            path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return folder


def change(folder: Path, name: str, edit) -> None:
    path = folder / name / "en.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")


def manifest_paths(out: Path) -> set[str]:
    return {entry["path"] for entry in json.loads((out / "manifest.json").read_text())["outputs"]}


def build(content: Path, out: Path, *options: str):
    return run_cli("build", content, "--out", out, "--format", "html,pdf", "--profile", "screen", *options)


@pytest.mark.slow
@pytest.mark.parametrize("keep_manifest", [True, False])
def test_a_refused_leaflet_loses_its_earlier_outputs(tmp_path: Path, keep_manifest: bool) -> None:
    content, out = content_folder(tmp_path), tmp_path / "dist"
    first = build(content, out, "--jobs", "2")
    assert first.code == 0, first
    assert (out / "pars-defect-repair.en.screen.pdf").is_file()
    (out / "notes.txt").write_text("the print shop's own file")  # never written by leaflets
    if not keep_manifest:  # the outputs are found by name too
        (out / "manifest.json").unlink()
    change(content, "pars-defect-repair", lambda d: d.update(last_reviewed="someday"))

    result = build(content, out, "--jobs", "2")
    assert result.code == 1, result
    for name in ("pars-defect-repair.en.html", "pars-defect-repair.en.screen.pdf"):
        assert not (out / name).exists(), name
        assert f"removed earlier output {out}/{name}" in result.stderr, result
    assert "refused" in result.stderr
    assert (out / "spinal-fusion.en.screen.pdf").is_file() and (out / "spinal-fusion.en.html").is_file()
    assert (out / "notes.txt").read_text() == "the print shop's own file"
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert written - {"manifest.json", "notes.txt"} == manifest_paths(out)


@pytest.mark.slow
def test_a_failed_render_removes_the_earlier_pdf_and_keeps_the_new_page(tmp_path: Path) -> None:
    content, out = content_folder(tmp_path), tmp_path / "dist"
    assert build(content, out).code == 0
    old_page = (out / "spinal-fusion.en.html").read_bytes()
    # the brand's typeface has no CJK glyphs: the PDF fails, the web page renders
    change(content, "spinal-fusion", lambda d: d.update(title="Spinal fusion 漢字"))

    result = build(content, out, "--jobs", "2")
    assert result.code == 1, result
    assert "glyph" in result.stderr
    assert not (out / "spinal-fusion.en.screen.pdf").exists()
    assert f"removed earlier output {out}/spinal-fusion.en.screen.pdf" in result.stderr, result
    page = (out / "spinal-fusion.en.html").read_bytes()
    assert page != old_page and "漢字" in page.decode("utf-8")  # this build's page, not the old one
    assert (out / "pars-defect-repair.en.screen.pdf").is_file()
    assert "spinal-fusion.en.screen.pdf" not in manifest_paths(out)


@pytest.mark.slow
def test_outputs_the_build_no_longer_produces_are_removed_but_changed_or_foreign_files_are_left(
        tmp_path: Path) -> None:
    content, out = content_folder(tmp_path), tmp_path / "dist"
    assert build(content, out).code == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("not in the out folder")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["outputs"].append({"path": "../outside.txt", "sha256": hashlib.sha256(outside.read_bytes()).hexdigest()})
    (out / "manifest.json").write_text(json.dumps(manifest))  # a manifest naming a file outside
    edited = out / "spinal-fusion.en.html"
    edited.write_text(edited.read_text() + "<!-- edited by hand -->")
    shutil.rmtree(content / "spinal-fusion")  # no longer in the content set

    result = build(content, out)
    assert result.code == 0, result
    assert not (out / "spinal-fusion.en.screen.pdf").exists()
    assert f"removed earlier output {out}/spinal-fusion.en.screen.pdf (not produced by this build)" in result.stderr
    assert edited.is_file() and "changed since leaflets wrote it" in result.stderr, result
    assert outside.read_text() == "not in the out folder"
    assert (out / "pars-defect-repair.en.screen.pdf").is_file()

    pdf_only = run_cli("build", content, "--out", out, "--format", "pdf", "--profile", "screen")
    assert pdf_only.code == 0, pdf_only
    assert not (out / "index.html").exists() and not (out / "assets").exists()
    assert not (out / "pars-defect-repair.en.html").exists()
    assert manifest_paths(out) == {"pars-defect-repair.en.screen.pdf"}


@pytest.mark.parametrize("listed", [True, False])
def test_an_unreadable_leaflet_only_removes_outputs_the_manifest_lists(tmp_path: Path, listed: bool) -> None:
    """A file that does not parse has no id: its outputs are guessed from its path, so only a file
    the previous manifest lists (as leaflets wrote it) is removed, never a look-alike."""
    from leaflets.manifest import remove_stale
    from leaflets.names import leaflet_key

    out = tmp_path / "dist"
    out.mkdir()
    lookalike = out / "knee.en.print.pdf"
    lookalike.write_bytes(b"%PDF-1.7 someone else's file")
    previous = {"knee.en.print.pdf": hashlib.sha256(lookalike.read_bytes()).hexdigest()} if listed else {}
    key = leaflet_key(None, "content/knee/en.json")
    result = remove_stale(out, set(), {key: "refused: the content has errors"}, previous)
    assert lookalike.exists() is not listed
    assert result.removed == (["knee.en.print.pdf (knee.en was refused: the content has errors)"] if listed else [])
