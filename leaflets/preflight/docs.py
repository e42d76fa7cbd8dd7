"""docs/preflight.md and `leaflets preflight --list`: the PDF checks' reference, written by the same
generator as docs/rules.md (:func:`leaflets.rules.docs.reference`) from the same kind of rule."""

from __future__ import annotations

from leaflets.preflight.codes import FAMILIES, RULES
from leaflets.rules.registry import Rule

COMMAND = "leaflets preflight --list --format markdown"


def _ordered() -> dict[str, Rule]:
    order = list(FAMILIES)
    return dict(sorted(RULES.items(), key=lambda item: (order.index(item[1].family), item[0])))


def rules_markdown() -> str:
    from leaflets.rules.docs import reference

    intro = [
        "`leaflets preflight FILE.pdf… [--profile auto|print|screen|large-print] [--min-text-pt PT] [--booklet] "
        "[--cmyk-only]` checks a PDF as a print shop (profile `print`) or an accessibility checker (profile "
        "`screen`) would; the default, `auto`, checks a file that declares PDF/UA and not PDF/X for screen, and "
        "any other for print. `large-print` is `screen` with PL008 at 16 pt (a PDF does not say it is large "
        "print, so say so; `leaflets build` does for its own `.large-print.pdf`); `--min-text-pt` sets PL008's "
        "minimum for any profile. "
        "`PF` rules apply to both profiles, `PP` to print, `PU` to screen. Findings name the page and "
        "object; the same finding on several pages is reported once (\"pages 1–8\").",
        "",
        "`leaflets build` runs the same checks on every PDF it makes, before writing it, and refuses a PDF with "
        "an error; for its own print PDFs it adds `--cmyk-only` (the promise that they carry CMYK, grey and "
        "spot colour only, stricter than PDF/X-4). `leaflets rule CODE` explains one code.",
    ]
    return reference("Preflight rules", COMMAND, intro, _ordered(), FAMILIES)


def rules_text() -> str:
    return "".join(f"{r.code}  {r.name:<26} {r.severity.value:<8} {'/'.join(r.profiles):<13} {r.summary}\n"
                   for r in sorted(RULES.values(), key=lambda r: r.code))
