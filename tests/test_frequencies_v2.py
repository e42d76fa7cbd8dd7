"""Content format v2 frequencies, risks and outcomes, end to end: the words of every kind of rate (English
and Welsh), the band worked out from a rate and LN001's check of a stated one, serious risks first and
labelled, groups under sub-headings, the risks' introduction, outcomes with the benefits (HTML and plain
text), translation drift and the clinical diff, and import writing v2.

No shipped leaflet has outcomes (none of the five source pages gives a benefit or success figure), so
the outcomes here are test fixtures, never content."""

from __future__ import annotations

import copy
import json
import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from lxml import html as lxml_html

from leaflets.brand import load_brand
from leaflets.import_map import frequency as imported_frequency
from leaflets.model import Frequency, Leaflet, Rate, computed_band, frequency_words, serious_first
from leaflets.render.html import render_web
from leaflets.render.text import render_text
from leaflets.rules.numbers import _one_in, bands_for, rate_figure
from leaflets.translation import drift
from leaflets.wording import one_in, people

SAMPLE = ROOT / "tests" / "fixtures" / "model" / "sample.en.json"
BASE = ROOT / "tests" / "fixtures" / "rules" / "base" / "carpal-tunnel-release" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the base leaflet's dates are set against this day
OUTCOME = {"outcome": "have less leg pain a year later", "frequency": {"rate": {"kind": "about", "percent": 90}}}


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def model(data: dict[str, Any], draft: bool = False) -> Leaflet:
    return Leaflet.from_data(data, source_sha256="0" * 64, draft=draft)


# --- the words -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "per", "within", "english", "welsh"), [
    (Rate("about", 5), "people", None, "about 1 in 20 people (common)", "tua 1 o bob 20 o bobl (cyffredin)"),
    (Rate("up-to", 5), "operations", None, "up to 1 in 20 operations (common)",
     "hyd at 1 o bob 20 o lawdriniaethau (cyffredin)"),
    (Rate("less-than", 1), "eyes", None, "less than 1 in 100 eyes (uncommon)",
     "llai na 1 o bob 100 o lygaid (anghyffredin)"),
    (Rate("at-least", 90), "joints", None, "at least 9 in 10 joints (very common)",
     "o leiaf 9 o bob 10 o gymalau (cyffredin iawn)"),
    (Rate("more-than", 90), "people", "within a year", "more than 9 in 10 people within a year (very common)",
     "mwy na 9 o bob 10 o bobl within a year (cyffredin iawn)"),  # within is the writer's own words
    (Rate("between", percent_from=5, percent_to=10), "eyes", None, "between 1 in 20 and 1 in 10 eyes (common)",
     "rhwng 1 o bob 20 a 1 o bob 10 o lygaid (cyffredin)"),
    # a range across a boundary lies in no one band: none is shown
    (Rate("between", percent_from=5, percent_to=20), "people", "in the first 10 years",
     "between 1 in 20 and 1 in 5 people in the first 10 years", "rhwng 1 o bob 20 a 1 o bob 5 o bobl in the first "
     "10 years"),
])
def test_the_words_of_every_kind_per_and_time_span(rate: Rate, per: str, within: str | None, english: str,
                                                   welsh: str) -> None:
    band = computed_band(rate)
    assert frequency_words(rate, band, "en", per=per, within=within) == english
    assert frequency_words(rate, band, "cy", per=per, within=within) == welsh


def test_a_frequency_from_data_reads_per_and_within_and_works_out_its_band() -> None:
    frequency = Frequency.from_data({"rate": {"kind": "up-to", "percent": 5}, "per": "operations",
                                     "within": "within a year"})
    assert (frequency.known, frequency.band, frequency.per, frequency.within) == (True, "common", "operations",
                                                                                  "within a year")
    assert frequency.words == "up to 1 in 20 operations within a year (common)"
    assert frequency.figure == "up to 1 in 20 operations within a year"  # outcomes show no band


def test_a_verbal_only_band_is_shown_with_its_reason_and_an_unknown_frequency_is_its_note() -> None:
    note = "Our surgeons describe it as rare (expert opinion)."
    verbal = Frequency.from_data({"band": "rare", "note": note})
    assert (verbal.known, verbal.verbal, verbal.band) == (False, True, "rare")
    assert verbal.words == f"Rare (no figure). {note}"
    assert Frequency.from_data({"band": "rare", "note": note}, "cy").words == f"Prin (dim ffigur). {note}"
    unknown = Frequency.from_data({"note": "The sources we used give no figure."})
    assert (unknown.known, unknown.verbal, unknown.words) == (False, False, "The sources we used give no figure.")


