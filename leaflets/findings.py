"""Findings: the one currency between checks (schema, rules, preflight) and reporters.

Checks return findings and never print; reporters format them; only the CLI picks exit codes.
"""

from __future__ import annotations

import copy
import enum
from collections.abc import Iterable
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


# Finding's ``extra`` when none is given (a new dict then, as the field's default_factory made): a marker,
# so that an explicit None is kept as the dataclass's own __init__ kept it.
_NO_EXTRA: dict[str, object] | None = {}


@dataclass(frozen=True, init=False)  # __init__ below: the same arguments, without a check per field
class Finding:
    """One problem at one place in one file.

    ``line`` and ``column`` are 1-based; 0 means "the whole file" (e.g. a PDF page-level finding
    uses ``pointer`` for the page and object instead). ``extra`` holds what some checks know besides:
    a PDF finding's ``pages``; a content rule's ``index`` (and ``length``) of the characters it
    concerns in the string at ``pointer``, which a draft highlights (leaflets.render.marks).
    """

    file: str
    line: int
    column: int
    pointer: str
    code: str
    severity: Severity
    message: str
    rule: str = ""
    hint: str = ""
    extra: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    def __init__(self, file: str, line: int, column: int, pointer: str, code: str, severity: Severity, message: str,
                 rule: str = "", hint: str = "", extra: dict[str, object] | None = _NO_EXTRA) -> None:
        # What the dataclass's own __init__ does, in one step: that one sets each field through
        # object.__setattr__ (frozen), ten calls in Python for every finding (a leaflet's rules make
        # dozens). The instance dictionary is filled in the fields' order, as it would be, so pickles,
        # repr, equality and hashing (all by fields) are the same; the class stays frozen for everyone
        # else. ``extra`` defaults to a new dict of its own, as the field's default_factory did.
        self.__dict__.update({
            "file": file, "line": line, "column": column, "pointer": pointer, "code": code, "severity": severity,
            "message": message, "rule": rule, "hint": hint, "extra": {} if extra is _NO_EXTRA else extra,
        })

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        # What dataclasses.asdict gave, key for key in the fields' order, built directly: asdict deep-copies
        # every field in Python, two thirds of the JSON report's time. The fields are text and numbers;
        # only ``extra`` (plain values: numbers, lists of page numbers) is a container, and is still copied.
        data: dict[str, object] = {
            "file": self.file, "line": self.line, "column": self.column, "pointer": self.pointer, "code": self.code,
            "severity": self.severity.value, "message": self.message, "rule": self.rule, "hint": self.hint,
        }
        if self.extra:
            data["extra"] = copy.deepcopy(self.extra)
        return data


def sort_key(finding: Finding) -> tuple[str, int, int, str]:
    return (finding.file, finding.line, finding.column, finding.code)


@dataclass
class Report:
    """Every finding of one run, plus the files that were checked (for JUnit and summaries)."""

    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def extend(self, findings: Iterable[Finding]) -> None:
        self.findings.extend(findings)

    def sorted(self) -> list[Finding]:
        return sorted(self.findings, key=sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def has_errors(self) -> bool:
        return any(f.is_error for f in self.findings)

    def for_file(self, path: str) -> list[Finding]:
        return [f for f in self.sorted() if f.file == path]
