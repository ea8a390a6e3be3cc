"""Reference texts handed out per caller *turn*, not per detected utterance.

A plain reference recogniser gives the next text to each utterance the segmenter
finds; when a real recording has a long pause, one turn becomes two utterances and
every later text shifts by one. Here the turn an utterance belongs to is found from
when its audio ended on the call clock (the simulated line notes when each turn
started): the first utterance of a turn hears the turn's text, any further piece of
the same turn hears nothing (like noise), so the dialogue sees each turn once.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from typing import Protocol

from asr.base import Transcript
from voicebot.audio import AudioFrame


class TurnReferenceRecognizer:
    """A ``Recognizer`` for one call whose transcripts are the scenario's reference texts, one per turn."""

    def __init__(self, texts: Sequence[str | None], turn_starts: Callable[[], Sequence[int]]) -> None:
        self._texts = list(texts)
        self._turn_starts = turn_starts
        self._heard: set[int] = set()

    def start_stream(self, call_id: str, rate: int) -> TurnReferenceStream:
        """Open the call's stream."""
        return TurnReferenceStream(self)

    def text_for(self, end_ms: int, peek: bool = False) -> str:
        """Return the text of the turn playing at ``end_ms`` the first time it is asked, then ``""``
        (``peek``: without counting it as asked, for partials)."""
        turn = bisect.bisect_right(list(self._turn_starts()), end_ms)  # 1-based turn number; 0 = before any turn
        if turn == 0 or turn > len(self._texts) or turn in self._heard:
            return ""
        if not peek:
            self._heard.add(turn)
        return self._texts[turn - 1] or ""


class TextSource(Protocol):
    """Who knows the words of the caller turn playing at a moment of the call."""

    def text_for(self, end_ms: int, peek: bool = False) -> str:
        """Return the words of the turn playing at ``end_ms`` the first time it is asked, then ``""``
        (``peek``: without counting it as asked)."""
        ...


class TurnReferenceStream:
    """One call's stream: notes where each utterance ends, answers with its turn's text."""

    def __init__(self, owner: TextSource) -> None:
        self._owner = owner
        self._start_ms: int | None = None
        self._end_ms = 0

    async def accept(self, frame: AudioFrame) -> None:
        """Note the frame's place on the call clock (the audio itself is not needed)."""
        if self._start_ms is None:
            self._start_ms = frame.timestamp_ms
        self._end_ms = frame.timestamp_ms + round(frame.duration_ms)

    def partial(self) -> Transcript:
        """Return the turn's text once the utterance has audio, like a recogniser that heard it all at once."""
        if self._start_ms is None:
            return Transcript("", False)
        return Transcript(self._owner.text_for(self._end_ms - 1, peek=True), False)

    async def finish(self) -> Transcript:
        """Return the turn's reference text (or nothing for a further piece of the same turn)."""
        text = self._owner.text_for(self._end_ms - 1)
        start = self._start_ms if self._start_ms is not None else self._end_ms
        self._start_ms = None
        return Transcript(text, True, 1.0 if text else 0.0, start, self._end_ms)

    async def aclose(self) -> None:
        """Nothing to release."""
