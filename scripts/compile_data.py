"""Read ahead of time, into JSON copies, the files every process that checks a leaflet reads at its start:

- the rules' word lists (leaflets/rules/data/*.toml) into leaflets/rules/data/_parsed.json, which
  ``leaflets.rules.data.load`` reads instead of parsing the TOML (tomllib takes ~30 ms for all the
  lists, json.loads ~1 ms);
- the interface catalogues (leaflets/locale/leaflets.pot and */LC_MESSAGES/leaflets.po) into
  leaflets/locale/_catalogues.json, which ``leaflets.i18n`` reads instead of Babel (~50 ms the first
  time in a process: rule LM009 reads them for every leaflet not in English).

    python scripts/compile_data.py           # write both copies
    python scripts/compile_data.py --check   # exit 1 when either is not what the files give

Each file is stored with its SHA-256 (a list's of its TOML text as Python reads it: UTF-8, any line
ending read as "\\n"; a catalogue's of its bytes, which Babel reads), and the copy is used only while that
hash is the one of the file on disk. So a writer who edits a list or a translator a catalogue is never
served the old words: the file is read as before (slower) until this script is run; a test runs it with
``--check``. A list value JSON cannot carry as it is (a TOML date or time, a NaN) stops the script
instead of being stored as something else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "leaflets" / "rules" / "data"
TARGET = DATA / "_parsed.json"  # the name leaflets.rules.data.PARSED_COPY gives it
LOCALE = ROOT / "leaflets" / "locale"
CATALOGUES_TARGET = LOCALE / "_catalogues.json"  # the name leaflets.i18n.CATALOGUES_COPY gives it


class NotCopyable(Exception):
    """A list is not valid TOML, or holds a value that would come back from JSON as something else."""


def text_hash(text: str) -> str:
    """The hash ``load`` compares: of the text tomllib is given, so the copy is exactly what it would make."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _check_copyable(value: Any, where: str) -> None:
    """JSON gives back dicts, lists, str, int, float and bool as they were; anything else is refused."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_copyable(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_copyable(item, f"{where}[{index}]")
    elif isinstance(value, float) and not math.isfinite(value):
        raise NotCopyable(f"{where}: {value!r} is not a number JSON keeps")
    elif not isinstance(value, (str, int, float, bool)):
        raise NotCopyable(f"{where}: a {type(value).__name__} ({value!r}) does not come back from JSON as itself")


def generated_text(folder: Path = DATA) -> str:
    """The copy's text: every list of ``folder``, in name order, with the hash of its TOML text."""
    lists: dict[str, Any] = {}
    for path in sorted(folder.glob("*.toml")):
        text = path.read_text(encoding="utf-8")
        try:
            parsed = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise NotCopyable(f"{path.name}: {exc}") from exc
        _check_copyable(parsed, path.name)
        lists[path.stem] = {"sha256": text_hash(text), "data": parsed}
    copy = {"generated": "by scripts/compile_data.py from leaflets/rules/data/*.toml: do not edit; run "
                         "`python scripts/compile_data.py` after changing a list (a test compares)",
            "lists": lists}
    return json.dumps(copy, ensure_ascii=False, indent=1) + "\n"


def catalogues_text(folder: Path = LOCALE) -> str:
    """The catalogues' copy: what leaflets.i18n reads from the template and from each catalogue (with the
    very functions it reads them with, so the copy is their reading), with the hash of each file's bytes."""
    sys.path.insert(0, str(ROOT))  # this tree's leaflets, not another installed one
    from leaflets.i18n import DOMAIN, read_catalogue, read_messages

    files: dict[str, Any] = {}
    template = folder / f"{DOMAIN}.pot"
    files[template.relative_to(folder).as_posix()] = {"sha256": bytes_hash(template.read_bytes()),
                                                      "data": list(read_messages(template))}
    for path in sorted(folder.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        files[path.relative_to(folder).as_posix()] = {"sha256": bytes_hash(path.read_bytes()),
                                                      "data": read_catalogue(path)}
    copy = {"generated": "by scripts/compile_data.py from leaflets/locale: do not edit; run "
                         "`python scripts/compile_data.py` after changing a catalogue (a test compares)",
            "files": files}
    return json.dumps(copy, ensure_ascii=False, indent=1) + "\n"


def bytes_hash(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare instead of writing; exit 1 when they differ")
    args = parser.parse_args(argv)
    try:
        texts = {TARGET: generated_text(), CATALOGUES_TARGET: catalogues_text()}
    except NotCopyable as exc:
        print(f"compile_data: {exc}", file=sys.stderr)
        return 2
    stale = 0
    for target, text in texts.items():
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current == text:
            continue
        if args.check:
            print(f"compile_data: {target.relative_to(ROOT)} is out of date: run python scripts/compile_data.py",
                  file=sys.stderr)
            stale = 1
        else:
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(ROOT)}")
    return stale


if __name__ == "__main__":
    sys.exit(main())
