"""Real SIPp callers against the server: four simultaneous conversations and a DTMF-0 handoff."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest

from tests.sipp_harness import DTMF_PCAP, bursts, open_capture, render_scenario, run_sipp
from tests.telephony_helpers import SPEECH, ScriptedBot, running, test_settings, ulaw_wav
from voicebot.audio import read_wav, ulaw_decode
from voicebot.events import BotStartedSpeaking, HandoffRequested, UserStoppedSpeaking
from voicebot.server import SIP

pytestmark = pytest.mark.real

TRAILING_SILENCE_S = 1.5
"""Silence after each utterance: a real phone keeps sending RTP, and end-of-speech needs it."""


def caller_wav(directory: Path, name: str) -> tuple[Path, int]:
    """Write a mu-law WAV of a real recording plus silence; return it and its duration in ms."""
    clip = read_wav(SPEECH / name, 8000)
    pcm = clip.pcm + b"\x00" * int(16000 * TRAILING_SILENCE_S)
    path = directory / Path(name).with_suffix(".ulaw.wav").name
    path.write_bytes(ulaw_wav(pcm))
    return path, int(len(pcm) / 16)


async def test_four_simultaneous_sipp_conversations(tmp_path: Path) -> None:
    first, first_ms = caller_wav(tmp_path, "en/rhasspy3_turn_on_the_lamp.wav")
    second, second_ms = caller_wav(tmp_path, "en/rhasspy3_what_time_is_it.wav")
    scenario = render_scenario("conversation", tmp_path, lead_ms="100", speech1=str(first), speech2=str(second),
                               pause1_ms=str(first_ms + 1000), pause2_ms=str(second_ms + 1000))
    bot = ScriptedBot(reply_ms=600)
    capture = await open_capture()
    async with running(test_settings(), bot) as (app, _):
        code, output = await run_sipp(app[SIP].port, scenario, calls=4, capture_port=capture.port, rate=20)
        for _ in range(100):
            if len(bot.records) == 4:
                break
            await asyncio.sleep(0.05)
    assert code == 0, output
    assert len(bot.records) == 4
    assert len({r.info["protocol_call_id"] for r in bot.records}) == 4
    for record in bot.records:
        assert record.info["calling"] == "13800138000" and record.info["called"] == "12345"
        assert len(record.of(UserStoppedSpeaking)) == 2  # both utterances heard
        assert len(record.of(BotStartedSpeaking)) == 2
    assert len(capture.streams) == 4 and capture.bad == 0
    for stream in capture.streams.values():
        spurts = bursts(stream, gap_s=0.25)
        assert len(spurts) == 2, [len(s) for s in spurts]
        for spurt in spurts:
            assert len(spurt) == 30  # 600 ms of reply, 20 ms per packet
            assert spurt[0].packet.marker and all(item.speech for item in spurt)
            pcm = ulaw_decode(b"".join(item.packet.payload for item in spurt))
            samples = np.frombuffer(pcm, "<i2").astype(float)
            spectrum = np.abs(np.fft.rfft(samples))
            assert abs(float(np.argmax(spectrum)) * 8000 / len(samples) - 440) < 10  # the bot's 440 Hz tone
            gaps = np.diff([item.at for item in spurt]) * 1000
            assert 17 < float(np.median(gaps)) < 23, gaps  # paced at 20 ms...
            assert 520 < spurt[-1].at * 1000 - spurt[0].at * 1000 < 660, gaps  # ...in real time, without drift
            assert float(np.percentile(gaps, 95)) < 60, gaps  # generous: CI shares 2 cores among many tests
        # The second reply starts only after the caller's second utterance, well after the first reply.
        assert spurts[1][0].at - spurts[0][0].at > 1.0


async def test_sipp_dtmf_zero_hands_off(tmp_path: Path) -> None:
    scenario = render_scenario("dtmf_handoff", tmp_path, dtmf_pcap=str(DTMF_PCAP).format(0))
    bot = ScriptedBot()
    capture = await open_capture()
    async with running(test_settings(agent_uri="sip:agents@127.0.0.1"), bot) as (app, _):
        code, output = await run_sipp(app[SIP].port, scenario, calls=1, capture_port=capture.port)
        for _ in range(50):
            if bot.records:
                break
            await asyncio.sleep(0.05)
    assert code == 0, output
    assert bot.transfers == [True]
    record = bot.records[0]
    assert [e.reason for e in record.of(HandoffRequested)] == ["dtmf-0"]
    assert record.outcome == "handoff"
