"""The 回访 queue and scheduler on SQLite and PostgreSQL, with a fake trunk whose citizens never answer."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from tests.fakes import FakeTrunk, ToneSynth
from tests.handoff_support import ManualNow, db_url, draft  # noqa: F401  (fixture)
from voicebot.followup.book import FollowupBook
from voicebot.followup.rules import Policy
from voicebot.followup.scheduler import FollowupScheduler, epoch_ms
from voicebot.handoff.db import MIGRATIONS_DIR
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.retention import purge_expired
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import FollowupSettings, SessionSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")
MORNING = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)
SETTINGS = FollowupSettings(enabled=True, allowed_hours="Mon-Sun 09:00-20:00", max_attempts=3, retry_delay_s=1800,
                            daily_cap=5)


@pytest.fixture
async def clocked(db_url: str) -> AsyncIterator[tuple[SqlTicketStore, ManualNow]]:  # noqa: F811
    now = ManualNow(epoch_ms(MORNING))
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        yield store, now
    finally:
        await store.close()


async def resolved(store: SqlTicketStore, call_id: str, actor: str = "li", **kw: object) -> str:
    number = await store.save(draft(call_id, **kw))
    await HandoffQueue(store, AgentHours.parse("always"), followups=True).resolve(number, actor, "已处理")
    return number


def scheduler(store: SqlTicketStore, trunk: FakeTrunk, settings: FollowupSettings = SETTINGS) -> FollowupScheduler:
    return FollowupScheduler(FollowupBook(store), Policy.from_settings(settings, "Asia/Shanghai"), settings, trunk,
                             ToneSynth(), SessionSettings())


async def test_resolving_queues_one_followup_unless_the_bot_closed_it(
        clocked: tuple[SqlTicketStore, ManualNow]) -> None:
    store, _ = clocked
    book = FollowupBook(store)
    by_agent = await resolved(store, "a")
    await HandoffQueue(store, AgentHours.parse("always"), followups=True).resolve(by_agent, "li", "again")
    by_bot = await resolved(store, "b", actor="bot")
    off = await store.save(draft("c"))
    await HandoffQueue(store, AgentHours.parse("always")).resolve(off, "li")  # [followup] enabled = false
    assert [row.number for row in await book.pending()] == [by_agent]
    assert await book.get(by_bot) is None and await book.get(off) is None


async def test_busy_citizen_is_retried_within_hours_then_given_up(clocked: tuple[SqlTicketStore, ManualNow],
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="voicebot")
    store, clock = clocked
    number = await resolved(store, "a", calling_number="13812345678")
    trunk, book = FakeTrunk(486), FollowupBook(store)
    run = scheduler(store, trunk)
    now = MORNING
    for attempt in (1, 2, 3):
        assert await run.run_once(now) == ["busy"]
        row = await book.get(number)
        assert row is not None and row.attempts == attempt and row.result == "busy"
        assert await run.run_once(now + timedelta(minutes=29)) == []  # not due before the retry delay
        now += timedelta(minutes=31)
        clock.t = epoch_ms(now)
    row = await book.get(number)
    assert row is not None and row.status == "failed" and trunk.dialled == ["13812345678"] * 3
    assert await book.pending() == []
    assert "calling 138******78" in caplog.text and "13812345678" not in caplog.text  # numbers masked in logs


async def test_nobody_is_called_at_night_or_past_the_daily_cap(clocked: tuple[SqlTicketStore, ManualNow]) -> None:
    store, _ = clocked
    first, second = await resolved(store, "a"), await resolved(store, "b")
    trunk = FakeTrunk(480)
    capped = dataclasses.replace(SETTINGS, daily_cap=1)
    assert await scheduler(store, trunk, capped).run_once(MORNING.replace(hour=21)) == []
    assert trunk.dialled == []
    assert await scheduler(store, trunk, capped).run_once(MORNING) == ["no-answer"]
    assert await scheduler(store, trunk, capped).run_once(MORNING + timedelta(hours=1)) == []  # cap reached
    assert len(trunk.dialled) == 1
    book = FollowupBook(store)
    states = {n: (r.status, r.attempts) for n in (first, second) if (r := await book.get(n)) is not None}
    assert sorted(states.values()) == [("pending", 0), ("pending", 1)]


async def test_confidential_and_anonymous_tickets_are_skipped(clocked: tuple[SqlTicketStore, ManualNow]) -> None:
    store, _ = clocked
    secret = await resolved(store, "a", confidential=True)
    anonymous = await resolved(store, "b", fields={"anonymous": True})
    hidden = await resolved(store, "c", calling_number="anonymous")
    trunk = FakeTrunk()
    assert sorted(await scheduler(store, trunk).run_once(MORNING)) == ["anonymous", "confidential", "no-number"]
    assert trunk.dialled == []
    book = FollowupBook(store)
    for number, reason in ((secret, "confidential"), (anonymous, "anonymous"), (hidden, "no-number")):
        row = await book.get(number)
        assert row is not None and (row.status, row.result) == ("skipped", reason)
    allowed = dataclasses.replace(SETTINGS, call_confidential=True)
    again = await resolved(store, "d", confidential=True, calling_number="13900001111")
    assert await scheduler(store, trunk, allowed).run_once(MORNING) == ["busy"]
    assert trunk.dialled == ["13900001111"] and again



async def test_retention_blanks_the_resolution_note_too(clocked: tuple[SqlTicketStore, ManualNow]) -> None:
    store, clock = clocked
    number = await resolved(store, "a")
    book = FollowupBook(store)
    assert (row := await book.get(number)) is not None and row.resolution == "已处理"
    clock.t += 2 * 86_400_000
    assert (await purge_expired(store, 1)).purged == 1
    assert (row := await book.get(number)) is not None and row.resolution == ""
    assert await scheduler(store, FakeTrunk()).run_once(MORNING + timedelta(days=2)) == ["no-number"]


def _downgrade_to(connection: Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    command.downgrade(config, revision)


async def test_migration_0009_goes_down_and_up_again(clocked: tuple[SqlTicketStore, ManualNow]) -> None:
    store, _ = clocked
    number = await resolved(store, "a")
    async with store.engine.begin() as conn:
        await conn.run_sync(_downgrade_to, "0003")
    async with store.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert "followups" not in tables and "tickets" in tables
    await store.migrate()
    assert await FollowupBook(store).get(number) is None  # the table is back, empty
    assert (t := await store.get(number)) is not None and t.status == "resolved"
