"""Answering: caller inputs -> safety rules -> dialogue turns (``thinking.py``) -> speech and directives."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from dialogue.base import BotTurn, DialogueEngine, FileTicket, Handoff, Hangup, TicketStatus
from voicebot.call.call_context import CallContext
from voicebot.call.caller_input import CallerInput, Failed, HungUp, Lost, Pressed, Retracted, Silent
from voicebot.call.holding import Holding
from voicebot.call.inbox import CallerInbox
from voicebot.call.playback import Speaker
from voicebot.call.prompts import interruptible, prompt
from voicebot.call.safety import Kind, wants_human
from voicebot.call.safety_check import Outgoing, SafetyCheck, SafetyStep
from voicebot.call.thinking import DialogueTurns
from voicebot.call.ticket_desk import TicketDesk
from voicebot.call.ticket_keeper import TicketSaving
from voicebot.call.voice import BotSpeech
from voicebot.errors import AsrError, TtsError, VoicebotError
from voicebot.events import BotReplied, ErrorOccurred, HandoffRequested, NoInput
from voicebot.handoff.base import TicketStore

log = logging.getLogger(__name__)


class Conversation:
    """Runs the respond/speak side of one call until it ends; returns the outcome.

    It alone (with its dialogue turns and ticket desk) writes the call's turn state (``context.turn``: thinking,
    what the bot asked for), which the listener and the ticket keeper read.
    """

    def __init__(
        self,
        context: CallContext,
        dialogue: DialogueEngine,
        tickets: TicketStore,
        speaker: Speaker,
        keeper: TicketSaving,
        inbox: asyncio.Queue[CallerInput],
        agent_target: str,
        holding: Holding | None = None,
    ) -> None:
        self._line = context.line
        self._lang = context.lang
        self._clock = context.clock
        self._record = context.record
        self._settings = context.settings
        self._turn = context.turn
        self._speaker = speaker
        self._keeper = keeper
        self._agent_target = agent_target
        self._holding = holding
        self._inbox = CallerInbox(inbox)
        self._no_input = 0
        self._failures = 0
        self._safety = SafetyCheck()
        self._recording = context.recording
        self._recorder = context.recorder
        self._turns = DialogueTurns(context, dialogue, keeper, holding)
        self._desk = TicketDesk(context, tickets)
        self._voice = BotSpeech(speaker, context.lang)

    def _now(self) -> int:
        return int(self._clock.now_ms())

    async def run(self) -> str:
        """Greet, then answer caller inputs until the call ends; return the outcome."""
        if self._recording is not None and self._recorder is not None and self._recorder.active:
            await self._voice.say(self._recording.notice_text(self._lang), interruptible("recording_notice"))
        opening = await self._desk.opening()
        if not self._inbox.empty:  # the caller keyed (or spoke) before the greeting began: answer that at once
            self._desk.drop()
        elif opening:
            await self._voice.say_all(opening)
        else:
            await self._voice.say_prompt("greeting")
        while True:
            unheard = self._voice.take_unheard()
            if unheard is not None:  # the caller heard nothing: apologise (cached audio) and hand off
                failed = await self._failed(unheard)
                if failed is not None:
                    return failed
            item = await self._inbox.get()
            outcome = await self._handle(item)
            if outcome is not None:
                return outcome

    async def _resume(self) -> str | None:
        """The barge-in was nothing (a cough, "嗯"): say the cut sentence again and go on with the turn."""
        cut = self._voice.take_cut()
        if cut is None:
            return None
        if not await self._voice.say_all(cut.rest, cut.turn):
            return None
        return await self._apply(cut.turn) if cut.turn is not None else None

    async def _handle(self, item: CallerInput) -> str | None:
        if isinstance(item, Retracted):
            return await self._resume()
        self._voice.drop_cut()  # the caller took the turn: what was cut stays unsaid
        if isinstance(item, HungUp):
            return "abandoned"
        if isinstance(item, Lost):
            return await self._line_lost()
        if isinstance(item, Failed):
            return await self._failed(item.error)
        if isinstance(item, Silent):
            self._no_input += 1
            await self._record.emit(NoInput(self._now(), count=self._no_input))
            if self._no_input > self._settings.max_no_input:
                await self._voice.say_prompt("goodbye_no_input")
                return "no-input"
            await self._voice.say_prompt("reprompt")
            return None
        self._no_input = 0
        if isinstance(item, Pressed) and item.digits == "0":
            self._desk.drop()
            return await self.hand_off("dtmf-0", {})
        if isinstance(item, Pressed) and self._desk.waiting and self._desk.expects_keys:
            return await self._at_desk(item.digits)
        if isinstance(item, Pressed):  # keys instead of an answer to the danger question: the kept words go first
            self._turns.keyed()  # perhaps a number: the bot's answer to it is not recorded
            self._desk.drop()
            return await self._send((*self._safety.flush(), Outgoing(item.digits, "none")))
        if wants_human(item.text):  # a person always wins
            self._desk.drop()
            return await self.hand_off("caller-request", {})
        if self._desk.waiting:
            return await self._at_desk(item.text)
        return await self._safe(self._safety.step(item.text))

    async def _at_desk(self, said: str) -> str | None:
        """The answer to the desk's question (the repeat-caller offer, a ticket's callback number)."""
        reply = await self._desk.answer(said)
        if reply.answer == "again" and reply.words is not None:  # an emergency in the same words still wins
            await self._keeper.save("partial", {})  # the link to the earlier ticket is stored at once
            step = self._safety.step(reply.words)
            if step.advise or step.ask:
                return await self._safe(step)
        spoken = await self._voice.say_all(reply.said)  # a status read back plays whole, the rest may be cut
        if not spoken or reply.answer == "again" or reply.words is None:
            return None
        return await self._safe(self._safety.step(reply.words))

    async def _safe(self, step: SafetyStep) -> str | None:
        """Act on the safety step: advise, ask whether anyone is in danger, or send the words on."""
        if step.advise:
            await self._advise(step.kind)
            return None
        if step.ask:
            question = prompt("in_danger", self._lang)
            await self._record.emit(BotReplied(self._now(), (question,), asked="in_danger"))
            self._turn.expect, self._turn.asked = "yes_no", "in_danger"
            await self._voice.say(question)
            return None
        return await self._send(step.send)

    async def _send(self, outgoing: tuple[Outgoing, ...]) -> str | None:
        for item in outgoing:
            outcome = await self._ask_dialogue(item.text, item.safety)
            if outcome is not None or self._inbox.urgent:
                return outcome  # a key that dropped the turn also drops what was still to send
        return None

    async def _advise(self, kind: Kind | None) -> None:
        """Tell the caller the number at once, then that they can go on (an open form resumes) or reach a person."""
        texts = (prompt(f"emergency_{kind}" if kind else "emergency", self._lang), prompt("emergency_more", self._lang))
        await self._record.emit(BotReplied(self._now(), texts, "emergency"))
        await self._voice.say_all(tuple((text, True) for text in texts))  # a barge-in: the caller's words decide next

    async def _ask_dialogue(self, text: str, safety: str) -> str | None:
        try:
            turn = await self._turns.ask(text, safety, self._inbox)
        except VoicebotError as err:
            return await self._failed(err)
        if turn is None:
            return None  # a key (a hang-up) came while the dialogue thought: the loop acts on it next, unsaid turn
        texts = tuple((text, i not in turn.uninterruptible) for i, text in enumerate(turn.utterances))
        if not await self._voice.say_all(texts, turn):
            return None  # the caller barged in: their new words decide what happens next (or it resumes)
        return await self._apply(turn)

    async def _apply(self, turn: BotTurn) -> str | None:
        for directive in turn.directives:
            if isinstance(directive, Handoff):
                return await self.hand_off(directive.reason, directive.slots)
            if isinstance(directive, FileTicket) and directive.fields.get("kind") == "callback":
                return await self._register_callback(directive.fields)
            if isinstance(directive, FileTicket):
                await self._file_ticket(directive.fields)
            elif isinstance(directive, TicketStatus):
                await self._tell_status(directive.ticket_number)
            elif isinstance(directive, Hangup):
                return "ticket" if self._record.tickets else "resolved"
        return None

    async def _file_ticket(self, fields: dict[str, Any]) -> None:
        self._record.slots.update(fields)
        number = await self._keeper.save("complaint", fields)
        if number is None:
            await self.hand_off("ticket-store-failed", fields)
            return
        await self._record.add_ticket(self._now(), number, "complaint")
        await self._voice.say_prompt("ticket_filed", number=number)

    async def _register_callback(self, fields: dict[str, Any]) -> str:
        """The caller took the callback the dialogue offered (agents off duty): file it, give the number, end."""
        slots = {k: v for k, v in fields.items() if v is not None and k not in ("kind", "lang")}
        self._record.slots.update(slots)
        number = await self._keeper.save("callback", {})
        if number is None:
            return await self.hand_off("ticket-store-failed", slots)
        await self._record.add_ticket(self._now(), number, "callback")
        if self._holding is not None:
            await self._holding.register_callback(number, announce=False)  # agents see it among callbacks due
        await self._voice.say_prompt("ticket_filed", number=number)
        await self._voice.say_prompt("goodbye")
        return "callback"

    async def _line_lost(self) -> str:
        """The line went dead mid-call (no media, no hang-up): keep what was said and book a callback."""
        await self._record.emit(HandoffRequested(self._now(), reason="line-lost"))
        number = await self._keeper.save("handoff", {})
        if number is not None:
            await self._record.add_ticket(self._now(), number, "handoff")
        if number is not None and self._holding is not None:
            await self._holding.register_callback(number, announce=False)
        return "callback"

    async def _tell_status(self, number: str) -> None:
        await self._voice.say_all(await self._desk.tell(number))  # each sentence as interruptible as the desk says

    async def _failed(self, err: VoicebotError) -> str | None:
        log.warning("call %s: turn failed: %s", self._record.call_id, err)
        await self._record.emit(ErrorOccurred(self._now(), err.code, err.message))
        self._failures += 1
        if self._failures < self._settings.dialogue_failures_before_handoff:
            return None
        await self._speaker.say(prompt("apology", self._lang))  # pre-rendered: plays even when TTS is down
        self._voice.take_unheard()  # the apology covers any failure still owed one
        reason = (
            "asr-failed"
            if isinstance(err, AsrError)
            else "tts-failed"
            if isinstance(err, TtsError)
            else ("dialogue-failed")
        )
        return await self.hand_off(reason, {}, announce=False)

    async def hand_off(self, reason: str, slots: dict[str, Any], announce: bool = True) -> str:
        """Store the pre-filled ticket durably, tell the caller, then transfer (or promise a callback)."""
        await self._record.emit(HandoffRequested(self._now(), reason=reason))
        self._record.slots.update({k: v for k, v in slots.items() if v is not None})
        number = await self._keeper.save("handoff", {})
        if number is not None:
            await self._record.add_ticket(self._now(), number, "handoff")
        if announce:
            await self._voice.say_prompt("handoff")
        if self._holding is not None and number is not None:
            return await self._holding.hold(number, self._inbox.queue, self._agent_target)
        if not await self._line.transfer(self._agent_target):
            await self._voice.say_prompt("transfer_unavailable", number=number or "")
        return "handoff"
