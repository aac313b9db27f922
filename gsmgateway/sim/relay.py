"""What the virtual SMSC does to a TPDU (TS 23.040 9.2.2): SMS-SUBMIT in, SMS-DELIVER out.

A real SMSC relays TP-PID, TP-DCS and TP-UD (user data header included) untouched
and only rewrites the envelope: first octet, originating address and service centre
time stamp. So does this, on bytes, which keeps concatenation, national language
shift and port headers, and 8-bit data, exactly as the sender's PDU had them. The
meaning of the PDU (text, concatenation) is read with ``sms.decode_pdu`` elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from gsmgateway.sim.errors import MalformedSubmit


@dataclass(frozen=True)
class SubmitLayout:
    """The fields of an SMS-SUBMIT the relay needs, as raw octets."""

    first_octet: int
    mr: int
    destination: bytes  # TP-DA: length, type, semi-octets
    pid: int
    dcs: int
    user_data: bytes  # TP-UDL then TP-UD

    @property
    def status_report_requested(self) -> bool:
        """TP-SRR (bit 5 of the first octet)."""
        return bool(self.first_octet & 0x20)


def split_smsc(pdu: bytes) -> tuple[bytes, bytes]:
    """(SMSC address field, TPDU) of a PDU that starts with its SMSC length octet."""
    if not pdu:
        raise MalformedSubmit("empty PDU")
    end = 1 + pdu[0]
    if end > len(pdu):
        raise MalformedSubmit("SMSC address longer than the PDU")
    return pdu[:end], pdu[end:]


def parse_submit(tpdu: bytes) -> SubmitLayout:
    """The layout of an SMS-SUBMIT TPDU (TS 23.040 9.2.2.2)."""
    try:
        first = tpdu[0]
        if first & 0x03 != 0x01:
            raise MalformedSubmit(f"TP-MTI {first & 3} is not SMS-SUBMIT")
        digits = tpdu[2]
        da_end = 4 + (digits + 1) // 2
        destination = tpdu[2:da_end]
        pid, dcs = tpdu[da_end], tpdu[da_end + 1]
        vp_length = {0: 0, 2: 1, 1: 7, 3: 7}[(first >> 3) & 3]  # TP-VPF, 9.2.3.3
        ud_start = da_end + 2 + vp_length
        user_data = tpdu[ud_start:]
        if not user_data or len(destination) != 2 + (digits + 1) // 2:
            raise MalformedSubmit("SMS-SUBMIT ends before its user data")
    except IndexError:
        raise MalformedSubmit("SMS-SUBMIT too short") from None
    return SubmitLayout(first, tpdu[1], destination, pid, dcs, user_data)


def encode_number(number: str) -> bytes:
    """An address field (TS 23.040 9.1.2.5) for a digits-only number, ``+`` = international."""
    international = number.startswith("+")
    digits = number.lstrip("+")
    if not digits.isdigit():
        raise ValueError(f"{number!r} is not a number of digits")
    padded = digits + ("F" if len(digits) % 2 else "")
    swapped = "".join(padded[i + 1] + padded[i] for i in range(0, len(padded), 2))
    return bytes([len(digits), 0x91 if international else 0x81]) + bytes.fromhex(swapped)


def encode_timestamp(moment: datetime) -> bytes:
    """TP-SCTS (TS 23.040 9.2.3.11): semi-octets, time zone in quarter hours."""
    offset = moment.utcoffset() or timedelta(0)
    quarters = int(abs(offset.total_seconds()) // 900)
    fields = [moment.year % 100, moment.month, moment.day, moment.hour, moment.minute]
    fields += [moment.second, quarters]
    out = bytearray()
    for value in fields:
        out.append(((value % 10) << 4) | (value // 10))
    if offset < timedelta(0):
        out[-1] |= 0x08
    return bytes(out)


def deliver_from_submit(
    layout: SubmitLayout, sender: str, scts: datetime, smsc: bytes = b"\x00"
) -> bytes:
    """The SMS-DELIVER (with SMSC field) that the recipient of ``layout`` receives."""
    # TP-MTI 00, TP-MMS 1 (no more messages), TP-UDHI and TP-RP kept from the submit.
    first = 0x04 | (layout.first_octet & 0xC0)
    return (
        smsc
        + bytes([first])
        + encode_number(sender)
        + bytes([layout.pid, layout.dcs])
        + encode_timestamp(scts)
        + layout.user_data
    )


def message_class(dcs: int) -> int | None:
    """The message class of a TP-DCS (TS 23.038 4), None when it has none."""
    group = dcs >> 4
    if group in (0, 1, 2, 3):  # general data coding, bit 4 says whether a class is given
        return dcs & 0x03 if dcs & 0x10 else None
    if group == 0xF:
        return dcs & 0x03
    return None


def deliver_dcs(deliver_tpdu: bytes) -> int:
    """TP-DCS of an SMS-DELIVER TPDU."""
    oa_end = 3 + (deliver_tpdu[1] + 1) // 2
    return deliver_tpdu[oa_end + 1]


def smsc_field(number: str | None) -> bytes:
    """The SMSC address field that opens a PDU (TS 24.011 8.2.5.1): length in octets."""
    if not number:
        return b"\x00"
    address = encode_number(number)
    return bytes([len(address) - 1]) + address[1:]


def replace_destination(pdu: bytes, number: str) -> bytes:
    """The same SMS-SUBMIT (with SMSC field) sent to ``number`` instead (AT+CMSS <da>)."""
    smsc, tpdu = split_smsc(pdu)
    parse_submit(tpdu)
    da_end = 4 + (tpdu[2] + 1) // 2
    return smsc + tpdu[:2] + encode_number(number) + tpdu[da_end:]
