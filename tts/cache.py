"""A prompt cache in front of any ``Synthesizer``: fixed prompts and FAQ answers cost nothing at call time.

Clips are keyed by sha256 of (normalised text, language, voice identity, rate,
engine version), kept in a bounded in-memory LRU and, optionally, as WAV files
on disk (written atomically) so a restart does not re-render them. Concurrent
requests for the same uncached text share one synthesis.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from tts.base import Synthesizer
from tts.normalize import normalize
from voicebot.audio import Clip, read_wav, wav_bytes
from voicebot.errors import AudioError

logger = logging.getLogger(__name__)

CACHE_FORMAT = "1"
"""Bump when the key or file layout changes: old files are then simply never read."""


@runtime_checkable
class DescribesVoice(Protocol):
    """A synthesiser that can say what, besides the text, determines its audio."""

    def voice_identity(self, lang: str) -> str:
        """Return engine, version, voice and speed used for ``lang``."""


@dataclass(frozen=True, slots=True)
class CacheStats:
    """Counters of a ``PromptCache``."""

    hits: int
    """Requests answered without the engine (memory or disk)."""
    disk_hits: int
    """Of those, answered from a WAV file on disk."""
    misses: int
    """Requests that made the engine render."""
    shared: int
    """Requests that joined a render already in progress for the same text."""
    entries: int
    """Clips held in memory."""
    bytes: int
    """PCM bytes held in memory."""


class PromptCache:
    """A ``Synthesizer`` that remembers what it rendered (memory LRU plus optional disk)."""

    def __init__(
        self,
        synth: Synthesizer,
        rate: int,
        cache_dir: Path | None = None,
        *,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.synth = synth
        self.rate = rate
        self.cache_dir = cache_dir.expanduser() if cache_dir is not None else None
        self.max_bytes = max_bytes
        self._memory: OrderedDict[str, Clip] = OrderedDict()
        self._bytes = 0
        self._inflight: dict[str, asyncio.Task[Clip]] = {}
        self._hits = self._disk_hits = self._misses = self._shared = 0

    @property
    def stats(self) -> CacheStats:
        """Return the current counters."""
        return CacheStats(self._hits, self._disk_hits, self._misses, self._shared, len(self._memory), self._bytes)

    @property
    def hits(self) -> int:
        """Return how many requests were answered without the engine."""
        return self._hits

    @property
    def misses(self) -> int:
        """Return how many requests made the engine render."""
        return self._misses

    def key(self, text: str, lang: str, rate: int | None = None) -> str:
        """Return the cache key of ``text`` in ``lang`` at ``rate`` (default: the cache's rate)."""
        identity = (
            self.synth.voice_identity(lang) if isinstance(self.synth, DescribesVoice) else type(self.synth).__qualname__
        )
        parts = (CACHE_FORMAT, normalize(text, lang), lang, identity, str(rate or self.rate))
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()

    def is_cached(self, text: str, lang: str, rate: int | None = None) -> bool:
        """Return whether ``text`` would be answered without the engine."""
        key = self.key(text, lang, rate)
        path = self._path(key)
        return key in self._memory or (path is not None and path.is_file())

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Return the clip for ``text`` from memory, disk, a render in progress, or a new render."""
        key = self.key(text, lang, rate)
        clip = self._memory.get(key)
        if clip is not None:
            self._memory.move_to_end(key)
            self._hits += 1
            return clip
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._load_or_render(key, text, lang, rate), name=f"tts-cache-{key[:8]}")
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._finished(key, done))
        else:
            self._shared += 1
        # shield: a caller cancelled by barge-in must not cancel the render others wait for.
        return await asyncio.shield(task)

    async def prerender(self, items: Iterable[tuple[str, str]]) -> int:
        """Render every (text, lang) at the cache's rate ahead of calls; return how many needed the engine."""
        before = self._misses
        unique = list(dict.fromkeys(items))
        await asyncio.gather(*(self.synthesize(text, lang, self.rate) for text, lang in unique))
        rendered = self._misses - before
        logger.info("TTS prompts ready: %d (%d rendered, %d from cache)", len(unique), rendered, len(unique) - rendered)
        return rendered

    # --- internals ------------------------------------------------------------

    def _finished(self, key: str, task: asyncio.Task[Clip]) -> None:
        self._inflight.pop(key, None)
        if not task.cancelled() and task.exception() is not None:
            logger.debug("TTS render %s failed: %s", key[:8], task.exception())

    async def _load_or_render(self, key: str, text: str, lang: str, rate: int) -> Clip:
        clip = await self._load(key, rate)
        if clip is not None:
            self._hits += 1
            self._disk_hits += 1
        else:
            self._misses += 1
            clip = await self.synth.synthesize(text, lang, rate)
            await self._store(key, clip)
        self._remember(key, clip)
        return clip

    def _path(self, key: str) -> Path | None:
        return None if self.cache_dir is None else self.cache_dir / key[:2] / f"{key}.wav"

    async def _load(self, key: str, rate: int) -> Clip | None:
        path = self._path(key)
        if path is None or not path.is_file():
            return None
        try:
            clip = await asyncio.to_thread(read_wav, path)
        except AudioError as err:
            logger.warning("TTS cache file %s is unreadable (%s): rendering again", path, err.message)
            path.unlink(missing_ok=True)
            return None
        if clip.rate != rate:
            logger.warning("TTS cache file %s has rate %d, expected %d: rendering again", path, clip.rate, rate)
            return None
        return clip

    async def _store(self, key: str, clip: Clip) -> None:
        path = self._path(key)
        if path is None:
            return
        try:
            await asyncio.to_thread(_write_atomically, path, wav_bytes(clip.pcm, clip.rate))
        except OSError as err:  # a full or read-only disk costs speed, not the call
            logger.warning("cannot write TTS cache file %s: %s", path, err)

    def _remember(self, key: str, clip: Clip) -> None:
        if len(clip.pcm) > self.max_bytes:
            return
        old = self._memory.pop(key, None)
        if old is not None:
            self._bytes -= len(old.pcm)
        self._memory[key] = clip
        self._bytes += len(clip.pcm)
        while self._bytes > self.max_bytes:
            _, evicted = self._memory.popitem(last=False)
            self._bytes -= len(evicted.pcm)


def _write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".wav")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
