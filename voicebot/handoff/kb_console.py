"""The knowledge base pages of the console (supervisors only): list, edit, restore, TTS preview, export (drafts
and publishes: ``kb_publish``).

Every save is a new version by the logged-in supervisor (``voicebot.knowledge.answers``); the bot reads the newest
version on each FAQ answer, so the next call speaks it. The preview synthesises the typed text with the bot's own
synthesiser (a WAV at the telephone rate, what callers hear).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from tts.base import Synthesizer
from voicebot.audio import wav_bytes
from voicebot.errors import KnowledgeError, TtsError
from voicebot.handoff import kb_publish, kb_publish_views, kb_views
from voicebot.handoff.guard import require, state
from voicebot.handoff.kb_state import KNOWLEDGE, Knowledge
from voicebot.handoff.store import SqlTicketStore
from voicebot.i18n import _
from voicebot.knowledge.answers import MAX_ANSWER_CHARS, FaqAnswers
from voicebot.knowledge.drafts import FaqDrafts
from voicebot.knowledge.publish import merged_faq, publisher_from_settings
from voicebot.knowledge.seed import LANGUAGES, SeedAnswer, export_yaml, file_answers, load_faq
from voicebot.runtime.aio import cancel_and_wait
from voicebot.settings import Settings

PREVIEW_RATE = 8000
"""Preview sample rate: the telephone's (the cache then already holds the audio the next call plays)."""


def _language(request: web.Request) -> str:
    lang = request.match_info["lang"]
    if lang not in LANGUAGES:
        raise web.HTTPNotFound(text=_("There is no such language."))
    return lang


def _message(err: KnowledgeError) -> str:
    messages = {
        "faq-empty-answer": _("An answer cannot be empty."),
        "faq-answer-too-long": _("An answer has at most {n} characters.").format(n=MAX_ANSWER_CHARS),
        "faq-unknown-version": _("There is no such version."),
        "faq-save-conflict": _("Someone else saved this answer at the same moment; try again."),
    }
    return messages.get(err.code, _("The answer could not be saved."))


async def topics(request: web.Request) -> web.Response:
    """List every topic's current answer in one language."""
    agent = await require(request, "supervisor")
    lang = _language(request)
    kb = request.config_dict[KNOWLEDGE]
    answers = await kb.answers.current_all(lang)
    drafts, publishes = await kb.drafts.pending(lang), await kb.drafts.publishes(lang)
    flash = _("Publishing started: training runs in the background.") if "publishing" in request.query else ""
    extra = kb_publish_views.drafts_section(drafts, publishes, lang, state(request).prefix, flash)
    html = kb_views.knowledge_page(agent, answers, lang, state(request).prefix, extra)
    return web.Response(text=html, content_type="text/html")


async def _editor(request: web.Request, status: int = 200, flash: str = "", error: str = "") -> web.Response:
    agent = await require(request, "supervisor")
    history = await request.config_dict[KNOWLEDGE].answers.history(request.match_info["topic"], _language(request))
    if not history:
        raise web.HTTPNotFound(text=_("There is no such topic."))
    extra = kb_publish_views.questions_form(history[0].language, history[0].topic, state(request).prefix)
    html = kb_views.answer_page(agent, history, state(request).prefix, flash, error, extra)
    return web.Response(status=status, text=html, content_type="text/html")


async def answer(request: web.Request) -> web.Response:
    """Show one answer's editor and history (``?saved=N``: confirm the save)."""
    saved = request.query.get("saved", "")
    flash = _("Saved as version {v}: the next call speaks it.").format(v=saved) if saved.isdigit() else ""
    return await _editor(request, flash=flash)


async def _store(request: web.Request, restore: bool) -> web.Response:
    agent = await require(request, "supervisor")  # before reading the form: strangers learn nothing
    topic, lang = request.match_info["topic"], _language(request)
    form = await request.post()
    version: int | None = None
    if restore:
        raw = str(form.get("version", ""))
        if not raw.isdigit():
            raise web.HTTPBadRequest(text=_("There is no such version."))
        version = int(raw)
    kb = request.config_dict[KNOWLEDGE]
    try:
        if version is None:
            saved = await kb.answers.save(topic, lang, str(form.get("text", "")), agent.username)
        else:
            saved = await kb.answers.restore(topic, lang, version, agent.username)
    except KnowledgeError as err:
        if err.code == "faq-unknown-topic":
            raise web.HTTPNotFound(text=_("There is no such topic.")) from err
        return await _editor(request, 409, error=_message(err))
    raise web.HTTPSeeOther(f"{state(request).prefix}/knowledge/{lang}/{topic}?saved={saved.version}")


