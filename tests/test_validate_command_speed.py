"""The shortcuts around the rules in `leaflets validate`: each gives the same answers as the plain code it
replaced (copied here as the reference), at the edges where a shortcut could skip or keep too much.

* Config.enabled remembers its answers (select and ignore per code; the per-file ignores of the last path);
* Finding.to_dict builds what dataclasses.asdict gave, without asdict;
* the modules the rules import while checking (leaflets.further, leaflets.slots) no longer import the
  model and the brand reader, which `validate` does not use.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

from leaflets.config import Config
from leaflets.findings import Finding, Severity
from leaflets.rules import configurable_codes

CODES = configurable_codes()


def reference_enabled(config: Config, code: str, path: str | os.PathLike[str] = "") -> bool:
    """Config.enabled as it was before its answers were remembered."""

    def matches(code: str, selector: str) -> bool:
        return selector == "ALL" or code.startswith(selector)

    if not any(matches(code, s) for s in config.select) or any(matches(code, i) for i in config.ignore):
        return False
    if path and config.per_file_ignores:
        try:
            relative = Path(os.path.relpath(Path(path).resolve(), config.root.resolve())).as_posix()
        except ValueError:
            relative = Path(path).as_posix()
        for pattern, codes in config.per_file_ignores.items():
            if fnmatch.fnmatchcase(relative, pattern) and any(matches(code, c) for c in codes):
                return False
    return True


def answers(config: Config, path: str | os.PathLike[str] = "") -> list[bool]:
    return [config.enabled(code, path) for code in CODES]


def expected(config: Config, path: str | os.PathLike[str] = "") -> list[bool]:
    return [reference_enabled(config, code, path) for code in CODES]


@pytest.mark.parametrize("select,ignore", [
    (["ALL"], []),
    (["ALL"], ["LM001"]),
    (["ALL"], ["LH"]),  # a family
    (["ALL"], ["LN0"]),  # a prefix inside a family
    (["LR", "LN"], []),
    (["LH004"], []),
    (["LH"], ["LH004"]),  # ignore wins over select
    ([], []),  # nothing selected: the schema-only run
    (["LR001", "ALL"], ["LX"]),
])
def test_enabled_with_select_and_ignore_answers_as_before(select, ignore):
    config = Config(select=list(select), ignore=list(ignore))
    first = answers(config)
    assert first == expected(config)
    assert answers(config) == first  # remembered: the same again


def test_enabled_starts_again_when_select_or_ignore_change_even_in_place():
    config = Config(ignore=["LM001"])
    assert answers(config) == expected(config)
    config.ignore.append("LH")  # in place: the remembered answers must not hide it
    assert answers(config) == expected(config) and not config.enabled("LH004")
    config.ignore = []
    config.select.clear()
    config.select.append("LR")
    assert answers(config) == expected(config) and config.enabled("LR001") and not config.enabled("LH004")
    config.select[0] = "LH"  # an element replaced: the same length
    assert answers(config) == expected(config) and config.enabled("LH004") and not config.enabled("LR001")


def test_per_file_ignores_answer_as_before_for_each_file(tmp_path):
    for folder in ("content/a", "content/b", "other"):
        (tmp_path / folder).mkdir(parents=True)
        for language in ("en", "cy"):
            (tmp_path / folder / f"{language}.json").write_text("{}")
    config = Config(root=tmp_path, ignore=["LM001"],
                    per_file_ignores={"content/*/cy.json": ["LH010", "LT"], "content/a/*.json": ["LR0"],
                                      "other/en.json": ["ALL"]})
    paths = [tmp_path / "content/a/en.json", tmp_path / "content/a/cy.json", tmp_path / "content/b/cy.json",
             tmp_path / "other/en.json", tmp_path / "other/cy.json", tmp_path / "content/a/en.json"]  # the first again
    for path in paths:
        for given in (path, str(path)):  # the rules pass a Path; both work
            assert answers(config, given) == expected(config, given), path
    assert not config.enabled("LT001", paths[1]) and config.enabled("LT001", paths[0])
    assert not config.enabled("LR001", paths[0]) and config.enabled("LR001", paths[2])
    assert not config.enabled("LH004", paths[3]) and config.enabled("LH004", paths[4])
    # the same path again after the table, or the root, changed: answered afresh
    config.per_file_ignores["content/a/*.json"].append("LH")
    assert answers(config, paths[0]) == expected(config, paths[0]) and not config.enabled("LH004", paths[0])
    assert config.enabled("LH004", paths[2])
    config.per_file_ignores["content/b/*.json"] = ["LH004"]  # a new glob that matches the path just asked about
    assert answers(config, paths[2]) == expected(config, paths[2]) and not config.enabled("LH004", paths[2])
    assert not config.enabled("LT001", paths[1])
    config.root = tmp_path / "content"  # the globs are now relative to content/: none of them match
    assert answers(config, paths[1]) == expected(config, paths[1]) and config.enabled("LT001", paths[1])


def test_per_file_ignores_through_a_symbolic_link_and_outside_the_root(tmp_path):
    (tmp_path / "real" / "x").mkdir(parents=True)
    (tmp_path / "real" / "x" / "en.json").write_text("{}")
    (tmp_path / "project").mkdir()
    (tmp_path / "project" / "content").symlink_to(tmp_path / "real")
    config = Config(root=tmp_path / "project", per_file_ignores={"content/*/en.json": ["LH"], "*": ["LR"]})
    for path in (tmp_path / "project" / "content" / "x" / "en.json", tmp_path / "real" / "x" / "en.json"):
        assert answers(config, path) == expected(config, path)


def test_a_copied_or_pickled_config_answers_for_itself():
    config = Config(ignore=["LH"])
    assert not config.enabled("LH004")
    other = dataclasses.replace(config, ignore=["LR"])  # what checking_for does, with another field
    assert other.enabled("LH004") and not other.enabled("LR001")
    assert answers(other) == expected(other)
    again = pickle.loads(pickle.dumps(config))  # what a worker process receives
    assert answers(again) == expected(again) and again == config
    assert "_selected" not in repr(config)


def test_finding_to_dict_is_what_asdict_gave():
    def reference(finding: Finding) -> dict[str, object]:
        data = dataclasses.asdict(finding)
        data["severity"] = finding.severity.value
        if not finding.extra:
            data.pop("extra")
        return data

    plain = Finding("content/a/en.json", 3, 7, "/title", "LH004", Severity.WARNING, "the the", rule="doubled-word")
    placed = Finding("a.json", 1, 1, "/risks/0/name", "LR006", Severity.INFO, "jargon", "r", "h",
                     extra={"index": 4, "length": 9})
    pages = Finding("a.pdf", 0, 0, "page 2", "PL008", Severity.ERROR, "small text", extra={"pages": [2, 5]})
    for finding in (plain, placed, pages):
        got = finding.to_dict()
        assert got == reference(finding) and list(got) == list(reference(finding))
        assert type(got["severity"]) is str
    assert list(plain.to_dict()) == [f.name for f in dataclasses.fields(Finding) if f.name != "extra"]
    copied = pages.to_dict()["extra"]
    copied["pages"].append(9)  # type: ignore[index]
    assert pages.extra == {"pages": [2, 5]}  # a copy, as asdict made


def _python(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def test_the_slot_rules_find_brands_without_the_brand_reader():
    import leaflets.brand as brand
    import leaflets.brand_folder as brand_folder
    from leaflets import slots

    assert brand.brand_dir is brand_folder.brand_dir and brand.BRAND_FILE == brand_folder.BRAND_FILE == "brand.json"
    assert brand.MAX_BRAND_JSON_BYTES == brand_folder.MAX_BRAND_JSON_BYTES == 256 * 1024
    assert slots.brand_folders() == sorted(p.parent for p in brand.brand_dir().glob("*/brand.json"))
    assert slots.brand_folders(["default"]) == [brand.brand_dir() / "default"]
    out = _python("import sys; from leaflets import slots; print(len(slots.known_brands()) > 0, "
                  "'leaflets.brand' in sys.modules)")
    assert out == "True False"


def test_rule_lm010_needs_no_model():
    out = _python("import sys; from leaflets.further import ID, LANGUAGE, languages, related_folder; "
                  "print('leaflets.model' in sys.modules)")
    assert out == "False"


def test_checking_the_shipped_leaflets_imports_neither_the_model_nor_the_brand_reader():
    out = _python("import sys\n"
                  "from leaflets.check import check_paths\n"
                  "from leaflets.config import Config\n"
                  "report, _ = check_paths(['content'], Config(), jobs=1)\n"
                  "print(len(report.files) > 0, 'leaflets.brand' in sys.modules, 'leaflets.model' in sys.modules)")
    assert out == "True False False"
