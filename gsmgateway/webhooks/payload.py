"""The JSON body of a webhook delivery, made from an outbox event.

Pure. The store's payload is kept as it is, with its epoch-seconds timestamps turned
into RFC 3339 UTC strings (as the HTTP API writes them) and ``delivery_id`` added: the
outbox event's id, the same for every retry of one event, so a receiver that got an
event twice (a retry after a lost acknowledgement) can tell.
"""

from __future__ import annotations

import json
from typing import Any

from gsmgateway.store.interface import OutboxEvent
from gsmgateway.timestamps import iso

TIMESTAMP_FIELDS = ("at", "received_at", "scts")


def event_body(event: OutboxEvent) -> bytes:
    """The bytes POSTed (and signed) for ``event``."""
    payload: dict[str, Any] = dict(event.payload)
    for name in TIMESTAMP_FIELDS:
        value = payload.get(name)
        if isinstance(value, int | float) and not isinstance(value, bool):
            payload[name] = iso(value)
    payload["delivery_id"] = event.id
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
