"""A modem's health as values: signal, network registration and operator.

Pure. The driver feeds it what the AT core parses from URCs and poll answers (the
core's ``SignalQuality`` and ``RegistrationState``); the pool reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from gsmgateway.at import RegistrationState, SignalQuality


@dataclass(frozen=True)
class Health:
    """What is known of a modem's link to the network, and when each part was learnt."""

    signal: SignalQuality | None = None
    signal_at: float | None = None
    registration: RegistrationState = RegistrationState.UNKNOWN
    registration_at: float | None = None
    # Which of CS (+CREG), PS (+CGREG), EPS (+CEREG) reported what: SMS goes over CS,
    # or over EPS (SGs/IMS) on LTE-only modems, so either registered one will do.
    domains: tuple[tuple[str, RegistrationState], ...] = ()
    operator: str | None = None
    operator_at: float | None = None

    def with_signal(self, signal: SignalQuality, now: float) -> Health:
        """A new signal reading."""
        return replace(self, signal=signal, signal_at=now)

    def with_registration(self, domain: str, stat: RegistrationState, now: float) -> Health:
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
