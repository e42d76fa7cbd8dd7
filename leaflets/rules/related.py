"""LM010: related leaflets under "Further information" must exist.

A related leaflet is named by id (``"further_information": {"leaflets": ["spinal-fusion"]}``) and
lives in the folder ``<id>/`` beside this leaflet's own folder (``content/spinal-fusion/`` beside
``content/pars-defect-repair/``), as :mod:`leaflets.further` finds it for the pages. Like LT001, which
reads the sibling source of a translation, the rule looks at the files beside the leaflet, so a
single file checked alone gets the same answer as the whole folder, and the build (which refuses
errors) refuses what validate reports.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from leaflets.findings import Severity
from leaflets.rules.context import Context
from leaflets.rules.registry import Hit, rule


@rule("LM010", "related-leaflet-missing", Severity.ERROR, "A related leaflet does not exist, or is this leaflet.",
      what="An id in `further_information.leaflets` with no leaflet file (`<id>/<language>.json`) in the folder "
           "beside this leaflet's own folder, or the leaflet's own id.",
      why="Patients follow \"Further information\" to read more. A link to a leaflet that does not exist (a typo, a "
          "leaflet renamed or withdrawn) is a dead end on the web and a title nobody can find in print; a leaflet "
          "that recommends itself sends the reader round in a circle.",
      bad='content/pars-defect-repair/en.json with "further_information": {"leaflets": ["spinal-fusoin"]}',
      good='"further_information": {"leaflets": ["spinal-fusion"]}, with content/spinal-fusion/en.json beside it')
def related_leaflet_missing(ctx: Context) -> Iterable[Hit]:
    from leaflets.further import ID, related_folder

    own = ctx.data.get("id")
    for pointer, related in ctx.items("/further_information/leaflets"):
        if not isinstance(related, str) or not ID.fullmatch(related):
            continue  # the schema reports it
        if related == own:
            yield Hit(pointer, f"\"{related}\" is this leaflet's own id: name other leaflets here, or remove it")
        elif not _has_leaflet(folder := related_folder(ctx.doc.path, related), ctx.language):
            yield Hit(pointer, f"there is no leaflet \"{related}\" ({folder.parent.name}/{related}/<language>.json "
                      "does not exist beside this leaflet's folder): correct the id, add that leaflet, or remove it")


def _has_leaflet(folder: Path, language: str) -> bool:
    """Whether ``leaflets.further.languages(folder)`` names any: the leaflet's own language is looked for
    first, one file-system call where listing the folder takes one for each file in it."""
    from leaflets.further import LANGUAGE, languages

    try:
        if LANGUAGE.fullmatch(language) and (folder / f"{language}.json").is_file():
            return True
    except OSError:
        pass  # languages() says
    return bool(languages(folder))
