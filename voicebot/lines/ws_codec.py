"""What a WebSocket line's codec is: the events it decodes peer messages into, and its typed errors.

A codec (``twilio_codec``, ``websocket_codec``) decodes each WebSocket message into these events; the shared
transport (``ws_transport``) acts on them: audio and digits go to the caller's queue, a mark echo to the line's
mark ledger, a hang-up ends the receive loop, an ignored message is logged. A codec refuses opening messages
that do not make a call with ``HandshakeRefused`` and reports an unreadable message with ``MalformedMessage``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from aiohttp import WSMessage

from voicebot.audio import AudioFrame
from voicebot.errors import LineError
from voicebot.lines.line import Dtmf


@dataclass(frozen=True, slots=True)
class MarkEcho:
    """The peer echoed a mark the bot sent: the audio sent before it has played (or was dropped by ``clear``)."""

    name: str
    """The mark's name, as the bot sent it."""


@dataclass(frozen=True, slots=True)
class PeerHangup:
    """The peer ended the media (Twilio ``stop``, a plain WebSocket ``hangup``)."""

    reason: str
    """For the log: who ended it and how."""


@dataclass(frozen=True, slots=True)
class Ignored:
    """A well-formed message the line does not use (not counted as malformed)."""

    reason: str
    """For the log: what was ignored."""


MediaEvent = AudioFrame | Dtmf | MarkEcho | PeerHangup | Ignored


class MalformedMessage(LineError):
    """A message the codec cannot read; the transport drops it and ends the call after ``MAX_MALFORMED``."""


class MediaDecoder(Protocol):
    """The receiving half of a codec: one WebSocket message in, the events it carries out."""

    peer: str
    """Who is on the other side, for the log (``Twilio``, ``peer``)."""

    def decode(self, message: WSMessage) -> list[MediaEvent]:
        """Return the events in ``message``; raise ``MalformedMessage`` when it cannot be read."""


class MarkSink(Protocol):
    """Where mark echoes go (the Twilio line's ledger of marks waiting to be played)."""

    def echoed(self, name: str) -> None:
        """Take the peer's echo of the mark ``name``."""


class HandshakeRefused(LineError):
    """The peer's opening messages do not make a call we take; the WebSocket is closed with ``close_code``."""

    def __init__(self, code: str, message: str, close_code: int, close_reason: bytes) -> None:
        super().__init__(code, message)
        self.close_code = close_code
        """The WebSocket close code: 1002 a bad handshake, 1008 a bad token."""
        self.close_reason = close_reason
        """The WebSocket close reason the peer sees."""
