"""``leaflets serve``, through the real CLI: a server started as a subprocess on a free port, fetched
with urllib, edited under it, and stopped with a signal; and ``leaflets preview``'s one folder per leaflet."""

from __future__ import annotations

import html
import http.client
import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli

SHIPPED = ROOT / "content" / "spinal-fusion" / "en.json"
SERIOUS = r'<strong class="serious-label">Serious:</strong> '  # before a serious risk's name
PAGE = "spinal-fusion.en.html"
START_DEADLINE = 60.0  # seconds for the server to start on a busy machine (it renders first)
CHANGE_DEADLINE = 2.0  # seconds from a save to the new text in the page (a hang guard)


class Serving:
    """A ``leaflets serve`` subprocess, with its printed lines collected as they come."""

    def __init__(self, *args: str | os.PathLike[str], env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "leaflets", "serve", *map(str, args)]
        self.process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, "NO_COLOR": "1", **(env or {})},
                                        text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self._wait_for_url()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)

    def _wait_for_url(self) -> str:
        deadline = time.monotonic() + START_DEADLINE
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            self.seen.append(line)
            match = re.search(r"serving .* at (http://\S+/)", line)
            if match:
                return match[1]
        self.stop()
        raise AssertionError(f"no address printed: {''.join(self.seen)}{self.process.stderr.read()}")  # type: ignore

    def get(self, path: str) -> tuple[int, bytes, Any]:
        try:
            with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=30) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def page(self) -> str:
        status, body, _ = self.get(PAGE)
        assert status == 200
        return body.decode("utf-8")

    def wait_for(self, found: Callable[[str], bool], deadline: float = CHANGE_DEADLINE) -> str:
        """The page, as soon as ``found(page)``; fails after ``deadline`` seconds."""
        end = time.monotonic() + deadline
        while True:
            page = self.page()
            if found(page):
                return page
            if time.monotonic() > end:
                raise AssertionError(f"not seen within {deadline} s; printed: {self.printed()}")
            time.sleep(0.05)

    def printed(self) -> str:
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return "".join(self.seen)

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise


