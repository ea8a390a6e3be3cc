"""What happened in a call, in past tense, each stamped with call time.

A ``CallRecord`` (events + transcripts + tickets + outcome) is what the CLI
prints, QA replay compares and the handoff ticket is built from. ``CallRecord.emit`` is the one way an event
is recorded and shown to the call's live listeners (the browser softphone); a ``LiveEvent`` is only shown.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class CallEvent:
    """Base of every call event."""

    at_ms: int
    """When it happened, in ms since the call started."""

    @property
    def kind(self) -> str:
        """Return the event's name, e.g. ``BargeIn``."""
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class CallStarted(CallEvent):
    """The bot answered."""

    protocol: str = ""
    """Line protocol."""
    lang: str = ""
    """Language the call runs in."""


@dataclass(frozen=True, slots=True)
class UserStartedSpeaking(CallEvent):
    """The segmenter saw the start of caller speech."""


@dataclass(frozen=True, slots=True)
class UserStoppedSpeaking(CallEvent):
    """The segmenter saw the end of caller speech (reply latency counts from here)."""

    waited_ms: int = 0
    """Silence the segmenter waited after the speech before it decided the turn was over (0: cut at the limit)."""
    end_reason: str = ""
    """Why: ``fixed``, the adaptive rule's reason (``yes-no-answer``, ``digits-coming``...), or ``cut`` when the
    utterance hit ``max_utterance_ms``."""


@dataclass(frozen=True, slots=True)
class Transcribed(CallEvent):
    """A final transcript of one caller utterance (or DTMF digits as text)."""

    text: str = ""
    """What the bot heard."""
    confidence: float = 1.0
    """Recogniser confidence."""
    source: str = "asr"
    """``asr``, ``dtmf`` or ``reference``."""


@dataclass(frozen=True, slots=True)
class DtmfReceived(CallEvent):
    """The caller pressed a key."""

    digit: str = ""
    """The key."""


@dataclass(frozen=True, slots=True)
class BotReplied(CallEvent):
    """The dialogue engine answered a caller utterance."""

    utterances: tuple[str, ...] = ()
    """What the bot will say."""
    intent: str | None = None
    """The understood intent."""
    directives: tuple[str, ...] = ()
    """Directive names, e.g. ``handoff``."""
    dialogue_ms: int = 0
    """Real time the dialogue engine took."""
    faq_topic: str | None = None
    """The FAQ topic answered, if any (``faq/office_hours``)."""
    slots: dict[str, Any] = field(default_factory=dict)
    """The dialogue's slots after this turn."""
    asked: str | None = None
    """The field the bot asked for in this turn (``location``...; ``in_danger`` for the safety question)."""


@dataclass(frozen=True, slots=True)
class BotStartedSpeaking(CallEvent):
    """The first frame of a bot utterance went out."""

    text: str = ""
    """The utterance."""
    cached: bool = False
    """Whether its audio came from the prompt cache."""


@dataclass(frozen=True, slots=True)
class BotStoppedSpeaking(CallEvent):
    """A bot utterance ended."""

    interrupted: bool = False
    """True when the caller barged in."""


@dataclass(frozen=True, slots=True)
class BargeIn(CallEvent):
    """The caller spoke over the bot, which stopped talking."""


@dataclass(frozen=True, slots=True)
class BargeInRetracted(CallEvent):
    """The speech that stopped the bot ended with no words (or backchannels only): the bot resumes."""


@dataclass(frozen=True, slots=True)
class NoInput(CallEvent):
    """The caller said nothing for the no-input timeout."""

    count: int = 1
    """How many times in a row."""


@dataclass(frozen=True, slots=True)
class HandoffRequested(CallEvent):
    """The call goes to a human agent."""

    reason: str = ""
    """Why (``caller-request``, ``dtmf-0``, ``dialogue-failed``...)."""


@dataclass(frozen=True, slots=True)
class TransferAttempted(CallEvent):
    """The bot asked the switch to connect the caller to an agent; stamped when the answer came."""

    target: str = ""
    """Where to (SIP URI or queue name)."""
    connected: bool = False
    """Whether the caller now talks to the agent (SIP: the REFER's final NOTIFY said 2xx)."""


@dataclass(frozen=True, slots=True)
class TicketFiled(CallEvent):
    """A ticket was stored durably."""

    number: str = ""
    """The speakable ticket number."""
    ticket_kind: str = ""
    """``complaint``, ``handoff``, ``callback``."""


