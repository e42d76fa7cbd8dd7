"""``leaflets preview``: one leaflet rendered for its writer, errors and all, through the real CLI."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote, urlparse

import pikepdf
import pytest
from conftest import ROOT, lone_copy, run_cli

SHIPPED = ROOT / "content" / "pars-defect-repair" / "en.json"


def leaflet(folder: Path, edit=None) -> Path:
    return lone_copy(SHIPPED, folder, edit)


def opened_files(stdout: str) -> list[Path]:
    return [Path(unquote(urlparse(url).path)) for url in re.findall(r"file://\S+", stdout)]


def with_errors(data) -> None:
    data["summary"] = "A <b>camera</b> is used. TODO"
    data["next_review"] = "2020-01-01"


@pytest.mark.slow
def test_preview_renders_a_leaflet_with_errors_as_a_draft_and_reports_every_problem(tmp_path: Path) -> None:
    path = leaflet(tmp_path / "content", with_errors)
    out = tmp_path / "preview"
    result = run_cli("preview", path, "--out", out, "--pdf")
    assert result.code == 0, result
    assert "LS006" in result.stdout and "2020-01-01" in result.stdout  # the findings, with places
    assert re.search(r"\d+ errors?", result.stdout), result
    page, pdf = opened_files(result.stdout)
    assert page == (out / "pars-defect-repair.en.html").resolve() and page.is_file()
    assert pdf == (out / "pars-defect-repair.en.screen.pdf").resolve() and pdf.is_file()
    html = page.read_text(encoding="utf-8")
    assert '<div class="draft-mark"' in html and "&lt;b&gt;camera&lt;/b&gt;" in html
    assert (out / "assets" / "logo.svg").is_file()  # the page's own files, so it shows as it will
    with pikepdf.open(pdf) as document:
        pages = len(document.pages)
    for number in range(1, pages + 1):
        text = subprocess.run(["pdftotext", "-f", str(number), "-l", str(number), str(pdf), "-"],
                              capture_output=True, text=True, check=True).stdout
        assert "DRAFT" in text, number
    assert not (out / "manifest.json").exists()  # a preview is never a build


def test_preview_of_clean_content_has_no_draft_mark_and_goes_to_a_fresh_folder(tmp_path: Path) -> None:
    path = leaflet(tmp_path / "content")
    result = run_cli("preview", path)
    assert result.code == 0, result
    (page,) = opened_files(result.stdout)
    try:
        assert page.is_file() and page.name == "pars-defect-repair.en.html"
        assert page.parent.name == "pars-defect-repair.en"  # the leaflet's own preview folder, reused
        assert page.parent.parent.name.startswith("leaflets-preview-")
        html = page.read_text(encoding="utf-8")
        assert '<div class="draft-mark"' not in html and "<strong>DRAFT</strong>" not in html
        assert "Not yet approved for patient use" in html  # the shipped leaflet is a draft: still banded
    finally:
        shutil.rmtree(page.parent)


@pytest.mark.slow
def test_preview_replaces_an_earlier_preview_that_can_no_longer_render(tmp_path: Path) -> None:
    path = leaflet(tmp_path / "content")
    out = tmp_path / "preview"
    assert run_cli("preview", path, "--out", out, "--pdf").code == 0
    assert (out / "pars-defect-repair.en.screen.pdf").is_file()
    leaflet(tmp_path / "content", lambda d: d.update(title="Pars defect repair 漢字"))  # no such glyphs
    result = run_cli("preview", path, "--out", out, "--pdf")
    assert result.code == 1, result
    assert "glyph" in result.stderr
    assert not (out / "pars-defect-repair.en.screen.pdf").exists()  # not the earlier one
    assert "漢字" in (out / "pars-defect-repair.en.html").read_text(encoding="utf-8")


def test_preview_of_an_unreadable_file_reports_it_and_exits_1(tmp_path: Path) -> None:
    path = tmp_path / "broken" / "en.json"
    path.parent.mkdir()
    path.write_text('{"id": "broken",\n  "title": }\n', encoding="utf-8")
    result = run_cli("preview", path, "--out", tmp_path / "preview")
    assert result.code == 1, result
    assert "LF006" in result.stdout and "file://" not in result.stdout


def test_preview_usage_problems_exit_2(tmp_path: Path) -> None:
    path = leaflet(tmp_path / "content")
    leaflet(tmp_path / "content", lambda d: d.update(id="other-leaflet"))
    build = tmp_path / "dist"
    build.mkdir()
    (build / "manifest.json").write_text("{}")
    cases = [
        (["preview", tmp_path / "missing.json"], "no such file"),
        (["preview", tmp_path / "content"], "holds 2"),
        (["preview", path, "--out", build], "holds a build"),
        (["preview", path, "--brand", "no-such-brand"], "no-such-brand"),
        (["preview"], "Missing argument"),
    ]
    for args, message in cases:
        result = run_cli(*args)
        assert result.code == 2, result
        assert message in result.stderr, result
        assert "Traceback" not in result.stderr
    assert json.loads((build / "manifest.json").read_text()) == {}
