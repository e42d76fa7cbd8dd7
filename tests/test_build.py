"""``leaflets build`` end to end: the real CLI as a subprocess, real PDFs opened with pikepdf and
poppler, the screen PDF cross-checked by an independent PDF/UA-1 checker (page-validation)."""

from __future__ import annotations

import hashlib
import importlib
import io
import json
import os
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pikepdf
import pytest
from conftest import ROOT, lone_copy, run_cli

from leaflets.i18n import interface

pytestmark = pytest.mark.slow

SHIPPED = ROOT / "content" / "pars-defect-repair" / "en.json"
BAND = "not yet approved for patient use"
BAND_MESSAGE = "Not yet approved for patient use"  # the catalogue's message: Welsh leaflets carry it in Welsh


def copy_leaflet(folder: Path, change=None, name: str = "pars-defect-repair") -> Path:
    return lone_copy(SHIPPED, folder, change, target=None if name == "pars-defect-repair" else folder / name)


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def shipped_build(tmp_path_factory) -> tuple[Path, object]:
    """Every shipped leaflet, default brand, all formats and profiles: built once for this module."""
    out = tmp_path_factory.mktemp("dist")
    result = run_cli("build", "content", "--out", out, "--jobs", "2")
    return out, result


def test_build_writes_every_output_and_a_true_manifest(shipped_build) -> None:
    out, result = shipped_build
    assert result.code == 0, result
    manifest = json.loads((out / "manifest.json").read_text())
    sources = sorted(ROOT.glob("content/*/*.json"))
    entries = {e["path"]: e for e in manifest["outputs"]}
    for source in sources:
        data = json.loads(source.read_text(encoding="utf-8"))
        slug = f"{data['id']}.{data['language']}"
        for name, profile in ((f"{slug}.html", None), (f"{slug}.screen.pdf", "screen"),
                              (f"{slug}.print.pdf", "print")):
            entry = entries[name]
            assert entry["sha256"] == hashlib.sha256((out / name).read_bytes()).hexdigest()
            assert entry["source_sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
            assert (entry["id"], entry["language"], entry["version"], entry["status"]) == (
                data["id"], data["language"], data["version"], data["status"])
            assert entry["profile"] == profile and entry["brand"] == "default"
    assert "index.html" in entries
    assert any(path.startswith("assets/") for path in entries)
    for path, entry in entries.items():  # every listed file exists with that hash, and nothing else
        assert hashlib.sha256((out / path).read_bytes()).hexdigest() == entry["sha256"], path
    written = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()} - {"manifest.json"}
    assert written == set(entries)


def test_print_pdfs_are_press_ready(shipped_build) -> None:
    out, _ = shipped_build
    for path in sorted(out.glob("*.print.pdf")):
        with pikepdf.open(path) as document:
            assert document.Root.OutputIntents[0].S == "/GTS_PDFX"
            assert int(document.Root.OutputIntents[0].DestOutputProfile.N) == 4
            for page in document.pages:
                trim = [Decimal(str(v)) for v in page.obj.TrimBox]
                bleed = [Decimal(str(v)) for v in page.obj.BleedBox]
                gaps = [trim[0] - bleed[0], trim[1] - bleed[1], bleed[2] - trim[2], bleed[3] - trim[3]]
                assert all(abs(g - Decimal("8.504")) < Decimal("0.001") for g in gaps), (path, gaps)
                assert list(page.obj.MediaBox) == list(page.obj.BleedBox)
                for operands, operator in pikepdf.parse_content_stream(page):
                    assert str(operator) not in ("rg", "RG"), (path, operands, operator)
                    if str(operator) in ("cs", "CS"):
                        assert str(operands[0]) != "/DeviceRGB"
                for xobject in page.Resources.get("/XObject", {}).values():
                    if xobject.Subtype == "/Image":
                        assert xobject.get("/ColorSpace") not in ("/DeviceRGB", "/CalRGB"), path
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        assert all(row.split()[-5] == "yes" for row in fonts.splitlines()[2:]), fonts


