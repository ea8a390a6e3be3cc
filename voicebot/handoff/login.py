"""Console login and logout: origin check, throttled password check, the session cookie."""

from __future__ import annotations

import logging

from aiohttp import web

from voicebot import i18n
from voicebot.handoff import views
from voicebot.handoff.auth import Agent
from voicebot.handoff.guard import COOKIE, check_origin, require, state
from voicebot.i18n import _

log = logging.getLogger(__name__)


async def login_form(request: web.Request) -> web.Response:
    """Show the login form."""
    return web.Response(
        text=views.login_page(state(request).prefix, next_url=request.query.get("next", "")), content_type="text/html"
    )


async def login(request: web.Request) -> web.Response:
    """Check the password and start a session (each attempt counted before the check, see ``throttle``)."""
    check_origin(request)
    st = state(request)
    form = await request.post()
    i18n.use(str(form.get("lang", "")) or i18n.current())  # error pages in the language the form was shown in
    username, password = str(form.get("username", "")), str(form.get("password", ""))
    keys = (f"user:{username}", f"ip:{request.remote}")  # the client's address (behind a trusted proxy too)
    wait = st.throttle.admit(*keys)
    if wait:
        log.warning("console login for %r from %s refused: too many failures", username, request.remote)
        return web.Response(
            status=429,
            content_type="text/html",
            headers={"Retry-After": str(int(wait + 0.999))},
            text=views.login_page(st.prefix, _("Too many failed logins: try again in a few minutes.")),
        )
    agent: Agent | None = None
    try:
        agent = await st.auth.authenticate(username, password)
    finally:  # a cancelled check counts as a failure
        st.throttle.finish(keys, succeeded=agent is not None)
    if agent is None:
        log.warning("console login refused for %r", username)
        return web.Response(
            status=401,
            content_type="text/html",
            text=views.login_page(st.prefix, _("Wrong user name or password."), str(form.get("next", ""))),
        )
    token = await st.auth.create_session(agent, st.session_ttl_s)
    target = str(form.get("next", ""))
    if not target.startswith(st.prefix + "/") or target.startswith(st.prefix + "/login"):
        target = st.prefix + "/"  # never redirect off the console (open-redirect guard)
    response = web.HTTPSeeOther(target)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(st.session_ttl_s),
        httponly=True,
        samesite="Strict",
        path=st.prefix,
        secure=request.secure,
    )
    log.info("console login: %s (%s)", agent.username, agent.role)
    raise response


async def logout(request: web.Request) -> web.Response:
    """End the session."""
    await require(request)
    st = state(request)
    await st.auth.end_session(request.cookies[COOKIE])
    response = web.HTTPSeeOther(st.prefix + "/login")
    response.del_cookie(COOKIE, path=st.prefix)
    raise response
