"""The shortcuts that place findings (content.Locator, Context.position, rules.run) give the places the
plain ways give: Scan for every pointer, the index of escapes for a character in a string."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest
from conftest import FIXTURES, ROOT

from leaflets import content
from leaflets.config import Config
from leaflets.rules import MAX_PER_FIELD, Hit, content_rules, run
from leaflets.rules.context import Context, _escapes, _raw_offset

# Texts where a member pattern could go wrong: escaped keys (one decodes to "a", one to "a/b", one
# holds a quote and a colon), keys that need ~0 and ~1, duplicate keys whose values are containers (so
# the walk pauses at the first and must step over the second afresh), empty containers, numbers of
# every shape, strings that look like members, CRLF and lone CR line ends, and deep nesting.
ODD = [
    '{"\\u0061": 1, "a\\/b": {"x": [1, 2]}, "q\\"u:o": "v", "~t/": {"~": {"/": [[], {}]}}}',
    '{"d": {"x": 1}, "e": [1], "d": {"y": [2, {"z": 3}]}, "d": "last", "f": {"g": null}}',
    '{"n": [-0, 1.5e-3, 1E+2, -12.25, 0, 7], "t": [true, false, null], "s": ["\\"k\\": 1, ", "{[", "]}"]}',
    '\r\n{\r\n  "a": {\r\n    "b": [\r\n      "x\\ty",\r\n      {"c": "d"}\r\n    ]\r\n  },\r\n  "e": 2\r\n}\r\n',
    '{\r"a": [\r1,\r{"b": "c"}\r],\r"d": "e"\r}',
    '{"a": {"b": {"c": {"d": {"e": {"f": {"g": [[[["deep"]]]]}}}}}}, "z": [{}, [], "", 0]}',
    '{ }', '[ ]', '"just a string"', '[[], [[]], [{}], {"": {"": ""}}]',
    '{"": 1, " ": {" ": 2}, "e\\u0301": "\\ud83d\\ude00", "tab\\t": ["\\\\", "\\/"]}',
]
SHIPPED = sorted(ROOT.glob("content/*/*.json"))[:2] + sorted(FIXTURES.glob("corpus/*/en.json"))[:2]


def _expected(scan: content.Scan, pointers: list[str]) -> dict[str, tuple[int, int]]:
    """What the full scan says: the pointer's place, or its nearest ancestor's."""
    expected = {}
    for pointer in pointers:
        probe = pointer
        while probe and probe not in scan.positions:
            probe = probe.rsplit("/", 1)[0]
        expected[pointer] = scan.positions.get(probe, (1, 1))
    return expected


def _pointers(scan: content.Scan) -> list[str]:
    return list(scan.positions) + [p + "/missing" for p in scan.positions] + ["/nothing/0", "/0/9/9"]


@pytest.mark.parametrize("source", list(range(len(ODD))) + SHIPPED)
def test_the_locator_agrees_with_the_scan_in_any_order_asked(source):
    """The walk pauses at the member asked for and goes on later: the places must not depend on the
    order pointers are asked in (deep first, a later sibling first, a missing one between them)."""
    text = ODD[source] if isinstance(source, int) else source.read_text(encoding="utf-8")
    scan = content.Scan(text)
    pointers = _pointers(scan)
    if source == 1:  # under a duplicate key both name the first one's place, but Scan also records the
        pointers = [p for p in pointers if not p.startswith("/d/")]  # members of the later values (as ever)
    expected = _expected(scan, pointers)
    orders = [pointers, pointers[::-1], sorted(pointers, key=lambda p: (-p.count("/"), p))]
    shuffler = random.Random(20260601)
    for _ in range(5):
        orders.append(shuffler.sample(pointers, len(pointers)))
    for order in orders:
        locator = content.Locator(text)
        assert {p: locator.position(p) for p in order} == expected


@pytest.mark.parametrize("source", range(len(ODD)))
def test_value_offsets_are_where_each_value_starts(source):
    """value_offset is what Context.position counts characters from: the first character of the value
    (json's own scanner must read the same value from there), None for a pointer not in the text."""
    text = ODD[source]
    scan = content.Scan(text)
    decoder = json.JSONDecoder()
    data = decoder.decode(text)
    for pointer in scan.positions:
        if source == 1 and pointer.startswith("/d"):
            continue  # the first of two duplicate keys is placed, the data holds the last one's value
        offset = content.Locator(text).value_offset(pointer)
        assert offset is not None
        value = data
        for token in pointer.split("/")[1:]:
            token = token.replace("~1", "/").replace("~0", "~")
            value = value[int(token)] if isinstance(value, list) else value[token]
        assert decoder.raw_decode(text, offset)[0] == value
    assert content.Locator(text).value_offset("/not/there") is None


def test_the_value_of_the_member_a_walk_paused_at_is_stepped_over_when_it_goes_on():
    """Paused at "/a" (an object holding brackets in a string), then asked for "/b": the walk steps over
    "/a" first, whether or not "/a" itself was walked in between; "/b" is in the same place."""
    text = '{"a": {"x": [1, {"y": 2}], "w": "]}"}, "b": [3], "c": "]"}'
    expected = content.Scan(text).positions
    first = content.Locator(text)
    assert first.position("/a") == expected["/a"] and first.position("/b") == expected["/b"]
    second = content.Locator(text)
    assert second.position("/a/zzz") == expected["/a"]  # "/a" walked to its end
    assert second.position("/b/0") == expected["/b/0"] and second.position("/a/x/1/y") == expected["/a/x/1/y"]
    assert second.position("/c") == expected["/c"] and second.position("/d") == expected[""]


def test_broken_text_never_raises_and_stops_at_the_break():
    """Locator is only given text json.loads accepted; a broken one (cut anywhere) must still not raise."""
    whole = (FIXTURES / "corpus" / "carpal-tunnel-release" / "en.json").read_text(encoding="utf-8")
    pointers = _pointers(content.Scan(whole))[:60] + ["/risks/0/frequency", "/benefits/9"]
    for cut in range(0, len(whole), 97):
        locator = content.Locator(whole[:cut] + '",]}x')
        for pointer in pointers:
            line, column = locator.position(pointer)
            assert line >= 1 and column >= 1
    for broken in ['{"a": 1 "b": 2}', '{"a" 1}', '{"a": [1,]}', '{"a": "\\x"}', '{"a": "b\nc", "d": 1}',
                   '{,"a": 1}', '{"a": NaN, "b": 1}', '{"a": 01, "b": 1}', '[1 2]', '{"a": tru}']:
        locator = content.Locator(broken)
        for pointer in ("/a", "/b", "/d", "/0", "/1", "/a/0"):
            assert locator.position(pointer) >= (1, 1)


@pytest.mark.parametrize("text", ['{\n"a": 1,\n"b": [\n2]}', '{\r\n"a": 1,\r\n"b": [\r\n2]}\r\n',
                                  '{\r"a": 1,\r"b": [\r2]}', '{\r\n"a": 1,\r"b": [\n2]}', '\r\n\r\n{}'])
def test_line_and_column_are_counted_as_editors_count_them(text):
    """LF and CRLF text is counted with str.count of "\\n"; a lone CR needs the table of line starts."""
    scan = content.Scan(text)
    for offset in range(len(text) + 1):
        assert content.Locator(text).line_col(offset) == scan.line_col(offset), offset
    many = content.Locator(text)  # past 32 places the table is built: the same answers
    assert [many.line_col(offset) for offset in range(len(text) + 1) for _ in range(3)] == \
        [scan.line_col(offset) for offset in range(len(text) + 1) for _ in range(3)]


def _slow_position(ctx: Context, pointer: str, index: int) -> tuple[int, int]:
    """Context.position's way for a string with escapes, used for every string."""
    locator = ctx.doc.locator
    offset = locator.value_offset(pointer)
    assert offset is not None
    return locator.line_col(_raw_offset(offset + 1, index, _escapes(ctx.doc.text, offset + 1)))


@pytest.mark.parametrize("value", ["plain text", 'a "quoted" word', "tab\there", "é and \u2028", "\U0001f600 x",
                                   "ends with a backslash \\", "\\n at start", "", "x"])
def test_a_character_in_a_string_is_placed_as_the_index_of_escapes_places_it(value):
    """Without an escape before the character the raw offset is the index itself; with one, the index of
    escapes counts it. Every index of the string, and one past its end, the same both ways."""
    for ensure_ascii in (False, True):
        text = '{"a": ' + json.dumps(value, ensure_ascii=ensure_ascii) + ', "b": ["' + "\\\\" + '", ' + \
            json.dumps(value, ensure_ascii=ensure_ascii) + "]}"
        doc = content.parse(content.Document(path=Path("a/en.json"), display="a.json"), text.encode())
        ctx = Context(doc, Config().thresholds)
        for pointer in ("/a", "/b/1"):
            for index in range(len(value) + 2):
                assert ctx.position(pointer, index) == _slow_position(ctx, pointer, index), (pointer, index)


@pytest.mark.parametrize("count", [MAX_PER_FIELD, MAX_PER_FIELD + 1])
def test_run_still_caps_a_field_and_asks_the_config_for_each_rule_and_path(monkeypatch, count):
    """run() calls _capped only past MAX_PER_FIELD hits and looks config.enabled up once per leaflet: the
    cap at its edge, the count finding and the question per rule and file are as before."""
    from leaflets import rules

    path = ROOT / "content" / "spinal-fusion" / "en.json"
    doc = content.load(path)
    many = [Hit("/summary", f"hit {n}") for n in range(count)]
    first, second = content_rules()[:2]
    monkeypatch.setattr(rules, "content_rules", lambda: [dataclasses.replace(first, check=lambda ctx: iter(many)),
                                                         dataclasses.replace(second, check=lambda ctx: iter(()))])
    asked: list[tuple[str, str]] = []

    class Counting(Config):
        def enabled(self, code, path=""):
            asked.append((code, str(path)))
            return True

    messages = [f.message for f in run(doc, Counting()) if f.pointer == "/summary"]
    assert asked == [(first.code, str(path)), (second.code, str(path))]
    if count == MAX_PER_FIELD:
        assert messages == [f"hit {n}" for n in range(count)]
    else:
        assert messages[:-1] == [f"hit {n}" for n in range(MAX_PER_FIELD)] and "and 1 more like this" in messages[-1]
    assert content_rules() == content_rules() and content_rules() is not content_rules()  # a new list each time


def test_a_scanned_document_places_a_pointer_without_a_slash_at_the_root():
    """Once a document has been scanned (a duplicate key was looked for), a pointer that does not start
    with "/" is placed at its nearest ancestor, the root; it once went round for ever ("a".rsplit("/")
    is "a" again)."""
    doc = content.Document(path=Path("x.json"), display="x.json", text='{\n  "a": {"b": 1}\n}\n')
    doc.scan  # noqa: B018  (the scanned path: every place known)
    assert doc.position("a") == (1, 1)
    assert doc.position("/a/c") == doc.position("/a") == (2, 3)
