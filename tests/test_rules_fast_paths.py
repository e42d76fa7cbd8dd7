"""The short cuts that keep the LN and LM rules cheap (issue 11's budget) must find what the plain way
finds: a figure in ASCII text is matched lower-cased without re.IGNORECASE, digits are looked for by
substring searches for 0-9 (other scripts' digits by a scan of the text outside ASCII only), and a
checklist synonym is tried only where its text is. Each test takes a case one of them could miss."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_cli

from leaflets.rules import material
from leaflets.rules.numbers import figures


@pytest.mark.parametrize("text", [
    "About 1 In 20 People get this.",
    "It happens to LESS THAN 5 PER CENT of people.",
    "Between 5% AND 10% of operations, Up To 1 in 1,000 people.",
    "More Than 9 in 10 people, at LEAST 1 in 20, Approximately 2 Percent.",
])
def test_figures_in_ascii_text_are_those_found_case_blind(text):
    """A character outside ASCII sends ``figures`` down the re.IGNORECASE way; the figures (and their
    text, as written, for messages) must be the same either way."""
    ascii_way = figures(text)
    other_way = figures(text + " ’")
    assert ascii_way and ascii_way == other_way
    assert all(f.text == text[f.start:f.start + len(f.text)] for f in ascii_way)  # the writer's case, not lower


def _leaflet(tmp_path, description: str):
    data = json.loads((ROOT / "content" / "spinal-fusion" / "en.json").read_text(encoding="utf-8"))
    data["risks"][0]["description"] = [description]  # a risk whose frequency has no rate (LN007)
    folder = tmp_path / "spinal-fusion"
    folder.mkdir()
    path = folder / "en.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def test_a_figure_in_another_scripts_digits_is_still_found(tmp_path):
    """No digit 0-9 in the sentence: only the scan for other digits can bring it to the figure rules."""
    result = run_cli("validate", _leaflet(tmp_path, "This happens to about ৩ in ১০০ people."))
    assert "LN007" in result.stdout and "৩ in ১০০" in result.stdout, result


def test_a_figure_in_ascii_digits_is_found(tmp_path):
    result = run_cli("validate", _leaflet(tmp_path, "This happens to About 3 In 100 people."))
    assert "LN007" in result.stdout and "About 3 In 100" in result.stdout, result


@pytest.mark.parametrize("text,found", [
    ("the duration is short, and the dura can be opened.", True),  # the first "dura" is in a word
    ("the duration is short; endurance matters.", False),
    ("the operation can damage the bladder.", True),
])
def test_a_synonym_is_found_after_its_text_appears_inside_a_longer_word(text, found):
    spine = {r.id: r for r in material.families()["spine"].risks}
    risk = "dural-tear" if "dura" in text else "bladder-bowel"
    assert spine[risk].mentioned([text]) is found
