"""The precision corpus: every finding `leaflets validate` reports on tests/fixtures/corpus/ is one a
careful editor expects, and every expected one is reported (tests/fixtures/corpus/README.md).

One CLI run checks the whole corpus; each leaflet is a test that lists all its differences at once,
as file:line:code, so one run shows everything left to fix. bench/precision.py measures the same
comparison as precision and recall per rule family."""

from __future__ import annotations

import json
from collections import Counter

import pytest
from conftest import FIXTURES, run_cli

CORPUS = FIXTURES / "corpus"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the corpus's review dates are set against this day
LEAFLETS = sorted(p.parent.name for p in CORPUS.glob("*/en.json"))


def _expected(leaflet: str) -> list[dict]:
    return json.loads((CORPUS / leaflet / "expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def findings() -> dict[str, Counter[tuple[str, int]]]:
    result = run_cli("validate", "--format", "json", "--config", CORPUS / "leaflets.toml",  # LN008 off: see it
                     *[CORPUS / name / "en.json" for name in LEAFLETS], env=TODAY)
    assert result.code in (0, 1), result
    out: dict[str, Counter[tuple[str, int]]] = {name: Counter() for name in LEAFLETS}
    for finding in json.loads(result.stdout)["findings"]:
        out[finding["file"].replace("\\", "/").split("/")[-2]][(finding["code"], finding["line"])] += 1
    return out


def test_the_corpus_is_big_enough_and_every_leaflet_has_expectations():
    assert len(LEAFLETS) >= 8
    families = {json.loads((CORPUS / name / "en.json").read_text(encoding="utf-8")).get("family") for name in LEAFLETS}
    assert len(families - {"spine", None}) >= 4, families  # procedures well beyond the spine
    for name in LEAFLETS:
        assert (CORPUS / name / "expected.json").is_file(), name


@pytest.mark.parametrize("leaflet", LEAFLETS)
def test_expected_lines_hold_the_text_they_name(leaflet):
    lines = (CORPUS / leaflet / "en.json").read_text(encoding="utf-8").splitlines()
    wrong = [f"{leaflet}/en.json:{e['line']}: {e['code']} expects {e['at']!r} on this line"
             for e in _expected(leaflet) if not (0 < e["line"] <= len(lines) and e["at"] in lines[e["line"] - 1])]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("leaflet", LEAFLETS)
def test_findings_are_exactly_what_an_editor_expects(findings, leaflet):
    want = Counter((e["code"], e["line"]) for e in _expected(leaflet))
    got = findings[leaflet]
    where = f"tests/fixtures/corpus/{leaflet}/en.json"
    lines = [f"{where}:{line}: {code} unexpected (false positive)" for code, line in sorted((got - want).elements())]
    lines += [f"{where}:{line}: {code} expected, not reported (false negative)"
              for code, line in sorted((want - got).elements())]
    assert not lines, f"{len(lines)} difference(s):\n" + "\n".join(lines)
