"""Preflight: read any PDF and report what a print shop or an accessibility checker would.

``preflight_file(path, Options(profile="print"|"screen"|"auto"))`` returns findings (never prints,
never raises for a bad file). It is the only PDF checker: rendering renders, and ``leaflets build``
preflights every PDF before writing it, refusing one with errors. Every check is a rule in
``codes.RULES`` (the shared :class:`leaflets.rules.registry.Rule` type); ``docs/preflight.md`` is
written from that table by ``rules_markdown()`` (``leaflets preflight --list --format markdown``).

Codes: ``PF`` file-level (both profiles), ``PP`` print, ``PU`` screen / accessibility. The modules,
one job each: ``codes`` (the rule table and limits), ``check`` (opening, merging into findings),
``printing``, ``screen`` and ``fonts`` (the checks), ``scanner`` (the content-stream interpreter),
``bounds`` (what a page may cost to read), ``metadata`` (XMP, PDF/X version, boxes), ``docs``.
"""

from __future__ import annotations

from leaflets.preflight.check import preflight_file, preflight_paths, summary
from leaflets.preflight.codes import (
    HAIRLINE_PT,
    MAX_CONTENT_BYTES,
    MAX_FILE_CONTENT_BYTES,
    MAX_FILE_OPERATORS,
    MAX_METADATA_BYTES,
    MAX_OPERATORS,
    MAX_PAGES,
    MIN_BLEED_MM,
    MM,
    PPI_ERROR,
    PPI_WARN,
    PROFILES,
    RULES,
    SIZE_TOLERANCE_PT,
    TRIM_SIZES,
)
from leaflets.preflight.docs import rules_markdown, rules_text
from leaflets.preflight.metadata import pdfx_version, resolve_profile
from leaflets.preflight.options import Options, own_output_options

__all__ = [
    "HAIRLINE_PT", "MAX_CONTENT_BYTES", "MAX_FILE_CONTENT_BYTES", "MAX_FILE_OPERATORS", "MAX_METADATA_BYTES",
    "MAX_OPERATORS", "MAX_PAGES", "MIN_BLEED_MM", "MM", "PPI_ERROR", "PPI_WARN", "PROFILES", "RULES",
    "SIZE_TOLERANCE_PT", "TRIM_SIZES", "Options", "own_output_options", "pdfx_version", "preflight_file",
    "preflight_paths", "resolve_profile", "rules_markdown", "rules_text", "summary",
]
