"""Bilingual print for Wales (``leaflets build --bilingual en,cy``, leaflets.bilingual): one PDF with the
leaflet in Welsh and English side by side, each passage tagged with its language, refused when the
translation is not pinned or has gone stale, and passing the same preflight as every print PDF."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import ROOT, brand_copy, run_cli, struct_elements

from leaflets import bilingual, content
from leaflets.build import load_brand
from leaflets.errors import BuildError
from leaflets.i18n import interface
from leaflets.incremental import request_key
from leaflets.preflight.layout import Line, Word, _single_row, _tables
from leaflets.render import bilingual as bilingual_html
from leaflets.workers import Partner, RenderRequest, model_or_failure

PAIR = "spinal-fusion"
ONE_LANGUAGE = "pars-defect-repair"  # shipped in English only
WEB_BASE = "https://leaflets.example.nhs.wales/"


def _content_copy(tmp_path: Path) -> Path:
    """The whole shipped content/ (leaflets name each other as related, so one alone has errors)."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def _edit(path: Path, change: Any) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _words(text: str) -> set[str]:
    """Every run of letters (so "Sgil-effeithiau'r" broken at its hyphen still counts as whole)."""
    return set(re.findall(r"[^\W\d_]+", text))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any, Path]:
    """One real build: the Welsh and English Spinal fusion leaflet and an English-only one, --bilingual en,cy,
    with a brand that publishes the web pages (so each column has its own QR code and address)."""
    tmp = tmp_path_factory.mktemp("bilingual")
    folder = _content_copy(tmp)
    out = tmp / "dist"
    brand = brand_copy(tmp, lambda data: data.update(web_base=WEB_BASE))
    result = run_cli("build", folder / PAIR, folder / ONE_LANGUAGE, "--out", out, "--bilingual", "en,cy",
                     "--format", "pdf", "--profile", "screen,print", "--brand", brand, timeout=600)
    return out, result, folder


@pytest.mark.slow
def test_bilingual_build_writes_one_pdf_per_profile_and_lists_both_languages(built) -> None:
    out, result, folder = built
    assert result.code == 0, result
    for profile in ("print", "screen"):
        assert (out / f"{PAIR}.cy-en.{profile}.pdf").is_file(), result
    assert not list(out.glob(f"{ONE_LANGUAGE}.*-*.pdf"))  # no partner: no bilingual file
    assert f"{ONE_LANGUAGE}/en.json: no cy leaflet with id '{ONE_LANGUAGE}' was given" in result.stderr, result
    entries = {e["path"]: e for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]}
    entry = entries[f"{PAIR}.cy-en.print.pdf"]
    assert entry["languages"] == ["cy", "en"] and entry["language"] == "cy-en"
    for side, language in zip(entry["bilingual"], ("cy", "en"), strict=True):
        text = (folder / PAIR / f"{language}.json").read_text(encoding="utf-8")
        data = json.loads(text)
        assert side["language"] == language and side["version"] == data["version"]
        assert side["source_sha256"] == hashlib.sha256(text.encode("utf-8")).hexdigest()
        assert side["source"].endswith(f"{PAIR}/{language}.json")
    assert entry["translation_of"]["language"] == "en"
    assert entry["preflight"]["errors"] == 0
    assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]


