"""Retention: personal data of tickets older than ``retention_days`` is deleted, one ticket at a time.

What goes (docs/handoff.md, Retention): the recording file and reference, the transcript, the complaint fields,
the caller's words kept with the work order, the calling and callback numbers, the switch's call id, agents'
notes, and the values of status notes and field-change history. What stays: the ticket number, kind, status,
times, intent, FAQ topics, category, district and department (statistics). ``purged_at`` marks the ticket.

A ticket that cannot be purged (its recording cannot be deleted: a directory, no permission...) is logged and
counted, keeps its recording reference and no ``purged_at``, so the next run tries again; the others go on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import select, update

from voicebot.handoff.schema import followups, ticket_changes, ticket_history, tickets
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import log_number
from voicebot.runtime.aio import cancel_and_wait
from voicebot.settings import project_path

log = logging.getLogger(__name__)

DAY_MS = 86_400_000

CALLER_WORDS = ("area_text", "area_matched", "subcategory_words", "urgency_cues")
"""Keys of the stored work order (``work_order`` JSON) that quote the caller; the rest are codes and rules."""


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What one retention run did."""

    purged: int = 0
    """Tickets whose personal data was deleted."""
    failed: int = 0
    """Tickets that could not be purged (logged; tried again next run)."""


def recording_path(ref: str) -> Path | None:
    """Return the local file a recording reference names (``file://`` or a path), or ``None`` for remote refs."""
    if "://" in ref and not ref.startswith("file://"):
        return None
    return project_path(ref.removeprefix("file://"))


def _unlink(path: Path) -> bool:
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def blanked(row: Any) -> dict[str, Any]:
    """Return the column values that replace a ticket's personal data."""
    work_order = row.work_order
    if isinstance(work_order, dict):
        work_order = {k: v for k, v in work_order.items() if k not in CALLER_WORDS}
    return {"transcript": [], "fields": {}, "calling_number": "", "caller_key": "", "callback_number": None,
            "notes": "", "protocol_call_id": "", "work_order": work_order}  # fmt: skip


async def _blank(store: SqlTicketStore, row: Any, **extra: Any) -> None:
    now = store.now_ms()
    async with store.engine.begin() as conn:
        values = {**blanked(row), **extra, "updated_at": now}
        await conn.execute(update(tickets).where(tickets.c.id == row.id).values(**values))
        await conn.execute(update(ticket_history).where(ticket_history.c.ticket_id == row.id).values(note=""))
        await conn.execute(update(followups).where(followups.c.ticket_id == row.id).values(resolution=""))  # 回访
        await conn.execute(
            update(ticket_changes).where(ticket_changes.c.ticket_id == row.id).values(old=None, new=None)
        )


async def purge_ticket(store: SqlTicketStore, row: Any) -> None:
    """Delete one ticket's personal data, or raise (``OSError`` for the recording, database errors).

    When the recording cannot be deleted the rest is blanked anyway, but the reference and a missing
    ``purged_at`` stay so that the next run tries the recording again.
    """
    path = recording_path(row.recording_ref) if row.recording_ref else None
    try:
        if path is not None and await asyncio.to_thread(_unlink, path):
            log.info("ticket %s: recording deleted (retention)", log_number(row.number))
    except OSError:
        await _blank(store, row)
        raise
    await _blank(store, row, recording_ref=None, purged_at=store.now_ms())


async def purge_expired(store: SqlTicketStore, retention_days: int) -> PurgeResult:
    """Delete the personal data of tickets created more than ``retention_days`` ago, each on its own."""
    cutoff = store.now_ms() - retention_days * DAY_MS
    async with store.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(tickets.c.id, tickets.c.number, tickets.c.recording_ref, tickets.c.work_order).where(
                    tickets.c.created_at < cutoff, tickets.c.purged_at.is_(None)
                )
            )
        ).all()
    purged = failed = 0
    for row in rows:
        try:
            await purge_ticket(store, row)
        except Exception as err:  # one bad ticket must not keep the others' data (CancelledError still ends it)
            failed += 1
            log.error("ticket %s: retention purge failed, retried next run (%s: %s)", log_number(row.number),
                      type(err).__name__, err)  # fmt: skip
        else:
            purged += 1
    if rows:
        log.info("retention: personal data of %d tickets older than %d days deleted, %d failed", purged,
                 retention_days, failed)  # fmt: skip
    return PurgeResult(purged, failed)


def retention_ctx(
    store: SqlTicketStore, retention_days: int, interval_s: float = 3600.0
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry running ``purge_expired`` at start-up and then every ``interval_s``."""

    async def purge() -> None:
        await purge_expired(store, retention_days)

    return periodic_ctx(purge, interval_s, "ticket-retention")


def periodic_ctx(
    job: Callable[[], Awaitable[None]], interval_s: float, name: str
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry running ``job`` at start-up and then every ``interval_s`` (a failure is
    logged and retried at the next run: a database hiccup must not stop retention for good)."""

    async def run_periodically() -> None:
        while True:
            try:
                await job()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("%s failed; retrying in %.0f s", name, interval_s)
            await asyncio.sleep(interval_s)

    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run_periodically(), name=name)
        yield
        await cancel_and_wait(task)

    return ctx
