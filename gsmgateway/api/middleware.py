"""The one middleware of the API: bearer auth on ``/v1``, errors as JSON, request counts.

Every answer that is not a handler's own is ``{"error": {"code", "message", "field"?}}``:
an ``ApiError``, aiohttp's own HTTP errors (unknown route 404, wrong method 405, body
too large 413), the store being unavailable (503). Anything else is a bug: it is logged
with its traceback and answered 500 ``internal_error`` with no detail on the wire.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from gsmgateway.api.auth import ApiKeys
from gsmgateway.api.body import too_large
from gsmgateway.api.errors import ApiError, store_unavailable, unauthorized
from gsmgateway.api.metrics import ApiMetrics
from gsmgateway.store.errors import StoreUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_HTTP_CODES = {
    404: ("not_found", "no such route"),
    405: ("method_not_allowed", "this route does not take that method"),
}


def error_response(error: ApiError) -> web.Response:
    """The JSON answer of an ``ApiError``."""
    return web.Response(
        status=error.status,
        body=json.dumps(error.to_json()).encode(),
        content_type="application/json",
        headers=error.headers,
    )


def _from_http(error: web.HTTPException, max_body: int) -> ApiError:
    if isinstance(error, web.HTTPRequestEntityTooLarge):
        return too_large(max_body)
    code, message = _HTTP_CODES.get(error.status, ("http_error", error.reason))
    headers = {"Allow": error.headers["Allow"]} if "Allow" in error.headers else None
    return ApiError(error.status, code, message, headers=headers)


def api_middleware(keys: ApiKeys, metrics: ApiMetrics, max_body: int) -> Callable[..., object]:
    """The middleware for an app that accepts ``keys`` and counts into ``metrics``."""

    requests = metrics.requests

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            path = request.path
            if (path.startswith("/v1/") or path == "/v1") and not keys.accepts(
                request.headers.get("Authorization")
            ):
                raise unauthorized()
            response = await handler(request)
        except ApiError as error:
            response = error_response(error)
        except StoreUnavailable as error:
            response = error_response(store_unavailable(str(error)))
        except web.HTTPException as error:
            if error.status < 400:
                raise
            response = error_response(_from_http(error, max_body))
        except Exception:
            # The top of every request: a bug must answer 500 without a traceback on the
            # wire, and be logged with it.
            log.exception("unexpected error answering %s %s", request.method, request.path)
            response = error_response(
                ApiError(500, "internal_error", "the gateway failed to answer; see its log")
            )
        resource = request.match_info.route.resource
        route = resource.canonical if resource is not None else "unmatched"
        requests[route, response.status] += 1
        return response

    return middleware
