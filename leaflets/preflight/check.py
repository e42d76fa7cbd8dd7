"""Opening a PDF, running the checks its profile asks for, and merging what fired into findings.

``preflight_file`` never raises for a bad file: that is a finding too. The same finding on several
pages becomes one finding ("pages 1–8").
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

from leaflets.findings import Finding, Report, Severity
from leaflets.preflight.bounds import metadata_bounded
from leaflets.preflight.codes import (
    DAMAGED,
    EMBEDDED_FILES,
    ENCRYPTED,
    JAVASCRIPT,
    MAX_METADATA_BYTES,
    NOT_PDF,
    TOO_COMPLEX,
    TOO_MANY_PAGES,
    Raw,
    short,
)
from leaflets.preflight.fonts import check_fonts
from leaflets.preflight.metadata import resolve_profile
from leaflets.preflight.options import Options
from leaflets.preflight.printing import check_print
from leaflets.preflight.screen import check_screen


def _page_ranges(pages: list[int]) -> str:
    pages = sorted(set(pages))
    parts, start, prev = [], pages[0], pages[0]
    for p in pages[1:] + [0]:
        if p == prev + 1:
            prev = p
            continue
        parts.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = p
    return ("page " if len(pages) == 1 else "pages ") + ", ".join(parts)


def _merge(path: str, raws: list[Raw]) -> list[Finding]:
    groups: dict[tuple[str, str, str], list[Raw]] = {}
    for raw in raws:
        groups.setdefault((raw.rule.code, raw.obj, raw.message), []).append(raw)
    findings = []
    for (_code, obj, message), items in groups.items():
        pages = [r.page for r in items if r.page]
        where = [_page_ranges(pages)] if pages else []
        if obj:
            where.append(obj)
        rule = items[0].rule
        findings.append(Finding(
            file=path, line=0, column=0, pointer=" / ".join(where), code=rule.code,
            severity=items[0].severity or rule.severity, message=message, rule=rule.name, hint=rule.good,
            extra={"pages": sorted(set(pages))} if pages else {},
        ))
    return findings


def preflight_file(path: str | Path, options: Options | None = None, data: bytes | None = None) -> list[Finding]:
    """Every finding for one PDF. Never raises for a bad file: that is a finding too.

    With ``data``, check those bytes (not yet written) and name them ``path`` in the findings.
    """
    import io

    import pikepdf

    options = options or Options()
    display = str(path)
    if data is None:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO would block forever, a device never end
                return _merge(display, [Raw(NOT_PDF, 0, "", "cannot read the file: it is not a regular file "
                                            "(a pipe, socket or device)")])
            with open(path, "rb") as fh:
                head = fh.read(1024)
        except OSError as exc:
            return _merge(display, [Raw(NOT_PDF, 0, "", f"cannot read the file: {exc.strerror or exc}")])
    else:
        head = data[:1024]
    if b"%PDF-" not in head:
        kind = "it is empty" if not head else "it does not start with %PDF"
        return _merge(display, [Raw(NOT_PDF, 0, "", f"not a PDF: {kind}; no printer or reader can open it")])
    try:
        pdf = pikepdf.open(path if data is None else io.BytesIO(data), suppress_warnings=True)
    except pikepdf.PasswordError:
        return _merge(display, [Raw(ENCRYPTED, 0, "", "the PDF needs a password to open; preflight, "
                                    "printing and screen readers are blocked")])
    except (pikepdf.PdfError, ValueError, RuntimeError) as exc:
        return _merge(display, [Raw(DAMAGED, 0, "", f"the PDF cannot be read ({short(exc, path)}); "
                                    "it is damaged or truncated")])
    with pdf:
        raws = list(_check_file(pdf, options))
        if any(r.rule in (ENCRYPTED, DAMAGED) for r in raws):
            return _merge(display, raws)
        try:
            count = len(pdf.pages)
        except pikepdf.PdfError as exc:
            return _merge(display, raws + [Raw(DAMAGED, 0, "", f"the page tree cannot be read ({short(exc, path)})")])
        if warnings := pdf.get_warnings():  # repaired on opening: what is left cannot be trusted
            return _merge(display, raws + [_repaired(warnings, path)])
        if count > options.max_pages:
            raws.append(Raw(TOO_MANY_PAGES, 0, "", f"the PDF has {count} pages (a leaflet has at most "
                            f"{options.max_pages}); page checks were skipped"))
            return _merge(display, raws)
        try:
            profile = resolve_profile(pdf, options.profile)
            if profile == "print":
                raws.extend(check_print(pdf, options))
            else:
                raws.extend(check_screen(pdf))
            raws.extend(check_fonts(pdf, profile))
        except Exception as exc:  # noqa: BLE001 - a malformed PDF is a finding, never a traceback
            raws.append(Raw(DAMAGED, 0, "", "the PDF is malformed and could not be fully checked "
                            f"({short(exc, path)})"))
        if (warnings := pdf.get_warnings()) and not any(r.rule is DAMAGED for r in raws):
            raws.append(_repaired(warnings, path))
        if pdf.is_encrypted:
            raws.append(Raw(ENCRYPTED, 0, "", "the PDF is encrypted (opens without a password but has "
                            "security settings); print shops and assistive technology may be blocked"))
    merged = _merge(display, raws)
    from leaflets.preflight.layout import check_pdf  # where the words landed, as a reader sees them: PL rules

    return merged + check_pdf(path if data is None else data, display, preflight=merged,
                              min_text_pt=options.min_text_pt)



def _repaired(warnings: list[str], path) -> Raw:
    return Raw(DAMAGED, 0, "", "the PDF is damaged and had to be repaired to be read "
               f"({short(warnings[0], path)}); a RIP or viewer may fail on it")


def _check_file(pdf, options: Options) -> Iterator[Raw]:
    import pikepdf

    root = pdf.Root
    try:
        names = root.get("/Names") or {}
        if "/JavaScript" in names or _has_js_action(root.get("/OpenAction")) or "/AA" in root:
            yield Raw(JAVASCRIPT, 0, "/Root", "the PDF runs JavaScript; print workflows and mail filters reject it")
        if "/EmbeddedFiles" in names and not options.allow_embedded_files:
            yield Raw(EMBEDDED_FILES, 0, "/Root/Names/EmbeddedFiles", "the PDF carries attached files")
        if not metadata_bounded(root.get("/Metadata")):
            yield Raw(TOO_COMPLEX, 0, "/Root/Metadata", "the XMP metadata is too large to check (over "
                      f"{MAX_METADATA_BYTES // 1024 ** 2} MB decoded); it was not read")
    except pikepdf.PdfError as exc:
        yield Raw(DAMAGED, 0, "", f"the document catalogue cannot be read ({short(exc)})")


def _has_js_action(action) -> bool:
    import pikepdf

    return isinstance(action, pikepdf.Dictionary) and action.get("/S") == pikepdf.Name.JavaScript


def preflight_paths(paths: Iterable[str], options: Options | None = None) -> Report:
    report = Report()
    for path in paths:
        report.files.append(str(path))
        report.extend(preflight_file(path, options))
    return report


def summary(report: Report) -> dict[str, object]:
    """What manifest.json records about preflight."""
    return {
        "errors": report.count(Severity.ERROR),
        "warnings": report.count(Severity.WARNING),
        "codes": sorted({f.code for f in report.findings}),
    }

