"""What the listener tells the conversation: the caller's inputs, one queue item each."""

from __future__ import annotations

from dataclasses import dataclass

from voicebot.errors import VoicebotError


@dataclass(frozen=True, slots=True)
class Heard:
    """The caller said something (final transcript)."""

    text: str
    """What was recognised."""
    confidence: float
    """Recogniser confidence."""


@dataclass(frozen=True, slots=True)
class Pressed:
    """The caller keyed a digit string (ended by # or a pause); ``"0"`` alone asks for a person."""

    digits: str
    """The keys, without the closing #."""


@dataclass(frozen=True, slots=True)
class Silent:
    """The caller said nothing for the no-input timeout."""


@dataclass(frozen=True, slots=True)
class HungUp:
    """The caller hung up."""


@dataclass(frozen=True, slots=True)
class Lost:
    """The line went dead without a hang-up: no frame at all for the media timeout (the caller vanished)."""

    silent_ms: int
    """How long nothing arrived."""


@dataclass(frozen=True, slots=True)
class Failed:
    """Listening failed (the recogniser raised): the caller must hear an apology and reach a person."""

    error: VoicebotError
    """What went wrong."""


@dataclass(frozen=True, slots=True)
class Retracted:
    """The speech that stopped the bot turned out to be nothing (no words, or backchannels only): resume."""


CallerInput = Heard | Pressed | Silent | HungUp | Lost | Failed | Retracted
