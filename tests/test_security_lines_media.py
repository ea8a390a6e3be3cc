"""Issue 12, WebSocket/AudioSocket/Twilio lines: concurrent admission across the lines, Twilio's start deadline."""

from __future__ import annotations

import asyncio
import json
import time
import uuid

import aiohttp

from tests.telephony_helpers import ScriptedBot, running, test_settings
from tests.test_twilio import CONNECTED, START
from voicebot.lines.audiosocket import HANGUP, UUID, pack
from voicebot.server import AUDIOSOCKET, REGISTRY

META = json.dumps({"sampleRate": 8000, "callId": "c1", "token": "test-token"})


async def _websocket(port: int, path: str, first: list[str]) -> bool:
    """Connect, send ``first``; return whether the call was admitted (not closed within a second)."""
    async with aiohttp.ClientSession() as http, http.ws_connect(f"http://127.0.0.1:{port}{path}") as ws:
        for text in first:
            await ws.send_str(text)
        try:
            message = await asyncio.wait_for(ws.receive(), 1.0)
        except TimeoutError:
            await asyncio.sleep(1.0)  # hold the place while the others are refused
            return True
        assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1013, message
        return False


async def _audiosocket(port: int) -> bool:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(pack(UUID, uuid.uuid4().bytes))
    try:
        header = await asyncio.wait_for(reader.readexactly(3), 1.0)
    except TimeoutError:
        await asyncio.sleep(1.0)
        return True
    finally:
        writer.close()
    assert header[0] == HANGUP
    return False


async def test_concurrent_connects_on_every_line_admit_exactly_max_calls() -> None:
    bot = ScriptedBot()
    async with running(test_settings(max_calls=3), bot) as (app, port):
        attempts = [_websocket(port, "/media", [META]) for _ in range(4)]
        attempts += [_websocket(port, "/twilio", [CONNECTED, START]) for _ in range(4)]
        attempts += [_audiosocket(app[AUDIOSOCKET].port) for _ in range(4)]
        admitted = await asyncio.gather(*attempts)
        assert sum(admitted) == 3, admitted
        for _ in range(50):
            if app[REGISTRY].in_use == 0:
                break
            await asyncio.sleep(0.05)
        assert app[REGISTRY].in_use == 0 and app[REGISTRY].reserved == set()
    assert len(bot.records) == 3


async def test_twilio_peer_repeating_connected_is_closed_at_the_start_deadline() -> None:
    # The finding: each ``connected`` restarted a 10 s wait, so a peer without the token held a socket for 72 s+.
    async with running(test_settings(twilio_start_timeout_s=1.0), ScriptedBot()) as (_, port):
        async with aiohttp.ClientSession() as http, http.ws_connect(f"http://127.0.0.1:{port}/twilio") as ws:
            opened = time.monotonic()

            async def chatter() -> None:
                while not ws.closed:
                    await ws.send_str(CONNECTED)
                    await asyncio.sleep(0.2)

            sender = asyncio.create_task(chatter())
            message = await asyncio.wait_for(ws.receive(), 5.0)
            waited = time.monotonic() - opened
            sender.cancel()
            await asyncio.gather(sender, return_exceptions=True)
    assert message.type == aiohttp.WSMsgType.CLOSE and message.data == 1002
    assert 0.9 < waited < 2.0, waited
