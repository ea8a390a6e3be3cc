"""The 回访 scheduler: pick due rows, apply the rules, place each call and record how it went."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Protocol

from tts.base import Synthesizer
from voicebot.call.call_context import CallContext
from voicebot.call.playback import Speaker
from voicebot.errors import LineError
from voicebot.events import CallRecord
from voicebot.followup.book import Followup, FollowupBook
from voicebot.followup.call import Answer, ask_rating, followup_texts
from voicebot.followup.rules import Policy, callee, day_start, hold_reason, next_attempt, skip_reason
from voicebot.handoff.ticket import Ticket, log_number
from voicebot.lines.sip_outbound import OutboundCall
from voicebot.lines.sip_uac import RETRYABLE, DialResult
from voicebot.runtime.clock import RealClock
from voicebot.runtime.redact import mask
from voicebot.settings import FollowupSettings, SessionSettings
from voicebot.workorder.book import WorkOrderBook

log = logging.getLogger(__name__)


class Dialer(Protocol):
    """Places a call (``voicebot.lines.sip_uac.SipClient``)."""

    async def dial(self, number: str, ring_timeout_s: float) -> DialResult:
        """Call ``number``; give up (CANCEL) after ``ring_timeout_s`` of ringing."""


def epoch_ms(moment: datetime) -> int:
    """Return ``moment`` as epoch milliseconds (the tables' time unit)."""
    return int(moment.timestamp() * 1000)


class FollowupScheduler:
    """Runs the 回访 due at an injected ``now``, one call at a time."""

    def __init__(self, book: FollowupBook, policy: Policy, settings: FollowupSettings, dialer: Dialer,
                 synth: Synthesizer, session: SessionSettings, workorder: WorkOrderBook | None = None) -> None:
        self.book = book
        self.policy = policy
        self.settings = settings
        self.dialer = dialer
        self.synth = synth
        self.session = session
        self.workorder = workorder

    async def run_once(self, now: datetime) -> list[str]:
        """Handle the rows due at ``now`` that the rules allow; return their outcomes (``rated``, ``busy``...)."""
        started = await self.book.started_since(epoch_ms(day_start(now, self.policy)))
        if (held := hold_reason(now, self.policy, started)) is not None:
            log.debug("回访 on hold: %s", held)
            return []
        outcomes: list[str] = []
        for row in await self.book.due(epoch_ms(now)):
            ticket = await self.book.store.get(row.number)
            if ticket is None:
                continue
            if (reason := skip_reason(ticket, self.policy)) is not None:
                await self.book.finish(row, "skipped", reason, epoch_ms(now))
                log.info("回访 of ticket %s skipped: %s", log_number(row.number), reason)
                outcomes.append(reason)
                continue
            if hold_reason(now, self.policy, started) is not None or not await self.book.claim(row.id, epoch_ms(now)):
                continue
            started += 1
            outcomes.append(await self._attempt(row, ticket, now))
        return outcomes

    async def _attempt(self, row: Followup, ticket: Ticket, now: datetime) -> str:
        number = callee(ticket)
        log.info("回访 of ticket %s: calling %s (attempt %d)", log_number(row.number), mask(number), row.attempts + 1)
        try:
            result = await self.dialer.dial(number, self.settings.ring_timeout_s)
        except LineError as err:
            log.warning("回访 of ticket %s: %s", log_number(row.number), err.message)
            result = DialResult(0, "unavailable")
        if result.call is None:
            retry = next_attempt(now, row.attempts + 1, self.policy) if result.outcome in RETRYABLE else None
            if retry is None:
                await self.book.finish(row, "failed", result.outcome, epoch_ms(now))
            else:
                await self.book.finish(row, "pending", result.outcome, epoch_ms(now), next_at=epoch_ms(retry))
            return result.outcome
        answer = await self._converse(result.call, ticket, row)
        await self.book.finish(row, "done", answer.outcome, epoch_ms(now), rating=answer.rating)
        log.info("回访 of ticket %s: %s", log_number(row.number), answer.outcome)
        return answer.outcome

    async def _converse(self, line: OutboundCall, ticket: Ticket, row: Followup) -> Answer:
        lang = ticket.language
        category = None
        if ticket.work_order is not None and self.workorder is not None:
            category = self.workorder.labels(ticket.work_order, lang)["category"]
        context = CallContext(line, lang, RealClock(), CallRecord(line.info.call_id), self.session)
        intro, question = followup_texts(lang, category, row.resolution)
        try:
            return await ask_rating(line, Speaker(context, self.synth), lang, intro, question,
                                    self.settings.answer_timeout_s)
        finally:
            await line.hangup()
