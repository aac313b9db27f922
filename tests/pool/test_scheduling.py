"""Scheduling decisions: claim order of idle modems, wake-ups, refusals; concat references."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.at import ErrorClass
from gsmgateway.pool.concat_refs import ConcatRefs
from gsmgateway.pool.scheduling import (
    Candidate,
    GiveUp,
    Retry,
    RetryPolicy,
    after_refusal,
    claim_order,
    next_wakeup,
)


def test_longest_idle_first_and_held_back_modems_skipped():
    candidates = [
        Candidate("b", idle_since=5, ready_at=0),
        Candidate("a", idle_since=5, ready_at=0),
        Candidate("c", idle_since=1, ready_at=0),
        Candidate("d", idle_since=0, ready_at=20),  # rate-limited until 20
        Candidate("e", idle_since=0, ready_at=0, in_service=False),
    ]
    assert claim_order(candidates, 10) == ["c", "a", "b"]
    assert next_wakeup(candidates, 10) == 20
    assert claim_order(candidates, 20) == ["d", "c", "a", "b"]
    assert next_wakeup(candidates, 20) is None


candidates = st.lists(
    st.builds(
        Candidate,
        imei=st.text("0123456789", min_size=1, max_size=3),
        idle_since=st.floats(0, 100),
        ready_at=st.floats(0, 100),
        in_service=st.booleans(),
    ),
    max_size=20,
    unique_by=lambda c: c.imei,
)


@given(candidates, st.floats(0, 100))
def test_every_able_modem_is_offered_exactly_once_and_no_other(cands, now):
    order = claim_order(cands, now)
    able = {c.imei for c in cands if c.in_service and c.ready_at <= now}
    assert sorted(order) == sorted(able)
    wake = next_wakeup(cands, now)
    if wake is not None:
        assert wake > now
        assert any(c.ready_at == wake and c.in_service for c in cands)
    else:
        assert all(c.ready_at <= now or not c.in_service for c in cands)


def test_permanent_refusals_fail_at_once():
    decision = after_refusal(
        ErrorClass.PERMANENT, reason="+CMS ERROR: 21", attempts=1, max_attempts=5
    )
    assert decision == GiveUp("+CMS ERROR: 21")


def test_temporary_refusals_retry_with_growing_back_off_until_the_limit():
    policy = RetryPolicy(base=1, factor=2, maximum=5)
    delays = []
    for attempts in range(1, 5):
        decision = after_refusal(
            ErrorClass.TEMPORARY, reason="x", attempts=attempts, max_attempts=5, policy=policy
        )
        assert isinstance(decision, Retry) and decision.avoid_modem
        delays.append(decision.delay)
    assert delays == [1, 2, 4, 5]
    final = after_refusal(
        ErrorClass.TEMPORARY, reason="x", attempts=5, max_attempts=5, policy=policy
    )
    assert isinstance(final, GiveUp) and "5 attempts" in final.reason


def test_a_codes_own_limit_is_lower_than_the_configured_one():
    decision = after_refusal(
        ErrorClass.TEMPORARY, reason="unknown", attempts=2, max_attempts=5, code_limit=2
    )
    assert isinstance(decision, GiveUp)
    decision = after_refusal(
        ErrorClass.MODEM_FAULT, reason="fault", attempts=1, max_attempts=5, code_limit=2
    )
    assert isinstance(decision, Retry)


@given(
    st.sampled_from(list(ErrorClass)),
    st.integers(1, 20),
    st.integers(1, 20),
    st.one_of(st.none(), st.integers(1, 20)),
)
def test_no_part_is_retried_past_its_limit(kind, attempts, max_attempts, code_limit):
    decision = after_refusal(
        kind, reason="r", attempts=attempts, max_attempts=max_attempts, code_limit=code_limit
    )
    limit = max_attempts if code_limit is None else min(max_attempts, code_limit)
    if isinstance(decision, Retry):
        assert kind is not ErrorClass.PERMANENT and attempts < limit
        assert 0 <= decision.delay <= RetryPolicy().maximum
    else:
        assert kind is ErrorClass.PERMANENT or attempts >= limit


def test_concat_references_run_through_the_space_from_the_seed():
    refs = ConcatRefs.seeded(0x12345678)
    assert (refs.next_8, refs.next_16) == (0x78, 0x3456)
    seen = []
    for _ in range(256):
        ref, refs = refs.allocate(8)
        seen.append(ref)
    assert sorted(seen) == list(range(256))
    assert seen[0] == 0x78 and seen[1] == 0x79
    ref16, refs = refs.allocate(16)
    assert ref16 == 0x3456
    with pytest.raises(ValueError):
        refs.allocate(7)


@given(st.integers(0, 2**32 - 1), st.integers(1, 300))
def test_no_reference_repeats_before_the_space_is_used_up(seed, count):
    refs = ConcatRefs.seeded(seed)
    got = []
    for _ in range(count):
        ref, refs = refs.allocate(8)
        got.append(ref)
    for start in range(0, len(got) - 255):
        assert len(set(got[start : start + 256])) == 256
    assert len(set(got[:256])) == min(count, 256)
