"""The ticket keeper: saves what the call gathered (turn state included); a store failure is recorded, not raised."""

from __future__ import annotations

from voicebot.call.call_context import CallContext
from voicebot.call.call_runner import file_line_info
from voicebot.call.ticket_keeper import TicketKeeper
from voicebot.events import CallRecord, ErrorOccurred
from voicebot.lines.file_line import FileLine
from voicebot.runtime.clock import RealClock
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets


def context() -> CallContext:
    clock = RealClock()
    line = FileLine([], clock, file_line_info(call_id="c1"))
    return CallContext(line, "zh-CN", clock, CallRecord("c1"), SessionSettings())


async def test_each_save_carries_the_turn_state_and_keeps_one_number() -> None:
    call, store = context(), MemoryTickets()
    keeper = TicketKeeper(call, store, None, started_at_ms=1_000)
    first = await keeper.save("partial", {})
    call.turn.intent, call.turn.faq_topics = "faq", ["faq/office_hours"]
    second = await keeper.save("complaint", {"location": "建国路"})
    draft = store.tickets["c1"]
    assert first == second and store.saves == 2
    assert (draft.kind, draft.intent, draft.faq_topics, draft.fields["location"]) == (
        "complaint", "faq", ("faq/office_hours",), "建国路",
    )  # fmt: skip


async def test_a_store_failure_is_recorded_and_returns_no_number() -> None:
    call = context()
    assert await TicketKeeper(call, MemoryTickets(fail=True), None, 1_000).save("handoff", {}) is None
    assert [e.code for e in call.record.of(ErrorOccurred)] == ["ticket-store-unavailable"]
