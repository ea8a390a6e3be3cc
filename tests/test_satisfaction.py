"""一次一评 through a real session (fake recogniser, dialogue and synthesiser on a scripted line, virtual time) with
the real ticket store on SQLite and PostgreSQL: who is asked, what the answer becomes, where it is kept."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from dialogue.base import BotTurn, FileTicket, Handoff, Hangup
from tests.handoff_support import db_url, store
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BotStartedSpeaking, CallRecord, SatisfactionRated
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.file_line import CallerTurn
from voicebot.runtime.metrics import CallMetrics
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

__all__ = ["db_url", "store"]  # the fixtures

SETTINGS = SessionSettings(no_input_ms=3000, max_no_input=1)
FAQ = say("我们周一到周五上班", faq_topic="faq/office_hours")
BYE = say("感谢您的来电 再见", directives=[Hangup()], intent="goodbye")
COMPLAINT = say("好的", directives=[FileTicket({"complaint_category": "noise", "location": "人民路一号"})])


def speech(texts: Sequence[str]) -> list[CallerTurn]:
    return [CallerTurn(tone(900)) for _ in texts]


async def call(
    turns: list[CallerTurn], texts: list[str], bot: list[BotTurn], tickets: SqlTicketStore | MemoryTickets,
    lang: str = "zh-CN", settings: SessionSettings = SETTINGS,
) -> tuple[CallRecord, list[str]]:
    engines = Engines({lang: ScriptedRecognizer(texts)}, ToneSynth(), ScriptedDialogue(list(bot)), tickets, EnergyVad)
    done = await run_file_call(turns, engines, settings, file_line_info(lang=lang))
    return done.record, [e.text for e in done.record.of(BotStartedSpeaking)]


def rated(record: CallRecord) -> list[tuple[int | None, str]]:
    return [(e.rating, e.via) for e in record.of(SatisfactionRated)]


async def test_an_answered_faq_then_goodbye_is_rated_by_voice_and_kept_on_the_ticket(store: SqlTicketStore) -> None:
    texts = ["你们几点上班", "好的 再见", "基本满意"]
    record, spoken = await call(speech(texts), texts, [FAQ, BYE], store)
    assert record.outcome == "resolved" and rated(record) == [(3, "voice")]
    ask, thanks = prompt("satisfaction_ask", "zh-CN"), prompt("satisfaction_thanks", "zh-CN")
    assert spoken[-3:] == ["感谢您的来电 再见", ask, thanks]
    ticket = await store.get_by_call(record.call_id)
    assert ticket is not None and ticket.kind == "resolved" and ticket.satisfaction == 3
    assert ticket.to_json()["satisfaction"] == 3
    metrics = CallMetrics()
    metrics.record_call(record, "resolved")
    assert metrics.registry.get_sample_value("voicebot_satisfaction_total", {"rating": "3", "lang": "zh-CN"}) == 1.0


async def test_a_filed_complaint_is_rated_by_key_on_its_complaint_ticket(store: SqlTicketStore) -> None:
    texts = ["我要投诉人民路一号施工噪音", "没有了 再见"]
    turns = [*speech(texts), CallerTurn(dtmf="5")]
    record, spoken = await call(turns, texts, [COMPLAINT, BYE], store, lang="zh-CN")
    assert record.outcome == "ticket" and rated(record) == [(5, "dtmf")]
    assert prompt("ticket_filed", "zh-CN", number=record.tickets[0]) in spoken  # read back before the question
    ticket = await store.get(record.tickets[0])
    assert ticket is not None and ticket.kind == "complaint" and ticket.satisfaction == 5
    assert ticket.fields["location"] == "人民路一号"


async def test_english_words_rate_an_english_call() -> None:
    texts = ["when are you open", "that is all goodbye", "very satisfied"]
    tickets = MemoryTickets()
    bot = [say("We are open nine to five.", faq_topic="faq/office_hours"), say("Goodbye.", directives=[Hangup()])]
    record, spoken = await call(speech(texts), texts, bot, tickets, lang="en-US")
    assert rated(record) == [(1, "voice")] and prompt("satisfaction_ask", "en-US") in spoken
    assert tickets.tickets[record.call_id].satisfaction == 1
    metrics = CallMetrics()
    metrics.record_call(record)
    assert metrics.registry.get_sample_value("voicebot_satisfaction_total", {"rating": "1", "lang": "en-US"}) == 1.0


async def test_silence_skip_gibberish_and_several_keys_are_no_rating(store: SqlTicketStore) -> None:
    silent, _ = await call([*speech("ab"), CallerTurn(silence_ms=5000)], ["几点上班", "再见"], [FAQ, BYE], store)
    skipped, spoken = await call(speech("abc"), ["几点上班", "再见", "跳过"], [FAQ, BYE], store)
    noise, _ = await call(speech("abc"), ["几点上班", "再见", "今天天气怎么样"], [FAQ, BYE], store)
    keys, _ = await call([*speech("ab"), CallerTurn(dtmf="12")], ["几点上班", "再见"], [FAQ, BYE], store)
    assert [rated(r) for r in (silent, skipped, noise, keys)] == [
        [(None, "silence")], [(None, "skipped")], [(None, "skipped")], [(None, "skipped")]]  # fmt: skip
    assert prompt("satisfaction_thanks", "zh-CN") not in spoken  # nobody is thanked for a rating never given
    for record in (silent, skipped, noise, keys):
        ticket = await store.get_by_call(record.call_id)
        assert ticket is not None and ticket.satisfaction is None and record.outcome == "resolved"
    # The wait is bounded by the no-input timeout, in call time, counted from the end of the question.
    asked = [e for e in silent.of(BotStartedSpeaking) if e.text == prompt("satisfaction_ask", "zh-CN")][0]
    question_ms = len(asked.text) * 60  # ToneSynth: 60 ms a character
    waited = silent.of(SatisfactionRated)[0].at_ms - asked.at_ms - question_ms
    assert abs(waited - SETTINGS.no_input_ms) <= 100, waited  # give or take a frame or two


async def test_never_asked_after_emergency_advice_a_handoff_a_hang_up_or_no_help() -> None:
    tickets = MemoryTickets()
    emergency, spoken = await call(speech("abc"), ["救命 楼下着火了", "几点上班", "再见"], [FAQ, BYE], tickets)
    assert emergency.outcome == "resolved" and prompt("emergency_fire", "zh-CN") in spoken
    handoff, _ = await call(speech("ab"), ["几点上班", "转接"], [FAQ, say("好的", directives=[Handoff("x")])], tickets)
    hung_up, _ = await call(speech("a"), ["几点上班"], [FAQ], tickets)  # the caller hangs up after the answer
    no_help, _ = await call(speech("ab"), ["你好", "再见"], [say("您好"), BYE], tickets)
    assert [r.outcome for r in (handoff, hung_up, no_help)] == ["handoff", "abandoned", "resolved"]
    for record in (emergency, handoff, hung_up, no_help):
        assert rated(record) == [], record.outcome
        spoken = [e.text for e in record.of(BotStartedSpeaking)]
        assert prompt("satisfaction_ask", "zh-CN") not in spoken
        assert tickets.tickets[record.call_id].satisfaction is None


async def test_the_setting_turns_the_question_off() -> None:
    off = dataclasses.replace(SETTINGS, satisfaction_survey=False)
    texts = ["你们几点上班", "好的 再见", "满意"]
    record, spoken = await call(speech(texts), texts, [FAQ, BYE], MemoryTickets(), settings=off)
    assert record.outcome == "resolved" and rated(record) == []
    assert prompt("satisfaction_ask", "zh-CN") not in spoken
