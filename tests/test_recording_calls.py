"""Recordings of served calls through the real pieces: a SIPp caller, an AudioSocket caller, a full disk."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import numpy as np
import pytest

from tests.calls_support import serving
from tests.fakes import say
from tests.recording_support import channels, file_mode, plan_in, sounds, tiny_disk
from tests.sipp_harness import open_capture, render_scenario, run_sipp
from tests.telephony_helpers import tone, ulaw_wav
from voicebot.audio import FRAME_MS
from voicebot.call.prompts import prompt
from voicebot.events import (
    BotStartedSpeaking,
    BotStoppedSpeaking,
    DtmfReceived,
    UserStartedSpeaking,
    UserStoppedSpeaking,
)
from voicebot.lines.audiosocket import AUDIO, DTMF, UUID, pack
from voicebot.recording.recorder import JUMP_FRAMES

pytestmark = pytest.mark.real

CALLER = "13800138000"
THANKS = "好的，已记下。"
"""The bot's answer to the number (it could read the number back: recorded as silence)."""


def caller_tone(directory: Path, name: str, ms: int = 1000, silence_ms: int = 1500) -> Path:
    """Write a mu-law WAV of a 1 kHz tone (the caller's "speech") and trailing silence, for SIPp."""
    path = directory / f"{name}.wav"
    path.write_bytes(ulaw_wav(tone(8000, ms, freq=1000.0) + bytes(16 * silence_ms)))
    return path


def span(samples: np.ndarray, start_ms: int, end_ms: int) -> np.ndarray:
    return samples[start_ms * 8 : end_ms * 8]


async def test_sipp_call_is_recorded_in_stereo_with_the_notice_and_the_number_paused(tmp_path: Path) -> None:
    first, second = caller_tone(tmp_path, "complaint"), caller_tone(tmp_path, "number")
    scenario = render_scenario("conversation", tmp_path, lead_ms="2500", speech1=str(first), speech2=str(second),
                               pause1_ms="3500", pause2_ms="3500")
    turns = [say("请问您的回电号码是多少？", asked="callback_phone"), say(THANKS)]
    plan = plan_in(tmp_path / "recordings")
    capture = await open_capture()
    async with serving(tmp_path, recording=plan, heard=["路灯坏了", "一三八零零一三八零零零"], turns=turns) as bot:
        code, output = await run_sipp(bot.sip_port, scenario, calls=1, capture_port=capture.port)
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert code == 0, output
    said = record.of(BotStartedSpeaking)
    assert [e.text for e in said][:2] == [prompt("recording_notice", "zh-CN"), prompt("greeting", "zh-CN")]
    assert said[0].at_ms < 200  # the notice comes first
    assert ticket.recording_ref is not None and not ticket.recording_missing
    path = Path(ticket.recording_ref)
    assert file_mode(path) == 0o600 and path.parent.parent == tmp_path / "recordings"
    rate, (left, right) = channels(path)
    assert rate == 8000 and len(left) == len(right)
    heard = list(zip(record.of(UserStartedSpeaking), record.of(UserStoppedSpeaking), strict=True))
    assert len(heard) == 2
    (start1, end1), (start2, end2) = ((s.at_ms, e.at_ms) for s, e in heard)
    # The complaint: the caller's 1 kHz on the left, in the very slot the bot heard it (frame clock).
    assert sounds(span(left, start1 + 100, end1 - 100), rate, 1000)
    assert not span(left, start1 - 400, start1 - 100).any()
    # The bot's 300 Hz tones on the right: the notice at once, and not on the caller's side.
    notice_end = record.of(BotStoppedSpeaking)[0].at_ms
    assert sounds(span(right, 20, notice_end - 20), rate, 300)
    assert np.abs(span(left, 20, notice_end - 20)).max() < 200
    # The callback number (and the bot's answer to it) are silence on both sides, never the audio.
    assert not span(left, start2 - 200, end2 + 200).any()
    thanks = next(e for e in said if e.text == THANKS)
    assert not span(right, thanks.at_ms - 40, thanks.at_ms + 200).any()
    assert not span(right, start2 - 200, end2).any()


