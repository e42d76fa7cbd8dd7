"""Incremental builds, shards and scaling: ``python bench/run.py incremental`` (or run this file).

1. No-op rebuild: `leaflets build` of content/ into a folder that already holds its build, against
   `leaflets build --force` (everything rendered), both from process start to exit with the same
   --jobs. Aim: <= 5 %. Also one leaflet edited: only its outputs are rendered again.
2. Shard equivalence: `--shard 1/2` and `--shard 2/2` into two folders, copied together and merged
   with `leaflets merge-manifests`, against a whole build: every file and the manifest, byte for byte.
3. Scaling: `--jobs 1` against `--jobs 2` (forced full builds of content/ copied to more leaflets),
   and outputs per core-second (CPU time of the build and its workers), the figure the README's
   "how this scales" arithmetic starts from.

Every time is a median of ``runs`` runs (at least 3).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import copies_of_content  # noqa: E402  (bench/ is not a package)


def leaflets(*args: str | Path) -> subprocess.CompletedProcess[str]:
    # from the temporary folder: the paths given are absolute, and PYTHONPATH may name a snapshot of the package
    done = subprocess.run([sys.executable, "-m", "leaflets", *map(str, args)], cwd=tempfile.gettempdir(),
                          capture_output=True, text=True, env={**os.environ, "NO_COLOR": "1"})
    if done.returncode != 0:
        raise SystemExit(f"leaflets {' '.join(map(str, args))} failed ({done.returncode}):\n{done.stderr}")
    return done


def timed(*args: str | Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the process and its workers, stdout) of one CLI run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = leaflets(*args)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def median_of(runs: int, *args: str | Path) -> tuple[float, float, str]:
    results = [timed(*args) for _ in range(runs)]
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results), results[-1][2])


def bench_noop(runs: int, jobs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "out"
        shutil.copytree(ROOT / "content", content)
        build = ("build", content, "--out", out, "--jobs", str(jobs))
        full, _cpu, _ = median_of(runs, *build, "--force")
        noop, _cpu, said = median_of(max(runs, 5), *build)
        edited = next(iter(sorted(content.glob("*/*.json"))))
        data = json.loads(edited.read_text(encoding="utf-8"))
        data["summary"] = data["summary"] + " (edited)" if isinstance(data.get("summary"), str) else data.get("summary")
        edited.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        one, _cpu, said_one = timed(*build)
    files = len(list((ROOT / "content").glob("*/*.json")))
    print(f"incremental: content/ ({files} leaflets, html + screen + print), --jobs {jobs}, median of {runs} runs")
    print(f"  full build (--force)          {full * 1000:8.0f} ms")
    print(f"  no-op rebuild                 {noop * 1000:8.0f} ms   {noop / full * 100:5.1f} % of a full build "
          f"(aim <= 5 %)   [{said.strip().splitlines()[-1]}]")
    print(f"  one leaflet edited            {one * 1000:8.0f} ms   {one / full * 100:5.1f} %   "
          f"[{said_one.strip().splitlines()[-1]}]")


def same_folders(one: Path, two: Path) -> list[str]:
    """Paths that differ between two folders (missing on one side, or other bytes)."""
    names = {p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file()} | \
        {p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file()}
    return sorted(name for name in names if not ((one / name).is_file() and (two / name).is_file()
                                                  and filecmp.cmp(one / name, two / name, shallow=False)))


def bench_shards(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = copies_of_content(Path(tmp) / "content", count)
        whole, merged = Path(tmp) / "whole", Path(tmp) / "merged"
        leaflets("build", content, "--out", whole)
        sizes = []
        for index in (1, 2):
            folder = Path(tmp) / f"shard{index}"
            said = leaflets("build", content, "--out", folder, "--shard", f"{index}/2").stdout
            sizes.append(said.strip().splitlines()[-1])
            shutil.copytree(folder, merged, dirs_exist_ok=True)
        parts = sorted(merged.glob("manifest.shard-*-of-2.json"))
        leaflets("merge-manifests", *parts, "--out", merged / "manifest.json")
        for part in parts:
            part.unlink()  # the parts are the shards' records, not outputs of the build
        differ = same_folders(whole, merged)
        files = len([p for p in whole.rglob("*") if p.is_file() and p.name != "manifest.json"])
    print(f"shards: {count} leaflets, --shard 1/2 and 2/2 merged against one whole build")
    for index, said in enumerate(sizes, 1):
        print(f"  shard {index}: {said}")
    verdict = (f"identical, byte for byte: {files} files and manifest.json" if not differ
               else "DIFFER: " + ", ".join(differ))
    print(f"  {verdict}")
    if differ:
        raise SystemExit("shard builds merged do not equal a whole build")


def bench_scaling(runs: int, count: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        content = copies_of_content(Path(tmp) / "content", count)
        figures = {}
        for jobs in (1, 2):
            figures[jobs] = median_of(runs, "build", content, "--out", Path(tmp) / f"out{jobs}", "--jobs", str(jobs),
                                      "--force")
    outputs = 3 * count
    print(f"scaling: {count} leaflets, {outputs} outputs, forced full builds, median of {runs} runs")
    for jobs, (wall, cpu, _said) in figures.items():
        print(f"  --jobs {jobs}   {wall * 1000:8.0f} ms wall  {cpu:6.1f} CPU s   {outputs / wall:5.2f} outputs/s   "
              f"{outputs / cpu:5.2f} outputs per core-second")
    print(f"  speed-up with 2 jobs: {figures[1][0] / figures[2][0]:.2f}x (2.00x is perfect)")
    return outputs / figures[1][1]


def main(runs: int = 3, count: int = 10) -> None:
    runs = max(runs, 3)
    bench_noop(runs, jobs=os.cpu_count() or 1)
    print()
    bench_noop(runs, jobs=1)
    print()
    bench_shards(count)
    print()
    bench_scaling(runs, count)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--leaflets", type=int, default=10, help="leaflets in the shard and scaling runs")
    args = parser.parse_args()
    main(args.runs, args.leaflets)
