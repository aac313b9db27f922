"""Simulated modems and a virtual GSM network on real ptys.

``SimNetwork.start(count, directory)`` brings up N modems, each speaking the TS 27.007 /
27.005 AT dialect of a real dongle (with per-model profiles) on its own pty linked as
``directory/modemK``; a PDU one modem submits reaches the modem owning the number,
every submission is logged, and faults come on demand (``SimulatedModem`` methods,
or the HTTP control API of ``control.py``). Shares no code with ``modem/`` or ``at/``.
"""

from gsmgateway.sim.device import CmsErrorFault, SimulatedModem
from gsmgateway.sim.errors import (
    InvalidIndex,
    InvalidRequest,
    MalformedSubmit,
    SimError,
    SimUsageError,
    StorageFull,
    SyntaxFault,
    UnknownModem,
    UnknownProfile,
)
from gsmgateway.sim.identity import Identity, identity_for, luhn_check_digit, luhn_valid
from gsmgateway.sim.machine import ModemMachine
from gsmgateway.sim.model import SubmitOutcome, Timing
from gsmgateway.sim.network import SimNetwork, SinkMessage, default_directory
from gsmgateway.sim.profiles import PROFILES, Profile, profile_for, profile_named
from gsmgateway.sim.simlog import SimLog
from gsmgateway.sim.states import Phase

__all__ = [
    "PROFILES",
    "CmsErrorFault",
    "Identity",
    "InvalidIndex",
    "InvalidRequest",
    "MalformedSubmit",
    "ModemMachine",
    "Phase",
    "Profile",
    "SimError",
    "SimLog",
    "SimNetwork",
    "SimUsageError",
    "SimulatedModem",
    "SinkMessage",
    "StorageFull",
    "SubmitOutcome",
    "SyntaxFault",
    "Timing",
    "UnknownModem",
    "UnknownProfile",
    "default_directory",
    "identity_for",
    "luhn_check_digit",
    "luhn_valid",
    "profile_for",
    "profile_named",
]
