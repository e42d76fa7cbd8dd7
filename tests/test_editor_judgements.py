"""Where the content rules were changed to judge as an editor does on text nobody tuned them on (the
held-out corpus, tests/fixtures/corpus-heldout/README.md, issue 11): a grade finding names a cause the
writer can act on, "uncommon" is never a common risk, and a full stop with no space after it still ends
a sentence. Each test runs the real CLI on the rule fixtures' base leaflet with one section changed."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT, run_cli
from test_rules import TODAY

from leaflets.rules.context import Passage, split_sentences

BASE = FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json"
# 42 words, then two short sentences: the section averages under grade 8, the first sentence is what loses readers
NEAR_LIMIT = ("Wear the compression stocking day and night for the first week, and when you take it off for a shower "
              "pat your leg dry with a towel first and then roll the stocking up from the foot rather than pulling it "
              "on. A nurse checks your details before you go home. Your family can collect you in the afternoon.")
# two sentences of 28 and 26 words and no long words: over grade 8 by sentence length alone
JUST_OVER = ("You may have been sent for this test because of bleeding, because you keep getting bladder infections, "
             "or because your blood test result was raised at your practice. The test lets the specialist look at the "
             "lining of your bladder and at the urethra, the narrow tube that carries urine out of your body.")


def _validate(tmp_path: Path, edit: dict[str, object], *options: str) -> list[dict]:
    data = json.loads(BASE.read_text(encoding="utf-8"))
    for key, value in edit.items():
        if "/" in key:
            section, field = key.split("/")
            data[section][int(field)] = value
        else:
            data[key] = value
    target = tmp_path / "carpal-tunnel-release" / "en.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run_cli("validate", "--format", "json", *options, target, env=TODAY)
    assert result.code in (0, 1), result
    return json.loads(result.stdout)["findings"]


def _by_code(findings: list[dict], code: str) -> list[dict]:
    return [f for f in findings if f["code"] == code]


def test_a_section_near_the_grade_limit_is_reported_for_a_sentence_far_over_the_sentence_limit(tmp_path):
    findings = _validate(tmp_path, {"on_the_day": [NEAR_LIMIT]})
    grade = _by_code(findings, "LR001")
    assert len(grade) == 1 and grade[0]["pointer"] == "/on_the_day", findings
    assert "a sentence of 42 words" in grade[0]["message"] and "near the limit of 8" in grade[0]["message"], grade
    assert len(_by_code(findings, "LR004")) == 1, findings  # the sentence itself, where it is


def test_a_sentence_just_over_the_limit_is_left_to_lr004_even_in_a_section_over_grade_8(tmp_path):
    """Before: "reads at grade 10.7 ... with a sentence of 28 words", beside the two LR004 findings for
    the same sentences, and "many long words" would have named a cause the text does not have."""
    findings = _validate(tmp_path, {"on_the_day": [JUST_OVER]})
    assert not _by_code(findings, "LR001"), findings
    assert len(_by_code(findings, "LR004")) == 2, findings


def test_far_over_follows_the_projects_own_sentence_limit(tmp_path):
    """The cause is 1.2 times `max-sentence-words`, not a fixed 30: a section at grade 10.8 with a
    37-word sentence is reported at the default (37 > 30), but where a project allows 36 words the
    sentence is LR004's (over 36) and not far over (1.2 x 36 = 43.2), so there is no grade finding."""
    text = ("You may have been sent for this test because of bleeding, because you keep getting bladder infections, "
            "or because your blood test result was raised at your practice, so the specialist wants to look at the "
            "bladder. The test lets the specialist look at the lining of your bladder and at the urethra.")
    default = _validate(tmp_path / "default", {"on_the_day": [text]})
    assert "a sentence of 37 words" in _by_code(default, "LR001")[0]["message"], default
    config = tmp_path / "leaflets.toml"
    config.write_text("[thresholds]\nmax-sentence-words = 36\n", encoding="utf-8")
    findings = _validate(tmp_path / "allowing-36", {"on_the_day": [text]}, "--config", str(config))
    assert not _by_code(findings, "LR001") and len(_by_code(findings, "LR004")) == 1, findings


