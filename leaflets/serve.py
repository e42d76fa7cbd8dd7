"""``leaflets serve``: a local preview server for writers, re-rendering a leaflet each time it is saved.

A writer edits ``content/<id>/<lang>.json`` in any editor with the page open in a browser beside it.
On every save the file is checked again (:func:`leaflets.check.check_document`) and its web page
rendered again (:func:`leaflets.workers.render_task`, as a draft when it has errors, exactly as
``leaflets preview`` does); the page then reloads itself. Findings are shown in the page: a panel at
the top lists every one with its code (a link to that rule's explanation), severity, line:column
and message, and a mark next to the text it concerns (the risk, the option, the section; see
:mod:`leaflets.serve_pages`). The screen and print PDFs are rendered only when their link is followed.

Only the served preview has a script, ``/__reload.js``, which polls ``/__version`` and reloads the
page when its leaflet changes; the page's Content-Security-Policy is rewritten to allow that one
file from this server (``script-src 'self'``) and nothing else. Built pages are untouched: they
still have no script.

Security: the server binds to a loopback address only (the drafts are not for the network), and
answers only the names in a fixed table (the leaflets' pages and PDFs, the brand files the pages
use, the rule explanations and its own two files): nothing in a URL ever becomes a file path.
Anything else is a 404, never a listing; requests with a body, over-long paths and requests for
another host name (DNS rebinding) are refused.
"""

from __future__ import annotations

import datetime
import errno
import html
import http.server
import ipaddress
import json
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from leaflets import check, content, names, publish, workers
from leaflets.build import load_brand, prepare
from leaflets.config import Config
from leaflets.errors import BuildError
from leaflets.findings import Report
from leaflets.serve_pages import (
    RELOAD_JS,
    SERVE_CSS,
    Served,
    decorate,
    error_page,
    index_page,
    own_page,
    rule_page,
)

MAX_PATH = 2048  # longer request paths are refused (414): no name in the table is anywhere near it
TIMEOUT = 15  # seconds a connection may sit idle before it is closed


class ServeError(Exception):
    """A usage problem (a host that is not loopback, a port in use): exit code 2."""


# --- one leaflet as served ------------------------------------------------------------------------

def serve_key(display: str, taken: Iterable[str]) -> str:
    """The name a file is served under, from its path (so it stays put while its id is edited):
    ``content/spinal-fusion/en.json`` → ``spinal-fusion.en``; made unique with a number."""
    folder, stem = names.from_path(display)
    base = ".".join(part for part in (folder, stem) if part) or "leaflet"
    key, number = base, 1
    while key in taken:
        number += 1
        key = f"{base}-{number}"
    return key


# --- the server's state -------------------------------------------------------------------------

