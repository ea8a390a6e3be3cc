"""Waiting for a human: queue position and wait, refreshed; a callback instead; after hours, a callback at once."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from voicebot.call.caller_input import CallerInput, Heard, HungUp, Lost, Pressed
from voicebot.call.playback import SayResult, Speaker
from voicebot.call.prompts import interruptible, prompt, status_words
from voicebot.errors import VoicebotError
from voicebot.events import CallRecord, ErrorOccurred, TransferAttempted
from voicebot.handoff.base import QueueSpot, WaitingQueue
from voicebot.lines.line import Line, can_transfer
from voicebot.runtime.aio import cancel_and_wait
from voicebot.runtime.clock import Clock

log = logging.getLogger(__name__)

REFRESH_MS = 30000
"""How often a waiting caller hears their updated place in the queue."""
CLOSED_ANSWER_MS = 10000
"""After hours, how long the bot waits for the caller to accept the callback."""
MAX_TRANSFERS = 2
"""Failed transfers to an agent before the caller is booked a callback instead of waiting on."""
_CALLBACK = re.compile(r"回\s*电|回\s*个?\s*电\s*话|打\s*回\s*来|call\s*(me\s*)?back|callback", re.IGNORECASE)
_WEEKDAYS = {
    "zh-CN": "一二三四五六日",
    "en-US": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


@dataclass(frozen=True, slots=True)
class Changed:
    """The waiting caller's ticket changed (claimed...): look at the queue again."""


