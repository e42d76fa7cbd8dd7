"""`leaflets build` preflights what it writes: the real build, end to end, and `leaflets preflight`
run afterwards on the same files agrees with the summary the build put in manifest.json."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, Result, run_cli


def leaflets(*args: str) -> Result:
    return run_cli(*args)  # the real CLI, with the environment it is given


@pytest.mark.slow
def test_build_records_preflight_and_preflight_agrees(tmp_path):
    source = sorted((ROOT / "content").glob("*/en.json"))[0].parent
    built = leaflets("build", str(source.relative_to(ROOT)), "--format", "pdf", "--crop-marks", "--out", str(tmp_path))
    assert built.code == 0, built.stderr
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    pdfs = [entry for entry in manifest["outputs"] if entry["path"].endswith(".pdf")]
    assert {entry["profile"] for entry in pdfs} == {"print", "screen"}
    for entry in pdfs:
        assert entry["preflight"]["errors"] == 0, entry
        checked = leaflets("preflight", "--profile", entry["profile"], "--format", "json",
                           str(tmp_path / entry["path"]))
        assert checked.code == 0, checked.stdout
        summary = json.loads(checked.stdout)["summary"]
        assert summary["warnings"] == entry["preflight"]["warnings"]

    # A whole build folder: --profile auto (the default) checks the PDF/UA files for screen and the
    # PDF/X files for print; forcing print on all reports the screen PDFs' missing bleed.
    auto = leaflets("preflight", "--format", "json", str(tmp_path))
    assert auto.code == 0, auto.stdout
    assert json.loads(auto.stdout)["summary"]["files"] == len(pdfs)
    forced = leaflets("preflight", "--profile", "print", "--format", "json", str(tmp_path))
    assert forced.code == 1
    assert {f["code"] for f in json.loads(forced.stdout)["findings"]} >= {"PP004", "PP008"}
