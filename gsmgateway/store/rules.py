"""Pure decisions both store backends share: who may move a part, which message a modem
may claim, what a message's events say.

No IO and no clock: the backends pass the stored values and ``now``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from gsmgateway.store.errors import IllegalTransition, LeaseLost
from gsmgateway.store.interface import (
    EVENT_MESSAGE_RECEIVED,
    EVENT_MESSAGE_STATUS,
    EndpointSubscription,
    InboxMessage,
    ReportOutcome,
)
from gsmgateway.store.states import TRANSITIONS, MessageStatus, PartEvent, PartState

ANOTHER_PART_FAILED = "another part failed"
MAX_MR = 255

# States in which a part's claim has been taken away from its former holder.
_TAKEN_AWAY = frozenset(
    {PartState.QUEUED, PartState.CANCELLED, PartState.EXPIRED, PartState.FAILED}
)


def holder_move(
    part_id: int, state: PartState, holder: str | None, modem_id: str, event: PartEvent
) -> PartState:
    """The state ``modem_id``'s ``event`` moves the part to, if it holds the part.

    Raises ``LeaseLost`` for an event of a claim holder (its from-states include
    ``claimed``) when the claim was taken away or belongs to another modem, and
    ``IllegalTransition`` for anything else the table forbids.
    """
    moves = TRANSITIONS[event]
    target = moves.get(state)
    if target is not None and holder == modem_id:
        return target
    if PartState.CLAIMED in moves and (state in _TAKEN_AWAY or holder != modem_id):
        raise LeaseLost(f"part {part_id} is no longer held by modem {modem_id} (now {state.value})")
    raise IllegalTransition(part_id, state, event)


def move(part_id: int, state: PartState, event: PartEvent) -> PartState:
    """The state ``event`` moves a part in ``state`` to; ``IllegalTransition`` otherwise."""
    target = TRANSITIONS[event].get(state)
    if target is None:
        raise IllegalTransition(part_id, state, event)
    return target


def eligible_at(send_at: float | None, not_before: float | None) -> float:
    """When a queued message may first be claimed (0.0: at once)."""
    return max(send_at or 0.0, not_before or 0.0)


class ClaimVerdict(enum.Enum):
    """What a claimer does with one candidate message."""

    TAKE = "take"
    SKIP = "skip"  # not for this modem now (avoided, too many segments, not yet due)
    EXPIRE = "expire"  # validity passed: expire it on the way


def claim_verdict(
    *,
    modem_id: str,
    now: float,
    eligible: float,
    expires_at: float | None,
    avoid_modem: str | None,
    avoid_until: float | None,
    queued_parts: int,
    max_segments: int | None,
) -> ClaimVerdict:
    """Whether ``modem_id`` may claim a message that is queued and held by nobody."""
    if expires_at is not None and expires_at <= now:
        return ClaimVerdict.EXPIRE
    if eligible > now:
        return ClaimVerdict.SKIP
    if avoid_modem == modem_id and avoid_until is not None and avoid_until > now:
        return ClaimVerdict.SKIP
    if max_segments is not None and queued_parts > max_segments:
        return ClaimVerdict.SKIP
    return ClaimVerdict.TAKE


def report_event(outcome: ReportOutcome | str) -> PartEvent:
    """The part event of a status report outcome (a ReportOutcome or its string value)."""
    value = ReportOutcome(outcome)
    return {
        ReportOutcome.DELIVERED: PartEvent.REPORT_DELIVERED,
        ReportOutcome.PENDING: PartEvent.REPORT_PENDING,
        ReportOutcome.FAILED: PartEvent.REPORT_FAILED,
    }[value]


def check_mr(mr: int) -> None:
    """TP-MR is one octet (TS 23.040 9.2.3.6)."""
    if not isinstance(mr, int) or not 0 <= mr <= MAX_MR:
        raise ValueError(f"mr: TP-MR is 0 to {MAX_MR}, not {mr!r}")


def endpoints_for(endpoints: Sequence[EndpointSubscription], event: str) -> tuple[str, ...]:
    """Names of the endpoints subscribed to ``event``."""
    return tuple(endpoint.name for endpoint in endpoints if event in endpoint.events)


def status_payload(
    *,
    message_id: str,
    status: MessageStatus,
    previous: MessageStatus,
    to: str,
    at: float,
    error: str | None,
    metadata: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The JSON object of a ``message.status`` event."""
    payload: dict[str, Any] = {
        "event": EVENT_MESSAGE_STATUS,
        "id": message_id,
        "status": status.value,
        "previous_status": previous.value,
        "to": to,
        "at": at,
    }
    if error is not None:
        payload["error"] = error
    if metadata is not None:
        payload["metadata"] = dict(metadata)
    return payload


def received_payload(message: InboxMessage) -> dict[str, Any]:
    """The JSON object of a ``message.received`` event."""
    return {
        "event": EVENT_MESSAGE_RECEIVED,
        "id": message.id,
        "modem": message.modem,
        "from": message.sender,
        "text": message.text,
        "parts": message.parts,
        "partial": message.partial,
        "received_at": message.received_at,
        "scts": message.scts,
    }


def check_page_limit(limit: int) -> None:
    """Page sizes are 1 to 1000."""
    if not 1 <= limit <= 1000:
        raise ValueError("limit: 1 to 1000")
