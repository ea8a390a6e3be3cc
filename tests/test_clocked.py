"""A call's engines hold its virtual clock while they work (wrapped once by the session, not at each call site)."""

from __future__ import annotations

import asyncio

from dialogue.base import BotTurn
from voicebot.call.clocked import ClockedDialogue, ClockedTickets
from voicebot.runtime.aio import cancel_and_wait
from voicebot.runtime.clock import VirtualClock

from .fake_tickets import MemoryTickets
from .fakes import ScriptedDialogue, say


class SlowDialogue(ScriptedDialogue):
    """A dialogue whose every turn takes 50 ms of real time."""

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, object]) -> BotTurn:
        await asyncio.sleep(0.05)
        return await super().respond(call_id, text, lang, metadata)


async def _virtual_ms_passing_while(clock: VirtualClock, work: asyncio.Future[object]) -> float:
    """Return how much virtual time went by while ``work`` ran, a sleeper waiting 10 s of virtual time meanwhile."""
    ticker = asyncio.create_task(clock.run())
    sleeper = asyncio.create_task(clock.sleep_until(10_000))
    began = clock.now_ms()
    try:
        await work
        return clock.now_ms() - began
    finally:
        await cancel_and_wait(ticker, sleeper)


async def test_a_wrapped_dialogue_turn_stops_virtual_time_and_a_bare_one_does_not() -> None:
    clock = VirtualClock()
    wrapped = ClockedDialogue(SlowDialogue([say("好的")]), clock)
    assert await _virtual_ms_passing_while(clock, asyncio.ensure_future(wrapped.respond("c", "x", "zh-CN", {}))) == 0
    clock = VirtualClock()
    bare = SlowDialogue([say("好的")])
    assert await _virtual_ms_passing_while(clock, asyncio.ensure_future(bare.respond("c", "x", "zh-CN", {}))) > 0


async def test_a_wrapped_store_passes_saves_and_look_ups_through() -> None:
    store = MemoryTickets()
    tickets = ClockedTickets(store, VirtualClock())
    assert await tickets.status("00000000") is None and store.saves == 0
