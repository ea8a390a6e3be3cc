"""Benchmark the supervisor's "satisfied today" figure: the query behind ``/console/supervisor`` on a full table.

Fills a fresh database with N tickets spread over the last 30 days (about a third of them rated), then times
``satisfaction_today`` and, beside it, the queue statistics the same page already reads.

    .venv/bin/python -m benchmarks.satisfaction_today [--tickets 100000] [--pg]

``--pg`` runs on a fresh PostgreSQL database made beside ``VOICEBOT_TEST_PG_URL`` (as the tests do) and dropped
after; without it, on a SQLite file in a temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text

from tests.handoff_support import create_pg_database, drop_pg_database
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.satisfaction_stats import satisfaction_today
from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore

DAY_MS = 86_400_000


def rows(count: int, now_ms: int) -> list[dict[str, object]]:
    rng = random.Random(12345)
    out = []
    for i in range(count):
        at = now_ms - rng.randrange(30 * DAY_MS)
        out.append({"number": str(10_000_000 + i), "call_id": f"bench-{i}", "kind": "resolved", "status": "new",
                    "language": "zh-CN", "fields": {}, "faq_topics": [], "transcript": [], "started_at": at,
                    "created_at": at, "updated_at": at, "notes": "",
                    "satisfaction": rng.choice((1, 2, 3, 4, 5)) if rng.random() < 0.35 else None})  # fmt: skip
    return out


async def timed(label: str, runs: int, work: Callable[[], Awaitable[Any]]) -> None:
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        result = await work()
        times.append((time.perf_counter() - began) * 1000)
    times.sort()
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{label:<22} p50 {statistics.median(times):7.2f} ms  p95 {p95:7.2f} ms  ({runs} runs)  -> {result}")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL (a fresh database) instead of SQLite")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = await create_pg_database() if args.pg else f"sqlite:///{Path(tmp) / 'bench.db'}"
        store = SqlTicketStore.from_url(url)
        try:
            await store.migrate()
            await run(store, args.tickets, args.runs)
        finally:
            await store.close()
            if args.pg:
                await drop_pg_database(url)


async def run(store: SqlTicketStore, count: int, runs: int) -> None:
    now = datetime.now()
    all_rows = rows(count, store.now_ms())
    async with store.engine.begin() as conn:
        for start in range(0, len(all_rows), 5000):
            await conn.execute(insert(tickets), all_rows[start : start + 5000])
    if store.dialect == "postgresql":  # planner statistics, as autovacuum keeps them on a live table
        async with store.engine.connect() as conn:
            await conn.execute(text("ANALYZE tickets"))
    print(f"{store.dialect}: {count} tickets over 30 days")
    queue = HandoffQueue(store, AgentHours.parse("always"))
    await timed("satisfaction_today", runs, functools.partial(satisfaction_today, store, now))
    await timed("queue stats (same page)", runs, functools.partial(queue.stats, now))


if __name__ == "__main__":
    asyncio.run(main())
