"""Two bot processes on one PostgreSQL database, agents claiming from two consoles at the same time.

Each bot process runs real-time calls concurrently (fake ASR/TTS/dialogue, the real ticket store with its spool,
the real agents' queue); half the callers ask for a person and wait in the shared queue, half finish with the bot.
Meanwhile four agents on two separate database connections claim the longest-waiting caller in a loop. Then:
every call has exactly one ticket, numbers are unique across both processes, every number a caller was given is
the stored one, and no caller was claimed twice.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest

from tests import handoff_support as support
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore

pytestmark = [pytest.mark.real, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
CALLS_PER_BOT = 12

BOT = textwrap.dedent(
    """
    import asyncio, json, sys
    from pathlib import Path
    from dialogue.base import Handoff
    from tests.fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone
    from voicebot.call.call_runner import file_line_info
    from voicebot.runtime.clock import RealClock
    from voicebot.lines.file_line import CallerTurn, FileLine
    from voicebot.handoff.hours import AgentHours
    from voicebot.handoff.queue import HandoffQueue
    from voicebot.handoff.spool import SpooledTicketStore
    from voicebot.handoff.store import SqlTicketStore
    from voicebot.call.session import CallSession, Engines
    from voicebot.settings import SessionSettings

    async def main(url: str, name: str, calls: int, journal: str) -> None:
        store = SqlTicketStore.from_url(url)
        await store.migrate()
        tickets = SpooledTicketStore(store, Path(journal))
        await tickets.start()
        queue = HandoffQueue(store, AgentHours.parse("always"))
        settings = SessionSettings(no_input_ms=6000, end_silence_ms=300, end_of_turn="fixed")

        async def call(i: int) -> None:
            wants_person = i % 2 == 0
            handoff = [Handoff("caller-request", {})]
            turn = say("好的，为您转接人工", directives=handoff) if wants_person else say("好的")
            engines = Engines({"zh-CN": ScriptedRecognizer(["我要找人工" if wants_person else "问个事"])},
                              ToneSynth(ms_per_char=15), ScriptedDialogue([turn]), tickets, EnergyVad, queue=queue)
            info = file_line_info(call_id=f"{name}-{i}")
            turns = [CallerTurn(tone(600)), CallerTurn(silence_ms=2500)]
            line = FileLine(turns, RealClock(), info, gap_ms=300, max_wait_ms=2500)
            record = await CallSession(line, engines, settings, RealClock()).run()
            print(json.dumps({"call_id": record.call_id, "tickets": record.tickets, "outcome": record.outcome}),
                  flush=True)

        await asyncio.gather(*(call(i) for i in range(calls)))
        await tickets.aclose()
        await store.close()

    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
    """
)


async def agents_claim(url: str, stop: asyncio.Event) -> dict[str, list[str]]:
    """Run four agents on two consoles (two engines) claiming until told to stop; return their claims."""
    stores = [SqlTicketStore.from_url(url) for _ in range(2)]
    queues = [HandoffQueue(store, AgentHours.parse("always")) for store in stores]
    claims: dict[str, list[str]] = {}

    async def agent(name: str, queue: HandoffQueue) -> None:
        claims[name] = []
        while not stop.is_set():
            ticket = await queue.claim_next(name)
            if ticket is not None:
                claims[name].append(ticket.number)
            else:
                await asyncio.sleep(0.05)

    try:
        await asyncio.gather(*(agent(f"agent{k}", queues[k % 2]) for k in range(4)))
    finally:
        for store in stores:
            await store.close()
    return claims


async def test_two_bots_one_database_no_lost_duplicated_or_twice_claimed_caller(tmp_path: Path) -> None:
    url = await support.create_pg_database()
    try:
        store = SqlTicketStore.from_url(url)
        await store.migrate()
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        bots = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-c", BOT, url, name, str(CALLS_PER_BOT), str(tmp_path / f"{name}.jsonl"),
                cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
            )
            for name in ("bot-a", "bot-b")
        ]  # fmt: skip
        stop = asyncio.Event()
        agents = asyncio.create_task(agents_claim(url, stop))
        outputs = await asyncio.wait_for(asyncio.gather(*(bot.communicate() for bot in bots)), 120)
        stop.set()
        claims = await agents
        for bot, (_, err) in zip(bots, outputs, strict=True):
            assert bot.returncode == 0, err.decode()[-3000:]
        calls = [json.loads(line) for out, _ in outputs for line in out.decode().splitlines() if line.strip()]
        stored = await store.list(limit=1000)
        histories = {t.number: (await store.get(t.number)).history for t in stored}  # type: ignore[union-attr]
        await store.close()
    finally:
        await support.drop_pg_database(url)
    assert len(calls) == 2 * CALLS_PER_BOT
    by_call = Counter(t.call_id for t in stored)
    assert sorted(by_call) == sorted(c["call_id"] for c in calls), "a call without a ticket, or a stray ticket"
    assert set(by_call.values()) == {1}, "a call with two tickets"
    numbers = [t.number for t in stored]
    assert len(set(numbers)) == len(numbers)
    number_of = {t.call_id: t.number for t in stored}
    for call in calls:
        assert call["tickets"] and set(call["tickets"]) == {number_of[call["call_id"]]}, call
    claimed = [n for agent in claims.values() for n in agent]
    assert len(claimed) == len(set(claimed)), f"a caller claimed twice: {claims}"
    handed = {t.number for t in stored if t.call_id.split("-")[-1].isdigit() and int(t.call_id.split("-")[-1]) % 2 == 0}
    assert set(claimed) <= handed and claimed, "agents claimed no one, or someone who never asked"
    for agent, numbers_claimed in claims.items():  # the database agrees: one claim per caller, by that agent
        for number in numbers_claimed:
            assert [h.actor for h in histories[number] if h.status == "claimed"] == [agent], histories[number]
