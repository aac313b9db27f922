"""SMS-SUBMIT, SMS-DELIVER and SMS-STATUS-REPORT PDUs (TS 23.040 9.2.2): encode and decode.

Encoding writes what a modem takes after ``AT+CMGS=<tpdu_length>`` (TS 27.005 3.5.1):
the SMSC field (``00``: the SIM's SMSC) then the TPDU, as upper-case hex. SUBMITs carry
TP-MR 0 unless told (the modem assigns the real one), PID 0, the general data coding
DCS (class 0 for flash), TP-VP relative when a validity is given, and a user data
header for concatenation and national language tables. ``Encoding.DATA8`` takes a text
of characters U+0000..U+00FF, one octet each (what a text-mode TE hands over for 8-bit
data); the planner never chooses it.

Decoding takes hex text or raw octets, with or without the SMSC field. Rules:
- Every malformed input raises PduDecodeError with the octet offset (in the input) where
  decoding failed, and nothing else: truncation, length fields that point past the end,
  octets left over after the user data, invalid semi-octets and BCD digits, reserved
  message types. The one leniency is UCS-2 user data of an odd length (a sender's
  bug): its last octet decodes as U+FFFD instead of losing the message.
- ``smsc=None`` detects the SMSC field. Both readings are tried, and since a reading
  succeeds only when it consumes the input exactly, whichever succeeds is the one the
  octets fit; when both fit (a rare coincidence) the one with the SMSC field wins, as
  that is what ``+CMGR``, ``+CMGL``, ``+CMT``, ``+CDS`` and ``AT+CMGS`` carry. When
  neither fits, the error of the reading that got further is raised.
- TP-MTI is read as seen by the side that decodes: 00 DELIVER, 01 SUBMIT, 10 STATUS-REPORT
  (SMS-COMMAND shares 10 in the other direction and is not supported); 11 is reserved
  and an error.
- UCS-2 user data keeps an unpaired surrogate (``surrogatepass``): a sender that split
  a pair across two parts gets it whole again when the parts are joined.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from gsmgateway.sms.address import (
    decode_address,
    decode_smsc,
    encode_destination,
    encode_originator,
    encode_smsc,
)
from gsmgateway.sms.alphabet import gsm7_alphabet
from gsmgateway.sms.dcs import DataCoding, Encoding, MessageWaiting, decode_dcs, encode_dcs
from gsmgateway.sms.errors import EncodeError, PduDecodeError
from gsmgateway.sms.plan import TextPlan
from gsmgateway.sms.septets import (
    DEFAULT_CODEC,
    SeptetCodec,
    header_septets,
    pack_septets,
    septet_codec,
    unpack_septets,
)
from gsmgateway.sms.timestamp import (
    TIMESTAMP_OCTETS,
    decode_enhanced_validity,
    decode_relative_validity,
    decode_timestamp,
    encode_relative_validity,
    encode_timestamp,
)
from gsmgateway.sms.udh import (
    Concat,
    UdhElement,
    UserDataHeader,
    build_udh,
    concat_ie,
    parse_udh,
)

__all__ = [
    "Concat",
    "DecodedPdu",
    "PduType",
    "SubmitPdu",
    "UdhElement",
    "decode_pdu",
    "encode_deliver",
    "encode_message",
    "encode_status_report",
    "encode_submit",
]

MAX_USER_DATA_OCTETS = 140
MAX_USER_DATA_SEPTETS = 160

# First octet (TS 23.040 9.2.3.1, 9.2.3.2, 9.2.3.3, 9.2.3.5, 9.2.3.23, 9.2.3.26).
_MTI_DELIVER = 0x00
_MTI_SUBMIT = 0x01
_MTI_STATUS_REPORT = 0x02
_MMS_NO_MORE = 0x04  # DELIVER / STATUS-REPORT: no more messages waiting
_VPF_RELATIVE = 0x10
_SRR = 0x20  # SUBMIT: status report request; DELIVER: indication; STATUS-REPORT: qualifier
_UDHI = 0x40

_NO_SMSC = "00"
_new_object = object.__new__


@dataclass(frozen=True)
class SubmitPdu:
    """One SMS-SUBMIT as sent after ``AT+CMGS=<tpdu_length>``; ``hex`` starts with SMSC ``00``."""

    hex: str
    tpdu_length: int


def _unencodable(text: str, locking: str | None, single: str | None) -> EncodeError:
    try:
        gsm7_alphabet(locking, single).encode(text)
    except EncodeError as error:
        return error
    return EncodeError("text is not encodable in the GSM 7-bit alphabet")  # pragma: no cover


def _user_data(text: str, encoding: Encoding, codec: SeptetCodec, udh: bytes) -> tuple[int, bytes]:
    """(TP-UDL, TP-UD) of one segment's text behind ``udh``."""
    if encoding is Encoding.GSM7:
        septets = codec.to_septets(text)
        if septets is None:
            raise _unencodable(text, codec.locking, codec.single)
        head = header_septets(len(udh))
        udl = head + len(septets)
        if udl > MAX_USER_DATA_SEPTETS:
            raise EncodeError(
                f"text of {len(septets)} septets does not fit one segment: "
                f"{MAX_USER_DATA_SEPTETS - head} fit with a {len(udh)}-octet header"
            )
        fill = head * 7 - len(udh) * 8
        return udl, udh + pack_septets(septets, fill)
    if encoding is Encoding.UCS2:
        body = text.encode("utf-16-be", "surrogatepass")
    elif encoding is Encoding.DATA8:
        try:
            body = text.encode("latin-1")
        except UnicodeEncodeError as error:
            raise EncodeError(
                f"8-bit data is one octet per character; {text[error.start]!r} at position "
                f"{error.start} is above U+00FF",
                position=error.start,
            ) from None
    else:  # pragma: no cover - Encoding is closed
        raise EncodeError(f"unknown encoding {encoding!r}")
    udl = len(udh) + len(body)
    if udl > MAX_USER_DATA_OCTETS:
        raise EncodeError(
            f"text of {len(body)} octets does not fit one segment: "
            f"{MAX_USER_DATA_OCTETS - len(udh)} fit with a {len(udh)}-octet header"
        )
    return udl, udh + body


