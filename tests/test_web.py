"""The web pages: accessible (axe-core in real headless Chromium), readable at 320 px, and safe with hostile content.

The browser tests serve a small site (pages, index, brand assets laid out as ``leaflets build``
does) on 127.0.0.1 and inject the vendored, pinned axe-core. They are marked slow.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import http.server
import json
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from leaflets.brand import Brand, load_brand
from leaflets.model import Leaflet
from leaflets.render.html import jsonld, page_url, render_index, render_web, web_assets

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
AXE_SHA256 = "880970c081707360e64f34cea25ff91892f5bc95675b0776925b9709dd8a68bb"  # axe-core 4.10.3
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@functools.lru_cache(maxsize=1)
def axe_source() -> str:
    data = AXE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == AXE_SHA256, "tests/vendor/axe-core/axe.min.js is not the pinned copy"
    return data.decode("utf-8")


def write_site(folder: Path, leaflets: list[Leaflet], brand: Brand, *, draft: bool = False) -> dict[str, Path]:
    """Pages, index and brand assets laid out as ``leaflets build`` lays them out."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for leaflet in leaflets:
        path = folder / page_url(leaflet)
        path.write_text(render_web(leaflet, brand, draft=draft), encoding="utf-8")
        written[leaflet.slug] = path
    (folder / "index.html").write_text(render_index(leaflets, brand), encoding="utf-8")
    for source, relative in web_assets(brand):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(source.read_bytes())
    return written


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 (file:// pages may not load fonts in Chromium); yields the base URL."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def run_axe(page: Any) -> dict[str, Any]:
    """axe-core's results for the page, limited to the WCAG 2.x A/AA and best-practice tags. (Run as the
    test harness's own code, not a <script> element: the pages' Content-Security-Policy allows no script.)"""
    page.evaluate(axe_source())
    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations", "incomplete"]}
    results: dict[str, Any] = page.evaluate("async (options) => await axe.run(document, options)", options)
    return results


def summarise(results: list[dict[str, Any]]) -> str:
    """One line per rule and node, for a failing assertion."""
    lines = []
    for rule in results:
        for node in rule["nodes"][:5]:
            lines.append(f"{rule['id']} ({rule.get('impact')}): {rule['help']} at {node['target']}: "
                         f"{node.get('failureSummary', '')}".replace("\n", " "))
    return "\n".join(lines) or json.dumps(results)[:2000]


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 = no sideways scrolling)."""
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))


# --- the leaflets the tests render ------------------------------------------------------------

SAMPLE = ROOT / "tests" / "fixtures" / "model" / "sample.en.json"
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 6 + "x" * 24  # 300 characters, no break
ARABIC = "هذه النشرة معلومات عامة فقط."
CHINESE = "本传单仅提供一般信息。"


def sample_data() -> dict[str, Any]:
    return copy.deepcopy(json.loads(SAMPLE.read_text(encoding="utf-8")))


def leaflet_from(data: dict[str, Any]) -> Leaflet:
    raw = json.dumps(data, sort_keys=True).encode("utf-8")
    return Leaflet.from_data(data, source_sha256=hashlib.sha256(raw).hexdigest())


def hostile_data() -> dict[str, Any]:
    """Schema-shaped content that tries to be markup, template code, or too wide for a phone."""
    data = sample_data()
    data["id"] = "hostile"
    data["status"] = "in-review"
    data.pop("approval")
    data["title"] = "Knee <script>alert(1)</script> & {{ 7 * 7 }} repair"
    data["summary"] = "Ends the JSON-LD early? </script><script>alert(2)</script> {% raw %} {# c #}"
    data["condition"] = [LONG_WORD, f"Arabic: {ARABIC} Chinese: {CHINESE}",
                         {"list": ["<img src=x onerror=alert(3)>", "{{ config }}", LONG_WORD]}]
    data["risks"][0]["name"] = "Risk with a very long name " + LONG_WORD
    data["glossary"] = [{"term": LONG_WORD, "definition": "<b>bold?</b> " + LONG_WORD}]
    return data


def shipped_leaflets() -> list[Path]:
    return sorted((ROOT / "content").glob("*/*.json"))


def valid_shipped() -> list[Leaflet]:
    from leaflets.schema import validator

    out = []
    for path in shipped_leaflets():
        raw = path.read_bytes()
        data = json.loads(raw)
        if not list(validator("leaflet").iter_errors(data)):
            out.append(Leaflet.from_data(data, source_sha256=hashlib.sha256(raw).hexdigest()))
    return out


# --- fast checks on the HTML itself -----------------------------------------------------------

def structure(html: str) -> list[tuple[str, dict[str, str | None]]]:
    """Start tags in order, with their attributes (a tiny parser: the page must be well formed)."""
    from html.parser import HTMLParser

    tags: list[tuple[str, dict[str, str | None]]] = []

    class Collect(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            tags.append((tag, dict(attrs)))

    Collect().feed(html)
    return tags


def test_web_page_landmarks_headings_and_table() -> None:
    html = render_web(leaflet_from(sample_data()), load_brand("default"))
    tags = structure(html)
    names = [t for t, _ in tags]
    assert tags[0] == ("html", {"lang": "en", "dir": "ltr"})
    assert names.count("h1") == 1 and names.count("main") == 1
    assert {"header", "nav", "footer"} <= set(names)
    levels = [int(t[1]) for t in names if re.fullmatch(r"h[1-6]", t)]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False)), levels
    assert ("a", {"class": "skip-link", "href": "#main"}) in tags
    assert "<caption>How often each risk happens</caption>" in html
    assert '<th scope="col">Risk</th>' in html and '<th scope="row">Infection</th>' in html
    assert "<td>about 1 in 100 people (uncommon)</td>" in html
    assert "between 1 in 20 and 1 in 10 people (common)" in html
    assert re.search(r"Last reviewed <time datetime=\"2026-11-23\">23 November 2026</time>\.\s+"
                     r"Next review due <time datetime=\"2027-11-23\">23 November 2027</time>", html)
    assert "@media print" in html and "<script src" not in html


def test_approved_leaflet_has_no_warning_band_and_others_always_do() -> None:
    brand = load_brand("default")
    approved = render_web(leaflet_from(sample_data()), brand)
    assert "Not yet approved for patient use" not in approved and "DRAFT" not in approved
    for status in ("draft", "in-review"):
        data = sample_data() | {"status": status}
        html = render_web(leaflet_from(data), brand)
        assert html.count("Not yet approved for patient use") == 2  # band at the top, note in the footer


def test_draft_mark() -> None:
    html = render_web(leaflet_from(sample_data()), load_brand("default"), draft=True)
    assert "<title>DRAFT: Sample procedure" in html
    assert '<div class="draft-mark"' in html and "<strong>DRAFT</strong>" in html


def test_json_ld_is_a_medical_web_page() -> None:
    leaflet = leaflet_from(sample_data())
    html = render_web(leaflet, load_brand("example-hospital"))
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert block is not None
    data = json.loads(block.group(1))
    assert data == jsonld(leaflet, load_brand("example-hospital"))
    assert data["@type"] == "MedicalWebPage" and data["lastReviewed"] == "2026-11-23"
    assert data["about"] == {"@type": "MedicalProcedure", "name": "Sample procedure"}
    assert data["publisher"]["name"] == "St Example's Hospital NHS Trust"


def test_hostile_content_stays_text() -> None:
    html = render_web(leaflet_from(hostile_data()), load_brand("default"))
    tags = structure(html)
    # only the logo, besides the icon arrays the page draws itself (leaflets.render.icons)
    assert [a["src"] for t, a in tags if t == "img" and a.get("class") != "icons"] == ["assets/logo.svg"]
    assert not [t for t, _ in tags if t in ("b", "iframe", "object", "embed")]
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts == ['<script type="application/ld+json">']
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    words = re.sub(r"data:image/svg\+xml;base64,[A-Za-z0-9+/=]+", "", html)  # not the icon arrays' base64
    assert "{{ 7 * 7 }}" in html and "49" not in words.replace("2049", "")
    assert "{{ config }}" in html
    ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert ld["description"].startswith("Ends the JSON-LD early? </script>")
    assert ARABIC in html and CHINESE in html


def test_index_lists_every_leaflet_by_title_and_language() -> None:
    brand = load_brand("default")
    welsh = sample_data() | {"language": "cy", "title": "Triniaeth enghreifftiol", "status": "draft"}
    other = sample_data() | {"id": "another", "title": "Another procedure"}
    leaflets = [leaflet_from(d) for d in (sample_data(), welsh, other)]
    html = render_index(leaflets, brand)
    links = [a for t, a in structure(html) if t == "a" and a.get("hreflang")]
    assert [a["href"] for a in links] == ["another.en.html", "sample.en.html", "sample.cy.html"]
    assert [a["lang"] for a in links] == ["en", "en", "cy"]
    assert "Cymraeg" in html and "English" in html
    assert html.count("Not yet approved for patient use") == 1


def test_web_assets_are_the_brand_files() -> None:
    brand = load_brand("default")
    assets = dict((relative, source) for source, relative in web_assets(brand))
    assert "assets/logo.svg" in assets and "assets/fonts/OFL.txt" in assets
    assert all(source.is_file() and source.is_relative_to(brand.folder) for source in assets.values())
    html = render_web(leaflet_from(sample_data()), brand)
    for relative in assets:
        if not relative.endswith(".txt"):
            assert relative in html, relative


# --- in the browser ---------------------------------------------------------------------------

def check_page(browser: Any, url: str, width: int, height: int = 900) -> dict[str, Any]:
    """Open ``url`` at ``width`` CSS px; assert zero axe violations, zero incomplete, no sideways scroll."""
    context = browser.new_context(viewport={"width": width, "height": height}, java_script_enabled=True)
    try:
        page = context.new_page()
        failed: list[str] = []
        refused: list[str] = []  # what the page's Content-Security-Policy blocked: it must need nothing it refuses
        page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        assert failed == [], f"requests failed: {failed}"
        assert refused == [], f"the page's Content-Security-Policy refused: {refused}"
        fonts = page.evaluate("[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)")
        results = run_axe(page)
        assert results["violations"] == [], summarise(results["violations"])
        assert results["incomplete"] == [], summarise(results["incomplete"])
        assert horizontal_overflow(page) <= 0, f"{url} scrolls sideways at {width} px"
        return {"fonts": fonts, "page": page.content()}
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("brand_name", ["default", "example-hospital"])
@pytest.mark.parametrize("width", [1280, 640, 320])  # 640 px = 1280 px at 200 % zoom
def test_page_passes_axe_and_reflows(browser: Any, tmp_path: Path, brand_name: str, width: int) -> None:
    brand = load_brand(brand_name)
    leaflets = [leaflet_from(sample_data()), leaflet_from(sample_data() | {"id": "other", "status": "draft"})]
    write_site(tmp_path, leaflets, brand)
    with serve(tmp_path) as base:
        seen = check_page(browser, base + "sample.en.html", width)
        check_page(browser, base + "other.en.html", width)
        check_page(browser, base + "index.html", width)
    assert brand.typeface.family in seen["fonts"], "the brand's typeface did not load"


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_draft_page_passes_axe(browser: Any, tmp_path: Path, width: int) -> None:
    write_site(tmp_path, [leaflet_from(sample_data() | {"status": "in-review"})], load_brand("default"), draft=True)
    with serve(tmp_path) as base:
        seen = check_page(browser, base + "sample.en.html", width)
    assert "DRAFT" in seen["page"]


@pytest.mark.slow
@pytest.mark.parametrize("width", [1280, 320])
def test_hostile_content_is_safe_in_the_browser(browser: Any, tmp_path: Path, width: int) -> None:
    write_site(tmp_path, [leaflet_from(hostile_data())], load_brand("default"))
    context = browser.new_context(viewport={"width": width, "height": 800})
    try:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        with serve(tmp_path) as base:
            page.goto(base + "hostile.en.html", wait_until="load")
            assert dialogs == []
            assert page.evaluate("document.querySelectorAll('script:not([type=\"application/ld+json\"])').length") == 0
            assert page.evaluate("document.querySelectorAll('main img:not(.icons), main b').length") == 0
            title = page.locator("h1").inner_text()
            assert title == "Knee <script>alert(1)</script> & {{ 7 * 7 }} repair"
            ld = page.evaluate("JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)")
            assert ld["name"] == title
            assert horizontal_overflow(page) <= 0, "a 300-character word makes the page scroll sideways"
            results = run_axe(page)
            assert results["violations"] == [], summarise(results["violations"])
    finally:
        context.close()


@pytest.mark.slow
@pytest.mark.parametrize("path", shipped_leaflets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_leaflet_renders_accessibly(browser: Any, tmp_path: Path, path: Path) -> None:
    raw = path.read_bytes()
    from leaflets.schema import validator

    data = json.loads(raw)
    if list(validator("leaflet").iter_errors(data)):
        pytest.skip("not schema-valid yet: `leaflets validate` reports it")
    leaflet = Leaflet.from_data(data, source_sha256=hashlib.sha256(raw).hexdigest())
    write_site(tmp_path, [leaflet], load_brand("default"))
    with serve(tmp_path) as base:
        for width in (1280, 320):
            check_page(browser, base + page_url(leaflet), width)
