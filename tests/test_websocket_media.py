"""Plain WebSocket media (jambonz listen / audio fork style): metadata, L16 both ways, events, auth, bad input."""

from __future__ import annotations

import asyncio
import json

import aiohttp

from tests.telephony_helpers import ScriptedBot, running, speech_frames, test_settings
from voicebot.audio import AudioFrame, rms_dbfs, silence
from voicebot.events import CallRecord, DtmfReceived
from voicebot.lines.line import Line
from voicebot.lines.websocket_media import WebSocketLine

META = {"sampleRate": 16000, "callId": "jambonz-call-7", "from": "13800138000", "to": "12345", "token": "test-token"}


async def test_l16_call_with_events_dtmf_and_hangup() -> None:
    bot = ScriptedBot(reply_ms=400)
    async with running(test_settings(), bot) as (_, port), aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/media")
        await ws.send_str(json.dumps(META))
        audio = b"".join(f.pcm for f in speech_frames(rate=16000)[:100] + [silence(16000)] * 30)
        for offset in range(0, len(audio), 1000):  # odd chunk sizes: the line re-frames them
            await ws.send_bytes(audio[offset : offset + 1000])
        events: list[dict[str, str]] = []
        reply = b""
        while len(reply) < 20 * 640:
            message = await asyncio.wait_for(ws.receive(), 3.0)
            if message.type == aiohttp.WSMsgType.TEXT:
                events.append(json.loads(message.data))
            else:
                assert len(message.data) == 640  # 20 ms at 16 kHz
                reply += message.data
        assert [e["type"] for e in events] == ["transcript", "bot"]
        assert rms_dbfs(reply) > -20
        await ws.send_str('{"type": "dtmf", "digit": "7"}')
        await ws.send_str('{"type": "hangup"}')
        assert (await asyncio.wait_for(ws.receive(), 3.0)).type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.BINARY)
        await ws.close()
    record = bot.records[0]
    assert record.info == {"protocol": "websocket", "calling": "13800138000", "called": "12345",
                           "protocol_call_id": "jambonz-call-7"}
    assert [e.digit for e in record.of(DtmfReceived)] == ["7"]
    assert bot.lines[0].info.rate == 16000


async def test_clear_notify_and_rate_conversion() -> None:
    async def prober(line: Line) -> CallRecord:
        assert isinstance(line, WebSocketLine)
        await line.send(AudioFrame(b"\x01\x00" * 160, 8000))  # 8 kHz from the bot, 16 kHz on the wire
        await line.notify({"type": "partial", "text": "你好"})
        await line.clear()
        assert await line.transfer("agents") is False
        await line.recv()
        return CallRecord(line.info.call_id)

    async with running(test_settings(), prober) as (_, port), aiohttp.ClientSession() as http:  # type: ignore[arg-type]
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/media?token=test-token")
        await ws.send_str(json.dumps({k: v for k, v in META.items() if k != "token"}))
        received = [await asyncio.wait_for(ws.receive(), 3.0) for _ in range(4)]
        await ws.close()
    assert len(received[0].data) == 640
    assert json.loads(received[1].data) == {"type": "partial", "text": "你好"}
    assert json.loads(received[2].data) == {"type": "clear"}
    assert json.loads(received[3].data) == {"type": "transfer", "target": "agents"}


async def test_refusals_bad_token_and_bad_metadata() -> None:
    bot = ScriptedBot()
    async with running(test_settings(), bot) as (_, port), aiohttp.ClientSession() as http:
        cases: list[tuple[str | bytes, int]] = [
            (json.dumps({**META, "token": "nope"}), 1008), (json.dumps({**META, "sampleRate": 11025}), 1002),
            ("not json", 1002), (b"\x00" * 640, 1002)]
        for first, code in cases:
            ws = await http.ws_connect(f"http://127.0.0.1:{port}/media")
            await (ws.send_str(first) if isinstance(first, str) else ws.send_bytes(first))
            message = await asyncio.wait_for(ws.receive(), 3.0)
            assert message.type == aiohttp.WSMsgType.CLOSE and message.data == code, first
    assert bot.records == []


async def test_too_many_bad_messages_end_the_call() -> None:
    bot = ScriptedBot()
    async with running(test_settings(), bot) as (_, port), aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/media")
        await ws.send_str(json.dumps(META))
        for _ in range(25):
            await ws.send_str('{"type": "bogus"}')
        message = await asyncio.wait_for(ws.receive(), 3.0)
        assert message.type == aiohttp.WSMsgType.CLOSE
    assert len(bot.records) == 1


async def test_bot_hangup_closes_the_socket_while_the_peer_is_connected() -> None:
    async def brief(line: Line) -> CallRecord:
        await line.send(AudioFrame(b"\x00\x00" * 320, 16000))
        return CallRecord(line.info.call_id, outcome="resolved")  # the registry hangs up at once

    async with running(test_settings(), brief) as (app, port), aiohttp.ClientSession() as http:  # type: ignore[arg-type]
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/media")
        await ws.send_str(json.dumps(META))
        first = await asyncio.wait_for(ws.receive(), 3.0)
        closing = await asyncio.wait_for(ws.receive(), 3.0)
        assert first.type == aiohttp.WSMsgType.BINARY and closing.type == aiohttp.WSMsgType.CLOSE
        await asyncio.sleep(0.1)
        assert (await (await http.get(f"http://127.0.0.1:{port}/healthz")).json())["calls"] == 0
