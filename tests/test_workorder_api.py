"""The work order through the REST API (JSON, PATCH, OpenAPI schema) and the console's edit form over HTTP."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer

from tests import handoff_support as support
from tests.handoff_support import PASSWORD, draft
from voicebot.handoff.auth import AuthStore
from voicebot.handoff.console import create_console_app
from voicebot.handoff.store import SqlTicketStore
from voicebot.settings import HandoffSettings, Settings, WorkOrderSettings
from voicebot.workorder.book import WorkOrderBook, load_book
from voicebot.workorder.builder import build_work_order

db_url = support.db_url

FIELDS = {
    "complaint_category": "noise",
    "location": "Sanlitun, Chaoyang",
    "description": "邻居装修太吵了",
    "request_type": "complaint",
}


@dataclass
class Setup:
    client: TestClient
    store: SqlTicketStore
    book: WorkOrderBook
    number: str
    read: dict[str, str]
    write: dict[str, str]


@pytest.fixture
async def setup(db_url: str) -> AsyncIterator[Setup]:
    store = SqlTicketStore.from_url(db_url)
    await store.migrate()
    auth = AuthStore(store)
    read = {"Authorization": f"Bearer {await auth.create_api_token('reporting', 'read')}"}
    write = {"Authorization": f"Bearer {await auth.create_api_token('case-system', 'write')}"}
    await auth.add_agent("wang.fang", PASSWORD, "agent")
    book = load_book(WorkOrderSettings())
    wo = build_work_order(book, FIELDS, 1_790_000_000_000)
    number = await store.save(draft(kind="complaint", fields=dict(FIELDS), work_order=wo))
    app = create_console_app(store, Settings(handoff=HandoffSettings(database_url=db_url, agent_hours="always")))
    client = TestClient(TestServer(app))
    await client.start_server()
    yield Setup(client, store, book, number, read, write)
    await client.close()
    await store.close()


def conforms(value: Any, schema: dict[str, Any], spec: dict[str, Any], where: str = "$") -> None:
    """Check JSON against the subset of JSON Schema the API description uses (types, required, properties)."""
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if "oneOf" in schema:
        errors = []
        for option in schema["oneOf"]:
            try:
                conforms(value, option, spec, where)
                return
            except AssertionError as err:
                errors.append(str(err))
        raise AssertionError(f"{where}: matches no option: {errors}")
    names = {dict: "object", list: "array", str: "string", bool: "boolean", int: "integer", type(None): "null"}
    if "type" in schema:
        allowed = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        assert names[type(value)] in allowed, f"{where}: {names[type(value)]} is not {allowed}"
    if isinstance(value, dict) and "properties" in schema:
        missing = set(schema.get("required", [])) - set(value)
        assert not missing, f"{where}: missing {missing}"
        undocumented = set(value) - set(schema["properties"])
        assert not undocumented, f"{where}: undocumented {undocumented}"
        for key, item in value.items():
            conforms(item, schema["properties"][key], spec, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            conforms(item, schema["items"], spec, f"{where}[{i}]")


async def test_ticket_json_has_the_work_order_in_words_and_matches_the_schema(setup: Setup) -> None:
    spec = await (await setup.client.get("/api/openapi.json")).json()
    one = await (await setup.client.get(f"/api/tickets/{setup.number}", headers=setup.read)).json()
    wo = one["work_order"]
    assert (wo["category"], wo["subcategory"], wo["department"]) == (
        "eco_environment",
        "social_noise",
        "三里屯街道办事处",
    )
    assert wo["area"] == {
        "district": "朝阳区",
        "street": "三里屯街道",
        "community": None,
        "resolved": True,
        "matched": ["Sanlitun"],
        "text": "Sanlitun, Chaoyang",
    }
    assert wo["labels"]["zh-CN"] == {
        "request_type": "投诉",
        "category": "生态环境",
        "subcategory": "社会生活噪声",
        "urgency": "一般",
    }
    assert one["changes"] == []
    conforms(one, {"$ref": "#/components/schemas/Ticket"}, spec)
    listed = await (await setup.client.get("/api/tickets", headers=setup.read)).json()
    assert listed["tickets"][0]["work_order"]["department"] == "三里屯街道办事处"
    conforms(listed["tickets"][0], {"$ref": "#/components/schemas/Ticket"}, spec)
    patch = spec["paths"]["/tickets/{number}"]["patch"]
    assert patch["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/TicketPatch"}
    editable = set(spec["components"]["schemas"]["TicketPatch"]["properties"]["work_order"]["properties"])
    assert {"department", "urgency", "district", "category"} <= editable


async def test_case_system_changes_the_department_and_history_says_so(setup: Setup) -> None:
    url = f"/api/tickets/{setup.number}"
    spec = await (await setup.client.get("/api/openapi.json")).json()
    resp = await setup.client.patch(
        url, headers=setup.write, json={"work_order": {"department": "朝阳区生态环境局", "urgency": "urgent"}}
    )
    body = await resp.json()
    assert resp.status == 200, body
    assert body["work_order"]["department"] == "朝阳区生态环境局"
    assert body["work_order"]["suggested_department"] == "三里屯街道办事处"
    assert body["work_order"]["labels"]["en-US"]["urgency"] == "Urgent"
    assert [(c["field"], c["old"], c["new"], c["actor"]) for c in body["changes"]] == [
        ("urgency", "normal", "urgent", "api:case-system"),
        ("deadline_at", "1790611199000", str(1_790_000_000_000 + 24 * 3_600_000), "api:case-system"),
        ("department", "三里屯街道办事处", "朝阳区生态环境局", "api:case-system"),
    ]
    conforms(body, {"$ref": "#/components/schemas/Ticket"}, spec)


async def test_patch_refusals(setup: Setup) -> None:
    url = f"/api/tickets/{setup.number}"
    assert (await setup.client.patch(url, json={"notes": "x"})).status == 401
    assert (await setup.client.patch(url, headers=setup.read, json={"notes": "x"})).status == 403
    unknown = await setup.client.patch(url, headers=setup.write, json={"work_order": {"department": "火星局"}})
    assert unknown.status == 422 and (await unknown.json())["code"] == "workorder-bad-value"
    for bad in (b"{nope", b"[1, 2]", b'{"work_order": "x"}', b'{"colour": 1}', b'{"notes": 5}',
                b'{"work_order": {"priority": "high"}}'):
        resp = await setup.client.patch(url, headers={**setup.write, "Content-Type": "application/json"}, data=bad)
        assert resp.status == 400, bad
    assert (await setup.client.patch("/api/tickets/11112222", headers=setup.write, json={})).status == 404
    t = await setup.store.get(setup.number)
    assert t is not None and t.changes == () and t.work_order is not None
    assert t.work_order.department == "三里屯街道办事处"


async def test_console_shows_the_work_order_and_an_agent_corrects_it(setup: Setup) -> None:
    client = setup.client
    resp = await client.post("/console/login", data={"username": "wang.fang", "password": PASSWORD})
    assert resp.status == 200
    queue = await (await client.get("/console/")).text()
    row = re.search(rf'<tr data-number="{setup.number}">.*?</tr>', queue)
    assert row is not None and '<span class="badge">一般</span> 三里屯街道办事处' in row.group(0)
    page = await (await client.get(f"/console/tickets/{setup.number}")).text()
    assert "社会生活噪声" in page and "三里屯街道办事处（建议）" in page and "Sanlitun" in page  # zh-CN console
    assert re.search(r'<option value="social_noise" selected>', page)
    form = {
        "notes": "",
        "wo_request_type": "complaint",
        "wo_category": "eco_environment",
        "wo_subcategory": "social_noise",
        "wo_urgency": "normal",
        "wo_deadline_at": re.search(r'id="wo-deadline_at" form="edit-form" value="([^"]+)"', page).group(1),  # type: ignore[union-attr]
        "wo_district": "朝阳区",
        "wo_street": "三里屯街道",
        "wo_community": "",
        "wo_department": "朝阳区生态环境局",
    }
    resp = await client.post(f"/console/tickets/{setup.number}/edit", data=form)
    page = await resp.text()
    assert (
        resp.status == 200
        and "<b>wang.fang</b> 修改了承办单位：三里屯街道办事处 → 朝阳区生态环境局" in page  # the history, in Chinese
    )
    t = await setup.store.get(setup.number)
    assert t is not None and [c.field for c in t.changes] == ["department"]  # re-posted values are no change
    bad = await client.post(f"/console/tickets/{setup.number}/edit", data={**form, "wo_district": "浦东新区"})
    assert bad.status == 409 and "浦东新区" in await bad.text()
    cross = await client.post(
        f"/console/tickets/{setup.number}/edit", data=form, headers={"Origin": "https://evil.example"}
    )
    assert cross.status == 403
