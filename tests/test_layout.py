"""The layout check (leaflets/preflight/layout.py, PL rules) and pages a patient can read.

Fast tests draw small PDFs by hand, one defect each, and run the real `leaflets preflight` on them.
Slow tests build the shipped leaflets and a stress corpus (a 150-character title, very long words, 30
risks, 20 questions, 40 glossary terms, one-line sections, a 60-character organisation; A4 and A5)
and demand no layout finding, checked a second time independently of leaflets/preflight/layout.py: word boxes
from poppler's `pdftotext -bbox`, and no two words may overlap.
"""

from __future__ import annotations

import copy
import html
import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from tests.conftest import ROOT, run_cli

MM = 72 / 25.4
A4 = (595.28, 841.89)


def text_pdf(path: Path, pages: list[list[str]], trim: tuple[float, float] = A4) -> Path:
    """A PDF whose pages draw the given content-stream text operations with Helvetica (/F1) and
    Helvetica-Bold (/F2); TrimBox = MediaBox."""
    pdf = pikepdf.new()
    fonts = pikepdf.Dictionary(
        F1=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica,
                              Encoding=pikepdf.Name.WinAnsiEncoding),
        F2=pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                              BaseFont=pikepdf.Name("/Helvetica-Bold"), Encoding=pikepdf.Name.WinAnsiEncoding))
    for operations in pages:
        page = pikepdf.Dictionary(Type=pikepdf.Name.Page, MediaBox=[0, 0, *trim], TrimBox=[0, 0, *trim],
                                  Resources=pikepdf.Dictionary(Font=fonts),
                                  Contents=pdf.make_stream(" ".join(operations).encode()))
        pdf.pages.append(pikepdf.Page(page))
    pdf.save(path)
    return path


def text(x: float, y: float, words: str, size: float = 12, font: str = "F1") -> str:
    return f"BT /{font} {size} Tf {x} {y} Td ({words}) Tj ET"


def layout_codes(path: Path) -> list[str]:
    result = run_cli("preflight", "--profile", "screen", "--format", "json", path)
    return sorted({f["code"] for f in json.loads(result.stdout)["findings"] if f["code"].startswith("PL")})


def test_clean_page_has_no_layout_findings(tmp_path: Path) -> None:
    page = [text(72, 700, "Your operation"), text(72, 684, "The operation takes about an hour.")]
    assert layout_codes(text_pdf(tmp_path / "clean.pdf", [page])) == []


# One page, one defect: the code it must give, and nothing else.
ONE_PAGE = {
    "PL001": [text(72, 700, "cement-augmented-spinal-surgery version 1.0"), text(200, 700, "Last reviewed")],
    "PL002": [text(72, 700, "Inside"), text(4, 400, "Too close to the edge")],
    "PL008": [text(72, 700, "Read this carefully", size=9)],
    "PL007": [text(72, 700, "The opera-"), text(72, 684, "tion takes an hour. After the operation you rest.")],
}


@pytest.mark.parametrize("code", sorted(ONE_PAGE))
def test_each_defect_gives_its_finding_only(tmp_path: Path, code: str) -> None:
    assert layout_codes(text_pdf(tmp_path / f"{code}.pdf", [ONE_PAGE[code]])) == [code]


def test_a_written_hyphen_is_not_an_added_one(tmp_path: Path) -> None:
    # "follow-" + "up" at a line end: "followup" is nowhere in the text, so the hyphen was written.
    page = [text(72, 700, "You will have a follow-"), text(72, 684, "up appointment after six weeks.")]
    assert layout_codes(text_pdf(tmp_path / "written.pdf", [page])) == []


# Defects that need more than one page (furniture repeated on every page, a break between pages):
# for each code the pages that give it, and their passing twin, which differs only in the defect.


def _recovery(lines: int) -> list[str]:
    return [text(72, 760 - 16 * i, f"This is line {i} of the text about your recovery at home.") for i in range(lines)]


def _footer(page: int, pages: int) -> str:
    return text(72, 30, f"Spinal fusion Page {page} of {pages}")


def _into_footer(bottom: float) -> list[list[str]]:
    """A running footer on both pages; on page 1 a line of body text ``bottom`` pt above the trim."""
    return [[*_recovery(5), text(300, bottom, "Rest well."), _footer(1, 2)], [*_recovery(5), _footer(2, 2)]]


