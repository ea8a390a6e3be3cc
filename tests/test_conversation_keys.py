"""A key pressed while the dialogue is still thinking acts at once: the pending turn is dropped unsaid.

The conversation is driven directly through its inbox (no listener), with a dialogue that answers slowly.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from dialogue.base import BotTurn, Hangup
from voicebot.call.call_context import CallContext
from voicebot.call.call_runner import file_line_info
from voicebot.call.caller_input import CallerInput, Heard, HungUp, Pressed
from voicebot.call.conversation import Conversation
from voicebot.call.playback import Speaker
from voicebot.call.prompts import prompt
from voicebot.call.ticket_keeper import TicketKeeper
from voicebot.events import CallRecord, ErrorOccurred, HandoffRequested
from voicebot.runtime.clock import RealClock
from voicebot.settings import SessionSettings

from .fake_tickets import MemoryTickets
from .fakes import QuietLine, ToneSynth, say

SLOW_S = 5.0
"""How long the dialogue thinks (shorter than the 6 s dialogue timeout): a key must not wait for it."""
COMPLAINT, REPLY = "我要投诉噪音", "请问噪音是在什么地方"
BYE = say("好的，再见", directives=[Hangup()])


class TransferLine(QuietLine):
    """A line that records transfers (and refuses them, like a file line)."""

    def __init__(self) -> None:
        self.info = file_line_info()
        self.transfers: list[str] = []

    async def transfer(self, target: str) -> bool:
        """Record the transfer."""
        self.transfers.append(target)
        return False


@dataclass
class SlowDialogue:
    """Answers each caller text from ``answers`` after ``delay_s`` (a dialogue engine under load)."""

    answers: dict[str, BotTurn]
    delay_s: float
    asked: list[str] = field(default_factory=list)
    answered: list[str] = field(default_factory=list)
    thinking: asyncio.Event = field(default_factory=asyncio.Event)

    async def respond(self, call_id: str, text: str, lang: str, metadata: dict[str, Any]) -> BotTurn:
        """Return the answer to ``text`` once the delay is over."""
        self.asked.append(text)
        self.thinking.set()
        await asyncio.sleep(self.delay_s)
        self.answered.append(text)
        return self.answers[text]


class Call:
    """One conversation on a quiet line whose caller inputs the test posts."""

    def __init__(self, dialogue: SlowDialogue, settings: SessionSettings | None = None) -> None:
        self.line = TransferLine()
        self.record = CallRecord(self.line.info.call_id)
        self.synth = ToneSynth(ms_per_char=1)  # every text 200 ms
        self.inbox: asyncio.Queue[CallerInput] = asyncio.Queue()
        self.dialogue = dialogue
        context = CallContext(self.line, "zh-CN", RealClock(), self.record, settings or SessionSettings())
        keeper = TicketKeeper(context, MemoryTickets(), None, started_at_ms=0)
        speaker = Speaker(context, self.synth)
        self.conversation = Conversation(context, dialogue, MemoryTickets(), speaker, keeper, self.inbox, "agents")


async def test_key_0_while_the_dialogue_thinks_hands_off_without_the_reply() -> None:
    call = Call(SlowDialogue({COMPLAINT: say(REPLY)}, SLOW_S))
    running = asyncio.create_task(call.conversation.run())
    await call.inbox.put(Heard(COMPLAINT, 0.9))
    await asyncio.wait_for(call.dialogue.thinking.wait(), 2.0)
    await call.inbox.put(Pressed("0"))
    outcome = await asyncio.wait_for(running, SLOW_S * 2)  # a guard only: the assertions below decide
    assert outcome == "handoff"
    assert [e.reason for e in call.record.of(HandoffRequested)] == ["dtmf-0"]
    assert REPLY not in call.synth.spoken and call.dialogue.answered == []  # the pending turn is never said
    assert call.synth.spoken[0] == prompt("handoff", "zh-CN")  # (no greeting: the caller spoke before it)
    assert call.line.transfers == ["agents"]


async def test_keyed_digits_while_the_dialogue_thinks_go_to_it_next_and_the_pending_reply_is_dropped() -> None:
    call = Call(SlowDialogue({COMPLAINT: say(REPLY), "13800138000": BYE, "在小区门口": BYE}, 0.3))
    running = asyncio.create_task(call.conversation.run())
    await call.inbox.put(Heard(COMPLAINT, 0.9))
    await asyncio.wait_for(call.dialogue.thinking.wait(), 2.0)
    await call.inbox.put(Pressed("13800138000"))
    assert await asyncio.wait_for(running, 5.0) == "resolved"
    assert call.dialogue.asked == [COMPLAINT, "13800138000"] and call.dialogue.answered == ["13800138000"]
    assert call.synth.spoken == ["好的，再见"]  # the reply to the complaint was dropped unsaid


async def test_a_hang_up_while_the_dialogue_thinks_ends_the_call_at_once() -> None:
    call = Call(SlowDialogue({COMPLAINT: say(REPLY)}, SLOW_S))
    running = asyncio.create_task(call.conversation.run())
    await call.inbox.put(Heard(COMPLAINT, 0.9))
    await asyncio.wait_for(call.dialogue.thinking.wait(), 2.0)
    await call.inbox.put(HungUp())
    assert await asyncio.wait_for(running, SLOW_S * 2) == "abandoned"
    assert REPLY not in call.synth.spoken


async def test_speech_while_the_dialogue_thinks_still_waits_for_the_reply() -> None:
    call = Call(SlowDialogue({COMPLAINT: say(REPLY), "13800138000": BYE, "在小区门口": BYE}, 0.3))
    running = asyncio.create_task(call.conversation.run())
    await call.inbox.put(Heard(COMPLAINT, 0.9))
    await asyncio.wait_for(call.dialogue.thinking.wait(), 2.0)
    await call.inbox.put(Heard("在小区门口", 0.9))
    assert await asyncio.wait_for(running, 5.0) == "resolved"
    assert call.dialogue.answered == [COMPLAINT, "在小区门口"]  # in order, each answered
    assert call.synth.spoken == [REPLY, "好的，再见"]


async def test_a_dialogue_slower_than_its_timeout_is_still_a_failure_handed_off() -> None:
    call = Call(SlowDialogue({COMPLAINT: say(REPLY)}, SLOW_S), SessionSettings(dialogue_timeout_s=0.2))
    running = asyncio.create_task(call.conversation.run())
    await call.inbox.put(Heard(COMPLAINT, 0.9))
    assert await asyncio.wait_for(running, SLOW_S * 2) == "handoff"
    assert [e.code for e in call.record.of(ErrorOccurred)] == ["dialogue-timeout"]
    assert [e.reason for e in call.record.of(HandoffRequested)] == ["dialogue-failed"]
    assert call.synth.spoken[0] == prompt("apology", "zh-CN") and REPLY not in call.synth.spoken
