"""Reading a request's JSON body within limits: size, content type, syntax.

A body larger than the limit is refused from its ``Content-Length`` before it is read,
and a chunked one as soon as it passes the limit (aiohttp's ``client_max_size``), both
413. A wrong content type, bytes that are not UTF-8, malformed or deeply nested JSON,
and the non-standard ``NaN``/``Infinity`` literals are 400 with what was wrong.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from gsmgateway.api.errors import ApiError, invalid

JSON_TYPES = frozenset({"application/json"})


def too_large(limit: int) -> ApiError:
    """413: the body is over ``max_body_bytes``."""
    return ApiError(413, "body_too_large", f"the request body is larger than {limit} bytes")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


# One decoder for every request (json.loads with options would build one per call).
_DECODER = json.JSONDecoder(parse_constant=_no_constants)


async def read_json(request: web.Request, limit: int) -> tuple[Any, bytes]:
    """The decoded JSON body and its raw bytes."""
    length = request.content_length
    if length is not None and length > limit:
        raise too_large(limit)
    content_type = request.content_type
    if content_type not in JSON_TYPES and not content_type.endswith("+json"):
        raise ApiError(
            400,
            "unsupported_content_type",
            f"the body must be JSON with Content-Type: application/json, not {content_type!r}",
        )
    try:
        raw = await request.read()
    except web.HTTPRequestEntityTooLarge:
        raise too_large(limit) from None
    if len(raw) > limit:
        raise too_large(limit)
    if not raw:
        raise invalid("the request body is empty; a JSON object is expected")
    try:
        # RFC 8259 8.1: JSON between systems is UTF-8.
        return _DECODER.decode(raw.decode("utf-8")), raw
    except UnicodeDecodeError:
        raise invalid("the request body is not UTF-8 text") from None
    except RecursionError:
        raise invalid("the JSON body is nested too deeply") from None
    except ValueError as error:
        raise invalid(f"the request body is not valid JSON: {error}") from None
