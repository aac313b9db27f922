"""SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT PDUs (TS 23.040 clause 9.2): encode and decode.

Interface stub: the signatures here are the contract between the codec's parts.
"""

from __future__ import annotations

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
