"""The one table of CMS and CME error codes: what each means and what we do about it.

Every ``+CMS ERROR`` code of TS 27.005 3.2.5 and ``+CME ERROR`` code of TS 27.007
9.2 that the gateway acts on has a row here, with the spec's meaning text, the clause
it comes from and the class that decides what the pool does with the operation:

- ``TEMPORARY``: retry later, possibly on another modem (the message is fine).
- ``PERMANENT``: fail this message with the reason (resending it cannot help).
- ``MODEM_FAULT``: this modem or its SIM cannot work now; take it out of service and
  recover it (the message goes back to the queue untouched).

Rules that hold (checked by ``tests/qa/test_error_codes.py``):

- A (domain, code) pair has at most one row; a row wins over a range, and ranges of one
  domain never overlap each other.
- ``+CMS ERROR`` 0-127 are RP-causes (TS 24.011 E.2), 128-255 are TP-FCS values
  (TS 23.040 9.2.3.22, grouped by their high nibble), 300-500 are ME/SIM errors of
  TS 27.005 3.2.5; 512 and up are manufacturer specific.
- A code found in no row or classified range is unknown: ``TEMPORARY`` with
  ``UNKNOWN_CODE_RETRY_LIMIT`` tries, so a modem that invents codes cannot keep a
  message cycling forever. The generic "unknown error" codes (CMS 500, CME 100) and a
  bare ``ERROR`` carry the same limit.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gsmgateway.at.finals import FinalResult


class ErrorDomain(enum.Enum):
    """Which family an error code belongs to; the same number means different things."""

    CMS = "CMS"  # +CMS ERROR: message service (TS 27.005 3.2.5)
    CME = "CME"  # +CME ERROR: mobile equipment (TS 27.007 9.2)
    PLAIN = "plain"  # ERROR and vendor finals with no code (V.250 5.7.1)
    CONNECTION = "connection"  # NO CARRIER, BUSY, NO ANSWER, NO DIALTONE (V.250 6.3.1)


class ErrorClass(enum.Enum):
    """What the pool does with an operation that failed with a code of this class."""

    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    MODEM_FAULT = "modem_fault"


# How many temporary failures with an unknown code a message may take before it fails.
UNKNOWN_CODE_RETRY_LIMIT = 3


@dataclass(frozen=True)
class ErrorCode:
    """One row of the table: a code, its class, the spec's meaning and why this class."""

    domain: ErrorDomain
    code: int
    error_class: ErrorClass
    meaning: str
    clause: str
    reason: str
    retry_limit: int | None = None

    def __post_init__(self) -> None:
        if self.code < 0:
            raise ValueError(f"error code must be >= 0, got {self.code}")
        if not self.meaning or not self.reason or not self.clause:
            raise ValueError(f"{self.domain.value} {self.code}: meaning, reason and clause needed")


@dataclass(frozen=True)
class ErrorRange:
    """Codes ``first``..``last`` (inclusive) that share a class: a spec group or a reserved span."""

    domain: ErrorDomain
    first: int
    last: int
    error_class: ErrorClass
    meaning: str
    clause: str
    reason: str
    known: bool
    retry_limit: int | None = None

    def __post_init__(self) -> None:
        if not 0 <= self.first <= self.last:
            raise ValueError(f"bad range {self.first}-{self.last}")

    def __contains__(self, code: object) -> bool:
        return isinstance(code, int) and self.first <= code <= self.last


@dataclass(frozen=True)
class Classification:
    """The verdict on one error: class, meaning, and for unknown codes a retry limit."""

    error_class: ErrorClass
    domain: ErrorDomain
    code: int | None
    meaning: str
    reason: str
    clause: str | None
    known: bool
    retry_limit: int | None


_T = ErrorClass.TEMPORARY
_P = ErrorClass.PERMANENT
_F = ErrorClass.MODEM_FAULT
_LIMIT = UNKNOWN_CODE_RETRY_LIMIT

