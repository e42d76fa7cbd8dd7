"""The cheap tests some content rules make before their real work (issue 11: rules must not slow
validate) are only ever shortcuts: each case here is one a shortcut could get wrong, and the finding
must be what the full check gives. Through the real CLI, on copies of the rules' base leaflet.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from conftest import FIXTURES, run_cli

BASE = FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the base leaflet's dates are set against this day
SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" width="40" height="20">'
       '<rect width="40" height="20" fill="#1d4f91"/></svg>')


def _leaflet(root: Path, folder: str, change: Any = None, *, text: str | None = None) -> Path:
    """The base leaflet as ``root/folder/en.json``, changed by ``change(data)`` or replaced by ``text``."""
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["id"] = folder
    if change is not None:
        change(data)
    path = root / folder / "en.json"
    path.parent.mkdir(parents=True)
    path.write_text(text if text is not None else json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _findings(root: Path) -> list[dict[str, Any]]:
    result = run_cli("validate", "--format", "json", ".", cwd=root, env=TODAY)
    assert "Traceback" not in result.stderr, result
    return json.loads(result.stdout)["findings"]  # type: ignore[no-any-return]


def test_shortcuts_never_hide_a_finding(tmp_path: Path) -> None:
    # a "figure" key written with a \u escape is not "figure" in the file's text, but it is a figure
    def with_figure(data: dict[str, Any]) -> None:
        data["procedure"].append({"figure": {"file": "wrist.svg", "alt": "wrist.svg"}})

    data = json.loads(BASE.read_text(encoding="utf-8")) | {"id": "escaped-figure"}
    with_figure(data)
    escaped = json.dumps(data, indent=2, ensure_ascii=False).replace('"figure"', '"\\u0066igure"')
    assert '"figure"' not in escaped
    path = _leaflet(tmp_path, "escaped-figure", text=escaped)
    (path.parent / "wrist.svg").write_text(SVG, encoding="utf-8")

    # a related leaflet that exists only in another language than this one's is there; a missing one is not
    def related(data: dict[str, Any]) -> None:
        data["further_information"] = {"leaflets": ["welsh-only", "nowhere"]}

    _leaflet(tmp_path, "with-related", related)
    (tmp_path / "welsh-only").mkdir()
    (tmp_path / "welsh-only" / "cy.json").write_text("{}", encoding="utf-8")

    # abbreviations next to marks that are not split off a word: each is still reported once, where first used
    def abbreviations(data: dict[str, Any]) -> None:
        data["procedure"].append("If you are unhappy, «PALS» can help. The CRPS’s signs are pain and swelling.")

    _leaflet(tmp_path, "abbreviations", abbreviations)

    findings = _findings(tmp_path)
    mine = {(f["file"].split("/")[0], f["code"], f["pointer"]) for f in findings
            if f["code"] in ("LH020", "LM010", "LR007")}
    assert ("escaped-figure", "LH020", "/procedure/2/figure/alt") in mine, findings
    assert ("with-related", "LM010", "/further_information/leaflets/1") in mine, findings
    assert ("with-related", "LM010", "/further_information/leaflets/0") not in mine, findings
    reported = sorted(f["message"].split('"')[1] for f in findings
                      if f["file"].startswith("abbreviations/") and f["code"] == "LR007")
    assert reported == ["CRPS", "PALS"], findings
