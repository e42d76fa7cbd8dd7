"""The shortcuts that make a finding cheaper give what the plain ways gave: Finding's own __init__ (one
update of the instance dictionary) builds what the dataclass's generated one built; Context.get and
Context.items give what the token-by-token walk and the generator gave; rules._finding builds what
Document.finding did, with the same ``extra``."""

from __future__ import annotations

import copy
import dataclasses
import json
import pickle
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT

from leaflets import content
from leaflets.findings import Finding, Severity
from leaflets.rules import Hit, Rule, _finding, context
from leaflets.rules.context import Context


def _reference(*args: Any, **kwargs: Any) -> Finding:
    """A Finding as the dataclass's generated __init__ made it: each field set through object.__setattr__,
    in the fields' order, ``extra`` a new dict unless given."""
    names = [f.name for f in dataclasses.fields(Finding)]
    values = dict(zip(names, args, strict=False)) | kwargs
    values.setdefault("rule", "")
    values.setdefault("hint", "")
    values.setdefault("extra", {})
    finding = object.__new__(Finding)
    for name in names:
        object.__setattr__(finding, name, values[name])
    return finding


CASES = [
    (("f.json", 3, 7, "/risks/0", "LN001", Severity.WARNING, "a message"), {}),
    (("f.json", 3, 7, "/risks/0", "LN001", Severity.WARNING, "a message", "rule-name", "a hint"), {}),
    (("f.json", 0, 0, "", "LF006", Severity.ERROR, "bad"), {"rule": "invalid-json", "extra": {"pages": [1, 2]}}),
    ((), {"file": "f", "line": 1, "column": 1, "pointer": "/a~1b", "code": "LH004", "severity": Severity.INFO,
          "message": "m", "hint": "h", "extra": {"index": 0, "length": 3}}),
]


@pytest.mark.parametrize(("args", "kwargs"), CASES)
def test_a_finding_is_what_the_generated_init_made(args, kwargs):
    made, reference = Finding(*args, **kwargs), _reference(*args, **kwargs)
    assert list(made.__dict__.items()) == list(reference.__dict__.items())  # same values, same order
    assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
    assert made.to_dict() == reference.to_dict() and dataclasses.asdict(made) == dataclasses.asdict(reference)
    assert pickle.dumps(made) == pickle.dumps(reference)  # byte for byte: the state is the same dictionary
    assert pickle.loads(pickle.dumps(made)) == made and copy.deepcopy(made) == made
    assert dataclasses.astuple(made) == dataclasses.astuple(reference)


def test_a_finding_stays_frozen_and_replace_still_works():
    finding = Finding("f", 1, 2, "/a", "LR001", Severity.ERROR, "m", "r")
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.line = 9  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del finding.message  # type: ignore[misc]
    moved = dataclasses.replace(finding, line=5, severity=Severity.INFO)
    assert (moved.line, moved.severity, moved.column, moved.rule) == (5, Severity.INFO, 2, "r")
    assert moved.extra is finding.extra  # replace passes every field on, extra included, as it did
    assert dataclasses.replace(finding) == finding
    with pytest.raises(TypeError):
        Finding("f", 1, 2, "/a", "LR001", Severity.ERROR)  # type: ignore[call-arg]  # message is required
    with pytest.raises(TypeError):
        Finding("f", 1, 2, "/a", "LR001", Severity.ERROR, "m", colour="red")  # type: ignore[call-arg]
    assert Finding.__match_args__ == tuple(f.name for f in dataclasses.fields(Finding))


