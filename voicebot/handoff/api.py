"""REST API for the city's case system: bearer-token authenticated, described by OpenAPI 3.1."""

from __future__ import annotations

import json
import logging

from aiohttp import web

from voicebot.errors import TicketError
from voicebot.handoff.auth import ApiClient
from voicebot.handoff.guard import state
from voicebot.handoff.hot_pages import csv_response
from voicebot.handoff.openapi import MAX_PAGE, openapi
from voicebot.handoff.workorder_api import bad_request, patch_body, ticket_json
from voicebot.handoff.workorder_edit import apply_edit
from voicebot.workorder.errors import WorkOrderValueError

log = logging.getLogger(__name__)


def _unauthorized(message: str) -> web.HTTPUnauthorized:
    return web.HTTPUnauthorized(
        text=f'{{"error": "{message}"}}',
        content_type="application/json",
        headers={"WWW-Authenticate": 'Bearer realm="voicebot"'},
    )


async def _client(request: web.Request, scope: str = "read") -> ApiClient:
    header = request.headers.get("Authorization", "")
    if not header.lower().startswith("bearer "):
        raise _unauthorized("bearer token required")
    client = await state(request).auth.api_client(header[7:].strip())
    if client is None:
        raise _unauthorized("unknown token")
    if scope == "write" and client.scope != "write":
        raise web.HTTPForbidden(text='{"error": "token scope is read-only"}', content_type="application/json")
    return client


async def spec(request: web.Request) -> web.Response:
    """Serve the OpenAPI description (public: it holds no data)."""
    return web.json_response(openapi(state(request).api_prefix))


async def list_tickets(request: web.Request) -> web.Response:
    """List tickets."""
    await _client(request)
    try:
        since = int(request.query["updated_since"]) if "updated_since" in request.query else None
        limit = max(1, min(MAX_PAGE, int(request.query.get("limit", "100"))))
    except ValueError as err:
        raise web.HTTPBadRequest(text='{"error": "bad number"}', content_type="application/json") from err
    status = request.query.get("status")
    tickets = await state(request).store.list(
        statuses=[status] if status else None, updated_since_ms=since, limit=limit, by_update=True
    )
    book = state(request).workorder
    return web.json_response({"tickets": [ticket_json(t, book, history=False) for t in tickets]})


async def get_ticket(request: web.Request) -> web.Response:
    """Return one ticket."""
    await _client(request)
    ticket = await state(request).store.get(request.match_info["number"])
    if ticket is None:
        raise web.HTTPNotFound(text='{"error": "no such ticket"}', content_type="application/json")
    return web.json_response(ticket_json(ticket, state(request).workorder))


async def _existing_number(request: web.Request) -> str:
    """Return the ticket number in the path; 404 when no such ticket is stored."""
    number = request.match_info["number"]
    if await state(request).store.status(number) is None:
        raise web.HTTPNotFound(text='{"error": "no such ticket"}', content_type="application/json")
    return number


async def resolve_ticket(request: web.Request) -> web.Response:
    """Resolve a ticket from the case system."""
    client = await _client(request, "write")
    st = state(request)
    number = await _existing_number(request)
    try:
        body = await request.json() if request.can_read_body else {}
    except ValueError as err:
        raise web.HTTPBadRequest(text='{"error": "body must be JSON"}', content_type="application/json") from err
    if not isinstance(body, dict):
        raise web.HTTPBadRequest(text='{"error": "body must be a JSON object"}', content_type="application/json")
    await st.queue.resolve(number, f"api:{client.name}", str(body.get("note", "")))
    ticket = await st.store.get(number)
    assert ticket is not None
    return web.json_response(ticket_json(ticket, st.workorder))


async def patch_ticket(request: web.Request) -> web.Response:
    """Correct a ticket's work order, complaint fields or notes from the case system."""
    client = await _client(request, "write")
    st = state(request)
    number = await _existing_number(request)
    try:
        body = await request.json()
    except ValueError as err:
        raise bad_request("body must be JSON") from err
    try:
        await apply_edit(st.store, st.workorder, number, f"api:{client.name}", patch_body(body))
    except WorkOrderValueError as err:
        return web.json_response({"error": err.message, "code": err.code}, status=422)
    except TicketError as err:
        raise web.HTTPNotFound(text=json.dumps({"error": err.message}), content_type="application/json") from err
    ticket = await st.store.get(number)
    assert ticket is not None
    return web.json_response(ticket_json(ticket, st.workorder))


async def hot_topics_csv(request: web.Request) -> web.Response:
    """Return the hot-topics counts as CSV (``?lang=en-US`` for English names; Chinese by default)."""
    await _client(request)
    return await csv_response(request)


def setup_api(app: web.Application, prefix: str) -> None:
    """Add the API routes under ``prefix``."""
    app.router.add_get(prefix + "/openapi.json", spec)
    app.router.add_get(prefix + "/tickets", list_tickets)
    app.router.add_get(prefix + "/hot-topics.csv", hot_topics_csv)
    app.router.add_get(prefix + "/tickets/{number}", get_ticket)
    app.router.add_patch(prefix + "/tickets/{number}", patch_ticket)
    app.router.add_post(prefix + "/tickets/{number}/resolve", resolve_ticket)
