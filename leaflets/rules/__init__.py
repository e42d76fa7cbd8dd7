"""Content rules: the checks a medical editor makes, each with a stable code.

``run(doc, config)`` runs every enabled rule on one loaded leaflet and returns findings, after
applying the leaflet's own ``suppressions``. A rule that raises becomes an LX001 finding naming it;
the run goes on. ``all_rules()`` is the registry, including the LF (file) and LS (schema) codes,
so ``leaflets rules`` and docs/rules.md list every code a finding can carry.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections import Counter
from typing import TYPE_CHECKING, Any, Protocol

from leaflets.findings import Finding, Severity
from leaflets.rules.registry import FAMILIES, RULES, Hit, Rule, add

if TYPE_CHECKING:
    from leaflets.content import Document

__all__ = ["FAMILIES", "Hit", "Rule", "Settings", "all_rules", "configurable_codes", "run"]

MAX_PER_FIELD = 10  # findings of one rule in one field; the rest are counted in one more finding

_MACHINERY = [
    Rule("LX001", "rule-crashed", Severity.ERROR, "A content rule failed with an internal error.",
         what="A rule raised an exception on this leaflet. The finding names the rule and the error; the other "
              "rules still ran.",
         why="A crash must not hide the other findings or pass a leaflet silently. This is a bug in leaflets, not "
             "in the leaflet: please report it with the file.",
         bad="LX001 error: rule LN004 (inconsistent-risk-figure) failed: TypeError: ...",
         good="Report the bug. The leaflet counts as failing until the rule is fixed.",
         configurable=False),
    Rule("LX002", "unused-suppression", Severity.WARNING, "A suppression in the leaflet suppresses nothing.",
         what="An entry in the leaflet's `suppressions` whose rule does not fire at its pointer (or anywhere, when "
              "it has no pointer).",
         why="Suppressions outlive the text they excused. An unused one hides the next real finding at that place "
             "and misleads reviewers about what was accepted.",
         bad='"suppressions": [{"rule": "LH004", "pointer": "/summary", "reason": "..."}] with no doubled word',
         good="Remove the suppression."),
    Rule("LX003", "invalid-suppression", Severity.ERROR, "A suppression names a rule that cannot be suppressed.",
         what="An entry in the leaflet's `suppressions` whose `rule` is not a known content-rule code, or is a "
              "file (LF) or schema (LS) code, which cannot be suppressed.",
         why="A typo in a suppression silently suppresses nothing; a suppressed schema error would let a broken "
             "leaflet through.",
         bad='"suppressions": [{"rule": "LR999", "reason": "..."}]',
         good='"suppressions": [{"rule": "LR001", "pointer": "/risks", "reason": "The names of the risks are '
              'medical words we must use; each is explained."}]',
         configurable=False),
]


@functools.cache
def all_rules() -> dict[str, Rule]:
    """Every code in family order: LF and LS (documented only), the content rules, then LX."""
    from leaflets import content, schema  # noqa: F401  (their code tables)
    from leaflets.rules import (  # noqa: F401  (registering their rules)
        claims,
        completeness,
        figures,
        governance,
        hygiene,
        interface,
        numbers,
        plain_words,
        provenance,
        readability,
        related,
        slots,
        style,
        translations,
    )

    if "LX001" not in RULES:
        for machinery in _MACHINERY:
            add(machinery)
        for table, kind in ((content.LOAD_CODES, "file"), (schema.SCHEMA_CODES, "schema")):
            for code, (name, summary) in table.items():
                add(Rule(code, name, Severity.ERROR, summary, what=f"Part of the {kind} check, which always runs "
                         "first; see `leaflets validate --help`.",
                         why="", bad="", good="", configurable=False))
    order = list(FAMILIES)
    return dict(sorted(RULES.items(), key=lambda item: (order.index(item[1].family), item[0])))


def content_rules() -> list[Rule]:
    return list(_content_rules())


@functools.cache
def _content_rules() -> tuple[Rule, ...]:
    """Built once, as all_rules() is (run() asks for the rules for every leaflet)."""
    return tuple(r for r in all_rules().values() if r.check is not None)


def configurable_codes() -> list[str]:
    return [code for code, r in all_rules().items() if r.configurable]


class Settings(Protocol):
    """What the rules need of the configuration (leaflets.config.Config has it). The rules never
    import the configuration module: it imports them, to know which codes may be selected."""

    thresholds: dict[str, Any]
    today: dt.date

    def enabled(self, code: str, path: str | os.PathLike[str] = "") -> bool: ...


def run(doc: Document, config: Settings) -> list[Finding]:
    """Every content rule ``config`` enables, its findings for ``doc`` (usable or not: rules tolerate
    bad fields), with ``config``'s thresholds and day."""
    from leaflets.rules.context import Context

    if not isinstance(doc.data, dict):
        return []
    ctx = Context(doc, config.thresholds, config.today)
    ctx.brands = tuple(getattr(config, "brands", ()))  # the brands whose slots count (leaflets.rules.slots)
    levels: dict[str, str] = getattr(config, "severity", {})  # the project's own severities ([severity])
    findings: list[Finding] = []
    enabled, path = config.enabled, doc.path  # asked once per rule: looked up once per leaflet
    for rule in content_rules():
        if not enabled(rule.code, path):
            continue
        try:
            hits = list(rule.check(ctx))  # type: ignore[misc]
            level = Severity(levels[rule.code]) if rule.code in levels else None
            if hits:  # most rules on most leaflets have none
                if len(hits) > MAX_PER_FIELD:  # (no field can be over the cap with fewer)
                    hits = _capped(hits)
                findings.extend(_finding(ctx, rule, hit, level) for hit in hits)
        except Exception as exc:  # noqa: BLE001  (a crashing rule must become a finding, never a traceback)
            findings.append(doc.finding(
                "LX001", f"rule {rule.code} ({rule.name}) failed: {type(exc).__name__}: {exc}. This is a bug in "
                "leaflets, not in the leaflet: please report it", "", severity=Severity.ERROR, rule="rule-crashed",
                line=1, column=1))
    return _apply_suppressions(ctx, findings, config)