_RP = "TS 27.005 3.2.5; TS 24.011 E.2"
_FCS = "TS 27.005 3.2.5; TS 23.040 9.2.3.22"
_MS = "TS 27.005 3.2.5"
_ME = "TS 27.007 9.2.1"
_GPRS = "TS 27.007 9.2.2"

_OTHER_SIM = "a barring or limit of this SIM's subscription; another SIM may send it"
_PIN = "the SIM needs a code the gateway must not guess; the modem waits for the operator"
_BAD_PDU = "the message itself is at fault; resending the same PDU fails the same way"


def _cms(code: int, cls: ErrorClass, meaning: str, clause: str, reason: str) -> ErrorCode:
    return ErrorCode(ErrorDomain.CMS, code, cls, meaning, clause, reason)


def _cme(code: int, cls: ErrorClass, meaning: str, clause: str, reason: str) -> ErrorCode:
    return ErrorCode(ErrorDomain.CME, code, cls, meaning, clause, reason)


ERROR_CODES: tuple[ErrorCode, ...] = (
    # RP-causes of an RP-ERROR to a mobile-originated SMS (TS 24.011 E.2, table 8.4).
    _cms(1, _P, "Unassigned (unallocated) number", _RP, "the destination number does not exist"),
    _cms(8, _T, "Operator determined barring", _RP, _OTHER_SIM + " (e.g. no credit)"),
    _cms(10, _T, "Call barred", _RP, _OTHER_SIM),
    _cms(17, _T, "Network failure", _RP, "a network failure the network expects to clear"),
    _cms(21, _T, "Short message transfer rejected", _RP, _OTHER_SIM + " (no reason given)"),
    _cms(22, _T, "Memory capacity exceeded", _RP, "the receiving side had no room this time"),
    _cms(27, _T, "Destination out of order", _RP, "the destination cannot be reached now"),
    _cms(
        28,
        _F,
        "Unidentified subscriber",
        _RP,
        "the network does not know this SIM (IMSI not registered); re-register the modem",
    ),
    _cms(29, _T, "Facility rejected", _RP, _OTHER_SIM),
    _cms(
        30,
        _F,
        "Unknown subscriber",
        _RP,
        "this SIM is not known to its home network; nothing can leave this modem",
    ),
    _cms(38, _T, "Network out of order", _RP, "network failure that may last; retry later"),
    _cms(41, _T, "Temporary failure", _RP, "the network says the failure is temporary"),
    _cms(42, _T, "Congestion", _RP, "the network is congested"),
    _cms(47, _T, "Resources unavailable, unspecified", _RP, "the network lacked resources"),
    _cms(50, _T, "Requested facility not subscribed", _RP, _OTHER_SIM),
    _cms(
        69,
        _T,
        "Requested facility not implemented",
        _RP,
        "this network does not offer it; a SIM on another network may",
    ),
    _cms(
        81,
        _T,
        "Invalid short message transfer reference value",
        _RP,
        "a glitch of this transfer; a new attempt uses a fresh reference",
    ),
    _cms(95, _P, "Invalid message, unspecified", _RP, _BAD_PDU),
    _cms(96, _P, "Invalid mandatory information", _RP, _BAD_PDU),
    _cms(97, _P, "Message type non-existent or not implemented", _RP, _BAD_PDU),
    _cms(
        98,
        _T,
        "Message not compatible with short message protocol state",
        _RP,
        "a protocol state mismatch of this attempt; a fresh attempt may pass",
    ),
    _cms(99, _P, "Information element non-existent or not implemented", _RP, _BAD_PDU),
    _cms(111, _T, "Protocol error, unspecified", _RP, "an unspecified protocol error"),
    _cms(127, _T, "Interworking, unspecified", _RP, "a failure between networks"),
    # TP-FCS values the SC returns in its RP-ERROR (TS 23.040 9.2.3.22).
    _cms(128, _P, "Telematic interworking not supported", _FCS, _BAD_PDU + " (TP-PID)"),
    _cms(129, _P, "Short message Type 0 not supported", _FCS, _BAD_PDU + " (TP-PID)"),
    _cms(130, _P, "Cannot replace short message", _FCS, _BAD_PDU + " (TP-PID)"),
    _cms(143, _P, "Unspecified TP-PID error", _FCS, _BAD_PDU + " (TP-PID)"),
    _cms(144, _P, "Data coding scheme (alphabet) not supported", _FCS, _BAD_PDU + " (TP-DCS)"),
    _cms(145, _P, "Message class not supported", _FCS, _BAD_PDU + " (TP-DCS)"),
    _cms(159, _P, "Unspecified TP-DCS error", _FCS, _BAD_PDU + " (TP-DCS)"),
    _cms(160, _P, "Command cannot be actioned", _FCS, _BAD_PDU + " (TP-Command)"),
    _cms(161, _P, "Command unsupported", _FCS, _BAD_PDU + " (TP-Command)"),
    _cms(175, _P, "Unspecified TP-Command error", _FCS, _BAD_PDU + " (TP-Command)"),
    _cms(176, _P, "TPDU not supported", _FCS, _BAD_PDU),
    _cms(192, _T, "SC busy", _FCS, "the service centre is busy"),
    _cms(
        193, _T, "No SC subscription", _FCS, "this SIM may not use its service centre; another may"
    ),
    _cms(194, _T, "SC system failure", _FCS, "the service centre failed"),
    _cms(195, _P, "Invalid SME address", _FCS, "the destination address is invalid"),
    _cms(196, _P, "Destination SME barred", _FCS, "the destination may not receive messages"),
    _cms(
        197,
        _P,
        "SM Rejected-Duplicate SM",
        _FCS,
        "the SC already holds this message from an earlier attempt; a resend is rejected too",
    ),
    _cms(198, _P, "TP-VPF not supported", _FCS, _BAD_PDU + " (validity period format)"),
    _cms(199, _P, "TP-VP not supported", _FCS, _BAD_PDU + " (validity period)"),
    _cms(
        208,
        _F,
        "(U)SIM SMS storage full",
        _FCS,
        "inbound messages cannot be stored until the SIM is drained",
    ),
    _cms(209, _F, "No SMS storage capability in (U)SIM", _FCS, "the SIM cannot store messages"),
    _cms(210, _F, "Error in MS", _FCS, "the modem reports its own failure"),
    _cms(211, _F, "Memory Capacity Exceeded", _FCS, "the modem's storage is full; drain it"),
    _cms(212, _T, "(U)SIM Application Toolkit Busy", _FCS, "the SIM toolkit is busy for now"),
    _cms(213, _T, "(U)SIM data download error", _FCS, "a SIM data download failed this time"),
    _cms(255, _T, "Unspecified error cause", _FCS, "the SC gave no reason"),
    # ME and SIM errors of the message service (TS 27.005 3.2.5).
    _cms(300, _F, "ME failure", _MS, "the modem failed; recover it"),
    _cms(301, _T, "SMS service of ME reserved", _MS, "the message service is busy for now"),
    _cms(
        302,
        _F,
        "operation not allowed",
        _MS,
        "the modem refuses in its current state (mode, registration); re-initialise it",
    ),
    _cms(303, _F, "operation not supported", _MS, "this modem cannot do what we asked"),
    _cms(304, _P, "invalid PDU mode parameter", _MS, _BAD_PDU),
    _cms(
        305,
        _F,
        "invalid text mode parameter",
        _MS,
        "we only use PDU mode: the modem left it; re-initialise it",
    ),
    _cms(310, _F, "(U)SIM not inserted", _MS, "no SIM"),
    _cms(311, _F, "(U)SIM PIN required", _MS, _PIN),
    _cms(312, _F, "PH-(U)SIM PIN required", _MS, _PIN),
    _cms(313, _F, "(U)SIM failure", _MS, "the SIM failed"),
    _cms(314, _T, "(U)SIM busy", _MS, "the SIM is busy (initialising or toolkit); retry soon"),
    _cms(315, _F, "(U)SIM wrong", _MS, "the SIM is not accepted by this modem"),
    _cms(316, _F, "(U)SIM PUK required", _MS, _PIN),
    _cms(317, _F, "(U)SIM PIN2 required", _MS, _PIN),
    _cms(318, _F, "(U)SIM PUK2 required", _MS, _PIN),
    _cms(320, _F, "memory failure", _MS, "the message storage failed"),
    _cms(321, _P, "invalid memory index", _MS, "no message at that index; do not ask again"),
    _cms(322, _F, "memory full", _MS, "the message storage is full; drain it"),
    _cms(330, _F, "SMSC address unknown", _MS, "no service centre set; re-initialise with one"),
    _cms(331, _F, "no network service", _MS, "the modem is not registered; other modems send"),
    _cms(332, _T, "network timeout", _MS, "the network did not answer in time"),
    _cms(340, _P, "no +CNMA acknowledgement expected", _MS, "nothing to acknowledge; drop it"),
    ErrorCode(
        ErrorDomain.CMS,
        500,
        _T,
        "unknown error",
        _MS,
        "the modem gives no reason; retry a few times",
        retry_limit=_LIMIT,
    ),
    # General mobile equipment errors (TS 27.007 9.2.1).
    _cme(0, _F, "phone failure", _ME, "the modem failed; recover it"),
    _cme(1, _F, "no connection to phone", _ME, "the modem lost its own radio part"),
    _cme(2, _T, "phone-adaptor link reserved", _ME, "the link is busy for now"),
    _cme(
        3,
        _F,
        "operation not allowed",
        _ME,
        "the modem refuses in its current state; re-initialise it",
    ),
    _cme(4, _F, "operation not supported", _ME, "this modem cannot do what we asked"),
    _cme(5, _F, "PH-SIM PIN required", _ME, _PIN),
    _cme(6, _F, "PH-FSIM PIN required", _ME, _PIN),
    _cme(7, _F, "PH-FSIM PUK required", _ME, _PIN),
    _cme(10, _F, "SIM not inserted", _ME, "no SIM"),
    _cme(11, _F, "SIM PIN required", _ME, _PIN),
    _cme(12, _F, "SIM PUK required", _ME, _PIN),
    _cme(13, _F, "SIM failure", _ME, "the SIM failed"),
    _cme(14, _T, "SIM busy", _ME, "the SIM is busy (initialising or toolkit); retry soon"),
    _cme(15, _F, "SIM wrong", _ME, "the SIM is not accepted by this modem"),
    _cme(
        16,
        _F,
        "incorrect password",
        _ME,
        "the configured PIN is wrong; never retry it: each try uses one of the SIM's attempts",
    ),
    _cme(17, _F, "SIM PIN2 required", _ME, _PIN),
    _cme(18, _F, "SIM PUK2 required", _ME, _PIN),
    _cme(20, _F, "memory full", _ME, "the storage is full; drain it"),
    _cme(21, _P, "invalid index", _ME, "no entry at that index; do not ask again"),
    _cme(22, _P, "not found", _ME, "the entry does not exist"),
    _cme(23, _F, "memory failure", _ME, "the storage failed"),
    _cme(24, _P, "text string too long", _ME, "our argument is too long"),
    _cme(25, _P, "invalid characters in text string", _ME, "our argument has bad characters"),
    _cme(26, _P, "dial string too long", _ME, "the number is too long"),
    _cme(27, _P, "invalid characters in dial string", _ME, "the number has bad characters"),
    _cme(30, _F, "no network service", _ME, "the modem is not registered; other modems send"),
    _cme(31, _T, "network timeout", _ME, "the network did not answer in time"),
    _cme(
        32,
        _F,
        "network not allowed - emergency calls only",
        _ME,
        "the network admits this SIM for emergency calls only",
    ),
    _cme(40, _F, "network personalization PIN required", _ME, _PIN),
    _cme(41, _F, "network personalization PUK required", _ME, _PIN),
    _cme(42, _F, "network subset personalization PIN required", _ME, _PIN),
    _cme(43, _F, "network subset personalization PUK required", _ME, _PIN),
    _cme(44, _F, "service provider personalization PIN required", _ME, _PIN),
    _cme(45, _F, "service provider personalization PUK required", _ME, _PIN),
    _cme(46, _F, "corporate personalization PIN required", _ME, _PIN),
    _cme(47, _F, "corporate personalization PUK required", _ME, _PIN),
    _cme(48, _F, "hidden key required", _ME, _PIN),
    _cme(50, _P, "Incorrect parameters", _ME, "our command's parameters are wrong"),
    _cme(51, _F, "command implemented but currently disabled", _ME, "the modem disabled it"),
    _cme(52, _T, "command aborted by user", _ME, "aborted; a new attempt may pass"),
    _cme(
        53,
        _F,
        "not attached to network due to MT functionality restrictions",
        _ME,
        "the modem's radio is restricted (e.g. CFUN=4)",
    ),
    _cme(
        54,
        _F,
        "modem not allowed - MT restricted to emergency calls only",
        _ME,
        "the modem admits emergency calls only",
    ),
    _cme(
        55,
        _F,
        "operation not allowed because of MT functionality restrictions",
        _ME,
        "the modem's radio is restricted (e.g. CFUN=4)",
    ),
    _cme(
        56,
        _T,
        "fixed dial number only allowed - called number is not a fixed dial number",
        _ME,
        "fixed dialling on this SIM blocks the number; another SIM may send it",
    ),
    _cme(57, _T, "temporarily out of service due to other MT usage", _ME, "busy for now"),
    _cme(58, _P, "language/alphabet not supported", _ME, "our text cannot be handled"),
    _cme(59, _P, "unexpected data value", _ME, "our argument is not accepted"),
    _cme(60, _T, "system failure", _ME, "a failure the modem expects to clear"),
    _cme(61, _P, "data missing", _ME, "our command lacks data"),
    _cme(62, _T, "call barred", _ME, _OTHER_SIM),
    ErrorCode(
        ErrorDomain.CME,
        100,
        _T,
        "unknown",
        _ME,
        "the modem gives no reason; retry a few times",
        retry_limit=_LIMIT,
    ),
    # Registration rejects reported as CME errors (TS 27.007 9.2.2).
    _cme(103, _F, "Illegal MS", _GPRS, "the network rejected this SIM"),
    _cme(106, _F, "Illegal ME", _GPRS, "the network rejected this modem (IMEI)"),
    _cme(111, _F, "PLMN not allowed", _GPRS, "this SIM may not use this network"),
    _cme(112, _F, "Location area not allowed", _GPRS, "this SIM may not use this area"),
    _cme(113, _F, "Roaming not allowed in this location area", _GPRS, "no roaming here"),
)

