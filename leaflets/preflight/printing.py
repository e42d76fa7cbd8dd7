"""Print checks (PP codes): trim and bleed, PDF/X identification and output intent, colour spaces the
variant (or ``Options.cmyk_only``) forbids, transparency, image resolution, hairlines, crop marks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from leaflets.findings import Severity
from leaflets.preflight.bounds import Budget, decoded_size, too_complex
from leaflets.preflight.codes import (
    BLEED_MISSING,
    BLEED_TOO_SMALL,
    BOOKLET_COUNT,
    COLOUR_FORBIDDEN,
    DAMAGED,
    HAIRLINE,
    HAIRLINE_PT,
    IMAGE_LOW_RES,
    IMAGE_RESOLUTION,
    IMAGE_TOO_LOW_RES,
    INTENT_PROFILE,
    MARKS_IN_BLEED,
    MARKS_INSIDE_TRIM,
    MAX_FILE_CONTENT_BYTES,
    MAX_FILE_OPERATORS,
    MIN_BLEED_MM,
    MM,
    OUTPUT_CONDITION,
    OUTPUT_INTENT,
    PAGE_SIZE_UNKNOWN,
    PAGE_SIZES_DIFFER,
    PDFX_MISSING,
    PPI_ERROR,
    PPI_WARN,
    SIZE_TOLERANCE_PT,
    TRANSPARENCY,
    TRIMBOX_MISSING,
    Raw,
    short,
)
from leaflets.preflight.metadata import box, pdfx_version
from leaflets.preflight.scanner import PageFacts, scan_page

if TYPE_CHECKING:
    from leaflets.preflight.options import Options

def _size_name(width: float, height: float, sizes: dict[str, tuple[float, float]]) -> str:
    for name, (w, h) in sizes.items():
        for a, b in ((w, h), (h, w)):
            if abs(width - a) <= SIZE_TOLERANCE_PT and abs(height - b) <= SIZE_TOLERANCE_PT:
                return name
    return ""


def _mm(points: float) -> str:
    return f"{points / MM:.1f} mm"


def check_print(pdf, options: Options) -> Iterator[Raw]:
    import pikepdf

    variant = pdfx_version(pdf)
    yield from _check_pdfx(pdf, variant)
    rules = _variant_rules(pdf, variant, options.cmyk_only)
    sizes: dict[tuple[int, int], list[int]] = {}
    budget = Budget(MAX_FILE_CONTENT_BYTES, MAX_FILE_OPERATORS)
    imposed = _imposition(pdf)
    for number, page in enumerate(pdf.pages, start=1):
        media = box(page, "/MediaBox")
        trim = box(page, "/TrimBox")
        bleed = box(page, "/BleedBox")
        if media is None:
            yield Raw(DAMAGED, number, "/MediaBox", "the page has no MediaBox")
            continue
        if trim is None:
            yield Raw(TRIMBOX_MISSING, number, "/TrimBox", "no TrimBox: the print shop cannot tell where to cut")
            trim = media
        w, h = trim[2] - trim[0], trim[3] - trim[1]
        sizes.setdefault((round(w), round(h)), []).append(number)
        if imposed and not _size_name(w / 2, h, options.trim_sizes):
            yield Raw(PAGE_SIZE_UNKNOWN, number, "/TrimBox", f"the imposed sheet's trim {_mm(w)} × {_mm(h)} is not "
                      f"two pages of {', '.join(options.trim_sizes)} side by side")
        elif not imposed and not _size_name(w, h, options.trim_sizes):
            yield Raw(PAGE_SIZE_UNKNOWN, number, "/TrimBox", f"trim size {_mm(w)} × {_mm(h)} is not one of "
                      f"{', '.join(options.trim_sizes)}")
        yield from _check_bleed(number, trim, bleed)
        scan = scan_page(page, trim, bleed, budget)
        yield from _print_page_findings(number, scan, rules, trim, bleed)
        if rules.no_transparency:
            if page.obj.get("/Group") is not None and page.obj.Group.get("/S") == pikepdf.Name.Transparency:
                yield Raw(TRANSPARENCY, number, "/Group", f"the page has a transparency group, forbidden in {variant}")
    if len(sizes) > 1:
        common = max(sizes, key=lambda k: len(sizes[k]))
        for size, pages in sizes.items():
            if size != common:
                for number in pages:
                    yield Raw(PAGE_SIZES_DIFFER, number, "/TrimBox", f"trim size {_mm(size[0])} × {_mm(size[1])} "
                              f"differs from the other pages' {_mm(common[0])} × {_mm(common[1])}")
    if options.booklet and imposed:
        yield from _check_imposed_booklet(imposed)
    elif options.booklet and len(pdf.pages) % 4:
        add = -len(pdf.pages) % 4
        yield Raw(BOOKLET_COUNT, 0, "", f"{len(pdf.pages)} pages is not a multiple of 4 for a booklet; "
                  f"add {add} useful page{'s' if add > 1 else ''}")


def _imposition(pdf) -> list[tuple[int, int, int]] | None:
    """The sheet sides of a booklet imposed by leaflets (its page-piece info), or None for any other PDF."""
    from leaflets.booklet import imposition

    return imposition(pdf)


def _check_imposed_booklet(sides: list[tuple[int, int, int]]) -> Iterator[Raw]:
    """An imposed booklet holds the booklet's pages two to a sheet side: count those, not the sides, and
    check they are all there in saddle-stitch order (mirrored for a booklet bound on the right)."""
    from leaflets.booklet import saddle_stitch_order

    count = sides[0][2]
    if count % 4 or count < 4:
        add = -count % 4 or 4
        yield Raw(BOOKLET_COUNT, 0, "", f"the imposed booklet has {count} pages (on {len(sides)} sheet sides), "
                  f"not a multiple of 4; add {add} useful page{'s' if add > 1 else ''}")
        return
    expected = saddle_stitch_order(count)  # a multiple of 4 always has one
    found = [(left, right) for left, right, _count in sides]
    mirrored = saddle_stitch_order(count, right_to_left=True)
    if found not in (expected, mirrored) or any(side[2] != count for side in sides):
        yield Raw(BOOKLET_COUNT, 0, "", f"the imposed sheet sides do not hold a {count}-page booklet in "
                  f"saddle-stitch order: {len(sides)} sides carry pages {found}, expected {expected}")


def _check_pdfx(pdf, variant: str) -> Iterator[Raw]:
    import pikepdf

    if not variant:
        yield Raw(PDFX_MISSING, 0, "/Root/Metadata", "no PDF/X identification (GTS_PDFXVersion); the print "
                  "shop cannot tell which press rules the file follows")
    intents = [i for i in (pdf.Root.get("/OutputIntents") or []) if i.get("/S") == pikepdf.Name.GTS_PDFX]
    if not intents:
        if variant:
            yield Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents", f"{variant} declared but there is no GTS_PDFX "
                      "output intent: the press's colour condition is unknown")
        return
    intent = intents[0]
    profile = intent.get("/DestOutputProfile")
    if profile is None and _embeds_profile(variant):
        yield Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents[0]", f"{variant} needs the output intent's ICC profile "
                  "embedded (DestOutputProfile); a condition identifier alone is enough only for PDF/X-1a and "
                  "X-3, and an external reference only for X-4p and X-5pg")
    elif profile is None and not (str(intent.get("/OutputConditionIdentifier", "")) or
                                  "/DestOutputProfileRef" in intent):
        yield Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents[0]", "the output intent has neither an ICC profile "
                  "nor a registered condition identifier")
    elif profile is not None and variant.startswith("PDF/X-1") and int(profile.get("/N", 0)) != 4:
        yield Raw(OUTPUT_INTENT, 0, "/Root/OutputIntents[0]/DestOutputProfile", f"{variant} needs a CMYK "
                  f"output profile; this one has {int(profile.get('/N', 0))} components")
    if profile is not None:
        yield from _check_intent_profile(profile)
    yield from _check_condition(intent, profile)


def _embeds_profile(variant: str) -> bool:
    """PDF/X-4 is "complete exchange": everything needed to print is in the file (ISO 15930-7), so its output
    intent embeds the ICC profile. A registered identifier alone is PDF/X-1a's and X-3's way (the RIP knows
    the condition); X-4p and X-5pg reference the profile outside the file instead."""
    part = variant.removeprefix("PDF/X-")
    return part[:1] in ("4", "5") and "p" not in part.split(":")[0]


def _check_intent_profile(profile) -> Iterator[Raw]:
    """Open the embedded profile with LittleCMS, as :mod:`leaflets.icc` does a brand's own."""
    import pikepdf

    from leaflets import icc

    where = "/Root/OutputIntents[0]/DestOutputProfile"
    try:
        # the decoded size, measured without decoding it all: a small Flate stream can inflate to gigabytes
        length, components = decoded_size(profile, icc.MAX_PROFILE_BYTES), int(profile.get("/N", 0))
        data = b"" if length > icc.MAX_PROFILE_BYTES else profile.read_bytes()
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError) as exc:
        yield Raw(INTENT_PROFILE, 0, where, f"the output intent's ICC profile cannot be read ({short(exc)})")
        return
    problem = (f"it is {length:,} bytes or more once decoded, over the limit of {icc.MAX_PROFILE_BYTES:,} bytes "
               "for an ICC profile"
               if length > icc.MAX_PROFILE_BYTES else icc.cmyk_output_problem(data))
    if problem is None and components != 4:
        problem = f"its /N says {components} components, but a CMYK profile has 4"
    if problem:
        yield Raw(INTENT_PROFILE, 0, where, f"the output intent's profile is not a usable CMYK output profile: "
                  f"{problem}")


