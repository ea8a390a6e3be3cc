"""Retention beyond the tickets table: the spool journal and Rasa's SQL tracker stores, on the same schedule.

``voicebot serve`` runs this next to the tickets' retention job (``retention.retention_ctx``): saves journalled
while the database was away and never written are dropped once older than ``retention_days``, and so are Rasa
conversations (``[handoff] rasa_tracker_urls``). Logs are not files of the bot's (standard error only).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass

from aiohttp import web

from voicebot.errors import TicketError
from voicebot.handoff.retention import DAY_MS, periodic_ctx
from voicebot.handoff.spool import SpooledTicketStore
from voicebot.handoff.store import wall_ms
from voicebot.handoff.trackers import purge_trackers

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ExtraPurge:
    """What one run deleted outside the tickets table."""

    journalled: int = 0
    """Spooled saves dropped."""
    tracker_events: int = 0
    """Rasa events deleted (all languages)."""
    failed: int = 0
    """Tracker databases that could not be purged (logged; tried again next run)."""


async def purge_extra(
    spool: SpooledTicketStore | None, tracker_urls: Mapping[str, str], retention_days: int, now_ms: int
) -> ExtraPurge:
    """Drop spooled saves and Rasa conversations older than ``retention_days``; each target on its own."""
    cutoff = now_ms - retention_days * DAY_MS
    journalled = await spool.purge_expired(cutoff) if spool is not None else 0
    events = failed = 0
    for lang, url in sorted(tracker_urls.items()):
        try:
            deleted = await purge_trackers(url, cutoff)
        except TicketError as err:
            failed += 1
            log.error("retention: Rasa conversations (%s) not purged, retried next run: %s", lang, err)
            continue
        events += deleted
        if deleted:
            log.info("retention: %d Rasa events (%s) older than %d days deleted", deleted, lang, retention_days)
    return ExtraPurge(journalled, events, failed)


def extra_retention_ctx(
    spool: SpooledTicketStore | None,
    tracker_urls: Mapping[str, str],
    retention_days: int,
    interval_s: float = 3600.0,
    now_ms: Callable[[], int] = wall_ms,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry running ``purge_extra`` at start-up and then every ``interval_s``."""

    async def purge() -> None:
        await purge_extra(spool, tracker_urls, retention_days, now_ms())

    return periodic_ctx(purge, interval_s, "spool-tracker-retention")