def _check_national(encoding: Encoding, locking: str | None, single: str | None) -> None:
    if (locking is not None or single is not None) and encoding is not Encoding.GSM7:
        raise EncodeError("national language tables apply to GSM 7-bit text only")


@lru_cache(maxsize=1024)
def _submit_head(
    destination: str,
    dcs: int,
    status_report: bool,
    validity_minutes: int | None,
    message_reference: int,
) -> tuple[int, bytes]:
    """(first octet without UDHI, TP-MR .. TP-VP) of a SUBMIT."""
    if not 0 <= message_reference <= 255:
        raise EncodeError(f"TP-MR {message_reference} is not 0..255")
    first = _MTI_SUBMIT | (_SRR if status_report else 0)
    tail = bytes((0x00, dcs))  # TP-PID 0: plain short message (9.2.3.9)
    if validity_minutes is not None:
        first |= _VPF_RELATIVE
        tail += bytes((encode_relative_validity(validity_minutes),))
    return first, bytes((message_reference,)) + encode_destination(destination) + tail


def _tpdu(first: int, head: bytes, udl: int, ud: bytes, has_udh: bool) -> bytes:
    return bytes((first | _UDHI if has_udh else first,)) + head + bytes((udl,)) + ud


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
    """Encode one segment's text as an SMS-SUBMIT (EncodeError if it does not fit one)."""
    _check_national(encoding, locking, single)
    first, head = _submit_head(
        destination,
        encode_dcs(encoding, flash=flash),
        status_report,
        validity_minutes,
        message_reference,
    )
    udh = build_udh(concat, locking, single)
    udl, ud = _user_data(text, encoding, septet_codec(locking, single), udh)
    tpdu = _tpdu(first, head, udl, ud, bool(udh))
    return SubmitPdu(_NO_SMSC + tpdu.hex().upper(), len(tpdu))


