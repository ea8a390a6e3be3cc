"""Thinking: one dialogue-engine turn of a call, asked with the call's metadata and recorded in its turn state.

The conversation sends the caller's words here and gets back the bot's turn to speak and apply, unless a key (a
hang-up, a dead line) comes while the dialogue thinks: that acts at once and the turn is dropped. This module also
writes what the turn means for the rest of the call: the slots and intent in the record, the FAQ topics, what the
bot asked for next (the listener's endpointing) and whether the caller's next answer is a number (the recording
holds silence over it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from dialogue.base import BotTurn, DialogueEngine
from voicebot.call.call_context import CallContext
from voicebot.call.holding import Holding
from voicebot.call.inbox import CallerInbox
from voicebot.call.ticket_keeper import TicketSaving
from voicebot.errors import DialogueError
from voicebot.events import BotReplied
from voicebot.runtime.aio import cancel_and_wait

log = logging.getLogger(__name__)


class DialogueTurns:
    """Asks the dialogue engine for the bot's turns in one call and records each one."""

    def __init__(
        self, context: CallContext, dialogue: DialogueEngine, keeper: TicketSaving, holding: Holding | None
    ) -> None:
        self._context = context
        self._record = context.record
        self._turn = context.turn
        self._dialogue = dialogue
        self._keeper = keeper
        self._holding = holding
        self._keyed = False  # the caller keyed digits since the last bot turn (a number, perhaps)
        self._asked_number = False  # the last bot turn asked for a phone or ID number

    def keyed(self) -> None:
        """The caller keyed digits: perhaps a number, so the bot's answer to them is not recorded either."""
        self._keyed = True

    async def ask(self, text: str, safety: str, inbox: CallerInbox) -> BotTurn | None:
        """Return the dialogue's turn for the caller's ``text`` (the call's ticket is saved meanwhile).

        None: a key, a hang-up or a dead line came first (``inbox.first_urgent``): it is the inbox's next input
        and the turn is dropped unsaid (a key acts at once, as it would stop the reply playing). Raises
        ``DialogueError`` when no answer comes within ``dialogue_timeout_s`` or the answer is empty (Rasa's when a
        custom action fails), and whatever error the engine raises.
        """
        limit = self._context.settings.dialogue_timeout_s
        call_id = self._record.call_id
        metadata = self._metadata(safety)
        answer = asyncio.create_task(self._dialogue.respond(call_id, text, self._context.lang, metadata),
                                     name=f"dialogue-{call_id}")  # fmt: skip
        saving = asyncio.create_task(self._keeper.save("partial", {}), name=f"save-{call_id}")
        urgent = asyncio.create_task(inbox.first_urgent(), name=f"keys-{call_id}")
        self._turn.thinking = True
        began = time.perf_counter()
        timed_out = False
        try:
            async with asyncio.timeout(limit):
                await asyncio.wait((answer, urgent), return_when=asyncio.FIRST_COMPLETED)
                await saving  # a key does not cut the save (the keeper saves one at a time); a timeout does
        except TimeoutError:
            timed_out = True
        finally:
            self._turn.thinking = False
            await cancel_and_wait(*(task for task in (answer, urgent, saving) if not task.done()))
        if urgent.done() and not urgent.cancelled():
            inbox.put_first(urgent.result())
            if answer.done() and not answer.cancelled() and answer.exception() is not None:
                log.info("call %s: dialogue failed on a dropped turn: %s", call_id, answer.exception())
            return None
        if timed_out:
            raise DialogueError("dialogue-timeout", f"no answer in {limit} s")
        turn = answer.result()
        await self._record_turn(turn, int((time.perf_counter() - began) * 1000))
        if not turn.utterances and not turn.directives:
            # Rasa answers with nothing when a custom action fails (action server down): never leave dead air.
            raise DialogueError("dialogue-empty-turn", "the dialogue engine said nothing")
        return turn

    def _metadata(self, safety: str) -> dict[str, Any]:
        info = self._context.line.info
        clock = self._context.clock
        metadata: dict[str, Any] = {
            "lang": self._context.lang, "calling_number": info.calling_number, "channel": info.protocol,
            "safety": safety,
            # The caller's "昨天晚上" is read against the call's own time (a replay's virtual time too).
            "call_started": clock.wall_now().isoformat(timespec="seconds"),
        }  # fmt: skip
        if self._holding is not None:
            metadata.update(self._holding.agents_metadata())
        return metadata

    async def _record_turn(self, turn: BotTurn, dialogue_ms: int) -> None:
        names = tuple(type(d).__name__.lower() for d in turn.directives)
        await self._record.emit(
            BotReplied(
                self._context.now_ms(), turn.utterances, turn.intent, names, dialogue_ms, turn.faq_topic,
                dict(turn.slots), turn.asked,
            )
        )  # fmt: skip
        self._record.slots.update({k: v for k, v in turn.slots.items() if v is not None})
        self._turn.intent = turn.intent or self._turn.intent
        if turn.faq_topic and turn.faq_topic not in self._turn.faq_topics:
            self._turn.faq_topics.append(turn.faq_topic)
        answered = self._asked_number or self._keyed  # this turn answers a number: it may read it back
        recording = self._context.recording
        asks = recording is not None and recording.asks_number(turn.expect, turn.asked)
        self._turn.number_capture = asks or answered
        self._asked_number, self._keyed = asks, False
        self._turn.expect, self._turn.asked = turn.expect, turn.asked  # the listener's endpointing follows
