"""What a received PDU says: an SMS part, a status report, or something undecodable.

Thin: the codec (``gsmgateway.sms.pdu.decode_pdu``) does the decoding; this picks what
the pool needs from it, so nothing above ``modem/`` handles PDUs.
"""

from __future__ import annotations

from dataclasses import dataclass

from gsmgateway.modem.results import InboundPdu
from gsmgateway.sms.errors import PduDecodeError
from gsmgateway.sms.pdu import Concat, PduType, decode_pdu


@dataclass(frozen=True)
class ReceivedSms:
    """One received SMS-DELIVER part."""

    pdu_hex: str
    sender: str
    text: str  # 8-bit data: its hex, as the codec has no text for it
    concat: Concat | None
    scts: float | None  # the SMSC's timestamp, epoch seconds
    flash: bool = False


@dataclass(frozen=True)
class ReceivedReport:
    """One SMS-STATUS-REPORT: the TP-MR of the part it is about and its TP-ST."""

    pdu_hex: str
    mr: int
    status: int
    recipient: str | None


@dataclass(frozen=True)
class Undecodable:
    """A PDU the codec cannot read (kept in the log; removed so it cannot fill the SIM)."""

    pdu_hex: str
    reason: str


def decode_inbound(inbound: InboundPdu) -> ReceivedSms | ReceivedReport | Undecodable:
    """Decode a PDU the modem handed over (its SMSC field first)."""
    try:
        decoded = decode_pdu(inbound.pdu, smsc=True)
    except PduDecodeError as error:
        return Undecodable(inbound.pdu, str(error))
    if decoded.type is PduType.STATUS_REPORT:
        if decoded.mr is None or decoded.status is None:
            return Undecodable(inbound.pdu, "status report without TP-MR or TP-ST")
        return ReceivedReport(inbound.pdu, decoded.mr, decoded.status, decoded.recipient)
    if decoded.type is PduType.DELIVER:
        data_hex = (decoded.data or b"").hex().upper()
        text = decoded.text if decoded.text is not None else data_hex
        return ReceivedSms(
            pdu_hex=inbound.pdu,
            sender=decoded.sender or "",
            text=text,
            concat=decoded.concat,
            scts=decoded.scts.timestamp() if decoded.scts else None,
            flash=decoded.flash,
        )
    return Undecodable(inbound.pdu, f"unexpected {decoded.type.value} PDU")
