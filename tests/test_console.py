"""Agent console over HTTP: logins, sessions, roles, masking, claim/resolve, live WebSocket pushes."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import WSServerHandshakeError, web
from aiohttp.test_utils import TestClient, TestServer

from tests import handoff_support as support
from tests.handoff_support import ManualNow, draft
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.guard import CONSOLE
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

db_url = support.db_url
PASSWORD = "correct horse battery"


class Console:
    """A running console with two users and two tickets (one confidential)."""

    def __init__(self, app: web.Application, store: SqlTicketStore, now: ManualNow, plain: str, secret: str) -> None:
        self.app, self.store, self.now, self.plain, self.secret = app, store, now, plain, secret

    async def client(self, user: str | None = None) -> TestClient:
        client = TestClient(TestServer(self.app))
        await client.start_server()
        if user is not None:
            resp = await client.post("/console/login", data={"username": user, "password": PASSWORD},
                                     allow_redirects=False)
            assert resp.status == 303, await resp.text()
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


def routes(app: web.Application, prefix: str) -> list[tuple[str, str]]:
    found = []
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if path.startswith(prefix) and route.method != "HEAD":
            found.append((route.method, path))
    return found


async def test_every_console_route_refuses_strangers(console: Console) -> None:
    client = await console.client()
    try:
        checked = 0
        for method, path in routes(console.app, "/console"):
            url = path.replace("{number}", console.plain)
            if path in ("/console/login", "/console"):
                continue
            resp = await client.request(method, url, allow_redirects=False)
            if method == "GET":
                assert resp.status == 303, (method, path, resp.status)
                assert resp.headers["Location"].startswith("/console/login?next="), path
            else:
                assert resp.status == 401, (method, path, resp.status)
            checked += 1
        assert checked == 11  # every route but the login form, its post and the /console redirect
        with pytest.raises(WSServerHandshakeError) as err:
            await client.ws_connect("/console/ws")
        assert err.value.status == 401
        # a forged cookie is no better than none
        client.session.cookie_jar.update_cookies({"voicebot_console": "forged"})
        resp = await client.get("/console/", allow_redirects=False)
        assert resp.status == 303
    finally:
        await client.close()


async def test_wrong_role_is_forbidden(console: Console) -> None:
    agent = await console.client("alice")
    sup = await console.client("sue")
    try:
        assert (await agent.get("/console/supervisor")).status == 403
        ticket_routes = [r for r in routes(console.app, "/console") if "{number}" in r[1]]
        assert len(ticket_routes) == 6
        for method, path in ticket_routes:
            resp = await agent.request(method, path.replace("{number}", console.secret), allow_redirects=False)
            assert resp.status == 403, (method, path, resp.status)
        page = await sup.get("/console/supervisor")
        assert page.status == 200 and "Handled by the bot today" in await page.text()
        opened = await sup.get(f"/console/tickets/{console.secret}")
        assert opened.status == 200 and "13999998888" in await opened.text()
    finally:
        await agent.close()
        await sup.close()


async def test_login_failures_logout_and_expiry(console: Console) -> None:
    client = await console.client()
    try:
        bad = await client.post("/console/login", data={"username": "alice", "password": "wrong"})
        assert bad.status == 401 and "Wrong user name or password" in await bad.text()
        nobody = await client.post("/console/login", data={"username": "mallory", "password": PASSWORD})
        assert nobody.status == 401
        ok = await client.post(
            "/console/login",
            data={"username": "alice", "password": PASSWORD, "next": "https://evil.example/"},
            allow_redirects=False,
        )
        assert ok.status == 303 and ok.headers["Location"] == "/console/"  # no open redirect
        cookie = ok.cookies["voicebot_console"]
        assert cookie["httponly"] and cookie["samesite"] == "Strict"
        assert (await client.get("/console/", allow_redirects=False)).status == 200
        console.now.t += 8 * 3600 * 1000 + 1  # the session expires
        assert (await client.get("/console/", allow_redirects=False)).status == 303
        await client.post("/console/login", data={"username": "alice", "password": PASSWORD})
        assert (await client.get("/console/", allow_redirects=False)).status == 200
        cross = await client.post("/console/logout", headers={"Origin": "https://evil.example"})
        assert cross.status == 403
        out = await client.post("/console/logout", allow_redirects=False)
        assert out.status == 303
        assert (await client.get("/console/", allow_redirects=False)).status == 303
    finally:
        await client.close()


async def test_passwords_are_hashed(console: Console) -> None:
    from sqlalchemy import select

    from voicebot.handoff.schema import agents

    async with console.store.engine.connect() as conn:
        hashes = [r.password_hash for r in await conn.execute(select(agents))]
    assert all(h.startswith("scrypt$") and PASSWORD not in h for h in hashes)
    assert len(set(hashes)) == 2  # salted


async def test_list_masks_and_ticket_shows_full(console: Console) -> None:
    agent = await console.client("alice")
    sup = await console.client("sue")
    try:
        html = await (await agent.get("/console/")).text()
        assert console.plain in html and "138******78" in html and "13812345678" not in html
        assert console.secret not in html  # confidential: supervisors only
        sup_html = await (await sup.get("/console/")).text()
        assert console.secret in sup_html and "13999998888" not in sup_html and "139******88" in sup_html
        opened = await (await agent.get(f"/console/tickets/{console.plain}")).text()
        assert "13812345678" in opened and "我要投诉楼下工地晚上施工太吵了" in opened
        rec = await agent.get(f"/console/tickets/{console.plain}/recording")
        assert rec.status == 200 and await rec.read() == b"RIFF....WAVEfmt fake"
        assert (await sup.get(f"/console/tickets/{console.secret}/recording")).status == 404
        assert (await agent.get("/console/tickets/99999999")).status == 404
    finally:
        await agent.close()
        await sup.close()


async def test_claim_edit_callback_resolve(console: Console) -> None:
    alice = await console.client("alice")
    sue = await console.client("sue")
    try:
        st = console.app[CONSOLE]
        await st.queue.enqueue(console.plain)
        resp = await alice.post("/console/claim-next", allow_redirects=False)
        assert resp.headers["Location"] == f"/console/tickets/{console.plain}"
        again = await sue.post(f"/console/tickets/{console.plain}/claim")
        assert again.status == 409 and "not open for claiming" in await again.text()
        base = f"/console/tickets/{console.plain}"
        await alice.post(base + "/edit", data={"notes": "site visited", "field_location": "建国路90号"})
        await alice.post(base + "/callback", data={"callback_number": "13500001111"})
        t = await console.store.get(console.plain)
        assert t is not None and t.status == "callback_due" and t.callback_number == "13500001111"
        assert t.notes == "site visited" and t.fields["location"] == "建国路90号"
        await alice.post(base + "/claim")
        await alice.post(base + "/resolve", data={"note": "called back, fixed"})
        t = await console.store.get(console.plain)
        assert t is not None and t.status == "resolved"
        assert [h.status for h in t.history] == ["new", "queued", "claimed", "callback_due", "claimed", "resolved"]
        assert (await alice.post("/console/claim-next", allow_redirects=False)).headers["Location"] == "/console/"
    finally:
        await alice.close()
        await sue.close()


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


async def test_repeated_failed_logins_lock_the_user_out(console: Console) -> None:
    client = await console.client()
    try:
        for _ in range(5):
            bad = await client.post("/console/login", data={"username": "alice", "password": "guess"})
            assert bad.status == 401
        locked = await client.post("/console/login", data={"username": "alice", "password": PASSWORD})
        assert locked.status == 429  # even the right password, for a while
        other = await client.post("/console/login", data={"username": "sue", "password": PASSWORD},
                                  allow_redirects=False)
        assert other.status == 303  # other users on the same address are not locked out
        console.now.t += 5 * 60_000 + 1
        ok = await client.post("/console/login", data={"username": "alice", "password": PASSWORD},
                               allow_redirects=False)
        assert ok.status == 303
    finally:
        await client.close()
