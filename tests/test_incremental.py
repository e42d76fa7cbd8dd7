"""Output keys, the reuse decision and the shard partition (fast, no rendering). The builds that use
them are tested through the CLI in tests/test_build_incremental.py."""

from __future__ import annotations

import collections
import hashlib
import json
import shutil
from pathlib import Path

import pytest
from conftest import ROOT

from leaflets import incremental, shards
from leaflets.errors import UsageError

KEY = {"brand_sha256": "b" * 64, "source": "content/spinal-fusion/en.json", "source_sha256": "c" * 64,
       "kind": "print", "draft": False, "crop_marks": False, "booklet": False, "toolchain": "t" * 64}


def test_canonical_is_one_byte_string_per_value():
    assert incremental.canonical({"b": 1, "a": ["é", True]}) == incremental.canonical({"a": ["é", True], "b": 1})
    assert incremental.canonical({"a": "é"}) == b'{"a":"\\u00e9"}'


@pytest.mark.parametrize("change", [
    {"brand_sha256": "d" * 64}, {"source": "content/spinal-fusion/fr.json"}, {"source_sha256": "e" * 64},
    {"kind": "screen"}, {"draft": True}, {"crop_marks": True}, {"booklet": True}, {"toolchain": "u" * 64},
])
def test_every_input_of_a_print_pdf_changes_its_key(change):
    assert incremental.output_key(**KEY | change) != incremental.output_key(**KEY)


def test_options_an_output_ignores_leave_its_key():
    """The web page ignores crop marks and the booklet; only the print PDF is padded for a booklet."""
    web = KEY | {"kind": "html"}
    assert incremental.output_key(**web | {"crop_marks": True, "booklet": True}) == incremental.output_key(**web)
    screen = KEY | {"kind": "screen"}
    assert incremental.output_key(**screen | {"booklet": True}) == incremental.output_key(**screen)


def test_a_path_is_keyed_the_same_on_every_platform():
    assert incremental.output_key(**KEY | {"source": "content\\x"}) != incremental.output_key(**KEY)  # not a separator
    assert incremental.output_key(**KEY | {"source": "content/./spinal-fusion/en.json"}) == \
        incremental.output_key(**KEY)


def test_folder_fingerprint_changes_with_any_file_but_not_the_folder_s_place(tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    shutil.copytree(ROOT / "brands" / "default", one)
    shutil.copytree(ROOT / "brands" / "default", two)
    assert incremental.folder_fingerprint(str(one)) == incremental.folder_fingerprint(str(two))
    (two / "fonts").mkdir(exist_ok=True)
    (two / "fonts" / "extra.txt").write_text("x")
    assert incremental.folder_fingerprint(str(one)) != incremental.folder_fingerprint(str(two))
    (two / "fonts" / "extra.txt").unlink()
    data = json.loads((two / "brand.json").read_text())
    (two / "brand.json").write_text(json.dumps(data, indent=4))  # the same brand, other bytes
    assert incremental.folder_fingerprint(str(one)) != incremental.folder_fingerprint(str(two))


def test_the_toolchain_covers_the_package_s_templates_and_skips_its_caches(tmp_path):
    package = tmp_path / "leaflets"
    shutil.copytree(incremental.PACKAGE, package, ignore=shutil.ignore_patterns("__pycache__"))
    before = incremental.folder_fingerprint(str(package), ("__pycache__",))
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "cli.cpython-311.pyc").write_bytes(b"compiled")
    assert incremental.folder_fingerprint(str(package), ("__pycache__",)) == before
    css = package / "templates" / "print.css"
    css.write_text(css.read_text() + "\n/* a template edit */\n")
    assert incremental.folder_fingerprint(str(package), ("__pycache__",)) != before


def test_the_toolchain_names_the_renderers_versions():
    versions = incremental.library_versions()
    import weasyprint

    assert versions["weasyprint"] == weasyprint.__version__
    assert versions["pango"] != "missing"  # WeasyPrint could not run without it
    assert len(incremental.toolchain_sha256()) == 64


def _output(tmp_path: Path, name: str, data: bytes, key: str) -> dict:
    (tmp_path / name).write_bytes(data)
    return {"path": name, "sha256": hashlib.sha256(data).hexdigest(), "key": key}


