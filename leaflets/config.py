"""Project configuration: which content rules run, where, and with what thresholds.

Read from ``leaflets.toml`` (top level) or ``pyproject.toml`` (``[tool.leaflets]``), found by
walking up from the current folder, or from the file given with ``--config``::

    select = ["ALL"]                 # codes or prefixes ("LR", "LN0", "LH004"); default ALL
    ignore = ["LH010"]               # codes or prefixes; ignore wins over select
    [per-file-ignores]               # glob (relative to the config file) -> codes or prefixes
    "content/*/cy.json" = ["LH010"]
    [thresholds]
    max-grade = 8
    [severity]                       # code -> "error", "warning" or "info"
    LN008 = "error"                  # e.g. make a figure with no cited source fail the check

Every problem (an unknown key, an unknown code, a threshold of the wrong type) is collected and
raised together as one :class:`ConfigError`, which the CLI turns into exit code 2.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import fnmatch
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from leaflets.errors import UsageError

# name: (default, type, what it sets). Integers are accepted where a float is expected.
THRESHOLDS: dict[str, tuple[float | int, type, str]] = {
    "max-grade": (8, float, "highest Flesch–Kincaid grade of a section (NHS aims at grade 4–6; 8 is a ceiling)"),
    "max-smog": (10, float, "highest SMOG grade for a section (SMOG reads 1–2 grades above Flesch–Kincaid)"),
    "min-readability-words": (40, int, "sections shorter than this many words are not graded (too few to measure)"),
    "max-sentence-words": (25, int, "longest sentence, in words"),
    "max-paragraph-words": (80, int, "longest paragraph or list item, in words"),
    "review-warning-days": (90, int, "warn when the next review is due within this many days"),
    "max-review-years": (3, float, "longest time from last review to next review, in years"),
    "max-passive-percent": (33, float, "highest share of sentences in the passive voice, in per cent (LC004)"),
    "min-passive-sentences": (20, int, "leaflets with fewer sentences than this are not checked for passives"),
}

KEYS = {"select", "ignore", "per-file-ignores", "thresholds", "severity"}
SEVERITIES = ("error", "warning", "info")


class ConfigError(UsageError):
    """The configuration cannot be used; the message lists every problem, each with its file."""


@dataclass
class Config:
    select: list[str] = field(default_factory=lambda: ["ALL"])
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    thresholds: dict[str, Any] = field(default_factory=lambda: {k: v[0] for k, v in THRESHOLDS.items()})
    root: Path = field(default_factory=Path.cwd)  # per-file-ignores globs are relative to this
    source: str = ""  # the file it came from, for messages; "" for the defaults
    # A project's own severity for a code ("LN008" = "error"): a finding the rules report as info by
    # default (a figure with no cited source) can be made to fail the check where a project requires it.
    severity: dict[str, str] = field(default_factory=dict)
    # The day the date rules (LD) compare with: resolved once, by the CLI (LEAFLETS_TODAY or the
    # clock), and carried with the rest of the settings to every check, in every process.
    today: dt.date = field(default_factory=dt.date.today)
    # The brands whose slot values the LL rules check against (names in brands/ or brand folders): the
    # build's own brand in a build; `validate --brand`; empty for every brand in brands/ (leaflets.slots).
    brands: tuple[str, ...] = ()

    def checking_for(self, brand_folder: str | os.PathLike[str]) -> Config:
        """This configuration with the LL rules (leaflets.slots) checking against one brand only: the brand
        a build, preview or serve renders with (a brand given by path counts, though not in brands/)."""
        return dataclasses.replace(self, brands=(str(brand_folder),))

    # What enabled() worked out, so that asking about each rule for each leaflet (~70 times a file)
    # costs a dict look-up: the codes ``select`` and ``ignore`` turn on, as of the lists they were
    # worked out from (copies: a list changed later, even in place, starts the answers again), and the
    # per-file ignores that apply to the last path asked about. Not part of the configuration's value.
    _selected: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    _selected_from: tuple[list[str], list[str]] = field(default_factory=lambda: ([], []), init=False, repr=False,
                                                        compare=False)
    _file_ignores: tuple[object, object, dict[str, list[str]], list[list[str]]] | None = field(
        default=None, init=False, repr=False, compare=False)

    def enabled(self, code: str, path: str | os.PathLike[str] = "") -> bool:
        """Whether content rule ``code`` runs on the file at ``path``."""
        if not self.ignore and not self.per_file_ignores and "ALL" in self.select:
            return True  # the defaults, asked about each rule for each leaflet: no generator to build
        if self._selected_from[0] != self.select or self._selected_from[1] != self.ignore:
            self._selected, self._selected_from = {}, (list(self.select), list(self.ignore))
        selected = self._selected.get(code)
        if selected is None:
            selected = self._selected[code] = (any(_matches(code, s) for s in self.select)
                                               and not any(_matches(code, i) for i in self.ignore))
        if not selected:
            return False
        if path and self.per_file_ignores:
            for codes in self._ignored_at(path):
                if any(_matches(code, c) for c in codes):
                    return False
        return True

    def _ignored_at(self, path: str | os.PathLike[str]) -> list[list[str]]:
        """The code lists of the per-file-ignores whose glob matches ``path``. Kept for the last path
        (and root and table) asked about: the rules ask about the same file ~70 times in a row, and each
        answer would otherwise resolve both paths on the file system again."""
        cached = self._file_ignores
        if cached is not None and cached[0] == path and cached[1] == self.root and cached[2] == self.per_file_ignores:
            return cached[3]
        relative = _relative(Path(path), self.root)
        matched = [codes for pattern, codes in self.per_file_ignores.items() if fnmatch.fnmatchcase(relative, pattern)]
        self._file_ignores = (path, self.root, {k: list(v) for k, v in self.per_file_ignores.items()}, matched)
        return matched


def _matches(code: str, selector: str) -> bool:
    return selector == "ALL" or code.startswith(selector)


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()
    except ValueError:
        return path.as_posix()


def find(start: Path | None = None) -> Path | None:
    """The nearest leaflets.toml, or pyproject.toml with a [tool.leaflets] table, from ``start`` up."""
    folder = (start or Path.cwd()).resolve()
    for candidate in [folder, *folder.parents]:
        own = candidate / "leaflets.toml"
        if own.is_file():
            return own
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "leaflets" in tomllib.loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                    return pyproject
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                if "[tool.leaflets" in pyproject.read_text(encoding="utf-8", errors="replace"):
                    return pyproject  # ours, but broken: load() reports the problem with its place
    return None


def load(path: str | os.PathLike[str] | None = None, *, today: dt.date | None = None) -> Config:
    """The configuration from ``path``, or from the nearest config file, or the defaults, checking
    dates against ``today`` (default: the clock's)."""
    config = _load(path)
    if today is not None:
        config.today = today
    return config


def _load(path: str | os.PathLike[str] | None) -> Config:
    file = Path(path) if path is not None else find()
    if file is None:
        return Config()
    try:
        document = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read the configuration: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: the configuration is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file}: not valid TOML: {exc}") from exc
    if file.name == "pyproject.toml":
        table = document.get("tool", {}).get("leaflets", {})
        where = "[tool.leaflets]"
    else:
        table, where = document, ""
    return parse(table, file, where)


