"""What every `leaflets validate` process pays once, made smaller without changing a finding.

The word lists are read from a generated JSON copy (leaflets/rules/data/_parsed.json, written by
scripts/compile_data.py) instead of being parsed from TOML, but only while a list's TOML text is the
one the copy was made from: an edited list is parsed as it now is, never served stale. Babel is
imported by leaflets.wording only when a date or a count is put into words (the rules need neither),
and a few expressions that only unusual text reaches are compiled when first needed, not on import.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

from leaflets.rules import claims, data, hygiene, numbers, provenance

# tomllib.loads as it is, for the tests' own reading of a list: the fixture below counts the calls data.load
# makes (it patches the one tomllib module)
_toml = tomllib.loads
LISTS = sorted(path.stem for path in (ROOT / "leaflets" / "rules" / "data").glob("*.toml"))


def _compile_script() -> Any:
    spec = importlib.util.spec_from_file_location("compile_data", ROOT / "scripts" / "compile_data.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def fresh_load(monkeypatch):
    """``data.load`` with its caches emptied before and after, and a count of the TOML files parsed."""
    parsed: list[str] = []

    def counting(text: str) -> dict[str, Any]:
        parsed.append(text)
        return _toml(text)

    monkeypatch.setattr(data.tomllib, "loads", counting)
    data.load.cache_clear()
    data._parsed_copy.cache_clear()
    yield parsed
    data.load.cache_clear()
    data._parsed_copy.cache_clear()


def _data_folder(tmp_path: Path) -> Path:
    """A copy of the shipped lists and their parsed copy, to edit."""
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "leaflets" / "rules" / "data", folder)
    return folder


# --- the parsed copy of the word lists -----------------------------------------------------------------

def test_the_parsed_copy_is_what_the_lists_parse_to():
    done = subprocess.run([sys.executable, "scripts/compile_data.py", "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_the_check_fails_when_a_list_changes(tmp_path):
    """The comparison above can fail: one changed list gives another copy."""
    compiler = _compile_script()
    folder = _data_folder(tmp_path)
    current = (folder / data.PARSED_COPY).read_text(encoding="utf-8")
    assert compiler.generated_text(folder) == current
    with (folder / "spelling.toml").open("a", encoding="utf-8") as handle:
        handle.write('\n[more]\nword = "colour"\n')
    assert compiler.generated_text(folder) != current


def test_every_list_is_served_from_the_copy_unparsed(fresh_load):
    for name in LISTS:
        path = ROOT / "leaflets" / "rules" / "data" / f"{name}.toml"
        assert data.load(name) == _toml(path.read_text(encoding="utf-8")), name
    assert fresh_load == []  # no TOML was parsed


def test_the_copy_keeps_every_value_and_its_type(fresh_load):
    """json gives back what tomllib gave: the same types (an int stays an int, 1.0 a float) and key order."""
    def shape(value: Any) -> Any:
        if isinstance(value, dict):
            return [(key, shape(item)) for key, item in value.items()]
        if isinstance(value, list):
            return [shape(item) for item in value]
        return type(value).__name__, value

    for name in LISTS:
        parsed = _toml((ROOT / "leaflets" / "rules" / "data" / f"{name}.toml").read_text(encoding="utf-8"))
        assert shape(data.load(name)) == shape(parsed), name


def test_an_edited_list_is_parsed_never_served_stale(tmp_path, monkeypatch, fresh_load):
    folder = _data_folder(tmp_path)
    text = (folder / "claims.toml").read_text(encoding="utf-8")
    (folder / "claims.toml").write_text(text + '\n[[absolute]]\nphrase = "cannot fail"\nadvice = "Say how often."\n',
                                        encoding="utf-8")
    monkeypatch.setattr(data, "DATA", folder)
    assert data.load("claims")["absolute"][-1]["phrase"] == "cannot fail"
    assert len(fresh_load) == 1  # the edited list was parsed...
    assert data.load("spelling") == _toml((folder / "spelling.toml").read_text(encoding="utf-8"))
    assert len(fresh_load) == 1  # ...and the others still come from the copy


def test_a_one_character_edit_is_seen(tmp_path, monkeypatch, fresh_load):
    """The smallest edit (one letter of one word) changes the hash."""
    folder = _data_folder(tmp_path)
    text = (folder / "spelling.toml").read_text(encoding="utf-8")
    before = data.load("spelling")
    assert "color" in text
    (folder / "spelling.toml").write_text(text.replace("color", "colr", 1), encoding="utf-8")
    data.load.cache_clear()
    monkeypatch.setattr(data, "DATA", folder)
    after = data.load("spelling")
    assert after != before and fresh_load


def test_other_line_endings_still_use_the_copy(tmp_path, monkeypatch, fresh_load):
    """The hash is of the text as Python reads it (any line ending read as "\\n"), which is what tomllib is
    given: a checkout with CRLF line endings parses to the same lists, so the copy stands for them."""
    folder = _data_folder(tmp_path)
    raw = (folder / "jargon.toml").read_bytes()
    assert b"\r\n" not in raw
    (folder / "jargon.toml").write_bytes(raw.replace(b"\n", b"\r\n"))
    monkeypatch.setattr(data, "DATA", folder)
    assert data.load("jargon") == _toml(raw.decode("utf-8"))
    assert fresh_load == []


@pytest.mark.parametrize("copy_text", [None, "", "not json", "[]", '{"lists": []}', '{"lists": {"claims": 7}}',
                                       '{"lists": {"claims": {"sha256": "0", "data": {}}}}'])
def test_a_missing_or_broken_copy_means_the_toml_is_parsed(tmp_path, monkeypatch, fresh_load, copy_text):
    folder = _data_folder(tmp_path)
    if copy_text is None:
        (folder / data.PARSED_COPY).unlink()
    else:
        (folder / data.PARSED_COPY).write_text(copy_text, encoding="utf-8")
    monkeypatch.setattr(data, "DATA", folder)
    assert data.load("claims") == _toml((folder / "claims.toml").read_text(encoding="utf-8"))
    assert len(fresh_load) == 1


def test_a_broken_list_is_still_reported_with_its_file(tmp_path, monkeypatch, fresh_load):
    folder = _data_folder(tmp_path)
    (folder / "claims.toml").write_text("[[absolute]\nphrase = 1\n", encoding="utf-8")
    monkeypatch.setattr(data, "DATA", folder)
    with pytest.raises(data.DataError, match="claims.toml"):
        data.load("claims")
    with pytest.raises(data.DataError, match="nothing.toml"):
        data.load("nothing")


@pytest.mark.parametrize("toml, problem", [
    ("reviewed = 2026-01-01\n", "date"),
    ("[[entry]]\nat = 07:30:00\n", "time"),
    ("limit = nan\n", "nan"),
    ("limit = inf\n", "inf"),
])
def test_the_script_refuses_a_value_json_would_change(tmp_path, toml, problem):
    compiler = _compile_script()
    (tmp_path / "odd.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(compiler.NotCopyable, match=problem):
        compiler.generated_text(tmp_path)


def test_the_copy_is_installed_with_the_lists():
    package_data = _toml((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["leaflets.rules"]
    copy = data.DATA / data.PARSED_COPY  # leaflets/rules/data/_parsed.json; globs are relative to leaflets/rules
    assert any(copy.relative_to(data.DATA.parent).match(glob) for glob in package_data)
    assert json.loads(copy.read_text(encoding="utf-8"))["lists"].keys() == set(LISTS)


# --- the read copy of the interface catalogues ----------------------------------------------------------

@pytest.fixture
def fresh_i18n(monkeypatch):
    """leaflets.i18n with its caches emptied before and after, and a list of the files Babel reads."""
    from leaflets import i18n

    read: list[str] = []
    real_catalogue, real_messages = i18n.read_catalogue, i18n.read_messages
    monkeypatch.setattr(i18n, "read_catalogue", lambda path: read.append(path.name) or real_catalogue(path))
    monkeypatch.setattr(i18n, "read_messages", lambda path: read.append(path.name) or real_messages(path))
    caches = (i18n.catalogue, i18n.messages, i18n._catalogues_copy)
    for cache in caches:
        cache.cache_clear()
    yield i18n, read
    for cache in caches:
        cache.cache_clear()


def test_every_catalogue_is_served_from_the_copy_as_babel_reads_it(fresh_i18n):
    i18n, read = fresh_i18n
    languages = sorted(p.parent.parent.name for p in i18n.LOCALE_DIR.glob("*/LC_MESSAGES/leaflets.po"))
    assert "cy" in languages
    copied = {language: i18n.catalogue(language) for language in languages}
    assert i18n.messages() and read == []  # nothing read with Babel
    for language in languages:
        assert copied[language] == i18n.read_catalogue(i18n.catalogue_path(language)), language
    assert i18n.messages() == i18n.read_messages(i18n.LOCALE_DIR / "leaflets.pot")
    assert i18n.catalogue("fr") is None  # no catalogue: none in the copy either


def _locale_folder(tmp_path: Path, monkeypatch, i18n: Any) -> Path:
    folder = tmp_path / "locale"
    shutil.copytree(i18n.LOCALE_DIR, folder)
    monkeypatch.setattr(i18n, "LOCALE_DIR", folder)
    return folder


def test_an_edited_catalogue_is_read_again_never_served_stale(tmp_path, monkeypatch, fresh_i18n):
    """One byte changed in the Welsh catalogue (a translation emptied) sends it to Babel; the others still
    come from the copy."""
    i18n, read = fresh_i18n
    folder = _locale_folder(tmp_path, monkeypatch, i18n)
    welsh = folder / "cy" / "LC_MESSAGES" / "leaflets.po"
    before = i18n.read_catalogue(welsh)
    read.clear()
    text = welsh.read_text(encoding="utf-8")
    assert 'msgid "Risks"\nmsgstr "Risgiau"\n' in text
    welsh.write_text(text.replace('msgid "Risks"\nmsgstr "Risgiau"\n', 'msgid "Risks"\nmsgstr ""\n'), encoding="utf-8")
    after = i18n.catalogue("cy")
    assert read == ["leaflets.po"] and "Risks" in before and "Risks" not in after
    assert "Risks" in i18n.missing("cy")
    assert i18n.catalogue("en") and i18n.messages() and read == ["leaflets.po"]


def test_a_new_message_in_the_template_is_seen(tmp_path, monkeypatch, fresh_i18n):
    i18n, read = fresh_i18n
    folder = _locale_folder(tmp_path, monkeypatch, i18n)
    with (folder / "leaflets.pot").open("a", encoding="utf-8") as handle:
        handle.write('\nmsgid "A message new to the template"\nmsgstr ""\n')
    assert "A message new to the template" in i18n.messages() and read == ["leaflets.pot"]
    assert "A message new to the template" in i18n.missing("cy")


@pytest.mark.parametrize("copy_text", [None, "{", '{"files": 1}', '{"files": {"leaflets.pot": {"sha256": "x"}}}'])
def test_a_missing_or_broken_catalogue_copy_means_babel_reads(tmp_path, monkeypatch, fresh_i18n, copy_text):
    i18n, read = fresh_i18n
    folder = _locale_folder(tmp_path, monkeypatch, i18n)
    if copy_text is None:
        (folder / i18n.CATALOGUES_COPY).unlink()
    else:
        (folder / i18n.CATALOGUES_COPY).write_text(copy_text, encoding="utf-8")
    assert i18n.messages() == i18n.read_messages(folder / "leaflets.pot")
    assert read[0] == "leaflets.pot"


def test_the_catalogue_copy_is_installed():
    from leaflets import i18n

    package_data = _toml((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"]["leaflets"]
    copy = i18n.LOCALE_DIR / i18n.CATALOGUES_COPY
    assert any(copy.relative_to(ROOT / "leaflets").match(glob) for glob in package_data)


def test_checking_a_welsh_leaflet_imports_no_babel():
    code = ("import sys\n"
            "from pathlib import Path\n"
            "from leaflets import content\n"
            "from leaflets.config import Config\n"
            "import leaflets.rules as R\n"
            "path = Path('content/spinal-fusion/cy.json')\n"
            "doc = content.parse(content.Document(path=path, display=str(path)), path.read_bytes())\n"
            "found = R.run(doc, Config())\n"
            "print(sorted(m for m in ('babel', 'babel.messages', 'email.parser') if m in sys.modules))\n"
            "print(sorted({f.code for f in found} & {'LM009'}))\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "[]"]  # complete Welsh catalogue: LM009 is quiet


# --- what is left for later ----------------------------------------------------------------------------

def test_the_rules_import_no_babel_and_compile_rare_expressions_late():
    code = ("import sys\n"
            "import leaflets.rules as R\n"
            "R.all_rules()\n"
            "from leaflets.rules import claims, hygiene, numbers, provenance\n"
            "print(sorted(m for m in ('babel', 'leaflets.i18n') if m in sys.modules))\n"
            "print([f.cache_info().currsize for f in (claims._footnote, hygiene._abbreviated, hygiene._invisible,"
            " numbers._benefit, provenance._re)])\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == ["[]", "[0, 0, 0, 0, 0]"]


def test_wording_still_puts_numbers_and_dates_into_words():
    import datetime as dt

    from leaflets import wording

    assert wording.date_in_words(dt.date(2026, 11, 23)) == "23 November 2026"
    assert wording.format_count(1000) == "1,000"
    assert wording.people(0.1) == "1 in 1,000"
    assert wording.locale_for("xx-nowhere").language == "en"


def test_the_late_expressions_find_what_they_found():
    assert [m["mark"] for m in claims._footnote().finditer("No lengthy recovery^ and a quick return* (+)")] == \
        ["^", "*"]
    assert hygiene._abbreviated().search("see e.g") and hygiene._abbreviated().search("and so on, ETC")
    assert not hygiene._abbreviated().search("go away")
    assert [m.group() for m in hygiene._invisible().finditer("a\u200bb\nc\u202ed\te")] == ["\u200b", "\u202e", "\t"]
    assert numbers._benefit().search("The operation STOPS the infections in 95 in 100 people")
    assert not numbers._benefit().search("Infections happen in 1 in 100 people")
    assert provenance.stated_figures("Less than one in twenty, and 5-10 per cent; 1,000 in 10,000") == [
        provenance.Stated(5.0, False, ""), provenance.Stated(10.0, False, ""),
        provenance.Stated(5.0, True, "upper"), provenance.Stated(10.0, True, "")]
