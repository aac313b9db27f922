"""Resynchronisation after a timeout: late answers are reported, never credited."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway import at
from gsmgateway.at import (
    AtConnection,
    LateResponse,
    LocalProtocolError,
    Phase,
    Response,
    Resynchronised,
    StrayFinal,
    Urc,
)
from tests.helpers.at_dialogue import Abandon, CancelPrompt, Pdu, answer, bytewise, line, run, whole

SUBMIT = "07915155000000F031000B915155214365F70000FF10C8329BFD0699E5EF36E81C6EB7EB"

PROBE_ANSWERS = {
    b"AT\r": answer(),
    b"AT+CSQ\r": answer("+CSQ: 20,99"),
    b"AT+CMEE?\r": answer("+CMEE: 1"),
    b"AT+CFUN?\r": answer("+CFUN: 1"),
}


def probe_answer(write):
    """What a modem answers to the probe the core asked for (ESC, if any, answers nothing)."""
    return PROBE_ANSWERS[write.removeprefix(b"\x1b")]


def kinds(events):
    return [type(event).__name__ for event in events]


@pytest.fixture(params=[whole, bytewise], ids=["whole", "bytewise"])
def split(request):
    return request.param


def test_timed_out_query_late_answer_is_reported_then_the_probe_ends_resync(split):
    conn = AtConnection()
    result = run([at.query_signal(), Abandon()], connection=conn)
    assert result.writes[-1] == b"AT\r"
    result = run([answer("+CSQ: 20,99") + probe_answer(b"AT\r")], split=split, connection=conn)
    assert kinds(result.events) == ["LateResponse", "Resynchronised"]
    assert result.events[0].lines == ("+CSQ: 20,99",)
    assert result.events[1].lost == ()
    assert conn.phase is Phase.IDLE


def test_answer_that_never_comes_is_listed_as_lost():
    conn = AtConnection()
    run([at.query_signal(), Abandon(), answer()], connection=conn)
    assert conn.phase is Phase.IDLE
    assert conn.stats.lost == 1


def test_late_bare_ok_of_a_set_command_is_never_credited_to_the_next(split):
    conn = AtConnection()
    result = run([at.delete_message(3), Abandon()], connection=conn)
    assert result.writes[-1] == b"AT+CSQ\r"
    result = run(
        [
            answer() + probe_answer(b"AT+CSQ\r"),
            at.query_registration(),
            answer("+CREG: 0,1"),
        ],
        split=split,
        connection=conn,
    )
    assert kinds(result.events) == ["LateResponse", "Resynchronised", "Response"]
    assert result.events[0].command == at.delete_message(3)
    assert result.events[2].lines == ("+CREG: 0,1",)


def test_when_the_set_commands_ok_is_lost_the_probe_answer_alone_resyncs():
    conn = AtConnection()
    run([at.delete_message(3), Abandon()], connection=conn)
    result = run([probe_answer(b"AT+CSQ\r")], connection=conn)
    assert result.events == [Resynchronised(lost=(at.delete_message(3),))]


def test_timed_out_submit_after_ctrl_z_surfaces_its_late_reference(split):
    conn = AtConnection()
    script = [at.submit_pdu(28), b"\r\n> ", Pdu(SUBMIT), Abandon()]
    result = run(script, connection=conn)
    assert result.writes[-1] == b"AT\r"
    late = line("+CMGS: 77") + line("OK") + probe_answer(b"AT\r")
    result = run([late], split=split, connection=conn)
    assert kinds(result.events) == ["LateResponse", "Resynchronised"]
    assert at.parse_submit(result.events[0]).mr == 77


def test_timed_out_submit_late_cms_error_is_reported_as_late():
    conn = AtConnection()
    run([at.submit_pdu(28), b"\r\n> ", Pdu(SUBMIT), Abandon()], connection=conn)
    result = run([line("+CMS ERROR: 38") + answer()], connection=conn)
    assert result.events[0].final.code == 38
    assert result.events[1] == Resynchronised(lost=())


def test_timed_out_submit_with_no_answer_is_lost():
    conn = AtConnection()
    run([at.submit_pdu(28), b"\r\n> ", Pdu(SUBMIT), Abandon()], connection=conn)
    result = run([answer()], connection=conn)
    assert result.events == [Resynchronised(lost=(at.submit_pdu(28),))]


def test_pdu_echo_arriving_late_is_dropped():
    conn = AtConnection()
    run([at.submit_pdu(28), b"\r\n> ", Pdu(SUBMIT), Abandon()], connection=conn)
    result = run([SUBMIT.encode() + b"\x1a" + answer()], connection=conn)
    assert kinds(result.events) == ["Resynchronised"]


def test_timeout_while_the_prompt_is_pending_cancels_it_with_esc(split):
    conn = AtConnection()
    result = run([at.submit_pdu(28), b"\r\n> ", Abandon()], connection=conn)
    assert result.writes[-1] == b"\x1bAT+CSQ\r"
    result = run([answer() + probe_answer(b"AT+CSQ\r")], split=split, connection=conn)
    assert kinds(result.events) == ["LateResponse", "Resynchronised"]


def test_cancel_prompt_sends_esc_and_resyncs_whatever_the_modem_says_to_esc():
    for reply_to_esc in (b"", answer(), line("ERROR")):
        conn = AtConnection()
        result = run([at.submit_pdu(28), b"\r\n> ", CancelPrompt()], connection=conn)
        assert result.writes[-1].startswith(b"\x1b")
        result = run([reply_to_esc + probe_answer(result.writes[-1])], connection=conn)
        assert isinstance(result.events[-1], Resynchronised)
        assert conn.phase is Phase.IDLE


def test_urcs_during_resync_are_reported():
    conn = AtConnection()
    run([at.query_signal(), Abandon()], connection=conn)
    result = run([line('+CMTI: "SM",1') + answer()], connection=conn)
    assert result.events == [Urc("+CMTI", '+CMTI: "SM",1'), Resynchronised((at.query_signal(),))]


def test_abandoning_the_probe_picks_a_probe_it_cannot_be_confused_with():
    conn = AtConnection()
    result = run([at.delete_message(1), Abandon(), Abandon(), Abandon()], connection=conn)
    assert result.writes[1:] == [b"AT+CSQ\r", b"\x1bAT+CMEE?\r", b"\x1bAT+CFUN?\r"]
    with pytest.raises(LocalProtocolError, match="reopen"):
        conn.abandon()
    late = answer() + answer("+CSQ: 1,1") + answer("+CMEE: 1") + probe_answer(b"AT+CFUN?\r")
    result = run([late], connection=conn)
    assert kinds(result.events) == ["LateResponse", "StrayFinal", "StrayFinal", "Resynchronised"]


def test_abandon_while_idle_distrusts_the_line():
    conn = AtConnection()
    result = run([Abandon(), answer() + probe_answer(b"AT+CSQ\r")], connection=conn)
    assert result.writes == [b"\x1bAT+CSQ\r"]
    assert kinds(result.events) == ["StrayFinal", "Resynchronised"]
    assert result.events[-1].lost == ()


def test_late_listing_keeps_its_pdus():
    deliver = (
        "07915155000000F0040B915155674523F100006211220180200015"
        "C2B27B8C06A5DDE2371ED42ECFE7E173191403"
    )
    conn = AtConnection()
    run([at.list_messages(4), Abandon()], connection=conn)
    late = line("+CMGL: 1,0,,38") + deliver.encode() + b"\r\n" + answer()
    result = run([late + probe_answer(b"AT+CSQ\r")], connection=conn)
    assert isinstance(result.events[0], LateResponse)
    assert result.events[0].pdus == (deliver,)


def test_send_is_refused_until_resynchronised():
    conn = AtConnection()
    run([at.query_signal(), Abandon()], connection=conn)
    with pytest.raises(LocalProtocolError, match="Resynchronised"):
        conn.send(at.attention())


# --- Property: whatever the modem does late, the next command gets only its own answer --

COMMANDS = [
    (at.query_signal(), answer("+CSQ: 20,99")),
    (at.query_registration(), answer("+CREG: 0,1")),
    (at.query_manufacturer(), answer("SIMCOM_Ltd")),
    (at.delete_message(2), answer()),
    (at.set_pdu_mode(), answer(final="ERROR")),
    (at.list_messages(4), answer()),
    (at.query_pin(), answer(final="+CME ERROR: 10")),
    (at.query_operator(), answer('+COPS: 0,0,"Test Network",7')),
]
URCS = [line('+CMTI: "SM",5'), line("RING"), line('+CREG: 1,"00AB","1234"'), b""]


@settings(max_examples=150, deadline=None)
@given(
    first=st.sampled_from(COMMANDS),
    second=st.sampled_from(COMMANDS),
    late=st.sampled_from(["none", "answer", "echo+answer"]),
    urc=st.sampled_from(URCS),
    chunk=st.integers(min_value=1, max_value=16),
)
def test_a_late_answer_after_abandon_is_never_credited(first, second, late, urc, chunk):
    (x, x_answer), (y, y_answer) = first, second
    conn = AtConnection()
    probe = run([x, Abandon()], connection=conn).writes[-1]
    modem = urc
    if late != "none":
        modem += (x.line.encode() + b"\r" if late == "echo+answer" else b"") + x_answer
    modem += urc + probe_answer(probe)

    def split(data):
        return [data[i : i + chunk] for i in range(0, len(data), chunk)]

    result = run([modem, y, urc + y_answer], split=split, connection=conn)
    responses = [e for e in result.events if isinstance(e, Response)]
    lates = [e for e in result.events if isinstance(e, LateResponse)]
    assert [r.command for r in responses] == [y]
    expected = run([y, y_answer]).events[0]
    assert (responses[0].lines, responses[0].final) == (expected.lines, expected.final)
    assert [e for e in result.events if isinstance(e, Resynchronised)] == [
        Resynchronised(lost=() if late != "none" else (x,))
    ]
    if late != "none":
        assert [(e.command, e.final.line) for e in lates] == [
            (x, run([x, x_answer]).events[0].final.line)
        ]
    assert not [e for e in result.events if isinstance(e, StrayFinal)]
