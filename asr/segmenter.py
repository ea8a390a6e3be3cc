"""A pure, clock-free endpoint segmenter: per-frame VAD decisions in, utterance events out.

The segmenter never reads a clock: call time advances by the ``frame_ms`` of every
frame it is given, so the same frame script always gives the same events.

How a call uses it, per 20 ms frame of caller audio::

    event = segmenter.process(20, vad.is_speech(frame))
    if isinstance(event, Started):      # feed the onset first, then the frame itself
        for old in pre_roll.drain(): await stream.accept(old)
    if segmenter.in_speech or isinstance(event, Ended): await stream.accept(frame)
    else: pre_roll.push(frame)          # keep the last few hundred ms while waiting
    if isinstance(event, Ended): transcript = await stream.finish()

The frames of the speech run that triggered ``Started`` were pushed to the pre-roll
while the segmenter was still waiting, so the recogniser gets the word onset plus
``pre_roll_ms`` of lead-in. The no-input timer counts from the segmenter's start,
from the end of each utterance and from every ``reset_timeout()`` (call it on every
frame while the bot is speaking, so it counts from when the bot stopped).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

from voicebot.audio import FRAME_MS, AudioFrame
from voicebot.errors import ConfigError


@dataclass(frozen=True, slots=True)
class SegmenterConfig:
    """Endpointing thresholds; one per prompt (a phone number needs a longer pause than yes/no)."""

    start_speech_ms: int = 60
    """Consecutive speech needed before an utterance starts (shorter blips are ignored)."""
    end_silence_ms: int = 700
    """Silence after speech that ends the utterance."""
    no_input_ms: int = 8000
    """Silence (outside an utterance) before ``TimedOut``; 0 disables the timer."""
    max_utterance_ms: int = 15000
    """An utterance longer than this is cut (``Ended.truncated``)."""
    pre_roll_ms: int = 300
    """Audio kept from before ``Started`` so the recogniser hears word onsets."""

    def __post_init__(self) -> None:
        for name in ("start_speech_ms", "end_silence_ms", "max_utterance_ms"):
            if getattr(self, name) <= 0:
                raise ConfigError("segmenter-bad-config", f"{name} must be > 0, got {getattr(self, name)}")
        for name in ("no_input_ms", "pre_roll_ms"):
            if getattr(self, name) < 0:
                raise ConfigError("segmenter-bad-config", f"{name} must be >= 0, got {getattr(self, name)}")


@dataclass(frozen=True, slots=True)
class Started:
    """The caller started speaking."""

    at_ms: int
    """Call time where the speech run that started the utterance began."""


@dataclass(frozen=True, slots=True)
class Ended:
    """The caller's utterance ended."""

    start_ms: int
    """Call time where the utterance started (same as the ``Started`` event's)."""
    end_ms: int
    """Call time where the last speech frame ended (or the cut point when truncated)."""
    truncated: bool = False
    """True when the utterance hit ``max_utterance_ms`` instead of ending in silence."""


@dataclass(frozen=True, slots=True)
class TimedOut:
    """The caller said nothing for ``no_input_ms``."""

    at_ms: int
    """Call time at which the timeout fired."""
    waited_ms: int
    """How long the timer ran (from its last reset)."""


SegmenterEvent = Started | Ended | TimedOut
"""What ``Segmenter.process`` may return."""


class Segmenter:
    """Turn per-frame speech decisions into Started / Ended / TimedOut events."""

    def __init__(self, config: SegmenterConfig | None = None, start_ms: int = 0) -> None:
        self._config = config or SegmenterConfig()
        self._now = start_ms
        self._in_speech = False
        self._run_start: int | None = None
        self._utt_start = 0
        self._last_speech_end = 0
        self._timer_origin: int | None = start_ms

    @property
    def config(self) -> SegmenterConfig:
        """Return the thresholds in force."""
        return self._config

    @property
    def now_ms(self) -> int:
        """Return the call time reached (the end of the last frame processed)."""
        return self._now

    @property
    def in_speech(self) -> bool:
        """Return True between ``Started`` and ``Ended``."""
        return self._in_speech

    def reconfigure(self, config: SegmenterConfig) -> None:
        """Use new thresholds from the next frame on (an utterance in progress keeps going)."""
        self._config = config

    def reset_timeout(self) -> None:
        """Restart the no-input timer from now (call when the bot finishes speaking)."""
        self._timer_origin = self._now

    def process(self, frame_ms: int, is_speech: bool) -> SegmenterEvent | None:
        """Account one frame of ``frame_ms`` and return the event it causes, if any."""
        if frame_ms <= 0:
            raise ConfigError("segmenter-bad-frame", f"frame duration must be > 0 ms, got {frame_ms}")
        frame_start = self._now
        self._now += frame_ms
        if self._in_speech:
            return self._process_in_speech(is_speech)
        if is_speech:
            if self._run_start is None:
                self._run_start = frame_start
            if self._now - self._run_start >= self._config.start_speech_ms:
                self._in_speech = True
                self._utt_start = self._run_start
                self._last_speech_end = self._now
                self._run_start = None
                return Started(self._utt_start)
            return None
        self._run_start = None
        no_input = self._config.no_input_ms
        if self._timer_origin is not None and no_input > 0 and self._now - self._timer_origin >= no_input:
            waited = self._now - self._timer_origin
            self._timer_origin = self._now
            return TimedOut(self._now, waited)
        return None

    def _process_in_speech(self, is_speech: bool) -> SegmenterEvent | None:
        if is_speech:
            self._last_speech_end = self._now
        elif self._now - self._last_speech_end >= self._config.end_silence_ms:
            return self._end(self._last_speech_end, truncated=False)
        if self._now - self._utt_start >= self._config.max_utterance_ms:
            return self._end(self._now, truncated=True)
        return None

    def _end(self, end_ms: int, truncated: bool) -> Ended:
        self._in_speech = False
        self._timer_origin = self._now
        return Ended(self._utt_start, end_ms, truncated)


class PreRoll:
    """A ring buffer of the most recent frames heard before an utterance started."""

    def __init__(self, ms: int, frame_ms: int = FRAME_MS) -> None:
        self._frame_ms = frame_ms
        self._frames: deque[AudioFrame] = deque(maxlen=self._capacity(ms))

    def _capacity(self, ms: int) -> int:
        if ms < 0 or self._frame_ms <= 0:
            raise ConfigError("segmenter-bad-config", f"pre-roll needs ms >= 0 and frame_ms > 0, got {ms}")
        return math.ceil(ms / self._frame_ms)

    def __len__(self) -> int:
        return len(self._frames)

    @property
    def capacity(self) -> int:
        """Return how many frames the buffer keeps."""
        return self._frames.maxlen or 0

    def push(self, frame: AudioFrame) -> None:
        """Keep a frame, dropping the oldest when full."""
        if self._frames.maxlen:
            self._frames.append(frame)

    def drain(self) -> list[AudioFrame]:
        """Return the kept frames, oldest first, and empty the buffer."""
        frames = list(self._frames)
        self._frames.clear()
        return frames
