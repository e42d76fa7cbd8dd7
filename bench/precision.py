"""Precision and recall of the content rules on the corpus: ``python bench/run.py precision`` (or run this file).

tests/fixtures/corpus/<id>/en.json are test leaflets written in the styles real trusts use (long
sentences, percentages with and without natural frequencies, hedges, explanations in quotes,
disclaimers in other words); tests/fixtures/corpus/<id>/expected.json lists what a careful medical
editor flags in each, decided by reading the leaflet, not by running the tool: ``{code, line, at,
why}``, where ``at`` is text on that line. A finding matches an expected one with the same code and
line. Precision is matched findings over all findings, recall matched over expected, per rule
family (LR, LN, LD, LC, LH, LM) and overall; the findings left over are listed by code, so what the
rules still get wrong is in view. Schema and file codes (LS, LF) count too: a corpus leaflet must
be schema-valid, so any of those is a false positive.

Four corpora: tests/fixtures/corpus/ (the eight leaflets the rules were tuned on),
tests/fixtures/corpus-heldout/ (leaflets written afterwards and never tuned on: the honest measure),
tests/fixtures/corpus-heldout-2/ (five more, written once the first held-out corpus had been looked at), and
tests/fixtures/corpus-heldout-3/ (five more, in procedures and specialties none of the others has).
``python bench/precision.py --corpus tests/fixtures/corpus-heldout`` measures one; without
``--corpus`` (and from bench/run.py) all four are measured. A corpus's own ``leaflets.toml``, when it has
one, is the configuration its leaflets are checked with.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"
HELD_OUT = ROOT / "tests" / "fixtures" / "corpus-heldout"
HELD_OUT_2 = ROOT / "tests" / "fixtures" / "corpus-heldout-2"
HELD_OUT_3 = ROOT / "tests" / "fixtures" / "corpus-heldout-3"
TODAY = "2026-06-01"  # the corpus's review dates are set against this day

Key = tuple[str, str, int]  # (leaflet id, code, line)


def expected(corpus: Path = CORPUS) -> Counter[Key]:
    """Every expected finding in the corpus, counted (two on one line with one code are two)."""
    out: Counter[Key] = Counter()
    for path in sorted(corpus.glob("*/expected.json")):
        for entry in json.loads(path.read_text(encoding="utf-8")):
            out[(path.parent.name, entry["code"], entry["line"])] += 1
    return out


def found(corpus: Path = CORPUS) -> Counter[Key]:
    """Every finding `leaflets validate` reports on the corpus, run as a user runs it (with the corpus's
    own leaflets.toml, when it has one)."""
    files = [str(p) for p in sorted(corpus.glob("*/en.json"))]
    config = ["--config", str(corpus / "leaflets.toml")] if (corpus / "leaflets.toml").is_file() else []
    env = {**os.environ, "LEAFLETS_TODAY": TODAY, "NO_COLOR": "1"}
    done = subprocess.run([sys.executable, "-m", "leaflets", "validate", "--format", "json", *config, *files], cwd=ROOT,
                          env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):
        raise SystemExit(f"leaflets validate failed ({done.returncode}):\n{done.stderr}")
    out: Counter[Key] = Counter()
    for finding in json.loads(done.stdout)["findings"]:
        out[(Path(finding["file"]).parent.name, finding["code"], finding["line"])] += 1
    return out


def compare(want: Counter[Key], got: Counter[Key]) -> tuple[Counter[Key], Counter[Key], Counter[Key]]:
    """(true positives, false positives, false negatives), as multisets."""
    return want & got, got - want, want - got


def _ratio(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f} %" if whole else "    – "


def _count(bag: Counter[Key], family: str) -> int:
    return sum(n for (_, code, _), n in bag.items() if family == "all" or code.startswith(family))


def table(true: Counter[Key], false_pos: Counter[Key], false_neg: Counter[Key]) -> list[str]:
    families = sorted({code[:2] for _, code, _ in (true + false_pos + false_neg)})
    lines = [f"{'family':<8} {'expected':>8} {'found':>6} {'right':>6} {'precision':>10} {'recall':>8}"]
    for family in [*families, "all"]:
        tp, fp, fn = (_count(bag, family) for bag in (true, false_pos, false_neg))
        lines.append(f"{family:<8} {tp + fn:>8} {tp + fp:>6} {tp:>6} {_ratio(tp, tp + fp):>10} "
                     f"{_ratio(tp, tp + fn):>8}")
    return lines


def leftovers(title: str, bag: Counter[Key], corpus: Path = CORPUS) -> list[str]:
    lines = [f"{title} ({sum(bag.values())}):"]
    where = corpus.relative_to(ROOT).as_posix() if corpus.is_relative_to(ROOT) else str(corpus)
    for (leaflet, code, line), n in sorted(bag.items(), key=lambda item: (item[0][1], item[0][0], item[0][2])):
        lines.append(f"  {code}  {where}/{leaflet}/en.json:{line}" + (f"  (x{n})" if n > 1 else ""))
    return lines


def measure(corpus: Path) -> None:
    true, false_pos, false_neg = compare(expected(corpus), found(corpus))
    leaflets = len(list(corpus.glob("*/en.json")))
    where = corpus.relative_to(ROOT).as_posix() if corpus.is_relative_to(ROOT) else str(corpus)
    print(f"precision: content rules on the corpus ({leaflets} leaflets in {where}/, LEAFLETS_TODAY={TODAY})")
    print("\n".join(table(true, false_pos, false_neg)))
    print("\n".join(leftovers("false positives (found, not expected)", false_pos, corpus)))
    print("\n".join(leftovers("false negatives (expected, not found)", false_neg, corpus)))


def main(runs: int = 1, corpus: Path | None = None) -> None:  # noqa: ARG001  (bench/run.py passes runs)
    for folder in [corpus] if corpus else [CORPUS, HELD_OUT, HELD_OUT_2, HELD_OUT_3]:
        if folder is not corpus and not folder.is_dir():
            continue
        measure(folder.resolve())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, help="a corpus folder (<id>/en.json + <id>/expected.json); "
                        "default: the four shipped corpora")
    arguments = parser.parse_args()
    if arguments.corpus and not arguments.corpus.is_dir():
        parser.error(f"--corpus {arguments.corpus}: not a folder")
    main(corpus=arguments.corpus)
