"""Fuzz the media servers over real sockets: the WebSocket start message, Twilio JSON events and AudioSocket frames.

The real handlers (``websocket_media.handle``, ``twilio.handle``, ``AudioSocketServer``) run on a server loop in a
thread; every handler exception and every unhandled task exception there is recorded. Each example must end with
no such exception and, for a bad first message, the documented close code (a clear error per bad input).
Examples are bounded and every wait has a timeout, so a hang fails instead of blocking CI.
"""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voicebot.errors import LineError
from voicebot.lines import twilio, websocket_media
from voicebot.lines.admission import Reservation
from voicebot.lines.audiosocket import AUDIO, DTMF, ERROR, HANGUP, UUID, AudioSocketServer, pack, read_message
from voicebot.lines.common import PeerFilter
from voicebot.lines.line import Line

TOKEN = "fuzz-token"
NET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
               HealthCheck.function_scoped_fixture])  # fmt: skip

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12,
)


@dataclass
class Server:
    """The fuzzed servers, on their own loop in a thread."""

    loop: asyncio.AbstractEventLoop
    http_port: int = 0
    audiosocket_port: int = 0
    failures: list[str] = field(default_factory=list)
    calls: int = 0

    def reserve(self, protocol: str) -> Reservation | None:
        """Take every call."""
        return Reservation(protocol)

    def release(self, reservation: Reservation) -> None:
        """Nothing to give back: every call is taken."""

    def start(self, line: Line, reservation: Reservation) -> asyncio.Task[None]:
        """Run a session that listens until the caller goes."""
        self.calls += 1

        async def session() -> None:
            try:
                async with asyncio.timeout(10):
                    while await line.recv() is not None:
                        pass
            except Exception as err:  # a line raising to its session is a failure too
                self.failures.append(f"line.recv raised {err!r}")
            await line.hangup()

        return asyncio.create_task(session())

    def take_failures(self) -> list[str]:
        """Return and forget the failures so far (thread-safe enough: appended on the server loop)."""
        failures, self.failures = self.failures, []
        return failures


async def _serve(server: Server, ready: threading.Event, stop: asyncio.Event) -> None:
    @web.middleware
    async def record(request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> Any:
        try:
            return await handler(request)
        except Exception as err:
            server.failures.append(f"{request.path} handler raised {err!r}")
            raise

    asyncio.get_running_loop().set_exception_handler(
        lambda _loop, ctx: server.failures.append(f"unhandled: {ctx.get('exception')!r} {ctx.get('message')}")
    )
    app = web.Application(middlewares=[record])
    async def media(request: web.Request) -> web.StreamResponse:
        return await websocket_media.handle(request, server, TOKEN)

    async def twilio_stream(request: web.Request) -> web.StreamResponse:
        return await twilio.handle(request, server, TOKEN, False)

    app.router.add_get("/media", media)
    app.router.add_get("/twilio", twilio_stream)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.http_port = int(runner.addresses[0][1])
    audio = AudioSocketServer(server, PeerFilter("127.0.0.1"))
    await audio.start("127.0.0.1", 0)
    server.audiosocket_port = audio.port
    ready.set()
    await stop.wait()
    await audio.close()
    await runner.cleanup()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    loop = asyncio.new_event_loop()
    srv = Server(loop)
    ready = threading.Event()
    stop = asyncio.Event()
    thread = threading.Thread(target=lambda: loop.run_until_complete(_serve(srv, ready, stop)), daemon=True)
    thread.start()
    assert ready.wait(10)
    yield srv
    loop.call_soon_threadsafe(stop.set)
    thread.join(10)


async def websocket_exchange(port: int, path: str, messages: list[str | bytes]) -> int | None:
    """Send messages, then wait (bounded) for the server to close; return the close code."""
    async with aiohttp.ClientSession() as http, http.ws_connect(f"http://127.0.0.1:{port}{path}") as ws:
        for message in messages:
            if ws.closed:
                break
            try:
                await (ws.send_bytes(message) if isinstance(message, bytes) else ws.send_str(message))
            except ConnectionError:
                break
        async with asyncio.timeout(10):
            while (await ws.receive()).type not in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED,
                                                    aiohttp.WSMsgType.ERROR):  # fmt: skip
                pass
        return ws.close_code


def start_message() -> st.SearchStrategy[dict[str, Any]]:
    """A WebSocket start message shaped like the real one, with fuzzed values."""
    value = JSON | st.sampled_from([8000, 16000, "8000", 8000.0, 44100, -1, 0, 10**30, float("inf"), float("nan")])
    return st.fixed_dictionaries(
        {"sampleRate": value},
        optional={"token": st.sampled_from([TOKEN, "", "wrong"]) | JSON, "callId": JSON, "from": JSON, "to": JSON,
                  "lang": JSON},  # fmt: skip
    )


