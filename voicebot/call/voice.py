"""What the bot says in a call: texts spoken through the ``Speaker``, with what a barge-in cut kept for a resume.

The conversation decides what to say; ``BotSpeech`` says it in order, stops at a barge-in (keeping the rest of the
turn in a ``Cut``, resumed if the interruption turns out to be nothing) and keeps a synthesis failure, so that the
apology comes before the next caller input.
"""

from __future__ import annotations

from dialogue.base import BotTurn
from voicebot.call.playback import SayEnd, SayResult, Speaker
from voicebot.call.prompts import interruptible, prompt
from voicebot.call.resume import Cut
from voicebot.errors import TtsError


class BotSpeech:
    """The bot's side of one call's audio: says texts and prompts, remembers cuts and unheard failures."""

    def __init__(self, speaker: Speaker, lang: str) -> None:
        self._speaker = speaker
        self._lang = lang
        self._cut: Cut | None = None  # resumed if the barge-in that made it turns out to be nothing
        self._unheard: TtsError | None = None  # a failed say still owed its apology (set only from say results)

    async def say(self, text: str, may_cut: bool = True) -> SayResult:
        """Speak ``text``; a synthesis failure is kept (``take_unheard``); a barge-in leaves a ``Cut``."""
        said = await self._speaker.say(text, may_cut)
        if said.error is not None:
            self._unheard = said.error
        self._cut = Cut(((said.rest, may_cut),)) if said.end is SayEnd.INTERRUPTED and said.rest else None
        return said

    async def say_prompt(self, key: str, **values: str) -> SayResult:
        """Speak the prompt ``key`` in the call's language (interruptible unless the prompt table says not)."""
        return await self.say(prompt(key, self._lang, **values), interruptible(key))

    async def say_all(self, texts: tuple[tuple[str, bool], ...], turn: BotTurn | None = None) -> bool:
        """Say ``(text, interruptible)`` in order; False (with the rest kept in the ``Cut``) on a barge-in."""
        for index, (text, may_cut) in enumerate(texts):
            if not (await self.say(text, may_cut)).finished:
                if self._cut is not None:
                    self._cut = Cut(self._cut.rest + texts[index + 1:], turn)
                return False
        return True

    def take_cut(self) -> Cut | None:
        """Return what the last barge-in cut (None: nothing) and forget it."""
        cut, self._cut = self._cut, None
        return cut

    def drop_cut(self) -> None:
        """The caller took the turn: what was cut stays unsaid."""
        self._cut = None

    def take_unheard(self) -> TtsError | None:
        """Return the synthesis failure still owed an apology (None: none) and forget it."""
        unheard, self._unheard = self._unheard, None
        return unheard
