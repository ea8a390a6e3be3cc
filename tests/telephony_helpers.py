"""Shared by the telephony tests: a scripted fake session, a server runner, settings, audio fixtures."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import struct
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import numpy as np
from aiohttp import web

from voicebot.audio import AudioFrame, read_wav, rms_dbfs, split_frames, ulaw_encode
from voicebot.events import (
    BargeIn,
    BotStartedSpeaking,
    BotStoppedSpeaking,
    CallEnded,
    CallRecord,
    CallStarted,
    DtmfReceived,
    HandoffRequested,
    UserStoppedSpeaking,
)
from voicebot.lines.line import Dtmf, Line
from voicebot.server import create_app
from voicebot.settings import ServerSettings, Settings

SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
"""The shared real recordings."""
SPEECH_DBFS = -45.0
"""Frames louder than this count as speech (G.711 idle noise is far below)."""


def tone(rate: int, ms: int, freq: float = 440.0, level: float = 0.3) -> bytes:
    """Return a sine tone as 16-bit PCM."""
    t = np.arange(rate * ms // 1000) / rate
    return (np.sin(2 * math.pi * freq * t) * level * 32767).astype("<i2").tobytes()


class ScriptedBot:
    """A fake session: answers each caller utterance with a tone, DTMF 0 asks for a person."""

    def __init__(self, reply_ms: int = 600, silence_ms: int = 400, agent: str = "sip:agent@127.0.0.1",
                 barge_in: bool = False) -> None:
        self.reply_ms = reply_ms
        self.barge_in = barge_in
        self.silence_ms = silence_ms
        self.agent = agent
        self.records: list[CallRecord] = []
        self.lines: list[Line] = []
        self.transfers: list[bool] = []
        self.received_frames: dict[str, int] = {}
        self.loud_frames: dict[str, int] = {}

    async def __call__(self, line: Line) -> CallRecord:
        """Run one call."""
        self.lines.append(line)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        now = lambda: int((loop.time() - t0) * 1000)  # noqa: E731
        info = line.info
        details = {"protocol": info.protocol, "calling": info.calling_number, "called": info.called_number,
                   "protocol_call_id": info.protocol_call_id}
        record = CallRecord(info.call_id, info=details)
        record.events.append(CallStarted(0, info.protocol))
        speech_ms = quiet_ms = 0
        speaking: asyncio.Task[None] | None = None
        self.received_frames[info.call_id] = 0
        self.loud_frames[info.call_id] = 0
        reason = "caller-hangup"
        try:
            while (item := await line.recv()) is not None:
                if isinstance(item, Dtmf):
                    record.events.append(DtmfReceived(now(), item.digit))
                    if item.digit == "0":
                        record.events.append(HandoffRequested(now(), "dtmf-0"))
                        self.transfers.append(await line.transfer(self.agent))
                        reason = "handoff"
                        break
                    continue
                self.received_frames[info.call_id] += 1
                if rms_dbfs(item.pcm) > SPEECH_DBFS:
                    self.loud_frames[info.call_id] += 1
                    speech_ms, quiet_ms = speech_ms + 20, 0
                    if self.barge_in and speech_ms >= 200 and speaking is not None and not speaking.done():
                        speaking.cancel()  # the caller talks over the bot: stop at once and flush
                        await line.clear()
                        record.events.append(BargeIn(now()))
                    continue
                quiet_ms += 20
                if speech_ms >= 200 and quiet_ms >= self.silence_ms and (speaking is None or speaking.done()):
                    record.events.append(UserStoppedSpeaking(now() - quiet_ms))
                    speech_ms = 0
                    speaking = asyncio.create_task(self._speak(line, record, now))
        finally:
            if speaking is not None:
                speaking.cancel()
        record.events.append(CallEnded(now(), reason))
        record.outcome = "handoff" if reason == "handoff" else "resolved"
        self.records.append(record)
        return record

    async def _speak(self, line: Line, record: CallRecord, now: object) -> None:
        assert callable(now)
        rate = line.info.rate
        notify = getattr(line, "notify", None)
        if notify is not None:
            await notify({"type": "transcript", "text": "(caller speech)"})
            await notify({"type": "bot", "text": "beep"})
        record.events.append(BotStartedSpeaking(now(), "beep"))
        loop = asyncio.get_running_loop()
        start = loop.time()
        for index, frame in enumerate(split_frames(tone(rate, self.reply_ms), rate)):
            await line.send(frame)
            await asyncio.sleep(max(0.0, start + (index + 1) * 0.02 - loop.time()))
        record.events.append(BotStoppedSpeaking(now()))


def test_settings(**server: object) -> Settings:
    """Return settings with ephemeral ports and a known token."""
    base = dict(host="127.0.0.1", port=0, sip_port=0, audiosocket_port=0, media_token="test-token",
                shutdown_grace_s=2.0)
    base.update(server)
    return dataclasses.replace(Settings(), server=ServerSettings(**base))  # type: ignore[arg-type]


test_settings.__test__ = False  # type: ignore[attr-defined]  # not a test despite the name


@asynccontextmanager
async def running(settings: Settings, bot: ScriptedBot) -> AsyncIterator[tuple[web.Application, int]]:
    """Run the app on an ephemeral HTTP port; yield it and the port."""
    app = create_app(settings, bot)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = int(runner.addresses[0][1])
    try:
        yield app, port
    finally:
        await runner.cleanup()


def speech_frames(name: str = "en/rhasspy3_turn_on_the_lamp.wav", rate: int = 8000) -> list[AudioFrame]:
    """Return a real recording as 20 ms frames."""
    clip = read_wav(SPEECH / name, rate)
    return list(split_frames(clip.pcm, rate))


def ulaw_wav(pcm: bytes, rate: int = 8000) -> bytes:
    """Return a G.711 mu-law WAV file (format tag 7), as SIPp's ``rtp_stream`` wants."""
    data = ulaw_encode(pcm)
    fmt = struct.pack("<HHIIHH", 7, 1, rate, rate, 1, 8)
    riff = struct.pack("<I", 4 + 8 + len(fmt) + 8 + len(data))
    return b"RIFF" + riff + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack(
        "<I", len(data)) + data
