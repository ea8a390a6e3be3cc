"""The caller's tickets in a call: the repeat-caller offer at call start, and telling a ticket's status.

At call start the calling number (its normal form, ``handoff/caller_number.py``) is looked up for open tickets,
bounded by ``[session] repeat_lookup_timeout_s``: a slow or failed store means the usual greeting. With an open
ticket the bot greets with its tail digits and reads the caller's answer: its progress (status, department,
办理时限), the same problem again (the call's ticket becomes its 重复件: ``TurnState.repeat_of``), or anything else
(the dialogue goes on as usual).

A ticket asked for by number is described only to its own caller: from the number it was filed from or its
callback number, or after the caller gives that callback number; otherwise the bot only says it cannot.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import tzinfo

from voicebot.call.call_context import CallContext
from voicebot.call.plain_words import describe
from voicebot.call.prompts import sentence
from voicebot.call.repeat_answer import RepeatAnswer, read_repeat_answer
from voicebot.errors import VoicebotError
from voicebot.events import BotReplied, ErrorOccurred
from voicebot.handoff.base import TicketBrief, TicketStore
from voicebot.handoff.caller_number import caller_key, masked, spoken_number
from voicebot.handoff.ticket import log_number

log = logging.getLogger(__name__)

TAIL_DIGITS = 4
"""How many of a ticket number's last digits the repeat-caller greeting reads."""
OPEN_LIMIT = 3
"""Open tickets looked up per caller (the greeting names the newest and says how many, up to this)."""

Said = tuple[tuple[str, bool], ...]
"""Sentences to say, each as ``(text, interruptible)``: the prompt table says which caller speech may not cut
(``NOT_INTERRUPTIBLE``: a ticket number or status read back), the conversation speaks each accordingly."""


@dataclass(frozen=True, slots=True)
class Offered:
    """The bot asked whether the call is about the caller's open ticket."""

    brief: TicketBrief
    """The newest open ticket of the calling number."""


@dataclass(frozen=True, slots=True)
class Confirming:
    """The bot asked for the callback number on another caller's ticket."""

    brief: TicketBrief
    """The ticket asked about."""


@dataclass(frozen=True, slots=True)
class DeskReply:
    """What the bot says to an answer, and what of it goes on to the dialogue."""

    said: Said = ()
    """Sentences to say now."""
    answer: RepeatAnswer | None = None
    """How the answer to the repeat-caller offer was read (``None`` for a callback-number answer)."""
    words: str | None = None
    """The caller's words for the usual handling (``other``, or ``again`` for the safety check), else None."""


def tail(number: str) -> str:
    """Return the last digits of a ticket number that the greeting reads."""
    return number[-TAIL_DIGITS:]


