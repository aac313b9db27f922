"""The error-code table checked against the spec lists it claims to cover.

The lists below are typed in from the specs independently of the table: TS 27.005
3.2.5 (+CMS ERROR), TS 24.011 E.2 (RP-causes of an MO RP-ERROR, table 8.4), TS 23.040
9.2.3.22 (TP-FCS) and TS 27.007 9.2.1 / 9.2.2 (+CME ERROR).
"""

import itertools

import pytest

from gsmgateway.at import (
    ERROR_CODES,
    ERROR_RANGES,
    UNKNOWN_CODE_RETRY_LIMIT,
    ErrorClass,
    ErrorDomain,
    classify,
    code_for_text,
)
from gsmgateway.at.error_codes import normalize_error_text

CMS, CME = ErrorDomain.CMS, ErrorDomain.CME

RP_CAUSES = {
    1: "Unassigned (unallocated) number", 8: "Operator determined barring", 10: "Call barred",
    17: "Network failure", 21: "Short message transfer rejected",
    22: "Memory capacity exceeded", 27: "Destination out of order",
    28: "Unidentified subscriber", 29: "Facility rejected", 30: "Unknown subscriber",
    38: "Network out of order", 41: "Temporary failure", 42: "Congestion",
    47: "Resources unavailable, unspecified", 50: "Requested facility not subscribed",
    69: "Requested facility not implemented",
    81: "Invalid short message transfer reference value",
    95: "Invalid message, unspecified", 96: "Invalid mandatory information",
    97: "Message type non-existent or not implemented",
    98: "Message not compatible with short message protocol state",
    99: "Information element non-existent or not implemented",
    111: "Protocol error, unspecified", 127: "Interworking, unspecified",
}  # fmt: skip
TP_FCS = {
    0x80: "Telematic interworking not supported", 0x81: "Short message Type 0 not supported",
    0x82: "Cannot replace short message", 0x8F: "Unspecified TP-PID error",
    0x90: "Data coding scheme (alphabet) not supported", 0x91: "Message class not supported",
    0x9F: "Unspecified TP-DCS error", 0xA0: "Command cannot be actioned",
    0xA1: "Command unsupported", 0xAF: "Unspecified TP-Command error",
    0xB0: "TPDU not supported", 0xC0: "SC busy", 0xC1: "No SC subscription",
    0xC2: "SC system failure", 0xC3: "Invalid SME address", 0xC4: "Destination SME barred",
    0xC5: "SM Rejected-Duplicate SM", 0xC6: "TP-VPF not supported", 0xC7: "TP-VP not supported",
    0xD0: "(U)SIM SMS storage full", 0xD1: "No SMS storage capability in (U)SIM",
    0xD2: "Error in MS", 0xD3: "Memory Capacity Exceeded",
    0xD4: "(U)SIM Application Toolkit Busy", 0xD5: "(U)SIM data download error",
    0xFF: "Unspecified error cause",
}  # fmt: skip
MS_ERRORS = {
    300: "ME failure", 301: "SMS service of ME reserved", 302: "operation not allowed",
    303: "operation not supported", 304: "invalid PDU mode parameter",
    305: "invalid text mode parameter", 310: "(U)SIM not inserted", 311: "(U)SIM PIN required",
    312: "PH-(U)SIM PIN required", 313: "(U)SIM failure", 314: "(U)SIM busy",
    315: "(U)SIM wrong", 316: "(U)SIM PUK required", 317: "(U)SIM PIN2 required",
    318: "(U)SIM PUK2 required", 320: "memory failure", 321: "invalid memory index",
    322: "memory full", 330: "SMSC address unknown", 331: "no network service",
    332: "network timeout", 340: "no +CNMA acknowledgement expected", 500: "unknown error",
}  # fmt: skip
CME_ERRORS = {
    0: "phone failure", 1: "no connection to phone", 2: "phone-adaptor link reserved",
    3: "operation not allowed", 4: "operation not supported", 5: "PH-SIM PIN required",
    6: "PH-FSIM PIN required", 7: "PH-FSIM PUK required", 10: "SIM not inserted",
    11: "SIM PIN required", 12: "SIM PUK required", 13: "SIM failure", 14: "SIM busy",
    15: "SIM wrong", 16: "incorrect password", 17: "SIM PIN2 required", 18: "SIM PUK2 required",
    20: "memory full", 21: "invalid index", 22: "not found", 23: "memory failure",
    24: "text string too long", 25: "invalid characters in text string",
    26: "dial string too long", 27: "invalid characters in dial string",
    30: "no network service", 31: "network timeout",
    32: "network not allowed - emergency calls only",
    40: "network personalization PIN required", 41: "network personalization PUK required",
    42: "network subset personalization PIN required",
    43: "network subset personalization PUK required",
    44: "service provider personalization PIN required",
    45: "service provider personalization PUK required",
    46: "corporate personalization PIN required", 47: "corporate personalization PUK required",
    48: "hidden key required", 50: "Incorrect parameters",
    51: "command implemented but currently disabled", 52: "command aborted by user",
    53: "not attached to network due to MT functionality restrictions",
    54: "modem not allowed - MT restricted to emergency calls only",
    55: "operation not allowed because of MT functionality restrictions",
    56: "fixed dial number only allowed - called number is not a fixed dial number",
    57: "temporarily out of service due to other MT usage",
    58: "language/alphabet not supported", 59: "unexpected data value", 60: "system failure",
    61: "data missing", 62: "call barred", 100: "unknown",
    103: "Illegal MS", 106: "Illegal ME", 111: "PLMN not allowed",
    112: "Location area not allowed", 113: "Roaming not allowed in this location area",
}  # fmt: skip
SPEC = {CMS: RP_CAUSES | TP_FCS | MS_ERRORS, CME: CME_ERRORS}