def test_pdfs_hold_the_title_every_risk_and_the_disclaimer(shipped_build) -> None:
    out, _ = shipped_build
    for source in sorted(ROOT.glob("content/*/*.json")):
        data = json.loads(source.read_text(encoding="utf-8"))
        for profile in ("screen", "print"):
            path = out / f"{data['id']}.{data['language']}.{profile}.pdf"
            text = pdf_text(path).replace("\u00ad", "").replace("- ", "-")
            flat = text.replace("-", "")
            for expected in [data["title"], *(risk["name"] for risk in data["risks"]), data["disclaimer"]]:
                wanted = squash(expected)
                assert wanted in text or wanted.replace("-", "") in flat, (path.name, wanted)


def test_unapproved_leaflets_carry_the_band_on_every_page(shipped_build) -> None:
    out, _ = shipped_build
    for source in sorted(ROOT.glob("content/*/*.json")):
        data = json.loads(source.read_text(encoding="utf-8"))
        if data["status"] == "approved":
            continue
        band = interface(data["language"]).text(BAND_MESSAGE).lower()  # in the leaflet's language (leaflets.i18n)
        for profile in ("screen", "print"):
            path = out / f"{data['id']}.{data['language']}.{profile}.pdf"
            with pikepdf.open(path) as document:
                pages = len(document.pages)
            for page in range(1, pages + 1):
                assert band in pdf_text(path, page).lower(), (path.name, page)
        assert band in squash((out / f"{data['id']}.{data['language']}.html").read_text()).lower()


def test_screen_pdfs_are_tagged_and_pass_pdfua_checker(shipped_build) -> None:
    page_validation = importlib.import_module("page")
    out, _ = shipped_build
    for path in sorted(out.glob("*.screen.pdf")):
        with pikepdf.open(path) as document:
            assert "/StructTreeRoot" in document.Root
            assert str(document.Root.Lang)
            assert bool(document.Root.MarkInfo.Marked)
            with document.open_outline() as outline:
                assert outline.root, path
        report = page_validation.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, (path.name, [(f.rule_id, f.message) for f in report.failures])


def test_same_inputs_build_byte_identical_files(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)  # a snapshot: both builds read the same bytes
    out, again = tmp_path / "one", tmp_path / "two"
    for folder, jobs in ((out, "2"), (again, "1")):  # parallel or not, the same bytes
        result = run_cli("build", content, "--out", folder, "--jobs", jobs, "--brand", "example-hospital")
        assert result.code == 0, result
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file())
    for name in names:
        assert (out / name).read_bytes() == (again / name).read_bytes(), name


def test_content_with_errors_is_refused_and_nothing_is_written_for_it(tmp_path: Path) -> None:
    good = copy_leaflet(tmp_path / "content")
    bad = copy_leaflet(tmp_path / "content", lambda d: d.update(id="broken-leaflet", last_reviewed="someday"))
    out = tmp_path / "dist"
    result = run_cli("build", tmp_path / "content", "--out", out, "--format", "pdf", "--profile", "screen")
    assert result.code == 1, result
    assert "broken-leaflet" in result.stderr and "refused" in result.stderr
    assert not list(out.glob("broken-leaflet*"))
    assert (out / "pars-defect-repair.en.screen.pdf").is_file()
    manifest = json.loads((out / "manifest.json").read_text())
    assert [e["id"] for e in manifest["outputs"]] == ["pars-defect-repair"]
    assert good.exists() and bad.exists()


