"""``HandoffQueue``: callers waiting for a human, on the ticket database (safe across bot processes)."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, distinct, func, or_, select, tuple_, update

from voicebot.errors import TicketError
from voicebot.followup.book import enqueue
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.ticket import Ticket, log_number

log = logging.getLogger(__name__)

DEFAULT_HANDLE_S = 240.0
"""Assumed handling time per caller until there is history (a typical 12345 agent call is 3-5 minutes)."""

RECENT_TICKETS = 20
"""Resolved tickets averaged for the handling time."""


@dataclass(frozen=True, slots=True)
class QueuePosition:
    """Where a waiting caller stands."""

    number: str
    """Ticket number."""
    position: int
    """1 = next to be answered."""
    estimated_wait_s: int
    """Expected seconds until an agent answers."""


@dataclass(frozen=True, slots=True)
class QueueStats:
    """What supervisors see."""

    queue_length: int
    """Callers waiting."""
    longest_wait_s: int
    """Seconds the longest-waiting caller has waited."""
    callbacks_due: int
    """Callbacks not yet made."""
    bot_today: int
    """Calls today the bot finished alone (ticket filed, never queued for a human)."""
    human_today: int
    """Calls today that went to a human (queued, claimed or callback)."""
    avg_handle_s: float
    """Recent average handling time used for wait estimates."""
    oldest_queued_at: int | None = None
    """When (epoch ms) the longest-waiting caller was queued (``None``: nobody waits); the console counts from it."""


class HandoffQueue:
    """Queue operations on the shared ticket database."""

    def __init__(self, store: SqlTicketStore, hours: AgentHours, *, default_handle_s: float = DEFAULT_HANDLE_S,
                 followups: bool = False) -> None:
        self.store = store
        """The ticket store (same database)."""
        self.hours = hours
        """Agents' working hours."""
        self.default_handle_s = default_handle_s
        """Handling time assumed without history."""
        self.followups = followups
        """Queue a 回访 (``voicebot.followup``) when an agent or the API resolves a ticket."""

    def is_open(self, now: datetime) -> bool:
        """Return whether agents are working at ``now`` (outside hours the bot offers a callback at once)."""
        return self.hours.is_open(now)

    def next_open(self, now: datetime) -> datetime | None:
        """Return when agents next work (``now`` if open)."""
        return self.hours.next_open(now)

    @contextmanager
    def watch(self, number: str) -> Iterator[asyncio.Event]:
        """Yield an event set as soon as ticket ``number`` may have changed (claimed by an agent...)."""
        with self.store.bus.watch(number) as flag:
            yield flag

    async def _transition(
        self, number: str, to: str, allowed_from: tuple[str, ...], actor: str, note: str = "", **extra: object
    ) -> bool:
        """Change status with one conditional UPDATE (atomic on both databases); return whether it applied."""
        now = self.store.now_ms()
        async with self.store.engine.begin() as conn:
            row = (
                await conn.execute(
                    update(tickets)
                    .where(tickets.c.number == number, tickets.c.status.in_(allowed_from))
                    .values(status=to, updated_at=now, **extra)
                    .returning(tickets.c.id)
                )
            ).first()
            if row is None:
                return False
            await self.store.add_history(conn, row.id, to, actor, note, now)
            await self.store.announce(conn, number, to)
        self.store.notify(number, to)
        return True

    async def _current(self, number: str) -> str:
        status = await self.store.status(number)
        if status is None:
            raise TicketError("ticket-not-found", f"no ticket {number}")
        return status

    async def enqueue(self, number: str, actor: str = "bot") -> QueuePosition:
        """Put the ticket's caller in the queue (idempotent) and return their position."""
        if await self._transition(number, "queued", ("new", "callback_due"), actor, queued_at=self.store.now_ms()):
            log.info("ticket %s queued", log_number(number))
        elif (status := await self._current(number)) != "queued":
            raise TicketError("ticket-not-queueable", f"ticket {number} is already {status}")
        pos = await self.position(number)
        if pos is None:  # claimed in the instant since: nobody is waiting any more
            raise TicketError("ticket-not-queueable", f"ticket {number} was claimed meanwhile")
        return pos

    async def avg_handle_s(self) -> float:
        """Return the mean handling time (claim to resolve) of recently resolved tickets."""
        recent = (
            select((tickets.c.resolved_at - tickets.c.claimed_at).label("d"))
            .where(tickets.c.resolved_at.is_not(None), tickets.c.claimed_at.is_not(None))
            .order_by(tickets.c.resolved_at.desc())
            .limit(RECENT_TICKETS)
            .subquery()
        )
        async with self.store.engine.connect() as conn:
            avg_ms = (await conn.execute(select(func.avg(recent.c.d)))).scalar()
        return self.default_handle_s if avg_ms is None else max(30.0, float(avg_ms) / 1000)

    async def active_agents(self) -> int:
        """Return how many agents claimed a ticket in the last hour (at least 1)."""
        since = self.store.now_ms() - 3_600_000
        async with self.store.engine.connect() as conn:
            n = (
                await conn.execute(
                    select(func.count(distinct(tickets.c.claimed_by))).where(tickets.c.claimed_at > since)
                )
            ).scalar()
        return max(1, int(n or 0))

    async def status(self, number: str) -> str | None:
        """Return the ticket's status now, or None for an unknown number."""
        async with self.store.engine.connect() as conn:
            row = (await conn.execute(select(tickets.c.status).where(tickets.c.number == number))).first()
        return None if row is None else str(row[0])

    async def position(self, number: str) -> QueuePosition | None:
        """Return the caller's place and estimated wait, or ``None`` if the ticket is not queued."""
        async with self.store.engine.connect() as conn:
            me = (
                await conn.execute(
                    select(tickets.c.id, tickets.c.queued_at).where(
                        tickets.c.number == number, tickets.c.status == "queued"
                    )
                )
            ).first()
            if me is None:
                return None
            ahead = (
                await conn.execute(
                    select(func.count()).where(
                        tickets.c.status == "queued",
                        tuple_(tickets.c.queued_at, tickets.c.id) < tuple_(me.queued_at, me.id),
                    )
                )
            ).scalar_one()
        position = int(ahead) + 1
        wait = math.ceil(position * await self.avg_handle_s() / await self.active_agents())
        return QueuePosition(number, position, wait)

    async def claim_next(self, agent: str, *, include_confidential: bool = False) -> Ticket | None:
        """Give the longest-waiting caller to ``agent``; never the same caller to two agents."""
        candidate = select(tickets.c.id).where(tickets.c.status == "queued")
        if not include_confidential:
            candidate = candidate.where(tickets.c.confidential.is_(False))
        # FOR UPDATE SKIP LOCKED on PostgreSQL (rendered as nothing on SQLite, whose writers are serialised);
        # the outer status condition keeps the UPDATE conditional either way.
        candidate = candidate.order_by(tickets.c.queued_at, tickets.c.id).limit(1).with_for_update(skip_locked=True)
        return await self._claim(agent, tickets.c.id == candidate.scalar_subquery())

    async def claim(self, number: str, agent: str) -> Ticket:
        """Give one ticket to ``agent``; raise ``ticket-not-claimable`` if someone else has it or it is closed."""
        ticket = await self._claim(
            agent, and_(tickets.c.number == number, tickets.c.status.in_(("new", "queued", "callback_due")))
        )
        if ticket is None:
            raise TicketError("ticket-not-claimable", f"ticket {number} is not open for claiming")
        return ticket

    async def _claim(self, agent: str, where: object) -> Ticket | None:
        now = self.store.now_ms()
        async with self.store.engine.begin() as conn:
            stmt = (
                update(tickets)
                .where(where, tickets.c.status.in_(("new", "queued", "callback_due")))  # type: ignore[arg-type]
                .values(status="claimed", claimed_by=agent, claimed_at=now, updated_at=now)
                .returning(tickets.c.id, tickets.c.number)
            )
            row = (await conn.execute(stmt)).first()
            if row is None:
                return None
            await self.store.add_history(conn, row.id, "claimed", agent, "", now)
            await self.store.announce(conn, row.number, "claimed")
        log.info("ticket %s claimed by %s", log_number(row.number), agent)
        self.store.notify(row.number, "claimed")
        return await self.store.get(row.number)

    async def request_callback(self, number: str, callback_number: str, actor: str = "bot") -> None:
        """Turn a waiting caller into a callback: status ``callback_due`` with the number to call."""
        open_states = ("new", "queued", "claimed", "callback_due")
        if not await self._transition(
            number,
            "callback_due",
            open_states,
            actor,
            callback_number,
            callback_number=callback_number,
            claimed_by=None,
        ):
            await self._current(number)
            raise TicketError("ticket-closed", f"ticket {number} is resolved")
        log.info("ticket %s: callback requested", log_number(number))

    async def requeue(self, number: str, reason: str, actor: str = "bot") -> bool:
        """Give a claimed ticket back to the queue, at its old place (the transfer to the agent failed).

        Return whether it was claimed; the agent's claim is dropped so another agent (or a callback) can take it.
        """
        requeued = await self._transition(number, "queued", ("claimed",), actor, reason, claimed_by=None,
                                          claimed_at=None)  # fmt: skip
        if requeued:
            log.info("ticket %s back in the queue: %s", log_number(number), reason)
        return requeued

    async def resolve(self, number: str, actor: str, note: str = "") -> None:
        """Close a ticket (resolving a resolved ticket does nothing); with ``followups``, queue its 回访."""
        open_states = ("new", "queued", "claimed", "callback_due")
        if await self._transition(number, "resolved", open_states, actor, note, resolved_at=self.store.now_ms()):
            log.info("ticket %s resolved by %s", log_number(number), actor)
            if self.followups and actor != "bot":
                await enqueue(self.store, number, note)
        else:
            await self._current(number)

    async def stats(self, now: datetime) -> QueueStats:
        """Return queue length, longest wait and today's bot/human split (``now`` fixes 'today')."""
        midnight_ms = int(now.replace(hour=0, minute=0, second=0, microsecond=0).timestamp() * 1000)
        human = or_(
            tickets.c.queued_at.is_not(None), tickets.c.claimed_by.is_not(None), tickets.c.callback_number.is_not(None)
        )
        async with self.store.engine.connect() as conn:
            q = (
                await conn.execute(
                    select(func.count(), func.min(tickets.c.queued_at)).where(tickets.c.status == "queued")
                )
            ).one()
            callbacks = (await conn.execute(select(func.count()).where(tickets.c.status == "callback_due"))).scalar()
            split = (
                await conn.execute(
                    select(func.sum(case((human, 0), else_=1)), func.sum(case((human, 1), else_=0))).where(
                        tickets.c.created_at >= midnight_ms
                    )
                )
            ).one()
        longest = max(0, (self.store.now_ms() - int(q[1])) // 1000) if q[1] is not None else 0
        return QueueStats(
            int(q[0]),
            int(longest),
            int(callbacks or 0),
            int(split[0] or 0),
            int(split[1] or 0),
            await self.avg_handle_s(),
            None if q[1] is None else int(q[1]),
        )
