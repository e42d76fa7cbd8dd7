"""LT: translations pinned to their source (``translation_of``, written by ``leaflets translate-pin``).

The source is the sibling ``<language>.json`` in the translation's own folder (leaflets.translation).
A leaflet without ``translation_of`` is not a translation and none of these rules looks at it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from leaflets.findings import Severity
from leaflets.rules.context import Context
from leaflets.rules.registry import Hit, rule

PIN = "run `leaflets translate-pin {path}` once the translation matches the source"


def _pinned(ctx: Context) -> dict[str, Any] | None:
    record = ctx.data.get("translation_of")
    return record if isinstance(record, dict) and isinstance(record.get("language"), str) else None


def _source(ctx: Context) -> tuple[dict[str, Any] | None, str]:
    """The source leaflet's data (None when there is none to compare with) and why not."""
    if "translation_source" not in ctx.cache:
        from leaflets import content
        from leaflets.translation import source_path

        record = _pinned(ctx)
        result: tuple[dict[str, Any] | None, str] = (None, "")
        if record is not None:
            path = source_path(ctx.doc.path, record["language"])
            if record["language"] == ctx.language:
                result = (None, f"it names its own language \"{ctx.language}\" as the source: name the language "
                          "it was translated from")
            elif not path.is_file():
                result = (None, f"its source {path.name} does not exist beside it: add the source leaflet, or "
                          "correct translation_of.language")
            else:
                doc = content.load(path)
                usable = doc.usable and isinstance(doc.data.get("version"), str)
                result = (doc.data, "") if usable else (None, f"its source {path.name} cannot be read as a leaflet: "
                                                        "fix that file first")
        ctx.cache["translation_source"] = result
    return ctx.cache["translation_source"]


@rule("LT001", "translation-source-missing", Severity.ERROR, "A translation's source leaflet is missing.",
      what="`translation_of.language` names a language whose leaflet (the sibling `<language>.json` in the same "
           "folder) does not exist or cannot be read, or names the translation's own language.",
      why="A translation is checked against the leaflet it was made from; without it nobody can tell whether the "
          "translation still says what the clinicians approved in the source language.",
      bad='content/spinal-fusion/cy.json with "translation_of": {"language": "en", ...} and no en.json beside it',
      good="Keep the source leaflet beside the translation (content/spinal-fusion/en.json).")
def translation_source_missing(ctx: Context) -> Iterable[Hit]:
    source, why = _source(ctx)
    if _pinned(ctx) is not None and source is None:
        yield Hit("/translation_of/language", f"this translation cannot be checked: {why}")


@rule("LT002", "translation-stale", Severity.ERROR, "The source leaflet has changed since it was translated.",
      what="A translation whose `translation_of.content_sha256` is not the clinical-content hash of its source "
           "leaflet now. The finding names the source's sections that changed (from the per-section hashes "
           "`translation_of.sections`) and the versions. An error, a warning while the translation's status is "
           "\"draft\".",
      why="A translation handed to a patient must say what the source says today. Without this check, a changed "
          "risk figure or a new warning in the English leaflet leaves every translation silently out of date.",
      bad='en.json\'s risks edited after `leaflets translate-pin content/spinal-fusion/cy.json`',
      good="Translate the changed sections, then `leaflets translate-pin content/spinal-fusion/cy.json` again.")
def translation_stale(ctx: Context) -> Iterable[Hit]:
    from leaflets.clinical import clinical_hash
    from leaflets.translation import changed_sections

    record, (source, _why) = _pinned(ctx), _source(ctx)
    if record is None or source is None or record.get("content_sha256") == clinical_hash(source, ctx.doc.path.parent):
        return
    changed = changed_sections(record.get("sections"), source)
    which = f"changed sections: {', '.join(changed)}" if changed else "which sections changed is not recorded"
    versions = f"version {record.get('version')} then, {source.get('version')} now"
    severity = Severity.WARNING if ctx.data.get("status") == "draft" else None
    yield Hit("/translation_of/content_sha256", f"the source {record['language']}.json has changed since this was "
              f"translated ({versions}; {which}): update the translation, then "
              f"{PIN.format(path=ctx.doc.display)}", severity=severity)


@rule("LT003", "translation-drift", Severity.ERROR, "A translation's structure or numbers differ from its source's.",
      what="A translation with a different number of risks, alternatives or outcomes than its source, a risk or "
           "outcome whose frequency (rate, band, per, whether it has a time span and the numbers in it) is not the "
           "source's, a risk marked serious (or put in a group) differently from the source, or a section whose "
           "numbers in the text are not the source's digit for digit.",
      why="Words are translated; facts are not. A risk dropped, a band changed or \"1 in 100\" written as \"1 in "
          "10\" in a translation gives patients who read that language different odds from everyone else.",
      bad='source risk {"band": "rare", "rate": {"kind": "about", "percent": 0.1}}, translation "band": "uncommon"',
      good="The same risks, in the same order, with the source's figures, bands and numbers.")
def translation_drift(ctx: Context) -> Iterable[Hit]:
    from leaflets.translation import drift

    source, _why = _source(ctx)
    if _pinned(ctx) is None or source is None:
        return
    for pointer, message in drift(ctx.data, source):
        yield Hit(pointer, f"{message} ({_pinned(ctx)['language']}.json)")  # type: ignore[index]
