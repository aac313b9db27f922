"""Builders of store values for tests of the store and of the layers above it."""

from __future__ import annotations

from gsmgateway.sms.dcs import Encoding
from gsmgateway.store import NewMessage, Priority

T0 = 1_700_000_000.0


def new_message(
    text: str = "hello",
    *,
    parts: int = 1,
    to: str = "+491701234567",
    created_at: float = T0,
    priority: Priority = Priority.NORMAL,
    route: str = "default",
    **fields,
) -> NewMessage:
    """A message of ``parts`` segments (each segment's text numbered)."""
    segments = (text,) if parts == 1 else tuple(f"{text} {i}/{parts}" for i in range(1, parts + 1))
    return NewMessage(
        to=to,
        text="".join(segments),
        segments=segments,
        created_at=created_at,
        encoding=Encoding.GSM7,
        priority=priority,
        route=route,
        **fields,
    )
