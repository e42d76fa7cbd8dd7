"""Print measures shared by rendering, imposition and preflight, defined once so the bleed the
renderer draws, the bleed the booklet keeps and the bleed preflight demands cannot drift apart."""

from __future__ import annotations

PT_PER_MM = 72 / 25.4  # PDF user space is 1/72 inch
BLEED_MM = 3.0  # what a guillotine's drift needs; rendered, imposed and required
BLEED_PT = BLEED_MM * PT_PER_MM  # 8.504 pt on every side
