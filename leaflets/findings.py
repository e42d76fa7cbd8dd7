"""Findings: the one currency between checks (schema, rules, preflight) and reporters.

Checks return findings and never print; reporters format them; only the CLI picks exit codes.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
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

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        if not self.extra:
            data.pop("extra")
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
