"""The draft model: broken content renders with visible placeholders, valid content as before.

Fast: model and HTML only (the real CLI, PDFs and the browser are in test_model_draft_cli.py).
"""

from __future__ import annotations

import copy
import html.parser
import json
from pathlib import Path
from typing import Any

import pytest

from leaflets.brand import load_brand
from leaflets.model import BAD_FORMAT, EMPTY, MISSING, NOT_ALLOWED, WRONG_TYPE, ContentError, Leaflet, Placeholder
from leaflets.render.html import jsonld, plain, render_print, render_web
from leaflets.schema import SCHEMA_CODES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "model" / "sample.en.json"


def sample() -> dict[str, Any]:
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


def draft(data: dict[str, Any]) -> Leaflet:
    return Leaflet.from_data(data, source_sha256="0" * 64, draft=True, fallback_id="from-path",
                             fallback_language="en")


def strict(data: dict[str, Any]) -> Leaflet:
    return Leaflet.from_data(data, source_sha256="0" * 64)


def broken() -> dict[str, Any]:
    """One of each kind of breakage the task names."""
    data = sample()
    del data["disclaimer"]  # a missing required field
    data["last_reviewed"] = "2026-13-45"  # an ISO-looking date that is not one
    data["next_review"] = "23/11/26"  # a date in the wrong form
    del data["risks"][0]["frequency"]  # a risk without frequency
    data["title"] = 42  # a number where text should be
    del data["alternatives"]  # a missing required section (a list)
    del data["recovery"]  # a missing required section (an object)
    return data


def test_codes_are_the_schema_codes() -> None:
    names = {code: SCHEMA_CODES[code][0] for code in (MISSING, WRONG_TYPE, NOT_ALLOWED, EMPTY, BAD_FORMAT)}
    assert names == {"LS001": "missing-field", "LS003": "wrong-type", "LS004": "value-not-allowed",
                     "LS005": "empty", "LS006": "bad-format"}


@pytest.mark.parametrize("path", sorted((ROOT / "content").glob("*/*.json")) + [SAMPLE], ids=lambda p: p.parent.name)
def test_valid_content_gives_the_same_model_in_a_draft(path: Path) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    leaflet = draft(data)
    assert leaflet == strict(data)
    assert leaflet.placeholders == 0 and leaflet.gaps == ()
    assert "[missing" not in leaflet.all_text() and "[wrong type" not in leaflet.all_text()


def test_each_breakage_becomes_a_placeholder() -> None:
    leaflet = draft(broken())
    assert leaflet.disclaimer == "[missing: disclaimer – see finding LS001]"
    assert isinstance(leaflet.disclaimer, Placeholder)
    assert leaflet.title == "[wrong type: title is a number, not text – see finding LS003]"
    assert leaflet.last_reviewed is None and leaflet.next_review is None
    assert leaflet.last_reviewed_words.startswith("2026-13-45 [not a date: last_reviewed")
    assert "see finding LS006" in leaflet.last_reviewed_words
    assert leaflet.next_review_words.startswith("23/11/26 [not a date: next_review")
    assert leaflet.risks[0].frequency.words == "[missing: frequency – see finding LS001 at /risks/0/frequency]"
    assert not leaflet.risks[0].frequency.known
    assert leaflet.risks[1].frequency.words == strict(sample()).risks[1].frequency.words  # untouched risks as before
    assert leaflet.alternatives == () and leaflet.gap("alternatives") == "[missing: alternatives – see finding LS001]"
    assert [b.text for b in leaflet.recovery.hospital_stay] == ["[missing: recovery – see finding LS001]"]
    assert leaflet.placeholders == 7


def test_strict_model_still_refuses_broken_content() -> None:
    with pytest.raises((KeyError, TypeError, ValueError)):
        strict(broken())
    for edit in (lambda d: d.pop("disclaimer"), lambda d: d.update(title=42), lambda d: d["risks"][0].pop("frequency"),
                 lambda d: d.update(last_reviewed="23/11/26")):
        data = sample()
        edit(data)
        with pytest.raises((KeyError, TypeError, ValueError)):
            strict(data)
    data = sample()
    data["title"] = 42
    with pytest.raises(ContentError, match="wrong type: title"):
        strict(data)


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d["risks"][1]["frequency"]["rate"].update(percent_from="five"), "[unreadable: rate"),
    # v2: a band with no rate is a verbal-only frequency, which needs the note giving its reason
    (lambda d: d["risks"][1]["frequency"].pop("rate"),
     "Common (no figure). [missing: note – see finding LS001 at /risks/1/frequency/note]"),
    (lambda d: d["risks"][1]["frequency"].update(rate=[5, 10]), "[wrong type: rate is a list, not an object"),
    (lambda d: d["risks"][1]["frequency"]["rate"].update(kind="sometimes"), "[unreadable: rate"),
    (lambda d: d["risks"][1]["frequency"]["rate"].update(kind="up-to"), "[unreadable: rate"),  # up-to needs percent
    # what the draft cannot use is left out, and the figure is still shown
    (lambda d: d["risks"][1]["frequency"].update(per="hips", within=12, band="often"),
     "between 1 in 20 and 1 in 10 people (common)"),
    (lambda d: d["risks"][1]["frequency"].update(per=["eyes"], within=""), "between 1 in 20 and 1 in 10 people"),
    (lambda d: d["risks"][1].update(frequency="often"), "[wrong type: frequency is text, not an object"),
    (lambda d: d["risks"][3]["frequency"].pop("note"),
     "[missing: note – see finding LS001 at /risks/3/frequency/note]"),
])
def test_broken_frequencies(edit: Any, expected: str) -> None:
    data = sample()
    edit(data)
    words = [risk.frequency.words for risk in draft(data).risks]
    assert any(w.startswith(expected) for w in words), words


