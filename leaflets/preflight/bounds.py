"""Bounds on what preflight reads: a page's (and the file's) allowance of decoded content and
operators, and the decoded size of a stream learnt without decoding it all (PF008)."""

from __future__ import annotations

import base64
import binascii
import math
import zlib
from dataclasses import dataclass

from leaflets.preflight.codes import (
    MAX_CONTENT_BYTES,
    MAX_FILE_CONTENT_BYTES,
    MAX_FILE_OPERATORS,
    MAX_METADATA_BYTES,
    MAX_OPERATORS,
    TOO_COMPLEX,
    Raw,
)


class TooComplex(Exception):
    """A page's content is past MAX_CONTENT_BYTES or MAX_OPERATORS; the message says which."""


@dataclass
class Budget:
    """What is left of one page's (or the file's) allowance, shared by the scanners of its forms,
    patterns and glyphs."""

    content_bytes: int = MAX_CONTENT_BYTES
    operators: int = MAX_OPERATORS


# The most each filter can expand its input. Flate alone (nearly every stream) is measured instead.
_TEXT_FILTERS = {"/ASCII85Decode": lambda raw: base64.a85decode(raw, adobe=True),
                 "/ASCIIHexDecode": lambda raw: binascii.unhexlify(_even(b"".join(raw.split()).rstrip(b">")))}
_EXPANSION = {"/ASCIIHexDecode": 1, "/ASCII85Decode": 1, "/RunLengthDecode": 128, "/FlateDecode": 1032,
              "/LZWDecode": 4096}


def decoded_size(stream, limit: int) -> int:
    """The size of ``stream`` once decoded, learnt without decoding more than ``limit`` bytes (qpdf's
    read_bytes() would decode it all, a gigabyte from a megabyte). Over ``limit`` means "too large"."""
    import pikepdf

    raw = stream.read_raw_bytes()
    filters = stream.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [str(filters)] if filters else []
    while names and names[0] in _TEXT_FILTERS:  # ASCII85 or hex around Flate, as older exporters wrote
        try:
            raw, names = _TEXT_FILTERS[names[0]](raw.strip()), names[1:]  # these only ever shorten
        except ValueError:  # binascii.Error too
            break
    if not names:
        return len(raw)
    if names == ["/FlateDecode"]:  # a predictor in /DecodeParms only ever shortens the inflated data
        return _inflated_size(raw, limit)
    return len(raw) * math.prod(_EXPANSION.get(name, 1032) for name in names)  # bounded, or refused


def _even(hex_digits: bytes) -> bytes:
    return hex_digits + b"0" if len(hex_digits) % 2 else hex_digits  # a last odd digit is followed by 0


def _inflated_size(raw: bytes, limit: int) -> int:
    """Inflate a megabyte at a time, keeping none of it, and stop once past ``limit``."""
    inflater, size, data = zlib.decompressobj(), 0, raw
    try:
        while data and size <= limit:
            size += len(inflater.decompress(data, 1024 * 1024))
            data = inflater.unconsumed_tail
    except zlib.error:
        pass  # damaged: qpdf keeps what inflated before the fault, as counted
    return size


def metadata_bounded(meta) -> bool:
    import pikepdf

    return not isinstance(meta, pikepdf.Stream) or decoded_size(meta, MAX_METADATA_BYTES) <= MAX_METADATA_BYTES


def within(page: Budget, whole: Budget) -> None:
    """Raise TooComplex if the page or the file has overspent its allowance."""
    if page.content_bytes < 0:
        raise TooComplex(f"its content decodes to over {MAX_CONTENT_BYTES // 1024 ** 2} MB (a leaflet page has "
                          "some 25 kB)")
    if page.operators < 0:
        raise TooComplex(f"it draws over {MAX_OPERATORS:,} operators, counting each use of a form (a leaflet "
                          "page has about a thousand)")
    if whole.content_bytes < 0:
        raise TooComplex(f"the pages up to here decode to over {MAX_FILE_CONTENT_BYTES // 1024 ** 2} MB of content")
    if whole.operators < 0:
        raise TooComplex(f"the pages up to here draw over {MAX_FILE_OPERATORS:,} operators")


def too_complex(number: int, why: str) -> Raw:
    return Raw(TOO_COMPLEX, number, "content", f"the page is too complex to check: {why}; the rest "
               "of its content was not checked")
