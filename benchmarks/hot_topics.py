"""Benchmark the hot-topics report on a large ticket table: the page (14 charted days + 4 compared) and one
Prometheus scrape (today + 4 compared days), with and without the ``created_at`` index of migration 0008.

Prints the row count and the median time of each over ``--repeat`` runs.

    PYTHONPATH=. .venv/bin/python -m benchmarks.hot_topics [--days 180] [--per-day 3000] [--db URL]

Without ``--db`` a temporary SQLite file is used; a PostgreSQL URL must name an empty database.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert, text

from voicebot.handoff.hot_days import zone
from voicebot.handoff.hot_report import build_report
from voicebot.handoff.schema import tickets
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HotTopicSettings, WorkOrderSettings
from voicebot.workorder.book import load_book

TOPICS = ("faq/office_hours", "faq/hukou", "faq/pension", "faq/social_security", "faq/id_card")


async def _fill(store: SqlTicketStore, days: int, per_day: int, now_ms: int) -> int:
    book = load_book(WorkOrderSettings())
    cats = [c.code for c in book.taxonomy.categories]
    places = [d.place.name for d in book.gazetteer.districts]
    rnd = random.Random(12345)
    n = 0
    async with store.engine.begin() as conn:
        for day in range(days):
            rows = []
            for _ in range(per_day):
                n += 1
                at = now_ms - day * 86_400_000 - rnd.randrange(86_400_000)
                faq = [rnd.choice(TOPICS)] if rnd.random() < 0.3 else []
                worked = not faq or rnd.random() < 0.2
                rows.append({"number": f"{10_000_000 + n}", "call_id": f"c{n}", "kind": "complaint", "status": "new",
                             "fields": {}, "faq_topics": faq, "transcript": [], "created_at": at, "updated_at": at,
                             "category": rnd.choice(cats) if worked else None,
                             "district": rnd.choice(places) if worked else None})  # fmt: skip
            await conn.execute(insert(tickets), rows)
    return n


async def _time(store: SqlTicketStore, rule: HotTopicSettings, now_ms: int, days: int | None, repeat: int) -> float:
    took = []
    book = load_book(WorkOrderSettings())
    for _ in range(repeat):
        start = time.perf_counter()
        await build_report(store, book, rule, zone("Asia/Shanghai"), now_ms, days=days)
        took.append(time.perf_counter() - start)
    return statistics.median(took) * 1000


async def main(days: int, per_day: int, db: str | None, repeat: int) -> None:
    """Fill the table, then time the report with the index and after dropping it."""
    with tempfile.TemporaryDirectory() as tmp:
        store = SqlTicketStore.from_url(db or f"sqlite:///{Path(tmp) / 'bench.db'}")
        await store.migrate()
        now_ms = int(time.time() * 1000)
        rows = await _fill(store, days, per_day, now_ms)
        rule = HotTopicSettings()
        print(f"{rows} tickets over {days} days ({store.dialect})")
        for label in ("with ix_tickets_created", "without the index"):
            page = await _time(store, rule, now_ms, None, repeat)
            scrape = await _time(store, rule, now_ms, 1, repeat)
            print(f"{label}: page report {page:.1f} ms, metrics scrape {scrape:.1f} ms (median of {repeat})")
            async with store.engine.begin() as conn:
                await conn.execute(text("DROP INDEX IF EXISTS ix_tickets_created"))
                if store.dialect == "sqlite":
                    await conn.execute(text("ANALYZE"))
        await store.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=180)
    parser.add_argument("--per-day", type=int, default=3000)
    parser.add_argument("--db", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    asyncio.run(main(args.days, args.per_day, args.db, args.repeat))