def test_uncommon_beside_its_figure_is_lr001s_and_alone_lr005s(tmp_path):
    """One finding each: the word beside a figure in its sentence is compared with that figure (LN001);
    "This is uncommon." with no figure of its own is compared with the risk's rate of 2 in 100 (LN005)."""
    risks = json.loads(BASE.read_text(encoding="utf-8"))["risks"]
    risks[0]["description"] = ["The cut may become red. This is uncommon, at about 3 in 100 people."]
    beside = _validate(tmp_path, {"risks": risks})
    assert [f["code"] for f in beside if f["code"] in ("LN001", "LN005")] == ["LN001"], beside
    risks[0]["description"] = ["The cut may become red. This is uncommon."]
    alone = _validate(tmp_path, {"risks": risks})
    assert [f["code"] for f in alone if f["code"] in ("LN001", "LN005")] == ["LN005"], alone
    assert "common" in _by_code(alone, "LN005")[0]["message"], alone


# --- a full stop with no space after it ---------------------------------------------------------


def _split(text: str) -> list[str]:
    return [s.text for s in split_sentences(Passage("/procedure/0", text, "procedure"))]


def test_a_full_stop_with_no_space_after_it_still_ends_a_sentence():
    assert _split("It takes 15 minutes.You lie on a couch.") == ["It takes 15 minutes.", "You lie on a couch."]
    assert _split("Rest at home.A nurse will ring you.") == ["Rest at home.", "A nurse will ring you."]


def test_addresses_abbreviations_and_initials_are_not_split_at_their_dots():
    """What the change must not split (true before it and after): an NHSmail address, a web address
    with capitals, a title, initials, an abbreviation, a decimal."""
    for text in ("Write to John.Smith@nhs.net with questions.", "See www.Example-Trust.nhs.uk/Leaflets for more.",
                 "Ask for Mrs.Smith at the desk.", "The test was made by J.R.Jones and others.",
                 "Take a painkiller, e.g.Paracetamol, if you need one.", "The dose is 2.5 mg a day."):
        assert _split(text) == [text], text


def test_two_sentences_joined_at_a_full_stop_are_one_lh003_finding_not_also_a_long_sentence(tmp_path):
    text = ("The test is done in the outpatient clinic and takes about 15 minutes from start to finish.You lie on "
            "a couch with your legs supported and a pillow under your head.")  # 17 and 14 words; 31 joined
    findings = _validate(tmp_path, {"procedure/0": text})
    assert len(_by_code(findings, "LH003")) == 1, findings
    assert not _by_code(findings, "LR004"), findings


# --- the held-out corpus, family by family ---------------------------------------------------------------


@pytest.mark.parametrize("name", ["corpus", "corpus-heldout", "corpus-heldout-2", "corpus-heldout-3"])
def test_every_rule_family_meets_the_goal_on_each_corpus(name):
    """Issue 11's goal is 90 % precision and recall overall AND per rule family; tests/test_corpus_heldout.py
    holds the overall figures to their measured floor, this holds each family to the goal, so a family
    that slips below it fails even while the overall figure stays up."""
    spec = importlib.util.spec_from_file_location("precision", ROOT / "bench" / "precision.py")
    assert spec and spec.loader
    precision = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(precision)
    corpus = FIXTURES / name
    true, false_pos, false_neg = precision.compare(precision.expected(corpus), precision.found(corpus))
    families = {code[:2] for _leaflet, code, _line in true + false_pos + false_neg}
    assert len(families) >= 5, families  # the corpora test LC, LH, LM, LN and LR (and LD) alike
    short = []
    for family in sorted(families):
        right, wrong, missed = (sum(n for (_l, code, _n), n in bag.items() if code.startswith(family))
                                for bag in (true, false_pos, false_neg))
        if right < 0.9 * (right + wrong) or right < 0.9 * (right + missed):
            short.append(f"{family}: {right} right, {wrong} wrong, {missed} missed")
    assert not short, "\n".join(short)


# --- the second held-out corpus: general faults it showed on its first run ----------------------------


