"""Provenance of figures (LN008–LN012), through the real CLI on a leaflet in a temporary folder with a
source's text copy beside it: the quote must be in the copy, the figure in the quote, the cited source
in the list, and the copy a readable UTF-8 file inside the leaflet's folder. Every bad case is a
finding with a place, never a traceback; a project can make an uncited figure an error in its config."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, run_cli

from leaflets.rules.provenance import MAX_COPY_BYTES

BASE = FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}
PAGE = ("Carpal tunnel release: risks\n"
        "Wound infection (a test figure): about 2 in 100 operations.\n"
        "A tender scar is common in the first weeks.\n")


def leaflet(tmp_path: Path, *, quote: str = "Wound infection (a test figure): about 2 in 100 operations.",
            source: int = 1, copy: str = "sources/page.txt", page: str | bytes | None = PAGE,
            change: Any = None) -> Path:
    """The rule fixtures' base leaflet in tmp_path/carpal-tunnel-release/, its first figure citing
    ``source`` with ``quote``, that source's copy at ``copy`` holding ``page`` (none when None)."""
    folder = tmp_path / "carpal-tunnel-release"
    (folder / "sources").mkdir(parents=True)
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["sources"][0]["copy"] = copy
    data["risks"][0]["frequency"]["cite"] = {"source": source, "quote": quote}
    if change:
        change(data)
    (folder / "en.json").write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    if page is not None:
        target = folder / copy
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(page, bytes):
            target.write_bytes(page)
        else:
            target.write_text(page, encoding="utf-8")
    return folder / "en.json"


def findings(path: Path, *args: str) -> tuple[int, list[dict[str, Any]], str]:
    result = run_cli("validate", "--format", "json", *args, path, env=TODAY)
    assert "Traceback" not in result.stderr, result
    assert result.code in (0, 1), result
    return result.code, json.loads(result.stdout)["findings"], result.stderr


def codes(found: list[dict[str, Any]]) -> list[str]:
    return [f["code"] for f in found]


def test_a_quote_in_the_copy_with_the_figure_passes(tmp_path):
    code, found, _ = findings(leaflet(tmp_path))
    assert code == 0 and found == [], found


def test_a_quote_differing_only_in_spaces_curly_quotes_and_dashes_passes(tmp_path):
    page = 'Wound infection ("a test figure") -\n   about 2 in 100 operations.\n'
    code, found, _ = findings(leaflet(tmp_path, page=page,
                                      quote="Wound infection (“a test figure”) – about 2 in 100 operations."))
    assert code == 0 and found == [], found


def test_a_quote_not_in_the_copy_is_an_error_naming_the_copy_and_where_it_differs(tmp_path):
    code, found, _ = findings(leaflet(tmp_path, quote="Wound infection (a test figure): about 2 in 100 people."))
    assert code == 1 and codes(found) == ["LN011"], found
    assert found[0]["pointer"] == "/risks/0/frequency/cite/quote"
    assert "sources/page.txt" in found[0]["message"] and "about 2 in 100" in found[0]["message"]
    assert found[0]["line"] > 1  # placed at the quote, not at the top of the file


def test_capitals_must_match(tmp_path):
    code, found, _ = findings(leaflet(tmp_path, quote="wound infection (a test figure): about 2 in 100 operations."))
    assert codes(found) == ["LN011"], found


def test_a_quote_without_the_figure_is_an_error(tmp_path):
    code, found, _ = findings(leaflet(tmp_path, quote="A tender scar is common in the first weeks."))
    assert code == 1 and codes(found) == ["LN012"], found
    assert "about 2 %" in found[0]["message"]


def test_a_less_than_figure_needs_the_bound_in_the_quote(tmp_path):
    def less_than(data):
        data["risks"][0]["frequency"]["rate"] = {"kind": "less-than", "percent": 1}
        data["risks"][0]["frequency"]["band"] = "uncommon"

    page = "Infection: Less than 1%\nInfection is seen in 1% of cases.\n"
    _, good, _ = findings(leaflet(tmp_path / "a", page=page, quote="Infection: Less than 1%", change=less_than))
    _, bad, _ = findings(leaflet(tmp_path / "b", page=page, quote="Infection is seen in 1% of cases.",
                                 change=less_than))
    assert codes(good) == [] and codes(bad) == ["LN012"], (good, bad)


def test_a_source_number_past_the_list_is_an_error(tmp_path):
    code, found, _ = findings(leaflet(tmp_path, source=3))
    assert code == 1 and codes(found) == ["LN009"], found
    assert found[0]["pointer"] == "/risks/0/frequency/cite/source" and "lists 1 source" in found[0]["message"]


def test_a_copy_that_links_outside_the_folder_is_refused(tmp_path):
    outside = tmp_path / "elsewhere.txt"
    outside.write_text(PAGE, encoding="utf-8")
    path = leaflet(tmp_path, page=None)
    os.symlink(outside, path.parent / "sources" / "page.txt")
    code, found, _ = findings(path)
    assert code == 1 and codes(found) == ["LN010"], found
    assert "outside the leaflet's folder" in found[0]["message"] and found[0]["pointer"] == "/sources/0/copy"


