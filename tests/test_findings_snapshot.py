"""bench/findings_snapshot.py: the proof that a change made for speed changed no finding.

Its comparison is what the proof rests on, so it is tested here on snapshots made by hand: identical
files pass, and one finding moved by a column fails and is named, with its file, line and code.
Making a real snapshot runs `validate` on every fixture (seconds), so that is left to the bench.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from conftest import ROOT

SCRIPT = ROOT / "bench" / "findings_snapshot.py"


def _finding(column: int) -> dict:
    return {"code": "LR004", "column": column, "file": "content/x/en.json", "line": 12,
            "message": "this sentence has 26 words", "pointer": "/summary/0", "severity": "warning"}


def _write(path, findings: list[dict]) -> None:
    path.write_text(json.dumps({"content": {"findings": findings}}, indent=1, sort_keys=True) + "\n",
                    encoding="utf-8")


def _compare(before, after) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), "--compare", str(before), str(after)],
                          capture_output=True, text=True, timeout=60)


def test_identical_snapshots_pass(tmp_path):
    _write(tmp_path / "a.json", [_finding(5)])
    _write(tmp_path / "b.json", [_finding(5)])
    done = _compare(tmp_path / "a.json", tmp_path / "b.json")
    assert done.returncode == 0, done
    assert "identical: 1 findings in 1 sets" in done.stdout


def test_a_moved_finding_fails_and_is_named(tmp_path):
    _write(tmp_path / "a.json", [_finding(5)])
    _write(tmp_path / "b.json", [_finding(7)])
    done = _compare(tmp_path / "a.json", tmp_path / "b.json")
    assert done.returncode == 1, done
    assert "- content/x/en.json:12:5 LR004" in done.stdout
    assert "+ content/x/en.json:12:7 LR004" in done.stdout


def test_findings_in_another_order_fail(tmp_path):
    """Order is part of the output a user sees: the same findings reordered are a change too."""
    _write(tmp_path / "a.json", [_finding(5), _finding(7)])
    _write(tmp_path / "b.json", [_finding(7), _finding(5)])
    done = _compare(tmp_path / "a.json", tmp_path / "b.json")
    assert done.returncode == 1 and "same findings, another order" in done.stdout, done


def test_what_differs_between_two_runs_of_the_same_code_is_steadied():
    """An object's address in a message and where the running tree keeps brands/ differ from run to run
    and from tree to tree; nothing else may be rewritten."""
    spec = importlib.util.spec_from_file_location("findings_snapshot", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    report = {"findings": [
        {"message": "cannot identify image file <_io.BytesIO object at 0x7f7d89d952b0>"},
        {"message": "no known brand fills the slot {x} (looked at brands default in ../../work/main/brands/): add"},
        {"message": "at 0x12 in the text"},
    ]}
    messages = [f["message"] for f in module._steady(report)["findings"]]
    assert messages == ["cannot identify image file <_io.BytesIO object at 0x...>",
                        "no known brand fills the slot {x} (looked at brands default in <brands>/): add",
                        "at 0x12 in the text"]
