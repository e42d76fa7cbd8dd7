"""Printer's marks, drawn in DeviceCMYK registration colour (all four inks) with no transparency, as
PDF/X wants: crop marks at the trim's corners and fold marks at a booklet's spine, all outside the
bleed so none prints over bleed artwork (preflight PP006) or on the page (PP007).

Used by :mod:`leaflets.render.pdf` (a leaflet's pages, ``--crop-marks``) and :mod:`leaflets.booklet`
(the imposed sheet: its own crop marks at the sheet's trim, and fold marks where it is folded).
"""

from __future__ import annotations

from collections.abc import Sequence

from leaflets.units import BLEED_PT

MARK_OFFSET_PT = 3.0  # gap between the bleed edge and a mark
MARK_LENGTH_PT = 18.0
MARK_SPACE_PT = MARK_OFFSET_PT + MARK_LENGTH_PT + 3.0  # MediaBox beyond the BleedBox with marks
MARK_WIDTH_PT = 0.25
_NEAR = BLEED_PT + MARK_OFFSET_PT  # from the trim line to a mark's inner end
_FAR = _NEAR + MARK_LENGTH_PT


def crop_mark_lines(trim: Sequence[float]) -> list[str]:
    """Eight crop marks: each trim corner's two edges continued outward, beyond the bleed."""
    x0, y0, x1, y1 = trim
    lines = []
    for x, outward_x in ((x0, -1), (x1, 1)):
        for y, outward_y in ((y0, -1), (y1, 1)):
            lines.append(f"{x + outward_x * _NEAR:.3f} {y:.3f} m {x + outward_x * _FAR:.3f} {y:.3f} l S")
            lines.append(f"{x:.3f} {y + outward_y * _NEAR:.3f} m {x:.3f} {y + outward_y * _FAR:.3f} l S")
    return lines


def fold_mark_lines(x: float, trim: Sequence[float]) -> list[str]:
    """Two fold marks on the vertical line ``x``: above and below the trim, beyond the bleed."""
    _x0, y0, _x1, y1 = trim
    return [f"{x:.3f} {y0 - _NEAR:.3f} m {x:.3f} {y0 - _FAR:.3f} l S",
            f"{x:.3f} {y1 + _NEAR:.3f} m {x:.3f} {y1 + _FAR:.3f} l S"]


def marks_content(lines: Sequence[str]) -> str:
    """The content operators that stroke ``lines`` as marks (without q/Q: the caller saves the state)."""
    return f"{MARK_WIDTH_PT} w 0 J [] 0 d 1 1 1 1 K\n" + "\n".join(lines)
