"""Twilio Media Streams: the documented JSON messages in, exact JSON out (media, mark, clear), auth, bad input."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import aiohttp

from tests.telephony_helpers import ScriptedBot, running, speech_frames, test_settings
from voicebot.audio import AudioFrame, rms_dbfs, silence, ulaw_decode, ulaw_encode
from voicebot.events import CallRecord, DtmfReceived
from voicebot.lines.line import Line
from voicebot.lines.twilio import TwilioLine

STREAM = "MZ18ad3ab5a668481ce02b83e7395059f0"
CALL = "CA42ed11f93dc08b952027ffbc406d0868"
ACCOUNT = "AC12345678901234567890123456789012"

# The documented messages (Twilio "Media Streams - WebSocket Messages"), with our custom parameters.
CONNECTED = '{"event": "connected", "protocol": "Call", "version": "1.0.0"}'
START = json.dumps({
    "event": "start", "sequenceNumber": "1",
    "start": {"accountSid": ACCOUNT, "streamSid": STREAM, "callSid": CALL, "tracks": ["inbound"],
              "mediaFormat": {"encoding": "audio/x-mulaw", "sampleRate": 8000, "channels": 1},
              "customParameters": {"token": "test-token", "from": "+8613800138000", "to": "12345", "lang": "zh-CN"}},
    "streamSid": STREAM,
})
DTMF_1 = json.dumps({"event": "dtmf", "streamSid": STREAM, "sequenceNumber": "5",
                     "dtmf": {"track": "inbound_track", "digit": "1"}})
MARK = json.dumps({"event": "mark", "sequenceNumber": "4", "streamSid": STREAM, "mark": {"name": "reply-1"}})
STOP = json.dumps({"event": "stop", "sequenceNumber": "5", "streamSid": STREAM,
                   "stop": {"accountSid": ACCOUNT, "callSid": CALL}})


def media(index: int, pcm: bytes) -> str:
    payload = base64.b64encode(ulaw_encode(pcm)).decode()
    return json.dumps({"event": "media", "sequenceNumber": str(index + 2), "streamSid": STREAM,
                       "media": {"track": "inbound", "chunk": str(index + 1), "timestamp": str(index * 20),
                                 "payload": payload}})


async def connect(port: int, path: str = "/twilio") -> tuple[aiohttp.ClientSession, aiohttp.ClientWebSocketResponse]:
    http = aiohttp.ClientSession()
    return http, await http.ws_connect(f"http://127.0.0.1:{port}{path}")


async def test_conversation_dtmf_mark_and_stop() -> None:
    bot = ScriptedBot(reply_ms=400)
    async with running(test_settings(), bot) as (_, port):
        http, ws = await connect(port)
        await ws.send_str(CONNECTED)
        await ws.send_str(START)
        for index, frame in enumerate(speech_frames()[:100] + [silence(8000)] * 30):
            await ws.send_str(media(index, frame.pcm))
        replies: list[dict[str, Any]] = []
        while len(replies) < 20:
            replies.append(json.loads((await asyncio.wait_for(ws.receive(), 3.0)).data))
        assert set(replies[0]) == {"event", "streamSid", "media"} and set(replies[0]["media"]) == {"payload"}
        assert all(r["event"] == "media" and r["streamSid"] == STREAM for r in replies)
        pcm = ulaw_decode(b"".join(base64.b64decode(r["media"]["payload"]) for r in replies))
        assert len(pcm) == 20 * 320 and rms_dbfs(pcm) > -20
        await ws.send_str(DTMF_1)
        await ws.send_str(MARK)
        await asyncio.sleep(0.1)
        line = bot.lines[0]
        assert isinstance(line, TwilioLine) and list(line.played_marks) == ["reply-1"]
        await ws.send_str(STOP)
        await asyncio.sleep(0.2)
        await ws.close()
        await http.close()
    record = bot.records[0]
    assert record.info == {"protocol": "twilio", "calling": "+8613800138000", "called": "12345",
                           "protocol_call_id": CALL}
    assert [e.digit for e in record.of(DtmfReceived)] == ["1"]
    assert line.info.extra == {"streamSid": STREAM, "lang": "zh-CN"}  # the token is not kept


async def test_bot_sends_exact_mark_and_clear_messages() -> None:
    async def prober(line: Line) -> CallRecord:
        assert isinstance(line, TwilioLine)
        for _ in range(5):
            await line.send(AudioFrame(b"\x00\x00" * 320, 16000))  # 16 kHz in, 8 kHz mu-law out
        await line.mark("reply-1")
        await line.clear()
        await line.recv()
        return CallRecord(line.info.call_id)

    async with running(test_settings(), prober) as (_, port):  # type: ignore[arg-type]
        http, ws = await connect(port)
        await ws.send_str(CONNECTED)
        await ws.send_str(START)
        texts: list[str] = []
        while not texts or '"clear"' not in texts[-1]:
            texts.append((await asyncio.wait_for(ws.receive(), 3.0)).data)
        await ws.send_str(STOP)
        await ws.close()
        await http.close()
    media_sent = [json.loads(text) for text in texts[:-2]]
    assert len(media_sent) == 5  # one 20 ms media event per frame, at once (no resampler backlog)
    assert all(len(base64.b64decode(m["media"]["payload"])) == 160 for m in media_sent)  # 20 ms mu-law each
    assert texts[-2] == '{"event":"mark","streamSid":"' + STREAM + '","mark":{"name":"reply-1"}}'
    assert texts[-1] == '{"event":"clear","streamSid":"' + STREAM + '"}'


async def test_bad_token_is_refused_with_policy_violation() -> None:
    bot = ScriptedBot()
    async with running(test_settings(), bot) as (_, port):
        http, ws = await connect(port)
        await ws.send_str(CONNECTED)
        await ws.send_str(START.replace("test-token", "guess"))
        message = await asyncio.wait_for(ws.receive(), 3.0)
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1008
        await http.close()
        http, ws = await connect(port, "/twilio?token=test-token")  # the URL token works too
        await ws.send_str(CONNECTED)
        await ws.send_str(START.replace('"token": "test-token", ', ""))
        await ws.send_str(STOP)
        await asyncio.wait_for(ws.receive(), 3.0)
        await http.close()
    assert len(bot.records) == 1


async def test_malformed_messages_are_dropped_then_the_call_ends() -> None:
    bot = ScriptedBot()
    async with running(test_settings(), bot) as (_, port):
        http, ws = await connect(port)
        await ws.send_str(CONNECTED)
        await ws.send_str(START)
        await ws.send_str('{"event": "media", "media": {"payload": "!!!not base64"}}')
        await ws.send_str("not json")
        await ws.send_str(DTMF_1)  # still alive after two bad messages
        for _ in range(20):
            await ws.send_str('{"event": "dtmf"}')
        message = await asyncio.wait_for(ws.receive(), 3.0)
        assert message.type == aiohttp.WSMsgType.CLOSE
        await http.close()
    assert [e.digit for e in bot.records[0].of(DtmfReceived)] == ["1"]
