"""Final result codes: the table, numeric and verbose errors, profile extensions."""

import pytest

from gsmgateway.at import FINAL_RESULTS, ErrorDomain, FinalKind, FinalResult, FinalRule, Match


@pytest.mark.parametrize(
    ("text", "kind", "domain", "code"),
    [
        ("OK", FinalKind.OK, None, None),
        ("ok", FinalKind.OK, None, None),
        ("CONNECT", FinalKind.CONNECT, None, None),
        ("CONNECT 115200", FinalKind.CONNECT, None, None),
        ("ERROR", FinalKind.ERROR, ErrorDomain.PLAIN, None),
        ("NO CARRIER", FinalKind.NO_CARRIER, ErrorDomain.CONNECTION, None),
        ("BUSY", FinalKind.BUSY, ErrorDomain.CONNECTION, None),
        ("NO ANSWER", FinalKind.NO_ANSWER, ErrorDomain.CONNECTION, None),
        ("NO DIALTONE", FinalKind.NO_DIALTONE, ErrorDomain.CONNECTION, None),
        ("+CMS ERROR: 304", FinalKind.CMS_ERROR, ErrorDomain.CMS, 304),
        ("+CMS ERROR:500", FinalKind.CMS_ERROR, ErrorDomain.CMS, 500),
        ("+CME ERROR: 10", FinalKind.CME_ERROR, ErrorDomain.CME, 10),
        ("+CME ERROR: 010", FinalKind.CME_ERROR, ErrorDomain.CME, 10),
        ("+CME ERROR: SIM not inserted", FinalKind.CME_ERROR, ErrorDomain.CME, 10),
        ("+CME ERROR: incorrect password", FinalKind.CME_ERROR, ErrorDomain.CME, 16),
        ("+CME ERROR: PH_SIM PIN required", FinalKind.CME_ERROR, ErrorDomain.CME, 5),
        (
            "+CME ERROR: Network not allowed, emergency calls only",
            FinalKind.CME_ERROR,
            ErrorDomain.CME,
            32,
        ),
        ("+CME ERROR: phone adapter link reserved", FinalKind.CME_ERROR, ErrorDomain.CME, 2),
        ("+CMS ERROR: invalid PDU mode parameter", FinalKind.CMS_ERROR, ErrorDomain.CMS, 304),
        ("+CMS ERROR: SIM not inserted", FinalKind.CMS_ERROR, ErrorDomain.CMS, 310),
        ("+CME ERROR:", FinalKind.CME_ERROR, ErrorDomain.CME, None),
        ("+EXT ERROR: 3", FinalKind.EXT_ERROR, ErrorDomain.PLAIN, 3),
        ("COMMAND NOT SUPPORT", FinalKind.VENDOR_ERROR, ErrorDomain.PLAIN, None),
        ("TOO MANY PARAMETERS", FinalKind.VENDOR_ERROR, ErrorDomain.PLAIN, None),
    ],
)
def test_final_results_are_read_with_domain_and_code_apart(text, kind, domain, code):
    final = FINAL_RESULTS.match(text)
    assert (final.kind, final.domain, final.code) == (kind, domain, code)
    assert final.success is (domain is None)


def test_an_unknown_verbose_text_keeps_its_text_and_no_code():
    final = FINAL_RESULTS.match("+CME ERROR: modem is on fire")
    assert final == FinalResult(
        "+CME ERROR: modem is on fire",
        FinalKind.CME_ERROR,
        ErrorDomain.CME,
        None,
        "modem is on fire",
    )


@pytest.mark.parametrize(
    "text", ["OKAY", "CONNECTED", '+CMTI: "SM",1', "ERRORS", "+CME ERRORS: 3", "RING", ""]
)
def test_lines_that_only_resemble_finals_are_not_finals(text):
    assert FINAL_RESULTS.match(text) is None


def test_tables_are_extended_in_front_and_trimmed_by_text():
    table = FINAL_RESULTS.extended(FinalRule("NA", Match.EXACT, FinalKind.VENDOR_ERROR, "Z810"))
    assert table.match("NA").kind is FinalKind.VENDOR_ERROR
    assert FINAL_RESULTS.match("NA") is None
    assert table.without("NA", "busy").match("BUSY") is None
    with pytest.raises(ValueError, match="distinct"):
        FINAL_RESULTS.extended(FinalRule("OK", Match.EXACT, FinalKind.OK, "dup"))
