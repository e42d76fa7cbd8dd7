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

        old_format = schema.format_finding(doc)
        if old_format is not None:  # rules read the current format: one clear finding, not dozens
            return findings + [old_format]
        findings.extend(schema.check(doc))
        findings.extend(run(doc, config if config is not None else Config()))
    return findings


Identity = tuple[str, str]  # (id, language): the names a build writes a leaflet's outputs under


def identity(doc: content.Document) -> Identity | None:
    """The leaflet's (id, language) when both are text, else None (the schema reports why)."""
    data = doc.data if doc.usable else None
    if isinstance(data, dict) and isinstance(data.get("id"), str) and isinstance(data.get("language"), str):
        return data["id"], data["language"]
    return None


def duplicates(files: list[tuple[Path, str, Identity | None]]) -> dict[str, list[Finding]]:
    """display path → an LF011 finding for each file whose (id, language) another file has too, naming
    the other. Every holder gets one: a build would write both leaflets to the same files, one over
    the other, and which of them is right is for a person to say."""
    holders: dict[Identity, list[tuple[Path, str]]] = {}
    for path, display, key in files:
        if key is not None:
            holders.setdefault(key, []).append((path, display))
    clashes: dict[str, list[Finding]] = {}
    for (leaflet_id, language), files_with_it in holders.items():
        if len(files_with_it) < 2:
            continue
        for path, display in files_with_it:
            others = [other for _, other in files_with_it if other != display]
            named = others[0] + (f" (and {len(others) - 1} more)" if len(others) > 1 else "")
            doc = content.load(path)  # again, for the place of its id: only duplicates pay for that
            clashes[display] = [doc.finding(
                "LF011", f"the id \"{leaflet_id}\" and language \"{language}\" are also those of {named}: a build "
                f"would write both to {leaflet_id}.{language}.*, one over the other; give one of them another id "
                "(and folder), or remove the copy", "/id")]
    return clashes


# Below this many files, starting worker processes costs more than it saves.
PARALLEL_THRESHOLD = 48

CheckedFile = tuple[str, list[Finding], str, Identity | None]


def _check_files(paths: list[Path], config: Config | None) -> list[CheckedFile]:
    """(display path, findings, text, identity) for each file; the text only where there are findings."""
    checked = []
    for path in paths:
        doc = content.load(path)
        findings = check_document(doc, config)
        checked.append((doc.display, findings, doc.text if findings else "", identity(doc)))
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
    clashes = duplicates([(path, display, key) for path, (display, _, _, key) in zip(files, checked, strict=True)])
    report = Report()
    sources: dict[str, str] = {}
    for path, (display, findings, text, _key) in zip(files, checked, strict=True):
        report.files.append(display)
        report.extend(findings + clashes.get(display, []))
        if text or display in clashes:
            sources[display] = text or content.load(path).text
    return report, sources
