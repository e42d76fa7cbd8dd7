"""The grade rules report a hard section once: LR001 names both grades, and LR002 (SMOG) speaks only
where LR001 is silent, so an editor never reads one problem twice (issue 11's follow-up)."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import FIXTURES, run_cli
from test_rules import TODAY

SEEDS = FIXTURES / "rules" / "seeds"


def test_a_hard_section_is_one_finding_that_names_both_grades():
    pages = sorted(SEEDS.glob("*/*/en.json"))
    result = run_cli("validate", "--format", "json", *pages, env=TODAY)
    assert result.code == 1, result
    findings = json.loads(result.stdout)["findings"]
    hard = {(f["file"], f["pointer"]): f["message"] for f in findings if f["code"] == "LR001"}
    assert len(hard) >= 2, findings  # the web pages have hard sections: the test must see some
    assert all("Flesch–Kincaid" in m and "SMOG" in m for m in hard.values()), hard
    twice = [f for f in findings if f["code"] == "LR002" and (f["file"], f["pointer"]) in hard]
    assert not twice, twice


def test_a_hard_section_says_what_makes_it_hard(tmp_path):
    section = ("When you arrive at the hospital on the morning of your operation, a nurse will check your details, "
               "measure your blood pressure and ask about any medicines you are taking at the moment. You will then "
               "wait in a comfortable area until the surgeon is ready.")
    data = json.loads((FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json").read_text(encoding="utf-8"))
    data["on_the_day"] = [section]
    target = tmp_path / "carpal-tunnel-release" / "en.json"
    target.parent.mkdir()
    target.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run_cli("validate", "--format", "json", target, env=TODAY)
    messages = [f["message"] for f in json.loads(result.stdout)["findings"] if f["code"] == "LR001"]
    assert len(messages) == 1 and "a sentence of 33 words" in messages[0], result


def test_only_the_terms_and_checklists_a_leaflet_uses_are_compiled():
    """Compiling all 235 jargon terms and every family's checklist cost 135 ms at the first check in
    every `leaflets validate` process; only what a leaflet uses is compiled now. Run in a fresh
    interpreter: other tests in this one compile other terms."""
    code = f"""if True:
        import json
        from pathlib import Path
        from leaflets import content
        from leaflets.config import Config
        from leaflets.rules import material, readability, run
        doc = content.load(Path({str(FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json")!r}))
        run(doc, Config())
        print(json.dumps({{
            "terms": len(readability.jargon()),
            "compiled": [t.term for t in readability.jargon() if "word_regex" in vars(t)],
            "families": {{name: any("pattern" in vars(r) for r in f.risks) for name, f in material.families().items()}},
            "family": doc.data.get("family"),
        }}))
    """
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout)
    assert 0 < len(seen["compiled"]) < seen["terms"] / 4, seen["compiled"]
    assert {name for name, compiled in seen["families"].items() if compiled} <= {seen["family"]}, seen
