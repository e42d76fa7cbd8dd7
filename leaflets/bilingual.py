"""Bilingual print for Wales: ``leaflets build --bilingual en,cy``.

One PDF holds a leaflet in both languages, as **parallel columns, Welsh on the left**, one row per
section of the leaflet (title, then "About the condition", "About the operation", … "About this
leaflet"), each row starting level so that the reader sees the same section side by side in both
languages. Why this layout:

- The Welsh Language Commissioner's *Bilingual Design Guide* (2014) lists the layouts a bilingual
  document may take (parallel columns, block by block, parallel pages, top and bottom, back to back,
  tilt and turn); all keep the two languages apart, never mixed in one block. The Welsh Language
  Standards and the guidance public bodies in Wales follow from them (Welsh Government's guidance
  on Welsh in communications, councils' staff guides) ask that Welsh is *not treated less
  favourably*: the same font, size, colour and prominence, and Welsh placed to be read **first**
  (on the left, or on top).
- Parallel columns give both languages the same page, the same size and the same weight, Welsh
  first; a patient who reads one language reads down one column, and a clinician going through the
  leaflet with a patient can point to the same section in the other language beside it.
- Two columns need A4: on an A5 brand each would be about 55 mm wide, too narrow for 12 pt text and
  the risk table, so the build refuses it (exit 2) rather than print a cramped leaflet.
- The alternatives the guide allows for long documents, back to back ("tumble": the English turned
  upside down from the back cover) and separate versions, are already served: the build writes each
  language's own PDF (``<id>.cy.print.pdf``, ``<id>.en.print.pdf``), and a tumble PDF would print
  half its pages upside down on screen and in every accessibility checker.

Each column carries its language (``lang`` on the column, so the PDF's structure tree gives every
passage its /Lang: see :mod:`leaflets.render.structure`), the interface words each column adds are
from its own language's catalogue (:mod:`leaflets.i18n`), and the print PDF is tagged too
(PDF/X-4 with a structure tree), so the print shop's PDF reads correctly aloud.

A bilingual PDF is made only from two files that agree: the translation must be pinned to the other
(``translation_of``, ``leaflets translate-pin``) and neither stale nor different in its figures (no
LT001–LT003 finding, not even the warning a draft's stale translation gets), because a stale
translation printed beside its source is two different leaflets on one sheet. What is refused, and
why, is a failure of the build (exit 1); a leaflet that has only one of the two languages is
skipped with a note, and a build in which no leaflet has both exits 2 (:class:`BuildError`).

Outputs are named ``<id>.<first>-<second>.<profile>.pdf`` in page order (``spinal-fusion.cy-en.print.pdf``)
and listed in ``manifest.json`` with both languages, versions and content files (``bilingual``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from leaflets.errors import BuildError
from leaflets.i18n import base_language
from leaflets.render.bilingual import PROFILES

if TYPE_CHECKING:

    from leaflets.brand import Brand
    from leaflets.content import Document
    from leaflets.findings import Finding
    from leaflets.model import Leaflet
    from leaflets.shards import Shard
    from leaflets.workers import RenderRequest

WELSH = "cy"
# Two columns need A4 (or wider): on A5 each would be about 55 mm, too narrow for 12 pt text beside a risk table
# (the first A5 render put one table row on a page and cut the table's caption from it).
MIN_PAPER_WIDTH_MM = 200
TRANSLATION_CODES = ("LT001", "LT002", "LT003")  # a translation that does not say what its source says


def parse(value: str) -> tuple[str, str]:
    """The two languages of ``--bilingual A,B`` in page order: Welsh first (left) when one is Welsh
    (the Welsh Language Standards), else as given. Raises BuildError (exit 2) for anything else."""
    from leaflets.names import valid_language

    parts = [part.strip() for part in value.split(",")]
    if len(parts) != 2 or not all(valid_language(part) for part in parts) or parts[0] == parts[1]:
        raise BuildError(f"--bilingual {value!r}: give two different language codes separated by a comma, "
                         "such as en,cy")
    first, second = sorted(parts, key=lambda language: base_language(language) != WELSH)
    return first, second


def check_paper(brand: Brand) -> None:
    """BuildError (exit 2) when the brand's paper is too narrow for two columns."""
    width, height = brand.paper_mm
    if width < MIN_PAPER_WIDTH_MM:
        raise BuildError(f"--bilingual: the brand {brand.name!r} prints on {width:g} x {height:g} mm paper, too "
                         "narrow for Welsh and English side by side (each column would be about "
                         f"{(width - 36) / 2:.0f} mm); build the bilingual PDF with an A4 brand, or print each "
                         "language's own PDF")


def languages_name(pair: tuple[str, str]) -> str:
    """The language part of a bilingual output's name: ``cy-en``."""
    return f"{pair[0]}-{pair[1]}"


@dataclass(frozen=True)
class Checked:
    """One content file as the build checked it."""

    doc: Document
    findings: Sequence[Finding]
    refused: bool


