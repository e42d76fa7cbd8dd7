"""The screen PDF's tagged structure survives page breaks (leaflets/render/structure.py).

Read by walking the structure tree with pikepdf, and compared with the HTML it was made from (the web
page of the same leaflet, parsed with lxml: the leaflet's sections are the same template in both). A
PDF/UA checker (page-validation) passes files whose tables and lists are cut in two at every page break,
so these tests count: one /Table per HTML table with all its rows, one /L per list with all its items,
the glossary as term and definition pairs, /Headers that resolve through the /IDTree, no empty
grouping elements, and every piece of content in the tree once, in page order.
"""

from __future__ import annotations

import datetime as dt
import importlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
import pytest
from conftest import ROOT, run_cli
from lxml import html as lxml_html

pytestmark = pytest.mark.slow

BUILDS = {  # A4 as shipped; A5 (twice the page breaks) as a draft, with the DRAFT mark on every page
    "default": ("--brand", "default"),
    "example-hospital-draft": ("--brand", "example-hospital", "--draft"),
}
GROUPING = ("/Div", "/NonStruct", "/Part", "/Sect", "/Art", "/Span")


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, list[Path]]:
    """Every shipped leaflet's web page and screen PDF, for each build, built once."""
    outs = {}
    for name, options in BUILDS.items():
        out = tmp_path_factory.mktemp(name) / "dist"
        result = run_cli("build", *options, "--profile", "screen", "--out", out)
        assert result.code == 0, result
        outs[name] = sorted(out.glob("*.screen.pdf"))
        assert len(outs[name]) == len(list((ROOT / "content").glob("*/*.json"))), outs[name]
    return outs


def pdfs(built: dict[str, list[Path]]) -> Iterator[tuple[Path, pikepdf.Pdf, Any]]:
    """(path, PDF, the web page's <main> parsed) for every screen PDF built."""
    for paths in built.values():
        for path in paths:
            web = lxml_html.parse(str(path).replace(".screen.pdf", ".html"))
            (main,) = web.xpath("//main")
            yield path, pikepdf.open(path), main


def kids(node: Any) -> list[Any]:
    value = node.get("/K")
    return list(value) if isinstance(value, pikepdf.Array) else [] if value is None else [value]


def is_element(node: Any) -> bool:
    return isinstance(node, pikepdf.Dictionary) and "/S" in node and node.get("/Type") not in ("/MCR", "/OBJR")


def elements(node: Any) -> Iterator[Any]:
    """The structure elements below ``node``, depth first in reading order."""
    for kid in kids(node):
        if is_element(kid):
            yield kid
            yield from elements(kid)


def child_elements(node: Any, role: str | None = None) -> list[Any]:
    return [k for k in kids(node) if is_element(k) and (role is None or k.S == role)]


def html_lists(main: Any) -> list[Any]:
    # an aria-hidden list (an icon array's key: leaflets.render.icons) is an artifact, not in the tree
    return main.xpath(".//*[self::ul or self::ol or self::dl][not(ancestor::nav)]"
                      "[not(ancestor-or-self::*[@aria-hidden='true'])]")


def html_items(html_list: Any) -> int:
    return len(html_list.xpath("./li | ./dt | ./div/dt"))


def id_tree(pdf: pikepdf.Pdf) -> dict[bytes, Any]:
    names = pdf.Root.StructTreeRoot.IDTree.Names
    keys = [bytes(names[i]) for i in range(0, len(names), 2)]
    assert keys == sorted(keys), "a name tree's keys are sorted"
    return {bytes(names[i]): names[i + 1] for i in range(0, len(names), 2)}


def test_one_table_per_html_table_with_every_row_and_one_caption(built) -> None:
    for path, pdf, main in pdfs(built):
        tables = [e for e in elements(pdf.Root.StructTreeRoot) if e.S == "/Table"]
        html_tables = main.xpath(".//table")
        assert len(tables) == len(html_tables) >= 1, path.name
        for table, html_table in zip(tables, html_tables, strict=True):
            rows = [e for e in elements(table) if e.S == "/TR"]
            assert len(rows) == len(html_table.xpath(".//tr")), path.name  # rows from every page, header once
            assert [str(k.S) for k in child_elements(table)] == ["/Caption", "/THead", "/TBody"], path.name


