"""Fuzzing the real CLI: mutated content, mutated drafts and mutated brands.

Hypothesis mutates a shipped leaflet (a value anywhere replaced by a hostile string, a wrong type
or removed) and a brand's ``brand.json``, then runs ``leaflets validate`` and ``leaflets build
--draft`` as subprocesses. Whatever the input, each run must end with a message and an exit code
of 0, 1 or 2, never a traceback; nothing may be written outside ``--out`` (hostile ids aim at a
folder beside it, by relative and absolute path); and ``manifest.json`` must agree with the files.

The runs are bounded (a few dozen examples, HTML only for content) so CI stays fast; set
``LEAFLETS_FUZZ_EXAMPLES`` to run more by hand.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

EXAMPLES = int(os.environ.get("LEAFLETS_FUZZ_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])
SEED = ROOT / "content" / "pars-defect-repair" / "en.json"
BRAND = ROOT / "brands" / "default"
TODAY = {"LEAFLETS_TODAY": "2026-12-01"}

# Strings a hostile or careless writer could put anywhere. "{escape}" and "{absolute}" become paths
# to a folder beside --out, so a write through them is caught.
HOSTILE = [
    "../escape/x", "../../escape/x", "{absolute}/x", "{absolute}", "/", ".", "..", "a/b", "a\\b", "x\u0000y",
    "x" * 5000, "javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "http://127.0.0.1:9/x.png",
    "file:///etc/passwd", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"); } body { color: red',
    "{{ 7 * 7 }}", "{% raw %}", "\u202eevil", "\ufeff", "\r\n", "CON", "en/../../x", "é" * 300, "",
]


def _pointers(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield path
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _pointers(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _pointers(item, (*path, index))


def _mutate(document: Any, path: tuple[Any, ...], operation: str, value: Any) -> Any:
    if not path:
        return value if operation == "replace" else document
    parent = document
    for step in path[:-1]:
        parent = parent[step]
    if operation == "delete":
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return document


def _values(escape: Path) -> st.SearchStrategy[Any]:
    hostile = st.sampled_from([h.replace("{absolute}", str(escape)) for h in HOSTILE])
    scalars = st.one_of(hostile, st.text(max_size=40), st.integers(), st.floats(allow_nan=False), st.booleans(),
                        st.none())
    return st.one_of(hostile, hostile, scalars, st.lists(scalars, max_size=3),
                     st.dictionaries(st.text(max_size=8), scalars, max_size=3))


def _check_run(result: Any) -> None:
    assert result.code in (0, 1, 2), result
    assert "Traceback" not in result.stderr + result.stdout, result
    assert result.stderr.strip() or result.stdout.strip(), result  # something said, not a silent exit


def _check_out(root: Path, out: Path, allowed: set[Path]) -> None:
    """Nothing beside the inputs and --out; the manifest, if any, agrees with the files."""
    for path in root.rglob("*"):
        assert path == out or out in path.parents or path in allowed or any(a in path.parents for a in allowed), \
            f"written outside --out: {path}"
    manifest = out / "manifest.json"
    if manifest.exists():
        listed = json.loads(manifest.read_text(encoding="utf-8"))
        for entry in listed["outputs"]:
            relative = Path(entry["path"])
            assert not relative.is_absolute() and ".." not in relative.parts, entry["path"]
            target = out / relative
            assert target.resolve().is_relative_to(out.resolve()), entry["path"]
            assert hashlib.sha256(target.read_bytes()).hexdigest() == entry["sha256"], entry["path"]


def _leaflet_case(data: st.DataObject, draft: bool) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="leaflets-fuzz-") as folder:
        root = Path(folder)
        escape = root / "escape"  # what a hostile id aims at
        pointers = [p for p in _pointers(seed) if p]
        document = copy.deepcopy(seed)
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            path = data.draw(st.sampled_from(pointers + [("id",), ("language",)] * 4), label="where")
            operation = data.draw(st.sampled_from(["replace", "replace", "delete"]), label="how")
            try:
                document = _mutate(document, path, operation, data.draw(_values(escape), label="value"))
            except (KeyError, IndexError, TypeError):
                pass  # an earlier mutation removed the place
        source = root / "content" / "fuzzed" / "en.json"
        source.parent.mkdir(parents=True)
        source.write_text(json.dumps(document, ensure_ascii=data.draw(st.booleans(), label="ascii")),
                          encoding="utf-8")
        out = root / "out"
        _check_run(run_cli("validate", source, env=TODAY, timeout=120))
        args = ["build", source, "--out", out, "--format", "html", "--jobs", "1"] + (["--draft"] if draft else [])
        result = run_cli(*args, env=TODAY, timeout=120)
        _check_run(result)
        _check_out(root, out, {root / "content"})


@SETTINGS
@given(data=st.data())
def test_mutated_content_never_escapes_or_crashes(data: st.DataObject) -> None:
    _leaflet_case(data, draft=False)


@SETTINGS
@given(data=st.data())
def test_mutated_draft_content_never_escapes_or_crashes(data: st.DataObject) -> None:
    _leaflet_case(data, draft=True)


@SETTINGS
@given(data=st.data())
def test_mutated_brands_never_escape_or_crash(data: st.DataObject) -> None:
    seed = json.loads((BRAND / "brand.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="leaflets-fuzz-") as folder:
        root = Path(folder)
        escape = root / "escape"
        brand = root / "brand"
        shutil.copytree(BRAND, brand)
        document = copy.deepcopy(seed)
        pointers = [p for p in _pointers(seed) if p]
        for _ in range(data.draw(st.integers(1, 3), label="mutations")):
            path = data.draw(st.sampled_from(pointers), label="where")
            operation = data.draw(st.sampled_from(["replace", "replace", "delete"]), label="how")
            try:
                document = _mutate(document, path, operation, data.draw(_values(escape), label="value"))
            except (KeyError, IndexError, TypeError):
                pass
        (brand / "brand.json").write_text(json.dumps(document), encoding="utf-8")
        out = root / "out"
        result = run_cli("build", SEED, "--brand", brand, "--out", out, "--format", "html", "--draft", "--jobs", "1",
                         env=TODAY, timeout=120)
        _check_run(result)
        _check_out(root, out, {brand})
