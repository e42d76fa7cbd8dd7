"""Validate leaflet files: load, schema, content rules. Returns a Report; never prints."""

from __future__ import annotations

from pathlib import Path

from leaflets import content, schema
from leaflets.config import Config
from leaflets.findings import Finding, Report


def check_document(doc: content.Document, config: Config | None = None) -> list[Finding]:
    """Every finding for one loaded document: load problems, schema errors, and the content rules
    (as ``config`` selects them; the defaults when None).

    Rules run on every usable document, even one with schema errors (each rule tolerates missing and
    ill-typed fields), so a writer sees all problems in one pass.
    """
    findings = list(doc.findings)
    if doc.usable:
        from leaflets.rules import run

        findings.extend(schema.check(doc))
        findings.extend(run(doc, config))
    return findings


def check_paths(paths: list[str], config: Config | None = None) -> tuple[Report, dict[str, str]]:
    """Check every leaflet under ``paths``; also return each file's text for source excerpts.

    Raises content.UsageError when a path does not exist or a folder holds no leaflets, and
    config.ConfigError (a UsageError) when the configuration found is broken.
    """
    if config is None:
        from leaflets.config import load

        config = load()  # the nearest leaflets.toml or [tool.leaflets]; ConfigError is a UsageError
    report = Report()
    sources: dict[str, str] = {}
    for path in content.discover(paths):
        doc = content.load(Path(path))
        report.files.append(doc.display)
        report.extend(check_document(doc, config))
        sources[doc.display] = doc.text
    return report, sources
