"""The WebSocket transport shared by the Twilio and plain-WebSocket lines: receive loop, limits, send guard, close."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial

import aiohttp
from aiohttp import WSMessage, web

from voicebot.audio import AudioFrame, silence
from voicebot.lines.common import InboundQueue
from voicebot.lines.line import Dtmf
from voicebot.lines.ws_codec import Ignored, MalformedMessage, MarkEcho, MediaEvent, PeerHangup
from voicebot.lines.ws_transport import MAX_MALFORMED, SEND_TIMEOUT_S, WebSocketTransport, open_websocket


class WordCodec:
    """A codec of one-word text messages: ``audio``, ``digit``, ``mark:<name>``, ``skip``, ``bye``; else malformed."""

    peer = "tester"

    def decode(self, message: WSMessage) -> list[MediaEvent]:
        """Return the events one word stands for."""
        word = str(message.data)
        if word == "audio":
            return [silence(8000), silence(8000)]
        if word == "digit":
            return [Dtmf("5")]
        if word.startswith("mark:"):
            return [MarkEcho(word.removeprefix("mark:"))]
        if word == "skip":
            return [Ignored("skipped a word")]
        if word == "bye":
            return [PeerHangup("the tester said bye")]
        raise MalformedMessage("test-malformed", f"not a word: {word[:20]}")


@dataclass
class Marks:
    """A mark sink that keeps the echoes."""

    names: list[str] = field(default_factory=list)

    def echoed(self, name: str) -> None:
        """Keep the echo."""
        self.names.append(name)


@dataclass
class Side:
    """What the server side of one connection saw."""

    inbound: InboundQueue = field(default_factory=partial(InboundQueue, "t-1"))
    marks: Marks = field(default_factory=Marks)
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    sent: list[bool] = field(default_factory=list)
    send_took_s: float = 0.0


@asynccontextmanager
async def serving(side: Side, mode: str) -> AsyncIterator[str]:
    """Serve one WebSocket route that receives into ``side`` (``receive``) or sends until refused (``flood-out``)."""

    async def route(request: web.Request) -> web.WebSocketResponse:
        ws = await open_websocket(request)
        transport = WebSocketTransport(ws, side.inbound, "tester")
        if mode == "receive":
            await transport.receive(WordCodec(), side.marks)
        else:
            chunk = b"\x00" * 60_000
            started = time.monotonic()
            for _ in range(2000):  # far more than loopback buffers hold
                sent = await transport.send(chunk)
                side.sent.append(sent)
                if not sent:
                    break
                started = time.monotonic()
            side.send_took_s = time.monotonic() - started
            side.sent.append(await transport.send(b"after"))
        await transport.close()
        side.ended.set()
        return ws

    app = web.Application()
    app.router.add_get("/ws", route)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/ws"
    finally:
        await runner.cleanup()


async def test_receive_routes_events_and_ends_on_hangup() -> None:
    side = Side()
    async with serving(side, "receive") as url, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(url)
        for word in ("audio", "skip", "digit", "mark:bot-1", "oops", "bye", "audio"):
            await ws.send_str(word)
        closing = await asyncio.wait_for(ws.receive(), 3.0)
        assert closing.type == aiohttp.WSMsgType.CLOSE  # the transport closed its side after the loop
        await asyncio.wait_for(side.ended.wait(), 1.0)  # at once: the close was answered
    items = [await side.inbound.get() for _ in range(4)]
    assert [type(item) for item in items] == [AudioFrame, AudioFrame, Dtmf, type(None)]  # nothing after "bye"
    assert side.marks.names == ["bot-1"]


async def test_malformed_messages_end_the_loop_at_the_limit() -> None:
    side = Side()
    async with serving(side, "receive") as url, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(url)
        for _ in range(MAX_MALFORMED - 1):
            await ws.send_str("garbage")
        await ws.send_str("digit")
        await asyncio.sleep(0.2)
        assert not side.ended.is_set()  # one short of the limit: still receiving
        await ws.send_str("garbage")
        assert (await asyncio.wait_for(ws.receive(), 3.0)).type == aiohttp.WSMsgType.CLOSE
        await asyncio.wait_for(side.ended.wait(), 1.0)
    assert await side.inbound.get() == Dtmf("5")


async def test_a_flood_of_audio_ends_the_loop() -> None:
    side = Side()
    async with serving(side, "receive") as url, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(url)
        for _ in range(200):  # 400 frames at once: over the 250 frames/s flood guard
            await ws.send_str("audio")
        assert (await asyncio.wait_for(ws.receive(), 3.0)).type == aiohttp.WSMsgType.CLOSE
        await asyncio.wait_for(side.ended.wait(), 1.0)
    assert side.inbound.flooded and side.inbound.closed


async def test_send_to_a_peer_that_stopped_reading_gives_up_after_the_timeout() -> None:
    side = Side()
    async with serving(side, "flood-out") as url, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(url)  # and never read
        await asyncio.wait_for(side.ended.wait(), 30.0)
        assert not ws.closed
    assert side.sent[-2:] == [False, False] and all(side.sent[:-2])  # refused once blocked, and after
    assert SEND_TIMEOUT_S - 0.1 < side.send_took_s < SEND_TIMEOUT_S + 1.5, side.send_took_s
    assert side.inbound.closed  # the call ends
