"""Waiting for a human: queue position and wait, refreshed; a callback instead; after hours, a callback at once."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import datetime

from voicebot.clock import Clock
from voicebot.errors import VoicebotError
from voicebot.events import CallRecord, ErrorOccurred
from voicebot.handoff.base import WaitingQueue
from voicebot.line import Line
from voicebot.listener import CallerInput, Heard, HungUp, Pressed
from voicebot.playback import Speaker
from voicebot.prompts import prompt

log = logging.getLogger(__name__)

REFRESH_MS = 30000
"""How often a waiting caller hears their updated place in the queue."""
CLOSED_ANSWER_MS = 10000
"""After hours, how long the bot waits for the caller to accept the callback."""
_CALLBACK = re.compile(r"回\s*电|回\s*个?\s*电\s*话|打\s*回\s*来|call\s*(me\s*)?back|callback", re.IGNORECASE)
_WEEKDAYS = {
    "zh-CN": "一二三四五六日",
    "en-US": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def wants_callback(item: CallerInput) -> bool:
    """Return True if the caller chose a callback (key 1 or the words)."""
    if isinstance(item, Pressed):
        return item.digits == "1"
    return isinstance(item, Heard) and bool(_CALLBACK.search(item.text))


def spoken_time(when: datetime, lang: str) -> str:
    """Return when agents are back, as said to the caller."""
    if lang == "zh-CN":
        return (
            f"周{_WEEKDAYS['zh-CN'][when.weekday()]}{when.hour}点{when.minute:02d}分"
            if when.minute
            else (f"周{_WEEKDAYS['zh-CN'][when.weekday()]}{when.hour}点")
        )
    return f"on {_WEEKDAYS['en-US'][when.weekday()]} at {when.hour}:{when.minute:02d}"


class Holding:
    """Keeps a handed-off caller informed until an agent takes the call, or turns it into a callback."""

    def __init__(
        self, queue: WaitingQueue, line: Line, speaker: Speaker, clock: Clock, record: CallRecord, lang: str
    ) -> None:
        self._queue = queue
        self._line = line
        self._speaker = speaker
        self._clock = clock
        self._record = record
        self._lang = lang

    def agents_metadata(self) -> dict[str, object]:
        """Return what the dialogue needs to know about agents now (``agents_available``, ``agents_back``)."""
        now = self._clock.wall_now()
        if self._queue.is_open(now):
            return {"agents_available": True}
        opens = self._queue.next_open(now)
        return {"agents_available": False, "agents_back": spoken_time(opens, self._lang) if opens else ""}

    async def hold(self, number: str, inbox: asyncio.Queue[CallerInput], agent_target: str) -> str:
        """Hold the caller for ticket ``number``; return the call's outcome."""
        now = self._clock.wall_now()
        try:
            if not self._queue.is_open(now):
                return await self._after_hours(number, now, inbox)
            async with self._clock.busy():  # database work: a virtual clock stands still meanwhile
                spot = await self._queue.enqueue(number)
        except VoicebotError as err:
            self._record.events.append(ErrorOccurred(int(self._clock.now_ms()), err.code, err.message))
            return "handoff"
        while True:
            minutes = max(1, round(spot.estimated_wait_s / 60))
            await self._speaker.say(prompt("queue_position", self._lang, position=str(spot.position),
                                           minutes=str(minutes)))  # fmt: skip
            item = await self._next_input(inbox, REFRESH_MS)
            if isinstance(item, HungUp):
                await self.register_callback(number, announce=False)  # nobody should have to call twice
                return "handoff"
            if item is not None and wants_callback(item):
                await self.register_callback(number)
                return "callback"
            async with self._clock.busy():
                latest = await self._queue.position(number)
            if latest is None:  # an agent claimed the ticket: connect the caller
                await self._speaker.say(prompt("connecting_agent", self._lang))
                await self._line.transfer(agent_target)
                return "handoff"
            spot = latest

    async def _after_hours(self, number: str, now: datetime, inbox: asyncio.Queue[CallerInput]) -> str:
        opens = self._queue.next_open(now)
        when = spoken_time(opens, self._lang) if opens else ""
        await self._speaker.say(prompt("agents_closed", self._lang, when=when, number=number))
        item = await self._next_input(inbox, CLOSED_ANSWER_MS)
        if item is not None and not isinstance(item, HungUp) and wants_callback(item):
            await self.register_callback(number)
            return "callback"
        await self.register_callback(number, announce=False)  # after hours every handed-off caller gets called back
        return "callback"

    async def register_callback(self, number: str, announce: bool = True) -> None:
        """Make ticket ``number`` a callback due (to the calling number, else the one the caller gave)."""
        callback_number = self._line.info.calling_number or str(self._record.slots.get("callback_phone") or "")
        try:
            async with self._clock.busy():
                await self._queue.request_callback(number, callback_number)
        except VoicebotError as err:
            self._record.events.append(ErrorOccurred(int(self._clock.now_ms()), err.code, err.message))
        if announce:
            await self._speaker.say(prompt("callback_registered", self._lang, number=number))

    async def _next_input(self, inbox: asyncio.Queue[CallerInput], within_ms: int) -> CallerInput | None:
        """Return the caller's next input, or None if none comes within ``within_ms`` of call time."""
        deadline = self._clock.now_ms() + within_ms
        getter = asyncio.ensure_future(inbox.get())
        sleeper = asyncio.ensure_future(self._clock.sleep_until(deadline))
        try:
            await asyncio.wait([getter, sleeper], return_when=asyncio.FIRST_COMPLETED)
        finally:
            sleeper.cancel()
            if not getter.done():
                getter.cancel()
        return getter.result() if getter.done() and not getter.cancelled() else None
