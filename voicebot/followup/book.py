"""The 回访 rows (table ``followups``): queued at resolve time, claimed atomically, finished with the outcome."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from voicebot.handoff.schema import followups, tickets
from voicebot.handoff.store import SqlTicketStore

PENDING = ("pending", "calling")
"""Statuses the console lists as still to do."""
RATING_WORDS = {1: "satisfied", 2: "basically satisfied", 3: "not satisfied"}
"""What each key means (DTMF 1/2/3), as recorded in the ticket history."""


@dataclass(frozen=True, slots=True)
class Followup:
    """One 回访."""

    id: int
    """Row id."""
    number: str
    """The ticket's number."""
    status: str
    """``pending``, ``calling``, ``done``, ``failed`` or ``skipped``."""
    attempts: int
    """Calls placed so far."""
    next_at: int
    """Epoch ms of the next attempt (pending)."""
    resolution: str
    """The agent's resolution note (what the bot reads out)."""
    result: str | None
    """Last outcome: ``rated``, ``no-rating``, ``hung-up``, ``busy``, ``no-answer``, ``confidential``..."""
    rating: int | None
    """The citizen's rating (1 satisfied, 2 basically satisfied, 3 not satisfied)."""
    category: str | None = None
    """The ticket's work-order category code (for the console)."""


def _row(r: object) -> Followup:
    m = r._mapping  # type: ignore[attr-defined]
    return Followup(m["id"], m["number"], m["status"], m["attempts"], m["next_at"], m["resolution"], m["result"],
                    m["rating"], m.get("category"))


async def enqueue_in(conn: AsyncConnection, ticket_id: int, number: str, note: str, now: int) -> None:
    """Queue a 回访 for a ticket inside the resolving transaction (once per ticket: re-resolving adds none)."""
    exists = (await conn.execute(select(followups.c.id).where(followups.c.ticket_id == ticket_id))).first()
    if exists is None:
        await conn.execute(insert(followups).values(ticket_id=ticket_id, number=number, status="pending", attempts=0,
                                                    next_at=now, resolution=note, created_at=now, updated_at=now))


async def enqueue(store: SqlTicketStore, number: str, note: str) -> None:
    """Queue a 回访 for ticket ``number`` (just resolved with ``note``)."""
    now = store.now_ms()
    async with store.engine.begin() as conn:
        ticket_id = (await conn.execute(select(tickets.c.id).where(tickets.c.number == number))).scalar_one()
        await enqueue_in(conn, ticket_id, number, note, now)


class FollowupBook:
    """Queries and updates of the 回访 rows."""

    def __init__(self, store: SqlTicketStore) -> None:
        self.store = store

    async def get(self, number: str) -> Followup | None:
        """Return the 回访 of ticket ``number``."""
        async with self.store.engine.connect() as conn:
            row = (await conn.execute(select(followups).where(followups.c.number == number))).first()
        return None if row is None else _row(row)

    async def due(self, now_ms: int, limit: int = 20) -> list[Followup]:
        """Return pending rows whose time has come, oldest first."""
        query = (select(followups).where(followups.c.status == "pending", followups.c.next_at <= now_ms)
                 .order_by(followups.c.next_at, followups.c.id).limit(limit))
        async with self.store.engine.connect() as conn:
            return [_row(r) for r in await conn.execute(query)]

    async def pending(self, limit: int = 200) -> list[Followup]:
        """Return what is still to call (the console's list), next first, with each ticket's category."""
        query = (select(followups, tickets.c.category).join(tickets, tickets.c.id == followups.c.ticket_id)
                 .where(followups.c.status.in_(PENDING)).order_by(followups.c.next_at, followups.c.id).limit(limit))
        async with self.store.engine.connect() as conn:
            return [_row(r) for r in await conn.execute(query)]

    async def started_since(self, since_ms: int) -> int:
        """Return how many 回访 had an attempt started at or after ``since_ms`` (the daily cap counts these)."""
        query = select(func.count()).where(followups.c.last_attempt_at >= since_ms)
        async with self.store.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    async def claim(self, row_id: int, now_ms: int) -> bool:
        """Mark a due row ``calling`` (one conditional UPDATE: two bot processes never call the same citizen)."""
        query = (update(followups).where(followups.c.id == row_id, followups.c.status == "pending")
                 .values(status="calling", attempts=followups.c.attempts + 1, last_attempt_at=now_ms,
                         updated_at=now_ms).returning(followups.c.id))
        async with self.store.engine.begin() as conn:
            return (await conn.execute(query)).first() is not None

    async def finish(self, row: Followup, status: str, result: str, now_ms: int, *, rating: int | None = None,
                     next_at: int | None = None) -> None:
        """Record an outcome: ``pending`` again (with ``next_at``), or final; a rating also goes in the history."""
        values: dict[str, object] = {"status": status, "result": result, "updated_at": now_ms}
        if next_at is not None:
            values["next_at"] = next_at
        if rating is not None:
            values["rating"] = rating
        async with self.store.engine.begin() as conn:
            await conn.execute(update(followups).where(followups.c.id == row.id).values(**values))
            if status != "pending":
                ticket_id = (await conn.execute(select(followups.c.ticket_id)
                                                .where(followups.c.id == row.id))).scalar_one()
                note = f"回访 {result}" + (f": {rating} ({RATING_WORDS.get(rating, '?')})" if rating else "")
                await self.store.add_history(conn, ticket_id, "resolved", "followup", note, now_ms)
        self.store.notify(row.number, "resolved")
