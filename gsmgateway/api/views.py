"""The JSON shapes of the API's answers, from the store's and the codec's values.

Pure. Timestamps are RFC 3339 / ISO 8601 in UTC with milliseconds (``...Z``); the
OpenAPI document (``api/openapi.py``) describes every field written here.
"""

from __future__ import annotations

from typing import Any

from gsmgateway.sms.plan import TextPlan
from gsmgateway.store.interface import HistoryEntry, InboxMessage, Message, Part
from gsmgateway.timestamps import iso


def national_json(locking: str | None, single: str | None) -> dict[str, str | None] | None:
    """The national language tables used, or None for the default alphabet."""
    if locking is None and single is None:
        return None
    return {"locking": locking, "single": single}


def accepted_json(message_id: str, plan: TextPlan) -> dict[str, Any]:
    """The 202 answer of one queued message."""
    return {
        "id": message_id,
        "status": "queued",
        "encoding": plan.encoding.value,
        "segments": len(plan.segments),
    }


def accepted_text(message_id: str, plan: TextPlan) -> str:
    """``accepted_json`` as compact JSON text, formatted directly (a batch has 1,000):
    ids and encodings are plain ASCII that JSON needs no escape for."""
    return _ACCEPTED % (message_id, plan.encoding.value, len(plan.segments))


_ACCEPTED = '{"id":"%s","status":"queued","encoding":"%s","segments":%d}'


def preview_json(to: str, plan: TextPlan) -> dict[str, Any]:
    """The answer of ``POST /v1/messages/preview``."""
    return {
        "to": to,
        "encoding": plan.encoding.value,
        "national": national_json(plan.locking, plan.single),
        "segments": len(plan.segments),
        "parts": list(plan.segments),
        "text": plan.text,
        "replacements": [
            {"position": r.position, "original": r.original, "replacement": r.replacement}
            for r in plan.replacements
        ],
    }


def part_json(part: Part) -> dict[str, Any]:
    """One part of a message."""
    return {
        "seq": part.seq,
        "state": part.state.value,
        "modem": part.modem,
        "mr": part.mr,
        "error": part.error,
        "attempts": part.attempts,
        "queued_at": iso(part.queued_at),
        "updated_at": iso(part.updated_at),
        "submitted_at": iso(part.submitted_at),
        "sent_at": iso(part.sent_at),
        "finished_at": iso(part.finished_at),
    }


def history_json(entry: HistoryEntry) -> dict[str, Any]:
    """One committed part transition."""
    return {
        "seq": entry.seq,
        "from": entry.from_state.value if entry.from_state is not None else None,
        "to": entry.to_state.value,
        "at": iso(entry.at),
        "modem": entry.modem,
        "detail": entry.detail,
    }


def message_json(message: Message, *, history: bool = True) -> dict[str, Any]:
    """A message with its parts (and history when asked for)."""
    view: dict[str, Any] = {
        "id": message.id,
        "status": message.status.value,
        "to": message.to,
        "text": message.text,
        "encoding": message.encoding.value,
        "national": national_json(message.locking, message.single),
        "segments": message.segments,
        "priority": message.priority.value,
        "status_report": message.status_report,
        "flash": message.flash,
        "validity_minutes": message.validity_minutes,
        "send_at": iso(message.send_at),
        "expires_at": iso(message.expires_at),
        "created_at": iso(message.created_at),
        "updated_at": iso(message.updated_at),
        "modem": message.pinned_modem,
        "parts": [part_json(part) for part in message.parts],
    }
    if history:
        view["history"] = [history_json(entry) for entry in message.history]
    return view


def inbox_json(message: InboxMessage) -> dict[str, Any]:
    """One received message."""
    return {
        "id": message.id,
        "from": message.sender,
        "text": message.text,
        "modem": message.modem,
        "parts": message.parts,
        "partial": message.partial,
        "received_at": iso(message.received_at),
        "scts": iso(message.scts),
    }
