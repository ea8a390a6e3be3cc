"""The engines of one call, wrapped once so that the call's clock knows when real work is under way.

In virtual time (QA replay, the dialogue report) the clock jumps to the next sleeper as soon as nothing is busy;
recognising, synthesising, asking the dialogue and saving a ticket take real time, during which virtual time must
stand still. The session wraps each engine of a call in ``clock.busy()`` once, when it builds the call, so
no stage has to remember it. On the real clock ``busy()`` does nothing.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from asr.base import RecognizerStream, Transcript
from dialogue.base import BotTurn, DialogueEngine
from tts.base import CachingSynthesizer, Synthesizer
from voicebot.audio import AudioFrame, Clip
from voicebot.handoff.base import QueueSpot, TicketBrief, TicketDraft, TicketStore, WaitingQueue
from voicebot.runtime.clock import Clock


class ClockedStream:
    """A recogniser stream whose decoding holds the clock."""

    def __init__(self, stream: RecognizerStream, clock: Clock) -> None:
        self._stream = stream
        self._clock = clock

    async def accept(self, frame: AudioFrame) -> None:
        """Decode one frame."""
        async with self._clock.busy():
            await self._stream.accept(frame)

    def partial(self) -> Transcript:
        """Return the words so far."""
        return self._stream.partial()

    async def finish(self) -> Transcript:
        """End the utterance and return its transcript."""
        async with self._clock.busy():
            return await self._stream.finish()

    async def aclose(self) -> None:
        """Release the stream."""
        await self._stream.aclose()


class ClockedSynthesizer:
    """A synthesiser whose rendering holds the clock."""

    def __init__(self, synth: Synthesizer, clock: Clock) -> None:
        self._synth = synth
        self._clock = clock

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Render ``text``."""
        async with self._clock.busy():
            return await self._synth.synthesize(text, lang, rate)

    def is_cached(self, text: str, lang: str) -> bool:
        """Return whether ``text`` is served from the prompt cache (False without one)."""
        return isinstance(self._synth, CachingSynthesizer) and self._synth.is_cached(text, lang)


class ClockedDialogue:
    """A dialogue engine whose turns hold the clock."""

    def __init__(self, dialogue: DialogueEngine, clock: Clock) -> None:
        self._dialogue = dialogue
        self._clock = clock

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Ask the dialogue for its turn."""
        async with self._clock.busy():
            return await self._dialogue.respond(call_id, text, lang, metadata)


class ClockedTickets:
    """A ticket store whose saves and look-ups hold the clock."""

    def __init__(self, store: TicketStore, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def save(self, draft: TicketDraft) -> str:
        """Save ``draft``; return its number."""
        async with self._clock.busy():
            return await self._store.save(draft)

    async def status(self, number: str) -> str | None:
        """Return the status of ticket ``number``."""
        async with self._clock.busy():
            return await self._store.status(number)

    async def brief(self, number: str) -> TicketBrief | None:
        """Return what may be told about ticket ``number``."""
        async with self._clock.busy():
            return await self._store.brief(number)

    async def open_for(self, caller_key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return the open tickets of a normal-form calling number."""
        async with self._clock.busy():
            return await self._store.open_for(caller_key, limit)


class ClockedQueue:
    """The agents' queue, its database work holding the clock."""

    def __init__(self, queue: WaitingQueue, clock: Clock) -> None:
        self._queue = queue
        self._clock = clock

    def is_open(self, now: datetime) -> bool:
        """Return whether agents are working at ``now``."""
        return self._queue.is_open(now)

    def next_open(self, now: datetime) -> datetime | None:
        """Return when agents next work."""
        return self._queue.next_open(now)

    async def enqueue(self, number: str, actor: str = "bot") -> QueueSpot:
        """Queue the ticket's caller."""
        async with self._clock.busy():
            return await self._queue.enqueue(number, actor)

    async def position(self, number: str) -> QueueSpot | None:
        """Return the caller's place, or None once no longer queued."""
        async with self._clock.busy():
            return await self._queue.position(number)

    async def status(self, number: str) -> str | None:
        """Return the ticket's status now."""
        async with self._clock.busy():
            return await self._queue.status(number)

    async def request_callback(self, number: str, callback_number: str, actor: str = "bot") -> None:
        """Turn the waiting caller into a callback."""
        async with self._clock.busy():
            await self._queue.request_callback(number, callback_number, actor)

    async def requeue(self, number: str, reason: str, actor: str = "bot") -> bool:
        """Give a claimed ticket back to the queue."""
        async with self._clock.busy():
            return await self._queue.requeue(number, reason, actor)

    def watch(self, number: str) -> AbstractContextManager[Any]:
        """Watch ticket ``number`` for changes."""
        return self._queue.watch(number)

