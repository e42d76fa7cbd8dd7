"""Reporters, keyed by name: the CLI's ``--format`` choices come from ``REPORTERS``.

Each reporter takes a :class:`Report` and returns text; none prints.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Mapping
from html import escape as _escape
from typing import TextIO

from leaflets import __version__
from leaflets.content import LINE_BREAK
from leaflets.findings import Finding, Report, Severity

Reporter = Callable[[Report, "ReportOptions"], str]


class ReportOptions:
    """What a reporter may need beyond the findings: colour, and each file's text for excerpts."""

    def __init__(self, color: bool = False, sources: Mapping[str, str] | None = None, tool: str = "leaflets validate"):
        self.color = color
        self.sources = sources or {}
        self.tool = tool


# Characters a terminal or log viewer acts on instead of showing (C0 and C1 controls, DEL, bidi
# overrides that reorder what is shown) and what XML 1.0 cannot hold (lone surrogates, U+FFFE/F).
# A leaflet key or file name can carry them; reports show them as visible \uXXXX escapes instead.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def visible(text: str, *, newlines: bool = True) -> str:
    """``text`` with control characters written as \\uXXXX (tab and, if ``newlines``, line breaks kept)."""
    text = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text if newlines else text.replace("\r", "\\r").replace("\n", "\\n")


def escape(text: str) -> str:
    """XML text content. (xml.sax.saxutils would import urllib.request: 25 ms at every start.)"""
    return _escape(visible(text), quote=False)


def quoteattr(text: str) -> str:
    """An XML attribute value; line breaks and tabs as character references, or a parser folds them to spaces."""
    value = _escape(visible(text), quote=True)
    return '"' + value.replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;") + '"'


def summary_line(report: Report) -> str:
    errors, warnings = report.count(Severity.ERROR), report.count(Severity.WARNING)
    files = len(report.files)
    noun = "file" if files == 1 else "files"
    if not report.findings:
        return f"{files} {noun} checked: no problems found."
    return (
        f"{files} {noun} checked: {errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}."
    )


