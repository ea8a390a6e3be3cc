"""What the stages of one call share: its line, language, clock, record and settings, and the turn state.

One ``CallContext`` is made per call by the session and handed to the listener, the conversation and the ticket
keeper; no stage reaches into another through a lambda or a callback.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from voicebot.events import CallRecord
from voicebot.lines.line import Line
from voicebot.recording.plan import RecordingPlan
from voicebot.recording.recorder import CallRecorder
from voicebot.runtime.clock import Clock
from voicebot.settings import SessionSettings


@dataclass(slots=True)
class TurnState:
    """Where the conversation is; written by the conversation only, read by the listener and the ticket keeper."""

    thinking: bool = False
    """True while the bot works out its answer (no-input timer paused)."""
    expect: str | None = None
    """What the bot last asked for (``number``...): the listener's endpointing and keypad follow it."""
    asked: str | None = None
    """The field the bot last asked for (``callback_phone``, ``id_number``...): how many digits end the answer."""
    faq_topics: list[str] = field(default_factory=list)
    """FAQ topics answered in this call."""
    intent: str | None = None
    """Last understood intent."""
    number_capture: bool = False
    """True from the bot's question for a phone or ID number (or the caller keying digits) until the turn after
    the answer (the bot may read the number back): the recording holds silence meanwhile."""
    repeat_of: str | None = None
    """The caller's open ticket this call follows up (重复件): every save of the call's ticket links to it."""


@dataclass(frozen=True, slots=True)
class CallContext:
    """One call as every stage sees it."""

    line: Line
    """The call's line."""
    lang: str
    """Language the call runs in."""
    clock: Clock
    """The call's clock (virtual in replays)."""
    record: CallRecord
    """Where every stage emits what happened."""
    settings: SessionSettings
    """Call behaviour."""
    turn: TurnState = field(default_factory=TurnState)
    """The conversation's turn state."""
    recording: RecordingPlan | None = None
    """How calls are recorded (``None``: not at all)."""
    recorder: CallRecorder | None = None
    """This call's recorder (the listener gives it caller frames, the speaker bot frames)."""

    def now_ms(self) -> int:
        """Return call time in whole ms."""
        return int(self.clock.now_ms())
