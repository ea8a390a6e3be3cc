"""The 回访 conversation on an answered line: say what was done, ask for a rating by key, thank, done.

Keys only (DTMF 1/2/3, RFC 4733 or SIP INFO through the line); the citizen's voice is not recognised here.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from voicebot.call.playback import Speaker
from voicebot.call.prompts import prompt
from voicebot.lines.line import Dtmf, Line
from voicebot.runtime.aio import cancel_and_wait

log = logging.getLogger(__name__)

RATINGS = {"1": 1, "2": 2, "3": 3}
"""Key -> rating (1 satisfied, 2 basically satisfied, 3 not satisfied)."""


@dataclass(frozen=True, slots=True)
class Answer:
    """What the citizen answered."""

    outcome: str
    """``rated``, ``no-rating`` (no valid key after every ask) or ``hung-up``."""
    rating: int | None = None
    """The rating when ``rated``."""


def followup_texts(lang: str, category: str | None, resolution: str) -> tuple[str, str]:
    """Return the introduction (built from the ticket) and the question, in ``lang``."""
    intro = prompt("followup_intro", lang, category=category or prompt("followup_default_category", lang),
                   resolution=resolution.strip() or prompt("followup_default_resolution", lang))
    return intro, prompt("followup_question", lang)


async def _keys(line: Line, keys: asyncio.Queue[str | None]) -> None:
    """Pass the citizen's keys on (audio is dropped); ``None`` once they hang up."""
    while True:
        item = await line.recv()
        if item is None:
            await keys.put(None)
            return
        if isinstance(item, Dtmf):
            await keys.put(item.digit)


async def _say_or_key(speaker: Speaker, text: str, keys: asyncio.Queue[str | None]) -> str | None | bool:
    """Speak ``text``; return a key pressed meanwhile (the prompt stops), ``None`` on hang-up, ``True`` once said."""
    saying = asyncio.create_task(speaker.say(text))
    pressing = asyncio.create_task(keys.get())
    try:
        done, _ = await asyncio.wait({saying, pressing}, return_when=asyncio.FIRST_COMPLETED)
        if pressing in done:
            await speaker.interrupt()
            return pressing.result()
        return True
    finally:
        await cancel_and_wait(saying, pressing)


async def ask_rating(line: Line, speaker: Speaker, lang: str, intro: str, question: str, timeout_s: float,
                     asks: int = 2) -> Answer:
    """Run the 回访: introduction, then up to ``asks`` times the question and a key within ``timeout_s``."""
    keys: asyncio.Queue[str | None] = asyncio.Queue()
    reader = asyncio.create_task(_keys(line, keys))
    try:
        key = await _say_or_key(speaker, intro, keys)
        for _ask in range(asks):
            if key is True:
                key = await _say_or_key(speaker, question, keys)
            if key is True:
                try:
                    key = await asyncio.wait_for(keys.get(), timeout_s)
                except TimeoutError:
                    key = True
                    continue
            if key is None:
                return Answer("hung-up")
            if isinstance(key, str) and key in RATINGS:
                await speaker.say(prompt("followup_thanks", lang))
                return Answer("rated", RATINGS[key])
            key = True  # another key: ask again
        await speaker.say(prompt("followup_no_rating", lang))
        return Answer("no-rating")
    finally:
        await cancel_and_wait(reader)
