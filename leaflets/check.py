"""Validate leaflet files: load, schema, content rules. Returns a Report; never prints."""

from __future__ import annotations

import os
import sys
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


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48

CheckedFile = tuple[str, list[Finding], str]


def _check_files(paths: list[Path], config: Config | None) -> list[CheckedFile]:
    """(display path, findings, text) for each file; the text only where there are findings."""
    checked = []
    for path in paths:
        doc = content.load(path)
        findings = check_document(doc, config)
        checked.append((doc.display, findings, doc.text if findings else ""))
    return checked


def _in_parallel(files: list[Path], config: Config | None, jobs: int) -> list[CheckedFile]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    # fork: the workers inherit the imported schema and rules instead of importing them again
    context = multiprocessing.get_context("fork")
    chunks = [files[index::jobs] for index in range(jobs)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        results = list(pool.map(_check_files, chunks, [config] * jobs))
    order = {path: index for index, path in enumerate(files)}
    merged = [item for chunk, result in zip(chunks, results, strict=True) for item in zip(chunk, result, strict=True)]
    return [checked for _, checked in sorted(merged, key=lambda pair: order[pair[0]])]


def check_paths(paths: list[str], config: Config | None = None, *, jobs: int | None = None
                ) -> tuple[Report, dict[str, str]]:
    """Check every leaflet under ``paths``; also return the text of each file with findings,
    for source excerpts. Many files are checked in ``jobs`` processes (default: the cores).

    Raises content.UsageError when a path does not exist or a folder holds no leaflets, and
    config.ConfigError (a UsageError) when the configuration found is broken.
    """
    if config is None:
        from leaflets.config import load

        config = load()  # the nearest leaflets.toml or [tool.leaflets]; ConfigError is a UsageError
    files = content.discover(paths)
    jobs = min(jobs or os.cpu_count() or 1, len(files))
    use_pool = jobs > 1 and len(files) >= PARALLEL_THRESHOLD and sys.platform == "linux"
    checked = _in_parallel(files, config, jobs) if use_pool else _check_files(files, config)
    report = Report()
    sources: dict[str, str] = {}
    for display, findings, text in checked:
        report.files.append(display)
        report.extend(findings)
        if text:
            sources[display] = text
    return report, sources
