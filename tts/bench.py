"""Time speech synthesis with and without the prompt cache (for ``voicebot bench``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tts.base import Synthesizer
from tts.cache import PromptCache


@dataclass(frozen=True, slots=True)
class TtsTiming:
    """How long one text took to synthesise."""

    text: str
    """The text (as given)."""
    lang: str
    """Its language."""
    audio_ms: float
    """Duration of the audio produced."""
    uncached_ms: float
    """Wall time of the first request (the engine renders)."""
    cached_ms: float
    """Wall time of the second request (answered by the cache)."""


@dataclass(frozen=True, slots=True)
class TtsBenchResult:
    """Synthesis timings over a set of texts."""

    timings: tuple[TtsTiming, ...]
    """One entry per text."""

    @property
    def uncached_p50_ms(self) -> float:
        """Return the median uncached synthesis time."""
        return statistics.median(t.uncached_ms for t in self.timings)

    @property
    def uncached_max_ms(self) -> float:
        """Return the slowest uncached synthesis time."""
        return max(t.uncached_ms for t in self.timings)

    @property
    def cached_p50_ms(self) -> float:
        """Return the median cached synthesis time."""
        return statistics.median(t.cached_ms for t in self.timings)

    def summary(self) -> str:
        """Return a one-line human summary."""
        return (
            f"TTS uncached p50 {self.uncached_p50_ms:.1f} ms (max {self.uncached_max_ms:.1f} ms), "
            f"cached p50 {self.cached_p50_ms:.3f} ms over {len(self.timings)} texts"
        )


async def time_synthesis(
    synth: Synthesizer, items: Sequence[tuple[str, str]], rate: int = 8000, cache_dir: Path | None = None
) -> TtsBenchResult:
    """Time each (text, lang) once through a fresh cache (uncached) and once more (cached).

    ``synth`` should be the bare engine (not already a ``PromptCache``); with
    ``cache_dir`` set, "cached" includes a disk round-trip on the first run only.
    """
    cache = PromptCache(synth, rate, cache_dir)
    timings: list[TtsTiming] = []
    for text, lang in items:
        started = time.perf_counter()
        clip = await cache.synthesize(text, lang, rate)
        uncached = time.perf_counter() - started
        started = time.perf_counter()
        await cache.synthesize(text, lang, rate)
        cached = time.perf_counter() - started
        timings.append(TtsTiming(text, lang, clip.duration_ms, uncached * 1000, cached * 1000))
    return TtsBenchResult(tuple(timings))
