"""The work order in the REST API: ticket JSON with labels, the PATCH body, and their OpenAPI schemas."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from voicebot.handoff.ticket import Ticket
from voicebot.handoff.workorder_edit import TicketEdit
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.model import EDITABLE

_NULL_STR = {"type": ["string", "null"]}
_LABELS = {
    "type": "object",
    "properties": {k: _NULL_STR for k in ("request_type", "category", "subcategory", "urgency")},
}

WORK_ORDER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "The 12345 work order (GB/T 33358 工单); codes are the operator files' (docs/workorder.md)",
    "required": ["request_type", "category", "urgency", "deadline_at", "area", "department", "flags", "labels"],
    "properties": {
        "request_type": {
            "type": "string",
            "description": "诉求类型: complaint report assistance consultation suggestion (or the taxonomy's own)",
        },  # fmt: skip
        "category": {"type": "string", "description": "Taxonomy category code"},
        "subcategory": {**_NULL_STR, "description": "Taxonomy sub-category code"},
        "urgency": {
            "type": "string",
            "description": "Level code of the deadline table (normal 一般, urgent 紧急, critical 特急 in the sample)",
        },  # fmt: skip
        "deadline_at": {"type": "integer", "description": "办理时限, epoch ms"},
        "area": {
            "type": "object",
            "properties": {
                "district": _NULL_STR,
                "street": _NULL_STR,
                "community": _NULL_STR,
                "resolved": {"type": "boolean", "description": "The district is in the city gazetteer"},
                "matched": {"type": "array", "items": {"type": "string"}},
                "text": {"type": "string", "description": "The place as the caller gave it"},
            },
        },
        "department": {**_NULL_STR, "description": "承办单位 (the suggestion until someone changes it)"},
        "suggested_department": _NULL_STR,
        "route": {"type": "string", "description": "Routing rule that suggested it: category/subcategory/district"},
        "subcategory_words": {"type": "array", "items": {"type": "string"}},
        "urgency_cues": {"type": "array", "items": {"type": "string"}},
        "flags": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "code": {"type": "string", "examples": ["unknown-place"]}},
            },
        },
        "labels": {
            "type": "object",
            "description": "The codes in words",
            "properties": {"zh-CN": _LABELS, "en-US": _LABELS},
        },
    },
}

FIELD_CHANGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "description": "Work-order field, fields.<key> or notes"},
        "old": _NULL_STR,
        "new": _NULL_STR,
        "actor": {"type": "string", "description": "Agent user name or api:<token name>"},
        "at_ms": {"type": "integer"},
    },
}

TICKET_PATCH_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "work_order": {
            "type": "object",
            "additionalProperties": False,
            "description": "Work-order corrections; changing urgency alone moves deadline_at to its 办理时限",
            "properties": {
                **{k: _NULL_STR for k in EDITABLE if k != "deadline_at"},
                "deadline_at": {"type": ["integer", "string"], "description": "epoch ms or ISO date and time"},
            },
        },
        "fields": {"type": "object", "description": "Complaint fields to set"},
        "notes": {"type": "string"},
    },
}


def ticket_json(ticket: Ticket, book: WorkOrderBook, *, history: bool = True) -> dict[str, Any]:
    """Return ticket JSON with the work order's labels."""
    data = ticket.to_json(history=history)
    data["work_order"] = book.describe(ticket.work_order) if ticket.work_order else None
    return data


def bad_request(message: str) -> web.HTTPBadRequest:
    """Return a JSON 400 error."""
    return web.HTTPBadRequest(text=json.dumps({"error": message}), content_type="application/json")


def patch_body(body: Any) -> TicketEdit:
    """Return the edit a PATCH body asks for (400 if it is not of the documented shape)."""
    if not isinstance(body, dict) or set(body) - {"work_order", "fields", "notes"}:
        raise bad_request("body must be a JSON object with work_order, fields and/or notes")
    work_order, fields, notes = body.get("work_order") or {}, body.get("fields") or {}, body.get("notes")
    if not isinstance(work_order, dict) or not isinstance(fields, dict):
        raise bad_request("work_order and fields must be JSON objects")
    unknown = sorted(set(work_order) - set(EDITABLE))
    if unknown:
        raise bad_request(f"work_order: {unknown[0]} is not editable ({', '.join(EDITABLE)})")
    if notes is not None and not isinstance(notes, str):
        raise bad_request("notes must be a string")
    return TicketEdit(notes=notes, fields=fields, work_order=work_order)
