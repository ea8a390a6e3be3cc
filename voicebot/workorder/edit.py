"""Checking an agent's (or the case system's) corrections of a work order against the operator files."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from voicebot.handoff.workorder_columns import columns_of
from voicebot.workorder.book import WorkOrderBook
from voicebot.workorder.builder import build_work_order
from voicebot.workorder.errors import WorkOrderValueError
from voicebot.workorder.model import EDITABLE, WorkOrder

MAX_TEXT = 64
"""Longest free-text street or community name."""

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
"""``datetime-local`` form value of a deadline, in the deadline table's time zone."""


def local_deadline(book: WorkOrderBook, at_ms: int) -> str:
    """Return a deadline as the console's ``datetime-local`` value."""
    return dt.datetime.fromtimestamp(at_ms / 1000, book.deadlines.timezone).strftime(LOCAL_FORMAT)


def _bad(field: str, message: str) -> WorkOrderValueError:
    return WorkOrderValueError("workorder-bad-value", f"{field}: {message}")


def _deadline(book: WorkOrderBook, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    if text.isdigit():
        return int(text)
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError as err:
        raise _bad("deadline_at", f"{text!r} is neither epoch ms nor a date and time") from err
    if local.tzinfo is None:
        local = local.replace(tzinfo=book.deadlines.timezone)
    return int(local.timestamp() * 1000)


def _optional(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _changed_deadline(book: WorkOrderBook, base: WorkOrder, raw: Mapping[str, Any]) -> int | None:
    """Return an explicitly changed deadline (a form re-posting the shown minute is no change)."""
    value = raw.get("deadline_at")
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, str) and value.strip() == local_deadline(book, base.deadline_at):
        return None
    return _deadline(book, value)


def edit_columns(
    book: WorkOrderBook,
    fields: Mapping[str, Any],
    current: WorkOrder | None,
    started_at_ms: int,
    raw: Mapping[str, Any],
) -> dict[str, Any]:
    """Return the ``tickets`` values for a correction (a ticket without a work order first gets one built).

    Codes must be the operator files' (district by name or alias; street and community may be free text);
    changing the urgency alone moves the deadline to that level's 办理时限.
    """
    unknown = sorted(set(raw) - set(EDITABLE))
    if unknown:
        raise _bad(unknown[0], f"not an editable work-order field ({', '.join(EDITABLE)})")
    base = current or build_work_order(book, fields, started_at_ms)
    out: dict[str, Any] = {} if current else columns_of(base)
    tax = book.taxonomy
    if "request_type" in raw:
        if raw["request_type"] not in tax.request_types:
            raise _bad("request_type", f"unknown request type {raw['request_type']!r}")
        out["request_type"] = raw["request_type"]
    category_code = str(raw.get("category") or base.category)
    category = tax.category(category_code)
    if category is None:
        raise _bad("category", f"unknown category {category_code!r}")
    out["category"] = category.code
    sub = _optional(raw["subcategory"]) if "subcategory" in raw else base.subcategory
    if sub is not None and category.subcategory(sub) is None:
        if "subcategory" in raw and sub != base.subcategory:
            raise _bad("subcategory", f"{sub!r} is not a sub-category of {category.code!r}")
        sub = None  # the category changed: the old sub-category does not belong to it
    out["subcategory"] = sub
    urgency = str(raw.get("urgency") or base.urgency)
    if book.deadlines.level(urgency) is None:
        raise _bad("urgency", f"unknown urgency {urgency!r}")
    out["urgency"] = urgency
    deadline = _changed_deadline(book, base, raw)
    if deadline is not None:
        out["deadline_at"] = deadline
    elif urgency != base.urgency:
        out["deadline_at"] = book.deadlines.deadline_ms(urgency, started_at_ms)
    _area(book, base, raw, out)
    if "department" in raw:
        department = _optional(raw["department"])
        if department != base.department and department not in book.departments():
            raise _bad("department", f"{department!r} is not a department of the routing table")
        out["department"] = department
    return out


def _area(book: WorkOrderBook, base: WorkOrder, raw: Mapping[str, Any], out: dict[str, Any]) -> None:
    gaz = book.gazetteer
    district = gaz.district(base.area.district) if base.area.district else None
    if "district" in raw:
        name = _optional(raw["district"])
        district = gaz.district(name) if name else None
        if name and district is None:
            raise _bad("district", f"{name!r} is not a district of {gaz.city.name} ({gaz.path.name})")
        out["district"] = district.place.name if district else None
        out["area_resolved"] = district is not None
    for key in ("street", "community"):
        if key not in raw:
            continue
        value = _optional(raw[key])
        if value and len(value) > MAX_TEXT:
            raise _bad(key, f"longer than {MAX_TEXT} characters")
        if key == "street" and value:
            street = gaz.street(district, value)
            value = street.place.name if street else value
        out[key] = value
