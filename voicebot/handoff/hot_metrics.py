"""The hot-topics counts as Prometheus gauges (bounded labels), refreshed from the ticket database when scraped.

Labels are only taxonomy category codes, gazetteer district names, known FAQ topics, or ``other``
(``hot_labels``): at most categories x (districts + 1) ticket series, whatever callers say.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Gauge

from voicebot.handoff.hot_days import zone
from voicebot.handoff.hot_report import build_report
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HotTopicSettings
from voicebot.workorder.book import WorkOrderBook


class HotTopicGauges:
    """Today's tickets by category x district, FAQ topics asked today, and today's spikes."""

    def __init__(self, registry: CollectorRegistry, store: SqlTicketStore, book: WorkOrderBook,
                 rule: HotTopicSettings, timezone: str = "") -> None:  # fmt: skip
        self.store = store
        """Where the tickets are."""
        self.book = book
        """The operator files bounding the labels."""
        self.rule = rule
        """The spike rule (``[hot_topics]``)."""
        self.zone = zone(timezone)
        """Where days end at midnight (``None``: local time)."""
        self.tickets = Gauge("voicebot_hot_tickets_today", "Tickets with a work order created today, by category "
                             "and district", ["category", "district"], registry=registry)  # fmt: skip
        self.faq = Gauge("voicebot_hot_faq_today", "Calls today in which the bot answered a FAQ topic", ["topic"],
                         registry=registry)  # fmt: skip
        self.baseline = Gauge("voicebot_hot_same_weekday_mean", "Mean count of the same weekday over the compared "
                              "weeks, by dimension (category, district, topic) and key", ["dimension", "key"],
                              registry=registry)  # fmt: skip
        self.spike = Gauge("voicebot_hot_spike", "1 when today is a spike (the [hot_topics] rule), by dimension and "
                           "key", ["dimension", "key"], registry=registry)  # fmt: skip

    async def refresh(self) -> None:
        """Read today's counts and spikes (raises ``TicketError`` when the database cannot be read)."""
        report = await build_report(self.store, self.book, self.rule, self.zone, self.store.now_ms(), days=1)
        for gauge in (self.tickets, self.faq, self.baseline, self.spike):
            gauge.clear()  # yesterday's keys must not linger
        for (day, category, district), n in report.counts.tickets.items():
            if day == report.today:
                self.tickets.labels(category, district).set(n)
        for (day, topic), n in report.counts.topics.items():
            if day == report.today:
                self.faq.labels(topic).set(n)
        for row in report.spikes:
            self.baseline.labels(row.dimension, row.key).set(row.spike.baseline)
            self.spike.labels(row.dimension, row.key).set(1 if row.spike.flagged else 0)
