"""The ticket desk says which of its replies caller speech may cut: an ordinary reply can be barged in, a ticket's
status read back cannot (whole calls, fake engines, virtual time)."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

from dialogue.base import Hangup
from voicebot.call.call_runner import SimulatedCall, file_line_info, run_file_call
from voicebot.call.prompts import prompt
from voicebot.call.session import Engines
from voicebot.events import BargeIn, BotStartedSpeaking, BotStoppedSpeaking
from voicebot.handoff.base import TicketBrief
from voicebot.lines.file_line import CallerTurn

from .fake_tickets import MemoryTickets
from .fakes import EnergyVad, ScriptedDialogue, ScriptedRecognizer, ToneSynth, say, tone
from .test_session import SETTINGS

CALLER = "13900139000"
DEADLINE = int(datetime(2026, 12, 5, 18, 0, tzinfo=timezone(timedelta(hours=8))).timestamp() * 1000)
OPEN = TicketBrief("20261205", "claimed", "朝阳区住房和城乡建设委员会", DEADLINE, caller_key=CALLER)


class OneOpenTicket(MemoryTickets):
    """A store in which the calling number has one open ticket, routed and with a deadline."""

    async def open_for(self, key: str, limit: int = 3) -> tuple[TicketBrief, ...]:
        """Return the open ticket to its own caller."""
        return (OPEN,) if key == CALLER else ()


async def call(texts: list[str], turns: list[CallerTurn]) -> SimulatedCall:
    dialogue = ScriptedDialogue([say("公积金可以在线提取"), say("再见", directives=[Hangup()])])
    engines = Engines({"zh-CN": ScriptedRecognizer(texts)}, ToneSynth(), dialogue, OneOpenTicket(), EnergyVad)
    info = dataclasses.replace(file_line_info(), calling_number=CALLER)
    return await run_file_call(turns, engines, SETTINGS, info)


def stops(result: SimulatedCall) -> list[tuple[str, bool]]:
    """Return each bot utterance with whether it was cut."""
    started = result.record.of(BotStartedSpeaking)
    return [(s.text, e.interrupted) for s, e in zip(started, result.record.of(BotStoppedSpeaking), strict=False)]


async def test_an_ordinary_desk_reply_is_cut_by_the_callers_words() -> None:
    go_on = prompt("go_on", "zh-CN")  # 1.1 s of tone; the caller talks over it after 300 ms
    result = await call(["不是", "我想问一下公积金怎么取"],
                        [CallerTurn(tone(600)), CallerTurn(tone(1500), barge_in_after_ms=300)])  # fmt: skip
    assert len(result.record.of(BargeIn)) == 1
    assert (go_on, True) in stops(result)
    assert "公积金可以在线提取" in [text for text, _ in stops(result)]  # the words that cut it were answered


async def test_speech_over_a_status_read_back_does_not_cut_it_but_cuts_the_sentence_after() -> None:
    status = prompt("ticket_status", "zh-CN", number=OPEN.number, status="正在处理")  # 1.4 s
    department = prompt("ticket_department", "zh-CN", department=OPEN.department or "")
    result = await call(["是的 我想问问进展", "我想问一下公积金怎么取"],
                        [CallerTurn(tone(800)), CallerTurn(tone(1500), barge_in_after_ms=300)])  # fmt: skip
    said = stops(result)
    assert said[1] == (status, False)  # 1.1 s of words over it: played whole
    assert said[2] == (department, True)  # the caller still talking when it began: cut
    assert len(result.record.of(BargeIn)) == 1
