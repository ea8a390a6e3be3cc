"""Handed-off callers waiting for a human: position, refresh, callback, after hours (virtual time)."""

from __future__ import annotations

import dataclasses

from dialogue.base import FileTicket
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines, final_kind
from voicebot.events import BotStartedSpeaking, TransferAttempted
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import SessionSettings

from .fake_tickets import FakeQueue, MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

SETTINGS = SessionSettings(no_input_ms=60000)


def engines(texts: list[str], queue: FakeQueue) -> Engines:
    return Engines(
        recognizers={"zh-CN": ScriptedRecognizer(texts)},
        synthesizer=ToneSynth(ms_per_char=20),
        dialogue=ScriptedDialogue([]),
        tickets=MemoryTickets(),
        vad_factory=EnergyVad,
        queue=queue,
    )


def spoken(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [e.text for e in call.record.of(BotStartedSpeaking)]


async def test_waiting_caller_hears_position_and_a_claim_on_a_line_that_cannot_transfer_is_a_callback() -> None:
    queue = FakeQueue(claim_after_polls=2)
    info = dataclasses.replace(file_line_info(), calling_number="13812345678")
    call = await run_file_call([CallerTurn(tone(800)), CallerTurn(silence_ms=70000)],
                               engines(["转人工"], queue), SETTINGS, info)  # fmt: skip
    said = spoken(call)
    number = call.record.tickets[0]
    assert prompt("queue_position", "zh-CN", position="3", minutes="12") in said
    assert prompt("queue_position", "zh-CN", position="2", minutes="4") in said  # refreshed after 30 s
    # A file line cannot transfer at all: when the agent claims, the caller is told they will be called back.
    assert said[-1] == prompt("callback_registered", "zh-CN", number=number)
    assert call.line.transfers == [] and queue.requeued == [] and call.record.of(TransferAttempted) == []
    assert queue.callbacks == [(number, "13812345678")] and call.record.outcome == "callback"


async def test_caller_can_choose_a_callback_with_key_1() -> None:
    queue = FakeQueue()
    info = dataclasses.replace(file_line_info(), calling_number="13812345678")
    call = await run_file_call(
        [CallerTurn(tone(800)), CallerTurn(dtmf="1#")], engines(["转人工"], queue), SETTINGS, info
    )
    number = call.record.tickets[0]
    assert queue.callbacks == [(number, "13812345678")]
    assert spoken(call)[-1] == prompt("callback_registered", "zh-CN", number=number)
    assert call.record.outcome == "callback"


async def test_after_hours_the_caller_is_offered_a_callback_at_once() -> None:
    queue = FakeQueue(open_now=False)
    call = await run_file_call([CallerTurn(tone(800)), CallerTurn(tone(600))], engines(["转人工", "好的请回电"], queue),
                               SETTINGS, file_line_info())  # fmt: skip
    said = spoken(call)
    assert any(text.startswith("现在是非工作时间") for text in said)
    assert queue.queued == [] and len(queue.callbacks) == 1
    assert said[-1].startswith("好的，已为您登记回电")


async def test_caller_hanging_up_in_the_queue_still_gets_a_callback() -> None:
    queue = FakeQueue()
    call = await run_file_call([CallerTurn(tone(800))], engines(["转人工"], queue), SETTINGS, file_line_info())
    assert len(queue.callbacks) == 1 and call.record.outcome == "handoff"


async def test_dialogue_is_told_whether_agents_are_working() -> None:
    for open_now in (True, False):
        dialogue = ScriptedDialogue([])
        parts = dataclasses.replace(engines(["我想咨询一下"], FakeQueue(open_now=open_now)), dialogue=dialogue)
        await run_file_call([CallerTurn(tone(800))], parts, SETTINGS, file_line_info())
        assert dialogue.metadata[0]["agents_available"] is open_now
        assert ("agents_back" in dialogue.metadata[0]) is (not open_now)


async def test_a_callback_taken_in_the_dialogue_after_hours_is_a_callback_ticket_and_ends_the_call() -> None:
    queue = FakeQueue(open_now=False)
    offer = say("现在是非工作时间 需要我为您登记一个回电吗", expect="yes_no")
    taken = say("好的 已为您登记回电", directives=[FileTicket({"kind": "callback", "lang": "zh-CN",
                                                                "complaint_category": "noise"})])  # fmt: skip
    parts = dataclasses.replace(engines(["帮我订机票", "好的", "还有一件事"], queue),
                                dialogue=ScriptedDialogue([offer, taken]))  # fmt: skip
    info = dataclasses.replace(file_line_info(), calling_number="13812345678")
    call = await run_file_call([CallerTurn(tone(800)), CallerTurn(tone(600)), CallerTurn(tone(600))], parts,
                               SETTINGS, info)  # fmt: skip
    (number,) = call.record.tickets
    assert queue.callbacks == [(number, "13812345678")] and queue.queued == []
    said = spoken(call)
    assert said[-2:] == [prompt("ticket_filed", "zh-CN", number=number), prompt("goodbye", "zh-CN")]
    assert call.record.outcome == "callback" and final_kind(call.record) == "callback"
    ticket = parts.tickets.tickets[call.record.call_id]  # type: ignore[attr-defined]
    assert ticket.kind == "callback" and ticket.fields["complaint_category"] == "noise"
    assert "kind" not in ticket.fields and call.line.turns_played == 2  # the call ended: turn 3 never played


async def test_an_agent_who_books_a_callback_instead_of_claiming_is_not_taken_for_a_claim() -> None:
    queue = FakeQueue(claim_after_polls=1, decided="callback_due")  # the agent chose "call back" in the console
    call = await run_file_call([CallerTurn(tone(800)), CallerTurn(silence_ms=40000)],
                               engines(["转人工"], queue), SETTINGS, file_line_info())  # fmt: skip
    number = call.record.tickets[0]
    assert spoken(call)[-1] == prompt("callback_registered", "zh-CN", number=number)
    assert call.record.of(TransferAttempted) == [] and queue.callbacks == []  # no transfer; the agent booked it
    assert call.record.outcome == "callback"


async def test_a_ticket_resolved_while_its_caller_waits_is_told_and_the_call_ends() -> None:
    queue = FakeQueue(claim_after_polls=1, decided="resolved")
    call = await run_file_call([CallerTurn(tone(800)), CallerTurn(silence_ms=40000)],
                               engines(["转人工"], queue), SETTINGS, file_line_info())  # fmt: skip
    number = call.record.tickets[0]
    said = spoken(call)
    assert prompt("ticket_status", "zh-CN", number=number, status="已办结") in said
    assert said[-1] == prompt("goodbye", "zh-CN") and call.record.of(TransferAttempted) == []