def _check_condition(intent, profile) -> Iterator[Raw]:
    """PP017: the identifier is a registered characterisation (with its registry) or, with no registry, a
    custom condition whose profile is embedded; and an embedded profile is of the condition named. The
    registered names and how their profiles describe themselves: :mod:`leaflets.output_condition`."""
    from leaflets import output_condition as oc

    where = "/Root/OutputIntents[0]"
    identifier = str(intent.get("/OutputConditionIdentifier", "")).strip()
    registry = str(intent.get("/RegistryName", "")).strip() or None
    if not identifier:
        if profile is not None:  # without either, PP009 says so
            yield Raw(OUTPUT_CONDITION, 0, where, "the output intent has no OutputConditionIdentifier (PDF/X "
                      "requires one): nothing names the press condition for the print shop's workflow")
        return
    known = oc.registered(identifier)
    if known is None:
        if registry is None and profile is None:
            yield Raw(OUTPUT_CONDITION, 0, where, f"\"{short(identifier)}\" is a custom condition (no "
                      "RegistryName) but its ICC profile is not embedded: nothing defines it")
        elif oc.is_icc_registry(registry):
            yield Raw(OUTPUT_CONDITION, 0, where, f"\"{short(identifier)}\" is not a characterisation leaflets "
                      "knows from the ICC registry; check the print shop's workflow recognises it",
                      Severity.WARNING)
        return
    if registry is None:
        yield Raw(OUTPUT_CONDITION, 0, where, f"{known.identifier} is a registered characterisation but the "
                  f"output intent has no RegistryName; write RegistryName ({oc.ICC_REGISTRY}) so a workflow "
                  "looks it up", Severity.WARNING)
    data = _profile_bytes(profile)
    if data:
        yield from _profile_of(data, known, where)


