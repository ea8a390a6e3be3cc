"""The work order on a ``tickets`` row: one column per editable field, the rest (matches, cues, flags) as JSON."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voicebot.workorder.model import Area, Flag, WorkOrder

AREA_COLUMNS = ("district", "street", "community")
"""Area columns: editing one of them re-derives ``area_resolved``."""


def columns_of(wo: WorkOrder) -> dict[str, Any]:
    """Return the row values of a work order."""
    a = wo.area
    return {
        "request_type": wo.request_type,
        "category": wo.category,
        "subcategory": wo.subcategory,
        "urgency": wo.urgency,
        "deadline_at": wo.deadline_at,
        "district": a.district,
        "street": a.street,
        "community": a.community,
        "area_resolved": a.resolved,
        "department": wo.department,
        "work_order": {
            "suggested_department": wo.suggested_department,
            "route": wo.route,
            "area_matched": list(a.matched),
            "area_text": a.text,
            "subcategory_words": list(wo.subcategory_words),
            "urgency_cues": list(wo.urgency_cues),
            "flags": [{"field": f.field, "code": f.code} for f in wo.flags],
        },
    }


def work_order_of(m: Mapping[str, Any]) -> WorkOrder | None:
    """Return the work order stored on a row (``None`` if the ticket has none)."""
    if m.get("request_type") is None or m.get("category") is None:
        return None
    extra: Mapping[str, Any] = m.get("work_order") or {}
    return WorkOrder(
        request_type=m["request_type"],
        category=m["category"],
        subcategory=m["subcategory"],
        urgency=m["urgency"] or "",
        deadline_at=int(m["deadline_at"] or 0),
        area=Area(m["district"], m["street"], m["community"], bool(m["area_resolved"]),
                  tuple(extra.get("area_matched") or ()), str(extra.get("area_text") or "")),  # fmt: skip
        department=m["department"],
        suggested_department=extra.get("suggested_department"),
        route=str(extra.get("route") or ""),
        subcategory_words=tuple(extra.get("subcategory_words") or ()),
        urgency_cues=tuple(extra.get("urgency_cues") or ()),
        flags=tuple(Flag(str(f["field"]), str(f["code"])) for f in extra.get("flags") or ()),
    )
