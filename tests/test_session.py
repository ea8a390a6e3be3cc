"""The call session with fake engines on scripted timelines (virtual time)."""

from __future__ import annotations

import asyncio

from dialogue.base import FileTicket, Handoff, Hangup
from voicebot.audio import AudioFrame
from voicebot.call.call_context import CallContext
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.playback import SayEnd, Speaker
from voicebot.call.prompts import prompt
from voicebot.call.session import CallSession, Engines
from voicebot.events import (
    BargeIn,
    BotStartedSpeaking,
    BotStoppedSpeaking,
    CallEnded,
    CallRecord,
    ErrorOccurred,
    HandoffRequested,
    NoInput,
    SatisfactionRated,
    TicketFiled,
    Transcribed,
    UserStartedSpeaking,
    UserStoppedSpeaking,
)
from voicebot.lines.file_line import CallerTurn, FileLine
from voicebot.runtime.clock import RealClock, VirtualClock
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, rasa_down, say, tone

SETTINGS = SessionSettings(no_input_ms=4000, max_no_input=1)


def engines(texts: list[str], dialogue: ScriptedDialogue, tickets: MemoryTickets | None = None) -> Engines:
    return Engines(
        recognizers={"zh-CN": ScriptedRecognizer(texts)},
        synthesizer=ToneSynth(),
        dialogue=dialogue,
        tickets=tickets or MemoryTickets(),
        vad_factory=EnergyVad,
    )


async def test_faq_turn_then_goodbye_resolves_the_call() -> None:
    dialogue = ScriptedDialogue(
        [say("我们周一到周五上班", faq_topic="faq/office_hours"), say("再见", directives=[Hangup()])]
    )
    tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1500)), CallerTurn(tone(800))],
        engines(["你们几点上班", "好的谢谢再见"], dialogue, tickets),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    assert dialogue.asked == ["你们几点上班", "好的谢谢再见"]
    assert [e.text for e in record.of(Transcribed)] == ["你们几点上班", "好的谢谢再见"]
    assert record.outcome == "resolved"
    assert call.line.hung_up_by_bot
    spoken = [e.text for e in record.of(BotStartedSpeaking)]
    # An FAQ answered, then goodbye: the caller is asked once to rate the call, and hangs up instead of answering.
    assert spoken == [prompt("greeting", "zh-CN"), "我们周一到周五上班", "再见", prompt("satisfaction_ask", "zh-CN")]
    assert [(e.rating, e.via) for e in record.of(SatisfactionRated)] == [(None, "hangup")]
    stored = tickets.tickets[record.call_id]
    assert stored.kind == "resolved" and stored.faq_topics == ("faq/office_hours",)
    assert [line.speaker for line in stored.transcript] == ["bot", "caller", "bot", "caller", "bot", "bot"]
    # Reply latency in virtual time is the endpointing pause plus at most a frame or two. Adaptive end of turn
    # reads the partial words: a question it cannot call complete waits the neutral hold (550 ms), a closing
    # "再见" the short one (300 ms); the fixed rule waited 700 ms for both.
    latencies = record.reply_latencies_ms()
    assert len(latencies) == 2 and 550 <= latencies[0] <= 610 and 300 <= latencies[1] <= 360, latencies
    assert [(e.waited_ms, e.end_reason) for e in record.of(UserStoppedSpeaking)] == [(560, "neutral"),
                                                                                      (300, "closing-word")]


