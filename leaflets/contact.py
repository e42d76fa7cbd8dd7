"""What the leaflet's contacts and the brand's have in common: a phone number pages link to."""

from __future__ import annotations


class Dialable:
    """A contact with a ``phone`` field; pages link it as ``tel:`` with the spaces dropped (the form
    render/html.py accepts). A mixin, so the brand's and the leaflet's contacts share one definition."""

    __slots__ = ()
    phone: str | None

    @property
    def phone_uri(self) -> str | None:
        return "tel:" + self.phone.replace(" ", "") if self.phone else None
