"""Scheduling decisions: which idle modem is offered the next claim, when to look again,
and what becomes of a part the network refused.

Pure: candidates and ``now`` come in, orders and decisions go out. The store orders the
parts themselves (priority high > normal > low, then oldest first); this module orders
the modems.

Rules that hold:
- Only idle modems in service whose rate and quotas allow a part now are offered a claim,
  the one idle the longest first (ties by IMEI), so work spreads evenly over the SIMs.
- ``next_wakeup`` is the earliest moment a held-back idle modem becomes able to send, so
  the dispatcher never polls the store on a timer it does not need.
- A refusal's kind alone decides: PERMANENT fails the part; TEMPORARY and MODEM_FAULT
  send it back to the queue, avoiding this modem, after a back-off that grows with its
  attempts, until ``max_attempts`` (or the code's own, lower, limit) is reached.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gsmgateway.at import ErrorClass


@dataclass(frozen=True)
class Candidate:
    """An idle modem as the dispatcher sees it."""

    imei: str
    idle_since: float
    ready_at: float  # from its SendBudget: rate spacing and quota resets
    in_service: bool = True


def claim_order(candidates: Iterable[Candidate], now: float) -> list[str]:
    """The IMEIs of the modems to offer a claim now, longest idle first."""
    able = [c for c in candidates if c.in_service and c.ready_at <= now]
    able.sort(key=lambda c: (c.idle_since, c.imei))
    return [c.imei for c in able]


def next_wakeup(candidates: Iterable[Candidate], now: float) -> float | None:
    """The earliest moment after ``now`` a held-back idle modem may send, or None."""
    later = [c.ready_at for c in candidates if c.in_service and c.ready_at > now]
    return min(later) if later else None


@dataclass(frozen=True)
class Retry:
    """Put the part back in the queue, eligible after ``delay`` seconds, avoiding the modem."""

    delay: float
    avoid_modem: bool = True


@dataclass(frozen=True)
class GiveUp:
    """Fail the part for good with ``reason``."""

    reason: str


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off of a part between attempts."""

    base: float = 2.0
    factor: float = 2.0
    maximum: float = 300.0

    def __post_init__(self) -> None:
        if self.base < 0 or self.maximum < self.base or self.factor < 1:
            raise ValueError("retry back-off: 0 <= base <= maximum, factor >= 1")

    def delay(self, attempts: int) -> float:
        """The wait before the next attempt of a part that has had ``attempts`` attempts."""
        seconds = self.base
        for _ in range(max(attempts, 1) - 1):
            seconds *= self.factor
            if seconds >= self.maximum:
                return self.maximum
        return min(seconds, self.maximum)


def after_refusal(
    kind: ErrorClass,
    *,
    reason: str,
    attempts: int,
    max_attempts: int,
    code_limit: int | None = None,
    policy: RetryPolicy = RetryPolicy(),
) -> Retry | GiveUp:
    """What becomes of a part refused for the ``attempts``-th time (counting this one)."""
    if kind is ErrorClass.PERMANENT:
        return GiveUp(reason)
    limit = max_attempts if code_limit is None else min(max_attempts, code_limit)
    if attempts >= limit:
        return GiveUp(f"{reason} (gave up after {attempts} attempts)")
    return Retry(policy.delay(attempts))