def _stranded(heading_on_first: bool) -> list[list[str]]:
    more = [text(72, 744 - 16 * i, f"Walk a little more each day, {i} times in all, as your physio shows you.")
            for i in range(6)]
    second = [text(72, 760, "Do not drive until you can do an emergency stop."), *more]
    if heading_on_first:
        return [[*_recovery(8), text(72, 560, "Driving", size=16, font="F2")], second]
    return [_recovery(8), [text(72, 780, "Driving", size=16, font="F2"), *second]]


def _row(top: float, cells: list[str], font: str = "F1") -> list[str]:
    """One table row 20 pt high with cell borders (the layout check finds tables by their borders)."""
    borders = [f"0.5 w {x} {top - 20} m {x} {top} l S" for x in (72, 250, 500)]
    borders += [f"0.5 w 72 {y} m 500 {y} l S" for y in (top, top - 20)]
    return borders + [text(x + 4, top - 15, cell, font=font) for x, cell in zip((72, 250), cells, strict=True)]


def _table(top: float, risks: list[str]) -> list[str]:
    rows = _row(top, ["Risk", "How often"], font="F2")  # the header row, repeated on each page
    for n, risk in enumerate(risks, 1):
        rows += _row(top - 20 * n, [risk, "about 1 in 100"])
    return rows


def _table_split(on_first: int) -> list[list[str]]:
    """Six risks in a table; ``on_first`` of them on page 1, the rest on page 2."""
    risks = [f"Risk {n}" for n in range(6)]
    intro = text(72, 760, "Every operation has risks. The table shows how often each one happens.")
    return [[intro, *_table(740, risks[:on_first])],
            [*_table(780, risks[on_first:]), text(72, 600, "Ask us about any risk.")]]


def _paragraph_split(lines_at_foot: int) -> list[list[str]]:
    """A paragraph that starts at the foot of page 1 with ``lines_at_foot`` lines and ends on page 2."""
    first = [text(72, 760 - 16 * i, f"Line {i} of the first paragraph tells you about your stay in hospital")
             for i in range(5)]
    first += [text(72, 680, "and it ends here."), text(72, 652, "The first line of the next paragraph goes")]
    if lines_at_foot == 2:
        first.append(text(72, 636, "on and on, and its second line goes"))
    return [first, [text(72, 780, "on over the page and is read as one sentence"),
                    text(72, 764, "that ends on this page."), text(72, 736, "Another paragraph follows it.")]]


PAGED = {
    "PL003": (_into_footer(40), _into_footer(60)),
    "PL004": (_stranded(True), _stranded(False)),
    "PL005": (_table_split(5), _table_split(4)),  # one row alone on page 2; two rows there
    "PL006": (_paragraph_split(1), _paragraph_split(2)),  # one line alone at the foot; two lines there
}


@pytest.mark.parametrize("code", sorted(PAGED))
def test_each_page_break_defect_gives_its_finding_only_and_its_twin_none(tmp_path: Path, code: str) -> None:
    bad, good = PAGED[code]
    assert layout_codes(text_pdf(tmp_path / f"{code}.pdf", bad)) == [code]
    assert layout_codes(text_pdf(tmp_path / f"{code}-twin.pdf", good)) == []


def test_a_lone_last_line_at_a_page_top_is_a_widow(tmp_path: Path) -> None:
    first, second = _paragraph_split(2)
    second = [text(72, 780, "that ends on this page."), text(72, 752, "Another paragraph follows it.")]
    assert layout_codes(text_pdf(tmp_path / "widow.pdf", [first, second])) == ["PL006"]


def test_every_layout_code_has_a_fixture() -> None:
    # as tests/test_preflight_cases.py holds the other preflight codes to their fixture PDFs
    from leaflets.preflight import RULES

    assert sorted(ONE_PAGE.keys() | PAGED.keys()) == sorted(code for code in RULES if code.startswith("PL"))


def test_preflight_exits_1_on_a_layout_error(tmp_path: Path) -> None:
    path = text_pdf(tmp_path / "overlap.pdf", [[text(72, 700, "Page one words"), text(80, 700, "over them")]])
    result = run_cli("preflight", "--profile", "screen", path)
    assert result.code == 1 and "PL001" in result.stdout and "page 1" in result.stdout, result


