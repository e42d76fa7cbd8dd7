"""Benchmarks, run with one command:
``python bench/run.py [validate|rules|build|preflight|serve|incremental|precision|all]``.

Every figure is a median of several runs, printed beside a baseline measured in the same run,
with the ratio; these machines are noisy, so compare ratios, not absolute times.

``validate``: `leaflets validate` from process start to exit, on one leaflet and on content/ copied
to a few hundred files, beside `check-jsonschema` on the same schema and files, in pairs run back to
back (the ratio is the median of the pairs'); and bare Python start-up for scale.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from leaflets.content_format import SCHEMA_FILE  # noqa: E402  (the schema of the current content format)

SCHEMA = ROOT / "schemas" / SCHEMA_FILE


# As users run it: an installed package has its bytecode compiled (pip does so), as check-jsonschema's has.
# A shell that sets PYTHONDONTWRITEBYTECODE would make every run of ours compile the package from source.
ENV = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}


def time_command(command: list[str], runs: int, *, expect: tuple[int, ...] = (0, 1)) -> float:
    """Median wall time in seconds of ``command`` from process start to exit."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in expect:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return statistics.median(times)


def copies_of_content(folder: Path, count: int) -> list[Path]:
    """content/ copied until there are ``count`` leaflet files, each in its own <id>/<lang>.json and with
    an id of its own (``spinal-fusion-7``), as in a real collection: copies sharing an id would be
    measured reporting LF011 on every file."""
    sources = sorted((ROOT / "content").glob("*/*.json"))
    made = []
    for index in range(count):
        source = sources[index % len(sources)]
        data = json.loads(source.read_text(encoding="utf-8"))
        data["id"] = f"{data['id']}-{index}"
        target = folder / data["id"] / source.name
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        made.append(target)
    return made


def row(label: str, ours: float, theirs: float, ratio: float | None = None) -> str:
    ratio = ours / theirs if ratio is None else ratio
    return f"{label:<34} {ours * 1000:8.0f} ms {theirs * 1000:8.0f} ms {ratio:8.2f}x"


def time_paired(ours: list[str], theirs: list[str], runs: int) -> tuple[float, float, float]:
    """Medians of ``ours``, ``theirs`` and of ours/theirs over ``runs`` pairs run back to back, taking
    turns at going first, so a busy moment on a shared machine falls on both sides of a pair."""
    pairs = []
    for index in range(runs):
        first, second = (ours, theirs) if index % 2 == 0 else (theirs, ours)
        # check-jsonschema must accept the shipped leaflets (exit 0): its exit 1 is also a schema it could not load
        times = {id(side): time_command(side, 1, expect=(0, 1) if side is ours else (0,)) for side in (first, second)}
        pairs.append((times[id(ours)], times[id(theirs)]))
    return (statistics.median(o for o, _ in pairs), statistics.median(t for _, t in pairs),
            statistics.median(o / t for o, t in pairs))


def check_jsonschema_command() -> str:
    """check-jsonschema from this Python's own environment first: a version manager's shim on PATH
    (pyenv's is a shell script) would add its own start-up to theirs."""
    beside = Path(sys.executable).parent / "check-jsonschema"
    found = str(beside) if beside.is_file() else shutil.which("check-jsonschema")
    if not found:
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[test]'")
    return found


def bench_validate(runs: int, copies: int) -> None:
    one = sorted((ROOT / "content").glob("*/*.json"))[0]
    ours = [sys.executable, "-m", "leaflets", "validate"]
    theirs = [check_jsonschema_command(), "--schemafile", str(SCHEMA)]
    if not SCHEMA.is_file():  # check-jsonschema exits 1 for a missing schema as for an invalid file: timed, it
        raise SystemExit(f"{SCHEMA} does not exist")  # measured its own error (this bench once did, quietly)
    bare = time_command([sys.executable, "-c", "pass"], runs)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "leaflets")], env=ENV, check=True)
    print(f"validate: median of {runs} paired runs, process start to exit; the ratio is the median of the "
          f"pairs' ratios (bare Python start-up: {bare * 1000:.0f} ms)")
    print(f"{'':<34} {'leaflets':>11} {'check-jsonschema':>11} {'ratio':>9}")
    print(row("one leaflet", *time_paired(ours + [str(one)], theirs + [str(one)], runs)))
    with tempfile.TemporaryDirectory() as tmp:
        files = copies_of_content(Path(tmp), copies)
        print(row(f"content/ copied to {len(files)} files",
                  *time_paired(ours + [tmp], theirs + [str(f) for f in files], runs)))


def _load(name: str):
    path = Path(__file__).resolve().parent / f"{name}_bench.py"
    if not path.exists():  # a measure that is not a timing (precision.py) keeps its plain name
        path = path.with_name(f"{name}.py")
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"{name}_bench", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("which", nargs="?", default="all", choices=["validate", "rules", "build", "preflight", "serve",
                                                                  "bounded", "incremental", "precision", "all"])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (the median is shown)")
    parser.add_argument("--copies", type=int, default=300, help="leaflet files in the many-files case")
    args = parser.parse_args()
    if args.which in ("validate", "all"):
        bench_validate(args.runs, args.copies)
    for name in ("rules", "build", "preflight", "serve", "bounded", "incremental", "precision"):
        if args.which in (name, "all"):
            module = _load(name)
            if module is None:
                print(f"{name}: no bench/{name}_bench.py yet")
                continue
            print()
            module.main(runs=args.runs)


if __name__ == "__main__":
    main()
