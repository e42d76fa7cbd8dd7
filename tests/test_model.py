"""The leaflet model: frequencies and dates in words, text blocks, and every shipped leaflet."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest

from leaflets.model import (
    BulletList,
    Frequency,
    Leaflet,
    Paragraph,
    Rate,
    date_in_words,
    frequency_words,
    one_in,
    people,
    text_from,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "tests" / "fixtures" / "model" / "sample.en.json"


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(1, 100), (0.1, 1000), (5, 20), (33, 3), (10, 10), (0.01, 10000), (2, 50), (0.3, 330), (8, 13), (25, 4)],
)
def test_one_in(percent: float, expected: int) -> None:
    assert one_in(percent) == expected


@pytest.mark.parametrize(
    ("percent", "expected"),
    [(1, "1 in 100"), (0.1, "1 in 1,000"), (5, "1 in 20"), (33, "1 in 3"), (0.001, "1 in 100,000"),
     (40, "4 in 10"), (60, "6 in 10"), (45, "45 in 100"), (100, "10 in 10")],
)
def test_people(percent: float, expected: str) -> None:
    assert people(percent) == expected


@pytest.mark.parametrize("percent", [0.15, 1.5, 8, 15, 40, 45, 66, 0.07, 3, 33])
def test_less_than_never_claims_less_than_is_known(percent: float) -> None:
    """"less than 1 in N" must be a weaker (still true) claim than "less than <percent> %"."""
    words = people(percent, less_than=True)
    top, bottom = (int(x.replace(",", "")) for x in words.split(" in "))
    assert top / bottom * 100 >= percent - 1e-9, words


@pytest.mark.parametrize(
    ("rate", "band", "expected"),
    [
        (Rate("about", percent=1), "uncommon", "about 1 in 100 people (uncommon)"),
        (Rate("less-than", percent=1), "uncommon", "less than 1 in 100 people (uncommon)"),
        (Rate("between", percent_from=5, percent_to=10), "common", "between 1 in 20 and 1 in 10 people (common)"),
        (Rate("between", percent_from=10, percent_to=5), "common", "between 1 in 20 and 1 in 10 people (common)"),
        (Rate("about", percent=0.1), "rare", "about 1 in 1,000 people (rare)"),
        (Rate("about", percent=33), "very common", "about 1 in 3 people (very common)"),
    ],
)
def test_frequency_words(rate: Rate, band: str, expected: str) -> None:
    assert frequency_words(rate, band) == expected


def test_unknown_frequency_reads_its_note() -> None:
    note = "The sources we used give no figure for this risk."
    frequency = Frequency.from_data({"note": note})
    assert (frequency.known, frequency.words, frequency.rate, frequency.band) == (False, note, None, None)


def test_dates_in_words() -> None:
    assert date_in_words(dt.date(2026, 11, 23)) == "23 November 2026"
    assert date_in_words(dt.date(2026, 11, 23), "en-GB") == "23 November 2026"
    assert date_in_words(dt.date(2027, 3, 1), "cy") == "1 Mawrth 2027"
    assert date_in_words(dt.date(2027, 3, 1), "xx") == "1 March 2027"  # unknown language: British English


def test_text_blocks() -> None:
    assert text_from(["One.", {"list": ["a", "b"]}, "Two."]) == (
        Paragraph("One."), BulletList(("a", "b")), Paragraph("Two."))
    assert text_from(None) == ()


def test_from_data_builds_every_section() -> None:
    raw = SAMPLE.read_bytes()
    leaflet = Leaflet.from_data(json.loads(raw), source_sha256=hashlib.sha256(raw).hexdigest())
    assert leaflet.slug == "sample.en"
    assert leaflet.last_reviewed_words == "23 November 2026"
    assert leaflet.next_review_words == "23 November 2027"
    assert leaflet.approved and leaflet.approval is not None
    assert leaflet.approval.date_words == "20 November 2026"
    assert [r.frequency.words for r in leaflet.risks] == [
        "about 1 in 100 people (uncommon)",
        "between 1 in 20 and 1 in 10 people (common)",
        "less than 1 in 1,000 people (rare)",
        "The sources we used give no figure for this risk.",
    ]
    assert leaflet.recovery.timeline[0].when == "The first day"
    assert leaflet.contact.phone_uri == "tel:02079460000"
    assert leaflet.direction == "ltr"
    assert "about 1 in 100 people" in leaflet.all_text()


def test_unapproved_and_right_to_left() -> None:
    data = json.loads(SAMPLE.read_text(encoding="utf-8"))
    data = copy.deepcopy(data) | {"status": "in-review", "language": "ar"}
    leaflet = Leaflet.from_data(data, source_sha256="0" * 64)
    assert not leaflet.approved
    assert leaflet.direction == "rtl"


def test_sample_fixture_is_schema_valid() -> None:
    from leaflets.schema import validator

    errors = list(validator("leaflet").iter_errors(json.loads(SAMPLE.read_text(encoding="utf-8"))))
    assert errors == []


def shipped_leaflets() -> list[Path]:
    return sorted((ROOT / "content").glob("*/*.json"))


@pytest.mark.parametrize("path", shipped_leaflets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_leaflet_builds_a_model(path: Path) -> None:
    raw = path.read_bytes()
    data = json.loads(raw)
    if list(__import__("leaflets.schema", fromlist=["validator"]).validator("leaflet").iter_errors(data)):
        pytest.skip("not schema-valid yet: `leaflets validate` reports it")
    leaflet = Leaflet.from_data(data, source_sha256=hashlib.sha256(raw).hexdigest())
    for risk in leaflet.risks:
        assert risk.frequency.words
        if risk.frequency.known:  # v2: what the figure counts, then the band when the rate lies in one
            assert risk.frequency.words.startswith(risk.frequency.figure)
            assert f" {risk.frequency.per}" in risk.frequency.figure
            if risk.frequency.band:
                assert risk.frequency.words.endswith(f" ({risk.frequency.band})")