class Preview:
    """Every served leaflet, the brand, and the routes; refreshed by the watcher thread, read by the
    request threads."""

    def __init__(self, paths: list[str], brand: str, config: Config, log: Callable[[str], None]) -> None:
        self.paths = paths
        self.brand_name = brand
        self.brand = load_brand(brand)  # BuildError (exit 2) for a bad brand
        self.config = config.checking_for(self.brand.folder)  # its slots: this brand's to fill (LL001)
        self.log = log
        self.lock = threading.Lock()
        self.pdf_lock = threading.Lock()  # one PDF at a time: WeasyPrint takes a core
        self.leaflets: dict[str, Served] = {}
        self.pdfs: dict[tuple[str, str], tuple[int, bytes]] = {}  # (key, profile) → (version, PDF)
        self.assets: dict[str, Path] = {}
        self.version = 0
        for path in content.discover(paths):  # UsageError (exit 2) for a path that does not exist
            self._add(path)
        self._load_assets()

    def _add(self, path: Path) -> Served:
        with self.lock:
            key = serve_key(content.display_path(path), self.leaflets)
            served = Served(key, path, content.display_path(path))
            self.leaflets[key] = served
        return served

    def all(self) -> list[Served]:
        with self.lock:
            return list(self.leaflets.values())

    def _load_assets(self) -> None:
        self.assets = {f"/{relative}": source for source, relative in publish.web_assets(self.brand)}

    def find(self, path: Path) -> Served | None:
        resolved = path.resolve()
        return next((s for s in self.all() if s.path.resolve() == resolved), None)

    # --- refreshing ---

    def refresh_all(self) -> None:
        for served in self.all():
            self.refresh(served)

    def refresh(self, served: Served) -> Served:
        """Check and render one leaflet again, store the result under a new version, and say so."""
        start = time.perf_counter()
        doc = content.load(served.path)
        findings = tuple(Report(check.check_document(doc, self.config), [doc.display]).sorted())
        draft = any(f.is_error for f in findings)
        with self.lock:
            self.version += 1
            version = self.version
        result = replace(served, text=doc.text, findings=findings, draft=draft, version=version,
                         rendered_at=datetime.datetime.now().strftime("%H:%M:%S"), page=b"", error="")
        if doc.usable:
            requests = prepare(doc, ["html", "screen", "print"], self.brand, draft=draft, doing="be rendered",
                               findings=findings)
            if isinstance(requests, str):
                result = replace(result, error=requests)
            else:
                # the page shows its findings in serve's own panel and marks (serve_pages); its PDFs,
                # like a build's drafts, mark them in the text and list them on a last page
                rendered = workers.render_task(replace(requests[0], findings=()))
                result = replace(result, error=rendered.error, page=rendered.data, requests=tuple(requests[1:]))
        else:
            result = replace(result, error="the file is not a readable leaflet: see the findings")
        page = decorate(result.page.decode("utf-8"), result) if result.page else error_page(result)
        result = replace(result, page=page.encode("utf-8"), seconds=time.perf_counter() - start)
        with self.lock:
            self.leaflets[result.key] = result
        outcome = f"not rendered: {result.error}" if result.error else f"rendered in {result.seconds * 1000:.0f} ms"
        self.log(f"{result.display}: {result.counts}; {outcome}")
        return result

    def brand_changed(self) -> None:
        """The brand folder changed: forget every cached view of it, check it again, render everything again."""
        workers.forget_brands()
        try:
            self.brand = load_brand(self.brand_name)
        except BuildError as exc:
            self.log(f"error: {exc}")  # the pages say why they cannot be rendered until it is fixed
        self._load_assets()
        with self.lock:
            self.pdfs.clear()
        self.refresh_all()

    def pdf(self, key: str, profile: str) -> tuple[bytes, str]:
        """(PDF, "") or (b"", why not) for the current version of a leaflet, rendered on first request."""
        with self.pdf_lock:
            served = self.leaflets[key]
            cached = self.pdfs.get((key, profile))
            if cached and cached[0] == served.version:
                return cached[1], ""
            if not served.page or served.error:
                return b"", served.error or "the page could not be rendered"
            request = next((r for r in served.requests if r.kind == profile), None)
            if request is None:
                return b"", f"no {profile} PDF is made"
            rendered = workers.render_task(request)
            if rendered.error:
                return b"", rendered.error
            self.pdfs[(key, profile)] = (served.version, rendered.data)
            return rendered.data, ""

    def versions(self) -> dict[str, int]:
        with self.lock:
            return {key: served.version for key, served in self.leaflets.items()}

    # --- watching ---

    def watched(self) -> list[Path]:
        """The folders to watch: each content file's own (editors save by writing a new file and
        renaming it over the old, which a watch on the file itself would miss), the folders named
        on the command line, and the brand."""
        folders = {s.path.resolve().parent for s in self.all()}
        folders |= {Path(p).resolve() for p in self.paths if Path(p).is_dir()}
        return sorted(folders) + [Path(self.brand.folder).resolve()]

    def changed(self, paths: set[Path]) -> None:
        """Handle one batch of changed files from the watcher."""
        brand_folder = Path(self.brand.folder).resolve()
        if any(p.is_relative_to(brand_folder) for p in paths):
            self.brand_changed()
            return
        for path in sorted(paths):
            served = self.find(path)
            if served is None and path.suffix == ".json" and self._new_leaflet(path):
                served = self._add(path)
            if served is not None:
                self.refresh(served)

    def _new_leaflet(self, path: Path) -> bool:
        """A new leaflet file inside a folder given on the command line."""
        if not path.is_file():
            return False
        folders = [Path(p).resolve() for p in self.paths if Path(p).is_dir()]
        return any(path.is_relative_to(folder) for folder in folders) and path in {
            f.resolve() for folder in folders for f in content.discover([str(folder)])}


