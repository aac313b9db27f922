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
        "to": {
            "type": "string",
            "description": "E.164 (+...), national with default_region",
            "examples": ["+447911123456"],
        },
        "text": {"type": "string", "minLength": 1},
        "priority": {"enum": ["high", "normal", "low"], "default": "normal"},
        "send_at": {"type": "string", "format": "date-time"},
        "status_report": {"type": "boolean"},
        "flash": {"type": "boolean", "default": False},
        "validity_minutes": {"type": "integer", "minimum": 5, "maximum": 635040},
        "encoding": {"enum": ["auto", "gsm7", "ucs2"], "default": "auto"},
        "smart_encoding": {"type": "boolean"},
        "modem": {"type": "string", "pattern": "^[0-9]{14,16}$", "description": "IMEI"},
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

PART_STATES = [
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
MESSAGE_STATUSES = [
    "queued",
    "sending",
    "sent",
    "delivered",
    "failed",
    "unknown",
    "cancelled",
    "expired",
]

PART = {
    "type": "object",
    "required": ["seq", "state", "modem", "mr", "error", "queued_at", "updated_at"],
    "properties": {
        "seq": {"type": "integer", "minimum": 1},
        "state": {"enum": PART_STATES},
        "modem": _NULLABLE_STRING,
        "mr": _NULLABLE_INT,
        "error": _NULLABLE_STRING,
        "attempts": {"type": "integer", "minimum": 0},
        "queued_at": _TIMESTAMP,
        "updated_at": _TIMESTAMP,
        "submitted_at": _TIMESTAMP,
        "sent_at": _TIMESTAMP,
        "finished_at": _TIMESTAMP,
    },
}

HISTORY_ENTRY = {
    "type": "object",
    "required": ["seq", "from", "to", "at"],
    "properties": {
        "seq": {"type": "integer", "minimum": 1},
        "from": {"enum": [*PART_STATES, None]},
        "to": {"enum": PART_STATES},
        "at": {"type": "string", "format": "date-time"},
        "modem": _NULLABLE_STRING,
        "detail": _NULLABLE_STRING,
    },
}

NATIONAL = {
    "type": ["object", "null"],
    "description": "TS 23.038 national language tables used (ISO 639-1 codes), or null",
    "properties": {"locking": _NULLABLE_STRING, "single": _NULLABLE_STRING},
}

MESSAGE = {
    "type": "object",
    "required": ["id", "status", "to", "encoding", "segments", "created_at", "parts"],
    "properties": {
        "id": _STRING,
        "status": {"enum": MESSAGE_STATUSES},
        "to": _STRING,
        "text": _STRING,
        "encoding": {"enum": ["gsm7", "ucs2", "8bit"]},
        "national": NATIONAL,
        "segments": {"type": "integer", "minimum": 1},
        "priority": {"enum": ["high", "normal", "low"]},
        "status_report": {"type": "boolean"},
        "flash": {"type": "boolean"},
        "validity_minutes": _NULLABLE_INT,
        "send_at": _TIMESTAMP,
        "expires_at": _TIMESTAMP,
        "created_at": {"type": "string", "format": "date-time"},
        "updated_at": _TIMESTAMP,
        "modem": {"type": ["string", "null"], "description": "the modem its parts go out on"},
        "parts": {"type": "array", "items": PART},
        "history": {"type": "array", "items": HISTORY_ENTRY},
    },
}

INBOUND = {
    "type": "object",
    "required": ["id", "from", "text", "modem", "parts", "partial", "received_at"],
    "properties": {
        "id": _STRING,
        "from": _STRING,
        "text": _STRING,
        "modem": _STRING,
        "parts": {"type": "integer", "minimum": 1},
        "partial": {"type": "boolean"},
        "received_at": {"type": "string", "format": "date-time"},
        "scts": _TIMESTAMP,
    },
}

PREVIEW = {
    "type": "object",
    "required": ["to", "encoding", "segments", "parts", "text", "replacements"],
    "properties": {
        "to": _STRING,
        "encoding": {"enum": ["gsm7", "ucs2"]},
        "national": NATIONAL,
        "segments": {"type": "integer", "minimum": 1},
        "parts": {"type": "array", "items": _STRING, "description": "each segment's text"},
        "text": {"type": "string", "description": "the text sent (after smart encoding)"},
        "replacements": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["position", "original", "replacement"],
                "properties": {
                    "position": {"type": "integer", "minimum": 0},
                    "original": _STRING,
                    "replacement": _STRING,
                },
            },
        },
    },
}

