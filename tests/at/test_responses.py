"""Answer parsers: the forms real modems send, and one typed error for garbage."""

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway import at
from gsmgateway.at import (
    CommandFailed,
    FinalKind,
    FinalResult,
    PinState,
    RegistrationState,
    Response,
    ResponseParseError,
)

OK = FinalResult("OK", FinalKind.OK, None)
DELIVER = (
    "07915155000000F0040B915155674523F100006211220180200015C2B27B8C06A5DDE2371ED42ECFE7E173191403"
)


def reply(command, *lines, pdus=()):
    return Response(command, tuple(lines), OK, tuple(pdus))


def test_an_error_answer_raises_command_failed_with_its_final():
    failed = Response(at.query_pin(), (), at.FINAL_RESULTS.match("+CME ERROR: 10"))
    with pytest.raises(CommandFailed) as error:
        at.parse_pin(failed)
    assert error.value.final.code == 10


@pytest.mark.parametrize(
    ("line", "state"),
    [
        ("+CPIN: READY", PinState.READY),
        ("+CPIN:READY", PinState.READY),
        ('+CPIN: "SIM PIN"', PinState.SIM_PIN),
        ("+CPIN: SIM PUK", PinState.SIM_PUK),
        ("+CPIN: NOT INSERTED", PinState.NOT_INSERTED),
        ("+CPIN: PH-NET PIN", PinState.PH_NET_PIN),
    ],
)
def test_pin_states(line, state):
    assert at.parse_pin(reply(at.query_pin(), line)) is state


def test_pin_state_meanings():
    assert PinState.SIM_PIN.needs_pin and not PinState.SIM_PIN.locked
    assert PinState.SIM_PUK.locked and not PinState.READY.locked


@pytest.mark.parametrize(
    ("command", "line", "value"),
    [
        (at.query_manufacturer(), "SIMCOM_Ltd", "SIMCOM_Ltd"),
        (at.query_manufacturer(), "+CGMI: Quectel", "Quectel"),
        (at.query_manufacturer(), "Manufacturer: huawei", "huawei"),
        (at.query_model(), '+CGMM: "EC25"', "EC25"),
        (at.query_revision(), "Revision:1418B04SIM800L24", "1418B04SIM800L24"),
        (at.query_revision(), "+CGMR: 11.126.16.00.00", "11.126.16.00.00"),
    ],
)
def test_identity_answers_with_or_without_tags_and_labels(command, line, value):
    assert at.parse_identity(reply(command, line)) == value


@pytest.mark.parametrize(
    "line",
    [
        "490154203237518",
        "+CGSN: 490154203237518",
        '+GSN: "490154203237518"',
        "IMEI: 490154203237518",
    ],
)
def test_imei_forms(line):
    assert at.parse_imei(reply(at.query_imei(), line)) == "490154203237518"


@pytest.mark.parametrize("line", ["49015420323751X", "1234", "ERRORISH"])
def test_garbage_imei_raises_with_the_line(line):
    with pytest.raises(ResponseParseError) as error:
        at.parse_imei(reply(at.query_imei(), line))
    assert error.value.line == line


def test_imsi_and_missing_lines():
    assert at.parse_imsi(reply(at.query_imsi(), "001010123456789")) == "001010123456789"
    assert at.parse_imsi(reply(at.query_imsi(), "+CIMI: 001010123456789")) == "001010123456789"
    with pytest.raises(ResponseParseError):
        at.parse_imsi(reply(at.query_imsi()))


def test_ati_labelled_lines():
    info = at.parse_information(
        reply(
            at.query_information(),
            "Manufacturer: huawei",
            "Model: E173",
            "Revision: 11.126.16.00.00",
            "IMEI: 353142041234567",
            "+GCAP: +CGSM,+DS,+ES",
        )
    )
    assert (info.manufacturer, info.model, info.imei) == ("huawei", "E173", "353142041234567")
    assert at.parse_information(reply(at.query_information(), "SIM800 R14.18")).model is None


ICCID = "8944200053671052499"