def test_each_finding_gets_an_extra_of_its_own_and_a_given_one_is_kept():
    first = Finding("f", 1, 1, "", "X", Severity.ERROR, "m")
    second = Finding("f", 1, 1, "", "X", Severity.ERROR, "m")
    first.extra["index"] = 4  # (filled in place, as the PDF checks and the rules do)
    assert second.extra == {} and first.extra is not second.extra
    given: dict[str, object] = {"pages": [2]}
    assert Finding("f", 1, 1, "", "X", Severity.ERROR, "m", extra=given).extra is given
    # an explicit None is kept, as the generated __init__ kept it (only a missing extra becomes a dict)
    assert Finding("f", 1, 1, "", "X", Severity.ERROR, "m", extra=None).extra is None  # type: ignore[arg-type]
    # extra takes no part in equality or hashing: two findings that differ there only are equal
    assert first == second and hash(first) == hash(second)


# --- Context.get and Context.items ---------------------------------------------------------------

def _get_plainly(data: Any, pointer: str, default: Any = None) -> Any:
    """Context.get as it was: every token unescaped, "in" and then []."""
    value = data
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return default
    return value


ODD_DATA = {"a/b": {"~": [10, None, {"x~y": "z"}]}, "~1": "tilde-one", "/": "slash", "n": None, "": {"": 0},
            "list": ["a", "b", "c"], "false": False}
ODD_POINTERS = ["", "/", "//", "/a~1b", "/a~1b/~0", "/a~1b/~0/1", "/a~1b/~0/2/x~0y", "/a~1b/~0/3", "/a~1b/~0/-1",
                "/~01", "/~1", "/~0", "/n", "/n/0", "/list/01", "/list/2", "/list/3", "/list/x", "/list/ 1",
                "/false", "/false/0", "/missing", "/missing/0", "no-leading-slash", "/list/0/0", "/a/b"]


