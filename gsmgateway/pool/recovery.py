"""The recovery ladder: what to do with a modem that timed out or reported a fault.

Pure decisions; the pool carries them out and reports back. ``now`` comes in.

Rules that hold:
- An episode starts at a fault and climbs: PROBE (resynchronise, ``AT``), REOPEN (close
  and open the port), RESET (``AT+CFUN=1,1``, wait for the modem to come back), then
  QUARANTINE: out of service until ``until``, then REOPEN, RESET and QUARANTINE again.
- Each quarantine in a row lasts ``factor`` times the one before, from ``base`` up to
  ``maximum``; the count only resets once the modem has stayed in service for
  ``healthy_after`` seconds.
- A modem that faults again less than ``healthy_after`` seconds after recovering starts
  its next episode one rung above the rung that last brought it back: a probe that
  "works" every few minutes is not a recovery.
- Every decision is an ``Attempt`` naming its step and when it may run; nothing here
  waits.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class RecoveryStep(enum.Enum):
    """One rung of the ladder."""

    PROBE = "probe"
    REOPEN = "reopen"
    RESET = "reset"
    QUARANTINE = "quarantine"


RUNGS = (RecoveryStep.PROBE, RecoveryStep.REOPEN, RecoveryStep.RESET, RecoveryStep.QUARANTINE)


@dataclass(frozen=True)
class RecoveryPolicy:
    """Back-off of the quarantine and how long health must last to forget past faults."""

    base: float = 30.0
    factor: float = 2.0
    maximum: float = 3600.0
    healthy_after: float = 300.0
    reset_allowed: bool = True

    def __post_init__(self) -> None:
        if self.base <= 0 or self.maximum < self.base:
            raise ValueError("quarantine: 0 < base <= maximum")
        if self.factor < 1:
            raise ValueError("quarantine factor: at least 1")
        if self.healthy_after < 0:
            raise ValueError("healthy_after: not negative")

    def quarantine_seconds(self, count: int) -> float:
        """How long the ``count``-th quarantine in a row (1-based) lasts."""
        seconds = self.base
        for _ in range(max(count, 1) - 1):
            seconds *= self.factor
            if seconds >= self.maximum:
                return self.maximum
        return min(seconds, self.maximum)


@dataclass(frozen=True)
class Attempt:
    """Run ``step`` at ``at`` (a QUARANTINE ends at ``at``; the next call says what then)."""

    step: RecoveryStep
    at: float


@dataclass(frozen=True)
class RecoveryLadder:
    """Where a modem stands on the ladder. Immutable: each event returns a new ladder."""

    policy: RecoveryPolicy = RecoveryPolicy()
    in_episode: bool = False
    rung: int = 0  # index into RUNGS of the step under way (or next, between episodes)
    quarantines: int = 0  # in a row
    recovered_at: float | None = None
    recovered_rung: int = 0

    def _steps(self) -> tuple[RecoveryStep, ...]:
        if self.policy.reset_allowed:
            return RUNGS
        return tuple(step for step in RUNGS if step is not RecoveryStep.RESET)

    def _attempt(self, rung: int, now: float) -> tuple[RecoveryLadder, Attempt]:
        steps = self._steps()
        step = steps[rung]
        if step is RecoveryStep.QUARANTINE:
            count = self.quarantines + 1
            until = now + self.policy.quarantine_seconds(count)
            return replace(self, in_episode=True, rung=rung, quarantines=count), Attempt(
                step, until
            )
        return replace(self, in_episode=True, rung=rung), Attempt(step, now)

    def fault(self, now: float) -> tuple[RecoveryLadder, Attempt]:
        """A command timed out or the modem reported a fault: the first step to try."""
        if self.in_episode:
            return self.step_failed(now)
        ladder = self
        start = 0
        if self.recovered_at is not None and now - self.recovered_at < self.policy.healthy_after:
            start = min(self.recovered_rung + 1, len(self._steps()) - 1)
        else:
            ladder = replace(self, quarantines=0)
        return ladder._attempt(start, now)

    def step_failed(self, now: float) -> tuple[RecoveryLadder, Attempt]:
        """The step under way did not bring the modem back (or a quarantine ended)."""
        if not self.in_episode:
            return self.fault(now)
        steps = self._steps()
        if steps[self.rung] is RecoveryStep.QUARANTINE:
            # After a quarantine the port may be stale: start again by reopening it.
            return self._attempt(steps.index(RecoveryStep.REOPEN), now)
        return self._attempt(self.rung + 1, now)

    def recovered(self, now: float) -> RecoveryLadder:
        """The step under way brought the modem back into service."""
        if not self.in_episode:
            return self
        return replace(self, in_episode=False, recovered_at=now, recovered_rung=self.rung)

    def healthy(self, now: float) -> RecoveryLadder:
        """The modem is working at ``now``: past faults are forgotten once it has lasted."""
        if (
            not self.in_episode
            and self.recovered_at is not None
            and now - self.recovered_at >= self.policy.healthy_after
        ):
            return replace(self, quarantines=0, recovered_at=None, recovered_rung=0)
        return self

    @property
    def step(self) -> RecoveryStep | None:
        """The step under way, or None when the modem is not being recovered."""
        return self._steps()[self.rung] if self.in_episode else None
