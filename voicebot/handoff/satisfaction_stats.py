"""Today's satisfaction rate for supervisors: of today's calls the caller rated, the share rated 1-3.

1 very satisfied, 2 satisfied and 3 basically satisfied count as satisfied (``voicebot.call.rating_words``);
calls without a rating (not asked, skipped, silent) are not in the rate at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from voicebot.call.rating_words import SATISFIED
from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore


@dataclass(frozen=True, slots=True)
class SatisfactionToday:
    """Ratings of calls whose ticket was made today."""

    rated: int
    """Calls today with a rating."""
    satisfied: int
    """Of those, rated very satisfied, satisfied or basically satisfied."""

    @property
    def rate(self) -> float | None:
        """Return the share satisfied (0-1), or ``None`` when nobody rated today."""
        return self.satisfied / self.rated if self.rated else None


async def satisfaction_today(store: SqlTicketStore, now: datetime) -> SatisfactionToday:
    """Return today's ratings (``now`` fixes 'today', local midnight as the queue's statistics count it)."""
    midnight_ms = int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)
    good = case((tickets.c.satisfaction.in_(sorted(SATISFIED)), 1), else_=0)
    query = select(func.count(), func.sum(good)).where(
        tickets.c.created_at >= midnight_ms, tickets.c.satisfaction.is_not(None)
    )
    async with store.engine.connect() as conn:
        row = (await conn.execute(query)).one()
    return SatisfactionToday(int(row[0] or 0), int(row[1] or 0))
