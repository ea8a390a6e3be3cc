"""Compare what happened in a replayed call with what its scenario expects.

Events are attributed to turns by time: a turn owns everything from the moment
the caller started it until the next turn started (the caller waits for the bot,
so the bot's answer to a turn falls inside it; the greeting comes before turn 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from voicebot.events import (
    BargeIn,
    BotReplied,
    BotStartedSpeaking,
    CallEvent,
    CallRecord,
    HandoffRequested,
    NoInput,
    SatisfactionRated,
    TicketFiled,
    Transcribed,
    UserStoppedSpeaking,
)
from voicebot.qa.expectations import CallExpect, TicketExpect, TurnExpect
from voicebot.qa.metrics import error_count
from voicebot.qa.results import Failure, TurnResult
from voicebot.qa.scenario import Scenario, Turn

_NOTABLE = (BargeIn, NoInput, TicketFiled, HandoffRequested)


@dataclass(frozen=True, slots=True)
class TurnWindow:
    """The events that belong to one turn."""

    turn: Turn | None
    """The caller turn (None for the greeting window)."""
    events: tuple[CallEvent, ...]
    """Events from the turn's start up to the next turn's start."""
    start_ms: int
    """When the turn started."""
    slots: dict[str, Any]
    """The dialogue's slots at the end of the window."""


def windows(scenario: Scenario, record: CallRecord, turn_starts: Sequence[int]) -> list[TurnWindow]:
    """Split the call's events into the greeting window and one window per turn the caller played."""
    bounds = [0, *turn_starts, 1 << 62]
    result: list[TurnWindow] = []
    slots: dict[str, Any] = {}
    events = list(record.events)
    position = 0
    for i in range(len(bounds) - 1):
        start, end = bounds[i], bounds[i + 1]
        mine: list[CallEvent] = []
        while position < len(events) and (events[position].at_ms < end or i == len(bounds) - 2):
            mine.append(events[position])
            position += 1
        for event in mine:
            if isinstance(event, BotReplied):
                slots.update({k: v for k, v in event.slots.items() if v is not None})
        turn = scenario.turns[i - 1] if 0 < i <= len(scenario.turns) else None
        result.append(TurnWindow(turn, tuple(mine), start, dict(slots)))
    return result


def _texts(events: Sequence[CallEvent]) -> list[str]:
    return [e.text for e in events if isinstance(e, BotStartedSpeaking)]


def _latency(events: Sequence[CallEvent]) -> int | None:
    stopped: int | None = None
    for event in events:
        if isinstance(event, UserStoppedSpeaking):
            stopped = event.at_ms
        elif isinstance(event, BotStartedSpeaking) and stopped is not None:
            return event.at_ms - stopped
    return None


def turn_result(window: TurnWindow, index: int, lang: str, measure: bool) -> TurnResult:
    """Summarise one window for reports."""
    events = window.events
    heard = " ".join(e.text for e in events if isinstance(e, Transcribed))
    handoffs = [e.reason for e in events if isinstance(e, HandoffRequested)]
    turn = window.turn
    rate = None
    if measure and turn is not None and turn.speaks and turn.say:
        rate = error_count(turn.say, heard, lang).rate
    return TurnResult(
        index=index,
        label=turn.describe() if turn else "[greeting]",
        reference=turn.say if turn else "",
        heard=heard,
        bot_said=tuple(_texts(events)),
        intents=tuple(e.intent for e in events if isinstance(e, BotReplied) and e.intent),
        faq_topics=tuple(e.faq_topic for e in events if isinstance(e, BotReplied) and e.faq_topic),
        handoff=handoffs[0] if handoffs else None,
        latency_ms=_latency(events),
        dialogue_ms=sum(e.dialogue_ms for e in events if isinstance(e, BotReplied)) if any(
            isinstance(e, BotReplied) for e in events) else None,
        start_ms=window.start_ms,
        events=tuple(type(e).__name__ for e in events if isinstance(e, _NOTABLE)),
        error_rate=rate,
    )


def squash(text: str) -> str:
    """Return ``text`` lower-cased without whitespace (vosk spaces Mandarin words; TTS text may not)."""
    return "".join(text.lower().split())


def value_matches(expected: Any, actual: Any) -> bool:
    """Return True if ``actual`` satisfies ``expected``: text contained, lists as alternatives, others equal."""
    if isinstance(expected, list):
        return any(value_matches(e, actual) for e in expected)
    if expected is None:
        return actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return bool(actual) == expected if isinstance(expected, bool) else False
    if isinstance(expected, str):
        return actual is not None and squash(expected) in squash(str(actual))
    return bool(expected == actual)


def _said(texts: Sequence[str], words: Sequence[str], must: bool, check: str, turn: int | None) -> list[Failure]:
    spoken = squash(" ".join(texts))
    shown = " / ".join(texts) or "(nothing)"
    failures = []
    for word in words:
        if (squash(word) in spoken) != must:
            verb = "should say" if must else "should not say"
            failures.append(Failure(turn, check, f"bot {verb} {word!r}; it said: {shown}"))
    return failures


def _handoff(expected: bool | str | None, reasons: Sequence[str], turn: int | None) -> list[Failure]:
    if expected is None:
        return []
    got = ", ".join(reasons) or "none"
    if expected is True and not reasons:
        return [Failure(turn, "handoff", "expected a handoff to a human, there was none")]
    if expected is False and reasons:
        return [Failure(turn, "handoff", f"expected no handoff, got one (reason {got})")]
    if isinstance(expected, str) and expected not in reasons:
        return [Failure(turn, "handoff", f"expected a handoff with reason {expected}, got {got}")]
    return []


