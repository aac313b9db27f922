"""AT commands as values: the line to send and the shape of the answer it owns.

A ``Command`` declares, like a gatchat command's prefix list, which response lines are
its own. The rule (applied by the connection to every line that is not a final result):

1. A line starting with one of ``prefixes`` is the command's, unless the command has
   already taken ``max_lines`` such lines or its ``solicited`` shape test rejects it.
2. An untagged line (no ``+XXX:``-style tag) is the command's if it declares
   ``bare_lines`` and the line is not a known untagged URC (``urcs.UNTAGGED_URCS``).
3. Every other line is a URC.

Limits of the rule: a URC with the same prefix and the same shape as the answer
(``+CPIN: READY`` sent at boot while ``AT+CPIN?`` is pending) is taken as the answer;
as both carry the same facts, nothing is lost. An unknown untagged vendor URC arriving
during a bare-line command is taken as part of its answer.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from gsmgateway.at.errors import CommandArgumentError, ResponseParseError
from gsmgateway.at.fields import is_number, payload, split_fields, tag_of
from gsmgateway.at.urcs import is_untagged_urc

# V.250 5.2.1: a command line ends with S3 (CR by default).
LINE_TERMINATOR = b"\r"
# TS 27.005 3.5.1: the PDU is ended with Ctrl-Z, or the send cancelled with ESC.
CTRL_Z = b"\x1a"
ESC = b"\x1b"

_COMMAND_LINE = re.compile(r"^AT[\x20-\x7e]*$", re.IGNORECASE)
_EXTENDED_NAME = re.compile(r"^AT([+^$%#*!][A-Za-z0-9_]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Command:
    """One AT command line and the answer it owns (see the module rules)."""

    line: str
    prefixes: tuple[str, ...] = ()
    bare_lines: bool = False
    max_lines: int | None = None
    pdu_after: bool = False
    prompt: bool = False
    solicited: Callable[[str], bool] | None = None
    # A successful answer always carries at least one owned line (never a bare OK).
    answer_has_lines: bool = False
    # For AT+CMGS: the TPDU length declared on the line, checked against the PDU sent.
    tpdu_length: int | None = None

    def __post_init__(self) -> None:
        if not _COMMAND_LINE.match(self.line):
            raise CommandArgumentError(
                f"command line must start with AT and be printable ASCII: {self.line!r}"
            )
        if any(not prefix or prefix != prefix.strip() for prefix in self.prefixes):
            raise CommandArgumentError(f"bad response prefix in {self.prefixes!r}")
        if self.max_lines is not None and self.max_lines < 1:
            raise CommandArgumentError("max_lines must be at least 1")
        if self.prompt and self.tpdu_length is None:
            raise CommandArgumentError("a prompting command needs its tpdu_length")

    def encode(self) -> bytes:
        """The bytes to write: the line and its terminator."""
        return self.line.encode("ascii") + LINE_TERMINATOR

    def owns(self, line: str, owned_so_far: int) -> bool:
        """True if ``line`` belongs to this command's answer (module rules 1-3)."""
        if self.max_lines is not None and owned_so_far >= self.max_lines:
            return False
        if any(line.startswith(prefix) for prefix in self.prefixes):
            return self.solicited is None or self.solicited(line)
        return self.bare_lines and tag_of(line) is None and not is_untagged_urc(line)

    def is_echo(self, line: str) -> bool:
        """True if ``line`` is this command's line echoed back (ATE1)."""
        return line.upper() == self.line.upper()


def raw(line: str, *, prefixes: tuple[str, ...] | None = None, bare_lines: bool = False) -> Command:
    """Any command; by default it owns lines tagged with its own name (AT+CSCS? -> +CSCS:)."""
    if prefixes is None:
        found = _EXTENDED_NAME.match(line)
        prefixes = (found.group(1).upper() + ":",) if found else ()
    return Command(line, prefixes=prefixes, bare_lines=bare_lines)


