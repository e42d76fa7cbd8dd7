"""`leaflets build` against plain WeasyPrint: ``python bench/run.py build`` (or run this file).

1. Overhead, single job: the whole build of every shipped leaflet (check, model, web page, screen
   and print PDF with sandboxed fetching, log capture, pikepdf post-processing and checks, atomic
   writes, manifest) beside plain ``weasyprint.HTML(string=…).write_pdf(pdf_variant=…)`` rendering
   the same two print HTML documents per leaflet, in the same process and run. Aim: < 10 %.
2. Throughput: `leaflets build --jobs 1` against `--jobs 2` as processes, on content/ copied to
   more leaflets so two workers have something to share.
3. Memory: peak resident memory of a build of N and of 2N leaflets (jobs 1: the build process;
   jobs 2: the largest worker). It should not grow with the number of leaflets.

Every time is a median of ``runs`` runs (at least 3).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import median_time  # bench/ is on sys.path when a bench runs

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))




def copies_of_content(folder: Path, count: int) -> Path:
    """content/ copied to ``count`` leaflets with distinct ids (outputs are named by id)."""
    sources = sorted((ROOT / "content").glob("*/*.json"))
    for index in range(count):
        source = sources[index % len(sources)]
        data = json.loads(source.read_text(encoding="utf-8"))
        data["id"] = f"{data['id']}-{index}" if index >= len(sources) else data["id"]
        target = folder / data["id"] / source.name
        target.parent.mkdir(parents=True)
        target.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return folder


def plain_weasyprint_job() -> Callable[[], None]:
    """The baseline: WeasyPrint alone on the print HTML the build renders (both PDF profiles)."""
    import weasyprint

    from leaflets import build
    from leaflets.brand import load_brand
    from leaflets.model import Leaflet
    from leaflets.render import html

    brand = load_brand("default")
    pages = []
    for source in sorted((ROOT / "content").glob("*/*.json")):
        leaflet = Leaflet.from_data(json.loads(source.read_text(encoding="utf-8")), source_sha256="0" * 64)
        for profile in ("screen", "print"):
            pages.append((html.render_print(leaflet, brand, profile=profile,
                                            web_url=build.published_url(brand, leaflet)), profile))
    base_url = brand.folder.as_uri() + "/"
    variants = {"screen": "pdf/ua-1", "print": "pdf/x-4"}

    def run() -> None:
        for page, profile in pages:
            weasyprint.HTML(string=page, base_url=base_url).write_pdf(pdf_variant=variants[profile])

    return run


def bench_overhead(runs: int) -> None:
    from leaflets import build

    baseline = plain_weasyprint_job()
    count = len(list((ROOT / "content").glob("*/*.json")))
    with tempfile.TemporaryDirectory() as tmp:
        def ours() -> None:
            result = build.build([str(ROOT / "content")], tmp, jobs=1)
            if not result.ok:
                raise SystemExit("the build failed:\n" + "\n".join(result.failures + result.refused))

        ours()
        baseline()  # warm both up: fonts, caches
        ours_time = median_time(ours, runs)
        base_time = median_time(baseline, runs)
    print(f"build: {count} shipped leaflets, html + screen PDF + print PDF each, median of {runs} runs")
    print(f"  leaflets build --jobs 1 (in process)       {ours_time * 1000:8.0f} ms")
    print(f"  plain WeasyPrint, same print HTML (2 PDFs)  {base_time * 1000:8.0f} ms")
    print(f"  overhead                                    {(ours_time / base_time - 1) * 100:8.1f} %")


def _build_command(content: Path, out: Path, jobs: int) -> list[str]:
    return [sys.executable, "-m", "leaflets", "build", str(content), "--out", str(out), "--jobs", str(jobs)]


def bench_jobs(runs: int, count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content = copies_of_content(Path(tmp) / "content", count)
        times = {}
        for jobs in (1, 2):
            def once(jobs: int = jobs) -> None:
                out = Path(tmp) / f"out{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                done = subprocess.run(_build_command(content, out, jobs), cwd=ROOT, capture_output=True, text=True)
                if done.returncode != 0:
                    raise SystemExit(f"build failed:\n{done.stderr}")
            times[jobs] = median_time(once, runs)
    print(f"throughput: {count} leaflets (3 outputs each), process start to exit, median of {runs} runs")
    for jobs, seconds in times.items():
        print(f"  --jobs {jobs}   {seconds * 1000:8.0f} ms   {count / seconds:6.2f} leaflets/s")
    print(f"  speed-up with 2 jobs: {times[1] / times[2]:.2f}x")


def peak_memory(count: int, jobs: int) -> int:
    """Peak RSS in kB of a build of ``count`` leaflets, measured in a fresh process."""
    code = (
        "import resource, sys, tempfile\n"
        f"sys.path.insert(0, {str(ROOT)!r}); sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from pathlib import Path\nfrom build_bench import copies_of_content\nfrom leaflets import build\n"
        "with tempfile.TemporaryDirectory() as tmp:\n"
        f"    content = copies_of_content(Path(tmp) / 'content', {count})\n"
        f"    result = build.build([str(content)], Path(tmp) / 'out', jobs={jobs})\n"
        "    assert result.ok, result.failures + result.refused\n"
        "print(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,"
        " resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return int(done.stdout.split()[-1])


def bench_memory(count: int) -> None:
    print("peak memory (max RSS of the build process and its workers)")
    for jobs in (1, 2):
        small, large = peak_memory(count, jobs), peak_memory(2 * count, jobs)
        print(f"  --jobs {jobs}: {count} leaflets {small / 1024:6.0f} MB, {2 * count} leaflets "
              f"{large / 1024:6.0f} MB  ({(large / small - 1) * 100:+.0f} %)")


def main(runs: int = 3, count: int = 10) -> None:
    runs = max(runs, 3)
    bench_overhead(runs)
    print()
    bench_jobs(runs, count)
    print()
    bench_memory(count)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--leaflets", type=int, default=10, help="leaflets in the throughput and memory runs")
    args = parser.parse_args()
    main(args.runs, args.leaflets)
