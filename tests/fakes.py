"""Fake engines that implement the real protocols (no mocks of internals), for session tests: recogniser, VAD,
synthesiser, dialogue, lines. The ticket store and the agents' queue are in ``fake_tickets.py``."""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from asr.base import Transcript
from dialogue.base import BotTurn, Directive
from voicebot.audio import AudioFrame, Clip, rms_dbfs
from voicebot.errors import DialogueError
from voicebot.lines.line import Dtmf, LineInfo
from voicebot.lines.sip_uac import DialResult, outcome_of


def tone(ms: int, rate: int = 8000, freq: float = 440.0, level: float = 0.3) -> Clip:
    """Return a sine tone (stands in for speech with the energy VAD)."""
    n = rate * ms // 1000
    samples = (np.sin(2 * math.pi * freq * np.arange(n) / rate) * 32767 * level).astype("<i2")
    return Clip(samples.tobytes(), rate)


class EnergyVad:
    """A VAD that calls any frame louder than -40 dBFS speech (deterministic for tones); it tracks no noise floor."""

    above_floor_db: float | None = None

    def is_speech(self, frame: AudioFrame) -> bool:
        """Return True for loud frames."""
        return rms_dbfs(frame.pcm) > -40.0


PARTIAL_AFTER_FRAMES = 10
"""Frames a ``ScriptedStream`` is fed before its partial shows the utterance's text."""


class ScriptedStream:
    """Returns the next scripted text for each finished utterance."""

    def __init__(self, texts: list[str], fed: list[int]) -> None:
        self._texts = texts
        self._fed = fed
        self._frames = 0

    async def accept(self, frame: AudioFrame) -> None:
        """Count frames."""
        self._frames += 1

    def partial(self) -> Transcript:
        """Return the next scripted text once 200 ms were fed (a recogniser that caught the first word).

        A script entry ``"partial|final"`` shows ``partial`` while the utterance goes on and ends as ``final``.
        """
        words = self._texts[0].split("|")[0] if self._texts and self._frames >= PARTIAL_AFTER_FRAMES else ""
        return Transcript(words, False)

    async def finish(self) -> Transcript:
        """Return the next scripted text."""
        self._fed.append(self._frames)
        self._frames = 0
        text = self._texts.pop(0).split("|")[-1] if self._texts else ""
        return Transcript(text, True, 0.9)

    async def aclose(self) -> None:
        """Nothing to release."""


class ScriptedRecognizer:
    """A recogniser whose transcripts are scripted per utterance."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = list(texts)
        self.frames_per_utterance: list[int] = []

    def start_stream(self, call_id: str, rate: int) -> ScriptedStream:
        """Open a stream sharing the script."""
        return ScriptedStream(self.texts, self.frames_per_utterance)


class ToneSynth:
    """Speaks every text as a tone, 60 ms per character (so long texts take long)."""

    def __init__(self, ms_per_char: int = 60, fail: bool = False) -> None:
        self.ms_per_char = ms_per_char
        self.spoken: list[str] = []
        self.fail = fail

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Return a tone as long as the text."""
        self.spoken.append(text)
        return tone(max(200, len(text) * self.ms_per_char), rate, freq=300.0)


@dataclass
class ScriptedDialogue:
    """Answers each caller text with the next scripted turn; records what it was asked."""

    turns: list[BotTurn | Exception]
    asked: list[str] = field(default_factory=list)
    delay_s: float = 0.0
    metadata: list[dict[str, Any]] = field(default_factory=list)

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Return the next scripted turn (or raise the scripted error)."""
        self.asked.append(text)
        self.metadata.append(metadata)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        if not self.turns:
            return BotTurn(("ok",))
        turn = self.turns.pop(0)
        if isinstance(turn, Exception):
            raise turn
        return turn


def say(*utterances: str, directives: Sequence[Directive] = (), **kw: Any) -> BotTurn:
    """Build a BotTurn."""
    return BotTurn(tuple(utterances), tuple(directives), **kw)


def rasa_down() -> DialogueError:
    """Return the error a client raises when Rasa is unreachable."""
    return DialogueError("rasa-unreachable", "connection refused")


class FailingStream(ScriptedStream):
    """A recogniser stream that raises on the first finished utterance."""

    async def finish(self) -> Transcript:
        """Fail like a broken decoder."""
        from voicebot.errors import AsrError

        raise AsrError("asr-failed", "decoder crashed")


class FailingRecognizer(ScriptedRecognizer):
    """A recogniser whose streams fail."""

    def start_stream(self, call_id: str, rate: int) -> ScriptedStream:
        """Open a failing stream."""
        return FailingStream(self.texts, self.frames_per_utterance)


class BrokenSynth(ToneSynth):
    """A synthesiser that fails on everything except the texts it was given ahead (like a warm prompt cache)."""

    def __init__(self, cached: set[str]) -> None:
        super().__init__()
        self.cached = cached

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Speak cached texts, fail on the rest."""
        from voicebot.errors import TtsError

        if text not in self.cached:
            raise TtsError("tts-failed", "espeak-ng crashed")
        return await super().synthesize(text, lang, rate)


class QuietLine:
    """A line whose caller says nothing and hangs up at once; it drops what it is sent (override what a test needs)."""

    info = LineInfo("quiet-1", "file")

    async def recv(self) -> AudioFrame | Dtmf | None:
        """The caller has hung up."""
        return None

    async def send(self, frame: AudioFrame) -> None:
        """Drop the frame."""

    async def clear(self) -> None:
        """Nothing is held back."""

    async def transfer(self, target: str) -> bool:
        """No transfer on this line."""
        return False

    async def hangup(self) -> None:
        """Nothing to close."""


class FakeTrunk:
    """A ``Dialer`` (voicebot.followup.scheduler) whose citizens never pick up: each call ends with ``status``."""

    def __init__(self, status: int = 486) -> None:
        self.status = status
        self.dialled: list[str] = []

    async def dial(self, number: str, ring_timeout_s: float) -> DialResult:
        """Record the number and fail the call as ``status`` would."""
        self.dialled.append(number)
        return DialResult(self.status, outcome_of(self.status))
