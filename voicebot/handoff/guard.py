"""Console state and access checks: sessions from the cookie, roles, same-origin posts and WebSockets."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from aiohttp import web

from voicebot import i18n
from voicebot.handoff.auth import Agent, AuthStore
from voicebot.handoff.queue import HandoffQueue
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.throttle import LoginThrottle
from voicebot.handoff.ticket import Ticket
from voicebot.i18n import _
from voicebot.settings import HotTopicSettings
from voicebot.workorder.book import WorkOrderBook

COOKIE = "voicebot_console"
"""Session cookie name (HttpOnly, SameSite=Strict)."""


@dataclass(frozen=True, slots=True)
class ConsoleState:
    """Everything the console handlers need (kept on the app under ``CONSOLE``)."""

    store: SqlTicketStore
    """Tickets."""
    queue: HandoffQueue
    """Queue operations."""
    auth: AuthStore
    """Users, sessions, API tokens."""
    prefix: str
    """Console URL prefix, e.g. ``/console``."""
    api_prefix: str
    """REST API URL prefix, e.g. ``/api``."""
    session_ttl_s: float
    """Session lifetime."""
    throttle: LoginThrottle
    """Failed-login counter (lockout after repeated failures)."""
    workorder: WorkOrderBook
    """The work order's operator files (labels, departments, checks of agents' corrections)."""
    sockets: set[web.WebSocketResponse] = field(default_factory=set)
    """Open live-queue WebSockets (closed on shutdown so the server stops promptly)."""
    allowed_origins: frozenset[str] = frozenset()
    """Origins besides the console's own that may post and open the WebSocket (``[server] allowed_origins``)."""
    hot_topics: HotTopicSettings = field(default_factory=HotTopicSettings)
    """The hot-topics page's days and spike rule (``[hot_topics]``)."""
    timezone: str = ""
    """Where the hotline's days end at midnight (``[handoff] timezone``; empty: the machine's local time)."""


CONSOLE = web.AppKey("voicebot_console", ConsoleState)
"""App key of the console state."""


def state(request: web.Request) -> ConsoleState:
    """Return the console state of the app serving ``request``."""
    return request.config_dict[CONSOLE]


async def current_agent(request: web.Request) -> Agent | None:
    """Return the logged-in user, or ``None``; the page is then rendered in the user's language."""
    token = request.cookies.get(COOKIE)
    agent = None if not token else await state(request).auth.session_agent(token)
    if agent is not None:
        i18n.use(agent.language)  # reset by ``language.language_middleware`` after the request
    return agent


def check_origin(request: web.Request) -> None:
    """Refuse (403) a browser request sent from another origin, or from an opaque one (``Origin: null``).

    Cookies are SameSite=Strict; this covers old browsers, the login form (login CSRF) and the WebSocket (which
    SameSite does not guard against another site on the same host). Browsers send ``Origin`` on every POST and
    WebSocket; a request without one (curl, a script) is not a cross-site request.
    """
    origin = request.headers.get("Origin")
    if origin is None or origin in state(request).allowed_origins:
        return
    parts = urlsplit(origin)
    if origin == "null" or parts.scheme not in ("http", "https") or parts.netloc != request.host:
        raise web.HTTPForbidden(text=_("Refused: this request came from another site."))


def _is_websocket(request: web.Request) -> bool:
    return request.headers.get("Upgrade", "").lower() == "websocket"


async def require(request: web.Request, role: str = "agent") -> Agent:
    """Return the logged-in user; otherwise redirect (pages), 401 (posts, WebSocket) or 403 (wrong role)."""
    agent = await current_agent(request)
    if agent is None:
        if request.method in ("GET", "HEAD") and not _is_websocket(request):
            login = f"{state(request).prefix}/login?next={quote(request.path_qs)}"
            raise web.HTTPSeeOther(login)
        raise web.HTTPUnauthorized(text=_("Log in first."))
    if role == "supervisor" and not agent.is_supervisor:
        raise web.HTTPForbidden(text=_("Supervisors only."))
    if request.method == "POST" or _is_websocket(request):
        check_origin(request)
    return agent


async def open_ticket(request: web.Request, agent: Agent) -> Ticket:
    """Return the ticket named in the URL if ``agent`` may see it (confidential: supervisors only)."""
    ticket = await state(request).store.get(request.match_info["number"])
    if ticket is None:
        raise web.HTTPNotFound(text=_("There is no such ticket."))
    if ticket.confidential and not agent.is_supervisor:
        raise web.HTTPForbidden(text=_("This ticket is confidential: supervisors only."))
    return ticket
