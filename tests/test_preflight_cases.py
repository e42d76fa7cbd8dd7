"""Every preflight code has a fixture PDF (tests/fixtures/preflight/cases.py) that fires it, and the clean
print and screen PDFs fire nothing, as tests/test_rules.py holds the content rules to their JSON cases.
Also: the checks render/pdf.py used to make on its own (ICC colour, a profile-less output intent) decided
once, here, by the standard; and PF/PP/PU codes explained and documented like content rules."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, run_cli

from leaflets.preflight import RULES, Options, preflight_file

_spec = importlib.util.spec_from_file_location("preflight_cases", FIXTURES / "preflight" / "cases.py")
assert _spec is not None and _spec.loader is not None
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)


def codes(path: Path, **options) -> list[str]:
    return sorted({f.code for f in preflight_file(path, Options(**options))})


def test_every_code_has_a_fixture_and_every_fixture_a_code():
    # the page-layout codes (PL) need laid-out text, not a PDF/X skeleton: tests/test_layout.py holds them
    assert sorted(cases.CASES) == sorted(code for code in RULES if not code.startswith("PL"))


@pytest.mark.parametrize("profile", sorted(cases.CLEAN))
def test_clean_pdf_gives_no_finding(tmp_path, profile):
    builder, options = cases.CLEAN[profile]
    assert codes(builder(tmp_path / f"clean-{profile}.pdf"), **options) == []


@pytest.mark.parametrize("code", sorted(cases.CASES))
def test_each_fixture_gives_its_code_only(tmp_path, code):
    builder, options = cases.CASES[code]
    found = codes(builder(tmp_path / f"{code}.pdf"), **options)
    assert found == sorted({code} | cases.ALSO.get(code, set())), found


# --- colour and output intent: decided by the standard, with our own promise as an option ------------


def _icc(pdf: pikepdf.Pdf, n: int) -> pikepdf.Array:
    """An ICCBased colour space of ``n`` components (the profile bytes are not read by the colour check)."""
    return pikepdf.Array([pikepdf.Name.ICCBased, pdf.make_stream(b"profile", N=n)])


def _painted_in(space_of: Callable[[pikepdf.Pdf], pikepdf.Array]) -> Callable[[pikepdf.Pdf], None]:
    def edit(pdf: pikepdf.Pdf) -> None:
        page = pdf.pages[0].obj
        page.Resources.ColorSpace = pikepdf.Dictionary(CS1=space_of(pdf))
        page.Contents = pdf.make_stream(page.Contents.read_bytes() + b" /CS1 cs 0.5 0.5 0.5 sc 10 10 20 20 re f")
    return edit


SPACES = {
    "ICC RGB": lambda pdf: _icc(pdf, 3),
    "ICC CMYK": lambda pdf: _icc(pdf, 4),
    "ICC grey": lambda pdf: _icc(pdf, 1),
    "Lab": lambda pdf: pikepdf.Array([pikepdf.Name.Lab, pikepdf.Dictionary(WhitePoint=[0.9505, 1, 1.089])]),
    "spot with RGB fallback": lambda pdf: pikepdf.Array([
        pikepdf.Name.Separation, pikepdf.Name("/PANTONE 300 C"), pikepdf.Name.DeviceRGB,
        pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1, 1, 1], C1=[0, 0.4, 0.7], N=1)]),
    "indexed RGB": lambda pdf: pikepdf.Array([pikepdf.Name.Indexed, pikepdf.Name.DeviceRGB, 0, b"\xff\x00\x00"]),
}
# PDF/X-4 (ISO 15930-7) exchanges colour-managed data: ICC-based colour of any kind and Lab are converted by
# the RIP with the output intent; a spot colour is printed with its ink. Uncalibrated DeviceRGB, also as an
# indexed image's base, needs an RGB output intent. --cmyk-only (the build's own print PDFs) allows CMYK,
# grey and spot colour only, spot fallbacks included.
PDFX4 = {"ICC RGB": [], "ICC CMYK": [], "ICC grey": [], "Lab": [], "spot with RGB fallback": [],
         "indexed RGB": ["PP010"]}
CMYK_ONLY = {"ICC RGB": ["PP010"], "ICC CMYK": [], "ICC grey": [], "Lab": ["PP010"],
             "spot with RGB fallback": ["PP010"], "indexed RGB": ["PP010"]}


@pytest.mark.parametrize("name", sorted(SPACES))
def test_colour_spaces_by_pdfx4_and_by_our_cmyk_only_promise(tmp_path, name):
    path = cases.print_pdf(tmp_path / "colour.pdf", edit=_painted_in(SPACES[name]))
    assert codes(path) == PDFX4[name], "PDF/X-4"
    assert codes(path, cmyk_only=True) == CMYK_ONLY[name], "--cmyk-only"


def test_rgb_icc_finding_names_the_colour_model(tmp_path):
    path = cases.print_pdf(tmp_path / "colour.pdf", edit=_painted_in(SPACES["ICC RGB"]))
    (finding,) = preflight_file(path, Options(cmyk_only=True))
    assert finding.message.startswith("ICCBased RGB colour is used"), finding.message


@pytest.mark.parametrize(("variant", "expected"), [
    ("PDF/X-4", ["PP009"]),  # complete exchange: the profile must be in the file
    ("PDF/X-1a:2003", []),  # a registered condition's identifier is enough
    ("PDF/X-3:2003", []),
])
def test_output_intent_without_profile(tmp_path, variant, expected):
    assert codes(cases.print_pdf(tmp_path / "intent.pdf", intent="identifier", variant=variant)) == expected


def test_build_checks_its_own_print_pdfs_cmyk_only():
    from leaflets.preflight import own_output_options

    assert own_output_options("print").cmyk_only and not own_output_options("screen").cmyk_only


# --- one registry, one docs shape --------------------------------------------------------------------


def test_leaflets_rule_explains_a_preflight_code():
    result = run_cli("rule", "pf008")
    assert result.code == 0, result
    assert result.stdout.startswith("PF008 too-complex (error by default)")
    assert "Why it matters:" in result.stdout and "How to fix it:" in result.stdout


def test_sarif_carries_help_for_preflight_codes(tmp_path):
    path = cases.print_pdf(tmp_path / "no-bleed.pdf", bleed=None)
    result = run_cli("preflight", "--format", "sarif", path)
    assert result.code == 1, result
    (rule,) = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert rule["id"] == "PP004" and rule["shortDescription"]["text"] == RULES["PP004"].summary
    assert RULES["PP004"].why in rule["help"]["text"] and rule["defaultConfiguration"] == {"level": "error"}
