"""SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT PDUs (TS 23.040 clause 9.2): encode and decode.

Interface stub: the signatures here are the contract between the codec's parts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from gsmgateway.sms.dcs import Encoding


@dataclass(frozen=True)
class Concat:
    """A concatenation header: reference, total parts, this part's number (1-based)."""

    ref: int
    total: int
    seq: int
    ref_bits: int = 8


@dataclass(frozen=True)
class SubmitPdu:
    """One SMS-SUBMIT as sent after ``AT+CMGS=<tpdu_length>``; ``hex`` starts with SMSC ``00``."""

    hex: str
    tpdu_length: int


def encode_submit(
    destination: str,
    *,
    text: str,
    encoding: Encoding,
    locking: str | None = None,
    single: str | None = None,
    concat: Concat | None = None,
    status_report: bool = False,
    flash: bool = False,
    validity_minutes: int | None = None,
    message_reference: int = 0,
) -> SubmitPdu:
    """Encode one segment's text as an SMS-SUBMIT."""
    raise NotImplementedError


def encode_deliver(
    sender: str,
    *,
    text: str,
    encoding: Encoding,
    scts: datetime,
    locking: str | None = None,
    single: str | None = None,
    concat: Concat | None = None,
    flash: bool = False,
    smsc: str | None = None,
    status_report_indication: bool = False,
) -> str:
    """Encode an SMS-DELIVER as hex with its SMSC prefix (``00`` when smsc is None)."""
    raise NotImplementedError


def encode_status_report(
    recipient: str,
    *,
    mr: int,
    scts: datetime,
    discharge_time: datetime,
    status: int,
    smsc: str | None = None,
) -> str:
    """Encode an SMS-STATUS-REPORT as hex with its SMSC prefix."""
    raise NotImplementedError


class PduType(enum.Enum):
    """TP-MTI as seen from the side that decodes (TS 23.040 9.2.3.1)."""

    DELIVER = "deliver"
    SUBMIT = "submit"
    STATUS_REPORT = "status-report"


@dataclass(frozen=True)
class UdhElement:
    """One user data header information element, kept raw."""

    iei: int
    data: bytes


@dataclass(frozen=True)
class DecodedPdu:
    """Every field ``gsmgateway pdu decode`` prints (see DESIGN.md); absent ones are None."""

    type: PduType
    smsc: str | None
    sender: str | None  # deliver
    recipient: str | None  # submit, status report
    text: str | None  # None for 8-bit data
    data: bytes | None  # 8-bit user data
    encoding: Encoding
    concat: Concat | None
    national: tuple[str | None, str | None] | None  # (locking, single) language codes
    udh: tuple[UdhElement, ...]
    scts: datetime | None
    discharge_time: datetime | None
    status: int | None  # TP-ST, status reports
    mr: int | None  # TP-MR, submit and status reports
    srr: bool
    validity_minutes: int | None
    flash: bool
    tpdu_length: int

    def to_json(self) -> dict[str, object]:
        """The JSON object of the ``pdu decode`` contract."""
        raise NotImplementedError


def decode_pdu(pdu: str | bytes, *, smsc: bool | None = None) -> DecodedPdu:
    """Decode a PDU (hex or bytes); smsc None = detect whether an SMSC prefix is present.

    Raises PduDecodeError (and nothing else) on malformed input.
    """
    raise NotImplementedError
