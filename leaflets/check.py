"""Validate leaflet files: load, schema, content rules. Returns a Report; never prints."""

from __future__ import annotations

from pathlib import Path

from leaflets import content, schema
from leaflets.findings import Finding, Report


def check_document(doc: content.Document) -> list[Finding]:
    """Every finding for one loaded document (load problems, then schema errors)."""
    findings = list(doc.findings)
    if doc.usable:
        findings.extend(schema.check(doc))
    return findings


def check_paths(paths: list[str]) -> tuple[Report, dict[str, str]]:
    """Check every leaflet under ``paths``; also return each file's text for source excerpts.

    Raises content.UsageError when a path does not exist or a folder holds no leaflets.
    """
    report = Report()
    sources: dict[str, str] = {}
    for path in content.discover(paths):
        doc = content.load(Path(path))
        report.files.append(doc.display)
        report.extend(check_document(doc))
        sources[doc.display] = doc.text
    return report, sources
