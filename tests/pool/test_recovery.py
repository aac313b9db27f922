"""The recovery ladder's decisions, on an injected clock."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.pool.recovery import RecoveryLadder, RecoveryPolicy, RecoveryStep

POLICY = RecoveryPolicy(base=10, factor=2, maximum=60, healthy_after=100)


def test_an_episode_climbs_probe_reopen_reset_quarantine():
    ladder = RecoveryLadder(POLICY)
    ladder, attempt = ladder.fault(0)
    assert (attempt.step, attempt.at) == (RecoveryStep.PROBE, 0)
    assert ladder.step is RecoveryStep.PROBE
    ladder, attempt = ladder.step_failed(1)
    assert (attempt.step, attempt.at) == (RecoveryStep.REOPEN, 1)
    ladder, attempt = ladder.step_failed(2)
    assert attempt.step is RecoveryStep.RESET
    ladder, attempt = ladder.step_failed(3)
    assert (attempt.step, attempt.at) == (RecoveryStep.QUARANTINE, 13)
    # After the quarantine: reopen (the port may be stale), reset, a longer quarantine.
    ladder, attempt = ladder.step_failed(13)
    assert attempt.step is RecoveryStep.REOPEN
    ladder, attempt = ladder.step_failed(14)
    assert attempt.step is RecoveryStep.RESET
    ladder, attempt = ladder.step_failed(15)
    assert (attempt.step, attempt.at) == (RecoveryStep.QUARANTINE, 35)


def test_quarantine_grows_to_its_maximum():
    assert [POLICY.quarantine_seconds(n) for n in range(1, 7)] == [10, 20, 40, 60, 60, 60]


def test_recovery_ends_the_episode():
    ladder, _ = RecoveryLadder(POLICY).fault(0)
    ladder = ladder.recovered(0.5)
    assert ladder.step is None
    assert not ladder.in_episode


def test_a_fault_soon_after_recovering_starts_one_rung_higher():
    ladder, _ = RecoveryLadder(POLICY).fault(0)
    ladder = ladder.recovered(1)  # the probe worked
    ladder, attempt = ladder.fault(50)
    assert attempt.step is RecoveryStep.REOPEN
    ladder = ladder.recovered(51)  # the reopen worked
    ladder, attempt = ladder.fault(60)
    assert attempt.step is RecoveryStep.RESET
    ladder = ladder.recovered(61)
    ladder, attempt = ladder.fault(70)
    assert attempt.step is RecoveryStep.QUARANTINE


def test_lasting_health_forgets_past_faults():
    ladder, _ = RecoveryLadder(POLICY).fault(0)
    ladder, _ = ladder.step_failed(1)
    ladder, _ = ladder.step_failed(2)
    ladder, attempt = ladder.step_failed(3)
    assert attempt.step is RecoveryStep.QUARANTINE
    ladder, _ = ladder.step_failed(13)
    ladder = ladder.recovered(14)
    ladder = ladder.healthy(50)
    assert ladder.quarantines == 1
    ladder = ladder.healthy(200)
    assert ladder.quarantines == 0
    ladder, attempt = ladder.fault(300)
    assert attempt.step is RecoveryStep.PROBE


def test_a_fault_long_after_recovery_starts_over_even_without_a_health_report():
    ladder, _ = RecoveryLadder(POLICY).fault(0)
    ladder = ladder.recovered(1)
    ladder, attempt = ladder.fault(1000)
    assert attempt.step is RecoveryStep.PROBE
    assert ladder.quarantines == 0


def test_without_reset_the_ladder_skips_it():
    ladder = RecoveryLadder(RecoveryPolicy(reset_allowed=False))
    ladder, attempt = ladder.fault(0)
    ladder, attempt = ladder.step_failed(0)
    assert attempt.step is RecoveryStep.REOPEN
    ladder, attempt = ladder.step_failed(0)
    assert attempt.step is RecoveryStep.QUARANTINE


def test_a_fault_during_an_episode_is_a_failed_step():
    ladder, _ = RecoveryLadder(POLICY).fault(0)
    ladder, attempt = ladder.fault(1)
    assert attempt.step is RecoveryStep.REOPEN


def test_invalid_policies_are_refused():
    with pytest.raises(ValueError):
        RecoveryPolicy(base=0)
    with pytest.raises(ValueError):
        RecoveryPolicy(base=10, maximum=5)
    with pytest.raises(ValueError):
        RecoveryPolicy(factor=0.5)


events = st.lists(st.sampled_from(["fault", "failed", "recovered", "healthy"]), max_size=80)


@given(events, st.lists(st.floats(0, 500), min_size=80, max_size=80))
def test_any_event_sequence_gives_sane_attempts(sequence, gaps):
    ladder = RecoveryLadder(POLICY)
    now = 0.0
    for event, gap in zip(sequence, gaps, strict=False):
        now += gap
        if event in ("fault", "failed"):
            ladder, attempt = ladder.fault(now) if event == "fault" else ladder.step_failed(now)
            assert ladder.in_episode and ladder.step is attempt.step
            if attempt.step is RecoveryStep.QUARANTINE:
                assert now + POLICY.base <= attempt.at <= now + POLICY.maximum
            else:
                assert attempt.at == now
        elif event == "recovered":
            ladder = ladder.recovered(now)
            assert ladder.step is None
        else:
            ladder = ladder.healthy(now)
        assert ladder.quarantines >= 0


@given(st.integers(1, 30))
def test_a_modem_that_never_comes_back_is_quarantined_ever_longer_up_to_the_maximum(rounds):
    ladder, attempt = RecoveryLadder(POLICY).fault(0)
    now = 0.0
    durations = []
    for _ in range(rounds * 3):
        ladder, attempt = ladder.step_failed(now)
        if attempt.step is RecoveryStep.QUARANTINE:
            durations.append(attempt.at - now)
            now = attempt.at
    assert durations == sorted(durations)
    assert all(d <= POLICY.maximum for d in durations)
