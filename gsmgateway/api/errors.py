"""The HTTP API's error: one exception carrying the status, code, message and field."""

from __future__ import annotations

from collections.abc import Mapping


class ApiError(Exception):
    """A request the API answers with ``{"error": {"code", "message", "field"?}}``."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})

    def to_json(self) -> dict[str, object]:
        """The JSON body of the error response."""
        error: dict[str, object] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


def invalid(message: str, field: str | None = None) -> ApiError:
    """400: the request is malformed (wrong type, missing or unknown field)."""
    return ApiError(400, "invalid_request", message, field)


def unsendable(code: str, message: str, field: str | None = None) -> ApiError:
    """422: valid JSON that cannot be sent (bad number, too many segments...)."""
    return ApiError(422, code, message, field)


def unauthorized() -> ApiError:
    """401: no API key, or one the gateway does not accept."""
    return ApiError(
        401,
        "unauthorized",
        "a valid API key is required: Authorization: Bearer KEY",
        headers={"WWW-Authenticate": 'Bearer realm="gsmgateway"'},
    )


def not_found(what: str) -> ApiError:
    """404: no such message, inbox message or route."""
    return ApiError(404, "not_found", what)


def conflict(code: str, message: str) -> ApiError:
    """409: the request collides with what is stored."""
    return ApiError(409, code, message)


def overloaded(pending: int) -> ApiError:
    """429: too many messages are being written already; the client should retry soon."""
    return ApiError(
        429,
        "overloaded",
        f"{pending} messages are being written already; retry in a second",
        headers={"Retry-After": "1"},
    )


def store_unavailable(reason: str) -> ApiError:
    """503: the store cannot take writes now; nothing of this request was kept."""
    return ApiError(
        503,
        "store_unavailable",
        f"the message store is unavailable, nothing was queued: {reason}",
        headers={"Retry-After": "5"},
    )