def _profile_of(data: bytes, known, where: str) -> Iterator[Raw]:
    from leaflets import output_condition as oc

    if oc.mentions(data, known):
        return
    said = oc.profile_description(data)
    others = oc.others_mentioned(data, known)
    if others:
        yield Raw(OUTPUT_CONDITION, 0, f"{where}/DestOutputProfile", f"the output intent names {known.identifier} "
                  f"but its profile (\"{short(said)}\") is of {', '.join(others)}: the press would be set up for "
                  "one condition and the colour converted for another")
    else:
        yield Raw(OUTPUT_CONDITION, 0, f"{where}/DestOutputProfile", f"the output intent names "
                  f"{known.identifier} but its profile (\"{short(said)}\") does not say it is {known.identifier}; "
                  "check it is the press's characterisation", Severity.WARNING)


def _profile_bytes(profile) -> bytes:
    """The embedded profile's bytes, or none when it is missing or not a usable CMYK profile (PP016 says)."""
    import pikepdf

    from leaflets import icc

    if profile is None:
        return b""
    try:
        if decoded_size(profile, icc.MAX_PROFILE_BYTES) > icc.MAX_PROFILE_BYTES:
            return b""
        data = bytes(profile.read_bytes())
        return b"" if icc.cmyk_output_problem(data) else data
    except (pikepdf.PdfError, AttributeError, TypeError, ValueError):
        return b""


@dataclass
class _VariantRules:
    variant: str
    allowed: frozenset[str]  # colour-space families allowed; empty = no restriction
    no_transparency: bool
    judge_alternates: bool = False  # a spot colour's fallback space too (cmyk_only)


_CMYK_ONLY = frozenset({"DeviceCMYK", "DeviceGray", "Separation", "DeviceN", "Pattern", "Indexed"})
# PDF/X-3 and X-4 (ISO 15930-6, -7) exchange colour-managed data: ICC-based colour of any component count,
# Lab and the CIE-based Cal spaces are allowed, and the RIP converts them with the output intent. Only
# uncalibrated DeviceRGB is tied to the output intent's colour model.
_COLOUR_MANAGED = frozenset({"ICCBased Gray", "ICCBased RGB", "ICCBased CMYK", "Lab", "CalRGB", "CalGray"})
# leaflets' own print PDFs promise more than PDF/X-4: colour as the press's inks (CMYK, grey, spot), never
# converted from RGB or Lab by a RIP whose rendering intent nobody chose. Options.cmyk_only; the build sets it.
_OWN_PRINT = _CMYK_ONLY | {"ICCBased Gray", "ICCBased CMYK", "CalGray"}


