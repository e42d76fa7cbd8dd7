"""ICC profiles: is this a CMYK output profile a PDF/X output intent can carry?

A PDF/X file names the press's colour condition with an output intent whose ``DestOutputProfile``
is an ICC profile; a RIP converts colour with it and a proofing viewer simulates the press with it.
A display (sRGB) profile, a Lab or abstract profile, or a truncated file there makes the PDF claim
``/N 4`` over RGB or garbage, and the press gets colour nobody chose. So the profile is opened
with LittleCMS (Pillow's :mod:`PIL.ImageCms`), the same engine many RIPs and viewers use, and has
to be an output-class CMYK profile that converts both ways: colour to the press (BToA, for
printing) and press to colour (AToB, for proofing), for the perceptual and relative colorimetric
intents.

Used by :mod:`leaflets.brand` (a brand's ``icc_profile``) and :mod:`leaflets.preflight` (the
``DestOutputProfile`` inside a PDF).
"""

from __future__ import annotations

import functools
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL.ImageCms import ImageCmsProfile

MAX_PROFILE_BYTES = 10 * 1024 * 1024  # FOGRA39 and ISO Coated v2 are 0.2–2 MiB; no press needs 10
_HEADER_BYTES = 132  # the 128-byte header and the tag count

# ICC profile classes (header bytes 12–15), as LittleCMS reports them.
_CLASSES = {
    "scnr": "an input (scanner or camera) profile",
    "mntr": "a display (monitor) profile",
    "prtr": "an output (printer) profile",
    "link": "a device-link profile",
    "spac": "a colour-space conversion profile",
    "abst": "an abstract profile",
    "nmcl": "a named-colour profile",
}


@functools.lru_cache(maxsize=8)
def cmyk_output_problem(data: bytes) -> str | None:
    """Why ``data`` is not a usable CMYK output profile, in words for the message; None when it is.

    Cached: the same profile is checked for the brand and again in every print PDF's preflight.
    """
    from PIL import ImageCms

    if len(data) > MAX_PROFILE_BYTES:
        return f"it is {len(data):,} bytes, over the limit of {MAX_PROFILE_BYTES:,} bytes for an ICC profile"
    if len(data) < _HEADER_BYTES:
        return f"it is only {len(data)} bytes, too short to be an ICC profile"
    declared = int.from_bytes(data[:4], "big")
    if declared > len(data):
        return f"it is truncated: its header says {declared:,} bytes but it has {len(data):,}"
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data))
    except (OSError, ImageCms.PyCMSError) as exc:
        return f"it is not an ICC profile LittleCMS can read ({exc})"
    return _kind_problem(profile) or _conversion_problem(profile)


def _kind_problem(profile: ImageCmsProfile) -> str | None:
    device_class = str(profile.profile.device_class).strip()
    space = str(profile.profile.xcolor_space).strip()
    if device_class != "prtr" or space != "CMYK":
        kind = _CLASSES.get(device_class, f"a profile of class \"{device_class}\"")
        return (f"it is {kind} for {space or 'an unknown colour space'}; an output intent needs an output "
                "(printer) profile for CMYK, such as the print shop's FOGRA39 or ISO Coated profile")
    return None


def _conversion_problem(profile: ImageCmsProfile) -> str | None:
    """Build and run both transforms for each intent: proof that the tables an output intent needs
    (AToB0/BToA0, AToB1/BToA1) are present and readable, not just named in the tag table."""
    from PIL import Image, ImageCms

    cms = profile.profile
    srgb = ImageCms.createProfile("sRGB")
    lab = ImageCms.createProfile("LAB")
    intents = {ImageCms.Intent.PERCEPTUAL: "perceptual", ImageCms.Intent.RELATIVE_COLORIMETRIC: "relative colorimetric"}
    for intent, name in intents.items():
        for direction, what in ((ImageCms.Direction.OUTPUT, "colour to ink (BToA)"),
                                (ImageCms.Direction.INPUT, "ink to colour (AToB)")):
            if not cms.is_intent_supported(intent, direction):
                return f"it cannot convert {what} for the {name} intent: its tables for it are missing or damaged"
        try:
            to_press = ImageCms.buildTransform(srgb, profile, "RGB", "CMYK", renderingIntent=intent)
            from_press = ImageCms.buildTransform(profile, lab, "CMYK", "LAB", renderingIntent=intent)
            ImageCms.applyTransform(Image.new("RGB", (1, 1), (29, 79, 145)), to_press)
            ImageCms.applyTransform(Image.new("CMYK", (1, 1), (255, 178, 0, 26)), from_press)
        except (OSError, ValueError, ImageCms.PyCMSError) as exc:
            return f"LittleCMS cannot convert colour with it for the {name} intent ({exc})"
    return None
