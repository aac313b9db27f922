"""Send latency as a cumulative histogram the /metrics route can read.

Values only; the pool observes each accepted part's time from its ``AT+CMGS`` to its
``+CMGS`` answer. Buckets follow Prometheus' convention (upper bounds, cumulative).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

# A real network takes 1-10 s for a CMGS; tests and the fast simulator take milliseconds.
DEFAULT_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0)


@dataclass(frozen=True)
class HistogramSnapshot:
    """Cumulative counts per upper bound (the last is +Inf), with the sum and count."""

    buckets: tuple[float, ...]
    cumulative: tuple[int, ...]  # one per bucket, then +Inf
    total: float
    count: int


@dataclass
class LatencyHistogram:
    """Observations of a duration in seconds (mutable; the pool owns it)."""

    buckets: tuple[float, ...] = DEFAULT_BUCKETS
    counts: list[int] = field(default_factory=list)
    total: float = 0.0
    count: int = 0

    def __post_init__(self) -> None:
        if list(self.buckets) != sorted(set(self.buckets)):
            raise ValueError("histogram buckets must be increasing")
        self.counts = [0] * (len(self.buckets) + 1)

    def observe(self, seconds: float) -> None:
        """Record one duration."""
        self.counts[bisect.bisect_left(self.buckets, seconds)] += 1
        self.total += seconds
        self.count += 1

    def snapshot(self) -> HistogramSnapshot:
        """The cumulative view Prometheus expects."""
        running = 0
        cumulative = []
        for value in self.counts:
            running += value
            cumulative.append(running)
        return HistogramSnapshot(self.buckets, tuple(cumulative), self.total, self.count)
