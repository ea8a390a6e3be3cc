"""The ticket fields the action server sends to the bot (``file_ticket`` and handoff directives).

The contract is in docs/workorder.md: normalised values, the caller's own words (``words``), the detail parts and
flags for the agent. The bot builds the 12345 work order from them.
"""

from __future__ import annotations

import re
from typing import Any

from actions import parsing

# Slot name -> ticket field name where they differ.
RENAMED = {"field_words": "words"}


def partial_fields(slots: dict[str, Any]) -> dict[str, Any]:
    """Return what the caller gave so far, in the ticket's field names (for a handoff's pre-filled ticket)."""
    out: dict[str, Any] = {}
    for name, value in slots.items():
        if value is None or value == [] or value == {}:
            continue
        out[RENAMED.get(name, name)] = value
    opening = out.pop("opening", None)
    if opening:
        out["description"] = description(opening, out.get("description"))
    if out.get("callback_phone") == "anonymous":
        out["callback_phone"] = None
        out["anonymous"] = True
    return out


def description(opening: str | None, details: str | None) -> str | None:
    """Return the caller's first account followed by the details they gave when asked (each once)."""
    parts = [p for p in (opening, details) if p]
    if len(parts) == 2 and (parts[1] in parts[0] or parts[0] in parts[1]):
        return max(parts, key=len)
    return " ".join(parts) or None


REMARK_FIELDS = ("location", "incident_time")
"""Answers whose words may say more about the problem than their value ("周六早上八点不到就开始砸墙")."""


def with_remarks(account: str | None, slots: dict[str, Any]) -> str | None:
    """Return the account followed by what the caller said about the problem while answering where and when: the
    words of an answer that say clearly more than its stored value (the agent reads the whole story once)."""
    words = slots.get("field_words") or {}
    parts = [account] if account else []
    for name in REMARK_FIELDS:
        said, value = str(words.get(name) or ""), str(slots.get(name) or "")
        flat_said, flat_value = _flat(said), _flat(value)
        if value and len(flat_said) > len(flat_value) + 6 and flat_said not in _flat(" ".join(parts)):
            parts.append(said)
    return " ".join(parts) or None


def _flat(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", text.lower())


def ticket_fields(slots: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """Return the ``file_ticket`` directive's fields for a confirmed complaint."""
    phone = slots.get("callback_phone")
    anonymous = phone == "anonymous"
    account = with_remarks(description(slots.get("opening"), slots.get("description")), slots)
    category, flags = category_of(slots)
    fields: dict[str, Any] = {
        "kind": "complaint",
        "request_type": slots.get("request_type") or "complaint",
        "complaint_category": category,
        "location": slots.get("location"),
        "location_parts": slots.get("location_parts"),
        "incident_time": slots.get("incident_time"),
        "incident_time_norm": slots.get("incident_time_norm"),
        "description": account,
        "callback_phone": None if anonymous else phone,
        "phone_kind": None if anonymous else slots.get("phone_kind"),
        "anonymous": anonymous,
        "confidential": bool(slots.get("confidential")) or anonymous,
        "words": dict(slots.get("field_words") or {}),
        "flags": flags,
        "calling_number": metadata.get("calling_number") or None,
        "lang": slots.get("lang"),
    }
    if slots.get("id_number"):
        fields["id_number"] = slots["id_number"]
    return fields


def category_of(slots: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """Return the complaint's category and the flags: the kind the caller's first account points to (what they
    called about), else the whole account (details, place), else one named in a single answer; nothing pointing to
    a kind leaves ``other``, flagged ``unclassified`` for the agent."""
    flags = list(slots.get("flags") or [])
    account = description(slots.get("opening"), slots.get("description"))
    said = " ".join(str(part) for part in (account, slots.get("location")) if part)
    opening = str(slots.get("opening") or "")
    found = parsing.category(opening) or parsing.category(said) or slots.get("complaint_category")
    if found:
        return found, flags
    entry = {"field": "complaint_category", "code": "unclassified"}
    return "other", flags if entry in flags else [*flags, entry]
