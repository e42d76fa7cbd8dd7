"""Layout check: read where every word landed on the page, and report what a reader would see.

Preflight proves a PDF is technically sound; it cannot see that the footer's words run into each
other, that a heading was left alone at the foot of a page or that "opera-tion" was hyphenated for a
patient. This module reads the word boxes of any PDF (PDFium, through pypdfium2) and reports
those defects as rules with codes (``PL``, page layout), in the same shape as preflight's rules, so
``leaflets preflight`` and the build report them like any other finding.

Everything is worked out from the page alone, so it works on any PDF: the trim is the TrimBox (else
the MediaBox); running footers and headers are the lines repeated, digits aside, at one place on most
pages; the body size is the commonest text size; a heading is a bold line larger than the body.
Rotated text (a diagonal DRAFT mark) is decoration and is not read.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from leaflets.findings import Finding, Severity
from leaflets.rules.registry import Rule

MM = 72 / 25.4
SAFE_MM = 5.0  # text stays this far inside the trim: cutting drifts, and a binding eats the inner edge
FOOTER_CLEARANCE_MM = 1.0  # body text ends at least this far above the running footer
MIN_TEXT_PT = 12.0  # standard print; large print asks for 16 pt (preflight Options.min_text_pt)
MAX_PAGES = 200  # the layout of a longer document is not read: a leaflet never has this many pages
SIZE_TOLERANCE_PT = 0.1
HEADING_RATIO = 1.1  # a bold line at least this much larger than the body text is a heading
_TERMINAL = tuple('.!?:;)"”’')
_BOLD = re.compile(r"bold|black|heavy|semibold|demibold", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)
_HYPHENS = ("-", "\u2010")
_SOFT_HYPHENS = {"\u00ad", "\u2010", "\u2011", "\x02"}
_BULLETS = {"•", "◦", "▪", "–", "-", "*"}


RULES: dict[str, Rule] = {}
FAMILY = ("PL", "Page layout (both profiles)")
_SKIP_AFTER = {"PF002", "PF004", "PF008"}  # damaged, too many pages, too complex: preflight stopped reading


def _rule(code: str, name: str, severity: str, summary: str, why: str, fix: str) -> Rule:
    """A rule of the type preflight and the content rules share, kept in this module's own table until
    :func:`register` adds it to preflight's (the code family ``PL`` must be allowed there)."""
    rule = Rule(code, name, Severity(severity), summary,
                what="Checked by `leaflets preflight` (both profiles) from where each word is drawn, and by "
                     "`leaflets build` on every PDF before it is written.",
                why=why, bad="", good=fix, configurable=False, profiles=("print", "screen"))
    RULES[code] = rule
    return rule


def register(table: dict[str, Rule]) -> None:
    """Add the layout rules to preflight's rule table (``leaflets preflight --list``, docs/preflight.md)."""
    from leaflets.rules.registry import add

    for rule in RULES.values():
        add(rule, table)


# fmt: off
OVERLAP = _rule("PL001", "text-overlaps", "error", "Words are drawn over other words.",
                "Overlapping words cannot be read by anyone: a footer whose parts run into each other, a "
                "title over a logo. No technical check sees it, because each word is valid on its own.",
                "Give each piece of text room of its own: narrower content, a box that wraps, or a "
                "shorter text (the footer's title is shortened to fit).")
SAFE_AREA = _rule("PL002", "text-outside-safe-area", "error",
                  f"Text is less than {SAFE_MM:g} mm inside the trim.",
                  "Guillotines drift by a millimetre or two and a stitched booklet loses some of its inner "
                  f"edge: printers keep text at least {SAFE_MM:g} mm inside the trim so it is never cut.",
                  "Move the text inwards: larger page margins, or a shorter footer.")
INTO_FOOTER = _rule("PL003", "text-into-footer", "error",
                    "Body text runs into the running footer or header.",
                    "Text that touches the footer reads as one line with it: the patient cannot tell the "
                    "leaflet's words from the page furniture.",
                    "Keep the body inside its page area: the footer needs a bottom margin that holds all "
                    "its lines.")
STRANDED_HEADING = _rule("PL004", "heading-at-page-foot", "error",
                         "A heading is the last thing on a page.",
                         "A heading alone at the foot of a page announces text the reader does not find "
                         "until they turn over; screen magnifier users lose it altogether.",
                         "Keep headings with what follows (CSS break-after: avoid); the template does "
                         "this for h1–h3.")
