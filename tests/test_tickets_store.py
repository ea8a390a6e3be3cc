"""SqlTicketStore on SQLite and PostgreSQL: durable, idempotent, concurrent-safe saves with status history."""

from __future__ import annotations

import asyncio
import itertools
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests import handoff_support as support
from tests.handoff_support import draft
from voicebot.errors import TicketError
from voicebot.handoff.base import TicketStore, TranscriptLine
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.schema import ticket_history, tickets
from voicebot.handoff.store import SqlTicketStore

ROOT = Path(__file__).resolve().parents[1]
db_url = support.db_url
store = support.store


async def count_tickets(s: SqlTicketStore) -> int:
    async with s.engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(tickets))).scalar_one())


async def test_save_returns_speakable_number_and_keeps_everything(store: SqlTicketStore) -> None:
    protocol_view: TicketStore = store  # the session sees the store only through the protocol
    assert protocol_view is store
    number = await store.save(draft(recording_ref="var/rec/call-1.wav", confidential=True))
    assert len(number) == 8 and number.isdigit() and number[0] != "0"
    assert await store.status(number) == "new"
    t = await store.get(number)
    assert t is not None
    assert t.calling_number == "13812345678" and t.language == "zh-CN" and t.channel == "sip"
    assert t.fields["location"] == "朝阳区建国路88号"
    assert t.transcript[1] == TranscriptLine(2100, "caller", "我要投诉楼下工地晚上施工太吵了")
    assert t.faq_topics == ("opening_hours",) and t.confidential and t.recording_ref == "var/rec/call-1.wav"
    assert [h.status for h in t.history] == ["new"]
    assert await store.status("00000000") is None


async def test_save_is_idempotent_per_call_and_merges(store: SqlTicketStore) -> None:
    first = await store.save(draft(kind="handoff", transcript=(TranscriptLine(0, "caller", "你好"),)))
    longer = draft(kind="partial", intent=None, fields={"callback_phone": "13900001111"}, faq_topics=("parking",))
    second = await store.save(longer)
    assert first == second
    assert await count_tickets(store) == 1
    t = await store.get(first)
    assert t is not None
    assert t.kind == "handoff"  # a cut-off call does not downgrade the ticket
    assert t.intent == "complain_noise"  # nothing known is lost
    assert t.fields["callback_phone"] == "13900001111" and t.fields["category"] == "noise"
    assert t.faq_topics == ("opening_hours", "parking")
    assert len(t.transcript) == 4
    assert [h.status for h in t.history] == ["new"]


async def test_concurrent_saves_of_one_call_make_one_ticket(store: SqlTicketStore, db_url: str) -> None:
    other = SqlTicketStore.from_url(db_url)  # a second bot process on the same database
    try:
        for call in range(5):
            drafts = [draft(call_id=f"race-{call}", transcript=draft().transcript[: i % 4 + 1]) for i in range(8)]
            numbers = await asyncio.gather(*(s.save(d) for s, d in zip(itertools.cycle([store, other]), drafts)))
            assert len(set(numbers)) == 1
            t = await store.get(numbers[0])
            assert t is not None and len(t.transcript) == 4
        assert await count_tickets(store) == 5
        async with store.engine.connect() as conn:
            history_rows = (await conn.execute(select(func.count()).select_from(ticket_history))).scalar_one()
        assert history_rows == 5
    finally:
        await other.close()


async def test_numbers_are_unique_even_when_the_generator_repeats(db_url: str) -> None:
    numbers = iter(["11112222", "11112222", "11112222", "33334444"])
    s = SqlTicketStore.from_url(db_url, numbers=lambda: next(numbers))
    await s.migrate()
    try:
        assert await s.save(draft(call_id="a")) == "11112222"
        assert await s.save(draft(call_id="b")) == "33334444"  # two collisions retried
    finally:
        await s.close()


async def test_many_numbers_unique(store: SqlTicketStore) -> None:
    numbers = [await store.save(draft(call_id=f"c{i}")) for i in range(120)]
    assert len(set(numbers)) == 120


async def test_number_exhaustion_is_a_ticket_error(db_url: str) -> None:
    s = SqlTicketStore.from_url(db_url, numbers=lambda: "55556666")
    await s.migrate()
    try:
        await s.save(draft(call_id="a"))
        with pytest.raises(TicketError) as err:
            await s.save(draft(call_id="b"))
        assert err.value.code == "ticket-number-exhausted"
    finally:
        await s.close()


async def test_status_history_through_a_life(store: SqlTicketStore) -> None:
    q = HandoffQueue(store, AgentHours.parse("always"))
    n = await store.save(draft())
    await q.enqueue(n)
    await q.claim(n, "alice")
    await store.edit(n, "alice", notes="called the site manager", fields={"category": "construction noise"})
    await q.resolve(n, "alice", "site will stop at 22:00")
    t = await store.get(n)
    assert t is not None
    assert [(h.status, h.actor) for h in t.history] == [
        ("new", "bot"), ("queued", "bot"), ("claimed", "alice"), ("resolved", "alice")
    ]
    assert t.history[-1].note == "site will stop at 22:00"
    assert t.notes == "called the site manager" and t.fields["category"] == "construction noise"
    assert t.claimed_by == "alice" and t.resolved_at is not None and t.queued_at is not None


async def test_callback_draft_is_due_with_number(store: SqlTicketStore) -> None:
    n = await store.save(draft(kind="callback", fields={"callback_phone": "13700002222"}))
    t = await store.get(n)
    assert t is not None and t.status == "callback_due" and t.callback_number == "13700002222"
    m = await store.save(draft(call_id="later"))
    await store.save(draft(call_id="later", kind="callback"))
    t2 = await store.get(m)
    assert t2 is not None and t2.status == "callback_due" and t2.callback_number == "13812345678"
    assert [h.status for h in t2.history] == ["new", "callback_due"]


_KILLED_CHILD = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    sys.path.insert(0, {root!r})
    from voicebot.handoff.base import TicketDraft, TranscriptLine
    from voicebot.handoff.store import SqlTicketStore

    async def main():
        store = SqlTicketStore.from_url({url!r})
        await store.migrate()
        lines = (TranscriptLine(0, "bot", "您好"), TranscriptLine(1800, "caller", "我家楼下的路灯坏了"))
        number = await store.save(TicketDraft(call_id="cut-off", kind="partial", transcript=lines,
                                              calling_number="13812345678"))
        print(number, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)  # no clean shutdown: engine never disposed, loop never closed

    asyncio.run(main())
    """
)


async def test_ticket_survives_sigkill_right_after_save(db_url: str) -> None:
    code = _KILLED_CHILD.format(root=str(ROOT), url=db_url)
    proc = await asyncio.create_subprocess_exec(sys.executable, "-c", code, stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    number = out.decode().strip()
    s = SqlTicketStore.from_url(db_url)
    try:
        t = await s.get(number)
        assert t is not None and t.kind == "partial"
        assert [line.text for line in t.transcript] == ["您好", "我家楼下的路灯坏了"]
    finally:
        await s.close()
    assert os.getpid()  # the parent lives on
