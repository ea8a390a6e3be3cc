"""Console handlers for drafts and publishes (supervisors only): new topic, new questions, publish.

A publish runs in the background (a task kept on the app, cancelled on shutdown); the list page shows its record,
refreshed on reload. One publish per language at a time (``faq-publish-running``).
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from voicebot.errors import KnowledgeError
from voicebot.handoff.guard import require, state
from voicebot.handoff.kb_state import KNOWLEDGE
from voicebot.i18n import _
from voicebot.knowledge.drafts import MIN_QUESTIONS
from voicebot.knowledge.seed import LANGUAGES

log = logging.getLogger(__name__)


def _lang(request: web.Request) -> str:
    lang = request.match_info["lang"]
    if lang not in LANGUAGES:
        raise web.HTTPNotFound(text=_("There is no such language."))
    return lang


def _refusal(err: KnowledgeError) -> web.HTTPConflict:
    words = {
        "faq-bad-topic-name": _("A topic name is 2 to 48 lower case letters, digits or underscores."),
        "faq-few-questions": _("A new topic needs at least {n} example questions.").format(n=MIN_QUESTIONS),
        "faq-empty-answer": _("An answer cannot be empty."),
        "faq-no-questions": _("Write at least one question."),
        "faq-topic-exists": _("This topic exists already: add questions on its page."),
        "faq-publish-running": _("A publish of this language is already running."),
    }
    return web.HTTPConflict(text=words.get(err.code, _("The draft could not be saved.")))


async def add_topic(request: web.Request) -> web.Response:
    """Save a new topic (answer and example questions) as drafts."""
    agent = await require(request, "supervisor")
    lang, form = _lang(request), await request.post()
    kb = request.config_dict[KNOWLEDGE]
    topic = str(form.get("topic", "")).strip()
    try:
        if await kb.answers.current(topic, lang) is not None:
            raise KnowledgeError("faq-topic-exists", f"{topic} exists")
        questions = str(form.get("questions", "")).splitlines()
        await kb.drafts.add_topic(topic, lang, str(form.get("answer", "")), questions, agent.username)
    except KnowledgeError as err:
        raise _refusal(err) from err
    raise web.HTTPSeeOther(f"{state(request).prefix}/knowledge/{lang}/")


async def add_questions(request: web.Request) -> web.Response:
    """Save new example questions of a topic as drafts."""
    agent = await require(request, "supervisor")
    lang, topic, form = _lang(request), request.match_info["topic"], await request.post()
    kb = request.config_dict[KNOWLEDGE]
    if await kb.answers.current(topic, lang) is None:
        raise web.HTTPNotFound(text=_("There is no such topic."))
    try:
        await kb.drafts.add_questions(topic, lang, str(form.get("questions", "")).splitlines(), agent.username)
    except KnowledgeError as err:
        raise _refusal(err) from err
    raise web.HTTPSeeOther(f"{state(request).prefix}/knowledge/{lang}/")


async def publish(request: web.Request) -> web.Response:
    """Start a publish of the language's drafts in the background."""
    agent = await require(request, "supervisor")
    lang = _lang(request)
    kb = request.config_dict[KNOWLEDGE]
    if any(not job.done() and job.get_name() == f"publish-{lang}" for job in kb.jobs):
        raise _refusal(KnowledgeError("faq-publish-running", lang))
    job = asyncio.create_task(kb.publisher.publish(lang, agent.username), name=f"publish-{lang}")
    kb.jobs.add(job)
    job.add_done_callback(kb.jobs.discard)
    raise web.HTTPSeeOther(f"{state(request).prefix}/knowledge/{lang}/?publishing=1")
