"""Unsolicited result codes: telling them apart, joining their PDU lines, reading them.

A tagged line (``+CMTI: "SM",3``) is owned by a command only through the command's
declared prefixes, so every other tagged line is a URC without needing a list. The
list below is for the untagged ones (``RING``, ``Call Ready``), which would otherwise
look like the untagged answer of ``AT+CGMI`` or ``AT+CIMI``: each names the modem
family and the manual that documents it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from gsmgateway.at.errors import ResponseParseError
from gsmgateway.at.fields import is_number, payload, split_fields, tag_of, to_int, unquote


@dataclass(frozen=True)
class UntaggedUrc:
    """An untagged URC line form: the exact line, or its start when ``prefix`` is set."""

    text: str
    prefix: bool
    source: str


UNTAGGED_URCS: tuple[UntaggedUrc, ...] = (
    UntaggedUrc("RING", False, "ITU-T V.250 5.7.1 / TS 27.007 6.11"),
    UntaggedUrc("RDY", False, "SIM800 AT manual 19.3; Quectel EC2x AT manual"),
    UntaggedUrc("Call Ready", False, "SIM800 AT manual 19.3"),
    UntaggedUrc("SMS Ready", False, "SIM800 AT manual 19.3"),
    UntaggedUrc("NORMAL POWER DOWN", False, "SIM800 AT manual 19.3"),
    UntaggedUrc("UNDER-VOLTAGE", True, "SIM800 AT manual 19.3 (WARNNING / POWER DOWN)"),
    UntaggedUrc("OVER-VOLTAGE", True, "SIM800 AT manual 19.3 (WARNNING / POWER DOWN)"),
    UntaggedUrc("CHARGE-ONLY MODE", False, "SIM800 AT manual 19.3"),
    UntaggedUrc("MO RING", False, "SIM800 AT manual 19.3 (AT+MORING=1)"),
    UntaggedUrc("MO CONNECTED", False, "SIM800 AT manual 19.3 (AT+MORING=1)"),
    UntaggedUrc("DST:", True, "SIM800 AT manual 19.3 (AT+CLTS=1)"),
    UntaggedUrc("POWERED DOWN", False, "Quectel EC2x AT manual"),
    UntaggedUrc("PB DONE", False, "SIMCom SIM7500/SIM7600 AT manual"),
    UntaggedUrc("SMS DONE", False, "SIMCom SIM7500/SIM7600 AT manual"),
    UntaggedUrc("^SYSSTART", True, "Cinterion/Siemens AT manual"),
)


def is_untagged_urc(line: str) -> bool:
    """True if ``line`` is one of the known untagged URCs."""
    for urc in UNTAGGED_URCS:
        if line == urc.text or (urc.prefix and line.startswith(urc.text)):
            return True
    return False


def urc_name(line: str) -> str:
    """A URC's name: its tag (``+CMTI``) or, for an untagged line, the line itself."""
    return tag_of(line) or line


# TS 27.005 3.4.1 (CNMI) in PDU mode: +CMT: [<alpha>],<length> / +CDS: <length> /
# +CBM: <length>, each followed by the PDU on the next line.
PDU_URCS = frozenset({"+CMT", "+CDS", "+CBM"})


def carries_pdu(name: str, line: str) -> bool:
    """True when a URC header announces a PDU line (its PDU-mode form, last field a length)."""
    if name not in PDU_URCS:
        return False
    try:
        fields = split_fields(payload(line, name + ":"), line=line)
    except ResponseParseError:
        return False
    return len(fields) <= 2 and is_number(fields[-1])


class NoticeKind(enum.Enum):
    """What a storage notice announces."""

    MESSAGE = "+CMTI"  # a new SMS-DELIVER stored (TS 27.005 3.4.1)
    STATUS_REPORT = "+CDSI"  # a new SMS-STATUS-REPORT stored (TS 27.005 3.4.1)


@dataclass(frozen=True)
class StorageNotice:
    """``+CMTI: <mem>,<index>`` / ``+CDSI: <mem>,<index>``: read it from that memory."""

    kind: NoticeKind
    memory: str
    index: int


@dataclass(frozen=True)
class IncomingPdu:
    """``+CMT`` / ``+CDS`` / ``+CBM`` in PDU mode with the PDU joined from the next line."""

    name: str
    alpha: str | None
    length: int
    pdu: str


_MEMORY = re.compile(r"^[A-Z]{2}$")


def parse_storage_notice(name: str, line: str) -> StorageNotice:
    """Read a ``+CMTI`` or ``+CDSI`` line; raises ResponseParseError on anything else."""
    try:
        kind = NoticeKind(name)
    except ValueError:
        raise ResponseParseError("not a +CMTI/+CDSI notice", line=line) from None
    fields = split_fields(payload(line, name + ":"), line=line)
    # SIM800 adds a third field ("MMS PUSH") to +CMTI for MMS notices; it is ignored.
    if len(fields) < 2:
        raise ResponseParseError("storage notice needs <mem>,<index>", line=line)
    memory = unquote(fields[0]).strip().upper()
    if not _MEMORY.match(memory):
        raise ResponseParseError("storage name is not two letters", line=line)
    return StorageNotice(kind, memory, to_int(fields[1], line=line, what="index"))


def parse_incoming_pdu(name: str, line: str, pdu: str | None) -> IncomingPdu:
    """Read a PDU-mode ``+CMT``/``+CDS``/``+CBM`` header with its joined PDU."""
    if name not in PDU_URCS:
        raise ResponseParseError("not a +CMT/+CDS/+CBM header", line=line)
    if pdu is None:
        raise ResponseParseError("PDU line missing after the header", line=line)
    fields = split_fields(payload(line, name + ":"), line=line)
    if len(fields) > 2 or not is_number(fields[-1]):
        raise ResponseParseError("not the PDU-mode form [<alpha>,]<length>", line=line)
    alpha = unquote(fields[0]) if len(fields) == 2 and fields[0] else None
    return IncomingPdu(name, alpha or None, int(fields[-1]), pdu.upper())
