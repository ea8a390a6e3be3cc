"""Typed errors with stable codes, one base class for every domain."""

from __future__ import annotations


class VoicebotError(Exception):
    """An error a caller or operator can act on, with a stable machine-readable code.

    Codes are kebab-case and never change once released (``asr-failed``,
    ``rasa-unreachable``, ``model-missing``...): logs, metrics and tests key on them.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message


class AudioError(VoicebotError):
    """Bad audio input: wrong format, truncated data, unsupported rate."""


class ConfigError(VoicebotError):
    """Settings that cannot work: missing model, bad path, unknown engine."""


class AsrError(VoicebotError):
    """Speech recognition failed (model load or decoding)."""


class TtsError(VoicebotError):
    """Speech synthesis failed."""


class DialogueError(VoicebotError):
    """The dialogue engine is unreachable, slow or answered nonsense."""


class LineError(VoicebotError):
    """A telephony line misbehaved: bad protocol input, peer gone."""


class TicketError(VoicebotError):
    """A ticket could not be stored or found."""


class KnowledgeError(VoicebotError):
    """An FAQ answer could not be found, saved or exported (unknown topic, empty text, bad version)."""
