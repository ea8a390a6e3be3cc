"""Issue 12, WebSocket/AudioSocket/Twilio lines: concurrent admission, Twilio's start deadline and its marks.

The Twilio peer here is written from Twilio's "Media Streams - WebSocket Messages" page: it plays the bot's
``media`` in real time behind a jitter buffer, echoes each ``mark`` once the audio sent before it has played,
and on ``clear`` drops its buffer and echoes every mark still pending at once.
"""

from __future__ import annotations

import asyncio
import base64
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import aiohttp

from tests.fakes import ToneSynth
from tests.telephony_helpers import ScriptedBot, running, test_settings
from tests.test_twilio import CONNECTED, START, STOP, STREAM
from voicebot.call.call_context import CallContext
from voicebot.call.playback import Speaker
from voicebot.events import BotStoppedSpeaking, CallRecord
from voicebot.lines.audiosocket import HANGUP, UUID, pack
from voicebot.lines.line import Line, PlayoutLine
from voicebot.runtime.clock import RealClock
from voicebot.server import AUDIOSOCKET, REGISTRY
from voicebot.settings import SessionSettings

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
    assert 0.9 < waited < 3.0, waited  # the deadline, not the peer, decides


@dataclass
class FakeTwilio:
    """The Twilio side of a bidirectional Media Stream, as documented."""

    ws: aiohttp.ClientWebSocketResponse
    jitter_s: float = 0.3
    """How long Twilio holds audio before playing it (network plus jitter buffer)."""
    hold_first: bool = False
    """Echo the first mark only on ``clear`` (its audio is still playing when the caller barges in)."""
    sent: list[dict[str, Any]] = field(default_factory=list)
    echoed: dict[str, float] = field(default_factory=dict)
    """Mark name -> when it was echoed."""
    cleared_at: list[float] = field(default_factory=list)
    marks: asyncio.Queue[str] = field(default_factory=asyncio.Queue)
    _play_end: float = 0.0
    _pending: dict[str, asyncio.TimerHandle] = field(default_factory=dict)
    _sending: set[asyncio.Task[None]] = field(default_factory=set)

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        async for msg in self.ws:
            message = json.loads(msg.data)
            self.sent.append(message)
            now = loop.time()
            if message["event"] == "media":
                samples = len(base64.b64decode(message["media"]["payload"]))
                self._play_end = max(self._play_end, now + self.jitter_s) + samples / 8000
            elif message["event"] == "mark":
                name = message["mark"]["name"]
                held = self.hold_first and self.marks.empty() and not self.echoed
                self.marks.put_nowait(name)
                self._pending[name] = loop.call_at(now + 3600 if held else max(now, self._play_end), self._echo, name)
            elif message["event"] == "clear":
                self.cleared_at.append(now)
                self._play_end = now
                for name, handle in list(self._pending.items()):
                    handle.cancel()
                    self._echo(name)  # Twilio sends back the marks of the audio it dropped

    def _echo(self, name: str) -> None:
        self._pending.pop(name, None)
        self.echoed[name] = asyncio.get_running_loop().time()
        body = {"event": "mark", "sequenceNumber": str(len(self.echoed) + 2), "streamSid": STREAM,
                "mark": {"name": name}}
        task = asyncio.get_running_loop().create_task(self.ws.send_str(json.dumps(body)))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)


async def _twilio_call(session: SpeakingSession) -> FakeTwilio:
    async with running(test_settings(), session) as (_, port):  # type: ignore[arg-type]
        async with aiohttp.ClientSession() as http, http.ws_connect(f"http://127.0.0.1:{port}/twilio") as ws:
            twilio = session.twilio = FakeTwilio(ws, hold_first=session.barge_in)
            runner = asyncio.create_task(twilio.run())
            await ws.send_str(CONNECTED)
            await ws.send_str(START)
            await asyncio.wait_for(session.done.wait(), 10.0)
            await ws.send_str(STOP)
            await asyncio.wait_for(runner, 5.0)
    return twilio


class SpeakingSession:
    """A session that speaks through the real ``Speaker`` and notes when each ``say`` returned."""

    def __init__(self, barge_in: bool) -> None:
        self.barge_in = barge_in
        self.done = asyncio.Event()
        self.twilio: FakeTwilio | None = None
        self.results: list[tuple[bool, float]] = []
        self.record = CallRecord("twilio-test")

    async def __call__(self, line: Line) -> CallRecord:
        assert isinstance(line, PlayoutLine)
        context = CallContext(line, "en-US", RealClock(), self.record, SessionSettings())
        speaker = Speaker(context, ToneSynth(ms_per_char=20))
        loop = asyncio.get_running_loop()
        if self.barge_in:
            first = asyncio.create_task(speaker.say("x" * 20))  # 400 ms of audio
            assert self.twilio is not None
            await asyncio.wait_for(self.twilio.marks.get(), 5.0)  # its audio is out, Twilio still plays it
            assert speaker.speaking  # so the caller talking now is a barge-in
            await speaker.interrupt()
            self.results.append(((await first).finished, loop.time()))
        self.results.append(((await speaker.say("y" * 20)).finished, loop.time()))
        self.done.set()
        await line.recv()
        return self.record


async def test_twilio_playback_finishes_when_twilio_echoes_the_mark() -> None:
    session = SpeakingSession(barge_in=False)
    twilio = await _twilio_call(session)
    events = [m["event"] for m in twilio.sent]
    assert events == ["media"] * 20 + ["mark"]  # one mark, after the utterance's last media
    name = twilio.sent[-1]["mark"]["name"]
    [(finished, returned_at)] = session.results
    assert finished and returned_at >= twilio.echoed[name]  # not before Twilio had played it
    assert returned_at - twilio.echoed[name] < 0.5  # and soon after (generous: CI shares 2 cores)
    [stopped] = session.record.of(BotStoppedSpeaking)
    assert not stopped.interrupted


async def test_clear_on_barge_in_discards_pending_marks() -> None:
    session = SpeakingSession(barge_in=True)
    twilio = await _twilio_call(session)
    events = [m["event"] for m in twilio.sent]
    assert events == ["media"] * 20 + ["mark", "clear"] + ["media"] * 20 + ["mark"]
    first, second = twilio.sent[20]["mark"]["name"], twilio.sent[-1]["mark"]["name"]
    assert first != second
    (interrupted, first_at), (finished, second_at) = session.results
    assert not interrupted and first_at - twilio.cleared_at[0] < 0.5  # the barge-in ends the utterance at once
    # Twilio echoed the dropped mark after the clear; it must not count as the second utterance played.
    assert twilio.echoed[first] < twilio.echoed[second] <= second_at
    assert finished
    assert [e.interrupted for e in session.record.of(BotStoppedSpeaking)] == [True, False]