def _check_range(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise CommandArgumentError(f"{name} must be an integer in {low}..{high}, got {value!r}")


def _quoted(name: str, value: str) -> str:
    if '"' in value or not value.isprintable() or not value.isascii():
        raise CommandArgumentError(f"{name} must be printable ASCII without quotes: {value!r}")
    return f'"{value}"'


# --- Basic control -------------------------------------------------------------------


def attention() -> Command:
    """``AT``: the probe; answers a bare OK."""
    return Command("AT")


def echo_off() -> Command:
    """``ATE0``: stop echoing command lines (V.250 6.2.4)."""
    return Command("ATE0")


def echo_on() -> Command:
    """``ATE1``: echo command lines (V.250 6.2.4)."""
    return Command("ATE1")


def report_errors(mode: int = 1) -> Command:
    """``AT+CMEE=<mode>``: 1 numeric, 2 verbose +CME ERROR codes (TS 27.007 9.1)."""
    _check_range("mode", mode, 0, 2)
    return Command(f"AT+CMEE={mode}")


def set_functionality(fun: int, *, reset: bool = False) -> Command:
    """``AT+CFUN=<fun>[,1]`` (TS 27.007 8.2); ``set_functionality(1, reset=True)`` resets."""
    _check_range("fun", fun, 0, 127)
    return Command(f"AT+CFUN={fun},1" if reset else f"AT+CFUN={fun}")


def reset_modem() -> Command:
    """``AT+CFUN=1,1``: full functionality after a reset of the modem."""
    return set_functionality(1, reset=True)


def query_functionality() -> Command:
    """``AT+CFUN?`` -> ``+CFUN: <fun>``."""
    return Command("AT+CFUN?", prefixes=("+CFUN:",), max_lines=1, answer_has_lines=True)


def list_commands() -> Command:
    """``AT+CLAC``: one supported command per line, untagged (TS 27.007 8.37)."""
    return Command("AT+CLAC", prefixes=("+CLAC:",), bare_lines=True, answer_has_lines=True)


def huawei_unsolicited_reports(mode: int = 0) -> Command:
    """``AT^CURC=<mode>``: Huawei's switch for its periodic ^RSSI/^BOOT/^DSFLOWRPT reports."""
    _check_range("mode", mode, 0, 2)
    return Command(f"AT^CURC={mode}")


def set_character_set(charset: str) -> Command:
    """``AT+CSCS="<chset>"`` (TS 27.007 5.5): how text fields such as operator names read."""
    return Command(f"AT+CSCS={_quoted('charset', charset)}")


# --- SIM ------------------------------------------------------------------------------


def query_pin() -> Command:
    """``AT+CPIN?`` -> ``+CPIN: <code>`` (TS 27.007 8.3)."""
    return Command("AT+CPIN?", prefixes=("+CPIN:",), max_lines=1, answer_has_lines=True)


_PIN = re.compile(r"^[0-9]{4,8}$")


def enter_pin(pin: str, new_pin: str | None = None) -> Command:
    """``AT+CPIN="<pin>"[,"<newpin>"]``: PIN (or PUK and the new PIN), 4 to 8 digits."""
    for name, value in (("pin", pin), ("new_pin", new_pin)):
        if value is not None and not _PIN.match(value):
            raise CommandArgumentError(f"{name} must be 4 to 8 digits")
    if new_pin is None:
        return Command(f'AT+CPIN="{pin}"')
    return Command(f'AT+CPIN="{pin}","{new_pin}"')


def query_imsi() -> Command:
    """``AT+CIMI``: the SIM's IMSI, untagged on most modems (TS 27.007 5.6)."""
    return Command("AT+CIMI", prefixes=("+CIMI:",), bare_lines=True, answer_has_lines=True)


# --- Identity ---------------------------------------------------------------------------


def _identity(line: str, tags: tuple[str, ...]) -> Command:
    # Answers come untagged (TS 27.007 5.1-5.4) or tagged on some firmware.
    return Command(line, prefixes=tags, bare_lines=True, answer_has_lines=True)


def query_manufacturer() -> Command:
    """``AT+CGMI`` (TS 27.007 5.1)."""
    return _identity("AT+CGMI", ("+CGMI:", "+GMI:"))


def query_model() -> Command:
    """``AT+CGMM`` (TS 27.007 5.2)."""
    return _identity("AT+CGMM", ("+CGMM:", "+GMM:"))


def query_revision() -> Command:
    """``AT+CGMR`` (TS 27.007 5.3)."""
    return _identity("AT+CGMR", ("+CGMR:", "+GMR:"))


def query_imei() -> Command:
    """``AT+CGSN``: the IMEI (TS 27.007 5.4)."""
    return _identity("AT+CGSN", ("+CGSN:", "+GSN:"))


def query_serial_gsn() -> Command:
    """``AT+GSN``: the V.250 form of the serial number query (6.1.6)."""
    return _identity("AT+GSN", ("+GSN:", "+CGSN:"))


def query_information() -> Command:
    """``ATI``: free-form identification (V.250 6.1.3); Huawei adds a +GCAP line."""
    return _identity("ATI", ("+GCAP:",))


ICCID_COMMANDS: dict[str, Command] = {
    # Name used by modem profiles -> the command and the tag its answer carries.
    "ccid": Command("AT+CCID", prefixes=("+CCID:",), bare_lines=True, answer_has_lines=True),
    "iccid": Command("AT+ICCID", prefixes=("+ICCID:",), bare_lines=True, answer_has_lines=True),
    "huawei": Command("AT^ICCID?", prefixes=("^ICCID:",), max_lines=1, answer_has_lines=True),
    "quectel": Command("AT+QCCID", prefixes=("+QCCID:",), max_lines=1, answer_has_lines=True),
    # Read EF_ICCID (2FE2 = 12258), 10 bytes, with the restricted SIM access (TS 27.007 8.18).
    "crsm": Command(
        "AT+CRSM=176,12258,0,0,10", prefixes=("+CRSM:",), max_lines=1, answer_has_lines=True
    ),
}


def query_iccid(variant: str) -> Command:
    """The ICCID query a profile names: ``ccid``, ``iccid``, ``huawei``, ``quectel``, ``crsm``."""
    try:
        return ICCID_COMMANDS[variant]
    except KeyError:
        raise CommandArgumentError(
            f"unknown ICCID command {variant!r}; one of {sorted(ICCID_COMMANDS)}"
        ) from None


# --- Network ----------------------------------------------------------------------------


def query_signal() -> Command:
    """``AT+CSQ`` -> ``+CSQ: <rssi>,<ber>`` (TS 27.007 8.5)."""
    return Command("AT+CSQ", prefixes=("+CSQ:",), max_lines=1, answer_has_lines=True)


REGISTRATION_TAGS = ("+CREG", "+CGREG", "+CEREG")


def is_solicited_registration(line: str) -> bool:
    """The read form ``+CREG: <n>,<stat>[,...]``, not the URC ``+CREG: <stat>[,<lac>,...]``.

    The read answer always starts with two bare numbers (<n> then <stat>); the URC has
    one number alone (n=1) or a quoted <lac>/<tac> second (n>=2). A modem that omits
    <n> from its read answer, or leaves <lac> unquoted in its URC, defeats this test.
    """
    tag = tag_of(line)
    if tag not in REGISTRATION_TAGS:
        return False
    try:
        fields = split_fields(payload(line, tag + ":"), line=line)
    except ResponseParseError:
        return False
    return len(fields) >= 2 and is_number(fields[0]) and is_number(fields[1])


def query_registration(tag: str = "+CREG") -> Command:
    """``AT+CREG?`` / ``AT+CGREG?`` / ``AT+CEREG?`` (TS 27.007 7.2, 10.1.20, 10.1.22)."""
    if tag not in REGISTRATION_TAGS:
        raise CommandArgumentError(f"registration tag must be one of {REGISTRATION_TAGS}")
    return Command(
        f"AT{tag}?",
        prefixes=(tag + ":",),
        max_lines=1,
        solicited=is_solicited_registration,
        answer_has_lines=True,
    )


def set_registration_reports(tag: str = "+CREG", n: int = 2) -> Command:
    """``AT+CREG=<n>``: 0 off, 1 URC on change of <stat>, 2 with location (and more for CEREG)."""
    if tag not in REGISTRATION_TAGS:
        raise CommandArgumentError(f"registration tag must be one of {REGISTRATION_TAGS}")
    _check_range("n", n, 0, 5 if tag == "+CEREG" else 3)
    return Command(f"AT{tag}={n}")


def query_operator() -> Command:
    """``AT+COPS?`` -> ``+COPS: <mode>[,<format>,<oper>[,<AcT>]]`` (TS 27.007 7.3)."""
    return Command("AT+COPS?", prefixes=("+COPS:",), max_lines=1, answer_has_lines=True)


def set_operator_format(format_: int = 0) -> Command:
    """``AT+COPS=3,<format>``: 0 long alphanumeric, 1 short, 2 numeric (MCC MNC)."""
    _check_range("format", format_, 0, 2)
    return Command(f"AT+COPS=3,{format_}")


# --- Messaging ---------------------------------------------------------------------------


def set_pdu_mode() -> Command:
    """``AT+CMGF=0``: PDU mode (TS 27.005 3.2.3)."""
    return Command("AT+CMGF=0")


def select_message_service(service: int) -> Command:
    """``AT+CSMS=<service>`` (TS 27.005 3.2.1): 1 makes +CMT/+CDS need AT+CNMA."""
    _check_range("service", service, 0, 127)
    return Command(f"AT+CSMS={service}", prefixes=("+CSMS:",), max_lines=1)


STORAGES = frozenset({"SM", "ME", "MT", "BM", "SR", "TA"})


def query_storage() -> Command:
    """``AT+CPMS?`` -> ``+CPMS: <mem1>,<used1>,<total1>,...`` (TS 27.005 3.2.2)."""
    return Command("AT+CPMS?", prefixes=("+CPMS:",), max_lines=1, answer_has_lines=True)


def set_storage(mem1: str, mem2: str | None = None, mem3: str | None = None) -> Command:
    """``AT+CPMS="ME","ME","ME"``: memories to read/delete, to write/send, to receive into."""
    names = [name for name in (mem1, mem2, mem3) if name is not None]
    if mem3 is not None and mem2 is None:
        raise CommandArgumentError("mem3 needs mem2")
    for name in names:
        if name not in STORAGES:
            raise CommandArgumentError(f"storage must be one of {sorted(STORAGES)}: {name!r}")
    args = ",".join(f'"{name}"' for name in names)
    return Command(f"AT+CPMS={args}", prefixes=("+CPMS:",), max_lines=1, answer_has_lines=True)


def new_message_indications(
    mode: int = 2, mt: int = 1, bm: int = 0, ds: int = 2, bfr: int | None = 0
) -> Command:
    """``AT+CNMI=<mode>,<mt>,<bm>,<ds>[,<bfr>]`` (TS 27.005 3.4.1)."""
    _check_range("mode", mode, 0, 3)
    _check_range("mt", mt, 0, 3)
    _check_range("bm", bm, 0, 3)
    _check_range("ds", ds, 0, 2)
    if bfr is None:
        return Command(f"AT+CNMI={mode},{mt},{bm},{ds}")
    _check_range("bfr", bfr, 0, 1)
    return Command(f"AT+CNMI={mode},{mt},{bm},{ds},{bfr}")


def query_smsc() -> Command:
    """``AT+CSCA?`` -> ``+CSCA: <sca>,<tosca>`` (TS 27.005 3.3.1)."""
    return Command("AT+CSCA?", prefixes=("+CSCA:",), max_lines=1, answer_has_lines=True)


def set_smsc(number: str) -> Command:
    """``AT+CSCA="<sca>",<tosca>``: 145 for a ``+``-prefixed number, else 129."""
    if not re.fullmatch(r"\+?[0-9]{1,20}", number):
        raise CommandArgumentError(f"SMSC must be digits with an optional +: {number!r}")
    return Command(f'AT+CSCA="{number}",{145 if number.startswith("+") else 129}')


# TS 23.040 9.2.2.2: the longest SMS-SUBMIT TPDU (12-octet address, 7-octet validity
# period, 140 octets of user data) is 164 octets.
MAX_SUBMIT_TPDU = 164


def submit_pdu(tpdu_length: int) -> Command:
    """``AT+CMGS=<length>``: prompt, then the PDU and Ctrl-Z; answer ``+CMGS: <mr>``."""
    _check_range("tpdu_length", tpdu_length, 1, MAX_SUBMIT_TPDU)
    return Command(
        f"AT+CMGS={tpdu_length}",
        prefixes=("+CMGS:",),
        max_lines=1,
        prompt=True,
        answer_has_lines=True,
        tpdu_length=tpdu_length,
    )


def list_messages(stat: int = 4) -> Command:
    """``AT+CMGL=<stat>``: 0 unread, 1 read, 2 unsent, 3 sent, 4 all (PDU mode, 3.4.2)."""
    _check_range("stat", stat, 0, 4)
    return Command(f"AT+CMGL={stat}", prefixes=("+CMGL:",), pdu_after=True)


def read_message(index: int) -> Command:
    """``AT+CMGR=<index>`` -> ``+CMGR: <stat>,[<alpha>],<length>`` and the PDU (3.4.3)."""
    _check_range("index", index, 0, 65535)
    return Command(f"AT+CMGR={index}", prefixes=("+CMGR:",), max_lines=1, pdu_after=True)


def delete_message(index: int, flag: int | None = None) -> Command:
    """``AT+CMGD=<index>[,<delflag>]`` (3.5.4): flag 0 this one ... 4 all messages."""
    _check_range("index", index, 0, 65535)
    if flag is None:
        return Command(f"AT+CMGD={index}")
    _check_range("flag", flag, 0, 4)
    return Command(f"AT+CMGD={index},{flag}")


def acknowledge_message() -> Command:
    """``AT+CNMA``: acknowledge a +CMT/+CDS when AT+CSMS=1 asks for it (3.4.4)."""
    return Command("AT+CNMA")
