"""One modem: serial transport, AT command execution, init, health, sending and receiving.

``ModemDriver`` has a ``SerialLink`` and an ``AtConnection``; it knows nothing of the
queue or HTTP. It offers ``send_pdu`` (with a hook awaited between the prompt and the
Ctrl-Z), inbound, status-report and health events, and ``acknowledge`` (delete or
``AT+CNMA``). Nothing above this package sees a pyserial, OSError or AT-core exception.
"""

from gsmgateway.modem.decoding import ReceivedReport, ReceivedSms, Undecodable, decode_inbound
from gsmgateway.modem.driver import DriverSettings, DriverStats, ModemDriver
from gsmgateway.modem.errors import (
    CommandTimeout,
    ModemError,
    ModemFault,
    NotAModem,
    PortBusy,
    PortClosed,
    PortUnavailable,
    SimLocked,
    SimNotReady,
)
from gsmgateway.modem.health import Health
from gsmgateway.modem.profiles import PROFILES, Profile, choose_profile, profile_named
from gsmgateway.modem.results import (
    Ambiguous,
    Description,
    HealthChanged,
    Identity,
    InboundPdu,
    LateSubmitReport,
    Location,
    MessageWaiting,
    ModemEvent,
    NotSent,
    PortLost,
    Rejected,
    SendOutcome,
    Sent,
    SimChanged,
    StorageKind,
)
from gsmgateway.modem.transport import SerialLink

__all__ = [
    "PROFILES",
    "Ambiguous",
    "CommandTimeout",
    "Description",
    "DriverSettings",
    "DriverStats",
    "Health",
    "HealthChanged",
    "Identity",
    "InboundPdu",
    "LateSubmitReport",
    "Location",
    "MessageWaiting",
    "ModemDriver",
    "ModemError",
    "ModemEvent",
    "ModemFault",
    "NotAModem",
    "NotSent",
    "PortBusy",
    "PortClosed",
    "PortLost",
    "PortUnavailable",
    "Profile",
    "ReceivedReport",
    "ReceivedSms",
    "Rejected",
    "SendOutcome",
    "Sent",
    "SerialLink",
    "SimChanged",
    "SimLocked",
    "SimNotReady",
    "StorageKind",
    "Undecodable",
    "choose_profile",
    "decode_inbound",
    "profile_named",
]
