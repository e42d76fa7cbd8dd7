"""Broken content through the real CLI: `leaflets preview` and `leaflets build --draft` render it with
placeholders and the DRAFT mark (web page and PDF text); a plain build still refuses it; the broken
draft page passes axe in headless Chromium."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

SHIPPED = ROOT / "content" / "pars-defect-repair" / "en.json"

PLACEHOLDERS = [
    "[missing: disclaimer – see finding LS001]",
    "2026-13-45 [not a date: last_reviewed",
    "23/11/26 [not a date: next_review",
    "[missing: frequency – see finding LS001 at /risks/0/frequency]",
    "[wrong type: summary is a number, not text – see finding LS003]",
    "[missing: alternatives – see finding LS001]",
]


def broken_leaflet(folder: Path) -> Path:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    del data["disclaimer"]
    data["last_reviewed"] = "2026-13-45"
    data["next_review"] = "23/11/26"
    del data["risks"][0]["frequency"]
    data["summary"] = 42
    del data["alternatives"]
    path = folder / data["id"] / "en.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())  # placeholders may wrap over lines


def assert_placeholders(text: str) -> None:
    flat = " ".join(text.split())
    missing = [p for p in PLACEHOLDERS if p not in flat]
    assert not missing, missing


@pytest.mark.slow
def test_preview_renders_broken_content_with_placeholders(tmp_path: Path) -> None:
    path = broken_leaflet(tmp_path / "content")
    out = tmp_path / "preview"
    result = run_cli("preview", path, "--out", out, "--pdf")
    assert result.code == 0, result.stdout + result.stderr
    assert "with a DRAFT mark" in result.stdout
    page = (out / "pars-defect-repair.en.html").read_text(encoding="utf-8")
    assert '<div class="draft-mark"' in page and 'class="missing"' in page
    assert_placeholders(page)
    text = pdf_text(out / "pars-defect-repair.en.screen.pdf")
    assert "DRAFT" in text
    assert_placeholders(text)


@pytest.mark.slow
def test_build_draft_renders_broken_content_and_plain_build_refuses_it(tmp_path: Path) -> None:
    content = tmp_path / "content"
    broken_leaflet(content)
    refused = run_cli("build", content, "--out", tmp_path / "strict")
    assert refused.code == 1, refused.stdout + refused.stderr
    assert not list((tmp_path / "strict").glob("pars-defect-repair.*")), "a plain build wrote a broken leaflet"
    assert "cannot be rendered" not in refused.stdout + refused.stderr  # refused before the model, not by it

    out = tmp_path / "draft"
    result = run_cli("build", content, "--out", out, "--draft")
    assert result.code == 0, result.stdout + result.stderr
    assert_placeholders((out / "pars-defect-repair.en.html").read_text(encoding="utf-8"))
    for profile in ("screen", "print"):
        text = pdf_text(out / f"pars-defect-repair.en.{profile}.pdf")
        assert "DRAFT" in text
        assert_placeholders(text)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert {e["path"] for e in manifest["outputs"] if e.get("draft")} >= {"pars-defect-repair.en.html"}


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_broken_draft_page_passes_axe(browser: Any, tmp_path: Path, width: int) -> None:
    from test_web import check_page, serve

    path = broken_leaflet(tmp_path / "content")
    out = tmp_path / "preview"
    assert run_cli("preview", path, "--out", out).code == 0
    with serve(out) as base:
        seen = check_page(browser, base + "pars-defect-repair.en.html", width)
    assert 'class="missing"' in seen["page"]
