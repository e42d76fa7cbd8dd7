"""The held-out corpus: leaflets written after the rules were tuned, with expected findings decided by
reading them (tests/fixtures/corpus-heldout/README.md). Unlike tests/test_corpus.py, which demands the
tuned corpus match exactly, this measures precision and recall the way bench/precision.py does (one
real `leaflets validate` run) and holds them to a floor: the honest figure for text the rules were not
fitted to. The README says why the floor is where it is and what was changed after looking."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import FIXTURES, ROOT

HELD_OUT = FIXTURES / "corpus-heldout"
TUNED = FIXTURES / "corpus"
LEAFLETS = sorted(p.parent.name for p in HELD_OUT.glob("*/en.json"))
# Measured on the last run (README.md, "Results"): precision 86.7 %, recall 92.9 % overall. The goal is
# 90 % for both; precision is short of it because of LR001 (a grade formula, not the editor's test) and
# four explanations LR006 does not recognise. The floor is the measure, so any regression fails.
MIN_PRECISION = 0.86
MIN_RECALL = 0.92


def _precision_module():
    spec = importlib.util.spec_from_file_location("precision", ROOT / "bench" / "precision.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_held_out_corpus_is_big_enough_and_new():
    assert len(LEAFLETS) >= 4, LEAFLETS
    assert not set(LEAFLETS) & {p.parent.name for p in TUNED.glob("*/en.json")}  # procedures not tuned on
    for name in LEAFLETS:
        assert (HELD_OUT / name / "expected.json").is_file(), name


@pytest.mark.parametrize("leaflet", LEAFLETS)
def test_expected_lines_hold_the_text_they_name(leaflet):
    lines = (HELD_OUT / leaflet / "en.json").read_text(encoding="utf-8").splitlines()
    entries = json.loads((HELD_OUT / leaflet / "expected.json").read_text(encoding="utf-8"))
    wrong = [f"{leaflet}/en.json:{e['line']}: {e['code']} expects {e['at']!r} on this line"
             for e in entries if not (0 < e["line"] <= len(lines) and e["at"] in lines[e["line"] - 1])]
    assert not wrong, "\n".join(wrong)


def test_precision_and_recall_on_the_held_out_corpus_stay_at_their_floor(capsys):
    precision = _precision_module()
    true, false_pos, false_neg = precision.compare(precision.expected(HELD_OUT), precision.found(HELD_OUT))
    report = "\n".join([*precision.table(true, false_pos, false_neg),
                        *precision.leftovers("false positives", false_pos, HELD_OUT),
                        *precision.leftovers("false negatives", false_neg, HELD_OUT)])
    with capsys.disabled():
        print("\nheld-out corpus:\n" + report)
    right, found, wanted = sum(true.values()), sum(true.values()) + sum(false_pos.values()), \
        sum(true.values()) + sum(false_neg.values())
    assert not [key for key in false_pos if key[1][:2] in ("LF", "LS")], report  # every leaflet is schema-valid
    assert right / found >= MIN_PRECISION, f"precision {right / found:.3f} < {MIN_PRECISION}\n{report}"
    assert right / wanted >= MIN_RECALL, f"recall {right / wanted:.3f} < {MIN_RECALL}\n{report}"