@dataclass(frozen=True, slots=True)
class SatisfactionRated(CallEvent):
    """The bot asked a resolved call's caller to rate the service (once); stamped when the answer came."""

    rating: int | None = None
    """1 (very satisfied) to 5 (very dissatisfied); ``None``: no rating (skipped, silent, unclear, hung up)."""
    via: str = ""
    """``dtmf``, ``voice``, or why there is none: ``skipped`` (words that are no rating), ``silence``,
    ``hangup``, ``failed`` (the recogniser failed)."""


@dataclass(frozen=True, slots=True)
class ErrorOccurred(CallEvent):
    """An engine failed; the caller heard an apology."""

    code: str = ""
    """Stable error code."""
    message: str = ""
    """Details."""


@dataclass(frozen=True, slots=True)
class CallEnded(CallEvent):
    """The call is over."""

    reason: str = ""
    """``caller-hangup``, ``bot-hangup``, ``handoff``, ``no-input``, ``error``, ``shutdown``."""


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """Base of what live listeners see but the record does not keep (the record stays what QA replay compares)."""

    at_ms: int
    """When it happened, in ms since the call started."""

    @property
    def kind(self) -> str:
        """Return the event's name, e.g. ``PartialTranscript``."""
        return type(self).__name__


@dataclass(frozen=True, slots=True)
class PartialTranscript(LiveEvent):
    """What the recogniser has heard so far of the utterance in progress."""

    text: str = ""
    """The partial words."""


@dataclass(frozen=True, slots=True)
class BotAboutToSpeak(LiveEvent):
    """A bot utterance is synthesised and about to play (its audio follows)."""

    text: str = ""
    """The utterance."""


class CallListener(Protocol):
    """Watches a call's events as they happen (the softphone display)."""

    async def on_event(self, event: CallEvent | LiveEvent) -> None:
        """Take note of ``event``; called in order, right after it is recorded."""


@dataclass(slots=True)
class CallRecord:
    """Everything about one call; filled in by the session as the call goes."""

    call_id: str
    """Call id."""
    info: dict[str, Any] = field(default_factory=dict)
    """Line details (protocol, numbers, protocol call id)."""
    events: list[CallEvent] = field(default_factory=list)
    """Events in order."""
    tickets: list[str] = field(default_factory=list)
    """Numbers of tickets filed during the call."""
    slots: dict[str, Any] = field(default_factory=dict)
    """Last known dialogue slots."""
    outcome: str = ""
    """How the call ended: ``resolved``, ``handoff``, ``ticket``, ``abandoned``, ``no-input``, ``error``."""
    listeners: tuple[CallListener, ...] = field(default=(), repr=False, compare=False)
    """Who is shown each event as it is emitted (not part of the record)."""

    async def emit(self, event: CallEvent | LiveEvent) -> None:
        """Record ``event`` (a ``LiveEvent`` is not kept) and show it to every live listener."""
        if isinstance(event, CallEvent):
            self.events.append(event)
        for listener in self.listeners:
            await listener.on_event(event)

    async def add_ticket(self, at_ms: int, number: str, kind: str) -> None:
        """Record that ticket ``number`` was filed as ``kind`` and keep its number."""
        await self.emit(TicketFiled(at_ms, number=number, ticket_kind=kind))
        self.keep_ticket(number)

    def keep_ticket(self, number: str) -> None:
        """Keep ticket ``number`` among the call's tickets (once)."""
        if number not in self.tickets:
            self.tickets.append(number)

    def of(self, kind: type[CallEvent]) -> list[Any]:
        """Return the events of one type."""
        return [event for event in self.events if isinstance(event, kind)]

    def transcript(self) -> list[tuple[int, str, str]]:
        """Return ``(at_ms, speaker, text)`` lines: what the caller said and the bot answered."""
        lines: list[tuple[int, str, str]] = []
        for event in self.events:
            if isinstance(event, Transcribed):
                lines.append((event.at_ms, "caller", event.text))
            elif isinstance(event, BotStartedSpeaking):
                lines.append((event.at_ms, "bot", event.text))
        return lines

    def reply_latencies_ms(self) -> list[int]:
        """Return, per caller turn answered, ms from end of speech to the next bot audio."""
        latencies: list[int] = []
        pending: int | None = None
        for event in self.events:
            if isinstance(event, UserStoppedSpeaking):
                pending = event.at_ms
            elif isinstance(event, BotStartedSpeaking) and pending is not None:
                latencies.append(event.at_ms - pending)
                pending = None
        return latencies

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {
            "call_id": self.call_id,
            "info": self.info,
            "outcome": self.outcome,
            "tickets": self.tickets,
            "slots": self.slots,
            "events": [{"kind": e.kind, **dataclasses.asdict(e)} for e in self.events],
        }
