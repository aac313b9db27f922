"""The AT connection: answers, URCs anywhere, prompts, echo, PDU pairing, noise, misuse."""

import pytest

from gsmgateway import at
from gsmgateway.at import (
    AtConnection,
    CommandArgumentError,
    FinalKind,
    Limits,
    LocalProtocolError,
    Noise,
    NoiseKind,
    Phase,
    Prompt,
    Response,
    StrayFinal,
    Urc,
)
from tests.helpers.at_dialogue import Pdu, answer, bytewise, line, run, whole

# A real SMS-SUBMIT from the gammu transcript: AT+CMGS=28, 7-octet SMSC.
SUBMIT = "07915155000000F031000B915155214365F70000FF10C8329BFD0699E5EF36E81C6EB7EB"
DELIVER = (
    "07915155000000F0040B915155674523F100006211220180200015C2B27B8C06A5DDE2371ED42ECFE7E173191403"
)


def only(events, kind):
    return [event for event in events if isinstance(event, kind)]


@pytest.fixture(params=[whole, bytewise], ids=["whole", "bytewise"])
def split(request):
    return request.param


def test_a_command_gets_its_lines_and_final(split):
    result = run([at.query_signal(), answer("+CSQ: 20,99")], split=split)
    (response,) = result.events
    assert response.lines == ("+CSQ: 20,99",)
    assert response.final.kind is FinalKind.OK
    assert result.writes == [b"AT+CSQ\r"]
    assert at.parse_signal(response).dbm == -73


def test_echo_of_the_command_line_is_dropped(split):
    result = run([at.query_manufacturer(), b"AT+CGMI\r" + answer("SIMCOM_Ltd")], split=split)
    assert [e.lines for e in result.events] == [("SIMCOM_Ltd",)]


def test_echo_before_ate0_takes_effect_is_dropped(split):
    result = run([at.echo_off(), b"ATE0\r\r\nOK\r\n", at.attention(), b"\r\nOK\r\n"], split=split)
    assert [(e.command.line, e.lines) for e in result.events] == [("ATE0", ()), ("AT", ())]


def urc_positions(data):
    """Every offset in an answer where a line boundary lets a URC in."""
    return [i for i in range(len(data) + 1) if i == 0 or data[i - 1 : i] in (b"\r", b"\n")]


def test_a_urc_at_any_line_boundary_of_an_answer_is_reported_and_leaves_the_answer_intact():
    body = answer('+CPMS: "ME",1,30,"ME",1,30,"ME",1,30')
    urc = b'\r\n+CMTI: "ME",1\r\n'
    for position in urc_positions(body):
        data = body[:position] + urc + body[position:]
        for split in (whole, bytewise):
            result = run([at.query_storage(), data], split=split)
            responses, urcs = only(result.events, Response), only(result.events, Urc)
            assert [r.lines for r in responses] == [('+CPMS: "ME",1,30,"ME",1,30,"ME",1,30',)]
            assert urcs == [Urc("+CMTI", '+CMTI: "ME",1')]
            assert at.parse_storage_notice("+CMTI", urcs[0].line).index == 1


def test_untagged_urcs_inside_an_untagged_answer_are_told_apart(split):
    data = b"\r\nCall Ready\r\n" + b"\r\n490154203237518\r\n" + b"\r\nRING\r\n\r\nOK\r\n"
    result = run([at.query_imei(), data], split=split)
    assert [u.name for u in only(result.events, Urc)] == ["Call Ready", "RING"]
    (response,) = only(result.events, Response)
    assert at.parse_imei(response) == "490154203237518"


def test_tagged_urc_is_never_an_untagged_answer_line(split):
    data = b'\r\n+CMTI: "SM",2\r\n\r\n001010123456789\r\n\r\nOK\r\n'
    result = run([at.query_imsi(), data], split=split)
    assert only(result.events, Urc) == [Urc("+CMTI", '+CMTI: "SM",2')]
    assert at.parse_imsi(only(result.events, Response)[0]) == "001010123456789"