@pytest.mark.parametrize("percent", [0.07, 0.15, 0.3, 1.5, 3, 8, 12, 15, 25, 30, 33, 40, 45, 66, 85, 92, 95, 99])
def test_bounds_never_claim_more_than_the_figure(percent: float) -> None:
    """"up to / less than 1 in N" is never below the figure; "at least / more than k in M" never above it."""
    def share(words: str) -> float:
        top, bottom = (int(x.replace(",", "")) for x in words.split(" in "))
        return top / bottom * 100

    assert share(people(percent, less_than=True)) >= percent - 1e-9
    assert share(people(percent, at_least=True)) <= percent + 1e-9
    assert not people(percent).startswith("1 in 1 ")  # never "about 1 in 1 people"


def test_one_in_is_one_implementation_for_the_page_and_the_rules() -> None:
    """The rules' messages once rounded 0.3 % to "1 in 333" while the page said "1 in 330"."""
    for percent in (0.3, 0.7, 1, 2.5, 8, 0.013):
        assert _one_in(percent) == f"1 in {one_in(percent):,}"
    assert _one_in(0.3) == "1 in 330"
    assert one_in(0.3, up=True) == 340 and one_in(0.3, down=True) == 330
    assert math.isclose(100 / one_in(8, down=True), 8.33, rel_tol=0.01)  # less than 8 % → less than 1 in 12


# --- bands: worked out, and LN001's check of a stated one -------------------------------------------------


@pytest.mark.parametrize(("rate", "band"), [
    ({"kind": "about", "percent": 1}, "common"),  # on a boundary: the higher band
    ({"kind": "about", "percent": 0.5}, "uncommon"),
    ({"kind": "up-to", "percent": 10}, "common"),  # "common: may affect up to 1 in 10 people"
    ({"kind": "up-to", "percent": 5}, "common"),
    ({"kind": "less-than", "percent": 1}, "uncommon"),
    ({"kind": "less-than", "percent": 0.01}, "very rare"),
    ({"kind": "at-least", "percent": 5}, "common"),
    ({"kind": "more-than", "percent": 90}, "very common"),
    ({"kind": "more-than", "percent": 9}, "common"),
    ({"kind": "between", "percent_from": 5, "percent_to": 10}, "common"),  # ends on a boundary: within it
    ({"kind": "between", "percent_from": 0.05, "percent_to": 0.08}, "rare"),
    ({"kind": "between", "percent_from": 5, "percent_to": 20}, None),  # across a boundary: no one band
])
def test_the_band_worked_out_for_each_kind(rate: dict[str, Any], band: str | None) -> None:
    assert computed_band(Rate(**rate)) == band


@pytest.mark.parametrize(("rate", "allowed"), [
    ({"kind": "about", "percent": 10}, {"very common"}),
    ({"kind": "up-to", "percent": 5}, {"common"}),  # not "rare": that would say less than the figure allows
    ({"kind": "less-than", "percent": 0.1}, {"rare"}),
    ({"kind": "at-least", "percent": 0.5}, {"uncommon"}),
    ({"kind": "more-than", "percent": 90}, {"very common"}),
    ({"kind": "between", "percent_from": 5, "percent_to": 20}, {"common", "very common"}),
])
def test_ln001_accepts_only_the_bands_a_rate_allows(rate: dict[str, Any], allowed: set[str]) -> None:
    figure = rate_figure(rate)
    assert figure is not None and bands_for(figure) == allowed