async def test_audiosocket_ticket_has_the_recording_before_it_reaches_an_agent(tmp_path: Path) -> None:
    plan = plan_in(tmp_path / "recordings", "caller")
    async with serving(tmp_path, recording=plan) as bot:
        call_uuid = bot.audiosocket.register(str(uuid.uuid4()), CALLER, "12345")
        reader, writer = await asyncio.open_connection("127.0.0.1", bot.audiosocket.port)
        writer.write(pack(UUID, uuid.UUID(call_uuid).bytes))
        loud = tone(8000, 500, freq=1000.0)
        for offset in range(0, len(loud), 320):
            writer.write(pack(AUDIO, loud[offset : offset + 320]))
            await asyncio.sleep(0.02)
        writer.write(pack(DTMF, b"0"))
        for _ in range(25):
            writer.write(pack(AUDIO, bytes(320)))
            await asyncio.sleep(0.02)
        await bot.queued()
        claimed = await bot.queue.claim_next("alice")
        assert claimed is not None and claimed.recording_ref is not None  # the agent sees it while the call runs
        assert file_mode(claimed.recording_ref + ".part") == 0o600 and file_mode(claimed.recording_ref) is None
        writer.close()
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert ticket.recording_ref == claimed.recording_ref and file_mode(ticket.recording_ref) == 0o600
    rate, chans = channels(Path(ticket.recording_ref))
    assert rate == 8000 and len(chans) == 1 and sounds(chans[0][:4000], rate, 1000)


async def test_a_full_disk_stops_the_recording_not_the_call(tmp_path: Path) -> None:
    turns = [say(f"第{n}个回答。") for n in range(1, 5)]
    with tiny_disk(tmp_path / "disk", "64k") as disk:
        async with serving(tmp_path, recording=plan_in(disk), heard=["一", "二", "三", "四"], turns=turns) as bot:
            call_uuid = bot.audiosocket.register(str(uuid.uuid4()), CALLER, "12345")
            _reader, writer = await asyncio.open_connection("127.0.0.1", bot.audiosocket.port)
            writer.write(pack(UUID, uuid.UUID(call_uuid).bytes))
            speech, pause = tone(8000, 600, freq=1000.0), bytes(16 * 1400)
            audio = bytes(16 * 2000) + (speech + pause) * 4  # 10 s: stereo 8 kHz fills 64 kB in 2 s
            for offset in range(0, len(audio), 320):
                writer.write(pack(AUDIO, audio[offset : offset + 320]))
                await asyncio.sleep(0.02)
            writer.close()
            record = await bot.record()
            ticket = await bot.ticket(record.tickets[0])
        leftovers = [p for p in disk.rglob("*") if p.is_file()]
    answers = [e for e in record.of(BotStartedSpeaking) if e.text.startswith("第")]
    assert len(answers) == 4 and answers[-1].at_ms > 6000  # the call went on long after the disk was full
    assert ticket.recording_missing and ticket.recording_ref is None
    assert leftovers == []


KEYS = {50: b"1", 80: b"3", 110: b"8", 150: b"#"}
"""Frame index -> the key the caller presses there."""


async def test_keyed_digits_are_silence_in_the_recording(tmp_path: Path) -> None:
    plan = plan_in(tmp_path / "recordings", "caller")
    async with serving(tmp_path, recording=plan, turns=[say("好的。")]) as bot:
        call_uuid = bot.audiosocket.register(str(uuid.uuid4()), CALLER, "12345")
        _reader, writer = await asyncio.open_connection("127.0.0.1", bot.audiosocket.port)
        writer.write(pack(UUID, uuid.UUID(call_uuid).bytes))
        loud = tone(8000, 20, freq=1000.0)
        for index in range(200):  # 4 s of 1 kHz; keys 1, 3, 8, # from 1 s to 3 s (in-band sound meanwhile)
            if index in KEYS:
                writer.write(pack(DTMF, KEYS[index]))
            writer.write(pack(AUDIO, loud))
            await asyncio.sleep(0.02)
        writer.close()
        record = await bot.record()
        ticket = await bot.ticket(record.tickets[0])
    assert ticket.recording_ref is not None
    _, (mono,) = channels(Path(ticket.recording_ref))
    keyed = [e.at_ms for e in record.of(DtmfReceived)]
    assert len(keyed) == 4
    assert sounds(span(mono, keyed[0] - 600, keyed[0] - 100), 8000, 1000)  # the caller before keying
    # The keyed number is silence, in-band tones and all (frames late on the line land up to JUMP_FRAMES early).
    assert not span(mono, keyed[0] + 60, keyed[-1] - JUMP_FRAMES * FRAME_MS - 20).any()
