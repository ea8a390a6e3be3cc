"""A recogniser that "hears" given reference texts: dialogue-only runs without a model.

Used by ``voicebot call --transcripts`` and QA ``--asr reference``: each finished
utterance of a call returns the next text of the list, in order; once the texts
run out, finals are empty (the caller said nothing the bot could understand).
"""

from __future__ import annotations

from collections.abc import Sequence

from asr.base import Transcript
from voicebot.audio import AudioFrame
from voicebot.errors import AsrError


class ReferenceRecognizer:
    """Return scripted texts as transcripts, one per utterance; every call starts at the first text."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts: tuple[str, ...] = tuple(texts)

    def start_stream(self, call_id: str, rate: int) -> ReferenceStream:
        """Open a stream with its own cursor over the texts."""
        return ReferenceStream(self.texts, call_id, rate)


class ReferenceStream:
    """One call's cursor over the reference texts."""

    def __init__(self, texts: tuple[str, ...], call_id: str, rate: int) -> None:
        self.call_id = call_id
        self.rate = rate
        self._texts = texts
        self._cursor = 0
        self._start_ms: int | None = None
        self._end_ms = 0
        self._closed = False

    @property
    def remaining(self) -> int:
        """Return how many texts are still to be heard."""
        return len(self._texts) - self._cursor

    def _next_text(self) -> str:
        return self._texts[self._cursor] if self._cursor < len(self._texts) else ""

    async def accept(self, frame: AudioFrame) -> None:
        """Note the frame's place on the call timeline (the audio itself is ignored)."""
        if self._closed:
            raise AsrError("asr-closed", f"call {self.call_id}: recognition stream already closed")
        if self._start_ms is None:
            self._start_ms = frame.timestamp_ms
        self._end_ms = frame.timestamp_ms + round(frame.duration_ms)

    def partial(self) -> Transcript:
        """Return the upcoming text once the utterance has audio, like a recogniser that heard it all at once."""
        if self._start_ms is None:
            return Transcript("", False, 1.0, self._end_ms, self._end_ms)
        return Transcript(self._next_text(), False, 1.0, self._start_ms, self._end_ms)

    async def finish(self) -> Transcript:
        """Return the next reference text as the final transcript and move the cursor on."""
        if self._closed:
            raise AsrError("asr-closed", f"call {self.call_id}: recognition stream already closed")
        text = self._next_text()
        start = self._end_ms if self._start_ms is None else self._start_ms
        self._cursor += 1
        self._start_ms = None
        return Transcript(text, True, 1.0 if text else 0.0, start, self._end_ms)

    async def aclose(self) -> None:
        """Close the stream."""
        self._closed = True
