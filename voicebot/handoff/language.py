"""The console's language per request: the agent's stored choice, else a cookie or ``?lang=``; the switch."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from voicebot import i18n
from voicebot.handoff.guard import require, state
from voicebot.i18n import _

LANG_COOKIE = "voicebot_console_lang"
"""Remembers the language of the login page in this browser (the agent's own choice is stored on the agent)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request_language(request: web.Request) -> str:
    """Return the language of a page without a logged-in agent: ``?lang=``, the cookie, else the default."""
    return (
        i18n.supported(request.query.get("lang"))
        or i18n.supported(request.cookies.get(LANG_COOKIE))
        or i18n.DEFAULT
    )


@web.middleware
async def language_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Render each request in its own language (``guard.current_agent`` switches to the agent's choice)."""
    token = i18n.use(request_language(request))
    try:
        return await handler(request)
    finally:  # one connection serves many requests from one task: never let a language leak into the next
        i18n.reset(token)


def _back(request: web.Request, target: str) -> str:
    prefix = state(request).prefix
    return target if target.startswith(prefix + "/") and not target.startswith("//") else prefix + "/"


async def switch_language(request: web.Request) -> web.Response:
    """Store the agent's language (``lang`` of the posted form) and go back to the page it was posted from."""
    agent = await require(request)
    form = await request.post()
    lang = i18n.supported(str(form.get("lang", "")))
    if lang is None:
        raise web.HTTPBadRequest(text=_("Unknown language."))
    await state(request).auth.set_language(agent, lang)
    response = web.HTTPSeeOther(_back(request, str(form.get("next", ""))))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Strict", path=state(request).prefix,
                        secure=request.secure)  # fmt: skip
    raise response
