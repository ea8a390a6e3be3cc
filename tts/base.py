"""What the call session needs from a speech synthesiser."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from voicebot.audio import Clip


class Synthesizer(Protocol):
    """Turns text into speech audio at a requested rate."""

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Return ``text`` spoken in ``lang`` ("zh-CN" or "en-US") as a clip at ``rate`` Hz.

        Text is normalised for speech (numbers digit by digit) by the engine.
        """


@runtime_checkable
class CachingSynthesizer(Synthesizer, Protocol):
    """A synthesiser that can tell whether a text's audio is ready without synthesising."""

    def is_cached(self, text: str, lang: str) -> bool:
        """Return True if ``text`` in ``lang`` is already rendered."""
