"""Replaying the reference transcripts: every command gets its answer, every URC surfaces.

The ``C>`` lines are what gammu, gammu-smsd and python-gsmmodem really sent; each one is
issued through the core with the builder the driver would use (or ``raw`` for commands
the driver never sends), and the ``M<`` bytes are fed back whole and one byte at a time.
The files are copies of the project's shared reference transcripts (tests/data).
"""

import re
from pathlib import Path

import pytest

from gsmgateway import at
from gsmgateway.at import AtConnection, Prompt, Response, Urc
from tests.helpers.at_transcripts import command_for, read_transcript

TRANSCRIPTS = Path(__file__).resolve().parents[1] / "data" / "at_transcripts"
NAMES = ["gammu.txt", "gammu-smsd.txt", "python-gsmmodem.txt"]


def expected_lines(data):
    """The lines the modem wrote, without line endings and without the ``> `` prompt."""
    lines = [piece for piece in re.split(rb"[\r\n]+", data) if piece and piece != b"> "]
    return [piece.decode() for piece in lines]


def sessions():
    for name in NAMES:
        for index, session in enumerate(read_transcript(TRANSCRIPTS / name)):
            yield pytest.param(session, id=f"{name}:{index}")


def replay(session, feed):
    """Run one session; returns (commands sent with what the modem said, events, urc lines)."""
    conn = AtConnection()
    events, sent, urc_lines = [], [], []
    charset = "GSM"
    for step in session.steps:
        if step.kind == "command":
            command = command_for(step.text)
            conn.send(command)
            sent.append([command, b""])
            found = re.match(r'^AT\+CSCS="(\w+)"$', step.text)
            if found:
                charset = found.group(1)
        elif step.kind == "pdu":
            assert isinstance(events[-1], Prompt)
            conn.send_pdu(step.text)
        elif step.kind == "modem":
            if sent and conn.pending is not None:
                sent[-1][1] += step.data
            else:
                urc_lines += expected_lines(step.data)
            feed(conn, step.data)
            events += list(conn.events())
    return sent, events, urc_lines, charset


def feed_whole(conn, data):
    conn.receive_data(data)


def feed_bytewise(conn, data):
    for i in range(len(data)):
        conn.receive_data(data[i : i + 1])


@pytest.mark.parametrize("feed", [feed_whole, feed_bytewise], ids=["whole", "bytewise"])
@pytest.mark.parametrize("session", list(sessions()))
def test_every_command_gets_its_answer_and_every_urc_surfaces(session, feed):
    sent, events, urc_lines, _ = replay(session, feed)
    responses = [e for e in events if isinstance(e, Response)]
    assert [r.command for r in responses] == [command for command, _ in sent]
    for response, (_, data) in zip(responses, sent, strict=True):
        *lines, final = expected_lines(data)
        assert response.final.line == final
        answer_lines = list(response.lines) + [pdu for pdu in response.pdus if pdu]
        assert sorted(answer_lines) == sorted(lines)
    assert [u.line for u in events if isinstance(u, Urc)] == urc_lines
    assert all(isinstance(e, Response | Urc | Prompt) for e in events)


def answers(session):
    _, events, _, charset = replay(session, feed_whole)
    return {e.command.line: e for e in events if isinstance(e, Response)}, charset


def test_gammu_identify_and_send_parse_to_the_values_gammu_printed():
    first, second = read_transcript(TRANSCRIPTS / "gammu.txt")[:2]
    replies, _ = answers(first)
    assert at.parse_identity(replies["AT+CGMI"]) == "SIMCOM_Ltd"
    assert at.parse_identity(replies["AT+CGMM"]) == "SIMCOM_SIM800L"
    assert at.parse_imei(replies["AT+CGSN"]) == "490154203237518"
    assert at.parse_imsi(replies["AT+CIMI"]) == "001010123456789"
    replies, charset = answers(second)
    assert charset == "HEX"
    assert at.parse_smsc(replies["AT+CSCA?"], charset=charset).number == "+15550000000"
    assert at.parse_submit(replies["AT+CMGS=28"]).mr == 1


def test_gammu_smsd_polls_and_reads_parse():
    (session,) = read_transcript(TRANSCRIPTS / "gammu-smsd.txt")
    replies, charset = answers(session)
    assert at.parse_signal(replies["AT+CSQ"]).dbm == -73
    registration = at.parse_registration(replies["AT+CREG?"])
    assert (registration.state, registration.lac, registration.ci) == (
        at.RegistrationState.HOME,
        0xA1,
        0xB2C3,
    )
    assert at.parse_operator(replies["AT+COPS?"], charset=charset).name == "Test Network"
    assert at.parse_pin(replies["AT+CPIN?"]) is at.PinState.READY


def test_python_gsmmodem_session_parses():
    (session,) = read_transcript(TRANSCRIPTS / "python-gsmmodem.txt")
    _, events, _, _ = replay(session, feed_whole)
    replies = {e.command.line: e for e in events if isinstance(e, Response)}
    assert "+CMGS" in at.parse_command_list(replies["AT+CLAC"])
    assert at.parse_functionality(replies["AT+CFUN?"]) == 1
    notices = [
        at.parse_storage_notice(u.name, u.line)
        for u in events
        if isinstance(u, Urc) and u.name in ("+CMTI", "+CDSI")
    ]
    assert [(n.kind, n.memory, n.index) for n in notices] == [
        (at.NoticeKind.STATUS_REPORT, "ME", 1),
        (at.NoticeKind.MESSAGE, "ME", 1),
    ]
    message = at.parse_message(replies["AT+CMGR=1"])
    assert message.complete