CHANGED = Changed()
"""The one ``Changed`` value."""


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
        with self._queue.watch(number) as changed:  # watching before queueing: an instant claim is not missed
            try:
                if not self._queue.is_open(now):
                    return await self._after_hours(number, now, inbox)
                spot = await self._queue.enqueue(number)
            except VoicebotError as err:
                await self._record.emit(ErrorOccurred(int(self._clock.now_ms()), err.code, err.message))
                return "handoff"
            return await self._wait(number, spot, inbox, changed, agent_target)

    async def _wait(self, number: str, spot: QueueSpot | None, inbox: asyncio.Queue[CallerInput],
                    changed: asyncio.Event, agent_target: str) -> str:
        """Tell the caller their place now and then, and connect them the moment an agent claims the ticket."""
        failed_transfers = 0
        item: CallerInput | Changed | None = None
        while True:
            if spot is None and (decided := await self._decided_elsewhere(number)) is not None:
                return decided
            if spot is None and not can_transfer(self._line, agent_target):  # claimed, but no way through
                log.warning("call %s: an agent claimed the call but this line cannot transfer (no agent_uri or "
                            "transfer_on_close, or REFER refused): the agent calls back", self._record.call_id)
                await self.register_callback(number)
                return "callback"
            if spot is None:  # an agent claimed the ticket: connect the caller
                if await self._connect(agent_target):
                    return "handoff"
                failed_transfers += 1
                if await self._transfer_failed(number, failed_transfers, changed):
                    return "callback"
            elif item is not CHANGED:  # first time, refresh or the caller spoke: say where they stand
                minutes = max(1, round(spot.estimated_wait_s / 60))
                await self._say_until(prompt("queue_position", self._lang, position=str(spot.position),
                                             minutes=str(minutes)), number, changed)  # fmt: skip
            item = await self._next_input(inbox, REFRESH_MS, changed)
            if isinstance(item, (HungUp, Lost)):
                await self.register_callback(number, announce=False)  # nobody should have to call twice
                return "callback" if isinstance(item, Lost) else "handoff"
            if isinstance(item, (Heard, Pressed)) and wants_callback(item):
                await self.register_callback(number)
                return "callback"
            changed.clear()  # looking now: a change from here on wakes the next wait
            spot = await self._queue.position(number)

    async def _decided_elsewhere(self, number: str) -> str | None:
        """An agent took the ticket out of the queue without claiming it: tell the caller; return the outcome."""
        status = await self._queue.status(number)
        if status == "callback_due":  # the agent chose to call back
            await self._speaker.say(prompt("callback_registered", self._lang, number=number),
                                    interruptible("callback_registered"))
            return "callback"
        if status == "resolved":  # handled without a conversation (a duplicate, already done)
            await self._speaker.say(prompt("ticket_status", self._lang, number=number,
                                           status=status_words("resolved", self._lang)),
                                    interruptible("ticket_status"))  # fmt: skip
            await self._speaker.say(prompt("goodbye", self._lang))
            return "handoff"
        return None

    async def _connect(self, agent_target: str) -> bool:
        """Transfer the caller to the agent while telling them so; return whether the transfer connected."""
        speaking = asyncio.ensure_future(self._speaker.say(prompt("connecting_agent", self._lang)))
        try:
            connected = await self._line.transfer(agent_target)
        finally:  # the prompt only covers the transfer's setup: connected or not, it ends now
            await self._stop(speaking)
        self._raise_failure(speaking)
        await self._record.emit(TransferAttempted(int(self._clock.now_ms()), agent_target, connected))
        return connected

    async def _transfer_failed(self, number: str, attempts: int, changed: asyncio.Event) -> bool:
        """Put the ticket back in the queue and tell the caller; return True when it became a callback instead."""
        log.warning("call %s: transfer to the agent failed (attempt %d of %d)", self._record.call_id, attempts,
                    MAX_TRANSFERS)
        try:
            await self._queue.requeue(number, "transfer to the agent failed")
        except VoicebotError as err:
            await self._record.emit(ErrorOccurred(int(self._clock.now_ms()), err.code, err.message))
        if attempts >= MAX_TRANSFERS:  # the line will not transfer: a callback is the way to a person
            await self.register_callback(number)
            return True
        changed.clear()  # the requeue's own change is no news; the next claim cuts the apology short
        await self._say_until(prompt("transfer_failed", self._lang, number=number), number, changed,
                              interruptible("transfer_failed"))
        return False

    async def _after_hours(self, number: str, now: datetime, inbox: asyncio.Queue[CallerInput]) -> str:
        opens = self._queue.next_open(now)
        when = spoken_time(opens, self._lang) if opens else ""
        await self._speaker.say(prompt("agents_closed", self._lang, when=when, number=number),
                                interruptible("agents_closed"))
        item = await self._next_input(inbox, CLOSED_ANSWER_MS)
        if isinstance(item, (Heard, Pressed)) and wants_callback(item):
            await self.register_callback(number)
            return "callback"
        await self.register_callback(number, announce=False)  # after hours every handed-off caller gets called back
        return "callback"

    async def register_callback(self, number: str, announce: bool = True) -> None:
        """Make ticket ``number`` a callback due (to the calling number, else the one the caller gave)."""
        callback_number = self._line.info.calling_number or str(self._record.slots.get("callback_phone") or "")
        try:
            await self._queue.request_callback(number, callback_number)
        except VoicebotError as err:
            await self._record.emit(ErrorOccurred(int(self._clock.now_ms()), err.code, err.message))
        if announce:
            await self._speaker.say(prompt("callback_registered", self._lang, number=number),
                                    interruptible("callback_registered"))

    async def _say_until(self, text: str, number: str, changed: asyncio.Event, may_cut: bool = True) -> None:
        """Speak ``text``, stopping at once if an agent claims ticket ``number`` meanwhile."""
        speaking = asyncio.ensure_future(self._speaker.say(text, may_cut))
        try:
            while not speaking.done():
                watching = asyncio.ensure_future(changed.wait())
                try:
                    await asyncio.wait([speaking, watching], return_when=asyncio.FIRST_COMPLETED)
                finally:
                    await cancel_and_wait(watching)
                if speaking.done():
                    break
                changed.clear()  # some change (maybe another ticket's, from another process): is it ours?
                claimed = await self._queue.position(number) is None
                if claimed:
                    changed.set()  # the wait after the prompt connects the caller at once
                    break
        finally:
            await self._stop(speaking)
        self._raise_failure(speaking)

    async def _stop(self, speaking: asyncio.Future[SayResult]) -> None:
        """End an utterance started beside other work (the caller must not hear it any more)."""
        if not speaking.done():
            await self._speaker.interrupt()
            speaking.cancel()
        await asyncio.wait([speaking])

    @staticmethod
    def _raise_failure(speaking: asyncio.Future[SayResult]) -> None:
        """Raise what went wrong inside a stopped utterance: a failure is never lost."""
        if not speaking.cancelled() and speaking.exception() is not None:
            raise speaking.exception()  # type: ignore[misc]

    async def _next_input(
        self, inbox: asyncio.Queue[CallerInput], within_ms: int, changed: asyncio.Event | None = None
    ) -> CallerInput | Changed | None:
        """Return the caller's next input, ``CHANGED`` once the ticket changed, or None after ``within_ms``."""
        if changed is not None and changed.is_set():
            return CHANGED
        deadline = self._clock.now_ms() + within_ms
        getter = asyncio.ensure_future(inbox.get())
        sleeper = asyncio.ensure_future(self._clock.sleep_until(deadline))
        waiters: list[asyncio.Future[Any]] = [getter, sleeper]
        watcher = asyncio.ensure_future(changed.wait()) if changed is not None else None
        if watcher is not None:
            waiters.append(watcher)
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            await cancel_and_wait(*waiters)  # a getter that already got its item keeps it
        if getter.done() and not getter.cancelled():
            return getter.result()
        return CHANGED if changed is not None and changed.is_set() else None