_COLOURS = {Severity.ERROR: "\x1b[1;31m", Severity.WARNING: "\x1b[1;33m", Severity.INFO: "\x1b[1;36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


@functools.lru_cache(maxsize=4)
def _lines(text: str) -> list[str]:
    """The lines as findings count them (str.splitlines also breaks at U+2028, U+0085 and others a
    JSON string may hold, which would show the wrong line); split once per file, not per finding."""
    return LINE_BREAK.split(text)


def _excerpt(finding: Finding, options: ReportOptions) -> list[str]:
    """The offending source line with a caret under the column, like a compiler."""
    text = options.sources.get(finding.file)
    if not text or finding.line < 1:
        return []
    lines = _lines(text)
    if finding.line > len(lines):
        return []
    source = visible(lines[finding.line - 1].replace("\t", " "))
    if len(source) > 160:  # keep very long lines readable: show a window around the column
        start = max(0, finding.column - 80)
        source, column = source[start : start + 160], finding.column - start
    else:
        column = finding.column
    caret = " " * max(column - 1, 0) + "^"
    gutter = f"{finding.line:>5} | "
    if options.color:
        colour = _COLOURS[finding.severity]
        return [f"{_DIM}{gutter}{_RESET}{source}", f"{_DIM}{' ' * 5} | {_RESET}{colour}{caret}{_RESET}"]
    return [gutter + source, " " * 5 + " | " + caret]


def place(f: Finding) -> str:
    """``file:line:col:``; a finding with no line (a PDF's) names its page and object instead."""
    file = visible(f.file, newlines=False)
    if f.line:
        return f"{file}:{f.line}:{f.column}:"
    return f"{file}: {visible(f.pointer)}:" if f.pointer else f"{file}:"


def text_reporter(report: Report, options: ReportOptions) -> str:
    out: list[str] = []
    for f in report.sorted():
        sev = f.severity.value
        message = visible(f.message, newlines=False)
        place_ = place(f)
        if options.color:
            out.append(f"{_BOLD}{place_}{_RESET} {_COLOURS[f.severity]}{f.code} {sev}{_RESET}: {message}")
        else:
            out.append(f"{place_} {f.code} {sev}: {message}")
        out.extend(_excerpt(f, options))
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def json_reporter(report: Report, options: ReportOptions) -> str:
    document = {
        "tool": {"name": "leaflets", "version": __version__},
        "files": report.files,
        "summary": {
            "files": len(report.files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "infos": report.count(Severity.INFO),
        },
        "findings": [f.to_dict() for f in report.sorted()],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def junit_reporter(report: Report, options: ReportOptions) -> str:
    """One test case per file; each error or warning is a failure inside it."""
    failing = sum(1 for path in report.files if any(f.is_error for f in report.for_file(path)))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<testsuites name={quoteattr(options.tool)} tests="{len(report.files)}" failures="{failing}">',
        f'  <testsuite name={quoteattr(options.tool)} tests="{len(report.files)}" failures="{failing}" errors="0">',
    ]
    for path in report.files:
        found = report.for_file(path)
        lines.append(f"    <testcase classname={quoteattr(options.tool)} name={quoteattr(path)}>")
        bad = [f for f in found if f.is_error]
        if bad:
            body = "\n".join(f"{place(f)} {f.code} {f.message}" for f in bad)
            lines.append(
                f"      <failure message={quoteattr(f'{len(bad)} error(s)')} type=\"error\">{escape(body)}</failure>"
            )
        others = [f for f in found if not f.is_error]
        if others:
            body = "\n".join(f"{place(f)} {f.code} {f.severity.value}: {f.message}" for f in others)
            lines.append(f"      <system-out>{escape(body)}</system-out>")
        lines.append("    </testcase>")
    lines += ["  </testsuite>", "</testsuites>"]
    return "\n".join(lines) + "\n"


def _github_escape(value: str, *, property_value: bool = False) -> str:
    value = visible(value).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def github_reporter(report: Report, options: ReportOptions) -> str:
    """GitHub Actions workflow commands: each finding becomes an annotation on its line."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
    out = []
    for f in report.sorted():
        props = [f"file={_github_escape(f.file, property_value=True)}"]
        if f.line:
            props += [f"line={f.line}", f"col={f.column}"]
        props.append(f"title={_github_escape(f.code + ' ' + (f.rule or f.severity.value), property_value=True)}")
        where = "" if f.line or not f.pointer else f"{f.pointer}: "  # a PDF's page and object
        out.append(f"::{level[f.severity]} {','.join(props)}::{_github_escape(where + f.message)}")
    out.append(summary_line(report))
    return "\n".join(out) + "\n"


def _uri(path: str) -> str:
    """A relative URI reference for a file path: "a b%:c.json" is "a%20b%25%3Ac.json" (a bare ":" would
    read as a URI scheme, and "%", "#", "?" and spaces are not allowed as they are)."""
    from urllib.parse import quote  # only for SARIF; urllib.parse alone is cheap

    return quote(path.replace(os.sep, "/"), safe="/")


def sarif_reporter(report: Report, options: ReportOptions) -> str:
    """SARIF 2.1.0, so code-scanning tools show findings inline."""
    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rules: dict[str, dict[str, object]] = {}
    results = []
    from leaflets.rules.docs import lookup  # the rule reference (content and PDF codes): only for SARIF

    for f in report.sorted():
        if f.code not in rules:
            rule: dict[str, object] = {"id": f.code, "shortDescription": {"text": f.rule or f.code}}
            if f.rule:
                rule["name"] = f.rule
            known = lookup(f.code)
            if known is not None:  # what code-scanning tools show beside the finding
                rule["shortDescription"] = {"text": known.summary}
                rule["fullDescription"] = {"text": known.what}
                rule["defaultConfiguration"] = {"level": level[known.severity]}
                if known.why:
                    rule["help"] = {"text": f"{known.why}\n\nInstead: {known.good}",
                                    "markdown": f"{known.why}\n\n**Instead:** {known.good}"}
            rules[f.code] = rule
        region: dict[str, object] = {}
        if f.line:
            region = {"startLine": f.line, "startColumn": max(f.column, 1)}
        location: dict[str, object] = {"physicalLocation": {"artifactLocation": {"uri": _uri(f.file)}}}
        if region:
            location["physicalLocation"]["region"] = region  # type: ignore[index]
        if f.pointer:
            location["logicalLocations"] = [{"fullyQualifiedName": f.pointer, "kind": "member"}]
        results.append(
            {
                "ruleId": f.code,
                "level": level[f.severity],
                "message": {"text": f.message + (f" ({f.hint})" if f.hint else "")},
                "locations": [location],
            }
        )
    document = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "leaflets",
                        "version": __version__,
                        "rules": list(rules.values()),
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


REPORTERS: dict[str, Reporter] = {
    "text": text_reporter,
    "json": json_reporter,
    "junit": junit_reporter,
    "github": github_reporter,
    "sarif": sarif_reporter,
}


def want_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())