def encode_message(
    destination: str,
    plan: TextPlan,
    *,
    concat_ref: int | None,
    status_report: bool = False,
    flash: bool = False,
    validity_minutes: int | None = None,
) -> list[SubmitPdu]:
    """The SUBMITs of every segment of a plan; a concatenation header only for 2+ segments."""
    segments = plan.segments
    total = len(segments)
    _check_national(plan.encoding, plan.locking, plan.single)
    first, head = _submit_head(
        destination, encode_dcs(plan.encoding, flash=flash), status_report, validity_minutes, 0
    )
    codec = septet_codec(plan.locking, plan.single)
    national_ies = build_udh(None, plan.locking, plan.single)[1:]
    if total == 1:
        udh = bytes((len(national_ies),)) + national_ies if national_ies else b""
        udl, ud = _user_data(segments[0], plan.encoding, codec, udh)
        tpdu = _tpdu(first, head, udl, ud, bool(udh))
        return [SubmitPdu(_NO_SMSC + tpdu.hex().upper(), len(tpdu))]
    if concat_ref is None:
        raise EncodeError(f"a message of {total} segments needs a concatenation reference")
    Concat(concat_ref, total, total, plan.ref_bits)  # checks the reference and the total
    # The header of part ``seq`` is ``prefix`` + seq + national IEs.
    prefix = concat_ie(Concat(concat_ref, total, 1, plan.ref_bits))[:-1]
    udh_length = len(prefix) + 2 + len(national_ies)
    prefix = bytes((udh_length - 1,)) + prefix
    first_octet = bytes((first | _UDHI,))
    out = []
    if plan.encoding is not Encoding.GSM7:
        for seq, segment in enumerate(segments, start=1):
            udl, ud = _user_data(
                segment, plan.encoding, codec, prefix + bytes((seq,)) + national_ies
            )
            tpdu = first_octet + head + bytes((udl,)) + ud
            out.append(SubmitPdu(_NO_SMSC + tpdu.hex().upper(), len(tpdu)))
        return out
    # GSM 7-bit, the common case, inline: every part has the same header length.
    head_septets = header_septets(udh_length)
    fill = head_septets * 7 - udh_length * 8
    room = MAX_USER_DATA_SEPTETS - head_septets
    for seq, segment in enumerate(segments, start=1):
        septets = codec.to_septets(segment)
        if septets is None:
            raise _unencodable(segment, plan.locking, plan.single)
        if len(septets) > room:
            raise EncodeError(
                f"segment {seq} of {len(septets)} septets does not fit: {room} fit with a "
                f"{udh_length}-octet header"
            )
        tpdu = b"".join(
            (
                first_octet,
                head,
                bytes((head_septets + len(septets),)),
                prefix,
                bytes((seq,)),
                national_ies,
                pack_septets(septets, fill),
            )
        )
        out.append(SubmitPdu(_NO_SMSC + tpdu.hex().upper(), len(tpdu)))
    return out


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
    _check_national(encoding, locking, single)
    udh = build_udh(concat, locking, single)
    udl, ud = _user_data(text, encoding, septet_codec(locking, single), udh)
    first = _MTI_DELIVER | _MMS_NO_MORE | (_SRR if status_report_indication else 0)
    head = (
        encode_originator(sender)
        + bytes((0x00, encode_dcs(encoding, flash=flash)))
        + encode_timestamp(scts)
    )
    return (encode_smsc(smsc) + _tpdu(first, head, udl, ud, bool(udh))).hex().upper()


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
    if not 0 <= mr <= 255:
        raise EncodeError(f"TP-MR {mr} is not 0..255")
    if not 0 <= status <= 255:
        raise EncodeError(f"TP-ST {status} is not 0..255")
    tpdu = (
        bytes((_MTI_STATUS_REPORT | _MMS_NO_MORE, mr))
        + encode_originator(recipient)
        + encode_timestamp(scts)
        + encode_timestamp(discharge_time)
        + bytes((status,))
    )
    return (encode_smsc(smsc) + tpdu).hex().upper()


class PduType(enum.Enum):
    """TP-MTI as seen from the side that decodes (TS 23.040 9.2.3.1)."""

    DELIVER = "deliver"
    SUBMIT = "submit"
    STATUS_REPORT = "status-report"


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


