"""The text-hygiene rules (LH001-LH014) are cheap to run, and their shortcuts never cost a finding.

They skip their work when a cheap test of the whole leaflet shows they cannot fire (one search per
mark or word that starts with a literal, ``str.isprintable``, one search over all the printed strings
at once; leaflets/rules/hygiene.py). Such a test must never skip a finding: these leaflets sit on the
edges of those tests (a run of marks with no space before any mark, a mark found only by its own
search, a non-printable character that is allowed beside one that is not, a placeholder only outside
the prose), validated through the real CLI. And a paragraph with thousands of findings stays linear.
"""

from __future__ import annotations

import json
import time
import unicodedata
from typing import Any

import pytest
from conftest import FIXTURES, run_cli

BASE = FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the base leaflet's dates are set against this day

# leaflet name -> {JSON pointer: new value}, each applied to the clean base leaflet
LEAFLETS: dict[str, dict[str, Any]] = {
    "order": {
        "/procedure/0": "It is done under general anaesthetic.Your hand is numb; rest it,then raise it.Keep it dry.",
        "/procedure/1": "The cut is shown below. See the diagram, and figure 2 for the stitches.",
        "/recovery/0": "Carpal tunnel release Most people go home the same day.",
    },
    "pictures": {"/procedure/1": "See the diagram, then figure 2, then the picture opposite."},
    "run-only": {"/procedure/0": "Keep it dry:; and clean.", "/benefits/0": "Most people sleep better\u00a0soon."},
    "space-only": {"/procedure/0": "Is it sore ? Call the clinic."},
    "invisible": {"/procedure/0": "Call the ward\u00a0first.",
                  "/sources/0/title": "Test source\u200b for rule fixtures"},
    "printed": {"/sources/0/title": "TODO: the source's title", "/sources/0/url": "https://example.org/todo",
                "/approval/role": "Back to top", "/authors/0/name": "Test test writers"},
    "brackets": {"/procedure/0": "Rest your hand [for a week.", "/procedure/1": 'Say "stop if it hurts.'},
}


def _set(data: Any, pointer: str, value: Any) -> None:
    *parents, last = pointer.split("/")[1:]
    for token in parents:
        data = data[int(token)] if isinstance(data, list) else data[token]
    data[int(last) if isinstance(data, list) else last] = value


@pytest.fixture(scope="module")
def findings(tmp_path_factory) -> dict[str, list[dict[str, Any]]]:
    """Every leaflet above written out and validated in one CLI run: its LH findings, by leaflet name."""
    root = tmp_path_factory.mktemp("hygiene-pretests")
    where = {}
    for name, edits in LEAFLETS.items():
        data = json.loads(BASE.read_text(encoding="utf-8"))
        for pointer, value in edits.items():
            _set(data, pointer, value)
        target = root / name / "carpal-tunnel-release" / "en.json"
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        where[f"{name}/carpal-tunnel-release/en.json"] = name
    result = run_cli("validate", "--format", "json", ".", cwd=root, env=TODAY)
    assert result.code in (0, 1), result
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in LEAFLETS}
    for finding in json.loads(result.stdout)["findings"]:
        if finding["code"].startswith("LH"):
            out[where[finding["file"]]].append(finding)
    return out


def _codes(found: list[dict[str, Any]], code: str) -> list[str]:
    return [f["message"] for f in found if f["code"] == code]


def test_missing_spaces_after_each_kind_of_mark_are_all_found(findings):
    messages = _codes(findings["order"], "LH003")
    assert len(messages) == 3, findings["order"]
    assert ["anaesthetic.Your" in messages[0], "it,then" in messages[1], "it.Keep" in messages[2]] == [True] * 3


@pytest.mark.parametrize("name,pointers", [("order", ["shown below", "See the diagram", "figure 2"]),
                                           ("pictures", ["See the diagram", "figure 2", "picture opposite"])])
def test_each_picture_word_is_searched_for(findings, name, pointers):
    """With a showing word ("shown") and without one: the rule searches the two ways."""
    messages = _codes(findings[name], "LH013")
    assert [message.split('" points')[0].lstrip('"') for message in messages] == pointers, messages


def test_a_title_pasted_once_into_the_prose_is_found(findings):
    assert len(_codes(findings["order"], "LH006")) == 1, findings["order"]


def test_a_run_of_marks_with_no_space_before_any_mark_is_found(findings):
    assert _codes(findings["run-only"], "LH014") == ['":;" is a run of punctuation marks: keep one']


def test_a_space_before_a_question_mark_alone_is_found(findings):
    assert _codes(findings["space-only"], "LH014") == ['a space before "?": remove it']


def test_an_allowed_non_printable_space_does_not_hide_a_forbidden_one(findings):
    assert not "\u00a0".isprintable() and unicodedata.category("\u00a0") == "Zs"  # the edge the test sits on
    assert not _codes(findings["run-only"], "LH011")  # a no-break space alone: allowed
    found = [f for f in findings["invisible"] if f["code"] == "LH011"]
    assert [(f["pointer"], f["message"].startswith("an invisible character U+200B")) for f in found] == \
        [("/sources/0/title", True)], found


def test_printed_strings_outside_the_prose_are_checked(findings):
    found = {(f["code"], f["message"].split(":")[0]) for f in findings["printed"]}
    assert ("LH001", 'placeholder "todo"') in found, findings["printed"]
    assert ("LH002", 'web-page leftover "Back to top"') in found, findings["printed"]
    assert ("LH004", '"test" appears twice in a row') in found or \
        ("LH004", '"Test" appears twice in a row') in found, findings["printed"]
    assert len(_codes(findings["printed"], "LH001")) == 1  # the address's "todo" is LH008's business, not LH001's


def test_brackets_and_quotes_of_a_leaflet_without_round_brackets_are_checked(findings):
    messages = _codes(findings["brackets"], "LH007")
    assert '"[" is never closed: add "]"' in messages and 'a double quotation mark (") is never closed' in messages


def test_a_long_paragraph_full_of_missing_spaces_is_checked_in_linear_time(tmp_path):
    """LH003 once split and searched all the text before each missing space (for a web address the mark
    might be in): 10,000 of them in one paragraph took 9 s. It now reads only the word around each mark
    (0.3 s for the whole run)."""
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["procedure"][0] = "Rest the hand.Then " * 10_000
    target = tmp_path / "carpal-tunnel-release" / "en.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    began = time.monotonic()
    result = run_cli("validate", target, cwd=tmp_path, env=TODAY)
    elapsed = time.monotonic() - began
    assert result.code == 1 and 'LH003 warning: no space after "." in "hand.Then"' in result.stdout, result
    assert elapsed < 4, f"{elapsed:.1f} s"
