"""``leaflets diff OLD NEW``: a clinical diff for sign-off, not a text diff.

A reviewer needs the facts first: risks added, removed or renamed; frequencies and bands old → new;
alternatives added or removed (and the no-treatment option); sources added, removed or changed;
urgent-help symptoms added or removed; the contact numbers; and any number in the prose that changed
(a hospital stay of 2 days that became 3). These are *clinical* changes: any of them makes the exit
code 1, so CI can require review. Then come the wording changes per section, words added and removed
marked, and the metadata (version, status, dates) for the record. Only wording changed: exit 0.

Risks and alternatives are matched by name (any case and spacing). A risk that disappears while
another appears with the same frequency and a similar name or text (difflib ratio ≥ 0.6) is reported
as renamed, so its wording is compared, not shown as one removed and one added. A risk marked serious
or no longer serious is a clinical change (consent guidance: serious risks must be told however rare);
a risk moved to another group is for the record. Outcomes (benefit and success figures) are matched by
their words: one added, removed or with a changed figure is clinical.

Content format v2's other parts (README "What changed, for sign-off" lists which count as clinical):
a figure added or removed, its alt text or caption changed, or its picture changed (the bytes of the
file beside each side's JSON, read from git for ``PATH@REV``: an approval covers them too) is clinical,
its credit is for the record. The other numbers in ``contact.others`` and the hours are treated as the
main phone, e-mail and web address: clinical. A local slot ``{name}`` added to or removed from the text
is clinical, because the patient then reads (or no longer reads) the hospital's own value, often a
number. Further information (related leaflets, links), the reference and department, a figure's cite
(its source and quote, which the patient never sees) and a source's ``copy`` are for the record; the
statements and the risks' introduction are compared as wording, so a number in them counts as any
number in the text does.

Either side may be ``PATH@REV``: the file as git has it at revision REV (``git show REV:PATH``).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import html
import json
import os
import re
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from leaflets import content
from leaflets.content import UsageError

RENAME_RATIO = 0.6
CONTEXT_WORDS = 6  # unchanged words shown either side of a change
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
META = ("id", "language", "version", "status", "last_reviewed", "next_review", "reference", "department")
PROSE_SECTIONS = ["title", "summary", "condition", "procedure", "benefits", "preparation", "on_the_day", "recovery",
                  "urgent_help", "questions", "glossary", "contact", "disclaimer", "authors"]
NOT_WORDS = {"symptoms", "phone", "email", "web", "url", "kind", "band", "rate", "known", "no_treatment", "per",
             "group", "serious", "file", "cite", "hours"}  # file, cite, hours: compared as facts instead
STATEMENTS = ("consent", "accessible_formats", "feedback")
FigureReader = Callable[[str], "bytes | str"]  # a figure file's bytes, or why they cannot be read


@dataclass
class Change:
    """One fact that changed. ``clinical`` ones need sign-off; the others are for the record."""

    kind: str  # e.g. "risk-added", "frequency", "band", "source-changed", "numbers", "meta"
    subject: str  # what it concerns: a risk's name, a section, a field
    old: str | None
    new: str | None
    clinical: bool = True

    @property
    def message(self) -> str:
        label = self.kind.replace("-", " ")
        if self.old is None:
            return f"{label}: {self.subject}" + (f" ({self.new})" if self.new else "")
        if self.new is None:
            return f"{label}: {self.subject}" + (f" (was {self.old})" if self.old else "")
        if self.kind == "risk-renamed":
            return f"risk renamed: \"{self.old}\" → \"{self.new}\""
        if self.kind == "meta":
            return f"{self.subject}: {self.old} → {self.new}"
        return f"{label} {'in' if self.kind == 'numbers' else 'of'} {self.subject}: {self.old} → {self.new}"


@dataclass
class Wording:
    """The words of one section (or one risk or alternative) that changed: ("=", "-", "+", text) runs."""

    section: str
    runs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class Diff:
    old: str
    new: str
    changes: list[Change]
    wording: list[Wording]

    @property
    def clinical(self) -> bool:
        return any(change.clinical for change in self.changes)

    def as_json(self) -> dict[str, Any]:
        return {"old": self.old, "new": self.new, "clinical": self.clinical,
                "changes": [asdict(c) | {"message": c.message} for c in self.changes],
                "wording": [{"section": w.section, "runs": [{"op": op, "text": text} for op, text in w.runs]}
                            for w in self.wording]}


# --- reading both sides -------------------------------------------------------------------------------


def load_side(arg: str) -> dict[str, Any]:
    """The leaflet data of a file, or of ``PATH@REV`` in git. UsageError (exit 2) when it cannot be read."""
    return load_side_and_figures(arg)[0]


def load_side_and_figures(arg: str) -> tuple[dict[str, Any], FigureReader]:
    """The leaflet data, and a reader of the figure files beside it: in its folder for a file, in git at
    the same revision for ``PATH@REV`` (so a redrawn picture shows, as an approval would see it)."""
    path = Path(arg)
    reader: FigureReader
    if path.is_file():
        doc = content.load(path)
        reader = functools.partial(_figure_in_folder, path.parent)
    elif path.is_dir():
        raise UsageError(f"{arg}: is a folder; give a leaflet file such as content/<id>/<lang>.json")
    elif "@" in arg and arg.rsplit("@", 1)[1]:
        name, revision = arg.rsplit("@", 1)
        raw = git_show(name, revision, arg)
        doc = content.parse(content.Document(path=Path(name), display=arg), raw)
        reader = functools.partial(_figure_in_git, name, revision)
    else:
        raise UsageError(f"{arg}: no such file (write PATH@REVISION for a file in git, e.g. {arg}@HEAD~1)")
    if not doc.usable:
        problem = next((f for f in doc.findings if f.is_error), None)
        where = f"{doc.display}:{problem.line}:{problem.column}: {problem.code} " if problem else f"{doc.display}: "
        raise UsageError(where + (problem.message if problem else "a leaflet file must hold one JSON object"))
    return doc.data, reader


def _figure_in_folder(folder: Path, name: str) -> bytes | str:
    """The figure file's bytes as leaflets.figures reads them (inside the folder, size-limited), or why not."""
    from leaflets.figures import FigureError, read_limited, resolve

    try:
        return read_limited(resolve(folder, name), name)
    except (FigureError, OSError) as exc:
        return str(exc)


