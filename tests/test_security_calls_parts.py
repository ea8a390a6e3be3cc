"""The parts behind calls that end badly: sipfrag NOTIFYs (RFC 3515), the per-ticket watch, requeue after a failed
transfer (on SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio

from prometheus_client import generate_latest

from tests import handoff_support as support
from tests.handoff_support import ManualNow, draft
from voicebot.events import CallRecord, TransferAttempted
from voicebot.handoff.hours import AgentHours
from voicebot.handoff.notify import TicketBus, TicketChanged
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.refer import ReferWatch, is_refer_notify, sipfrag_status
from voicebot.lines.sip_message import parse
from voicebot.runtime.metrics import CallMetrics

db_url = support.db_url


def notify(body: str, state: str, event: str = "Event: refer") -> bytes:
    return (f"NOTIFY sip:voicebot@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKn1\r\n"
            f"From: <sip:13800138000@127.0.0.1>;tag=a\r\nTo: <sip:12345@127.0.0.1>;tag=b\r\nCall-ID: c1\r\n"
            f"CSeq: 2 NOTIFY\r\n{event}\r\nSubscription-State: {state}\r\nContent-Type: message/sipfrag\r\n"
            f"Content-Length: {len(body)}\r\n\r\n{body}").encode()


def test_sipfrag_status_lines() -> None:
    assert sipfrag_status(b"SIP/2.0 200 OK\r\n") == 200
    assert sipfrag_status(b"SIP/2.0 486 Busy Here") == 486
    assert sipfrag_status(b"  sip/2.0 100 Trying\r\n") == 100
    assert sipfrag_status(b"") == 0 and sipfrag_status(b"INVITE sip:x SIP/2.0") == 0


def test_only_refer_notifies_count() -> None:
    assert is_refer_notify(parse(notify("SIP/2.0 200 OK\r\n", "terminated")))
    assert is_refer_notify(parse(notify("SIP/2.0 200 OK\r\n", "terminated", "o: refer;id=7")))  # compact form
    assert not is_refer_notify(parse(notify("SIP/2.0 200 OK\r\n", "terminated", "Event: presence")))


async def test_refer_watch_waits_for_a_final_report() -> None:
    watch = ReferWatch()
    watch.on_notify(parse(notify("SIP/2.0 100 Trying\r\n", "active;expires=60")))
    watch.on_notify(parse(notify("SIP/2.0 180 Ringing\r\n", "active;expires=60")))
    pending = asyncio.ensure_future(watch.wait(5.0))
    await asyncio.sleep(0.05)
    assert not pending.done()  # provisional reports are no outcome
    watch.on_notify(parse(notify("SIP/2.0 200 OK\r\n", "terminated;reason=noresource")))
    outcome = await pending
    assert outcome.connected and outcome.status == 200
    busy = ReferWatch()
    busy.on_notify(parse(notify("SIP/2.0 486 Busy Here\r\n", "terminated")))
    assert not (await busy.wait(1.0)).connected
    ended = ReferWatch()  # the subscription ends without a final status: a failure, not a hang
    ended.on_notify(parse(notify("", "terminated;reason=timeout")))
    assert (await ended.wait(1.0)).status == 0
    silent = await ReferWatch().wait(0.1)
    assert not silent.connected and "no final NOTIFY" in silent.reason


async def test_watch_is_set_for_its_ticket_and_for_unknown_changes_only() -> None:
    bus = TicketBus()
    with bus.watch("11112222") as mine, bus.watch("33334444") as other:
        assert bus.watched_count == 2
        bus.publish(TicketChanged("11112222", "claimed", 0))
        assert mine.is_set() and not other.is_set()
        mine.clear()
        bus.publish(TicketChanged("", "", 0))  # another process changed something
        assert mine.is_set() and other.is_set()
    bus.publish(TicketChanged("11112222", "queued", 0))  # nobody watching any more: nothing kept
    assert bus.watched_count == 0  # the registry does not grow with finished calls


async def test_requeue_gives_a_failed_claim_back_at_its_old_place(db_url: str) -> None:
    now = ManualNow()
    store = SqlTicketStore.from_url(db_url, now_ms=now)
    await store.migrate()
    try:
        queue = HandoffQueue(store, AgentHours.parse("always"))
        first = await store.save(draft(call_id="first"))
        second = await store.save(draft(call_id="second"))
        with queue.watch(first) as changed:
            await queue.enqueue(first)
            now.t += 1000
            await queue.enqueue(second)
            changed.clear()
            claimed = await queue.claim_next("alice")
            assert claimed is not None and claimed.number == first
            assert changed.is_set()  # the waiting call hears of the claim at once
            assert await queue.requeue(first, "transfer to the agent failed")
        ticket = await store.get(first)
        assert ticket is not None and ticket.status == "queued" and ticket.claimed_by is None
        spot = await queue.position(first)
        assert spot is not None and spot.position == 1  # still first in line
        assert not await queue.requeue(first, "again")  # only a claimed ticket goes back
        assert [h.status for h in ticket.history][-2:] == ["claimed", "queued"]
        nxt = await queue.claim_next("bob")
        assert nxt is not None and nxt.number == first
    finally:
        await store.close()


def test_failed_and_connected_transfers_are_counted() -> None:
    record = CallRecord("c1")
    record.events += [TransferAttempted(10, "sip:agents@pbx", False), TransferAttempted(20, "sip:agents@pbx", True)]
    metrics = CallMetrics()
    metrics.record_call(record)
    text = generate_latest(metrics.registry).decode()
    assert 'voicebot_transfers_total{result="failed"} 1.0' in text
    assert 'voicebot_transfers_total{result="connected"} 1.0' in text
