"""One noisy-line fixture through the real listener while a bot talks: did it stop the bot, and when.

The listener (``voicebot.call.listener.Listener``) runs as in a call, with the real VAD and recogniser it is given;
around it, a line that plays the fixture frame by frame (an optional key press at a given moment), a clock that
reads the line's audio position (so every time below is on the caller's audio timeline, not the machine's), and
a bot voice that talks from the first frame until the listener stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from asr.base import Recognizer, Transcript, VoiceActivityDetector
from benchmarks.noisy_fixtures import Fixture
from voicebot.audio import FRAME_MS, AudioFrame, split_frames
from voicebot.call.call_context import CallContext
from voicebot.call.caller_input import CallerInput, Heard, Retracted
from voicebot.call.listener import Listener
from voicebot.events import CallRecord, UserStoppedSpeaking
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.settings import SessionSettings


class FixtureLine:
    """A line that delivers a fixture's frames (and a key at ``key_at_ms``), then hangs up."""

    def __init__(self, fixture: Fixture, key_at_ms: int | None = None) -> None:
        self.info = LineInfo(f"bench-{fixture.name}", "file", fixture.rate)
        self._frames = [f for f in split_frames(fixture.pcm, fixture.rate) if f.duration_ms == FRAME_MS]
        self._key_at_ms = key_at_ms
        self.position_ms = 0

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next frame (or the key, once its moment is reached)."""
        if self._key_at_ms is not None and self.position_ms >= self._key_at_ms:
            self._key_at_ms = None
            return Dtmf("5")
        index = self.position_ms // FRAME_MS
        if index >= len(self._frames):
            return None
        self.position_ms += FRAME_MS
        frame = self._frames[index]
        return AudioFrame(frame.pcm, frame.rate, index * FRAME_MS)

    async def send(self, frame: AudioFrame) -> None:
        """The bot's audio is not needed."""

    async def clear(self) -> None:
        """Nothing is held back."""

    async def transfer(self, target: str) -> bool:
        """No transfer."""
        return False

    async def hangup(self) -> None:
        """Nothing to close."""


class LineClock:
    """A ``Clock`` reading the line's audio position: the time of the frame being processed."""

    def __init__(self, line: FixtureLine) -> None:
        self._line = line

    def now_ms(self) -> float:
        """Return the start of the frame last delivered."""
        return float(max(0, self._line.position_ms - FRAME_MS))

    async def sleep_until(self, t_ms: float) -> None:
        """Never needed: the listener sleeps only in its media watchdog, which the benchmark turns off."""
        raise NotImplementedError("the barge-in benchmark runs the listener with media_timeout_s = 0")

    @contextlib.asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Nothing to hold."""
        yield

    def wall_now(self) -> datetime:
        """Return the wall clock."""
        return datetime.now(UTC)


@dataclass(slots=True)
class TalkingBot:
    """A ``BotVoice`` that talks from the start until it is interrupted."""

    clock: LineClock
    interruptible: bool = True
    stopped_at_ms: int | None = None
    ducked_ms: int = 0
    _ducked_since: int | None = None

    @property
    def speaking(self) -> bool:
        """Return True until stopped."""
        return self.stopped_at_ms is None

    @property
    def spoken_ms(self) -> int:
        """Return how long it has talked."""
        return int(self.clock.now_ms()) if self.speaking else 0

    def duck(self, on: bool) -> None:
        """Note how long it was turned down."""
        now = int(self.clock.now_ms())
        if on and self._ducked_since is None:
            self._ducked_since = now
        elif not on and self._ducked_since is not None:
            self.ducked_ms += now - self._ducked_since
            self._ducked_since = None

    async def interrupt(self) -> bool:
        """Stop talking; True the first time."""
        if not self.speaking:
            return False
        self.duck(False)
        self.stopped_at_ms = int(self.clock.now_ms()) + FRAME_MS  # the end of the frame that decided it
        return True

    async def line_closed(self) -> None:
        """The fixture ended."""
        self.duck(False)


@dataclass(slots=True)
class TimedStream:
    """Wraps a ``RecognizerStream`` to time its ``finish`` (the recogniser's share of the reply latency)."""

    inner: object
    finish_ms: list[float] = field(default_factory=list)

    async def accept(self, frame: AudioFrame) -> None:
        """Feed the frame on."""
        await self.inner.accept(frame)  # type: ignore[attr-defined]

    def partial(self) -> Transcript:
        """Return the inner partial."""
        return self.inner.partial()  # type: ignore[attr-defined, no-any-return]

    async def finish(self) -> Transcript:
        """Finish the utterance, timing it on the wall clock."""
        began = time.perf_counter()
        result: Transcript = await self.inner.finish()  # type: ignore[attr-defined]
        self.finish_ms.append((time.perf_counter() - began) * 1000)
        return result

    async def aclose(self) -> None:
        """Close the inner stream."""
        await self.inner.aclose()  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one fixture."""

    fixture: Fixture
    """The fixture played."""
    stopped_at_ms: int | None
    """When the bot was stopped (audio time), None if it talked on."""
    endpoint_ms: int | None
    """Where the listener put the end of the caller's first utterance after the onset (None: none ended)."""
    finish_ms: float | None
    """Wall time the recogniser took to finish that utterance."""
    heard: tuple[str, ...]
    """Texts posted to the conversation."""
    retracted: bool
    """A stop was retracted (the speech had no words): the bot would resume."""

    @property
    def stop_latency_ms(self) -> int | None:
        """Return onset-to-stop time (None when not stopped, or stopped by the noise before the onset)."""
        return None if self.stopped_at_ms is None or self.noise_stop else self.stopped_at_ms - self.fixture.onset_ms

    @property
    def noise_stop(self) -> bool:
        """Return True when the line noise stopped the bot before the event began."""
        return self.stopped_at_ms is not None and self.stopped_at_ms <= self.fixture.onset_ms

    @property
    def false_barge_in(self) -> bool:
        """Return True when the bot was stopped on a fixture with no interruption, or by the noise before one."""
        return self.stopped_at_ms is not None and (not self.fixture.interrupts or self.noise_stop)

    @property
    def missed(self) -> bool:
        """Return True when a real interruption did not stop the bot (a stop by the noise before it is no catch)."""
        return self.fixture.interrupts and (self.stopped_at_ms is None or self.noise_stop)


async def play(
    fixture: Fixture, recognizer: Recognizer, vad: VoiceActivityDetector, lang: str, settings: SessionSettings,
    interruptible: bool = True, key_at_ms: int | None = None,
) -> Outcome:
    """Play one fixture to the real listener while the bot talks; return what happened."""
    line = FixtureLine(fixture, key_at_ms)
    clock = LineClock(line)
    record = CallRecord(line.info.call_id)
    context = CallContext(line, lang, clock, record, settings)
    bot = TalkingBot(clock, interruptible)
    stream = TimedStream(recognizer.start_stream(line.info.call_id, fixture.rate))
    inbox: asyncio.Queue[CallerInput] = asyncio.Queue()
    try:
        await Listener(context, vad, stream, bot, inbox).run()  # type: ignore[arg-type]
    finally:
        await stream.aclose()
    items = [inbox.get_nowait() for _ in range(inbox.qsize())]
    ends = [e.at_ms for e in record.of(UserStoppedSpeaking) if e.at_ms > fixture.onset_ms]
    heard = tuple(i.text for i in items if isinstance(i, Heard))
    return Outcome(fixture, bot.stopped_at_ms, ends[0] if ends else None,
                   stream.finish_ms[0] if stream.finish_ms else None, heard,
                   any(isinstance(i, Retracted) for i in items))  # fmt: skip
