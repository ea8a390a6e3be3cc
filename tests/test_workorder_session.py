"""A call's tickets carry the work order: built from the dialogue's fields when a complaint or handoff is saved."""

from __future__ import annotations

from dialogue.base import FileTicket, Handoff, Hangup
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.session import Engines
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import SessionSettings, WorkOrderSettings
from voicebot.workorder.book import load_book

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

SETTINGS = SessionSettings(no_input_ms=4000, max_no_input=1)
BOOK = load_book(WorkOrderSettings())


def engines(texts: list[str], dialogue: ScriptedDialogue, tickets: MemoryTickets) -> Engines:
    return Engines(
        recognizers={"zh-CN": ScriptedRecognizer(texts)},
        synthesizer=ToneSynth(),
        dialogue=dialogue,
        tickets=tickets,
        vad_factory=EnergyVad,
        workorder=BOOK,
    )


async def test_a_filed_complaint_gets_its_work_order() -> None:
    fields = {
        "kind": "complaint",
        "request_type": "report",
        "complaint_category": "consumer",
        "location": "海淀区中关村大街1号",
        "description": "健身房跑路了，预付卡退不了",
        "lang": "zh-CN",
    }
    dialogue = ScriptedDialogue(
        [say("好的已记录", directives=[FileTicket(fields)]), say("再见", directives=[Hangup()])]
    )
    tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1000)), CallerTurn(tone(600))],
        engines(["对", "没有了"], dialogue, tickets),
        SETTINGS,
        file_line_info(),
    )
    stored = tickets.tickets[call.record.call_id]
    assert stored.kind == "complaint" and stored.work_order is not None
    wo = stored.work_order
    assert (wo.request_type, wo.category, wo.subcategory) == ("report", "market_regulation", "prepaid_cards")
    assert (wo.area.district, wo.area.street, wo.department) == ("海淀区", "中关村街道", "海淀区市场监督管理局")
    assert wo.deadline_at > stored.started_at_ms


async def test_a_handoff_gets_one_and_a_resolved_call_does_not() -> None:
    dialogue = ScriptedDialogue([say("好的", directives=[Handoff("caller-request", {})])])
    tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1000))], engines(["帮我转人工"], dialogue, tickets), SETTINGS, file_line_info()
    )
    handoff = tickets.tickets[call.record.call_id]
    assert handoff.kind == "handoff" and handoff.work_order is not None
    assert handoff.work_order.category == "other" and handoff.work_order.flags == ()
    faq = ScriptedDialogue([say("周一到周五", faq_topic="faq/office_hours"), say("再见", directives=[Hangup()])])
    resolved_tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1000)), CallerTurn(tone(600))],
        engines(["几点上班", "再见"], faq, resolved_tickets),
        SETTINGS,
        file_line_info(),
    )
    resolved = resolved_tickets.tickets[call.record.call_id]
    assert resolved.kind == "resolved" and resolved.work_order is None


def test_the_first_account_and_the_added_details_make_the_ticket_description() -> None:
    from voicebot.call.ticketing import ticket_fields

    fields = ticket_fields({"opening": "小区垃圾好几天没人清理", "field_words": {"location": "就在 门口"}})
    assert fields["description"] == "小区垃圾好几天没人清理" and fields["words"] == {"location": "就在 门口"}
    both = ticket_fields({"opening": "楼上装修太吵", "description": "周末早上八点就砸墙"})
    assert both["description"] == "楼上装修太吵 周末早上八点就砸墙" and "opening" not in both
