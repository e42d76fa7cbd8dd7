"""The words the templates add, in the leaflet's language (leaflets.i18n): said when they are not."""

from __future__ import annotations

from collections.abc import Iterable

from leaflets.findings import Severity
from leaflets.rules.context import Context
from leaflets.rules.registry import Hit, rule

_SHOWN = 5  # missing messages quoted in the finding; the rest are counted


@rule("LM009", "interface-text-missing", Severity.WARNING,
      "The templates' own words (headings, bands, footer) have no translation into the leaflet's language.",
      what="A leaflet whose `language` has no catalogue in leaflets/locale/<language>/LC_MESSAGES/leaflets.po, "
           "or a catalogue that lacks some of the messages the templates use (empty and fuzzy entries count as "
           "missing). Those words are shown in English, marked `lang=\"en\"`.",
      why="A reader of a Welsh or French leaflet would meet English headings, an English \"not yet approved\" "
          "band and an English footer around the translated text; a screen reader must at least switch voice, "
          "and the editor must know the page is not in one language.",
      bad='"language": "fr" with no leaflets/locale/fr/LC_MESSAGES/leaflets.po',
      good="Translate leaflets/locale/leaflets.pot into leaflets/locale/fr/LC_MESSAGES/leaflets.po "
           "(python scripts/extract_messages.py brings it up to date), or write the leaflet in a language "
           "that has a catalogue (en, cy)")
def interface_text_missing(ctx: Context) -> Iterable[Hit]:
    from leaflets.i18n import LOCALE_DIR, catalogue, catalogue_path, missing

    language = ctx.data.get("language")
    if not isinstance(language, str) or not language:
        return  # the schema reports it
    lacking = sorted(missing(language), key=lambda m: ("%" in m, m))  # plain words first: the examples read
    if not lacking:
        return
    quoted = ", ".join(f'"{m}"' for m in lacking[:_SHOWN]) + (f" and {len(lacking) - _SHOWN} more"
                                                              if len(lacking) > _SHOWN else "")
    where = catalogue_path(language).relative_to(LOCALE_DIR.parent.parent)
    if catalogue(language) is None:
        yield Hit("/language", f"there is no interface-text catalogue for \"{language}\" ({where}): the "
                  f"{len(lacking)} messages the templates add ({quoted}) are shown in English, marked lang=\"en\"")
    else:
        yield Hit("/language", f"{where} has no translation for {len(lacking)} messages ({quoted}): they are "
                  "shown in English, marked lang=\"en\"")