ERROR_RANGES: tuple[ErrorRange, ...] = (
    ErrorRange(
        ErrorDomain.CMS,
        0,
        127,
        _T,
        "RP-cause not listed in TS 24.011 E.2",
        _RP,
        "an RP-cause we do not know",
        known=False,
        retry_limit=_LIMIT,
    ),
    ErrorRange(ErrorDomain.CMS, 131, 142, _P, "reserved TP-PID error", _FCS, _BAD_PDU, True),
    ErrorRange(ErrorDomain.CMS, 146, 158, _P, "reserved TP-DCS error", _FCS, _BAD_PDU, True),
    ErrorRange(ErrorDomain.CMS, 162, 174, _P, "reserved TP-Command error", _FCS, _BAD_PDU, True),
    ErrorRange(
        ErrorDomain.CMS,
        177,
        255,
        _T,
        "reserved or application-specific TP-FCS value",
        _FCS,
        "a TP-FCS value with no defined meaning",
        known=False,
        retry_limit=_LIMIT,
    ),
    ErrorRange(
        ErrorDomain.CMS,
        512,
        2**31,
        _T,
        "manufacturer specific",
        _MS,
        "a vendor code we do not know",
        known=False,
        retry_limit=_LIMIT,
    ),
)

# Texts that modems in verbose mode (AT+CMEE=2) send in place of the spec's wording.
ERROR_TEXT_ALIASES: dict[tuple[ErrorDomain, str], int] = {
    # Pre-Rel-7 TS 27.007 called code 48 "PH-SIM PUK required".
    (ErrorDomain.CME, "PH-SIM PUK required"): 48,
    # SIMCom and Quectel manuals spell it "adapter".
    (ErrorDomain.CME, "phone adapter link reserved"): 2,
    (ErrorDomain.CME, "unknown error"): 100,
    (ErrorDomain.CMS, "unknown"): 500,
}

