"""What the API reads of the modem pool: status snapshots, readiness, send latency.

The API never drives modems; it only shows them. ``PoolView`` is the narrow protocol
``pool.Pool`` satisfies; ``NoModems`` stands in when the gateway runs without a pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from gsmgateway.pool.status import ModemSnapshot


class LatencySnapshot(Protocol):
    """A cumulative histogram: counts per upper bound (the last one is +Inf)."""

    buckets: tuple[float, ...]
    cumulative: tuple[int, ...]
    total: float
    count: int


class LatencySource(Protocol):
    """Something that observes durations and gives a cumulative snapshot of them."""

    def snapshot(self) -> LatencySnapshot:
        """The histogram now."""
        ...


class PoolView(Protocol):
    """The read-only face of the pool."""

    @property
    def latency(self) -> LatencySource:
        """Time from AT+CMGS to its +CMGS answer, of the parts the network accepted."""
        ...

    def modems(self) -> Sequence[ModemSnapshot]:
        """Every modem seen since start."""
        ...

    @property
    def ready(self) -> bool:
        """True when at least one modem is in service."""
        ...


@dataclass(frozen=True)
class EmptyHistogram:
    """A histogram with no observations."""

    buckets: tuple[float, ...] = ()
    cumulative: tuple[int, ...] = (0,)
    total: float = 0.0
    count: int = 0

    def snapshot(self) -> EmptyHistogram:
        """Itself: it never changes."""
        return self


class NoModems:
    """A pool with no modem: never ready, nothing to show."""

    latency = EmptyHistogram()

    def modems(self) -> Sequence[ModemSnapshot]:
        """No modems."""
        return ()

    @property
    def ready(self) -> bool:
        """Never ready: nothing can be sent."""
        return False