def _capped(hits: list[Hit]) -> list[Hit]:
    """At most MAX_PER_FIELD hits per field, then one that counts the rest ("and 99,990 more like this").

    A pasted megabyte of "the the" would otherwise print 100,000 warnings; the count keeps the size
    of the problem visible. The summary hit keeps the rule's code and field, so a suppression of that
    rule there still removes it (and still counts as used)."""
    if len(hits) <= MAX_PER_FIELD:
        return hits  # nearly every rule on nearly every leaflet: no field can be over the cap
    counts = Counter(hit.pointer for hit in hits)
    if max(counts.values()) <= MAX_PER_FIELD:
        return hits
    kept, seen = [], Counter[str]()
    for hit in hits:
        seen[hit.pointer] += 1
        if seen[hit.pointer] <= MAX_PER_FIELD:
            kept.append(hit)
        elif seen[hit.pointer] == MAX_PER_FIELD + 1:
            more = counts[hit.pointer] - MAX_PER_FIELD
            kept.append(Hit(hit.pointer, f"and {more:,} more like this in this field (only the first "
                            f"{MAX_PER_FIELD} are listed)", hit.index, hit.severity))  # placed at the first unlisted
    return kept


def _finding(ctx: Any, rule: Rule, hit: Hit, level: Severity | None = None) -> Finding:
    """``level``, the project's configured severity for the code, wins over the hit's and the rule's."""
    line, column = ctx.position(hit.pointer, hit.index)
    # What ctx.doc.finding(...) made with the line and column given (a rule's name is never empty, so it is
    # the finding's rule name as it is), built directly: one call fewer, and no keywords, for each finding.
    # Where in the string the finding is, in characters of the value (not of the JSON text, whose
    # escapes differ), goes in ``extra``: a draft highlights exactly that text (leaflets.render.marks).
    extra: dict[str, object] = {}
    if hit.index is not None:
        extra["index"] = hit.index
        if hit.length:
            extra["length"] = hit.length
    return Finding(ctx.doc.display, line, column, hit.pointer, rule.code, level or hit.severity or rule.severity,
                   hit.message, rule.name, "", extra)


def _covers(suppression_pointer: str, finding_pointer: str) -> bool:
    return not suppression_pointer or finding_pointer == suppression_pointer or \
        finding_pointer.startswith(suppression_pointer + "/")


def _apply_suppressions(ctx: Any, findings: list[Finding], config: Settings) -> list[Finding]:
    rules = all_rules()
    kept, extra = list(findings), []
    for pointer, entry in ctx.items("/suppressions"):
        if not isinstance(entry, dict) or not isinstance(entry.get("rule"), str):
            continue  # the schema reports it
        code, where = entry["rule"], entry.get("pointer", "")
        where = where if isinstance(where, str) else ""
        if code not in rules or not rules[code].configurable or code.startswith("LX"):
            reason = ("is a file or schema check, which cannot be suppressed: fix the leaflet" if code in rules
                      else "is not a rule code (see `leaflets rules`)")
            extra.append(ctx.doc.finding("LX003", f"the suppression of {code} {reason}", f"{pointer}/rule",
                                         severity=Severity.ERROR, rule="invalid-suppression"))
            continue
        matched = [f for f in kept if f.code == code and _covers(where, f.pointer)]
        if matched:
            gone = {id(f) for f in matched}  # by identity: comparing findings by value is quadratic
            kept = [f for f in kept if id(f) not in gone]
        elif config.enabled(code, ctx.doc.path) and config.enabled("LX002", ctx.doc.path):
            place = f" at {where}" if where else ""
            extra.append(ctx.doc.finding("LX002", f"this suppression of {code} ({rules[code].name}){place} "
                                         "suppresses nothing: remove it", pointer, severity=Severity.WARNING,
                                         rule="unused-suppression"))
    return kept + extra
