"""The phase machine over every phase x every input, as h2's test_state_machines does."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gsmgateway import at
from gsmgateway.at import AtConnection, CommandArgumentError, LocalProtocolError, Phase
from gsmgateway.at.phases import (
    CALLER_TRIGGERS,
    IMPOSSIBLE,
    MODEM_TRIGGERS,
    TRANSITIONS,
    Trigger,
    next_phase,
)
from tests.helpers.at_dialogue import line

SUBMIT = "07915155000000F031000B915155214365F70000FF10C8329BFD0699E5EF36E81C6EB7EB"


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("trigger", sorted(MODEM_TRIGGERS, key=lambda t: t.value))
def test_the_modem_can_never_make_the_machine_raise(phase, trigger):
    if (phase, trigger) in IMPOSSIBLE:
        assert (phase, trigger) not in TRANSITIONS
        with pytest.raises(RuntimeError):
            next_phase(phase, trigger)
    else:
        assert next_phase(phase, trigger) in Phase


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("trigger", sorted(CALLER_TRIGGERS, key=lambda t: t.value))
def test_caller_misuse_raises_with_a_hint(phase, trigger):
    if (phase, trigger) in TRANSITIONS:
        assert next_phase(phase, trigger) in Phase
    else:
        with pytest.raises(LocalProtocolError) as error:
            next_phase(phase, trigger)
        assert error.value.hint


def test_only_a_final_or_a_resync_leaves_a_busy_phase_for_idle():
    for (phase, trigger), following in TRANSITIONS.items():
        if following is Phase.IDLE and phase is not Phase.IDLE:
            assert trigger in (Trigger.FINAL_SUCCESS, Trigger.FINAL_FAILURE, Trigger.PROBE_FINAL)


def test_every_phase_is_reachable_from_idle():
    reached, frontier = {Phase.IDLE}, [Phase.IDLE]
    while frontier:
        phase = frontier.pop()
        for (source, _), following in TRANSITIONS.items():
            if source is phase and following not in reached:
                reached.add(following)
                frontier.append(following)
    assert reached == set(Phase)


# --- The real connection in each phase -------------------------------------------------


def in_phase(phase):
    conn = AtConnection()
    if phase is Phase.AWAITING_RESPONSE:
        conn.send(at.query_signal())
    elif phase is Phase.AWAITING_PROMPT:
        conn.send(at.submit_pdu(28))
    elif phase is Phase.PROMPT:
        conn.send(at.submit_pdu(28))
        conn.receive_data(b"\r\n> ")
    elif phase is Phase.AWAITING_SUBMIT_RESULT:
        conn.send(at.submit_pdu(28))
        conn.receive_data(b"\r\n> ")
        conn.send_pdu(SUBMIT)
    elif phase is Phase.RESYNCING:
        conn.send(at.query_signal())
        conn.abandon()
    list(conn.events())
    assert conn.phase is phase
    return conn


CALLS = {
    Trigger.SEND: lambda conn: conn.send(at.attention()),
    Trigger.SEND_PROMPTING: lambda conn: conn.send(at.submit_pdu(28)),
    Trigger.SEND_PDU: lambda conn: conn.send_pdu(SUBMIT),
    Trigger.CANCEL_PROMPT: lambda conn: conn.cancel_prompt(),
    Trigger.ABANDON: lambda conn: conn.abandon(),
}


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("trigger", list(CALLS), ids=lambda t: t.value)
def test_every_call_in_every_phase_follows_the_table(phase, trigger):
    conn = in_phase(phase)
    allowed = TRANSITIONS.get((phase, trigger))
    if allowed is None:
        with pytest.raises(LocalProtocolError):
            CALLS[trigger](conn)
        assert conn.phase is phase
    else:
        assert isinstance(CALLS[trigger](conn), bytes)
        assert conn.phase is allowed


MODEM_INPUTS = {
    Trigger.LINE: line("RING"),
    Trigger.PROMPT: b"\r\n> ",
    Trigger.FINAL_SUCCESS: line("OK"),
    Trigger.FINAL_FAILURE: line("+CMS ERROR: 500"),
    Trigger.NOISE: b"\x07\x07\r\n",
}


@pytest.mark.parametrize("phase", list(Phase))
@pytest.mark.parametrize("trigger", list(MODEM_INPUTS), ids=lambda t: t.value)
def test_every_modem_input_in_every_phase_follows_the_table(phase, trigger):
    conn = in_phase(phase)
    conn.receive_data(MODEM_INPUTS[trigger])
    events = list(conn.events())
    if phase is Phase.RESYNCING and trigger is Trigger.FINAL_SUCCESS:
        # The probe here is plain AT: this OK is its answer.
        assert conn.phase is Phase.IDLE and isinstance(events[-1], at.Resynchronised)
    else:
        assert conn.phase is TRANSITIONS[(phase, trigger)]
    assert len(events) == 1


# --- Random use never breaks the invariants ----------------------------------------------

ACTIONS = st.one_of(
    st.sampled_from(
        [
            ("send", at.attention()),
            ("send", at.query_signal()),
            ("send", at.list_messages(4)),
            ("send", at.query_registration()),
            ("send", at.submit_pdu(28)),
            ("pdu", SUBMIT),
            ("pdu", "00AB"),
            ("cancel", None),
            ("abandon", None),
        ]
    ),
    st.tuples(
        st.just("bytes"),
        st.lists(
            st.sampled_from(
                [
                    line("OK"),
                    line("ERROR"),
                    line("+CMS ERROR: 38"),
                    line("+CSQ: 20,99"),
                    line("+CMGS: 4"),
                    line("+CMGL: 1,0,,38"),
                    line('+CREG: 1,"00AB","1234"'),
                    line("+CMT: ,38"),
                    line("+CMT: ,²"),
                    line("+CME ERROR: ²"),
                    "+CSQ: ٣,99\r\n".encode(),
                    b"0791AABB\r\n",
                    b"\r\n> ",
                    b">",
                    b"\x00\xff\x07garbage\r\n",
                    b"Z" * 5000,
                    b"\r",
                ]
            ),
            max_size=6,
        ).map(b"".join),
    ),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(ACTIONS, max_size=30))
def test_random_use_only_raises_misuse_and_keeps_the_invariants(actions):
    conn = AtConnection()
    for kind, value in actions:
        before = conn.phase
        try:
            if kind == "send":
                conn.send(value)
            elif kind == "pdu":
                conn.send_pdu(value)
            elif kind == "cancel":
                conn.cancel_prompt()
            elif kind == "abandon":
                conn.abandon()
            else:
                conn.receive_data(value)
        except (LocalProtocolError, CommandArgumentError):
            assert conn.phase is before
        list(conn.events())
        busy = conn.phase not in (Phase.IDLE, Phase.RESYNCING)
        assert (conn.pending is not None) == busy


@settings(max_examples=200, deadline=None)
@given(
    command=st.sampled_from(
        [at.query_imei(), at.list_messages(4), at.submit_pdu(28), at.query_registration()]
    ),
    chunks=st.lists(st.binary(max_size=64), max_size=20),
)
def test_arbitrary_bytes_from_the_modem_never_raise(command, chunks):
    conn = AtConnection()
    conn.send(command)
    for chunk in chunks:
        conn.receive_data(chunk)
        for event in conn.events():
            assert event is not None
    assert conn.phase in Phase
