"""Every command the reference transcripts show real clients sending gets a real answer.

The commands are the ``C>`` lines of shared/reference/transcripts (gammu 1.42 identify,
sendsms, getallsms; gammu-smsd 1.42; python-gsmmodem-new 0.13), AT+CMGS aside (the
conformance tests send real PDUs). Vendor probes of other makers must fail the way
this model fails an unknown command; everything else must end in OK.
"""

import pytest

from tests.sim.test_machine import DELIVER, Harness

CLIENT_COMMANDS = [
    "AT", "ATE1", "AT+MODE=2", "AT+CMEE=1", "AT+CSCS?", "AT+CSCS=?", 'AT+CSCS="HEX"',
    "AT+CGMM", "AT+CGMI", "AT+CPROT=?", "AT+SYNCML=?", "AT$TSSPCSW=?", "AT+CHUP=?",
    "AT+CGMR", "AT+CFUN=1", "AT+CPIN?", "AT+CPMS=?", 'AT+CPMS="ME"', "AT+CNMI=?",
    "AT+CNMI=2,1,0,2,0", "AT+CUSD=1", "AT+CGSN", "AT+CIMI", "AT+CMMS=2",
    'AT+CPMS="SM","SM"', 'AT+CPMS="ME","ME"', "AT+CMGF=0", 'AT+CPMS="SM"', "AT+CMGL=4",
    "AT+CMGR=1", "AT+CMGD=1", "AT+CSCA?", "AT+CBC", "AT+CSQ", "AT+CREG=2", "AT+CGREG=2",
    "AT+CGATT?", "AT+CREG?", "AT+CGREG?", "AT+COPS=3,2", "AT+COPS?", "AT+COPS=3,0",
    "AT+CUSD=2", "AT+CUSD=0", "AT+CMMS=0", "ATZ", "ATE0", "AT+CFUN?", "AT+CLAC",
    "AT+DDET=1", "AT+ZPAS?", "AT+CSMP=49,167,0,0", 'AT+CPMS="ME","ME","ME"',
    "AT+CNMI=2,1,0,2", "AT+CLIP=1", "AT+CRC=1", "AT+CVHU=0", "AT+CMGL=4", "AT+CMGR=1",
    "AT+CMGD=1,0", 'AT+CSCS="GSM"',
]  # fmt: skip
VENDOR_PROBES = {"AT+MODE=2", "AT+CPROT=?", "AT+SYNCML=?", "AT$TSSPCSW=?", "AT+DDET=1", "AT+ZPAS?"}


@pytest.mark.parametrize("profile", ["generic", "huawei", "sim800", "quectel"])
def test_every_transcript_command_gets_a_realistic_answer(profile):
    h = Harness(profile)
    h.at("AT^CURC=0")
    h.apply(h.machine.deliver_sms(DELIVER, 38, 0.0))  # SM 1
    h.at('AT+CPMS="ME","ME","ME"')
    h.apply(h.machine.deliver_sms(DELIVER, 38, 0.0))  # ME 1
    h.at('AT+CPMS="SM","SM","SM"')
    unknown = h.machine.profile.unknown_reply
    for command in CLIENT_COMMANDS:
        reply = h.at(command)
        if command in VENDOR_PROBES:
            assert reply.endswith(f"\r\n{unknown}\r\n"), (command, reply)
        elif command == 'AT+CSCS="HEX"' and "HEX" not in h.machine.profile.charsets:
            assert reply.endswith("\r\n+CME ERROR: 4\r\n"), reply  # gammu keeps the default
        else:
            assert reply.endswith("\r\nOK\r\n"), (command, reply)