def write_leaflet(folder: Path, edit: Any) -> Path:
    data = json.loads(BASE.read_text(encoding="utf-8"))
    edit(data)
    path = folder / "carpal-tunnel-release" / "en.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def test_validate_refuses_a_band_that_contradicts_its_number(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["risks"][0]["frequency"] = {"rate": {"kind": "up-to", "percent": 5}, "per": "operations", "band": "rare"}
        data["outcomes"] = [{"outcome": "have less tingling in their fingers",
                             "frequency": {"rate": {"kind": "more-than", "percent": 90}, "band": "common"}}]

    path = write_leaflet(tmp_path, edit)
    result = run_cli("validate", "--format", "json", path, env=TODAY)
    assert result.code == 1, result
    found = {f["pointer"]: f for f in json.loads(result.stdout)["findings"] if f["code"] == "LN001"}
    assert set(found) == {"/risks/0/frequency/band", "/outcomes/0/frequency/band"}
    assert found["/risks/0/frequency/band"]["severity"] == "error"
    assert "the rate is up to 5 % (up to 1 in 20 operations): use common" in found["/risks/0/frequency/band"]["message"]
    assert "use very common" in found["/outcomes/0/frequency/band"]["message"]


def test_validate_accepts_a_rate_with_no_band_and_a_verbal_band_with_its_reason(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["risks"][0]["frequency"] = {"rate": {"kind": "up-to", "percent": 5}, "within": "within a year"}
        data["risks"][1]["frequency"] = {"band": "rare", "note": "The sources give no figure; our surgeons describe "
                                                                 "it as rare (expert opinion)."}

    result = run_cli("validate", "--format", "json", write_leaflet(tmp_path, edit), env=TODAY)
    assert result.code == 0, result
    found = json.loads(result.stdout)["findings"]
    assert [f for f in found if f["severity"] != "info"] == [], found


# --- risks v2 and outcomes in the model and the pages ---------------------------------------------------


def risky() -> dict[str, Any]:
    """The sample with a serious risk in the middle, groups, an introduction and an outcome."""
    data = sample()
    data["risks"][2]["serious"] = True  # Nerve damage
    data["risks"][3]["serious"] = True  # Blood clots
    data["risks"][0]["group"] = "general"  # Infection
    data["risks"][3]["group"] = "general"
    data["risks"][2]["group"] = "operation"
    data["risks_introduction"] = ["Risks are not the same for everyone."]
    data["outcomes"] = [OUTCOME, {"outcome": "can walk further", "frequency": {
        "rate": {"kind": "between", "percent_from": 60, "percent_to": 80}, "per": "people"}}]
    return data


def test_serious_risks_come_first_in_a_stable_order() -> None:
    leaflet = model(risky())
    assert [r.name for r in serious_first(leaflet.risks)] == ["Nerve damage", "Blood clots", "Infection", "Pain"]
    [group] = model(sample()).risk_groups  # no groups: one list, no sub-heading
    assert (group.group, group.title, [r.name for r in group.risks]) == (
        None, None, ["Infection", "Pain", "Nerve damage", "Blood clots"])


def test_risks_with_groups_are_listed_per_group() -> None:
    groups = model(risky()).risk_groups
    assert [(g.group, [r.name for r in g.risks]) for g in groups] == [
        ("general", ["Blood clots", "Infection"]), ("operation", ["Nerve damage"]), ("other", ["Pain"])]
    assert [r.index for r in groups[0].risks] == [3, 0]  # the content's places, for ids and the preview


def page(data: dict[str, Any], language: str = "en") -> Any:
    data = copy.deepcopy(data) | {"language": language}
    return lxml_html.fromstring(render_web(model(data), load_brand("default")).encode("utf-8"))


def test_the_page_shows_the_introduction_serious_first_with_a_label_and_groups() -> None:
    tree = page(risky())
    section = tree.get_element_by_id("risks")
    paragraphs = [p.text_content() for p in section.findall("p")]
    assert paragraphs[0] == "Risks are not the same for everyone."  # before the list
    assert paragraphs[1].startswith("Every operation has risks. The tables show")  # one table per group
    assert [h.text_content() for h in section.findall("h3")] == [
        "General risks of an operation", "Risks of this operation", "Other risks"]
    rows = [row.find("th").text_content() for row in section.xpath(".//table[@class='risks']/tbody/tr")]
    assert rows == ["Serious: Blood clots", "Infection", "Serious: Nerve damage", "Pain"]
    labels = section.xpath(".//strong[@class='serious-label']")
    assert len(labels) == 4 and all(label.text_content() == "Serious:" for label in labels)  # words, not colour
    details = section.xpath(".//div[contains(@class, 'risk')]")
    assert [(d.get("id"), d.find("h4").text_content()) for d in details] == [
        ("risk-4", "Serious: Blood clots"), ("risk-1", "Infection"), ("risk-3", "Serious: Nerve damage"),
        ("risk-2", "Pain")]


def test_the_page_without_groups_keeps_one_table_and_risk_headings_at_h3() -> None:
    data = sample()
    data["risks"][3]["serious"] = True
    section = page(data).get_element_by_id("risks")
    assert len(section.xpath(".//table[@class='risks']")) == 1
    assert "The table shows how often" in section.findall("p")[0].text_content()
    assert [h.text_content() for h in section.findall(".//h3")][:2] == ["Serious: Blood clots", "Infection"]
    assert not section.xpath(".//h4")


def test_outcomes_are_a_table_with_the_benefits_in_the_leaflet_language() -> None:
    for language, expected in (("en", [["About 9 in 10 people", "have less leg pain a year later"],
                                       ["Between 6 in 10 and 8 in 10 people", "can walk further"]]),
                               ("cy", [["Tua 9 o bob 10 o bobl", "have less leg pain a year later"],
                                       ["Rhwng 6 o bob 10 a 8 o bob 10 o bobl", "can walk further"]])):
        section = page(risky(), language).get_element_by_id("benefits")
        [table] = section.xpath(".//table[@class='outcomes']")
        arrays = table.xpath(".//div[@class='icon-array']")  # each figure's picture (leaflets.render.icons)
        assert len(arrays) == 2, language
        for array in arrays:
            array.drop_tree()
        assert [[cell.text_content().strip() for cell in row.findall("td")]
                for row in table.xpath("./tbody/tr")] == expected


def test_the_text_output_says_it_too() -> None:
    text = render_text(model(risky()), load_brand("default"))
    benefits, risks = text.index("What the operation may do for you"), text.index("\nRisks\n")
    assert "- About 9 in 10 people have less leg pain a year later." in text[benefits:risks]
    after = text[risks:]
    assert after.index("Risks are not the same for everyone.") < after.index("Every operation has risks.")
    assert after.index("General risks of an operation") < after.index("Risks of this operation") < after.index(
        "Other risks")
    assert "- Serious risk: Blood clots. How often it happens:" in after
    assert "- Risk: Infection. How often it happens: about 1 in 100 people (uncommon)." in after
    assert "\n\nSerious: Nerve damage\n\n" in after


def test_outcomes_and_the_introduction_are_optional_and_a_draft_reads_broken_ones() -> None:
    assert model(sample()).outcomes == () and model(sample()).risks_introduction == ()
    data = risky()
    data["outcomes"] = [{"outcome": 7, "frequency": {"rate": "ninety"}}, {"frequency": {"band": "often"}}]
    data["risks"][0]["group"] = ["general"]
    data["risks"][1]["serious"] = "yes"
    leaflet = model(data, draft=True)
    assert [o.frequency.words[:28] for o in leaflet.outcomes] == ["[wrong type: rate is text, n",
                                                                  "[missing: note – see finding"]
    assert leaflet.outcomes[1].outcome.startswith("[missing: outcome")
    assert (leaflet.risks[0].group, leaflet.risks[1].serious) == (None, False)


# --- translation drift, the clinical diff, import ------------------------------------------------------


def test_translation_drift_compares_serious_flags_groups_per_within_and_outcome_figures() -> None:
    source = risky()
    translation = copy.deepcopy(source) | {"language": "cy"}
    assert list(drift(translation, source)) == []
    translation["risks"][3]["frequency"]["note"] = "Dim ffigur."  # words are translated
    translation["outcomes"][0]["outcome"] = "mae llai o boen yn eu coes flwyddyn yn ddiweddarach"
    assert list(drift(translation, source)) == []
    translation["risks"][2]["serious"] = False
    translation["risks"][0]["group"] = "operation"
    translation["risks"][1]["frequency"]["per"] = "eyes"
    translation["outcomes"][0]["frequency"]["rate"]["percent"] = 80
    found = dict(drift(translation, source))
    assert set(found) == {"/risks/2", "/risks/0", "/risks/1/frequency", "/outcomes/0/frequency"}
    assert "not marked serious here but is in the source" in found["/risks/2"]
    source["risks"][1]["frequency"]["within"] = "within 2 years"
    translation = copy.deepcopy(source) | {"language": "cy"}
    translation["risks"][1]["frequency"]["within"] = "o fewn 2 flynedd"  # translated, same numbers
    assert list(drift(translation, source)) == []
    translation["risks"][1]["frequency"]["within"] = "o fewn 3 blynedd"
    assert "/risks/1/frequency" in dict(drift(translation, source))


def diff(tmp_path: Path, old: dict[str, Any], new: dict[str, Any]) -> Any:
    for name, data in (("old", old), ("new", new)):
        (tmp_path / name).mkdir(exist_ok=True)
        (tmp_path / name / "en.json").write_text(json.dumps(data, indent=2), encoding="utf-8")
    return run_cli("diff", "--format", "json", tmp_path / "old" / "en.json", tmp_path / "new" / "en.json")


def test_the_diff_reports_a_serious_flag_and_an_outcome_figure_as_clinical(tmp_path: Path) -> None:
    old = risky()
    new = copy.deepcopy(old)
    new["risks"][2]["serious"] = False
    new["outcomes"][0]["frequency"]["rate"]["percent"] = 80
    result = diff(tmp_path, old, new)
    assert result.code == 1, result
    changes = {c["kind"]: c for c in json.loads(result.stdout)["changes"]}
    assert (changes["serious-flag"]["old"], changes["serious-flag"]["new"]) == ("serious", "not serious")
    assert changes["serious-flag"]["clinical"] and changes["outcome-figure"]["clinical"]
    assert changes["outcome-figure"]["old"].startswith("about 90%") and changes["outcome-figure"]["new"].startswith(
        "about 80%")


def test_the_diff_leaves_a_moved_group_out_of_the_clinical_changes(tmp_path: Path) -> None:
    old = risky()
    new = copy.deepcopy(old)
    new["risks"][0]["group"] = "operation"
    result = diff(tmp_path, old, new)
    assert result.code == 0, result
    [change] = json.loads(result.stdout)["changes"]
    assert (change["kind"], change["clinical"]) == ("risk-group", False)


@pytest.mark.parametrize(("text", "expected"), [
    ("up to 1 in 20", {"rate": {"kind": "up-to", "percent": 5}, "band": "common"}),
    ("less than 1 in 100", {"rate": {"kind": "less-than", "percent": 1}, "band": "uncommon"}),
    ("more than 9 in 10", {"rate": {"kind": "more-than", "percent": 90}, "band": "very common"}),
    ("at least 1 in 20", {"rate": {"kind": "at-least", "percent": 5}, "band": "common"}),
    ("about 1 in 100", {"rate": {"kind": "about", "percent": 1}, "band": "common"}),
    ("5 to 20 %", {"rate": {"kind": "between", "percent_from": 5, "percent_to": 20}}),  # no one band
])
def test_import_writes_v2_frequencies(text: str, expected: dict[str, Any]) -> None:
    assert imported_frequency(text) == expected


def test_import_keeps_a_bare_word_as_a_band_with_a_todo_note() -> None:
    found = imported_frequency("This is rare.")
    assert found is not None and set(found) == {"band", "note"} and found["band"] == "rare"
    assert found["note"].startswith("TODO:") and "what the word rests on" in found["note"]


def test_a_draft_finding_at_an_outcome_or_the_introduction_is_shown_where_they_are() -> None:
    """A finding at /outcomes/… is a note under the benefits heading; one at the introduction marks its text."""
    from leaflets.render.marks import DraftFinding, mark

    leaflet = model(risky())
    marks = mark(leaflet, [DraftFinding("LN001", "error", "band", "/outcomes/0/frequency/band"),
                           DraftFinding("LC001", "error", "claim", "/risks_introduction/0", index=0)])
    assert [f.code for f in marks.notes.get("benefits", ())] == ["LN001"]
    assert "risks" not in marks.notes
    assert [span.code for span in marks.leaflet.risks_introduction[0].text.spans] == ["LC001"]  # marked in place
    assert [listed.section for listed in marks.listed] == ["benefits", "risks"]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 640, 320])