_ROWS: dict[tuple[ErrorDomain, int], ErrorCode] = {
    (row.domain, row.code): row for row in ERROR_CODES
}


def normalize_error_text(text: str) -> str:
    """Fold a verbose error text so spelling variants compare equal."""
    folded = text.lower().replace("(u)", "")
    return re.sub(r"[^a-z0-9+]+", " ", folded).strip()


def _build_text_index() -> dict[tuple[ErrorDomain, str], int]:
    codes: dict[tuple[ErrorDomain, str], set[int]] = {}
    for row in ERROR_CODES:
        codes.setdefault((row.domain, normalize_error_text(row.meaning)), set()).add(row.code)
    # A text two codes share (CMS 22 and 211 are both "memory capacity exceeded") names
    # neither: it is left out, and so classified as unknown.
    index = {key: found.pop() for key, found in codes.items() if len(found) == 1}
    for (domain, text), code in ERROR_TEXT_ALIASES.items():
        index[(domain, normalize_error_text(text))] = code
    return index


_TEXT_INDEX = _build_text_index()


def code_for_text(domain: ErrorDomain, text: str) -> int | None:
    """The code of a verbose error text (``+CME ERROR: SIM not inserted`` -> 10), if known."""
    return _TEXT_INDEX.get((domain, normalize_error_text(text)))