async def test_barge_in_stops_the_bot_within_500_ms_of_speech_onset() -> None:
    long_answer = "这是一个很长的回答" * 10  # 90 chars -> 5.4 s of audio
    dialogue = ScriptedDialogue([say(long_answer), say("好的", directives=[Hangup()])])
    call = await run_file_call(
        [CallerTurn(tone(1500)), CallerTurn(tone(1200), barge_in_after_ms=1000)],
        engines(["问题一", "打断一下"], dialogue),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    barge = record.of(BargeIn)
    assert len(barge) == 1
    speaking_starts = [e for e in record.of(BotStartedSpeaking) if e.text == long_answer]
    started = speaking_starts[0].at_ms
    stop = next(e for e in record.of(BotStoppedSpeaking) if e.interrupted)
    caller_start = record.of(UserStartedSpeaking)[-1].at_ms
    assert 1000 <= caller_start - started <= 1100
    assert 300 <= stop.at_ms - caller_start <= 500, (caller_start, stop.at_ms)  # > 300 ms voiced, then words
    # The bot's audio really stopped on the line: no bot samples between the barge-in and the next reply.
    bot = call.line.bot_audio()
    cut = (stop.at_ms + 40) * 8 * 2
    resume = next(e for e in record.of(BotStartedSpeaking) if e.text == "好的").at_ms * 8 * 2
    assert set(bot.pcm[cut:resume]) <= {0}
    assert dialogue.asked == ["问题一", "打断一下"]


async def test_rasa_down_gives_apology_and_handoff_with_what_was_said() -> None:
    tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1500))],
        engines(["我要投诉噪音"], ScriptedDialogue([rasa_down()]), tickets),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    assert [e.code for e in record.of(ErrorOccurred)] == ["rasa-unreachable"]
    spoken = [e.text for e in record.of(BotStartedSpeaking)]
    assert prompt("apology", "zh-CN") in spoken
    assert record.of(HandoffRequested)[0].reason == "dialogue-failed"
    assert record.outcome == "handoff"
    ticket = tickets.tickets[record.call_id]
    assert ticket.kind == "handoff" and ticket.handoff_reason == "dialogue-failed"
    assert any(line.text == "我要投诉噪音" for line in ticket.transcript)


async def test_dtmf_zero_hands_off_at_once_even_mid_form() -> None:
    dialogue = ScriptedDialogue([say("请问在什么地方", slots={"complaint_category": "noise"})])
    tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1200)), CallerTurn(dtmf="0")],
        engines(["我要投诉噪音"], dialogue, tickets),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    assert record.of(HandoffRequested)[0].reason == "dtmf-0"
    assert dialogue.asked == ["我要投诉噪音"]
    ticket = tickets.tickets[record.call_id]
    assert ticket.kind == "handoff" and ticket.fields["complaint_category"] == "noise"
    assert call.line.transfers == ["agents"]


async def test_spoken_request_for_a_human_works_without_the_dialogue_engine() -> None:
    dialogue = ScriptedDialogue([rasa_down()])
    call = await run_file_call([CallerTurn(tone(1000))], engines(["我要转人工"], dialogue), SETTINGS, file_line_info())
    assert dialogue.asked == []
    assert call.record.of(HandoffRequested)[0].reason == "caller-request"


async def test_emergency_is_told_to_dial_at_once() -> None:
    dialogue = ScriptedDialogue([])
    call = await run_file_call([CallerTurn(tone(1000))], engines(["我家着火了"], dialogue), SETTINGS, file_line_info())
    spoken = [e.text for e in call.record.of(BotStartedSpeaking)]
    assert prompt("emergency_fire", "zh-CN") in spoken and dialogue.asked == []


async def test_silence_reprompts_then_ends_politely() -> None:
    call = await run_file_call(
        [CallerTurn(silence_ms=20000)], engines([], ScriptedDialogue([])), SETTINGS, file_line_info()
    )
    record = call.record
    assert [e.count for e in record.of(NoInput)] == [1, 2]
    spoken = [e.text for e in record.of(BotStartedSpeaking)]
    assert spoken == [prompt("greeting", "zh-CN"), prompt("reprompt", "zh-CN"), prompt("goodbye_no_input", "zh-CN")]
    assert record.outcome == "no-input" and record.of(CallEnded)[0].reason == "no-input"


