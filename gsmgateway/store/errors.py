"""Errors of the store layer, grouped by whose fault they are.

- ``StoreUnavailable``: the database cannot take writes now (disk full, read-only,
  locked too long, closed); the API answers 503 and nothing already committed is lost.
- ``StoreConflict`` and its subclasses: the request is well-formed but collides with
  stored state (an idempotency key reused with another body, a claim taken away).
- ``StoreMisuse`` and its subclasses: the caller broke the interface's contract
  (an illegal part transition, an unknown part id); a bug in the calling layer.
"""

from __future__ import annotations


class StoreError(Exception):
    """Base of every error raised by the store layer."""


class StoreUnavailable(StoreError):
    """The database cannot be written or read now (disk full, read-only, locked, closed)."""


class StoreConflict(StoreError):
    """The request collides with what is stored; retrying it unchanged will not help."""


class IdempotencyConflict(StoreConflict):
    """An Idempotency-Key was already used with a different request body (HTTP 409)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"Idempotency-Key {key!r} was already used with a different body")
        self.key = key


class LeaseLost(StoreConflict):
    """The part is no longer claimed by this modem (lease reclaimed, cancelled, expired)."""


class InboundConflict(StoreConflict):
    """Inbound parts handed to complete_inbound already belong to another inbox message."""


class StoreMisuse(StoreError):
    """The caller broke the store's contract: a programming error in the calling layer."""


class IllegalTransition(StoreMisuse):
    """A part state change that the table in ``store/states.py`` does not allow."""

    def __init__(self, part_id: int, state: object, event: object) -> None:
        super().__init__(f"part {part_id}: {event} is not allowed in state {state}")
        self.part_id = part_id
        self.state = state
        self.event = event


class UnknownPart(StoreMisuse):
    """A part id (or inbound part key) that the store does not hold."""
