"""`leaflets import` and content format v2: pictures become figures where they stood (with the document's
alt text, or a TODO one validate reports), within the figure limits; a contact section's named numbers
become contact.others when every line reads so, and stay text when not.

Every .docx is built here with python-docx, every picture with Pillow (or by hand, for a hostile header),
and every case runs the real CLI and reads the files it wrote.
"""

from __future__ import annotations

import base64
import io
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import docx
from conftest import run_cli
from PIL import Image

TODAY = {"LEAFLETS_TODAY": "2026-12-01"}
ALT = "A hand seen from the palm side, with a short cut across the wrist where the nerve is freed."


def picture_bytes(kind: str = "PNG", size: tuple[int, int] = (6, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, kind)
    return buffer.getvalue()


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` × ``height`` pixels (and holds almost none): a decompression bomb's
    shape, which must be refused from the header alone."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")


def imported(tmp_path: Path, source: Path, *args: str) -> tuple[Any, Path]:
    content = tmp_path / "content"
    content.mkdir(exist_ok=True)
    result = run_cli("import", source, "--content", content, *args, env=TODAY)
    assert result.code == 0 and "Traceback" not in result.stderr, result
    return result, content / "carpal-tunnel-release"


def word_with_pictures(path: Path, pictures: list[tuple[str, bytes, str | None]],
                       contact: list[str] | None = None) -> Path:
    """A Word leaflet with a picture under each named heading (a description set as Word's alt text when given)."""
    document = docx.Document()
    document.add_paragraph("Carpal tunnel release", style="Title")
    document.add_paragraph("This leaflet is for people who are having a carpal tunnel release.")
    for heading, blob, alt in pictures:
        document.add_heading(heading, level=1)
        document.add_paragraph("The surgeon makes a small cut in the palm.")
        shape = document.add_picture(io.BytesIO(blob))
        if alt is not None:
            shape._inline.docPr.set("descr", alt)
    if contact is not None:
        document.add_heading("Who to contact", level=1)
        document.add_paragraph("Contact the team treating you.")
        for line in contact:
            document.add_paragraph(line, style="List Bullet")
    document.save(path)
    return path


def figures_in(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, dict):
        return ([value["figure"]] if "figure" in value else []) + [f for v in value.values() for f in figures_in(v)]
    return [f for v in value for f in figures_in(v)] if isinstance(value, list) else []


def test_word_pictures_become_figures_where_they_stood_with_their_alt_text(tmp_path: Path):
    png, jpeg, gif = picture_bytes(), picture_bytes("JPEG"), picture_bytes("GIF")
    source = word_with_pictures(tmp_path / "leaflet.docx", [
        ("About the operation", png, ALT), ("Preparing for the operation", jpeg, "Picture 1"),
        ("After the operation", gif, None)])
    result, folder = imported(tmp_path, source)
    data = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert data["procedure"][-1] == {"figure": {"file": "en-figure-1.png", "alt": ALT}}
    assert (folder / "en-figure-1.png").read_bytes() == png
    [prepared] = figures_in(data["preparation"])
    assert prepared["file"] == "en-figure-2.jpg" and (folder / "en-figure-2.jpg").read_bytes() == jpeg
    assert prepared["alt"].startswith("TODO: describe what the picture shows") and '"Picture 1"' in prepared["alt"]
    assert figures_in(data) == [data["procedure"][-1]["figure"], prepared]  # the GIF is no figure
    assert (folder / "en-figure-3.gif").read_bytes() == gif
    notes = (folder / "en.unmapped.md").read_text(encoding="utf-8")
    assert "`en-figure-3.gif` (no alt text)" in notes and "en-figure-1.png" not in notes
    out = result.stdout
    assert "en-figure-1.png, a figure in procedure" in out and "en-figure-2.jpg, a figure in preparation" in out
    assert "en-figure-3.gif (not placed" in out
    # validate reports the TODO alt text at its place; the document's own alt text passes; every file is usable
    found = json.loads(run_cli("validate", folder / "en.json", "--format", "json", env=TODAY).stdout)["findings"]
    at = {(f["pointer"], f["code"]) for f in found}
    assert ("/preparation/1/figure/alt", "LH001") in at
    assert not [p for p, _ in at if p.startswith("/procedure/1/figure/alt")]
    assert not [f for f in found if f["code"] in ("LM020", "LH020") or f["code"].startswith("LS")], found


def test_pictures_over_the_figure_limits_are_not_extracted(tmp_path: Path):
    source = word_with_pictures(tmp_path / "leaflet.docx", [("About the operation", huge_png_header(9000, 9000), ALT)])
    result, folder = imported(tmp_path, source)
    assert "picture not extracted: a PNG picture of 9,000 × 9,000 pixels, over the 40,000,000" in result.stdout, result
    assert not list(folder.glob("*figure*"))
    data = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert not figures_in(data)
    bomb = word_with_pictures(tmp_path / "bomb.docx", [("About the operation", huge_png_header(60000, 60000), ALT)])
    result, _ = imported(tmp_path, bomb, "--force")
    assert "claiming more pixels than Pillow opens" in result.stdout, result


def html_page(body: str) -> str:
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Carpal tunnel release</title></head>
<body><h1>Carpal tunnel release</h1><p>This leaflet is for people who are having a carpal tunnel release.</p>
{body}</body></html>"""


def test_html_data_pictures_become_figures_and_nothing_is_fetched(tmp_path: Path):
    png = picture_bytes()
    inline = base64.b64encode(png).decode("ascii")
    page = tmp_path / "leaflet.html"
    page.write_text(html_page(f"""<h2>About the operation</h2><p>The surgeon makes a small cut in the palm.</p>
<img src="data:image/png;base64,{inline[:40]}
{inline[40:]}" alt="{ALT}">
<img src="https://example.org/hand.png" alt="A remote picture of a hand">
<img src="data:image/png;base64,!!not-base64!!" alt="{ALT}">
<img src="data:image/svg+xml;base64,{base64.b64encode(b'<svg/>').decode()}" alt="{ALT}">"""), encoding="utf-8")
    result, folder = imported(tmp_path, page)
    data = json.loads((folder / "en.json").read_text(encoding="utf-8"))
    assert figures_in(data) == [{"file": "en-figure-1.png", "alt": ALT}]
    assert (folder / "en-figure-1.png").read_bytes() == png
    assert "never fetches" in result.stdout and "https://example.org/hand.png" in result.stdout
    assert "base64 is damaged" in result.stdout
    assert "a data: picture of type image/svg+xml, which is not extracted" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["en-figure-1.png", "en.json", "en.unmapped.md"]


def test_a_contact_list_of_named_numbers_becomes_other_numbers(tmp_path: Path):
    source = word_with_pictures(tmp_path / "leaflet.docx", [], contact=[
        "Hand unit: 020 7946 0140", "Hand therapy: hand.therapy@example.org or (020) 7946-0141",
        "Patient advice (PALS): https://example.org/pals"])
    _, folder = imported(tmp_path, source)
    contact = json.loads((folder / "en.json").read_text(encoding="utf-8"))["contact"]
    assert contact["text"] == ["Contact the team treating you."]
    assert contact["others"] == [
        {"name": "Hand unit", "phone": "020 7946 0140"},
        {"name": "Hand therapy", "phone": "020 7946 0141", "email": "hand.therapy@example.org"},
        {"name": "Patient advice (PALS)", "web": "https://example.org/pals"}]
    validate = run_cli("validate", folder / "en.json", "--format", "json", env=TODAY)
    assert "/contact/others" not in validate.stdout, validate


def test_a_contact_list_that_does_not_read_cleanly_stays_text(tmp_path: Path):
    lines = ["Hand unit: 020 7946 0140", "Out of hours: ring the hospital switchboard and ask for the hand surgeon"]
    source = word_with_pictures(tmp_path / "leaflet.docx", [], contact=lines)
    _, folder = imported(tmp_path, source)
    contact = json.loads((folder / "en.json").read_text(encoding="utf-8"))["contact"]
    assert "others" not in contact and contact["text"] == ["Contact the team treating you.", {"list": lines}]


def test_an_html_contact_table_gives_each_number_what_it_is_for_and_its_hours(tmp_path: Path):
    page = tmp_path / "leaflet.html"
    page.write_text(html_page("""<h2>Contact us</h2><table>
<tr><th>Who</th><th>Number</th><th>When to call</th><th>Open</th></tr>
<tr><td>Hand unit</td><td>020 7946 0140</td><td>Worries about your wound</td><td>Any time, day or night</td></tr>
<tr><td>Hand therapy</td><td>hand.therapy@example.org</td><td>Exercises and splints</td>
<td>Monday to Friday, 9am to 5pm</td></tr></table>"""), encoding="utf-8")
    _, folder = imported(tmp_path, page)
    contact = json.loads((folder / "en.json").read_text(encoding="utf-8"))["contact"]
    assert contact["others"] == [
        {"name": "Hand unit", "for": "Worries about your wound", "phone": "020 7946 0140",
         "hours": "Any time, day or night"},
        {"name": "Hand therapy", "for": "Exercises and splints", "email": "hand.therapy@example.org",
         "hours": "Monday to Friday, 9am to 5pm"}]
    validate = run_cli("validate", folder / "en.json", "--format", "json", env=TODAY)
    assert "/contact/others" not in validate.stdout, validate
