"""The print PDF's output intent names its press condition so a prepress workflow recognises it:
FOGRA39 in the ICC registry for the shipped profile, the brand's own condition for its own profile
(brand.json ``output_condition``), a custom condition named by the profile otherwise. The real CLI
builds; the PDFs are opened with pikepdf."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import ROOT, brand_copy, run_cli

from leaflets.render.pdf import DEFAULT_ICC_PROFILE

LEAFLET = ROOT / "content" / "spinal-fusion" / "en.json"


def build_print(out: Path, brand: str | Path = "default") -> Path:
    result = run_cli("build", LEAFLET, "--brand", brand, "--format", "pdf", "--profile", "print", "--out", out,
                     "--jobs", "1")
    assert result.code == 0, result
    return out / "spinal-fusion.en.print.pdf"


def intent_of(path: Path) -> dict[str, Any]:
    with pikepdf.open(path) as pdf:
        (intent,) = pdf.Root.OutputIntents
        return {key[1:]: str(value) for key, value in intent.items() if key != "/DestOutputProfile"}


def own_profile_brand(tmp_path: Path, condition: dict[str, str] | None) -> Path:
    """A brand with its own profile: the shipped one describing itself as "OURPRES" (not the shipped bytes)."""
    def change(data: dict[str, Any]) -> None:
        data["icc_profile"] = "press.icc"
        if condition is not None:
            data["output_condition"] = condition

    folder = brand_copy(tmp_path, change)
    (folder / "press.icc").write_bytes(DEFAULT_ICC_PROFILE.read_bytes().replace(b"FOGRA39", b"OURPRES"))
    return folder


@pytest.mark.slow
def test_shipped_profile_is_named_fogra39_in_the_icc_registry(tmp_path):
    pdf = build_print(tmp_path / "out")
    intent = intent_of(pdf)
    assert intent["OutputConditionIdentifier"] == "FOGRA39" and intent["RegistryName"] == "http://www.color.org"
    assert intent["OutputCondition"].startswith("Offset commercial and specialty printing according to ISO 12647-2")
    assert intent["Info"].startswith("Leaflets CMYK (FOGRA39 coated")  # the profile's own description
    result = run_cli("preflight", pdf)
    assert result.code == 0 and "no problems found" in result.stdout, result


@pytest.mark.slow
def test_a_brands_own_profile_names_its_declared_condition(tmp_path):
    declared = {"identifier": "Shop press 2", "description": "Sheet-fed offset, silk 150 g/m2"}
    pdf = build_print(tmp_path / "out", own_profile_brand(tmp_path, declared))
    intent = intent_of(pdf)
    assert intent["OutputConditionIdentifier"] == "Shop press 2" and "RegistryName" not in intent
    assert intent["OutputCondition"] == "Sheet-fed offset, silk 150 g/m2" and "OURPRES" in intent["Info"]
    result = run_cli("preflight", pdf)
    assert result.code == 0 and "no problems found" in result.stdout, result  # custom, profile embedded


@pytest.mark.slow
def test_a_brands_own_profile_without_a_declared_condition_is_a_custom_one(tmp_path):
    intent = intent_of(build_print(tmp_path / "out", own_profile_brand(tmp_path, None)))
    assert "RegistryName" not in intent and "OURPRES" in intent["OutputConditionIdentifier"]


@pytest.mark.slow
def test_a_brand_declaring_fogra39_over_a_profile_of_another_condition_is_refused(tmp_path):
    """The build's own preflight (PP017) refuses a print PDF whose profile says it is another condition."""
    folder = brand_copy(tmp_path, lambda data: data.update(
        icc_profile="press.icc", output_condition={"identifier": "FOGRA39", "registry_name": "http://www.color.org"}))
    (folder / "press.icc").write_bytes(DEFAULT_ICC_PROFILE.read_bytes().replace(b"FOGRA39", b"FOGRA51"))
    result = run_cli("build", LEAFLET, "--brand", folder, "--format", "pdf", "--profile", "print",
                     "--out", tmp_path / "out", "--jobs", "1")
    assert result.code == 1 and "PP017" in result.stderr + result.stdout, result
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_output_condition_needs_the_brands_own_profile(tmp_path):
    folder = brand_copy(tmp_path, lambda data: data.update(output_condition={"identifier": "FOGRA51"}))
    result = run_cli("build", LEAFLET, "--brand", folder, "--format", "pdf", "--profile", "print",
                     "--out", tmp_path / "out")
    assert result.code == 2 and "brand.json:1:1: the leaflet has no icc_profile" in result.stderr, result
    assert "Traceback" not in result.stderr and not (tmp_path / "out").exists()
