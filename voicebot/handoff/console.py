"""The agent console (aiohttp): login, live queue over WebSocket, tickets, supervisor statistics."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from tts.base import Synthesizer
from voicebot.errors import TicketError
from voicebot.handoff import api, followup_view, labels, ticket_view, views
from voicebot.handoff.auth import Agent, AuthStore
from voicebot.handoff.guard import CONSOLE, ConsoleState, current_agent, open_ticket, require, state
from voicebot.handoff.hot_pages import setup_hot_topics
from voicebot.handoff.kb_console import setup_knowledge
from voicebot.handoff.language import language_middleware, switch_language
from voicebot.handoff.listen import changes_ctx
from voicebot.handoff.login import login, login_form, logout
from voicebot.handoff.queue_config import queue_from_settings
from voicebot.handoff.retention import recording_path, retention_ctx
from voicebot.handoff.satisfaction_stats import satisfaction_today
from voicebot.handoff.store import SqlTicketStore
from voicebot.handoff.throttle import LoginThrottle
from voicebot.handoff.workorder_edit import TicketEdit, apply_edit
from voicebot.i18n import _
from voicebot.media_auth import SOFTPHONE_TOKENS, grant
from voicebot.recording.store import PART_SUFFIX
from voicebot.runtime.aio import cancel_and_wait
from voicebot.settings import Settings
from voicebot.webguard.app import install
from voicebot.workorder.book import WorkOrderBook, load_book
from voicebot.workorder.errors import WorkOrderValueError

log = logging.getLogger(__name__)

OPEN_STATUSES = ("queued", "callback_due", "new", "claimed")

STATIC_DIR = Path(__file__).with_name("static")
"""The console's static files (``console.js``)."""


def _now(request: web.Request) -> datetime:
    return datetime.fromtimestamp(state(request).store.now_ms() / 1000)


async def _snapshot(request: web.Request, agent: Agent) -> dict[str, object]:
    st = state(request)
    tickets = await st.store.list(statuses=OPEN_STATUSES, include_confidential=agent.is_supervisor)
    stats = await st.queue.stats(_now(request))
    now_ms = st.store.now_ms()
    return {
        "type": "queue",
        "rows": views.queue_rows(tickets, st.prefix, now_ms, st.workorder),
        "now_ms": now_ms,
        "longest_since": views.longest_since(stats),
        "stats": {
            "queue_length": stats.queue_length,
            "longest_wait": views.fmt_wait(stats.longest_wait_s),
            "callbacks_due": stats.callbacks_due,
        },
    }


async def queue_page(request: web.Request) -> web.Response:
    """Show the live queue."""
    agent = await require(request)
    st = state(request)
    snap = await _snapshot(request, agent)
    stats = await st.queue.stats(_now(request))
    open_now = st.queue.is_open(_now(request))
    html = views.queue_page(agent, str(snap["rows"]), stats, st.prefix, open_now, int(str(snap["now_ms"])))
    return web.Response(text=html, content_type="text/html")


async def queue_ws(request: web.Request) -> web.WebSocketResponse:
    """Push the queue to the browser whenever a ticket changes."""
    agent = await require(request)
    ws = web.WebSocketResponse(heartbeat=30)
    await ws.prepare(request)
    st = state(request)
    st.sockets.add(ws)
    with st.store.bus.subscribe() as events:
        await ws.send_str(json.dumps(await _snapshot(request, agent)))
        reader = asyncio.ensure_future(ws.receive())
        getter: asyncio.Task[Any] | None = None
        try:
            while not ws.closed:
                getter = asyncio.ensure_future(events.get())
                done, _ = await asyncio.wait({reader, getter}, return_when=asyncio.FIRST_COMPLETED)
                if reader in done:
                    await cancel_and_wait(getter)
                    msg = reader.result()
                    if msg.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING, WSMsgType.ERROR):
                        break
                    reader = asyncio.ensure_future(ws.receive())
                    continue
                await asyncio.sleep(0.05)  # coalesce bursts (save + enqueue) into one push
                while not events.empty():
                    events.get_nowait()
                if await current_agent(request) is None:  # session expired or logged out meanwhile
                    await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"session ended")
                    break
                await ws.send_str(json.dumps(await _snapshot(request, agent)))
        finally:  # never leave a pending task behind (the handler is cancelled when the server stops)
            await cancel_and_wait(*(task for task in (reader, getter) if task is not None))
            st.sockets.discard(ws)
    return ws


