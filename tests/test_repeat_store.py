"""Repeat callers in the ticket store, on SQLite and PostgreSQL: the normal-form caller column (migration 0006),
a caller's open cases, a ticket's brief, and the 重复件 link both ways."""

from __future__ import annotations

from sqlalchemy import text

from tests import handoff_support as support
from tests.handoff_support import draft
from tests.test_workorder_store import _upgrade_to
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore

db_url = support.db_url
store = support.store


async def test_migration_0006_gives_stored_tickets_their_normal_form_caller(db_url: str) -> None:
    old = SqlTicketStore.from_url(db_url)
    try:
        async with old.engine.begin() as conn:
            await conn.run_sync(_upgrade_to, "0003")
        async with old.engine.begin() as conn:
            for i, number in enumerate(("+86 138-0013-8000", "anonymous")):
                await conn.execute(text(
                    "INSERT INTO tickets (number, call_id, kind, status, language, channel, calling_number, "
                    "called_number, protocol_call_id, fields, faq_topics, transcript, confidential, started_at, "
                    "created_at, updated_at, notes) VALUES (:n, :c, 'complaint', 'new', 'zh-CN', 'sip', :num, '', '', "
                    "'{}', '[]', '[]', FALSE, 0, :t, :t, '')"), {"n": f"1000000{i}", "c": f"old-{i}", "num": number,
                                                                  "t": 1000 + i})  # fmt: skip
        await old.migrate()
        assert [b.number for b in await old.open_for("13800138000")] == ["10000000"]
        assert await old.open_for("") == ()
        async with old.engine.connect() as conn:
            keys = (await conn.execute(text("SELECT caller_key FROM tickets ORDER BY number"))).scalars().all()
        assert keys == ["13800138000", ""]
    finally:
        await old.close()


async def test_a_callers_open_cases_newest_first_whatever_the_spelling(store: SqlTicketStore) -> None:
    first = await store.save(draft("c1", "complaint", calling_number="+86 139 0013 9000"))
    store.now_ms = lambda: 2_000_000_000_000
    second = await store.save(draft("c2", "handoff", calling_number="0086-139-0013-9000"))
    await store.save(draft("c3", "resolved", calling_number="13900139000"))  # the bot answered it: no case
    await store.save(draft("c4", "partial", calling_number="13900139000"))  # cut off: no case
    await store.save(draft("c5", "complaint", calling_number="13900139009"))  # someone else
    done = await store.save(draft("c6", "complaint", calling_number="13900139000"))
    queue = HandoffQueue(store, AgentHours.parse("always"))
    await queue.claim(done, "li.lei")
    await queue.resolve(done, "li.lei", "fixed")
    found = await store.open_for("13900139000")
    assert [b.number for b in found] == [second, first]
    assert all(b.caller_key == "13900139000" for b in found)
    assert [b.number for b in await store.open_for("13900139000", limit=1)] == [second]


async def test_a_brief_holds_status_department_deadline_and_both_numbers(store: SqlTicketStore) -> None:
    number = await store.save(draft("c1", "complaint", calling_number="13500135000",
                                    fields={"callback_phone": "137-0013-7000", "description": "噪音"}))  # fmt: skip
    await store.update(number, "li.lei", {"department": "朝阳区市场监督管理局", "deadline_at": 1_796_000_000_000})
    brief = await store.brief(number)
    assert brief is not None and brief.status == "new" and brief.department == "朝阳区市场监督管理局"
    assert brief.deadline_at == 1_796_000_000_000
    assert (brief.caller_key, brief.callback_key) == ("13500135000", "13700137000")
    assert await store.brief("99999999") is None


async def test_a_follow_up_links_to_its_earlier_ticket_and_the_earlier_lists_it(store: SqlTicketStore) -> None:
    original = await store.save(draft("c1", "complaint"))
    followup = await store.save(draft("c2", "partial", repeat_of=original))
    await store.save(draft("c2", "complaint", repeat_of=None))  # a later save of the call keeps the link
    later = await store.get(followup)
    assert later is not None and later.repeat_of == original and later.to_json()["repeat_of"] == original
    earlier = await store.get(original)
    assert earlier is not None and earlier.repeats == (followup,) and earlier.to_json()["repeats"] == [followup]
    assert earlier.repeat_of is None
