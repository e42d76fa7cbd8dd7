"""Every finding `leaflets validate --format json` reports on every leaflet the project keeps, as one file.

Why: a change made only for speed (leaflets/rules/) must not change a single finding. Take a snapshot
before the change and one after, then compare them byte for byte:

    python bench/findings_snapshot.py /tmp/before.json              # with the tree as it was
    python bench/findings_snapshot.py /tmp/after.json               # with the change
    python bench/findings_snapshot.py --compare /tmp/before.json /tmp/after.json

``--tree DIR`` runs the `leaflets` package of another checkout (a copy of the tree before the
change) on this tree's leaflets, so both snapshots read the very same files.

What is checked, each with every content rule on (an empty configuration, so no leaflets.toml of
the corpora switches one off) and one fixed day (LEAFLETS_TODAY), so review dates cannot drift
between the two runs: content/, tests/fixtures/corpus, the three held-out corpora, the rule
fixtures' seed leaflets and base leaflet, tests/fixtures/validate, and every rule fixture case
(tests/fixtures/rules/cases, each written out as tests/test_rules.py writes it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TODAY = "2026-06-01"  # the day the fixtures' review dates are set against
SETS = ["content", "tests/fixtures/corpus", "tests/fixtures/corpus-heldout", "tests/fixtures/corpus-heldout-2",
        "tests/fixtures/corpus-heldout-3", "tests/fixtures/rules/seeds", "tests/fixtures/rules/base",
        "tests/fixtures/validate"]


def _validate(folder: Path, cwd: Path, tree: Path) -> dict:
    environment = {**os.environ, "NO_COLOR": "1", "LEAFLETS_TODAY": TODAY, "PYTHONPATH": str(tree)}
    (cwd / "all-rules.toml").write_text("# every rule on\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "leaflets", "validate", "--format", "json", "--config",
                           str(cwd / "all-rules.toml"), str(folder)], cwd=cwd, env=environment,
                          capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"validate {folder} exited {done.returncode}:\n{done.stderr}")
    return _steady(json.loads(done.stdout))


def _steady(report: dict) -> dict:
    """The report less what differs between two runs of the same code: an object's address in a
    message, and where the running tree's brands/ folder is (LL001 names it)."""
    for finding in report["findings"]:
        message = re.sub(r" at 0x[0-9a-f]+>", " at 0x...>", finding["message"])
        finding["message"] = re.sub(r" in \S*brands/\)", " in <brands>/)", message)
    return report


def _rule_cases(root: Path) -> None:
    """The rule fixture cases written out under ``root``, exactly as tests/test_rules.py writes them."""
    sys.path.insert(0, str(ROOT / "tests"))
    import test_rules  # noqa: PLC0415  (the fixture builder the tests use: one definition of a case)

    for code, outcome, index, edit in test_rules.ALL_CASES:
        relative, data = test_rules.build(edit)
        target = root / f"{code}-{outcome}-{index}" / relative
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        for name, text in edit.get("files", {}).items():
            (target.parent / name).write_text(text, encoding="utf-8")
        for name, payload in edit.get("binary_files", {}).items():
            import base64  # noqa: PLC0415

            (target.parent / name).write_bytes(base64.b64decode(payload))
        for other in edit.get("related", []):
            _, sibling = test_rules.build({"set": {"/id": other}})
            (target.parent.parent / other).mkdir()
            (target.parent.parent / other / "en.json").write_text(json.dumps(sibling, indent=2), encoding="utf-8")
        if "source" in edit:
            _, source = test_rules.build(edit["source"])
            (target.parent / "en.json").write_text(json.dumps(source, indent=2, ensure_ascii=False), encoding="utf-8")


def snapshot(tree: Path) -> dict[str, dict]:
    """{set: validate's JSON report} for every set, with ``tree``'s package."""
    out: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in SETS:
            copy = work / name.replace("/", "_")
            shutil.copytree(ROOT / name, copy)  # a copy: every report names files relative to the same place
            out[name] = _validate(Path(copy.name), work, tree)
        cases = work / "rule-cases"
        _rule_cases(cases)
        out["tests/fixtures/rules/cases"] = _validate(Path("rule-cases"), work, tree)
    return out


def compare(before: Path, after: Path) -> int:
    old, new = (json.loads(path.read_text(encoding="utf-8")) for path in (before, after))
    if before.read_bytes() == after.read_bytes():
        count = sum(len(report.get("findings", [])) for report in new.values())
        print(f"identical: {count} findings in {len(new)} sets, byte for byte")
        return 0
    for name in sorted(set(old) | set(new)):
        a, b = old.get(name, {}).get("findings", []), new.get(name, {}).get("findings", [])
        gone = [f for f in a if f not in b]
        added = [f for f in b if f not in a]
        if gone or added or a != b:
            print(f"{name}: {len(a)} -> {len(b)} findings")
            for finding in gone:
                print(f"  - {finding['file']}:{finding.get('line')}:{finding.get('column')} {finding['code']} "
                      f"{finding['message']}")
            for finding in added:
                print(f"  + {finding['file']}:{finding.get('line')}:{finding.get('column')} {finding['code']} "
                      f"{finding['message']}")
            if not gone and not added:
                print("  same findings, another order")
    return 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, help="where to write the snapshot (JSON)")
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose leaflets package runs")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.compare:
        return compare(*args.compare)
    if not args.output:
        parser.error("give a file to write the snapshot to, or --compare BEFORE AFTER")
    result = snapshot(args.tree.resolve())
    args.output.write_text(json.dumps(result, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    count = sum(len(report.get("findings", [])) for report in result.values())
    print(f"{count} findings in {len(result)} sets written to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