@pytest.mark.parametrize(
    ("variant", "line"),
    [
        ("ccid", "8944200053671052499F"),
        ("ccid", "+CCID: 8944200053671052499F"),
        ("ccid", '+CCID: "8944200053671052499"'),
        ("iccid", "+ICCID: 8944200053671052499"),
        ("quectel", "+QCCID: 8944200053671052499F"),
        # Huawei firmware differs: some swap the nibbles, some do not (module docstring).
        ("huawei", "^ICCID: 984402003576012594F9"),
        ("huawei", "^ICCID: 8944200053671052499F"),
        # EF_ICCID read raw: always nibble-swapped BCD (TS 102 221 13.2).
        ("crsm", '+CRSM: 144,0,"984402003576012594F9"'),
        ("crsm", "+CRSM: 144,0,984402003576012594F9"),
    ],
)
def test_iccid_from_every_command_form(variant, line):
    assert at.parse_iccid(reply(at.query_iccid(variant), line)) == ICCID


def test_twenty_digit_swapped_iccid_from_modemmanagers_tests():
    assert at.decode_iccid("98231420326409614067", swapped=None) == "89324102234690160476"


@pytest.mark.parametrize(
    "line", ['+CRSM: 148,4,""', "+CRSM: 106,130", "+CCID: 89ABCD", "+CCID: 8944"]
)
def test_bad_iccid_answers_raise(line):
    with pytest.raises(ResponseParseError):
        at.parse_iccid(reply(at.query_iccid("crsm" if "CRSM" in line else "ccid"), line))


@pytest.mark.parametrize(
    ("line", "dbm", "ber_known"),
    [
        ("+CSQ: 0,99", -113, False),
        ("+CSQ: 1,0", -111, True),
        ("+CSQ: 20,99", -73, False),
        ("+CSQ:31,7", -51, True),
        ("+CSQ: 99,99", None, False),
        ("+CSQ: 100,99", -116, False),
        ("+CSQ: 191,99", -25, False),
        ("+CSQ: 199,99", None, False),
    ],
)
def test_signal_quality_in_dbm(line, dbm, ber_known):
    quality = at.parse_signal(reply(at.query_signal(), line))
    assert (quality.dbm, quality.ber_known) == (dbm, ber_known)


@pytest.mark.parametrize("line", ["+CSQ: 32,99", "+CSQ: 20,8", "+CSQ: 20", "+CSQ: x,99"])
def test_signal_garbage(line):
    with pytest.raises(ResponseParseError):
        at.parse_signal(reply(at.query_signal(), line))


@pytest.mark.parametrize(
    ("tag", "line", "expected"),
    [
        ("+CREG", "+CREG: 0,1", (0, RegistrationState.HOME, None, None, None)),
        ("+CREG", "+CREG: 1,5", (1, RegistrationState.ROAMING, None, None, None)),
        ("+CREG", '+CREG: 2,1,"00A1","0000B2C3"', (2, RegistrationState.HOME, 0xA1, 0xB2C3, None)),
        (
            "+CREG",
            '+CREG: 2, 1, "00A1", "0000B2C3", 7',
            (2, RegistrationState.HOME, 0xA1, 0xB2C3, 7),
        ),
        (
            "+CGREG",
            '+CGREG: 2,1,"00A1","0000B2C3",7,"01"',
            (2, RegistrationState.HOME, 0xA1, 0xB2C3, 7),
        ),
        ("+CEREG", "+CEREG: 0,2", (0, RegistrationState.SEARCHING, None, None, None)),
        (
            "+CEREG",
            '+CEREG: 2,1,"1A2B","01A2B3C4",7',
            (2, RegistrationState.HOME, 0x1A2B, 0x1A2B3C4, 7),
        ),
        ("+CEREG", "+CEREG: 4,1,,,7", (4, RegistrationState.HOME, None, None, 7)),
    ],
)
def test_registration_read_forms(tag, line, expected):
    got = at.parse_registration(reply(at.query_registration(tag), line))
    assert (got.n, got.state, got.lac, got.ci, got.act) == expected


def test_registration_urc_forms():
    assert at.parse_registration_urc("+CREG: 3").state is RegistrationState.DENIED
    urc = at.parse_registration_urc('+CEREG: 1,"1A2B","01A2B3C4",7')
    assert (urc.n, urc.lac, urc.act) == (None, 0x1A2B, 7)
    with pytest.raises(ResponseParseError):
        at.parse_registration_urc("+CREG: 12")
    with pytest.raises(ResponseParseError):
        at.parse_registration_urc('+CREG: 1,"ZZZZ","1"')


