"""Contacts v2, leaflet identity, further information and the standard statements (issue 10, item 4).

What a patient and a print shop see: the other numbers with live ``tel:`` links on the web and as
text in print, the trust's reference code and department beside the version and dates (page
footer, print footer, plain text, the build's manifest), related leaflets linked to pages the same
build made (and refused when they do not exist: LM010), and the consent, other-formats and
feedback statements from the leaflet, else the brand, else the built-in wording in the leaflet's
language.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from conftest import ROOT, brand_copy, run_cli

from leaflets import further
from leaflets.brand import BrandError, load_brand
from leaflets.model import Leaflet
from leaflets.render.html import render_print, render_web
from leaflets.render.text import render_text
from leaflets.statements import BUILT_IN

SAMPLE = ROOT / "tests" / "fixtures" / "model" / "sample.en.json"
CLEAN = ROOT / "tests" / "fixtures" / "rules" / "base" / "carpal-tunnel-release" / "en.json"  # no findings
CONTENT = ROOT / "content"
TODAY = {"LEAFLETS_TODAY": "2026-12-01"}

OTHERS = [
    {"name": "Ward 7", "for": "Worries about your wound", "phone": "020 7946 0777", "hours": "Any time"},
    {"name": "Patient advice", "email": "pals@example.org", "web": "https://example.org/pals"},
]


def sample(**changes: Any) -> dict[str, Any]:
    return copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8"))) | changes


def model(data: dict[str, Any]) -> Leaflet:
    return Leaflet.from_data(data, source_sha256="0" * 64)


def with_others() -> dict[str, Any]:
    data = sample()
    data["contact"] |= {"hours": "Monday to Friday, 9am to 5pm", "others": copy.deepcopy(OTHERS)}
    return data


def section(html: str, section_id: str) -> Any:
    found = lxml.html.fromstring(html).xpath(f'//section[@id="{section_id}"]')
    assert found, f"no section {section_id}"
    return found[0]


def words(element: Any) -> str:
    return " ".join(element.text_content().split())


# --- contacts ----------------------------------------------------------------------------------

def test_web_page_lists_other_numbers_with_tel_mailto_and_web_links() -> None:
    contact = section(render_web(model(with_others()), load_brand("default")), "contact")
    entries = contact.xpath('.//dl[@class="other-contacts"]/div')
    assert [words(e.xpath("dt")[0]) for e in entries] == ["Ward 7", "Patient advice"]
    ward, advice = entries
    assert [words(dd) for dd in ward.xpath("dd")] == ["For: Worries about your wound", "Phone: 020 7946 0777",
                                                     "Hours: Any time"]
    assert ward.xpath(".//a/@href") == ["tel:02079460777"]  # the same tel: form as the main contact's
    assert advice.xpath(".//a/@href") == ["mailto:pals@example.org", "https://example.org/pals"]
    assert "Hours: Monday to Friday, 9am to 5pm" in words(contact.xpath('.//ul[@class="contact"]')[0])
    assert contact.xpath(".//h3")[0].text_content() == "Other numbers"


def test_print_pdf_html_shows_other_numbers_as_text() -> None:
    contact = section(render_print(model(with_others()), load_brand("default"), profile="print"), "contact")
    assert "020 7946 0777" in words(contact) and "pals@example.org" in words(contact)
    assert not contact.xpath(".//a"), "the print PDF has no live links"


def test_plain_text_lists_other_numbers() -> None:
    text = render_text(model(with_others()), load_brand("default"))
    assert "Other numbers\n\nWard 7\nFor: Worries about your wound\nPhone: 020 7946 0777\nHours: Any time" in text
    assert "Patient advice\nEmail: pals@example.org\nWeb: https://example.org/pals" in text
    assert "Hours: Monday to Friday, 9am to 5pm" in text


# --- identity ----------------------------------------------------------------------------------

def test_reference_and_department_in_web_meta_footer_and_about() -> None:
    leaflet = model(sample(reference="ORTH-012", department="Orthopaedics", version="1.2"))
    page = lxml.html.fromstring(render_web(leaflet, load_brand("default")))
    assert page.xpath('//meta[@name="dcterms.identifier"]/@content') == ["ORTH-012"]
    footer = words(page.xpath("//footer")[0])
    assert "Orthopaedics · Reference ORTH-012 · Leaflet sample, version 1.2" in footer
    assert words(page.xpath('//p[@class="identity"]')[0]) == "Department: Orthopaedics. Reference: ORTH-012."
    jsonld = json.loads(page.xpath('//script[@type="application/ld+json"]')[0].text)
    assert jsonld["identifier"] == "ORTH-012"


def test_reference_in_print_footer_and_department_on_masthead() -> None:
    leaflet = model(sample(reference="ORTH-012", department="Orthopaedics", version="1.2"))
    html = render_print(leaflet, load_brand("example-hospital"), profile="print")
    footer = re.search(r"@bottom-left \{\s*content: \"([^\"]*)\"", html)
    assert footer is not None and "\\a ORTH-012 · Version 1.2" in footer.group(1), footer.group(1)
    masthead = lxml.html.fromstring(html).xpath('//p[@class="kind"]')[0]
    assert words(masthead) == "Information for patients · Orthopaedics"


def test_no_identity_without_reference_or_department() -> None:
    page = render_web(model(sample()), load_brand("default"))
    assert "dcterms.identifier" not in page and 'class="identity"' not in page and "Reference" not in page


def test_plain_text_carries_reference_and_department() -> None:
    text = render_text(model(sample(reference="ORTH-012", department="Orthopaedics")), load_brand("default"))
    assert "Department: Orthopaedics.\n\nReference: ORTH-012." in text
    assert re.search(r"^ORTH-012 · Surgical patient information\. Leaflet sample, version [0-9.]+\.$", text, re.M), text


# --- statements: leaflet > brand > built-in ------------------------------------------------------

def _no_statements(data: dict[str, Any]) -> None:
    data.pop("statements", None)


def _brand_statements(data: dict[str, Any]) -> None:
    data["statements"] = {"consent": {"en": "Brand consent wording."},
                          "feedback": {"en": "Brand feedback wording.", "cy": "Geiriad adborth y brand."}}


def test_statements_come_from_leaflet_then_brand_then_built_in(tmp_path: Path) -> None:
    brand = load_brand(str(brand_copy(tmp_path, _brand_statements)))
    leaflet = model(sample(statements={"consent": ["The leaflet's own consent wording."]}))
    html = render_web(leaflet, brand)
    assert words(section(html, "consent")) == "Your decision The leaflet's own consent wording."
    assert words(section(html, "feedback")) == "Tell us what you think Brand feedback wording."
    assert words(section(html, "accessible-formats")) == "Other formats and languages " + BUILT_IN["accessible_formats"]
    without_own = render_web(model(sample()), brand)
    assert words(section(without_own, "consent")) == "Your decision Brand consent wording."


def test_every_leaflet_prints_all_three_statements_in_every_output(tmp_path: Path) -> None:
    brand = load_brand(str(brand_copy(tmp_path, _no_statements)))
    leaflet = model(sample())
    for html in (render_web(leaflet, brand), render_print(leaflet, brand, profile="print"),
                 render_print(leaflet, brand, profile="screen")):
        for key in ("consent", "accessible-formats", "feedback"):
            assert words(section(html, key)).endswith(BUILT_IN[key.replace("-", "_")])
    text = render_text(leaflet, brand)
    for heading, key in (("Your decision", "consent"), ("Other formats and languages", "accessible_formats"),
                         ("Tell us what you think", "feedback")):
        assert f"{heading}\n{'-' * len(heading)}\n\n{BUILT_IN[key]}" in text


def test_the_built_in_accessible_formats_statement_names_the_other_versions() -> None:
    wording = BUILT_IN["accessible_formats"]
    for words_needed in ("large print", "plain text", "Braille", "audio", "another language", "care team"):
        assert words_needed in wording


def test_welsh_leaflet_gets_the_built_in_statements_in_welsh(tmp_path: Path) -> None:
    brand = load_brand(str(brand_copy(tmp_path, _brand_statements)))
    data = json.loads((CONTENT / "spinal-fusion" / "cy.json").read_text(encoding="utf-8"))
    data.pop("statements", None)
    html = render_web(model(data), brand)
    consent = section(html, "consent")
    assert consent.xpath("h2")[0].text_content() == "Eich penderfyniad"
    assert "Chi sy'n penderfynu" in words(consent) and not consent.xpath('.//*[@lang="en"]')
    # the brand's English consent wording is not shown in a Welsh leaflet; its Welsh feedback wording is
    assert "Brand consent" not in html and words(section(html, "feedback")).endswith("Geiriad adborth y brand.")
    assert "print bras" in words(section(html, "accessible-formats"))


def test_a_language_without_a_catalogue_gets_english_statements_marked_so(tmp_path: Path) -> None:
    brand = load_brand(str(brand_copy(tmp_path, _no_statements)))
    html = render_web(model(sample(language="fr")), brand)
    marked = section(html, "consent").xpath('.//div[@lang="en"]')
    assert marked and words(marked[0]) == BUILT_IN["consent"]


@pytest.mark.parametrize("statements,expected", [
    ({"consent": "It is your choice."}, "statements.consent"),
    ({"consent": {"en": "<b>Your</b> choice"}}, "no HTML tags"),
    ({"consent": {"English": "Your choice"}}, "English"),
    ({"consent": {}}, "at least one language"),
    ({"apology": {"en": "Sorry"}}, "apology"),
])
def test_brand_schema_refuses_bad_statements(tmp_path: Path, statements: dict[str, Any], expected: str) -> None:
    folder = brand_copy(tmp_path, lambda data: data.__setitem__("statements", statements))
    with pytest.raises(BrandError) as refused:
        load_brand(str(folder))
    message = str(refused.value)
    assert "brand.json:" in message and expected in message, message
    assert "\n" not in message.strip(), message


def test_shipped_brands_give_statement_wording() -> None:
    default, hospital = load_brand("default"), load_brand("example-hospital")
    assert default.statement("accessible_formats", "cy") and default.statement("feedback", "en-GB")
    assert all(hospital.statement(key, "en") for key in ("accessible_formats", "consent", "feedback"))


# --- further information -----------------------------------------------------------------------

def test_external_links_are_live_on_the_web_and_written_out_in_print() -> None:
    data = sample(further_information={"links": [{"title": "Anaesthesia", "url": "https://example.org/ga",
                                                  "publisher": "A college"}]})
    web = section(render_web(model(data), load_brand("default")), "further-information")
    assert web.xpath(".//ul[@class='links']//a/@href") == ["https://example.org/ga"]
    assert words(web.xpath(".//ul[@class='links']/li")[0]) == "Anaesthesia, A college"
    printed = section(render_print(model(data), load_brand("default"), profile="print"), "further-information")
    assert not printed.xpath(".//a") and "Anaesthesia (https://example.org/ga), A college" in words(printed)


def test_related_leaflet_titles_are_read_from_the_folder_beside(tmp_path: Path) -> None:
    content = _content(tmp_path, {"knee-arthroscopy": ["en"], "knee-replacement": ["en", "cy"]})
    data = json.loads((content / "knee-replacement" / "cy.json").read_text(encoding="utf-8"))
    leaflet = further.resolve(model(data), content / "knee-replacement" / "cy.json")
    (related,) = leaflet.further_information.leaflets
    assert (related.id, related.title, related.language, related.page) == ("knee-arthroscopy",
                                                                           "Title of knee-arthroscopy", "en", None)
    # a PDF names it and never links a page file (WeasyPrint would resolve it against the brand folder)
    linked = further.link_pages([_Request(leaflet)], {("knee-arthroscopy", "en")})[0].leaflet
    assert linked.further_information.leaflets[0].page == "knee-arthroscopy.en.html"
    for profile in ("screen", "print"):
        printed = section(render_print(linked, load_brand("default"), profile=profile), "further-information")
        assert "Title of knee-arthroscopy" in words(printed) and not printed.xpath(".//ul[@class='related']//a")
    web = section(render_web(linked, load_brand("default")), "further-information")
    assert web.xpath(".//ul[@class='related']//a/@href") == ["knee-arthroscopy.en.html"]
    assert "(yn Saesneg: nid yw ar gael yn iaith y daflen hon eto)" in words(web)


@dataclass(frozen=True)
class _Request:
    """What link_pages reads of a render request (a dataclass, as leaflets.workers.RenderRequest)."""

    leaflet: Leaflet


def _content(tmp_path: Path, leaflets: dict[str, list[str]], related: dict[str, list[str]] | None = None,
             base: Path = SAMPLE) -> Path:
    """A content folder: each id in the languages given, ``base`` (the sample leaflet) with its own id
    and title. By default the last id names the first as its related leaflet."""
    content = tmp_path / "content"
    ids = list(leaflets)
    related = related if related is not None else {ids[-1]: [ids[0]]}
    for leaflet_id, languages in leaflets.items():
        for language in languages:
            data = json.loads(base.read_text(encoding="utf-8"))
            data |= {"id": leaflet_id, "language": language, "title": f"Title of {leaflet_id}"}
            if leaflet_id in related:
                data["further_information"] = {"leaflets": related[leaflet_id]}
            (content / leaflet_id).mkdir(parents=True, exist_ok=True)
            (content / leaflet_id / f"{language}.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return content


@pytest.mark.slow
def test_build_links_related_leaflets_to_pages_it_made_and_lists_the_reference(tmp_path: Path) -> None:
    content = _content(tmp_path, {"knee-arthroscopy": ["en"], "knee-replacement": ["en", "cy"],
                                  "hip-replacement": ["en"]},
                       related={"knee-replacement": ["knee-arthroscopy", "hip-replacement"],
                                "hip-replacement": ["knee-replacement"]})
    for language in ("en", "cy"):
        path = content / "knee-replacement" / f"{language}.json"
        data = json.loads(path.read_text(encoding="utf-8")) | {"reference": "ORTH-012", "department": "Orthopaedics"}
        path.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", content, "--out", out, "--format", "html,txt", "--draft", env=TODAY)
    assert result.code == 0, result
    for page in ("knee-replacement.en.html", "knee-replacement.cy.html", "hip-replacement.en.html"):
        hrefs = section((out / page).read_text(encoding="utf-8"), "further-information").xpath(
            ".//ul[@class='related']//a/@href")
        assert hrefs and all((out / href).is_file() for href in hrefs), (page, hrefs)
    welsh = section((out / "knee-replacement.cy.html").read_text(encoding="utf-8"), "further-information")
    assert welsh.xpath(".//a/@href") == ["knee-arthroscopy.en.html", "hip-replacement.en.html"]
    assert welsh.xpath(".//a/@hreflang") == ["en", "en"]
    english = section((out / "hip-replacement.en.html").read_text(encoding="utf-8"), "further-information")
    assert english.xpath(".//a/@href") == ["knee-replacement.en.html"]  # its own language when it exists
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = {entry["path"]: entry for entry in manifest["outputs"]}
    assert entries["knee-replacement.en.html"]["reference"] == "ORTH-012"
    assert entries["knee-replacement.en.txt"]["department"] == "Orthopaedics"
    assert "reference" not in entries["hip-replacement.en.html"]


@pytest.mark.slow
def test_a_changed_related_title_renders_the_page_again(tmp_path: Path) -> None:
    content = _content(tmp_path, {"knee-arthroscopy": ["en"], "knee-replacement": ["en"]})
    out = tmp_path / "out"
    assert run_cli("build", content, "--out", out, "--format", "html", "--draft", env=TODAY).code == 0
    path = content / "knee-arthroscopy" / "en.json"
    path.write_text(path.read_text(encoding="utf-8").replace("Title of knee-arthroscopy", "Knee arthroscopy"),
                    encoding="utf-8")
    result = run_cli("build", content, "--out", out, "--format", "html", "--draft", env=TODAY)
    assert result.code == 0, result
    page = section((out / "knee-replacement.en.html").read_text(encoding="utf-8"), "further-information")
    assert words(page.xpath(".//ul[@class='related']")[0]) == "Knee arthroscopy"


def test_validate_reports_a_missing_related_leaflet_and_the_leaflet_itself(tmp_path: Path) -> None:
    content = _content(tmp_path, {"knee-arthroscopy": ["en"], "knee-replacement": ["en"]},
                       related={"knee-replacement": ["knee-arthroscopy", "knee-arthroscopi", "knee-replacement"]})
    result = run_cli("validate", content / "knee-replacement" / "en.json", env=TODAY)
    assert result.code == 1, result
    found = [line for line in result.stdout.splitlines() if " LM010 " in line]
    assert len(found) == 2, result
    assert re.match(r".*knee-replacement/en\.json:\d+:\d+: LM010 error: there is no leaflet \"knee-arthroscopi\"",
                    found[0]), found
    assert "\"knee-replacement\" is this leaflet's own id" in found[1]
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_build_refuses_a_missing_related_leaflet(tmp_path: Path) -> None:
    content = _content(tmp_path, {"knee-replacement": ["en"]}, related={"knee-replacement": ["knee-arthroscopy"]})
    out = tmp_path / "out"
    result = run_cli("build", content, "--out", out, "--format", "html", env=TODAY)
    assert result.code == 1, result
    assert "LM010" in result.stdout + result.stderr and not (out / "knee-replacement.en.html").exists()
    drafted = run_cli("build", content, "--out", out, "--format", "html", "--draft", env=TODAY)
    related = section((out / "knee-replacement.en.html").read_text(encoding="utf-8"), "further-information")
    assert drafted.code == 0 and not related.xpath(".//ul[@class='related']//a"), drafted
    assert "knee-arthroscopy [no such leaflet: related leaflet – see finding LM010]" in words(related)
    assert related.xpath('.//p[@class="finding-note"]//span[@class="finding-code"]/text()') == ["LM010"]


def test_shipped_leaflets_name_each_other_both_ways() -> None:
    related = {}
    for path in CONTENT.glob("*/en.json"):
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data.get("reference") and data.get("department"), path
        related[data["id"]] = set(data.get("further_information", {}).get("leaflets", []))
    assert "pars-defect-stabilisation" in related["pars-defect-repair"]
    assert "pars-defect-repair" in related["pars-defect-stabilisation"]
    assert "reconstructive-back-surgery" in related["spinal-fusion"]
    assert "spinal-fusion" in related["reconstructive-back-surgery"]


# --- the gates: axe on the web pages, PDF/UA-1 and preflight on the PDFs ------------------------

@pytest.fixture(scope="module")
def every_feature(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real build (web pages and every PDF profile) of two leaflets using every field of this slice:
    other numbers, identity, related leaflets (one only in English), trusted links, own statements."""
    tmp_path = tmp_path_factory.mktemp("every-feature")
    content = _content(tmp_path, {"knee-arthroscopy": ["en"], "knee-replacement": ["en", "cy"]}, base=CLEAN)
    for language in ("en", "cy"):
        path = content / "knee-replacement" / f"{language}.json"
        data = json.loads(path.read_text(encoding="utf-8"))
        data["contact"] |= {"hours": "Monday to Friday, 9am to 5pm", "others": copy.deepcopy(OTHERS)}
        data |= {"reference": "ORTH-012", "department": "Orthopaedics",
                 "statements": {"consent": ["It is your choice, and you can change your mind."]}}
        data["further_information"]["links"] = [{"title": "Anaesthesia", "url": "https://example.org/ga"}]
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", content, "--out", out, "--brand", "example-hospital", "--format", "html,pdf",
                     "--profile", "screen,print,large-print", env={"LEAFLETS_TODAY": "2026-06-01"})
    assert result.code == 0, result
    return out


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 640, 320])
def test_web_pages_with_every_feature_pass_axe(browser: Any, every_feature: Path, width: int) -> None:
    from test_web import check_page, serve

    with serve(every_feature) as base:
        for page in ("knee-replacement.en.html", "knee-replacement.cy.html"):
            seen = check_page(browser, base + page, width)
            assert 'href="tel:02079460777"' in seen["page"] and 'href="knee-arthroscopy.en.html"' in seen["page"]


