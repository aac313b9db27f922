"""The one written form of a moment in the gateway's JSON (API answers, webhook payloads,
the modems list): RFC 3339 / ISO 8601 in UTC with milliseconds, ``...Z``."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: float | None) -> str | None:
    """Seconds since the epoch as ``2030-01-01T10:00:00.000Z`` (None stays None)."""
    if moment is None:
        return None
    text = datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z")
