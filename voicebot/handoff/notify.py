"""In-process publish/subscribe of ticket changes (the console's live queue listens here)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TicketChanged:
    """A ticket was saved or changed status."""

    number: str
    """Ticket number (empty when another process changed something: refresh everything)."""
    status: str
    """Status after the change."""
    at_ms: int
    """Epoch ms of the change."""


class TicketBus:
    """Fan ticket changes out to subscribers; a slow subscriber loses events (counted), never blocks a call."""

    def __init__(self, maxsize: int = 256) -> None:
        self._subscribers: set[asyncio.Queue[TicketChanged]] = set()
        self._watchers: dict[str, set[asyncio.Event]] = {}
        self._maxsize = maxsize
        self.dropped = 0
        """Events not delivered because a subscriber's queue was full."""

    def publish(self, event: TicketChanged) -> None:
        """Deliver ``event`` to every subscriber without waiting."""
        if event.number:
            for flag in self._watchers.get(event.number, ()):
                flag.set()
        else:  # another process changed something unknown: every watcher looks again
            for flags in self._watchers.values():
                for flag in flags:
                    flag.set()
        for queue in self._subscribers:
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                self.dropped += 1
                log.warning("ticket event dropped for a slow subscriber (%d dropped so far)", self.dropped)

    @contextmanager
    def subscribe(self) -> Iterator[asyncio.Queue[TicketChanged]]:
        """Yield a queue receiving every event published while the context is open."""
        queue: asyncio.Queue[TicketChanged] = asyncio.Queue(self._maxsize)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)

    @contextmanager
    def watch(self, number: str) -> Iterator[asyncio.Event]:
        """Yield an event set whenever ticket ``number`` may have changed (clear it after looking).

        Unlike a subscription nothing queues up, so a waiting call that is busy speaking loses nothing.
        """
        flag = asyncio.Event()
        self._watchers.setdefault(number, set()).add(flag)
        try:
            yield flag
        finally:
            flags = self._watchers.get(number, set())
            flags.discard(flag)
            if not flags:
                self._watchers.pop(number, None)

    @property
    def watched_count(self) -> int:
        """Return how many tickets are being watched (by waiting calls)."""
        return len(self._watchers)