def watch(preview: Preview, stop: threading.Event, ready: threading.Event) -> None:
    """Re-render on every change until ``stop`` is set (runs in its own thread). ``ready`` is set
    once the watch is in place (its first idle timeout), so no save made after it can be missed."""
    import watchfiles

    try:
        for changes in watchfiles.watch(*preview.watched(), stop_event=stop, debounce=400, step=30,
                                        rust_timeout=200, yield_on_timeout=True, raise_interrupt=False):
            ready.set()
            if changes:
                _changed(preview, changes)
    except Exception as exc:  # e.g. the system's limit of watches reached: say so, and keep serving
        preview.log(f"error: cannot watch the files for changes: {type(exc).__name__}: {exc}; "
                    "restart leaflets serve to see later edits")
    finally:
        ready.set()


def _changed(preview: Preview, changes: set[tuple[Any, str]]) -> None:
    try:
        preview.changed({Path(changed).resolve() for _change, changed in changes})
    except Exception as exc:  # the server goes on; the writer sees why in the terminal
        preview.log(f"error: could not refresh the preview: {type(exc).__name__}: {exc}")


# --- HTTP ---------------------------------------------------------------------------------------

def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def not_found() -> Response:
    return Response(404, own_page("Not found", "<p>This preview serves its leaflets, their PDFs and the "
                                               'rule explanations only. <a href="/">All leaflets</a></p>')
                    .encode("utf-8"))


def route(preview: Preview, path: str) -> Response:
    """The answer to a GET of ``path``, from a fixed table of names: nothing here opens a file a
    request names; brand files are served only when the pages link to them (:func:`web_assets`)."""
    path = unquote(path)
    if path in ("/", "/index.html"):
        return Response(200, index_page(preview.all()).encode("utf-8"))
    if path == "/__version":
        return Response(200, json.dumps(preview.versions()).encode("utf-8"), "application/json")
    if path == "/__reload.js":
        return Response(200, RELOAD_JS.encode("utf-8"), "text/javascript; charset=utf-8")
    if path == "/__serve.css":
        return Response(200, SERVE_CSS.encode("utf-8"), "text/css; charset=utf-8")
    if path in preview.assets:
        return _asset(preview.assets[path])
    if path.startswith("/rules/"):
        return _rule(path.removeprefix("/rules/"))
    if path.startswith("/pdf/"):
        return _pdf(preview, path.removeprefix("/pdf/"))
    served = preview.leaflets.get(path.removeprefix("/").removesuffix(".html")) if path.endswith(".html") else None
    if served is not None:
        return Response(200, served.page)
    return not_found()


TYPES = {".svg": "image/svg+xml", ".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
         ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".css": "text/css; charset=utf-8"}


def _asset(source: Path) -> Response:
    try:
        return Response(200, source.read_bytes(), TYPES.get(source.suffix.lower(), "application/octet-stream"))
    except OSError:
        return not_found()


def _rule(code: str) -> Response:
    from leaflets.rules import all_rules

    if code not in all_rules():
        return not_found()
    return Response(200, rule_page(code).encode("utf-8"))


def _pdf(preview: Preview, name: str) -> Response:
    match = re.fullmatch(r"(.+)\.(screen|print)\.pdf", name)
    if match is None or match[1] not in preview.leaflets:
        return not_found()
    data, error = preview.pdf(match[1], match[2])
    if error:
        body = own_page("The PDF could not be rendered", f'<p class="lf-mark lf-error">{html.escape(error)}</p>')
        return Response(500, body.encode("utf-8"))
    return Response(200, data, "application/pdf",
                    {"Content-Disposition": f'inline; filename="{match[1]}.{match[2]}.pdf"'})


