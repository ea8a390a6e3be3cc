"""The reference recogniser used for dialogue-only runs."""

from __future__ import annotations

import pytest

from asr.base import Recognizer, RecognizerStream, Transcript
from asr.reference import ReferenceRecognizer
from voicebot.audio import AudioFrame, silence
from voicebot.errors import AsrError


async def speak(stream: RecognizerStream, start_ms: int, frames: int) -> None:
    for i in range(frames):
        await stream.accept(silence(8000, timestamp_ms=start_ms + 20 * i))


async def test_each_utterance_gets_the_next_text_then_empty() -> None:
    engine: Recognizer = ReferenceRecognizer(["你好", "我要投诉噪音", "13800138000"])
    stream = engine.start_stream("call-1", 8000)
    finals = []
    for n in range(4):
        await speak(stream, 1000 * (n + 1), 10)
        finals.append(await stream.finish())
    assert [t.text for t in finals] == ["你好", "我要投诉噪音", "13800138000", ""]
    assert finals[0] == Transcript("你好", True, 1.0, 1000, 1200)
    assert finals[3] == Transcript("", True, 0.0, 4000, 4200)
    await stream.aclose()


async def test_partial_shows_the_upcoming_text_only_while_audio_arrives() -> None:
    stream = ReferenceRecognizer(["yes"]).start_stream("call-2", 16000)
    assert stream.partial().text == ""
    await stream.accept(AudioFrame(b"\x00" * 640, 16000, 300))
    assert stream.partial() == Transcript("yes", False, 1.0, 300, 320)
    await stream.finish()
    assert stream.partial().text == ""
    assert stream.remaining == 0


async def test_streams_have_their_own_cursor() -> None:
    engine = ReferenceRecognizer(["one", "two"])
    first, second = engine.start_stream("a", 8000), engine.start_stream("b", 8000)
    assert (await first.finish()).text == "one"
    assert (await first.finish()).text == "two"
    assert (await second.finish()).text == "one"


async def test_closed_stream_refuses_audio() -> None:
    stream = ReferenceRecognizer([]).start_stream("call-3", 8000)
    assert (await stream.finish()).text == ""
    await stream.aclose()
    with pytest.raises(AsrError) as info:
        await stream.accept(silence(8000))
    assert info.value.code == "asr-closed"
