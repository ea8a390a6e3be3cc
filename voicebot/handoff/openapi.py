"""OpenAPI 3.1 description of the ticket REST API (served at ``/api/openapi.json``)."""

from __future__ import annotations

from typing import Any

from voicebot.handoff.ticket import STATUSES
from voicebot.handoff.workorder_api import FIELD_CHANGE_SCHEMA, TICKET_PATCH_SCHEMA, WORK_ORDER_SCHEMA

MAX_PAGE = 1000
"""Most tickets one ``GET /tickets`` returns (``limit`` is clamped to 1..MAX_PAGE)."""

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
        "recording_missing": {"type": "boolean"},
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
        "satisfaction": {"type": ["integer", "null"], "minimum": 1, "maximum": 5,
                         "description": "caller's rating: 1 very satisfied ... 5 very dissatisfied; null: none"},
        "work_order": {"oneOf": [{"$ref": "#/components/schemas/WorkOrder"}, {"type": "null"}]},
        "repeat_of": {"type": ["string", "null"],
                      "description": "The caller's earlier open ticket this one follows up (重复件)"},
        "repeats": {
            "type": "array",
            "description": "Numbers of the follow-ups (重复件) filed on this ticket, oldest first (single ticket only)",
            "items": {"type": "string"},
        },
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
                            "schema": {"type": "integer", "default": 100, "minimum": 1, "maximum": 1000},
                            "description": "At most this many tickets (values outside 1-1000 are clamped)",
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
            "/hot-topics.csv": {
                "get": {
                    "operationId": "hotTopicsCsv",
                    "summary": "Hot topics: tickets by day x category x district and FAQ topics asked by day, as CSV",
                    "description": "The days of `[hot_topics] days`, each from midnight in `[handoff] timezone`. "
                    "UTF-8 with a byte-order mark (Excel reads the Chinese names); one row per day and category x "
                    "district, or day and FAQ topic, with codes and names; days without counts have no rows.",
                    "parameters": [
                        {
                            "name": "lang",
                            "in": "query",
                            "schema": {"type": "string", "enum": ["zh-CN", "en-US"], "default": "zh-CN"},
                            "description": "Language of the header and the names",
                        }
                    ],
                    "responses": {
                        "200": {
                            "description": "Date, counted (tickets or FAQ questions), category code, category, "
                            "district, FAQ topic code, FAQ topic, count",
                            "content": {"text/csv": {"schema": {"type": "string"}}},
                        },
                        "503": {"description": "The ticket database cannot be read now"},
                        **_ERRORS,
                    },
                }
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