async def test_complaint_ticket_number_spoken_is_the_stored_one() -> None:
    fields = {"complaint_category": "noise", "location": "人民路1号", "callback_phone": "13812345678"}
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
    record = call.record
    filed = record.of(TicketFiled)
    assert len(filed) == 1
    number = filed[0].number
    assert number == tickets.numbers[record.call_id]
    assert prompt("ticket_filed", "zh-CN", number=number) in [e.text for e in record.of(BotStartedSpeaking)]
    assert tickets.tickets[record.call_id].kind == "complaint"
    assert tickets.tickets[record.call_id].fields["location"] == "人民路1号"


async def test_ticket_store_down_still_ends_the_call_cleanly() -> None:
    dialogue = ScriptedDialogue([say("好的", directives=[Handoff("caller-request", {})])])
    call = await run_file_call(
        [CallerTurn(tone(1000))], engines(["帮我处理"], dialogue, MemoryTickets(fail=True)), SETTINGS, file_line_info()
    )
    assert call.record.outcome == "handoff"
    assert "ticket-store-unavailable" in [e.code for e in call.record.of(ErrorOccurred)]


async def test_caller_hanging_up_mid_answer_ends_the_call_at_once() -> None:
    long_answer = "这是一个很长的回答" * 20  # 10.8 s of audio
    dialogue = ScriptedDialogue([say(long_answer, "还有第二句话")])
    tickets = MemoryTickets()
    call = await run_file_call(
        [CallerTurn(tone(1200)), CallerTurn(hangup=True, barge_in_after_ms=1000)],
        engines(["问题"], dialogue, tickets),
        SETTINGS,
        file_line_info(),
    )
    record = call.record
    hung_up = call.line.hung_up_by_caller_at
    assert hung_up is not None
    ended = record.of(CallEnded)[0]
    assert ended.reason == "abandoned" and ended.at_ms - hung_up <= 100
    assert "还有第二句话" not in [e.text for e in record.of(BotStartedSpeaking)]
    assert tickets.tickets[record.call_id].kind == "partial"


class SwallowingLine:
    """A line whose send swallows a cancel, as ``asyncio.wait_for`` does on Python 3.11 when the send completes."""

    def __init__(self) -> None:
        self.info = file_line_info()
        self.sent = 0
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()

    async def send(self, frame: AudioFrame) -> None:
        self.sent += 1
        if self.sent == 3:
            self.entered.set()
            try:
                await self.gate.wait()
            except asyncio.CancelledError:
                return  # the cancel is lost here

    async def clear(self) -> None:
        pass


async def test_barge_in_stops_the_bot_even_if_the_line_swallows_the_cancel() -> None:
    line = SwallowingLine()
    record = CallRecord("c1")
    speaker = Speaker(CallContext(line, "zh-CN", RealClock(), record, SETTINGS), ToneSynth())  # type: ignore[arg-type]
    saying = asyncio.create_task(speaker.say("一句很长的话" * 5))
    await line.entered.wait()
    assert await speaker.interrupt()
    said = await asyncio.wait_for(saying, 1.0)
    await asyncio.sleep(0.1)
    assert said.end is SayEnd.INTERRUPTED and line.sent == 3


async def test_a_line_that_can_show_events_gets_transcripts_and_bot_replies() -> None:
    class ShowingLine(FileLine):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)  # type: ignore[arg-type]
            self.shown: list[dict[str, object]] = []

        async def notify(self, event: dict[str, object]) -> None:
            self.shown.append(event)

    clock = VirtualClock()
    ticker = asyncio.create_task(clock.run())
    line = ShowingLine([CallerTurn(tone(1200))], clock, file_line_info())
    try:
        dialogue = ScriptedDialogue([say("我们九点上班", directives=[Hangup()])])
        await CallSession(line, engines(["几点上班"], dialogue), SETTINGS, clock).run()
    finally:
        ticker.cancel()
    assert {"type": "transcript", "text": "几点上班"} in line.shown
    assert [e["text"] for e in line.shown if e["type"] == "bot"] == [prompt("greeting", "zh-CN"), "我们九点上班"]
