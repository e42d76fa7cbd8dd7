"""LC: claims and tone. Absolute or promotional claims, and footnote marks with no footnote.
The phrase lists are data: leaflets/rules/data/claims.toml."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from leaflets.findings import Severity
from leaflets.rules.context import Context
from leaflets.rules.data import phrases
from leaflets.rules.registry import Hit, rule


def phrase_hits(ctx: Context, name: str, table: str, what: str) -> Iterable[Hit]:
    for entry, paragraph, index, match in phrases(name, table).matches(ctx):
        advice = f": {entry.advice}" if entry.advice else ""
        yield Hit(paragraph.pointer, f"{what} \"{' '.join(match.group().split())}\"{advice}", index=index,
                  severity=entry.severity, length=len(match.group()))


@rule("LC001", "absolute-claim", Severity.ERROR, "An absolute claim: a promise no operation can keep.",
      what="Phrases from the `[[absolute]]` list in leaflets/rules/data/claims.toml: \"guaranteed\", \"no risk\", "
           "\"pain-free\", \"100% success\", \"no lengthy recovery\" and the like. A phrase denied or hedged earlier "
           "in its clause (\"this cannot be guaranteed\", \"we cannot promise a pain-free recovery\", \"there is no "
           "guarantee that\") is the honest opposite of a claim and is left alone.",
      why="Consent rests on an honest picture of risks and results. A promise of a pain-free recovery sets "
          "expectations the operation cannot meet, and patients who were promised have not been informed.",
      bad="Our pain-free technique is guaranteed to get you back on your feet.",
      good="Most people have some pain for the first few weeks. Your team will give you medicine for it.",
      data_file="leaflets/rules/data/claims.toml")
def absolute_claim(ctx: Context) -> Iterable[Hit]:
    for entry, paragraph, index, match in phrases("claims", "absolute").matches(ctx):
        if negated(paragraph.text, index):
            continue  # "this cannot be guaranteed": the honest opposite of a claim
        advice = f": {entry.advice}" if entry.advice else ""
        yield Hit(paragraph.pointer, f"absolute claim \"{' '.join(match.group().split())}\"{advice}", index=index,
                  severity=entry.severity, length=len(match.group()))


# A denial or hedge in the same clause, before the phrase: "we cannot promise a pain-free recovery",
# "there is no guarantee that", "this is not guaranteed", "nobody can say it will be risk-free".
_NEGATION = re.compile(r"(?:\b(?:not|never|cannot|nobody|unable|neither|nor|no\s+(?:guarantee|promise|one|way|"
                       r"certainty))\b|n['’]t\b)[^.;:!?]{0,60}$|\bno\s+$", re.IGNORECASE)


def negated(text: str, index: int) -> bool:
    """Whether the words just before ``index`` in its clause deny or hedge what follows."""
    window = text[max(0, index - 80):index]
    cut = max(window.rfind(mark) for mark in ".;:!?")
    return bool(_NEGATION.search(window[cut + 1:]))


@functools.cache
def _footnote() -> re.Pattern[str]:
    """Compiled when first needed: only a leaflet with one of the marks in its prose gets that far."""
    return re.compile(r"(?<=[A-Za-z).,])(?P<mark>[\^*†‡]+|\+(?!\d))(?=\s|$|[.,;:!?)])")


@rule("LC002", "stray-footnote-mark", Severity.WARNING, "A footnote mark with no footnote.",
      what="`^`, `*`, `+`, `†` or `‡` straight after a word, as a footnote mark. A leaflet has no footnotes, so "
           "every such mark points at small print the patient never sees.",
      why="On the web page it came from, the mark led to conditions (\"results vary\", \"selected patients only\"). "
          "Without them the claim reads as unqualified.",
      bad="No lengthy recovery^",
      good="Most people go home the same day. Full recovery takes about 6 weeks.")
def stray_footnote_mark(ctx: Context) -> Iterable[Hit]:
    if not any(mark in ctx.joined for mark in "^*+†‡"):
        return
    for paragraph, index, match in ctx.matches(_footnote()):
        yield Hit(paragraph.pointer, f"\"{match['mark']}\" looks like a footnote mark, but a leaflet has no "
                  "footnotes: put the condition it stood for into the sentence, or remove it", index=index)


@rule("LC003", "promotional-language", Severity.WARNING, "Promotional language that advertises rather than informs.",
      what="Phrases from the `[[promotional]]` list in leaflets/rules/data/claims.toml: \"state-of-the-art\", "
           "\"world-class\", \"leading surgeons\", \"call us today\" and the like.",
      why="A patient-information leaflet helps someone decide; marketing pushes them to one answer. Readers "
          "who notice the sales tone trust the rest of the leaflet less.",
      bad="Our world-class surgeons use state-of-the-art techniques.",
      good="The operation is done by a consultant spinal surgeon and their team.",
      data_file="leaflets/rules/data/claims.toml")
def promotional_language(ctx: Context) -> Iterable[Hit]:
    return phrase_hits(ctx, "claims", "promotional", "promotional phrase")
