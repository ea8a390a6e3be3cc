"""Time for a call: real wall-clock time, or virtual time for fast replays and tests.

Every wait in a call session goes through a ``Clock`` so that the same timing
logic (20 ms pacing, pauses, no-input timeouts) runs either in real time or
in virtual time. A ``VirtualClock`` moves time forward only when nothing is
busy: code awaiting real work (ASR decoding, HTTP, synthesis) marks it with
``async with clock.busy():`` so virtual time stands still meanwhile.

A clock also tells the calendar time (``wall_now``), which decides whether
agents are on duty; a replay sets it so its outcome never depends on when it runs.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """A source of call time in milliseconds."""

    def now_ms(self) -> float:
        """Return the current time in ms since the clock started."""

    async def sleep_until(self, t_ms: float) -> None:
        """Wait until ``now_ms() >= t_ms``."""

    def busy(self) -> contextlib.AbstractAsyncContextManager[None]:
        """Mark real work under way (virtual time does not advance meanwhile)."""

    def wall_now(self) -> datetime:
        """Return the calendar time now, timezone-aware."""


class RealClock:
    """Wall-clock time from the event loop's monotonic clock."""

    def __init__(self) -> None:
        self._t0 = asyncio.get_running_loop().time()

    def now_ms(self) -> float:
        """Return ms since the clock was made."""
        return (asyncio.get_running_loop().time() - self._t0) * 1000.0

    async def sleep_until(self, t_ms: float) -> None:
        """Sleep until ``t_ms``."""
        delay = (t_ms - self.now_ms()) / 1000.0
        await asyncio.sleep(max(0.0, delay))

    @asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Do nothing: real time runs on its own."""
        yield

    def wall_now(self) -> datetime:
        """Return the machine's local time."""
        return datetime.now().astimezone()


class VirtualClock:
    """Time that jumps to the next sleeper as soon as nothing is busy.

    Call ``run()`` as a task beside the call; it advances time. Real work keeps
    time still, so a replay is as fast as the machine, yet every timeout, pause
    and pacing decision happens at the same virtual instant it would in real time.
    """

    def __init__(self, settle_rounds: int = 8, start: datetime | None = None) -> None:
        self._start = (start or datetime.now()).astimezone()  # a naive start is local time
        self._now = 0.0
        self._busy = 0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._ids = itertools.count()
        self._settle_rounds = settle_rounds
        self._changed = asyncio.Event()

    def now_ms(self) -> float:
        """Return the virtual time."""
        return self._now

    def wall_now(self) -> datetime:
        """Return ``start`` (the real time the clock was made, unless given) plus the virtual time."""
        return self._start + timedelta(milliseconds=self._now)

    async def sleep_until(self, t_ms: float) -> None:
        """Wait until virtual time reaches ``t_ms``."""
        if t_ms <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (t_ms, next(self._ids), future))
        self._changed.set()
        await future

    @asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Hold virtual time still while real work runs."""
        self._busy += 1
        try:
            yield
        finally:
            self._busy -= 1
            self._changed.set()

    async def run(self) -> None:
        """Advance time forever (cancel the task to stop)."""
        while True:
            for _ in range(self._settle_rounds):  # let ready tasks run and register their sleeps
                await asyncio.sleep(0)
            self._drop_cancelled()
            if self._busy or not self._sleepers:
                self._changed.clear()
                await self._changed.wait()
                continue
            t_ms, _, future = heapq.heappop(self._sleepers)
            self._now = max(self._now, t_ms)
            if not future.done():
                future.set_result(None)

    def _drop_cancelled(self) -> None:
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)


class SteppedClock:
    """Time its owner sets frame by frame (``now``), with no waiting: for code driven one frame at a time
    (a recorder fed by a benchmark or a test), where nothing sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def now_ms(self) -> float:
        """Return the time last set."""
        return self.now

    async def sleep_until(self, t_ms: float) -> None:
        """Jump there at once."""
        self.now = max(self.now, t_ms)

    @asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Nothing to hold."""
        yield

    def wall_now(self) -> datetime:
        """Return the machine's time."""
        return datetime.now().astimezone()
