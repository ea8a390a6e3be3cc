"""The conversation's side of the listener's queue: caller inputs in order, except those that must act at once.

While the bot waits for something slow (the dialogue engine thinking), a key, a hang-up or a dead line must not
wait behind the reply it is about to play: the conversation watches for one (``first_urgent``), drops the pending
turn unsaid and acts on it next (``put_first``). Speech heard meanwhile keeps its turn, in order, as before: the
caller said it before the reply, and the reply answers what came first.
"""

from __future__ import annotations

import asyncio
from collections import deque

from voicebot.call.caller_input import CallerInput, HungUp, Lost, Pressed


def acts_at_once(item: CallerInput) -> bool:
    """Return True for an input nothing the bot is about to say may delay: a key, a hang-up, a dead line."""
    return isinstance(item, Pressed | HungUp | Lost)


class CallerInbox:
    """The listener's queue as the conversation reads it (inputs read ahead are kept, in order)."""

    def __init__(self, queue: asyncio.Queue[CallerInput]) -> None:
        self.queue = queue
        """The listener's queue itself: holding and the rating question read it once the conversation is done
        (speech read ahead and still unhandled then, said before a 0 that handed off, is dropped)."""
        self._held: deque[CallerInput] = deque()

    @property
    def empty(self) -> bool:
        """Return True when no caller input is waiting."""
        return not self._held and self.queue.empty()

    @property
    def urgent(self) -> bool:
        """Return True when the next input must act at once (it stopped a pending turn)."""
        return bool(self._held) and acts_at_once(self._held[0])

    async def get(self) -> CallerInput:
        """Return the next caller input (those read ahead first)."""
        if self._held:
            return self._held.popleft()
        return await self.queue.get()

    async def first_urgent(self) -> CallerInput:
        """Wait for the next input that acts at once and return it; the inputs before it stay for ``get``.

        Safe to cancel: an input is taken off the queue only when it is returned or kept.
        """
        while True:
            item = await self.queue.get()
            if acts_at_once(item):
                return item
            self._held.append(item)

    def put_first(self, item: CallerInput) -> None:
        """Make ``item`` the next input ``get`` returns (the urgent one that stopped a pending turn)."""
        self._held.appendleft(item)