def test_full_submit_with_urcs_at_every_step_of_the_prompt_exchange(split):
    cmti = line('+CMTI: "SM",4')
    script = [
        at.submit_pdu(28),
        cmti + b"\r\n> ",
        Pdu(SUBMIT),
        cmti + line("+CMGS: 12") + cmti + line("OK"),
    ]
    result = run(script, split=split)
    kinds = [type(e).__name__ for e in result.events]
    assert kinds == ["Urc", "Prompt", "Urc", "Urc", "Response"]
    assert result.writes == [b"AT+CMGS=28\r", SUBMIT.encode() + b"\x1a"]
    assert at.parse_submit(result.events[-1]).mr == 12


def test_urc_between_prompt_and_pdu_is_reported_and_the_prompt_stands(split):
    conn = AtConnection()
    run([at.submit_pdu(28), b"\r\n> " + line("RING")], split=split, connection=conn)
    assert conn.phase is Phase.PROMPT
    conn.send_pdu(SUBMIT)
    assert conn.phase is Phase.AWAITING_SUBMIT_RESULT


def test_with_echo_on_the_command_and_pdu_echoes_are_dropped(split):
    script = [
        at.submit_pdu(28),
        b"AT+CMGS=28\r\r\n> ",
        Pdu(SUBMIT),
        SUBMIT.encode() + b"\x1a" + line("+CMGS: 200") + line("OK"),
    ]
    result = run(script, split=split)
    assert [type(e) for e in result.events] == [Prompt, Response]
    assert result.events[-1].lines == ("+CMGS: 200",)


def test_cms_error_in_answer_to_the_pdu_ends_the_send(split):
    result = run([at.submit_pdu(28), b"\r\n> ", Pdu(SUBMIT), line("+CMS ERROR: 332")], split=split)
    response = result.events[-1]
    assert response.final.kind is FinalKind.CMS_ERROR and response.final.code == 332
    assert at.classify_final(response.final).error_class is at.ErrorClass.TEMPORARY
    with pytest.raises(at.CommandFailed):
        at.parse_submit(response)


def test_error_before_the_prompt_ends_the_send(split):
    result = run([at.submit_pdu(28), line("+CMS ERROR: 331")], split=split)
    assert result.events[-1].final.code == 331


def test_ok_before_the_prompt_is_stray_and_the_prompt_is_still_awaited(split):
    conn = AtConnection()
    result = run([at.submit_pdu(28), line("OK") + b"\r\n> "], split=split, connection=conn)
    assert [type(e) for e in result.events] == [StrayFinal, Prompt]
    assert conn.phase is Phase.PROMPT


def test_the_modem_giving_up_the_prompt_ends_the_send(split):
    conn = AtConnection()
    result = run([at.submit_pdu(28), b"\r\n> " + line("ERROR")], split=split, connection=conn)
    assert result.events[-1].final.kind is FinalKind.ERROR
    assert conn.phase is Phase.IDLE
    with pytest.raises(LocalProtocolError):
        conn.send_pdu(SUBMIT)


def test_pdu_that_does_not_match_the_declared_length_is_refused():
    conn = AtConnection()
    run([at.submit_pdu(27), b"\r\n> "], connection=conn)
    with pytest.raises(CommandArgumentError, match="36 octets"):
        conn.send_pdu(SUBMIT)
    with pytest.raises(CommandArgumentError):
        conn.send_pdu("07915")
    assert conn.phase is Phase.PROMPT


def test_listing_pairs_every_header_with_its_pdu_even_with_urcs_between_entries(split):
    data = (
        line("+CMGL: 1,0,,38")
        + DELIVER.encode()
        + b"\r\n"
        + line('+CDSI: "SM",3')
        + line("+CMGL: 2,1,,38")
        + DELIVER.encode()
        + b"\r\n\r\nOK\r\n"
    )
    result = run([at.list_messages(4), data], split=split)
    (response,) = only(result.events, Response)
    messages = at.parse_message_list(response)
    assert [(m.index, m.status.value, m.pdu == DELIVER, m.complete) for m in messages] == [
        (1, 0, True, True),
        (2, 1, True, True),
    ]
    assert only(result.events, Urc) == [Urc("+CDSI", '+CDSI: "SM",3')]


