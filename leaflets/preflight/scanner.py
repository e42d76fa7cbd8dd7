"""The content-stream interpreter: one walk over a page's content, forms, patterns, glyphs and
printed annotation appearances, tracking the CTM, line width and marked content, collecting the
:class:`PageFacts` the print and screen checks judge. It judges nothing itself."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from leaflets.preflight.bounds import Budget, TooComplex, decoded_size, within
from leaflets.preflight.codes import MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS, MM


@dataclass
class PageFacts:
    colour_spaces: dict[str, str] = field(default_factory=dict)  # family -> first place seen
    alternates: dict[str, str] = field(default_factory=dict)  # a spot colour's fallback family -> first place
    transparency: set[str] = field(default_factory=set)
    images: dict[str, float] = field(default_factory=dict)  # name -> lowest effective ppi
    thinnest: float = math.inf
    thinnest_at: str = ""  # where the thinnest line is, for the finding
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)
    marks_in_trim: list[tuple[float, float, float, float]] = field(default_factory=list)
    untagged: set[str] = field(default_factory=set)  # painting operators outside marked content
    too_complex: str = ""  # why the scan stopped early (PF008), if it did


Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in page space
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_TEXT_OPS = {"Tj", "TJ", "'", '"'}
_PAINT_OPS = {"S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "Do", "sh", "INLINE IMAGE"} | _TEXT_OPS
_STROKE_OPS = {"S", "s", "B", "B*", "b", "b*"}
_STROKED_TEXT_MODES = {1, 2, 5, 6}  # text render modes that stroke glyph outlines with the line width
_DEVICE_OPS = {"rg": "DeviceRGB", "RG": "DeviceRGB", "k": "DeviceCMYK", "K": "DeviceCMYK",
               "g": "DeviceGray", "G": "DeviceGray"}


def _mul(m: Matrix, n: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _scale(m: Matrix) -> float:
    return math.sqrt(abs(m[0] * m[3] - m[1] * m[2]))


_ICC_MODELS = {1: "Gray", 3: "RGB", 4: "CMYK"}


def _families(cs, resources, depth: int = 0) -> tuple[list[str], list[str]]:
    """The colour-space families a colour space paints in, and those it names only as a fallback.

    Painted: the space itself and what it resolves to (an Indexed space's base, an uncoloured
    pattern's underlying space), an ICC-based one named by its component count ("ICCBased RGB"), so
    a check can tell RGB from CMYK. Fallback: a Separation or DeviceN space's alternate, used only by
    a device without that ink (PDF/X judges the painted colour; ``cmyk_only`` judges both)."""
    import pikepdf

    if depth > 4:  # a colour space naming itself: what was seen so far is all there is
        return [], []
    if isinstance(cs, pikepdf.Name):
        name = str(cs)[1:]
        if name in ("DeviceRGB", "DeviceCMYK", "DeviceGray", "Pattern"):
            return [name], []
        named = (resources.get("/ColorSpace") or {}).get(cs) if resources is not None else None
        return _families(named, None, depth + 1) if named is not None else ([name], [])
    if not (isinstance(cs, pikepdf.Array) and len(cs)):
        return ["unknown"], []
    family = str(cs[0])[1:]
    if family == "ICCBased":
        n = int(cs[1].get("/N", 0)) if isinstance(cs[1], pikepdf.Stream) else 0
        return [f"ICCBased {_ICC_MODELS[n]}" if n in _ICC_MODELS else f"ICCBased with N={n}"], []
    if family in ("Indexed", "Pattern") and len(cs) > 1:
        painted, fallback = _families(cs[1], resources, depth + 1)
        return [family, *painted], fallback
    if family in ("Separation", "DeviceN") and len(cs) > 2:
        painted, fallback = _families(cs[2], resources, depth + 1)
        return [family], painted + fallback
    return [family], []


class Interpreter:
    """Walk a page's content (and its form XObjects) once, tracking the CTM, line width and
    marked-content depth, and collect what the print and screen checks need."""

    MAX_DEPTH = 8

    def __init__(self, trim, bleed, file_budget: Budget | None = None) -> None:
        self.scan = PageFacts()
        self.trim = trim
        self.bleed = bleed
        self.seen_forms: set[tuple[int, int]] = set()
        self.budget = Budget()
        self.file_budget = file_budget or Budget(MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS)

    def run(self, page) -> PageFacts:
        import pikepdf

        resources = page.obj.get("/Resources")
        contents = page.obj.get("/Contents")
        try:
            self._resources_once(resources, "page")
            ops = self._parse(page, contents if isinstance(contents, pikepdf.Array) else [contents])
            self._content(ops, resources, IDENTITY, 0, "page", 0)
        except TooComplex as exc:
            self.scan.too_complex = self.scan.too_complex or str(exc)
        return self.scan

    def _parse(self, owner, streams) -> list:
        """``owner``'s content instructions, charged to the page's budget: sizes are checked before
        parsing (a parse holds every instruction at once), the operator count before scanning."""
        import pikepdf

        page, whole = self.budget, self.file_budget
        within(page, whole)  # once the file's allowance is spent, later pages are not even parsed
        for stream in streams:
            if isinstance(stream, pikepdf.Stream):
                size = decoded_size(stream, max(min(page.content_bytes, whole.content_bytes), 0))
                page.content_bytes, whole.content_bytes = page.content_bytes - size, whole.content_bytes - size
        within(page, whole)
        ops = pikepdf.parse_content_stream(owner)
        page.operators, whole.operators = page.operators - len(ops), whole.operators - len(ops)
        within(page, whole)
        return ops

    def _resources_once(self, resources, where: str) -> None:
        import pikepdf

        if resources is None:
            return
        for name, gs in (resources.get("/ExtGState") or {}).items():
            if not isinstance(gs, pikepdf.Dictionary):
                continue
            alpha = [f"{key[1:]}={float(gs[key]):g}" for key in ("/CA", "/ca") if key in gs and float(gs[key]) < 1]
            if alpha:
                self.scan.transparency.add(f"{where} ExtGState {name[1:]} {', '.join(alpha)}")
            smask = gs.get("/SMask")
            if smask is not None and smask != pikepdf.Name.None_:
                self.scan.transparency.add(f"{where} ExtGState {name[1:]} soft mask")
            bm = gs.get("/BM")
            if bm is not None and str(bm) not in ("/Normal", "/Compatible", "[/Normal]"):
                self.scan.transparency.add(f"{where} ExtGState {name[1:]} blend mode {bm}")
        for name, shading in (resources.get("/Shading") or {}).items():
            if isinstance(shading, (pikepdf.Dictionary, pikepdf.Stream)) and "/ColorSpace" in shading:
                self._colour_space(shading.ColorSpace, resources, f"{where} shading {name[1:]}")
        for name, pattern in (resources.get("/Pattern") or {}).items():
            sh = pattern.get("/Shading") if isinstance(pattern, (pikepdf.Dictionary, pikepdf.Stream)) else None
            if sh is not None and "/ColorSpace" in sh:
                self._colour_space(sh.ColorSpace, resources, f"{where} pattern {name[1:]}")
            if isinstance(pattern, pikepdf.Stream) and pattern.get("/PatternType") == 1:
                self._colour_only(pattern, pattern.get("/Resources"), f"{where} pattern {name[1:]}")
        for name, font in (resources.get("/Font") or {}).items():
            # Type3 glyphs are content streams: colour set in a d0 glyph is printed as drawn
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == pikepdf.Name.Type3:
                for _glyph, proc in (font.get("/CharProcs") or {}).items():
                    if isinstance(proc, pikepdf.Stream):
                        self._colour_only(proc, font.get("/Resources") or resources, f"{where} font {name[1:]}")

    def _colour(self, family: str, where: str) -> None:
        self.scan.colour_spaces.setdefault(family, where)

    def _colour_space(self, cs, resources, where: str) -> None:
        painted, fallback = _families(cs, resources)
        for family in painted:
            self._colour(family, where)
        for family in fallback:
            self.scan.alternates.setdefault(family, where)

    def _colour_only(self, stream, resources, where: str) -> None:
        """Colour and transparency from a content stream whose placement is not tracked here
        (tiling-pattern cells, Type3 glyphs, annotation appearances): lines, marks and image
        resolution there are not measured."""
        if stream.objgen in self.seen_forms and stream.objgen != (0, 0):
            return
        self.seen_forms.add(stream.objgen)
        inner = Interpreter(self.trim, self.bleed)
        inner.seen_forms, inner.budget, inner.file_budget = self.seen_forms, self.budget, self.file_budget
        inner._resources_once(resources, where)
        inner._content(inner._parse(stream, [stream]), resources, IDENTITY, 0, where, 1)
        for family, place in inner.scan.colour_spaces.items():
            self._colour(family, place)
        for family, place in inner.scan.alternates.items():
            self.scan.alternates.setdefault(family, place)
        self.scan.transparency |= inner.scan.transparency

    def annotations(self, page) -> None:
        """Printed annotations' normal appearances are printed with the page."""
        try:
            self._annotations(page)
        except TooComplex as exc:
            self.scan.too_complex = self.scan.too_complex or str(exc)

    def _annotations(self, page) -> None:
        import pikepdf

        for index, annot in enumerate(page.obj.get("/Annots") or [], start=1):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            flags = int(annot.get("/F", 0))
            if not flags & 4 or flags & 2:
                continue  # not printed, or hidden
            ap = annot.get("/AP")
            appearance: Any = ap.get("/N") if isinstance(ap, pikepdf.Dictionary) else None
            if isinstance(appearance, pikepdf.Dictionary) and not isinstance(appearance, pikepdf.Stream):
                state = annot.get("/AS")  # a widget's on/off states: the current one is printed
                appearance = appearance.get(str(state)) if state is not None else None
            if isinstance(appearance, pikepdf.Stream):
                subtype = str(annot.get("/Subtype", "/Annot"))[1:]
                self._colour_only(appearance, appearance.get("/Resources"), f"annotation {index} ({subtype})")

    def _content(self, ops, resources, ctm: Matrix, depth: int, where: str, marked: int,
                 width: float = 1.0, clip: Box | None = None) -> None:
        """``clip``: the bounding box of the clip path in force (None: the whole page), narrowed by W/W*
        and by each form's BBox, so a mark clipped away is not taken for one that prints. A bounding box
        is never smaller than the clip it bounds: a mark it hides is hidden."""
        stack: list[tuple[Matrix, float, int, Box | None]] = []
        clipping = False  # W or W* seen: the path, once ended, narrows the clip
        mode = 0  # text render mode (Tr)
        inline = 0
        path: list[tuple[float, float]] = []
        mc = marked
        mc_stack: list[int] = []
        for operands, operator in ops:
            op = str(operator)
            if op == "q":
                stack.append((ctm, width, mode, clip))
            elif op == "Q":
                if stack:
                    ctm, width, mode, clip = stack.pop()
            elif op in ("W", "W*"):
                clipping = True
            elif op == "Tr" and operands:
                mode = int(operands[0])
            elif op == "cm" and len(operands) == 6:
                ctm = _mul(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            elif op == "w" and operands:
                width = float(operands[0])
            elif op == "gs" and operands:
                gs = (resources.get("/ExtGState") or {}).get(operands[0]) if resources is not None else None
                if gs is not None and "/LW" in gs:
                    width = float(gs.LW)
            elif op in ("BDC", "BMC"):
                mc_stack.append(mc)
                if operands and _tags_content(operands, resources):
                    mc += 1
            elif op == "EMC":
                if mc_stack:
                    mc = mc_stack.pop()
            elif op in _DEVICE_OPS:
                self._colour(_DEVICE_OPS[op], f"{where} operator {op}")
            elif op in ("cs", "CS") and operands:
                self._colour_space(operands[0], resources, f"{where} colour space {operands[0]}")
            elif op in ("m", "l") and len(operands) == 2:
                path.append(_apply(ctm, float(operands[0]), float(operands[1])))
            elif op == "c" and len(operands) == 6:
                path.append(_apply(ctm, float(operands[4]), float(operands[5])))
            elif op in ("v", "y") and len(operands) == 4:
                path.append(_apply(ctm, float(operands[2]), float(operands[3])))
            elif op == "re" and len(operands) == 4:
                x, y, w, h = (float(v) for v in operands)
                path += [_apply(ctm, x, y), _apply(ctm, x + w, y), _apply(ctm, x + w, y + h), _apply(ctm, x, y + h)]
            if op in _PAINT_OPS and mc == 0:
                self.scan.untagged.add(op)
            if op in _STROKE_OPS or (op in _TEXT_OPS and mode in _STROKED_TEXT_MODES):
                thickness = width * _scale(ctm)
                if thickness < self.scan.thinnest:
                    self.scan.thinnest = thickness
                    if op in _TEXT_OPS:  # the text matrix is not tracked: name the text, not a point
                        self.scan.thinnest_at = f"{where} (stroked text, render mode {mode})"
                    else:
                        x, y = path[0] if path else (ctm[4], ctm[5])
                        self.scan.thinnest_at = f"{where} at x={x:.0f}, y={y:.0f} pt"
                if op in _STROKE_OPS:
                    self._maybe_mark(path, clip)
            if op == "INLINE IMAGE" and operands:
                inline += 1
                label = f"inline image {inline}" + ("" if where == "page" else f" in {where}")
                self._image(operands[0].obj, label, resources, ctm)
            if op in _PAINT_OPS or op == "n":
                if clipping and path:  # the clip applies after this path is painted (or not, with n)
                    clip = _intersect(clip, _bounds(path))
                clipping = False
                path = []
            if op == "Do" and operands:
                self._do(operands[0], resources, ctm, depth, where, mc, width, clip)

    def _maybe_mark(self, path: list[tuple[float, float]], clip: Box | None = None) -> None:
        """Printer's marks: a short thin line along a trim line, drawn from outside the trim, or any
        stroke wholly outside the trim. A mark that runs on past the trim corner prints on the page.
        Only what the clip leaves is judged: a mark wholly clipped away (a page's own marks on an
        imposed sheet, cut off at the page's bleed) prints nothing."""
        if not path:
            return
        box = _bounds(path) if clip is None else _visible(_bounds(path), clip)
        if box is None:
            return
        t, tol = self.trim, 0.5
        short = max(box[2] - box[0], box[3] - box[1]) < 30 * MM
        along_h = (short and box[3] - box[1] < tol and any(abs(box[1] - y) < tol for y in (t[1], t[3]))
                   and (box[0] < t[0] - tol or box[2] > t[2] + tol))
        along_v = (short and box[2] - box[0] < tol and any(abs(box[0] - x) < tol for x in (t[0], t[2]))
                   and (box[1] < t[1] - tol or box[3] > t[3] + tol))
        if along_h or along_v:
            reaches = (box[2] > t[0] + tol and box[0] < t[2] - tol) if along_h else (
                box[3] > t[1] + tol and box[1] < t[3] - tol)
            (self.scan.marks_in_trim if reaches else self.scan.marks).append(box)
        elif not (box[0] < t[2] - tol and box[2] > t[0] + tol and box[1] < t[3] - tol and box[3] > t[1] + tol):
            self.scan.marks.append(box)

    def _image(self, image, label: str, resources, ctm: Matrix) -> None:
        if image.get("/SMask") is not None or int(image.get("/SMaskInData", 0)):
            self.scan.transparency.add(f"{label} soft mask")
        if not image.get("/ImageMask", False) and "/ColorSpace" in image:
            self._colour_space(image.ColorSpace, resources, label)
        w_pt = math.hypot(ctm[0], ctm[1])
        h_pt = math.hypot(ctm[2], ctm[3])
        if w_pt >= 1 and h_pt >= 1:
            ppi = min(int(image.get("/Width", 0)) / (w_pt / 72), int(image.get("/Height", 0)) / (h_pt / 72))
            self.scan.images[label] = min(ppi, self.scan.images.get(label, math.inf))

    def _do(self, name, resources, ctm: Matrix, depth: int, where: str, marked: int, width: float = 1.0,
            clip: Box | None = None) -> None:
        import pikepdf

        xobjects = resources.get("/XObject") if resources is not None else None
        xobject = xobjects.get(name) if xobjects is not None else None
        if not isinstance(xobject, pikepdf.Stream):
            return
        subtype = xobject.get("/Subtype")
        label = str(name)[1:]
        if subtype == pikepdf.Name.Image:
            self._image(xobject, f"image {label}", resources, ctm)
        elif subtype == pikepdf.Name.Form and depth < self.MAX_DEPTH:
            key = xobject.objgen
            form_resources = xobject.get("/Resources") or resources
            if key not in self.seen_forms:
                self.seen_forms.add(key)
                self._resources_once(xobject.get("/Resources"), f"form {label}")
                group = xobject.get("/Group")
                if group is not None and group.get("/S") == pikepdf.Name.Transparency:
                    self.scan.transparency.add(f"form {label} transparency group")
            matrix = tuple(float(v) for v in xobject.get("/Matrix", [1, 0, 0, 1, 0, 0]))
            form_ctm = _mul(matrix, ctm)  # type: ignore[arg-type]
            ops = self._parse(xobject, [xobject])
            self._content(ops, form_resources, form_ctm, depth + 1, f"form {label}", marked, width,
                          _intersect(clip, _form_bounds(xobject, form_ctm)))


def _bounds(points: list[tuple[float, float]]) -> Box:
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _intersect(clip: Box | None, box: Box | None) -> Box | None:
    """The two clips together (None is no clip). An empty intersection stays an (inverted) box: it hides all."""
    if box is None:
        return clip
    if clip is None:
        return box
    return max(clip[0], box[0]), max(clip[1], box[1]), min(clip[2], box[2]), min(clip[3], box[3])


def _visible(box: Box, clip: Box, tol: float = 0.01) -> Box | None:
    """The part of ``box`` (a line's bounds: it may have no width or no height) inside ``clip``; None
    when nothing of it is, or only a point."""
    seen = max(box[0], clip[0]), max(box[1], clip[1]), min(box[2], clip[2]), min(box[3], clip[3])
    w, h = seen[2] - seen[0], seen[3] - seen[1]
    if w < -tol or h < -tol or (w < tol and h < tol):
        return None
    return seen


def _form_bounds(xobject, ctm: Matrix) -> Box | None:
    """A form's BBox in page space: the form is clipped to it (ISO 32000-1, 8.10.1)."""
    try:
        x0, y0, x1, y1 = (float(v) for v in xobject.BBox)
    except (AttributeError, TypeError, ValueError):
        return None
    return _bounds([_apply(ctm, x, y) for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1))])


def scan_page(page, trim, bleed, file_budget: Budget | None = None) -> PageFacts:
    scanner = Interpreter(trim, bleed, file_budget)
    scanner.run(page)
    scanner.annotations(page)
    return scanner.scan


def _tags_content(operands, resources) -> bool:
    """Whether a BMC/BDC makes its content tagged: an Artifact, or a structure tag with an MCID.
    Other marked content (optional content /OC, a bare /Span) does not tie content to the
    structure tree."""
    import pikepdf

    if operands[0] == pikepdf.Name.Artifact:
        return True
    if len(operands) < 2:
        return False
    props = operands[1]
    if isinstance(props, pikepdf.Name) and resources is not None:
        props = (resources.get("/Properties") or {}).get(props)
    return isinstance(props, pikepdf.Dictionary) and "/MCID" in props