def test_serious_groups_introduction_and_outcomes_pass_axe(browser: Any, tmp_path: Path, width: int) -> None:
    """The new parts of the page (labels in headings and row headers, sub-headings, the outcomes table) keep
    the page at zero axe violations and zero incomplete, with no sideways scroll at 320 px."""
    from test_web import check_page, serve, write_site

    for language in ("en", "cy"):
        data = risky() | {"language": language}
        write_site(tmp_path / language, [model(data)], load_brand("default"))
        with serve(tmp_path / language) as base:
            seen = check_page(browser, base + f"sample.{language}.html", width)
        assert ("Difrifol:" if language == "cy" else "Serious:") in seen["page"]


@pytest.mark.slow
def test_the_pdfs_carry_the_labels_groups_and_outcomes_and_pass_preflight(tmp_path: Path) -> None:
    """Print and screen PDFs from the shared template: the same words, tagged for PDF/UA, press-ready."""
    import importlib
    import re
    import subprocess

    import pikepdf

    data = json.loads((ROOT / "content" / "pars-defect-repair" / "en.json").read_text(encoding="utf-8"))
    data.pop("further_information", None)  # alone in its folder: the leaflets it names are not beside it (LM010)
    data["outcomes"] = [OUTCOME]  # a test fixture: no source page gives a benefit figure
    path = tmp_path / "content" / data["id"] / "en.json"
    shutil.copytree(ROOT / "content" / data["id"], path.parent)  # with its figures
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", path, "--out", out)
    assert result.code == 0, result
    for profile in ("screen", "print"):
        pdf = out / f"{data['id']}.en.{profile}.pdf"
        text = re.sub(r"\s+", " ", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                  check=True).stdout)
        assert "About 9 in 10 people" in text and "have less leg pain a year later" in text, profile
        assert "Serious: Paralysis" in text and "Risks of this operation" in text, profile
        assert text.index("Risks are not the same for everyone") < text.index("General risks of an operation")
    with pikepdf.open(out / f"{data['id']}.en.screen.pdf") as document:
        assert "/StructTreeRoot" in document.Root
    report = importlib.import_module("page").validate_pdf(str(out / f"{data['id']}.en.screen.pdf"), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
    preflight = run_cli("preflight", out)
    assert preflight.code == 0, preflight


GARBAGE = [None, 7, -1, 0, 1e308, True, "", "often", [], [1], {}, {"kind": "about"}, {"kind": "between", "percent": 5},
           {"kind": "up-to", "percent": "5"}, {"kind": "more-than", "percent": 0},
           {"kind": "at-least", "percent": 1e-300}, {"kind": ["about"], "percent": 5},
           {"kind": "about", "percent": 5, "extra": 1}]


@pytest.mark.parametrize("value", GARBAGE, ids=repr)
def test_the_draft_reader_never_raises_on_any_frequency(value: Any) -> None:
    """A draft renders whatever a writer has typed so far: every part of a frequency may be anything."""
    data = risky()
    for key in ("rate", "per", "within", "band", "note"):
        data["risks"][0]["frequency"][key] = value
    data["risks"][1]["frequency"] = value
    data["risks"][2]["frequency"] = {"rate": value, "band": "rare"}
    data["outcomes"][0] = {"outcome": value, "frequency": {"rate": value, "per": value}}
    data["risks"][3].update(serious=value, group=value)
    data["risks_introduction"] = value
    leaflet = model(data, draft=True)
    assert len(leaflet.risks) == 4 and all(isinstance(r.frequency.words, str) for r in leaflet.risks)
    render_web(leaflet, load_brand("default"), draft=True)
    render_text(leaflet, load_brand("default"), draft=True)


def test_no_rule_crashes_on_any_frequency_risk_or_outcome(tmp_path: Path) -> None:
    """Every rule reads frequencies, serious flags, groups and outcomes of any shape without a crash (LX001):
    one validate run over a leaflet per kind of garbage."""
    for index, value in enumerate(GARBAGE):
        def edit(data: dict[str, Any], value: Any = value) -> None:
            data["risks"][0]["frequency"] = {"rate": value, "per": value, "within": value, "band": value, "note": value}
            data["risks"][1].update(serious=value, group=value, frequency=value)
            data["outcomes"] = [{"outcome": value, "frequency": {"rate": value, "band": "rare"}}, value]
            data["risks_introduction"] = value

        write_leaflet(tmp_path / str(index), edit)
    result = run_cli("validate", "--format", "json", tmp_path, env=TODAY)
    assert result.code == 1, result
    findings = json.loads(result.stdout)["findings"]
    assert len({f["file"] for f in findings}) == len(GARBAGE)
    assert [f for f in findings if f["code"] == "LX001"] == []
