"""`leaflets serve` after a save, against `leaflets preview`: ``python bench/run.py serve`` (or run this file).

The aim: the web view is shown again within 1 s of saving a shipped leaflet. Measured three ways,
each a median of ``runs`` runs on the largest shipped leaflet:

1. save to new page: a real ``leaflets serve --port 0`` subprocess; the file is saved (a word of the
   title changed, written as editors do: a new file renamed over the old), then ``/__version`` is
   polled every 10 ms until it moves and the page fetched and checked for the new word. This is what
   the writer waits for (the page's own script polls every 500 ms on top of it).
2. in process: :meth:`leaflets.serve.Preview.refresh` alone (load, check, render the web page, add
   the findings panel and marks), warm.
3. baseline, the same run: ``leaflets preview FILE --out DIR`` from process start to exit, what a
   writer ran after every save before `serve`.
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
import time
import urllib.request
from pathlib import Path

from timing import median_time  # bench/ is on sys.path when a bench runs

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
AIM = 1.0  # seconds


def largest_leaflet() -> Path:
    return max(sorted((ROOT / "content").glob("*/*.json")), key=lambda path: path.stat().st_size)


def save(path: Path, data: dict, title: str) -> None:
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(data | {"title": title}, indent=2, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def start_server(path: Path) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen([sys.executable, "-m", "leaflets", "serve", str(path), "--port", "0"], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        match = re.search(r"serving .* at (http://\S+/)", line)
        if match:
            return process, match[1]
    raise SystemExit(f"leaflets serve did not start:\n{process.stderr.read() if process.stderr else ''}")


def bench_save_to_page(source: Path, runs: int) -> float:
    """Median seconds from a save to the served page showing it."""
    data = json.loads(source.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.parent.name / source.name
        path.parent.mkdir()
        shutil.copyfile(source, path)
        process, url = start_server(path)
        key = f"{source.parent.name}.{source.stem}"
        try:
            times = []
            for run in range(runs + 1):  # the first is a warm-up
                before = json.loads(fetch(url + "__version"))[key]
                word = f"edit{run}"
                start = time.perf_counter()
                save(path, data, f"{data['title']} {word}")
                while json.loads(fetch(url + "__version"))[key] == before:
                    if time.perf_counter() - start > 30:
                        raise SystemExit("the server did not notice the save within 30 s")
                    time.sleep(0.01)
                page = fetch(url + f"{key}.html").decode("utf-8")
                elapsed = time.perf_counter() - start
                if word not in page:
                    raise SystemExit(f"the page does not show the save ({word})")
                if run:
                    times.append(elapsed)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return sorted(times)[len(times) // 2]


def bench_in_process(source: Path, runs: int) -> float:
    from leaflets import config, serve

    preview = serve.Preview([str(source)], "default", config.load(), log=lambda _line: None)
    (served,) = preview.leaflets.values()
    preview.refresh(served)  # warm: imports, templates, brand
    return median_time(lambda: preview.refresh(served), runs)


def bench_preview_command(source: Path, runs: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "leaflets", "preview", str(source), "--out", str(Path(tmp) / "out")]

        def once() -> None:
            done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True,
                                  env={**os.environ, "NO_COLOR": "1"})
            if done.returncode != 0:
                raise SystemExit(f"leaflets preview failed:\n{done.stderr}")

        return median_time(once, runs)


def main(runs: int = 7) -> None:
    source = largest_leaflet()
    label = source.relative_to(ROOT)
    save_to_page = bench_save_to_page(source, runs)
    in_process = bench_in_process(source, runs)
    preview = bench_preview_command(source, runs)
    print(f"serve: {label} ({source.stat().st_size:,} bytes), median of {runs} runs")
    print(f"  save to new page (leaflets serve, over HTTP)     {save_to_page * 1000:8.0f} ms")
    print(f"  re-check and re-render in process (refresh)      {in_process * 1000:8.0f} ms")
    print(f"  leaflets preview, process start to exit          {preview * 1000:8.0f} ms")
    print(f"  serve / preview                                  {save_to_page / preview:8.2f}x")
    print(f"  aim: under {AIM * 1000:.0f} ms from save to page: {'met' if save_to_page < AIM else 'NOT MET'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    main(parser.parse_args().runs)
