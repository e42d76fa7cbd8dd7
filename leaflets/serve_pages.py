"""The pages ``leaflets serve`` shows: a rendered leaflet decorated with its findings, and the
preview's own pages (index, rule, "not rendered"), with their script and stylesheet.

A leaflet's web page is rendered exactly as a build renders it; this module only adds to it, at
places found by parsing the page (:class:`_Anchors`): the findings panel at the top, a mark beside
the text each finding concerns (:func:`_spot`), and the reload script, which the page's
Content-Security-Policy is rewritten to allow (:func:`served_policy`). Built pages are untouched.
Kept apart from the HTTP server (:mod:`leaflets.serve`), which only routes to these.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from leaflets import workers
from leaflets.findings import Finding, Severity

POLL_MS = 500  # how often a served page asks whether it changed


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
    requests: tuple[workers.RenderRequest, ...] = ()  # its PDFs, rendered when asked for (the model built once)
    error: str = ""  # why it could not be rendered
    version: int = 0
    rendered_at: str = ""
    seconds: float = 0.0  # how long the check and render took

    @property
    def counts(self) -> str:
        errors = sum(1 for f in self.findings if f.severity is Severity.ERROR)
        warnings = sum(1 for f in self.findings if f.severity is Severity.WARNING)
        return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


# --- decorating the rendered page ----------------------------------------------------------------

# Where a finding's mark goes, by the first token of its pointer: the section of the page that shows
# that field (leaflets/templates/_leaflet.html). Anything else (title, summary, the whole file) goes
# under the page's title.
SECTIONS = {
    "condition": "condition", "procedure": "procedure", "benefits": "benefits", "outcomes": "benefits",
    "alternatives": "alternatives", "preparation": "preparation", "on_the_day": "on-the-day", "risks": "risks",
    "risks_introduction": "risks", "recovery": "recovery",
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
        self._risk = ""
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
            self._counts["risks"] += 1  # the page may list serious risks first: its id names the content's place
            index = (given.get("id") or "").removeprefix("risk-")
            self._risk = str(int(index) - 1) if index.isdigit() else str(self._counts["risks"])
            self._in_risk = True
        elif tag == "h1" and self.main_start is not None:
            self._pending["h1"] = ("top",)
        elif tag == "h2" and self._section:
            self._pending["h2"] = ("section", self._section)
        elif tag in ("h3", "h4") and self._in_risk:  # a risk's name: the first heading in its <div class="risk">
            self._pending[tag] = ("risks", self._risk)
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
