"""The HTTP API's error: one exception carrying the status, code, message and field."""

from __future__ import annotations


class ApiError(Exception):
    """A request the API answers with ``{"error": {"code", "message", "field"?}}``."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

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
