"""The three statements every leaflet prints: the decision is the patient's (consent), how to get it
in other formats and languages (the Accessible Information Standard), and how to give feedback.

Each comes, in this order of precedence, from:

1. the leaflet's own ``statements`` (its wording for this procedure);
2. the brand's ``statements`` in the leaflet's language (one wording per trust: brand.json);
3. the built-in wording below, a gettext message, so in the leaflet's language where its catalogue
   has it (Welsh does), else in English marked ``lang="en"``.

So every leaflet prints all three, whatever its content and brand give. The built-in
accessible-formats statement names the large-print and plain-text versions the build makes
(``--profile large-print``, ``--format txt``) and asks the reader to ask the team for Braille,
audio, easy read or another language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from leaflets.i18n import N_, SOURCE_LANGUAGE, interface, missing
from leaflets.reading import Paragraph, Text

if TYPE_CHECKING:
    from leaflets.brand import Brand
    from leaflets.model import Leaflet

Origin = Literal["leaflet", "brand", "built-in"]
KEYS = ("consent", "accessible_formats", "feedback")  # in the order the pages show them

HEADINGS = {
    "consent": N_("Your decision"),
    "accessible_formats": N_("Other formats and languages"),
    "feedback": N_("Tell us what you think"),
}

BUILT_IN = {
    "consent": N_("It is your decision whether to have this operation. You can take time to think, ask more "
                  "questions, or change your mind at any point, even after you have signed a consent form. Your "
                  "care team will respect your choice and talk with you about the other options."),
    "accessible_formats": N_("This leaflet is also available in large print and as plain text, which works with "
                             "screen readers and Braille software. If you would like it in Braille, as audio, in "
                             "easy read or in another language, please ask your care team, using the contact "
                             "details in this leaflet."),
    "feedback": N_("We welcome your comments on this leaflet and on your care. Tell your care team, or ask for the "
                   "hospital's patient advice or complaints service if you would like help with a concern."),
}


@dataclass(frozen=True, slots=True)
class Statement:
    key: str  # one of KEYS; also the page's section id (with "-" for "_")
    heading: str  # the message: templates translate it
    text: Text
    origin: Origin
    language: str  # the language of ``text``: the leaflet's, or English where a built-in one lacks a translation

    @property
    def section_id(self) -> str:
        return self.key.replace("_", "-")


def resolve(leaflet: Leaflet, brand: Brand) -> tuple[Statement, ...]:
    """The three statements ``leaflet`` prints with ``brand``, each from where it comes first (see the
    module's doc)."""
    out = []
    untranslated = set(missing(leaflet.language))
    for key in KEYS:
        own: Text = getattr(leaflet.statements, key)
        brand_words = brand.statement(key, leaflet.language)
        if own:
            out.append(Statement(key, HEADINGS[key], own, "leaflet", leaflet.language))
        elif brand_words:
            out.append(Statement(key, HEADINGS[key], (Paragraph(brand_words),), "brand", leaflet.language))
        else:
            language = SOURCE_LANGUAGE if BUILT_IN[key] in untranslated else leaflet.language
            out.append(Statement(key, HEADINGS[key], (Paragraph(interface(language).text(BUILT_IN[key])),),
                                 "built-in", language))
    return tuple(out)