class TicketDesk:
    """The caller's tickets; the conversation asks it and says what it returns (no callbacks)."""

    def __init__(self, context: CallContext, tickets: TicketStore) -> None:
        self._context = context
        self._tickets = tickets
        self._caller = caller_key(context.line.info.calling_number)
        self._pending: Offered | Confirming | None = None

    @property
    def waiting(self) -> bool:
        """Return True while the bot waits for an answer only the desk understands."""
        return self._pending is not None

    @property
    def expects_keys(self) -> bool:
        """Return True when keyed digits answer the desk's question (the callback number)."""
        return isinstance(self._pending, Confirming)

    def drop(self) -> None:
        """Forget the question asked (the caller pressed keys, asked for a person...)."""
        if isinstance(self._pending, Confirming):
            self._context.turn.expect = None
        self._pending = None

    async def opening(self) -> Said | None:
        """Return the repeat-caller greeting when the calling number has open tickets, else None (greet as usual)."""
        limit = self._context.settings.repeat_lookup_timeout_s
        if not self._caller or limit <= 0:
            return None  # a withheld number is never looked up
        try:
            async with asyncio.timeout(limit):
                found = await self._tickets.open_for(self._caller, OPEN_LIMIT)
        except TimeoutError:
            log.warning("call %s: open tickets of %s not found in %.1f s", self._call_id, masked(self._caller), limit)
            return None
        except VoicebotError as err:
            log.warning("call %s: open tickets of %s unavailable: %s", self._call_id, masked(self._caller), err.code)
            await self._context.record.emit(ErrorOccurred(self._context.now_ms(), err.code, err.message))
            return None
        if not found:
            return None
        newest = found[0]
        self._pending = Offered(newest)
        log.info("call %s: caller %s has %d open ticket(s), newest %s", self._call_id, masked(self._caller),
                 len(found), log_number(newest.number))  # fmt: skip
        lang = self._context.lang
        said = (
            sentence("repeat_offer", lang, tail=tail(newest.number))
            if len(found) == 1
            else sentence("repeat_offer_many", lang, tail=tail(newest.number), count=str(len(found)))
        )
        await self._emit((said,), "repeat_offer", asked="repeat_offer")
        return (said,)

    async def answer(self, text: str) -> DeskReply:
        """Read the caller's answer to the desk's question (spoken words, or the digits they keyed)."""
        pending, self._pending = self._pending, None
        if isinstance(pending, Confirming):
            self._context.turn.expect = None
            return DeskReply(await self._confirmed(pending.brief, text))
        if pending is None:
            return DeskReply(words=text)
        lang = self._context.lang
        answer = read_repeat_answer(text)
        if answer == "status":
            said = (*describe(pending.brief, self._zone(), lang), sentence("anything_else", lang))
            await self._emit(said, "repeat_status")
            return DeskReply(said, answer)
        if answer == "again":
            self._context.turn.repeat_of = pending.brief.number
            log.info("call %s: follow-up (重复件) of ticket %s", self._call_id, log_number(pending.brief.number))
            said = (sentence("repeat_followup", lang, tail=tail(pending.brief.number)),)
            await self._emit(said, "repeat_followup")
            return DeskReply(said, answer, words=text)
        if answer == "no":
            said = (sentence("go_on", lang),)
            await self._emit(said, "repeat_declined")
            return DeskReply(said, answer)
        return DeskReply(answer=answer, words=text)

    async def tell(self, number: str) -> Said:
        """Return what to say to "what about ticket ``number``?" (asks for its callback number if not the caller's)."""
        lang = self._context.lang
        try:
            brief = await self._tickets.brief(number)
        except VoicebotError as err:
            await self._context.record.emit(ErrorOccurred(self._context.now_ms(), err.code, err.message))
            brief = None
        if brief is None:
            return (sentence("ticket_unknown", lang, number=number),)
        if self._caller and self._caller in (brief.caller_key, brief.callback_key):
            return describe(brief, self._zone(), lang)
        if not (brief.caller_key or brief.callback_key):
            return (sentence("ticket_not_described", lang),)  # no number on it to check against
        log.info("call %s: ticket %s is not the caller's: callback number asked", self._call_id, log_number(number))
        self._pending = Confirming(brief)
        self._context.turn.expect = "number"  # the listener waits longer and takes keys as a number
        return (sentence("ticket_confirm_callback", lang),)

    async def _confirmed(self, brief: TicketBrief, answer: str) -> Said:
        given = caller_key(spoken_number(answer))
        lang = self._context.lang
        if given and given in (brief.caller_key, brief.callback_key):
            said = describe(brief, self._zone(), lang)
            await self._emit(said, "ticket_confirmed")
            return said
        log.info("call %s: callback number of ticket %s not confirmed", self._call_id, log_number(brief.number))
        said = (sentence("ticket_not_described", lang),)
        await self._emit(said, "ticket_not_confirmed")
        return said

    def _zone(self) -> tzinfo | None:
        return self._context.clock.wall_now().tzinfo

    @property
    def _call_id(self) -> str:
        return self._context.record.call_id

    async def _emit(self, said: Said, intent: str, asked: str | None = None) -> None:
        texts = tuple(text for text, _ in said)
        await self._context.record.emit(BotReplied(self._context.now_ms(), texts, intent, asked=asked))