def test_one_list_per_html_list_with_every_item(built) -> None:
    for path, pdf, main in pdfs(built):
        lists = [e for e in elements(pdf.Root.StructTreeRoot) if e.S == "/L"]
        expected = [html_items(html_list) for html_list in html_lists(main)]
        assert [len(child_elements(lst, "/LI")) for lst in lists] == expected, path.name


def test_glossary_is_terms_with_their_definitions(built) -> None:
    for path, pdf, main in pdfs(built):
        dls = main.xpath(".//dl")  # the glossary's, and the other contacts' where a leaflet has them
        terms = [e for e in elements(pdf.Root.StructTreeRoot)
                 if e.S == "/L" and e.get("/A", {}).get("/ListNumbering") == "/None"]
        assert len(terms) == len(dls) >= 1, path.name
        for dl, glossary in zip(dls, terms, strict=True):
            items = child_elements(glossary)
            assert len(items) == len(dl.xpath(".//dt")), path.name
            for item in items:
                assert item.S == "/LI" and [str(k.S) for k in child_elements(item)] == ["/Lbl", "/LBody"], path.name
                assert all(kid.P.objgen == item.objgen for kid in child_elements(item))


def test_header_cells_named_by_data_cells_are_in_the_id_tree(built) -> None:
    for path, pdf, _main in pdfs(built):
        named = id_tree(pdf)
        for element in elements(pdf.Root.StructTreeRoot):
            if "/ID" in element:
                assert named[bytes(element.ID)].objgen == element.objgen, path.name
            if element.S == "/TD":
                headers = [bytes(h) for h in element.A.Headers]
                assert len(headers) == 2 and all(named[h].S == "/TH" for h in headers), (path.name, headers)
                row = element.P
                assert named[headers[0]].P.objgen == row.objgen, path.name  # its row header, then its column's


def test_no_empty_grouping_element(built) -> None:
    for path, pdf, _main in pdfs(built):
        empty = [str(e.S) for e in elements(pdf.Root.StructTreeRoot) if e.S in GROUPING and not kids(e)]
        assert empty == [], path.name


def marked_content(pdf: pikepdf.Pdf) -> list[tuple[int, int, tuple[int, int]]]:
    """(page index, MCID, element) for every piece of content the tree reaches, in reading order."""
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    found = []

    def visit(element: Any, page: Any) -> None:
        page = element.get("/Pg", page)
        for kid in kids(element):
            if isinstance(kid, int):
                found.append((pages[page.objgen], kid, element.objgen))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                found.append((pages[kid.get("/Pg", page).objgen], int(kid.MCID), element.objgen))
            elif is_element(kid):
                visit(kid, page)

    for top in kids(pdf.Root.StructTreeRoot):
        visit(top, None)
    return found


def test_all_content_is_in_the_tree_once_and_in_page_order(built) -> None:
    for path, pdf, _main in pdfs(built):
        found = marked_content(pdf)
        assert len(found) == len(set(found)) > 100, path.name
        assert [page for page, _, _ in found] == sorted(page for page, _, _ in found), path.name
        nums = pdf.Root.StructTreeRoot.ParentTree.Nums
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        mapped = {(index, mcid, element.objgen) for index, page in enumerate(pdf.pages)
                  for mcid, element in enumerate(parents[int(page.obj.StructParents)])
                  if isinstance(element, pikepdf.Dictionary)}
        assert set(found) == mapped, path.name  # the ParentTree names the element that holds each piece


def test_screen_pdfs_pass_an_independent_pdfua_checker(built) -> None:
    page = importlib.import_module("page")
    for paths in built.values():
        for path in paths:
            report = page.validate_pdf_bytes(path.read_bytes(), profile="ua1")
            assert report.is_compliant, (path.name, [(f.rule_id, f.message) for f in report.failures])


# --- cut on purpose: a table and a description list over several pages --------------------------


