"""Benchmark the repeat-caller look-up a call makes before its greeting, on a store holding many tickets.

Prints p50/p95/max of ``open_for`` (a caller's open cases) and ``brief`` (one ticket) over random callers, on
SQLite and, when reachable, PostgreSQL (``VOICEBOT_TEST_PG_URL``, default ``postgresql://root@127.0.0.1:5432/test``).
The call gives the look-up ``[session] repeat_lookup_timeout_s`` (0.3 s) before it greets as usual.

    .venv/bin/python -m benchmarks.repeat_lookup [--tickets 20000] [--lookups 500]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import tempfile
import time
import uuid

import asyncpg
from sqlalchemy import insert
from sqlalchemy.engine import make_url

from voicebot.handoff.caller_number import caller_key
from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore
from voicebot.runtime.stats import percentile

KINDS = ("complaint", "handoff", "callback", "partial", "resolved")
STATUSES = ("new", "queued", "claimed", "resolved", "callback_due")


def batch(first: int, count: int, callers: list[str]) -> list[dict[str, object]]:
    """Return ``count`` ticket rows from number ``first`` on, spread over ``callers`` (several tickets each)."""
    now = int(time.time() * 1000)
    return [{
        "number": str(10_000_000 + i), "call_id": f"bench-{i}", "kind": random.choice(KINDS),
        "status": random.choice(STATUSES), "language": "zh-CN", "channel": "sip",
        "calling_number": (number := random.choice(callers)), "caller_key": caller_key(number), "called_number": "",
        "protocol_call_id": "", "fields": {}, "faq_topics": [], "transcript": [], "confidential": False,
        "started_at": now - i, "created_at": now - i, "updated_at": now - i, "notes": "",
    } for i in range(first, first + count)]  # fmt: skip


async def measure(url: str, count: int, lookups: int) -> str:
    """Fill a fresh store at ``url`` and time the look-ups; return one report line."""
    store = SqlTicketStore.from_url(url)
    await store.migrate()
    callers = [f"139{random.randrange(10**8):08d}" for _ in range(count // 4)]
    try:
        async with store.engine.begin() as conn:
            for start in range(0, count, 2000):
                await conn.execute(insert(tickets), batch(start, min(2000, count - start), callers))
        open_ms, brief_ms = [], []
        for _ in range(lookups):
            began = time.perf_counter()
            await store.open_for(caller_key("+86 " + random.choice(callers)))
            open_ms.append((time.perf_counter() - began) * 1000)
            began = time.perf_counter()
            await store.brief(str(10_000_000 + random.randrange(count)))
            brief_ms.append((time.perf_counter() - began) * 1000)
    finally:
        await store.close()

    def stats(ms: list[float]) -> str:
        return f"p50 {percentile(ms, 50) or 0:.2f} / p95 {percentile(ms, 95) or 0:.2f} / max {max(ms):.2f} ms"

    return f"{store.dialect:10s} {count} tickets: open_for {stats(open_ms)}; brief {stats(brief_ms)}"


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def pg_database(base: str) -> str | None:
    """Create a scratch PostgreSQL database; return its URL (None when PostgreSQL is not reachable)."""
    name = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        conn = await asyncpg.connect(_dsn(base))
    except OSError:
        return None
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(base).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(base: str, url: str) -> None:
    """Drop the scratch database."""
    conn = await asyncpg.connect(_dsn(base))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
    finally:
        await conn.close()


async def main(count: int, lookups: int) -> None:
    """Run the benchmark and print its lines."""
    random.seed(12345)
    with tempfile.TemporaryDirectory() as tmp:
        print(await measure(f"sqlite:///{tmp}/bench.db", count, lookups))
    base = os.environ.get("VOICEBOT_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/test")
    pg = await pg_database(base)
    if pg is None:
        print("postgresql not reachable: skipped")
        return
    try:
        print(await measure(pg, count, lookups))
    finally:
        await drop_pg_database(base, pg)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--lookups", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(main(args.tickets, args.lookups))
