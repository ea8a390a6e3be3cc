"""Whether the caller asks for a person: that always wins, before any other rule."""

from __future__ import annotations

import re

_HUMAN = re.compile(
    r"转\s*人\s*工|人\s*工\s*(服\s*务|客\s*服|坐\s*席)|找\s*人\s*工|接\s*人\s*工|真\s*人|找\s*客\s*服"
    r"|\b(agent|operator|human|representative|real person|live person)\b",
    re.IGNORECASE,
)


def wants_human(text: str) -> bool:
    """Return True if the caller asks for a human agent."""
    return bool(_HUMAN.search(text))
