"""Retention beyond the tickets table: the spool journal and Rasa's SQL tracker stores, on the same schedule.

``voicebot serve`` runs this next to the tickets' retention job (``retention.retention_ctx``): saves journalled
while the database was away and never written are dropped once older than ``retention_days``, and so are Rasa
conversations (``[handoff] rasa_tracker_urls``), and recording files no ticket leads to any more
(``[recording] directory``: old ones, and unfinished ones a crash left). Logs are not files of the bot's
(standard error only).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

from voicebot.errors import TicketError
from voicebot.handoff.retention import DAY_MS, periodic_ctx
from voicebot.handoff.spool import SpooledTicketStore
from voicebot.handoff.store import wall_ms
from voicebot.handoff.trackers import purge_trackers
from voicebot.recording.sweep import sweep_recordings

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
    recordings: int = 0
    """Recording files deleted that no ticket led to any more (old, or left unfinished)."""


async def purge_extra(
    spool: SpooledTicketStore | None,
    tracker_urls: Mapping[str, str],
    retention_days: int,
    now_ms: int,
    recordings: Path | None = None,
) -> ExtraPurge:
    """Drop spooled saves, Rasa conversations and files in ``recordings`` older than ``retention_days`` (and
    unfinished recordings); each target on its own."""
    cutoff = now_ms - retention_days * DAY_MS
    swept = await asyncio.to_thread(sweep_recordings, recordings, cutoff / 1000, now_ms / 1000) if recordings else 0
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
    return ExtraPurge(journalled, events, failed, swept)


def extra_retention_ctx(
    spool: SpooledTicketStore | None,
    tracker_urls: Mapping[str, str],
    retention_days: int,
    interval_s: float = 3600.0,
    now_ms: Callable[[], int] = wall_ms,
    recordings: Path | None = None,
) -> Callable[[web.Application], AsyncIterator[None]]:
    """Return a ``cleanup_ctx`` entry running ``purge_extra`` at start-up and then every ``interval_s``."""

    async def purge() -> None:
        await purge_extra(spool, tracker_urls, retention_days, now_ms(), recordings)

    return periodic_ctx(purge, interval_s, "spool-tracker-retention")
