"""`leaflets diff` and content format v2: figures (their pictures too), other numbers and hours, slots,
further information, reference and department, statements, cites and source copies.

Each case runs the real CLI on two folders (or a folder and a git revision) and reads what a clinical
reviewer reads: the text report, the JSON for tools, the HTML page to attach to a review.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, copy_beside, run_cli

PARS = ROOT / "content" / "pars-defect-repair" / "en.json"
CEMENT = ROOT / "content" / "cement-augmented-spinal-surgery" / "en.json"
SVG = "pars-defect-repair.svg"


def original(source: Path = PARS) -> dict[str, Any]:
    return json.loads(source.read_text(encoding="utf-8"))


def write(folder: Path, data: dict[str, Any], source: Path = PARS) -> Path:
    """The leaflet's JSON in ``folder`` with its figure and source files beside it, as a real folder has them."""
    path = folder / "en.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    copy_beside(source, path)
    return path


def figure_of(data: dict[str, Any]) -> dict[str, Any]:
    return next(block["figure"] for block in data["procedure"] if isinstance(block, dict) and "figure" in block)


def changes(result: Any) -> list[tuple[str, str, str | None, str | None, bool]]:
    return [(c["kind"], c["subject"], c["old"], c["new"], c["clinical"]) for c in json.loads(result.stdout)["changes"]]


def recolour(svg: Path) -> None:
    """Redraw the diagram in another blue: the JSON stays the same, only the picture changes."""
    svg.write_text(svg.read_text(encoding="utf-8").replace("#1d4f91", "#8a1c1c"), encoding="utf-8")


def test_a_redrawn_figure_is_clinical_in_text_json_and_html(tmp_path: Path):
    old = write(tmp_path / "old", original())
    new = write(tmp_path / "new", original())
    same = run_cli("diff", old, new)
    assert same.code == 0 and "no changes" in same.stdout, same
    recolour(new.parent / SVG)
    text = run_cli("diff", old, new)
    assert text.code == 1, text
    assert f'figure picture of "{SVG}": sha256 ' in text.stdout and "needs clinical sign-off" in text.stdout
    [picture] = [c for c in changes(run_cli("diff", old, new, "--format", "json")) if c[0] == "figure-picture"]
    assert picture[4] is True and picture[2] != picture[3], picture
    page = run_cli("diff", old, new, "--format", "html")
    assert page.code == 1 and f'<li class="clinical">figure picture of &quot;{SVG}&quot;' in page.stdout, page


def test_a_figure_missing_on_one_side_is_named_unreadable(tmp_path: Path):
    old = write(tmp_path / "old", original())
    new = write(tmp_path / "new", original())
    (new.parent / SVG).unlink()
    result = run_cli("diff", old, new)
    assert result.code == 1 and f'figure picture of "{SVG}": sha256 ' in result.stdout, result
    assert "unreadable (there is no file" in result.stdout


def test_figure_added_removed_alt_caption_clinical_and_credit_for_the_record(tmp_path: Path):
    new = original()
    figure = figure_of(new)
    figure["alt"] = figure["alt"].replace("A screw goes in", "Two screws go in")
    figure["caption"] = "Where the pars breaks."
    figure["credit"] = "Drawn by the spinal team"
    scar = "A healed scar, about 5 cm long, low on the back."
    new["condition"].append({"figure": {"file": "wound.png", "alt": scar}})
    result = run_cli("diff", write(tmp_path / "old", original()), write(tmp_path / "new", new), "--format", "json")
    assert result.code == 1, result
    found = {c[0]: c for c in changes(result)}
    assert found["figure-added"][1:] == ('"wound.png"', None, "in condition", True)
    assert found["figure-alt"][4] is True and "Two screws go in" in str(found["figure-alt"][3])
    assert found["figure-caption"][3:] == ("Where the pars breaks.", True)
    assert found["figure-credit"][3:] == ("Drawn by the spinal team", False)
    back = run_cli("diff", tmp_path / "new" / "en.json", tmp_path / "old" / "en.json")
    assert back.code == 1 and 'figure removed: "wound.png" (was in condition)' in back.stdout, back


def test_other_numbers_and_hours_are_clinical_like_the_main_phone(tmp_path: Path):
    old, new = original(), original()
    old["contact"]["others"] = [
        {"name": "Spinal ward", "phone": "020 7946 0140", "hours": "Any time, day or night"},
        {"name": "Pain team", "phone": "020 7946 0150"}]
    new["contact"]["hours"] = "Monday to Friday, 9am to 5pm"
    new["contact"]["others"] = [
        {"name": "Spinal ward", "phone": "020 7946 0144", "hours": "Any time, day or night"},
        {"name": "Spinal nurse specialist", "email": "spinal.nurses@example.org"}]
    result = run_cli("diff", write(tmp_path / "old", old), write(tmp_path / "new", new))
    assert result.code == 1, result
    for line in ('contact of hours: (none) → Monday to Friday, 9am to 5pm',
                 'contact of "Spinal ward" phone: 020 7946 0140 → 020 7946 0144',
                 'other number removed: "Pain team" (was 020 7946 0150)',
                 'other number added: "Spinal nurse specialist" (spinal.nurses@example.org)'):
        assert f"  {line}\n" in result.stdout.split("Other changes:")[0], (line, result)


