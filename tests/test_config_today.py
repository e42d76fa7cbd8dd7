"""Every command that checks content takes ``--config`` and honours ``LEAFLETS_TODAY``, because the
CLI resolves both once and passes them down: ``validate --config X`` and ``build --config X`` (and
preview, serve, approve) agree about the same content, on the same day.

Each test runs from a folder with no configuration above it, so only ``--config`` can change what
is checked; the leaflet's next review is 2027-11-23, so LEAFLETS_TODAY=2028-01-01 makes it overdue
(LD001, an error) and 2026-12-02 does not.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli
from test_serve import Serving

SHIPPED = ROOT / "content" / "spinal-fusion" / "en.json"
ON_TIME = {"LEAFLETS_TODAY": "2026-12-02"}
OVERDUE = {"LEAFLETS_TODAY": "2028-01-01"}
APPROVER = ["--name", "Ms A. Example", "--role", "Consultant spinal surgeon"]


@pytest.fixture
def work(tmp_path: Path) -> tuple[Path, Path, Path]:
    """(a folder with no configuration above it, the leaflet in its content/, a config ignoring LD001
    kept elsewhere)."""
    shutil.copytree(SHIPPED.parent.parent, tmp_path / "content")  # with the leaflets it names (LM010)
    settings = tmp_path / "settings" / "leaflets.toml"
    settings.parent.mkdir()
    settings.write_text('ignore = ["LD001"]\n', encoding="utf-8")
    assert json.loads(SHIPPED.read_text(encoding="utf-8"))["next_review"] == "2027-11-23"
    return tmp_path, tmp_path / "content" / "spinal-fusion" / "en.json", settings


@pytest.mark.slow
def test_build_checks_as_of_leaflets_today(work: tuple[Path, Path, Path]) -> None:
    folder, path, _settings = work
    on_time = run_cli("build", path, "--out", folder / "on-time", "--format", "html", cwd=folder, env=ON_TIME)
    assert on_time.code == 0 and (folder / "on-time" / "spinal-fusion.en.html").is_file(), on_time
    overdue = run_cli("build", path, "--out", folder / "overdue", "--format", "html", cwd=folder, env=OVERDUE)
    assert overdue.code == 1 and "LD001" in overdue.stderr and "refused 1 leaflet" in overdue.stderr, overdue
    assert not (folder / "overdue" / "spinal-fusion.en.html").exists()


@pytest.mark.slow
def test_build_config_applies_its_ignores_as_validate_config_does(work: tuple[Path, Path, Path]) -> None:
    folder, path, settings = work
    assert run_cli("validate", path, cwd=folder, env=OVERDUE).code == 1
    assert run_cli("validate", path, "--config", settings, cwd=folder, env=OVERDUE).code == 0
    built = run_cli("build", path, "--out", folder / "dist", "--format", "html", "--config", settings, cwd=folder,
                    env=OVERDUE)
    assert built.code == 0 and "LD001" not in built.stderr, built
    assert (folder / "dist" / "spinal-fusion.en.html").is_file()


def test_build_refuses_a_bad_config_or_day_before_any_work(work: tuple[Path, Path, Path]) -> None:
    folder, path, _settings = work
    broken = folder / "broken.toml"
    broken.write_text('ignore = ["LZ999"]\n', encoding="utf-8")
    for args, env, words in ((["--config", broken], ON_TIME, "LZ999"), ([], {"LEAFLETS_TODAY": "soon"}, "soon")):
        result = run_cli("build", path, "--out", folder / "dist", *args, cwd=folder, env=env)
        assert result.code == 2 and words in result.stderr and "Traceback" not in result.stderr, result
    assert not (folder / "dist").exists()


@pytest.mark.slow
def test_preview_checks_as_of_leaflets_today_with_its_config(work: tuple[Path, Path, Path]) -> None:
    folder, path, settings = work
    overdue = run_cli("preview", path, "--out", folder / "a", cwd=folder, env=OVERDUE)
    assert overdue.code == 0 and "LD001" in overdue.stdout and "with a DRAFT mark" in overdue.stdout, overdue
    ignored = run_cli("preview", path, "--out", folder / "b", "--config", settings, cwd=folder, env=OVERDUE)
    assert ignored.code == 0 and "LD001" not in ignored.stdout and "DRAFT" not in ignored.stdout, ignored


@pytest.mark.slow
def test_approve_checks_as_of_leaflets_today_with_its_config(work: tuple[Path, Path, Path]) -> None:
    folder, path, settings = work
    before = path.read_bytes()
    refused = run_cli("approve", path, *APPROVER, cwd=folder, env=OVERDUE)
    assert refused.code == 1 and "LD001" in refused.stderr and path.read_bytes() == before, refused
    approved = run_cli("approve", path, *APPROVER, "--config", settings, cwd=folder, env=OVERDUE)
    assert approved.code == 0 and "on 2028-01-01" in approved.stdout, approved  # dated LEAFLETS_TODAY too


@pytest.mark.slow
def test_serve_checks_as_of_leaflets_today_with_its_config(work: tuple[Path, Path, Path]) -> None:
    folder, path, _settings = work
    data = json.loads(path.read_text(encoding="utf-8"))
    data["summary"] += " TODO"  # LH001, which the config below ignores
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    settings = folder / "serve.toml"
    settings.write_text('ignore = ["LH001"]\n', encoding="utf-8")
    server = Serving(path, "--port", "0", "--config", settings, env=OVERDUE)
    try:
        page = server.page()
    finally:
        server.stop()
    panel = page[page.index('<div class="lf-findings"'):page.index("<article>")]
    assert '<a href="/rules/LD001">LD001</a>' in panel and "LH001" not in panel, panel
