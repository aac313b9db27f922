"""Per-SIM rate and quotas, on an injected clock and an explicit time zone."""

import itertools
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gsmgateway.config import ModemConfig
from gsmgateway.pool.quotas import (
    SendBudget,
    SendLimits,
    day_start,
    month_start,
    next_day_start,
    next_month_start,
)

BERLIN_WINTER = timezone(timedelta(hours=1))


def at(*args, tz=UTC):
    return datetime(*args, tzinfo=tz).timestamp()


def test_unlimited_budget_always_ready():
    budget = SendBudget.start(SendLimits(), at(2026, 3, 1, 12))
    assert budget.limits.unlimited
    now = at(2026, 3, 1, 12)
    assert budget.allowance(now) is None
    for _ in range(1000):
        budget = budget.started_part(now).used(1, now)
    assert budget.ready_at(now) == now


def test_limits_of_a_modem_entry():
    entry = ModemConfig(imei="356938035643809", rate_per_minute=6, daily_quota=100)
    assert SendLimits.of(entry) == SendLimits(6.0, 100, 0)
    assert SendLimits.of(None) == SendLimits()


def test_rate_spaces_parts_evenly():
    now = at(2026, 3, 1, 12)
    budget = SendBudget.start(SendLimits(rate_per_minute=6), now)
    assert budget.ready_at(now) == now
    budget = budget.started_part(now)
    assert budget.ready_at(now) == now + 10
    assert budget.ready_at(now + 4) == now + 10
    assert budget.ready_at(now + 11) == now + 11


def test_daily_quota_resets_at_midnight_of_the_given_zone():
    now = at(2026, 3, 1, 22, 30, tz=BERLIN_WINTER)
    budget = SendBudget.start(SendLimits(daily_quota=10), now, used_today=8, tz=BERLIN_WINTER)
    assert budget.allowance(now) == 2
    budget = budget.used(2, now)
    assert budget.allowance(now) == 0
    midnight = at(2026, 3, 2, 0, 0, tz=BERLIN_WINTER)
    assert budget.ready_at(now) == midnight
    assert budget.allowance(midnight - 1) == 0
    assert budget.allowance(midnight) == 10


def test_monthly_quota_outlasts_the_day_and_resets_on_the_first():
    now = at(2026, 1, 31, 10)
    limits = SendLimits(daily_quota=100, monthly_quota=50)
    budget = SendBudget.start(limits, now, used_today=0, used_this_month=45, tz=UTC)
    assert budget.allowance(now) == 5
    budget = budget.used(5, now)
    assert budget.allowance(now) == 0
    assert budget.ready_at(now) == at(2026, 2, 1)
    assert budget.allowance(at(2026, 2, 1)) == 50
    # December rolls into January of the next year.
    assert next_month_start(at(2026, 12, 15), UTC) == at(2027, 1, 1)


def test_a_new_day_in_the_same_month_keeps_the_months_count():
    budget = SendBudget.start(SendLimits(daily_quota=10, monthly_quota=15), at(2026, 5, 3, 9))
    budget = budget.used(10, at(2026, 5, 3, 9))
    assert budget.allowance(at(2026, 5, 4, 9)) == 5


def test_boundaries_for_seeding_from_the_store():
    now = at(2026, 7, 15, 13, 45)
    assert day_start(now, UTC) == at(2026, 7, 15)
    assert month_start(now, UTC) == at(2026, 7, 1)
    assert next_day_start(now, UTC) == at(2026, 7, 16)


def test_negative_values_are_refused():
    with pytest.raises(ValueError):
        SendLimits(rate_per_minute=-1)
    with pytest.raises(ValueError):
        SendBudget.start(SendLimits(), 0.0, used_today=-1)
    with pytest.raises(ValueError):
        SendBudget.start(SendLimits(), 0.0).used(-1, 0.0)


@given(
    daily=st.integers(0, 20),
    monthly=st.integers(0, 40),
    steps=st.lists(st.tuples(st.floats(0, 3 * 86400), st.integers(1, 5)), min_size=1, max_size=60),
)
def test_sending_what_allowance_permits_never_overruns_a_quota(daily, monthly, steps):
    now = at(2026, 4, 28)
    budget = SendBudget.start(SendLimits(0, daily, monthly), now, tz=UTC)
    sent_per_day: dict = {}
    sent_per_month: dict = {}
    for gap, want in steps:
        now += gap
        allowance = budget.allowance(now)
        take = want if allowance is None else min(want, allowance)
        if take == 0:
            assert budget.ready_at(now) > now
            continue
        budget = budget.used(take, now)
        moment = datetime.fromtimestamp(now, UTC)
        day, month = moment.date(), (moment.year, moment.month)
        sent_per_day[day] = sent_per_day.get(day, 0) + take
        sent_per_month[month] = sent_per_month.get(month, 0) + take
    if daily:
        assert max(sent_per_day.values(), default=0) <= daily
    if monthly:
        assert max(sent_per_month.values(), default=0) <= monthly


@given(
    rate=st.floats(0.5, 120),
    gaps=st.lists(st.floats(0, 200), min_size=1, max_size=40),
)
def test_parts_started_when_ready_are_never_closer_than_the_rate(rate, gaps):
    now = 1_000_000.0
    budget = SendBudget.start(SendLimits(rate_per_minute=rate), now)
    starts = []
    for gap in gaps:
        now = budget.ready_at(now + gap)
        budget = budget.started_part(now)
        starts.append(now)
    spacing = 60.0 / rate
    for earlier, later in itertools.pairwise(starts):
        assert later - earlier >= spacing - 1e-6
