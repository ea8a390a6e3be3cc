"""What a scenario expects, per turn and per call, parsed from the ``expect:`` blocks of ``scenario.yaml``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from voicebot.errors import VoicebotError

Fail = Callable[[str], VoicebotError]
"""Builds the error for a problem in the block being parsed (it knows the file and the place)."""

_TURN_KEYS = {"intent", "faq_topic", "slots", "handoff", "says", "not_says", "barge_in", "no_input", "ticket_filed"}
_CALL_KEYS = {"outcome", "handoff", "ticket", "says", "not_says", "max_reply_latency_ms", "satisfaction"}
_TICKET_KEYS = {"exists", "kind", "fields", "handoff_reason", "faq_topics", "intent", "repeat_of"}


@dataclass(frozen=True, slots=True)
class TurnExpect:
    """What must happen between this caller turn and the next one (all optional)."""

    intent: tuple[str, ...] = ()
    """The understood intent must be one of these."""
    faq_topic: str | None = None
    """The FAQ topic answered (``office_hours`` or ``faq/office_hours``)."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Slots after the turn: strings must occur in the value (case-insensitive), other values be equal."""
    handoff: bool | str | None = None
    """Whether the call goes to a human in this turn (``True``/``False``) or with exactly this reason."""
    says: tuple[str, ...] = ()
    """Words the bot's speech after this turn must contain."""
    not_says: tuple[str, ...] = ()
    """Words the bot's speech after this turn must not contain."""
    barge_in: bool | None = None
    """Whether the caller's speech cut the bot off."""
    no_input: bool | None = None
    """Whether the bot noticed silence (re-prompt or goodbye)."""
    ticket_filed: bool | None = None
    """Whether a complaint ticket was filed in this turn."""

    def empty(self) -> bool:
        """Return True when nothing is expected."""
        return self == TurnExpect()


@dataclass(frozen=True, slots=True)
class TicketExpect:
    """The ticket the call leaves in the store (fetched by call id after the call)."""

    exists: bool = True
    """Whether the call must leave a ticket."""
    kind: str | None = None
    """``complaint``, ``handoff``, ``resolved``, ``partial``..."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Ticket fields, compared like slots."""
    handoff_reason: str | None = None
    """Why the call went to a human."""
    faq_topics: tuple[str, ...] = ()
    """FAQ topics the ticket must list (others may appear too)."""
    intent: str | None = None
    """The last understood intent."""
    repeat_of: str | None = None
    """The earlier ticket this one follows up (重复件)."""


@dataclass(frozen=True, slots=True)
class CallExpect:
    """What must hold for the whole call (all optional)."""

    outcome: tuple[str, ...] = ()
    """How the call ended: one of these (``resolved``, ``handoff``, ``ticket``, ``no-input``, ``abandoned``)."""
    handoff: bool | str | None = None
    """Whether the call went to a human, or with exactly this reason."""
    ticket: TicketExpect | None = None
    """The stored ticket."""
    says: tuple[str, ...] = ()
    """Words the bot must say somewhere in the call."""
    not_says: tuple[str, ...] = ()
    """Words the bot must never say."""
    max_reply_latency_ms: int | None = None
    """No reply may start later than this after the caller stopped speaking (virtual time)."""
    satisfaction: str | None = None
    """The rating question (一次一评): ``1``-``5`` the caller's rating (on the ticket too), ``none`` asked but no
    rating, ``asked`` asked whatever the answer, ``not-asked`` never asked."""

    def empty(self) -> bool:
        """Return True when nothing is expected."""
        return self == CallExpect()


def _words(value: Any, key: str, fail: Fail) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str | int) for v in value):
        return tuple(str(v) for v in value)
    raise fail(f"{key} must be a word or a list of words, not {value!r}")


def _mapping(value: Any, key: str, fail: Fail) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(f"{key} must be a mapping, not {value!r}")
    return {str(k): v for k, v in value.items()}


