"""The ticket fields the action server sends to the bot (``file_ticket`` and handoff directives).

The contract is in docs/workorder.md: normalised values, the caller's own words (``words``), the detail parts and
flags for the agent. The bot builds the 12345 work order from them.
"""

from __future__ import annotations

from typing import Any

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


def ticket_fields(slots: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
    """Return the ``file_ticket`` directive's fields for a confirmed complaint."""
    phone = slots.get("callback_phone")
    anonymous = phone == "anonymous"
    fields: dict[str, Any] = {
        "kind": "complaint",
        "request_type": slots.get("request_type") or "complaint",
        "complaint_category": slots.get("complaint_category") or "other",
        "location": slots.get("location"),
        "location_parts": slots.get("location_parts"),
        "incident_time": slots.get("incident_time"),
        "incident_time_norm": slots.get("incident_time_norm"),
        "description": description(slots.get("opening"), slots.get("description")),
        "callback_phone": None if anonymous else phone,
        "phone_kind": None if anonymous else slots.get("phone_kind"),
        "anonymous": anonymous,
        "confidential": bool(slots.get("confidential")) or anonymous,
        "words": dict(slots.get("field_words") or {}),
        "flags": list(slots.get("flags") or []),
        "calling_number": metadata.get("calling_number") or None,
        "lang": slots.get("lang"),
    }
    if slots.get("id_number"):
        fields["id_number"] = slots["id_number"]
    return fields
