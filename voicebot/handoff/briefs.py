"""What the bot may tell a caller about tickets: one ticket's brief, and a calling number's open tickets."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from voicebot.handoff.base import TicketBrief
from voicebot.handoff.caller_number import caller_key
from voicebot.handoff.schema import tickets
from voicebot.handoff.ticket import OPEN_STATUSES

CASE_KINDS = ("complaint", "handoff", "callback")
"""Tickets that are cases being handled (not a call the bot answered itself, nor one cut off before it said
anything worth a case)."""

_COLUMNS = (tickets.c.number, tickets.c.status, tickets.c.department, tickets.c.deadline_at, tickets.c.caller_key,
            tickets.c.callback_number, tickets.c.calling_number, tickets.c.fields, tickets.c.created_at)  # fmt: skip


def brief_of(row: Any) -> TicketBrief:
    """Return the brief of a row holding ``_COLUMNS``."""
    m = row._mapping
    fields = m["fields"] or {}
    callback = m["callback_number"] or fields.get("callback_phone") or m["calling_number"]
    return TicketBrief(
        number=m["number"],
        status=m["status"],
        department=m["department"],
        deadline_at=int(m["deadline_at"]) if m["deadline_at"] else None,
        caller_key=m["caller_key"] or caller_key(m["calling_number"]),
        callback_key=caller_key(str(callback or "")),
        created_at=int(m["created_at"]),
    )


async def brief(conn: AsyncConnection, number: str) -> TicketBrief | None:
    """Return the brief of ticket ``number``, or ``None``."""
    row = (await conn.execute(select(*_COLUMNS).where(tickets.c.number == number))).first()
    return None if row is None else brief_of(row)


async def open_for(conn: AsyncConnection, key: str, limit: int) -> tuple[TicketBrief, ...]:
    """Return the open cases filed from normal-form number ``key``, newest first (none for ``""``)."""
    if not key:
        return ()
    query = (
        select(*_COLUMNS)
        .where(tickets.c.caller_key == key, tickets.c.status.in_(OPEN_STATUSES), tickets.c.kind.in_(CASE_KINDS))
        .where(tickets.c.purged_at.is_(None))
        .order_by(tickets.c.created_at.desc(), tickets.c.id.desc())
        .limit(limit)
    )
    return tuple(brief_of(row) for row in await conn.execute(query))