def _variant_rules(pdf, variant: str, cmyk_only: bool = False) -> _VariantRules:
    intent_n = 0
    for intent in pdf.Root.get("/OutputIntents") or []:
        profile = intent.get("/DestOutputProfile")
        if profile is not None:
            intent_n = int(profile.get("/N", 0))
            break
    if variant.startswith("PDF/X-1"):
        rules = _VariantRules(variant, _CMYK_ONLY, True)
    elif variant.startswith(("PDF/X-3", "PDF/X-4", "PDF/X-5")):
        allowed = _CMYK_ONLY | _COLOUR_MANAGED | ({"DeviceRGB"} if intent_n == 3 else set())
        rules = _VariantRules(variant, frozenset(allowed), variant.startswith("PDF/X-3"))
    else:
        rules = _VariantRules(variant, frozenset(), False)
    if cmyk_only:
        allowed = rules.allowed & _OWN_PRINT if rules.allowed else _OWN_PRINT
        return _VariantRules(f"{variant or 'this PDF'} for a leaflets print PDF (CMYK only)", allowed,
                             rules.no_transparency, judge_alternates=True)
    return rules


def _check_bleed(number: int, trim, bleed) -> Iterator[Raw]:
    if bleed is None or bleed == trim:
        yield Raw(BLEED_MISSING, number, "/BleedBox", "no bleed beyond the trim: edge colour will stop short "
                  "of the cut and leave a white edge")
        return
    sides = {"left": trim[0] - bleed[0], "bottom": trim[1] - bleed[1],
             "right": bleed[2] - trim[2], "top": bleed[3] - trim[3]}
    short = {k: v for k, v in sides.items() if v < MIN_BLEED_MM * MM - 0.01}
    if short:
        detail = ", ".join(f"{k} {_mm(max(v, 0))}" for k, v in short.items())
        yield Raw(BLEED_TOO_SMALL, number, "/BleedBox", f"bleed is under {MIN_BLEED_MM:g} mm ({detail}): a white "
                  "edge may show after trimming")


def _print_page_findings(number: int, scan: PageFacts, rules: _VariantRules, trim, bleed) -> Iterator[Raw]:
    if scan.too_complex:
        yield too_complex(number, scan.too_complex)
    if rules.allowed:
        for family, where in sorted(scan.colour_spaces.items()):
            if family not in rules.allowed:
                yield Raw(COLOUR_FORBIDDEN, number, where, f"{family} colour is used ({where}), which "
                          f"{rules.variant} forbids with this output intent; the press would convert it")
        for family, where in sorted(scan.alternates.items()) if rules.judge_alternates else ():
            if family not in rules.allowed:
                yield Raw(COLOUR_FORBIDDEN, number, where, f"a spot colour falls back to {family} ({where}), which "
                          f"{rules.variant} forbids: a proof or a press without that ink would print it converted")
    if rules.no_transparency:
        for where in sorted(scan.transparency):
            yield Raw(TRANSPARENCY, number, where, f"transparency ({where}) is forbidden in {rules.variant}")
    for name, ppi in sorted(scan.images.items()):
        if ppi < PPI_ERROR:
            yield Raw(IMAGE_TOO_LOW_RES, number, name, f"{name} is {ppi:.0f} ppi as placed "
                      f"(under {PPI_ERROR}): pixels will show in print")
        elif round(ppi) < PPI_WARN:
            yield Raw(IMAGE_LOW_RES, number, name, f"{name} is {ppi:.0f} ppi as placed "
                      f"(under {PPI_WARN}): it will look soft in print")
        else:
            yield Raw(IMAGE_RESOLUTION, number, name, f"{name} is {ppi:.0f} ppi as placed")
    if scan.thinnest < HAIRLINE_PT:
        where, _, at = scan.thinnest_at.partition(" at ")
        obj = "page content" if where == "page" else where
        if scan.thinnest == 0:
            detail = ("a stroked line has 0 width, which PDF draws as the thinnest line the device can "
                      "make: on a platesetter that is about 0.01 mm, too thin to print")
        else:
            detail = (f"a stroked line is {scan.thinnest:.2f} pt wide (under {HAIRLINE_PT} pt) and may break "
                      "up on press")
        yield Raw(HAIRLINE, number, obj, f"{detail} (thinnest at {at})" if at else detail)
    for mark in scan.marks:
        if bleed is not None and _overlaps(mark, bleed) and bleed != trim:
            yield Raw(MARKS_IN_BLEED, number, "crop marks", "crop marks are drawn inside the BleedBox "
                      f"(the bleed is {_mm(trim[0] - bleed[0])}); they will print over bleed artwork")
            break
    for mark in scan.marks_in_trim:
        yield Raw(MARKS_INSIDE_TRIM, number, "crop marks", "a crop mark reaches inside the trim and will "
                  f"print on the leaflet (at x={mark[0]:.0f}, y={mark[1]:.0f} pt)")
        break


def _overlaps(a, b) -> bool:
    return a[0] < b[2] and a[2] > b[0] and a[1] < b[3] and a[3] > b[1]

