"""The message part state machine (DESIGN.md) as one table, and a message's derived status.

Pure: no IO, no clock. Both store backends consult this module for every change.

Rules that must hold (the table below is checked against them in tests/store):

1. A part changes state only by an event listed in ``TRANSITIONS`` from a state listed
   for it; anything else is ``IllegalTransition`` (a bug in the caller, not user input).
2. ``submitting`` is entered only from ``claimed`` and is committed before the PDU's
   Ctrl-Z goes to the modem. It is left by ``+CMGS`` (sent), by a ``+CMS ERROR`` (a
   definite answer: temporary -> queued, permanent -> failed), or by silence after
   Ctrl-Z / a restart (-> unknown). It never returns to ``queued`` silently.
3. A part that may have reached the network (sent, delivered, unknown) never becomes
   ``queued`` again, except ``unknown`` by the operator's ``resend_unknown`` policy.
4. ``delivered``, ``failed``, ``cancelled`` and ``expired`` are terminal; ``sent``
   changes only by a status report; ``unknown`` only by ``resend_unknown``.
5. Cancel and expiry take only parts that were never submitted (queued; cancel also
   claimed ones, whose holder then gets ``LeaseLost``).
6. When one part fails, the message's parts not yet submitted fail with it
   (``SIBLING_FAILED``): the phone cannot reassemble a message with a missing part.

A message's status is derived from its parts by ``derive_status`` (rules in its docstring).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping


class PartState(enum.Enum):
    """Where one part (segment) of a message is in its life."""

    QUEUED = "queued"
    CLAIMED = "claimed"  # a modem holds it under a lease (modem id + deadline)
    SUBMITTING = "submitting"  # committed before Ctrl-Z; may or may not reach the network
    SENT = "sent"  # +CMGS answered: the SMSC took it; TP-MR recorded
    DELIVERED = "delivered"  # status report: delivered to the phone
    FAILED = "failed"
    CANCELLED = "cancelled"
    EXPIRED = "expired"  # validity passed before it was sent
    UNKNOWN = "unknown"  # was submitting at a crash or a silent modem: may have been sent


class PartEvent(enum.Enum):
    """What happens to a part: the inputs of the state machine."""

    CLAIM = "claim"
    RELEASE = "release"  # the holder gives it back before submitting (shutdown, modem lost)
    LEASE_EXPIRED = "lease_expired"
    SUBMIT = "submit"
    ACCEPT = "accept"  # +CMGS: <mr>
    TEMPORARY_ERROR = "temporary_error"  # a +CMS ERROR that means try again (maybe elsewhere)
    PERMANENT_ERROR = "permanent_error"  # a +CMS ERROR that means never, or retries exhausted
    SIBLING_FAILED = "sibling_failed"
    AMBIGUOUS = "ambiguous"  # silence after Ctrl-Z: timeout, port gone
    REPORT_DELIVERED = "report_delivered"
    REPORT_PENDING = "report_pending"  # the SMSC is still trying (TP-ST 0x20..0x3F)
    REPORT_FAILED = "report_failed"
    CANCEL = "cancel"
    EXPIRE = "expire"
    RESTART = "restart"  # recovery at start: claims return, submitting becomes unknown
    RESEND_UNKNOWN = "resend_unknown"  # the operator chose at-least-once


_Q, _C, _S = PartState.QUEUED, PartState.CLAIMED, PartState.SUBMITTING
_T, _D, _F = PartState.SENT, PartState.DELIVERED, PartState.FAILED
_X, _E, _U = PartState.CANCELLED, PartState.EXPIRED, PartState.UNKNOWN

#: event -> {from state: to state}. The whole state machine; nothing else moves a part.
TRANSITIONS: Mapping[PartEvent, Mapping[PartState, PartState]] = {
    PartEvent.CLAIM: {_Q: _C},
    PartEvent.RELEASE: {_C: _Q},
    PartEvent.LEASE_EXPIRED: {_C: _Q},
    PartEvent.SUBMIT: {_C: _S},
    PartEvent.ACCEPT: {_S: _T},
    PartEvent.TEMPORARY_ERROR: {_C: _Q, _S: _Q},
    PartEvent.PERMANENT_ERROR: {_C: _F, _S: _F},
    PartEvent.SIBLING_FAILED: {_Q: _F, _C: _F},
    PartEvent.AMBIGUOUS: {_S: _U},
    PartEvent.REPORT_DELIVERED: {_T: _D},
    PartEvent.REPORT_PENDING: {_T: _T},
    PartEvent.REPORT_FAILED: {_T: _F},
    PartEvent.CANCEL: {_Q: _X, _C: _X},
    PartEvent.EXPIRE: {_Q: _E},
    PartEvent.RESTART: {_C: _Q, _S: _U},
    PartEvent.RESEND_UNKNOWN: {_U: _Q},
}

#: No event leaves these.
TERMINAL_STATES = frozenset({_D, _F, _X, _E})
#: Parts still to be sent or being sent: while a message has one, it is not finished.
ACTIVE_STATES = frozenset({_Q, _C, _S})
#: Parts held by a modem (lease or send in progress): nobody else may claim the message.
HELD_STATES = frozenset({_C, _S})
#: Parts that may have reached the network through their modem: they pin the message to it.
PINNING_STATES = frozenset({_S, _T, _D, _U})


class MessageStatus(enum.Enum):
    """A message's status as the API shows it, derived from its parts."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    FAILED = "failed"
    UNKNOWN = "unknown"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