@pytest.mark.slow
def test_both_languages_text_is_in_the_print_pdf_with_whole_words(built) -> None:
    """Both leaflets' own words and each language's interface words are printed; no word is cut in two to
    fit a half-width table column (the first render printed "anaestheti" / "g" in the Welsh risk table)."""
    out, result, folder = built
    assert result.code == 0, result
    text = subprocess.run(["pdftotext", str(out / f"{PAIR}.cy-en.print.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    words = _words(text)
    for language in ("cy", "en"):
        data = json.loads((folder / PAIR / f"{language}.json").read_text(encoding="utf-8"))
        assert " ".join(data["title"].split()) in " ".join(text.split())
        for heading in ("Risks", "Contact us", "About this leaflet"):
            assert interface(language).text(heading) in text
        address = re.sub(r"[\s-]", "", f"{WEB_BASE}{PAIR}.{language}.html")  # as pdftotext joins a wrapped one
        assert address in re.sub(r"[\s-]", "", text)  # each column points to its own language's web page
        for risk in data["risks"]:
            missing = _words(risk["name"]) - words
            assert not missing, f"{language} risk {risk['name']!r}: {missing} not printed whole"


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["print", "screen"])
def test_every_passage_is_tagged_with_its_language(built, profile: str) -> None:
    out, result, _folder = built
    assert result.code == 0, result
    with pikepdf.open(out / f"{PAIR}.cy-en.{profile}.pdf") as pdf:
        assert str(pdf.Root.Lang) == "cy"  # Welsh first
        elements = [(str(element.S), language) for element, language in struct_elements(pdf)]
    passages = [(kind, language) for kind, language in elements if kind in ("/P", "/H1", "/H2", "/LI", "/TD")]
    assert {language for _kind, language in passages} == {"cy", "en"}
    assert [language for kind, language in passages if kind == "/H1"] == ["cy", "en"]  # Welsh left, read first
    headings = {language: sum(1 for kind, lang in passages if kind == "/H2" and lang == language)
                for language in ("cy", "en")}
    assert headings["cy"] == headings["en"] > 10  # every section in both
    paragraphs = {language: sum(1 for kind, lang in passages if kind == "/P" and lang == language)
                  for language in ("cy", "en")}
    assert min(paragraphs.values()) > 40


@pytest.mark.slow
def test_the_bilingual_pdfs_pass_preflight_as_the_cli_runs_it(built) -> None:
    out, result, _folder = built
    assert result.code == 0, result
    for profile in ("print", "screen"):
        checked = run_cli("preflight", "--profile", profile, out / f"{PAIR}.cy-en.{profile}.pdf")
        assert checked.code == 0 and "no problems found" in checked.stdout, checked


def _unpin(data: dict) -> None:
    del data["translation_of"]


def _stale(data: dict) -> None:  # the English source reworded after the Welsh was pinned
    data["summary"] = data["summary"] + " Ask us anything."


@pytest.mark.slow
@pytest.mark.parametrize(("file", "change", "words"), [
    ("cy.json", _unpin, "not pinned to its source"),
    ("en.json", _stale, "LT002"),
])
def test_a_translation_not_pinned_or_stale_is_never_printed_beside_its_source(tmp_path: Path, file, change,
                                                                              words) -> None:
    folder = _content_copy(tmp_path)
    _edit(folder / PAIR / file, change)
    out = tmp_path / "dist"
    result = run_cli("build", folder / PAIR, "--out", out, "--bilingual", "en,cy", "--format", "pdf",
                     "--profile", "print")
    assert result.code == 1, result
    assert words in result.stderr and f"{PAIR}.cy-en PDFs were not made" in result.stderr, result
    assert "Traceback" not in result.stderr
    assert not list(out.glob("*cy-en*"))
    listed = [e["path"] for e in json.loads((out / "manifest.json").read_text(encoding="utf-8"))["outputs"]]
    assert not [path for path in listed if "cy-en" in path]


@pytest.mark.slow
def test_no_leaflet_in_both_languages_exits_2_naming_the_missing_file(tmp_path: Path) -> None:
    folder = _content_copy(tmp_path)
    (folder / PAIR / "cy.json").unlink()
    result = run_cli("build", folder / PAIR, "--out", tmp_path / "dist", "--bilingual", "en,cy")
    assert result.code == 2, result
    assert f"{PAIR}/cy.json" in result.stderr and "no leaflet was given in both cy and en" in result.stderr, result
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("args", "words"), [
    (["--bilingual", "en"], "two different language codes"),
    (["--bilingual", "en,en"], "two different language codes"),
    (["--bilingual", "en,cy,fr"], "two different language codes"),
    (["--bilingual", "en,cy", "--format", "html"], "ask for pdf in --format"),
    (["--bilingual", "en,cy", "--profile", "large-print"], "screen or print in --profile"),
    (["--bilingual", "en,cy", "--brand", "example-hospital"], "too narrow for Welsh and English side by side"),
])
def test_bilingual_usage_errors_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    result = run_cli("build", ROOT / "content" / PAIR, "--out", tmp_path / "dist", *args)
    assert result.code == 2 and words in result.stderr, result
    assert not (tmp_path / "dist" / "manifest.json").exists()


# --- the parts, without rendering ------------------------------------------------------------------

def test_welsh_goes_first_whatever_the_order_given() -> None:
    assert bilingual.parse("en,cy") == ("cy", "en")
    assert bilingual.parse(" cy , en ") == ("cy", "en")
    assert bilingual.parse("fr,en") == ("fr", "en")  # no Welsh: as given
    with pytest.raises(BuildError):
        bilingual.parse("en,../cy")


def _models() -> dict[str, Any]:
    models = {}
    for language in ("cy", "en"):
        doc = content.load(ROOT / "content" / PAIR / f"{language}.json")
        models[language] = model_or_failure(doc.data, doc.display, doc.text, draft=False)
        assert not isinstance(models[language], str), models[language]
    return models


def test_sections_pair_by_id_and_every_id_is_unique_in_the_document() -> None:
    models, brand = _models(), load_brand("default")
    columns = {language: bilingual_html.columns(models[language], brand, "print") for language in ("cy", "en")}
    assert list(columns["cy"]) == list(columns["en"])  # the same sections, in the same order
    assert {"risks", "contact", "about"} <= set(columns["cy"])
    ids = re.findall(r'\bid="([^"]+)"', "".join(str(html) for column in columns.values() for html in column.values()))
    assert len(ids) == len(set(ids)) and all(i.startswith(("cy-", "en-")) for i in ids)
    labelled = re.findall(r'aria-labelledby="([^"]+)"', str(columns["cy"]["risks"]))
    assert labelled == ["cy-risks-h"]
    welsh, english = columns["cy"], columns["en"]  # a section only one language has keeps its row
    assert bilingual_html.rows({"risks": welsh["risks"], "glossary": welsh["about"]}, {"risks": english["risks"]}) == [
        (welsh["risks"], english["risks"]), (welsh["about"], None)]


def test_the_print_html_tags_each_column_with_its_language() -> None:
    models, brand = _models(), load_brand("default")
    html = bilingual_html.render_print(models["cy"], models["en"], brand, profile="print")
    assert re.search(r'<html lang="cy"', html)
    columns = re.findall(r'<div class="column" lang="(cy|en)">', html)
    assert columns[:2] == ["cy", "en"] and columns.count("cy") == columns.count("en") > 10
    assert interface("cy").text("Risks") in html and ">Risks<" in html


def test_an_output_key_changes_with_the_partners_text() -> None:
    """The incremental build must render the bilingual PDF again when only the second language changes."""
    models = _models()
    request = RenderRequest("content/x/cy.json", models["cy"], "/brand", "print", False,
                            partner=Partner("content/x/en.json", models["en"]))
    other = RenderRequest("content/x/cy.json", models["cy"], "/brand", "print", False,
                          partner=Partner("content/x/en.json", models["cy"]))
    assert request.relative == f"{PAIR}.cy-en.print.pdf"
    assert request_key(request, "b") != request_key(other, "b")


def _word(text: str, x: float, top: float) -> Word:
    return Word(text, x, x + 20, top, top + 10, 12.0, False)


def test_layout_reads_two_tables_side_by_side_as_two_tables() -> None:
    """Header rows drawn level across two tables side by side were read as one row of one wide table,
    so PL005 said "a table has one body row on this page" of every bilingual risk table."""
    left, right = (60, 130, 300), (320, 390, 560)
    rules, words = [], []
    for columns, offset in ((left, 0), (right, 5)):  # the right table's rows fall at other heights
        edges = [(100, 130), (130, 200 + offset), (200 + offset, 260 + offset)]
        for top, bottom in edges:
            rules += [(x - 0.5, top, x + 0.5, bottom) for x in columns]
            words.append(_word("cell", columns[0] + 5, top + 5))
    tables = _tables(rules, [Line([w]) for w in words])
    assert sorted(t.columns for t in tables) == [left, right]
    assert all(len(t.rows) == 3 for t in tables)
    page = type("P", (), {"tables": tables, "number": 1})()
    assert not list(_single_row(page, [page]))  # type: ignore[arg-type]


@pytest.mark.slow
def test_a_figure_prints_in_each_column_in_cmyk_sized_to_the_column(tmp_path: Path) -> None:
    """A leaflet with a figure (the shipped pars diagram, placed in both languages) makes a bilingual print
    PDF: the figure appears once per column, in CMYK, no wider than a column."""
    folder = _content_copy(tmp_path)
    shutil.copy(ROOT / "content" / "pars-defect-repair" / "pars-defect-repair.svg", folder / PAIR / "diagram.svg")
    alts = {"en": "A side view of a bone of the lower back, showing the pars and a screw across a break in it.",
            "cy": "Golwg o'r ochr ar asgwrn yng ngwaelod y cefn, yn dangos y pars a sgriw ar draws toriad ynddo."}
    for language, alt in alts.items():
        _edit(folder / PAIR / f"{language}.json",
              lambda data, alt=alt: data["procedure"].insert(1, {"figure": {"file": "diagram.svg", "alt": alt}}))
    pinned = run_cli("translate-pin", folder / PAIR / "cy.json", "--from", "en")
    assert pinned.code == 0, pinned
    out = tmp_path / "dist"
    result = run_cli("build", folder / PAIR, "--out", out, "--bilingual", "en,cy", "--format", "pdf",
                     "--profile", "print", timeout=600)
    assert result.code == 0, result
    path = out / f"{PAIR}.cy-en.print.pdf"
    with pikepdf.open(path) as pdf:  # tagged: each column's figure with its own alt text and language
        figures = [(str(element.get("/Alt", "")), language) for element, language in struct_elements(pdf)
                   if element.S == "/Figure"]
    assert {(alt, language) for language, alt in alts.items()} <= set(figures), figures  # and the logo
    preflight = run_cli("preflight", path)  # CMYK only, fonts, bleed, and the layout check (no overlap)
    assert preflight.code == 0, preflight
