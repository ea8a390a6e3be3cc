"""一次一评: once a call the bot resolved is over, ask the caller once to rate the service.

Asked only when the conversation ended the call itself (``resolved`` or ``ticket``: the caller said goodbye or
nothing more and the dialogue hung up) after it actually helped (an FAQ answer given, or a complaint ticket filed and
its number read back); never after emergency advice or the danger question, never when the call went to a person,
never when the caller hung up. The answer is one key (1-5) or words (``rating_words``); the wait is the listener's
no-input timeout (``SessionSettings.no_input_ms``, in call time, so a replay's virtual time works the same).
Anything else is no rating. The result is a ``SatisfactionRated`` event: the ticket, the metrics and QA read it.
"""

from __future__ import annotations

import asyncio

from voicebot.call.call_context import CallContext
from voicebot.call.listener import CallerInput, Heard, HungUp, Lost, Pressed, Silent
from voicebot.call.playback import Speaker
from voicebot.call.prompts import prompt
from voicebot.call.rating_words import key_rating, parse_rating
from voicebot.events import BotReplied, CallRecord, HandoffRequested, SatisfactionRated, TicketFiled

RESOLVED_OUTCOMES = ("resolved", "ticket")
"""Conversation outcomes after which a rating may be asked (the dialogue ended the call)."""


def rating_of(record: CallRecord) -> int | None:
    """Return the call's satisfaction rating (1-5), or ``None`` when it has none."""
    rated = record.of(SatisfactionRated)
    return rated[-1].rating if rated else None


def helped(record: CallRecord) -> bool:
    """Return whether the bot answered an FAQ or filed a complaint ticket in this call."""
    answered = any(event.faq_topic for event in record.of(BotReplied))
    filed = any(event.ticket_kind == "complaint" for event in record.of(TicketFiled))
    return answered or filed


def touched_danger(record: CallRecord) -> bool:
    """Return whether the bot gave emergency advice or asked whether anyone is in danger."""
    return any(event.intent == "emergency" or event.asked == "in_danger" for event in record.of(BotReplied))


class Survey:
    """Asks for the rating at the end of one call (at most once) and records the answer."""

    def __init__(self, context: CallContext, speaker: Speaker) -> None:
        self._context = context
        self._speaker = speaker

    def due(self, outcome: str) -> bool:
        """Return whether this call's caller should be asked, given how the conversation ended."""
        record = self._context.record
        return (
            self._context.settings.satisfaction_survey
            and outcome in RESOLVED_OUTCOMES
            and not record.of(HandoffRequested)
            and not record.of(SatisfactionRated)
            and not touched_danger(record)
            and helped(record)
        )

    async def run(self, inbox: asyncio.Queue[CallerInput]) -> int | None:
        """Ask once, wait for one answer, record it; return the rating (``None``: none given)."""
        context = self._context
        while not inbox.empty():  # words said before the question are no answer to it; a hang-up still counts
            if isinstance(inbox.get_nowait(), HungUp | Lost):
                return await self._rated(None, "hangup")
        context.turn.expect = None  # one key, read after the usual pause
        await self._speaker.say(prompt("satisfaction_ask", context.lang))
        rating, via = self._read(await inbox.get())
        await self._rated(rating, via)
        if rating is not None:
            await self._speaker.say(prompt("satisfaction_thanks", context.lang))
        return rating

    def _read(self, item: CallerInput) -> tuple[int | None, str]:
        if isinstance(item, Pressed):
            rating = key_rating(item.digits)
            return rating, "dtmf" if rating is not None else "skipped"
        if isinstance(item, Heard):
            rating = parse_rating(item.text, self._context.lang)
            return rating, "voice" if rating is not None else "skipped"
        if isinstance(item, Silent):
            return None, "silence"
        if isinstance(item, HungUp | Lost):
            return None, "hangup"
        return None, "failed"  # the recogniser failed: no rating, and no apology owed to a finished call

    async def _rated(self, rating: int | None, via: str) -> int | None:
        await self._context.record.emit(SatisfactionRated(self._context.now_ms(), rating=rating, via=via))
        return rating
