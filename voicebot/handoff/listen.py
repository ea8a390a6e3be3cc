"""Changes made by other bot processes: PostgreSQL LISTEN/NOTIFY when available, polling as the fallback."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web

from voicebot.handoff.notify import TicketChanged
from voicebot.handoff.store import NOTIFY_CHANNEL, SqlTicketStore
from voicebot.runtime.aio import cancel_and_wait

log = logging.getLogger(__name__)


async def _poll(store: SqlTicketStore, interval_s: float) -> None:
    last = await store.change_marker()
    while True:
        await asyncio.sleep(interval_s)
        try:
            marker = await store.change_marker()
        except asyncio.CancelledError:
            raise
        except Exception:  # a database hiccup must not end live updates for good
            log.exception("ticket change poll failed")
            continue
        if marker != last:
            last = marker
            store.bus.publish(TicketChanged("", "", store.now_ms()))


async def _listen(store: SqlTicketStore, stack: AsyncExitStack) -> None:
    """Subscribe to the NOTIFY channel on a dedicated connection kept for the app's lifetime."""
    conn = await stack.enter_async_context(store.engine.connect())
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection

    def on_notify(_conn: object, _pid: int, _channel: str, payload: str) -> None:
        number, _, status = payload.partition(":")
        store.bus.publish(TicketChanged(number, status, store.now_ms()))

    await driver.add_listener(NOTIFY_CHANNEL, on_notify)
    stack.push_async_callback(driver.remove_listener, NOTIFY_CHANNEL, on_notify)
    log.info("listening for ticket changes on PostgreSQL channel %s", NOTIFY_CHANNEL)


def changes_ctx(store: SqlTicketStore, poll_interval_s: float) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry publishing other processes' ticket changes on the in-process bus."""

    async def ctx(_app: web.Application) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            interval = poll_interval_s
            if store.dialect == "postgresql":
                try:
                    await _listen(store, stack)
                    interval = max(poll_interval_s, 10.0)  # NOTIFY is instant; polling only as a safety net
                except Exception:
                    log.exception("LISTEN failed; falling back to polling every %.1f s", poll_interval_s)
            task = asyncio.create_task(_poll(store, interval), name="ticket-change-poller")
            try:
                yield
            finally:
                await cancel_and_wait(task)

    return ctx
