"""Retention: delete recordings and transcripts of tickets older than ``retention_days``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from aiohttp import web
from sqlalchemy import select, update

from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import log_number
from voicebot.settings import project_path

log = logging.getLogger(__name__)

DAY_MS = 86_400_000


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


async def purge_expired(store: SqlTicketStore, retention_days: int) -> int:
    """Delete recordings and transcripts of tickets created more than ``retention_days`` ago; return how many."""
    cutoff = store.now_ms() - retention_days * DAY_MS
    async with store.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(tickets.c.id, tickets.c.number, tickets.c.recording_ref).where(
                    tickets.c.created_at < cutoff, tickets.c.purged_at.is_(None)
                )
            )
        ).all()
    for row in rows:
        path = recording_path(row.recording_ref) if row.recording_ref else None
        if path is not None and await asyncio.to_thread(_unlink, path):
            log.info("ticket %s: recording deleted (retention)", log_number(row.number))
        async with store.engine.begin() as conn:
            await conn.execute(
                update(tickets)
                .where(tickets.c.id == row.id)
                .values(transcript=[], recording_ref=None, purged_at=store.now_ms(), updated_at=store.now_ms())
            )
    if rows:
        log.info(
            "retention: purged transcripts and recordings of %d tickets older than %d days", len(rows), retention_days
        )
    return len(rows)


def retention_ctx(
    store: SqlTicketStore, retention_days: int, interval_s: float = 3600.0
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry running ``purge_expired`` at start-up and then every ``interval_s``."""

    async def run_periodically() -> None:
        while True:
            try:
                await purge_expired(store, retention_days)
            except asyncio.CancelledError:
                raise
            except Exception:  # keep the schedule alive: a DB hiccup must not stop retention for good
                log.exception("retention job failed; retrying in %.0f s", interval_s)
            await asyncio.sleep(interval_s)

    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(run_periodically(), name="ticket-retention")
        yield
        task.cancel()
        await asyncio.wait([task])

    return ctx
