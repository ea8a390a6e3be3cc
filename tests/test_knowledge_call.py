"""The next call speaks the answer a supervisor saved: Rasa (here a scripted engine) only names the FAQ topic."""

from __future__ import annotations

from pathlib import Path

from dialogue.base import Hangup
from dialogue.rasa_client import parse_messages
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BotStartedSpeaking
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import FaqAnswers
from voicebot.knowledge.dialogue import StoredAnswers
from voicebot.knowledge.seed import SeedAnswer
from voicebot.lines.file_line import CallerTurn
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

SETTINGS = SessionSettings(no_input_ms=4000, max_no_input=1, satisfaction_survey=False)  # the answers only
TRAINED = "这是样例内容。政务服务大厅周一到周五上午九点到下午五点办公。"


def faq_turns() -> list[object]:
    """What Rasa sends for an office-hours question: its trained text, then the topic payload; then goodbye."""
    answer = parse_messages([{"text": "好的"}, {"text": TRAINED}, {"custom": {"faq_topic": "faq/office_hours"}}])
    return [answer, say("再见", directives=[Hangup()])]


async def call_once(dialogue: StoredAnswers, synth: ToneSynth) -> list[str]:
    engines = Engines(recognizers={"zh-CN": ScriptedRecognizer(["大厅几点开门", "再见"])}, synthesizer=synth,
                      dialogue=dialogue, tickets=MemoryTickets(), vad_factory=EnergyVad)  # fmt: skip
    call = await run_file_call([CallerTurn(tone(1500)), CallerTurn(tone(800))], engines, SETTINGS, file_line_info())
    return [e.text for e in call.record.of(BotStartedSpeaking)]


async def test_an_edit_is_spoken_on_the_next_call_and_the_trained_text_never(tmp_path: Path) -> None:
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'kb.db'}")
    await store.migrate()
    try:
        answers = FaqAnswers(store.engine, store.now_ms)
        await answers.seed([SeedAnswer("office_hours", "zh-CN", "大厅九点开门。")])
        synth = ToneSynth()
        first = await call_once(StoredAnswers(ScriptedDialogue(faq_turns()), answers), synth)  # type: ignore[arg-type]
        assert first == [prompt("greeting", "zh-CN"), "好的", "大厅九点开门。", "再见"]
        await answers.save("office_hours", "zh-CN", "从下周起大厅八点开门。", "sue")
        second = await call_once(StoredAnswers(ScriptedDialogue(faq_turns()), answers), synth)  # type: ignore[arg-type]
        assert second == [prompt("greeting", "zh-CN"), "好的", "从下周起大厅八点开门。", "再见"]
        assert TRAINED not in synth.spoken and "从下周起大厅八点开门。" in synth.spoken
    finally:
        await store.close()


async def test_an_unknown_topic_or_an_unreadable_database_speaks_the_trained_text(tmp_path: Path) -> None:
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'kb.db'}")
    await store.migrate()
    answers = FaqAnswers(store.engine, store.now_ms)
    unknown = await call_once(StoredAnswers(ScriptedDialogue(faq_turns()), answers), ToneSynth())  # type: ignore[arg-type]
    assert TRAINED in unknown  # nothing stored for the topic
    await store.close()
    bare = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'unmigrated.db'}")  # no faq_answers table: reads fail
    try:
        broken = FaqAnswers(bare.engine, bare.now_ms)
        spoken = await call_once(StoredAnswers(ScriptedDialogue(faq_turns()), broken), ToneSynth())  # type: ignore[arg-type]
    finally:
        await bare.close()
    assert TRAINED in spoken


def test_the_faq_answer_is_the_text_just_before_the_topic_payload() -> None:
    turn = parse_messages([{"text": "好的"}, {"text": TRAINED}, {"custom": {"faq_topic": "faq/office_hours"}},
                           {"text": "还有别的问题吗"}])  # fmt: skip
    assert turn.faq_topic == "faq/office_hours" and turn.faq_index == 1
    assert parse_messages([{"text": "你好"}]).faq_index is None
