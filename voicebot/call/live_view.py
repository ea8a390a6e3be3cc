"""Showing a call as it happens on a line that can display it (the browser softphone)."""

from __future__ import annotations

from voicebot.events import BotAboutToSpeak, CallEvent, LiveEvent, PartialTranscript, Transcribed
from voicebot.lines.line import Line, notify


class LineDisplay:
    """A ``CallListener`` that sends ``partial``, ``transcript`` and ``bot`` texts to the line (others ignore them)."""

    def __init__(self, line: Line) -> None:
        self._line = line

    async def on_event(self, event: CallEvent | LiveEvent) -> None:
        """Show recognised caller words and the bot's utterances; every other event is not displayed."""
        if isinstance(event, PartialTranscript):
            await notify(self._line, {"type": "partial", "text": event.text})
        elif isinstance(event, Transcribed) and event.source == "asr":  # keys are never shown
            await notify(self._line, {"type": "transcript", "text": event.text})
        elif isinstance(event, BotAboutToSpeak):
            await notify(self._line, {"type": "bot", "text": event.text})
