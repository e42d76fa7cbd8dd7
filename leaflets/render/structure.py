"""Tagged structure that survives page breaks: one table is one /Table, one list one /L.

WeasyPrint 70 builds the structure tree page by page: a table, a list or a section that runs over a
page break becomes two elements (the second table without its caption, with its repeated header row
as a second header), and a screen reader announces two tables. The PDF alone cannot tell a continued
element from a new one of the same kind, so while WeasyPrint writes the tree, :func:`recording` notes on
each structure element which HTML element it came from (a private key, removed again by
:func:`rejoin`). :func:`rejoin` then puts the tree together again:

- an element continued on the next page is joined to its first part (it is the last thing on one page
  and the first on the next, so joining keeps the reading order); a header row repeated on the new page
  (``thead``, ``tfoot``) is dropped from the tree, so its text becomes a pagination artifact, and data
  cells that named the repeated header cells by ``/Headers`` name the first ones;
- ``aria-hidden`` elements (the page-edge band, the DRAFT watermark) leave the tree: they are artifacts;
- a ``<dl>`` becomes the PDF/UA description list (PDF Association technique L_14): /L with
  ListNumbering /None, each /LI a term as /Lbl and its definition as /LBody (PDF 1.7 has no DL);
- grouping elements left without content (/Div, /NonStruct, /Part, /Sect, /Art, /Span) are removed;
- the StructTreeRoot gets the /IDTree that ISO 32000-1 (14.7.2) requires when elements carry /ID.

An element whose HTML element has its own ``lang`` (a bilingual PDF's Welsh and English columns, an
English phrase in a Welsh page) gets that language as its /Lang while the tree is written: WeasyPrint
puts only the document's language in the catalogue, so a screen reader would read every passage in it.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

import pikepdf

_MARK = "/LeafletsBox"  # "<element number> <element tag> <hidden|->", only between WeasyPrint and rejoin()
_REPEATED = ("thead", "tfoot")  # WeasyPrint repeats these on every page a table runs over
_GROUPING = ("/Div", "/NonStruct", "/Part", "/Sect", "/Art", "/Span")

Key = tuple[str, str, str]  # (HTML element number, element tag, structure type)


class _Recorder:
    """Numbers the HTML elements of one render, in the order WeasyPrint tags them."""

    def __init__(self) -> None:
        self.numbers: dict[int, int] = {}
        self.elements: list[Any] = []  # held, so that no id() is reused during the render

    def mark(self, box: Any) -> str:
        element = box.element
        if id(element) not in self.numbers:
            self.numbers[id(element)] = len(self.numbers)
            self.elements.append(element)
        hidden = element is not None and element.get("aria-hidden") == "true"
        return f"{self.numbers[id(element)]} {box.element_tag or '-'} {'hidden' if hidden else '-'}"


_active: contextvars.ContextVar[_Recorder | None] = contextvars.ContextVar("leaflets_structure", default=None)


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """While WeasyPrint writes a tagged PDF inside this block, mark each structure element with its HTML
    element (per thread and per render; outside the block WeasyPrint writes as it always does)."""
    _install()
    token = _active.set(_Recorder())
    try:
        yield
    finally:
        _active.reset(token)


def _install() -> None:
    """Wrap WeasyPrint's tree builder (it calls itself through the module, so every level is seen)."""
    import pydyf
    from weasyprint.pdf import tags

    original = tags._build_box_tree
    if getattr(original, "leaflets_recording", False):
        return

    def build(box: Any, *args: Any) -> Iterator[Any]:
        for element in original(box, *args):
            recorder = _active.get()
            # html and body pass their children's elements up: the innermost box, which made it, marks it
            if recorder is not None and isinstance(element, pydyf.Dictionary) and _MARK[1:] not in element:
                element[_MARK[1:]] = pydyf.String(recorder.mark(box))
                language = box.element.get("lang") if box.element is not None else None
                if language and box.element_tag not in ("html", "body"):  # a passage in its own language
                    element["Lang"] = pydyf.String(language)  # (ISO 32000-1 14.9.2): what WeasyPrint leaves out
            yield element

    build.leaflets_recording = True  # type: ignore[attr-defined]
    tags._build_box_tree = build


# --- the tree -----------------------------------------------------------------------------------


def _kids(node: Any) -> list[Any]:
    kids = node.get("/K")
    return list(kids) if isinstance(kids, pikepdf.Array) else [] if kids is None else [kids]


def _is_element(node: Any) -> bool:
    return isinstance(node, pikepdf.Dictionary) and "/S" in node and node.get("/Type") not in ("/MCR", "/OBJR")


def _mark(node: Any) -> tuple[str, str, str] | None:
    if not _is_element(node) or _MARK not in node:
        return None
    number, tag, hidden = str(node[_MARK]).split(" ")
    return number, tag, hidden


