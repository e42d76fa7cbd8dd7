"""Read an existing leaflet (Word .docx or .html) into a flat list of blocks for ``leaflets import``.

Importers are attack surface: a .docx is a zip of XML written by anyone. So a file is refused
before any parser sees it when it is too large, is not a zip, declares members that would unpack
to more than we read (a zip bomb), is encrypted, or holds a DTD (Word never writes one; a DTD is
how XML entity bombs and external entities get in). python-docx's own lxml parsers are built with
``resolve_entities=False`` (docx/oxml/parser.py and docx/opc/oxml.py), and lxml does not load
DTDs or touch the network by default; the DTD check here is a second lock, not the only one.

Images are never written under a name taken from the document: the reader returns their bytes and
the writer names them itself. A picture inside the file (a Word image part; in HTML only an ``<img>``
whose ``src`` is a ``data:`` URI: nothing is ever fetched) is extracted when its bytes are a PNG, JPEG
or GIF within the figure limits of leaflets/figures.py (bytes and pixels, measured from the header
without decoding the image), with its alt text (Word's picture description, HTML's ``alt``).
Formatting (bold, italic, colour) is dropped: a leaflet is plain text.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 20 * 1024 * 1024  # the file as it is on disk
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all zip members together, as their headers declare them
MAX_MEMBERS = 5000
_XML_HEAD = 64 * 1024  # a DOCTYPE must come before the root element, so the head of a member is enough

# image types we extract, by their first bytes: a renamed HTML or SVG file is never written as a picture
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg", b"GIF87a": "gif", b"GIF89a": "gif"}
HEADING_FROM_BOLD = 10  # level given to a short all-bold paragraph used as a heading: deeper than any real one


class ImportError_(Exception):  # noqa: N801  (ImportError is Python's own)
    """The file cannot be imported: the message names the file and says why; the CLI exits 2."""


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    text: str


@dataclass
class Items:
    """A bulleted or numbered list (numbering is dropped: the content model has bulleted lists)."""

    items: list[str]


@dataclass
class Table:
    rows: list[list[str]]


@dataclass
class Image:
    """A picture in the document: its bytes and type when we can extract it, else why not."""

    data: bytes = b""
    ext: str = ""
    problem: str = ""
    alt: str = ""  # the document's own description of the picture, when it has one
    figure: dict[str, Any] | None = field(default=None, repr=False)  # the figure block the mapping placed it as


Block = Heading | Para | Items | Table | Image


@dataclass
class Document:
    """What the reader found: a title (from the document's properties or first title/heading) and blocks."""

    title: str = ""
    blocks: list[Block] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # what was left out on purpose (scripts, styles), for the notes


def clean(text: str) -> str:
    """One line of plain text: soft line breaks, tabs and non-breaking spaces become single spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


_BULLET = re.compile(r"^(?:[•·▪●◦‣∙*]|[-–—](?=\s))\s*")


def image_type(data: bytes) -> str:
    return next((ext for magic, ext in IMAGE_TYPES.items() if data.startswith(magic)), "")


def picture(blob: bytes, alt: str, what: str) -> Image:
    """An extracted picture when ``blob`` is a PNG, JPEG or GIF within the figure limits; else why not.
    ``what`` names it in the message ("a picture of type image/x-emf")."""
    from leaflets.figures import MAX_FIGURE_BYTES, MAX_FIGURE_PIXELS, MIB

    ext = image_type(blob)
    if not ext:
        return Image(problem=f"{what}, which is not extracted (only PNG, JPEG and GIF are): save it as PNG and copy it "
                     "into the leaflet's folder by hand")
    if len(blob) > MAX_FIGURE_BYTES:
        return Image(problem=f"a {ext.upper()} picture of {len(blob) / MIB:.1f} MiB, over the "
                     f"{MAX_FIGURE_BYTES // MIB} MiB a figure may be: make it smaller and copy it in by hand")
    from PIL import Image as PILImage

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Pillow's DecompressionBombWarning: our own limit is below it
            with PILImage.open(io.BytesIO(blob)) as image:  # reads the header only: no pixel is decoded here
                width, height = image.size
    except PILImage.DecompressionBombError:  # a header claiming even more pixels than Pillow's own limit
        return Image(problem=f"a {ext.upper()} picture claiming more pixels than Pillow opens, over the "
                     f"{MAX_FIGURE_PIXELS:,} a figure may have: refused")
    except Exception as exc:  # noqa: BLE001  (Pillow raises many kinds on a damaged or hostile header)
        return Image(problem=f"a damaged {ext.upper()} picture that cannot be read ({type(exc).__name__})")
    if width * height > MAX_FIGURE_PIXELS:
        return Image(problem=f"a {ext.upper()} picture of {width:,} × {height:,} pixels, over the "
                     f"{MAX_FIGURE_PIXELS:,} a figure may have: make it smaller and copy it in by hand")
    return Image(blob, ext, alt=clean(alt))


def read(path: Path) -> Document:
    """The blocks of a .docx or .html file; raises ImportError_ when the file must be refused."""
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".html", ".htm"):
        hint = " (an old Word .doc file: open it in Word and save it as .docx)" if suffix == ".doc" else ""
        raise ImportError_(f"{path}: leaflets import reads .docx and .html files, not \"{suffix or path.name}\"{hint}")
    data = _read_bytes(path)
    return read_docx(path, data) if suffix == ".docx" else read_html(path, data)


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportError_(f"{path}: not a file")
        if size > MAX_FILE_BYTES:
            raise ImportError_(f"{path}: the file is {size / 2**20:.1f} MiB, more than the "
                               f"{MAX_FILE_BYTES // 2**20} MiB an import reads")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    except FileNotFoundError as exc:
        raise ImportError_(f"{path}: no such file") from exc
    except OSError as exc:
        raise ImportError_(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ImportError_(f"{path}: the file is more than the {MAX_FILE_BYTES // 2**20} MiB an import reads")
    return data


# --- Word ---------------------------------------------------------------------------------------------------------

def check_zip(path: Path, data: bytes) -> None:
    """Refuse what is not a zip, a zip bomb, an encrypted zip, or XML with a DTD, before python-docx opens it."""
    not_word = f"{path}: not a Word .docx file"
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ImportError_(f"{not_word} (it is not a zip archive, as every .docx is): open it in Word and save it "
                           "as a .docx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_MEMBERS:
                raise ImportError_(f"{not_word}: it holds {len(members):,} files, more than the {MAX_MEMBERS:,} "
                                   "an import reads")
            total = sum(member.file_size for member in members)
            if total > MAX_UNPACKED_BYTES:
                raise ImportError_(f"{path}: it would unpack to {total / 2**20:,.0f} MiB, more than the "
                                   f"{MAX_UNPACKED_BYTES // 2**20} MiB an import reads (a zip bomb?): refused")
            if any(member.flag_bits & 0x1 for member in members):
                raise ImportError_(f"{path}: the document is encrypted (password-protected): save a copy without "
                                   "a password and import that")
            if "[Content_Types].xml" not in archive.namelist():
                raise ImportError_(f"{not_word}: it is a zip archive but has no [Content_Types].xml, so it is not a "
                                   "Word document")
            for member in members:
                if member.filename.lower().endswith((".xml", ".rels")) and _has_dtd(archive, member):
                    raise ImportError_(f"{path}: {member.filename} declares a DTD (<!DOCTYPE ...>), which Word never "
                                       "writes and which can hide an entity bomb: refused")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, EOFError,
            ValueError, OSError) as exc:
        raise ImportError_(f"{not_word}: the zip archive is damaged ({exc})") from exc


def _has_dtd(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    with archive.open(member) as handle:
        head = handle.read(_XML_HEAD)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="replace")
    else:
        text = head.decode("latin-1")
    return "<!DOCTYPE" in text.upper() or "<!ENTITY" in text.upper()


def read_docx(path: Path, data: bytes) -> Document:
    check_zip(path, data)
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        word = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ImportError_(f"{path}: not a Word .docx file (python-docx could not open it: {exc})") from exc
    except Exception as exc:  # noqa: BLE001  (lxml and python-docx raise many kinds on a malformed document)
        raise ImportError_(f"{path}: the Word document is damaged and cannot be read "
                           f"({type(exc).__name__}: {exc})") from exc
    from docx.table import Table as WordTable

    try:
        out = Document()
        for item in word.iter_inner_content():
            if isinstance(item, WordTable):
                out.blocks.append(Table(_word_rows(item)))
            else:
                _word_paragraph(item, out)
    except Exception as exc:  # noqa: BLE001  (python-docx reads lazily: a broken part fails only when reached)
        raise ImportError_(f"{path}: the Word document is damaged and cannot be read "
                           f"({type(exc).__name__}: {exc})") from exc
    # the document's title property last: it is often left over from the template the file was made from
    out.title = out.title or clean(word.core_properties.title or "")
    return _merge_lists(out)


def _word_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:  # a merged cell is repeated once per grid column it spans
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(clean(cell.text))
        if any(cells):
            rows.append(cells)
    return rows


def _word_paragraph(paragraph, out: Document) -> None:
    for image in _word_images(paragraph):
        out.blocks.append(image)
    text = clean(paragraph.text)
    if not text:
        return
    style = paragraph.style.name if paragraph.style is not None else ""
    level = _heading_level(paragraph, style)
    if style == "Title" and not out.title:
        out.title = text
        return
    if level == 1 and not out.title and not any(isinstance(block, Heading) for block in out.blocks):
        out.title = text  # and kept as a heading: the mapping skips it when it is the first one
    if level:
        out.blocks.append(Heading(level, text))
    elif style.startswith("List") or paragraph._p.pPr is not None and paragraph._p.pPr.numPr is not None:
        out.blocks.append(Items([text]))
    elif _BULLET.match(text) and len(text) > 2:
        out.blocks.append(Items([_BULLET.sub("", text)]))
    elif _all_bold(paragraph) and len(text) <= 100 and not text.endswith((".", ",", ";", ":")):
        out.blocks.append(Heading(HEADING_FROM_BOLD, text))
    else:
        out.blocks.append(Para(text))


def _heading_level(paragraph, style: str) -> int:
    match = re.fullmatch(r"Heading ([1-9])", style)
    if match:
        return int(match[1])
    outline = paragraph._p.xpath("./w:pPr/w:outlineLvl/@w:val")
    return int(outline[0]) + 1 if outline and outline[0].isdigit() and int(outline[0]) < 9 else 0


def _all_bold(paragraph) -> bool:
    runs = [run for run in paragraph.runs if run.text.strip()]
    return bool(runs) and all(run.bold for run in runs)


def _word_images(paragraph) -> list[Image]:
    images = []
    part = paragraph.part
    for blip in paragraph._p.xpath(".//a:blip"):
        embed = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed")
        link = blip.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}link")
        if not embed:
            images.append(Image(problem="a linked picture (not inside the file): insert it into the document, or "
                                f"copy it into the leaflet's folder by hand{f' ({link})' if link else ''}"))
            continue
        target = part.related_parts.get(embed)
        blob = getattr(target, "blob", b"") if target is not None else b""
        kind = getattr(target, "content_type", "unknown type")
        # the picture's description (Word: right-click, "View Alt Text"), else its title
        described = blip.xpath("ancestor::wp:inline[1]/wp:docPr/@descr | ancestor::wp:anchor[1]/wp:docPr/@descr")
        titled = blip.xpath("ancestor::wp:inline[1]/wp:docPr/@title | ancestor::wp:anchor[1]/wp:docPr/@title")
        alt = str(described[0]) if described and str(described[0]).strip() else str(titled[0]) if titled else ""
        images.append(picture(blob, alt, f"a picture of type {kind}"))
    return images


def _merge_lists(doc: Document) -> Document:
    """Consecutive list paragraphs become one list."""
    merged: list[Block] = []
    for block in doc.blocks:
        if isinstance(block, Items) and merged and isinstance(merged[-1], Items):
            merged[-1].items.extend(block.items)
        else:
            merged.append(block)
    doc.blocks = merged
    return doc


# --- HTML ---------------------------------------------------------------------------------------------------------

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def read_html(path: Path, data: bytes) -> Document:
    text = _decode(path, data)
    parser = _LeafletHTML()
    parser.feed(text)
    parser.close()
    return _merge_lists(parser.finish())


def _decode(path: Path, data: bytes) -> str:
    """UTF-8, or the charset the page declares (Word's "Save as Web Page" writes windows-1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _CHARSET.search(data[:4096])
    encoding = declared[1].decode("ascii") if declared else "windows-1252"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError) as exc:
        raise ImportError_(f"{path}: the page is not UTF-8 and not {encoding} either: save it as UTF-8") from exc


_DATA_URI = re.compile(r"data:([a-z0-9.+/-]*)(?:;[a-z0-9=._-]+)*;base64,", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "body", "html",
               "ul", "ol", "table", "figure", "figcaption", "dl", "dt", "dd", "pre", "address", "form", "hr"}
_SKIP_TAGS = {"script", "style", "template", "noscript", "svg", "math", "iframe", "object", "nav"}


class _LeafletHTML(HTMLParser):
    """Headings, paragraphs, lists and tables of an HTML page as blocks; scripts, styles and the head dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Document()
        self.text: list[str] = []
        self.skip = 0  # depth inside script/style/...
        self.in_title = False
        self.in_head = False  # apart from the skip depth: </head> may be left out, and <body> ends the head anyway
        self.page_title: list[str] = []
        self.heading = 0
        self.list_depth = 0
        self.item: list[str] | None = None
        self.items: list[str] = []
        self.rows: list[list[str]] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        self.in_head = tag == "head" or (self.in_head and tag != "body")
        if tag in _SKIP_TAGS:
            self.doc.dropped.append(f"<{tag}>")
            self.skip += 1
            return
        if self.skip or self.in_head:
            return
        if tag == "br":
            self._add(" ")
        elif tag == "img":
            self._image(dict(attrs))
        elif re.fullmatch(r"h[1-6]", tag):
            self._flush()
            self.heading = int(tag[1])
        elif tag in ("ul", "ol"):
            if self.item is not None:  # a nested list: its items join the outer list
                self._end_item()
            else:
                self._flush()
            self.list_depth += 1
        elif tag == "li":
            self._end_item()
            self.item = []
        elif tag == "table":
            self._flush()
            self.rows = []
        elif tag == "tr" and self.rows is not None:
            self.rows.append([])
        elif tag in ("td", "th") and self.rows is not None:
            self.cell = []
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if tag == "head":
            self.in_head = False
        if tag in _SKIP_TAGS:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip or self.in_head:
            return
        if re.fullmatch(r"h[1-6]", tag) and self.heading:
            text = clean("".join(self.text))
            self.text = []
            if text:
                self.doc.blocks.append(Heading(self.heading, text))
                if self.heading == 1 and not self.doc.title:
                    self.doc.title = text
            self.heading = 0
        elif tag == "li":
            self._end_item()
        elif tag in ("ul", "ol"):
            self._end_item()
            self.list_depth = max(0, self.list_depth - 1)
            if not self.list_depth and self.items:
                self.doc.blocks.append(Items(self.items))
                self.items = []
        elif tag in ("td", "th") and self.rows is not None and self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(clean("".join(self.cell)))
            self.cell = None
        elif tag == "table" and self.rows is not None:
            rows = [row for row in self.rows if any(row)]
            if rows:
                self.doc.blocks.append(Table(rows))
            self.rows = None
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title.append(data)
        elif not self.skip and not self.in_head:
            self._add(data)

    def _add(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif self.item is not None:
            self.item.append(data)
        else:
            self.text.append(data)

    def _image(self, attrs: dict[str, str | None]) -> None:
        src = (attrs.get("src") or "").strip()
        shown = src if len(src) <= 120 else src[:117] + "..."
        self._flush()
        inline = _DATA_URI.match(src)
        if inline:  # a picture inside the page itself: decoded, never fetched
            try:
                blob = base64.b64decode("".join(src[inline.end():].split()), validate=True)
            except (binascii.Error, ValueError):
                self.doc.blocks.append(Image(problem=f"a data: picture whose base64 is damaged (\"{shown}\")"))
                return
            self.doc.blocks.append(picture(blob, attrs.get("alt") or "", f"a data: picture of type {inline[1]}"))
            return
        self.doc.blocks.append(Image(problem=f"a picture at \"{shown}\", not imported (an import never fetches a "
                                     "file a page points to): copy it into the leaflet's folder by hand"))

    def _end_item(self) -> None:
        if self.item is not None:
            text = clean("".join(self.item))
            if text:
                self.items.append(text)
            self.item = None

    def _flush(self) -> None:
        if self.heading or self.item is not None or self.cell is not None:
            return  # block tags inside a heading, list item or cell do not split it
        text = clean("".join(self.text))
        self.text = []
        if text:
            self.doc.blocks.append(Items([_BULLET.sub("", text)]) if _BULLET.match(text) and len(text) > 2
                                   else Para(text))

    def finish(self) -> Document:
        self._end_item()
        if self.items:
            self.doc.blocks.append(Items(self.items))
        self._flush()
        if not self.doc.title:
            self.doc.title = clean("".join(self.page_title))
        return self.doc
