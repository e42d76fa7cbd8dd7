"""The material-risk checklist (LM008): the data file, the words it recognises, and the shipped spinal
leaflets, which must name every serious risk of spinal surgery (issue 11)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT, run_cli

from leaflets.rules import data, material

SHIPPED = sorted((ROOT / "content").glob("*/en.json"))


def test_every_family_names_its_source_and_spine_has_the_serious_risks():
    families = material.families()
    assert {"spine", "eye", "hand", "joint", "general-surgery", "ent"} <= set(families)
    assert all("editorial judgement" in f.source.lower() for f in families.values())
    assert [r.id for r in families["spine"].risks] == [
        "infection", "bleeding", "blood-clots", "nerve-damage", "dural-tear", "bladder-bowel", "paralysis", "death"]


@pytest.mark.parametrize("text,risk,found", [
    ("The operation can tear the thin covering of the nerves.", "dural-tear", True),
    ("The dura, the covering of the nerves, can tear.", "dural-tear", True),
    ("The duration of the operation is about an hour.", "dural-tear", False),  # "dura" is a whole word
    ("Small nerves in the skin may be damaged by the cuts.", "nerve-damage", True),  # "nerve* ~ damag*"
    ("Nerves heal slowly. Damaged skin heals fast.", "nerve-damage", False),  # not in one sentence
    ("A diet low in fat helps.", "death", False),  # "die" is a whole word
    ("People have died after this operation.", "death", True),
])
def test_synonyms_match_whole_words_word_starts_and_pairs_in_one_sentence(text, risk, found):
    spine = {r.id: r for r in material.families()["spine"].risks}
    sentences = [s for s in text.lower().replace(". ", ".\n").splitlines()]
    assert spine[risk].mentioned(sentences) is found


def test_a_broken_checklist_is_reported_with_its_file(tmp_path, monkeypatch):
    (tmp_path / "material_risks.toml").write_text('[family.eye]\nsource = "x"\n[[family.eye.risk]]\nid = "sight"\n')
    monkeypatch.setattr(data, "DATA", tmp_path)
    data.load.cache_clear()
    material.families.cache_clear()
    try:
        with pytest.raises(data.DataError, match=r"material_risks\.toml.*synonyms"):
            material.families()
    finally:
        data.load.cache_clear()
        material.families.cache_clear()


def test_shipped_leaflets_declare_the_spine_family_and_name_every_serious_risk():
    for path in SHIPPED:
        assert json.loads(path.read_text(encoding="utf-8")).get("family") == "spine", path
    result = run_cli("validate", "content")
    assert result.code == 0 and "LM008" not in result.stdout, result


def test_a_spinal_leaflet_that_leaves_out_a_serious_risk_fails(tmp_path):
    source = ROOT / "content" / "spinal-fusion" / "en.json"
    data_ = json.loads(source.read_text(encoding="utf-8"))
    data_["risks"] = [r for r in data_["risks"] if r["name"] not in ("Death", "Paralysis")]
    target = tmp_path / "spinal-fusion" / "en.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data_, indent=2, ensure_ascii=False), encoding="utf-8")
    result = run_cli("validate", target)
    lm008 = [line for line in result.stdout.splitlines() if " LM008 " in line]
    assert result.code == 1 and len(lm008) == 2, result
    assert "paralysis" in lm008[0].lower() and "death" in lm008[1].lower(), lm008
    risks_line = next(n for n, line in enumerate(target.read_text().splitlines(), 1) if '"risks": [' in line)
    assert all(f"en.json:{risks_line}:" in line for line in lm008), lm008


def test_new_from_a_spinal_leaflet_keeps_its_family_and_drops_reasons_written_for_it(tmp_path):
    content = tmp_path / "content"
    source = json.loads((ROOT / "content" / "spinal-fusion" / "en.json").read_text(encoding="utf-8"))
    source["not_applicable_risks"] = [{"risk": "bladder-bowel", "reason": "Not applicable, because this is a test."}]
    (content / "spinal-fusion").mkdir(parents=True)
    (content / "spinal-fusion" / "en.json").write_text(json.dumps(source), encoding="utf-8")
    result = run_cli("new", "lumbar-fusion", "--from", "spinal-fusion", "--content", content)
    assert result.code == 0, result
    made = json.loads((content / "lumbar-fusion" / "en.json").read_text(encoding="utf-8"))
    assert made["family"] == "spine" and "not_applicable_risks" not in made
    checked = run_cli("validate", content / "lumbar-fusion" / "en.json")
    assert "LS006" not in checked.stdout and "/family" not in checked.stdout, checked
