"""Hostile inputs against ordinary ones, whole command: ``python bench/bounded_bench.py``.

The issue's cases: `leaflets validate` on a 1 MB leaflet of doubled words (571 s and 100,504
warnings before positions were indexed and findings capped per field), and `leaflets preflight` on
a 28 KB PDF with a million path operators (21 s, 1.5 GB) and on a 1 MB stream that inflates to
1 GiB (2 GB). Each is printed beside the same command on an ordinary file, with the ratio and the
largest resident memory of the run; the budget is seconds, not minutes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_BYTES = 1024 * 1024


def _run(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, peak resident MB of this run, last line of its output)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own peak, not the largest so far
        child.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - start
        out.seek(0)
        output = out.read()
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{output}")
    return elapsed, usage.ru_maxrss / 1024, (output.strip().splitlines() or [""])[-1]


def _median(command: list[str], cwd: Path, runs: int) -> tuple[float, float, str]:
    results = sorted(_run(command, cwd) for _ in range(runs))
    return results[len(results) // 2]


def doubled_words(folder: Path) -> Path:
    """The shipped spinal-fusion leaflet with its summary made "the the the ..." up to the size limit."""
    data = json.loads((ROOT / "content" / "spinal-fusion" / "en.json").read_text(encoding="utf-8"))
    room = MAX_BYTES - len(json.dumps(data, indent=2, ensure_ascii=False).encode()) - 1000
    data["summary"] = " ".join(["the"] * (room // 4))
    target = folder / "spinal-fusion" / "en.json"
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def page_pdf(path: Path, content: bytes) -> Path:
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Contents = pdf.make_stream(content, Filter=pikepdf.Name.FlateDecode)
    pdf.save(path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return path


def main(runs: int = 3) -> None:
    sys.path.insert(0, str(ROOT))
    validate = [sys.executable, "-m", "leaflets", "validate"]
    preflight = [sys.executable, "-m", "leaflets", "preflight", "--profile", "print"]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        doubled = doubled_words(folder / "doubled")
        deflater, zeros = zlib.compressobj(9), bytes(1 << 20)
        bomb = b"".join([deflater.compress(zeros) for _ in range(1024)] + [deflater.flush()])
        cases = [
            ("validate, 1 MB of doubled words", validate + [str(doubled)],
             validate + [str(ROOT / "content" / "spinal-fusion" / "en.json")]),
            ("preflight, 1 M path operators", preflight + [str(page_pdf(folder / "ops.pdf", zlib.compress(
                b"0 0 m 1 1 l S\n" * 330_000, 9)))], preflight + [str(page_pdf(folder / "one.pdf", zlib.compress(
                    b"0 0 m 1 1 l S\n")))]),
            ("preflight, 1 GiB inflated stream", preflight + [str(page_pdf(folder / "bomb.pdf", bomb))],
             preflight + [str(folder / "one.pdf")]),
        ]
        print(f"bounded: whole command, median of {runs} runs (budget: seconds, not minutes)")
        print(f"{'':<34} {'hostile':>9} {'ordinary':>9} {'ratio':>7}  {'peak RSS':>9}  last line of output")
        for label, hostile, ordinary in cases:
            base, _, _ = _median(ordinary, ROOT, runs)
            took, peak, last = _median(hostile, ROOT, runs)
            print(f"{label:<34} {took * 1000:7.0f}ms {base * 1000:7.0f}ms {took / base:6.1f}x  {peak:6.0f} MB  {last}")


if __name__ == "__main__":
    main()