def _figure_in_git(leaflet: str, revision: str, name: str) -> bytes | str:
    """The figure file beside ``leaflet`` at ``revision``, or why not: the same names are refused as in a
    folder (a web address, an absolute path, ".."), and the same size limit holds."""
    from leaflets.figures import MAX_FIGURE_BYTES, FigureError, check_name

    try:
        check_name(name)  # the name only: the folder is in git, not on disk (git show reads no link)
    except FigureError as exc:
        return str(exc)
    try:
        return git_show(str(Path(leaflet).parent / name), revision, f"{name}@{revision}", limit=MAX_FIGURE_BYTES)
    except UsageError as exc:
        return str(exc)


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60, check=False)
    except FileNotFoundError:
        raise UsageError("git is not installed: PATH@REV needs git") from None
    except subprocess.TimeoutExpired:
        raise UsageError(f"git {' '.join(args)} took more than 60 s") from None


def _first_line(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace").strip().splitlines()
    return re.sub(r"^(fatal|error): ", "", text[0]) if text else "git failed"


def git_show(name: str, revision: str, arg: str, limit: int = content.MAX_BYTES) -> bytes:
    """The bytes of ``name`` at ``revision``, found from the repository that holds the file's folder."""
    if revision.startswith("-"):
        raise UsageError(f"{arg}: {revision!r} is not a revision")
    absolute = Path(os.path.realpath(Path(name).absolute()))
    folder = next((p for p in absolute.parents if p.is_dir()), Path("/"))
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise UsageError(f"{arg}: {folder} is not in a git repository, so there is no revision {revision!r}")
    root = Path(os.path.realpath(top.stdout.decode("utf-8", "surrogateescape").strip()))
    try:
        relative = absolute.relative_to(root).as_posix()
    except ValueError:
        raise UsageError(f"{arg}: {name} is outside the git repository {root}") from None
    kind = _git(["cat-file", "-t", f"{revision}:{relative}"], root)
    if kind.returncode != 0:
        raise UsageError(f"{arg}: cannot read {relative} at revision {revision!r}: {_first_line(kind.stderr)}")
    if kind.stdout.strip() != b"blob":
        raise UsageError(f"{arg}: {relative} at revision {revision!r} is not a file")
    size = _git(["cat-file", "-s", f"{revision}:{relative}"], root)
    if size.returncode == 0 and size.stdout.strip().isdigit() and int(size.stdout) > limit:
        raise UsageError(f"{arg}: {int(size.stdout):,} bytes is larger than a "
                         f"{'leaflet' if limit == content.MAX_BYTES else 'figure'} can be")
    shown = _git(["show", f"{revision}:{relative}"], root)
    if shown.returncode != 0:
        raise UsageError(f"{arg}: cannot read {relative} at revision {revision!r}: {_first_line(shown.stderr)}")
    if len(shown.stdout) > limit:
        raise UsageError(f"{arg}: {len(shown.stdout):,} bytes is larger than a "
                         f"{'leaflet' if limit == content.MAX_BYTES else 'figure'} can be")
    return shown.stdout


# --- the facts ----------------------------------------------------------------------------------------


def _key(name: Any) -> str:
    return " ".join(name.split()).casefold() if isinstance(name, str) else ""


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = data.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _percent(value: Any) -> str:
    return f"{value:g}%" if isinstance(value, (int, float)) and not isinstance(value, bool) else "?%"


def frequency(risk: dict[str, Any]) -> str:
    """A risk's figure in words: "about 2%", "between 5% and 10%", "no figure", as the leaflet gives it."""
    freq = risk.get("frequency")
    if not isinstance(freq, dict):
        return "none given"
    if "rate" not in freq:  # v2 (and v1, where "known": true always came with a rate)
        return "no figure"
    return _figure_words(freq) + (f" of {freq['per']}" if freq.get("per", "people") != "people" else "") + (
        f" {freq['within']}" if isinstance(freq.get("within"), str) else "")


def _figure_words(freq: dict[str, Any]) -> str:
    rate = freq.get("rate")
    rate = rate if isinstance(rate, dict) else {}
    kind = rate.get("kind")
    if kind == "between":
        return f"between {_percent(rate.get('percent_from'))} and {_percent(rate.get('percent_to'))}"
    words = {"about": "about", "less-than": "less than", "up-to": "up to", "at-least": "at least",
             "more-than": "more than"}.get(kind if isinstance(kind, str) else "", "?")
    return f"{words} {_percent(rate.get('percent'))}"


def band(risk: dict[str, Any]) -> str:
    freq = risk.get("frequency")
    value = freq.get("band") if isinstance(freq, dict) else None
    return value if isinstance(value, str) else "no band"


def _name(item: dict[str, Any]) -> str:
    name = item.get("name")
    return name if isinstance(name, str) else "(no name)"


def strings(value: Any, skip: frozenset[str] | set[str] = frozenset()) -> Iterator[str]:
    """Every piece of text under ``value``, in order, leaving out the keys in ``skip``."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings(item, skip)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in skip:
                yield from strings(item, skip)


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False).ratio()


def match_risks(old: list[dict[str, Any]], new: list[dict[str, Any]]
                ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[tuple[dict[str, Any], dict[str, Any]]]]:
    """(pairs with the same name, pairs that look renamed); the rest were removed or added."""
    by_name: dict[str, dict[str, Any]] = {}
    for risk in new:
        by_name.setdefault(_key(risk.get("name")), risk)  # a duplicate name (LH006) pairs once
    same = []
    for risk in old:
        match = by_name.pop(_key(risk.get("name")), None)
        if match is not None:
            same.append((risk, match))
    paired_old = {id(a) for a, _ in same}
    paired_new = {id(b) for _, b in same}
    candidates = []
    for a in (r for r in old if id(r) not in paired_old):
        for b in (r for r in new if id(r) not in paired_new):
            if (frequency(a), band(a)) != (frequency(b), band(b)):
                continue
            text_a, text_b = " ".join(strings(a, NOT_WORDS)), " ".join(strings(b, NOT_WORDS))
            score = max(_similar(_name(a), _name(b)), _similar(text_a, text_b))
            if score >= RENAME_RATIO:
                candidates.append((score, a, b))
    renamed = []
    for _score, a, b in sorted(candidates, key=lambda c: -c[0]):
        if id(a) not in paired_old and id(b) not in paired_new:
            renamed.append((a, b))
            paired_old.add(id(a))
            paired_new.add(id(b))
    return same, renamed


def _risk_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[Change], list[tuple[str, Any, Any]]]:
    """Clinical changes in the risks, and (section, old, new) pairs of risks to compare the wording of."""
    before, after = _items(old, "risks"), _items(new, "risks")
    same, renamed = match_risks(before, after)
    changes: list[Change] = []
    units: list[tuple[str, Any, Any]] = []
    paired = {id(a) for a, _ in same + renamed} | {id(b) for _, b in same + renamed}
    for risk in before:
        if id(risk) not in paired:
            changes.append(Change("risk-removed", f"\"{_name(risk)}\"", f"{frequency(risk)}, {band(risk)}", None))
    for risk in after:
        if id(risk) not in paired:
            changes.append(Change("risk-added", f"\"{_name(risk)}\"", None, f"{frequency(risk)}, {band(risk)}"))
    for a, b in renamed:
        changes.append(Change("risk-renamed", "risk", _name(a), _name(b)))
    for a, b in sorted(same + renamed, key=lambda pair: after.index(pair[1])):
        subject = f"\"{_name(b)}\""
        if (a.get("serious") is True) != (b.get("serious") is True):
            changes.append(Change("serious-flag", subject, _serious(a), _serious(b)))
        if a.get("group") != b.get("group"):
            changes.append(Change("risk-group", subject, str(a.get("group", "(none)")), str(b.get("group", "(none)")),
                                  clinical=False))
        if frequency(a) != frequency(b):
            changes.append(Change("frequency", subject, frequency(a), frequency(b)))
        if band(a) != band(b):
            changes.append(Change("band", subject, band(a), band(b)))
        units.append((f"risks: {_name(b)}", a, b))
    return changes, units


def _serious(risk: dict[str, Any]) -> str:
    return "serious" if risk.get("serious") is True else "not serious"


def _outcome_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Outcomes matched by their words: added, removed, or the same outcome with another figure (all clinical)."""
    def words(item: dict[str, Any]) -> str:
        return item["outcome"] if isinstance(item.get("outcome"), str) else "(no outcome)"

    def figure(item: dict[str, Any]) -> str:
        return f"{frequency(item)}, {band(item)}"

    before = {_key(o.get("outcome")): o for o in _items(old, "outcomes")}
    after = {_key(o.get("outcome")): o for o in _items(new, "outcomes")}
    changes = [Change("outcome-removed", f"\"{words(o)}\"", figure(o), None)
               for k, o in before.items() if k not in after]
    changes += [Change("outcome-added", f"\"{words(o)}\"", None, figure(o))
                for k, o in after.items() if k not in before]
    for k, b in after.items():
        if k in before and figure(before[k]) != figure(b):
            changes.append(Change("outcome-figure", f"\"{words(b)}\"", figure(before[k]), figure(b)))
    return changes


def _alternative_changes(old: dict[str, Any], new: dict[str, Any]
                         ) -> tuple[list[Change], list[tuple[str, Any, Any]]]:
    before = {_key(a.get("name")): a for a in _items(old, "alternatives")}
    after = {_key(a.get("name")): a for a in _items(new, "alternatives")}
    changes = [Change("alternative-removed", f"\"{_name(a)}\"", "", None) for k, a in before.items() if k not in after]
    changes += [Change("alternative-added", f"\"{_name(a)}\"", None, "") for k, a in after.items() if k not in before]
    units = []
    for k, b in after.items():
        if k in before:
            a = before[k]
            if bool(a.get("no_treatment")) != bool(b.get("no_treatment")):
                changes.append(Change("no-treatment-flag", f"\"{_name(b)}\"", str(bool(a.get("no_treatment"))).lower(),
                                      str(bool(b.get("no_treatment"))).lower()))
            units.append((f"alternatives: {_name(b)}", a, b))
    return changes, units


SOURCE_FIELDS = ("kind", "publisher", "url", "accessed", "note", "copy")  # copy: a file name, for the record


def _source_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    before = {_key(s.get("title")): s for s in _items(old, "sources")}
    after = {_key(s.get("title")): s for s in _items(new, "sources")}
    title = lambda s: f"\"{s.get('title')}\""  # noqa: E731
    changes = [Change("source-removed", title(s), "", None) for k, s in before.items() if k not in after]
    changes += [Change("source-added", title(s), None, "") for k, s in after.items() if k not in before]
    for k, b in after.items():
        a = before.get(k)
        if a is None:
            continue
        for name in SOURCE_FIELDS:
            if a.get(name) != b.get(name):
                changes.append(Change("source-changed", f"{title(b)} {name}", str(a.get(name, "(none)")),
                                      str(b.get(name, "(none)")), clinical=name != "copy"))
    return changes


def _urgent_and_contact(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    def symptoms(data: dict[str, Any]) -> list[str]:
        help_ = data.get("urgent_help")
        return [s for s in strings(help_.get("symptoms"))] if isinstance(help_, dict) else []

    before, after = symptoms(old), symptoms(new)
    changes = [Change("symptom-removed", f"\"{s}\"", "", None) for s in before if s not in after]
    changes += [Change("symptom-added", f"\"{s}\"", None, "") for s in after if s not in before]
    for name in ("phone", "email", "web"):
        a, b = (d.get("contact", {}).get(name) if isinstance(d.get("contact"), dict) else None for d in (old, new))
        if a != b:
            changes.append(Change("contact", name, str(a or "(none)"), str(b or "(none)")))
    return changes


def _others(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    contact = data.get("contact")
    return {_key(o.get("name")): o for o in _items(contact, "others")} if isinstance(contact, dict) else {}


def _numbers_of(item: dict[str, Any]) -> str:
    return ", ".join(str(item[k]) for k in ("phone", "email", "web", "hours") if isinstance(item.get(k), str))


def _contact_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The main contact's hours, and the other numbers (matched by name) added, removed or changed: a
    patient who rings a wrong number or at a wrong time is as lost as with a wrong main phone."""
    changes = []
    a, b = (d.get("contact", {}).get("hours") if isinstance(d.get("contact"), dict) else None for d in (old, new))
    if a != b:
        changes.append(Change("contact", "hours", str(a or "(none)"), str(b or "(none)")))
    before, after = _others(old), _others(new)
    changes += [Change("other-number-removed", f"\"{_name(o)}\"", _numbers_of(o), None)
                for k, o in before.items() if k not in after]
    changes += [Change("other-number-added", f"\"{_name(o)}\"", None, _numbers_of(o))
                for k, o in after.items() if k not in before]
    for k, b_item in after.items():
        a_item = before.get(k, b_item)
        for name in ("phone", "email", "web", "hours"):
            if a_item.get(name) != b_item.get(name):
                changes.append(Change("contact", f"\"{_name(b_item)}\" {name}", str(a_item.get(name) or "(none)"),
                                      str(b_item.get(name) or "(none)")))
    return changes


def _figures(data: dict[str, Any]) -> dict[str, tuple[str, dict[str, Any]]]:
    """file → (where it is, its figure block), for each figure of the leaflet (the first, if used twice)."""
    found: dict[str, tuple[str, dict[str, Any]]] = {}

    def walk(value: Any, where: str) -> None:
        if isinstance(value, dict):
            figure = value.get("figure")
            if isinstance(figure, dict) and isinstance(figure.get("file"), str):
                found.setdefault(figure["file"], (where, figure))
            for item in value.values():
                walk(item, where)
        elif isinstance(value, list):
            for item in value:
                walk(item, where)

    for key, value in data.items():
        walk(value, key)
    return found


def _digest(read: FigureReader | None, name: str) -> str | None:
    """"sha256 …" of the file's bytes, "unreadable (why)", or None when there is no side to read from."""
    if read is None:
        return None
    data = read(name)
    return f"sha256 {hashlib.sha256(data).hexdigest()[:16]}" if isinstance(data, bytes) else f"unreadable ({data})"


def _figure_changes(old: dict[str, Any], new: dict[str, Any], read_old: FigureReader | None,
                    read_new: FigureReader | None) -> list[Change]:
    """Figures matched by file: added, removed, another alt text or caption, another picture (the files'
    bytes, when both sides' files can be read): all clinical, as an approval covers them. Credit: record."""
    before, after = _figures(old), _figures(new)
    changes = [Change("figure-removed", f"\"{name}\"", f"in {where}", None)
               for name, (where, _) in before.items() if name not in after]
    changes += [Change("figure-added", f"\"{name}\"", None, f"in {where}")
                for name, (where, _) in after.items() if name not in before]
    for name, (_, b) in after.items():
        if name not in before:
            continue
        a = before[name][1]
        for part in ("alt", "caption", "credit"):
            if a.get(part) != b.get(part):
                changes.append(Change(f"figure-{part}", f"\"{name}\"", str(a.get(part) or "(none)"),
                                      str(b.get(part) or "(none)"), clinical=part != "credit"))
        digests = _digest(read_old, name), _digest(read_new, name)
        if None not in digests and digests[0] != digests[1]:
            changes.append(Change("figure-picture", f"\"{name}\"", digests[0], digests[1]))
    return changes


def _further_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Related leaflets (by id) and links (by address) added or removed, a link's title changed: for the
    record, since they point to more reading and state no fact of this leaflet's."""
    def further(data: dict[str, Any]) -> tuple[list[str], dict[str, dict[str, Any]]]:
        value = data.get("further_information")
        if not isinstance(value, dict):
            return [], {}
        ids = [i for i in value.get("leaflets", []) if isinstance(i, str)] if isinstance(value.get("leaflets"),
                                                                                       list) else []
        return ids, {str(link.get("url")): link for link in _items(value, "links")}

    (ids_a, links_a), (ids_b, links_b) = further(old), further(new)
    changes = [Change("related-leaflet-removed", i, "", None, clinical=False) for i in ids_a if i not in ids_b]
    changes += [Change("related-leaflet-added", i, None, "", clinical=False) for i in ids_b if i not in ids_a]
    changes += [Change("link-removed", f"\"{link.get('title')}\"", url, None, clinical=False)
                for url, link in links_a.items() if url not in links_b]
    changes += [Change("link-added", f"\"{link.get('title')}\"", None, url, clinical=False)
                for url, link in links_b.items() if url not in links_a]
    for url, link in links_b.items():
        if url in links_a:
            for part in ("title", "publisher"):
                if links_a[url].get(part) != link.get(part):
                    changes.append(Change("link", f"{url} {part}", str(links_a[url].get(part) or "(none)"),
                                          str(link.get(part) or "(none)"), clinical=False))
    return changes


def _slot_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """Local slots added to or removed from the text: clinical, as each brand's value (a ward's number, a
    care pathway) is then read, or no longer read, by the patient."""
    from leaflets.clinical import clinical_content
    from leaflets.slots import uses

    before, after = ({use.name for use in uses(clinical_content(d))} for d in (old, new))
    return ([Change("slot-removed", "{" + name + "}", "", None) for name in sorted(before - after)]
            + [Change("slot-added", "{" + name + "}", None, "") for name in sorted(after - before)])


def _cite(item: dict[str, Any]) -> str:
    freq = item.get("frequency")
    cite = freq.get("cite") if isinstance(freq, dict) else None
    if not isinstance(cite, dict):
        return "(none)"
    return f"source {cite.get('source')}: \"{cite.get('quote')}\""


def _cite_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """A figure's cite (source and quote) changed: for the record, as the patient reads the figure, not the
    quote, and a changed figure is already clinical."""
    changes = []
    for key in ("risks", "outcomes"):
        label = "name" if key == "risks" else "outcome"
        before = {_key(item.get(label)): item for item in _items(old, key)}
        for item in _items(new, key):
            match = before.get(_key(item.get(label)))
            if match is not None and _cite(match) != _cite(item):
                changes.append(Change("cite", f"\"{item.get(label)}\"", _cite(match), _cite(item), clinical=False))
    return changes


def _statement_changes(old: dict[str, Any], new: dict[str, Any]) -> tuple[list[Change], list[tuple[str, Any, Any]]]:
    """The leaflet's own statements: one added or removed (the trust's or built-in wording then applies, or
    no longer does) is for the record; the words are compared as any section's."""
    def own(data: dict[str, Any]) -> dict[str, Any]:
        value = data.get("statements")
        return value if isinstance(value, dict) else {}

    a, b = own(old), own(new)
    changes = [Change("statement-removed", name, "the trust's or built-in wording applies", None, clinical=False)
               for name in STATEMENTS if name in a and name not in b]
    changes += [Change("statement-added", name, None, "the leaflet's own wording", clinical=False)
                for name in STATEMENTS if name in b and name not in a]
    return changes, [(f"statements: {name}", a.get(name), b.get(name)) for name in STATEMENTS]


def _meta_changes(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    changes = [Change("meta", key, str(old.get(key, "(none)")), str(new.get(key, "(none)")), clinical=False)
               for key in META if old.get(key) != new.get(key)]
    if old.get("approval") != new.get("approval"):
        changes.append(Change("meta", "approval", _approval(old), _approval(new), clinical=False))
    return changes


def _approval(data: dict[str, Any]) -> str:
    approval = data.get("approval")
    if not isinstance(approval, dict):
        return "(none)"
    return f"{approval.get('name')}, {approval.get('role')}, {approval.get('date')}"


# --- the words ----------------------------------------------------------------------------------------


def _words(value: Any) -> list[str]:
    words: list[str] = []
    for text in strings(value, NOT_WORDS):
        words += text.split() + ["¶"]
    return words


def word_runs(old: Any, new: Any) -> list[tuple[str, str]]:
    """("=" | "-" | "+", words) runs between two pieces of text, long unchanged runs shortened to context."""
    a, b = _words(old), _words(new)
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("=", " ".join(a[i1:i2])))
        if op in ("delete", "replace"):
            runs.append(("-", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            runs.append(("+", " ".join(b[j1:j2])))
    return [(op, _shorten(text, first=index == 0, last=index == len(runs) - 1) if op == "=" else text)
            for index, (op, text) in enumerate(runs)]


def _shorten(text: str, *, first: bool, last: bool) -> str:
    words = text.split(" ")
    if len(words) <= 2 * CONTEXT_WORDS:
        return text
    head = [] if first else words[:CONTEXT_WORDS]
    tail = [] if last else words[-CONTEXT_WORDS:]
    return " ".join([*head, "…", *tail])


def _numbers(value: Any) -> Counter[str]:
    return Counter(n for text in strings(value, NOT_WORDS) for n in NUMBER.findall(text))


def _wording(units: list[tuple[str, Any, Any]]) -> tuple[list[Change], list[Wording]]:
    changes, wording = [], []
    for section, a, b in units:
        if _words(a) == _words(b):
            continue
        before, after = _numbers(a), _numbers(b)
        if before != after:
            changes.append(Change("numbers", section, ", ".join(sorted((before - after).elements())) or "(none)",
                                  ", ".join(sorted((after - before).elements())) or "(none)"))
        wording.append(Wording(section, word_runs(a, b)))
    return changes, wording


def compare(old: dict[str, Any], new: dict[str, Any], old_label: str = "old", new_label: str = "new",
            read_old: FigureReader | None = None, read_new: FigureReader | None = None) -> Diff:
    """The changes from ``old`` to ``new``; figure pictures are compared only when both readers are given."""
    risk_changes, risk_units = _risk_changes(old, new)
    alternative_changes, alternative_units = _alternative_changes(old, new)
    statement_changes, statement_units = _statement_changes(old, new)
    section_units = [(name, old.get(name), new.get(name)) for name in PROSE_SECTIONS]
    introduction = [("risks_introduction", old.get("risks_introduction"), new.get("risks_introduction"))]
    number_changes, wording = _wording(section_units[:5] + alternative_units + section_units[5:7] + introduction
                                       + risk_units + section_units[7:12] + statement_units + section_units[12:])
    changes = (risk_changes + _outcome_changes(old, new) + alternative_changes
               + _figure_changes(old, new, read_old, read_new) + _source_changes(old, new)
               + _urgent_and_contact(old, new) + _contact_changes(old, new) + _slot_changes(old, new)
               + number_changes + _further_changes(old, new) + statement_changes + _cite_changes(old, new)
               + _meta_changes(old, new))
    return Diff(old_label, new_label, changes, wording)


def diff_paths(old: str, new: str) -> Diff:
    (old_data, read_old), (new_data, read_new) = load_side_and_figures(old), load_side_and_figures(new)
    return compare(old_data, new_data, old, new, read_old, read_new)


# --- output -------------------------------------------------------------------------------------------

_COLOURS = {"-": "\x1b[31m", "+": "\x1b[32m", "head": "\x1b[1m", "end": "\x1b[0m"}


def text_report(diff: Diff, color: bool = False) -> str:
    def paint(kind: str, text: str) -> str:
        return f"{_COLOURS[kind]}{text}{_COLOURS['end']}" if color else text

    from leaflets.report import visible

    lines = [paint("head", f"Clinical diff: {visible(diff.old)} → {visible(diff.new)}")]
    clinical = [c for c in diff.changes if c.clinical]
    lines.append(f"Clinical changes ({len(clinical)}):" if clinical else "Clinical changes: none.")
    lines += [f"  {visible(c.message, newlines=False)}" for c in clinical]
    other = [c for c in diff.changes if not c.clinical]
    if other:
        lines.append("Other changes:")
        lines += [f"  {visible(c.message, newlines=False)}" for c in other]
    lines.append(f"Wording ({len(diff.wording)} section{'s' if len(diff.wording) != 1 else ''}):"
                 if diff.wording else "Wording: no changes.")
    for unit in diff.wording:
        parts = []
        for op, text in unit.runs:
            shown = visible(text, newlines=False)
            parts.append(shown if op == "=" else paint(op, f"[-{shown}-]" if op == "-" else f"{{+{shown}+}}"))
        lines += [f"  {visible(unit.section, newlines=False)}:", f"    {' '.join(parts)}"]
    verdict = ("clinical facts changed: this needs clinical sign-off" if diff.clinical
               else "only wording changed" if diff.changes or diff.wording else "no changes")
    lines.append(f"Result: {verdict}.")
    return "\n".join(lines) + "\n"


def json_report(diff: Diff) -> str:
    return json.dumps(diff.as_json(), indent=2, ensure_ascii=False) + "\n"


_STYLE = """body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.5rem}li{margin:.25rem 0}.clinical{color:#8a1c1c}del{background:#fdd;color:#6b0000}
ins{background:#dfd;color:#004d00;text-decoration:none}del,ins{padding:0 .15em}
.verdict{font-weight:700;padding:.5rem;border:2px solid}"""


def html_report(diff: Diff) -> str:
    """A standalone page to attach to a review: every value escaped, no script, no outside resource."""
    e = html.escape
    clinical = [c for c in diff.changes if c.clinical]
    other = [c for c in diff.changes if not c.clinical]
    verdict = ("Clinical facts changed: this needs clinical sign-off." if diff.clinical
               else "Only wording changed." if diff.changes or diff.wording else "No changes.")
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           f"<title>Clinical diff: {e(diff.old)} → {e(diff.new)}</title>", f"<style>{_STYLE}</style>", "</head>",
           "<body>", "<main>", f"<h1>Clinical diff: {e(diff.old)} → {e(diff.new)}</h1>",
           f'<p class="verdict">{e(verdict)}</p>', f"<h2>Clinical changes ({len(clinical)})</h2>"]
    out.append("<ul>" + "".join(f'<li class="clinical">{e(c.message)}</li>' for c in clinical) + "</ul>"
               if clinical else "<p>None.</p>")
    if other:
        out += ["<h2>Other changes</h2>", "<ul>" + "".join(f"<li>{e(c.message)}</li>" for c in other) + "</ul>"]
    out.append(f"<h2>Wording ({len(diff.wording)})</h2>")
    if not diff.wording:
        out.append("<p>No changes.</p>")
    for unit in diff.wording:
        tags = {"=": ("", ""), "-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")}
        body = " ".join(f"{tags[op][0]}{e(text)}{tags[op][1]}" for op, text in unit.runs)
        out += [f"<h3>{e(unit.section)}</h3>", f"<p>{body}</p>"]
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
