"""Repeat callers and ticket status in real calls: the session with fake engines (virtual time) and a real SQLite
ticket store seeded with tickets of the calling number and of other callers."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from dialogue.base import FileTicket, Hangup, TicketStatus
from voicebot.call.call_runner import SimulatedCall, file_line_info, run_file_call
from voicebot.call.plain_words import describe
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BotReplied, BotStartedSpeaking, ErrorOccurred
from voicebot.handoff.base import TicketStore
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.file_line import CallerTurn
from voicebot.qa.seeds import SeedTicket, seed_tickets
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets, SlowTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone

SETTINGS = SessionSettings(no_input_ms=4000, max_no_input=1)
SHANGHAI = timezone(timedelta(hours=8))
DEADLINE = int(datetime(2026, 12, 5, 18, 0, tzinfo=SHANGHAI).timestamp() * 1000)
MINE = SeedTicket("20261205", "13900139000", "claimed", "朝阳区住房和城乡建设委员会", DEADLINE, description="施工噪音")
THEIRS = SeedTicket("20261207", "13500135000", "claimed", "朝阳区市场监督管理局", DEADLINE,
                    callback_phone="13700137000")


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqlTicketStore]:
    tickets = SqlTicketStore.from_url(f"sqlite:///{tmp_path}/tickets.db")
    await tickets.migrate()
    await seed_tickets(tickets, (MINE, THEIRS))
    yield tickets
    await tickets.close()


async def call(store: TicketStore, texts: list[str], dialogue: ScriptedDialogue, turns: list[CallerTurn],
               number: str, lang: str = "zh-CN") -> SimulatedCall:  # fmt: skip
    engines = Engines({lang: ScriptedRecognizer(texts)}, ToneSynth(), dialogue, store, EnergyVad)
    info = dataclasses.replace(file_line_info(lang=lang), calling_number=number)
    return await run_file_call(turns, engines, SETTINGS, info)


def spoken(result: SimulatedCall) -> list[str]:
    return [e.text for e in result.record.of(BotStartedSpeaking)]


def intents(result: SimulatedCall) -> list[str | None]:
    return [e.intent for e in result.record.of(BotReplied)]


async def test_a_repeat_caller_hears_the_tail_digits_and_then_the_status_department_and_deadline(
    store: SqlTicketStore,
) -> None:
    dialogue = ScriptedDialogue([say("感谢您的来电，再见", directives=[Hangup()])])
    result = await call(store, ["是的 我想问问进展", "再见"], dialogue, [CallerTurn(tone(800)), CallerTurn(tone(600))],
                        "+86 139-0013-9000")  # fmt: skip
    said = spoken(result)
    assert said[0] == prompt("repeat_offer", "zh-CN", tail="1205") and "尾号1205" in said[0]
    assert said[1:5] == ["工单 20261205 的当前状态是：正在处理。", "承办单位是朝阳区住房和城乡建设委员会。",
                         "办理时限是十二月五日。", prompt("anything_else", "zh-CN")]  # fmt: skip
    assert dialogue.asked == ["再见"]  # the answer to the offer never reached the dialogue
    assert intents(result)[:2] == ["repeat_offer", "repeat_status"]


async def test_the_same_problem_again_files_a_follow_up_linked_to_the_open_ticket(store: SqlTicketStore) -> None:
    dialogue = ScriptedDialogue([say(directives=[FileTicket({"description": "垃圾又堆起来了"})]),
                                 say("再见", directives=[Hangup()])])  # fmt: skip
    result = await call(store, ["还是那个问题", "垃圾又堆起来了 在小区门口", "再见"], dialogue,
                        [CallerTurn(tone(800)), CallerTurn(tone(900)), CallerTurn(tone(600))], "0086 13900139000")
    said = spoken(result)
    assert said[1] == prompt("repeat_followup", "zh-CN", tail="1205")
    assert dialogue.asked == ["垃圾又堆起来了 在小区门口", "再见"]
    followup = await store.get_by_call(result.record.call_id)
    assert followup is not None and followup.kind == "complaint" and followup.repeat_of == MINE.number
    original = await store.get(MINE.number)
    assert original is not None and original.repeats == (followup.number,)


async def test_anything_else_goes_on_to_the_dialogue_as_usual(store: SqlTicketStore) -> None:
    dialogue = ScriptedDialogue([say("公积金可以在线提取", faq_topic="faq/provident_fund"),
                                 say("再见", directives=[Hangup()])])  # fmt: skip
    result = await call(store, ["我想问一下公积金怎么取", "再见"], dialogue,
                        [CallerTurn(tone(800)), CallerTurn(tone(600))], "13900139000")  # fmt: skip
    assert spoken(result)[:2] == [prompt("repeat_offer", "zh-CN", tail="1205"), "公积金可以在线提取"]
    assert dialogue.asked == ["我想问一下公积金怎么取", "再见"]
    ticket = await store.get_by_call(result.record.call_id)
    assert ticket is not None and ticket.repeat_of is None


async def test_a_withheld_number_is_never_looked_up() -> None:
    tickets = MemoryTickets()
    for number in ("anonymous", ""):
        dialogue = ScriptedDialogue([say("再见", directives=[Hangup()])])
        result = await call(tickets, ["再见"], dialogue, [CallerTurn(tone(600))], number)
        assert spoken(result)[0] == prompt("greeting", "zh-CN")
    assert tickets.lookups == 0


@pytest.mark.parametrize("tickets", [MemoryTickets(fail=True), SlowTickets(delay_s=5.0)], ids=["failing", "slow"])
async def test_a_failing_or_slow_store_means_the_usual_greeting_at_once(tickets: MemoryTickets) -> None:
    dialogue = ScriptedDialogue([say("再见", directives=[Hangup()])])
    result = await call(tickets, ["再见"], dialogue, [CallerTurn(tone(600))], "13900139000")
    said = result.record.of(BotStartedSpeaking)
    assert said[0].text == prompt("greeting", "zh-CN") and said[0].at_ms < 100
    assert dialogue.asked == ["再见"]
    errors = [e.code for e in result.record.of(ErrorOccurred)]
    assert ("ticket-read-failed" in errors) == tickets.fail


async def test_the_callers_own_ticket_is_described_at_once(store: SqlTicketStore) -> None:
    dialogue = ScriptedDialogue([say(directives=[TicketStatus(THEIRS.number)]), say("再见", directives=[Hangup()])])
    result = await call(store, ["查工单", "再见"], dialogue, [CallerTurn(tone(800)), CallerTurn(tone(600))],
                        "137 0013 7000")  # the callback number on it  # fmt: skip
    brief = await store.brief(THEIRS.number)
    assert brief is not None
    local = datetime.now().astimezone().tzinfo  # the call's clock reads the machine's time zone
    assert spoken(result)[1:4] == [text for text, _ in describe(brief, local, "zh-CN")]
    assert spoken(result)[1:4] == ["工单 20261207 的当前状态是：正在处理。", "承办单位是朝阳区市场监督管理局。",
                                   "办理时限是十二月五日。"]


@pytest.mark.parametrize(("keys", "told"), [("13700137000#", True), ("13500135000#", True), ("13800138000#", False)])
async def test_another_callers_ticket_is_described_only_after_its_callback_number(
    store: SqlTicketStore, keys: str, told: bool
) -> None:
    dialogue = ScriptedDialogue([say(directives=[TicketStatus(THEIRS.number)]), say("再见", directives=[Hangup()])])
    turns = [CallerTurn(tone(800)), CallerTurn(dtmf=keys), CallerTurn(tone(600))]
    result = await call(store, ["查工单", "再见"], dialogue, turns, "13600136000")
    said = spoken(result)
    assert said[1] == prompt("ticket_confirm_callback", "zh-CN")
    department = any("朝阳区市场监督管理局" in text for text in said)
    assert department == told and any("十二月五日" in text for text in said) == told
    assert (prompt("ticket_not_described", "zh-CN") in said) != told
    assert dialogue.asked == ["查工单", "再见"]  # the callback number went to the desk, not the dialogue
    assert intents(result)[-2] == ("ticket_confirmed" if told else "ticket_not_confirmed")


async def test_a_spoken_callback_number_is_compared_in_normal_form_in_english(store: SqlTicketStore) -> None:
    dialogue = ScriptedDialogue([say(directives=[TicketStatus(THEIRS.number)]), say("Bye", directives=[Hangup()])])
    turns = [CallerTurn(tone(800)), CallerTurn(tone(1200)), CallerTurn(tone(600))]
    spoken_number = "plus eight six one three seven oh oh one three seven zero zero zero"
    result = await call(store, ["check my ticket", spoken_number, "bye"], dialogue, turns, "anonymous", lang="en-US")
    said = spoken(result)
    assert said[1] == prompt("ticket_confirm_callback", "en-US")
    assert "It is due by December 5th." in said
    assert "It is handled by chao yang qu shi chang jian du guan li ju." in said  # an English voice reads pinyin
