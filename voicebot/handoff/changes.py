"""Field-change history (``ticket_changes``): who changed which field of a ticket, from what to what."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from voicebot.handoff.schema import ticket_changes
from voicebot.handoff.ticket import FieldChange

DERIVED = ("area_resolved", "work_order")
"""Columns updated along with an edit but not recorded as changes of their own."""


def as_text(value: Any) -> str | None:
    """Return a stored value as history text (``None`` stays ``None``; lists and dicts as JSON)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def diff(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> list[tuple[str, str | None, str | None]]:
    """Return ``(field, old, new)`` for every key of ``new`` whose value differs from ``old``."""
    out = []
    for key, value in new.items():
        before, after = as_text(old.get(key)), as_text(value)
        if before != after:
            out.append((prefix + key, before, after))
    return out


async def record(
    conn: AsyncConnection, ticket_id: int, changes: Iterable[tuple[str, str | None, str | None]], actor: str, now: int
) -> list[FieldChange]:
    """Insert history rows inside the caller's transaction; return them."""
    rows = [FieldChange(f, old, new, actor, now) for f, old, new in changes]
    if rows:
        await conn.execute(
            insert(ticket_changes),
            [{"ticket_id": ticket_id, "field": c.field, "old": c.old, "new": c.new, "actor": actor, "at": now}
             for c in rows],  # fmt: skip
        )
    return rows


async def load(conn: AsyncConnection, ticket_id: int) -> tuple[FieldChange, ...]:
    """Return a ticket's field changes, oldest first."""
    result = await conn.execute(
        select(ticket_changes).where(ticket_changes.c.ticket_id == ticket_id).order_by(ticket_changes.c.id)
    )
    return tuple(FieldChange(r.field, r.old, r.new, r.actor, r.at) for r in result)


async def edited_fields(conn: AsyncConnection, ticket_id: int) -> set[str]:
    """Return the fields people have changed (a later save by the bot must not overwrite them)."""
    result = await conn.execute(select(ticket_changes.c.field).where(ticket_changes.c.ticket_id == ticket_id))
    return {r.field for r in result}
