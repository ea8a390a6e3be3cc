"""Shared fixtures for the handoff tests: a fresh database on SQLite and on PostgreSQL, a running console."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from voicebot.handoff.auth import AuthStore
from voicebot.handoff.base import TicketDraft, TranscriptLine
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

PG_URL = os.environ.get("VOICEBOT_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/test")
"""An existing PostgreSQL database the tests may use to create and drop their own databases."""


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_pg_database() -> str:
    """Create an empty PostgreSQL database and return its URL."""
    name = f"vbtest_{uuid.uuid4().hex[:12]}"
    conn = await asyncpg.connect(_dsn(PG_URL))
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


async def drop_pg_database(url: str) -> None:
    """Drop a database made by ``create_pg_database``."""
    name = make_url(url).database
    conn = await asyncpg.connect(_dsn(PG_URL))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.real)])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Yield a URL to an empty database (SQLite file, or a fresh PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tickets.db'}"
        return
    url = await create_pg_database()
    try:
        yield url
    finally:
        await drop_pg_database(url)


@pytest.fixture
async def store(db_url: str) -> AsyncIterator[SqlTicketStore]:
    """Yield a migrated store on a fresh database."""
    s = SqlTicketStore.from_url(db_url)
    await s.migrate()
    try:
        yield s
    finally:
        await s.close()


def draft(call_id: str = "call-1", kind: str = "handoff", **kw: object) -> TicketDraft:
    """Return a realistic draft for a call."""
    base: dict[str, object] = {
        "language": "zh-CN",
        "channel": "sip",
        "calling_number": "13812345678",
        "intent": "complain_noise",
        "fields": {"category": "noise", "location": "朝阳区建国路88号", "description": "楼下工地晚上施工太吵了"},
        "faq_topics": ("opening_hours",),
        "transcript": (
            TranscriptLine(0, "bot", "您好，这里是12345市民服务热线。"),
            TranscriptLine(2100, "caller", "我要投诉楼下工地晚上施工太吵了"),
            TranscriptLine(4800, "bot", "好的，请问具体地址是哪里？"),
            TranscriptLine(7300, "caller", "朝阳区建国路88号"),
        ),
        "handoff_reason": "caller asked for a human",
        "started_at_ms": 1_790_000_000_000,
    }
    base.update(kw)
    return TicketDraft(call_id=call_id, kind=kind, **base)  # type: ignore[arg-type]


class ManualNow:
    """An epoch-ms clock the test moves by hand."""

    def __init__(self, t: int = 1_795_000_000_000) -> None:
        self.t = t

    def __call__(self) -> int:
        """Return the current fake time."""
        return self.t


PASSWORD = "correct horse battery"
"""Every console test user's password."""


class Console:
    """A running console with two users and two tickets (one confidential)."""

    def __init__(self, app: web.Application, store: SqlTicketStore, now: ManualNow, plain: str, secret: str) -> None:
        self.app, self.store, self.now, self.plain, self.secret = app, store, now, plain, secret

    async def client(self, user: str | None = None, lang: str | None = None) -> TestClient:
        """Return a client, logged in as ``user`` if given, who chose the console language ``lang`` if given."""
        client = TestClient(TestServer(self.app))
        await client.start_server()
        if user is not None:
            resp = await client.post("/console/login", data={"username": user, "password": PASSWORD},
                                     allow_redirects=False)
            assert resp.status == 303, await resp.text()
            if lang is not None:
                chose = await client.post("/console/language", data={"lang": lang}, allow_redirects=False)
                assert chose.status == 303, await chose.text()
        return client


@pytest.fixture
async def console(db_url: str, tmp_path: Path) -> AsyncIterator[Console]:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    auth = AuthStore(store)
    await auth.add_agent("alice", PASSWORD, "agent")
    await auth.add_agent("sue", PASSWORD, "supervisor")
    rec = tmp_path / "call-plain.wav"
    rec.write_bytes(b"RIFF....WAVEfmt fake")
    plain = await store.save(draft(call_id="plain", recording_ref=str(rec)))
    secret = await store.save(draft(call_id="secret", confidential=True, calling_number="13999998888"))
    settings = Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always"))
    app = create_console_app(store, settings, poll_interval_s=0.2)
    yield Console(app, store, now, plain, secret)
    await store.close()
