"""Speaking: turn text into audio and play it on the line in real-time 20 ms frames, stoppable at once."""

from __future__ import annotations

import asyncio
import enum
import logging
from dataclasses import dataclass

import numpy as np

from tts.base import CachingSynthesizer, Synthesizer
from voicebot.audio import FRAME_MS, AudioFrame, Clip, split_frames
from voicebot.call.call_context import CallContext
from voicebot.call.resume import resume_text
from voicebot.errors import TtsError
from voicebot.events import BotAboutToSpeak, BotStartedSpeaking, BotStoppedSpeaking, ErrorOccurred
from voicebot.lines.line import played_out

log = logging.getLogger(__name__)


class SayEnd(enum.Enum):
    """How an utterance ended."""

    FINISHED = "finished"
    """It played to the end."""
    INTERRUPTED = "interrupted"
    """The caller barged in (voice or key) and the bot stopped."""
    HUNG_UP = "hung_up"
    """The caller hung up before or while it played."""
    FAILED = "failed"
    """It could not be synthesised: the caller heard nothing."""


@dataclass(frozen=True, slots=True)
class SayResult:
    """What became of one ``Speaker.say``."""

    end: SayEnd
    """How it ended."""
    error: TtsError | None = None
    """The synthesis failure, when ``end`` is ``FAILED``."""
    rest: str = ""
    """When ``INTERRUPTED``: the text from the start of the sentence that was cut (what to replay if the
    interruption turns out to be nothing)."""

    @property
    def finished(self) -> bool:
        """Return True if the utterance played to the end."""
        return self.end is SayEnd.FINISHED


FINISHED = SayResult(SayEnd.FINISHED)
HUNG_UP = SayResult(SayEnd.HUNG_UP)


DUCK_GAIN = 0.35
"""Bot volume while ducked (about -9 dB): the caller may be starting to talk."""


def scaled(frame: AudioFrame, gain: float) -> AudioFrame:
    """Return ``frame`` with its samples multiplied by ``gain``."""
    samples = np.frombuffer(frame.pcm, dtype="<i2").astype(np.float32) * gain
    return AudioFrame(samples.astype("<i2").tobytes(), frame.rate, frame.timestamp_ms)


class Speaker:
    """Plays bot utterances for one call; ``interrupt()`` stops the current one within a frame.

    ``duck()`` turns the utterance playing down (and back up) while the listener decides whether the caller's
    sound is a barge-in; an utterance said with ``interruptible=False`` tells the listener not to cut it.
    """

    def __init__(self, context: CallContext, synth: Synthesizer) -> None:
        self._line = context.line
        self._clock = context.clock
        self._record = context.record
        self._lang = context.lang
        self._turn = context.turn
        self._recorder = context.recorder
        self._synth = synth
        self._play_task: asyncio.Task[int] | None = None
        self._started_ms = 0.0
        self._frames_sent = 0
        self._line_closed = False
        self._stop_requested = False
        self._interruptible = True
        self._ducked = False

    async def line_closed(self) -> None:
        """The caller hung up: stop now and make every later ``say`` return at once."""
        self._line_closed = True
        self._stop_requested = True
        if self._play_task is not None and not self._play_task.done():
            self._play_task.cancel()  # nothing to flush: the line is gone

    @property
    def speaking(self) -> bool:
        """Return True while an utterance is playing."""
        return self._play_task is not None and not self._play_task.done()

    @property
    def spoken_ms(self) -> int:
        """Return how long the current utterance has played."""
        return self._frames_sent * FRAME_MS if self.speaking else 0

    @property
    def interruptible(self) -> bool:
        """Return False while an utterance that must play to the end is playing (a read-back, a legal notice)."""
        return self._interruptible or not self.speaking

    def duck(self, on: bool) -> None:
        """Turn the current utterance down (``on``) or back to full volume, from the next frame."""
        self._ducked = on

    async def say(self, text: str, interruptible: bool = True) -> SayResult:
        """Speak ``text``; return whether it played to the end, was interrupted, met a hang-up or failed.

        ``interruptible=False``: caller speech does not cut it (the listener asks); a key press still does.
        """
        if self._line_closed:
            return HUNG_UP
        cached = isinstance(self._synth, CachingSynthesizer) and self._synth.is_cached(text, self._lang)
        try:
            clip = await self._synth.synthesize(text, self._lang, self._line.info.rate)
        except TtsError as err:
            log.error("call %s: cannot speak: %s", self._record.call_id, err)
            await self._record.emit(ErrorOccurred(int(self._clock.now_ms()), err.code, err.message))
            return SayResult(SayEnd.FAILED, err)
        await self._record.emit(BotAboutToSpeak(int(self._clock.now_ms()), text=text))  # the softphone shows it
        self._frames_sent = 0
        self._stop_requested = False
        self._interruptible, self._ducked = interruptible, False
        self._play_task = asyncio.create_task(self._play(clip, text, cached))
        try:
            await asyncio.wait([self._play_task])
        finally:
            if not self._play_task.done():  # our own caller was cancelled (hang-up): stop the audio too
                self._play_task.cancel()
        interrupted = self._play_task.cancelled()
        if not interrupted and self._play_task.exception() is not None:
            raise self._play_task.exception()  # type: ignore[misc]
        await self._record.emit(BotStoppedSpeaking(int(self._clock.now_ms()), interrupted=interrupted))
        self._ducked = False
        if not interrupted:
            return FINISHED
        if self._line_closed:
            return HUNG_UP
        total_ms = len(clip.pcm) // 2 * 1000 // clip.rate
        return SayResult(SayEnd.INTERRUPTED, rest=resume_text(text, self._frames_sent * FRAME_MS, total_ms))

    async def interrupt(self) -> bool:
        """Stop the current utterance and flush audio queued on the far side; True if one was playing."""
        task = self._play_task
        if task is None or task.done():
            return False
        self._stop_requested = True  # checked every frame as well: a cancel can be lost inside a line's send
        task.cancel()
        await self._line.clear()
        return True

    async def _play(self, clip: Clip, text: str, cached: bool) -> int:
        start = self._clock.now_ms()
        for index, frame in enumerate(split_frames(clip.pcm, clip.rate, int(start))):
            # Schedule each frame on an absolute grid so pacing does not drift with processing time.
            await self._clock.sleep_until(start + index * FRAME_MS)
            if self._stop_requested:
                raise asyncio.CancelledError  # the interrupt's cancel was swallowed by the line: stop anyway
            await self._line.send(scaled(frame, DUCK_GAIN) if self._ducked else frame)
            if self._recorder is not None:
                self._recorder.bot(frame, self._turn.number_capture)
            if index == 0:
                await self._record.emit(BotStartedSpeaking(int(self._clock.now_ms()), text=text, cached=cached))
            self._frames_sent = index + 1
        await self._clock.sleep_until(start + self._frames_sent * FRAME_MS)
        await played_out(self._line)  # Twilio: finished only once it echoes the mark sent after the last frame
        return self._frames_sent
