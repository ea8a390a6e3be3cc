"""Run one simulated call from scripted caller turns, in virtual (fast) or real time."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from voicebot.call.session import CallSession, Engines
from voicebot.events import CallRecord
from voicebot.lines.file_line import CallerTurn, FileLine
from voicebot.lines.line import LineInfo
from voicebot.runtime.aio import cancel_and_wait
from voicebot.runtime.clock import Clock, RealClock, VirtualClock
from voicebot.settings import SessionSettings


@dataclass(frozen=True, slots=True)
class SimulatedCall:
    """A finished simulated call."""

    record: CallRecord
    """What happened."""
    line: FileLine
    """The line, holding both sides' audio."""


def file_line_info(rate: int = 8000, lang: str | None = None, call_id: str | None = None) -> LineInfo:
    """Return line details for a simulated call."""
    return LineInfo(
        call_id=call_id or f"file-{uuid.uuid4().hex[:12]}",
        protocol="file",
        rate=rate,
        calling_number="",
        lang=lang,
    )


async def run_file_call(
    turns: Sequence[CallerTurn],
    engines: Engines,
    settings: SessionSettings,
    info: LineInfo,
    realtime: bool = False,
    gap_ms: int = 800,
) -> SimulatedCall:
    """Run a call whose caller plays ``turns``; virtual time unless ``realtime``."""
    clock: Clock
    ticker: asyncio.Task[None] | None = None
    if realtime:
        clock = RealClock()
    else:
        virtual = VirtualClock()
        clock = virtual
        ticker = asyncio.create_task(virtual.run(), name=f"clock-{info.call_id}")
    line = FileLine(turns, clock, info, gap_ms=gap_ms)
    try:
        record = await CallSession(line, engines, settings, clock).run()
    finally:
        if ticker is not None:
            await cancel_and_wait(ticker)
    return SimulatedCall(record, line)
