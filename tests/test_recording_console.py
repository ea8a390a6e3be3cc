"""The console plays a recorder's file with HTTP ranges to agents only, and says when a recording is missing."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests import handoff_support as support
from tests.fakes import tone
from tests.handoff_support import Console, draft
from tests.recording_support import plan_in
from voicebot.audio import split_frames
from voicebot.recording.recorder import CallRecorder
from voicebot.runtime.clock import SteppedClock

db_url = support.db_url
console = support.console


def record_call(directory: Path, call_id: str, seconds: int = 2, close: bool = True) -> str:
    """Record ``seconds`` of a 1 kHz caller with the real recorder; return the reference."""
    clock = SteppedClock()
    recorder = CallRecorder.start(plan_in(directory), call_id, 8000, clock)
    for index, frame in enumerate(split_frames(tone(seconds * 1000, 8000, freq=1000.0).pcm, 8000)):
        clock.now = index * 20.0
        recorder.caller(frame)
    if close:
        recorder.close()
    assert recorder.ref is not None
    return recorder.ref


async def test_recording_is_served_with_ranges_and_never_cached(console: Console, tmp_path: Path) -> None:
    ref = record_call(tmp_path / "recordings", "served")
    number = await console.store.save(draft(call_id="served", recording_ref=ref))
    stranger, agent = await console.client(), await console.client("alice")
    try:
        url = f"/console/tickets/{number}/recording"
        assert (await stranger.get(url, allow_redirects=False)).status == 303
        whole = await agent.get(url)
        body = await whole.read()
        assert whole.status == 200 and body == await asyncio.to_thread(Path(ref).read_bytes)
        assert len(body) == 44 + 2 * 8000 * 2 * 2  # 2 s of stereo 16-bit 8 kHz behind the header
        assert whole.headers["Content-Type"] == "audio/wav" and whole.headers["Cache-Control"] == "no-store"
        assert whole.headers["Accept-Ranges"] == "bytes"
        part = await agent.get(url, headers={"Range": "bytes=44-1043"})
        assert part.status == 206 and await part.read() == body[44:1044]
        assert part.headers["Content-Range"] == f"bytes 44-1043/{len(body)}"
        tail = await agent.get(url, headers={"Range": "bytes=-100"})
        assert tail.status == 206 and await tail.read() == body[-100:]
    finally:
        await stranger.close()
        await agent.close()


async def test_missing_and_unfinished_recordings_are_said_so(console: Console, tmp_path: Path) -> None:
    missing = await console.store.save(draft(call_id="disk-full", recording_missing=True))
    live_ref = record_call(tmp_path / "recordings", "still-on", close=False)
    live = await console.store.save(draft(call_id="still-on", recording_ref=live_ref))
    agent = await console.client("alice")
    try:
        page = await (await agent.get(f"/console/tickets/{missing}")).text()
        assert 'id="recording-missing"' in page and "录音缺失" in page and "<audio" not in page
        ticket = await console.store.get(missing)
        assert ticket is not None and ticket.recording_missing and ticket.to_json()["recording_missing"] is True
        unfinished = await agent.get(f"/console/tickets/{live}/recording")
        assert unfinished.status == 404 and "通话仍在录音中" in await unfinished.text()
    finally:
        await agent.close()
