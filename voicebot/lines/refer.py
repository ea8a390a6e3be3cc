"""The outcome of a REFER (RFC 3515): the NOTIFYs of the implicit ``refer`` subscription, read as sipfrag."""

from __future__ import annotations

import asyncio
import logging
import re
from dataclasses import dataclass

from voicebot.lines.sip_message import SipMessage

logger = logging.getLogger(__name__)

REFER_TIMEOUT_S = 4.0
"""How long the REFER itself may go unanswered (its transaction; retransmitted meanwhile)."""
_SIPFRAG_STATUS = re.compile(rb"^\s*SIP/2\.0\s+(\d{3})", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ReferOutcome:
    """What the NOTIFYs said about a REFER the caller's side accepted."""

    status: int
    """Final status of the transferee's new call (``200`` connected, ``486`` busy...); ``0``: no final report."""
    reason: str
    """Why the transfer ended as it did, for the log (``SIP/2.0 486 Busy Here``, ``notify-timeout``...)."""

    @property
    def connected(self) -> bool:
        """Return whether the transfer succeeded (the caller now talks to the target)."""
        return 200 <= self.status < 300


def sipfrag_status(body: bytes) -> int:
    """Return the status code of a ``message/sipfrag`` status line (``SIP/2.0 200 OK`` -> 200), 0 if none."""
    match = _SIPFRAG_STATUS.match(body)
    return int(match.group(1)) if match else 0


def is_refer_notify(request: SipMessage) -> bool:
    """Return whether ``request`` is a NOTIFY of a REFER subscription (``Event: refer``, maybe ``;id=``)."""
    event = request.get("Event") or request.get("o")  # "o" is the compact form of Event (RFC 3261 7.3.3)
    return request.method == "NOTIFY" and event.split(";", 1)[0].strip().lower() == "refer"


class ReferWatch:
    """Waits for the final NOTIFY of one REFER: a final sipfrag status, or the subscription's end."""

    def __init__(self) -> None:
        self._outcome: asyncio.Future[ReferOutcome] = asyncio.get_running_loop().create_future()

    def on_notify(self, request: SipMessage) -> None:
        """Read one NOTIFY (already answered 200 OK): provisional reports are logged, a final one ends the wait."""
        status = sipfrag_status(request.body)
        state = request.get("Subscription-State").split(";", 1)[0].strip().lower()
        line = request.body.split(b"\r\n", 1)[0].decode("utf-8", "replace").strip()
        if status >= 200 or state == "terminated":
            self.finish(ReferOutcome(status if status >= 200 else 0, line or f"subscription {state}"))
        else:
            logger.info("REFER progress: %s", line or "(no sipfrag)")

    def finish(self, outcome: ReferOutcome) -> None:
        """End the wait with ``outcome`` (the first one counts)."""
        if not self._outcome.done():
            self._outcome.set_result(outcome)

    async def wait(self, timeout_s: float) -> ReferOutcome:
        """Return the outcome, or a failure once ``timeout_s`` passes without a final NOTIFY."""
        try:
            return await asyncio.wait_for(asyncio.shield(self._outcome), timeout_s)
        except TimeoutError:
            return ReferOutcome(0, f"no final NOTIFY within {timeout_s:g} s")