def leaflet(folder: Path, edit: Callable[[dict[str, Any]], None] | None = None) -> Path:
    """A copy of the shipped spinal-fusion leaflet at ``folder/spinal-fusion/en.json``, edited."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    data.pop("further_information", None)  # alone in its folder: the leaflets it names are not beside it (LM010)
    if edit:
        edit(data)
    path = folder / "spinal-fusion" / "en.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    partial = path.with_suffix(".tmp")  # saved as editors do: a new file renamed over the old one
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return path


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Serving, Path]]:
    path = leaflet(tmp_path)
    server = Serving(path, "--port", "0")
    try:
        yield server, path
    finally:
        server.stop()


def retitle(word: str) -> Callable[[dict[str, Any]], None]:
    return lambda data: data.update(title=f"Spinal fusion {word}")


@pytest.mark.slow
def test_serve_renders_the_page_again_when_the_file_is_saved(served: tuple[Serving, Path]) -> None:
    server, path = served
    assert server.url.startswith("http://127.0.0.1:")
    page = server.page()
    assert "<h1>Spinal fusion</h1>" in page and "Preview of" in page
    leaflet(path.parent.parent, retitle("surgery"))
    page = server.wait_for(lambda page: "<h1>Spinal fusion surgery</h1>" in page)
    assert "0 errors" in page
    leaflet(path.parent.parent, retitle("operation"))  # and again: the watch goes on
    server.wait_for(lambda page: "<h1>Spinal fusion operation</h1>" in page)
    assert "spinal-fusion/en.json: 0 errors, 0 warnings; rendered in" in server.printed()


@pytest.mark.slow
def test_served_page_has_the_reload_script_and_a_policy_allowing_only_it(served: tuple[Serving, Path]) -> None:
    server, _ = served
    page = server.page()
    assert '<script src="/__reload.js" defer></script>' in page
    assert re.search(r'<meta name="leaflets-serve" data-key="spinal-fusion.en" content="\d+">', page)
    policy = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', page)
    assert policy, page[:2000]
    directives = {part.split()[0]: part.split()[1:] for part in html.unescape(policy[1]).split("; ")}
    assert directives["script-src"] == ["'self'"] and directives["connect-src"] == ["'self'"]
    assert directives["default-src"] == ["'none'"]
    assert re.findall(r"<script\b[^>]*>", page) == ['<script type="application/ld+json">',
                                                    '<script src="/__reload.js" defer>']
    status, script, headers = server.get("/__reload.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    assert b"/__version" in script and b"location.reload()" in script
    status, versions, _ = server.get("/__version")
    assert status == 200 and set(json.loads(versions)) == {"spinal-fusion.en"}


@pytest.mark.slow
def test_serve_shows_each_finding_in_a_panel_and_beside_its_text_with_a_rule_link(
        served: tuple[Serving, Path]) -> None:
    server, path = served

    def mistakes(data: dict[str, Any]) -> None:
        data["risks"][1]["description"][0] = "This operation is guaranteed to work."
        data["summary"] += " TODO"

    leaflet(path.parent.parent, mistakes)
    page = server.wait_for(lambda page: "LC001" in page)
    panel = page[page.index('<div class="lf-findings"'):page.index("<article>")]
    assert re.search(r'<li id="lf-finding-\d+" class="lf-error"><a href="/rules/LC001">LC001</a> error at line '
                     r'\d+:\d+ \(/risks/1/description/0\): absolute claim', panel), panel
    assert '<a href="/rules/LH001">LH001</a>' in panel and "2 errors" in panel
    name = json.loads(SHIPPED.read_text(encoding="utf-8"))["risks"][1]["name"]
    # in place: the mark sits under that risk's own heading, and the TODO's under the title
    assert re.search(rf'<div class="risk[^"]*" id="risk-2">\s*<h3>(?:{SERIOUS})?{re.escape(name)}</h3>\s*'
                     r'<div class="lf-marks"><p class="lf-mark '
                     r'lf-error" id="lf-mark-\d+"><a href="#lf-finding-\d+">LC001 error</a>', page), page
    assert re.search(r'<h1>Spinal fusion</h1>\s*<div class="lf-marks">.*LH001', page)
    assert '<div class="draft-mark"' in page  # rendered as a draft, as preview does
    status, body, _ = server.get("/rules/LC001")
    assert status == 200 and b"LC001" in body and b"Write instead" in body
    assert server.get("/rules/LZ999")[0] == 404


@pytest.mark.slow
def test_serve_shows_why_a_file_that_does_not_parse_cannot_be_rendered_and_recovers(
        served: tuple[Serving, Path]) -> None:
    server, path = served
    good = path.read_text(encoding="utf-8")
    path.write_text(good.replace('"title":', '"title"', 1), encoding="utf-8")
    page = server.wait_for(lambda page: "LF006" in page)
    assert "Not rendered" in page and '<script src="/__reload.js" defer></script>' in page
    path.write_text(good.replace("Spinal fusion", "Spinal fusion again", 1), encoding="utf-8")
    server.wait_for(lambda page: "<h1>Spinal fusion again</h1>" in page)


@pytest.mark.slow
def test_serve_renders_the_pdfs_on_demand_from_links_in_the_page(served: tuple[Serving, Path]) -> None:
    server, _ = served
    page = server.page()
    for profile in ("screen", "print"):
        link = f"/pdf/spinal-fusion.en.{profile}.pdf"
        assert f'href="{link}"' in page
        status, body, headers = server.get(link)
        assert status == 200, body[:500]
        assert body.startswith(b"%PDF") and headers["Content-Type"] == "application/pdf"
    assert server.get("/pdf/other.en.screen.pdf")[0] == 404


def raw_get(url: str, path: str, headers: dict[str, str] | None = None, method: str = "GET",
            body: bytes | None = None) -> int:
    """The status of a request sent as written (urllib would tidy ``..`` away)."""
    match = re.match(r"http://([^:/]+):(\d+)/", url)
    assert match
    connection = http.client.HTTPConnection(match[1], int(match[2]), timeout=30)
    try:
        connection.putrequest(method, path, skip_host="Host" in (headers or {}), skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.mark.slow
def test_serve_answers_only_its_own_table_of_names(served: tuple[Serving, Path]) -> None:
    server, path = served
    for escape in ["/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/assets/../../../etc/passwd",
                   "/assets/..%2f..%2f..%2fetc%2fpasswd", "//etc/passwd", "/etc/passwd", "/spinal-fusion/en.json",
                   f"/{path}", "/assets/", "/assets", "/pdf/", "/pdf/../../etc/passwd.screen.pdf",
                   "/rules/../../etc/passwd", "/rules/", "/__version/../etc/passwd", "/favicon.ico",
                   "/brand.json", "/assets/brand.json", "/spinal-fusion.en.html/../../../etc/passwd"]:
        assert raw_get(server.url, escape) == 404, escape
    assert raw_get(server.url, "/assets/logo.svg") == 200  # the brand files the page links to
    assert raw_get(server.url, "/" + "a" * 5000) == 414
    assert raw_get(server.url, f"/{PAGE}", {"Host": "attacker.example:80"}) == 421  # DNS rebinding
    assert raw_get(server.url, f"/{PAGE}", method="POST", body=b"x=1") in (413, 501)
    assert raw_get(server.url, f"/{PAGE}", body=b"x" * 10) == 413
    assert raw_get(server.url, f"/{PAGE}", method="PUT", body=b"x") in (413, 501)
    status, body, _ = server.get(PAGE)
    assert status == 200 and b"Spinal fusion" in body  # still serving after all that


def listening_addresses(port: int) -> set[str]:
    """The local addresses of every listening TCP socket on ``port`` (Linux /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if int(port_hex, 16) == port and state == "0A":  # LISTEN
                found.add(address)
    return found


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/net")
def test_serve_listens_on_127_0_0_1_only_and_refuses_other_hosts(served: tuple[Serving, Path], tmp_path: Path) -> None:
    server, path = served
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else
    for host in ("0.0.0.0", "192.168.1.10", "example.org", "::"):
        result = run_cli("serve", path, "--host", host, "--port", "0", timeout=60)
        assert result.code == 2, result
        assert "binds to this computer only" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_serve_on_a_port_in_use_exits_2_with_a_clear_message(tmp_path: Path) -> None:
    path = leaflet(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("serve", path, "--port", str(port), timeout=60)
    assert result.code == 2, result
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr and "--port 0" in result.stderr
    assert "Traceback" not in result.stderr


def test_serve_usage_problems_exit_2(tmp_path: Path) -> None:
    for args, message in [(["serve", tmp_path / "missing.json"], "no such file"),
                          (["serve", leaflet(tmp_path), "--brand", "no-such-brand"], "no-such-brand"),
                          (["serve", leaflet(tmp_path), "--port", "70000"], "70000")]:
        result = run_cli(*args, timeout=60)
        assert result.code == 2, result
        assert message in result.stderr and "Traceback" not in result.stderr, result


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve_stops_cleanly_on_a_signal(tmp_path: Path, signum: int) -> None:
    server = Serving(leaflet(tmp_path), "--port", "0")
    assert server.get(PAGE)[0] == 200
    assert server.stop(signum) == 0
    assert "stopped" in server.printed()
    assert "Traceback" not in server.process.stderr.read()  # type: ignore[union-attr]


@pytest.mark.slow
def test_served_page_reloads_itself_in_a_browser_under_its_policy(browser: Any, served: tuple[Serving, Path]) -> None:
    server, path = served
    page = browser.new_page()
    try:
        refused: list[str] = []
        page.on("console", lambda message: "Content Security Policy" in message.text
                and refused.append(message.text))
        page.goto(server.url + PAGE, wait_until="load")
        assert page.inner_text("h1") == "Spinal fusion"
        leaflet(path.parent.parent, retitle("reloaded"))
        # no reload by the test: the page's own script reloads it (a hang guard of 10 s)
        page.wait_for_selector("h1:text-is('Spinal fusion reloaded')", timeout=10_000)
        assert refused == [], refused
    finally:
        page.close()


# --- preview: one folder per leaflet, emptied first ---------------------------------------------

@pytest.mark.slow
def test_preview_reuses_one_folder_per_leaflet_and_leaves_no_stale_files(tmp_path: Path) -> None:
    path = leaflet(tmp_path / "content")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    environment = {"TMPDIR": str(temporary)}
    first = run_cli("preview", path, "--pdf", env=environment)
    assert first.code == 0, first
    folder = temporary / f"leaflets-preview-{os.getuid()}" / "spinal-fusion.en"
    assert (folder / "spinal-fusion.en.screen.pdf").is_file()
    (folder / "left-by-hand.txt").write_text("old")
    second = run_cli("preview", path, env=environment)
    assert second.code == 0, second
    assert f"in {folder}:" in second.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["assets", "index.html", "spinal-fusion.en.html"]
    assert [p.name for p in temporary.iterdir()] == [folder.parent.name]  # nothing else left behind
    assert (folder.parent.stat().st_mode & 0o777) == 0o700


def test_preview_refuses_a_preview_folder_that_is_not_the_users_own(tmp_path: Path) -> None:
    path = leaflet(tmp_path / "content")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (temporary / f"leaflets-preview-{os.getuid()}").symlink_to(elsewhere)  # planted by someone else
    result = run_cli("preview", path, env={"TMPDIR": str(temporary)})
    assert result.code == 2, result
    assert "not a folder of your own" in result.stderr and "Traceback" not in result.stderr
    assert list(elsewhere.iterdir()) == []


# --- in process: the page's policy and where each finding's mark goes ------------------------------

def test_served_policy_adds_only_this_servers_own_files_to_the_pages_policy() -> None:
    from leaflets.serve_pages import served_policy

    page_policy = "default-src 'none'; style-src 'sha256-abc='; img-src 'self'; base-uri 'none'"
    assert served_policy(page_policy) == ("default-src 'none'; style-src 'sha256-abc=' 'self'; img-src 'self'; "
                                          "base-uri 'none'; script-src 'self'; connect-src 'self'")
    assert served_policy("script-src 'none'") == "script-src 'self'; style-src 'self'; connect-src 'self'"


def test_each_finding_is_marked_beside_the_part_of_the_page_its_pointer_names() -> None:
    import hashlib

    from leaflets import workers
    from leaflets.build import load_brand
    from leaflets.findings import Finding, Severity
    from leaflets.serve_pages import Served, decorate

    text = SHIPPED.read_text(encoding="utf-8")
    data = json.loads(text)
    brand = load_brand("default")
    leaflet = workers.leaflet_model(data, "content/spinal-fusion/en.json", hashlib.sha256(text.encode()).hexdigest(),
                                    draft=False)
    request = workers.RenderRequest("content/spinal-fusion/en.json", leaflet, str(brand.folder), "html", False)
    page = workers.render_task(request).data.decode("utf-8")
    pointers = {"LA001": "/risks/2/frequency/band", "LA002": "/alternatives/1/description/0",
                "LA003": "/recovery/work/0", "LA004": "/title", "LA005": "", "LA006": "/sources/0/url",
                "LA007": "/risks/99/name"}
    findings = tuple(Finding("x.json", 1, 1, pointer, code, Severity.WARNING, f"message {code}")
                     for code, pointer in pointers.items())
    shown = decorate(page, Served("spinal-fusion.en", Path("x.json"), "x.json", findings=findings, version=3))

    def mark_after(heading: str, code: str) -> bool:
        return re.search(heading + r'\s*<div class="lf-marks">(<p [^>]*>.*?</p>)*?<p class="lf-mark lf-warning" '
                         rf'id="lf-mark-\d"><a href="#lf-finding-\d">{code} warning</a>', shown) is not None

    # serious risks come first on the page: the mark follows the risk's own id (risk-3), not its place on the page
    assert mark_after(rf"<div class=\"risk[^\"]*\" id=\"risk-3\">\s*<h3>(?:{SERIOUS})?"
                      rf"{re.escape(data['risks'][2]['name'])}</h3>", "LA001")
    assert mark_after(rf"<h3>{re.escape(data['alternatives'][1]['name'])}</h3>", "LA002")
    assert mark_after(r'<h2 id="recovery-h">Recovery</h2>', "LA003")
    assert mark_after(r"<h1>Spinal fusion</h1>", "LA004") and mark_after(r"<h1>Spinal fusion</h1>", "LA005")
    assert mark_after(r'<h2 id="about-h">About this leaflet</h2>', "LA006")
    assert mark_after(r'<h2 id="risks-h">Risks</h2>', "LA007")  # no such risk: its section
    assert shown.count('class="lf-mark ') == len(findings)
    assert shown.index('<div class="lf-findings"') < shown.index("<article>")
    assert '<meta name="leaflets-serve" data-key="spinal-fusion.en" content="3">' in shown
    # and the page itself is otherwise unchanged
    stripped = re.sub(r'\n?<div class="lf-marks">.*?</div>\n|\n<div class="lf-findings".*?\n</div>\n', "", shown,
                      flags=re.S)
    stripped = re.sub(r'<meta name="leaflets-serve"[^>]*>\n<link [^>]*>\n<script src="/__reload.js" defer></script>\n',
                      "", stripped)
    assert re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", stripped) == \
        re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
