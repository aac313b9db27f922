"""The part state table obeys the rules written at the head of store/states.py."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.store.states import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    TRANSITIONS,
    MessageStatus,
    PartEvent,
    PartState,
    allowed_events,
    derive_status,
    next_state,
)

MOVES = {(src, dst, event) for event, moves in TRANSITIONS.items() for src, dst in moves.items()}


def test_every_event_has_a_row_and_every_state_is_reachable():
    assert set(TRANSITIONS) == set(PartEvent)
    reached, frontier = {PartState.QUEUED}, [PartState.QUEUED]
    while frontier:
        state = frontier.pop()
        for src, dst, _ in MOVES:
            if src is state and dst not in reached:
                reached.add(dst)
                frontier.append(dst)
    assert reached == set(PartState)


def test_submitting_is_entered_only_from_claimed_and_never_silently_requeued():
    assert {src for src, dst, _ in MOVES if dst is PartState.SUBMITTING} == {PartState.CLAIMED}
    back = {event for src, dst, event in MOVES if src is PartState.SUBMITTING}
    assert back == {
        PartEvent.ACCEPT, PartEvent.TEMPORARY_ERROR, PartEvent.PERMANENT_ERROR,
        PartEvent.AMBIGUOUS, PartEvent.RESTART,
    }  # fmt: skip
    assert next_state(PartState.SUBMITTING, PartEvent.RESTART) is PartState.UNKNOWN
    assert next_state(PartState.SUBMITTING, PartEvent.LEASE_EXPIRED) is None


def test_nothing_that_may_have_reached_the_network_is_queued_again_but_by_policy():
    maybe_sent = {PartState.SENT, PartState.DELIVERED, PartState.UNKNOWN}
    requeues = {(src, event) for src, dst, event in MOVES if dst is PartState.QUEUED}
    assert {(src, event) for src, event in requeues if src in maybe_sent} == {
        (PartState.UNKNOWN, PartEvent.RESEND_UNKNOWN)
    }


def test_terminal_states_have_no_exits_and_sent_leaves_only_by_report():
    for state in TERMINAL_STATES:
        assert allowed_events(state) == frozenset()
    assert allowed_events(PartState.SENT) == {
        PartEvent.REPORT_DELIVERED, PartEvent.REPORT_PENDING, PartEvent.REPORT_FAILED,
    }  # fmt: skip
    assert allowed_events(PartState.UNKNOWN) == {PartEvent.RESEND_UNKNOWN}


def test_cancel_and_expiry_take_only_unsubmitted_parts():
    assert set(TRANSITIONS[PartEvent.CANCEL]) == {PartState.QUEUED, PartState.CLAIMED}
    assert set(TRANSITIONS[PartEvent.EXPIRE]) == {PartState.QUEUED}


@given(st.lists(st.sampled_from(list(PartState)), min_size=1, max_size=12))
def test_derived_status_rules(states):
    status = derive_status(states)
    present = set(states)
    if PartState.FAILED in present:
        assert status is MessageStatus.FAILED
    elif present & ACTIVE_STATES:
        assert status in (MessageStatus.QUEUED, MessageStatus.SENDING)
        assert (status is MessageStatus.QUEUED) == (
            present <= {PartState.QUEUED, PartState.CANCELLED, PartState.EXPIRED}
        )
    elif present == {PartState.DELIVERED}:
        assert status is MessageStatus.DELIVERED
    elif PartState.UNKNOWN in present and not present & {PartState.CANCELLED, PartState.EXPIRED}:
        assert status is MessageStatus.UNKNOWN
    assert derive_status(sorted(states, key=lambda s: s.value)) is status