def parse(table: Any, file: Path, where: str = "") -> Config:
    from leaflets.rules import configurable_codes

    known = configurable_codes()
    problems: list[str] = []
    prefix = f"{file}: {where + ' ' if where else ''}"

    def codes(value: Any, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"{prefix}{key} must be a list of rule codes or prefixes, e.g. [\"LR\", \"LH004\"]")
            return []
        for selector in value:
            if selector != "ALL" and not any(code.startswith(selector) for code in known):
                if selector[:2] in ("LF", "LS"):
                    problems.append(f"{prefix}{key}: {selector} is a file or schema check, which cannot be "
                                    "turned off (fix the leaflet instead)")
                else:
                    problems.append(f"{prefix}{key}: unknown rule code or prefix \"{selector}\" "
                                    "(see `leaflets rules` for the list)")
        return list(value)

    if not isinstance(table, dict):
        raise ConfigError(f"{prefix}must be a table")
    config = Config(root=file.parent.resolve(), source=str(file))
    for key in sorted(set(table) - KEYS):
        problems.append(f"{prefix}unknown key \"{key}\" (allowed: {', '.join(sorted(KEYS))})")
    if "select" in table:
        config.select = codes(table["select"], "select")
    if "ignore" in table:
        config.ignore = codes(table["ignore"], "ignore")
    ignores = table.get("per-file-ignores", {})
    if not isinstance(ignores, dict):
        problems.append(f"{prefix}per-file-ignores must be a table of \"glob\" = [codes]")
    else:
        for pattern, value in ignores.items():
            config.per_file_ignores[pattern] = codes(value, f"per-file-ignores \"{pattern}\"")
    thresholds = table.get("thresholds", {})
    if not isinstance(thresholds, dict):
        problems.append(f"{prefix}thresholds must be a table, e.g. [thresholds] max-grade = 8")
    else:
        for name, value in thresholds.items():
            if name not in THRESHOLDS:
                problems.append(f"{prefix}thresholds: unknown threshold \"{name}\" "
                                f"(allowed: {', '.join(THRESHOLDS)})")
                continue
            kind = THRESHOLDS[name][1]
            wanted = "a whole number" if kind is int else "a number"
            number = isinstance(value, (int, float)) and not isinstance(value, bool)
            if not number or (kind is int and isinstance(value, float)):
                problems.append(f"{prefix}thresholds: {name} must be {wanted}, not {value!r}")
            elif value <= 0:
                problems.append(f"{prefix}thresholds: {name} must be greater than 0, not {value!r}")
            else:
                config.thresholds[name] = value
    levels = table.get("severity", {})
    if not isinstance(levels, dict):
        problems.append(f"{prefix}severity must be a table of CODE = \"error\" | \"warning\" | \"info\"")
    else:
        for code, level in levels.items():
            if code not in known:
                problems.append(f"{prefix}severity: \"{code}\" is not a rule code whose severity can be set "
                                "(see `leaflets rules`)")
            elif level not in SEVERITIES:
                problems.append(f"{prefix}severity: {code} must be \"error\", \"warning\" or \"info\", not {level!r}")
            else:
                config.severity[code] = level
    if problems:
        raise ConfigError("\n".join(problems))
    return config
