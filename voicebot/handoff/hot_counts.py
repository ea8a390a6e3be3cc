"""Counting tickets by day x category x district, and the FAQ topics asked by day, in the ticket database.

Only the days asked for are read (the charted days and the same weekdays the spike rule compares), each bounded
by midnight in the hotline's zone (``hot_days``); tickets are grouped by the database, FAQ topics (a JSON list on
each ticket: the topics the bot answered in that call) are grouped by the list's text and counted here.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, tzinfo
from typing import Any

from sqlalchemy import String, and_, cast, func, select
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
    by_category: Mapping[tuple[date, str], int]
    """(day, category) -> tickets (``tickets`` summed over districts)."""
    by_district: Mapping[tuple[date, str], int]
    """(day, district) -> tickets (``tickets`` summed over categories)."""

    @classmethod
    def of(cls, days: tuple[date, ...], counted: Mapping[tuple[date, str, str], int],
           topics: Mapping[tuple[date, str], int]) -> DayCounts:  # fmt: skip
        """Return the counts with their sums by category and by district."""
        by_category: Counter[tuple[date, str]] = Counter()
        by_district: Counter[tuple[date, str]] = Counter()
        for (day, category, district), n in counted.items():
            by_category[(day, category)] += n
            by_district[(day, district)] += n
        return cls(days, dict(counted), dict(topics), dict(by_category), dict(by_district))

    def ticket_total(self, day: date, category: str | None = None, district: str | None = None) -> int:
        """Return the tickets of ``day``, of one category and/or district if given."""
        if category is not None and district is not None:
            return self.tickets.get((day, category, district), 0)
        if category is not None:
            return self.by_category.get((day, category), 0)
        if district is not None:
            return self.by_district.get((day, district), 0)
        return sum(n for (d, _c), n in self.by_category.items() if d == day)

    def topic_total(self, day: date, topic: str | None = None) -> int:
        """Return the FAQ answers of ``day`` (of one topic if given)."""
        if topic is not None:
            return self.topics.get((day, topic), 0)
        return sum(n for (d, _t), n in self.topics.items() if d == day)


def _queries(start: int, end: int) -> tuple[Any, Any]:
    """Return the two queries of one day: tickets by category and district, FAQ topic lists by their text."""
    day = and_(tickets.c.created_at >= start, tickets.c.created_at < end)  # a range on ix_tickets_created
    by_place = (
        select(tickets.c.category, tickets.c.district, func.count().label("n"))
        .where(day, tickets.c.category.is_not(None))
        .group_by(tickets.c.category, tickets.c.district)
    )
    asked_text = cast(tickets.c.faq_topics, String)  # the same topic lists group together: few rows come back
    asked = (
        select(asked_text.label("topics"), func.count().label("n"))
        .where(day, asked_text.not_in(["[]", "null"]))
        .group_by(asked_text)
    )
    return by_place, asked


async def count_days(store: SqlTicketStore, book: WorkOrderBook, days: Sequence[date], tz: tzinfo | None) -> DayCounts:
    """Return the counts of ``days`` (each from midnight to midnight in ``tz``; ``None``: local time)."""
    days = tuple(dict.fromkeys(days))
    if not days:
        return DayCounts.of((), {}, {})
    counted: Counter[tuple[date, str, str]] = Counter()
    topics: Counter[tuple[date, str]] = Counter()
    places: dict[str | None, str] = {}
    try:
        async with store.engine.connect() as conn:  # one query pair per day: each reads only that day's rows
            for day in days:
                by_place, asked = _queries(*day_bounds(day, tz))
                for row in await conn.execute(by_place):
                    if row.district not in places:
                        places[row.district] = district_key(book, row.district)
                    counted[(day, category_key(book, row.category), places[row.district])] += int(row.n)
                for row in await conn.execute(asked):
                    for topic in {topic_key(str(t)) for t in json.loads(row.topics) or ()}:
                        topics[(day, topic)] += int(row.n)
    except (SQLAlchemyError, OSError, ValueError) as err:
        raise TicketError("hot-topics-unavailable", f"cannot count the tickets: {err}") from err
    return DayCounts.of(days, counted, topics)