async def save(request: web.Request) -> web.Response:
    """Save the posted text as the topic's new answer."""
    return await _store(request, restore=False)


async def restore(request: web.Request) -> web.Response:
    """Save an old version's text again as the newest version."""
    return await _store(request, restore=True)


async def preview(request: web.Request) -> web.Response:
    """Return ``?text=`` spoken by the bot's TTS in the answer's language, as a WAV."""
    await require(request, "supervisor")
    lang = _language(request)
    text = " ".join(request.query.get("text", "").split())
    if not text or len(text) > MAX_ANSWER_CHARS:
        raise web.HTTPBadRequest(text=_("An answer has at most {n} characters.").format(n=MAX_ANSWER_CHARS))
    synthesizer = request.config_dict[KNOWLEDGE].synthesizer
    if synthesizer is None:
        raise web.HTTPServiceUnavailable(text=_("This console has no speech synthesiser."))
    try:
        clip = await synthesizer.synthesize(text, lang, PREVIEW_RATE)
    except TtsError as err:
        raise web.HTTPServiceUnavailable(text=_("The speech synthesiser failed.")) from err
    return web.Response(body=wav_bytes(clip.pcm, clip.rate), content_type="audio/wav",
                        headers={"Cache-Control": "no-store"})  # fmt: skip


async def export(request: web.Request) -> web.Response:
    """Download the current answers and the published topics and questions in the ``knowledge/faq.yaml`` format."""
    await require(request, "supervisor")
    kb = request.config_dict[KNOWLEDGE]
    current = [SeedAnswer(a.topic, a.language, a.text) for a in await kb.answers.current_all()]
    published = [d for lang in LANGUAGES for d in await kb.drafts.published(lang)]
    text = export_yaml(merged_faq(load_faq(), [], published), current)
    return web.Response(text=text, content_type="application/yaml",
                        headers={"Content-Disposition": 'attachment; filename="faq.yaml"'})  # fmt: skip


async def home(request: web.Request) -> web.Response:
    """Open the Chinese answers."""
    await require(request, "supervisor")
    raise web.HTTPSeeOther(f"{state(request).prefix}/knowledge/{LANGUAGES[0]}/")


def setup_knowledge(
    app: web.Application, store: SqlTicketStore, settings: Settings, prefix: str, synthesizer: Synthesizer | None
) -> None:
    """Mount the knowledge base pages under ``{prefix}/knowledge`` (the answers are seeded when the app starts)."""
    answers, drafts = FaqAnswers(store.engine, store.now_ms), FaqDrafts(store.engine, store.now_ms)
    kb = Knowledge(answers, synthesizer, drafts, publisher_from_settings(answers, drafts, settings))
    app[KNOWLEDGE] = kb

    async def seed_ctx(_app: web.Application) -> AsyncIterator[None]:
        await kb.answers.seed(file_answers())
        await kb.drafts.interrupt_running()  # a publish this process ran before a crash never finishes
        yield
        await cancel_and_wait(*kb.jobs)  # a cancelled publish is recorded as failed; Rasa keeps its model

    app.cleanup_ctx.append(seed_ctx)
    base = prefix + "/knowledge"
    app.router.add_post(prefix + "/knowledge-drafts/{lang}/topic", kb_publish.add_topic)
    app.router.add_post(prefix + "/knowledge-publish/{lang}", kb_publish.publish)
    app.router.add_post(base + "/{lang}/{topic}/questions", kb_publish.add_questions)
    app.router.add_get(base, home)
    app.router.add_get(base + "/export.yaml", export)
    app.router.add_get(base + "/{lang}/", topics)
    app.router.add_get(base + "/{lang}/{topic}", answer)
    app.router.add_post(base + "/{lang}/{topic}", save)
    app.router.add_post(base + "/{lang}/{topic}/restore", restore)
    app.router.add_get(base + "/{lang}/{topic}/preview.wav", preview)

