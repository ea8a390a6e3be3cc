"""The call recorder on its own: both sides on the frame clock, number pauses, modes, file mode, a full disk."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from tests.fakes import tone
from tests.recording_support import channels, plan_in, sounds, tiny_disk
from voicebot.audio import AudioFrame, split_frames
from voicebot.call.prompts import prompt
from voicebot.errors import ConfigError
from voicebot.recording.plan import recording_plan
from voicebot.recording.recorder import CallRecorder
from voicebot.runtime.clock import SteppedClock
from voicebot.settings import RecordingSettings


def frames(freq: float, ms: int) -> list[AudioFrame]:
    return list(split_frames(tone(ms, 8000, freq=freq).pcm, 8000))


def test_both_sides_are_time_aligned_stereo_caller_left_bot_right(tmp_path: Path) -> None:
    clock = SteppedClock()
    recorder = CallRecorder.start(plan_in(tmp_path), "call-1", 8000, clock)
    assert recorder.active and recorder.ref is not None
    part = Path(recorder.ref + ".part")
    assert stat.S_IMODE(part.stat().st_mode) == 0o600 and not Path(recorder.ref).exists()
    caller, bot = frames(1000, 1000), frames(300, 1000)
    for index in range(150):  # 3 s: the bot speaks 0-1 s, the caller 2-3 s, silence from the caller before
        clock.now = index * 20.0
        recorder.caller(caller[index - 100] if index >= 100 else AudioFrame(bytes(320), 8000))
        if index < 50:
            recorder.bot(bot[index])
    recorder.close()
    path = Path(recorder.ref)
    assert path.is_file() and not part.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    rate, (left, right) = channels(path)
    assert rate == 8000 and len(left) == len(right) == 150 * 160
    assert sounds(right[:8000], rate, 300) and not right[8000:].any()
    assert not left[:16000].any() and sounds(left[16000:24000], rate, 1000)


def test_a_number_being_given_is_silence_on_both_sides_never_the_audio(tmp_path: Path) -> None:
    clock = SteppedClock()
    recorder = CallRecorder.start(plan_in(tmp_path), "call-2", 8000, clock)
    caller = frames(1000, 2000)
    for index in range(100):
        clock.now = index * 20.0
        number = 25 <= index < 75  # the bot asked for a phone number; the caller gives it
        recorder.caller(caller[index], number)
        recorder.bot(caller[index], number)
    recorder.close()
    assert recorder.ref is not None
    _, (left, right) = channels(Path(recorder.ref))
    for side in (left, right):
        assert side[: 25 * 160].any() and side[75 * 160 : 100 * 160].any()
        assert not side[25 * 160 : 75 * 160].any()


def test_caller_mode_is_mono_and_a_gap_in_the_line_is_kept_as_silence(tmp_path: Path) -> None:
    clock = SteppedClock()
    recorder = CallRecorder.start(plan_in(tmp_path, "caller"), "call-3", 8000, clock)
    caller = frames(1000, 400)
    for index in range(20):
        clock.now = (index if index < 10 else index + 40) * 20.0  # 800 ms with no frames at all mid-call
        recorder.caller(caller[index])
        recorder.bot(caller[index])  # ignored: caller only
    recorder.close()
    assert recorder.ref is not None
    _, chans = channels(Path(recorder.ref))
    assert len(chans) == 1 and len(chans[0]) == 60 * 160
    mono = chans[0]
    assert sounds(mono[: 10 * 160], 8000, 1000) and not mono[10 * 160 : 50 * 160].any()
    assert sounds(mono[50 * 160 :], 8000, 1000) and np.abs(mono[50 * 160 :]).mean() > 5000


def test_off_records_nothing(tmp_path: Path) -> None:
    recorder = CallRecorder.start(None, "call-4", 8000, SteppedClock())
    recorder.caller(frames(1000, 20)[0])
    recorder.close()
    assert not recorder.active and recorder.ref is None and not recorder.missing and not any(tmp_path.iterdir())


def test_a_full_disk_stops_the_recording_deletes_the_part_and_says_missing(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        clock = SteppedClock()
        recorder = CallRecorder.start(plan_in(disk), "call-5", 8000, clock)
        caller = frames(1000, 20)[0]
        for index in range(500):  # 10 s of stereo 8 kHz is 640 kB: far more than 64 kB
            clock.now = index * 20.0
            recorder.caller(caller)
            recorder.bot(caller)
        recorder.close()
        assert recorder.missing and recorder.ref is None and not recorder.active
        assert not [p for p in disk.rglob("*") if p.is_file()]  # the partial file went, freeing the disk
        os.statvfs(disk)  # still mounted and usable


def test_plan_from_settings_notice_texts_and_number_questions(tmp_path: Path) -> None:
    assert recording_plan(RecordingSettings()) is None  # off by default
    plan = recording_plan(RecordingSettings(mode="caller", directory=str(tmp_path), notice={"zh-CN": "本次通话录音。"},
                                            number_slots="callback_phone, id_number"))
    assert plan is not None and plan.mode == "caller"
    assert dict((lang, text) for text, lang in plan.notices()) == {
        "zh-CN": "本次通话录音。", "en-US": prompt("recording_notice", "en-US")}  # both pre-rendered by the cache
    assert plan.asks_number("number", None) and plan.asks_number(None, "id_number")
    assert not plan.asks_number("yes_no", "location") and not plan.asks_number(None, None)
    with pytest.raises(ConfigError) as err:
        RecordingSettings(mode="sometimes")
    assert err.value.code == "config-bad-recording-mode"
