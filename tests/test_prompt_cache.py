"""The prompt cache: hits, disk persistence, shared in-flight renders, eviction, failures."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path

import pytest

from tts.base import Synthesizer
from tts.bench import time_synthesis
from tts.cache import PromptCache
from voicebot.audio import Clip
from voicebot.errors import TtsError


class CountingSynth:
    """A ``Synthesizer`` whose audio is derived from the text; counts renders; can be held or made to fail."""

    def __init__(self, identity: str = "fake-voice-1", fail: bool = False) -> None:
        self.calls: list[tuple[str, str, int]] = []
        self.identity = identity
        self.fail = fail
        self.gate: asyncio.Event | None = None

    def voice_identity(self, lang: str) -> str:
        """Return the fake voice's identity."""
        return f"{self.identity}/{lang}"

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Return 100 ms of bytes derived from the text, after the gate opens."""
        self.calls.append((text, lang, rate))
        if self.gate is not None:
            await self.gate.wait()
        if self.fail:
            raise TtsError("tts-failed", "fake engine failure")
        seed = hashlib.sha256(f"{text}|{lang}|{self.identity}".encode()).digest()
        samples = rate // 10
        return Clip((seed * (samples * 2 // len(seed) + 1))[: samples * 2], rate)


def _files(root: Path, pattern: str) -> list[Path]:
    return sorted(root.rglob(pattern))


def test_fake_implements_protocol() -> None:
    synth: Synthesizer = CountingSynth()
    assert synth is not None


async def test_hit_returns_identical_audio_without_engine() -> None:
    engine = CountingSynth()
    cache = PromptCache(engine, 8000, None)
    first = await cache.synthesize("您好，这里是热线。", "zh-CN", 8000)
    second = await cache.synthesize("您好，这里是热线。", "zh-CN", 8000)
    assert second == first
    assert len(engine.calls) == 1
    assert (cache.hits, cache.misses) == (1, 1)
    assert cache.is_cached("您好，这里是热线。", "zh-CN")
    assert not cache.is_cached("别的话", "zh-CN")


async def test_key_separates_language_rate_and_voice() -> None:
    engine = CountingSynth()
    cache = PromptCache(engine, 8000, None)
    await cache.synthesize("OK", "zh-CN", 8000)
    await cache.synthesize("OK", "en-US", 8000)
    clip16 = await cache.synthesize("OK", "zh-CN", 16000)
    assert clip16.rate == 16000
    assert len(engine.calls) == 3
    other_voice = PromptCache(CountingSynth(identity="fake-voice-2"), 8000, None)
    assert other_voice.key("OK", "zh-CN") != cache.key("OK", "zh-CN")


async def test_equivalent_texts_share_an_entry_after_normalisation() -> None:
    engine = CountingSynth()
    cache = PromptCache(engine, 8000, None)
    await cache.synthesize("请拨打12345", "zh-CN", 8000)
    assert cache.is_cached("请拨打幺二三四五", "zh-CN")
    await cache.synthesize("请拨打幺二三四五", "zh-CN", 8000)
    assert len(engine.calls) == 1


async def test_disk_cache_survives_a_new_instance(tmp_path: Path) -> None:
    first_engine = CountingSynth()
    clip = await PromptCache(first_engine, 8000, tmp_path).synthesize("Your ticket is A1B2.", "en-US", 8000)
    files = _files(tmp_path, "*.wav")
    assert len(files) == 1
    assert not _files(tmp_path, ".tmp-*")  # atomic write left no temporary file

    restarted_engine = CountingSynth()
    restarted = PromptCache(restarted_engine, 8000, tmp_path)
    assert restarted.is_cached("Your ticket is A1B2.", "en-US")
    again = await restarted.synthesize("Your ticket is A1B2.", "en-US", 8000)
    assert again == clip
    assert restarted_engine.calls == []
    assert (restarted.stats.hits, restarted.stats.disk_hits, restarted.stats.misses) == (1, 1, 0)


async def test_corrupt_disk_file_is_rendered_again(tmp_path: Path) -> None:
    cache = PromptCache(CountingSynth(), 8000, tmp_path)
    clip = await cache.synthesize("hello", "en-US", 8000)
    (path,) = _files(tmp_path, "*.wav")
    path.write_bytes(b"RIFF garbage")
    engine = CountingSynth()
    assert await PromptCache(engine, 8000, tmp_path).synthesize("hello", "en-US", 8000) == clip
    assert len(engine.calls) == 1
    assert path.read_bytes()[:4] == b"RIFF" and len(path.read_bytes()) > 44


async def test_concurrent_requests_for_same_text_render_once() -> None:
    engine = CountingSynth()
    engine.gate = asyncio.Event()
    cache = PromptCache(engine, 8000, None)
    waiters = [asyncio.create_task(cache.synthesize("请稍等", "zh-CN", 8000)) for _ in range(5)]
    await asyncio.sleep(0.01)
    engine.gate.set()
    clips = await asyncio.gather(*waiters)
    assert len(engine.calls) == 1
    assert all(clip == clips[0] for clip in clips)
    assert cache.stats.shared == 4


async def test_cancelled_waiter_does_not_cancel_the_shared_render() -> None:
    engine = CountingSynth()
    engine.gate = asyncio.Event()
    cache = PromptCache(engine, 8000, None)
    interrupted = asyncio.create_task(cache.synthesize("请稍等", "zh-CN", 8000))
    patient = asyncio.create_task(cache.synthesize("请稍等", "zh-CN", 8000))
    await asyncio.sleep(0.01)
    interrupted.cancel()  # barge-in
    engine.gate.set()
    clip = await patient
    with pytest.raises(asyncio.CancelledError):
        await interrupted
    assert clip.pcm and len(engine.calls) == 1
    assert cache.is_cached("请稍等", "zh-CN")


async def test_failure_reaches_every_waiter_and_is_not_cached(tmp_path: Path) -> None:
    engine = CountingSynth(fail=True)
    cache = PromptCache(engine, 8000, tmp_path)
    results = await asyncio.gather(
        cache.synthesize("x", "en-US", 8000), cache.synthesize("x", "en-US", 8000), return_exceptions=True
    )
    assert all(isinstance(result, TtsError) and result.code == "tts-failed" for result in results)
    assert not cache.is_cached("x", "en-US")
    assert _files(tmp_path, "*.wav") == []
    engine.fail = False
    assert (await cache.synthesize("x", "en-US", 8000)).pcm
    assert len(engine.calls) == 2


async def test_memory_is_bounded_lru() -> None:
    engine = CountingSynth()
    cache = PromptCache(engine, 8000, None, max_bytes=3 * 1600)  # three 100 ms clips at 8 kHz
    for text in ("a", "b", "c"):
        await cache.synthesize(text, "en-US", 8000)
    await cache.synthesize("a", "en-US", 8000)  # a is now the most recently used
    await cache.synthesize("d", "en-US", 8000)  # evicts b
    assert cache.stats.entries == 3 and cache.stats.bytes == 3 * 1600
    assert cache.is_cached("a", "en-US") and not cache.is_cached("b", "en-US")
    await cache.synthesize("b", "en-US", 8000)
    assert [call[0] for call in engine.calls] == ["a", "b", "c", "d", "b"]


async def test_prerender_renders_each_distinct_prompt_once(tmp_path: Path) -> None:
    engine = CountingSynth()
    cache = PromptCache(engine, 16000, tmp_path)
    prompts = [("您好", "zh-CN"), ("Hello", "en-US"), ("您好", "zh-CN")]
    assert await cache.prerender(prompts) == 2
    assert all(cache.is_cached(text, lang) for text, lang in prompts)
    assert all(rate == 16000 for _, _, rate in engine.calls)
    assert await PromptCache(CountingSynth(), 16000, tmp_path).prerender(prompts) == 0


async def test_benchmark_helper_reports_cached_faster() -> None:
    class SlowSynth(CountingSynth):
        async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
            await asyncio.sleep(0.02)
            return await super().synthesize(text, lang, rate)

    result = await time_synthesis(SlowSynth(), [("您好", "zh-CN"), ("Hello there", "en-US")], rate=8000)
    assert len(result.timings) == 2
    assert result.uncached_p50_ms >= 20
    assert result.cached_p50_ms < 5
    assert "cached p50" in result.summary()
