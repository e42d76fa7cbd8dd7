"""``leaflets serve``: a local preview server for writers, re-rendering a leaflet each time it is saved.

A writer edits ``content/<id>/<lang>.json`` in any editor with the page open in a browser beside it.
On every save the file is checked again (:func:`leaflets.check.check_document`) and its web page
rendered again (:func:`leaflets.build.render_task`, as a draft when it has errors, exactly as
``leaflets preview`` does); the page then reloads itself. Findings are shown in the page: a panel at
the top lists every one with its code (a link to that rule's explanation), severity, line:column
and message, and a mark next to the text it concerns (the risk, the option, the section; see
:func:`_spot`). The screen and print PDFs are rendered only when their link is followed.

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
import hashlib
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
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from leaflets import build, check, content, names
from leaflets.config import Config
from leaflets.findings import Finding, Report, Severity

MAX_PATH = 2048  # longer request paths are refused (414): no name in the table is anywhere near it
TIMEOUT = 15  # seconds a connection may sit idle before it is closed
POLL_MS = 500  # how often a served page asks whether it changed


class ServeError(Exception):
    """A usage problem (a host that is not loopback, a port in use): exit code 2."""


# --- one leaflet as served ------------------------------------------------------------------------

@dataclass(frozen=True)
class Served:
    """The current state of one content file: replaced whole on each change, so a request always
    sees one consistent snapshot."""

    key: str  # the stable name it is served under: "<folder>.<stem>" of its path, e.g. spinal-fusion.en
    path: Path
    display: str
    text: str = ""
    findings: tuple[Finding, ...] = ()
    draft: bool = False
    page: bytes = b""  # the decorated web page; empty when it could not be rendered
    error: str = ""  # why it could not be rendered
    version: int = 0
    rendered_at: str = ""
    seconds: float = 0.0  # how long the check and render took

    @property
    def counts(self) -> str:
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        warnings = sum(1 for f in self.findings if f.severity is Severity.WARNING)
        return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


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
        self.brand = build._load_brand(brand)  # BuildError (exit 2) for a bad brand
        self.config = config
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
        self.assets = {f"/{relative}": source for source, relative in build.web_assets(self.brand)}

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
            rendered = build.render_task(self._task(result, "html"))
            result = replace(result, error=rendered.error, page=rendered.data)
        else:
            result = replace(result, error="the file is not a readable leaflet: see the findings")
        page = decorate(result.page.decode("utf-8"), result) if result.page else error_page(result)
        result = replace(result, page=page.encode("utf-8"), seconds=time.perf_counter() - start)
        with self.lock:
            self.leaflets[result.key] = result
        outcome = f"not rendered: {result.error}" if result.error else f"rendered in {result.seconds * 1000:.0f} ms"
        self.log(f"{result.display}: {result.counts}; {outcome}")
        return result

    def _task(self, served: Served, kind: str) -> build.Task:
        sha = hashlib.sha256(served.text.encode("utf-8")).hexdigest()
        return build.Task(served.display, served.text, sha, str(self.brand.folder), kind, served.draft, False)

    def brand_changed(self) -> None:
        """The brand folder changed: forget every cached view of it, check it again, render everything again."""
        for cached in (build._brand_in_worker, build._font_files, build._folder_fingerprint):
            cached.cache_clear()
        try:
            self.brand = build._load_brand(self.brand_name)
        except build.BuildError as exc:
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
            rendered = build.render_task(self._task(served, profile))
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


# --- decorating the rendered page ----------------------------------------------------------------

# Where a finding's mark goes, by the first token of its pointer: the section of the page that shows
# that field (leaflets/templates/_leaflet.html). Anything else (title, summary, the whole file) goes
# under the page's title.
SECTIONS = {
    "condition": "condition", "procedure": "procedure", "benefits": "benefits", "alternatives": "alternatives",
    "preparation": "preparation", "on_the_day": "on-the-day", "risks": "risks", "recovery": "recovery",
    "urgent_help": "urgent-help", "questions": "questions", "glossary": "glossary", "contact": "contact",
    "disclaimer": "about", "version": "about", "last_reviewed": "about", "next_review": "about",
    "authors": "about", "approval": "about", "sources": "about", "status": "about", "id": "about",
    "language": "about", "suppressions": "about",
}
ITEMS = ("risks", "alternatives")  # lists whose items each have a heading of their own in the page

Spot = tuple[str, ...]  # ("top",), ("section", "risks"), ("risks", "2")


def pointer_tokens(pointer: str) -> list[str]:
    """The reference tokens of a JSON pointer (RFC 6901): ``/a~1b/0`` → ``["a/b", "0"]``."""
    if not pointer.startswith("/"):
        return []
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def _spot(pointer: str, spots: dict[Spot, int]) -> Spot:
    """The most precise place in the page for a finding at ``pointer`` that the page has: the item's
    heading (a risk, an option), else its section's heading, else the page's title."""
    tokens = pointer_tokens(pointer)
    if len(tokens) >= 2 and tokens[0] in ITEMS and (tokens[0], tokens[1]) in spots:
        return (tokens[0], tokens[1])
    if tokens and ("section", SECTIONS.get(tokens[0], "")) in spots:
        return ("section", SECTIONS[tokens[0]])
    return ("top",)


class _Anchors(HTMLParser):
    """Offsets in a rendered web page where the preview adds its parts, found by parsing the page:
    the Content-Security-Policy ``<meta>``, the end of ``<head>``, the start of ``<main>``, and the
    end of the title, of each section's heading and of each risk's and option's heading."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self._lines = [0] + [match.end() for match in re.finditer("\n", page)]
        self.spots: dict[Spot, int] = {}
        self.csp: tuple[int, int, str] | None = None  # start, end, policy
        self.head_end: int | None = None
        self.main_start: int | None = None
        self._section = ""
        self._counts = {"risks": -1, "alternatives": -1}
        self._in_risk = False
        self._pending: dict[str, Spot] = {}  # tag → the spot its end tag closes

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        end = self._offset() + len(self.get_starttag_text() or "")
        if tag == "meta" and (given.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = (self._offset(), end, given.get("content") or "")
        elif tag == "main" and self.main_start is None:
            self.main_start = end
        elif tag == "section":
            self._section = given.get("id") or ""
        elif tag == "div" and "risk" in (given.get("class") or "").split():
            self._counts["risks"] += 1
            self._in_risk = True
        elif tag == "h1" and self.main_start is not None:
            self._pending["h1"] = ("top",)
        elif tag == "h2" and self._section:
            self._pending["h2"] = ("section", self._section)
        elif tag == "h3" and self._in_risk:  # a risk's name: the first heading in its <div class="risk">
            self._pending["h3"] = ("risks", str(self._counts["risks"]))
            self._in_risk = False
        elif tag == "h3" and self._section == "alternatives":  # each option's name
            self._counts["alternatives"] += 1
            self._pending["h3"] = ("alternatives", str(self._counts["alternatives"]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.head_end = self._offset()
        elif tag == "section":
            self._section = ""
        elif tag in self._pending:
            self.spots.setdefault(self._pending.pop(tag), self.page.index(">", self._offset()) + 1)


def served_policy(policy: str) -> str:
    """The page's own Content-Security-Policy, plus what the preview needs: its stylesheet and its
    reload script from this server, and asking this server for the version (``'self'`` each)."""
    directives = [part.strip() for part in policy.split(";") if part.strip()]
    extra = {"style-src": "'self'", "script-src": "'self'", "connect-src": "'self'"}
    out = []
    for directive in directives:
        name = directive.split()[0].lower()
        if name in extra:
            directive = f"{directive} {extra.pop(name)}".replace("'none' ", "")
        out.append(directive)
    out += [f"{name} {source}" for name, source in extra.items()]
    return "; ".join(out)


def decorate(page: str, served: Served) -> str:
    """The rendered page with the preview's parts: its policy, stylesheet and reload script, the
    findings panel at the top of ``<main>``, and a mark for each finding next to what it concerns."""
    anchors = _Anchors(page)
    anchors.feed(page)
    anchors.close()
    edits: list[tuple[int, int, str]] = []  # (start, end, new text), applied from the end
    if anchors.csp is not None:
        start, end, policy = anchors.csp
        value = html.escape(served_policy(policy), quote=False).replace('"', "&quot;")
        edits.append((start, end, f'<meta http-equiv="Content-Security-Policy" content="{value}">'))
    if anchors.head_end is not None:
        edits.append((anchors.head_end, anchors.head_end, head_extras(served)))
    marks: dict[int, list[str]] = {}
    for index, finding in enumerate(served.findings):
        spot = _spot(finding.pointer, anchors.spots)
        if spot in anchors.spots:
            marks.setdefault(anchors.spots[spot], []).append(mark(index, finding))
    edits += [(offset, offset, '\n<div class="lf-marks">' + "".join(items) + "</div>\n")
              for offset, items in marks.items()]
    if anchors.main_start is not None:
        edits.append((anchors.main_start, anchors.main_start, "\n" + panel(served, anchors.spots)))
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        page = page[:start] + text + page[end:]
    return page


def head_extras(served: Served) -> str:
    return (f'<meta name="leaflets-serve" data-key="{html.escape(served.key)}" content="{served.version}">\n'
            '<link rel="stylesheet" href="/__serve.css">\n<script src="/__reload.js" defer></script>\n')


def mark(index: int, finding: Finding) -> str:
    return (f'<p class="lf-mark lf-{finding.severity.value}" id="lf-mark-{index}">'
            f'<a href="#lf-finding-{index}">{html.escape(finding.code)} {finding.severity.value}</a>: '
            f"{html.escape(finding.message)}</p>")


def panel(served: Served, spots: dict[Spot, int]) -> str:
    """The findings panel: every finding with its code (linking to the rule), place and message."""
    items = []
    for index, finding in enumerate(served.findings):
        where = f"line {finding.line}:{finding.column}" if finding.line else "the whole file"
        pointer = f" ({html.escape(finding.pointer)})" if finding.pointer else ""
        shown = f' <a href="#lf-mark-{index}">show in the page</a>' if _spot(finding.pointer, spots) in spots else ""
        hint = f' <span class="lf-hint">{html.escape(finding.hint)}</span>' if finding.hint else ""
        items.append(f'<li id="lf-finding-{index}" class="lf-{finding.severity.value}">'
                     f'<a href="/rules/{html.escape(finding.code)}">{html.escape(finding.code)}</a> '
                     f"{finding.severity.value} at {where}{pointer}: {html.escape(finding.message)}{hint}{shown}</li>")
    listing = f'<ol class="lf-list">{"".join(items)}</ol>' if items else "<p>No problems found.</p>"
    key = html.escape(served.key)
    return (f'<div class="lf-findings" role="region" aria-label="Preview findings">\n'
            f"<p><strong>Preview of {html.escape(served.display)}: {served.counts}</strong>"
            f"{' (shown with the DRAFT mark)' if served.draft else ''}. Checked and rendered at "
            f"{served.rendered_at}; this page reloads itself when the file is saved.</p>\n"
            f'<p>PDF: <a href="/pdf/{key}.screen.pdf">screen</a> · <a href="/pdf/{key}.print.pdf">print</a> '
            f'(rendered when you follow the link) · <a href="/">all leaflets</a></p>\n{listing}\n</div>\n')


# --- the preview's own pages ----------------------------------------------------------------------

OWN_POLICY = ("default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; "
              "base-uri 'none'; form-action 'none'")


def own_page(title: str, body: str, served: Served | None = None) -> str:
    """A page of the preview itself (not a leaflet): the index, a rule, a leaflet that cannot be rendered."""
    extras = head_extras(served) if served is not None else '<link rel="stylesheet" href="/__serve.css">\n'
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{OWN_POLICY}">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title)} – leaflets serve</title>\n{extras}</head>\n"
            f'<body class="lf-own">\n<main id="main">\n<h1>{html.escape(title)}</h1>\n{body}\n</main>\n'
            "</body>\n</html>\n")


def error_page(served: Served) -> str:
    body = f'<p class="lf-mark lf-error">Not rendered: {html.escape(served.error)}</p>\n' + panel(served, {})
    return own_page(f"{served.display} (not rendered)", body, served)


def index_page(leaflets: list[Served]) -> str:
    rows = "".join(
        f'<li><a href="/{html.escape(s.key)}.html">{html.escape(s.display)}</a>: {s.counts}'
        f'{" (not rendered)" if s.error else ""} · PDF <a href="/pdf/{html.escape(s.key)}.screen.pdf">screen</a>, '
        f'<a href="/pdf/{html.escape(s.key)}.print.pdf">print</a></li>' for s in leaflets)
    return own_page("Leaflets in this preview", f"<ul>{rows}</ul>")


def rule_page(code: str) -> str:
    from leaflets.rules import docs

    return own_page(f"Rule {code}", f"<pre>{html.escape(docs.explain(code))}</pre>\n"
                                    '<p><a href="/">All leaflets in this preview</a></p>')


RELOAD_JS = f"""\
// leaflets serve: reload this page when its leaflet changes. Only the preview serves this; built pages have no script.
(function () {{
  var meta = document.querySelector('meta[name="leaflets-serve"]');
  if (!meta) {{ return; }}
  var key = meta.getAttribute("data-key"), version = meta.getAttribute("content");
  function poll() {{
    fetch("/__version", {{cache: "no-store"}}).then(function (response) {{ return response.json(); }})
      .then(function (versions) {{
        if (String(versions[key]) !== version) {{ window.location.reload(); }} else {{ setTimeout(poll, {POLL_MS}); }}
      }}).catch(function () {{ setTimeout(poll, {POLL_MS * 2}); }});
  }}
  setTimeout(poll, {POLL_MS});
}})();
"""
SERVE_CSS = """\
.lf-findings { border: 3px solid #1a1a1a; padding: 0.5rem 1rem; margin: 0 0 1.5rem; background: #ffffff; }
.lf-list { padding-left: 1.5rem; }
.lf-list li, .lf-mark { margin: 0.25rem 0; }
.lf-mark { border-left: 0.5rem solid #1a1a1a; padding: 0.25rem 0.5rem; background: #fff4d6; color: #1a1a1a; }
.lf-mark.lf-error { border-left-color: #b00020; background: #fde7ea; }
.lf-mark.lf-warning { border-left-color: #8a5a00; }
.lf-mark.lf-info { border-left-color: #1a4d8f; background: #e8f0fb; }
li.lf-error::marker { color: #b00020; }
.lf-hint { display: block; color: #4a4a4a; }
.lf-own { font-family: system-ui, sans-serif; max-width: 50rem; margin: 0 auto; padding: 1rem; line-height: 1.5; }
.lf-own pre { white-space: pre-wrap; }
"""


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
    """Serve until SIGINT or SIGTERM. Raises ServeError, build.BuildError or content.UsageError for
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
