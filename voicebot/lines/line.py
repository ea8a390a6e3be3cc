"""What a call session needs from a telephone line, whatever protocol carries it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from voicebot.audio import AudioFrame


@dataclass(frozen=True, slots=True)
class LineInfo:
    """Who is calling whom, over what."""

    call_id: str
    """Our id for the call (also the dialogue sender id and ticket key)."""
    protocol: str
    """``sip``, ``audiosocket``, ``twilio``, ``websocket``, ``file``, ``microphone``..."""
    rate: int = 8000
    """Sample rate of the frames the line delivers and accepts."""
    calling_number: str = ""
    """The caller's number (ANI), when the switch tells it."""
    called_number: str = ""
    """The number dialled (DNIS), when the switch tells it."""
    protocol_call_id: str = ""
    """The switch's own id for the call (SIP Call-ID, Twilio callSid, AudioSocket UUID)."""
    lang: str | None = None
    """Language forced by the line (e.g. per called number); ``None`` means the configured default."""
    extra: dict[str, str] = field(default_factory=dict)
    """Protocol-specific details worth keeping in the record (custom parameters...)."""


@dataclass(frozen=True, slots=True)
class Dtmf:
    """A keypad digit the caller pressed."""

    digit: str
    """One of 0-9, *, #, A-D."""
    timestamp_ms: int = 0
    """When it arrived on the call timeline."""


class Line(Protocol):
    """One call's media path: 20 ms frames in and out, DTMF in, control out."""

    info: LineInfo

    async def recv(self) -> AudioFrame | Dtmf | None:
        """Return the next caller frame or digit; ``None`` once the caller hung up."""

    async def send(self, frame: AudioFrame) -> None:
        """Transmit one bot frame now (the session paces frames in real time)."""

    async def clear(self) -> None:
        """Drop bot audio queued on the far side (barge-in); a no-op where nothing is queued."""

    async def transfer(self, target: str) -> bool:
        """Ask the switch to transfer the call to ``target``; ``False`` where the protocol cannot."""

    async def hangup(self) -> None:
        """End the call from the bot's side."""


@runtime_checkable
class NotifyingLine(Line, Protocol):
    """A line that can also show call events to the caller (the browser softphone)."""

    async def notify(self, event: dict[str, object]) -> None:
        """Send a JSON-able event: ``{"type": "partial"|"transcript"|"bot", "text": ...}``."""


async def notify(line: Line, event: dict[str, object]) -> None:
    """Show ``event`` to the caller where the line can (the browser softphone); other lines ignore it."""
    if isinstance(line, NotifyingLine):
        await line.notify(event)


@runtime_checkable
class PlayoutLine(Line, Protocol):
    """A line whose far side buffers bot audio and reports when it has played it (Twilio's ``mark``)."""

    async def played(self) -> bool:
        """Wait until the far side has played every frame sent so far; ``False``: cleared, closed or unconfirmed."""


async def played_out(line: Line) -> bool:
    """Wait until the far side has played the bot audio sent so far, where the line can tell; ``True`` elsewhere."""
    if isinstance(line, PlayoutLine):
        return await line.played()
    return True


@runtime_checkable
class TransferringLine(Line, Protocol):
    """A line that knows ahead whether a transfer can work at all (an agent URI configured, a protocol able to)."""

    def can_transfer(self, target: str) -> bool:
        """Return False when a transfer to ``target`` cannot work on this line, whatever the far side does."""


def can_transfer(line: Line, target: str) -> bool:
    """Return False when ``line`` knows a transfer to ``target`` cannot work; True where it cannot tell."""
    return line.can_transfer(target) if isinstance(line, TransferringLine) else True
