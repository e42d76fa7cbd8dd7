"""A brand's logo refers to nothing outside itself: attributes, styles and processing instructions
that would reach another file or the network are refused when the brand loads (the web pages
publish the logo file as it is)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from leaflets.brand import BrandError, load_brand

ROOT = Path(__file__).resolve().parent.parent
SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">{}</svg>'


@pytest.mark.parametrize(
    ("logo", "words"),
    [
        (SVG.format('<rect width="10" height="10" filter="url(http://127.0.0.1:9/f#x)"/>'), "refers to another"),
        (SVG.format('<rect width="10" height="10" mask="url(https://example.org/m#m)"/>'), "refers to another"),
        (SVG.format('<rect width="10" height="10" clip-path=" URL(other.svg#c)"/>'), "refers to another file"),
        (SVG.format('<rect width="10" height="10" style="mask:\\75 rl(http://example.org/m)"/>'), "CSS escape"),
        ('<?xml-stylesheet type="text/css" href="http://127.0.0.1:9/evil.css"?>' + SVG.format(""),
         "processing instruction <?xml-stylesheet"),
    ],
)
def test_logo_references_outside_itself_are_refused(tmp_path: Path, logo: str, words: str) -> None:
    folder = tmp_path / "shop"
    shutil.copytree(ROOT / "brands" / "default", folder)
    (folder / "logo.svg").write_text(logo, encoding="utf-8")
    with pytest.raises(BrandError) as caught:
        load_brand(str(folder))
    message = str(caught.value)
    assert "logo.file logo.svg" in message and words in message, message


def test_a_logo_may_still_refer_to_its_own_parts(tmp_path: Path) -> None:
    folder = tmp_path / "shop"
    shutil.copytree(ROOT / "brands" / "default", folder)
    body = ('<defs><clipPath id="c"><rect width="5" height="5"/></clipPath></defs>'
            '<rect width="10" height="10" fill="#1d4f91" clip-path="url(#c)"/>')
    (folder / "logo.svg").write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + SVG.format(body), encoding="utf-8")
    assert 'clip-path="url(#c)"' in load_brand(str(folder)).logo_svg()
