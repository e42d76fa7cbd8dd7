"""The words the templates add around a leaflet's own text, in the leaflet's language.

Headings, table headers, the approval band, the footer, "Page 1 of 8", the QR code's text: every
such string is a gettext message (``_("Risks")`` in the templates, ``N_("…")`` for Python
constants), extracted by ``scripts/extract_messages.py`` into ``leaflets/locale/leaflets.pot`` and
translated in ``leaflets/locale/<language>/LC_MESSAGES/leaflets.po``, the convention of the Python
ecosystem (Babel, Jinja2's i18n). The ``.po`` files are read with Babel when first needed, so no
compiled ``.mo`` file is kept in git or can drift from its source.

A message the leaflet's language has no translation for is shown in English, wrapped in
``<span lang="en">`` so a screen reader switches voice; the leaflet's own words inside such a
message (a date, a version) are wrapped back in the leaflet's language. Rule LI001 says which
messages a language lacks, so the fallback is never silent.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "leaflets"
SOURCE_LANGUAGE = "en"


def N_(message: str) -> str:  # noqa: N802 (the gettext convention extractors look for)
    """Marks a Python constant as a message for extraction; it is translated where it is shown."""
    return message


def base_language(language: str) -> str:
    """The catalogue a BCP 47 tag uses: "en-GB" → "en", "cy" → "cy"."""
    return str(language).split("-")[0].split("_")[0].lower()


def catalogue_path(language: str) -> Path:
    return LOCALE_DIR / base_language(language) / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def catalogue(language: str) -> dict[str, str] | None:
    """msgid → msgstr of a language's catalogue (fuzzy and empty entries left out), or None if it has none."""
    from babel.messages.pofile import read_po

    path = catalogue_path(language)
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        read = read_po(handle, locale=None, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in read if m.id and isinstance(m.id, str) and isinstance(m.string, str)
            and m.string and not m.fuzzy}


@functools.cache
def messages() -> tuple[str, ...]:
    """Every message the templates and code use, as the template (.pot) lists them."""
    from babel.messages.pofile import read_po

    with (LOCALE_DIR / f"{DOMAIN}.pot").open("rb") as handle:
        return tuple(sorted(str(m.id) for m in read_po(handle) if m.id and isinstance(m.id, str)))


def missing(language: str) -> tuple[str, ...]:
    """The messages a language has no translation for (all of them if it has no catalogue)."""
    if base_language(language) == SOURCE_LANGUAGE:
        return ()
    have = catalogue(base_language(language)) or {}
    return tuple(m for m in messages() if m not in have)


@dataclass(frozen=True)
class Interface:
    """The interface text of one leaflet: ``_`` for HTML (marks English fallbacks with ``lang``),
    ``text`` for attributes, ``<title>`` and CSS strings (plain words, no markup)."""

    language: str

    def _lookup(self, message: str) -> str | None:
        if base_language(self.language) == SOURCE_LANGUAGE:
            return (catalogue(SOURCE_LANGUAGE) or {}).get(message, message)
        return (catalogue(base_language(self.language)) or {}).get(message)

    @property
    def complete(self) -> bool:
        """Whether every message has a translation: if not, words built in Python (a risk's frequency)
        may be English too, and the templates mark them so."""
        return not missing(self.language)

    def characters(self) -> str:
        """Every character the translations of this language use (a PDF's typeface must have them)."""
        return "".join((catalogue(base_language(self.language)) or {}).values())

    def text(self, message: str, **values: Any) -> str:
        found = self._lookup(message)
        words = message if found is None else found
        return words % {k: str(v) for k, v in values.items()} if values else words

    def __call__(self, message: str, **values: Any) -> Markup:
        found = self._lookup(message)
        if found is not None:
            return Markup(escape(found)) % values if values else Markup(escape(found))
        own = {k: Markup('<span lang="{}">{}</span>').format(self.language, v) for k, v in values.items()}
        words = Markup(escape(message)) % own if values else Markup(escape(message))
        return Markup('<span lang="{}">{}</span>').format(SOURCE_LANGUAGE, words)


def interface(language: str) -> Interface:
    return Interface(str(language))
