"""Preflight of a shipped leaflet against rendering it: ``python bench/run.py preflight``.

For each profile (print PDF/X-4 with crop marks, screen PDF/UA-1) the same leaflet is rendered
with the build's own renderer (``leaflets.workers.render_task`` on the first leaflet in content/),
then preflighted in-process; both are medians of several runs measured here, and the ratio says
what share of a render preflight costs. If the build cannot render content/ yet, a realistic
eight-page A5 leaflet in HTML (headings, lists, a table, a photo) is rendered through
``leaflets.render.pdf.render_pdf`` instead, and the output says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from timing import median_time  # bench/ is on sys.path when a bench runs

ROOT = Path(__file__).resolve().parent.parent




def _build_renderer(profile: str) -> Callable[[], bytes] | None:
    """Render the first leaflet in content/ exactly as `leaflets build` does, if it can."""
    import json

    from leaflets import workers
    from leaflets.build import load_brand

    sources = sorted((ROOT / "content").glob("*/*.json"))
    if not sources:
        return None
    text = sources[0].read_text(encoding="utf-8")
    brand = load_brand("default")
    display = str(sources[0].relative_to(ROOT))
    leaflet = workers.leaflet_model(json.loads(text), display, hashlib.sha256(text.encode()).hexdigest(), draft=False)
    task = workers.RenderRequest(display, leaflet, str(brand.folder), profile, False, profile == "print")

    def render() -> bytes:
        rendered = workers.render_task(task)
        if rendered.error:
            raise RuntimeError(rendered.error)
        return rendered.data

    try:
        render()
    except Exception as exc:  # noqa: BLE001 - the build is still being written: fall back, and say so
        print(f"  (build renderer unavailable for {profile}: {str(exc).splitlines()[0][:100]})")
        return None
    return render


def _synthetic_html(tmp: Path) -> str:
    from PIL import Image

    from leaflets.render import pdf

    photo = tmp / "photo.jpg"
    Image.effect_mandelbrot((1200, 900), (-2, -1.2, 1, 1.2), 60).convert("RGB").convert("CMYK").save(photo)
    section = """<h2>{n}. What happens during the operation</h2>
<p>You will have a general anaesthetic, so you will be asleep. The surgeon makes a cut of about
10 cm over your lower back and joins two bones with screws and rods. It takes about 3 hours.</p>
<ul><li>Bring a list of your medicines.</li><li>Do not eat for 6 hours before.</li>
<li>Arrange for someone to take you home.</li></ul>
<table><caption>Risks</caption><tr><th scope="col">Risk</th><th scope="col">How often</th></tr>
<tr><td>Infection</td><td>about 1 in 100</td></tr><tr><td>Nerve damage</td><td>about 1 in 1,000</td></tr></table>
<p>Most people go home after 3 to 5 days. You can usually drive again after 6 weeks.</p>"""
    body = "".join(section.format(n=n) for n in range(1, 13))
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Spinal fusion</title>
<style>
@color-profile device-cmyk {{ src: url({pdf.DEFAULT_ICC_PROFILE.as_uri()}); components: c, m, y, k }}
@page {{ size: A5; bleed: 3mm; margin: 15mm }}
body {{ font-family: DejaVu Sans; font-size: 11pt; color: device-cmyk(0 0 0 1) }}
h1, h2 {{ color: device-cmyk(1 0.6 0 0.1) }}
img {{ width: 100% }}
</style></head><body><h1>Spinal fusion</h1><img src="{photo.as_uri()}" alt="The lower back">{body}</body></html>"""


def _synthetic_renderer(profile: str, tmp: Path) -> Callable[[], bytes]:
    from leaflets.render import pdf

    html = _synthetic_html(tmp)
    options = pdf.PdfOptions(profile=profile, base_dir=tmp, roots=(tmp, pdf.ICC_DIR), date=dt.date(2026, 1, 1),
                             identity="ab" * 16, crop_marks=profile == "print", label="bench leaflet")
    return lambda: pdf.render_pdf(html, options).data


def main(runs: int = 7) -> None:
    from leaflets.preflight import Options, preflight_file

    print(f"preflight vs render, median of {runs} runs (ratio = preflight / render)")
    print(f"{'profile / source':<34} {'preflight':>11} {'render':>11} {'ratio':>9}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        for profile in ("print", "screen"):
            render = _build_renderer(profile)
            source = "content/ via build"
            if render is None:
                render, source = _synthetic_renderer(profile, tmp), "synthetic A5 via render_pdf"
            data = render()
            path = tmp / f"leaflet.{profile}.pdf"
            path.write_bytes(data)
            options = Options(profile=profile)
            findings = preflight_file(path, options)
            render_s = median_time(render, max(3, runs // 2))
            check_s = median_time(lambda p=path, o=options: preflight_file(p, o), runs)
            pages = _pages(path)
            print(f"{profile + ' / ' + source:<34} {check_s * 1000:8.1f} ms {render_s * 1000:8.0f} ms "
                  f"{check_s / render_s:8.3f}x   ({pages} pages, {len(data) // 1024} KiB, "
                  f"{len(findings)} finding(s))")
        cli_s = median_time(lambda: subprocess.run([sys.executable, "-m", "leaflets", "preflight", str(path)],
                                                   capture_output=True), runs)
        bare_s = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], capture_output=True), runs)
        print(f"{'CLI `leaflets preflight` (process)':<34} {cli_s * 1000:8.0f} ms {'':>11} "
              f"(bare python start-up {bare_s * 1000:.0f} ms)")


def _pages(path: Path) -> int:
    import pikepdf

    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
