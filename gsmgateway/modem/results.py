"""What the driver reports: a send's outcome, the modem's identity, and its events.

Values only. The outcome of sending one part is exactly one of:
- ``Sent(mr)``: ``+CMGS: <mr>`` came back; the network took the part.
- ``Rejected``: a ``+CMS ERROR`` (or ``ERROR``) answered; the network did not take it.
- ``NotSent``: the Ctrl-Z was never written, so the part can go back to the queue.
- ``Ambiguous``: the Ctrl-Z was written, then silence or a lost port: the part may have
  reached the network and must never be silently sent again.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gsmgateway.at import ErrorClass, PinState, RegistrationState, SignalQuality


@dataclass(frozen=True)
class Sent:
    """The network accepted the part; ``mr`` is its TP-Message-Reference (0..255)."""

    mr: int

    def __post_init__(self) -> None:
        if not 0 <= self.mr <= 255:
            raise ValueError(f"TP-MR is 0..255, not {self.mr}")


@dataclass(frozen=True)
class Rejected:
    """A definite refusal: the part did not reach the network."""

    reason: str  # e.g. "+CMS ERROR: 38 (network out of order)"
    kind: ErrorClass  # the AT core's table: temporary, permanent or modem fault
    code: int | None = None
    retry_limit: int | None = None  # the error table's own limit (unknown codes)


@dataclass(frozen=True)
class NotSent:
    """The PDU's Ctrl-Z was never written: the part is untouched and may go elsewhere."""

    reason: str
    modem_fault: bool = False  # the modem itself failed (timeout, port gone, garbage)


@dataclass(frozen=True)
class Ambiguous:
    """The Ctrl-Z went out but no definite answer came: the part's fate is unknown."""

    reason: str


SendOutcome = Sent | Rejected | NotSent | Ambiguous


@dataclass(frozen=True)
class Identity:
    """Who a modem is. The IMEI names the modem, the ICCID its SIM."""

    imei: str
    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    imsi: str = ""
    iccid: str = ""
    profile: str = "generic"
    own_number: str = ""


@dataclass(frozen=True)
class Description:
    """What ``ModemDriver.describe`` read from a modem without configuring it (``probe``).

    ``sim`` is None when ``AT+CPIN?`` named no state (``sim_error`` then says what it
    answered); ``imsi``, ``registration`` and ``operator`` are asked only of a READY SIM.
    """

    imei: str
    manufacturer: str = ""
    model: str = ""
    revision: str = ""
    profile: str = "generic"  # the profile the identity points to
    sim: PinState | None = None
    sim_error: str = ""  # e.g. "+CME ERROR: 13 (SIM failure)"
    iccid: str = ""
    imsi: str = ""
    registration: RegistrationState | None = None
    operator: str | None = None
    signal: SignalQuality | None = None


class StorageKind(enum.Enum):
    """What a stored or routed PDU is."""

    DELIVER = "deliver"
    STATUS_REPORT = "status-report"


@dataclass(frozen=True)
class Location:
    """Where a message lies in the modem: a storage (``SM``, ``ME``, ``SR``...) and index."""

    memory: str
    index: int


@dataclass(frozen=True)
class InboundPdu:
    """A received PDU (SMS-DELIVER or SMS-STATUS-REPORT), not yet acknowledged.

    ``location`` is set for a stored message (``+CMTI``/``+CDSI``/``AT+CMGL``): delete it
    once it is committed. ``routed`` is set for ``+CMT``/``+CDS``: acknowledge it with
    ``AT+CNMA`` when the mode needs it. The driver's ``acknowledge`` does whichever.
    """

    pdu: str  # hex, SMSC field first
    tpdu_length: int | None
    location: Location | None = None
    routed: bool = False
    kind: StorageKind | None = None  # as the modem announced it, if it did


@dataclass(frozen=True)
class MessageWaiting:
    """``+CMTI`` / ``+CDSI``: a message was stored at ``location``; read it, then delete it."""

    location: Location
    kind: StorageKind


@dataclass(frozen=True)
class LateSubmitReport:
    """A ``+CMGS: <mr>`` that arrived after its send was given up as ambiguous."""

    mr: int


@dataclass(frozen=True)
class HealthChanged:
    """Signal, registration or operator changed (``driver.health`` has the new value)."""


@dataclass(frozen=True)
class SimChanged:
    """The modem says its SIM changed state (``+CPIN: SIM PIN``, ``+CPIN: NOT READY``...)."""

    state: str


@dataclass(frozen=True)
class PortLost:
    """The port went away (unplugged, or the device reset itself)."""

    reason: str


ModemEvent = InboundPdu | MessageWaiting | LateSubmitReport | HealthChanged | SimChanged | PortLost
