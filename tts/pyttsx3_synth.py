"""Speech synthesis with pyttsx3 on espeak-ng, one engine owned by one thread.

pyttsx3 (and the libespeak-ng it drives through ctypes) is neither thread-safe
nor re-entrant, and espeak-ng keeps process-global state (one synth callback).
So every engine call runs on a single-worker executor created once: the
engine is built inside that thread and never touched from anywhere else.

Rendering uses ``engine.save_to_file`` + ``runAndWait`` (``say`` would need
``aplay`` and a sound card). Workarounds for pyttsx3 2.99's espeak driver, each
measured on Debian 12 with espeak-ng 1.51 (details at each helper):

- It starts espeak-ng in asynchronous mode and ``runAndWait`` can return before
  the WAV file exists: we wait for its ``finished-utterance`` callback.
- A rate set with the voice switch is applied unreliably (1 render in 8 came
  out at the other language's speed): the rate is set before and after the voice.
- An utterance is occasionally dropped (a lone MSG_TERMINATED, no audio): the
  render is retried (``RENDER_ATTEMPTS``).
- It ``print``s "Audio saved to ..." for every file, which would mix into the
  ``voicebot call`` transcript: that print is routed to the debug log.
- An unknown voice is silently ignored: voices are resolved against espeak's
  list at start (``tts-voice-missing``) and the active voice is checked after
  every render.
- Each driver instance re-points espeak's single callback, and a destroyed one
  clears it: every render first claims the callback for its own driver, under
  a process-wide lock.

espeak-ng output is not bit-identical from one utterance to the next within a
process (a few ms of drift from internal state); the prompt cache keeps what
callers hear stable. Output is 22.05 kHz mono, resampled to the requested rate.

Mandarin goes through ``tts.pinyin`` first: the ``cmn-latn-pinyin`` voice reads
numbered pinyin correctly but guesses polyphonic Hanzi one by one.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from tts.espeak_driver import ESPEAK_LOCK, claim_espeak_callback, log_driver_print, resolve_voice, wait_for_espeak
from tts.espeak_driver import engine_version as pyttsx3_espeak_version
from tts.normalize import is_chinese, normalize
from tts.pinyin import is_speakable, to_pinyin
from voicebot.audio import Clip, read_wav, resample
from voicebot.errors import AudioError, TtsError

logger = logging.getLogger(__name__)

RENDER_ATTEMPTS = 3
"""espeak-ng occasionally drops an utterance (see ``_render_locked``): try this many times before failing."""

MIN_PEAK = 300
"""A render whose loudest sample is below this (about -40 dBFS) has no speech: treat it as failed."""


@dataclass(frozen=True, slots=True)
class _EngineState:
    """What lives in the owning thread (only ever touched from it)."""

    engine: Any
    """The ``pyttsx3.Engine`` (espeak driver)."""
    workdir: Path
    """Private directory for the WAV files pyttsx3 writes."""
    voice_ids: dict[str, str]
    """Language -> resolved espeak voice identifier (``sit/cmn-latn-pinyin``)."""
    errors: list[BaseException]
    """Errors pyttsx3 reported through its ``error`` callback during the current render."""
    finished: threading.Event
    """Set by pyttsx3's ``finished-utterance`` callback (from espeak-ng's thread) once the WAV file is written."""
    version: str
    """pyttsx3 and espeak-ng versions (part of cache keys)."""


class Pyttsx3Synthesizer:
    """The real ``Synthesizer``: espeak-ng voices through pyttsx3, normalised text, any output rate."""

    def __init__(
        self,
        voices: Mapping[str, str],
        speech_rate: int = 170,
        timeout_s: float = 30.0,
        *,
        rates: Mapping[str, int | str] | None = None,
    ) -> None:
        self.voices = dict(voices)
        self.speech_rate = speech_rate
        self.rates = {lang: int(wpm) for lang, wpm in (rates or {}).items()}  # env overrides arrive as strings
        self.timeout_s = timeout_s
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pyttsx3")
        self._state: _EngineState | None = None  # created and used only inside the executor thread
        self._renders = 0  # only touched inside the executor thread
        self._version = pyttsx3_espeak_version()
        self._broken: str | None = None
        self._closed = False

    # --- public API (event loop side) ---------------------------------------

    def check(self) -> None:
        """Start the engine thread and verify espeak-ng and every configured voice (blocking)."""
        if self._closed:
            raise TtsError("tts-closed", "the synthesizer was closed")
        self._executor.submit(self._ensure_engine).result()

    async def start(self) -> None:
        """Start the engine thread and verify espeak-ng and the voices, without blocking the loop."""
        if self._closed:
            raise TtsError("tts-closed", "the synthesizer was closed")
        await asyncio.get_running_loop().run_in_executor(self._executor, self._ensure_engine)

    @property
    def engine_version(self) -> str:
        """Return the pyttsx3 and espeak-ng versions."""
        return self._version

    def voice_identity(self, lang: str) -> str:
        """Return what determines the audio for ``lang`` besides the text (for cache keys)."""
        return f"pyttsx3/{self._version}/{self.voices.get(lang, '?')}/{self.words_per_minute(lang)}wpm"

    def words_per_minute(self, lang: str) -> int:
        """Return the espeak speed used for ``lang``."""
        return self.rates.get(lang, self.speech_rate)

    def engine_text(self, text: str, lang: str) -> str:
        """Return exactly what espeak-ng is given for ``text`` (normalised; pinyin for Mandarin)."""
        spoken = normalize(text, lang)
        return to_pinyin(spoken) if is_chinese(lang) else spoken

    async def synthesize(self, text: str, lang: str, rate: int) -> Clip:
        """Return ``text`` spoken in ``lang`` at ``rate`` Hz (empty clip when there is nothing to say)."""
        if self._closed:
            raise TtsError("tts-closed", "the synthesizer was closed")
        if self._broken:
            raise TtsError("tts-failed", f"the TTS engine is unusable: {self._broken}")
        if lang not in self.voices:
            raise TtsError("tts-voice-missing", f"no TTS voice configured for {lang!r} (have {sorted(self.voices)})")
        spoken = self.engine_text(text, lang)
        if not is_speakable(spoken):
            return Clip(b"", rate)
        loop = asyncio.get_running_loop()
        job = loop.run_in_executor(self._executor, self._render, spoken, lang)
        try:
            # The thread gives up on espeak after timeout_s itself; this outer limit only trips if it is stuck.
            clip = await asyncio.wait_for(job, self.timeout_s * RENDER_ATTEMPTS + 5)
        except TimeoutError as err:
            # The owning thread is stuck inside espeak: nothing else can run on it.
            self._broken = f"a render took more than {self.timeout_s:.0f} s"
            raise TtsError("tts-failed", f"synthesis of {len(text)} characters timed out") from err
        return Clip(resample(clip.pcm, clip.rate, rate), rate)

    async def aclose(self) -> None:
        """Stop the engine thread (waits for the render in progress)."""
        if self._closed:
            return
        self._closed = True
        await asyncio.to_thread(self._shutdown)

    def close(self) -> None:
        """Stop the engine thread from synchronous code."""
        if not self._closed:
            self._closed = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._broken is None:
            self._executor.submit(self._drop_engine).result()
        self._executor.shutdown(wait=self._broken is None, cancel_futures=True)

    # --- engine thread only -------------------------------------------------

    def _ensure_engine(self) -> _EngineState:
        if self._state is not None:
            return self._state
        with ESPEAK_LOCK:
            return self._create_engine()

    def _create_engine(self) -> _EngineState:
        try:
            import pyttsx3
            from pyttsx3.drivers import espeak as pyttsx3_espeak
        except Exception as err:  # pyttsx3 raises a bare Exception/RuntimeError when libespeak-ng is missing
            raise TtsError(
                "tts-voice-missing", f"espeak-ng is not usable ({err}); install it: apt-get install espeak-ng"
            ) from err
        pyttsx3_espeak.print = log_driver_print  # see module docstring: keep stdout clean
        try:
            engine = pyttsx3.Engine("espeak")
        except Exception as err:
            raise TtsError("tts-voice-missing", f"espeak-ng could not start: {err}") from err
        available = {voice.id.lower(): voice for voice in engine.getProperty("voices")}
        voice_ids: dict[str, str] = {}
        for lang, wanted in self.voices.items():
            voice_id = resolve_voice(wanted, available)
            if voice_id is None:
                raise TtsError(
                    "tts-voice-missing",
                    f"espeak-ng has no voice {wanted!r} for {lang} (see `espeak-ng --voices`; "
                    "Debian: apt-get install espeak-ng espeak-ng-data)",
                )
            voice_ids[lang] = voice_id
        errors: list[BaseException] = []
        engine.connect("error", lambda name=None, exception=None, **_: errors.append(exception or RuntimeError(name)))
        finished = threading.Event()
        engine.connect("finished-utterance", lambda **_: finished.set())
        state = _EngineState(
            engine=engine,
            workdir=Path(tempfile.mkdtemp(prefix="voicebot-tts-")),
            voice_ids=voice_ids,
            errors=errors,
            finished=finished,
            version=self._version,
        )
        self._state = state
        logger.info("TTS engine ready: %s, voices %s", state.version, voice_ids)
        return state

    def _render(self, spoken: str, lang: str) -> Clip:
        state = self._ensure_engine()
        with ESPEAK_LOCK:
            return self._render_locked(state, spoken, lang)

    def _render_locked(self, state: _EngineState, spoken: str, lang: str) -> Clip:
        # Another instance created since (or one being destroyed) re-pointed espeak's single callback: take it back.
        claim_espeak_callback(state.engine)
        for attempt in range(1, RENDER_ATTEMPTS + 1):
            clip = self._render_once(state, spoken, lang)
            if _peak(clip.pcm) >= MIN_PEAK:
                return clip
            # Measured: about 1 render in 100 comes back as a lone MSG_TERMINATED with no audio (espeak-ng's
            # asynchronous queue drops the text); the same call succeeds when repeated.
            logger.info("espeak-ng returned no speech (%d samples), attempt %d", len(clip.pcm) // 2, attempt)
        raise TtsError("tts-failed", f"espeak-ng produced no speech in {RENDER_ATTEMPTS} attempts")

    def _render_once(self, state: _EngineState, spoken: str, lang: str) -> Clip:
        engine = state.engine
        self._renders += 1
        path = state.workdir / f"render-{self._renders}.wav"
        state.errors.clear()
        state.finished.clear()
        try:
            # Rate before and after the voice: set only after it, 1 render in 8 kept the previous language's speed.
            engine.setProperty("rate", self.words_per_minute(lang))
            engine.setProperty("voice", state.voice_ids[lang])
            engine.setProperty("rate", self.words_per_minute(lang))
            engine.save_to_file(spoken, str(path))
            engine.runAndWait()
            if not state.finished.wait(self.timeout_s):
                raise TtsError("tts-failed", f"espeak-ng did not finish within {self.timeout_s:.0f} s")
            wait_for_espeak()
            if state.errors:
                raise TtsError("tts-failed", f"espeak-ng failed: {state.errors[0]}") from state.errors[0]
            active = engine.getProperty("voice")
            if active != state.voice_ids[lang]:
                raise TtsError("tts-failed", f"espeak-ng spoke with voice {active!r}, not {state.voice_ids[lang]!r}")
            if not path.is_file():
                raise TtsError("tts-failed", "pyttsx3 wrote no audio file")
            return read_wav(path)
        except AudioError as err:
            raise TtsError("tts-failed", f"pyttsx3 wrote an unreadable file: {err.message}") from err
        finally:
            path.unlink(missing_ok=True)

    def _drop_engine(self) -> None:
        with ESPEAK_LOCK:
            state, self._state = self._state, None
            if state is not None:
                shutil.rmtree(state.workdir, ignore_errors=True)
                # The last reference goes here, in the owning thread: pyttsx3's destructor clears espeak's callback
                # (other instances take it back before their next render).
                del state


def _peak(pcm: bytes) -> int:
    samples = np.frombuffer(pcm, dtype="<i2")
    return int(np.abs(samples.astype(np.int32)).max()) if samples.size else 0