@pytest.mark.slow
def test_pdfs_with_every_feature_pass_pdf_ua_and_preflight(every_feature: Path) -> None:
    import importlib
    import subprocess

    page_validation = importlib.import_module("page")
    for name in ("knee-replacement.en.screen.pdf", "knee-replacement.cy.screen.pdf",
                 "knee-replacement.en.large-print.pdf"):
        report = page_validation.validate_pdf(str(every_feature / name), profile="ua1")
        assert report.is_compliant, (name, [(f.rule_id, f.message) for f in report.failures])
    for profile, name in (("print", "knee-replacement.en.print.pdf"), ("screen", "knee-replacement.en.screen.pdf"),
                          ("large-print", "knee-replacement.en.large-print.pdf")):
        result = run_cli("preflight", "--profile", profile, every_feature / name)
        assert result.code == 0, result
    text = subprocess.run(["pdftotext", "-layout", str(every_feature / "knee-replacement.en.print.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for expected in ("ORTH-012 · Version", "Information for patients · Orthopaedics", "Other numbers", "Ward 7",
                     "020 7946 0777", "Title of knee-arthroscopy", "https://example.org/ga", "Your decision",
                     "It is your choice, and you can change your mind.", "Other formats and languages",
                     "Tell us what you think"):
        assert expected in flat, expected
    manifest = json.loads((every_feature / "manifest.json").read_text(encoding="utf-8"))
    printed = [e for e in manifest["outputs"] if e["path"] == "knee-replacement.en.print.pdf"]
    assert printed[0]["reference"] == "ORTH-012" and printed[0]["version"]


@pytest.mark.slow
def test_shipped_build_links_every_related_leaflet_to_its_page(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", CONTENT, "--out", out, "--format", "html", "--draft", env=TODAY)
    assert result.code == 0, result
    linked: dict[str, list[str]] = {}
    for page in sorted(out.glob("*.html")):
        if page.name == "index.html":
            continue
        related = lxml.html.fromstring(page.read_text(encoding="utf-8")).xpath(
            '//section[@id="further-information"]//ul[@class="related"]//a/@href')
        assert all((out / href).is_file() for href in related), (page.name, related)
        linked[page.name] = related
    assert "pars-defect-stabilisation.en.html" in linked["pars-defect-repair.en.html"]
    assert "spinal-fusion.en.html" in linked["reconstructive-back-surgery.en.html"]
    assert linked["spinal-fusion.cy.html"] == ["reconstructive-back-surgery.en.html",
                                               "cement-augmented-spinal-surgery.en.html"]  # no Welsh pages yet
