"""REST API: OpenAPI description, bearer tokens stored hashed, refusals on every route, list/get/resolve."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from tests import handoff_support as support
from tests.handoff_support import draft
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.schema import api_tokens
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings

db_url = support.db_url


@pytest.fixture
async def api(db_url: str) -> AsyncIterator[tuple[TestClient, SqlTicketStore, dict[str, str]]]:
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    auth = AuthStore(store)
    tokens = {"read": await auth.create_api_token("reporting", "read"),
              "write": await auth.create_api_token("case-system", "write")}
    await auth.add_agent("alice", "correct horse battery", "supervisor")
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url)))
    client = TestClient(TestServer(app))
    await client.start_server()
    yield client, store, tokens
    await client.close()
    await store.close()


def api_routes(app: web.Application) -> list[tuple[str, str]]:
    return [
        (r.method, r.resource.canonical)
        for r in app.router.routes()
        if r.resource and r.resource.canonical.startswith("/api/") and r.method != "HEAD"
        and r.resource.canonical != "/api/openapi.json"
    ]


async def test_openapi_describes_every_route(api: tuple[TestClient, SqlTicketStore, dict[str, str]]) -> None:
    client, _, _ = api
    spec = await (await client.get("/api/openapi.json")).json()
    assert spec["openapi"].startswith("3.") and spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
    described = {(m.upper(), "/api" + p) for p, ops in spec["paths"].items() for m in ops}
    assert described == set(api_routes(client.app))  # type: ignore[arg-type]


async def test_every_api_route_refuses_without_a_valid_token(
    api: tuple[TestClient, SqlTicketStore, dict[str, str]],
) -> None:
    client, store, tokens = api
    n = await store.save(draft())
    # a console session is not an API credential
    await client.post("/console/login", data={"username": "alice", "password": "correct horse battery"})
    for method, path in api_routes(client.app):  # type: ignore[arg-type]
        url = path.replace("{number}", n)
        for headers in ({}, {"Authorization": "Bearer vbt_wrong"}, {"Authorization": "Basic YWxpY2U6eA=="}):
            resp = await client.request(method, url, headers=headers)
            assert resp.status == 401, (method, path, headers, resp.status)
            assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    resp = await client.post(f"/api/tickets/{n}/resolve", headers={"Authorization": f"Bearer {tokens['read']}"})
    assert resp.status == 403
    assert await store.status(n) == "new"


async def test_list_get_resolve(api: tuple[TestClient, SqlTicketStore, dict[str, str]]) -> None:
    client, store, tokens = api
    read = {"Authorization": f"Bearer {tokens['read']}"}
    write = {"Authorization": f"Bearer {tokens['write']}"}
    a = await store.save(draft(call_id="a"))
    b = await store.save(draft(call_id="b", kind="complaint"))
    listed = await (await client.get("/api/tickets", headers=read)).json()
    assert {t["number"] for t in listed["tickets"]} == {a, b}
    one = await (await client.get(f"/api/tickets/{a}", headers=read)).json()
    assert one["calling_number"] == "13812345678" and one["transcript"][1]["text"] == "我要投诉楼下工地晚上施工太吵了"
    assert one["history"][0]["status"] == "new"
    assert (await client.get("/api/tickets/12121212", headers=read)).status == 404
    assert (await client.get("/api/tickets?limit=x", headers=read)).status == 400
    done = await client.post(f"/api/tickets/{b}/resolve", headers=write, json={"note": "case 2026-118"})
    body = await done.json()
    assert done.status == 200 and body["status"] == "resolved"
    assert body["history"][-1] == {"status": "resolved", "at_ms": body["resolved_at"], "actor": "api:case-system",
                                   "note": "case 2026-118"}
    resolved = await (await client.get("/api/tickets?status=resolved", headers=read)).json()
    assert [t["number"] for t in resolved["tickets"]] == [b]
    since = await (await client.get(f"/api/tickets?updated_since={body['updated_at']}", headers=read)).json()
    assert since["tickets"] == []
    page = await (await client.get("/api/tickets?limit=1", headers=read)).json()
    assert [t["number"] for t in page["tickets"]] == [a]  # oldest change first: b was resolved last
    bad = await client.post(f"/api/tickets/{a}/resolve", headers=write, data=b"{not json")
    assert bad.status == 400 and await store.status(a) == "new"


async def test_tokens_are_stored_hashed(api: tuple[TestClient, SqlTicketStore, dict[str, str]]) -> None:
    _, store, tokens = api
    async with store.engine.connect() as conn:
        stored = [r.token_hash for r in await conn.execute(select(api_tokens))]
    assert len(stored) == 2 and not set(stored) & set(tokens.values())
    assert all(len(h) == 64 for h in stored)
