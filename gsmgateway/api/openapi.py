"""The OpenAPI 3.1 document of every HTTP route (served at ``/openapi.json``).

Written from the contract in DESIGN.md; tests check that every route the app serves
is here, and a schemathesis run checks the live server's answers against it.
"""

from __future__ import annotations

from typing import Any

from gsmgateway import __version__

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"]}
_TIMESTAMP = {"type": ["string", "null"], "format": "date-time"}

MESSAGE_BODY: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["to", "text"],
    "properties": {
        "to": {"type": "string", "description": "E.164 (+...), national with default_region"},
        "text": {"type": "string", "minLength": 1},
        "priority": {"enum": ["high", "normal", "low"], "default": "normal"},
        "send_at": {"type": "string", "format": "date-time"},
        "status_report": {"type": "boolean"},
        "flash": {"type": "boolean", "default": False},
        "validity_minutes": {"type": "integer", "minimum": 5, "maximum": 635040},
        "encoding": {"enum": ["auto", "gsm7", "ucs2"], "default": "auto"},
        "smart_encoding": {"type": "boolean"},
        "modem": {"type": "string", "minLength": 1},
    },
}

ERROR = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {"code": _STRING, "message": _STRING, "field": _STRING},
        }
    },
}

ACCEPTED = {
    "type": "object",
    "required": ["id", "status", "encoding", "segments"],
    "properties": {
        "id": _STRING,
        "status": {"const": "queued"},
        "encoding": {"enum": ["gsm7", "ucs2"]},
        "segments": {"type": "integer", "minimum": 1},
    },
}

PART = {
    "type": "object",
    "required": ["seq", "state"],
    "properties": {
        "seq": {"type": "integer"},
        "state": {
            "enum": [
                "queued",
                "claimed",
                "submitting",
                "sent",
                "delivered",
                "failed",
                "cancelled",
                "expired",
                "unknown",
            ]
        },
        "modem": _NULLABLE_STRING,
        "mr": _NULLABLE_INT,
        "error": _NULLABLE_STRING,
        "created_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
        "submitted_at": _TIMESTAMP,
        "sent_at": _TIMESTAMP,
        "delivered_at": _TIMESTAMP,
    },
}

MESSAGE = {
    "type": "object",
    "required": ["id", "status", "to", "encoding", "segments", "created_at", "parts"],
    "properties": {
        "id": _STRING,
        "status": _STRING,
        "to": _STRING,
        "encoding": _STRING,
        "segments": {"type": "integer"},
        "created_at": {"type": "string", "format": "date-time"},
        "parts": {"type": "array", "items": PART},
        "history": {"type": "array", "items": {"type": "object"}},
    },
}

INBOUND = {
    "type": "object",
    "required": ["id", "from", "text", "received_at"],
    "properties": {
        "id": _STRING,
        "from": _STRING,
        "to": _NULLABLE_STRING,
        "text": _STRING,
        "modem": _NULLABLE_STRING,
        "received_at": {"type": "string", "format": "date-time"},
        "partial": {"type": "boolean"},
    },
}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*statuses: int) -> dict[str, Any]:
    words = {
        400: "invalid request",
        401: "missing or wrong API key",
        404: "not found",
        409: "conflict",
        413: "body too large",
        422: "valid JSON that cannot be sent",
        429: "rate limited",
        503: "store unavailable",
    }
    return {str(status): _json(ERROR, words[status]) for status in statuses}