HEALTH = {
    "type": "object",
    "required": ["live", "ready", "store", "modems", "reasons"],
    "properties": {
        "live": {"const": True},
        "ready": {"type": "boolean"},
        "store": {"enum": ["writable", "unavailable"]},
        "modems": {
            "type": "object",
            "required": ["total", "in_service"],
            "properties": {
                "total": {"type": "integer", "minimum": 0},
                "in_service": {"type": "integer", "minimum": 0},
            },
        },
        "reasons": {"type": "array", "items": _STRING},
    },
}

MODEM = {
    "type": "object",
    "required": ["id", "port", "state", "model", "sim", "signal", "registration", "counters"],
    "properties": {
        "id": {"type": "string", "description": "IMEI"},
        "port": _NULLABLE_STRING,
        "state": _STRING,
        "model": {"type": "object"},
        "sim": {
            "type": "object",
            "properties": {"iccid": _STRING, "imsi": _STRING, "operator": _NULLABLE_STRING},
        },
        "signal": {
            "type": "object",
            "properties": {"rssi": _NULLABLE_INT, "dbm": _NULLABLE_INT},
        },
        "registration": _STRING,
        "groups": {"type": "array", "items": _STRING},
        "last_error": _NULLABLE_STRING,
        "since": _TIMESTAMP,  # when it entered its state
        "counters": {"type": "object", "additionalProperties": {"type": "integer"}},
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
# Batch items are validated one by one: a bad item is reported in its result (202),
# not by rejecting the request, so the document accepts any item and says which succeed.
_ANY_MESSAGE = {
    "description": "a MessageBody; an item that is not one gets an error in its result",
    "anyOf": [MESSAGE_BODY, {}],
}
_ANY_RECIPIENT = {
    "description": "{'to', 'vars'?: {name: string}}; a bad one gets an error in its result",
    "anyOf": [
        {
            "type": "object",
            "required": ["to"],
            "additionalProperties": False,
            "properties": {
                "to": _STRING,
                "vars": {"type": "object", "additionalProperties": _STRING},
            },
        },
        {},
    ],
}
_BATCH = {
    "oneOf": [
        {
            "type": "object",
            "required": ["messages"],
            "additionalProperties": False,
            "properties": {
                "messages": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": _ANY_MESSAGE,
                }
            },
        },
        {
            "type": "object",
            "required": ["text", "recipients"],
            "additionalProperties": False,
            "properties": {
                **{k: v for k, v in MESSAGE_BODY["properties"].items() if k != "to"},
                "text": {"type": "string", "minLength": 1, "description": "{name} placeholders"},
                "recipients": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": 1000,
                    "items": _ANY_RECIPIENT,
                },
            },
        },
    ]
}


def build_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document."""
    write_errors = _errors(400, 401, 409, 413, 422, 429, 503)
    message_id = {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^m_[0-9A-HJKMNP-TV-Z]{26}$"},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "gsmgateway", "version": __version__},
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "MessageBody": MESSAGE_BODY,
                "Error": ERROR,
                "Message": MESSAGE,
                "InboxMessage": INBOUND,
                "Modem": MODEM,
            },
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
                    "responses": {
                        "202": {
                            **_json(ACCEPTED, "durably queued"),
                            "links": {
                                "status": {
                                    "operationId": "getMessage",
                                    "parameters": {"id": "$response.body#/id"},
                                },
                                "cancel": {
                                    "operationId": "cancelMessage",
                                    "parameters": {"id": "$response.body#/id"},
                                },
                            },
                        },
                        **write_errors,
                    },
                },
                "get": {
                    "summary": "List messages, newest first",
                    "security": _AUTH,
                    "parameters": [
                        {"name": "status", "in": "query", "schema": {"enum": MESSAGE_STATUSES}},
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
                                            "oneOf": [ACCEPTED, ERROR],
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
                            PREVIEW,
                            "preview",
                        ),
                        **_errors(400, 401, 413, 422),
                    },
                },
            },
            "/v1/messages/{id}": {
                "get": {
                    "operationId": "getMessage",
                    "summary": "One message with its parts and history",
                    "security": _AUTH,
                    "parameters": [message_id],
                    "responses": {"200": _json(MESSAGE, "the message"), **_errors(401, 404, 503)},
                },
                "delete": {
                    "operationId": "cancelMessage",
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
                                "properties": {"modems": {"type": "array", "items": MODEM}},
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
                        "200": _json(HEALTH, "live and ready"),
                        "503": _json(HEALTH, "live, not ready: the reasons say why"),
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