TABLE_ONE_ROW = _rule("PL005", "table-single-row", "error",
                      "A table leaves a single body row on a page.",
                      "One row of a table on a page, the rest on the next, reads as a table of one: the "
                      "patient compares a single risk with nothing.",
                      "Keep at least two rows together at each page break (break-after: avoid on the first "
                      "row, break-before: avoid on the last).")
LONE_LINE = _rule("PL006", "orphan-or-widow-line", "warning",
                  "One line of a paragraph is alone at the foot or top of a page.",
                  "A single line cut off from its paragraph is easily skipped, and the sentence it starts "
                  "or ends makes no sense alone.",
                  "Keep at least two lines of a paragraph together (CSS orphans and widows of 2 or more).")
ADDED_HYPHEN = _rule("PL007", "hyphen-added-at-line-end", "error",
                     "A word is broken with a hyphen at the end of a line.",
                     "NHS accessible-information practice is not to hyphenate: broken words slow readers "
                     "with low literacy or dyslexia, and a screen reader reads the two halves as two words.",
                     "Turn hyphenation off (CSS hyphens: manual); let long words wrap whole.")
SMALL_TEXT = _rule("PL008", "text-too-small", "error",
                   f"Text is smaller than {MIN_TEXT_PT:g} pt.",
                   f"Patient information is set at {MIN_TEXT_PT:g} pt or more (16 pt for large print): many "
                   "readers are older or have poor sight. Running footers and headers are page furniture and "
                   "are not counted. Large-print PDFs (`leaflets build --profile large-print`, `leaflets "
                   "preflight --profile large-print`) are held to 16 pt.",
                   f"Set body text, tables, captions and notes at {MIN_TEXT_PT:g} pt or more.")
# fmt: on


# ---------------------------------------------------------------- reading the pages


@dataclass
class Word:
    """One word's box in top-down page coordinates (points from the page's top-left), as read."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class Line:
    """Words side by side on one baseline (a visual line; the cells of a table row share one)."""

    words: list[Word]
    furniture: bool = False

    @property
    def top(self) -> float:
        return min(w.top for w in self.words)

    @property
    def bottom(self) -> float:
        return max(w.bottom for w in self.words)

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def start(self) -> float:
        """Where the text starts, past a list bullet."""
        words = self.words[1:] if len(self.words) > 1 and self.words[0].text in _BULLETS else self.words
        return words[0].x0


@dataclass
class Table:
    """One table (or the part of it on this page), read from its cell borders: rows top to bottom,
    each row the words inside it; ``columns`` the x positions of its vertical borders."""

    columns: tuple[int, ...]
    rows: list[list[Word]]
    top: float
    bottom: float


@dataclass
class Page:
    number: int
    trim: tuple[float, float, float, float]  # x0, top, x1, bottom, top-down like the words
    flow: list[Word]  # in the order they are drawn (reading order for WeasyPrint)
    lines: list[Line] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    imposed: bool = False


def read_pages(source: str | Path | bytes) -> list[Page]:
    """The upright words of each page (rotated decoration left out), grouped into lines, and the
    tables drawn with cell borders. Read with PDFium (pypdfium2): a leaflet's pages take milliseconds."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(source if isinstance(source, bytes) else str(source))
    try:
        if len(document) > MAX_PAGES:
            return []
        return [_read_page(number, document[number - 1]) for number in range(1, len(document) + 1)]
    finally:
        document.close()


def _read_page(number: int, pdf_page) -> Page:
    textpage = pdf_page.get_textpage()
    try:
        flow = _words(textpage)
    finally:
        textpage.close()
    x0, y0, x1, y1 = pdf_page.get_trimbox()
    page = Page(number, (x0, -y1, x1, -y0), flow, _lines(flow))
    forms, rules = _drawing(pdf_page)
    page.imposed = forms >= 2
    if flow and not page.imposed:
        page.tables = _tables(rules, page.lines)
    return page


