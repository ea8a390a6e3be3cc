"""From the action server's ticket fields (docs/workorder.md) and the call's start to a ``WorkOrder``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.model import Flag, WorkOrder
from voicebot.workorder.taxonomy import BOT_CATEGORIES

WORK_ORDER_KINDS = ("complaint", "handoff", "callback")
"""Ticket kinds that get a work order (partial and bot-resolved calls do not)."""


def bot_category(fields: Mapping[str, Any]) -> str:
    """Return the action server's category code (``complaint_category``; the first version's ``category``)."""
    for key in ("complaint_category", "category"):
        value = fields.get(key)
        if isinstance(value, str) and value in BOT_CATEGORIES:
            return value
    return "other"


def _text(fields: Mapping[str, Any], key: str) -> str:
    value = fields.get(key)
    return value.strip() if isinstance(value, str) else ""


def build_work_order(book: WorkOrderBook, fields: Mapping[str, Any], started_at_ms: int) -> WorkOrder:
    """Return the work order for a ticket's fields: type, category, urgency and deadline, area, department."""
    tax, table = book.taxonomy, book.deadlines
    requested = _text(fields, "request_type")
    request_type = requested if requested in tax.request_types else tax.default_request_type
    category = tax.for_bot_code(bot_category(fields))
    description = _text(fields, "description")
    sub, sub_words = tax.choose_subcategory(category, description)
    urgency, cues = table.urgency(description, started_at_ms, category.urgency)
    location = _text(fields, "location")
    parts = fields.get("location_parts")
    area = book.gazetteer.resolve(location, parts if isinstance(parts, Mapping) else None)
    flags = (Flag("location", "unknown-place"),) if location and not area.resolved else ()
    department, route = book.routing.suggest(category.code, sub.code if sub else None, area)
    return WorkOrder(
        request_type=request_type,
        category=category.code,
        subcategory=sub.code if sub else None,
        urgency=urgency,
        deadline_at=table.deadline_ms(urgency, started_at_ms),
        area=area,
        department=department,
        suggested_department=department,
        route=route,
        subcategory_words=sub_words,
        urgency_cues=cues,
        flags=flags,
    )
