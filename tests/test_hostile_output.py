"""Hostile content through the real CLI: `build --draft` and `preview` never write outside --out, name
outputs only from validated values (or a slug of the file's path), never make a link of a
`javascript:` (or any non-https) address, and the web pages carry a Content-Security-Policy that
allows no script and nothing off-site, and that the pages themselves never trip (headless Chromium).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
from conftest import ROOT, Result, run_cli

SHIPPED = ROOT / "content" / "pars-defect-repair" / "en.json"
ROOT_FILE = Path("/.en.html")  # where an id of "/" used to write: out / "/.en.html"


def leaflet(folder: Path, name: str, **changes: Any) -> Path:
    """The shipped leaflet with ``changes``, written to ``folder/name/en.json``."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data.update(changes)
    path = folder / name / "en.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=True), encoding="utf-8")  # NUL as \u0000
    return path


def tree(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*")}


def hostile_ids(tmp_path: Path, out: Path) -> dict[str, str]:
    """The id values the issue names; each would once have written the file its comment says."""
    up = "../" * len(out.resolve().parts)  # enough to reach / from --out, then down into tmp_path
    return {
        "dotdot": up + (tmp_path / "escaped").resolve().as_posix().lstrip("/"),  # tmp_path/escaped.en.html
        "absolute": (tmp_path / "absolute").resolve().as_posix(),  # tmp_path/absolute.en.html
        "slash": "/",  # /.en.html
        "nul": "a\u0000b",  # ValueError: embedded null byte
        "long": "a" * 5000,  # OSError: file name too long
    }


def assert_clean(result: Result) -> None:
    assert "Traceback" not in result.stderr + result.stdout, result


def assert_only_inside(tmp_path: Path, out: Path, before: set[Path]) -> None:
    """Nothing new in tmp_path outside ``out``, and nothing at the escaped targets."""
    outside = {path for path in tree(tmp_path) - before if not path.resolve().is_relative_to(out.resolve())}
    assert outside == set(), f"written outside --out: {sorted(map(str, outside))}"
    for name in ("escaped", "absolute"):
        assert not list(tmp_path.glob(f"{name}.*")), name


def manifest_paths(out: Path) -> list[str]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return [entry["path"] for entry in manifest["outputs"]]


def assert_safe_relative(relative: str, out: Path) -> None:
    parts = PurePosixPath(relative).parts
    assert parts and not PurePosixPath(relative).is_absolute() and ".." not in parts, relative
    assert re.fullmatch(r"[A-Za-z0-9._/-]+", relative), relative
    assert (out / relative).resolve().is_relative_to(out.resolve()), relative


CASES = ["dotdot", "absolute", "slash", "nul", "long"]


@pytest.mark.parametrize("case", CASES)
def test_draft_build_names_outputs_from_the_path_when_the_id_is_hostile(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    leaflet(tmp_path / "content", case, id=hostile_ids(tmp_path, out)[case])
    root_file_before = ROOT_FILE.exists()
    before = tree(tmp_path)
    result = run_cli("build", tmp_path / "content", "--out", out, "--draft", "--format", "html")
    assert result.code == 0, result
    assert_clean(result)
    assert f"outputs are named {case}.en.* after its path" in result.stderr, result
    assert_only_inside(tmp_path, out, before)
    assert root_file_before or not ROOT_FILE.exists(), "an id of '/' wrote /.en.html"
    paths = manifest_paths(out)
    assert f"{case}.en.html" in paths, paths
    for relative in paths:
        assert_safe_relative(relative, out)
    page = (out / f"{case}.en.html").read_text(encoding="utf-8")
    assert "[not allowed: id (not usable as a file name:" in page  # the draft says why, with the finding
    assert 'href="../' not in page and 'href="/' not in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", CASES)
def test_preview_names_outputs_from_the_path_when_the_id_is_hostile(tmp_path: Path, case: str) -> None:
    out = tmp_path / "out"
    path = leaflet(tmp_path / "content", case, id=hostile_ids(tmp_path, out)[case])
    root_file_before = ROOT_FILE.exists()
    before = tree(tmp_path)
    result = run_cli("preview", path, "--out", out)
    assert result.code == 0, result
    assert_clean(result)
    assert re.search(r"LS00[67] error: id (is|must be)", result.stdout), result  # the finding names the problem
    assert_only_inside(tmp_path, out, before)
    assert root_file_before or not ROOT_FILE.exists(), "an id of '/' wrote /.en.html"
    assert (out / f"{case}.en.html").is_file()
    assert sorted(p.name for p in out.glob("*.html")) == sorted([f"{case}.en.html", "index.html"])


def test_a_hostile_language_is_not_a_file_name_either(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    language = "../" * len(out.resolve().parts) + (tmp_path / "lang").resolve().as_posix().lstrip("/")
    leaflet(tmp_path / "content", "knee", id="knee", language=language)
    before = tree(tmp_path)
    result = cli("build", tmp_path / "content", "--out", out, "--draft", "--format", "html")
    assert result.code == 0, result
    assert_clean(result)
    assert_only_inside(tmp_path, out, before)
    assert not list(tmp_path.glob("lang*"))
    assert (out / "knee.en.html").is_file()  # the id is fine and kept; the language comes from en.json
    for relative in manifest_paths(out):
        assert_safe_relative(relative, out)


def test_a_draft_with_no_usable_name_at_all_is_refused_clearly(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    path = leaflet(tmp_path / "content", "---", id="../../x")  # the folder slugs to nothing
    before = tree(tmp_path)
    built = cli("build", tmp_path / "content", "--out", out, "--draft", "--format", "html")
    assert built.code == 1, built
    assert_clean(built)
    assert "cannot be built, even as a draft: its id or language is not usable as a file name" in built.stderr
    assert manifest_paths(out) == []
    previewed = cli("preview", path, "--out", tmp_path / "preview")
    assert previewed.code == 1, previewed
    assert_clean(previewed)
    assert "cannot be previewed: its id or language is not usable as a file name" in previewed.stderr
    assert_only_inside(tmp_path, out, before)
    assert not (tmp_path / "preview").exists() or not list((tmp_path / "preview").glob("*.html"))


def test_inside_proves_the_path_is_in_the_output_folder(tmp_path: Path) -> None:
    from leaflets.errors import BuildError
    from leaflets.names import inside

    out = tmp_path / "out"
    out.mkdir()
    assert inside(out, "knee.en.html") == out / "knee.en.html"
    assert inside(out, "assets/fonts/a.ttf") == out / "assets" / "fonts" / "a.ttf"
    (tmp_path / "elsewhere.html").write_text("theirs", encoding="utf-8")
    (out / "linked.en.html").symlink_to(tmp_path / "elsewhere.html")
    (out / "folder").symlink_to(tmp_path)
    for bad in ["../x.html", "/tmp/x.html", "", ".", "a\0b.html", "a" * 300 + ".html", "linked.en.html",
                "folder/x.html", "a\\..\\b.html"]:
        with pytest.raises(BuildError, match="refusing to write"):
            inside(out, bad)


def test_a_build_never_writes_through_a_link_to_outside(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    out.mkdir()
    theirs = tmp_path / "theirs.html"
    theirs.write_text("not leaflets'", encoding="utf-8")
    (out / "knee.en.html").symlink_to(theirs)
    leaflet(tmp_path / "content", "knee", id="knee")
    result = cli("build", tmp_path / "content", "--out", out, "--draft", "--format", "html")
    assert result.code == 1, result
    assert_clean(result)
    assert "refusing to write 'knee.en.html'" in result.stderr, result
    assert theirs.read_text(encoding="utf-8") == "not leaflets'"
    assert "knee.en.html" not in manifest_paths(out)


# --- links: only https (and mailto:/tel: from valid values) -----------------------------------------

JAVASCRIPT = {"url": "javascript:alert(1)", "web": "javascript:alert(2)", "email": "x@y.z?x=javascript:alert(3) x",
              "phone": "javascript:alert(4)"}


def javascript_leaflet(folder: Path) -> Path:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    good = dict(data["sources"][0], url="https://www.example.org/good-source", title="A good source")
    data["sources"] = [dict(data["sources"][0], url=JAVASCRIPT["url"]), good]
    data["contact"] = dict(data["contact"], web=JAVASCRIPT["web"], email=JAVASCRIPT["email"], phone=JAVASCRIPT["phone"])
    path = folder / data["id"] / "en.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def test_a_plain_build_refuses_javascript_addresses(tmp_path: Path, cli: Any) -> None:
    javascript_leaflet(tmp_path / "content")
    result = cli("build", tmp_path / "content", "--out", tmp_path / "out", "--format", "html")
    assert result.code == 1, result
    for where in ("sources[0].url", "contact.web", "contact.email", "contact.phone"):
        assert re.search(rf"LS006 error: {re.escape(where)} is ", result.stderr), (where, result)
    assert not list((tmp_path / "out").glob("*.en.html"))


def test_draft_page_shows_javascript_addresses_as_text_never_links(tmp_path: Path, cli: Any) -> None:
    javascript_leaflet(tmp_path / "content")
    out = tmp_path / "out"
    result = cli("build", tmp_path / "content", "--out", out, "--draft", "--format", "html")
    assert result.code == 0, result
    page = (out / "pars-defect-repair.en.html").read_text(encoding="utf-8")
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert "https://www.example.org/good-source" in hrefs  # a good address is still a link
    assert [h for h in hrefs if not h.startswith(("#", "https://", "index.html"))] == []
    assert "javascript" not in " ".join(hrefs).lower()
    for name, pointer in (("url", "/sources/0/url"), ("web", "/contact/web"), ("email", "/contact/email"),
                          ("phone", "/contact/phone")):
        assert f"[not allowed: {name} – " in page and f"see finding LS006 at {pointer}]" in page, name
    assert '<span class="missing">javascript:alert(1) [not allowed: url' in page


@pytest.mark.slow
def test_draft_screen_pdf_has_no_javascript_link(tmp_path: Path, cli: Any) -> None:
    import pikepdf

    path = javascript_leaflet(tmp_path / "content")
    result = cli("preview", path, "--out", tmp_path / "out", "--pdf")
    assert result.code == 0, result
    uris = []
    with pikepdf.open(tmp_path / "out" / "pars-defect-repair.en.screen.pdf") as pdf:
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and action.get("/S") == "/URI":
                    uris.append(str(action.get("/URI")))
    assert "https://www.example.org/good-source" in uris, uris  # live links still work
    assert [uri for uri in uris if not uri.startswith("https://")] == [], uris


# --- the Content-Security-Policy of the web pages ---------------------------------------------------

def csp_of(page: str) -> str:
    found = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert len(found) == 1, "no (or more than one) CSP meta tag"
    assert page.index("Content-Security-Policy") < page.index("<style>"), "the CSP must come before the styles"
    return found[0]


def style_text(page: str) -> str:
    found = re.findall(r"<style>(.*?)</style>", page, flags=re.S)
    assert len(found) == 1
    return found[0]


def test_web_pages_carry_a_csp_that_allows_no_script_and_nothing_off_site(tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "out"
    result = cli("build", ROOT / "content" / "pars-defect-repair", "--out", out, "--format", "html")
    assert result.code in (0, 1), result
    for name in ("pars-defect-repair.en.html", "index.html"):
        page = (out / name).read_text(encoding="utf-8")
        policy = {d.split()[0]: d.split()[1:] for d in csp_of(page).split("; ")}
        assert policy["default-src"] == ["'none'"], policy  # so no script-src, connect-src, frame-src…
        assert "script-src" not in policy and "unsafe" not in csp_of(page)
        # the leaflet's page has a figure, embedded as a data: URL (leaflets.figures); the index has none
        figures = ["data:"] if name != "index.html" else []
        assert policy["img-src"] == ["'self'", *figures] and policy["font-src"] == ["'self'"]
        assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'none'"]
        digest = base64.b64encode(hashlib.sha256(style_text(page).encode("utf-8")).digest()).decode("ascii")
        assert policy["style-src"] == [f"'sha256-{digest}'"], "the style hash does not match the page's <style>"


def test_print_html_has_no_csp() -> None:
    """WeasyPrint ignores a CSP, and the print HTML needs its data: logo and QR code: none is added there."""
    from test_web import leaflet_from, sample_data

    from leaflets.brand import load_brand
    from leaflets.render.html import render_print

    page = render_print(leaflet_from(sample_data()), load_brand("default"), profile="screen",
                        web_url="https://leaflets.example.org/sample.en.html")
    assert "Content-Security-Policy" not in page


PROBE = """() => ({
    fonts: [...document.fonts].filter(f => f.status === 'loaded').map(f => f.family),
    images: [...document.images].map(i => i.naturalWidth),
    rules: [...document.styleSheets].map(s => s.cssRules.length),
    family: getComputedStyle(document.body).fontFamily})"""


def open_page(browser: Any, url: str) -> tuple[dict[str, Any], list[str]]:
    """What loaded on the page at ``url`` (PROBE), and every console message about what its CSP refused."""
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and refused.append(m.text))
    try:
        page.goto(url, wait_until="load")
        page.evaluate("document.fonts.ready.then(() => true)")
        return page.evaluate(PROBE), refused
    finally:
        page.close()


@pytest.mark.slow
def test_csp_pages_load_logo_fonts_and_styles_in_chromium(browser: Any, tmp_path: Path, cli: Any) -> None:
    """Served over HTTP and opened as files (the folder works offline): no CSP violation, the logo,
    the brand's fonts and the styles all load. A page given an extra <style> and an off-site image
    shows that the policy is enforced, so "no violation" is not for want of a policy."""
    from test_web import serve

    out = tmp_path / "out"
    result = cli("build", ROOT / "content" / "pars-defect-repair", "--out", out, "--format", "html", "--draft")
    assert result.code == 0, result
    page_text = (out / "pars-defect-repair.en.html").read_text(encoding="utf-8")
    (out / "tampered.html").write_text(page_text.replace(
        "<body>", '<body><style>body { color: red; }</style><img src="https://example.org/x.png" alt="">'), "utf-8")
    with serve(out) as base:
        for root in (base, out.resolve().as_uri() + "/"):
            for name in ("pars-defect-repair.en.html", "index.html", "tampered.html"):
                seen, refused = open_page(browser, root + name)
                if name == "tampered.html":
                    assert any("style" in m for m in refused) and any("example.org" in m for m in refused), refused
                    continue
                assert refused == [], (root, name, refused)
                assert "Atkinson Hyperlegible Next" in seen["fonts"], (root, name, seen)
                assert seen["images"] and all(width > 0 for width in seen["images"]), (root, name, seen)
                assert seen["rules"] and seen["rules"][0] > 10, (root, name, seen)
                assert seen["family"].startswith('"Atkinson Hyperlegible Next"'), (root, name, seen)
