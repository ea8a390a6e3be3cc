"""Barge-in in whole calls (fake engines, virtual time): a false interruption resumes, read-backs play on."""

from __future__ import annotations

from dialogue.base import FileTicket, Hangup
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.events import BargeIn, BargeInRetracted, BotStartedSpeaking, BotStoppedSpeaking
from voicebot.lines.file_line import CallerTurn

from .fake_tickets import MemoryTickets
from .fakes import ScriptedDialogue, say, tone
from .test_session import SETTINGS, engines

FIRST = "这是第一句话。"
SECOND = "这是第二句话，它说得很长很长，好让来电人在它中间插话，然后什么也没有说出来。"


async def test_an_interruption_that_was_nothing_replays_the_cut_sentence_and_finishes_the_turn() -> None:
    dialogue = ScriptedDialogue([say(FIRST + SECOND, directives=[Hangup()])])
    call = await run_file_call(
        [CallerTurn(tone(1500)), CallerTurn(tone(500), barge_in_after_ms=1200)],
        engines(["问题", "等一下|"], dialogue),  # words in the partial, none in the end
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    assert len(record.of(BargeIn)) == 1 and len(record.of(BargeInRetracted)) == 1
    spoken = [e.text for e in record.of(BotStartedSpeaking)]
    assert spoken == [prompt("greeting", "zh-CN"), FIRST + SECOND, SECOND]  # from the start of the cut sentence
    assert [e.interrupted for e in record.of(BotStoppedSpeaking)] == [False, True, False]
    assert dialogue.asked == ["问题"]  # the nothing never reached the dialogue
    assert record.outcome == "resolved"  # the turn's Hangup still ran after the resumed sentence


async def test_speech_over_a_ticket_number_read_back_does_not_cut_it_and_is_answered_after() -> None:
    tickets = MemoryTickets()
    dialogue = ScriptedDialogue([say(directives=[FileTicket({"description": "噪音"})]),
                                 say("好的，再见", directives=[Hangup()])])  # fmt: skip
    call = await run_file_call(
        [CallerTurn(tone(1500)), CallerTurn(tone(1000), barge_in_after_ms=300)],
        engines(["我要投诉噪音", "我还有一个问题"], dialogue, tickets),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    assert not record.of(BargeIn)
    readback = next(e for e in record.of(BotStartedSpeaking) if "工单号" in e.text)
    assert readback.text == prompt("ticket_filed", "zh-CN", number=record.tickets[0])
    assert all(not e.interrupted for e in record.of(BotStoppedSpeaking))
    assert dialogue.asked == ["我要投诉噪音", "我还有一个问题"]  # heard whole, answered once the number was read


async def test_a_backchannel_over_the_bot_is_no_turn() -> None:
    dialogue = ScriptedDialogue([say(FIRST + SECOND, directives=[Hangup()])])
    call = await run_file_call(
        [CallerTurn(tone(1500)), CallerTurn(tone(600), barge_in_after_ms=800)],
        engines(["问题", "嗯 对"], dialogue),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    assert not record.of(BargeIn)
    assert [e.interrupted for e in record.of(BotStoppedSpeaking)] == [False, False]
    assert dialogue.asked == ["问题"] and record.outcome == "resolved"