def render_screen(tmp_path: Path, body: str) -> pikepdf.Pdf:
    pdf = importlib.import_module("leaflets.render.pdf")
    fonts = ROOT / "brands" / "default" / "fonts"
    shutil.copytree(fonts, tmp_path / "fonts")
    html = f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Cut</title><style>
@font-face {{ font-family: Brand; src: url(fonts/AtkinsonHyperlegibleNext_400Regular.ttf) }}
@font-face {{ font-family: Brand; font-weight: bold; src: url(fonts/AtkinsonHyperlegibleNext_700Bold.ttf) }}
@page {{ size: A5; margin: 15mm }} html {{ font-family: Brand; font-size: 14pt }}
</style></head><body><div aria-hidden="true" style="position: fixed; top: 0"></div>{body}</body></html>"""
    options = pdf.PdfOptions(profile="screen", base_dir=tmp_path, roots=(), date=dt.date(2026, 3, 1),
                             identity="cd" * 32, font_files=pdf.font_files(tmp_path / "fonts"), label="cut")
    data = pdf.render_pdf(html, options).data
    (tmp_path / "cut.pdf").write_bytes(data)
    return pikepdf.open(tmp_path / "cut.pdf")


def test_a_table_over_three_pages_is_one_table_whose_cells_name_the_first_header_row(tmp_path) -> None:
    rows = "".join(f"<tr><th scope='row'>Risk {n}</th><td>about 1 in {n + 2} people</td></tr>" for n in range(60))
    body = ("<h1>Risks</h1><table><caption>How often</caption><thead><tr><th scope='col'>Risk</th>"
            f"<th scope='col'>How often</th></tr></thead><tbody>{rows}</tbody></table>")
    document = render_screen(tmp_path, body)
    assert len(document.pages) >= 3
    (table,) = [e for e in elements(document.Root.StructTreeRoot) if e.S == "/Table"]
    (head,) = child_elements(table, "/THead")
    (body_rows,) = child_elements(table, "/TBody")
    assert len(child_elements(body_rows, "/TR")) == 60
    column_ids = {bytes(cell.ID) for row in child_elements(head) for cell in child_elements(row)}
    named = id_tree(document)
    for cell in (e for e in elements(body_rows) if e.S == "/TD"):
        row_header, column_header = (bytes(h) for h in cell.A.Headers)
        assert column_header in column_ids and named[row_header].P.objgen == cell.P.objgen
    assert not [e for e in elements(document.Root.StructTreeRoot) if e.S in GROUPING and not kids(e)]
    assert len(set(marked_content(document))) == len(marked_content(document))


def test_a_description_list_gives_one_item_per_term_however_the_terms_are_grouped(tmp_path) -> None:
    entries = "".join(f"<div><dt>Term {n}</dt><dd>What term {n} means, " + "in more words " * 12 + "</dd></div>"
                      for n in range(30))
    # two terms for one definition, and one term with two definitions
    entries += ("<dt>Fusion</dt><dt>Arthrodesis</dt><dd>Joining bones.</dd>"
                "<dt>Graft</dt><dd>Bone.</dd><dd>Or a cage.</dd>")
    document = render_screen(tmp_path, f"<h1>Words we use</h1><dl>{entries}</dl>")
    assert len(document.pages) >= 3
    (glossary,) = [e for e in elements(document.Root.StructTreeRoot) if e.S == "/L"]
    assert str(glossary.A.ListNumbering) == "/None"
    items = child_elements(glossary)
    assert len(items) == 32 and all(item.S == "/LI" for item in items)
    assert all([str(k.S) for k in child_elements(item)] == ["/Lbl", "/LBody"] for item in items)
    fusion, graft = items[30], items[31]
    assert len(child_elements(child_elements(fusion, "/Lbl")[0])) == 2  # both terms in its label
    assert len(child_elements(child_elements(graft, "/LBody")[0])) == 2  # both definitions in its body
    page = importlib.import_module("page")
    report = page.validate_pdf_bytes((tmp_path / "cut.pdf").read_bytes(), profile="ua1")
    assert report.is_compliant, [(f.rule_id, f.message) for f in report.failures]