def test_draft_renders_content_with_errors_with_a_draft_mark_on_every_page(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content", lambda d: d.update(next_review="2020-01-01"))
    checked = run_cli("validate", tmp_path / "content")
    assert checked.code == 1, checked  # the fixture really has an error
    out = tmp_path / "dist"
    refused = run_cli("build", tmp_path / "content", "--out", out, "--format", "pdf", "--profile", "print")
    assert refused.code == 1 and not (out / "pars-defect-repair.en.print.pdf").exists(), refused
    result = run_cli("build", tmp_path / "content", "--out", out, "--format", "pdf", "--profile", "print", "--draft")
    assert result.code == 0, result
    path = out / "pars-defect-repair.en.print.pdf"
    with pikepdf.open(path) as document:
        pages = len(document.pages)
    for page in range(1, pages + 1):
        assert "DRAFT" in pdf_text(path, page), page
    assert json.loads((out / "manifest.json").read_text())["outputs"][0]["draft"] is True


def test_hostile_content_is_rendered_as_text(tmp_path: Path) -> None:
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 4

    def change(data) -> None:
        data["summary"] = "<script>alert(1)</script> {{ 7 * 7 }} " + long_word
        data["risks"][0]["name"] = "Risk </td><td> {% raw %}"

    copy_leaflet(tmp_path / "content", change)
    out = tmp_path / "dist"
    refused = run_cli("build", tmp_path / "content", "--out", out)
    assert refused.code == 1, refused  # the content rules catch markup in text...
    result = run_cli("build", tmp_path / "content", "--out", out, "--draft")  # ...and a draft still renders safely
    assert result.code == 0, result
    for profile in ("screen", "print"):
        text = pdf_text(out / f"pars-defect-repair.en.{profile}.pdf")
        assert "<script>alert(1)</script> {{ 7 * 7 }}" in text and "49" not in text.split("{{")[1][:10]
        assert "Risk </td><td> {% raw %}" in text
    page = (out / "pars-defect-repair.en.html").read_text()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_crop_marks_enlarge_the_media_box_only_when_asked(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content")
    out = tmp_path / "dist"
    result = run_cli("build", tmp_path / "content", "--out", out, "--format", "pdf", "--profile", "print",
                     "--crop-marks")
    assert result.code == 0, result
    with pikepdf.open(out / "pars-defect-repair.en.print.pdf") as document:
        page = document.pages[0]
        media, bleed = [float(v) for v in page.obj.MediaBox], [float(v) for v in page.obj.BleedBox]
        assert media[0] < bleed[0] - 20 and media[2] > bleed[2] + 20


def test_a_failed_render_leaves_no_file_and_no_temporary_file(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content", lambda d: d.update(title="Pars defect repair 漢字"))
    out = tmp_path / "dist"
    result = run_cli("build", tmp_path / "content", "--out", out, "--format", "pdf")
    assert result.code == 1, result
    assert "glyph" in result.stderr
    leftovers = [p.name for p in out.rglob("*") if p.name != "manifest.json"]
    assert leftovers == [], leftovers


def test_unknown_format_or_profile_is_a_usage_error(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content")
    for option in (["--format", "docx"], ["--profile", "poster"]):
        result = run_cli("build", tmp_path / "content", "--out", tmp_path / "dist", *option)
        assert result.code == 2, result
        assert option[1] in result.stderr


def hostile_brand(tmp_path: Path, change) -> Path:
    folder = tmp_path / "brand"
    shutil.copytree(ROOT / "brands" / "default", folder)
    data = json.loads((folder / "brand.json").read_text())
    change(data, folder)
    (folder / "brand.json").write_text(json.dumps(data, indent=2))
    return folder


@pytest.mark.parametrize("reference, expected", [
    ("https://evil.example/logo.svg", "URL"),
    ("../../../etc/passwd", ".."),
    ("file:///etc/passwd", "URL"),
])
def test_hostile_brand_references_are_refused_with_a_clear_message(tmp_path: Path, reference, expected) -> None:
    copy_leaflet(tmp_path / "content")
    brand = hostile_brand(tmp_path, lambda data, _: data["logo"].update(file=reference))
    result = run_cli("build", tmp_path / "content", "--out", tmp_path / "dist", "--brand", brand)
    assert result.code == 2, result
    assert "brand.json" in result.stderr and reference in result.stderr and expected in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "dist").exists()


def test_brand_symlink_out_of_its_folder_is_refused(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content")
    (tmp_path / "outside.svg").write_text((ROOT / "brands" / "default" / "logo.svg").read_text())

    def link(data, folder: Path) -> None:
        (folder / "linked.svg").symlink_to(tmp_path / "outside.svg")
        data["logo"]["file"] = "linked.svg"

    brand = hostile_brand(tmp_path, link)
    result = run_cli("build", tmp_path / "content", "--out", tmp_path / "dist", "--brand", brand)
    assert result.code == 2, result
    assert "linked.svg" in result.stderr and "outside" in result.stderr


def test_bad_brand_names_the_file_and_place(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content")
    brand = hostile_brand(tmp_path, lambda data, _: data.update(paper="A0"))
    result = run_cli("build", tmp_path / "content", "--out", tmp_path / "dist", "--brand", brand)
    assert result.code == 2, result
    assert re.search(r"brand\.json:\d+:\d+", result.stderr), result
    missing = run_cli("build", tmp_path / "content", "--out", tmp_path / "dist", "--brand", "no-such-brand")
    assert missing.code == 2 and "no-such-brand" in missing.stderr, missing


def test_example_hospital_brand_prints_a5_with_a_qr_code(tmp_path: Path) -> None:
    copy_leaflet(tmp_path / "content")
    out = tmp_path / "dist"
    result = run_cli("build", tmp_path / "content", "--out", out, "--format", "pdf", "--profile", "print",
                     "--brand", "example-hospital")
    assert result.code == 0, result
    with pikepdf.open(out / "pars-defect-repair.en.print.pdf") as document:
        trim = [float(v) for v in document.pages[0].obj.TrimBox]
        assert trim[2] - trim[0] == pytest.approx(148 * 72 / 25.4, abs=0.01)
        assert trim[3] - trim[1] == pytest.approx(210 * 72 / 25.4, abs=0.01)


# --- the pipeline's own pieces -------------------------------------------------------------------

def crash(task):  # a worker that dies the hard way, as a segfault or the OOM killer would
    os._exit(3)


def test_a_worker_crash_becomes_a_clean_error(monkeypatch) -> None:
    from leaflets import workers

    monkeypatch.setattr(workers, "render_task", crash)
    leaflet = workers.leaflet_model(json.loads(SHIPPED.read_text(encoding="utf-8")), str(SHIPPED), "0" * 64,
                                    draft=False)  # the source's folder holds its figure
    tasks = [workers.RenderRequest(str(SHIPPED), leaflet, str(ROOT / "brands" / "default"), kind, False)
             for kind in ("html", "screen")]
    results = workers.render_all(tasks, jobs=2)
    assert [r.data for r in results] == [b"", b""]
    assert all("stopped unexpectedly" in r.error for r in results), [r.error for r in results]


def test_write_atomic_leaves_the_old_file_when_writing_fails(tmp_path: Path, monkeypatch) -> None:
    from leaflets.outputs import write_atomic

    target = tmp_path / "out" / "x.pdf"
    write_atomic(target, b"old")

    def broken_fsync(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_atomic(target, b"new and longer")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.pdf"]


def test_manifest_is_sorted_and_has_no_timestamps() -> None:
    from leaflets.manifest import manifest_bytes

    outputs = [{"path": "b.pdf", "sha256": "1"}, {"path": "a.html", "sha256": "2"}]
    first = manifest_bytes(outputs, "default")
    assert first == manifest_bytes(list(reversed(outputs)), "default")
    manifest = json.load(io.BytesIO(first))
    assert [e["path"] for e in manifest["outputs"]] == ["a.html", "b.pdf"]
    assert not re.search(rb"20\d\d-\d\d-\d\dT", first)


@pytest.mark.slow
def test_output_does_not_depend_on_where_leaflets_is_installed(tmp_path: Path) -> None:
    """The same content, brand and tool version give the same bytes from another install path."""
    import shutil
    import subprocess
    import sys

    elsewhere = tmp_path / "elsewhere"
    for part in ("leaflets", "brands", "schemas"):
        shutil.copytree(ROOT / part, elsewhere / part, ignore=shutil.ignore_patterns("__pycache__"))
    leaflet = ROOT / "content" / "spinal-fusion" / "en.json"
    outputs = []
    for where in (ROOT, elsewhere):
        out = tmp_path / f"out-{where.name}"
        done = subprocess.run(
            [sys.executable, "-c", "import sys; from leaflets.cli import main; sys.argv[0] = 'leaflets'; main()",
             "build", str(leaflet), "--out", str(out), "--format", "pdf"],
            cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(where)}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(out)
    where_imported = subprocess.run([sys.executable, "-c", "import leaflets; print(leaflets.__file__)"], cwd=tmp_path,
                                    env={**os.environ, "PYTHONPATH": str(elsewhere)}, capture_output=True, text=True)
    assert where_imported.stdout.startswith(str(elsewhere))  # the second build really ran the copy
    for name in ("spinal-fusion.en.print.pdf", "spinal-fusion.en.screen.pdf"):
        assert (outputs[0] / name).read_bytes() == (outputs[1] / name).read_bytes(), name
