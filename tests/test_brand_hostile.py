"""Hostile brand folders: every file is read by a real parser for its kind, and bounded.

Each brand here is a copy of brands/default with one thing made hostile, built through the real
CLI: the build must refuse it with exit 2 and one message naming the file and the problem (or
the limit), with no traceback and nothing rendered.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import shutil
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT, brand_copy, run_cli

from leaflets.brand import MAX_FOLDER_BYTES, MAX_FONT_BYTES, MAX_ICC_BYTES, MAX_LOGO_BYTES

CONTENT = ROOT / "content" / "spinal-fusion" / "en.json"
SHIPPED_ICC = ROOT / "leaflets" / "render" / "icc" / "leaflets-fogra39-coated.icc"
REGULAR = "fonts/AtkinsonHyperlegibleNext_400Regular.ttf"
SVG_NS = "http://www.w3.org/2000/svg"
LOGO = f'<svg xmlns="{SVG_NS}" viewBox="0 0 10 10"><rect width="10" height="10" fill="#1d4f91"/></svg>'


def with_icc(data: dict[str, Any]) -> None:
    data["icc_profile"] = "press.icc"


def refused(cli: Any, folder: Path, tmp_path: Path, *words: str) -> str:
    """Build one leaflet with the brand in ``folder``: it must be refused, saying every one of ``words``."""
    out = tmp_path / "out"
    result = cli("build", CONTENT, "--brand", folder, "--out", out, "--format", "html")
    assert result.code == 2, result
    assert "Traceback" not in result.stderr and "Error" not in result.stderr.replace("Error: ", ""), result
    for word in words:
        assert word in result.stderr, (word, str(result))
    assert not out.exists() or not any(out.iterdir()), result
    return result.stderr


def built(cli: Any, folder: Path, tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "out"
    result = cli("build", CONTENT, "--brand", folder, "--out", out, "--format", "html", *extra)
    assert result.code == 0, result
    return out


def sparse(path: Path, size: int) -> None:
    """A file of ``size`` bytes that takes no disk space: only stat() may learn its size quickly."""
    with open(path, "wb") as stream:
        stream.truncate(size)


# --- the logo: a real XML parser, whatever the encoding ----------------------------------------------

def test_utf16_logo_with_a_stylesheet_instruction_is_refused(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<?xml-stylesheet href="http://example.org/x.css"?>\n' + LOGO
    (folder / "logo.svg").write_bytes(text.encode("utf-16"))
    refused(cli, folder, tmp_path, "logo.file logo.svg", "processing instruction <?xml-stylesheet")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_logo_with_an_external_doctype_is_refused(cli: Any, tmp_path: Path, encoding: str) -> None:
    folder = brand_copy(tmp_path)
    text = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
            '"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n' + LOGO)
    (folder / "logo.svg").write_bytes(text.encode(encoding))
    refused(cli, folder, tmp_path, "logo.file logo.svg", "DOCTYPE")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_logo_with_billion_laughs_is_refused(cli: Any, tmp_path: Path, encoding: str) -> None:
    folder = brand_copy(tmp_path)
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    text = (f'<?xml version="1.0" encoding="{encoding.upper()}"?>\n<!DOCTYPE svg [{entities}]>\n'
            + LOGO.replace("</svg>", "<title>&a9;</title></svg>"))
    (folder / "logo.svg").write_bytes(text.encode(encoding))
    refused(cli, folder, tmp_path, "logo.file logo.svg", "DOCTYPE")


def test_logo_nested_too_deep_is_refused(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "logo.svg").write_text(LOGO.replace("<rect", "<g>" * 5000 + "<rect").replace("</svg>", "</g>" * 5000
                                                                                            + "</svg>"))
    refused(cli, folder, tmp_path, "logo.file logo.svg", "nested more than 64 deep")


@pytest.mark.slow
def test_published_logo_is_the_checked_tree_not_the_bytes_given(cli: Any, tmp_path: Path) -> None:
    """A UTF-16 logo with a comment builds; the web pages get it as UTF-8, re-serialised, comment gone."""
    folder = brand_copy(tmp_path)
    text = '<?xml version="1.0" encoding="UTF-16"?>\n<!-- made by hand -->\n' + LOGO
    (folder / "logo.svg").write_bytes(text.encode("utf-16"))
    published = (built(cli, folder, tmp_path) / "assets" / "logo.svg").read_bytes()
    assert published.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg"')
    assert b"made by hand" not in published and b'fill="#1d4f91"' in published
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["outputs"] if e["path"] == "assets/logo.svg")
    assert entry["sha256"] == hashlib.sha256(published).hexdigest()


# --- the ICC profile: a real ICC reader ----------------------------------------------------------------

def _profile(kind: str) -> bytes:
    from PIL import ImageCms

    shipped = SHIPPED_ICC.read_bytes()
    if kind in ("sRGB", "LAB"):
        return ImageCms.ImageCmsProfile(ImageCms.createProfile(kind)).tobytes()
    if kind == "truncated":
        return shipped[:500]
    stub = bytearray(shipped[:128]) + bytes(4)  # the header of a CMYK output profile and no tags at all
    stub[0:4] = len(stub).to_bytes(4, "big")
    return bytes(stub)


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("sRGB", "a display (monitor) profile for RGB"),
        ("LAB", "an abstract profile for Lab"),
        ("truncated", "truncated: its header says 246,992 bytes but it has 500"),
        ("stub", "cannot convert colour to ink (BToA)"),
    ],
)
def test_icc_profile_that_is_not_a_cmyk_output_profile(cli: Any, tmp_path: Path, kind: str, words: str) -> None:
    folder = brand_copy(tmp_path, with_icc)
    (folder / "press.icc").write_bytes(_profile(kind))
    refused(cli, folder, tmp_path, "icc_profile press.icc is not a usable CMYK output profile", words)


@pytest.mark.slow
def test_the_shipped_profile_is_a_usable_brand_profile(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, with_icc)
    shutil.copy(SHIPPED_ICC, folder / "press.icc")
    built(cli, folder, tmp_path)


def test_icc_profile_over_its_limit(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, with_icc)
    sparse(folder / "press.icc", MAX_ICC_BYTES + 1)
    refused(cli, folder, tmp_path, 'icc_profile "press.icc" is 10,485,761 bytes', "limit of 10 MiB")


# --- fonts: fontTools ---------------------------------------------------------------------------------

def _font(kind: str) -> bytes:
    regular = (ROOT / "brands" / "default" / REGULAR).read_bytes()
    if kind == "ttcf":
        return b"ttcf\x00\x01\x00\x00\xff\xff\xff\xff" + bytes(64)
    if kind == "truncated":
        return regular[:5000]
    if kind == "maxp":
        from fontTools.ttLib import TTFont

        font = TTFont(io.BytesIO(regular))
        offset = font.reader.tables["maxp"].offset + 4  # maxp.numGlyphs: far more glyphs than hmtx describes
        return regular[:offset] + b"\xff\xff" + regular[offset + 2:]
    return random.Random(8).randbytes(4096)


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("ttcf", "it is a font collection (TTC)"),
        ("truncated", "table runs past the end of the file: it is truncated"),
        ("maxp", "not enough 'hmtx' table data"),
        ("random", "not a TrueType or OpenType font"),
    ],
)
def test_font_that_does_not_parse_is_refused(cli: Any, tmp_path: Path, kind: str, words: str) -> None:
    folder = brand_copy(tmp_path)
    (folder / REGULAR).write_bytes(_font(kind))
    refused(cli, folder, tmp_path, f"typeface file {REGULAR}", words)


def test_font_over_its_limit(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    sparse(folder / REGULAR, MAX_FONT_BYTES + 1)
    refused(cli, folder, tmp_path, f'typeface.regular "{REGULAR}" is 20,971,521 bytes', "limit of 20 MiB")


def test_typeface_family_with_css_in_it(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path, lambda d: d["typeface"].__setitem__("family", '"); } body { color: red'))
    refused(cli, folder, tmp_path, "brand.json", "typeface.family", "letters, digits, spaces")


# --- symbolic links and sizes ---------------------------------------------------------------------------

def test_any_symlink_leaving_the_folder_is_refused(cli: Any, tmp_path: Path) -> None:
    """Even one brand.json does not name: the renderer and the build's fingerprint would follow it."""
    folder = brand_copy(tmp_path)
    sparse(tmp_path / "huge.bin", 3 * 1024**3)
    os.symlink(tmp_path / "huge.bin", folder / "fonts" / "extra.ttf")
    refused(cli, folder, tmp_path, "fonts/extra.ttf is a symbolic link that leads outside the brand folder")


