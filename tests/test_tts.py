"""The real TTS path: pyttsx3 on espeak-ng (installed in CI), Mandarin through pinyin, any output rate."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import numpy as np
import pytest

from tts.bench import time_synthesis
from tts.cache import PromptCache
from tts.pyttsx3_synth import Pyttsx3Synthesizer
from voicebot.audio import Clip, rms_dbfs
from voicebot.errors import TtsError

pytestmark = pytest.mark.real

VOICES = {"zh-CN": "cmn-latn-pinyin", "en-US": "en-us"}
SHORT = {"zh-CN": "您好", "en-US": "Hello."}
LONG = {
    "zh-CN": "您好，这里是12345市民服务热线。办理居住证需要携带身份证、租房合同和近期照片，"
    "到街道办事处填写申请表，一般十五个工作日内办结。",
    "en-US": "Hello, this is the 12345 citizen hotline. To apply for a residence permit, bring your ID card, "
    "your rental contract and a recent photo to the sub-district office; it usually takes fifteen working days.",
}


@pytest.fixture(scope="module")
def synth() -> Iterator[Pyttsx3Synthesizer]:
    engine = Pyttsx3Synthesizer(VOICES, speech_rate=170, rates={"zh-CN": 210})
    engine.check()
    yield engine
    engine.close()


def speech_level(clip: Clip) -> float:
    return rms_dbfs(clip.pcm)


@pytest.mark.parametrize("rate", [8000, 16000])
@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
async def test_output_is_speech_at_requested_rate(synth: Pyttsx3Synthesizer, lang: str, rate: int) -> None:
    clip = await synth.synthesize(LONG[lang], lang, rate)
    assert clip.rate == rate
    assert len(clip.pcm) % 2 == 0
    assert 3000 < clip.duration_ms < 30000
    assert speech_level(clip) > -35
    # Speech has pauses and syllables: the level changes a lot from one 100 ms window to the next.
    samples = np.frombuffer(clip.pcm, dtype="<i2").astype(np.float64)
    windows = samples[: len(samples) // (rate // 10) * (rate // 10)].reshape(-1, rate // 10)
    levels = np.sqrt(np.mean(windows**2, axis=1))
    assert (levels < 0.1 * levels.max()).sum() >= 2
    assert (levels > 0.3 * levels.max()).sum() >= 5


async def test_same_text_has_same_duration_at_both_rates(synth: Pyttsx3Synthesizer) -> None:
    narrow = await synth.synthesize(SHORT["zh-CN"], "zh-CN", 8000)
    wide = await synth.synthesize(SHORT["zh-CN"], "zh-CN", 16000)
    assert len(wide.pcm) == pytest.approx(2 * len(narrow.pcm), rel=0.05)


@pytest.mark.parametrize("lang", ["zh-CN", "en-US"])
async def test_duration_grows_with_text_length(synth: Pyttsx3Synthesizer, lang: str) -> None:
    short = await synth.synthesize(SHORT[lang], lang, 8000)
    long = await synth.synthesize(LONG[lang], lang, 8000)
    assert short.duration_ms > 200
    assert long.duration_ms > 4 * short.duration_ms


async def test_mandarin_digits_are_read_one_by_one_with_yao(synth: Pyttsx3Synthesizer) -> None:
    assert synth.engine_text("12345", "zh-CN") == synth.engine_text("幺二三四五", "zh-CN") == "yao1 er4 san1 si4 wu3"
    digits = await synth.synthesize("12345", "zh-CN", 8000)
    spelled = await synth.synthesize("幺二三四五", "zh-CN", 8000)
    as_number = await synth.synthesize("一万二千三百四十五", "zh-CN", 8000)  # what espeak would say unnormalised
    # espeak-ng's output drifts by a few ms from one utterance to the next in a process (internal state), so
    # equal input is compared by duration, against a reading that is clearly longer.
    assert digits.duration_ms == pytest.approx(spelled.duration_ms, rel=0.05)
    assert as_number.duration_ms > 1.4 * digits.duration_ms


async def test_english_ticket_ids_are_spelled(synth: Pyttsx3Synthesizer) -> None:
    assert synth.engine_text("Ticket ZH-2024-0001", "en-US") == "Ticket Z H two zero two four zero zero zero one"
    spelled = await synth.synthesize("ZH-2024-0001", "en-US", 8000)
    assert spelled.duration_ms > 2500  # 10 spoken items, not "zh twenty twenty-four one"


async def test_mandarin_polyphones_go_through_the_phrase_dictionary(synth: Pyttsx3Synthesizer) -> None:
    assert synth.engine_text("重庆银行", "zh-CN") == "chong2 qing4 yin2 hang2"
    assert (await synth.synthesize("重庆银行", "zh-CN", 8000)).duration_ms > 500


async def test_nothing_to_say_gives_an_empty_clip(synth: Pyttsx3Synthesizer) -> None:
    assert await synth.synthesize("。。😀", "zh-CN", 8000) == Clip(b"", 8000)


async def test_unknown_language_is_a_clear_error(synth: Pyttsx3Synthesizer) -> None:
    with pytest.raises(TtsError) as caught:
        await synth.synthesize("Bonjour", "fr-FR", 8000)
    assert caught.value.code == "tts-voice-missing"


async def test_concurrent_requests_are_serialised_on_one_thread(synth: Pyttsx3Synthesizer) -> None:
    texts = [f"第{n}号窗口" for n in range(1, 7)]
    clips = await asyncio.gather(*(synth.synthesize(text, "zh-CN", 8000) for text in texts))
    assert all(speech_level(clip) > -35 for clip in clips)
    assert {thread.name for thread in threading.enumerate() if thread.name.startswith("pyttsx3")} == {"pyttsx3_0"}


async def test_missing_voice_fails_at_start() -> None:
    broken = Pyttsx3Synthesizer({"zh-CN": "no-such-voice"})
    with pytest.raises(TtsError) as caught:
        await broken.start()
    assert caught.value.code == "tts-voice-missing"
    assert "no-such-voice" in caught.value.message
    await broken.aclose()


async def test_a_second_instance_does_not_break_the_first(synth: Pyttsx3Synthesizer) -> None:
    other = Pyttsx3Synthesizer({"en-US": "en-us"})
    await other.start()
    assert speech_level(await other.synthesize("second engine", "en-US", 8000)) > -35
    assert speech_level(await synth.synthesize("first engine", "en-US", 8000)) > -35
    await other.aclose()  # its destructor clears espeak's callback; the first instance must still work
    assert speech_level(await synth.synthesize("still here", "en-US", 8000)) > -35


async def test_closed_synthesizer_refuses_work() -> None:
    engine = Pyttsx3Synthesizer({"en-US": "en-us"})
    await engine.start()
    await engine.aclose()
    with pytest.raises(TtsError) as caught:
        await engine.synthesize("hello", "en-US", 8000)
    assert caught.value.code == "tts-closed"


async def test_prompt_cache_over_the_real_engine(synth: Pyttsx3Synthesizer) -> None:
    cache = PromptCache(synth, 8000, None)
    assert await cache.prerender([(SHORT["zh-CN"], "zh-CN"), (SHORT["en-US"], "en-US")]) == 2
    assert cache.is_cached(SHORT["zh-CN"], "zh-CN")
    first = await cache.synthesize(SHORT["en-US"], "en-US", 8000)
    assert first == await cache.synthesize(SHORT["en-US"], "en-US", 8000)
    assert cache.stats.misses == 2


async def test_benchmark_uncached_vs_cached(synth: Pyttsx3Synthesizer) -> None:
    items = [(text, lang) for lang in ("zh-CN", "en-US") for text in (SHORT[lang], LONG[lang])]
    result = await time_synthesis(synth, items)
    print(result.summary())
    for timing in result.timings:
        audio = f"{timing.lang} {timing.audio_ms:7.0f} ms audio"
        print(f"  {audio}: uncached {timing.uncached_ms:6.1f} ms, cached {timing.cached_ms:.3f} ms")
    assert result.cached_p50_ms < result.uncached_p50_ms
    assert result.uncached_max_ms < 5000  # espeak-ng renders far faster than real time