def _flag(check: str, expected: bool | None, happened: bool, turn: int) -> list[Failure]:
    if expected is None or expected == happened:
        return []
    return [Failure(turn, check, f"expected {check}={str(expected).lower()}, got {str(happened).lower()}")]


def check_turn(window: TurnWindow, expect: TurnExpect, turn: int) -> list[Failure]:
    """Return the unmet expectations of one turn."""
    events = window.events
    replies = [e for e in events if isinstance(e, BotReplied)]
    failures: list[Failure] = []
    intents = [e.intent for e in replies if e.intent]
    if expect.intent and not set(intents) & set(expect.intent):
        want = " or ".join(expect.intent)
        failures.append(Failure(turn, "intent", f"expected intent {want}, got {', '.join(intents) or 'none'}"))
    topics = [e.faq_topic for e in replies if e.faq_topic]
    if expect.faq_topic and expect.faq_topic not in topics:
        got = f"{', '.join(topics) or 'none'} (intent {', '.join(intents) or 'none'})"
        failures.append(Failure(turn, "faq_topic", f"expected FAQ topic {expect.faq_topic}, got {got}"))
    for key, want in expect.slots.items():
        value = window.slots.get(key)
        if not value_matches(want, value):
            failures.append(Failure(turn, f"slots.{key}", f"expected slot {key}={want!r}, got {value!r}"))
    failures += _handoff(expect.handoff, [e.reason for e in events if isinstance(e, HandoffRequested)], turn)
    failures += _said(_texts(events), expect.says, True, "says", turn)
    failures += _said(_texts(events), expect.not_says, False, "not_says", turn)
    failures += _flag("barge_in", expect.barge_in, any(isinstance(e, BargeIn) for e in events), turn)
    failures += _flag("no_input", expect.no_input, any(isinstance(e, NoInput) for e in events), turn)
    filed = any(isinstance(e, TicketFiled) and e.ticket_kind == "complaint" for e in events)
    failures += _flag("ticket_filed", expect.ticket_filed, filed, turn)
    return failures


def check_ticket(expect: TicketExpect, ticket: dict[str, Any] | None) -> list[Failure]:
    """Return the unmet expectations about the stored ticket."""
    if ticket is None:
        return [Failure(None, "ticket", "expected a stored ticket, found none")] if expect.exists else []
    if not expect.exists:
        return [Failure(None, "ticket", f"expected no ticket, found {ticket.get('number')}")]
    failures: list[Failure] = []
    for key in ("kind", "handoff_reason", "intent", "repeat_of"):
        want = getattr(expect, key)
        if want is not None and ticket.get(key) != want:
            failures.append(Failure(None, f"ticket.{key}", f"expected ticket {key} {want}, got {ticket.get(key)}"))
    fields = ticket.get("fields") or {}
    for key, want in expect.fields.items():
        if not value_matches(want, fields.get(key)):
            failures.append(Failure(None, f"ticket.fields.{key}",
                                    f"expected ticket field {key}={want!r}, got {fields.get(key)!r}"))  # fmt: skip
    missing = [t for t in expect.faq_topics if t not in (ticket.get("faq_topics") or [])]
    if missing:
        failures.append(Failure(None, "ticket.faq_topics", f"ticket lacks FAQ topics {missing}, has "
                                                           f"{ticket.get('faq_topics')}"))  # fmt: skip
    return failures


def check_call(
    expect: CallExpect, record: CallRecord, ticket: dict[str, Any] | None, latencies: Sequence[int]
) -> list[Failure]:
    """Return the unmet whole-call expectations."""
    failures: list[Failure] = []
    if expect.outcome and record.outcome not in expect.outcome:
        failures.append(Failure(None, "outcome", f"expected outcome {' or '.join(expect.outcome)}, "
                                                 f"got {record.outcome or 'none'}"))  # fmt: skip
    failures += _handoff(expect.handoff, [e.reason for e in record.of(HandoffRequested)], None)
    if expect.ticket is not None:
        failures += check_ticket(expect.ticket, ticket)
    texts = _texts(record.events)
    failures += _said(texts, expect.says, True, "says", None)
    failures += _said(texts, expect.not_says, False, "not_says", None)
    failures += check_satisfaction(expect.satisfaction, record, ticket)
    limit = expect.max_reply_latency_ms
    if limit is not None and latencies and max(latencies) > limit:
        failures.append(Failure(None, "max_reply_latency_ms", f"slowest reply took {max(latencies)} ms > {limit} ms"))
    return failures


def check_satisfaction(expected: str | None, record: CallRecord, ticket: dict[str, Any] | None) -> list[Failure]:
    """Return what is wrong with the call's rating question and answer (and the rating stored on its ticket)."""
    if expected is None:
        return []
    rated = record.of(SatisfactionRated)
    if expected == "not-asked":
        return [Failure(None, "satisfaction", "expected no rating question, but the bot asked")] if rated else []
    if not rated:
        return [Failure(None, "satisfaction", "expected the rating question, but the bot never asked")]
    got = rated[-1].rating
    if expected == "asked" or str(got or "none") == expected:
        stored = None if ticket is None else ticket.get("satisfaction")
        if ticket is not None and stored != got:
            return [Failure(None, "satisfaction", f"the ticket holds rating {stored}, the caller gave {got}")]
        return []
    return [Failure(None, "satisfaction", f"expected rating {expected}, got {got or 'none'} ({rated[-1].via})")]
