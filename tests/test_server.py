"""The aiohttp app: health, the call limit across protocols, crash isolation, serve options."""

from __future__ import annotations

import argparse
import asyncio
import json

import aiohttp

from tests.telephony_helpers import ScriptedBot, running, test_settings
from tests.test_sip_server import Uac, udp
from voicebot.audio import AudioFrame
from voicebot.commands.serve_cmd import apply_overrides
from voicebot.events import CallRecord
from voicebot.lines.common import InboundQueue
from voicebot.lines.line import Dtmf, Line
from voicebot.server import SIP
from voicebot.settings import Settings

META = json.dumps({"sampleRate": 8000, "callId": "c1", "token": "test-token"})


async def test_health_reports_calls() -> None:
    async with running(test_settings(), ScriptedBot()) as (_, port), aiohttp.ClientSession() as http:
        ws = await http.ws_connect(f"http://127.0.0.1:{port}/media")
        await ws.send_str(META)
        await asyncio.sleep(0.1)
        health = await (await http.get(f"http://127.0.0.1:{port}/healthz")).json()
        assert health == {"status": "ok", "calls": 1, "completed": 0}
        await ws.close()
        await asyncio.sleep(0.1)
        health = await (await http.get(f"http://127.0.0.1:{port}/healthz")).json()
        assert health == {"status": "ok", "calls": 0, "completed": 1}


async def test_call_limit_applies_to_every_protocol() -> None:
    bot = ScriptedBot()
    async with running(test_settings(max_calls=1), bot) as (app, port), aiohttp.ClientSession() as http:
        first = await http.ws_connect(f"http://127.0.0.1:{port}/media")
        await first.send_str(META)
        await asyncio.sleep(0.1)
        second = await http.ws_connect(f"http://127.0.0.1:{port}/media")
        await second.send_str(META)
        refused = await asyncio.wait_for(second.receive(), 3.0)
        assert refused.type == aiohttp.WSMsgType.CLOSE and refused.data == 1013
        uac = Uac(await udp(), await udp(), app[SIP].port, "over-limit@test")
        uac.invite()
        assert (await uac.expect(503)).status == 503
        await first.close()
    assert len(bot.records) == 1


async def test_a_crashing_session_ends_only_its_call() -> None:
    calls: list[str] = []

    async def flaky(line: Line) -> CallRecord:
        calls.append(line.info.call_id)
        if len(calls) == 1:
            raise RuntimeError("session bug")
        while await line.recv() is not None:
            pass
        return CallRecord(line.info.call_id, outcome="resolved")

    async with running(test_settings(), flaky) as (app, _):  # type: ignore[arg-type]
        crashing = Uac(await udp(), await udp(), app[SIP].port, "crash@test")
        crashing.invite()
        await crashing.answered()
        bye = await crashing.expect("BYE")  # the crashed call is hung up cleanly
        crashing.reply(bye, 200)
        healthy = Uac(await udp(), await udp(), app[SIP].port, "healthy@test")
        healthy.invite()
        await healthy.answered()
        healthy.send("BYE", cseq=2, to_tag=healthy.to_tag)
        assert (await healthy.expect(200)).cseq == (2, "BYE")
    assert len(calls) == 2


def test_serve_options_override_settings() -> None:
    args = argparse.Namespace(host="0.0.0.0", port=9000, sip_port=-1, audiosocket_port=None)
    settings = apply_overrides(Settings(), args)
    assert (settings.server.host, settings.server.port, settings.server.sip_port) == ("0.0.0.0", 9000, -1)
    assert settings.server.audiosocket_port == Settings().server.audiosocket_port


async def test_sip_and_audiosocket_can_be_switched_off() -> None:
    async with running(test_settings(sip_port=-1, audiosocket_port=-1), ScriptedBot()) as (app, port):
        assert SIP not in app
        async with aiohttp.ClientSession() as http:
            assert (await http.get(f"http://127.0.0.1:{port}/healthz")).status == 200


async def test_inbound_queue_drops_oldest_audio_when_the_session_lags_but_keeps_digits() -> None:
    queue = InboundQueue("lag", limit=3, flood_per_s=1000)
    frames = [AudioFrame(bytes([i]) * 320, 8000, i * 20) for i in range(5)]
    assert queue.put(frames[0]) and queue.put(Dtmf("5")) and queue.put(frames[1])
    for frame in frames[2:]:
        assert queue.put(frame)  # the session lags: the oldest audio goes, the call stays up
    queue.close()
    got = [await queue.get() for _ in range(5)]
    assert got == [Dtmf("5"), frames[3], frames[4], None, None]  # three items fit: the digit and the newest
    assert queue.dropped == 3 and not queue.flooded


async def test_inbound_queue_ends_a_flood() -> None:
    queue = InboundQueue("flood", flood_per_s=250)
    frame = AudioFrame(b"\x00" * 320, 8000)
    results = [queue.put(frame) for _ in range(300)]
    assert results.index(False) == 249 and queue.flooded and queue.closed
