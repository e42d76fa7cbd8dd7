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

Reading a catalogue with Babel costs ~50 ms the first time in a process (Babel's message modules, and
the ``email`` package it parses the header with), which `leaflets validate` would pay in every worker
that checks a leaflet in another language than English. So ``locale/_catalogues.json`` keeps what
:func:`read_catalogue` and :func:`read_messages` made of each file, with the file's SHA-256
(``python scripts/compile_data.py`` writes it; a test fails when it is stale). A file is read from the
copy only while it still has those very bytes: an edited catalogue is read with Babel again, never
served stale, just slower until the copy is written again.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leaflets import readahead

if TYPE_CHECKING:
    from markupsafe import Markup

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
CATALOGUES_COPY = "_catalogues.json"  # in LOCALE_DIR: every catalogue as read (scripts/compile_data.py writes it)
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
    path = catalogue_path(language)
    if not path.is_file():
        return None
    copied = _copied(path)
    return dict(copied) if isinstance(copied, dict) else read_catalogue(path)


def read_catalogue(path: Path) -> dict[str, str]:
    """The .po file at ``path`` read with Babel: msgid → msgstr, fuzzy and empty entries left out."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        read = read_po(handle, locale=None, domain=DOMAIN)
    return {str(m.id): str(m.string) for m in read if m.id and isinstance(m.id, str) and isinstance(m.string, str)
            and m.string and not m.fuzzy}


@functools.cache
def messages() -> tuple[str, ...]:
    """Every message the templates and code use, as the template (.pot) lists them."""
    path = LOCALE_DIR / f"{DOMAIN}.pot"
    copied = _copied(path)
    return tuple(copied) if isinstance(copied, list) else read_messages(path)


def read_messages(path: Path) -> tuple[str, ...]:
    """The message ids of the template (.pot) at ``path``, read with Babel, sorted."""
    from babel.messages.pofile import read_po

    with path.open("rb") as handle:
        return tuple(sorted(str(m.id) for m in read_po(handle) if m.id and isinstance(m.id, str)))


def _copied(path: Path) -> Any:
    """What was read from ``path`` (a file in LOCALE_DIR) when the copy was made, if the file still has the
    bytes it had then (the same bytes give the same reading); else None, and the file is read again."""
    if not path.is_relative_to(LOCALE_DIR):
        return None
    fresh, read = readahead.reading(_catalogues_copy(LOCALE_DIR).get(path.relative_to(LOCALE_DIR).as_posix()),
                                    path.read_bytes())
    return read if fresh else None


@functools.cache
def _catalogues_copy(folder: Path) -> dict[str, Any]:
    """{file's path in ``folder``: {"sha256": its hash, "data": what was read from it}}, or {} when the copy
    is missing or cannot be read (every file is then read with Babel)."""
    return readahead.entries(folder / CATALOGUES_COPY, "files")


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
        from markupsafe import Markup, escape  # here, not on import: the rules import this module for LM009

        found = self._lookup(message)
        if found is not None:
            return Markup(escape(found)) % values if values else Markup(escape(found))
        own = {k: Markup('<span lang="{}">{}</span>').format(self.language, v) for k, v in values.items()}
        words = Markup(escape(message)) % own if values else Markup(escape(message))
        return Markup('<span lang="{}">{}</span>').format(SOURCE_LANGUAGE, words)


def interface(language: str) -> Interface:
    return Interface(str(language))
