"""Text-mode (AT+CMGF=1) renderings of stored and routed messages (TS 27.005 3.1, 3.4, 4).

In text mode the modem decodes the PDU for the TE: addresses and GSM 7-bit text in
the AT+CSCS character set, 8-bit and UCS2 user data as hex (27.005 3.1 <data>), time
stamps as ``"yy/MM/dd,hh:mm:ss±zz"`` (zz in quarter hours). AT+CSDH=1 adds the header
details of each form.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from gsmgateway.sim import charsets
from gsmgateway.sim.storage import MessageKind, StoredMessage

if TYPE_CHECKING:
    from gsmgateway.sim.model import Settings
    from gsmgateway.sms.pdu import DecodedPdu


def _decode(message: StoredMessage) -> DecodedPdu:
    from gsmgateway.sms.pdu import decode_pdu

    return decode_pdu(message.pdu, smsc=True)


def stamp(moment: datetime | None) -> str:
    """A text-mode time stamp (TS 27.005 3.1 <scts>, <dt>)."""
    if moment is None:
        return ""
    offset = moment.utcoffset() or timedelta(0)
    quarters = int(offset.total_seconds() // 900)
    sign = "-" if quarters < 0 else "+"
    return moment.strftime("%y/%m/%d,%H:%M:%S") + f"{sign}{abs(quarters):02d}"


def address_type(address: str | None) -> int:
    """<tooa>/<tora>: 145 international, 208 alphanumeric, 129 unknown (TS 24.008 10.5.4.7)."""
    if not address:
        return 129
    if address.startswith("+"):
        return 145
    return 129 if address.isdigit() else 208


def _data(decoded: DecodedPdu, settings: Settings) -> str:
    from gsmgateway.sms.dcs import Encoding

    if decoded.encoding is Encoding.GSM7 and decoded.text is not None:
        return charsets.encode_te(decoded.text, settings.cscs)
    if decoded.encoding is Encoding.UCS2 and decoded.text is not None:
        return decoded.text.encode("utf-16-be").hex().upper()
    return (decoded.data or b"").hex().upper()


def _report_fields(decoded: DecodedPdu, settings: Settings) -> str:
    recipient = decoded.recipient or ""
    ra = charsets.encode_te(recipient, settings.cscs)
    return (
        f'6,{decoded.mr},"{ra}",{address_type(recipient)},'
        f'"{stamp(decoded.scts)}","{stamp(decoded.discharge_time)}",{decoded.status}'
    )


def list_lines(index: int, message: StoredMessage, settings: Settings) -> list[str]:
    """The +CMGL entry of one message."""
    decoded = _decode(message)
    stat = f'"{message.status.text}"'
    if message.kind is MessageKind.STATUS_REPORT:
        return [f"+CMGL: {index},{stat},{_report_fields(decoded, settings)}"]
    if message.kind is MessageKind.SUBMIT:
        da = charsets.encode_te(decoded.recipient or "", settings.cscs)
        return [f'+CMGL: {index},{stat},"{da}",', _data(decoded, settings)]
    sender = decoded.sender or ""
    oa = charsets.encode_te(sender, settings.cscs)
    header = f'+CMGL: {index},{stat},"{oa}",,"{stamp(decoded.scts)}"'
    data = _data(decoded, settings)
    if settings.csdh:
        length = len(decoded.text) if decoded.text is not None else len(decoded.data or b"")
        header += f",{address_type(sender)},{length}"
    return [header, data]


def read_lines(message: StoredMessage, settings: Settings) -> list[str]:
    """The +CMGR answer for one message."""
    decoded = _decode(message)
    stat = f'"{message.status.text}"'
    if message.kind is MessageKind.STATUS_REPORT:
        return [f"+CMGR: {stat},{_report_fields(decoded, settings)}"]
    if message.kind is MessageKind.SUBMIT:
        da = charsets.encode_te(decoded.recipient or "", settings.cscs)
        return [f'+CMGR: {stat},"{da}",', _data(decoded, settings)]
    fields = _deliver_fields(decoded, message, settings)
    return [f"+CMGR: {stat},{fields}", _data(decoded, settings)]


def routed_lines(message: StoredMessage, settings: Settings) -> list[str]:
    """The +CMT / +CDS URC for a routed message."""
    decoded = _decode(message)
    if message.kind is MessageKind.STATUS_REPORT:
        return [f"+CDS: {_report_fields(decoded, settings)}"]
    return [f"+CMT: {_deliver_fields(decoded, message, settings)}", _data(decoded, settings)]


def _deliver_fields(decoded: DecodedPdu, message: StoredMessage, settings: Settings) -> str:
    sender = decoded.sender or ""
    oa = charsets.encode_te(sender, settings.cscs)
    fields = f'"{oa}",,"{stamp(decoded.scts)}"'
    if settings.csdh:
        smsc = decoded.smsc or ""
        fo = int(message.pdu[2 + 2 * int(message.pdu[:2], 16) :][:2], 16)
        dcs = {"gsm7": 0, "8bit": 4, "ucs2": 8}[decoded.encoding.value]
        length = len(decoded.text or "") if decoded.text is not None else len(decoded.data or b"")
        fields += (
            f',{address_type(sender)},{fo},0,{dcs},"{charsets.encode_te(smsc, settings.cscs)}",'
            f"{address_type(smsc)},{length}"
        )
    return fields