def test_operator_forms_and_charsets():
    assert at.parse_operator(
        reply(at.query_operator(), '+COPS: 0,0,"Test Network",7')
    ) == at.Operator(0, 0, "Test Network", 7)
    assert at.parse_operator(reply(at.query_operator(), "+COPS: 0")) == at.Operator(
        0, None, None, None
    )
    assert at.parse_operator(reply(at.query_operator(), '+COPS: 0,2,"00101",0')).name == "00101"
    hexed = reply(at.query_operator(), '+COPS: 0,0,"54657374204E6574776F726B",0')
    assert at.parse_operator(hexed, charset="HEX").name == "Test Network"
    ucs2 = reply(at.query_operator(), '+COPS: 0,0,"00540065007300740020004E00650074",0')
    assert at.parse_operator(ucs2, charset="UCS2").name == "Test Net"


def test_smsc_forms():
    assert at.parse_smsc(reply(at.query_smsc(), '+CSCA: "+15550000000",145')) == at.Smsc(
        "+15550000000", 145
    )
    hexed = reply(at.query_smsc(), '+CSCA: "2B3135353530303030303030",145')
    assert at.parse_smsc(hexed, charset="HEX").number == "+15550000000"
    assert at.parse_smsc(reply(at.query_smsc(), '+CSCA: ""')).number == ""
    with pytest.raises(ResponseParseError):
        at.parse_smsc(reply(at.query_smsc(), '+CSCA: "not a number",145'))


def test_storage_read_and_set_forms():
    read = at.parse_storage(reply(at.query_storage(), '+CPMS: "ME",0,30,"ME",1,30,"SM",2,20'))
    assert read == (
        at.StorageUsage("ME", 0, 30),
        at.StorageUsage("ME", 1, 30),
        at.StorageUsage("SM", 2, 20),
    )
    assert at.parse_storage(reply(at.set_storage("ME"), "+CPMS: 0,30,1,30,1,30"))[2] == (
        at.StorageUsage(None, 1, 30)
    )
    with pytest.raises(ResponseParseError):
        at.parse_storage(reply(at.query_storage(), "+CPMS: 0,30,1"))


def test_submit_reference():
    assert at.parse_submit(reply(at.submit_pdu(28), "+CMGS: 12")) == at.SubmitResult(12, None)
    assert at.parse_submit(reply(at.submit_pdu(28), '+CMGS: 0,"00AB"')).ack_pdu == "00AB"
    with pytest.raises(ResponseParseError):
        at.parse_submit(reply(at.submit_pdu(28), "+CMGS: 256"))
    with pytest.raises(ResponseParseError):
        at.parse_submit(reply(at.submit_pdu(28)))


def test_message_listing_forms():
    command = at.list_messages(4)
    listing = reply(
        command,
        "+CMGL: 1,0,,38",
        '+CMGL: 2,"REC READ","Alice",38',
        "+CMGL: 3,1,38",
        pdus=(DELIVER, DELIVER, DELIVER[:-2]),
    )
    messages = at.parse_message_list(listing)
    assert [(m.index, m.status, m.alpha, m.complete) for m in messages] == [
        (1, at.MessageStatus.RECEIVED_UNREAD, None, True),
        (2, at.MessageStatus.RECEIVED_READ, "Alice", True),
        (3, at.MessageStatus.RECEIVED_READ, None, False),
    ]
    with pytest.raises(ResponseParseError):
        at.parse_message_list(reply(command, "+CMGL: 1,9,,38", pdus=(DELIVER,)))


def test_read_message_forms():
    message = at.parse_message(reply(at.read_message(5), "+CMGR: 1,,38", pdus=(DELIVER,)))
    assert (message.index, message.length, message.complete) == (5, 38, True)
    assert at.parse_message(reply(at.read_message(5))) is None


def test_functionality_command_list_and_message_service():
    assert at.parse_functionality(reply(at.query_functionality(), "+CFUN: 1")) == 1
    names = at.parse_command_list(
        reply(at.list_commands(), "+CGMI", "AT+CMGS", "+CLAC: +CSQ,+CREG")
    )
    assert names == ("+CGMI", "+CMGS", "+CSQ", "+CREG")
    service = at.parse_message_service(reply(at.select_message_service(1), "+CSMS: 1,1,1"))
    assert service == at.MessageService(1, 1, 1)


