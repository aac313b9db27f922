"""Inbound SMS made to order: the SMS-DELIVER PDUs of a text (or data) from any sender.

Text goes through the codec's own planning and DELIVER encoder (``sms.plan_text``,
``sms.encode_deliver``), so what a modem receives is what a real SMSC would send for
that text. 8-bit data has no text to plan: it is split into 134-octet parts (140 less
a 6-octet concatenation header, TS 23.040 9.2.3.24.1) and framed here, reusing the
originating address the codec encodes for the sender.
"""

from __future__ import annotations

from datetime import datetime

from gsmgateway.sim.errors import InvalidRequest
from gsmgateway.sim.relay import encode_timestamp, smsc_field

MAX_8BIT_SINGLE = 140
ENCODINGS = ("auto", "gsm7", "ucs2", "8bit")


def _originating_address(sender: str, scts: datetime) -> bytes:
    from gsmgateway.sms.dcs import Encoding
    from gsmgateway.sms.pdu import encode_deliver

    probe = bytes.fromhex(encode_deliver(sender, text="", encoding=Encoding.GSM7, scts=scts))
    tpdu = probe[1 + probe[0] :]
    return tpdu[1 : 3 + (tpdu[1] + 1) // 2]


def _data_delivers(
    sender: str, data: bytes, *, ref: int, ref_bits: int, flash: bool, smsc: str, scts: datetime
) -> list[str]:
    oa = _originating_address(sender, scts)
    dcs = 0xF4 if flash else 0x04  # TS 23.038 4: 8-bit data; 0xF4 = 8-bit, class 0 (flash)
    header_size = 6 if ref_bits == 8 else 7
    chunk = MAX_8BIT_SINGLE if len(data) <= MAX_8BIT_SINGLE else MAX_8BIT_SINGLE - header_size
    parts = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [b""]
    out = []
    for seq, part in enumerate(parts, start=1):
        udh = b""
        if len(parts) > 1:
            if ref_bits == 8:  # IEI 00: 8-bit reference (TS 23.040 9.2.3.24.1)
                udh = bytes([5, 0x00, 3, ref & 0xFF, len(parts), seq])
            else:  # IEI 08: 16-bit reference (9.2.3.24.8)
                udh = bytes([6, 0x08, 4, ref >> 8, ref & 0xFF, len(parts), seq])
        first = 0x04 | (0x40 if udh else 0)
        user_data = udh + part
        pdu = (
            smsc_field(smsc)
            + bytes([first])
            + oa
            + bytes([0x00, dcs])
            + encode_timestamp(scts)
            + bytes([len(user_data)])
            + user_data
        )
        out.append(pdu.hex().upper())
    return out


def build_delivers(
    *,
    sender: str,
    text: str,
    encoding: str,
    data: bytes | None,
    ref: int,
    ref_bits: int,
    flash: bool,
    smsc: str,
    scts: datetime,
) -> list[str]:
    """The DELIVER PDUs (hex, SMSC field first) of one inbound message, in part order."""
    from gsmgateway.sms.errors import SmsError
    from gsmgateway.sms.pdu import Concat, encode_deliver
    from gsmgateway.sms.plan import EncodingRequest, plan_text

    if encoding not in ENCODINGS:
        raise InvalidRequest(f"encoding {encoding!r} is not one of {', '.join(ENCODINGS)}")
    if ref_bits not in (8, 16):
        raise InvalidRequest("ref_bits is 8 or 16")
    if not sender:
        raise InvalidRequest("a sender is needed")
    if data is not None or encoding == "8bit":
        payload = data if data is not None else text.encode("utf-8")
        return _data_delivers(
            sender, payload, ref=ref, ref_bits=ref_bits, flash=flash, smsc=smsc, scts=scts
        )
    try:
        plan = plan_text(text, encoding=EncodingRequest(encoding), ref_bits=ref_bits)
    except SmsError as error:
        raise InvalidRequest(f"text cannot be sent: {error}") from error
    total = len(plan.segments)
    pdus = []
    for seq, segment in enumerate(plan.segments, start=1):
        concat = Concat(ref=ref, total=total, seq=seq, ref_bits=ref_bits) if total > 1 else None
        try:
            pdu = encode_deliver(
                sender,
                text=segment,
                encoding=plan.encoding,
                scts=scts,
                locking=plan.locking,
                single=plan.single,
                concat=concat,
                flash=flash,
                smsc=smsc,
            )
        except SmsError as error:
            raise InvalidRequest(f"cannot encode a DELIVER from {sender!r}: {error}") from error
        pdus.append(pdu.upper())
    return pdus