def test_broken_items_and_blocks() -> None:
    data = sample()
    data["risks"][2] = "Nerve damage"  # an item that is not an object: its fields show as missing
    data["condition"] = ["Fine.", 7, {"list": ["a", None]}]
    data["procedure"] = "One paragraph, not a list."
    data["urgent_help"]["symptoms"] = "fever"
    data["status"] = "final"
    data["id"] = 12
    data["sources"][0]["accessed"] = "yesterday"
    data["approval"]["date"] = "soon"
    leaflet = draft(data)
    assert leaflet.risks[2].name == "[missing: name – see finding LS001 at /risks/2/name]"
    assert leaflet.risks[2].frequency.words.startswith("[missing: frequency")
    assert leaflet.condition[1].text.startswith("[wrong type: condition[1] is a number, not a paragraph or a list")
    assert leaflet.condition[2].items[1].startswith("[wrong type: list[1] is null, not text")
    assert leaflet.procedure[0].text == "One paragraph, not a list."
    assert leaflet.procedure[1].text.startswith("[wrong type: procedure is text, not a list of paragraphs")
    assert leaflet.urgent_help.symptoms[0].startswith("[wrong type: symptoms is text, not a list")
    assert leaflet.status.startswith('[not allowed: status "final"') and not leaflet.approved
    assert leaflet.id == "from-path" and leaflet.gap("id").startswith("[wrong type: id is a number")
    assert leaflet.sources[0].accessed is None
    assert leaflet.approval is not None and leaflet.approval.date is None
    assert leaflet.approval.date_words.startswith("soon [not a date: date")


def test_a_draft_of_nothing_still_has_a_model() -> None:
    leaflet = Leaflet.from_data({}, source_sha256="0" * 64, draft=True, fallback_id="x", fallback_language="cy")
    assert (leaflet.id, leaflet.language) == ("x", "cy")
    assert leaflet.disclaimer.startswith("[missing: disclaimer")
    assert leaflet.gap("risks") and leaflet.gap("id") and leaflet.gap("language")
    html = render_web(leaflet, load_brand("default"), draft=True)
    assert html.count('<span class="missing">') >= 15


class _Collect(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attributes: list[str] = []
        self.missing_spans = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attributes += [value or "" for _, value in attrs]
        self.missing_spans += tag == "span" and ("class", "missing") in attrs
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


@pytest.mark.parametrize("brand_name", ["default", "example-hospital"])
def test_web_page_shows_placeholders_as_warnings_and_never_markup_in_attributes(brand_name: str) -> None:
    page = render_web(draft(broken()), load_brand(brand_name), draft=True)
    parsed = _Collect()
    parsed.feed(page)
    assert parsed.missing_spans >= 8
    assert not any("<" in value or "missing\"" in value for value in parsed.attributes)
    assert parsed.title.startswith("DRAFT: [wrong type: title is a number")
    assert ".missing {" in page and "dashed" in page  # styled, and not by colour alone
    assert '<span class="missing">[missing: disclaimer – see finding LS001]</span>' in page
    assert '<span class="missing">[missing: frequency – see finding LS001 at /risks/0/frequency]</span>' in page
    assert '<span class="missing">2026-13-45 [not a date: last_reviewed' in page
    assert '<p class="review">Last reviewed <span class="missing">2026-13-45 [not a date' in page  # no <time>
    assert '<div class="draft-mark"' in page
    data = json.loads(json.dumps(jsonld(draft(broken()), load_brand(brand_name))))
    assert data["lastReviewed"].startswith("2026-13-45")


def test_valid_page_has_no_placeholder_styles() -> None:
    page = render_web(strict(sample()), load_brand("default"), draft=True)
    assert ".missing" not in page and 'class="missing"' not in page


def test_raw_text_in_a_placeholder_is_escaped() -> None:
    data = sample()
    data["last_reviewed"] = "<script>alert(1)</script>"
    page = render_web(draft(data), load_brand("default"), draft=True)
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; [not a date" in page
    assert plain(draft(data).last_reviewed_words).startswith("<script>")


@pytest.mark.parametrize("profile", ["screen", "print"])
def test_print_html_shows_placeholders_and_keeps_css_strings_plain(profile: str) -> None:
    page = render_print(draft(broken()), load_brand("default"), profile=profile, draft=True)
    assert '<span class="missing">[missing: disclaimer – see finding LS001]</span>' in page
    assert "dcterms.modified" not in page  # no date to give
    css = page.split("<style>")[1].split("</style>")[0]
    # CSS strings carry no markup; the footer shortens a placeholder (shown whole in the page and the findings)
    # (the footer's dates keep together with no-break spaces)
    assert "<span" not in css and "Last reviewed 2026-13-45\u00a0[see\u00a0findings]" in css
    assert ".missing {" in css
    assert "<title>DRAFT: [wrong type: title is a number" in page
    valid = render_print(strict(sample()), load_brand("default"), profile=profile, draft=True)
    assert ".missing" not in valid and 'name="dcterms.modified" content="2026-11-23"' in valid


def test_copy_of_data_is_not_changed() -> None:
    data = broken()
    before = copy.deepcopy(data)
    draft(data)
    assert data == before
