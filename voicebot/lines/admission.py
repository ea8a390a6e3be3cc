"""Admission control shared by every line: a call holds its place under ``max_calls`` from the moment it is admitted.

A SIP call is admitted when its INVITE arrives, but its session starts only after its RTP socket is open and the
answer delay has passed; a WebSocket or AudioSocket call is admitted once it has identified itself. The line
reserves a place at admission (``CallSink.reserve``), hands it to the session when the call starts
(``CallSink.start``) or gives it back when the call never starts (``CallSink.release``: cancelled while ringing,
no RTP port, the peer gone). Ringing calls therefore count, and many INVITEs arriving at once cannot all be
answered: beyond the limit they get ``503 Service Unavailable`` (WebSocket close 1013, AudioSocket hang-up).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Protocol

from voicebot.lines.line import Line


@dataclass(frozen=True, slots=True, eq=False)
class Reservation:
    """One place under the call limit, held from admission until the session ends or the call is abandoned.

    Compared by identity: each admitted call has its own.
    """

    protocol: str
    """The line that admitted the call (``sip``, ``audiosocket``, ``twilio``, ``websocket``)."""


class CallSink(Protocol):
    """Where adapters hand answered calls (the server's call registry)."""

    def reserve(self, protocol: str) -> Reservation | None:
        """Take a place for a new call now; ``None`` when shutting down or every place is taken (ringing or up)."""

    def start(self, line: Line, reservation: Reservation) -> asyncio.Task[None]:
        """Run a session on ``line`` in the reserved place; the task ends when the call is over and the line hung up."""

    def release(self, reservation: Reservation) -> None:
        """Give back the place of a call that never started; a no-op once started or released."""
