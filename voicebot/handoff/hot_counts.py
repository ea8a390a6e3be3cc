"""Counting tickets by day x category x district, and the FAQ topics asked by day, in the ticket database.

Only the days asked for are read (the charted days and the same weekdays the spike rule compares), each bounded
by midnight in the hotline's zone (``hot_days``); tickets are grouped by the database, FAQ topics (a JSON list on
each ticket: the topics the bot answered in that call) are counted here from the calls that asked any.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import String, and_, case, cast, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from voicebot.errors import TicketError
from voicebot.handoff.hot_days import day_bounds
from voicebot.handoff.hot_labels import category_key, district_key, topic_key
from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore
from voicebot.workorder.book import WorkOrderBook


@dataclass(frozen=True, slots=True)
class DayCounts:
    """What the calls of some days left, by bounded keys (``hot_labels``)."""

    days: tuple[date, ...]
    """The days counted (a day without tickets counts 0)."""
    tickets: Mapping[tuple[date, str, str], int]
    """(day, category, district) -> tickets with a work order created that day."""
    topics: Mapping[tuple[date, str], int]
    """(day, FAQ topic) -> calls that day in which the bot answered that topic."""

    def ticket_total(self, day: date, category: str | None = None, district: str | None = None) -> int:
        """Return the tickets of ``day``, of one category and/or district if given."""
        return sum(n for (d, c, w), n in self.tickets.items()
                   if d == day and category in (None, c) and district in (None, w))  # fmt: skip

    def topic_total(self, day: date, topic: str | None = None) -> int:
        """Return the FAQ answers of ``day`` (of one topic if given)."""
        return sum(n for (d, t), n in self.topics.items() if d == day and topic in (None, t))


def _day_index(days: Sequence[date], tz: tzinfo | None) -> tuple[Any, Any]:
    """Return (the day's index as a SQL expression, the condition selecting those days)."""
    bounds = [day_bounds(day, tz) for day in days]
    created = tickets.c.created_at
    ranges = [and_(created >= start, created < end) for start, end in bounds]
    return case(*((cond, i) for i, cond in enumerate(ranges)), else_=-1), or_(*ranges)


async def count_days(store: SqlTicketStore, book: WorkOrderBook, days: Sequence[date], tz: tzinfo | None) -> DayCounts:
    """Return the counts of ``days`` (each from midnight to midnight in ``tz``; ``None``: local time)."""
    days = tuple(dict.fromkeys(days))
    if not days:
        return DayCounts((), {}, {})
    index, chosen = _day_index(days, tz)
    by_place = (
        select(index.label("day"), tickets.c.category, tickets.c.district, func.count().label("n"))
        .where(chosen, tickets.c.category.is_not(None))
        .group_by(index, tickets.c.category, tickets.c.district)
    )
    asked = select(index.label("day"), tickets.c.faq_topics).where(
        chosen, cast(tickets.c.faq_topics, String).not_in(["[]", "null"])
    )
    counted: Counter[tuple[date, str, str]] = Counter()
    topics: Counter[tuple[date, str]] = Counter()
    try:
        async with store.engine.connect() as conn:
            for row in await conn.execute(by_place):
                key = (days[row.day], category_key(book, row.category), district_key(book, row.district))
                counted[key] += int(row.n)
            for row in await conn.execute(asked):
                for topic in {topic_key(str(t)) for t in row.faq_topics or ()}:
                    topics[(days[row.day], topic)] += 1
    except (SQLAlchemyError, OSError) as err:
        raise TicketError("hot-topics-unavailable", f"cannot count the tickets: {err}") from err
    return DayCounts(days, dict(counted), dict(topics))