def test_brand_json_as_a_symlink_out_of_the_folder(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "brand.json").rename(tmp_path / "elsewhere.json")
    os.symlink(tmp_path / "elsewhere.json", folder / "brand.json")
    refused(cli, folder, tmp_path, "brand.json is a symbolic link that leads outside the brand folder")


@pytest.mark.slow
def test_a_symlink_that_stays_inside_is_allowed(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    (folder / "art").mkdir()
    (folder / "logo.svg").rename(folder / "art" / "logo.svg")
    os.symlink(Path("art") / "logo.svg", folder / "logo.svg")
    assert (built(cli, folder, tmp_path) / "assets" / "art" / "logo.svg").is_file()


def test_logo_over_its_limit_is_refused_without_reading_it(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    sparse(folder / "logo.svg", 59 * 1024 * 1024)
    assert MAX_LOGO_BYTES == 1024 * 1024
    refused(cli, folder, tmp_path, 'logo.file "logo.svg" is 61,865,984 bytes', "limit of 1 MiB")


def test_brand_json_over_its_limit(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    data = (folder / "brand.json").read_text(encoding="utf-8")
    (folder / "brand.json").write_text(data + " " * 256 * 1024, encoding="utf-8")
    refused(cli, folder, tmp_path, "brand.json is", "limit of 256 KiB")


def test_folder_over_its_limit_names_the_largest_file(cli: Any, tmp_path: Path) -> None:
    folder = brand_copy(tmp_path)
    sparse(folder / "artwork.psd", MAX_FOLDER_BYTES + 1)
    refused(cli, folder, tmp_path, "limit of 100 MiB", "the largest file is artwork.psd (104,857,601 bytes)")


# --- preflight: the output intent's profile --------------------------------------------------------------

@pytest.fixture(scope="module")
def print_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("print")
    result = run_cli("build", CONTENT, "--out", out, "--format", "pdf", "--profile", "print")
    assert result.code == 0, result
    return out / "spinal-fusion.en.print.pdf"


def _swap_profile(source: Path, target: Path, profile: bytes) -> Path:
    import pikepdf

    with pikepdf.open(source) as pdf:
        intent = pdf.Root.OutputIntents[0]
        intent.DestOutputProfile.write(profile)
        pdf.save(target)
    return target


@pytest.mark.slow
def test_preflight_passes_the_shipped_output_profile(cli: Any, print_pdf: Path) -> None:
    result = cli("preflight", print_pdf, "--format", "json")
    assert result.code == 0, result
    assert "PP016" not in result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "words"), [("sRGB", "display (monitor) profile"), ("truncated", "truncated")])
def test_preflight_reports_an_unusable_output_profile(cli: Any, print_pdf: Path, tmp_path: Path, kind: str,
                                                      words: str) -> None:
    bad = _swap_profile(print_pdf, tmp_path / f"{kind}.pdf", _profile(kind))
    result = cli("preflight", bad, "--format", "json")
    assert result.code == 1, result
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "PP016"]
    assert len(findings) == 1, result
    assert "not a usable CMYK output profile" in findings[0]["message"] and words in findings[0]["message"]
    assert findings[0]["pointer"] == "/Root/OutputIntents[0]/DestOutputProfile"