_AUTH = [{"bearer": []}]
_BATCH = {
    "oneOf": [
        {
            "type": "object",
            "required": ["messages"],
            "properties": {"messages": {"type": "array", "maxItems": 1000, "items": MESSAGE_BODY}},
        },
        {
            "type": "object",
            "required": ["text", "recipients"],
            "properties": {
                **{k: v for k, v in MESSAGE_BODY["properties"].items() if k != "to"},
                "recipients": {
                    "type": "array",
                    "maxItems": 1000,
                    "items": {
                        "type": "object",
                        "required": ["to"],
                        "additionalProperties": False,
                        "properties": {
                            "to": _STRING,
                            "vars": {"type": "object", "additionalProperties": _STRING},
                        },
                    },
                },
            },
        },
    ]
}


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    write_errors = _errors(400, 401, 409, 413, 422, 429, 503)
    message_id = {"name": "id", "in": "path", "required": True, "schema": _STRING}
    return {
        "openapi": "3.1.0",
        "info": {"title": "gsmgateway", "version": __version__},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"MessageBody": MESSAGE_BODY, "Error": ERROR, "Message": MESSAGE},
        },
        "paths": {
            "/v1/messages": {
                "post": {
                    "summary": "Queue one message",
                    "security": _AUTH,
                    "parameters": [{"name": "Idempotency-Key", "in": "header", "schema": _STRING}],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": MESSAGE_BODY}},
                    },
                    "responses": {"202": _json(ACCEPTED, "durably queued"), **write_errors},
                },
                "get": {
                    "summary": "List messages, newest first",
                    "security": _AUTH,
                    "parameters": [
                        {"name": "status", "in": "query", "schema": _STRING},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                        {"name": "after", "in": "query", "schema": _STRING},
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["messages", "next"],
                                "properties": {
                                    "messages": {"type": "array", "items": MESSAGE},
                                    "next": _NULLABLE_STRING,
                                },
                            },
                            "messages",
                        ),
                        **_errors(400, 401, 503),
                    },
                },
            },
            "/v1/messages/batch": {
                "post": {
                    "summary": "Queue up to 1,000 messages in one commit",
                    "security": _AUTH,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _BATCH}},
                    },
                    "responses": {
                        "202": _json(
                            {
                                "type": "object",
                                "required": ["results"],
                                "properties": {
                                    "results": {
                                        "type": "array",
                                        "items": {
                                            "type": "object",
                                            "properties": {
                                                "id": _STRING,
                                                "error": ERROR["properties"]["error"],
                                            },
                                        },
                                    }
                                },
                            },
                            "one result per item, in order",
                        ),
                        **write_errors,
                    },
                },
            },
            "/v1/messages/preview": {
                "post": {
                    "summary": "Encoding and segments of a message, queuing nothing",
                    "security": _AUTH,
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": MESSAGE_BODY}},
                    },
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["encoding", "segments", "parts"],
                                "properties": {
                                    "encoding": _STRING,
                                    "segments": {"type": "integer"},
                                    "parts": {"type": "array", "items": _STRING},
                                },
                            },
                            "preview",
                        ),
                        **_errors(400, 401, 413, 422),
                    },
                },
            },
            "/v1/messages/{id}": {
                "get": {
                    "summary": "One message with its parts and history",
                    "security": _AUTH,
                    "parameters": [message_id],
                    "responses": {"200": _json(MESSAGE, "the message"), **_errors(401, 404, 503)},
                },
                "delete": {
                    "summary": "Cancel a message no part of which was submitted",
                    "security": _AUTH,
                    "parameters": [message_id],
                    "responses": {
                        "200": _json(MESSAGE, "cancelled"),
                        **_errors(401, 404, 409, 503),
                    },
                },
            },
            "/v1/inbox": {
                "get": {
                    "summary": "Received messages, concatenated parts reassembled",
                    "security": _AUTH,
                    "parameters": [
                        {"name": "after", "in": "query", "schema": _STRING},
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                    ],
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["messages", "next"],
                                "properties": {
                                    "messages": {"type": "array", "items": INBOUND},
                                    "next": _NULLABLE_STRING,
                                },
                            },
                            "inbox",
                        ),
                        **_errors(400, 401, 503),
                    },
                }
            },
            "/v1/modems": {
                "get": {
                    "summary": "Every modem with its SIM, signal, registration and counters",
                    "security": _AUTH,
                    "responses": {
                        "200": _json(
                            {
                                "type": "object",
                                "required": ["modems"],
                                "properties": {
                                    "modems": {"type": "array", "items": {"type": "object"}}
                                },
                            },
                            "modems",
                        ),
                        **_errors(401),
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Liveness and readiness",
                    "responses": {
                        "200": _json({"type": "object"}, "ready"),
                        "503": _json({"type": "object"}, "not ready"),
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "responses": {
                        "200": {
                            "description": "metrics",
                            "content": {"text/plain": {"schema": _STRING}},
                        }
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document",
                    "responses": {"200": _json({"type": "object"}, "OpenAPI document")},
                }
            },
        },
    }