def test_reuse_needs_the_key_and_the_file_s_hash(tmp_path):
    previous = {e["path"]: e for e in [_output(tmp_path, "a.print.pdf", b"print", "k"),
                                       _output(tmp_path, "a.booklet.pdf", b"booklet", "k")]}
    both = ["a.print.pdf", "a.booklet.pdf"]
    assert incremental.reusable(tmp_path, previous, "k", both) == [previous[p] for p in both]
    assert incremental.reusable(tmp_path, previous, "other", both) is None  # something it is made from changed
    assert incremental.reusable(tmp_path, previous, "k", both + ["a.html"]) is None  # a file never made
    (tmp_path / "a.booklet.pdf").write_bytes(b"edited")
    assert incremental.reusable(tmp_path, previous, "k", both) is None  # one of its files changed on disk
    (tmp_path / "a.booklet.pdf").unlink()
    (tmp_path / "a.booklet.pdf").symlink_to(tmp_path / "a.print.pdf")
    assert incremental.reusable(tmp_path, previous, "k", both) is None  # not a file leaflets wrote


def test_only_a_finished_manifest_offers_outputs_to_reuse(tmp_path):
    manifest = tmp_path / "manifest.json"
    entry = {"path": "a.html", "sha256": "0" * 64, "key": "k"}
    manifest.write_text(json.dumps({"tool": "leaflets", "outputs": [entry]}))
    assert incremental.previous_entries(manifest) == {"a.html": entry}
    manifest.write_text(json.dumps({"tool": "leaflets", "in_progress": True, "outputs": [],
                                    "earlier_outputs": [entry]}))
    assert incremental.previous_entries(manifest) == {}
    manifest.write_text("{not json")
    assert incremental.previous_entries(manifest) == {}


# --- the shard partition ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [("1/2", (1, 2)), (" 2 / 2 ", (2, 2)), ("1/1", (1, 1))])
def test_shard_parses_i_of_n(text, expected):
    shard = shards.Shard.parse(text)
    assert (shard.index, shard.count) == expected
    assert shard.manifest == f"manifest.shard-{expected[0]}-of-{expected[1]}.json"


@pytest.mark.parametrize("text", ["0/2", "3/2", "1", "a/b", "1/0", "-1/2", "1/100000"])
def test_shard_refuses_what_is_not_i_of_n(text):
    with pytest.raises(UsageError, match=r"--shard .*write it as I/N"):
        shards.Shard.parse(text)


NAMES = [(f"procedure-{p}", language) for p in range(400) for language in ("en", "fr", "de", "pl", "ur")]


def test_every_leaflet_is_in_exactly_one_shard():
    for count in (1, 2, 7):
        owners = [[i for i in range(1, count + 1) if shards.Shard(i, count).owns(*name)] for name in NAMES]
        assert all(len(found) == 1 for found in owners)


def test_shards_are_balanced_at_scale():
    """2,000 leaflets over 8 shards: each shard within 15 % of the mean (random buckets: ± √250 ≈ 6 %)."""
    sizes = collections.Counter(shards.bucket(*name, 8) for name in NAMES)
    assert set(sizes) == set(range(8))
    assert max(sizes.values()) <= 1.15 * len(NAMES) / 8 and min(sizes.values()) >= 0.85 * len(NAMES) / 8


def test_a_leaflet_s_shard_moves_only_to_a_new_shard_when_shards_are_added():
    """From N to N+1 shards, a leaflet either stays or moves to the new shard, and about 1/(N+1) move."""
    moved = 0
    for name in NAMES:
        before, after = shards.bucket(*name, 9), shards.bucket(*name, 10)
        assert after in (before, 9)
        moved += after != before
    assert 0.05 < moved / len(NAMES) < 0.15


def test_a_name_guessed_from_the_path_is_partitioned_like_the_name():
    shard = shards.Shard(1, 3)
    assert all(shard.owns("?" + leaflet_id, language) == shard.owns(leaflet_id, language)
               for leaflet_id, language in NAMES[:50])


def test_the_partition_is_fixed():
    """The partition is part of the CI contract (a cached shard folder stays valid): it never changes silently."""
    assert [shards.bucket(f"procedure-{p}", "en", 4) for p in range(12)] == \
        [shards.jump_hash(int.from_bytes(hashlib.sha256(f"procedure-{p}.en".encode()).digest()[:8], "big"), 4)
         for p in range(12)]
    # the published algorithm's values (as ClickHouse's jumpConsistentHash tests give them)
    assert [shards.jump_hash(key, buckets) for key, buckets in [(1, 1), (42, 57), (256, 1024), (3735883980, 1),
                                                                (3735883980, 666), (16045690984833335023, 255)]] \
        == [0, 43, 520, 0, 361, 237]