@dataclass(frozen=True)
class DecodedPdu:
    """Every field ``gsmgateway pdu decode`` prints (see DESIGN.md); absent ones are None."""

    type: PduType
    smsc: str | None
    sender: str | None  # deliver
    recipient: str | None  # submit, status report
    text: str | None  # None for 8-bit data
    data: bytes | None  # 8-bit (or compressed) user data
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
    pid: int = 0
    dcs: int = 0
    message_class: int | None = None
    compressed: bool = False  # TS 23.042 compressed user data: text None, data holds it
    waiting: MessageWaiting | None = None  # a message waiting indication in the DCS
    validity_until: datetime | None = None  # TP-VP in the absolute format

    def to_json(self) -> dict[str, object]:
        """The JSON object of the ``pdu decode`` contract."""
        out: dict[str, object] = {"type": self.type.value, "smsc": self.smsc}
        if self.type is PduType.DELIVER:
            out["sender"] = self.sender
        else:
            out["recipient"] = self.recipient
        concat = self.concat
        national = self.national
        out.update(
            {
                "text": self.text,
                "data_hex": self.data.hex().upper() if self.data is not None else None,
                "encoding": self.encoding.value,
                "concat": None
                if concat is None
                else {
                    "ref": concat.ref,
                    "total": concat.total,
                    "seq": concat.seq,
                    "ref_bits": concat.ref_bits,
                },
                "national": None
                if national is None
                else {"locking": national[0], "single": national[1]},
                "udh": [{"iei": e.iei, "data_hex": e.data.hex().upper()} for e in self.udh],
                "scts": _iso(self.scts),
                "discharge_time": _iso(self.discharge_time),
                "status": self.status,
                "mr": self.mr,
                "srr": self.srr,
                "validity_minutes": self.validity_minutes,
                "flash": self.flash,
                "compressed": self.compressed,
            }
        )
        return out


