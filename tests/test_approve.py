"""`leaflets approve`: a clean leaflet is approved with a hash of its clinical content; an edit afterwards
is an error (LD007); a leaflet with errors is refused and left as it was."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from leaflets.clinical import clinical_hash

TODAY = {"LEAFLETS_TODAY": "2026-12-02"}
APPROVER = ["--name", "Ms A. Example", "--role", "Consultant spinal surgeon"]


@pytest.fixture
def leaflet(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "content", tmp_path, dirs_exist_ok=True)  # with the leaflets it names (LM010)
    return tmp_path / "spinal-fusion" / "en.json"


def codes(path: Path) -> tuple[int, list[str]]:
    result = run_cli("validate", "--format", "json", path, env=TODAY)
    return result.code, [f["code"] for f in json.loads(result.stdout)["findings"]]


def test_approve_records_the_approval_bound_to_the_content_and_validate_passes(leaflet: Path):
    before = leaflet.read_text(encoding="utf-8")
    result = run_cli("approve", leaflet, *APPROVER, "--date", "2026-12-01", env=TODAY)
    assert result.code == 0, result
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    assert data["status"] == "approved"
    assert data["approval"] == {"name": "Ms A. Example", "role": "Consultant spinal surgeon", "date": "2026-12-01",
                                "content_sha256": clinical_hash(data)}
    assert data["approval"]["content_sha256"] in result.stdout
    assert list(data)[list(data).index("authors") + 1] == "approval"  # the schema's order
    # only the status and the approval changed: the rest of the file is byte for byte as it was
    after = leaflet.read_text(encoding="utf-8").splitlines()
    removed = [line for line in before.splitlines() if line not in after]
    added = [line for line in after if line not in before.splitlines()]
    assert removed == ['  "status": "draft",'] and added[0] == '  "status": "approved",' and len(added) == 2
    assert codes(leaflet) == (0, [])


def test_an_edit_after_approval_is_reported_with_who_and_when(leaflet: Path):
    assert run_cli("approve", leaflet, *APPROVER, "--date", "2026-12-01", env=TODAY).code == 0
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    data["risks"][0]["name"] = "Wound infection"
    leaflet.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    result = run_cli("validate", leaflet, env=TODAY)
    assert result.code == 1 and "LD007" in result.stdout, result
    assert "changed since it was approved on 2026-12-01 by Ms A. Example" in result.stdout
    assert 're-approve it (`leaflets approve`) or set status to "in-review"' in result.stdout
    data["status"] = "in-review"  # the other way out
    leaflet.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert "LD007" not in codes(leaflet)[1]
    data["status"] = "approved"
    leaflet.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert run_cli("approve", leaflet, *APPROVER, env=TODAY).code == 0  # re-approval, dated today
    assert json.loads(leaflet.read_text(encoding="utf-8"))["approval"]["date"] == "2026-12-02"
    assert codes(leaflet) == (0, [])


def test_reformatting_or_reordering_keeps_the_approval(leaflet: Path):
    assert run_cli("approve", leaflet, *APPROVER, "--date", "2026-12-01", env=TODAY).code == 0
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    leaflet.write_text(json.dumps(dict(reversed(list(data.items()))), indent=4), encoding="utf-8")
    assert codes(leaflet) == (0, [])


def test_a_leaflet_with_errors_is_refused_and_left_alone(leaflet: Path):
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    data["risks"][0]["description"] = ["Call the ward on TBC."]
    leaflet.write_text(json.dumps(data, indent=2), encoding="utf-8")
    before, files = leaflet.read_bytes(), sorted(p.name for p in leaflet.parent.iterdir())
    result = run_cli("approve", leaflet, *APPROVER, env=TODAY)
    assert result.code == 1 and "LH001" in result.stderr and "not approved" in result.stderr, result
    assert leaflet.read_bytes() == before
    assert sorted(p.name for p in leaflet.parent.iterdir()) == files  # no temporary file left


def test_an_approval_date_before_the_last_review_is_refused(leaflet: Path):
    before = leaflet.read_bytes()
    result = run_cli("approve", leaflet, *APPROVER, "--date", "2026-01-01", env=TODAY)
    assert result.code == 1 and "LD006" in result.stderr, result
    assert leaflet.read_bytes() == before


@pytest.mark.parametrize("args, words", [
    (["--date", "1/12/2026"], "is not a date"),
    (["--name", " ", "--role", "Surgeon"], "--name is empty"),
])
def test_usage_problems_exit_2(leaflet: Path, args: list[str], words: str):
    base = APPROVER if "--name" not in args else []
    result = run_cli("approve", leaflet, *base, *args, env=TODAY)
    assert result.code == 2 and words in result.stderr and "Traceback" not in result.stderr, result


def test_a_missing_file_exits_2(tmp_path: Path):
    result = run_cli("approve", tmp_path / "nope.json", *APPROVER, env=TODAY)
    assert result.code == 2 and "no such file" in result.stderr, result


def test_an_approval_typed_by_hand_without_a_hash_is_a_warning(leaflet: Path):
    data = json.loads(leaflet.read_text(encoding="utf-8"))
    data["status"] = "approved"
    data["approval"] = {"name": "Ms A. Example", "role": "Consultant spinal surgeon", "date": "2026-12-01"}
    leaflet.write_text(json.dumps(data, indent=2), encoding="utf-8")
    assert codes(leaflet) == (0, ["LD008"])


def test_build_records_the_approval_hash_and_the_footer_shows_the_approval_date(leaflet: Path, tmp_path: Path):
    assert run_cli("approve", leaflet, *APPROVER, "--date", "2026-12-01", env=TODAY).code == 0
    sha = json.loads(leaflet.read_text(encoding="utf-8"))["approval"]["content_sha256"]
    out = tmp_path / "dist"
    result = run_cli("build", leaflet, "--out", out, "--format", "html", env=TODAY)
    assert result.code == 0, result
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    [entry] = [e for e in manifest["outputs"] if e["path"] == "spinal-fusion.en.html"]
    assert entry["approval_sha256"] == sha and entry["status"] == "approved"
    footer = (out / "spinal-fusion.en.html").read_text(encoding="utf-8").split('<footer class="site-footer">')[1]
    assert "version 1.0, approved 1 December 2026" in " ".join(footer.split())


def test_an_approval_covers_the_figure_files_so_a_redrawn_diagram_needs_a_new_sign_off(tmp_path):
    """The picture is part of what the patient reads: changing only the SVG beside the JSON breaks the
    approval (LD007), as changing a sentence does; a leaflet without figures hashes as before."""
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir)
    leaflet = content_dir / "pars-defect-repair" / "en.json"
    done = run_cli("approve", leaflet, *APPROVER, "--date", "2026-12-01", env=TODAY)
    assert done.code == 0, done
    clean = run_cli("validate", leaflet, env=TODAY)
    assert "LD007" not in clean.stdout, clean.stdout
    figure = next((content_dir / "pars-defect-repair").glob("*.svg"))
    figure.write_text(figure.read_text(encoding="utf-8").replace("</svg>", "<g/></svg>"), encoding="utf-8")
    changed = run_cli("validate", leaflet, env=TODAY)
    assert changed.code == 1 and "LD007" in changed.stdout, changed.stdout
    data = json.loads((content_dir / "spinal-fusion" / "en.json").read_text(encoding="utf-8"))
    assert clinical_hash(data, content_dir / "spinal-fusion") == clinical_hash(data)  # no figures: as before