def follow_ups() -> st.SearchStrategy[list[str | bytes]]:
    """What may follow the start: audio of any length, DTMF, junk JSON, hang-up."""
    event = st.fixed_dictionaries({"type": st.sampled_from(["dtmf", "hangup", "stop", "other"]) | JSON},
                                  optional={"digit": JSON})  # fmt: skip
    item = st.binary(max_size=700) | event.map(json.dumps) | JSON.map(json.dumps) | st.text(max_size=30)
    return st.lists(item, max_size=8)


@NET
@given(first=st.one_of(start_message().map(json.dumps), JSON.map(json.dumps), st.text(max_size=40),
                       st.binary(max_size=64)), rest=follow_ups())  # fmt: skip
def test_websocket_start_message_and_stream(server: Server, first: str | bytes, rest: list[str | bytes]) -> None:
    code = asyncio.run(websocket_exchange(server.http_port, "/media", [first, *rest, '{"type": "hangup"}']))
    assert server.take_failures() == []
    try:
        parsed = json.loads(first)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        assert code == 1002, f"not a JSON object first: expected close 1002, got {code}"
    else:
        assert code in (1000, 1002, 1008), code


def test_infinite_sample_rate_is_refused_cleanly(server: Server) -> None:
    code = asyncio.run(websocket_exchange(server.http_port, "/media", ['{"sampleRate": Infinity}']))
    assert server.take_failures() == [] and code == 1002


def twilio_event() -> st.SearchStrategy[str]:
    """One Twilio Media Streams event, shaped like the real ones, with fuzzed values."""
    payload = st.binary(max_size=400).map(lambda b: base64.b64encode(b).decode()) | st.text(max_size=20) | JSON
    start = st.fixed_dictionaries(
        {"event": st.just("start")},
        optional={"streamSid": JSON, "start": st.fixed_dictionaries({}, optional={
            "callSid": JSON, "streamSid": JSON,
            "customParameters": st.fixed_dictionaries({}, optional={"token": st.just(TOKEN) | JSON}) | JSON,
        }) | JSON},
    )  # fmt: skip
    media = st.fixed_dictionaries({"event": st.just("media"), "media": st.fixed_dictionaries(
        {"payload": payload}, optional={"track": st.sampled_from(["inbound", "outbound"]) | JSON}) | JSON})
    others = st.fixed_dictionaries({"event": st.sampled_from(["connected", "dtmf", "mark", "stop", "weird"]) | JSON},
                                   optional={"dtmf": JSON, "mark": JSON})  # fmt: skip
    return (start | media | others | JSON).map(json.dumps) | st.text(max_size=30)


@NET
@given(st.lists(twilio_event(), min_size=1, max_size=10))
def test_twilio_events(server: Server, events: list[str]) -> None:
    valid_start = [json.dumps({"event": "start", "start": {"customParameters": {"token": TOKEN}}})]
    code = asyncio.run(websocket_exchange(server.http_port, "/twilio", [*events, *valid_start, '{"event": "stop"}']))
    assert server.take_failures() == []
    assert code in (1000, 1002, 1008), code


def test_twilio_start_that_is_not_an_object_is_refused_cleanly(server: Server) -> None:
    code = asyncio.run(websocket_exchange(server.http_port, "/twilio", ['{"event": "start", "start": true}']))
    assert server.take_failures() == [] and code == 1002


def audiosocket_stream() -> st.SearchStrategy[bytes]:
    """A byte stream of AudioSocket messages (real types, fuzzed payloads) and raw junk."""
    message = st.builds(pack, st.sampled_from([HANGUP, UUID, DTMF, AUDIO, ERROR, 0x02, 0x7F]) | st.integers(0, 255),
                        st.binary(max_size=400))  # fmt: skip
    uuid_first = st.builds(pack, st.just(UUID), st.binary(min_size=16, max_size=16))
    return st.lists(uuid_first | message | st.binary(max_size=50), max_size=10).map(b"".join)


async def audiosocket_exchange(port: int, data: bytes) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(data)
    await writer.drain()
    writer.write_eof()
    async with asyncio.timeout(10):  # the server must end the connection itself (EOF, error or hang-up)
        while await reader.read(4096):
            pass
    writer.close()


@NET
@given(audiosocket_stream())
def test_audiosocket_server_survives_any_stream(server: Server, data: bytes) -> None:
    asyncio.run(audiosocket_exchange(server.audiosocket_port, data))
    assert server.take_failures() == []


@settings(max_examples=300, deadline=200)
@given(st.binary(max_size=3000))
def test_audiosocket_reader_parses_or_raises_line_error(data: bytes) -> None:
    async def read_all() -> int:
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        count = 0
        while True:
            try:
                kind, payload = await read_message(reader)
            except LineError as err:
                assert err.code in ("audiosocket-truncated", "audiosocket-oversize") and err.message
                return count
            assert 0 <= kind <= 255 and len(payload) <= 4096
            count += 1

    assert asyncio.run(read_all()) <= len(data) // 3 + 1
