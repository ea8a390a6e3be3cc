"""When the caller's turn ends: the fixed endpointing thresholds, or the adaptive rule fed by one call's audio.

``segmenter_config`` gives the thresholds the segmenter starts an utterance with (``fixed``: the end silence for
what the bot asked). With ``[session] end_of_turn = "adaptive"`` the listener asks ``TurnEnd`` on every silent
frame inside an utterance how much silence ends it now (``asr/end_of_turn.py``), from the partial transcript and
the bot's last question.
"""

from __future__ import annotations

from asr.end_of_turn import Decision, EndOfTurnConfig, decide
from asr.segmenter import SegmenterConfig
from voicebot.call.call_context import TurnState
from voicebot.settings import SessionSettings


def segmenter_config(settings: SessionSettings, expect: str | None = None) -> SegmenterConfig:
    """Return endpointing for the next utterance: numbers get longer pauses than free speech."""
    end_ms = settings.long_end_silence_ms if expect == "number" else settings.end_silence_ms
    return SegmenterConfig(end_silence_ms=end_ms, no_input_ms=settings.no_input_ms)


def end_of_turn_config(settings: SessionSettings) -> EndOfTurnConfig:
    """Return the adaptive rule's holds from the session settings."""
    return EndOfTurnConfig(
        settings.min_end_silence_ms,
        settings.neutral_end_silence_ms,
        settings.hesitant_end_silence_ms,
        settings.max_end_silence_ms,
    )


class TurnEnd:
    """One call's adaptive end of turn: its language, holds and the decision in force."""

    def __init__(self, settings: SessionSettings, lang: str) -> None:
        self._config = end_of_turn_config(settings)
        self._lang = lang
        self.last: Decision | None = None
        """The decision in force (None before the first silent frame of an utterance)."""

    def started(self) -> None:
        """A new utterance started: forget the last one's decision."""
        self.last = None

    def hold(self, partial: str, turn: TurnState) -> Decision:
        """Return how much silence ends the utterance, given its partial transcript and the bot's question."""
        self.last = decide(partial, self._lang, turn.expect, turn.asked, self._config)
        return self.last


def turn_end(settings: SessionSettings, lang: str) -> TurnEnd | None:
    """Return the call's adaptive end of turn, or None when endpointing is ``fixed``."""
    return TurnEnd(settings, lang) if settings.end_of_turn == "adaptive" else None
