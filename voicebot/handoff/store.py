"""``SqlTicketStore``: durable, idempotent ticket storage on SQLite or PostgreSQL (SQLAlchemy 2, async)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from voicebot.errors import TicketError
from voicebot.handoff import briefs, changes
from voicebot.handoff.base import TicketBrief, TicketDraft
from voicebot.handoff.db import make_engine, migrate
from voicebot.handoff.drafts import draft_values, merge_draft
from voicebot.handoff.notify import TicketBus, TicketChanged
from voicebot.handoff.schema import ticket_history, tickets
from voicebot.handoff.ticket import FieldChange, StatusChange, Ticket, log_number, new_number, ticket_from_row

log = logging.getLogger(__name__)

NOTIFY_CHANNEL = "voicebot_tickets"
"""PostgreSQL LISTEN/NOTIFY channel carrying ``number:status`` of changed tickets."""


def wall_ms() -> int:
    """Return the wall-clock time in epoch milliseconds."""
    return int(time.time() * 1000)


class SqlTicketStore:
    """Tickets on one database; implements ``TicketStore`` plus what the queue and console need."""

    def __init__(
        self, engine: AsyncEngine, *, now_ms: Callable[[], int] = wall_ms, numbers: Callable[[], str] = new_number
    ) -> None:
        self.engine = engine
        """The async engine (shared with the queue and console)."""
        self.now_ms = now_ms
        """Epoch-ms clock (injectable for tests)."""
        self.bus = TicketBus()
        """In-process change notifications."""
        self.numbers = numbers
        """Ticket number generator (random 8 digits; collisions are retried)."""

    @classmethod
    def from_url(
        cls, url: str, *, now_ms: Callable[[], int] = wall_ms, numbers: Callable[[], str] = new_number
    ) -> SqlTicketStore:
        """Create a store for a settings database URL (call ``migrate()`` before use)."""
        return cls(make_engine(url), now_ms=now_ms, numbers=numbers)

    @property
    def dialect(self) -> str:
        """Return ``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    async def migrate(self) -> None:
        """Create or upgrade the schema."""
        await migrate(self.engine)

    async def close(self) -> None:
        """Release the database connections."""
        await self.engine.dispose()

    def notify(self, number: str, status: str) -> None:
        """Tell in-process listeners that a ticket changed (after the change is committed)."""
        self.bus.publish(TicketChanged(number, status, self.now_ms()))

    async def save(self, draft: TicketDraft, number: str | None = None) -> str:
        """Store or update the call's ticket, committed before returning; return its number.

        ``number`` is tried first for a new ticket (a number the caller already heard, e.g. from the spool).
        """
        values = draft_values(draft)
        try:
            async with self.engine.begin() as conn:
                number, status = await self._save(conn, draft.call_id, values, number)
                await self.announce(conn, number, status)
        except (SQLAlchemyError, OSError) as err:  # asyncpg's connection refused is a bare OSError
            raise TicketError("ticket-save-failed", f"cannot save the ticket of call {draft.call_id}: {err}") from err
        log.info("call %s: ticket %s saved (%s, %s)", draft.call_id, log_number(number), draft.kind, status)
        self.notify(number, status)
        return number

    async def _save(
        self, conn: AsyncConnection, call_id: str, values: dict[str, Any], preferred: str | None = None
    ) -> tuple[str, str]:
        now = self.now_ms()
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        for attempt in range(8):
            number = preferred if preferred and attempt == 0 else self.numbers()
            status = "callback_due" if values["kind"] == "callback" else "new"
            row = {
                **values,
                "number": number,
                "call_id": call_id,
                "status": status,
                "created_at": now,
                "updated_at": now,
                "notes": "",
                "callback_number": self._callback_number(values) if status == "callback_due" else None,
            }
            # ON CONFLICT DO NOTHING without a target covers both a known call (update below) and a number
            # collision (retry); on PostgreSQL a concurrent insert of the same call waits here for the other.
            stmt = dialect_insert(tickets).values(**row).on_conflict_do_nothing().returning(tickets.c.id)
            inserted = (await conn.execute(stmt)).first()
            if inserted is not None:
                await self.add_history(conn, inserted.id, status, "bot", values.get("handoff_reason") or "", now)
                return number, status
            existing = (
                await conn.execute(select(tickets).where(tickets.c.call_id == call_id).with_for_update())
            ).first()
            if existing is not None:
                return await self._update_existing(conn, existing, values, now)
        raise TicketError("ticket-number-exhausted", "could not find a free ticket number")

    async def _update_existing(
        self, conn: AsyncConnection, old: Any, values: dict[str, Any], now: int
    ) -> tuple[str, str]:
        merged = merge_draft(old, values, await changes.edited_fields(conn, old.id))
        status = old.status
        if merged["kind"] == "callback" and status == "new":
            status = "callback_due"
            merged["callback_number"] = self._callback_number(merged)
            await self.add_history(conn, old.id, status, "bot", merged["callback_number"] or "", now)
        await conn.execute(
            update(tickets).where(tickets.c.id == old.id).values(**merged, status=status, updated_at=now)
        )
        return old.number, status

    @staticmethod
    def _callback_number(values: dict[str, Any]) -> str:
        return str(values["fields"].get("callback_phone") or values["calling_number"] or "")

    async def add_history(
        self, conn: AsyncConnection, ticket_id: int, status: str, actor: str, note: str, now: int
    ) -> None:
        """Record a status change inside the caller's transaction."""
        await conn.execute(
            insert(ticket_history).values(ticket_id=ticket_id, status=status, at=now, actor=actor, note=note)
        )

    async def announce(self, conn: AsyncConnection, number: str, status: str) -> None:
        """On PostgreSQL, NOTIFY other bot processes' consoles of a change (delivered when the transaction commits)."""
        if self.dialect == "postgresql":
            await conn.execute(select(func.pg_notify(NOTIFY_CHANNEL, f"{number}:{status}")))

    async def status(self, number: str) -> str | None:
        """Return the ticket's current status, or ``None`` if there is no such ticket."""
        async with self.engine.connect() as conn:
            return (await conn.execute(select(tickets.c.status).where(tickets.c.number == number))).scalar()

    async def brief(self, number: str) -> TicketBrief | None:
        """Return what the bot may tell about ticket ``number`` (``None`` if unknown)."""
        try:
            async with self.engine.connect() as conn:
                return await briefs.brief(conn, number)
        except (SQLAlchemyError, OSError) as err:
            raise TicketError("ticket-read-failed", f"cannot read ticket {log_number(number)}: {err}") from err

    async def open_for(self, caller_key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return the open tickets filed from a normal-form calling number, newest first."""
        try:
            async with self.engine.connect() as conn:
                return await briefs.open_for(conn, caller_key, limit)
        except (SQLAlchemyError, OSError) as err:
            raise TicketError("ticket-read-failed", f"cannot look up the caller's open tickets: {err}") from err

    async def get(self, number: str) -> Ticket | None:
        """Return the ticket with its status history and follow-ups (重复件), or ``None``."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(tickets).where(tickets.c.number == number))).first()
            if row is None:
                return None
            hist = await conn.execute(
                select(ticket_history).where(ticket_history.c.ticket_id == row.id).order_by(ticket_history.c.id)
            )
            history = tuple(StatusChange(h.status, h.at, h.actor, h.note) for h in hist)
            edits = await changes.load(conn, row.id)
            repeats = await conn.execute(
                select(tickets.c.number).where(tickets.c.repeat_of == number).order_by(tickets.c.created_at)
            )
            followups = tuple(r.number for r in repeats)
        return ticket_from_row(row, history, edits, followups)

    async def get_by_call(self, call_id: str) -> Ticket | None:
        """Return the ticket of a call, or ``None``."""
        async with self.engine.connect() as conn:
            number = (await conn.execute(select(tickets.c.number).where(tickets.c.call_id == call_id))).scalar()
        return None if number is None else await self.get(number)

    async def list(
        self,
        *,
        statuses: Sequence[str] | None = None,
        include_confidential: bool = True,
        updated_since_ms: int | None = None,
        limit: int = 200,
        by_update: bool = False,
    ) -> list[Ticket]:
        """Return tickets: queued first (longest wait first), then newest; or oldest change first (``by_update``)."""
        query: Select[Any] = select(tickets)
        if statuses:
            query = query.where(tickets.c.status.in_(list(statuses)))
        if not include_confidential:
            query = query.where(tickets.c.confidential.is_(False))
        if updated_since_ms is not None:
            query = query.where(tickets.c.updated_at > updated_since_ms)
        if by_update:  # incremental pulls: page on with updated_since = the last ticket's updated_at
            query = query.order_by(tickets.c.updated_at, tickets.c.id)
        else:
            query = query.order_by(
                (tickets.c.status != "queued"), tickets.c.queued_at, tickets.c.created_at.desc(), tickets.c.id.desc()
            )
        query = query.limit(limit)
        async with self.engine.connect() as conn:
            return [ticket_from_row(r) for r in await conn.execute(query)]

    async def edit(
        self, number: str, actor: str, *, notes: str | None = None, fields: dict[str, Any] | None = None
    ) -> tuple[FieldChange, ...]:
        """Update an agent's notes and complaint fields; return the recorded changes."""
        values: dict[str, Any] = {}
        if notes is not None:
            values["notes"] = notes
        return await self.update(number, actor, values, fields or {})

    async def update(
        self, number: str, actor: str, values: dict[str, Any], fields: dict[str, Any] | None = None
    ) -> tuple[FieldChange, ...]:
        """Change ticket columns (work order, notes) and complaint fields, recording who changed what.

        ``values`` must already be checked (``voicebot.workorder.edit.check_edit``); unchanged ones are skipped.
        """
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(tickets).where(tickets.c.number == number).with_for_update())).first()
            if row is None:
                raise TicketError("ticket-not-found", f"no ticket {number}")
            m = row._mapping
            diffs = changes.diff(dict(m), values)
            diffs += changes.diff(dict(m["fields"] or {}), fields or {}, "fields.")
            diffs = [d for d in diffs if d[0] not in changes.DERIVED]
            if not diffs:
                return ()
            now = self.now_ms()
            update_values = {k: v for k, v in values.items() if changes.as_text(v) != changes.as_text(m[k])}
            if fields:
                update_values["fields"] = {**(m["fields"] or {}), **fields}
            await conn.execute(update(tickets).where(tickets.c.id == row.id).values(**update_values, updated_at=now))
            recorded = tuple(await changes.record(conn, row.id, diffs, actor, now))
            await self.announce(conn, number, row.status)
        log.info("ticket %s: %s changed by %s", log_number(number), ", ".join(c.field for c in recorded), actor)
        self.notify(number, row.status)
        return recorded

    async def change_marker(self) -> tuple[int, int]:
        """Return (ticket count, newest change) to let pollers notice changes made by other processes."""
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(func.count(), func.max(tickets.c.updated_at)))).one()
        return int(row[0]), int(row[1] or 0)
