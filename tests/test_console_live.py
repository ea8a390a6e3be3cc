"""The agent console's live queue: WebSocket pushes, PostgreSQL NOTIFY from other processes, session end, shutdown."""

from __future__ import annotations

import asyncio
import json

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests import handoff_support as support
from tests.handoff_support import PASSWORD, Console, draft
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.guard import CONSOLE
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

db_url = support.db_url
console = support.console


async def _next_queue_message(ws: object, want: str) -> dict[str, object]:
    async with asyncio.timeout(5):
        while True:
            msg = json.loads(await ws.receive_str())  # type: ignore[attr-defined]
            if want in msg["rows"]:
                return msg  # type: ignore[no-any-return]


async def test_websocket_pushes_new_tickets(console: Console, db_url: str) -> None:
    alice = await console.client("alice")
    try:
        ws = await alice.ws_connect("/console/ws")
        first = json.loads(await ws.receive_str())
        assert first["type"] == "queue" and console.plain in first["rows"]
        n = await console.store.save(draft(call_id="live", calling_number="13100002222"))
        await console.app[CONSOLE].queue.enqueue(n)
        msg = await _next_queue_message(ws, n)
        assert "131******22" in str(msg["rows"]) and "13100002222" not in str(msg["rows"])
        # another bot process on the same database: the poller notices
        other = SqlTicketStore.from_url(db_url)
        try:
            m = await other.save(draft(call_id="other-process"))
        finally:
            await other.close()
        await _next_queue_message(ws, m)
        secret = await console.store.save(draft(call_id="hidden", confidential=True))
        msg = await _next_queue_message(ws, m)  # later pushes still never show confidential ones to agents
        assert secret not in str(msg["rows"])
        await ws.close()
    finally:
        await alice.close()


async def test_stopping_the_server_with_a_live_queue_open_leaves_no_task_behind(console: Console) -> None:
    alice = await console.client("alice")
    ws = await alice.ws_connect("/console/ws")
    assert json.loads(await ws.receive_str())["type"] == "queue"
    await alice.close()  # the server stops while the browser is still connected: the handler is cancelled
    await asyncio.sleep(0.1)
    left = [t for t in asyncio.all_tasks() if not t.done() and "Queue.get" in repr(t.get_coro())]
    assert left == []


@pytest.mark.real
async def test_postgres_notify_reaches_other_processes_console_at_once() -> None:
    url = await support.create_pg_database()
    store = SqlTicketStore.from_url(url)
    other = SqlTicketStore.from_url(url)  # a second bot process
    try:
        await store.migrate()
        await AuthStore(store).add_agent("alice", PASSWORD, "agent")
        settings = Settings(handoff=HandoffSettings(database_url=url, agent_hours="always"))
        app = create_console_app(store, settings, poll_interval_s=60.0)  # polling alone would take a minute
        client = TestClient(TestServer(app))
        await client.start_server()
        try:
            await client.post("/console/login", data={"username": "alice", "password": PASSWORD})
            ws = await client.ws_connect("/console/ws")
            await ws.receive_str()
            loop = asyncio.get_running_loop()
            began = loop.time()
            n = await other.save(draft(call_id="from-another-process"))
            await _next_queue_message(ws, n)
            assert loop.time() - began < 2.0
            await ws.close()
        finally:
            await client.close()
    finally:
        await store.close()
        await other.close()
        await support.drop_pg_database(url)


async def test_websocket_closes_when_the_session_ends(console: Console) -> None:
    alice = await console.client("alice")
    try:
        ws = await alice.ws_connect("/console/ws")
        await ws.receive_str()
        console.now.t += 8 * 3600 * 1000 + 1  # session expired: the next change must not be pushed
        await console.store.save(draft(call_id="after-expiry"))
        async with asyncio.timeout(5):
            msg = await ws.receive()
        assert msg.type.name in ("CLOSE", "CLOSED") and ws.close_code == 1008
    finally:
        await alice.close()