async def ticket_page(request: web.Request) -> web.Response:
    """Show a ticket with full details."""
    agent = await require(request)
    ticket = await open_ticket(request, agent)
    st = state(request)
    original = await st.store.get(ticket.repeat_of) if ticket.repeat_of else None
    html = ticket_view.ticket_page(agent, ticket, st.prefix, st.workorder, original=original)
    return web.Response(text=html, content_type="text/html")


async def recording(request: web.Request) -> web.StreamResponse:
    """Serve the ticket's recording file to whoever may open the ticket (HTTP ``Range`` for seeking; personal
    data: never cached). While the call is still on, the recording is not there yet."""
    agent = await require(request)
    ticket = await open_ticket(request, agent)
    path = recording_path(ticket.recording_ref) if ticket.recording_ref else None
    if path is None or not path.is_file():
        still = path is not None and path.with_name(path.name + PART_SUFFIX).is_file()
        raise web.HTTPNotFound(text=_("The call is still being recorded.") if still
                               else _("This ticket has no recording."))  # fmt: skip
    return web.FileResponse(path, headers={"Cache-Control": "no-store", "Content-Type": "audio/wav"})


def _to_ticket(request: web.Request, number: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"{state(request).prefix}/tickets/{number}")


async def _act(request: web.Request, action: Callable[[Agent, str], object]) -> web.Response:
    agent = await require(request)
    ticket = await open_ticket(request, agent)
    try:
        result = action(agent, ticket.number)
        if asyncio.iscoroutine(result):
            await result
    except (TicketError, WorkOrderValueError) as err:
        fresh = await open_ticket(request, agent)
        flash = labels.error_text(err)
        st = state(request)
        original = await st.store.get(fresh.repeat_of) if fresh.repeat_of else None
        html = ticket_view.ticket_page(agent, fresh, st.prefix, st.workorder, flash=flash, original=original)
        return web.Response(status=409, text=html, content_type="text/html")
    raise _to_ticket(request, ticket.number)


async def claim(request: web.Request) -> web.Response:
    """Claim a ticket."""
    return await _act(request, lambda agent, number: state(request).queue.claim(number, agent.username))


async def resolve(request: web.Request) -> web.Response:
    """Resolve a ticket."""
    note = str((await request.post()).get("note", ""))
    return await _act(request, lambda agent, number: state(request).queue.resolve(number, agent.username, note))


async def callback(request: web.Request) -> web.Response:
    """Mark a ticket for a callback."""
    cb = str((await request.post()).get("callback_number", "")).strip()
    return await _act(request, lambda agent, number: state(request).queue.request_callback(number, cb, agent.username))


async def edit(request: web.Request) -> web.Response:
    """Save notes, complaint fields and work-order corrections (each change recorded with the agent's name)."""
    form = await request.post()
    fields: dict[str, object] = {k.removeprefix("field_"): str(v) for k, v in form.items() if k.startswith("field_")}
    for key in labels.YES_NO_FIELDS & fields.keys():  # the form's yes/no choice, stored as the bot stores it
        if fields[key] in ("true", "false"):
            fields[key] = fields[key] == "true"
    work_order = {k.removeprefix("wo_"): str(v) for k, v in form.items() if k.startswith("wo_")}
    change = TicketEdit(notes=str(form.get("notes", "")), fields=fields, work_order=work_order)
    st = state(request)
    return await _act(request, lambda agent, number: apply_edit(st.store, st.workorder, number, agent.username, change))


async def claim_next(request: web.Request) -> web.Response:
    """Take the longest-waiting caller."""
    agent = await require(request)
    st = state(request)
    ticket = await st.queue.claim_next(agent.username, include_confidential=agent.is_supervisor)
    raise _to_ticket(request, ticket.number) if ticket else web.HTTPSeeOther(st.prefix + "/")


async def supervisor(request: web.Request) -> web.Response:
    """Show supervisor statistics."""
    agent = await require(request, "supervisor")
    stats = await state(request).queue.stats(_now(request))
    rated = await satisfaction_today(state(request).store, _now(request))
    html = views.supervisor_page(agent, stats, state(request).prefix, rated)
    return web.Response(text=html, content_type="text/html")