class Handler(http.server.BaseHTTPRequestHandler):
    """GET and HEAD only, from :func:`route`; no body accepted, nothing logged per request."""

    server: Server
    timeout = TIMEOUT
    server_version = "leaflets-serve"
    sys_version = ""

    def do_GET(self) -> None:  # noqa: N802 (the name http.server calls)
        self._answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def _answer(self, *, head: bool) -> None:
        refused = self._refusal()
        response = refused or route(self.server.preview, urlsplit(self.path).path)
        self.send_response(response.status)
        for name, value in {"Content-Type": response.content_type, "Content-Length": str(len(response.body)),
                            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
                            "Referrer-Policy": "no-referrer", **response.headers}.items():
            self.send_header(name, value)
        if refused:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def _refusal(self) -> Response | None:
        """Requests the preview never answers: a body, an over-long path, another host name."""
        if self.headers.get("Content-Length", "0") != "0" or "Transfer-Encoding" in self.headers:
            self.close_connection = True
            return Response(413, b"no request body is accepted\n", "text/plain; charset=utf-8")
        if len(self.path) > MAX_PATH:
            return Response(414, b"request path too long\n", "text/plain; charset=utf-8")
        host = self.headers.get("Host")
        if host is not None and host.lower() not in self.server.hosts:
            # a page elsewhere that had its own name resolve to 127.0.0.1 (DNS rebinding) reads nothing
            return Response(421, b"this preview answers only to its own address\n", "text/plain; charset=utf-8")
        return None

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (http.server's name)
        """Quiet: the terminal is for findings, not for a line per poll."""


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True  # a PDF being rendered never holds up Ctrl-C
    allow_reuse_address = False  # a port in use is an error, not shared
    preview: Preview
    hosts: set[str]


class Server6(Server):
    address_family = socket.AF_INET6


def bind(host: str, port: int) -> Server:
    """A server on ``host:port``; ServeError for a host that is not loopback or a port that cannot be had."""
    if not loopback(host):
        raise ServeError(f"--host {host}: leaflets serve binds to this computer only (127.0.0.1, ::1 or localhost): "
                         "a preview shows unchecked drafts and is not for the network; use `leaflets build` and a "
                         "web server to share pages")
    address = "127.0.0.1" if host == "localhost" else host
    try:
        server = (Server6 if ":" in address else Server)((address, port), Handler)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise ServeError(f"port {port} on {address} is already in use (another `leaflets serve`?): choose "
                             "another with --port, or --port 0 for a free one") from None
        raise ServeError(f"cannot listen on {address} port {port}: {exc.strerror or exc}") from None
    bound = server.server_address[1]
    shown = f"[{address}]" if ":" in address else address
    server.hosts = {f"{name}:{bound}" for name in (shown, "localhost", "127.0.0.1", "[::1]")}
    return server


def url(server: Server) -> str:
    address, port = server.server_address[:2]
    text = address.decode("ascii") if isinstance(address, bytes) else str(address)
    return f"http://{f'[{text}]' if ':' in text else text}:{port}/"


# --- running --------------------------------------------------------------------------------------

def run(paths: list[str], *, brand: str, host: str, port: int, config: Config,
        log: Callable[[str], None] = lambda line: print(line, flush=True)) -> None:
    """Serve until SIGINT or SIGTERM. Raises ServeError, BuildError or UsageError for
    usage problems, before anything is served."""
    preview = Preview(paths, brand, config, log)
    server = bind(host, port)
    server.preview = preview
    stop, ready = threading.Event(), threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    watcher = threading.Thread(target=watch, args=(preview, stop, ready), daemon=True)
    watcher.start()
    ready.wait(timeout=30)  # watching first, then rendering: a save in between is seen
    preview.refresh_all()
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True).start()
    address = url(server)
    log(f"serving {len(preview.leaflets)} leaflet(s) at {address} (Ctrl-C to stop)")
    for served in preview.all():
        log(f"  {address}{served.key}.html  ({served.display})")
    while not stop.wait(0.2):
        pass
    server.shutdown()
    server.server_close()
    watcher.join(timeout=2)
    log("stopped")
    sys.stdout.flush()
