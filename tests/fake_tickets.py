"""Fake ticket side for session tests: a ticket store in memory (and a slow one) and an agents' queue, with the
real contracts (no mocks of internals)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from voicebot.errors import TicketError
from voicebot.handoff.base import TicketBrief, TicketDraft
from voicebot.handoff.caller_number import caller_key


class MemoryTickets:
    """A ticket store in memory with the real store's contract (idempotent per call id)."""

    def __init__(self, fail: bool = False) -> None:
        self.tickets: dict[str, TicketDraft] = {}
        self.numbers: dict[str, str] = {}
        self.saves = 0
        self.fail = fail
        self.lookups = 0

    async def save(self, draft: TicketDraft) -> str:
        """Store or update the call's ticket."""
        if self.fail:
            raise TicketError("ticket-store-unavailable", "database down")
        self.saves += 1
        self.tickets[draft.call_id] = draft
        return self.numbers.setdefault(draft.call_id, f"{len(self.numbers) + 1:08d}")

    async def status(self, number: str) -> str | None:
        """Return 'new' for known numbers."""
        return "new" if number in self.numbers.values() else None

    async def brief(self, number: str) -> TicketBrief | None:
        """Return a known ticket's brief (status ``new``, numbers in their normal form)."""
        if self.fail:
            raise TicketError("ticket-read-failed", "database down")
        for call_id, known in self.numbers.items():
            if known == number:
                draft = self.tickets[call_id]
                callback = str(draft.fields.get("callback_phone") or draft.calling_number)
                return TicketBrief(number, "new", caller_key=caller_key(draft.calling_number),
                                   callback_key=caller_key(callback))  # fmt: skip
        return None

    async def open_for(self, key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return the briefs of the tickets filed from ``key``, newest first."""
        self.lookups += 1
        if self.fail:
            raise TicketError("ticket-read-failed", "database down")
        cases = ("complaint", "handoff", "callback")
        calls = [c for c, d in self.tickets.items() if key and d.kind in cases and caller_key(d.calling_number) == key]
        found = [await self.brief(self.numbers[c]) for c in calls]
        return tuple(b for b in reversed(found) if b is not None)[:limit]


class SlowTickets(MemoryTickets):
    """A ticket store whose look-up of a caller's open tickets takes ``delay_s`` (a database under load)."""

    def __init__(self, delay_s: float) -> None:
        super().__init__()
        self.delay_s = delay_s

    async def open_for(self, key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Answer after ``delay_s`` with one open ticket."""
        await asyncio.sleep(self.delay_s)
        return (TicketBrief("20261205", "claimed", caller_key=key),)


@dataclass(frozen=True)
class Spot:
    """A queue position."""

    position: int
    estimated_wait_s: int


@dataclass
class FakeQueue:
    """An agents' queue with scripted opening hours and claims (same contract as HandoffQueue)."""

    open_now: bool = True
    claim_after_polls: int | None = None
    queued: list[str] = field(default_factory=list)
    callbacks: list[tuple[str, str]] = field(default_factory=list)
    requeued: list[str] = field(default_factory=list)
    polls: int = 0
    decided: str | None = None

    def is_open(self, now: Any) -> bool:
        """Return the scripted opening state."""
        return self.open_now

    def next_open(self, now: Any) -> Any:
        """Return tomorrow 08:30."""
        import datetime as dt

        return (now + dt.timedelta(days=1)).replace(hour=8, minute=30)

    async def enqueue(self, number: str, actor: str = "bot") -> Spot:
        """Queue the caller behind two others."""
        self.queued.append(number)
        return Spot(3, 720)

    async def position(self, number: str) -> Spot | None:
        """Move up one place per poll; None once claimed."""
        self.polls += 1
        if self.claim_after_polls is not None and self.polls >= self.claim_after_polls:
            return None
        return Spot(max(1, 3 - self.polls), 240)

    async def status(self, number: str) -> str | None:
        """Return ``claimed`` once claimed (``decided`` overrides: an agent's other choice), else ``queued``."""
        if self.decided is not None:
            return self.decided
        claimed = self.claim_after_polls is not None and self.polls >= self.claim_after_polls
        return "claimed" if claimed else "queued"

    async def request_callback(self, number: str, callback_number: str, actor: str = "bot") -> None:
        """Record the callback."""
        self.callbacks.append((number, callback_number))

    async def requeue(self, number: str, reason: str, actor: str = "bot") -> bool:
        """Record the ticket going back to the queue."""
        self.requeued.append(number)
        return True

    @contextlib.contextmanager
    def watch(self, number: str) -> Iterator[asyncio.Event]:
        """Yield an event nobody sets (this queue's claims are found by polling ``position``)."""
        yield asyncio.Event()
