"""REST API for the city's case system: bearer-token authenticated, described by OpenAPI 3.1."""

from __future__ import annotations

import json
import logging
from typing import Any

from aiohttp import web

from voicebot.errors import TicketError
from voicebot.handoff.auth import ApiClient
from voicebot.handoff.guard import state
from voicebot.handoff.ticket import STATUSES
from voicebot.handoff.workorder_api import (
    FIELD_CHANGE_SCHEMA,
    TICKET_PATCH_SCHEMA,
    WORK_ORDER_SCHEMA,
    bad_request,
    patch_body,
    ticket_json,
)
from voicebot.handoff.workorder_edit import apply_edit
from voicebot.workorder.errors import WorkOrderValueError

log = logging.getLogger(__name__)

_TICKET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["number", "call_id", "kind", "status", "transcript", "work_order"],
    "properties": {
        "number": {"type": "string", "description": "Speakable 8-digit ticket number"},
        "call_id": {"type": "string"},
        "kind": {"type": "string", "enum": ["complaint", "handoff", "callback", "partial"]},
        "status": {"type": "string", "enum": list(STATUSES)},
        "language": {"type": "string"},
        "channel": {"type": "string"},
        "calling_number": {"type": "string"},
        "called_number": {"type": "string"},
        "protocol_call_id": {"type": "string", "description": "The switch's call id"},
        "intent": {"type": ["string", "null"]},
        "fields": {"type": "object", "description": "Complaint fields with the caller's words"},
        "faq_topics": {"type": "array", "items": {"type": "string"}},
        "transcript": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"at_ms": {"type": "integer"}, "speaker": {"type": "string"}, "text": {"type": "string"}},
            },
        },
        "handoff_reason": {"type": ["string", "null"]},
        "confidential": {"type": "boolean"},
        "recording_ref": {"type": ["string", "null"]},
        "started_at": {"type": "integer", "description": "epoch ms"},
        "created_at": {"type": "integer", "description": "epoch ms"},
        "updated_at": {"type": "integer", "description": "epoch ms"},
        "queued_at": {"type": ["integer", "null"]},
        "claimed_at": {"type": ["integer", "null"]},
        "claimed_by": {"type": ["string", "null"]},
        "resolved_at": {"type": ["integer", "null"]},
        "callback_number": {"type": ["string", "null"]},
        "notes": {"type": "string"},
        "purged_at": {"type": ["integer", "null"]},
        "work_order": {"oneOf": [{"$ref": "#/components/schemas/WorkOrder"}, {"type": "null"}]},
        "changes": {
            "type": "array",
            "description": "Who changed which field (single ticket only)",
            "items": {"$ref": "#/components/schemas/FieldChange"},
        },
        "history": {
            "description": "Status history (single ticket only)",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "status": {"type": "string"},
                    "at_ms": {"type": "integer"},
                    "actor": {"type": "string"},
                    "note": {"type": "string"},
                },
            },
        },
    },
}

_ERRORS = {
    "401": {"description": "Missing or unknown bearer token"},
    "403": {"description": "Token scope does not allow this"},
}


def openapi(prefix: str) -> dict[str, Any]:
    """Return the OpenAPI 3.1 description of the ticket API."""
    number = {"name": "number", "in": "path", "required": True, "schema": {"type": "string"}}
    ticket_ref = {"$ref": "#/components/schemas/Ticket"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "12345 voicebot tickets",
            "version": "1.0.0",
            "description": "Tickets left by the voice bot, for the city's case system.",
        },
        "servers": [{"url": prefix}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "Token from `voicebot agents token NAME`"}
            },
            "schemas": {
                "Ticket": _TICKET_SCHEMA,
                "WorkOrder": WORK_ORDER_SCHEMA,
                "FieldChange": FIELD_CHANGE_SCHEMA,
                "TicketPatch": TICKET_PATCH_SCHEMA,
            },
        },
        "paths": {
            "/tickets": {
                "get": {
                    "operationId": "listTickets",
                    "summary": "List tickets, oldest change first (page on with updated_since = the last updated_at)",
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(STATUSES)}},
                        {
                            "name": "updated_since",
                            "in": "query",
                            "schema": {"type": "integer"},
                            "description": "Only tickets changed after this epoch ms (incremental pulls)",
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "default": 100, "maximum": 1000},
                        },
                    ],
                    "responses": {
                        "200": {
                            "description": "Tickets",
                            "content": {
                                "application/json": {
                                    "schema": {
                                        "type": "object",
                                        "properties": {"tickets": {"type": "array", "items": ticket_ref}},
                                    }
                                }
                            },
                        },
                        **_ERRORS,
                    },
                }
            },
            "/tickets/{number}": {
                "get": {
                    "operationId": "getTicket",
                    "summary": "One ticket with transcript, work order, status history and field changes",
                    "parameters": [number],
                    "responses": {
                        "200": {"description": "The ticket", "content": {"application/json": {"schema": ticket_ref}}},
                        "404": {"description": "No such ticket"},
                        **_ERRORS,
                    },
                },
                "patch": {
                    "operationId": "updateTicket",
                    "summary": "Correct the work order (e.g. the department), complaint fields or notes (write token)",
                    "parameters": [number],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TicketPatch"}}},
                    },
                    "responses": {
                        "200": {"description": "Updated", "content": {"application/json": {"schema": ticket_ref}}},
                        "400": {"description": "Body is not a JSON object of the documented shape"},
                        "404": {"description": "No such ticket"},
                        "422": {"description": "A value the operator files do not know (code workorder-bad-value)"},
                        **_ERRORS,
                    },
                },
            },
            "/tickets/{number}/resolve": {
                "post": {
                    "operationId": "resolveTicket",
                    "summary": "Mark a ticket resolved (needs a write token)",
                    "parameters": [number],
                    "requestBody": {
                        "content": {
                            "application/json": {
                                "schema": {"type": "object", "properties": {"note": {"type": "string"}}}
                            }
                        }
                    },
                    "responses": {
                        "200": {"description": "Resolved", "content": {"application/json": {"schema": ticket_ref}}},
                        "404": {"description": "No such ticket"},
                        **_ERRORS,
                    },
                }
            },
        },
    }


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
        limit = min(1000, int(request.query.get("limit", "100")))
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


def setup_api(app: web.Application, prefix: str) -> None:
    """Add the API routes under ``prefix``."""
    app.router.add_get(prefix + "/openapi.json", spec)
    app.router.add_get(prefix + "/tickets", list_tickets)
    app.router.add_get(prefix + "/tickets/{number}", get_ticket)
    app.router.add_patch(prefix + "/tickets/{number}", patch_ticket)
    app.router.add_post(prefix + "/tickets/{number}/resolve", resolve_ticket)
