"""LL: local slots (``{ward_phone}``), the details each brand fills in (see :mod:`leaflets.slots`).

The brands a leaflet is checked against are ``ctx.brands``: the build's own brand in ``build``,
``preview`` and ``serve``; in ``validate``, those given with ``--brand``, else every brand in the
brands folder. A slot none of them fills would be printed with its braces, so it is an error; one
that some fill and others do not would refuse the build for those, so it is a warning naming them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from leaflets.findings import Severity
from leaflets.rules.registry import Hit, rule

if TYPE_CHECKING:
    from leaflets.rules.context import Context
    from leaflets.slots import BrandSlots, Use

# A brace followed by a letter anywhere in the file's text: without one there is no slot, and no
# near miss, to find (JSON's own braces are followed by a quote, a space or a line end), so the
# rules skip walking the strings. A brace written as the escape \u007b is found by the build's fill.
_MAYBE = re.compile(r"\{[ \t]*[A-Za-z]")


def _none_here(ctx: Context) -> bool:
    if "no slot" not in ctx.cache:  # asked by all three rules: the file's text is searched once
        ctx.cache["no slot"] = not _MAYBE.search(ctx.doc.text or "")
    return ctx.cache["no slot"]


def _uses_and_brands(ctx: Context) -> tuple[list[Use], list[BrandSlots], str]:
    """The slots the text uses and the brands to check them against (LL001, LL003), or why the brands
    cannot be read; nothing to check when the text has no slot. Kept in ``ctx.cache``: LL001 and LL003
    both ask, and finding the uses walks every string (and the brands, the brands folder)."""
    from leaflets.slots import known_brands, uses

    if "slot uses" in ctx.cache:
        return ctx.cache["slot uses"]
    result: tuple[list[Use], list[BrandSlots], str] = ([], [], "")
    found = [] if _none_here(ctx) else uses(ctx.data)
    if found:
        try:
            result = (found, known_brands(ctx.brands), "")
        except ValueError as exc:  # the CLI checks --brand first; this is for a library caller
            result = (found, [], str(exc))
    ctx.cache["slot uses"] = result
    return result


@rule("LL001", "slot-not-filled", Severity.ERROR,
      "A local slot in the text has no value in the brand.",
      what="Each `{slot_name}` in the text (a name of lower-case letters, digits and underscores) against the "
           "`slots` of the brand's `brand.json`. In `build`, `preview` and `serve` that is the brand being built: "
           "a slot it does not fill, in the leaflet's language, refuses the leaflet (nothing is written for it; a "
           "`--draft` build shows a marked placeholder instead). In `validate` it is every brand in the brands "
           "folder, or those given with `--brand`: a slot no brand fills is an error, one that some brands do not "
           "fill is a warning naming them. Each place the slot is used is one finding.",
      why="A leaflet that many hospitals share leaves their own details (a ward's number, who visits at home) to "
          "each hospital. Printed unfilled, the patient would read `{ward_phone}` where the number should be, or "
          "another hospital's care pathway as if it were theirs.",
      bad='"After you go home, {home_nursing}" with a brand whose brand.json has no "home_nursing" in "slots"',
      good='Add the value to the brand: "slots": {"home_nursing": "your team will tell you whether a nurse '
           'will visit you at home."}, or per language: {"en": "…", "cy": "…"}.')
def slot_not_filled(ctx: Context) -> Iterable[Hit]:
    from leaflets.slots import looked_at

    found, brands, problem = _uses_and_brands(ctx)
    if problem:
        yield Hit(found[0].pointer, f"the slots cannot be checked: {problem}", found[0].index)
        return
    language = ctx.language or "en"
    for use in found:
        lacking = [b for b in brands if not b.fills(use.name, language)]
        if not lacking:
            continue
        where = f"(used here, at {use.pointer})"
        if len(brands) == 1:
            brand = brands[0]
            message = (f"the slot {{{use.name}}} has no value in brand \"{brand.name}\" for language "
                       f"\"{language}\": {brand.missing(use.name, language)}; add it to \"slots\" in {brand.file}, "
                       f"or take the slot out of the text {where}")
            yield Hit(use.pointer, message, use.index, length=use.length)
        elif len(lacking) == len(brands):
            message = (f"no known brand fills the slot {{{use.name}}} for language \"{language}\" (looked at "
                       f"{looked_at(brands)}): add \"{use.name}\" to \"slots\" in the brand.json of each brand "
                       f"that builds this leaflet, or take the slot out of the text {where}")
            yield Hit(use.pointer, message, use.index, length=use.length)
        else:
            names = ", ".join(f"\"{b.name}\" ({b.missing(use.name, language)})" for b in lacking)
            message = (f"the slot {{{use.name}}} has no value for language \"{language}\" in brand(s) {names}: "
                       f"a build for them would be refused; add it to their \"slots\" {where}")
            yield Hit(use.pointer, message, use.index, severity=Severity.WARNING, length=use.length)


@rule("LL002", "slot-name-malformed", Severity.WARNING,
      "Braces round a name that is not a valid slot name.",
      what="Text in braces that reads like a slot but is not a valid slot name (lower-case letters, digits and "
           "underscores, starting with a letter, at most 40 characters), such as `{Ward Phone}` or "
           "`{ward-phone}`. The finding suggests the valid name.",
      why="Braces that are not a valid slot are printed as they are: a writer who meant a slot would send "
          "`{Ward Phone}` to the printer in every hospital's leaflet, and no build would stop it.",
      bad='"Call the ward on {Ward Phone}."',
      good='"Call the ward on {ward_phone}." (and fill "ward_phone" in each brand), or, for braces meant as '
           'text, double them: "{{ward_phone}}" prints "{ward_phone}".')
def slot_name_malformed(ctx: Context) -> Iterable[Hit]:
    from leaflets.slots import near_misses

    if _none_here(ctx):
        return
    for pointer, index, written, name in near_misses(ctx.data):
        yield Hit(pointer, f"\"{written}\" looks like a slot, but a slot's name is lower-case letters, digits and "
                  f"underscores, starting with a letter: write {{{name}}} (and fill \"{name}\" in each brand's "
                  "\"slots\"), or leave it if the braces are meant as text", index, length=len(written))


@rule("LL003", "slot-value-unfinished", Severity.ERROR,
      "A brand fills a slot the text uses with a placeholder.",
      what="The value a brand gives a slot this leaflet uses, in the leaflet's language, checked for the "
           "placeholders LH001 finds in the text (TODO, TBC, lorem ipsum, \"[insert …]\": "
           "leaflets/rules/data/placeholders.toml). The brands are those LL001 checks against.",
      why="A slot's value is printed in the leaflet like any other sentence, but it is written in brand.json, "
          "where no content rule reads it: \"Call the ward on TBC\" would reach patients from a brand file "
          "that nobody checked.",
      bad='brand.json: "slots": {"ward_phone": "TBC"} and the text "Call the ward on {ward_phone}."',
      good='brand.json: "slots": {"ward_phone": "020 7946 0000"}')
def slot_value_unfinished(ctx: Context) -> Iterable[Hit]:
    from leaflets.rules.data import phrases
    from leaflets.slots import value_of

    found, brands, _problem = _uses_and_brands(ctx)  # a problem: LL001 says why
    language = ctx.language or "en"
    entries = phrases("placeholders").entries
    reported: set[tuple[str, str]] = set()
    for use in found:
        for brand in brands:
            value = value_of(brand.values, use.name, language)
            if value is None or (brand.name, use.name) in reported:
                continue
            lower = value.lower()
            match = next((m for entry in entries for m in entry.regex.finditer(lower)
                          if not m.start() or not lower[m.start() - 1].isalnum()), None)
            if match:
                reported.add((brand.name, use.name))
                yield Hit(use.pointer, f"brand \"{brand.name}\" fills the slot {{{use.name}}} with \"{value}\", "
                          f"which holds the placeholder \"{' '.join(match.group().split())}\": finish it in "
                          f"\"slots\" in {brand.file} before this leaflet is built for that brand",
                          use.index, length=use.length)