# two sentences of 25 and 18 everyday words (grade 11.7): long sentences, and no word a writer could make plainer
EVERYDAY_LONG = ("Most people find that their jaw is less painful after the operation, and about eight in ten can eat "
                 "and talk normally within a fortnight. We cannot guarantee that the stiffness will disappear "
                 "completely, especially if it has been there for several years.")


def test_sentences_of_twenty_odd_everyday_words_are_not_blamed_on_many_long_words(tmp_path):
    """Before: "benefits reads at grade 11.7 ... with many long words" (the words-alone grade counted the
    sentence length up to 20 words, and ordinary words in 21-word sentences grade 11). Neither sentence is over
    max-sentence-words, so there is nothing for LR001 or LR004 to report."""
    findings = _validate(tmp_path, {"benefits": [EVERYDAY_LONG]})
    assert not _by_code(findings, "LR001") and not _by_code(findings, "LR004"), findings


def test_a_risk_group_is_an_enum_value_not_prose_a_rule_reads(tmp_path):
    """"group": "anaesthetic" is a word the template turns into a heading: LR006 read it as an unexplained
    "anaesthetic" in the risks, and the grades counted it as a paragraph."""
    from leaflets import content
    from leaflets.config import Config
    from leaflets.rules.context import Context

    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["risks"][0]["group"] = "anaesthetic"
    doc = content.parse(content.Document(path=BASE, display="en.json"), json.dumps(data).encode())
    pointers = [p.pointer for p in Context(doc, Config().thresholds).paragraphs]
    assert "/risks/0/name" in pointers and "/risks/0/group" not in pointers


# --- the third held-out corpus: general faults it showed on its first run ----------------------------


def test_a_retired_service_named_with_its_number_is_one_finding(tmp_path):
    """Before: "call NHS Direct on 0845 4647" was two LH012 findings, the number's saying "NHS Direct
    Wales has been replaced" in a leaflet about England. The number alone is still reported."""
    named = _by_code(_validate(tmp_path / "a", {"procedure/0": "If you are worried at night, call NHS Direct on "
                                                "0845 4647."}), "LH012")
    assert len(named) == 1 and "NHS Direct closed in 2014" in named[0]["message"], named
    alone = _by_code(_validate(tmp_path / "b", {"procedure/0": "If you are worried at night, ring 0845 46 47."}),
                     "LH012")
    assert len(alone) == 1 and "in England and in Wales" in alone[0]["message"], alone


def test_prose_before_the_risks_and_in_the_outcomes_is_checked_like_any_other(tmp_path):
    """No rule read risks_introduction or outcomes: "completely safe" there was printed to patients unchecked."""
    findings = _validate(tmp_path, {"risks_introduction": ["This is a completely safe operation."],
                                    "outcomes": [{"outcome": "have less pain in the the hand",
                                                  "frequency": {"rate": {"kind": "about", "percent": 90}}}]})
    assert [f["pointer"] for f in _by_code(findings, "LC001")] == ["/risks_introduction/0"], findings
    assert [f["pointer"] for f in _by_code(findings, "LH004")] == ["/outcomes/0/outcome"], findings


def test_a_word_met_first_in_everyday_use_is_not_jargon_when_it_comes_back_bare(tmp_path):
    """"A general anaesthetic" is everyday English (the term's everyday_after); "after the anaesthetic" later
    is the same thing. Before, the bare word was reported as unexplained. Met bare first, it still is."""
    glossary = {"term": "tourniquet", "definition": "A tight band round the arm that stops bleeding for a while."}
    everyday_first = _validate(tmp_path / "a", {
        "procedure/1": "You have a general anaesthetic, so you are asleep for the operation.",
        "on_the_day/0": "You may feel sick for a few hours after the anaesthetic.", "glossary": [glossary]})
    assert not _by_code(everyday_first, "LR006"), everyday_first
    bare_first = _validate(tmp_path / "b", {
        "procedure/1": "The anaesthetic is given before the operation.",
        "on_the_day/0": "You have a general anaesthetic.", "glossary": [glossary]})
    assert [f["pointer"] for f in _by_code(bare_first, "LR006")] == ["/procedure/1"], bare_first
