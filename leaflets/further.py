"""Related leaflets under "Further information": from the ids a leaflet names to titles and pages.

The content names a related leaflet by its id only (``"further_information": {"leaflets":
["spinal-fusion"]}``), so that a title changed in one leaflet never goes stale in another. A related
leaflet is the folder ``<id>/`` beside this leaflet's own folder (``content/spinal-fusion/`` beside
``content/pars-defect-repair/``), the same place rule LM010 looks, so what validate accepts the
build can show:

* :func:`resolve` (every build, preview and serve, through :func:`leaflets.build.prepare`) reads
  each related leaflet's title: in this leaflet's language when that translation exists, else in
  English (the page says so), else in whichever language the folder has. A related leaflet that
  does not exist is only possible in a draft (LM010 refuses it otherwise); its title is then a
  placeholder naming the finding.
* :func:`link_pages` (the build) adds each related leaflet's web page when the same build makes it:
  the web page links there (``spinal-fusion.en.html``, beside it in the output folder); a PDF prints
  the title. A leaflet not built with this one is named, not linked: a link must never dangle.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from leaflets.model import Leaflet


class _Request(Protocol):
    """What link_pages needs of a render request (leaflets.workers.RenderRequest, which imports the
    renderers: naming it here would make an import cycle through render.html, which uses this module)."""

    __dataclass_fields__: ClassVar[dict[str, Any]]  # a dataclass: link_pages replaces its leaflet

    @property
    def leaflet(self) -> Leaflet: ...

FALLBACK_LANGUAGE = "en"  # the page a related leaflet without this leaflet's language falls back to
R = TypeVar("R", bound=_Request)
ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")  # the schema's id: a draft's other text never names a folder
LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?")  # the schema's language tag


def language_in(language: str, reader: str) -> str:
    """The name of ``language`` in the ``reader``'s language, as a related leaflet's note says it:
    "Saesneg" for English in a Welsh leaflet, "English" in an English one."""
    from leaflets.wording import locale_for

    name = locale_for(language).get_language_name(locale_for(reader)) or language
    return name[:1].upper() + name[1:] if reader.split("-")[0] == "en" else name


def related_folder(path: Path, leaflet_id: str) -> Path:
    """Where the related leaflet ``leaflet_id`` of the leaflet at ``path`` lives: ``<id>/`` beside
    the leaflet's own folder."""
    return path.parent.parent / leaflet_id


def languages(folder: Path) -> list[str]:
    """The languages of the leaflet files (``<lang>.json``) in ``folder``, sorted; none when it is not a folder."""
    try:
        return sorted(p.stem for p in folder.glob("*.json") if p.is_file() and LANGUAGE.fullmatch(p.stem))
    except OSError:
        return []


def _title(path: Path) -> str | None:
    from leaflets import content

    doc = content.load(path)
    title = doc.data.get("title") if doc.usable and isinstance(doc.data, dict) else None
    return title if isinstance(title, str) and title.strip() else None


def resolve(leaflet: Leaflet, path: Path | str) -> Leaflet:
    """``leaflet`` with each related leaflet's title and language read from the folder beside its own
    (see the module's doc). ``path``: the leaflet's content file."""
    # imported here, not at the top: rule LM010 (leaflets.rules.related) uses this module's ID and
    # languages() on every leaflet `validate` checks, and the model costs ~40 ms to import
    from leaflets.model import Placeholder, RelatedLeaflet

    named = leaflet.further_information.leaflets
    if not named:
        return leaflet
    resolved = []
    for related in named:
        if not ID.fullmatch(related.id) or isinstance(related.id, Placeholder):  # a draft's: never a path
            resolved.append(RelatedLeaflet(related.id, Placeholder(f"{related.id} [not an id: related leaflet – "
                                                                   "see the findings]"), found=False))
            continue
        folder = related_folder(Path(path), related.id)
        have = languages(folder)
        language = next((lang for lang in (leaflet.language, FALLBACK_LANGUAGE) if lang in have),
                        have[0] if have else None)
        if language is None or related.id == leaflet.id:
            why = "it is this leaflet" if related.id == leaflet.id else "no such leaflet"
            resolved.append(RelatedLeaflet(related.id, Placeholder(f"{related.id} [{why}: related leaflet – see "
                                                                   "finding LM010]"), found=False))
            continue
        resolved.append(RelatedLeaflet(related.id, _title(folder / f"{language}.json") or related.id, language))
    further = dataclasses.replace(leaflet.further_information, leaflets=tuple(resolved))
    return dataclasses.replace(leaflet, further_information=further)


def link_pages(requests: Sequence[R], built: Collection[tuple[str, str]]) -> list[R]:
    """``requests`` with each related leaflet's web page filled in where ``built`` (the (id, language)
    of every web page this build makes, other shards' included) has it."""
    from leaflets.names import output_path

    out = []
    for request in requests:
        named = request.leaflet.further_information.leaflets
        if not any(r.found and (r.id, r.language) in built for r in named):
            out.append(request)
            continue
        linked = tuple(dataclasses.replace(r, page=output_path(r.id, r.language, "html"))
                       if r.found and r.language and (r.id, r.language) in built else r for r in named)
        further = dataclasses.replace(request.leaflet.further_information, leaflets=linked)
        out.append(dataclasses.replace(request, leaflet=dataclasses.replace(request.leaflet,
                                                                            further_information=further)))
    return out
