"""What a preflight checks for: the profile, and the options a caller (the CLI, the build) sets.

Its own module, so the checks can name it without importing the module that runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from leaflets.preflight.codes import MAX_PAGES, TRIM_SIZES

MIN_TEXT_PT = 12.0  # PL008: standard print (leaflets.preflight.layout.MIN_TEXT_PT)
LARGE_PRINT_MIN_TEXT_PT = 16.0  # PL008 for large print (build --profile large-print)


@dataclass
class Options:
    profile: str = "print"  # or "screen", or "auto" (decided per file: see resolve_profile)
    booklet: bool = False
    allow_embedded_files: bool = False
    trim_sizes: dict[str, tuple[float, float]] = field(default_factory=lambda: dict(TRIM_SIZES))
    max_pages: int = MAX_PAGES
    # Print: colour only as CMYK, grey or spot ink (PP010 for RGB, Lab and 3-component ICC colour anywhere,
    # alternates and image bases included). PDF/X-4 itself allows ICC-based RGB (the RIP converts it with
    # the output intent); this is leaflets' own promise for its print PDFs, so the build turns it on.
    cmyk_only: bool = False
    # PL008: the least text size. A PDF does not say it is large print, so whoever knows does: the build
    # for its large-print PDFs, `leaflets preflight --profile large-print` (or --min-text-pt) for a file.
    min_text_pt: float = MIN_TEXT_PT


def own_output_options(profile: str, booklet: bool = False) -> Options:
    """The options ``leaflets build`` checks its own PDFs with: the standard, plus our CMYK-only promise for
    print. Tests of what the build refuses use this too, so they check what the build checks."""
    if profile == "large-print":  # a screen PDF (PDF/UA-1) whose every word is 16 pt or more
        return Options(profile="screen", min_text_pt=LARGE_PRINT_MIN_TEXT_PT)
    return Options(profile=profile, booklet=booklet, cmyk_only=profile == "print")
