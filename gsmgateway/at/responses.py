"""Reading command answers into values: one parser per command the driver uses.

Each parser takes a ``Response`` (or ``LateResponse``) event, raises ``CommandFailed``
when the final result is an error, and ``ResponseParseError`` (carrying the line) when a
line is in no form it knows. Parsers accept the variants real modems send: spaces after colons and
commas, quotes present or not, optional fields missing, tags present or not on
identity answers, and text fields in the HEX or UCS2 character sets.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from gsmgateway.at.commands import REGISTRATION_TAGS
from gsmgateway.at.errors import CommandFailed, ResponseParseError
from gsmgateway.at.events import Answer
from gsmgateway.at.fields import (
    is_number,
    is_quoted,
    payload,
    split_fields,
    tag_of,
    to_hex_int,
    to_int,
    to_optional_int,
    unquote,
)


def ensure_ok(response: Answer) -> Answer:
    """The response itself if its final result is a success; raises CommandFailed otherwise."""
    if not response.ok:
        raise CommandFailed(response.command.line, response.final)
    return response


def _first_line(response: Answer, what: str) -> str:
    ensure_ok(response)
    if not response.lines:
        raise ResponseParseError(
            f"no {what} line in the answer to {response.command.line}", line=None
        )
    return response.lines[0]


def _tagged_fields(response: Answer, tag: str, what: str) -> tuple[str, tuple[str, ...]]:
    line = _first_line(response, what)
    return line, split_fields(payload(line, tag + ":"), line=line)


def decode_text(value: str, charset: str) -> str:
    """A text field as sent under AT+CSCS=<charset> (TS 27.007 5.5) decoded to a str."""
    name = charset.upper()
    if name not in ("HEX", "UCS2"):
        return value
    try:
        raw = bytes.fromhex(value)
        return raw.decode("utf-16-be") if name == "UCS2" else raw.decode("latin-1")
    except ValueError:
        raise ResponseParseError(f"text is not valid {name}", line=value) from None


# --- SIM --------------------------------------------------------------------------------


class PinState(enum.Enum):
    """``+CPIN: <code>`` (TS 27.007 8.3), plus the SIM-absent forms vendors use."""

    READY = "READY"
    SIM_PIN = "SIM PIN"
    SIM_PUK = "SIM PUK"
    PH_SIM_PIN = "PH-SIM PIN"
    PH_FSIM_PIN = "PH-FSIM PIN"
    PH_FSIM_PUK = "PH-FSIM PUK"
    SIM_PIN2 = "SIM PIN2"
    SIM_PUK2 = "SIM PUK2"
    PH_NET_PIN = "PH-NET PIN"
    PH_NET_PUK = "PH-NET PUK"
    PH_NETSUB_PIN = "PH-NETSUB PIN"
    PH_NETSUB_PUK = "PH-NETSUB PUK"
    PH_SP_PIN = "PH-SP PIN"
    PH_SP_PUK = "PH-SP PUK"
    PH_CORP_PIN = "PH-CORP PIN"
    PH_CORP_PUK = "PH-CORP PUK"
    # SIM800 AT manual 19.3 and Quectel manuals: no SIM, or SIM still initialising.
    NOT_INSERTED = "NOT INSERTED"
    NOT_READY = "NOT READY"

    @property
    def needs_pin(self) -> bool:
        """True when the SIM waits for its PIN (which the config may hold)."""
        return self is PinState.SIM_PIN

    @property
    def locked(self) -> bool:
        """True when only an operator can unlock it (PUK or a personalisation code)."""
        return self not in (PinState.READY, PinState.SIM_PIN, PinState.NOT_READY)


def parse_pin(response: Answer) -> PinState:
    """``+CPIN: READY`` -> PinState.READY."""
    line = _first_line(response, "+CPIN")
    value = " ".join(unquote(payload(line, "+CPIN:")).upper().split())
    try:
        return PinState(value)
    except ValueError:
        raise ResponseParseError("unknown +CPIN code", line=line) from None


def parse_imsi(response: Answer) -> str:
    """``AT+CIMI`` -> the IMSI digits (TS 23.003 2.2: at most 15)."""
    value = _identity_value(response)
    if not is_number(value) or not 6 <= len(value) <= 15:
        raise ResponseParseError("IMSI must be 6 to 15 digits", line=response.lines[0])
    return value


_ICCID_RAW = re.compile(r"^[0-9Ff]+$")


def decode_iccid(raw: str, *, swapped: bool | None) -> str:
    """ICCID digits from a modem's raw form; ``swapped=None`` detects the nibble order.

    EF_ICCID is stored as BCD with the nibbles of each byte swapped and F padding (TS
    102 221 13.2), which is what ``AT+CRSM`` returns. ``AT^ICCID?`` is swapped on some
    Huawei firmware and not on others; every ICCID starts with the ISO/IEC 7812 major
    industry identifier 89, so a raw form starting with 98 is swapped. ModemManager
    applies the same test (``mm_3gpp_parse_iccid`` in src/mm-modem-helpers.c; its older
    plugins/huawei/mm-sim-huawei.c always swapped ^ICCID).
    """
    text = unquote(raw.strip()).strip().upper()
    if not _ICCID_RAW.match(text):
        raise ResponseParseError("ICCID must be digits (and F padding)", line=raw)
    if swapped is None:
        swapped = text.startswith("98")
    if swapped:
        if len(text) % 2:
            raise ResponseParseError("swapped ICCID must have whole bytes", line=raw)
        text = "".join(text[i + 1] + text[i] for i in range(0, len(text), 2))
    digits = text.rstrip("F")
    if not is_number(digits) or not 18 <= len(digits) <= 22:
        raise ResponseParseError("ICCID must be 18 to 22 digits", line=raw)
    return digits


# TS 102 221 10.2.1.1: 90 00 normal ending; 91 XX / 92 XX normal ending with extra info.
_SW1_OK = frozenset({0x90, 0x91, 0x92})


def parse_iccid(response: Answer) -> str:
    """The ICCID from any of the ICCID commands (``commands.ICCID_COMMANDS``)."""
    line = _first_line(response, "ICCID")
    if line.startswith("+CRSM:"):
        fields = split_fields(payload(line, "+CRSM:"), line=line)
        if len(fields) < 2:
            raise ResponseParseError("+CRSM needs <sw1>,<sw2>[,<response>]", line=line)
        sw1 = to_int(fields[0], line=line, what="sw1")
        if sw1 not in _SW1_OK or len(fields) < 3 or not unquote(fields[2]):
            raise ResponseParseError("the SIM refused the EF_ICCID read", line=line)
        return decode_iccid(fields[2], swapped=True)
    tag = tag_of(line)
    value = payload(line, tag + ":") if tag else line
    return decode_iccid(value, swapped=None)


# --- Identity ----------------------------------------------------------------------------

# Labels some firmware puts before the value (SIM800: "Revision:1418B04SIM800L24").
_IDENTITY_LABELS = ("Manufacturer:", "Model:", "Revision:", "IMEI:", "IMSI:")


def _identity_value(response: Answer) -> str:
    line = _first_line(response, "identity")
    value = line
    for prefix in response.command.prefixes + _IDENTITY_LABELS:
        if value.upper().startswith(prefix.upper()):
            value = value[len(prefix) :]
            break
    value = unquote(value.strip()).strip()
    if not value:
        raise ResponseParseError("empty identity value", line=line)
    return value


def parse_identity(response: Answer) -> str:
    """``AT+CGMI`` / ``+CGMM`` / ``+CGMR`` -> the value, without tag or label."""
    return _identity_value(response)


def parse_imei(response: Answer) -> str:
    """``AT+CGSN`` / ``AT+GSN`` -> the IMEI (15 digits; 14 to 17 tolerated for IMEISV forms)."""
    value = _identity_value(response)
    if not is_number(value) or not 14 <= len(value) <= 17:
        raise ResponseParseError("IMEI must be 14 to 17 digits", line=response.lines[0])
    return value


@dataclass(frozen=True)
class Information:
    """``ATI``: the lines, and the labelled values found among them."""

    lines: tuple[str, ...]
    manufacturer: str | None
    model: str | None
    revision: str | None
    imei: str | None


def parse_information(response: Answer) -> Information:
    """``ATI``; labelled lines (``Manufacturer: huawei``) fill the fields they name."""
    ensure_ok(response)
    found: dict[str, str] = {}
    for line in response.lines:
        label, _, value = line.partition(":")
        key = label.strip().lower()
        if value and key in ("manufacturer", "model", "revision", "imei"):
            found.setdefault(key, value.strip())
    return Information(
        tuple(response.lines),
        found.get("manufacturer"),
        found.get("model"),
        found.get("revision"),
        found.get("imei"),
    )


def parse_command_list(response: Answer) -> tuple[str, ...]:
    """``AT+CLAC`` -> the command names (``+CMGS``), one per line or comma-separated."""
    ensure_ok(response)
    names: list[str] = []
    for line in response.lines:
        body = payload(line, "+CLAC:") if line.startswith("+CLAC:") else line
        for name in body.split(","):
            name = name.strip()
            if name.upper().startswith("AT") and len(name) > 2:
                name = name[2:]
            if name:
                names.append(name)
    return tuple(names)


def parse_functionality(response: Answer) -> int:
    """``+CFUN: <fun>`` -> fun (1 full, 0 minimum, 4 radio off)."""
    line, fields = _tagged_fields(response, "+CFUN", "+CFUN")
    return to_int(fields[0], line=line, what="<fun>")


@dataclass(frozen=True)
class MessageService:
    """``+CSMS``: whether MT, MO and broadcast messages are supported (1) or not (0)."""

    mt: int
    mo: int
    bm: int


def parse_message_service(response: Answer) -> MessageService:
    """``+CSMS: [<service>,]<mt>,<mo>,<bm>`` (TS 27.005 3.2.1)."""
    line, fields = _tagged_fields(response, "+CSMS", "+CSMS")
    if len(fields) < 3:
        raise ResponseParseError("+CSMS needs <mt>,<mo>,<bm>", line=line)
    mt, mo, bm = (to_int(field, line=line, what="+CSMS value") for field in fields[-3:])
    return MessageService(mt, mo, bm)


# --- Network ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignalQuality:
    """``+CSQ`` (TS 27.007 8.5): raw values and the received level in dBm (None: unknown)."""

    rssi: int
    ber: int
    dbm: int | None
    ber_known: bool


def rssi_to_dbm(rssi: int) -> int | None:
    """TS 27.007 8.5: 0 is -113 dBm or less, 31 is -51 or more, 2 dBm a step; 99 unknown.

    100-191 is the TD-SCDMA extension (100 is -116 dBm or less, 191 -25 or more); 199
    is unknown. Returns the bound for the open-ended ends.
    """
    if 0 <= rssi <= 31:
        return -113 + 2 * rssi
    if 100 <= rssi <= 191:
        return rssi - 216
    if rssi in (99, 199):
        return None
    raise ValueError(f"rssi {rssi} is not defined by TS 27.007 8.5")


def parse_signal(response: Answer) -> SignalQuality:
    """``+CSQ: 20,99`` -> rssi 20 (-73 dBm), bit error rate unknown."""
    line, fields = _tagged_fields(response, "+CSQ", "+CSQ")
    if len(fields) != 2:
        raise ResponseParseError("+CSQ needs <rssi>,<ber>", line=line)
    rssi = to_int(fields[0], line=line, what="<rssi>")
    ber = to_int(fields[1], line=line, what="<ber>")
    try:
        dbm = rssi_to_dbm(rssi)
    except ValueError:
        raise ResponseParseError("rssi out of range", line=line) from None
    if not (0 <= ber <= 7 or ber == 99):
        raise ResponseParseError("ber out of range", line=line)
    return SignalQuality(rssi, ber, dbm, ber != 99)


class RegistrationState(enum.Enum):
    """``<stat>`` of +CREG/+CGREG/+CEREG (TS 27.007 7.2)."""

    NOT_REGISTERED = 0
    HOME = 1
    SEARCHING = 2
    DENIED = 3
    UNKNOWN = 4
    ROAMING = 5
    HOME_SMS_ONLY = 6
    ROAMING_SMS_ONLY = 7
    EMERGENCY_ONLY = 8
    HOME_CSFB_NOT_PREFERRED = 9
    ROAMING_CSFB_NOT_PREFERRED = 10
    RLOS_ONLY = 11

    @property
    def registered(self) -> bool:
        """True when the modem may send SMS on this registration."""
        return self in _REGISTERED


_REGISTERED = frozenset(
    {
        RegistrationState.HOME,
        RegistrationState.ROAMING,
        RegistrationState.HOME_SMS_ONLY,
        RegistrationState.ROAMING_SMS_ONLY,
        RegistrationState.HOME_CSFB_NOT_PREFERRED,
        RegistrationState.ROAMING_CSFB_NOT_PREFERRED,
    }
)


@dataclass(frozen=True)
class Registration:
    """Registration status; ``n`` is the report mode (only in the read answer, else None).

    ``lac`` is the location area (CREG, CGREG) or tracking area (CEREG) code and ``ci``
    the cell id, both from hexadecimal strings; ``act`` the access technology (7 = LTE).
    """

    tag: str
    n: int | None
    state: RegistrationState
    lac: int | None = None
    ci: int | None = None
    act: int | None = None


def _registration(tag: str, fields: tuple[str, ...], has_n: bool, line: str) -> Registration:
    n = to_int(fields[0], line=line, what="<n>") if has_n else None
    rest = fields[1:] if has_n else fields
    if not rest:
        raise ResponseParseError("registration needs <stat>", line=line)
    code = to_int(rest[0], line=line, what="<stat>")
    try:
        state = RegistrationState(code)
    except ValueError:
        raise ResponseParseError("unknown registration <stat>", line=line) from None
    lac = to_hex_int(rest[1] if len(rest) > 1 else None, line=line, what="<lac>")
    ci = to_hex_int(rest[2] if len(rest) > 2 else None, line=line, what="<ci>")
    act = to_optional_int(rest[3] if len(rest) > 3 else None, line=line, what="<AcT>")
    return Registration(tag, n, state, lac, ci, act)


def parse_registration(response: Answer) -> Registration:
    """``+CREG: 2,1,"00A1","0000B2C3"`` (or +CGREG/+CEREG) -> Registration with n=2."""
    line = _first_line(response, "registration")
    tag = tag_of(line)
    if tag not in REGISTRATION_TAGS:
        raise ResponseParseError("not a registration line", line=line)
    fields = split_fields(payload(line, tag + ":"), line=line)
    if len(fields) < 2:
        raise ResponseParseError("the read answer needs <n>,<stat>", line=line)
    return _registration(tag, fields, True, line)


def parse_registration_urc(line: str) -> Registration:
    """The URC form ``+CREG: <stat>[,<lac>,<ci>[,<AcT>]]`` -> Registration with n=None."""
    tag = tag_of(line)
    if tag not in REGISTRATION_TAGS:
        raise ResponseParseError("not a registration URC", line=line)
    fields = split_fields(payload(line, tag + ":"), line=line)
    return _registration(tag, fields, False, line)


@dataclass(frozen=True)
class Operator:
    """``+COPS?`` (TS 27.007 7.3): selection mode and, when registered, the operator."""

    mode: int
    format: int | None
    name: str | None
    act: int | None


def parse_operator(response: Answer, *, charset: str = "GSM") -> Operator:
    """``+COPS: 0,0,"Test Network",7`` -> Operator; a HEX/UCS2 ``charset`` decodes the name."""
    line, fields = _tagged_fields(response, "+COPS", "+COPS")
    mode = to_int(fields[0], line=line, what="<mode>")
    format_ = to_optional_int(fields[1] if len(fields) > 1 else None, line=line, what="<format>")
    name = unquote(fields[2]) if len(fields) > 2 and fields[2] else None
    act = to_optional_int(fields[3] if len(fields) > 3 else None, line=line, what="<AcT>")
    if name is not None and format_ != 2:
        name = decode_text(name, charset)
    return Operator(mode, format_, name, act)


# --- Messaging ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Smsc:
    """``+CSCA: <sca>,<tosca>``: the service centre number and its type (145 international)."""

    number: str
    type_of_address: int | None


def parse_smsc(response: Answer, *, charset: str = "GSM") -> Smsc:
    """``+CSCA: "+15550000000",145``; under CSCS="HEX" the number arrives hex-encoded."""
    line, fields = _tagged_fields(response, "+CSCA", "+CSCA")
    number = decode_text(unquote(fields[0]), charset).strip()
    tosca = to_optional_int(fields[1] if len(fields) > 1 else None, line=line, what="<tosca>")
    if not re.fullmatch(r"\+?[0-9]*", number):
        raise ResponseParseError("SMSC number is not digits", line=line)
    return Smsc(number, tosca)


@dataclass(frozen=True)
class StorageUsage:
    """One message memory: its name (when the modem says it), used and total slots."""

    memory: str | None
    used: int
    total: int


def parse_storage(response: Answer) -> tuple[StorageUsage, ...]:
    """``+CPMS: "ME",0,30,"ME",0,30,"ME",0,30`` (read) or ``+CPMS: 0,30,0,30,0,30`` (set)."""
    line, fields = _tagged_fields(response, "+CPMS", "+CPMS")
    named = is_quoted(fields[0]) or not is_number(fields[0])
    width = 3 if named else 2
    if len(fields) % width or not 1 <= len(fields) // width <= 3:
        raise ResponseParseError("+CPMS needs one to three storage groups", line=line)
    usages = []
    for start in range(0, len(fields), width):
        group = fields[start : start + width]
        memory = unquote(group[0]).upper() if named else None
        used = to_int(group[-2], line=line, what="<used>")
        total = to_int(group[-1], line=line, what="<total>")
        usages.append(StorageUsage(memory, used, total))
    return tuple(usages)


@dataclass(frozen=True)
class SubmitResult:
    """``+CMGS: <mr>[,<ackpdu>]``: the message reference the status report will carry.

    ``ack_pdu`` is the RP-ACK PDU some networks return when AT+CSMS=1 (in text mode the
    same place holds <scts>).
    """

    mr: int
    ack_pdu: str | None


def parse_submit(response: Answer) -> SubmitResult:
    """``+CMGS: 12`` -> mr 12 (TS 27.005 3.5.1; TP-MR is one octet, TS 23.040 9.2.3.6)."""
    line, fields = _tagged_fields(response, "+CMGS", "+CMGS")
    mr = to_int(fields[0], line=line, what="<mr>")
    if mr > 255:
        raise ResponseParseError("message reference must be 0-255", line=line)
    extra = unquote(fields[1]) if len(fields) > 1 and fields[1] else None
    return SubmitResult(mr, extra)


class MessageStatus(enum.Enum):
    """``<stat>`` of a stored message in PDU mode (TS 27.005 3.1)."""

    RECEIVED_UNREAD = 0
    RECEIVED_READ = 1
    STORED_UNSENT = 2
    STORED_SENT = 3


# Text-mode names some firmware uses even in PDU mode.
_STATUS_NAMES = {
    "REC UNREAD": MessageStatus.RECEIVED_UNREAD,
    "REC READ": MessageStatus.RECEIVED_READ,
    "STO UNSENT": MessageStatus.STORED_UNSENT,
    "STO SENT": MessageStatus.STORED_SENT,
}


@dataclass(frozen=True)
class StoredMessage:
    """A message read from storage: index, status, the declared TPDU length and the PDU."""

    index: int
    status: MessageStatus
    alpha: str | None
    length: int
    pdu: str | None

    @property
    def complete(self) -> bool:
        """True when the PDU is there and its size matches the declared TPDU length."""
        if self.pdu is None or len(self.pdu) < 2:
            return False
        smsc = int(self.pdu[:2], 16)
        return len(self.pdu) == 2 * (1 + smsc + self.length)


def _status(field: str, line: str) -> MessageStatus:
    value = unquote(field).strip().upper()
    if value in _STATUS_NAMES:
        return _STATUS_NAMES[value]
    try:
        return MessageStatus(to_int(value, line=line, what="<stat>"))
    except ValueError:
        raise ResponseParseError("unknown message <stat>", line=line) from None


def _stored(index: int, fields: tuple[str, ...], line: str, pdu: str | None) -> StoredMessage:
    # <stat>,[<alpha>],<length>; a few modems leave the empty <alpha> out entirely.
    if len(fields) not in (2, 3):
        raise ResponseParseError("expected <stat>,[<alpha>],<length>", line=line)
    alpha = (unquote(fields[1]) or None) if len(fields) == 3 else None
    length = to_int(fields[-1], line=line, what="<length>")
    return StoredMessage(index, _status(fields[0], line), alpha, length, pdu)


def parse_message_list(response: Answer) -> tuple[StoredMessage, ...]:
    """``+CMGL: <index>,<stat>,[<alpha>],<length>`` lines, each with its PDU (3.4.2)."""
    ensure_ok(response)
    messages = []
    for line, pdu in response.entries():
        fields = split_fields(payload(line, "+CMGL:"), line=line)
        index = to_int(fields[0], line=line, what="<index>")
        messages.append(_stored(index, fields[1:], line, pdu))
    return tuple(messages)


_CMGR_INDEX = re.compile(r"^AT\+CMGR=(\d+)$", re.IGNORECASE)


def parse_message(response: Answer) -> StoredMessage | None:
    """``+CMGR: <stat>,[<alpha>],<length>`` and the PDU; None for an empty slot."""
    ensure_ok(response)
    found = _CMGR_INDEX.match(response.command.line)
    if found is None:
        raise ResponseParseError("not the answer to AT+CMGR=<index>", line=response.command.line)
    if not response.lines:
        return None
    line, pdu = response.entries()[0]
    message = _stored(
        int(found.group(1)), split_fields(payload(line, "+CMGR:"), line=line), line, pdu
    )
    if message.length == 0 and pdu is None:
        return None
    return message