def _words(textpage) -> list[Word]:
    """Characters joined into words: a space, a line change or a change of size or weight ends one.
    Coordinates become top-down (``top`` = minus the PDF's y), so that lines sort from the top."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    words: list[Word] = []
    current: list[tuple[str, float, float, float, float, float, bool]] = []
    box, matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
    marks = ""  # combining marks read since the last letter
    origin_x, origin_y = ctypes.c_double(), ctypes.c_double()

    def flush() -> None:
        if current:
            words.append(Word("".join(c[0] for c in current), min(c[1] for c in current),
                              max(c[2] for c in current), min(c[3] for c in current),
                              max(c[4] for c in current), current[0][5], current[0][6]))
            current.clear()

    for i in range(pdfium_c.FPDFText_CountChars(textpage.raw)):
        char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i) or 0x20)
        pdfium_c.FPDFText_GetMatrix(textpage.raw, i, ctypes.byref(matrix))
        if char.isspace() or char == "\0" or abs(matrix.b) > 1e-3 or abs(matrix.c) > 1e-3 or matrix.a <= 0:
            flush()  # a space, or rotated decoration (the diagonal DRAFT mark), which is not read
            continue
        pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, i, ctypes.byref(box))
        scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        size = round(pdfium_c.FPDFText_GetFontSize(textpage.raw, i) * scale, 2)
        bold = _bold(textpage, i)
        if char in _SOFT_HYPHENS:
            char = "-"
        if unicodedata.category(char).startswith("M"):
            # A combining mark (an Arabic vowel sign or shadda, a Bengali vowel sign) is drawn on a letter,
            # above or below it, and PDFium may read it apart from that letter: it is part of a word's
            # text, never a box of its own that "overlaps" the letter it sits on.
            if current:
                current[-1] = (current[-1][0] + char, *current[-1][1:])
            else:
                marks += char
            continue
        # The loose box spans the font's ascent and descent; Arabic faces (Noto Naskh: 1.07 em above the
        # baseline, 0.63 below, room for stacked vowel marks) would make every line seem to touch the
        # next or the running header. Held to 1 em above and half an em below (Latin faces are within).
        pdfium_c.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(origin_x), ctypes.byref(origin_y))
        top, bottom = min(box.top, origin_y.value + size), max(box.bottom, origin_y.value - 0.5 * size)
        entry = (char + marks, box.left, box.right, -top, -bottom, size, bold)
        marks = ""
        if current:
            last = current[-1]
            new_line = abs((entry[3] + entry[4]) - (last[3] + last[4])) / 2 > 0.5 * size
            if new_line or entry[1] - last[2] > 0.3 * size or (size, bold) != (last[5], last[6]):
                flush()
        current.append(entry)
    flush()
    return words


def _bold(textpage, index: int) -> bool:
    """A weight of 600 or more; a font that gives no weight (a standard font not embedded) by its name."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    weight = pdfium_c.FPDFText_GetFontWeight(textpage.raw, index)
    if weight > 0:
        return weight >= 600
    name, flags = ctypes.create_string_buffer(128), ctypes.c_int()
    pdfium_c.FPDFText_GetFontInfo(textpage.raw, index, name, len(name), ctypes.byref(flags))
    return bool(_BOLD.search(name.value.decode("latin-1")))


def _drawing(pdf_page) -> tuple[int, list[tuple[float, float, float, float]]]:
    """How many forms the page draws directly (two side by side make an imposed booklet sheet) and
    the thin lines it draws (table borders), as top-down boxes (x0, top, x1, bottom)."""
    import pypdfium2.raw as pdfium_c

    forms, rules = 0, []
    for obj in pdf_page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM], max_depth=3):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_FORM:
            forms += obj.level == 0
            continue
        left, bottom, right, top = obj.get_bounds()
        if min(right - left, top - bottom) < 2.5 and max(right - left, top - bottom) > 5:
            rules.append((left, -top, right, -bottom))
    return forms, rules


