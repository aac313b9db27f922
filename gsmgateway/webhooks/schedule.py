"""When to retry a webhook delivery: exponential back-off with jitter, up to a maximum age.

Pure: the caller passes the attempt count, the event's age and a random number.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off from ``first_delay`` doubling to ``max_delay``; give up past ``max_age`` seconds."""

    first_delay: float = 1.0
    max_delay: float = 600.0
    max_age: float = 24 * 3600.0
    jitter: float = 0.2

    def __post_init__(self) -> None:
        if not 0 < self.first_delay <= self.max_delay:
            raise ValueError("need 0 < first_delay <= max_delay")
        if self.max_age <= 0 or not 0 <= self.jitter < 1:
            raise ValueError("need max_age > 0 and 0 <= jitter < 1")

    def next_delay(self, attempts: int, age: float, random_unit: float) -> float | None:
        """Seconds until the next try after ``attempts`` failures, or None to give up.

        ``age`` is how old the event is now; ``random_unit`` is in [0, 1) and spreads
        retries so that many events failing together do not retry together.
        """
        if attempts < 1:
            return 0.0
        delay = min(self.max_delay, self.first_delay * 2 ** min(attempts - 1, 62))
        delay *= 1 - self.jitter + 2 * self.jitter * random_unit
        if age + delay > self.max_age:
            return None
        return delay
