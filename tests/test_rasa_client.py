"""RasaClient against a fake Rasa REST server (aiohttp): texts, directives, intent/slots, failures."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from dialogue.base import FileTicket, Handoff, Hangup, TicketStatus
from dialogue.normalize import normalize
from dialogue.rasa_client import RasaClient, parse_messages, tracker_state
from voicebot.errors import DialogueError
from voicebot.rasa.api_token import RasaToken

Handler = Callable[[web.Request], Any]


class FakeRasa:
    """A fake Rasa server: scripted webhook replies, recorded requests."""

    def __init__(self) -> None:
        self.replies: list[Any] = []
        self.requests: list[dict[str, Any]] = []
        self.tracker: Any = {"latest_message": {"intent": {"name": "greet"}}, "slots": {"lang": "zh-CN"}}
        self.status = 200
        self.delay_s = 0.0
        self.raw: bytes | None = None
        self.token: str | None = None
        """When set, the API routes answer 401 unless ``?token=`` matches (as ``rasa run --auth-token``)."""
        self.tokens_seen: list[str | None] = []

    async def webhook(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(await request.json())
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if self.status != 200:
            return web.Response(status=self.status, text="boom")
        if self.raw is not None:
            return web.Response(body=self.raw, content_type="application/json")
        return web.json_response(self.replies.pop(0) if self.replies else [])

    def _denied(self, request: web.Request) -> bool:
        self.tokens_seen.append(request.query.get("token"))
        return self.token is not None and request.query.get("token") != self.token

    async def tracker_view(self, request: web.Request) -> web.StreamResponse:
        assert request.query.get("include_events") == "AFTER_RESTART"
        if self._denied(request):
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        return web.json_response(self.tracker)

    async def status_view(self, request: web.Request) -> web.StreamResponse:
        if self._denied(request):
            return web.json_response({"reason": "NotAuthenticated"}, status=401)
        return web.json_response({"model_file": "zh-CN.tar.gz"})

    async def root(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text="Hello from Rasa: 3.6.21")


@pytest.fixture
async def fake() -> AsyncIterator[tuple[FakeRasa, str]]:
    rasa = FakeRasa()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", rasa.webhook)
    app.router.add_get("/conversations/{sender}/tracker", rasa.tracker_view)
    app.router.add_get("/", rasa.root)
    app.router.add_get("/status", rasa.status_view)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield rasa, str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_texts_and_directives(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.replies.append([
        {"recipient_id": "c1", "text": "好的 正在为您转接人工客服"},
        {"recipient_id": "c1", "custom": {"directive": "handoff", "reason": "caller-request",
                                          "slots": {"location": "朝阳区"}}},
    ])
    rasa.tracker = {"latest_message": {"intent": {"name": "request_human"}},
                    "slots": {"location": "朝阳区", "requested_slot": "incident_time", "lang": "zh-CN", "x": None}}
    client = RasaClient({"zh-CN": url}, timeout_s=2)
    try:
        turn = await client.respond("c1", "转 人工", "zh-CN", {"calling_number": "13800000000", "channel": "sip"})
    finally:
        await client.aclose()
    assert turn.utterances == ("好的 正在为您转接人工客服",)
    assert turn.directives == (Handoff("caller-request", {"location": "朝阳区"}),)
    assert turn.intent == "request_human"
    assert turn.slots == {"location": "朝阳区"}
    sent = rasa.requests[0]
    assert sent["sender"] == "c1" and sent["message"] == "转人工"
    assert sent["metadata"] == {"lang": "zh-CN", "calling_number": "13800000000", "channel": "sip"}


async def test_every_directive_and_hints(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.replies.append([
        {"text": "Okay, I am filing your ticket now."},
        {"custom": {"directive": "file_ticket", "fields": {"complaint_category": "noise"}}},
        {"custom": {"directive": "ticket_status", "ticket_number": "20261123"}},
        {"custom": {"expect": "number"}},
        {"text": "Goodbye."},
        {"custom": {"directive": "hangup"}},
    ])
    rasa.tracker = {"events": [
        {"event": "user", "parse_data": {"intent": {"name": "greet"}}}, {"event": "action", "name": "utter_greet"},
        {"event": "user", "parse_data": {"intent": {"name": "faq", "full_retrieval_intent_name": "faq/office_hours"}}},
    ], "latest_message": {"intent": {"name": "greet"}}, "slots": {}}
    client = RasaClient({"en-US": url}, timeout_s=2)
    try:
        turn = await client.respond("c2", "Yes.", "en", {})
    finally:
        await client.aclose()
    assert turn.utterances == ("Okay, I am filing your ticket now.", "Goodbye.")
    assert turn.directives == (FileTicket({"complaint_category": "noise"}), TicketStatus("20261123"), Hangup())
    assert turn.expect == "number"
    assert turn.intent == "faq/office_hours"
    assert rasa.requests[0]["message"] == "yes"


def test_faq_topic_and_malformed_directive() -> None:
    turn = parse_messages([{"text": "办事大厅周一到周五办公"}, {"custom": {"faq_topic": "faq/office_hours"}}])
    assert turn.faq_topic == "faq/office_hours" and turn.directives == ()
    with pytest.raises(DialogueError) as err:
        parse_messages([{"custom": {"directive": "file_ticket"}}])
    assert err.value.code == "rasa-bad-response"
    with pytest.raises(DialogueError):
        parse_messages({"text": "not a list"})
    assert tracker_state(None) == (None, {}, None)


async def test_timeout(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.delay_s = 1.0
    client = RasaClient({"zh-CN": url}, timeout_s=0.2)
    try:
        with pytest.raises(DialogueError) as err:
            await client.respond("c3", "你好", "zh-CN", {})
    finally:
        await client.aclose()
    assert err.value.code == "rasa-timeout"


async def test_http_500(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.status = 500
    client = RasaClient({"zh-CN": url}, timeout_s=2)
    try:
        with pytest.raises(DialogueError) as err:
            await client.respond("c4", "你好", "zh-CN", {})
    finally:
        await client.aclose()
    assert err.value.code == "rasa-bad-response"


async def test_bad_json(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.raw = b"<html>oops"
    client = RasaClient({"zh-CN": url}, timeout_s=2)
    try:
        with pytest.raises(DialogueError) as err:
            await client.respond("c5", "你好", "zh-CN", {})
    finally:
        await client.aclose()
    assert err.value.code == "rasa-bad-response"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_server_down_and_health(fake: tuple[FakeRasa, str]) -> None:
    _, url = fake
    down = f"http://127.0.0.1:{_free_port()}"
    client = RasaClient({"zh-CN": url, "en-US": down}, timeout_s=2)
    try:
        with pytest.raises(DialogueError) as err:
            await client.respond("c6", "hello", "en-US", {})
        assert err.value.code == "rasa-unreachable"
        assert await client.health() == {"zh-CN": True, "en-US": False}
        with pytest.raises(DialogueError) as unknown:
            await client.respond("c6", "bonjour", "fr-FR", {})
        assert unknown.value.code == "rasa-unknown-lang"
    finally:
        await client.aclose()


async def test_tracker_failure_keeps_turn(fake: tuple[FakeRasa, str]) -> None:
    rasa, url = fake
    rasa.replies.append([{"text": "您好"}])
    rasa.tracker = None  # the fake answers "null": no intent, no slots, but the turn stands
    client = RasaClient({"zh-CN": url}, timeout_s=2)
    try:
        turn = await client.respond("c7", "你好", "zh-CN", {})
    finally:
        await client.aclose()
    assert turn.utterances == ("您好",) and turn.intent is None and turn.slots == {}


@pytest.mark.parametrize(
    ("heard", "sent"),
    [("我 要 投诉 噪音", "我要投诉噪音"), ("在 3 号楼 ，", "在3号楼"), ("My number is 138.", "my number is 138"),
     ("/silence", "/silence"), ("嗯 那个 公积金 怎么 取", "嗯那个公积金怎么取")],
)
def test_normalize(heard: str, sent: str) -> None:
    assert normalize(heard) == sent


async def test_the_api_token_is_sent_and_a_wrong_one_is_reported(
    fake: tuple[FakeRasa, str], caplog: pytest.LogCaptureFixture
) -> None:
    rasa, url = fake
    rasa.token = "right-token-5d1e"
    rasa.replies += [[{"text": "您好"}], [{"text": "您好"}]]
    rasa.tracker = {"latest_message": {"intent": {"name": "greet"}}, "slots": {}}
    good = RasaClient({"zh-CN": url}, timeout_s=2, token=RasaToken("right-token-5d1e"))
    bad = RasaClient({"zh-CN": url}, timeout_s=2, token=RasaToken("wrong-token-77aa"))
    try:
        assert (await good.respond("c8", "你好", "zh-CN", {})).intent == "greet"
        assert await good.health() == {"zh-CN": True}
        caplog.set_level("DEBUG")
        turn = await bad.respond("c9", "你好", "zh-CN", {})  # the turn stands, without intent
        assert turn.utterances == ("您好",) and turn.intent is None
        assert await bad.health() == {"zh-CN": False}
    finally:
        await good.aclose()
        await bad.aclose()
    assert rasa.tokens_seen[:2] == ["right-token-5d1e", "right-token-5d1e"]
    messages = " ".join(r.getMessage() for r in caplog.records if not r.name.startswith("aiohttp"))  # fake's log
    assert "rasa-unauthorized" in messages and "rejects the API token" in messages
    assert "wrong-token-77aa" not in messages