def _key(node: Any) -> Key | None:
    mark = _mark(node)
    return (mark[0], mark[1], str(node.S)) if mark else None


def _tag(node: Any) -> str:
    mark = _mark(node)
    return mark[1] if mark else ""


def _continues(first: Any, then: Any) -> bool:
    """``then`` is the same HTML element as ``first`` in the same role: its part on the next page."""
    return _is_element(then) and _key(then) is not None and _key(then) == _key(first)


def _child(element: Any, role: str) -> Any:
    return next((k for k in _kids(element) if _is_element(k) and k.get("/S") == role), None)


def _walk(node: Any) -> Iterator[Any]:
    """``node`` and the structure elements below it, depth first in reading order."""
    seen: set[tuple[int, int]] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if current.is_indirect:
            if current.objgen in seen:
                continue
            seen.add(current.objgen)
        yield current
        stack.extend(reversed([k for k in _kids(current) if _is_element(k)]))


class _Rejoin:
    """One pass over one PDF's tree; remembers what left the tree, for the ParentTree and /Headers."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.moved: dict[tuple[int, int], Any] = {}  # element merged away -> the element that took its kids
        self.removed: list[Any] = []  # elements that left the tree, with their IDs

    def adopt(self, target: Any, kids: list[Any], source: Any) -> list[Any]:
        """``kids`` of ``source`` made kids of ``target``: content on another page is named with its page."""
        page = source.get("/Pg")
        other_page = page is not None and (target.get("/Pg") is None or target.Pg.objgen != page.objgen)
        adopted = []
        for kid in kids:
            if isinstance(kid, int) and other_page:
                kid = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=page, MCID=kid))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR" and "/Pg" not in kid \
                    and other_page:
                kid.Pg = page
            elif _is_element(kid):
                kid.P = target
            adopted.append(kid)
        if source.is_indirect and target.is_indirect:
            self.moved[source.objgen] = target
        return adopted

    def append(self, target: Any, kids: list[Any], source: Any) -> None:
        target.K = pikepdf.Array(_kids(target) + self.adopt(target, kids, source))

    def join(self, first: Any, then: Any) -> None:
        """``then`` continues ``first`` on a later page: its kids follow ``first``'s, its repeated header
        rows are dropped, and its first kid, when that continues ``first``'s last, is joined in turn."""
        own = _kids(first)
        own_keys = {_key(k) for k in own if _is_element(k)}
        last = next((k for k in reversed(own) if _is_element(k) and _tag(k) not in _REPEATED), None)
        incoming: list[Any] = []
        for kid in _kids(then):
            if _is_element(kid) and _tag(kid) in _REPEATED and _key(kid) in own_keys:
                self.removed.append(kid)
            elif not incoming and last is not None and _continues(last, kid):
                self.join(last, kid)
                self.removed.append(kid)
            else:
                incoming.append(kid)
        self.append(first, incoming, then)

    def join_pages(self, document: Any) -> None:
        """The document's kids are each page's top-level elements in turn: join neighbours that are one
        element (``<main>`` on every page, and inside it what the page break cut)."""
        kept: list[Any] = []
        for kid in _kids(document):
            if kept and _continues(kept[-1], kid):
                self.join(kept[-1], kid)
                self.removed.append(kid)
            else:
                kept.append(kid)
        document.K = pikepdf.Array(kept)

    def drop_hidden(self, document: Any) -> None:
        for element in list(_walk(document)):
            kids = _kids(element)
            hidden = [_is_element(k) and (_mark(k) or ("", "", ""))[2] == "hidden" for k in kids]
            if any(hidden):
                self.removed.extend(k for k, gone in zip(kids, hidden, strict=True) if gone)
                element.K = pikepdf.Array([k for k, gone in zip(kids, hidden, strict=True) if not gone])

    def drop_empty(self, document: Any) -> None:
        """Grouping elements with nothing in them, innermost first (removing one may empty its parent)."""
        for element in reversed(list(_walk(document))):
            kids = _kids(element)
            empty = [_is_element(k) and k.get("/S") in _GROUPING and not _kids(k) for k in kids]
            if any(empty):
                self.removed.extend(k for k, gone in zip(kids, empty, strict=True) if gone)
                element.K = pikepdf.Array([k for k, gone in zip(kids, empty, strict=True) if not gone])

    def description_lists(self, document: Any) -> None:
        for element in list(_walk(document)):
            if element.get("/S") == "/L" and _tag(element) == "dl":
                self.description_list(element)

    def description_list(self, dl: Any) -> None:
        """L > [Div >] LI(dt) > LBody, LI(dd) > LBody becomes L > LI > Lbl (term), LBody (definition)."""
        items: list[Any] = []
        for entry in self._entries(dl):
            body = _child(entry, "/LBody")
            current = items[-1] if items else None
            label, definition = (_child(current, "/Lbl"), _child(current, "/LBody")) if current else (None, None)
            if body is None or _tag(entry) not in ("dt", "dd"):
                items.append(entry)  # not what WeasyPrint makes of a dt or dd: left as it is
            elif _tag(entry) == "dt" and label is not None and definition is None:
                self.append(label, _kids(body), body)  # a second term for one definition: one label
                self.removed.extend((entry, body))
            elif _tag(entry) == "dt":
                body.S = pikepdf.Name.Lbl
                items.append(entry)
            elif definition is not None:
                self.append(definition, _kids(body), body)  # a second definition: one body
                self.removed.extend((entry, body))
            elif label is not None:
                self.append(current, [body], entry)
                self.removed.append(entry)
            else:
                items.append(entry)  # a definition without a term
        for item in items:
            item.P = dl
        dl.K = pikepdf.Array(items)
        dl.A = pikepdf.Dictionary(O=pikepdf.Name.List, ListNumbering=pikepdf.Name("/None"))

    def _entries(self, dl: Any) -> Iterator[Any]:
        """The dt and dd items of a description list, through wrappers (``<dl><div><dt>…``)."""
        for kid in _kids(dl):
            if not _is_element(kid):
                continue
            if kid.get("/S") == "/LI":
                yield kid
            else:
                self.removed.append(kid)
                yield from self._entries(kid)

    def fix_parent_tree(self, root: Any) -> None:
        """Content and annotations of a merged element now belong to the element that took its kids."""
        def survivor(element: Any) -> Any:
            while isinstance(element, pikepdf.Dictionary) and element.is_indirect and element.objgen in self.moved:
                element = self.moved[element.objgen]
            return element

        nums = root.get("/ParentTree", pikepdf.Dictionary()).get("/Nums", pikepdf.Array())
        for index in range(1, len(nums), 2):
            entry = nums[index]
            if isinstance(entry, pikepdf.Array):
                for mcid, element in enumerate(list(entry)):
                    if isinstance(element, pikepdf.Dictionary) and element.objgen in self.moved:
                        entry[mcid] = survivor(element)
            elif isinstance(entry, pikepdf.Dictionary) and entry.objgen in self.moved:
                nums[index] = survivor(entry)

    def fix_headers(self, document: Any) -> None:
        """/Headers that named a header cell which left the tree (a repeated header row) name the header
        cell of the same HTML element that stayed."""
        kept = {_key(e): e.ID for e in _walk(document) if "/ID" in e and _key(e) is not None}
        renamed = {}
        for gone in self.removed:
            for element in _walk(gone):
                if "/ID" in element and _key(element) in kept:
                    renamed[bytes(element.ID)] = kept[_key(element)]
        if not renamed:
            return
        for element in _walk(document):
            for attributes in _attribute_dicts(element):
                if isinstance(attributes.get("/Headers"), pikepdf.Array):
                    attributes.Headers = pikepdf.Array([renamed.get(bytes(h), h) for h in attributes.Headers])


