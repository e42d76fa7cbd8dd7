"""Shared test helpers: run the real CLI as a subprocess, and the paths tests need."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


@dataclass
class Result:
    args: list[str]
    code: int
    stdout: str
    stderr: str

    def __str__(self) -> str:  # what a failing assertion shows
        return f"$ {' '.join(self.args)}\nexit {self.code}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def run_cli(*args: str | os.PathLike[str], cwd: Path = ROOT, env: dict[str, str] | None = None,
            timeout: float = 300) -> Result:
    """Run ``python -m leaflets ARGS`` as a subprocess, with colour off."""
    command = [sys.executable, "-m", "leaflets", *map(str, args)]
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=timeout)
    return Result(command, done.returncode, done.stdout, done.stderr)


@pytest.fixture
def cli():
    return run_cli


def copy_beside(source: Path, target: Path) -> None:
    """Copy what lies beside a shipped leaflet's ``source`` JSON (its figure files, its sources/ text
    copies) next to the copy written at ``target``: a leaflet's folder is more than its JSON (LM020,
    LN010 would report the missing files)."""
    for item in source.parent.iterdir():
        if item.suffix == ".json":
            continue
        destination = target.parent / item.name
        if item.is_dir():
            shutil.copytree(item, destination, dirs_exist_ok=True)
        else:
            shutil.copy(item, destination)


def lone_copy(source: Path, folder: Path, change: Any = None, target: Path | None = None) -> Path:
    """A copy of the shipped leaflet ``source`` on its own at ``folder/<id>/<language>.json`` (or
    ``target``), after ``change(data)``: without the related leaflets it names, which are not beside it
    (LM010), and with what lies beside it (its figure files, its sources' copies)."""
    data = json.loads(source.read_text(encoding="utf-8"))
    data.pop("further_information", None)
    if change is not None:
        change(data)
    path = target or folder / str(data["id"]) / f"{data['language']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    copy_beside(source, path)
    return path


def struct_elements(pdf: Any) -> list[tuple[Any, str]]:
    """(structure element, its effective /Lang: its own, else the nearest ancestor's, else the document's)
    of every element of a tagged PDF (pikepdf), depth first in reading order."""
    import pikepdf

    found: list[tuple[Any, str]] = []

    def walk(node: Any, language: str) -> None:
        if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
            return  # a marked-content number, or a reference to content: not an element
        language = str(node.get("/Lang", language))
        if "/S" in node:
            found.append((node, language))
        kids = node.get("/K")
        for kid in (list(kids) if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []):
            walk(kid, language)

    walk(pdf.Root.StructTreeRoot, str(pdf.Root.get("/Lang", "")))
    return found


def brand_copy(tmp_path: Path, change: Any = None, name: str = "shop") -> Path:
    """A copy of brands/default in ``tmp_path/name``; ``change(data)`` edits its brand.json first."""
    folder = tmp_path / name
    shutil.copytree(ROOT / "brands" / "default", folder)
    data = json.loads((folder / "brand.json").read_text(encoding="utf-8"))
    if change is not None:
        change(data)
    (folder / "brand.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return folder


# --- the browser: Debian's chromium, driven by Playwright (no browser download) ------------------

CHROMIUM = shutil.which("chromium") or "chromium"  # Debian's package, found on PATH
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for a test module; each test opens its own context or page."""
    playwright_api = importlib.import_module("playwright.sync_api")
    if shutil.which(CHROMIUM) is None:
        pytest.fail("chromium is not on PATH: scripts/setup.sh installs Debian's chromium package")
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()