def test_empty_listing_and_a_header_whose_pdu_line_is_missing(split):
    result = run([at.list_messages(4), b"\r\n\r\nOK\r\n"], split=split)
    assert at.parse_message_list(result.events[0]) == ()
    result = run([at.read_message(7), line("+CMGR: 0,,0") + line("OK")], split=split)
    assert result.events[0].pdus == (None,)
    assert at.parse_message(result.events[0]) is None


def test_cmt_and_cds_urcs_are_joined_with_their_pdu_line(split):
    data = (
        line("+CMT: ,38")
        + DELIVER.encode()
        + b"\r\n"
        + line('+CMT: "Alice",38')
        + DELIVER.encode()
        + b"\r\n"
        + line("+CDS: 25")
        + b"07915155000000F006010B915155214365F7621122019013006211220190130000\r\n"
    )
    result = run([data], split=split)
    urcs = only(result.events, Urc)
    assert [(u.name, u.pdu is not None) for u in urcs] == [
        ("+CMT", True),
        ("+CMT", True),
        ("+CDS", True),
    ]
    alice = at.parse_incoming_pdu(urcs[1].name, urcs[1].line, urcs[1].pdu)
    assert alice.alpha == "Alice" and alice.length == 38 and alice.pdu == DELIVER


def test_cmt_header_followed_by_something_else_keeps_both(split):
    result = run([line("+CMT: ,38") + line("RING")], split=split)
    assert only(result.events, Urc) == [Urc("+CMT", "+CMT: ,38", None), Urc("RING", "RING")]


def test_text_mode_cmt_is_not_joined():
    result = run([line('+CMT: "+15551234567",,"26/11/22,10:08:02+00"') + line("Hello")])
    assert [u.pdu for u in only(result.events, Urc)] == [None, None]


def test_registration_urc_during_the_registration_query_is_told_apart(split):
    data = line('+CREG: 1,"00AB","1234"') + line('+CREG: 2,1,"00A1","0000B2C3",7') + line("OK")
    result = run([at.query_registration(), data], split=split)
    (urc,) = only(result.events, Urc)
    assert at.parse_registration_urc(urc.line).lac == 0xAB
    reply = at.parse_registration(only(result.events, Response)[0])
    assert (reply.n, reply.state, reply.ci, reply.act) == (2, at.RegistrationState.HOME, 0xB2C3, 7)


def test_registration_urc_in_n1_form_during_the_query():
    data = line("+CREG: 5") + line("+CREG: 1,5") + line("OK")
    result = run([at.query_registration(), data])
    assert only(result.events, Urc)[0].line == "+CREG: 5"
    assert at.parse_registration(only(result.events, Response)[0]).state.registered


def test_second_line_of_a_one_line_answer_is_a_urc():
    data = line("+CSQ: 20,99") + line("+CSQ: 5,99") + line("OK")
    result = run([at.query_signal(), data])
    assert only(result.events, Urc) == [Urc("+CSQ", "+CSQ: 5,99")]


def test_a_line_that_began_before_the_command_was_written_is_not_its_answer():
    conn = AtConnection()
    conn.receive_data(b"\r\n+CREG: 2,1")
    conn.send(at.query_registration())
    conn.receive_data(b',"00A1","0000B2C3"\r\n' + line('+CREG: 2,5,"00A1","0000B2C3"') + line("OK"))
    events = list(conn.events())
    assert [type(e) for e in events] == [Urc, Response]
    assert events[1].lines == ('+CREG: 2,5,"00A1","0000B2C3"',)


def test_a_final_before_any_command_is_stray():
    result = run([line("OK") + line("+CMS ERROR: 500")])
    assert [type(e) for e in result.events] == [StrayFinal, StrayFinal]


def test_garbage_is_reported_as_noise_and_the_command_still_completes(split):
    conn = AtConnection()
    data = b"\xff\xfe\x07\x08\r\n" + b"\r\n+CSQ: 20,99\r\n" + b"\x01\x02garbage\r\n" + b"\r\nOK\r\n"
    result = run([at.query_signal(), data], split=split, connection=conn)
    assert [type(e) for e in result.events] == [Noise, Noise, Response]
    assert result.events[-1].lines == ("+CSQ: 20,99",)
    assert conn.stats.noise == 2


