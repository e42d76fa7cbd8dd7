"""Every string under a leaflet's value, for checks that look at all of its text at once.

One loop over a stack, not a generator per level of nesting: a generator yields each string through
every level above it, which cost more than the test made on the strings (the hygiene rules' scan for
hidden characters, a translation's numbers against its source's).
"""

from __future__ import annotations

from typing import Any


def texts(value: Any, skip: frozenset[str] = frozenset()) -> list[str]:
    """Every string in ``value``, in no particular order, leaving out the members whose key is in ``skip``."""
    out: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend((child for key, child in item.items() if key not in skip) if skip else item.values())
    return out