#: A ``message.status`` webhook event is queued when the status becomes one of these.
NOTIFIED_STATUSES = frozenset(
    {
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
        MessageStatus.FAILED,
        MessageStatus.UNKNOWN,
        MessageStatus.EXPIRED,
        MessageStatus.CANCELLED,
    }
)


def next_state(state: PartState, event: PartEvent) -> PartState | None:
    """The state ``event`` moves a part in ``state`` to, or None if the table forbids it."""
    return TRANSITIONS[event].get(state)


def allowed_events(state: PartState) -> frozenset[PartEvent]:
    """Every event the table accepts in ``state``."""
    return frozenset(event for event, moves in TRANSITIONS.items() if state in moves)


def derive_status(states: Iterable[PartState]) -> MessageStatus:
    """A message's status from its parts' states, by the first rule that applies.

    1. any part failed -> ``failed`` (the phone cannot show a message with a part missing);
    2. any part queued, claimed or submitting -> ``queued`` if nothing is held or was
       submitted yet, else ``sending``;
    3. any part cancelled -> ``cancelled``; any expired -> ``expired``;
    4. any part unknown -> ``unknown`` (it may or may not have reached the phone);
    5. all delivered -> ``delivered``; otherwise (sent, or sent and delivered) -> ``sent``.
    """
    seen = set(states)
    if not seen:
        raise ValueError("a message has at least one part")
    if _F in seen:
        return MessageStatus.FAILED
    if seen & ACTIVE_STATES:
        if seen <= {_Q, _X, _E}:
            return MessageStatus.QUEUED
        return MessageStatus.SENDING
    if _X in seen:
        return MessageStatus.CANCELLED
    if _E in seen:
        return MessageStatus.EXPIRED
    if _U in seen:
        return MessageStatus.UNKNOWN
    if seen == {_D}:
        return MessageStatus.DELIVERED
    return MessageStatus.SENT


def is_finished(states: Iterable[PartState]) -> bool:
    """True when no part is queued, claimed or submitting: the message can be pruned later."""
    return not (set(states) & ACTIVE_STATES)


__all__ = [
    "ACTIVE_STATES",
    "HELD_STATES",
    "NOTIFIED_STATUSES",
    "PINNING_STATES",
    "TERMINAL_STATES",
    "TRANSITIONS",
    "MessageStatus",
    "PartEvent",
    "PartState",
    "allowed_events",
    "derive_status",
    "is_finished",
    "next_state",
]
