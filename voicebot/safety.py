"""Rules the bot applies itself, before and regardless of the dialogue engine.

The caller can always reach a human ("转人工", "agent"), and emergencies are sent to
119/110/120 at once, even when Rasa is down or misunderstands.
"""

from __future__ import annotations

import re

_HUMAN = re.compile(
    r"转\s*人\s*工|人\s*工\s*(服\s*务|客\s*服|坐\s*席)|找\s*人\s*工|接\s*人\s*工|真\s*人|找\s*客\s*服"
    r"|\b(agent|operator|human|representative|real person|live person)\b",
    re.IGNORECASE,
)
_EMERGENCY = re.compile(
    r"着\s*火|失\s*火|火\s*灾|救\s*命|抢\s*劫|杀\s*人|煤\s*气\s*泄\s*漏|燃\s*气\s*泄\s*漏|晕\s*倒|昏\s*迷"
    r"|\b(fire|burning|robbery|being attacked|heart attack|unconscious|gas leak|can't breathe|emergency)\b",
    re.IGNORECASE,
)


def wants_human(text: str) -> bool:
    """Return True if the caller asks for a human agent."""
    return bool(_HUMAN.search(text))


def is_emergency(text: str) -> bool:
    """Return True if the caller describes an emergency (fire, crime, medical, gas leak)."""
    return bool(_EMERGENCY.search(text))
