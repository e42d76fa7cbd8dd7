"""Which press condition a print PDF's output intent names, so a prepress workflow recognises it.

A PDF/X output intent says what the file was made for in three places: ``OutputConditionIdentifier``
(the name a workflow looks up), ``RegistryName`` (where that name is defined: the ICC's characterisation
registry is ``http://www.color.org``) and ``DestOutputProfile`` (the ICC profile itself). A workflow
that sees ``FOGRA39`` from the ICC registry sets up the press at once; a free-text identifier such as a
profile's description makes the operator ask. So:

- the profile shipped with leaflets (``render/icc/leaflets-fogra39-coated.icc``, a characterisation of
  FOGRA39 measurement data: see its .txt) is named ``FOGRA39`` with the ICC registry;
- a brand's own ``icc_profile`` names what its ``output_condition`` in brand.json declares: a registered
  characterisation (identifier + ``registry_name``) or a custom condition (no registry; PDF/X allows that
  when the profile is embedded, as it always is in a leaflets print PDF). A brand that declares nothing
  gets a custom condition named by its profile's description.

:data:`CHARACTERISATIONS` is a small list of ICC-registered characterisations, only ones whose registry
names are certain; preflight (PP017) uses it to judge any PDF's output intent, and :func:`profile_names`
/ :func:`mentions` to see whether an embedded profile says it is the condition the identifier names.
"""

from __future__ import annotations

import functools
import hashlib
import io
import re
from dataclasses import dataclass

ICC_REGISTRY = "http://www.color.org"
# registry names a workflow reads as the ICC's: the canonical one, and the same host written otherwise
_ICC_REGISTRY_FORMS = {"http://www.color.org", "https://www.color.org", "http://color.org", "https://color.org"}


@dataclass(frozen=True)
class Characterisation:
    identifier: str  # the registry's reference name, as OutputConditionIdentifier
    condition: str  # what it is, for OutputCondition
    names: tuple[str, ...]  # how a profile of it describes itself (compared without spaces or punctuation)


# Reference names of the ICC characterisation data registry (https://www.color.org/chardata/). Only names
# known for certain; an unknown registered name is reported as unknown (a warning), not as wrong.
CHARACTERISATIONS: dict[str, Characterisation] = {c.identifier: c for c in (
    Characterisation("FOGRA39", "Offset commercial and specialty printing according to ISO 12647-2:2004/Amd 1, "
                     "paper type 1 or 2 (gloss or matte coated)", ("FOGRA39", "ISO Coated v2")),
    Characterisation("FOGRA51", "Offset printing according to ISO 12647-2:2013, premium coated paper "
                     "(PSO Coated v3)", ("FOGRA51", "PSO Coated v3")),
    Characterisation("FOGRA52", "Offset printing according to ISO 12647-2:2013, wood-free uncoated paper "
                     "(PSO Uncoated v3)", ("FOGRA52", "PSO Uncoated v3")),
    Characterisation("FOGRA47", "Offset printing according to ISO 12647-2:2004/Amd 1, uncoated white paper "
                     "(PSO Uncoated ISO 12647)", ("FOGRA47", "PSO Uncoated ISO12647")),
    Characterisation("CGATS21_CRPC6", "CGATS 21-2 reference printing condition 6: GRACoL 2013, premium coated "
                     "paper", ("CRPC6", "GRACoL2013 CRPC6")),
    Characterisation("GRACoL2006_Coated1", "Commercial offset lithography on grade 1 coated paper (GRACoL 2006)",
                     ("GRACoL2006 Coated1",)),
    Characterisation("SWOP2006_Coated3", "Publication offset on grade 3 coated paper (SWOP 2006)",
                     ("SWOP2006 Coated3",)),
    Characterisation("SWOP2006_Coated5", "Publication offset on grade 5 coated paper (SWOP 2006)",
                     ("SWOP2006 Coated5",)),
    Characterisation("CGATS TR 001", "Publication offset on coated paper (SWOP)",
                     ("CGATS TR 001", "Web Coated (SWOP)")),
)}

# Profiles known by their bytes: the one shipped with leaflets (SHA-256 of the .icc file, as embedded).
SHIPPED_PROFILES: dict[str, str] = {
    "dfe6c654d8ea887b25bd14562293645f76f3c85fbd0f25f644b8c0d89dd77145": "FOGRA39",
}


@dataclass(frozen=True)
class DeclaredCondition:
    """A brand's ``output_condition`` in brand.json: the condition its own ``icc_profile`` characterises."""

    identifier: str
    registry_name: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class OutputCondition:
    """What the print PDF's output intent says, besides embedding the profile."""

    identifier: str  # OutputConditionIdentifier
    registry_name: str | None  # RegistryName; None for a custom condition
    condition: str  # OutputCondition, the condition in words
    info: str  # Info: the profile's own description (PDF/X wants it for a custom condition)


def is_icc_registry(name: str | None) -> bool:
    return (name or "").strip().rstrip("/").lower() in _ICC_REGISTRY_FORMS


def registered(identifier: str) -> Characterisation | None:
    """The ICC characterisation ``identifier`` names (case and spacing as the registry's, or not)."""
    key = _squash(identifier)
    return next((c for c in CHARACTERISATIONS.values() if _squash(c.identifier) == key), None)


def condition_for(profile: bytes, declared: DeclaredCondition | None = None) -> OutputCondition:
    """The output condition of a print PDF whose output intent embeds ``profile``: what the brand
    ``declared`` (its ``output_condition``), else FOGRA39 for the shipped profile, else a custom
    condition named by the profile's description."""
    description = profile_description(profile)
    if declared is not None:
        known = registered(declared.identifier)
        return OutputCondition(declared.identifier, declared.registry_name,
                               declared.description or (known.condition if known else description), description)
    shipped = SHIPPED_PROFILES.get(hashlib.sha256(profile).hexdigest())
    if shipped:
        return OutputCondition(shipped, ICC_REGISTRY, CHARACTERISATIONS[shipped].condition, description)
    return OutputCondition(description, None, description, description)


@functools.lru_cache(maxsize=8)
def profile_names(profile: bytes) -> str:
    """What a profile says about itself: its description, copyright, manufacturer and model tags."""
    from PIL import ImageCms

    try:
        cms = ImageCms.ImageCmsProfile(io.BytesIO(profile)).profile
    except (OSError, ImageCms.PyCMSError):
        return ""
    return " ".join(str(getattr(cms, tag, None) or "") for tag in
                    ("profile_description", "copyright", "manufacturer", "model")).strip()


def profile_description(profile: bytes) -> str:
    from PIL import ImageCms

    try:
        text = ImageCms.ImageCmsProfile(io.BytesIO(profile)).profile.profile_description
    except (OSError, ImageCms.PyCMSError):
        text = ""
    return " ".join(str(text or "").split())[:200] or "Custom CMYK output condition"


def mentions(profile: bytes, characterisation: Characterisation) -> bool:
    """Whether ``profile`` is known to be, or says it is, a profile of ``characterisation``."""
    if SHIPPED_PROFILES.get(hashlib.sha256(profile).hexdigest()) == characterisation.identifier:
        return True
    said = _squash(profile_names(profile))
    return any(_squash(name) in said for name in characterisation.names)


def others_mentioned(profile: bytes, characterisation: Characterisation) -> list[str]:
    """Registered characterisations other than ``characterisation`` that ``profile`` says it is."""
    return [c.identifier for c in CHARACTERISATIONS.values() if c is not characterisation and mentions(profile, c)]


def _squash(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())