def _attribute_dicts(element: Any) -> list[Any]:
    attributes = element.get("/A")
    listed = list(attributes) if isinstance(attributes, pikepdf.Array) else [attributes]
    return [a for a in listed if isinstance(a, pikepdf.Dictionary)]


def rejoin(pdf: pikepdf.Pdf) -> None:
    """Put back together what WeasyPrint's page-by-page tree cut apart (see the module's docstring),
    give the StructTreeRoot its /IDTree, and remove the marks :func:`recording` left."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is not None:
        for document in [k for k in _kids(root) if _is_element(k)]:
            work = _Rejoin(pdf)
            work.drop_hidden(document)
            work.join_pages(document)
            work.description_lists(document)
            work.drop_empty(document)
            work.fix_parent_tree(root)
            work.fix_headers(document)
        add_id_tree(pdf)
    for obj in pdf.objects:
        if isinstance(obj, pikepdf.Dictionary) and _MARK in obj:
            del obj[_MARK]


def add_id_tree(pdf: pikepdf.Pdf) -> int:
    """The /IDTree (a name tree from each /ID to its element) of every element in the tree that has an
    /ID; ISO 32000-1 requires it whenever IDs are used. Returns how many IDs it names."""
    root = pdf.Root.StructTreeRoot
    named = {}
    for document in [k for k in _kids(root) if _is_element(k)]:
        for element in _walk(document):
            if "/ID" in element:
                named[bytes(element.ID)] = element
    if "/IDTree" in root:
        del root["/IDTree"]
    if named:
        names: list[Any] = []
        for key in sorted(named):
            names += [pikepdf.String(key), named[key]]
        root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))
    return len(named)
