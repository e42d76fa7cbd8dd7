"""Local slots ({ward_phone}): one master leaflet, each brand filling in its own details.

The real CLI builds and validates leaflets whose text uses slots, against the shipped brands and
against copies of a brand with other slot values: the values reach every output, escaped as text; a
slot the brand does not fill refuses the leaflet, naming the brand, the slot and every place; a draft
marks it; validate reports a slot no known brand fills.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, ROOT, brand_copy, run_cli

from leaflets import slots

BASE = FIXTURES / "rules" / "base" / "carpal-tunnel-release" / "en.json"
TODAY = {"LEAFLETS_TODAY": "2026-06-01"}  # the base leaflet's dates are set against this day
CEMENT = ROOT / "content" / "cement-augmented-spinal-surgery" / "en.json"


def leaflet(tmp_path: Path, edit: Any = None, language: str = "en") -> Path:
    """The clean base leaflet at content/<id>/<language>.json under ``tmp_path``, after ``edit(data)``."""
    data = json.loads(BASE.read_text(encoding="utf-8"))
    data["language"] = language
    if edit is not None:
        edit(data)
    target = tmp_path / "content" / data["id"] / f"{language}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
    return target


def with_slots(**values: Any):
    def change(data: dict[str, Any]) -> None:
        data["slots"] = values
    return change


def line_col(path: Path, needle: str, occurrence: int = 0) -> tuple[int, int]:
    """Line and column (1-based) of the ``occurrence``-th ``needle`` in the file."""
    text = path.read_text(encoding="utf-8")
    at = -1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)


# --- the text: what is a slot, and what fill does ------------------------------------------------

def test_uses_finds_slots_in_every_text_field_but_not_in_codes_or_doubled_braces() -> None:
    data = {"id": "{x}", "title": "A {title_word}", "risks": [{"name": "{risk_name}", "description": ["{{lit}} {a1}"],
            "frequency": {"note": "{note_slot}", "band": "{band}"}}], "contact": {"web": "https://{host}/"}}
    found = [(u.pointer, u.name, u.index, u.length) for u in slots.uses(data)]
    assert found == [("/title", "title_word", 2, 12), ("/risks/0/name", "risk_name", 0, 11),
                     ("/risks/0/description/0", "a1", 8, 4), ("/risks/0/frequency/note", "note_slot", 0, 11)]


def test_fill_replaces_slots_unescapes_doubled_braces_and_records_the_edits() -> None:
    data = {"procedure": ["Call {ward_phone} now; {{ward_phone}} is text; {Not A Slot} too."]}
    filled, edits = slots.fill(data, {"ward_phone": "020 7946 0000"}.get, draft=False)
    assert filled["procedure"][0] == "Call 020 7946 0000 now; {ward_phone} is text; {Not A Slot} too."
    assert data["procedure"][0].startswith("Call {ward_phone}")  # the content itself is left as it was
    assert [(e.start, e.end, e.length) for e in edits["/procedure/0"]] == [(5, 17, 13), (23, 37, 12)]


def test_fill_refuses_an_unfilled_slot_unless_a_draft_which_shows_a_placeholder() -> None:
    data = {"title": "A", "procedure": ["Ask {ward_phone}."], "summary": "{ward_phone} and {pathway}"}
    with pytest.raises(slots.UnfilledSlots, match=r"\{ward_phone\} at /procedure/0, \{ward_phone\} at /summary"):
        slots.fill(data, {}.get, draft=False)
    filled, _ = slots.fill(data, {"pathway": "P"}.get, draft=True)
    assert filled["procedure"][0] == "Ask [slot not filled: ward_phone – see finding LL001]."


def test_moved_keeps_a_stretch_on_its_words_after_a_slot_of_another_length() -> None:
    text = "{a} is guaranteed. {b}"
    filled, edits = slots.fill({"p": [text]}, {"a": "Something long", "b": "x"}.get, draft=False)
    out = filled["p"][0]
    start, length = slots.moved(edits["/p/0"], text.index("guaranteed"), len("guaranteed"))
    assert out[start:start + length] == "guaranteed"
    start, length = slots.moved(edits["/p/0"], text.index("{b}"), 3)  # a stretch on a slot covers its value
    assert out[start:start + length] == "x"


@pytest.mark.parametrize("written,suggestion", [("{Ward Phone}", "ward_phone"), ("{ward-phone}", "ward_phone"),
                                                ("{ Home.Nursing }", "home_nursing")])
def test_near_misses_suggest_a_valid_name(written: str, suggestion: str) -> None:
    found = list(slots.near_misses({"procedure": [f"Call {written} now, or {{{{Kept As Text}}}}."]}))
    assert [(p, i, w, s) for p, i, w, s in found] == [("/procedure/0", 5, written, suggestion)]


def test_value_by_language_falls_back_to_the_primary_tag_only() -> None:
    values = {"one": "for all", "per": {"en": "English", "cy": "Cymraeg"}}
    assert slots.value_of(values, "one", "cy") == "for all"
    assert slots.value_of(values, "per", "en-GB") == "English"
    assert slots.value_of(values, "per", "cy") == "Cymraeg"
    assert slots.value_of(values, "per", "ar") is None  # never English in an Arabic leaflet


# --- the shipped content and brands ---------------------------------------------------------------

def test_the_cement_leaflet_leaves_its_hospital_specifics_to_slots_both_shipped_brands_fill() -> None:
    used = {use.name for use in slots.uses(json.loads(CEMENT.read_text(encoding="utf-8")))}
    assert {"home_nursing", "physiotherapy_plan"} <= used
    for brand in slots.known_brands():
        assert brand.name in {"default", "example-hospital"}
        assert all(brand.fills(name, "en") for name in used), (brand.name, used)
    assert "2 or 3 sessions a week" not in CEMENT.read_text(encoding="utf-8")  # one hospital's pathway, now a slot


@pytest.mark.slow
@pytest.mark.parametrize("brand", ["default", "example-hospital"])
def test_a_build_for_each_shipped_brand_puts_its_values_in_the_web_page_and_pdf(tmp_path: Path, brand: str) -> None:
    out = tmp_path / "out"
    result = run_cli("build", CEMENT, "--brand", brand, "--out", out, "--format", "html,pdf", "--profile", "screen")
    assert result.code == 0, result
    values = json.loads((ROOT / "brands" / brand / "brand.json").read_text(encoding="utf-8"))["slots"]
    page = (out / "cement-augmented-spinal-surgery.en.html").read_text(encoding="utf-8")
    pdf = subprocess.run(["pdftotext", "-layout", str(out / "cement-augmented-spinal-surgery.en.screen.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    pdf_words = " ".join(pdf.split())
    for name in ("home_nursing", "physiotherapy_plan"):
        value = values[name]
        assert page.count(value.replace("'", "&#39;")) >= 1, name
        assert " ".join(value.split()[:6]) in pdf_words, name
        assert "{" + name + "}" not in page and "{" + name + "}" not in pdf_words
    other = "example-hospital" if brand == "default" else "default"
    other_value = json.loads((ROOT / "brands" / other / "brand.json").read_text(encoding="utf-8"))["slots"]
    assert other_value["home_nursing"].replace("'", "&#39;") not in page


# --- building for a brand -------------------------------------------------------------------------

def slotted(data: dict[str, Any]) -> None:
    data["procedure"][0] = "After you go home, {home_nursing}"
    data["risks"][0]["management"][0] = "Keep the wound clean. Call {ward_phone} if it leaks."
    data["urgent_help"]["symptoms"][0] = "Your hand swells: call {ward_phone} at once."


def test_a_build_for_a_brand_that_leaves_a_slot_unfilled_is_refused_naming_every_place(tmp_path: Path) -> None:
    source = leaflet(tmp_path, slotted)
    brand = brand_copy(tmp_path, with_slots(home_nursing="A nurse will visit you."))
    out = tmp_path / "out"
    result = run_cli("build", source, "--brand", brand, "--out", out, "--format", "html", cwd=tmp_path, env=TODAY)
    assert result.code == 1, result
    assert "Traceback" not in result.stderr
    shown = str(source.relative_to(tmp_path))
    places = [(line_col(source, "{ward_phone}", n), pointer)
              for n, pointer in enumerate(["/risks/0/management/0", "/urgent_help/symptoms/0"])]
    for (line, column), pointer in places:
        lines = [ln for ln in result.stderr.splitlines() if ln.startswith(f"{shown}:{line}:{column}: LL001 error:")]
        assert len(lines) == 1, (line, column, result)
        assert 'brand "shop"' in lines[0] and "{ward_phone}" in lines[0] and f"at {pointer}" in lines[0]
        assert "shop/brand.json" in lines[0]
    assert "home_nursing" not in result.stderr  # filled: not a problem
    assert "refused 1 leaflet" in result.stderr
    assert not list(out.glob("carpal-tunnel-release.*"))  # nothing written for it


def test_a_build_whose_configuration_turns_the_rule_off_still_never_prints_braces(tmp_path: Path) -> None:
    source = leaflet(tmp_path, slotted)
    (tmp_path / "leaflets.toml").write_text('ignore = ["LL001"]\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", source, "--out", out, "--format", "html", cwd=tmp_path, env=TODAY)
    assert result.code == 1, result
    assert 'cannot be rendered for brand "default"' in result.stderr and "{ward_phone} at /urgent_help" in result.stderr
    assert not list(out.glob("carpal-tunnel-release.*"))


@pytest.mark.slow
def test_a_draft_build_marks_an_unfilled_slot_and_keeps_other_marks_on_their_words(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        slotted(data)
        data["procedure"][1] = "{home_nursing} The operation is guaranteed to work."

    source = leaflet(tmp_path, edit)
    brand = brand_copy(tmp_path, with_slots(home_nursing="A nurse from the hospital's own community team will visit."))
    out = tmp_path / "out"
    result = run_cli("build", source, "--brand", brand, "--out", out, "--format", "html", "--draft",
                     cwd=tmp_path, env=TODAY)
    assert result.code == 0, result
    page = (out / "carpal-tunnel-release.en.html").read_text(encoding="utf-8")
    marked = ('<mark class="finding">[slot not filled: ward_phone – see finding LL001] '
              '<span class="finding-code">LL001</span></mark>')
    assert page.count(marked) >= 2  # the risk's management (the page may show it twice) and the symptom
    assert "Your hand swells: call " + marked + " at once." in page
    # the claim after a longer value is still marked on its own word, not shifted by the slot
    assert re.search(r'community team will visit\. The operation is <mark class="finding">guaranteed '
                     r'<span class="finding-code">LC001</span></mark>', page.replace("&#39;", "'")), page


@pytest.mark.slow
def test_a_hostile_value_is_text_in_the_page(tmp_path: Path) -> None:
    """The brand schema refuses "<", so this value gets through it with the other characters HTML
    gives meaning to; the model-level test below tries "<script>" itself."""
    source = leaflet(tmp_path, slotted)
    hostile = 'Ring "Ward 7" & ask for Dr O\'Neil > reception; {ward_phone} stays as written'
    brand = brand_copy(tmp_path, with_slots(home_nursing=hostile, ward_phone="020 7946 0000 &amp;"))
    out = tmp_path / "out"
    result = run_cli("build", source, "--brand", brand, "--out", out, "--format", "html,txt", cwd=tmp_path,
                     env=TODAY)
    assert result.code == 0, result
    page = (out / "carpal-tunnel-release.en.html").read_text(encoding="utf-8")
    assert ("After you go home, Ring &#34;Ward 7&#34; &amp; ask for Dr O&#39;Neil &gt; reception; {ward_phone} "
            "stays as written") in page
    assert "020 7946 0000 &amp;amp;" in page  # an entity in a value is text too
    text = (out / "carpal-tunnel-release.en.txt").read_text(encoding="utf-8")
    assert hostile in text


def test_a_script_in_a_value_is_escaped_even_past_the_brand_schema() -> None:
    from leaflets import content
    from leaflets.brand import load_brand
    from leaflets.build import prepare
    from leaflets.render.html import render_web

    brand = dataclasses.replace(load_brand("default"), slots={"home_nursing": "<script>alert(1)</script>",
                                                                      "physiotherapy_plan": "<b>bold</b>"})
    requests = prepare(content.load(CEMENT), ["html"], brand, draft=False)
    assert not isinstance(requests, str), requests
    page = render_web(requests[0].leaflet, brand)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;b&gt;bold&lt;/b&gt;" in page


# --- the brand file -------------------------------------------------------------------------------

@pytest.mark.parametrize("slots_value,words", [
    ({"Ward Phone": "x"}, "name a slot with lower-case letters, digits and underscores"),
    ({"ward_phone": "<b>020</b>"}, 'no "<"'),
    ({"ward_phone": {"en": "ok", "cy": "<i>x</i>"}}, 'no "<"'),
    ({"ward_phone": {"english": "x"}}, "BCP 47 tag"),
    ({"ward_phone": {}}, "at least one language"),
    ({"ward_phone": "   "}, "not only spaces"),
    ({"ward_phone": 7}, "should be text or an object"),
])
def test_the_brand_schema_refuses_a_bad_slot_name_or_value(tmp_path: Path, slots_value: Any, words: str) -> None:
    brand = brand_copy(tmp_path, with_slots(**slots_value))
    result = run_cli("build", leaflet(tmp_path, slotted), "--brand", brand, "--out", tmp_path / "out", cwd=tmp_path,
                     env=TODAY)
    assert result.code == 2, result
    assert "shop/brand.json:" in result.stderr and words in result.stderr, result
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_per_language_values_fill_each_language_and_a_missing_one_is_named(tmp_path: Path) -> None:
    brand = brand_copy(tmp_path, with_slots(home_nursing={"en": "A nurse visits.", "cy": "Bydd nyrs yn ymweld."},
                                            ward_phone={"en": "020 7946 0000"}))
    english = leaflet(tmp_path, slotted)
    welsh = leaflet(tmp_path, slotted, language="cy")
    out = tmp_path / "out"
    result = run_cli("build", english, "--brand", brand, "--out", out, "--format", "html", cwd=tmp_path, env=TODAY)
    assert result.code == 0, result
    page = (out / "carpal-tunnel-release.en.html").read_text(encoding="utf-8")
    assert "After you go home, A nurse visits." in page and "call 020 7946 0000 at once" in page
    result = run_cli("validate", "--brand", brand, welsh, cwd=tmp_path, env=TODAY)
    assert result.code == 1, result
    ll = [line for line in result.stdout.splitlines() if " LL001 " in line]
    assert len(ll) == 2 and all('its "ward_phone" is given only in en, not in cy' in line for line in ll), result
    assert "home_nursing" not in result.stdout


# --- validate, with no brand chosen ---------------------------------------------------------------

def test_validate_reports_a_slot_no_known_brand_fills_naming_the_brands_looked_at(tmp_path: Path) -> None:
    source = leaflet(tmp_path, slotted)
    for cwd in (ROOT, tmp_path):  # from the project and from elsewhere: the shipped brands are found either way
        result = run_cli("validate", "--format", "json", source, cwd=cwd, env=TODAY)
        assert result.code == 1, result
        findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LL001"]
        assert [f["pointer"] for f in findings] == ["/risks/0/management/0", "/urgent_help/symptoms/0"]
        assert all(f["severity"] == "error" for f in findings)
        assert all("no known brand fills the slot {ward_phone}" in f["message"] for f in findings)
        assert all("looked at brands default and example-hospital in " in f["message"] for f in findings)
        line, column = line_col(source, "{ward_phone}")
        assert (findings[0]["line"], findings[0]["column"]) == (line, column)


def test_validate_warns_when_some_known_brands_fill_a_slot_and_others_do_not(tmp_path: Path) -> None:
    source = leaflet(tmp_path, slotted)
    filled = brand_copy(tmp_path, with_slots(home_nursing="x", ward_phone="y"), name="filled")
    empty = brand_copy(tmp_path, lambda data: data.pop("slots", None), name="empty")
    result = run_cli("validate", "--format", "json", "--brand", filled, "--brand", empty, source, cwd=tmp_path,
                     env=TODAY)
    assert result.code == 0, result  # warnings only
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LL001"]
    assert len(findings) == 3 and all(f["severity"] == "warning" for f in findings)
    assert all('brand(s) "empty"' in f["message"] and "would be refused" in f["message"] for f in findings)


def test_validate_refuses_a_brand_that_is_not_one(tmp_path: Path) -> None:
    result = run_cli("validate", "--brand", "no-such-brand", leaflet(tmp_path), cwd=tmp_path, env=TODAY)
    assert result.code == 2 and 'no brand "no-such-brand"' in result.stderr, result


def test_a_malformed_slot_name_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    source = leaflet(tmp_path, lambda d: d["procedure"].__setitem__(0, "Call {Ward Phone} today."))
    result = run_cli("validate", source, cwd=tmp_path, env=TODAY)
    assert result.code == 0, result
    line, column = line_col(source, "{Ward Phone}")
    assert f":{line}:{column}: LL002 warning: \"{{Ward Phone}}\" looks like a slot" in result.stdout
    assert "write {ward_phone}" in result.stdout


def test_a_brand_given_by_path_fills_the_slots_of_its_own_build(tmp_path: Path) -> None:
    """The rule checks the brand being built, not the brands folder: a brand kept outside it counts."""
    source = leaflet(tmp_path, slotted)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    brand = brand_copy(outside, with_slots(home_nursing="N.", ward_phone="020 7946 0000"), name="trust")
    result = run_cli("build", source, "--brand", brand, "--out", tmp_path / "out", "--format", "html",
                     cwd=tmp_path, env=TODAY)
    assert result.code == 0, result


@pytest.mark.slow
def test_changing_a_brand_value_renders_the_leaflet_again(tmp_path: Path) -> None:
    """An incremental build reuses unchanged outputs: a new slot value must not be one of them."""
    source = leaflet(tmp_path, slotted)
    brand = brand_copy(tmp_path, with_slots(home_nursing="First wording.", ward_phone="020 7946 0000"))
    out = tmp_path / "out"
    args = ("build", source, "--brand", brand, "--out", out, "--format", "html")
    assert run_cli(*args, cwd=tmp_path, env=TODAY).code == 0
    data = json.loads((brand / "brand.json").read_text(encoding="utf-8"))
    data["slots"]["home_nursing"] = "Second wording."
    (brand / "brand.json").write_text(json.dumps(data), encoding="utf-8")
    result = run_cli(*args, cwd=tmp_path, env=TODAY)
    assert result.code == 0 and "0 reused" in result.stdout, result
    page = (out / "carpal-tunnel-release.en.html").read_text(encoding="utf-8")
    assert "After you go home, Second wording." in page and "First wording." not in page


def test_a_brand_that_fills_a_used_slot_with_a_placeholder_is_an_error_naming_brand_and_value(tmp_path: Path) -> None:
    """LL003: a slot's value is printed like any sentence, but it lives in brand.json where no rule read it."""
    source = leaflet(tmp_path, slotted)
    unfinished = brand_copy(tmp_path, with_slots(home_nursing="A nurse visits daily.", ward_phone="TBC"),
                            name="unfinished")
    result = run_cli("validate", "--format", "json", "--brand", unfinished, source, cwd=tmp_path, env=TODAY)
    assert result.code == 1, result
    findings = [f for f in json.loads(result.stdout)["findings"] if f["code"] == "LL003"]
    assert len(findings) == 1 and findings[0]["severity"] == "error", findings  # once per brand and slot
    assert 'brand "unfinished" fills the slot {ward_phone} with "TBC"' in findings[0]["message"]
    finished = brand_copy(tmp_path, with_slots(home_nursing="A nurse visits daily.", ward_phone="020 7946 0000"),
                          name="finished")
    clean = run_cli("validate", "--format", "json", "--brand", finished, source, cwd=tmp_path, env=TODAY)
    assert not [f for f in json.loads(clean.stdout)["findings"] if f["code"] == "LL003"], clean