# ------------------------------------------------------------------ independent: poppler's word boxes

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
WATERMARK_PT = 40  # the diagonal DRAFT mark's letters are the only words this tall


def poppler_words(path: Path) -> list[list[tuple[float, float, float, float, str]]]:
    """Word boxes per page from `pdftotext -bbox` (poppler), not from leaflets' own reader."""
    done = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    return [[(float(a), float(b), float(c), float(d), html.unescape(t)) for a, b, c, d, t in _WORD.findall(page)]
            for page in done.stdout.split("<page ")[1:]]


def overlapping_words(path: Path) -> list[str]:
    """Pairs of words whose boxes overlap by more than a sliver (boxes shrunk by a fifth of their
    height top and bottom, 0.3 pt at the sides: font boxes are taller than letters)."""
    found = []
    for number, words in enumerate(poppler_words(path), 1):
        boxes = sorted((x0 + 0.3, x1 - 0.3, y0 + (y1 - y0) / 5, y1 - (y1 - y0) / 5, t)
                       for x0, y0, x1, y1, t in words if y1 - y0 < WATERMARK_PT)
        boxes.sort(key=lambda b: b[2])
        for i, (ax0, ax1, _at, ab, a) in enumerate(boxes):
            for bx0, bx1, bt, _bb, b in boxes[i + 1:]:
                if bt >= ab:
                    break
                if bx0 < ax1 and ax0 < bx1:
                    found.append(f"page {number}: {a!r} over {b!r}")
    return found


def watermark_lines(path: Path, page: int) -> int:
    """How many lines the diagonal DRAFT mark's letters lie on: their centres projected across the
    mark's direction (-35°) fall into groups one letter-height apart."""
    letters = [w for w in poppler_words(path)[page - 1] if w[3] - w[1] >= WATERMARK_PT]
    angle = math.radians(35)
    across = sorted(((x0 + x1) / 2) * math.sin(angle) + ((y0 + y1) / 2) * math.cos(angle)
                    for x0, y0, x1, y1, _ in letters)
    return 1 + sum(1 for a, b in zip(across, across[1:], strict=False) if b - a > WATERMARK_PT)


def manifest_layout_codes(out: Path) -> dict[str, list[str]]:
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    return {e["path"]: [c for c in e["preflight"]["codes"] if c.startswith("PL")]
            for e in manifest["outputs"] if "preflight" in e}


def hyphen_breaks(path: Path) -> list[str]:
    """Words that end a line with "-" and, joined to the next line's first word, make a word the
    text uses elsewhere: hyphens the layout added (read with plain `pdftotext`)."""
    done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    vocabulary = set(re.findall(r"[a-z]+", done.stdout.lower()))
    return [m.group(0) for m in re.finditer(r"([A-Za-z]+)-\n([a-z]+)", done.stdout)
            if (m.group(1) + m.group(2)).lower() in vocabulary]


@pytest.fixture(scope="module")
def shipped(tmp_path_factory) -> dict[str, Path]:
    """The shipped leaflets built for both brands, as drafts (the DRAFT mark on every page) and booklets."""
    outs = {}
    for brand in ("default", "example-hospital"):
        out = tmp_path_factory.mktemp(brand) / "dist"
        result = run_cli("build", "--brand", brand, "--draft", "--booklet", "--format", "pdf", "--out", out)
        assert result.code == 0, result
        outs[brand] = out
    return outs


@pytest.mark.slow
@pytest.mark.parametrize("brand", ["default", "example-hospital"])
def test_shipped_leaflets_have_no_layout_findings(shipped, brand: str) -> None:
    out = shipped[brand]
    assert manifest_layout_codes(out) and not any(manifest_layout_codes(out).values()), manifest_layout_codes(out)
    for pdf in sorted(out.glob("*.pdf")):
        assert overlapping_words(pdf) == [], pdf.name
        assert hyphen_breaks(pdf) == [], pdf.name


@pytest.mark.slow
@pytest.mark.parametrize("brand", ["default", "example-hospital"])
def test_footer_names_the_title_and_draft_mark_is_one_line(shipped, brand: str) -> None:
    out = shipped[brand]
    pdf = out / "spinal-fusion.en.print.pdf"
    last = len(poppler_words(pdf))
    for page in (1, 2, last):
        words = " ".join(w[4] for w in poppler_words(pdf)[page - 1])
        assert "Spinal fusion" in words and f"Page {page} of {last}" in words, (page, words)
        assert "spinal-fusion" not in words, words  # the title, not the id slug
        assert watermark_lines(pdf, page) == 1, page