def _tables(rules: list[tuple[float, float, float, float]], lines: list[Line]) -> list[Table]:
    """Rows are the spans of vertical cell borders (two or more borders over one span); rows that
    follow each other under the same columns make a table."""
    spans: dict[tuple[int, int], set[int]] = {}
    for x0, top, x1, bottom in rules:
        if x1 - x0 < 2.5 <= bottom - top:
            spans.setdefault((round(top), round(bottom)), set()).add(round((x0 + x1) / 2))
    tables: list[Table] = []
    for (top, bottom), xs in sorted(spans.items()):
        if len(xs) < 2:
            continue
        columns = tuple(sorted(xs))
        words = [w for line in lines for w in line.words
                 if top - 1 <= (w.top + w.bottom) / 2 <= bottom + 1 and columns[0] - 1 <= w.x0 <= columns[-1] + 1]
        # Not only the last table: two tables side by side (a bilingual PDF's columns) have rows in turn.
        same = next((t for t in reversed(tables) if t.columns == columns and abs(t.bottom - top) <= 3), None)
        if same is not None:
            same.rows.append(words)
            same.bottom = bottom
        else:
            tables.append(Table(columns, [words], top, bottom))
    return _side_by_side(tables)


def _side_by_side(tables: list[Table]) -> list[Table]:
    """Two tables side by side whose first rows are drawn level (a bilingual PDF's header rows) read
    as one row of a table as wide as both: give each table under it its own part of that row."""
    kept = []
    for table in tables:
        below = [t for t in tables if t is not table and abs(t.top - table.bottom) <= 3
                 and set(t.columns) < set(table.columns)]
        if len(table.rows) == 1 and len(below) >= 2 and set().union(*(t.columns for t in below)) == set(table.columns):
            for part in below:
                part.rows.insert(0, [w for w in table.rows[0] if part.columns[0] - 1 <= w.x0 <= part.columns[-1] + 1])
                part.top = table.top
            continue
        kept.append(table)
    return kept


def _lines(flow: list[Word]) -> list[Line]:
    lines: list[Line] = []
    for word in sorted(flow, key=lambda w: (round(w.bottom, 0), w.x0)):
        if lines and abs(lines[-1].words[-1].bottom - word.bottom) < 1.5:
            lines[-1].words.append(word)
        else:
            lines.append(Line([word]))
    for line in lines:
        line.words.sort(key=lambda w: w.x0)
    return lines


