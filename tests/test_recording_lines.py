"""Twilio Media Streams and plain WebSocket calls are recorded too (both sides, at the line's rate)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp

from tests.calls_support import serving
from tests.recording_support import channels, file_mode, plan_in, sounds
from tests.telephony_helpers import tone
from tests.test_twilio import CONNECTED, START, STOP, STREAM, media
from tests.test_websocket_media import META
from voicebot.audio import frame_bytes


async def echo_marks(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Play what the bot sends and confirm each mark, as Twilio does."""
    async for message in ws:
        if message.type != aiohttp.WSMsgType.TEXT:
            continue
        event = json.loads(message.data)
        if event.get("event") == "mark":
            await ws.send_str(json.dumps({"event": "mark", "streamSid": STREAM, "mark": event["mark"]}))


async def test_twilio_call_is_recorded_with_both_sides(tmp_path: Path) -> None:
    async with serving(tmp_path, recording=plan_in(tmp_path / "rec")) as bot, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"http://127.0.0.1:{bot.http_port}/twilio")
        await ws.send_str(CONNECTED)
        await ws.send_str(START)
        player = asyncio.create_task(echo_marks(ws))
        audio = tone(8000, 1000, freq=1000.0) + bytes(16 * 1000)
        size = frame_bytes(8000)
        for index, offset in enumerate(range(0, len(audio), size)):
            await ws.send_str(media(index, audio[offset : offset + size]))
            await asyncio.sleep(0.02)
        await ws.send_str(STOP)
        await ws.close()
        await asyncio.wait([player])
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert ticket.channel == "twilio" and ticket.recording_ref is not None and not ticket.recording_missing
    assert file_mode(ticket.recording_ref) == 0o600
    rate, (left, right) = channels(Path(ticket.recording_ref))
    assert rate == 8000 and len(left) >= 8000 * 2 - 800
    assert sounds(left[: 8000 - 800], rate, 1000)  # the caller, from the first frame (mu-law both ways)
    assert sounds(right[160:2400], rate, 300)  # the recording notice, at once


async def test_websocket_call_is_recorded_at_16_khz(tmp_path: Path) -> None:
    async with serving(tmp_path, recording=plan_in(tmp_path / "rec")) as bot, aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"http://127.0.0.1:{bot.http_port}/media")
        await ws.send_str(json.dumps({**META, "callId": "ws-recorded"}))
        audio = tone(16000, 1000, freq=1000.0) + bytes(32 * 1000)
        size = frame_bytes(16000)
        for offset in range(0, len(audio), size):
            await ws.send_bytes(audio[offset : offset + size])
            await asyncio.sleep(0.02)
        await ws.send_str('{"type": "hangup"}')
        await ws.close()
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert ticket.channel == "websocket" and ticket.recording_ref is not None
    rate, (left, right) = channels(Path(ticket.recording_ref))
    assert rate == 16000 and len(left) >= 16000 * 2 - 1600
    assert sounds(left[: 16000 - 1600], rate, 1000) and sounds(right[320:4800], rate, 300)