def test_storage_notices_and_incoming_pdus():
    notice = at.parse_storage_notice("+CDSI", '+CDSI: "SR",3')
    assert (notice.kind, notice.memory, notice.index) == (at.NoticeKind.STATUS_REPORT, "SR", 3)
    assert at.parse_storage_notice("+CMTI", '+CMTI: "ME",1,"MMS PUSH"').index == 1
    for bad in ('+CMTI: "SM"', '+CMTI: "S1",1', "+CMTI: SM,x"):
        with pytest.raises(ResponseParseError):
            at.parse_storage_notice("+CMTI", bad)
    with pytest.raises(ResponseParseError):
        at.parse_incoming_pdu("+CMT", "+CMT: ,38", None)


def test_unbalanced_quotes_raise():
    with pytest.raises(ResponseParseError):
        at.parse_operator(reply(at.query_operator(), '+COPS: 0,0,"Test'))


PARSERS = [
    (at.query_pin(), at.parse_pin, "+CPIN:"),
    (at.query_imsi(), at.parse_imsi, ""),
    (at.query_imei(), at.parse_imei, "+CGSN:"),
    (at.query_manufacturer(), at.parse_identity, ""),
    (at.query_iccid("crsm"), at.parse_iccid, "+CRSM:"),
    (at.query_iccid("huawei"), at.parse_iccid, "^ICCID:"),
    (at.query_iccid("ccid"), at.parse_iccid, ""),
    (at.query_signal(), at.parse_signal, "+CSQ:"),
    (at.query_registration(), at.parse_registration, "+CREG:"),
    (at.query_registration("+CEREG"), at.parse_registration, "+CEREG:"),
    (at.query_operator(), at.parse_operator, "+COPS:"),
    (at.query_smsc(), at.parse_smsc, "+CSCA:"),
    (at.query_storage(), at.parse_storage, "+CPMS:"),
    (at.submit_pdu(28), at.parse_submit, "+CMGS:"),
    (at.query_functionality(), at.parse_functionality, "+CFUN:"),
    (at.select_message_service(1), at.parse_message_service, "+CSMS:"),
    (at.list_commands(), at.parse_command_list, ""),
    (at.query_information(), at.parse_information, ""),
]

FIELD_SOUP = st.lists(
    st.sampled_from(
        [
            '"',
            ",",
            " ",
            "0",
            "1",
            "9",
            "99",
            "255",
            "256",
            "A",
            "F",
            "x",
            "²",
            "٣",
            "(",
            ")",
            "-",
            "ME",
            "READY",
            "98",
            "89",
            "\t",
        ]
    ),
    max_size=25,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(PARSERS) - 1), body=FIELD_SOUP)
def test_garbage_answers_raise_only_the_typed_error(index, body):
    command, parse, prefix = PARSERS[index]
    try:
        parse(reply(command, prefix + body))
    except ResponseParseError as error:
        assert error.line is None or isinstance(error.line, str)


@settings(max_examples=300, deadline=None)
@given(body=FIELD_SOUP, name=st.sampled_from(["+CMTI", "+CDSI", "+CMT", "+CDS"]))
def test_garbage_urcs_raise_only_the_typed_error(body, name):
    for parse in (
        lambda: at.parse_storage_notice(name, f"{name}: {body}"),
        lambda: at.parse_incoming_pdu(name, f"{name}: {body}", "00"),
        lambda: at.parse_registration_urc(f"+CREG: {body}"),
        lambda: at.parse_message_list(reply(at.list_messages(4), f"+CMGL: {body}", pdus=(None,))),
        lambda: at.parse_message(reply(at.read_message(1), f"+CMGR: {body}", pdus=(None,))),
    ):
        with contextlib.suppress(ResponseParseError):
            parse()


@pytest.mark.parametrize(
    ("command", "parse", "line"),
    [
        (at.query_signal(), at.parse_signal, "+CSQ: ²,99"),
        (at.query_signal(), at.parse_signal, "+CSQ: ٣,99"),
        (at.query_imsi(), at.parse_imsi, "٣٣٣٣٣٣٣"),
        (at.query_storage(), at.parse_storage, "+CPMS: ²,3"),
        (at.query_registration(), at.parse_registration, '+CREG: 2,1,"٣٣","1"'),
    ],
)
def test_non_ascii_digits_are_not_numbers(command, parse, line):
    with pytest.raises(ResponseParseError):
        parse(reply(command, line))


def test_a_final_with_a_non_ascii_code_keeps_it_as_text():
    final = at.FINAL_RESULTS.match("+CME ERROR: ²")
    assert (final.code, final.text) == (None, "²")
