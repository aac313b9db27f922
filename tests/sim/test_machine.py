"""The AT machine alone (pure): bytes in, bytes and effects out, time passed in."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway.sim import ModemMachine, Phase, SubmitOutcome, Timing, identity_for, profile_named
from gsmgateway.sim.model import Replug, StartTimer, SubmitRequest, Write

NOW = 1_800_000_000.0
# Real PDUs (from the reference transcripts): an SMS-DELIVER and an SMS-STATUS-REPORT.
DELIVER = (
    "07915155000000F0040B915155674523F100006211220190420015C2B27B8C06A5DDE2371ED42ECFE7E173191403"
)
REPORT = "07915155000000F006010B915155214365F7621122019013006211220190130000"
# The same DELIVER with TP-DCS 0x12: class 2 (SIM-specific).
DELIVER_CLASS2 = DELIVER.replace("F100006211", "F100126211")


def tpdu_length(pdu):
    raw = bytes.fromhex(pdu)
    return len(raw) - 1 - raw[0]


class Harness:
    def __init__(self, profile="generic", **timing):
        self.machine = ModemMachine(identity_for(0), profile_named(profile), Timing(**timing))
        self.out = bytearray()
        self.timers = []
        self.submits = []
        self.replugs = []
        self.apply(self.machine.power_on(NOW))

    def apply(self, effects):
        for effect in effects:
            if isinstance(effect, Write):
                self.out.extend(effect.data)
            elif isinstance(effect, StartTimer):
                self.timers.append(effect.token)
            elif isinstance(effect, SubmitRequest):
                self.submits.append(effect)
            elif isinstance(effect, Replug):
                self.replugs.append(effect)

    def take(self):
        data = bytes(self.out)
        self.out.clear()
        return data

    def send(self, data):
        self.take()
        self.apply(self.machine.receive(data if isinstance(data, bytes) else data.encode(), NOW))
        return self.take().decode("latin-1")

    def at(self, line):
        return self.send(line + "\r")

    def fire(self, prefix):
        token = [t for t in self.timers if t.startswith(prefix)][-1]
        self.timers.remove(token)
        self.take()
        self.apply(self.machine.on_timer(token, NOW))
        return self.take().decode("latin-1")

    def deliver(self, pdu=DELIVER):
        self.take()
        self.apply(self.machine.deliver_sms(pdu, tpdu_length(pdu), NOW))
        return self.take().decode("latin-1")

    def report(self, pdu=REPORT):
        self.take()
        self.apply(self.machine.deliver_status_report(pdu, tpdu_length(pdu), NOW))
        return self.take().decode("latin-1")


@pytest.fixture
def modem():
    h = Harness()
    h.at("ATE0")
    return h


def test_echo_until_ate0_and_gammus_opening_escape():
    h = Harness()
    assert h.send("\x1b\r") == "\r"  # gammu's ESC CR: echoed CR, no answer
    assert h.at("AT") == "AT\r\r\nOK\r\n"
    assert h.at("ATE0") == "ATE0\r\r\nOK\r\n"
    assert h.at("AT") == "\r\nOK\r\n"


def test_identification(modem):
    identity = modem.machine.identity
    assert modem.at("AT+CGSN") == f"\r\n{identity.imei}\r\n\r\nOK\r\n"
    assert modem.at("AT+GSN") == f"\r\n{identity.imei}\r\n\r\nOK\r\n"
    assert modem.at("AT+CIMI") == f"\r\n{identity.imsi}\r\n\r\nOK\r\n"
    assert modem.at("AT+CCID") == f"\r\n+CCID: {identity.iccid}\r\n\r\nOK\r\n"
    assert modem.at("AT+CGMI;+CGMM") == "\r\ngsmgateway\r\n\r\nSIM-MODEM\r\n\r\nOK\r\n"
    assert '+CNUM: "","+447400100000",145' in modem.at("AT+CNUM")


def test_error_forms_follow_cmee_and_unknown_commands_say_error(modem):
    assert modem.at('AT+CPIN="0000"') == "\r\nERROR\r\n"  # nothing to unlock
    modem.at("AT+CMEE=1")
    assert modem.at('AT+CPIN="0000"') == "\r\n+CME ERROR: 3\r\n"
    modem.at("AT+CMEE=2")
    assert modem.at('AT+CPIN="0000"') == "\r\n+CME ERROR: operation not allowed\r\n"
    # V.250: an unknown command is ERROR whatever +CMEE says.
    assert modem.at("AT+MODE=2") == "\r\nERROR\r\n"
    assert modem.at("AT+CGMI;+NOPE;+CGMM") == "\r\ngsmgateway\r\n\r\nERROR\r\n"
    assert modem.at("ATV0") == "0\r"
    assert modem.at("AT+NOPE") == "4\r"


def test_huawei_says_command_not_support():
    h = Harness("huawei")
    h.at("ATE0")
    assert h.at("AT+DDET=1") == "\r\nCOMMAND NOT SUPPORT\r\n"


def test_pin_then_puk(modem):
    modem.at("AT+CMEE=1")
    modem.apply(modem.machine.lock_sim("4321", "87654321"))
    assert modem.at("AT+CPIN?") == "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n"
    assert modem.at("AT+CIMI") == "\r\n+CME ERROR: 11\r\n"
    assert modem.at("AT+CMGL=4") == "\r\n+CMS ERROR: 311\r\n"
    assert "+CREG: 0,0" in modem.at("AT+CREG?")
    for _ in range(3):
        assert modem.at('AT+CPIN="0000"') == "\r\n+CME ERROR: 16\r\n"
    assert modem.at("AT+CPIN?") == "\r\n+CPIN: SIM PUK\r\n\r\nOK\r\n"
    assert modem.at('AT+CPIN="4321"') == "\r\n+CME ERROR: 12\r\n"
    assert modem.at('AT+CPIN="87654321","1111"') == "\r\nOK\r\n"
    assert modem.at("AT+CPIN?") == "\r\n+CPIN: READY\r\n\r\nOK\r\n"
    assert "+CREG: 0,1" in modem.at("AT+CREG?")
    # the new PIN is asked again after a power cycle
    modem.apply(modem.machine.power_on(NOW))
    modem.at("ATE0")
    assert "SIM PIN" in modem.at("AT+CPIN?")
    assert modem.at('AT+CPIN="1111"') == "\r\nOK\r\n"


def test_registration_urcs_and_queries(modem):
    modem.at("AT+CREG=1")
    modem.apply(modem.machine.set_registration(0, NOW))
    assert modem.take() == b"\r\n+CREG: 0\r\n"
    modem.at("AT+CREG=2")
    modem.apply(modem.machine.set_registration(1, NOW))
    assert modem.take() == b'\r\n+CREG: 1,"00A1","0000B2C3"\r\n'
    assert modem.at("AT+CREG?") == '\r\n+CREG: 2,1,"00A1","0000B2C3"\r\n\r\nOK\r\n'
    modem.apply(modem.machine.set_registration(3, NOW))
    assert modem.take() == b"\r\n+CREG: 3\r\n"
    assert modem.at("AT+COPS?") == "\r\n+COPS: 0\r\n\r\nOK\r\n"


def test_cops_and_csca_follow_cscs(modem):
    modem.at('AT+CSCS="HEX"')
    assert modem.at("AT+COPS?") == '\r\n+COPS: 0,0,"54657374204E6574776F726B",0\r\n\r\nOK\r\n'
    assert modem.at("AT+CSCA?") == '\r\n+CSCA: "2B343437343030303030303031",145\r\n\r\nOK\r\n'
    modem.at('AT+CSCS="UCS2"')
    assert modem.at("AT+CSCA?").startswith('\r\n+CSCA: "002B0034')
    modem.at("AT+COPS=3,2")
    assert modem.at("AT+COPS?") == '\r\n+COPS: 0,2,"00101",0\r\n\r\nOK\r\n'


def test_stored_inbound_sms_names_its_memory_and_reads_back(modem):
    modem.at("AT+CNMI=2,1,0,2,0")
    assert modem.deliver() == '\r\n+CMTI: "SM",1\r\n'
    modem.at('AT+CPMS="ME","ME","ME"')
    assert modem.deliver() == '\r\n+CMTI: "ME",1\r\n'
    modem.at('AT+CPMS="SM"')
    length = tpdu_length(DELIVER)
    assert modem.at("AT+CMGL=0") == f"\r\n+CMGL: 1,0,,{length}\r\n{DELIVER}\r\n\r\nOK\r\n"
    # listing marked it read (27.005 3.4.2): no unread left
    assert modem.at("AT+CMGL=0") == "\r\nOK\r\n"
    assert modem.at("AT+CMGR=1") == f"\r\n+CMGR: 1,,{length}\r\n{DELIVER}\r\n\r\nOK\r\n"
    assert modem.at("AT+CMGR=2") == "\r\nERROR\r\n"
    modem.at("AT+CMEE=1")
    assert modem.at("AT+CMGR=2") == "\r\n+CMS ERROR: 321\r\n"
    assert modem.at("AT+CMGR=99") == "\r\n+CMS ERROR: 321\r\n"
    assert modem.at("AT+CMGD=1") == "\r\nOK\r\n"
    assert modem.at("AT+CPMS?") == '\r\n+CPMS: "SM",0,30,"ME",1,30,"ME",1,30\r\n\r\nOK\r\n'


def test_mt_memory_and_class_2(modem):
    modem.at('AT+CPMS="MT","MT","MT"')
    assert modem.deliver() == '\r\n+CMTI: "SM",1\r\n'
    modem.at('AT+CPMS="ME","ME","ME"')
    assert modem.deliver(DELIVER_CLASS2) == '\r\n+CMTI: "SM",2\r\n'  # class 2 goes to the SIM


def test_routed_sms_and_acknowledgement(modem):
    modem.at("AT+CMEE=1")
    modem.at("AT+CNMI=2,2,0,1,0")
    length = tpdu_length(DELIVER)
    assert modem.deliver() == f"\r\n+CMT: ,{length}\r\n{DELIVER}\r\n"
    assert modem.at("AT+CNMA") == "\r\n+CMS ERROR: 340\r\n"  # CSMS=0: no ack expected
    modem.at("AT+CSMS=1")
    assert modem.deliver() == f"\r\n+CMT: ,{length}\r\n{DELIVER}\r\n"
    assert modem.deliver() == ""  # one unacknowledged at a time
    assert modem.at("AT+CNMA") == f"\r\nOK\r\n\r\n+CMT: ,{length}\r\n{DELIVER}\r\n"
    # no ack in time: routing off (27.005 3.4.1) and the message is stored, silently
    assert modem.fire("cnma:") == ""
    assert modem.at("AT+CNMI?") == "\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n"
    assert modem.machine.store.used("SM") == 1
    assert modem.deliver() == ""  # mt=0: stored, no indication
    assert modem.machine.store.used("SM") == 2


def test_status_reports_follow_ds(modem):
    length = tpdu_length(REPORT)
    modem.at("AT+CNMI=2,1,0,0,0")
    assert modem.report() == ""
    assert modem.machine.store.used("SM") == 0  # ds=0: not routed, not kept
    modem.at("AT+CNMI=2,1,0,1,0")
    assert modem.report() == f"\r\n+CDS: {length}\r\n{REPORT}\r\n"
    modem.at('AT+CNMI=2,1,0,2,0;+CPMS="ME","ME","ME"')
    assert modem.report() == '\r\n+CDSI: "ME",1\r\n'
    assert modem.at("AT+CMGR=1") == f"\r\n+CMGR: 0,,{length}\r\n{REPORT}\r\n\r\nOK\r\n"


def test_full_storage_holds_messages_until_a_slot_frees():
    h = Harness()
    h.at("ATE0")
    h.machine.store = type(h.machine.store)({"SM": 1, "ME": 1})
    h.at("AT+CNMI=2,1")
    assert h.deliver() == '\r\n+CMTI: "SM",1\r\n'
    assert h.deliver() == ""  # memory capacity exceeded: the network keeps it
    assert h.at("AT+CMGD=1") == '\r\nOK\r\n\r\n+CMTI: "SM",1\r\n'


def test_urcs_wait_for_the_prompt_in_mode_2_and_are_dropped_in_mode_1(modem):
    modem.at("AT+CNMI=2,1")
    assert modem.at("AT+CMGS=20") == "\r\n> "
    assert modem.deliver() == ""
    assert modem.send("\x1b") == '\r\nOK\r\n\r\n+CMTI: "SM",1\r\n'
    modem.at("AT+CNMI=1,1")
    modem.at("AT+CMGS=20")
    assert modem.deliver() == ""
    assert modem.send("\x1b") == "\r\nOK\r\n"
    assert modem.machine.store.used("SM") == 2  # stored all the same


def test_a_urc_never_splits_the_echo_of_a_line_being_typed():
    # gammu under load writes "A" then "TE1\r"; Huawei noise that fell between was
    # echoed inside the line, and gammu 1.42 then waited for its reply forever.
    h = Harness("huawei")
    h.at("AT^CURC=1")
    assert h.send("A") == "A"
    assert h.fire("noise") == ""
    assert h.send("TE1\r") == "TE1\r\r\nOK\r\n\r\n^MODE: 5,4\r\n"
    assert h.fire("noise").startswith("\r\n^")  # typing done: URCs go straight out


def test_an_inbound_notice_waits_for_the_line_being_typed(modem):
    modem.at("AT+CNMI=2,1")
    assert modem.send("AT+C") == ""
    assert modem.deliver() == ""
    assert modem.send("SQ\r") == '\r\n+CSQ: 20,99\r\n\r\nOK\r\n\r\n+CMTI: "SM",1\r\n'
    assert modem.send("A") == ""  # a line with nothing in it after its BS still waits
    assert modem.deliver() == ""
    assert modem.send("\x08\r") == '\r\n+CMTI: "SM",2\r\n'


def test_mode_0_buffers_until_mode_changes(modem):
    modem.at("AT+CNMI=0,1")
    assert modem.deliver() == ""
    assert modem.at("AT+CNMI=2,1,0,0,0") == '\r\nOK\r\n\r\n+CMTI: "SM",1\r\n'


def test_pdu_length_is_checked_against_the_tpdu(modem):
    modem.at("AT+CMEE=1")
    assert modem.at("AT+CMGS=10") == "\r\n> "
    # 00 (no SMSC) + a TPDU of 3 octets, declared 10
    assert modem.send("00112233\x1a") == "\r\n+CMS ERROR: 304\r\n"
    modem.at("AT+CMGS=10")
    assert modem.send("0G11\x1a") == "\r\n+CMS ERROR: 304\r\n"  # not hex
    modem.at("AT+CMGS=10")
    # a command typed into the prompt is PDU text: the length check fails
    assert modem.send("AT+CSQ\r\x1a") == "\r\n+CMS ERROR: 304\r\n"
    assert modem.at("AT+CMGS=300") == "\r\n+CMS ERROR: 304\r\n"
    assert modem.machine.phase is Phase.COMMAND


def test_malformed_lines_are_errors_and_lines_without_at_are_ignored(modem):
    assert modem.at("A" * 2000) == "\r\nERROR\r\n"  # too long for the line buffer
    assert modem.at("AT" + "Q" * 600) == "\r\nERROR\r\n"
    assert modem.at("AT+CSQ\xff\xfe") == "\r\nERROR\r\n"
    assert modem.send(b"AT+C\x00SQ\r") == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"  # NULs dropped
    assert modem.at("hello") == ""
    assert modem.send("AT+CSQX\x08\r") == "\r\n+CSQ: 20,99\r\n\r\nOK\r\n"  # backspace
    assert modem.at("AT") == "\r\nOK\r\n"


def test_cfun_reset_reboots_or_replugs():
    h = Harness("sim800")
    h.at("ATE0")
    assert h.at("AT+CFUN=1,1") == "\r\nOK\r\n"
    assert h.machine.phase is Phase.BOOTING
    assert h.send("AT\r") == ""
    assert h.fire("boot") == (
        "\r\n+CFUN: 1\r\n\r\n+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n"
    )
    assert h.at("AT") == "AT\r\r\nOK\r\n"  # echo is back on after a reset
    q = Harness("quectel")
    q.at("AT+CFUN=1,1")
    assert q.replugs  # the EC25 leaves the USB bus


def test_cfun_0_deregisters(modem):
    modem.at("AT+CMEE=1;+CREG=1")
    assert modem.at("AT+CFUN=0") == "\r\nOK\r\n\r\n+CREG: 0\r\n"
    assert modem.at("AT+CSQ") == "\r\n+CSQ: 99,99\r\n\r\nOK\r\n"
    assert modem.at("AT+CFUN=1") == "\r\nOK\r\n\r\n+CREG: 1\r\n"


def test_ussd_answer_follows_cscs(modem):
    assert modem.at('AT+CUSD=1,"*100#",15') == "\r\nOK\r\n"
    assert modem.fire("ussd:") == '\r\n+CUSD: 0,"Your balance is 12.34 EUR.",15\r\n'


def test_hang_swallows_everything_until_resumed(modem):
    modem.apply(modem.machine.hang())
    assert modem.at("AT") == ""
    assert modem.deliver() == ""
    modem.apply(modem.machine.resume(NOW))
    assert modem.at("AT") == "\r\nOK\r\n"


SCRIPT = (
    b"ATE1\rAT+CMEE=1\rAT+CPMS?\rAT+CMGS=5\r0011\x1b"
    b'AT+CNMI=2,1,0,2,0;+CSCS="HEX";+COPS?\rAT+CMGS=5\r00112233\x1aAT+CSQ\r'
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=len(SCRIPT)), max_size=12))
def test_any_chunking_gives_the_same_bytes(cuts):
    whole = Harness()
    expected = whole.send(SCRIPT)
    chunked = Harness()
    out = []
    points = sorted(set(cuts))
    for start, end in zip([0, *points], [*points, len(SCRIPT)], strict=True):
        out.append(chunked.send(SCRIPT[start:end]))
    assert "".join(out) == expected


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300), st.sampled_from(["generic", "huawei", "sim800", "quectel"]))
def test_any_input_never_breaks_the_machine(data, profile):
    h = Harness(profile)
    h.send(data)
    h.send(b"\x1b\r")
    if h.machine.phase is Phase.SUBMITTING:
        return  # a valid-looking PDU is with the network
    h.machine.resume(NOW)
    assert "OK" in h.at("AT") or h.machine.phase is Phase.BOOTING or h.replugs


def test_echo_survives_a_command_that_changes_registration():
    h = Harness()
    h.at("AT+CREG=1")
    assert h.at("AT+CFUN=0") == "AT+CFUN=0\r\r\nOK\r\n\r\n+CREG: 0\r\n"


# An SMS-SUBMIT "Hello" to +447400100001 (python-gsmmodem's encoder), no SMSC.
SUBMIT = "0001000C91444700010010000005C8329BFD06"


def test_bytes_after_ctrl_z_wait_for_the_networks_answer(modem):
    assert modem.at("AT+CMGS=18") == "\r\n> "
    assert modem.send(SUBMIT + "\x1aAT+CSQ\r") == ""  # held while the network decides
    (request,) = modem.submits
    assert request.mr == 1 and request.tpdu_length == 18
    modem.apply(modem.machine.submit_finished(SubmitOutcome(), NOW))
    assert modem.take() == b"\r\n+CMGS: 1\r\n\r\nOK\r\n\r\n+CSQ: 20,99\r\n\r\nOK\r\n"
    modem.at("AT+CMGS=18")
    modem.send(SUBMIT + "\x1a")
    modem.apply(modem.machine.submit_finished(SubmitOutcome(error=332), NOW))
    assert modem.take() == b"\r\nERROR\r\n"


@settings(max_examples=300, deadline=None)
@given(st.binary(min_size=7, max_size=164), st.booleans())
def test_any_pdu_of_the_declared_length_is_sent_or_refused_with_304(tpdu, with_smsc):
    h = Harness()
    h.at("ATE0;+CMEE=1")
    smsc = bytes.fromhex("07914447000000F1") if with_smsc else b"\x00"
    assert h.at(f"AT+CMGS={len(tpdu)}") == "\r\n> "
    reply = h.send((smsc + tpdu).hex().upper() + "\x1a")
    if h.submits:
        assert reply == "" and h.machine.phase is Phase.SUBMITTING
        assert h.submits[0].tpdu_length == len(tpdu)
    else:
        assert reply == "\r\n+CMS ERROR: 304\r\n"


@st.composite
def plausible_submits(draw):
    """SMS-SUBMIT TPDUs with a sane envelope and arbitrary DCS, UDH flag and user data."""
    first = 0x01 | (draw(st.integers(0, 0xFF)) & 0xFC)
    digits = draw(st.integers(1, 20))
    address = bytes([digits, draw(st.sampled_from([0x81, 0x91, 0xD0]))])
    address += draw(st.binary(min_size=(digits + 1) // 2, max_size=(digits + 1) // 2))
    vp = {0: b"", 2: b"\xa7", 1: bytes(7), 3: bytes(7)}[(first >> 3) & 3]
    dcs = draw(st.integers(0, 0xFF))
    body = draw(st.binary(max_size=140))
    udl = draw(st.one_of(st.just(len(body)), st.integers(0, 255)))
    return bytes([first, 0]) + address + bytes([0, dcs]) + vp + bytes([udl]) + body


@settings(max_examples=400, deadline=None)
@given(plausible_submits())
def test_plausible_submits_are_sent_or_refused_never_crash(tpdu):
    h = Harness()
    h.at("ATE0;+CMEE=1")
    if not 7 <= len(tpdu) <= 164:
        return
    assert h.at(f"AT+CMGS={len(tpdu)}") == "\r\n> "
    reply = h.send("00" + tpdu.hex().upper() + "\x1a")
    assert (h.submits and reply == "") or reply == "\r\n+CMS ERROR: 304\r\n"
