"""Engine faults mid-call: every caller hears something sensible and every call ends with a ticket."""

from __future__ import annotations

import asyncio

from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BotStartedSpeaking, ErrorOccurred, HandoffRequested
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets
from .fakes import BrokenSynth, EnergyVad, FailingRecognizer, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

SETTINGS = SessionSettings(no_input_ms=6000, dialogue_timeout_s=0.3)


def build(**overrides: object) -> Engines:
    parts: dict[str, object] = {
        "recognizers": {"zh-CN": ScriptedRecognizer(["我要问个事"])},
        "synthesizer": ToneSynth(),
        "dialogue": ScriptedDialogue([say("好的")]),
        "tickets": MemoryTickets(),
        "vad_factory": EnergyVad,
    }
    parts.update(overrides)
    return Engines(**parts)  # type: ignore[arg-type]


async def call(engines: Engines) -> tuple[list[str], list[str], str, MemoryTickets]:
    result = await run_file_call([CallerTurn(tone(1200))], engines, SETTINGS, file_line_info())
    tickets = engines.tickets
    assert isinstance(tickets, MemoryTickets)
    spoken = [e.text for e in result.record.of(BotStartedSpeaking)]
    reasons = [e.reason for e in result.record.of(HandoffRequested)]
    assert result.record.call_id in tickets.tickets, "every call ends with a ticket"
    assert [e.code for e in result.record.of(ErrorOccurred)], "the fault is on the record"
    return spoken, reasons, result.record.outcome, tickets


async def test_asr_raising_gives_apology_and_handoff() -> None:
    spoken, reasons, outcome, _ = await call(build(recognizers={"zh-CN": FailingRecognizer([])}))
    assert prompt("apology", "zh-CN") in spoken and reasons == ["asr-failed"] and outcome == "handoff"


async def test_slow_dialogue_times_out_into_apology_and_handoff() -> None:
    dialogue = ScriptedDialogue([say("太晚了")], delay_s=2.0)
    spoken, reasons, outcome, tickets = await call(build(dialogue=dialogue))
    assert "太晚了" not in spoken and prompt("apology", "zh-CN") in spoken
    assert reasons == ["dialogue-failed"] and outcome == "handoff"
    assert any(line.text == "我要问个事" for line in next(iter(tickets.tickets.values())).transcript)


async def test_tts_failing_plays_the_cached_apology_and_hands_off() -> None:
    cached = {prompt("greeting", "zh-CN"), prompt("apology", "zh-CN")}
    spoken, reasons, outcome, _ = await call(build(synthesizer=BrokenSynth(cached)))
    assert spoken == [prompt("greeting", "zh-CN"), prompt("apology", "zh-CN")]
    assert reasons == ["tts-failed"] and outcome == "handoff"


async def test_tts_down_from_the_start_still_hands_off_with_a_ticket() -> None:
    spoken, reasons, outcome, _ = await call(build(synthesizer=BrokenSynth(set())))
    assert spoken == [] and reasons == ["tts-failed"] and outcome == "handoff"


async def test_many_calls_at_once_do_not_disturb_each_other() -> None:
    async def one(index: int) -> str:
        engines = build(recognizers={"zh-CN": ScriptedRecognizer([f"问题{index}"])},
                        dialogue=ScriptedDialogue([say(f"回答{index}")]))  # fmt: skip
        result = await run_file_call([CallerTurn(tone(900 + 20 * index))], engines, SETTINGS, file_line_info())
        return next(e.text for e in result.record.of(BotStartedSpeaking) if e.text.startswith("回答"))

    answers = await asyncio.gather(*(one(i) for i in range(12)))
    assert answers == [f"回答{i}" for i in range(12)]


async def test_empty_answer_from_the_dialogue_is_not_dead_air() -> None:
    """Rasa replies with no message when its action server is down: the caller still hears something."""
    spoken, reasons, outcome, _ = await call(build(dialogue=ScriptedDialogue([say()])))
    assert prompt("apology", "zh-CN") in spoken and reasons == ["dialogue-failed"] and outcome == "handoff"
