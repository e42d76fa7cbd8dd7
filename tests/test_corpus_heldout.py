"""The held-out corpus: leaflets written after the rules were tuned, with expected findings decided by
reading them (tests/fixtures/corpus-heldout/README.md). Unlike tests/test_corpus.py, which demands the
tuned corpus match exactly, this measures precision and recall the way bench/precision.py does (one
real `leaflets validate` run) and holds them to a floor: the honest figure for text the rules were not
fitted to. The README says why the floor is where it is and what was changed after looking.

tests/fixtures/corpus-heldout-2/ is a second held-out corpus, written once the first had been looked at, with
procedures no other corpus has and expectations frozen before its first run (its README): measured the same
way, with its own floor. tests/fixtures/corpus-heldout-3/ is a third, written the same way once the second had been
looked at (other procedures again: glaucoma, prostate, nose, foot and a child's circumcision), with its first run's
figures as its floor."""

from __future__ import annotations

import importlib.util
import json

import pytest
from conftest import FIXTURES, ROOT

HELD_OUT = FIXTURES / "corpus-heldout"
HELD_OUT_2 = FIXTURES / "corpus-heldout-2"
HELD_OUT_3 = FIXTURES / "corpus-heldout-3"
TUNED = FIXTURES / "corpus"
LEAFLETS = sorted(p.parent.name for p in HELD_OUT.glob("*/en.json"))
# Measured on the last run (README.md, "Results"): precision 98.6 %, recall 98.6 % overall, and at least
# 97 % in every family (tests/test_editor_judgements.py holds each family to the 90 % goal). The floor is
# the measure, so any regression fails.
MIN_PRECISION = 0.98
MIN_RECALL = 0.98
# The second held-out corpus (corpus-heldout-2/README.md, "Results"): 90.5 % / 95.0 % on its first run, frozen;
# 98.3 % / 95.0 % after four general faults it showed were fixed (LN004 on a benefit's figure, LN005 on a
# consequence's "rarely", LR001's "many long words" on long everyday sentences, a risk's group read as prose).
MIN_PRECISION_2 = 0.98
MIN_RECALL_2 = 0.95
# The third held-out corpus (corpus-heldout-3/README.md, "Results"): 93.7 % / 91.4 % on its first run, frozen;
# 97.5 % / 97.5 % after the faults it showed were fixed (risks_introduction and outcomes unread, "the figures
# below" taken for a picture, NHS Direct and its number twice, "cannot replace", a general anaesthetic).
MIN_PRECISION_3 = 0.97
MIN_RECALL_3 = 0.97
FLOORS = {HELD_OUT: (MIN_PRECISION, MIN_RECALL), HELD_OUT_2: (MIN_PRECISION_2, MIN_RECALL_2),
          HELD_OUT_3: (MIN_PRECISION_3, MIN_RECALL_3)}


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


@pytest.mark.parametrize("folder", [p.parent for corpus in FLOORS for p in sorted(corpus.glob("*/en.json"))],
                         ids=lambda folder: f"{folder.parent.name}/{folder.name}")
def test_expected_lines_hold_the_text_they_name(folder):
    leaflet = folder.name
    lines = (folder / "en.json").read_text(encoding="utf-8").splitlines()
    entries = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    wrong = [f"{leaflet}/en.json:{e['line']}: {e['code']} expects {e['at']!r} on this line"
             for e in entries if not (0 < e["line"] <= len(lines) and e["at"] in lines[e["line"] - 1])]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("corpus", list(FLOORS), ids=lambda corpus: corpus.name)
def test_precision_and_recall_on_the_held_out_corpus_stay_at_their_floor(corpus, capsys):
    min_precision, min_recall = FLOORS[corpus]
    precision = _precision_module()
    true, false_pos, false_neg = precision.compare(precision.expected(corpus), precision.found(corpus))
    report = "\n".join([*precision.table(true, false_pos, false_neg),
                        *precision.leftovers("false positives", false_pos, corpus),
                        *precision.leftovers("false negatives", false_neg, corpus)])
    with capsys.disabled():
        print(f"\n{corpus.name}:\n" + report)
    right, found, wanted = sum(true.values()), sum(true.values()) + sum(false_pos.values()), \
        sum(true.values()) + sum(false_neg.values())
    assert not [key for key in false_pos if key[1][:2] in ("LF", "LS")], report  # every leaflet is schema-valid
    assert right / found >= min_precision, f"precision {right / found:.3f} < {min_precision}\n{report}"
    assert right / wanted >= min_recall, f"recall {right / wanted:.3f} < {min_recall}\n{report}"


def _title(path):
    return json.loads(path.read_text(encoding="utf-8"))["title"].casefold()


@pytest.mark.parametrize("ours,before", [(HELD_OUT_2, [TUNED, HELD_OUT]), (HELD_OUT_3, [TUNED, HELD_OUT, HELD_OUT_2])],
                         ids=["second", "third"])
def test_a_later_held_out_corpus_is_new_and_not_patient_information(ours, before):
    """Held out means procedures no earlier corpus has (neither its id nor its title), in families with a
    checklist and at least two leaflets without one, in the current content format; and, as test documents,
    each leaflet's only source says its figures are round test numbers."""
    from leaflets.content_format import SCHEMA_REF

    files = sorted(ours.glob("*/en.json"))
    others = [path for corpus in before for path in corpus.glob("*/en.json")]
    assert len(files) >= 5, files
    assert not {p.parent.name for p in files} & {p.parent.name for p in others}
    assert not {_title(p) for p in files} & {_title(p) for p in others}
    leaflets = [json.loads(p.read_text(encoding="utf-8")) for p in files]
    assert sum("family" not in leaflet for leaflet in leaflets) >= 2
    assert any("family" in leaflet for leaflet in leaflets)
    for path, leaflet in zip(files, leaflets, strict=True):
        assert (path.parent / "expected.json").is_file(), path
        assert leaflet["$schema"] == SCHEMA_REF, path
        assert [source["title"] for source in leaflet["sources"]] == \
            ["Test source: figures in this test leaflet are round numbers for testing only"], path
