"""The simulated modem's values: effects it asks for, its settings, its SIM, timing.

Shared by the machine (``machine.py``), its phases (``states.py``) and its command
handlers (``handlers.py``); no logic beyond defaults.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from gsmgateway.sim.profiles import Profile
from gsmgateway.sim.replies import FINAL_OK, Final, Format

if TYPE_CHECKING:
    from gsmgateway.sim.states import PromptState

SMSC_DEFAULT = "+447400000001"


class SimState(enum.Enum):
    """What AT+CPIN? reports (TS 27.007 8.3)."""

    READY = "READY"
    PIN = "SIM PIN"
    PUK = "SIM PUK"


# -- effects -----------------------------------------------------------------------


@dataclass(frozen=True)
class Write:
    """Bytes for the TE, to be written ``delay`` seconds after the previous write."""

    data: bytes
    delay: float = 0.0


@dataclass(frozen=True)
class SubmitRequest:
    """A PDU for the network; answer with ``ModemMachine.submit_finished``."""

    pdu: str  # hex, with the SMSC field first
    tpdu_length: int
    mr: int


@dataclass(frozen=True)
class StartTimer:
    """Call ``ModemMachine.on_timer(token, now)`` after ``delay`` seconds."""

    token: str
    delay: float


@dataclass(frozen=True)
class Replug:
    """The device leaves the bus now and comes back after ``delay`` (USB modem reset)."""

    delay: float


Effect = Write | SubmitRequest | StartTimer | Replug


@dataclass(frozen=True)
class SubmitOutcome:
    """The network's answer to a SubmitRequest: accepted, or a +CMS ERROR code."""

    error: int | None = None


@dataclass(frozen=True)
class Timing:
    """How long things take. Defaults are fast for tests; ``realistic`` is a real dongle's."""

    command_latency: float = 0.0
    cmgs_delay: float = 0.005
    status_report_delay: float = 0.02
    boot_delay: float = 0.05
    replug_delay: float = 0.2
    cnma_timeout: float = 2.0
    noise_interval: float = 1.0
    ussd_delay: float = 0.02

    @classmethod
    def realistic(cls, latency: float) -> Timing:
        """A dongle on a live network: ``latency`` per command, seconds for a CMGS."""
        return cls(
            command_latency=latency,
            cmgs_delay=3.0,
            status_report_delay=5.0,
            boot_delay=3.0,
            replug_delay=5.0,
            cnma_timeout=15.0,  # TS 24.011 TR2M is 12-20 s
            noise_interval=3.0,
            ussd_delay=2.0,
        )


@dataclass
class Settings:
    """What ATZ / AT&F reset (the TE-visible configuration)."""

    echo: bool
    verbose: bool
    quiet: bool
    cmee: int
    cmgf: int
    cscs: str
    csmp: tuple[int, int, int, int]
    csdh: int
    csms: int
    cnmi: tuple[int, int, int, int, int]
    cpms: list[str]
    creg: int
    cgreg: int
    cereg: int
    cops_format: int
    cmms: int
    cusd: int
    curc: int

    @classmethod
    def defaults(cls, profile: Profile) -> Settings:
        """Power-on defaults (TS 27.007/27.005 defaults, profile where they differ)."""
        return cls(
            echo=True,
            verbose=True,
            quiet=False,
            cmee=0,
            cmgf=0,
            cscs=profile.default_charset,
            csmp=(17, 167, 0, 0),
            csdh=0,
            csms=0,
            cnmi=profile.default_cnmi,
            cpms=["SM", "SM", "SM"],
            creg=0,
            cgreg=0,
            cereg=0,
            cops_format=0,
            cmms=0,
            cusd=0,
            curc=1,
        )

    @property
    def format(self) -> Format:
        """The reply format these settings give."""
        return Format(verbose=self.verbose, quiet=self.quiet, cmee=self.cmee)


@dataclass
class SimCard:
    """The SIM: its lock, PIN/PUK and their counters, its SMSC address."""

    pin: str = "1234"
    puk: str = "12345678"
    pin_enabled: bool = False
    state: SimState = SimState.READY
    pin_attempts_left: int = 3
    smsc: str = SMSC_DEFAULT


@dataclass
class Reply:
    """What one command produced."""

    lines: list[str] = field(default_factory=list)
    final: Final = FINAL_OK
    prompt: PromptState | None = None
    effects: list[Effect] = field(default_factory=list)
    deferred: bool = False  # the final result comes later (a submission is under way)