def rows(domain):
    return {row.code: row for row in ERROR_CODES if row.domain is domain}


def test_no_code_has_two_rows():
    keys = [(row.domain, row.code) for row in ERROR_CODES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("domain", [CMS, CME])
def test_the_table_holds_exactly_the_spec_codes_with_the_spec_meaning(domain):
    table = rows(domain)
    assert set(table) == set(SPEC[domain])
    for code, meaning in SPEC[domain].items():
        assert table[code].meaning == meaning, code


def test_every_row_has_a_class_a_reason_and_the_clause_of_its_range():
    for row in ERROR_CODES:
        assert isinstance(row.error_class, ErrorClass)
        assert row.reason and row.meaning
        if row.domain is CMS and row.code <= 127:
            assert "24.011" in row.clause
        elif row.domain is CMS and row.code <= 255:
            assert "23.040 9.2.3.22" in row.clause
        elif row.domain is CMS:
            assert row.clause == "TS 27.005 3.2.5"
        else:
            assert row.clause.startswith("TS 27.007 9.2")


def test_ranges_of_a_domain_do_not_overlap():
    for domain in ErrorDomain:
        spans = sorted((r.first, r.last) for r in ERROR_RANGES if r.domain is domain)
        for (_, last), (first, _) in itertools.pairwise(spans):
            assert first > last


def test_every_cms_code_up_to_511_and_beyond_has_a_verdict():
    for code in range(0, 1024):
        verdict = classify(CMS, code)
        assert verdict.error_class in ErrorClass
        if code in SPEC[CMS]:
            assert verdict.meaning == SPEC[CMS][code]
        elif not verdict.known:
            assert verdict.retry_limit == UNKNOWN_CODE_RETRY_LIMIT


def test_tp_fcs_groups_of_the_pdu_are_permanent():
    # 0x80-0x8F TP-PID, 0x90-0x9F TP-DCS, 0xA0-0xAF TP-Command, 0xB0 TPDU: the PDU is wrong.
    for code in range(0x80, 0xB1):
        assert classify(CMS, code).error_class is ErrorClass.PERMANENT, code


def test_sim_codes_that_need_a_person_take_the_modem_out_and_are_never_retried():
    for code in (311, 312, 316, 317, 318):
        assert classify(CMS, code).error_class is ErrorClass.MODEM_FAULT
    for code in (5, 11, 12, 16, 17, 18):
        assert classify(CME, code).error_class is ErrorClass.MODEM_FAULT
    assert "never retry" in classify(CME, 16).reason


def test_unknown_codes_are_temporary_with_a_retry_limit():
    for domain, code in ((CME, 999), (CMS, 777), (CMS, 50_000), (ErrorDomain.PLAIN, None)):
        verdict = classify(domain, code)
        assert verdict.error_class is ErrorClass.TEMPORARY
        assert not verdict.known
        assert verdict.retry_limit == UNKNOWN_CODE_RETRY_LIMIT
    assert classify(CMS, 500).retry_limit == UNKNOWN_CODE_RETRY_LIMIT
    assert classify(CME, 100).retry_limit == UNKNOWN_CODE_RETRY_LIMIT


def test_known_codes_leave_retries_to_the_pool():
    verdict = classify(CMS, 42)
    assert (verdict.error_class, verdict.known, verdict.retry_limit) == (
        ErrorClass.TEMPORARY,
        True,
        None,
    )


def test_every_spec_text_reads_back_to_its_code_unless_two_codes_share_it():
    shared = {
        (domain, normalize_error_text(text))
        for domain, table in SPEC.items()
        for text in table.values()
        if sum(normalize_error_text(t) == normalize_error_text(text) for t in table.values()) > 1
    }
    assert shared == {(CMS, "memory capacity exceeded")}
    for domain, table in SPEC.items():
        for code, text in table.items():
            expected = None if (domain, normalize_error_text(text)) in shared else code
            assert code_for_text(domain, text) == expected, (domain, code)