def _mark_furniture(pages: list[Page]) -> None:
    """Running footers and headers: lines that repeat (digits aside) at one place on most pages, in the
    top or bottom fifth of the trim."""
    if len(pages) < 2:
        return
    seen: Counter[tuple[str, int]] = Counter()
    keys = {}
    for page in pages:
        for line in page.lines:
            key = (re.sub(r"\d+", "#", line.text), round(line.top))
            keys[id(line)] = key
            seen[key] += 1
    need = max(2, (len(pages) + 1) // 2)
    for page in pages:
        x0, top, x1, bottom = page.trim
        band = (bottom - top) / 5
        for line in page.lines:
            at_edge = line.bottom < top + band or line.top > bottom - band
            line.furniture = at_edge and seen[keys[id(line)]] >= need


# ---------------------------------------------------------------- the checks


@dataclass
class _Hit:
    rule: Rule
    page: int
    message: str


def check_pdf(source: str | Path | bytes, display: str, min_text_pt: float = MIN_TEXT_PT,
              preflight: Iterable[Finding] = ()) -> list[Finding]:
    """Every layout finding for one PDF (bytes or a path), named ``display`` in the findings.

    Nothing is read when ``preflight`` (the file's preflight findings) says the file is damaged, too
    long or too complex to read: those findings already say so. Never raises for a bad file."""
    import pypdfium2 as pdfium

    if any(f.code in _SKIP_AFTER for f in preflight):
        return []
    try:
        pages = read_pages(source)
    except pdfium.PdfiumError:
        return []  # preflight reports why the file cannot be read
    return [_finding(display, hit) for hit in check_pages(pages, min_text_pt)]


def check_pages(pages: list[Page], min_text_pt: float = MIN_TEXT_PT) -> list[_Hit]:
    _mark_furniture(pages)
    body = _body_size(pages)
    vocabulary = {m.group(0).lower() for page in pages for w in page.flow for m in _WORD.finditer(w.text)}
    hits: list[_Hit] = []
    for index, page in enumerate(pages):
        following = pages[index + 1] if index + 1 < len(pages) else None
        hits.extend(_overlaps(page))
        hits.extend(_safe_area(page))
        hits.extend(_hyphens(page, vocabulary))
        if not page.imposed:  # a booklet sheet's pages were checked before imposing; its furniture differs
            hits.extend(_small_text(page, min_text_pt))
            hits.extend(_into_furniture(page))
            hits.extend(_stranded_heading(page, following, body))
            hits.extend(_single_row(page, [p for p in (pages[index - 1] if index else None, following) if p]))
            hits.extend(_lone_lines(page, following, body))
    return hits


def _finding(display: str, hit: _Hit) -> Finding:
    return Finding(file=display, line=0, column=0, pointer=f"page {hit.page}", code=hit.rule.code,
                   severity=hit.rule.severity, message=hit.message, rule=hit.rule.name, hint=hit.rule.good,
                   extra={"pages": [hit.page]})


def _quote(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[:limit - 1] + "…"}"'


def _body(page: Page) -> list[Line]:
    return [line for line in page.lines if not line.furniture]


def _body_size(pages: list[Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line in _body(page):
            for word in line.words:
                sizes[round(word.size, 1)] += len(word.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _overlaps(page: Page) -> Iterator[_Hit]:
    """Words whose boxes overlap by more than a sliver (boxes are shrunk by a tenth of their height,
    since a font's box is taller than its letters and tight leading lets boxes touch)."""
    boxes = sorted(((w.x0 + 0.3, w.x1 - 0.3, w.top + (w.bottom - w.top) / 5, w.bottom - (w.bottom - w.top) / 5, w)
                    for w in page.flow if w.x1 > w.x0), key=lambda b: b[2])
    reported: set[int] = set()
    for i, (ax0, ax1, _atop, abottom, a) in enumerate(boxes):
        for bx0, bx1, btop, _bbottom, b in boxes[i + 1:]:
            if btop >= abottom:
                break
            if bx0 < ax1 and ax0 < bx1 and id(a) not in reported:
                reported.update((id(a), id(b)))
                yield _Hit(OVERLAP, page.number, f"{_quote(a.text)} and {_quote(b.text)} are drawn over each "
                           "other")


def _safe_area(page: Page) -> Iterator[_Hit]:
    x0, top, x1, bottom = page.trim
    inset = SAFE_MM * MM
    edges = {"left": lambda w: x0 + inset - w.x0, "right": lambda w: w.x1 - (x1 - inset),
             "top": lambda w: top + inset - w.top, "bottom": lambda w: w.bottom - (bottom - inset)}
    for edge, over in edges.items():
        outside = [w for w in page.flow if over(w) > 0.5]
        if outside:
            worst = max(outside, key=over)
            distance = (SAFE_MM * MM - over(worst)) / MM
            yield _Hit(SAFE_AREA, page.number, f"{_quote(worst.text)} is {distance:.1f} mm from the {edge} trim "
                       f"edge (text belongs at least {SAFE_MM:g} mm inside it)")


def _into_furniture(page: Page) -> Iterator[_Hit]:
    footer = [line for line in page.lines if line.furniture and line.top > (page.trim[1] + page.trim[3]) / 2]
    header = [line for line in page.lines if line.furniture and line.top <= (page.trim[1] + page.trim[3]) / 2]
    clearance = FOOTER_CLEARANCE_MM * MM
    for line in _body(page):
        if footer and line.bottom > min(f.top for f in footer) - clearance and line.top < max(f.bottom for f in footer):
            yield _Hit(INTO_FOOTER, page.number, f"{_quote(line.text)} runs into the running footer")
        elif header and line.top < max(h.bottom for h in header) + clearance \
                and line.bottom > min(h.top for h in header):
            yield _Hit(INTO_FOOTER, page.number, f"{_quote(line.text)} runs into the running header")


def _small_text(page: Page, minimum: float) -> Iterator[_Hit]:
    small = [w for line in _body(page) for w in line.words if w.size < minimum - SIZE_TOLERANCE_PT]
    if small:
        smallest = min(small, key=lambda w: w.size)
        yield _Hit(SMALL_TEXT, page.number, f"{len(small)} word(s) below {minimum:g} pt, the smallest "
                   f"{smallest.size:.1f} pt ({_quote(smallest.text)})")


def _hyphens(page: Page, vocabulary: set[str]) -> Iterator[_Hit]:
    """A word that ends a line with a hyphen and, joined to the first word of the next line, makes a
    word the document uses elsewhere whole: the hyphen was added by the layout, not written."""
    broken = []
    for word, after in zip(page.flow, page.flow[1:], strict=False):
        if not word.text.endswith(_HYPHENS) or len(word.text) < 2 or after.top < word.bottom - 0.2 * word.size:
            continue
        head = _WORD.findall(word.text.rstrip("-\u2010"))
        tail = _WORD.findall(after.text)
        if head and tail and (head[-1] + tail[0]).lower() in vocabulary:
            broken.append(f"{head[-1]}-/{tail[0]}")
    if broken:
        yield _Hit(ADDED_HYPHEN, page.number, f"{len(broken)} word(s) hyphenated at a line end: "
                   + ", ".join(broken[:5]) + (" …" if len(broken) > 5 else ""))


def _heading(line: Line, body: float) -> bool:
    return body > 0 and all(w.bold for w in line.words) and line.size >= body * HEADING_RATIO


def _stranded_heading(page: Page, following: Page | None, body: float) -> Iterator[_Hit]:
    lines = _body(page)
    if following is None or not lines:
        return
    heading: list[Line] = []
    for line in reversed(lines):  # a heading of several lines is stranded as a whole
        if not _heading(line, body):
            break
        heading.insert(0, line)
    if heading and len(heading) < len(lines):
        yield _Hit(STRANDED_HEADING, page.number, f"the heading {_quote(' '.join(h.text for h in heading))} is "
                   "the last thing on the page; its text starts on the next")


def _single_row(page: Page, neighbours: list[Page]) -> Iterator[_Hit]:
    """A table with one body row on this page whose other rows are on the page before or after
    (the same columns there): a whole table of one row is left alone. A header row (all bold, as a
    repeated header is) does not count."""
    for table in page.tables:
        body_rows = [row for row in table.rows if row and not all(w.bold for w in row)]
        if len(body_rows) != 1:
            continue
        if any(t.columns == table.columns for other in neighbours for t in other.tables):
            first = " ".join(w.text for w in body_rows[0])
            yield _Hit(TABLE_ONE_ROW, page.number, f"a table has one body row on this page ({_quote(first)}); "
                       "its other rows are on the next or the previous page")


def _paragraph_pairs(lines: list[Line], body: float) -> list[bool]:
    """For each line, whether the line before it is of the same paragraph."""
    joined = [False]
    for before, line in zip(lines, lines[1:], strict=False):
        same = (not _heading(before, body) and not _heading(line, body) and abs(before.size - line.size) < 0.5
                and line.top - before.top <= 1.75 * line.size and abs(before.start - line.start) < 2
                and not (line.words[0].text in _BULLETS and len(line.words) > 1))
        joined.append(same)
    return joined


def _lone_lines(page: Page, following: Page | None, body: float) -> Iterator[_Hit]:
    if following is None:
        return
    here, there = _body(page), _body(following)
    if not here or not there:
        return
    last, first = here[-1], there[0]
    if _in_table(last, page) or _in_table(first, following):
        return  # table rows have their own rule (PL005)
    continues = (not last.text.endswith(_TERMINAL) and not _heading(last, body) and not _heading(first, body)
                 and abs(last.size - first.size) < 0.5 and abs(last.start - first.start) < 2
                 and first.words[0].text not in _BULLETS)
    if not continues or abs(last.size - body) > 0.5:
        return
    joined_here, joined_there = _paragraph_pairs(here, body), _paragraph_pairs(there, body)
    if not joined_here[-1]:
        yield _Hit(LONE_LINE, page.number, f"the first line of a paragraph, {_quote(last.text)}, is alone at the "
                   "foot of the page")
    if len(there) == 1 or not joined_there[1]:
        yield _Hit(LONE_LINE, following.number, f"the last line of a paragraph, {_quote(first.text)}, is alone "
                   "at the top of the page")


def _in_table(line: Line, page: Page) -> bool:
    return any(t.top - 1 <= (line.top + line.bottom) / 2 <= t.bottom + 1 for t in page.tables)


def summary(findings: Iterable[Finding]) -> dict[str, object]:
    """What the manifest records about the layout check."""
    findings = list(findings)
    return {"errors": sum(f.is_error for f in findings),
            "warnings": sum(f.severity is Severity.WARNING for f in findings),
            "codes": sorted({f.code for f in findings})}
