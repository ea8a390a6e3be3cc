"""ASR measurements the benchmark command reports."""

from __future__ import annotations

import time

from asr.base import Recognizer
from voicebot.audio import Clip, split_frames
from voicebot.errors import AsrError


async def asr_realtime_factor(recognizer: Recognizer, clip: Clip, call_id: str = "bench-rtf") -> float:
    """Return decoding time / audio time for one clip streamed in 20 ms frames (lower is faster; < 1 keeps up)."""
    if clip.duration_ms <= 0:
        raise AsrError("asr-bench-empty", "cannot measure a real-time factor on an empty clip")
    stream = recognizer.start_stream(call_id, clip.rate)
    try:
        started = time.perf_counter()
        for frame in split_frames(clip.pcm, clip.rate):
            await stream.accept(frame)
        await stream.finish()
        elapsed = time.perf_counter() - started
    finally:
        await stream.aclose()
    return elapsed / (clip.duration_ms / 1000)