@dataclass
class Planned:
    requests: list[RenderRequest]
    failures: list[str]  # a pair that exists but may not be printed together: exit 1
    skipped: list[str]  # a leaflet with only one of the two languages: a note


def plan(checked: Sequence[Checked], pair: tuple[str, str], kinds: Sequence[str], brand: Brand,
         model: Callable[[Document], Leaflet | str], *, draft: bool, crop_marks: bool,
         shard: Shard | None = None) -> Planned:
    """The render requests of every bilingual PDF the checked files allow, and why the others are not
    made. ``model`` gives a document's model as its own outputs get it (leaflets.build.prepare), or why
    it has none. Raises BuildError when no leaflet has both languages (nothing to build is a usage mistake)."""
    from leaflets.names import leaflet_key

    by_id: dict[str, dict[str, Checked]] = {}
    for item in checked:
        leaflet_id, language = leaflet_key(item.doc.data, item.doc.display)
        if not leaflet_id.startswith("?") and language in pair:
            by_id.setdefault(leaflet_id, {})[language] = item
    result = Planned([], [], [])
    name = languages_name(pair)
    for leaflet_id, found in sorted(by_id.items()):
        if len(found) < 2:
            have, = found.values()
            missing = next(language for language in pair if language not in found)
            beside = PurePath(have.doc.display).with_name(f"{missing}.json").as_posix()
            result.skipped.append(f"{have.doc.display}: no {missing} leaflet with id {leaflet_id!r} was given "
                                  f"(such as {beside}), so {leaflet_id}.{name} is not made")
            continue
        if shard is not None and not shard.owns(leaflet_id, name):
            continue
        why = _refusal(found[pair[0]], found[pair[1]], pair)
        if why:
            result.failures.append(why + f": {leaflet_id}.{name} PDFs were not made")
            continue
        models = [model(found[language].doc) for language in pair]
        broken = [one for one in models if isinstance(one, str)]
        if broken:
            result.failures += broken
            continue
        result.requests += _requests(found[pair[0]], found[pair[1]], models, kinds, brand, draft=draft,
                                     crop_marks=crop_marks)
    if not any(len(found) == 2 for found in by_id.values()):
        raise BuildError(f"--bilingual: no leaflet was given in both {pair[0]} and {pair[1]} "
                         + ("(" + "; ".join(result.skipped) + ")" if result.skipped else
                            f"(no {pair[0]} or {pair[1]} leaflet at all)"))
    return result


def _refusal(first: Checked, second: Checked, pair: tuple[str, str]) -> str:
    """Why these two files may not be printed side by side ("" when they may)."""
    for item in (first, second):
        if item.refused:
            return f"{item.doc.display}: refused (the content has errors)"
    translation = next((item for item, other in ((first, pair[1]), (second, pair[0]))
                        if _source_language(item) == other), None)
    if translation is None:
        path = second.doc.display
        return (f"{path}: not pinned to its source (no translation_of naming {pair[0]}), so nothing proves the "
                f"two languages say the same: run `leaflets translate-pin {path} --from {pair[0]}` once the "
                "translation matches")
    for finding in translation.findings:
        if finding.code in TRANSLATION_CODES:
            where = f"{finding.file}:{finding.line}:{finding.column}" if finding.line else finding.file
            return (f"{where}: {finding.code} {finding.severity}: {finding.message} (a translation that does not "
                    "say what its source says is never printed beside it)")
    return ""


def _source_language(item: Checked) -> str | None:
    recorded = item.doc.data.get("translation_of") if isinstance(item.doc.data, dict) else None
    language = recorded.get("language") if isinstance(recorded, dict) else None
    return language if isinstance(language, str) else None


def _requests(first: Checked, second: Checked, models: list[Leaflet | str], kinds: Sequence[str], brand: Brand, *,
              draft: bool, crop_marks: bool) -> list[RenderRequest]:
    from leaflets.workers import Kind, Partner, RenderRequest

    one, two = models
    assert not isinstance(one, str) and not isinstance(two, str)
    made: list[Kind] = ["screen" if kind == "screen" else "print" for kind in kinds if kind in PROFILES]
    return [RenderRequest(first.doc.display, one, str(brand.folder), kind, draft, crop_marks,
                          partner=Partner(second.doc.display, two)) for kind in made]


def manifest_fields(request: RenderRequest) -> dict[str, Any]:
    """What a bilingual PDF's manifest entry says besides a one-language entry: both languages, in page
    order, each with its version, status and content file, so a print shop knows which two it holds."""
    partner = request.partner
    if partner is None:
        return {}
    sides = [(request.source, request.leaflet), (partner.source, partner.leaflet)]
    return {"language": request.languages, "languages": [leaflet.language for _source, leaflet in sides],
            "bilingual": [{"language": leaflet.language, "version": leaflet.version, "status": str(leaflet.status),
                           "source": PurePath(source).as_posix(), "source_sha256": leaflet.source_sha256}
                          for source, leaflet in sides]}
