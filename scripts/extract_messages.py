"""Extract the interface text (leaflets.i18n) into leaflets/locale/leaflets.pot and bring each catalogue up to date.

    python scripts/extract_messages.py           # write the .pot, en.po (msgstr = msgid), merge the other .po files
    python scripts/extract_messages.py --check   # exit 1 when any of those files is not what the sources give

Messages are found by Babel's extractors: Jinja2's (``_("…")`` and ``gettext("…")`` in the templates,
.css included) and Python's (``N_("…")`` in leaflets/). A merged catalogue keeps its translations; a
message new to it arrives empty and an old one is dropped, so the completeness test (tests/test_i18n.py)
then names what a translator must do.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "leaflets" / "locale"
METHODS = [("leaflets/templates/**.html", "jinja2"), ("leaflets/templates/**.css", "jinja2"),
           ("leaflets/**.py", "python")]
OPTIONS = {"leaflets/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"},
           "leaflets/templates/**.css": {"trim_blocks": "true", "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "gettext": None, "N_": None}


def template() -> Catalog:
    """Every message the sources use, with where each is used."""
    catalog = Catalog(project="leaflets", domain="leaflets", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
            ROOT, METHODS, OPTIONS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)):
        if ".venv" in Path(filename).parts:
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def serialised(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=100, omit_header=False, sort_output=True, no_location=True)
    return b"\n".join(line for line in out.getvalue().split(b"\n")
                      if not line.startswith((b'"POT-Creation-Date', b'"PO-Revision-Date')))


def merged(language: str, pot: Catalog, path: Path) -> Catalog:
    """The catalogue of ``language`` with the template's messages: its translations kept (English: msgstr = msgid)."""
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain="leaflets")
        catalog.update(pot, no_fuzzy_matching=True)
        catalog.obsolete.clear()
    else:
        catalog = Catalog(locale=language, domain="leaflets", project="leaflets", charset="utf-8")
        catalog.update(pot, no_fuzzy_matching=True)
    if language == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
    return catalog


def outputs() -> dict[Path, bytes]:
    """Every file the sources give: the template and each catalogue."""
    pot = template()
    files = {LOCALE / "leaflets.pot": serialised(pot)}
    languages = {p.name for p in LOCALE.iterdir() if (p / "LC_MESSAGES").is_dir()} | {"en"}
    for language in sorted(languages):
        path = LOCALE / language / "LC_MESSAGES" / "leaflets.po"
        files[path] = serialised(merged(language, pot, path))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a file is not what the sources give")
    args = parser.parse_args()
    stale = []
    for path, data in outputs().items():
        if path.is_file() and path.read_bytes() == data:
            continue
        if args.check:
            stale.append(path.relative_to(ROOT))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            print(f"wrote {path.relative_to(ROOT)}")
    for path in stale:
        print(f"{path}: not what the sources give: run python scripts/extract_messages.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