async def softphone_token(request: web.Request) -> web.Response:
    """Give a logged-in agent a short-lived token for the browser softphone (``voicebot.media_auth``)."""
    await require(request)
    if SOFTPHONE_TOKENS not in request.config_dict:
        raise web.HTTPNotFound(text="this server takes no calls (voicebot console runs without the softphone)")
    return grant(request)


async def static_file(request: web.Request) -> web.StreamResponse:
    """Serve the console's script (``static/``; the only script its pages run) to logged-in agents."""
    await require(request)
    name = request.match_info["name"]
    if name not in {p.name for p in STATIC_DIR.iterdir()}:
        raise web.HTTPNotFound()
    return web.FileResponse(STATIC_DIR / name, headers={"Cache-Control": "no-cache"})


async def root(request: web.Request) -> web.Response:
    """Send visitors to the queue (or the login form)."""
    agent = await current_agent(request)
    raise web.HTTPSeeOther(state(request).prefix + ("/" if agent else "/login"))


def setup_console(
    app: web.Application,
    store: SqlTicketStore,
    settings: Settings,
    *,
    prefix: str = "/console",
    api_prefix: str = "/api",
    session_ttl_s: float = 8 * 3600,
    poll_interval_s: float = 1.0,
    retention_interval_s: float = 3600.0,
    book: WorkOrderBook | None = None,
    synthesizer: Synthesizer | None = None,
) -> ConsoleState:
    """Mount the console and the REST API on ``app`` (the store must already be migrated).

    ``book``: the work order's operator files as the engines loaded them (standalone: loaded from ``settings``).
    ``synthesizer``: the TTS the knowledge base previews speak with (None: no previews).
    """
    queue = queue_from_settings(store, settings.handoff, settings.followup.enabled)
    book = book or load_book(settings.workorder)
    throttle = LoginThrottle(store.now_ms)
    origins = frozenset(o.strip().rstrip("/") for o in settings.server.allowed_origins.split(",") if o.strip())
    st = ConsoleState(
        store, queue, AuthStore(store), prefix, api_prefix, session_ttl_s, throttle, book, allowed_origins=origins,
        hot_topics=settings.hot_topics, timezone=settings.handoff.timezone,
    )
    app[CONSOLE] = st
    install(app, settings.server)
    app.middlewares.append(language_middleware)
    app.router.add_get(prefix, root)
    app.router.add_get(prefix + "/login", login_form)
    app.router.add_post(prefix + "/login", login)
    app.router.add_post(prefix + "/logout", logout)
    app.router.add_post(prefix + "/language", switch_language)
    app.router.add_get(prefix + "/static/{name}", static_file)
    app.router.add_get(prefix + "/", queue_page)
    app.router.add_get(prefix + "/ws", queue_ws)
    app.router.add_post(prefix + "/claim-next", claim_next)
    app.router.add_post(prefix + "/softphone-token", softphone_token)
    app.router.add_get(prefix + "/supervisor", supervisor)
    app.router.add_get(prefix + "/followups", followup_view.followups_page)
    app.router.add_get(prefix + "/tickets/{number}", ticket_page)
    app.router.add_get(prefix + "/tickets/{number}/recording", recording)
    app.router.add_post(prefix + "/tickets/{number}/claim", claim)
    app.router.add_post(prefix + "/tickets/{number}/resolve", resolve)
    app.router.add_post(prefix + "/tickets/{number}/callback", callback)
    app.router.add_post(prefix + "/tickets/{number}/edit", edit)
    setup_hot_topics(app, prefix)
    setup_knowledge(app, store, settings, prefix, synthesizer)
    api.setup_api(app, api_prefix)

    async def close_sockets(_app: web.Application) -> None:
        for ws in list(st.sockets):
            await ws.close(code=WSCloseCode.GOING_AWAY, message=b"server shutdown")

    app.on_shutdown.append(close_sockets)
    app.cleanup_ctx.append(changes_ctx(store, poll_interval_s))
    app.cleanup_ctx.append(retention_ctx(store, settings.handoff.retention_days, retention_interval_s))
    return st


def create_console_app(store: SqlTicketStore, settings: Settings, **kw: Any) -> web.Application:
    """Return a standalone app serving only the console and API (``/`` redirects to the console)."""
    app = web.Application()
    st = setup_console(app, store, settings, **kw)

    async def home(_request: web.Request) -> web.Response:
        raise web.HTTPSeeOther(st.prefix + "/")

    app.router.add_get("/", home)
    return app
