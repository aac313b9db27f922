"""A pool stand-in for API tests: snapshots and readiness set by the test."""

from __future__ import annotations

from dataclasses import dataclass, field

from gsmgateway.modem.health import Health
from gsmgateway.pool.status import ModemCounters, ModemSnapshot, ModemState


@dataclass(frozen=True)
class FakeHistogram:
    buckets: tuple[float, ...] = (0.5, 1.0, 5.0)
    cumulative: tuple[int, ...] = (1, 3, 4, 4)
    total: float = 3.5
    count: int = 4

    def snapshot(self):
        return self


def snapshot(imei="352099000000006", state=ModemState.READY, sent=0, **fields) -> ModemSnapshot:
    """A modem's snapshot as the pool would give it."""
    counters = ModemCounters(sent=sent, failed=fields.pop("failed", 0))
    return ModemSnapshot.build(
        imei=imei,
        port=fields.pop("port", "/dev/ttyUSB0"),
        state=state,
        health=fields.pop("health", Health()),
        counters=counters,
        model=fields.pop("model", "E173"),
        iccid=fields.pop("iccid", "8944740000000000005"),
        **fields,
    )


@dataclass
class FakePool:
    """Whatever modems the test puts in ``snapshots``; ready when one is in service."""

    snapshots: list[ModemSnapshot] = field(default_factory=list)
    latency: FakeHistogram = field(default_factory=FakeHistogram)

    def modems(self):
        return list(self.snapshots)

    @property
    def ready(self) -> bool:
        return any(s.in_service for s in self.snapshots)
