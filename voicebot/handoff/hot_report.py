"""The hot-topics report (热点诉求分析): the charted days' counts and today's spikes, for the page, CSV and metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from voicebot.handoff import hot_labels
from voicebot.handoff.hot_counts import DayCounts, count_days
from voicebot.handoff.hot_days import Spike, chart_days, day_of, same_weekdays, spike
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HotTopicSettings
from voicebot.workorder.book import WorkOrderBook

DIMENSIONS = ("category", "district", "topic")
"""What a spike is measured on: tickets of a category, tickets of a district, calls asking a FAQ topic."""


@dataclass(frozen=True, slots=True)
class SpikeRow:
    """Today against the usual for one key of one dimension."""

    dimension: str
    """``category``, ``district`` or ``topic`` (``DIMENSIONS``)."""
    key: str
    """The bounded key (``hot_labels``)."""
    spike: Spike
    """Today, the same weekday's mean, and whether it is a spike."""


@dataclass(frozen=True, slots=True)
class HotReport:
    """Everything the hot-topics page shows."""

    today: date
    """Today in the hotline's zone."""
    days: tuple[date, ...]
    """The charted days, oldest first (today last)."""
    compared: tuple[date, ...]
    """The same weekdays of the previous weeks, nearest first (the spike baseline)."""
    counts: DayCounts
    """Counts of the charted and the compared days."""
    spikes: tuple[SpikeRow, ...]
    """Every key seen today or on a compared day; flagged ones first, then by today's count."""
    rule: HotTopicSettings
    """The spike rule used."""

    @property
    def flagged(self) -> tuple[SpikeRow, ...]:
        """Return the spikes only."""
        return tuple(row for row in self.spikes if row.spike.flagged)

    def series(self, dimension: str, key: str) -> list[int]:
        """Return the charted days' counts of one key (``category``, ``district`` or ``topic``)."""
        return [_count(self.counts, dimension, key, day) for day in self.days]

    def period_total(self, dimension: str, key: str) -> int:
        """Return one key's count over all the charted days."""
        return sum(self.series(dimension, key))

    def cell(self, category: str, district: str) -> int:
        """Return one category's tickets in one district over the charted days."""
        return sum(self.counts.ticket_total(day, category, district) for day in self.days)


def _count(counts: DayCounts, dimension: str, key: str, day: date) -> int:
    if dimension == "category":
        return counts.ticket_total(day, category=key)
    if dimension == "district":
        return counts.ticket_total(day, district=key)
    return counts.topic_total(day, key)


def keys(book: WorkOrderBook, dimension: str) -> tuple[str, ...]:
    """Return every bounded key of a dimension, in the operator files' order."""
    if dimension == "category":
        return hot_labels.categories(book)
    if dimension == "district":
        return hot_labels.districts(book)
    return hot_labels.topics()


def spikes(counts: DayCounts, today: date, compared: tuple[date, ...], book: WorkOrderBook,
           rule: HotTopicSettings) -> tuple[SpikeRow, ...]:  # fmt: skip
    """Return today's spike rows of every dimension (keys with no count today nor on a compared day left out)."""
    rows = []
    for dimension in DIMENSIONS:
        for key in keys(book, dimension):
            history = [_count(counts, dimension, key, day) for day in compared]
            now = _count(counts, dimension, key, today)
            if now or any(history):
                rows.append(SpikeRow(dimension, key, spike(now, history, rule.spike_ratio, rule.spike_min_count)))
    return tuple(sorted(rows, key=lambda r: (not r.spike.flagged, -r.spike.today)))


async def build_report(
    store: SqlTicketStore, book: WorkOrderBook, rule: HotTopicSettings, tz: tzinfo | None, now_ms: int,
    days: int | None = None,
) -> HotReport:  # fmt: skip
    """Count the last ``days`` days (default ``rule.days``) and today's spikes, as of ``now_ms``."""
    today = day_of(now_ms, tz)
    charted = chart_days(today, days or rule.days)
    compared = same_weekdays(today, rule.weeks)
    counts = await count_days(store, book, (*charted, *compared), tz)
    return HotReport(today, charted, compared, counts, spikes(counts, today, compared, book, rule), rule)
