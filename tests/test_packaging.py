"""`pip install .` (not only editable installs) ships schemas, brands, templates, rule data and ICC."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_a_regular_install_validates_and_builds_from_anywhere(tmp_path):
    target = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(target), str(ROOT)],
        capture_output=True, text=True, timeout=600)
    assert install.returncode == 0, install.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(target), "NO_COLOR": "1"}

    def leaflets(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "leaflets", *args], cwd=elsewhere, env=env,
                              capture_output=True, text=True, timeout=300)

    where = subprocess.run([sys.executable, "-c", "import leaflets; print(leaflets.__file__)"], cwd=elsewhere,
                           env=env, capture_output=True, text=True)
    assert where.stdout.startswith(str(target)), where
    validated = leaflets("validate", str(ROOT / "content"))
    assert validated.returncode == 0, validated.stdout + validated.stderr
    assert "LM009" not in validated.stdout  # the Welsh interface catalogue is installed (leaflets/locale)
    assert leaflets("rules").returncode == 0
    built = leaflets("build", str(ROOT / "content" / "spinal-fusion" / "en.json"), "--out", "dist",
                     "--brand", "example-hospital")
    assert built.returncode == 0, built.stdout + built.stderr
    names = sorted(p.name for p in (elsewhere / "dist").iterdir())
    for name in ("spinal-fusion.en.html", "spinal-fusion.en.print.pdf", "spinal-fusion.en.screen.pdf",
                 "index.html", "manifest.json"):
        assert name in names


def test_every_subpackage_is_listed_for_setuptools():
    """pyproject.toml lists packages by hand (schemas/ and brands/ are mapped in): a new subpackage left
    out installs without its modules, and only a regular install would show it."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(init.parent.relative_to(ROOT).parts) for init in (ROOT / "leaflets").rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
