"""Benchmarks, run with one command: ``python bench/run.py [validate|rules|build|preflight|serve|all]``.

Every figure is a median of several runs, printed beside a baseline measured in the same run,
with the ratio; these machines are noisy, so compare ratios, not absolute times.

``validate``: `leaflets validate` from process start to exit, on one leaflet and on content/ copied
to a few hundred files, beside `check-jsonschema` on the same schema and files; and bare Python
start-up for scale.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "leaflet.schema.json"


def time_command(command: list[str], runs: int, *, expect: tuple[int, ...] = (0, 1)) -> float:
    """Median wall time in seconds of ``command`` from process start to exit."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times.append(time.perf_counter() - start)
        if done.returncode not in expect:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr.decode()}")
    return statistics.median(times)


def copies_of_content(folder: Path, count: int) -> list[Path]:
    """content/ copied until there are ``count`` leaflet files, each in its own <id>/<lang>.json."""
    sources = sorted((ROOT / "content").glob("*/*.json"))
    made = []
    for index in range(count):
        source = sources[index % len(sources)]
        target = folder / f"copy-{index}" / source.parent.name / source.name
        target.parent.mkdir(parents=True)
        shutil.copyfile(source, target)
        made.append(target)
    return made


def row(label: str, ours: float, theirs: float) -> str:
    return f"{label:<34} {ours * 1000:8.0f} ms {theirs * 1000:8.0f} ms {ours / theirs:8.2f}x"


def bench_validate(runs: int, copies: int) -> None:
    check_jsonschema = shutil.which("check-jsonschema")
    if not check_jsonschema:
        raise SystemExit("check-jsonschema is not installed: pip install -e '.[test]'")
    one = sorted((ROOT / "content").glob("*/*.json"))[0]
    ours = [sys.executable, "-m", "leaflets", "validate"]
    theirs = [check_jsonschema, "--schemafile", str(SCHEMA)]
    bare = time_command([sys.executable, "-c", "pass"], runs)
    print(f"validate: median of {runs} runs, process start to exit (bare Python start-up: {bare * 1000:.0f} ms)")
    print(f"{'':<34} {'leaflets':>11} {'check-jsonschema':>11} {'ratio':>9}")
    print(row("one leaflet", time_command(ours + [str(one)], runs), time_command(theirs + [str(one)], runs)))
    with tempfile.TemporaryDirectory() as tmp:
        files = copies_of_content(Path(tmp), copies)
        print(row(f"content/ copied to {len(files)} files", time_command(ours + [tmp], runs),
                  time_command(theirs + [str(f) for f in files], runs)))


def _load(name: str):
    path = Path(__file__).resolve().parent / f"{name}_bench.py"
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
                                                                  "bounded", "all"])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (the median is shown)")
    parser.add_argument("--copies", type=int, default=300, help="leaflet files in the many-files case")
    args = parser.parse_args()
    if args.which in ("validate", "all"):
        bench_validate(args.runs, args.copies)
    for name in ("rules", "build", "preflight", "serve", "bounded"):
        if args.which in (name, "all"):
            module = _load(name)
            if module is None:
                print(f"{name}: no bench/{name}_bench.py yet")
                continue
            print()
            module.main(runs=args.runs)


if __name__ == "__main__":
    main()
