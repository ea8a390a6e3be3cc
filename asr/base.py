"""What the call session needs from a speech recogniser."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from voicebot.audio import AudioFrame


@dataclass(frozen=True, slots=True)
class Transcript:
    """Words recognised in one caller utterance (partial or final)."""

    text: str
    """Recognised words; vosk writes Mandarin with spaces between words."""
    is_final: bool
    """True once the utterance ended and the text will not change."""
    confidence: float = 1.0
    """Mean word confidence in [0, 1]; 1.0 where the engine gives none."""
    start_ms: int = 0
    """Start of the utterance on the call timeline."""
    end_ms: int = 0
    """End of the utterance on the call timeline."""


class RecognizerStream(Protocol):
    """One utterance-by-utterance recognition stream for one call."""

    async def accept(self, frame: AudioFrame) -> None:
        """Feed one frame of caller speech (plus pre-roll)."""

    def partial(self) -> Transcript:
        """Return the best partial transcript of the current utterance."""

    async def finish(self) -> Transcript:
        """End the current utterance and return its final transcript; the stream stays usable."""

    async def aclose(self) -> None:
        """Release the stream's resources."""


class VoiceActivityDetector(Protocol):
    """Decides, frame by frame, whether the caller is speaking."""

    def is_speech(self, frame: AudioFrame) -> bool:
        """Return True if the 20 ms frame holds speech."""

    @property
    def above_floor_db(self) -> float | None:
        """Return how far the frame last judged was above the line's noise floor (None: the VAD does not know)."""


class Recognizer(Protocol):
    """A speech recogniser engine shared by all calls of a process."""

    def start_stream(self, call_id: str, rate: int) -> RecognizerStream:
        """Open a stream for one call whose audio arrives at ``rate`` Hz."""