def _handoff(value: Any, fail: Fail) -> bool | str | None:
    if value is None or isinstance(value, bool | str):
        return value
    raise fail(f"handoff must be true, false or a reason such as caller-request, not {value!r}")


def _flag(value: Any, key: str, fail: Fail) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise fail(f"{key} must be true or false, not {value!r}")


def _check_keys(raw: dict[str, Any], allowed: set[str], fail: Fail) -> None:
    unknown = set(raw) - allowed
    if unknown:
        raise fail(f"unknown keys {sorted(unknown)} (allowed: {sorted(allowed)})")


def parse_turn_expect(raw: Any, fail: Fail) -> TurnExpect:
    """Return the turn expectations in ``raw`` (a mapping or nothing)."""
    data = _mapping(raw, "expect", fail)
    _check_keys(data, _TURN_KEYS, fail)
    topic = data.get("faq_topic")
    return TurnExpect(
        intent=_words(data.get("intent"), "intent", fail),
        faq_topic=None if topic is None else faq_name(str(topic)),
        slots=_mapping(data.get("slots"), "slots", fail),
        handoff=_handoff(data.get("handoff"), fail),
        says=_words(data.get("says"), "says", fail),
        not_says=_words(data.get("not_says"), "not_says", fail),
        barge_in=_flag(data.get("barge_in"), "barge_in", fail),
        no_input=_flag(data.get("no_input"), "no_input", fail),
        ticket_filed=_flag(data.get("ticket_filed"), "ticket_filed", fail),
    )


def _ticket(raw: Any, fail: Fail) -> TicketExpect | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        return TicketExpect(exists=raw)
    data = _mapping(raw, "ticket", fail)
    _check_keys(data, _TICKET_KEYS, fail)
    return TicketExpect(
        exists=_flag(data.get("exists", True), "ticket.exists", fail) is not False,
        kind=None if data.get("kind") is None else str(data["kind"]),
        fields=_mapping(data.get("fields"), "ticket.fields", fail),
        handoff_reason=None if data.get("handoff_reason") is None else str(data["handoff_reason"]),
        faq_topics=tuple(faq_name(t) for t in _words(data.get("faq_topics"), "ticket.faq_topics", fail)),
        intent=None if data.get("intent") is None else str(data["intent"]),
        repeat_of=None if data.get("repeat_of") is None else str(data["repeat_of"]),
    )


def parse_call_expect(raw: Any, fail: Fail) -> CallExpect:
    """Return the whole-call expectations in ``raw`` (a mapping or nothing)."""
    data = _mapping(raw, "expect", fail)
    _check_keys(data, _CALL_KEYS, fail)
    latency = data.get("max_reply_latency_ms")
    if latency is not None and (not isinstance(latency, int) or isinstance(latency, bool) or latency <= 0):
        raise fail(f"max_reply_latency_ms must be a positive whole number, not {latency!r}")
    return CallExpect(
        outcome=_words(data.get("outcome"), "outcome", fail),
        handoff=_handoff(data.get("handoff"), fail),
        ticket=_ticket(data.get("ticket"), fail),
        says=_words(data.get("says"), "says", fail),
        not_says=_words(data.get("not_says"), "not_says", fail),
        max_reply_latency_ms=latency,
        satisfaction=_satisfaction(data.get("satisfaction"), fail),
    )


def _satisfaction(value: Any, fail: Fail) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "asked" if value else "not-asked"
    if isinstance(value, int) and 1 <= value <= 5 or value in ("none", "asked", "not-asked"):
        return str(value)
    raise fail(f"satisfaction must be a rating 1-5, none, true (asked) or false (not asked), not {value!r}")


def faq_name(topic: str) -> str:
    """Return a FAQ topic in its full retrieval-intent form (``faq/office_hours``)."""
    return topic if topic.startswith("faq/") else f"faq/{topic}"