def test_overlong_lines_are_cut_with_a_bounded_sample():
    conn = AtConnection(limits=Limits(max_line=100, noise_sample=10))
    result = run(
        [at.query_signal(), b"\r\n" + b"Z" * 10_000 + answer("+CSQ: 1,1")], connection=conn
    )
    assert result.events[0] == Noise(NoiseKind.OVERLONG_LINE, b"Z" * 10)
    assert result.events[1].lines == ("+CSQ: 1,1",)


def test_an_overlong_pdu_line_is_noise_and_the_header_keeps_no_pdu():
    conn = AtConnection(limits=Limits(max_pdu_line=20))
    data = line("+CMGR: 0,,38") + b"A" * 30 + b"\r\n" + line("OK")
    result = run([at.read_message(1), data], connection=conn)
    assert result.events[0].kind is NoiseKind.OVERLONG_PDU
    assert result.events[1].pdus == (None,)


def test_an_answer_with_too_many_lines_is_truncated_and_says_so():
    conn = AtConnection(limits=Limits(max_response_lines=3))
    data = b"".join(line(f"+CLAC{i}") for i in range(10)) + line("OK")
    result = run([at.list_commands(), data], connection=conn)
    assert [type(e) for e in result.events] == [Noise, Response]
    assert result.events[1].truncated and len(result.events[1].lines) == 3


def test_nuls_and_mixed_endings_inside_a_dialogue(split):
    data = b"\x00\x00\n+CSQ: 9,99\r\r\n\x00OK\n"
    result = run([at.query_signal(), data], split=split)
    assert result.events[0].lines == ("+CSQ: 9,99",) and result.events[0].ok


def test_vendor_finals_end_commands():
    result = run([at.raw("AT^FOO"), line("COMMAND NOT SUPPORT")])
    assert result.events[0].final.kind is FinalKind.VENDOR_ERROR
    result = run([at.raw("AT^FOO"), line("TOO MANY PARAMETERS")])
    assert result.events[0].final.domain is at.ErrorDomain.PLAIN


def test_a_profile_can_add_and_remove_final_results():
    table = at.FINAL_RESULTS.extended(
        at.FinalRule("NO SIM", at.Match.EXACT, FinalKind.VENDOR_ERROR, "test profile")
    ).without("CONNECT")
    conn = AtConnection(finals=table)
    result = run([at.raw("ATD123;"), line("CONNECT") + line("NO SIM")], connection=conn)
    assert [type(e) for e in result.events] == [Urc, Response]


def test_misuse_raises_with_a_hint_and_changes_nothing():
    conn = AtConnection()
    with pytest.raises(LocalProtocolError) as error:
        conn.send_pdu(SUBMIT)
    assert "send()" in error.value.hint
    conn.send(at.attention())
    with pytest.raises(LocalProtocolError, match="pending"):
        conn.send(at.attention())
    with pytest.raises(LocalProtocolError):
        conn.cancel_prompt()
    assert conn.phase is Phase.AWAITING_RESPONSE and conn.pending == at.attention()


def test_undrained_events_stop_input_before_anything_is_lost():
    conn = AtConnection(limits=Limits(max_queued_events=2))
    conn.receive_data(line("RING") + line("RING") + line("RING"))
    with pytest.raises(LocalProtocolError, match="next_event"):
        conn.receive_data(line("RING"))
    assert len(list(conn.events())) == 3
    conn.receive_data(line("RING"))
    assert conn.next_event() == Urc("RING", "RING")
    assert conn.next_event() is at.NEED_DATA


def test_stats_count_what_happened():
    conn = AtConnection()
    run([line("RING"), at.query_signal(), answer("+CSQ: 1,1"), line("OK")], connection=conn)
    assert (conn.stats.urcs, conn.stats.responses, conn.stats.stray_finals) == (1, 1, 1)


def test_a_urc_between_a_header_and_its_pdu_line_keeps_them_paired(split):
    data = line("+CMGR: 0,,38") + line('+CMTI: "SM",2') + line("RING") + DELIVER.encode()
    result = run([at.read_message(1), data + b"\r\n" + line("OK")], split=split)
    assert [u.name for u in only(result.events, Urc)] == ["+CMTI", "RING"]
    assert only(result.events, Response)[0].pdus == (DELIVER,)
