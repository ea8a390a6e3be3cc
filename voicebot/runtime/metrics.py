"""Prometheus metrics of one bot process, served at ``/metrics``.

Each process holds its own ``CollectorRegistry`` inside a ``CallMetrics`` object (no module globals), so tests
and several runtimes in one process never share counters. Per-call numbers come from the finished
``CallRecord`` (reply latencies, dialogue time, errors by code...), recorded around each call by
``Runtime.session_factory``; the queue length is read from the ticket database when scraped.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Protocol

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from voicebot.errors import VoicebotError
from voicebot.events import (
    BotReplied,
    BotStartedSpeaking,
    CallRecord,
    CallStarted,
    ErrorOccurred,
    HandoffRequested,
    SatisfactionRated,
    Transcribed,
    TransferAttempted,
    UserStoppedSpeaking,
)

log = logging.getLogger(__name__)

LATENCY_BUCKETS_S = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.5, 2.0, 3.0, 5.0, 10.0)
"""Reply latency buckets: the target is p95 < 0.8 s, so they are dense below one second."""
STAGE_BUCKETS_S = (0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8, 1.5, 3.0, 6.0)
"""ASR / TTS / dialogue time buckets."""

RATING_LANGUAGES = ("zh-CN", "en-US")
"""Call languages the satisfaction counter names; any other is counted as ``other`` (labels stay bounded)."""

QueueLength = Callable[[], Awaitable[int]]
"""Returns how many callers wait for an agent (read when scraped)."""


class Refreshing(Protocol):
    """Gauges in the registry that read their values from elsewhere when scraped (``handoff.hot_metrics``)."""

    async def refresh(self) -> None:
        """Update the gauges (a ``VoicebotError`` is counted, the scrape goes on)."""


def stage_times_ms(record: CallRecord) -> dict[str, list[int]]:
    """Return per-turn endpointing, ASR, dialogue and TTS times of a call, in ms, from its events.

    Endpoint: the silence waited after the caller's speech before the turn was decided over
    (``UserStoppedSpeaking.waited_ms``); ASR: the rest of the way from the end of speech to the final transcript;
    dialogue: ``BotReplied.dialogue_ms``; TTS: the reply's
    decision to its first audio frame (synthesis or cache lookup, and the wait for the line).
    """
    times: dict[str, list[int]] = {"endpoint": [], "asr": [], "dialogue": [], "tts": []}
    stopped: int | None = None
    waited = 0
    replied: int | None = None
    for event in record.events:
        if isinstance(event, UserStoppedSpeaking):
            stopped, waited = event.at_ms, event.waited_ms
        elif isinstance(event, Transcribed) and event.source == "asr" and stopped is not None:
            times["endpoint"].append(waited)
            times["asr"].append(max(0, event.at_ms - stopped - waited))
            stopped = None
        elif isinstance(event, BotReplied):
            times["dialogue"].append(event.dialogue_ms)
            replied = event.at_ms
        elif isinstance(event, BotStartedSpeaking) and replied is not None:
            times["tts"].append(max(0, event.at_ms - replied))
            replied = None
    return times


def _rating_language(record: CallRecord) -> str:
    started = record.of(CallStarted)
    lang = started[0].lang if started else ""
    return lang if lang in RATING_LANGUAGES else "other"


class CallMetrics:
    """The process's metrics: a private registry and the instruments in it."""

    def __init__(
        self,
        registry: CollectorRegistry | None = None,
        queue_length: QueueLength | None = None,
        spooled: Callable[[], int] | None = None,
        refreshing: Sequence[Refreshing] = (),
    ) -> None:
        self.registry = registry or CollectorRegistry()
        """Where every instrument below is registered."""
        self.queue_length_source = queue_length
        """Reads the number of waiting callers when scraped (None: the gauge is left as set)."""
        self.spooled_source = spooled
        """Reads the number of journalled ticket saves when scraped."""
        self.refreshing = tuple(refreshing)
        """Other gauges in ``registry`` updated before each scrape (hot topics)."""
        r = self.registry
        self.active_calls = Gauge("voicebot_active_calls", "Calls in progress", registry=r)
        self.calls = Counter("voicebot_calls", "Finished calls by outcome", ["outcome"], registry=r)
        self.reply_latency = Histogram(
            "voicebot_reply_latency_seconds",
            "End of caller speech to the first bot audio",
            buckets=LATENCY_BUCKETS_S,
            registry=r,
        )
        self.stage_time = Histogram(
            "voicebot_stage_seconds", "Time per turn in endpointing, ASR, dialogue and TTS", ["stage"],
            buckets=STAGE_BUCKETS_S, registry=r,
        )
        self.queue_length = Gauge("voicebot_queue_length", "Callers waiting for an agent", registry=r)
        self.handoffs = Counter("voicebot_handoffs", "Calls handed to a human, by reason", ["reason"], registry=r)
        self.transfers = Counter("voicebot_transfers", "Transfers to an agent, by result (connected, failed)",
                                 ["result"], registry=r)
        self.tickets = Counter("voicebot_tickets", "Tickets left by finished calls, by kind", ["kind"], registry=r)
        self.errors = Counter("voicebot_errors", "Engine and store errors, by code", ["code"], registry=r)
        self.satisfaction = Counter(
            "voicebot_satisfaction", "Satisfaction answers of resolved calls: rating 1 (very satisfied) to 5, "
            "or none (skipped, silent, hung up)", ["rating", "lang"], registry=r,
        )
        self.spooled = Gauge("voicebot_tickets_spooled", "Tickets waiting in the local journal", registry=r)

    @contextlib.asynccontextmanager
    async def track_call(self) -> AsyncIterator[None]:
        """Count the call as active while the body runs."""
        self.active_calls.inc()
        try:
            yield
        finally:
            self.active_calls.dec()

    def record_call(self, record: CallRecord, ticket_kind: str | None = None) -> None:
        """Add a finished call's numbers: outcome, latencies, stage times, handoffs, tickets and errors."""
        self.calls.labels(record.outcome or "unknown").inc()
        for ms in record.reply_latencies_ms():
            self.reply_latency.observe(ms / 1000)
        for stage, values in stage_times_ms(record).items():
            for ms in values:
                self.stage_time.labels(stage).observe(ms / 1000)
        for handoff in record.of(HandoffRequested):
            self.handoffs.labels(handoff.reason or "unknown").inc()
        for transfer in record.of(TransferAttempted):
            self.transfers.labels("connected" if transfer.connected else "failed").inc()
        if record.tickets:
            self.tickets.labels(ticket_kind or "unknown").inc()
        for error in record.of(ErrorOccurred):
            self.errors.labels(error.code or "unknown").inc()
        for rated in record.of(SatisfactionRated):
            self.satisfaction.labels(str(rated.rating or "none"), _rating_language(record)).inc()

    def record_error(self, code: str) -> None:
        """Count an error that happened outside any call record (a crashed session)."""
        self.errors.labels(code).inc()

    async def refresh(self) -> None:
        """Update the gauges read from elsewhere (queue length, spooled tickets) before a scrape."""
        if self.spooled_source is not None:
            self.spooled.set(self.spooled_source())
        for gauges in self.refreshing:
            try:
                await gauges.refresh()
            except VoicebotError as err:  # a scrape must not fail because the database is away
                log.warning("metrics: %s", err)
                self.record_error(err.code)
        if self.queue_length_source is None:
            return
        try:
            self.queue_length.set(await self.queue_length_source())
        except Exception as err:  # a scrape must not fail because the database is away
            log.warning("metrics: queue length unavailable (%s)", err)
            self.record_error("metrics-queue-unavailable")

    def render(self) -> bytes:
        """Return the registry in the Prometheus text format."""
        return generate_latest(self.registry)


def queue_length_of(queue: object) -> QueueLength | None:
    """Return a reader of the waiting-caller count for a ``HandoffQueue`` (anything with ``stats(now)``)."""
    stats = getattr(queue, "stats", None)
    if stats is None:
        return None

    async def read() -> int:
        return int((await stats(datetime.now())).queue_length)

    return read


METRICS = web.AppKey("metrics", CallMetrics)
"""The app's metrics."""


async def _metrics(request: web.Request) -> web.Response:
    metrics = request.app[METRICS]
    await metrics.refresh()
    return web.Response(body=metrics.render(), headers={"Content-Type": CONTENT_TYPE_LATEST})


def setup_metrics(app: web.Application, metrics: CallMetrics) -> None:
    """Serve ``metrics`` at ``GET /metrics`` on ``app``."""
    app[METRICS] = metrics
    app.router.add_get("/metrics", _metrics)
