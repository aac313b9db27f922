"""What the pool shows of each modem: its state, counters and a snapshot for the API.

Values only. ``ModemSnapshot.to_json`` is the object ``GET /v1/modems`` lists; the
counters are cumulative since the gateway started (Prometheus counters read them).
"""

from __future__ import annotations

import copy
import enum
from dataclasses import asdict, dataclass, field

from gsmgateway.modem.health import Health
from gsmgateway.timestamps import iso


class ModemState(enum.Enum):
    """Where a modem stands. Only READY and SENDING modems are in service."""

    INITIALISING = "initialising"
    READY = "ready"
    SENDING = "sending"
    NO_NETWORK = "no_network"  # registration lost: it sends nothing until it is back
    SIM_LOCKED = "sim_locked"  # the SIM wants a PIN or PUK the config does not give
    RECOVERING = "recovering"
    QUARANTINED = "quarantined"
    OFFLINE = "offline"  # port gone (unplugged); comes back when the port reappears
    DISABLED = "disabled"  # enabled = false in its [[modem]] entry

    @property
    def in_service(self) -> bool:
        """True when the modem takes parts."""
        return self in (ModemState.READY, ModemState.SENDING)


@dataclass
class ModemCounters:
    """Cumulative counts of one modem (mutable: the pool increments them)."""

    sent: int = 0  # parts the network accepted (+CMGS)
    rejected: int = 0  # parts refused with +CMS ERROR
    failed: int = 0  # parts failed for good on this modem
    ambiguous: int = 0  # parts left unknown (Ctrl-Z out, no answer)
    requeued: int = 0  # parts given back to the queue
    received: int = 0  # inbound SMS parts stored
    status_reports: int = 0  # status reports received
    delivered: int = 0  # status reports saying delivered
    late_reports: int = 0  # +CMGS that came after their send was given up
    timeouts: int = 0  # AT commands that got no answer in time
    recoveries: int = 0  # recovery episodes begun
    probes: int = 0
    reopens: int = 0
    resets: int = 0
    quarantines: int = 0
    unplugs: int = 0
    garbage_bytes: int = 0  # bytes the AT core could not make sense of
    urcs: int = 0  # unsolicited result codes seen
    at_commands: int = 0  # AT commands written

    def to_json(self) -> dict[str, int]:
        """A plain dict for JSON."""
        return asdict(self)


@dataclass(frozen=True)
class ModemSnapshot:
    """One modem as ``GET /v1/modems`` shows it."""

    id: str  # IMEI
    port: str | None
    state: ModemState
    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    profile: str = ""
    iccid: str = ""
    imsi: str = ""
    operator: str | None = None
    rssi: int | None = None
    signal_dbm: int | None = None
    registration: str = "unknown"
    groups: tuple[str, ...] = ()
    last_error: str | None = None
    since: float | None = None  # when it entered its state (epoch seconds)
    counters: ModemCounters = field(default_factory=ModemCounters)

    @classmethod
    def build(
        cls,
        *,
        imei: str,
        port: str | None,
        state: ModemState,
        health: Health,
        counters: ModemCounters,
        manufacturer: str = "",
        model: str = "",
        revision: str = "",
        profile: str = "",
        iccid: str = "",
        imsi: str = "",
        groups: tuple[str, ...] = (),
        last_error: str | None = None,
        since: float | None = None,
    ) -> ModemSnapshot:
        """A snapshot from the pool's live objects (the counters are copied)."""
        signal = health.signal
        return cls(
            id=imei,
            port=port,
            state=state,
            manufacturer=manufacturer,
            model=model,
            revision=revision,
            profile=profile,
            iccid=iccid,
            imsi=imsi,
            operator=health.operator,
            rssi=signal.rssi if signal else None,
            signal_dbm=signal.dbm if signal else None,
            registration=health.registration.name.lower(),
            groups=groups,
            last_error=last_error,
            since=since,
            counters=copy.copy(counters),
        )

    @property
    def in_service(self) -> bool:
        """True when the modem takes parts."""
        return self.state.in_service

    def to_json(self) -> dict[str, object]:
        """The JSON object of the modems route."""
        return {
            "id": self.id,
            "port": self.port,
            "state": self.state.value,
            "model": {
                "manufacturer": self.manufacturer,
                "model": self.model,
                "revision": self.revision,
                "profile": self.profile,
            },
            "sim": {"iccid": self.iccid, "imsi": self.imsi, "operator": self.operator},
            "signal": {"rssi": self.rssi, "dbm": self.signal_dbm},
            "registration": self.registration,
            "groups": list(self.groups),
            "last_error": self.last_error,
            "since": iso(self.since),
            "counters": self.counters.to_json(),
        }
