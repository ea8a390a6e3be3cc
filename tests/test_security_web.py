"""Issue 12, the console and API: login lockout under parallel guesses, trusted proxies, origins, headers, paging."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from aiohttp import WSServerHandshakeError
from aiohttp.test_utils import TestClient

from tests.handoff_support import PASSWORD, Console, ManualNow, draft
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.base import TranscriptLine
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, ServerSettings, Settings

MakeConsole = Callable[..., Awaitable[Console]]


@pytest.fixture
async def make_console(tmp_path: Path) -> AsyncIterator[MakeConsole]:
    """Yield a factory of running consoles (SQLite, users alice and sue, one ticket) with ``[server]`` settings."""
    stores: list[SqlTicketStore] = []

    async def make(**server: object) -> Console:
        now = ManualNow()
        url = f"sqlite:///{tmp_path / f'tickets{len(stores)}.db'}"
        store = SqlTicketStore.from_url(url, now_ms=now)
        stores.append(store)
        await store.migrate()
        await AuthStore(store).add_agent("alice", PASSWORD, "agent")
        await AuthStore(store).add_agent("sue", PASSWORD, "supervisor")
        plain = await store.save(draft(call_id="plain"))
        settings = Settings(
            handoff=HandoffSettings(database_url=url, agent_hours="always"),
            server=dataclasses.replace(ServerSettings(), **server),  # type: ignore[arg-type]
        )
        return Console(create_console_app(store, settings, poll_interval_s=0.2), store, now, plain, plain)

    yield make
    for store in stores:
        await store.close()


async def _login(client: TestClient, user: str, password: str, **headers: str) -> int:
    resp = await client.post(
        "/console/login", data={"username": user, "password": password}, headers=headers, allow_redirects=False
    )
    return resp.status


# 1. Login lockout: counted before the password check, per user with backoff, per client behind a trusted proxy


async def test_forty_parallel_wrong_passwords_reach_the_check_at_most_five_times(make_console: MakeConsole) -> None:
    console = await make_console()
    client = await console.client()
    try:
        statuses = await asyncio.gather(*(_login(client, "alice", f"guess{i}") for i in range(40)))
        counted = Counter(statuses)
        assert counted[401] <= 5 and counted[401] + counted[429] == 40, counted  # 401: the password was checked
        assert await _login(client, "alice", PASSWORD) == 429  # the right password during the lockout
        assert await _login(client, "sue", PASSWORD) == 303  # other users are not affected
    finally:
        await client.close()


async def test_lockout_grows_exponentially_and_a_success_forgets_it(make_console: MakeConsole) -> None:
    console = await make_console()
    client = await console.client()
    try:
        for _ in range(5):
            assert await _login(client, "alice", "guess") == 401
        locked = await client.post("/console/login", data={"username": "alice", "password": PASSWORD})
        assert locked.status == 429 and int(locked.headers["Retry-After"]) == 60
        console.now.t += 60_001
        assert await _login(client, "alice", "guess") == 401  # one attempt after the lockout, wrong again...
        assert await _login(client, "alice", PASSWORD) == 429  # ...locks out for twice as long
        console.now.t += 60_001
        assert await _login(client, "alice", PASSWORD) == 429
        console.now.t += 60_000
        assert await _login(client, "alice", PASSWORD) == 303
        assert await _login(client, "alice", "guess") == 401  # a success starts afresh: 5 free failures again
        assert await _login(client, "alice", PASSWORD) == 303
    finally:
        await client.close()


async def test_behind_a_trusted_proxy_each_client_address_is_throttled_alone(make_console: MakeConsole) -> None:
    console = await make_console(trusted_proxies="127.0.0.1")
    client = await console.client()
    try:
        spray = [_login(client, f"user{i}", "guess", **{"X-Forwarded-For": "203.0.113.7"}) for i in range(30)]
        assert Counter(await asyncio.gather(*spray)) == {401: 30}  # 30 names, once each: the address limit
        assert await _login(client, "alice", PASSWORD, **{"X-Forwarded-For": "203.0.113.7"}) == 429
        assert await _login(client, "alice", PASSWORD, **{"X-Forwarded-For": "198.51.100.2, 203.0.113.9"}) == 303
    finally:
        await client.close()


async def test_same_origin_behind_a_trusted_proxy_uses_its_forwarded_host(make_console: MakeConsole) -> None:
    public = {"Origin": "https://console.city.example", "X-Forwarded-Host": "console.city.example"}
    for trusted, status in (("127.0.0.1", 303), ("", 403)):
        console = await make_console(trusted_proxies=trusted)
        client = await console.client()
        try:
            assert await _login(client, "alice", PASSWORD, **public) == status, trusted
        finally:
            await client.close()


async def test_from_an_untrusted_peer_forwarded_for_is_ignored(make_console: MakeConsole) -> None:
    console = await make_console(trusted_proxies="10.9.9.9")
    client = await console.client()
    try:
        spray = [_login(client, f"user{i}", "guess", **{"X-Forwarded-For": f"203.0.113.{i}"}) for i in range(30)]
        assert Counter(await asyncio.gather(*spray)) == {401: 30}
        # every guess counted against the real peer, whatever address it claimed
        assert await _login(client, "alice", PASSWORD, **{"X-Forwarded-For": "198.51.100.2"}) == 429
    finally:
        await client.close()


async def test_session_cookie_is_secure_behind_a_trusted_tls_proxy_only(make_console: MakeConsole) -> None:
    for trusted, secure in (("127.0.0.1", True), ("", False)):
        console = await make_console(trusted_proxies=trusted)
        client = await console.client()
        try:
            resp = await client.post(
                "/console/login",
                data={"username": "alice", "password": PASSWORD},
                headers={"X-Forwarded-Proto": "https"},
                allow_redirects=False,
            )
            assert resp.status == 303
            cookie = resp.headers["Set-Cookie"]
            assert ("Secure" in cookie) is secure, (trusted, cookie)
        finally:
            await client.close()


# 5. Origin checks on the login form, the WebSocket and every post (``Origin: null`` included)


async def test_login_refuses_other_and_opaque_origins(make_console: MakeConsole) -> None:
    console = await make_console(allowed_origins="https://console.city.example")
    client = await console.client()
    try:
        for origin in ("https://evil.example", "null", "file://"):
            assert await _login(client, "alice", PASSWORD, Origin=origin) == 403, origin
        assert await _login(client, "alice", PASSWORD, Origin=str(client.make_url("")).rstrip("/")) == 303
        assert await _login(client, "alice", PASSWORD, Origin="https://console.city.example") == 303
    finally:
        await client.close()


async def test_posts_with_origin_null_and_cross_origin_websockets_are_refused(make_console: MakeConsole) -> None:
    console = await make_console()
    client = await console.client("alice")
    try:
        edit = await client.post(
            f"/console/tickets/{console.plain}/edit", data={"notes": "forged"}, headers={"Origin": "null"}
        )
        assert edit.status == 403
        ticket = await console.store.get(console.plain)
        assert ticket is not None and ticket.notes != "forged"
        for origin in ("https://evil.example", "null"):
            with pytest.raises(WSServerHandshakeError) as err:
                await client.ws_connect("/console/ws", headers={"Origin": origin})
            assert err.value.status == 403
        ws = await client.ws_connect("/console/ws", headers={"Origin": str(client.make_url("")).rstrip("/")})
        assert (await ws.receive_json())["type"] == "queue"
        await ws.close()
    finally:
        await client.close()


# 6. Security headers on every console page, redirect and error


async def test_console_responses_carry_csp_and_no_framing(make_console: MakeConsole) -> None:
    console = await make_console()
    client = await console.client("alice")
    try:
        for path in ("/console/login", "/console/", f"/console/tickets/{console.plain}", "/console/nope"):
            resp = await client.get(path, allow_redirects=False)
            csp = resp.headers.get("Content-Security-Policy", "")
            assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp, (path, csp)
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
            assert resp.headers.get("X-Frame-Options") == "DENY" and resp.headers["X-Content-Type-Options"] == "nosniff"
        logout = await client.post("/console/logout", allow_redirects=False)
        assert logout.status == 303 and logout.headers["X-Frame-Options"] == "DENY"
    finally:
        await client.close()


# 4. API paging: limit clamped to 1..1000


async def test_api_limit_is_clamped(make_console: MakeConsole) -> None:
    console = await make_console()
    for i in range(3):
        await console.store.save(draft(call_id=f"more-{i}"))
    token = await AuthStore(console.store).create_api_token("case-system")
    client = await console.client()
    try:
        read = {"Authorization": f"Bearer {token}"}
        for limit, expected in (("-1", 1), ("0", 1), ("2", 2), ("5000", 4)):
            body = await (await client.get(f"/api/tickets?limit={limit}", headers=read)).json()
            assert len(body["tickets"]) == expected, limit
        spec = await (await client.get("/api/openapi.json")).json()
        limit_param = next(p for p in spec["paths"]["/tickets"]["get"]["parameters"] if p["name"] == "limit")
        assert limit_param["schema"]["minimum"] == 1 and limit_param["schema"]["maximum"] == 1000
    finally:
        await client.close()


# Existing protections: markup in every ticket field and in the live-queue list stays text


XSS = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'"


async def test_markup_in_every_ticket_field_is_escaped(make_console: MakeConsole) -> None:
    console = await make_console()
    await AuthStore(console.store).add_agent(XSS, PASSWORD, "supervisor")  # claimed_by shows in the list
    number = await console.store.save(draft(
        call_id="xss", language=XSS, channel=XSS, calling_number=XSS, called_number=XSS, protocol_call_id=XSS,
        intent=XSS, fields={"description": XSS, XSS: XSS}, faq_topics=(XSS,), handoff_reason=XSS,
        transcript=(TranscriptLine(0, "caller", XSS), TranscriptLine(10, XSS, XSS)), recording_ref=XSS,
    ))  # fmt: skip
    client = await console.client(XSS)
    try:
        await client.post(f"/console/tickets/{number}/claim")
        await client.post(f"/console/tickets/{number}/edit", data={"notes": XSS, "field_description": XSS})
        ws = await client.ws_connect("/console/ws")
        pages = {"ws rows": (await ws.receive_json())["rows"]}
        await ws.close()
        for path in ("/console/", f"/console/tickets/{number}", "/console/supervisor"):
            resp = await client.get(path)
            assert resp.status == 200, path
            pages[path] = await resp.text()
        assert "&lt;script&gt;" in pages[f"/console/tickets/{number}"] and "&lt;script&gt;" in pages["ws rows"]
        for where, html in pages.items():
            assert "<script>alert" not in html and "<img" not in html, where
    finally:
        await client.close()