def _pointers_of(value: Any, pointer: str = "") -> list[str]:
    out = [pointer]
    if isinstance(value, dict):
        for key, item in value.items():
            out += _pointers_of(item, pointer + "/" + content.pointer_escape(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            out += _pointers_of(item, f"{pointer}/{index}")
    return out


def _context(data: Any) -> Context:
    doc = content.Document(path=Path("x.json"), display="x.json", text=json.dumps(data), data=data)
    return Context(doc, {})


def test_get_gives_what_the_token_by_token_walk_gave():
    ctx = _context(ODD_DATA)
    marker = object()
    for pointer in ODD_POINTERS:
        assert ctx.get(pointer) is _get_plainly(ODD_DATA, pointer), pointer  # the very object in the data
        assert ctx.get(pointer, marker) is _get_plainly(ODD_DATA, pointer, marker), pointer
    # a value that is there and None is the value, not the default (the edge of the one-look-up shortcut)
    assert ctx.get("/n", marker) is None and ctx.get("/a~1b/~0/1", marker) is None
    assert ctx.get("/nothing", marker) is marker


LEAFLETS = sorted(ROOT.glob("content/*/*.json"))[:3] + sorted(FIXTURES.glob("corpus/*/en.json"))[:3]


@pytest.mark.parametrize("path", LEAFLETS)
def test_get_and_items_agree_with_the_plain_ways_on_leaflets(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    ctx = _context(data)
    for pointer in _pointers_of(data):
        for probe in (pointer, pointer + "/0", pointer + "/missing"):
            assert ctx.get(probe) is _get_plainly(data, probe), probe
            value = _get_plainly(data, probe)
            expected = [(f"{probe}/{i}", item) for i, item in enumerate(value)] if isinstance(value, list) else []
            pairs = list(ctx.items(probe))
            assert pairs == expected and all(a[1] is b[1] for a, b in zip(pairs, expected, strict=True)), probe


def test_items_of_an_escaped_pointer_and_of_what_is_not_a_list():
    ctx = _context(ODD_DATA)
    assert list(ctx.items("/a~1b/~0")) == [("/a~1b/~0/0", 10), ("/a~1b/~0/1", None), ("/a~1b/~0/2", {"x~y": "z"})]
    assert list(ctx.items("/list")) == [("/list/0", "a"), ("/list/1", "b"), ("/list/2", "c")]
    for pointer in ("/n", "/~1", "/missing", "/a~1b", "/false"):
        assert list(ctx.items(pointer)) == []
    many = _context({"l": list(range(12))})  # two-digit indexes
    assert [p for p, _ in many.items("/l")][-3:] == ["/l/9", "/l/10", "/l/11"]
    iterator = ctx.items("/list")
    assert next(iterator) == ("/list/0", "a")  # an iterator, as the generator was


# --- rules._finding --------------------------------------------------------------------------------

RULE = Rule("LH004", "doubled-word", Severity.WARNING, "s", "w", "y", "b", "g")


@pytest.mark.parametrize("hit", [
    Hit("/summary", "no index"),
    Hit("/summary", "index 0 is an index", index=0),
    Hit("/summary", "length 0 is left out", index=5, length=0),
    Hit("/summary", "with a length", index=5, length=3),
    Hit("/summary", "the hit's severity", index=2, severity=Severity.INFO),
    Hit("/nothing/here", "a pointer that is not there", index=1),
])
@pytest.mark.parametrize("level", [None, Severity.ERROR])
def test_finding_is_what_document_finding_made(hit, level):
    text = '{\n  "summary": "the the cat"\n}\n'
    doc = content.parse(content.Document(path=Path("x.json"), display="shown/x.json"), text.encode())
    ctx = Context(doc, {})
    made = _finding(ctx, RULE, hit, level)
    line, column = ctx.position(hit.pointer, hit.index)
    expected = doc.finding(RULE.code, hit.message, hit.pointer, severity=level or hit.severity or RULE.severity,
                           rule=RULE.name, line=line, column=column)
    if hit.index is not None:
        expected.extra["index"] = hit.index
        if hit.length:
            expected.extra["length"] = hit.length
    assert made == expected and made.to_dict() == expected.to_dict()
    assert list(made.extra.items()) == list(expected.extra.items())  # the same keys in the same order
    assert pickle.dumps(made) == pickle.dumps(expected)
    assert _finding(ctx, RULE, hit, level).extra is not made.extra  # a dict of its own each time


# --- Hit ---------------------------------------------------------------------------------------------

def _reference_hit(*args: Any, **kwargs: Any) -> Hit:
    """A Hit as the dataclass's generated __init__ made it."""
    names = [f.name for f in dataclasses.fields(Hit)]
    values = {"index": None, "severity": None, "length": None} | dict(zip(names, args, strict=False)) | kwargs
    hit = object.__new__(Hit)
    for name in names:
        object.__setattr__(hit, name, values[name])
    return hit


@pytest.mark.parametrize(("args", "kwargs"), [
    (("/a", "m"), {}),
    (("/a", "m", 0), {}),
    (("/a", "m", 4, Severity.INFO, 2), {}),
    (("/a", "m"), {"length": 3, "index": 1}),
    ((), {"pointer": "/b", "message": "n", "severity": Severity.ERROR}),
])
def test_a_hit_is_what_the_generated_init_made(args, kwargs):
    made, reference = Hit(*args, **kwargs), _reference_hit(*args, **kwargs)
    assert list(made.__dict__.items()) == list(reference.__dict__.items())
    assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
    assert pickle.dumps(made) == pickle.dumps(reference)
    assert dataclasses.replace(made, index=7) == dataclasses.replace(reference, index=7)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.index = 1  # type: ignore[misc]
    with pytest.raises(TypeError):
        Hit("/a")  # type: ignore[call-arg]


# --- Context.position: a string found by its own text ---------------------------------------------

def _walked(doc: content.Document) -> Context:
    """A context whose position() always walks (the way it had before the search)."""
    ctx = Context(doc, {})
    ctx.__dict__["_escaped_strings"] = None  # (the cached property, set: no string is found by its text)
    return ctx


def _loaded(text: str) -> content.Document:
    return content.parse(content.Document(path=Path("x.json"), display="x.json"), text.encode())


SEARCHED = [
    '{"a": "caf\\u00e9", "b": "café", "c": "café au lait"}',  # the same value written with an escape and without
    '{"q": "x \\"y", "h": "y", "k": "say \\"hi\\" now", "hi": "hi"}',  # a value found again at an escaped quote
    '{"name": "name", "list": ["one", "two", "one"], "x": {"y": "two"}}',  # the value again as a key, as an item
    '{"a": ", ", "b": "a", "c": [", ", "b"]}',  # a value found across two strings ("a", "b")
    '{"s": "\\\\", "t": "\\\\\\"", "u": "plain", "v": "\\\\\\\\"}',  # runs of backslashes before quotes
    '{"d": {"e": "same"}, "d2": "same", "f": "once", "~k": "tilde", "a/b": "slash"}',
    '{\r\n  "crlf": "line one",\r\n  "next": "line two"\r\n}',
    '{"x": "dup", "x": "other"}',  # a duplicate key: parse made a Scan, so nothing is searched
]


@pytest.mark.parametrize("source", list(range(len(SEARCHED))) + LEAFLETS)
def test_position_by_search_is_the_walks_position(source, monkeypatch):
    monkeypatch.setattr(context, "_SEARCHES", 10**9)  # every finding searched, however many
    text = SEARCHED[source] if isinstance(source, int) else source.read_text(encoding="utf-8")
    doc = _loaded(text)
    if doc.data is None:
        pytest.skip("not a leaflet the rules see")
    searched, walked = Context(doc, {}), _walked(_loaded(text))
    pointers = [p for p in _pointers_of(doc.data) if isinstance(searched.get(p), str)]
    pointers += ["/list/01", "/list/1/", "/~k", "/~0k", "/a~1b", "/nothing"]
    for pointer in pointers:
        value = searched.get(pointer)
        for index in {0, 1, len(value) if isinstance(value, str) else 3}:
            assert searched.position(pointer, index) == walked.position(pointer, index), (pointer, index)


def test_escaped_strings_are_found_from_each_backslash():
    ctx = Context(_loaded(SEARCHED[0]), {})
    assert ctx._escaped_strings == frozenset({"café"})  # the b and c values are written as they are
    assert Context(_loaded(SEARCHED[1]), {})._escaped_strings == frozenset({'x "y', 'say "hi" now'})
    assert Context(_loaded(SEARCHED[4]), {})._escaped_strings == frozenset({"\\", '\\"', "\\\\"})
    assert Context(_loaded(SEARCHED[7]), {})._escaped_strings is None  # duplicate keys: the walk only
    assert Context(_loaded('{"k\\u0065y": "v"}'), {})._escaped_strings == frozenset({"key"})  # a key too
    many = "{" + ", ".join(f'"k{i}": "\\u00e9{i}"' for i in range(70)) + "}"
    assert Context(_loaded(many), {})._escaped_strings is None  # too many to be worth it: the walk


def test_a_value_with_an_escape_elsewhere_is_walked_to():
    """The edge of the search: "café" is b's value, written plainly, and a's, written with an escape. Found
    once by its text it would be b's place, the wrong one for a."""
    doc = _loaded(SEARCHED[0])
    ctx = Context(doc, {})
    assert ctx.position("/a", 1) == (1, 9) and ctx.position("/b", 1) == (1, 27)  # the "a" of each


def test_only_the_first_findings_search_the_text_and_the_rest_walk_to_the_same_places():
    """A search reads the whole text: a leaflet with thousands of findings (a pasted megabyte) would be
    quadratic, so after context._SEARCHES findings the walk places them, and places them alike."""
    data = {"items": [f"sentence number {n} of many" for n in range(3 * context._SEARCHES)]}
    text = json.dumps(data, indent=2)
    searched, walked = Context(_loaded(text), {}), _walked(_loaded(text))
    for pointer in (f"/items/{n}" for n in range(3 * context._SEARCHES)):
        assert searched.position(pointer, 9) == walked.position(pointer, 9), pointer
    assert searched._searched == 3 * context._SEARCHES  # all counted; only the first _SEARCHES searched
