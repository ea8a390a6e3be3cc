"""Agent console over HTTP: logins, sessions, roles, masking, claim/resolve (live queue: test_console_live)."""

from __future__ import annotations

import pytest
from aiohttp import WSServerHandshakeError, web

from tests import handoff_support as support
from tests.handoff_support import PASSWORD, Console
from voicebot.handoff.guard import CONSOLE

db_url = support.db_url
console = support.console


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
            url = path.replace("{number}", console.plain).replace("{name}", "console.js")
            url = url.replace("{lang}", "zh-CN").replace("{topic}", "office_hours")
            if path in ("/console/login", "/console"):
                continue
            resp = await client.request(method, url, allow_redirects=False)
            if method == "GET":
                assert resp.status == 303, (method, path, resp.status)
                assert resp.headers["Location"].startswith("/console/login?next="), path
            else:
                assert resp.status == 401, (method, path, resp.status)
            checked += 1
        assert checked == 27  # every route but the login form, its post and the /console redirect
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
    sup = await console.client("sue", lang="en-US")
    try:
        for page_path in ("/console/supervisor", "/console/hot-topics", "/console/hot-topics.csv"):
            assert (await agent.get(page_path)).status == 403, page_path
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
        assert bad.status == 401 and "用户名或密码错误" in await bad.text()  # zh-CN by default
        bad = await client.post("/console/login", data={"username": "alice", "password": "wrong", "lang": "en-US"})
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
    sup = await console.client("sue", lang="en-US")
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
        assert again.status == 409 and "该工单不可认领" in await again.text()  # the reason in words, in Chinese
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
