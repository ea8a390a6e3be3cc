"""Asterisk AudioSocket: byte-exact frames from the protocol description, auth, malformed input, stuck peers."""

from __future__ import annotations

import asyncio
import uuid

import aiohttp
import numpy as np

from tests.telephony_helpers import ScriptedBot, running, speech_frames, test_settings, tone
from voicebot.audio import AudioFrame, rms_dbfs, silence
from voicebot.events import CallRecord, DtmfReceived
from voicebot.lines.audiosocket import pack
from voicebot.lines.line import Line
from voicebot.server import AUDIOSOCKET

CALL_UUID = uuid.UUID("0f5b3a8e-6c1d-4e2a-9b7f-1234567890ab")

# Messages as the AudioSocket protocol describes them: type, 2-byte big-endian length, payload.
UUID_MESSAGE = bytes.fromhex("010010") + CALL_UUID.bytes
DTMF_5 = bytes.fromhex("03000135")
HANGUP = bytes.fromhex("000000")


def audio_message(pcm: bytes) -> bytes:
    return b"\x10" + len(pcm).to_bytes(2, "big") + pcm


def test_pack_is_byte_exact() -> None:
    assert pack(0x01, CALL_UUID.bytes) == UUID_MESSAGE
    assert pack(0x03, b"5") == DTMF_5
    assert pack(0x00) == HANGUP
    assert pack(0x10, b"\x01\x00" * 160)[:3] == bytes.fromhex("100140")


async def read_message(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    header = await asyncio.wait_for(reader.readexactly(3), 3.0)
    return header[0], await reader.readexactly(int.from_bytes(header[1:], "big"))


async def register(port: int, token: str) -> int:
    async with aiohttp.ClientSession() as http:
        body = {"uuid": str(CALL_UUID), "from": "13800138000", "to": "12345"}
        response = await http.post(f"http://127.0.0.1:{port}/api/audiosocket/calls", json=body,
                                   headers={"Authorization": f"Bearer {token}"})
        return response.status


async def test_call_with_registration_speech_reply_dtmf_and_hangup() -> None:
    bot = ScriptedBot(reply_ms=400)
    async with running(test_settings(audiosocket_require_registration=True), bot) as (app, http_port):
        assert await register(http_port, "wrong") == 401
        assert await register(http_port, "test-token") == 200
        reader, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        writer.write(UUID_MESSAGE)
        for frame in speech_frames()[:100] + [silence(8000)] * 30:
            writer.write(audio_message(frame.pcm))
        writer.write(DTMF_5)
        await writer.drain()
        reply = b""
        while len(reply) < 20 * 320:
            kind, payload = await read_message(reader)
            assert kind == 0x10 and len(payload) == 320
            reply += payload
        assert rms_dbfs(reply) > -20
        writer.write(HANGUP)
        await writer.drain()
        kind, _ = await read_message(reader)
        while kind == 0x10:  # the rest of the reply, then our hang-up is answered with one
            kind, _ = await read_message(reader)
        assert kind == 0x00
        writer.close()
    record = bot.records[0]
    assert record.info == {"protocol": "audiosocket", "calling": "13800138000", "called": "12345",
                           "protocol_call_id": str(CALL_UUID)}
    assert [e.digit for e in record.of(DtmfReceived)] == ["5"]


async def test_refused_peer_and_unregistered_uuid_get_a_hangup() -> None:
    bot = ScriptedBot()
    async with running(test_settings(audiosocket_peers="10.0.0.0/8"), bot) as (app, _):
        reader, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        assert await asyncio.wait_for(reader.read(), 3.0) == HANGUP
        writer.close()
    async with running(test_settings(audiosocket_require_registration=True), bot) as (app, _):
        reader, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        writer.write(UUID_MESSAGE)
        assert await asyncio.wait_for(reader.read(), 3.0) == HANGUP
        writer.close()
    assert bot.records == []


async def test_malformed_input_ends_only_that_call() -> None:
    bot = ScriptedBot(reply_ms=200)
    async with running(test_settings(), bot) as (app, _):
        port = app[AUDIOSOCKET].port
        good_reader, good = await asyncio.open_connection("127.0.0.1", port)
        good.write(UUID_MESSAGE)
        cases = [
            UUID_MESSAGE + bytes.fromhex("100140") + b"\x00" * 100,  # truncated audio, then the peer closes
            UUID_MESSAGE + bytes.fromhex("10ffff"),  # oversize length
            UUID_MESSAGE + bytes.fromhex("100003") + b"\x00" * 3 + bytes.fromhex("100140"),  # odd, then truncated
            audio_message(b"\x00" * 320),  # no UUID first: refused before any session
        ]
        for case in cases:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(case)
            await writer.drain()
            writer.close()
        await asyncio.sleep(0.3)
        for frame in speech_frames()[:100] + [silence(8000)] * 30:
            good.write(audio_message(frame.pcm))
        kind, payload = await read_message(good_reader)
        assert kind == 0x10 and rms_dbfs(payload) > -20  # the good call still gets its reply
        good.write(HANGUP)
        good.close()
        await asyncio.sleep(0.2)
    assert len(bot.records) == 4  # three broken calls (ended cleanly) and the good one


async def test_peer_that_stops_reading_is_cut_off() -> None:
    sent: list[int] = []

    async def blaster(line: Line) -> CallRecord:
        frame = AudioFrame(tone(8000, 20), 8000)
        count = 0
        while getattr(line, "closed", False) is False and count < 200_000:
            await line.send(frame)
            count += 1
            if count % 50 == 0:
                await asyncio.sleep(0)
        sent.append(count)
        return CallRecord(line.info.call_id)

    async with running(test_settings(), blaster) as (app, _):  # type: ignore[arg-type]
        _, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        writer.write(UUID_MESSAGE)
        await writer.drain()
        for _ in range(100):
            if sent:
                break
            await asyncio.sleep(0.05)
        writer.close()
    assert sent and sent[0] < 200_000  # stopped by the unsent-bytes bound, not by the loop limit
    assert np.isfinite(sent[0])


async def test_registration_as_asterisk_curl_posts_it() -> None:
    bot = ScriptedBot()
    async with running(test_settings(audiosocket_require_registration=True), bot) as (app, http_port):
        async with aiohttp.ClientSession() as http:
            response = await http.post(f"http://127.0.0.1:{http_port}/api/audiosocket/calls",
                                       data=f"uuid={CALL_UUID}&from=13800138000&to=12345",
                                       headers={"Authorization": "Bearer test-token",
                                                "Content-Type": "application/x-www-form-urlencoded"})
            assert response.status == 200 and (await response.json()) == {"uuid": str(CALL_UUID)}
            bad = await http.post(f"http://127.0.0.1:{http_port}/api/audiosocket/calls", data="from=1",
                                  headers={"Authorization": "Bearer test-token"})
            assert bad.status == 400
        reader, writer = await asyncio.open_connection("127.0.0.1", app[AUDIOSOCKET].port)
        writer.write(UUID_MESSAGE + HANGUP)
        await writer.drain()
        await asyncio.wait_for(reader.read(), 3.0)
        writer.close()
        await asyncio.sleep(0.1)
    assert bot.records[0].info["calling"] == "13800138000"