# ------------------------------------------------------------------ the stress corpus


def stress(data: dict) -> dict:
    """The shipped spinal-fusion leaflet pushed to what a layout must survive."""
    data = copy.deepcopy(data)
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis"
    data["title"] = ("Spinal fusion of the lower back with screws, rods and a bone graft taken from your own hip: "
                     "what to expect before, during and after the operation")
    data["condition"] = [{"text": f"Some words are very long, like {long_word}{long_word} or "
                          "supercalifragilisticexpialidocious, and must still fit the page."}] + data["condition"]
    data["benefits"] = ["It may help."]
    data["on_the_day"] = ["You arrive early."]
    risk = data["risks"][0]
    data["risks"] = [dict(copy.deepcopy(risk), name=f"Risk number {n} with a longer name than most") for n in range(30)]
    data["questions"] = [f"Question {n}: what happens if I need to ask about something later?" for n in range(20)]
    data["glossary"] = [{"term": f"term {n}", "definition": "A word we use in this leaflet, explained in plain words "
                         "so that you can follow the rest of the text."} for n in range(40)]
    return data


@pytest.fixture(scope="module")
def stressed(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("stress")
    shipped_data = json.loads((ROOT / "content" / "spinal-fusion" / "en.json").read_text(encoding="utf-8"))
    shipped_data.pop("further_information")  # alone in its folder: the leaflets it names are not beside it (LM010)
    content = base / "content" / "spinal-fusion" / "en.json"
    content.parent.mkdir(parents=True)
    content.write_text(json.dumps(stress(shipped_data), indent=2), encoding="utf-8")
    outs = {}
    for brand in ("default", "example-hospital"):
        folder = base / f"brand-{brand}"
        shutil.copytree(ROOT / "brands" / brand, folder)
        data = json.loads((folder / "brand.json").read_text(encoding="utf-8"))
        data["organisation"] = "The Royal Example Hospitals of the North NHS Foundation Trust"  # 60 characters
        (folder / "brand.json").write_text(json.dumps(data), encoding="utf-8")
        out = base / f"dist-{brand}"
        result = run_cli("build", base / "content", "--brand", folder, "--draft", "--booklet", "--format", "pdf",
                         "--out", out)
        assert result.code == 0, result
        outs[brand] = out
    return outs


@pytest.mark.slow
@pytest.mark.parametrize("brand", ["default", "example-hospital"])
def test_stress_corpus_has_no_layout_findings(stressed, brand: str) -> None:
    out = stressed[brand]
    codes = manifest_layout_codes(out)
    assert codes and not any(codes.values()), codes
    for pdf in sorted(out.glob("*.pdf")):
        assert overlapping_words(pdf) == [], pdf.name
        assert hyphen_breaks(pdf) == [], pdf.name
    text = " ".join(w[4] for w in poppler_words(out / "spinal-fusion.en.print.pdf")[1])
    assert "Spinal fusion of the lower back with screws,… SPN-003 · Version 1.0" in text, text  # title: one line


@pytest.mark.slow
@pytest.mark.parametrize("brand", ["default", "example-hospital"])
def test_no_footer_line_is_a_date_broken_off(shipped, brand: str) -> None:
    """Seen in a page image: with the reference code the footer wrapped and left "2027" alone on its last
    line. Dates in the footer never break inside; no footer line is a lone year or month and year."""
    for pdf in sorted(shipped[brand].glob("*.print.pdf")):
        for number, words in enumerate(poppler_words(pdf), start=1):
            height = max((w[3] for w in words), default=0)
            lines: dict[int, list[str]] = {}
            for _x0, y0, _x1, _y1, text in sorted(words):
                if y0 > height - 60:  # the running footer, at the foot of the page
                    lines.setdefault(round(y0), []).append(text)
            broken = [" ".join(line) for line in lines.values()
                      if re.fullmatch(r"(?:[A-Z][a-z]+ )?\d{4}", " ".join(line))]
            assert not broken, (pdf.name, number, broken)
