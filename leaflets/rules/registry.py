"""The rule registry: every content rule with its code, name, severity, message and documentation.

A rule is a function that takes a :class:`~leaflets.rules.context.Context` and yields
:class:`Hit` s; the engine turns hits into findings with the rule's code and severity. Rules never
print and never raise on bad content: they must tolerate missing and ill-typed fields (a rule that
raises anyway becomes an LX001 finding naming it).

Family prefixes: LR readability, LN numbers and risk, LD dates and governance, LC claims and tone,
LH text hygiene, LM completeness and metadata, LT translations, LL local slots, LX the rule machinery
itself (crashes, suppressions).
LF (file) and LS (schema) codes belong to content.py and schema.py; they are listed here for the
reference docs but cannot be selected, ignored or suppressed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from leaflets.findings import Severity

if TYPE_CHECKING:
    from leaflets.rules.context import Context

FAMILIES: dict[str, str] = {
    "LF": "File: the file itself, before any other check (cannot be turned off)",
    "LS": "Schema: the fields and their types (cannot be turned off)",
    "LR": "Readability",
    "LN": "Numbers and risk",
    "LD": "Dates and governance",
    "LC": "Claims and tone",
    "LH": "Text hygiene",
    "LM": "Completeness and metadata",
    "LT": "Translations: pinned to their source leaflet",
    "LL": "Local slots: the details each brand fills in ({ward_phone})",
    "LX": "Rule machinery: crashes and suppressions",
}

CODE = re.compile(r"^(L[A-Z]|P[FLPU])[0-9]{3}$")  # content codes; PF/PL/PP/PU for the PDF checks (leaflets.preflight)
NAME = re.compile(r"^[a-z]+(-[a-z0-9]+)*$")


@dataclass(frozen=True, init=False)  # __init__ below: the same arguments, without a check per field
class Hit:
    """One place a rule fires: a JSON pointer, a message, and optionally where in the text."""

    pointer: str
    message: str
    index: int | None = None  # character offset inside the string at ``pointer``
    severity: Severity | None = None  # overrides the rule's default (e.g. a data file's level)
    length: int | None = None  # characters from ``index`` the finding is about (a draft highlights them)

    def __init__(self, pointer: str, message: str, index: int | None = None, severity: Severity | None = None,
                 length: int | None = None) -> None:
        # What the dataclass's own __init__ does, in one step (as leaflets.findings.Finding's): that one
        # sets each field through object.__setattr__ (frozen), five calls in Python for every hit. Filled
        # in the fields' order, so repr, equality, hashing and pickles (all by fields) are the same.
        self.__dict__.update({"pointer": pointer, "message": message, "index": index, "severity": severity,
                              "length": length})


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # one line: what is wrong, as the reference lists it
    what: str  # what it checks
    why: str  # why it matters for patients
    bad: str  # an example that fires
    good: str  # what to write instead
    check: Callable[[Context], Iterable[Hit]] | None = field(default=None, compare=False)
    configurable: bool = True  # False for LF/LS/LX codes: always on, cannot be suppressed
    data_file: str = ""  # the data file a writer can edit, if any
    profiles: tuple[str, ...] = ()  # PDF checks only: the preflight profiles ("print", "screen") it runs in

    @property
    def family(self) -> str:
        return self.code[:2]


RULES: dict[str, Rule] = {}


def rule(code: str, name: str, severity: Severity, summary: str, *, what: str, why: str, bad: str, good: str,
         data_file: str = "") -> Callable[[Callable[[Context], Iterable[Hit]]], Callable[[Context], Iterable[Hit]]]:
    """Register the decorated function as the check for ``code``."""

    def register(check: Callable[[Context], Iterable[Hit]]) -> Callable[[Context], Iterable[Hit]]:
        add(Rule(code, name, severity, summary, what, why, bad, good, check, data_file=data_file))
        return check

    return register


def add(new: Rule, table: dict[str, Rule] = RULES) -> None:
    """Register ``new`` in ``table``: the content rules' by default; preflight keeps its PDF rules in a
    table of its own (same type, same docs and SARIF help) so validate's selection never sees them."""
    if not CODE.match(new.code) or not NAME.match(new.name):
        raise ValueError(f"bad rule code or name: {new.code} {new.name}")
    if new.code in table:
        raise ValueError(f"rule {new.code} registered twice")
    if new.name in {r.name for r in table.values()}:
        raise ValueError(f"rule name {new.name} registered twice")
    table[new.code] = new
