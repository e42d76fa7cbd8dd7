"""Draw content/pars-defect-repair/pars-defect-repair.svg: a side view of a lower-back (lumbar)
vertebra showing the pars interarticularis, the break in it, and the screw put across the break.

Run it again after changing the drawing: ``.venv/bin/python scripts/draw_pars_figure.py``.

Why a script, not a drawing program: the labels are written as outlines (paths) of the default
brand's typeface, Atkinson Hyperlegible Next (SIL Open Font License: outlines may be embedded), so
the SVG holds no <text> element. A figure is read as hostile exactly as a logo is
(leaflets.figures, leaflets.logo): only shapes, paths and groups pass; and an SVG shown through
<img> or embedded in a PDF would not get the page's web fonts anyway. The script keeps the words
editable and the output the same bytes every run.

The facts drawn are only those of the source page (/work/shared/seeds/000_*.txt): a pars defect
is in the lumbar spine; the front and back parts of the vertebra come apart; the surgeon puts a
screw across the two separated parts to hold them while they heal. It is a diagram, not anatomy
to scale.
"""

from __future__ import annotations

from pathlib import Path

from fontTools.pens.svgPathPen import SVGPathPen
from fontTools.pens.transformPen import TransformPen
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "brands" / "default" / "fonts" / "AtkinsonHyperlegibleNext_700Bold.ttf"
OUT = ROOT / "content" / "pars-defect-repair" / "pars-defect-repair.svg"

INK = "#1a1a1a"  # the brand's text colour on screen (print: black ink alone)
BONE = "#e4e0d8"
BONE_EDGE = "#1a1a1a"
SCREW = "#1d4f91"  # the default brand's primary blue, so the screw stands out
LABEL_PX = 30  # at 320 px wide the drawing is shown about 290 px wide: labels stay about 13 px high


def text_path(words: str, x: float, y: float, size: float = LABEL_PX, font: TTFont | None = None) -> str:
    """``words`` as one SVG path of glyph outlines, baseline at (x, y)."""
    font = font or TTFont(FONT)
    glyphs = font.getGlyphSet()
    cmap = font.getBestCmap()
    scale = size / font["head"].unitsPerEm
    pen = SVGPathPen(glyphs, ntos=lambda v: f"{v:.1f}".rstrip("0").rstrip("."))
    advance = 0.0
    for char in words:
        name = cmap[ord(char)]
        glyph = glyphs[name]
        glyph.draw(TransformPen(pen, (scale, 0, 0, -scale, x + advance * scale, y)))
        advance += glyph.width
    return f'<path fill="{INK}" d="{pen.getCommands()}"/>'


def drawing() -> str:
    font = TTFont(FONT)

    def label(words: str, x: float, y: float) -> str:
        return text_path(words, x, y, font=font)

    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 470" width="640" height="470">',
        "<title>A lower-back vertebra from the side, with a break in the pars and a screw across it</title>",
        '<rect width="640" height="470" fill="#ffffff"/>',
        # the body of the vertebra: the front part of the bone (left)
        f'<rect x="40" y="150" width="210" height="170" rx="26" fill="{BONE}" stroke="{BONE_EDGE}" stroke-width="4"/>',
        # the back part, in front of the break: the stalk joining it to the body, and the upper joint
        f'<path fill="{BONE}" stroke="{BONE_EDGE}" stroke-width="4" stroke-linejoin="round" '
        'd="M246 178 L326 172 L334 112 L374 106 L384 176 L402 188 L402 230 L370 238 L330 228 L246 226 Z"/>',
        # the back part, behind the break: the lower joint and the bony spine at the back
        f'<path fill="{BONE}" stroke="{BONE_EDGE}" stroke-width="4" stroke-linejoin="round" '
        'd="M414 190 L446 198 L590 214 L604 246 L586 262 L476 252 L470 330 L430 336 L426 262 L414 234 Z"/>',
        # the break in the pars: the gap between the two parts, drawn as a jagged crack
        f'<path fill="none" stroke="{INK}" stroke-width="5" stroke-linecap="round" stroke-linejoin="round" '
        'd="M408 178 L402 198 L413 212 L403 228 L409 244"/>',
        # the screw, put in from the back, across the break into the front part of the bone
        '<g transform="rotate(-8 420 212)">',
        f'<rect x="296" y="202" width="240" height="20" rx="6" fill="{SCREW}"/>',
        f'<rect x="530" y="190" width="32" height="44" rx="8" fill="{SCREW}"/>',
        '<path fill="none" stroke="#ffffff" stroke-width="3" '
        'd="M318 202 L310 222 M342 202 L334 222 M366 202 L358 222 M390 202 L382 222 M438 202 L430 222 '
        'M462 202 L454 222 M486 202 L478 222 M510 202 L502 222"/>',
        "</g>",
        # leader lines from the labels to what they name
        f'<path fill="none" stroke="{INK}" stroke-width="2.5" '
        'd="M145 362 L145 322 M420 76 L420 180 M452 412 L410 250 M548 106 L548 168"/>',
        label("Front of the bone", 40, 392),
        label("(vertebral body)", 40, 428),
        label("Pars", 392, 64),
        label("Break in the pars", 318, 448),
        label("Screw", 510, 96),
        label("FRONT", 40, 40),
        label("BACK", 530, 40),
        "</svg>",
    ]
    return "\n".join(parts) + "\n"


def main() -> None:
    OUT.write_text(drawing(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
