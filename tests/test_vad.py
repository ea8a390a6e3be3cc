"""Real webrtcvad on real recordings from shared/speech, alone and feeding the segmenter."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from asr.segmenter import Ended, Segmenter, SegmenterConfig, Started
from asr.vad import NoiseFloor, WebRtcVad, frame_level_db
from voicebot.audio import AudioFrame, read_wav, split_frames, ulaw_decode, ulaw_encode
from voicebot.errors import AsrError

SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
ZH = ["aishell1_BAC009S0724W0121.wav", "aishell1_BAC009S0764W0122.wav", "aishell1_BAC009S0764W0125.wav"]
EN = ["librispeech_1089-134686-0002.wav", "librispeech_1320-122612-0008.wav"]
WARM_UP = 5  # webrtcvad's first frames after creation are unreliable: it reports speech while adapting

pytestmark = pytest.mark.real


def decisions(pcm: bytes, rate: int, mode: int = 2) -> list[bool]:
    vad = WebRtcVad(mode)
    return [vad.is_speech(frame) for frame in split_frames(pcm, rate)]


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("name", [f"zh/{n}" for n in ZH] + [f"en/{n}" for n in EN])
def test_speech_inside_an_utterance_is_detected(name: str, rate: int) -> None:
    clip = read_wav(SPEECH / name, rate)
    found = decisions(clip.pcm, rate)
    middle = found[len(found) // 4 : 3 * len(found) // 4]  # well inside the spoken sentence
    assert sum(middle) / len(middle) >= 0.8


@pytest.mark.parametrize("name", ZH)
def test_room_noise_before_aishell_speech_is_not_speech(name: str) -> None:
    """AISHELL recordings open with about half a second of room noise before the first word."""
    clip = read_wav(SPEECH / "zh" / name, 8000)
    lead = decisions(clip.pcm, 8000)[WARM_UP:20]
    assert sum(lead) <= 2


@pytest.mark.parametrize("rate", [8000, 16000])
def test_silence_and_line_noise_are_not_speech(rate: int) -> None:
    assert not any(decisions(b"\x00" * rate * 4, rate))
    noise = np.random.default_rng(7).normal(0, 32768 * 10 ** (-40 / 20), rate * 3).astype("<i2").tobytes()
    assert sum(decisions(noise, rate)[WARM_UP:]) / (150 - WARM_UP) < 0.1


def test_mu_law_telephone_speech_is_still_detected() -> None:
    clip = read_wav(SPEECH / "zh" / ZH[0], 8000)
    phone = ulaw_decode(ulaw_encode(clip.pcm))
    plain, coded = decisions(clip.pcm, 8000), decisions(phone, 8000)
    agree = sum(a == b for a, b in zip(plain, coded, strict=True)) / len(plain)
    assert agree >= 0.95


@pytest.mark.parametrize("name", ZH + ["cv_zh-CN_18536155.wav"])
def test_vad_and_segmenter_find_one_utterance(name: str) -> None:
    """One second of silence, the recording, two seconds of silence: exactly one utterance around the speech."""
    clip = read_wav(SPEECH / "zh" / name, 8000)
    pcm = b"\x00" * 16000 + clip.pcm + b"\x00" * 32000
    segmenter, vad = Segmenter(SegmenterConfig(end_silence_ms=700)), WebRtcVad(2)
    events = [e for f in split_frames(pcm, 8000) if (e := segmenter.process(20, vad.is_speech(f))) is not None]
    assert [type(e) for e in events] == [Started, Ended]
    started, ended = events
    assert isinstance(started, Started) and isinstance(ended, Ended)
    assert 1000 <= started.at_ms <= 2000
    assert ended.start_ms == started.at_ms
    assert 1000 + clip.duration_ms - 1200 <= ended.end_ms <= 1000 + clip.duration_ms + 100
    assert not ended.truncated


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (AudioFrame(b"\x00" * 320, 11025), "vad-bad-rate"),
        (AudioFrame(b"\x00" * 100, 8000), "vad-bad-frame"),
        (AudioFrame(b"\x00" * 640, 8000), "vad-bad-frame"),  # 40 ms
    ],
)
def test_bad_frames_give_clear_errors(frame: AudioFrame, code: str) -> None:
    with pytest.raises(AsrError) as info:
        WebRtcVad(2).is_speech(frame)
    assert info.value.code == code


def test_10_and_30_ms_frames_are_accepted() -> None:
    vad = WebRtcVad(1)
    assert vad.is_speech(AudioFrame(b"\x00" * 160, 8000)) is False
    assert vad.is_speech(AudioFrame(b"\x00" * 960, 16000)) is False


def test_bad_mode_is_refused() -> None:
    with pytest.raises(AsrError) as info:
        WebRtcVad(4)
    assert info.value.code == "vad-bad-mode"


def test_line_noise_after_speech_is_not_speech() -> None:
    """webrtcvad alone (mode 2) keeps -61 dBFS white noise "speech" after an utterance; the gated one does not."""
    clip = read_wav(SPEECH / "zh" / ZH[0], 8000)
    noise = np.random.default_rng(7).normal(0, 30, 8000 * 3).astype("<i2").tobytes()
    pcm = noise + clip.pcm + noise
    tail = slice(-(150 - 40), None)  # the last 2.2 s: well after the 700 ms endpointing tail
    plain = WebRtcVad(2, noise_margin_db=None)
    gated = WebRtcVad(2)
    plain_flags = [plain.is_speech(f) for f in split_frames(pcm, 8000)]
    gated_flags = [gated.is_speech(f) for f in split_frames(pcm, 8000)]
    assert sum(gated_flags[tail]) <= 2
    middle = gated_flags[150 + len(clip.pcm) // 320 // 4 : 150 + 3 * len(clip.pcm) // 320 // 4]
    assert sum(middle) / len(middle) >= 0.7
    assert sum(plain_flags[tail]) > sum(gated_flags[tail])  # what the gate is for


def test_noise_floor_tracks_the_quietest_frames_and_rises_slowly() -> None:
    floor = NoiseFloor(rise_db_per_s=3.0)
    assert floor.update(-math.inf, 20) is None  # digital silence is no line noise
    assert floor.update(30.0, 20) == 30.0
    assert floor.update(20.0, 20) == 20.0  # drops at once
    assert floor.update(60.0, 1000) == 23.0  # rises 3 dB per second
    assert frame_level_db(b"\x00" * 320) == -math.inf
    assert abs(frame_level_db(np.full(160, 100, "<i2").tobytes()) - 40.0) < 1e-9


def test_bad_noise_settings_are_refused() -> None:
    with pytest.raises(AsrError):
        WebRtcVad(2, noise_margin_db=-1)
    with pytest.raises(AsrError):
        NoiseFloor(0)
