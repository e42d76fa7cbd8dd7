"""Where brands live, and the names every reader of a brand folder shares.

Apart from :mod:`leaflets.brand` (which re-exports them), because that module imports the schema
check, the logo and ICC readers and more: ~30 ms that the slot rules (leaflets.slots, run by
``validate`` on every leaflet, in every worker) would pay only to find the brands folder.
"""

from __future__ import annotations

from pathlib import Path

BRAND_FILE = "brand.json"
DEFAULT_BRAND = "default"
MAX_BRAND_JSON_BYTES = 256 * 1024  # checked with stat() before the file is read (see leaflets.brand)


def brand_dir() -> Path:
    """Brands ship inside the package when installed (``leaflets/brands``), and sit at the top of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "brands", here.parent / "brands"):
        if (candidate / DEFAULT_BRAND / BRAND_FILE).is_file():
            return candidate
    raise FileNotFoundError("the leaflets brands folder is missing from this installation")
