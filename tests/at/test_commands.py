"""Command builders: the exact lines the driver writes, and refusals of bad arguments."""

import pytest

from gsmgateway import at
from gsmgateway.at import Command, CommandArgumentError


@pytest.mark.parametrize(
    ("command", "line"),
    [
        (at.attention(), "AT"),
        (at.echo_off(), "ATE0"),
        (at.report_errors(), "AT+CMEE=1"),
        (at.query_pin(), "AT+CPIN?"),
        (at.enter_pin("1234"), 'AT+CPIN="1234"'),
        (at.enter_pin("12345678", "0000"), 'AT+CPIN="12345678","0000"'),
        (at.set_pdu_mode(), "AT+CMGF=0"),
        (at.query_storage(), "AT+CPMS?"),
        (at.set_storage("ME", "ME", "ME"), 'AT+CPMS="ME","ME","ME"'),
        (at.set_storage("SM"), 'AT+CPMS="SM"'),
        (at.set_storage("MT", "SM"), 'AT+CPMS="MT","SM"'),
        (at.new_message_indications(), "AT+CNMI=2,1,0,2,0"),
        (at.new_message_indications(2, 2, 0, 1, None), "AT+CNMI=2,2,0,1"),
        (at.query_smsc(), "AT+CSCA?"),
        (at.set_smsc("+15550000000"), 'AT+CSCA="+15550000000",145'),
        (at.query_manufacturer(), "AT+CGMI"),
        (at.query_model(), "AT+CGMM"),
        (at.query_revision(), "AT+CGMR"),
        (at.query_imei(), "AT+CGSN"),
        (at.query_serial_gsn(), "AT+GSN"),
        (at.query_information(), "ATI"),
        (at.query_imsi(), "AT+CIMI"),
        (at.query_iccid("ccid"), "AT+CCID"),
        (at.query_iccid("huawei"), "AT^ICCID?"),
        (at.query_iccid("quectel"), "AT+QCCID"),
        (at.query_iccid("crsm"), "AT+CRSM=176,12258,0,0,10"),
        (at.query_signal(), "AT+CSQ"),
        (at.query_registration(), "AT+CREG?"),
        (at.query_registration("+CGREG"), "AT+CGREG?"),
        (at.query_registration("+CEREG"), "AT+CEREG?"),
        (at.set_registration_reports("+CREG", 2), "AT+CREG=2"),
        (at.query_operator(), "AT+COPS?"),
        (at.set_operator_format(0), "AT+COPS=3,0"),
        (at.submit_pdu(28), "AT+CMGS=28"),
        (at.list_messages(4), "AT+CMGL=4"),
        (at.read_message(3), "AT+CMGR=3"),
        (at.delete_message(3), "AT+CMGD=3"),
        (at.delete_message(0, 4), "AT+CMGD=0,4"),
        (at.acknowledge_message(), "AT+CNMA"),
        (at.reset_modem(), "AT+CFUN=1,1"),
        (at.query_functionality(), "AT+CFUN?"),
        (at.huawei_unsolicited_reports(0), "AT^CURC=0"),
        (at.list_commands(), "AT+CLAC"),
        (at.select_message_service(1), "AT+CSMS=1"),
        (at.set_character_set("GSM"), 'AT+CSCS="GSM"'),
    ],
)
def test_builders_write_the_spec_line(command, line):
    assert command.line == line
    assert command.encode() == line.encode() + b"\r"


@pytest.mark.parametrize(
    "build",
    [
        lambda: at.enter_pin("12"),
        lambda: at.enter_pin('12"4'),
        lambda: at.set_storage("XX"),
        lambda: at.set_storage("ME", None, "ME"),
        lambda: at.new_message_indications(mode=4),
        lambda: at.new_message_indications(ds=True),
        lambda: at.submit_pdu(0),
        lambda: at.submit_pdu(165),
        lambda: at.list_messages(5),
        lambda: at.read_message(-1),
        lambda: at.delete_message(1, 9),
        lambda: at.query_iccid("nokia"),
        lambda: at.query_registration("+CSQ"),
        lambda: at.set_smsc("555-1234"),
        lambda: at.set_character_set('"'),
        lambda: Command("ATD\r123"),
        lambda: Command("+CSQ"),
        lambda: Command("AT+CMGS=1", prompt=True),
        lambda: Command("AT", max_lines=0),
    ],
)
def test_bad_arguments_are_refused_with_a_specific_error(build):
    with pytest.raises(CommandArgumentError):
        build()


def test_raw_commands_own_lines_tagged_with_their_name():
    assert at.raw("AT+CSCS?").prefixes == ("+CSCS:",)
    assert at.raw("AT$TSSPCSW=?").prefixes == ("$TSSPCSW:",)
    assert at.raw("ATZ").prefixes == ()


def test_ownership_rules():
    imei = at.query_imei()
    assert imei.owns("490154203237518", 0)
    assert imei.owns("+CGSN: 490154203237518", 0)
    assert not imei.owns("RING", 0)
    assert not imei.owns('+CMTI: "SM",1', 0)
    signal = at.query_signal()
    assert signal.owns("+CSQ: 1,2", 0) and not signal.owns("+CSQ: 1,2", 1)
    assert not signal.owns("20,99", 0)


@pytest.mark.parametrize(
    ("line", "solicited"),
    [
        ("+CREG: 0,1", True),
        ('+CREG: 2,1,"00A1","0000B2C3"', True),
        ('+CREG: 2,1,"00A1","0000B2C3",7', True),
        ("+CREG: 1", False),
        ('+CREG: 1,"00AB","1234"', False),
        ('+CREG:1,"00AB","1234",7', False),
        ('+CEREG: 1,"1A2B","01A2B3C4",7', False),
        ("+CEREG: 4,1,,,7", True),
        ("+CSQ: 1,1", False),
    ],
)
def test_registration_read_answers_are_told_from_urcs_by_shape(line, solicited):
    assert at.is_solicited_registration(line) is solicited