def test_a_parent_path_is_refused_without_reading_it(tmp_path):
    (tmp_path / "secret.txt").write_text(PAGE, encoding="utf-8")
    code, found, _ = findings(leaflet(tmp_path, copy="../secret.txt", page=None))
    assert code == 1 and "LN010" in codes(found), found  # the schema's pattern also refuses it (LS)
    assert "inside the leaflet's folder" in next(f for f in found if f["code"] == "LN010")["message"]


@pytest.mark.parametrize("page,says", [
    (None, "does not exist"),
    (b"Wound infection \xff about 2 in 100 operations.\n", "not UTF-8"),
    (b"x" * (MAX_COPY_BYTES + 1), "limit"),
])
def test_a_missing_broken_or_huge_copy_is_a_finding_not_a_traceback(tmp_path, page, says):
    code, found, _ = findings(leaflet(tmp_path, page=page))
    assert code == 1 and codes(found) == ["LN010"], found
    assert says in found[0]["message"] and "sources/page.txt" in found[0]["message"]


def test_an_uncited_figure_is_a_note_by_default_and_an_error_when_the_project_says_so(tmp_path):
    def uncited(data):
        del data["risks"][0]["frequency"]["cite"]

    path = leaflet(tmp_path, change=uncited)
    code, found, _ = findings(path)
    assert code == 0 and [(f["code"], f["severity"]) for f in found] == [("LN008", "info")], found
    config = tmp_path / "leaflets.toml"
    config.write_text('[severity]\nLN008 = "error"\n', encoding="utf-8")
    code, found, _ = findings(path, "--config", str(config))
    assert code == 1 and [(f["code"], f["severity"]) for f in found] == [("LN008", "error")], found


def test_a_bad_severity_in_the_config_is_a_usage_error(tmp_path):
    config = tmp_path / "leaflets.toml"
    config.write_text('[severity]\nLN008 = "fatal"\nLZ999 = "error"\n', encoding="utf-8")
    result = run_cli("validate", "--config", config, BASE, env=TODAY)
    assert result.code == 2 and "Traceback" not in result.stderr, result
    assert "LN008 must be" in result.stderr and "LZ999" in result.stderr, result.stderr


def test_the_shipped_cement_leaflet_traces_every_figure_to_its_source_copy(tmp_path):
    """Every figure of the cement-augmented leaflet cites the copy of the page it comes from, and the
    check holds: the shipped leaflet passes, and the same leaflet with one figure changed fails."""
    shipped = ROOT / "content" / "cement-augmented-spinal-surgery"
    data = json.loads((shipped / "en.json").read_text(encoding="utf-8"))
    rated = [r for r in data["risks"] if "rate" in r["frequency"]]
    assert len(rated) == 4 and all("cite" in r["frequency"] for r in rated)
    code, found, _ = findings(shipped / "en.json")
    assert not [f for f in found if f["code"] in ("LN008", "LN009", "LN010", "LN011", "LN012")], found
    copy = tmp_path / "cement-augmented-spinal-surgery"
    shutil.copytree(shipped, copy)
    text = (copy / "en.json").read_text(encoding="utf-8")
    (copy / "en.json").write_text(text.replace('"percent_from": 5, "percent_to": 10', '"percent_from": 5, '
                                               '"percent_to": 15'), encoding="utf-8")
    _, found, _ = findings(copy / "en.json")
    assert "LN012" in codes(found), found


@pytest.mark.parametrize("rate,quote,states", [
    ({"kind": "about", "percent": 5}, "about one in twenty people", True),
    ({"kind": "about", "percent": 5}, "5 per cent of people", True),
    ({"kind": "about", "percent": 5}, "5 % of people", True),
    ({"kind": "about", "percent": 0.1}, "one in a thousand operations", True),
    ({"kind": "about", "percent": 0.1}, "1 in 1,000 operations", True),
    ({"kind": "about", "percent": 33}, "1 in 3 children", True),
    ({"kind": "about", "percent": 1}, "10% of people", False),
    ({"kind": "about", "percent": 1}, "less than 1% of people", False),  # a bound is not "about"
    ({"kind": "less-than", "percent": 1}, "Neurological complications: Less than 1%.", True),
    ({"kind": "less-than", "percent": 1}, "rarer (< 1 %)", True),
    ({"kind": "less-than", "percent": 1}, "seen in 1% of cases", False),
    ({"kind": "more-than", "percent": 90}, "more than 9 in 10 people", True),
    ({"kind": "between", "percent_from": 5, "percent_to": 10}, "occurring in 5-10% of cases", True),
    ({"kind": "between", "percent_from": 5, "percent_to": 10}, "between 1 in 20 and 1 in 10 operations", True),
    ({"kind": "between", "percent_from": 5, "percent_to": 10}, "5 to 10 in every 100 people", True),
    ({"kind": "between", "percent_from": 5, "percent_to": 10}, "symptomatic leaks are much rarer (less than 1%)",
     False),
    ({"kind": "about", "percent": 3.3}, "stitches come out 1 in 30 days", False),  # a time, not a frequency
])
def test_the_figure_is_found_in_the_quote_in_the_ways_sources_write_it(rate, quote, states):
    """LN012's reading of a quote: percentages, natural frequencies in digits or words, bounds and ranges."""
    from leaflets.rules.provenance import figure_in

    assert figure_in(rate, quote) is states
