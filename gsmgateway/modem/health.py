"""A modem's health as values: signal, network registration and operator.

Pure. The driver feeds it what it parses from URCs and poll answers; the pool reads it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class Registration(enum.Enum):
    """<stat> of +CREG / +CGREG / +CEREG (TS 27.007 7.2, 10.1.19, 10.1.22)."""

    NOT_REGISTERED = 0
    HOME = 1
    SEARCHING = 2
    DENIED = 3
    UNKNOWN = 4
    ROAMING = 5
    HOME_SMS_ONLY = 6
    ROAMING_SMS_ONLY = 7
    EMERGENCY_ONLY = 8
    HOME_CSFB_NOT_PREFERRED = 9
    ROAMING_CSFB_NOT_PREFERRED = 10

    @property
    def registered(self) -> bool:
        """True when SMS can go out (home or roaming, SMS-only included)."""
        return self not in _UNREGISTERED

    @classmethod
    def of(cls, stat: int) -> Registration:
        """The registration for a <stat> number (unknown numbers: UNKNOWN)."""
        try:
            return cls(stat)
        except ValueError:
            return cls.UNKNOWN


_UNREGISTERED = frozenset(
    {
        Registration.NOT_REGISTERED,
        Registration.SEARCHING,
        Registration.DENIED,
        Registration.UNKNOWN,
        Registration.EMERGENCY_ONLY,
    }
)


@dataclass(frozen=True)
class Signal:
    """+CSQ <rssi> (0..31, 99 not known) and <ber> (0..7, 99 not known), TS 27.007 8.5."""

    rssi: int
    ber: int = 99

    @property
    def dbm(self) -> int | None:
        """The received signal in dBm: 0 is -113 or less, 31 is -51 or more."""
        if not 0 <= self.rssi <= 31:
            return None
        return -113 + 2 * self.rssi


@dataclass(frozen=True)
class Health:
    """What is known of a modem's link to the network, and when each part was learnt."""

    signal: Signal | None = None
    signal_at: float | None = None
    registration: Registration = Registration.UNKNOWN
    registration_at: float | None = None
    # Which of CS (+CREG), PS (+CGREG), EPS (+CEREG) reported what: SMS goes over CS,
    # or over EPS (SGs/IMS) on LTE-only modems, so either registered one will do.
    domains: tuple[tuple[str, Registration], ...] = ()
    operator: str | None = None
    operator_at: float | None = None

    def with_signal(self, signal: Signal, now: float) -> Health:
        """A new signal reading."""
        return replace(self, signal=signal, signal_at=now)

    def with_registration(self, domain: str, stat: Registration, now: float) -> Health:
        """A registration report of ``domain`` ('CREG', 'CGREG' or 'CEREG')."""
        domains = dict(self.domains)
        domains[domain] = stat
        sms_capable = [v for k, v in domains.items() if k in ("CREG", "CEREG")]
        candidates = sms_capable or list(domains.values())
        best = next((v for v in candidates if v.registered), candidates[0])
        return replace(
            self,
            registration=best,
            registration_at=now,
            domains=tuple(sorted(domains.items())),
        )

    def with_operator(self, operator: str | None, now: float) -> Health:
        """The operator's name as +COPS? reports it (None: not registered to any)."""
        return replace(self, operator=operator, operator_at=now)

    @property
    def registered(self) -> bool:
        """True when the modem is registered where SMS can go out."""
        return self.registration.registered