def test_a_slot_added_to_the_text_is_clinical(tmp_path: Path):
    new = original()
    new["contact"]["text"].append("The ward's number is {ward_phone}.")
    result = run_cli("diff", write(tmp_path / "old", original()), write(tmp_path / "new", new), "--format", "json")
    assert result.code == 1 and ("slot-added", "{ward_phone}", None, "", True) in changes(result), result


def test_further_information_reference_department_statements_cites_and_copies_are_for_the_record(
        tmp_path: Path):
    """None of these changes a fact the patient reads about the operation: exit 0, but every one is shown."""
    old, new = original(CEMENT), original(CEMENT)
    for data in (old, new):
        data["reference"], data["department"] = "SPN-003", "Spinal surgery"
        data["further_information"] = {"leaflets": ["spinal-fusion"], "links": [
            {"title": "Back pain (NHS website)", "url": "https://www.nhs.uk/conditions/back-pain/"}]}
    new["reference"], new["department"] = "ORTH-012", "Orthopaedics"
    new["further_information"] = {"leaflets": ["pars-defect-repair"], "links": [
        {"title": "Back pain", "url": "https://www.nhs.uk/conditions/back-pain/"},
        {"title": "Anaesthesia", "url": "https://www.rcoa.ac.uk/patients"}]}
    new["statements"] = {"consent": ["It is your choice. You can change your mind at any time."]}
    new["risks"][0]["frequency"]["cite"]["quote"] = "Neurological complications: < 1%."
    new["sources"][0]["copy"] = "sources/page-2026.txt"
    old_path = write(tmp_path / "old", old, CEMENT)
    new_path = write(tmp_path / "new", new, CEMENT)
    (new_path.parent / "sources" / "recovery-and-risks-page.txt").rename(new_path.parent / "sources" / "page-2026.txt")
    text = run_cli("diff", old_path, new_path)
    assert text.code == 0 and "Clinical changes: none." in text.stdout, text
    other = text.stdout.split("Other changes:")[1]
    for line in ("reference: SPN-003 → ORTH-012", "department: Spinal surgery → Orthopaedics",
                 "related leaflet removed: spinal-fusion", "related leaflet added: pars-defect-repair",
                 'link added: "Anaesthesia" (https://www.rcoa.ac.uk/patients)',
                 "link of https://www.nhs.uk/conditions/back-pain/ title: Back pain (NHS website) → Back pain",
                 "statement added: consent (the leaflet's own wording)",
                 'cite of "Nerve problems": source 1: "Neurological complications: Less than 1%." → '
                 'source 1: "Neurological complications: < 1%."',
                 f'source changed of "{old["sources"][0]["title"]}" copy: sources/recovery-and-risks-page.txt → '
                 'sources/page-2026.txt'):
        assert f"  {line}\n" in other, (line, text)
    assert "statements: consent:" in text.stdout and "{+It is your choice." in text.stdout
    page = run_cli("diff", old_path, new_path, "--format", "html")
    assert page.code == 0 and "<li>reference: SPN-003 → ORTH-012</li>" in page.stdout, page
    assert "<h3>statements: consent</h3>" in page.stdout


def test_a_number_in_a_statement_or_the_risks_introduction_counts_as_any_number(tmp_path: Path):
    new = original()
    new["risks_introduction"].append("About 1 in 10 people have some pain for 6 weeks.")
    new["statements"] = {"accessible_formats": ["For large print, phone 020 7946 0160."]}
    result = run_cli("diff", write(tmp_path / "old", original()), write(tmp_path / "new", new), "--format", "json")
    assert result.code == 1, result
    numbers = {c[1]: c[3] for c in changes(result) if c[0] == "numbers"}
    assert numbers == {"risks_introduction": "1, 10, 6", "statements: accessible_formats": "0160, 020, 7946"}, numbers


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", *args], cwd=repo,
                   check=True, capture_output=True)


def test_path_at_rev_reads_the_figure_as_git_has_it(tmp_path: Path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    leaflet = write(repo / "content" / "pars-defect-repair", original())
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "first")
    unchanged = run_cli("diff", "content/pars-defect-repair/en.json@HEAD", "content/pars-defect-repair/en.json",
                        cwd=repo)
    assert unchanged.code == 0 and "no changes" in unchanged.stdout, unchanged
    recolour(leaflet.parent / SVG)
    redrawn = run_cli("diff", "content/pars-defect-repair/en.json@HEAD", "content/pars-defect-repair/en.json",
                      cwd=repo)
    assert redrawn.code == 1 and f'figure picture of "{SVG}": sha256 ' in redrawn.stdout, redrawn
    git(repo, "commit", "-q", "-am", "redrawn")
    both = run_cli("diff", "content/pars-defect-repair/en.json@HEAD~1", "content/pars-defect-repair/en.json@HEAD",
                   cwd=repo)
    assert both.code == 1 and both.stdout.count("sha256") == redrawn.stdout.count("sha256"), both