def classify(domain: ErrorDomain, code: int | None) -> Classification:
    """Classify an error by its domain and code (``None`` when the modem gave no code)."""
    if code is not None:
        row = _ROWS.get((domain, code))
        if row is not None:
            return Classification(
                row.error_class,
                domain,
                code,
                row.meaning,
                row.reason,
                row.clause,
                known=True,
                retry_limit=row.retry_limit,
            )
        for span in ERROR_RANGES:
            if span.domain is domain and code in span:
                return Classification(
                    span.error_class,
                    domain,
                    code,
                    span.meaning,
                    span.reason,
                    span.clause,
                    known=span.known,
                    retry_limit=span.retry_limit,
                )
    if domain is ErrorDomain.CONNECTION:
        return Classification(
            _T,
            domain,
            code,
            "connection result",
            "a call-setup result; nothing to do with the message",
            "ITU-T V.250 6.3.1",
            known=True,
            retry_limit=_LIMIT,
        )
    meaning = "error without a code" if code is None else "code not in the table"
    return Classification(
        _T,
        domain,
        code,
        meaning,
        "the modem gave no usable reason; retry a few times",
        None,
        known=False,
        retry_limit=_LIMIT,
    )


def classify_final(final: FinalResult) -> Classification | None:
    """Classify a failed final result; ``None`` for a successful one."""
    if final.success or final.domain is None:
        return None
    return classify(final.domain, final.code)
