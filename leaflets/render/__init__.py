"""Rendering: HTML pages (html), PDFs (pdf), their structure tree, marks, plain text, icon arrays."""

from __future__ import annotations

import base64


def data_uri(data: bytes | str, mime: str) -> str:
    """``data`` as a ``data:`` URL, the one way pages embed what they show (logo, QR code, figures, icon
    arrays): nothing is fetched while rendering."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return f"data:{mime};base64,{base64.b64encode(raw).decode('ascii')}"
