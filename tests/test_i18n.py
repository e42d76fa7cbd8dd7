"""Interface text per language (leaflets.i18n): the templates' own words come from gettext catalogues.

The catalogues must hold exactly the messages the sources use (English and Welsh complete); the
shipped Welsh leaflet is built and its web page and PDFs scanned for any English catalogue string;
a language with no catalogue shows English marked ``lang="en"`` and validate says so (LM009).
"""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from babel.messages.pofile import read_po
from conftest import ROOT, run_cli
from lxml import html as lxml_html
from test_web import check_page, serve

LOCALE = ROOT / "leaflets" / "locale"
WELSH = ROOT / "content" / "spinal-fusion" / "cy.json"
COMPLETE = ("en", "cy")
PLACEHOLDER = re.compile(r"%\(\w+\)s")
# English words a Welsh page may show that are not interface text: the abbreviation PDF is the
# same in Welsh ("print bras (PDF)").
ALLOWED = {"PDF"}


def entries(language: str) -> dict[str, tuple[str, bool]]:
    with (LOCALE / language / "LC_MESSAGES" / "leaflets.po").open("rb") as handle:
        return {m.id: (m.string, m.fuzzy) for m in read_po(handle) if m.id}


def template_ids() -> set[str]:
    with (LOCALE / "leaflets.pot").open("rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_catalogues_are_what_the_sources_give() -> None:
    done = subprocess.run([sys.executable, "scripts/extract_messages.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("language", COMPLETE)
def test_catalogue_is_complete(language: str) -> None:
    found = entries(language)
    assert set(found) == template_ids()
    assert [m for m, (string, fuzzy) in found.items() if not string or fuzzy] == []
    for message, (string, _) in found.items():  # a translation keeps every value the template puts in
        assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(message)), message


def test_welsh_catalogue_translates_the_interface() -> None:
    found = entries("cy")
    assert found["Risks"][0] == "Risgiau" and found["Page %(page)s of %(pages)s"][0] == "Tudalen %(page)s o %(pages)s"
    same = [m for m, (string, _) in found.items() if string == m and PLACEHOLDER.sub("", m).strip(" :.") != ""]
    assert same == [], same  # nothing left in English by mistake


def english_pieces() -> list[str]:
    """The words of every English message that the Welsh catalogue does not share, without the values put in."""
    welsh = entries("cy")
    pieces = set()
    for message, (english, _) in entries("en").items():
        for piece in PLACEHOLDER.split(english):
            piece = piece.strip(" .,:–·")
            if len(piece) >= 4 and piece not in ALLOWED and piece not in PLACEHOLDER.split(welsh[message][0]):
                pieces.add(piece)
    return sorted(pieces)


@pytest.fixture(scope="module")
def welsh_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cy")
    result = run_cli("build", WELSH, "--out", out)
    assert result.code == 0, result
    return out


def page_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return " ".join(text.split())


@pytest.mark.slow
def test_welsh_leaflet_has_no_english_interface_text(welsh_build: Path) -> None:
    pieces = english_pieces()
    assert "Risks" in pieces and "Not yet approved for patient use" in pieces  # the scan looks for something
    page = (welsh_build / "spinal-fusion.cy.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page.encode("utf-8"))
    assert tree.get("lang") == "cy"
    # No passage marked as another language but the titles of related leaflets that exist only in English,
    # which are their own names (linked to the English page, said so in Welsh beside them).
    others = tree.xpath("//*[@lang and @lang != 'cy']")
    assert all(e.tag in ("a", "span") and e.get("lang") == "en"
               and e.xpath("ancestor::section[@id='further-information']") for e in others), \
        [lxml_html.tostring(e) for e in others]
    related = [" ".join(e.text_content().split()) for e in others]
    for hidden in tree.xpath("//style | //script"):  # CSS and JSON-LD are not read: their keys are not words
        hidden.drop_tree()
    shown = " ".join(" ".join(tree.itertext()).split()) + " " + " ".join(
        value for value in tree.xpath("//@alt | //@aria-label | //title/text()"))
    texts = {"web page": shown}
    for profile in ("screen", "print"):
        texts[f"{profile} PDF"] = page_text(welsh_build / f"spinal-fusion.cy.{profile}.pdf")
    # The titles of the English sources the translation cites are their own names, in English: not interface text.
    titles = [" ".join(source["title"].split()) for source in json.loads(WELSH.read_text(encoding="utf-8"))["sources"]]
    for name, text in texts.items():
        for title in titles + related:
            text = text.replace(title, "")
        assert "Risgiau" in text and "Tudalen 1 o" in text or name == "web page", name
        assert [p for p in pieces if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)] == [], name


@pytest.mark.slow
def test_welsh_screen_pdf_passes_an_independent_pdfua_checker(welsh_build: Path) -> None:
    page = importlib.import_module("page")
    report = page.validate_pdf_bytes((welsh_build / "spinal-fusion.cy.screen.pdf").read_bytes(), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_welsh_web_page_passes_axe(browser: Any, welsh_build: Path, width: int) -> None:
    with serve(welsh_build) as base:
        found = check_page(browser, f"{base}/spinal-fusion.cy.html", width)
    assert '<html lang="cy"' in found["page"]


def test_shipped_welsh_leaflet_validates() -> None:
    result = run_cli("validate", "--format", "json", WELSH)
    assert result.code == 0, result
    codes = {(f["code"], f["severity"]) for f in json.loads(result.stdout)["findings"]}
    assert not [c for c in codes if c[1] == "error"] and ("LM009", "warning") not in codes, codes


def test_material_risks_are_found_in_welsh(tmp_path: Path) -> None:
    data = json.loads(WELSH.read_text(encoding="utf-8"))
    data["risks"] = [risk for risk in data["risks"] if risk["name"] != "Parlys"]
    data.pop("translation_of", None)  # checked on its own: its source is not beside it here
    target = tmp_path / "spinal-fusion" / "cy.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run_cli("validate", "--format", "json", target)
    found = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LM008"]
    assert result.code == 1 and len(found) == 1 and "paralysis" in found[0]["message"], found


def french(tmp_path: Path) -> Path:
    """The Welsh leaflet marked as French: a language with no catalogue."""
    data = json.loads(WELSH.read_text(encoding="utf-8")) | {"language": "fr"}
    data.pop("translation_of", None)  # a leaflet on its own, not a translation (LT rules)
    data.pop("further_information", None)  # alone in its folder: the leaflets it names are not beside it (LM010)
    data["risks"][0]["frequency"] = {"rate": {"kind": "about", "percent": 0.5}, "band": "uncommon"}
    target = tmp_path / "spinal-fusion" / "fr.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return target


def test_language_without_catalogue_is_reported(tmp_path: Path) -> None:
    result = run_cli("validate", "--format", "json", french(tmp_path))
    findings = json.loads(result.stdout)["findings"]
    missing = [f for f in findings if f["code"] == "LM009"]
    assert len(missing) == 1 and missing[0]["severity"] == "warning", findings
    assert "leaflets/locale/fr/LC_MESSAGES/leaflets.po" in missing[0]["message"]
    assert f"the {len(template_ids())} messages" in missing[0]["message"] and "in English" in missing[0]["message"]
    checklist = [f for f in findings if f["code"] == "LM008"]  # no French synonyms: said, not a false error
    assert [f["severity"] for f in checklist] == ["info"], checklist


@pytest.mark.slow
def test_language_without_catalogue_marks_english_interface_text(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run_cli("build", french(tmp_path), "--out", out)
    assert result.code == 0, result
    tree = lxml_html.fromstring((out / "spinal-fusion.fr.html").read_bytes())
    assert tree.get("lang") == "fr"
    for heading in tree.xpath("//main//h2"):  # every section heading is interface text, in English, marked so
        marked = heading.xpath("./span[@lang='en']")
        assert len(marked) == 1 and marked[0].text_content() == heading.text_content(), lxml_html.tostring(heading)
    review = tree.xpath("//p[@class='review']")[0]  # English words around French dates: each marked
    assert review.xpath("./span[@lang='en']/span[@lang='fr']/time"), lxml_html.tostring(review)
    assert "23 novembre 2026" in review.text_content()
    name = json.loads(WELSH.read_text(encoding="utf-8"))["risks"][0]["name"]  # serious risks come first: find it
    cell = tree.xpath(f"//table[@class='risks']//tr[th[contains(., {json.dumps(name)})]]/td")[0]  # English words
    assert [s.text_content() for s in cell.xpath("./span[@lang='en']")] == ["about 1 in 200 people (uncommon)"]
    assert "Risks" in page_text(out / "spinal-fusion.fr.screen.pdf")


def test_frequency_words_follow_the_leaflet_language() -> None:
    from leaflets.model import Rate, frequency_words

    assert frequency_words(Rate("about", 1.0), "uncommon", "en") == "about 1 in 100 people (uncommon)"
    assert frequency_words(Rate("about", 1.0), "uncommon", "cy") == "tua 1 o bob 100 o bobl (anghyffredin)"
    assert frequency_words(Rate("less-than", 0.01), "very rare", "cy") == "llai na 1 o bob 10,000 o bobl (prin iawn)"
    assert frequency_words(Rate("about", 1.0), "uncommon", "fr") == "about 1 in 100 people (uncommon)"  # no catalogue
