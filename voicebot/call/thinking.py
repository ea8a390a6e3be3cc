"""Thinking: one dialogue-engine turn of a call, asked with the call's metadata and recorded in its turn state.

The conversation sends the caller's words here and gets back the bot's turn to speak and apply. This module also
writes what the turn means for the rest of the call: the slots and intent in the record, the FAQ topics, what the
bot asked for next (the listener's endpointing) and whether the caller's next answer is a number (the recording
holds silence over it).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from dialogue.base import BotTurn, DialogueEngine
from voicebot.call.call_context import CallContext
from voicebot.call.holding import Holding
from voicebot.call.ticket_keeper import TicketSaving
from voicebot.errors import DialogueError
from voicebot.events import BotReplied


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

    async def ask(self, text: str, safety: str) -> BotTurn:
        """Return the dialogue's turn for the caller's ``text`` (the call's ticket is saved meanwhile).

        Raises ``DialogueError`` when no answer comes within ``dialogue_timeout_s`` or the answer is empty (Rasa's
        when a custom action fails), and whatever error the engine raises.
        """
        limit = self._context.settings.dialogue_timeout_s
        self._turn.thinking = True
        began = time.perf_counter()
        try:
            async with asyncio.timeout(limit):
                turn, _ = await asyncio.gather(
                    self._dialogue.respond(self._record.call_id, text, self._context.lang, self._metadata(safety)),
                    self._keeper.save("partial", {}),
                )
        except TimeoutError:
            raise DialogueError("dialogue-timeout", f"no answer in {limit} s") from None
        finally:
            self._turn.thinking = False
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
