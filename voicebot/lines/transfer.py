"""Transfer by closing: where the switch continues its own script when the bot lets go of the media.

AudioSocket (Asterisk: the dialplan goes on, e.g. to ``Queue(agents)``) and Twilio (the TwiML after
``<Connect><Stream>`` goes on, e.g. a ``<Dial>``) cannot be told where to send a call; they move on to the next
step once the media connection closes. With ``transfer_on_close`` the bot transfers by hanging up its side.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from voicebot.lines.line import LineInfo

logger = logging.getLogger(__name__)


class ClosableLine(Protocol):
    """A line that ends the call by closing its media connection."""

    info: LineInfo

    @property
    def closed(self) -> bool:
        """Whether the media connection is already closed."""

    async def hangup(self) -> None:
        """Close the media connection."""


@dataclass(frozen=True, slots=True)
class TransferByClose:
    """How one line transfers: by closing its media connection, when the switch is set up to continue."""

    enabled: bool
    """``transfer_on_close``: the switch continues after the media closes (otherwise the call would just end)."""
    media: str
    """What is closed, for the log (``the AudioSocket``, ``the media stream``)."""
    continues: str
    """What takes over, for the log (``dialplan continues``, ``TwiML continues``)."""

    async def transfer(self, line: ClosableLine) -> bool:
        """Close ``line`` so the switch continues; ``False`` when not enabled or the line is already closed."""
        if not self.enabled or line.closed:
            return False
        logger.info("call %s: transfer by closing %s (%s)", line.info.call_id, self.media, self.continues)
        await line.hangup()
        return True
