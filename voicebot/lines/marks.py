"""The marks a line sent and is waiting for the peer to echo: how it knows when the bot's audio has played.

A mark is sent after each utterance and echoed once the audio before it has played. ``clear`` (barge-in) and
the end of the call settle every pending mark as not played: Twilio echoes marks dropped by ``clear`` late,
and those echoes must not count as a later utterance having played.
"""

from __future__ import annotations

import asyncio
from collections import deque

ECHOES_KEPT = 64
"""Echoed mark names kept for inspection (``played_marks``)."""


class MarkLedger:
    """Pending marks, each a future settled ``True`` by its echo or ``False`` when dropped."""

    def __init__(self) -> None:
        self.played_marks: deque[str] = deque(maxlen=ECHOES_KEPT)
        """Names of the marks the peer echoed (played, or dropped by ``clear``), newest last."""
        self._pending: dict[str, asyncio.Future[bool]] = {}
        self._sent = 0

    def expect(self) -> tuple[str, asyncio.Future[bool]]:
        """Name the next mark and return it with the future its echo settles."""
        self._sent += 1
        name = f"bot-{self._sent}"
        echoed = asyncio.get_running_loop().create_future()
        self._pending[name] = echoed
        return name, echoed

    def forget(self, name: str) -> None:
        """Stop waiting for ``name`` (its wait ended one way or another)."""
        self._pending.pop(name, None)

    def echoed(self, name: str) -> None:
        """Take the peer's echo of a mark: the utterance waiting for it has played (unknown names: only kept)."""
        self.played_marks.append(name)
        echoed = self._pending.pop(name, None)
        if echoed is not None and not echoed.done():
            echoed.set_result(True)

    def drop(self) -> None:
        """Settle every pending mark as not played (``clear``, hang-up, the peer gone)."""
        for echoed in self._pending.values():
            if not echoed.done():
                echoed.set_result(False)
        self._pending.clear()