def _parse_hex_slowly(pdu: str) -> bytes:
    """Octets of hex that bytes.fromhex refused: whitespace inside an octet, or an error."""
    compact = "".join(pdu.split())
    if len(compact) & 1:
        raise PduDecodeError(f"odd number of hex digits ({len(compact)})", octet=len(compact) // 2)
    try:
        return bytes.fromhex(compact)
    except ValueError:
        index = next(i for i, char in enumerate(compact) if char not in "0123456789abcdefABCDEF")
        raise PduDecodeError(f"{compact[index]!r} is not a hex digit", octet=index // 2) from None


def _octets(pdu: str | bytes) -> bytes:
    if isinstance(pdu, bytes | bytearray | memoryview):
        data = bytes(pdu)
    elif isinstance(pdu, str):
        try:
            data = bytes.fromhex(pdu)
        except ValueError:
            data = _parse_hex_slowly(pdu)
    else:
        raise PduDecodeError(f"a PDU is hex text or bytes, not {type(pdu).__name__}", octet=0)
    if not data:
        raise PduDecodeError("empty PDU", octet=0)
    return data


def _ucs2(body: bytes) -> str:
    if len(body) & 1:
        return body[:-1].decode("utf-16-be", "surrogatepass") + "\ufffd"
    return body.decode("utf-16-be", "surrogatepass")


# (text, 8-bit data, header) of a PDU's user data.
_UserData = tuple[str | None, bytes | None, UserDataHeader | None]

_NO_HEADER_ELEMENTS: tuple[UdhElement, ...] = ()


def _decode_user_data(data: bytes, offset: int, udhi: bool, coding: DataCoding) -> _UserData:
    """TP-UDL and TP-UD at ``offset``, which must end the PDU exactly."""
    if offset >= len(data):
        raise PduDecodeError("truncated: no user data length", octet=offset)
    udl = data[offset]
    start = offset + 1
    in_septets = coding.encoding is Encoding.GSM7 and not coding.compressed
    if in_septets:
        if udl > MAX_USER_DATA_SEPTETS:
            raise PduDecodeError(
                f"user data length {udl} is more than {MAX_USER_DATA_SEPTETS} septets",
                octet=offset,
            )
        octets = (udl * 7 + 7) >> 3
    else:
        if udl > MAX_USER_DATA_OCTETS:
            raise PduDecodeError(
                f"user data length {udl} is more than {MAX_USER_DATA_OCTETS} octets",
                octet=offset,
            )
        octets = udl
    end = start + octets
    if end > len(data):
        raise PduDecodeError(
            f"user data length {udl} needs {octets} octets, the PDU has {len(data) - start}",
            octet=offset,
        )
    if end < len(data):
        raise PduDecodeError(
            f"{_octets_word(len(data) - end)} after the end of the user data", octet=end
        )
    header = None
    body = start
    if udhi:
        if not octets:
            raise PduDecodeError(
                "user data header indicated but the user data is empty", octet=offset
            )
        body = start + 1 + data[start]
        if body > end:
            raise PduDecodeError(
                f"user data header length {data[start]} runs past the user data", octet=start
            )
        header = parse_udh(data, start + 1, body)
    if in_septets:
        head = header_septets(body - start) if udhi else 0
        if head > udl:
            raise PduDecodeError(
                f"user data length {udl} septets is shorter than its header", octet=offset
            )
        codec = DEFAULT_CODEC
        if header is not None and (header.locking is not None or header.single is not None):
            codec = septet_codec(header.locking, header.single)
        fill = head * 7 - (body - start) * 8
        septets = unpack_septets(data[body:end], udl - head, fill)
        return codec.decode(septets), None, header
    payload = data[body:end]
    if coding.compressed or coding.encoding is Encoding.DATA8:
        return None, payload, header
    return _ucs2(payload), None, header


def _octets_word(count: int) -> str:
    return f"{count} octet" if count == 1 else f"{count} octets"


def _need(data: bytes, offset: int, count: int, what: str) -> None:
    if offset + count > len(data):
        raise PduDecodeError(f"truncated: no {what}", octet=offset)


def _decoded(
    kind: PduType,
    smsc: str | None,
    coding: DataCoding,
    user_data: _UserData | None,
    tpdu_length: int,
    *,
    sender: str | None = None,
    recipient: str | None = None,
    scts: datetime | None = None,
    discharge_time: datetime | None = None,
    status: int | None = None,
    mr: int | None = None,
    srr: bool = False,
    validity_minutes: int | None = None,
    pid: int = 0,
    validity_until: datetime | None = None,
) -> DecodedPdu:
    text, payload, header = user_data if user_data is not None else (None, None, None)
    national = None
    if header is not None and (header.locking is not None or header.single is not None):
        national = (header.locking, header.single)
    fields = {
        "type": kind,
        "smsc": smsc,
        "sender": sender,
        "recipient": recipient,
        "text": text,
        "data": payload,
        "encoding": coding.encoding,
        "concat": header.concat if header is not None else None,
        "national": national,
        "udh": header.elements if header is not None else _NO_HEADER_ELEMENTS,
        "scts": scts,
        "discharge_time": discharge_time,
        "status": status,
        "mr": mr,
        "srr": srr,
        "validity_minutes": validity_minutes,
        "flash": coding.flash,
        "tpdu_length": tpdu_length,
        "pid": pid,
        "dcs": coding.value,
        "message_class": coding.message_class,
        "compressed": coding.compressed,
        "waiting": coding.waiting,
        "validity_until": validity_until,
    }
    # The instance is filled as pickle and copy fill one, bypassing the generated
    # __init__: its 24 object.__setattr__ calls cost as much as decoding a short PDU.
    decoded = _new_object(DecodedPdu)
    object.__setattr__(decoded, "__dict__", fields)
    return decoded


def _decode_deliver(data: bytes, start: int, smsc: str | None) -> DecodedPdu:
    first = data[start]
    sender, _toa, offset = decode_address(data, start + 1, "originating address")
    _need(data, offset, 2, "protocol identifier and data coding scheme")
    pid, coding = data[offset], decode_dcs(data[offset + 1])
    scts = decode_timestamp(data, offset + 2, "service centre time stamp")
    user_data = _decode_user_data(data, offset + 2 + TIMESTAMP_OCTETS, bool(first & _UDHI), coding)
    return _decoded(
        PduType.DELIVER,
        smsc,
        coding,
        user_data,
        len(data) - start,
        sender=sender,
        scts=scts,
        srr=bool(first & _SRR),
        pid=pid,
    )


def _decode_submit(data: bytes, start: int, smsc: str | None) -> DecodedPdu:
    first = data[start]
    _need(data, start + 1, 1, "message reference")
    mr = data[start + 1]
    recipient, _toa, offset = decode_address(data, start + 2, "destination address")
    _need(data, offset, 2, "protocol identifier and data coding scheme")
    pid, coding = data[offset], decode_dcs(data[offset + 1])
    offset += 2
    validity_minutes = None
    validity_until = None
    form = (first >> 3) & 3  # TP-VPF (9.2.3.3)
    if form == 2:
        _need(data, offset, 1, "validity period")
        validity_minutes = decode_relative_validity(data[offset])
        offset += 1
    elif form == 1:
        _need(data, offset, 7, "enhanced validity period")
        validity_minutes = decode_enhanced_validity(data, offset)
        offset += 7
    elif form == 3:
        validity_until = decode_timestamp(data, offset, "validity period")
        offset += TIMESTAMP_OCTETS
    user_data = _decode_user_data(data, offset, bool(first & _UDHI), coding)
    return _decoded(
        PduType.SUBMIT,
        smsc,
        coding,
        user_data,
        len(data) - start,
        recipient=recipient,
        mr=mr,
        srr=bool(first & _SRR),
        validity_minutes=validity_minutes,
        pid=pid,
        validity_until=validity_until,
    )


def _decode_status_report(data: bytes, start: int, smsc: str | None) -> DecodedPdu:
    first = data[start]
    _need(data, start + 1, 1, "message reference")
    mr = data[start + 1]
    recipient, _toa, offset = decode_address(data, start + 2, "recipient address")
    scts = decode_timestamp(data, offset, "service centre time stamp")
    discharge = decode_timestamp(data, offset + TIMESTAMP_OCTETS, "discharge time")
    offset += 2 * TIMESTAMP_OCTETS
    _need(data, offset, 1, "status")
    status = data[offset]
    offset += 1
    pid = 0
    coding = decode_dcs(0)
    user_data = None
    if offset < len(data):
        # TP-PI (9.2.3.27): bit 0 TP-PID, bit 1 TP-DCS, bit 2 TP-UDL follow; bit 7 set
        # means another TP-PI octet follows.
        indicator = data[offset]
        offset += 1
        extension = indicator
        while extension & 0x80:
            _need(data, offset, 1, "parameter indicator extension")
            extension = data[offset]
            offset += 1
        if indicator & 0x01:
            _need(data, offset, 1, "protocol identifier")
            pid = data[offset]
            offset += 1
        if indicator & 0x02:
            _need(data, offset, 1, "data coding scheme")
            coding = decode_dcs(data[offset])
            offset += 1
        if indicator & 0x04:
            user_data = _decode_user_data(data, offset, bool(first & _UDHI), coding)
        elif offset < len(data):
            raise PduDecodeError(
                f"{_octets_word(len(data) - offset)} after the end of the status report",
                octet=offset,
            )
    return _decoded(
        PduType.STATUS_REPORT,
        smsc,
        coding,
        user_data,
        len(data) - start,
        recipient=recipient,
        scts=scts,
        discharge_time=discharge,
        status=status,
        mr=mr,
        pid=pid,
    )


_DECODERS = {
    _MTI_DELIVER: _decode_deliver,
    _MTI_SUBMIT: _decode_submit,
    _MTI_STATUS_REPORT: _decode_status_report,
}


def _decode_tpdu(data: bytes, start: int, smsc: str | None) -> DecodedPdu:
    if start >= len(data):
        raise PduDecodeError("no TPDU after the SMSC address", octet=start)
    decoder = _DECODERS.get(data[start] & 0x03)
    if decoder is None:
        raise PduDecodeError("reserved message type indicator 11", octet=start)
    return decoder(data, start, smsc)


def _decode_with_smsc(data: bytes) -> DecodedPdu:
    smsc, start = decode_smsc(data)
    return _decode_tpdu(data, start, smsc)


def decode_pdu(pdu: str | bytes, *, smsc: bool | None = None) -> DecodedPdu:
    """Decode a PDU (hex or bytes); smsc None = detect whether an SMSC prefix is present.

    Raises PduDecodeError (and nothing else) on malformed input.
    """
    data = _octets(pdu)
    if smsc is True:
        return _decode_with_smsc(data)
    if smsc is False:
        return _decode_tpdu(data, 0, None)
    try:
        return _decode_with_smsc(data)
    except PduDecodeError as with_smsc:
        try:
            return _decode_tpdu(data, 0, None)
        except PduDecodeError as without_smsc:
            if (without_smsc.octet or 0) > (with_smsc.octet or 0):
                raise without_smsc from None
            raise with_smsc from None
