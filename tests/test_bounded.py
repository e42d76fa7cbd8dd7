"""Hostile and runaway inputs cost seconds and a bounded number of findings, never a hang or an
out-of-memory kill: a megabyte of doubled words, CR-only line endings, a FIFO, a PDF with a million
operators, a stream that inflates to a gigabyte, forms nested to draw ten million paths, a structure
tree that loops.

Every command runs as a subprocess with a timeout: a regression fails instead of hanging the suite.
No test times anything; bench/ measures speed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import zlib
from pathlib import Path

import pikepdf
import pytest
from conftest import FIXTURES, run_cli
from test_rules import TODAY, build

from leaflets.content import MAX_BYTES
from leaflets.rules import MAX_PER_FIELD

HANG_GUARD = 120  # seconds: far beyond what any of these takes now, far below what they took before
KNEE = FIXTURES / "validate" / "knee-arthroscopy" / "en.json"


def findings(result) -> list[dict]:
    assert "Traceback" not in result.stderr, result
    return json.loads(result.stdout)["findings"]


def write_leaflet(folder: Path, edit: dict) -> Path:
    relative, data = build(edit)
    target = folder / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


# --- validate: many findings in one field ----------------------------------------------------------


@pytest.mark.slow
def test_a_megabyte_of_doubled_words_is_checked_quickly_and_reported_once_per_field(tmp_path):
    relative, data = build({})
    room = MAX_BYTES - len(json.dumps(data, indent=2, ensure_ascii=False).encode()) - 1000
    words = room // len("the ")
    data["summary"] = " ".join(["the"] * words)
    target = tmp_path / relative
    target.parent.mkdir(parents=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    assert MAX_BYTES - 2000 < target.stat().st_size <= MAX_BYTES  # as large as the loader accepts

    result = run_cli("validate", "--format", "json", ".", cwd=tmp_path, env=TODAY, timeout=HANG_GUARD)
    doubled = [f for f in findings(result) if f["code"] == "LH004"]
    assert len(doubled) == MAX_PER_FIELD + 1, result
    assert {f["pointer"] for f in doubled} == {"/summary"}
    more = [f for f in doubled if "more like this" in f["message"]]
    assert len(more) == 1, doubled
    counted = int(re.search(r"and ([\d,]+) more", more[0]["message"])[1].replace(",", ""))
    assert words // 3 < counted + MAX_PER_FIELD <= words  # every "the the" pair, less the ones listed
    listed = sorted(f["column"] for f in doubled if f is not more[0])
    assert more[0]["column"] > listed[-1]  # the count sits after the findings it continues

    text = run_cli("validate", ".", cwd=tmp_path, env=TODAY, timeout=HANG_GUARD)
    assert text.code == 1 and "Traceback" not in text.stderr  # LS007: the summary is far too long
    assert text.stdout.count(" LH004 ") == MAX_PER_FIELD + 1, text


MANY_DOUBLED = {"set": {"/preparation/0": " ".join(["Take the the pill."] * 15)}}  # 15 LH004, no other


def test_findings_of_one_rule_in_one_field_are_capped_with_a_count(tmp_path):
    write_leaflet(tmp_path, MANY_DOUBLED)
    result = run_cli("validate", "--format", "json", ".", cwd=tmp_path, env=TODAY, timeout=HANG_GUARD)
    doubled = [f for f in findings(result) if f["code"] == "LH004"]
    assert len(doubled) == MAX_PER_FIELD + 1, result
    assert doubled[-1]["message"].startswith(f"and {15 - MAX_PER_FIELD} more like this"), doubled[-1]
    assert all(f["severity"] == "warning" and f["pointer"] == "/preparation/0" for f in doubled)


def test_a_suppression_still_silences_a_capped_field_and_counts_as_used(tmp_path):
    edit = {"set": {**MANY_DOUBLED["set"], "/suppressions": [
        {"rule": "LH004", "pointer": "/preparation/0", "reason": "Testing a suppression of a capped field."}]}}
    write_leaflet(tmp_path, edit)
    result = run_cli("validate", "--format", "json", ".", cwd=tmp_path, env=TODAY, timeout=HANG_GUARD)
    assert result.code == 0 and findings(result) == [], result


def test_a_suppression_elsewhere_leaves_the_capped_field_and_is_reported_unused(tmp_path):
    edit = {"set": {**MANY_DOUBLED["set"], "/suppressions": [
        {"rule": "LH004", "pointer": "/summary", "reason": "Testing a suppression that matches nothing."}]}}
    write_leaflet(tmp_path, edit)
    result = run_cli("validate", "--format", "json", ".", cwd=tmp_path, env=TODAY, timeout=HANG_GUARD)
    codes = [f["code"] for f in findings(result)]
    assert codes.count("LH004") == MAX_PER_FIELD + 1 and codes.count("LX002") == 1, result


def test_a_finding_after_escapes_points_at_its_character(tmp_path):
    text = 'Read the \\"caf\\u00e9\\" sign \\ud83d\\ude00 and tell the the nurse.'
    target = write_leaflet(tmp_path, {"set": {"/preparation/0": json.loads(f'"{text}"')}})
    raw = target.read_text(encoding="utf-8")
    lines = raw.split("\n")
    line = next(number for number, source in enumerate(lines, start=1) if "the the nurse" in source)
    column = lines[line - 1].index("the the nurse") + len("the ") + 1
    result = run_cli("validate", "--format", "json", ".", cwd=tmp_path, env=TODAY, timeout=HANG_GUARD)
    doubled = [f for f in findings(result) if f["code"] == "LH004"]
    assert [(f["line"], f["column"]) for f in doubled] == [(line, column)], result


# --- line endings ---------------------------------------------------------------------------------


def _knee_with(tmp_path: Path, name: str, newline: str, old: str, new: str) -> tuple[Path, int]:
    """The knee fixture with ``old`` made ``new`` and its lines ended by ``newline``; and the line changed."""
    text = KNEE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    line = text[: text.index(old)].count("\n") + 1
    target = tmp_path / name / "knee-arthroscopy" / "en.json"
    target.parent.mkdir(parents=True)
    target.write_bytes(text.replace(old, new).replace("\n", newline).encode("utf-8"))
    return target, line


@pytest.mark.parametrize("name,newline", [("cr", "\r"), ("crlf", "\r\n"), ("lf", "\n")])
def test_line_numbers_are_right_with_any_line_ending(tmp_path, name, newline):
    target, line = _knee_with(tmp_path, name, newline, "thin camera", "thin <b>camera</b> the the")
    result = run_cli("validate", "--format", "json", name, cwd=tmp_path, timeout=HANG_GUARD)
    places = {f["code"]: (f["line"], f["column"]) for f in findings(result)}
    assert places["LS006"][0] == line and places["LH004"][0] == line, result  # schema and rule findings
    source = target.read_text(encoding="utf-8").replace(newline, "\n").split("\n")[line - 1]
    assert places["LH004"][1] == source.index("</b> the the") + len("</b> the ") + 1, result

    text = run_cli("validate", name, cwd=tmp_path, timeout=HANG_GUARD)  # the excerpt shows that line
    assert re.search(rf"^\s*{line} \| .*<b>camera</b>", text.stdout, re.M), text


def test_invalid_json_in_a_file_with_cr_line_endings_names_the_right_line(tmp_path):
    _, line = _knee_with(tmp_path, "cr", "\r", '"status": "draft",', '"status": "draft",,')
    result = run_cli("validate", "--format", "json", "cr", cwd=tmp_path, timeout=HANG_GUARD)
    (invalid,) = findings(result)
    assert invalid["code"] == "LF006" and invalid["line"] == line, result


def test_a_line_separator_inside_a_string_does_not_shift_the_excerpt(tmp_path):
    """U+2028 may stand raw in a JSON string; str.splitlines() breaks there, editors and findings do not."""
    _, line = _knee_with(tmp_path, "ls", "\n", "with a thin camera", "with a thin <b>camera</b>")
    target = tmp_path / "ls" / "knee-arthroscopy" / "en.json"
    target.write_text(target.read_text(encoding="utf-8").replace("Knee arthroscopy", "Knee\u2028arthroscopy", 1),
                      encoding="utf-8")
    result = run_cli("validate", "ls", cwd=tmp_path, timeout=HANG_GUARD)
    assert re.search(rf"^\s*{line} \| .*<b>camera</b>", result.stdout, re.M), result


# --- preflight: what cannot be read or would never end -------------------------------------------


def test_preflight_refuses_a_fifo_promptly(tmp_path):
    fifo = tmp_path / "leaflet.pdf"
    os.mkfifo(fifo)
    result = run_cli("preflight", fifo, timeout=HANG_GUARD)  # before: blocked forever opening it
    assert result.code == 1 and "Traceback" not in result.stderr, result
    assert "PF001" in result.stdout and "not a regular file" in result.stdout, result


def _page_pdf(path: Path, content: bytes, *, tagged: bool = False, **stream: object) -> Path:
    """A one-page A4 PDF whose page content is ``content`` (stored as given, with ``stream``'s keys)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    pdf.pages[0].obj.Contents = pdf.make_stream(content, **stream)
    if tagged:
        pdf.Root.StructTreeRoot = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
        pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.save(path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return path


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """Deflate data that inflates to 1 GiB of zeros, made a megabyte at a time (about 1 MB itself)."""
    deflater, zeros = zlib.compressobj(9), bytes(1 << 20)
    return b"".join([deflater.compress(zeros) for _ in range(1024)] + [deflater.flush()])


def preflight(path: Path, *args: str) -> list[dict]:
    result = run_cli("preflight", "--format", "json", *args, path, timeout=HANG_GUARD)
    assert result.code == 1, result
    return findings(result)


def too_complex(found: list[dict]) -> list[dict]:
    return [f for f in found if f["code"] == "PF008"]


@pytest.mark.slow
def test_a_million_path_operators_in_a_small_pdf_are_too_complex_to_check(tmp_path):
    body = zlib.compress(b"0 0 m 1 1 l S\n" * 330_000, 9)
    path = _page_pdf(tmp_path / "paths.pdf", body, Filter=pikepdf.Name.FlateDecode)
    assert path.stat().st_size < 30_000
    (finding,) = too_complex(preflight(path, "--profile", "print"))
    assert finding["pointer"].startswith("page 1") and "too complex to check" in finding["message"], finding


@pytest.mark.slow
def test_operators_under_the_size_limit_are_counted_too(tmp_path):
    """150,000 operators in 300 kB: within the size limit, over the operator limit."""
    path = _page_pdf(tmp_path / "ops.pdf", b"n\n" * 150_000)
    (finding,) = too_complex(preflight(path, "--profile", "print"))
    assert "operators" in finding["message"], finding


@pytest.mark.slow
def test_pages_each_within_the_limits_are_limited_together(tmp_path):
    """Ten pages of 90,000 operators: each is within the page's limit; past the fifth, the file's is spent."""
    pdf = pikepdf.new()
    content = pdf.make_stream(b"n\n" * 90_000)
    for _ in range(10):
        pdf.add_blank_page(page_size=(595, 842))
        pdf.pages[-1].obj.Contents = content
    pdf.save(tmp_path / "pages.pdf")
    (finding,) = too_complex(preflight(tmp_path / "pages.pdf", "--profile", "print"))
    assert finding["pointer"] == "pages 6–10 / content" and "pages up to here" in finding["message"], finding


@pytest.mark.slow
@pytest.mark.parametrize("profile", ["print", "screen"])
def test_a_stream_that_inflates_to_a_gigabyte_is_too_complex_to_check(tmp_path, bomb, profile):
    path = _page_pdf(tmp_path / "bomb.pdf", bomb, tagged=True, Filter=pikepdf.Name.FlateDecode)
    (finding,) = too_complex(preflight(path, "--profile", profile))
    assert finding["pointer"].startswith("page 1") and "decodes to over" in finding["message"], finding


@pytest.mark.slow
def test_flate_inside_ascii85_is_measured_not_guessed(tmp_path, bomb):
    """Older exporters wrap Flate in ASCII85: an ordinary page so written is checked, a bomb is not."""
    filters = pikepdf.Array([pikepdf.Name.ASCII85Decode, pikepdf.Name.FlateDecode])
    paths = "".join(f"{i % 577} {i % 811} m {i % 293} {i % 751} l S\n" for i in range(25_000))
    ordinary = zlib.compress(paths.encode(), 9)  # 500 kB and 75,000 operators: within the limits
    assert len(ordinary) * 1032 > 1024 * 1024  # what the worst case of Flate alone would have refused
    for name, deflated, flagged in (("ordinary", ordinary, False), ("bomb", bomb, True)):
        wrapped = base64.a85encode(deflated, adobe=True)
        path = _page_pdf(tmp_path / f"{name}.pdf", wrapped, Filter=filters)
        assert bool(too_complex(preflight(path, "--profile", "print"))) is flagged, name


@pytest.mark.slow
def test_metadata_that_inflates_to_a_gigabyte_is_not_read(tmp_path, bomb):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    # no /Type /Metadata: qpdf would write a stream so marked decoded, to keep it readable
    pdf.Root.Metadata = pdf.make_stream(bomb, Subtype=pikepdf.Name.XML, Filter=pikepdf.Name.FlateDecode)
    path = tmp_path / "meta.pdf"
    pdf.save(path, compress_streams=False, fix_metadata_version=False,
             stream_decode_level=pikepdf.StreamDecodeLevel.none)
    assert path.stat().st_size < 2 * len(bomb)  # still the bomb, not a gigabyte on disk
    (finding,) = too_complex(preflight(path, "--profile", "auto"))
    assert finding["pointer"] == "/Root/Metadata", finding


@pytest.mark.slow
def test_an_output_profile_that_inflates_to_a_gigabyte_is_not_read(tmp_path, bomb):
    """PP016 opens the output intent's profile with LittleCMS: it must measure it before decoding it."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    profile = pdf.make_stream(bomb, N=4, Filter=pikepdf.Name.FlateDecode)
    pdf.Root.OutputIntents = pikepdf.Array([pikepdf.Dictionary(
        Type=pikepdf.Name.OutputIntent, S=pikepdf.Name.GTS_PDFX, OutputConditionIdentifier="FOGRA39",
        DestOutputProfile=profile)])
    path = tmp_path / "intent.pdf"
    pdf.save(path, compress_streams=False, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    found = preflight(path, "--profile", "print")
    (finding,) = [f for f in found if f["code"] == "PP016"]
    assert "once decoded, over the limit" in finding["message"], finding  # measured, not read whole


@pytest.mark.slow
def test_forms_nested_to_draw_ten_million_paths_are_too_complex_to_check(tmp_path):
    """Each form draws the one below it ten times, seven deep: 10**7 draws of the innermost."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    form = pdf.make_stream(b"0 0 m 1 1 l S\n", Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                           BBox=[0, 0, 10, 10])
    for _ in range(7):
        form = pdf.make_stream(b"/X Do\n" * 10, Type=pikepdf.Name.XObject, Subtype=pikepdf.Name.Form,
                               BBox=[0, 0, 10, 10], Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=form)))
    page = pdf.pages[0].obj
    page.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(X=form))
    page.Contents = pdf.make_stream(b"/X Do")
    pdf.save(tmp_path / "forms.pdf")
    (finding,) = too_complex(preflight(tmp_path / "forms.pdf", "--profile", "print"))
    assert "operators" in finding["message"], finding


def test_a_structure_tree_that_loops_is_reported(tmp_path):
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root))
    section = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Sect, P=document))
    document.K = pikepdf.Array([section])
    section.K = pikepdf.Array([document])  # the section holds its own parent
    root.K = document
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.save(tmp_path / "loop.pdf")
    loops = [f for f in preflight(tmp_path / "loop.pdf", "--profile", "screen") if f["code"] == "PU011"]
    assert len(loops) == 1 and "loops back" in loops[0]["message"], loops


def test_a_structure_tree_without_a_loop_is_not_reported(tmp_path):
    """The same tree with the loop cut, and one element reached twice (shared, not a loop)."""
    pdf = pikepdf.new()
    pdf.add_blank_page(page_size=(595, 842))
    root = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructTreeRoot))
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, P=root))
    section = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Sect, P=document))
    document.K = pikepdf.Array([section, section])
    root.K = document
    pdf.Root.StructTreeRoot = root
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    pdf.save(tmp_path / "tree.pdf")
    assert not [f for f in preflight(tmp_path / "tree.pdf", "--profile", "screen") if f["code"] == "PU011"]
