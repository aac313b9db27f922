"""Contract: claims (ordering, routes, send_at, back-off, avoid, pinning, quota), leases,
every part transition, status reports and recovery, on every backend."""

from __future__ import annotations

import pytest

from gsmgateway.store import (
    IllegalTransition,
    LeaseLost,
    MessageStatus,
    PartState,
    Priority,
    ReportOutcome,
    UnknownPart,
)
from tests.helpers.store_values import T0, new_message

M1, M2 = "356938035643809", "356938035643817"
ROUTES = ["default"]


async def claim(store, modem=M1, now=T0, routes=ROUTES, **kw):
    return await store.claim(modem, routes, now=now, lease_seconds=60, **kw)


async def send(store, claim_, modem=M1, now=T0, mr=1, concat_ref=None):
    for offset, part in enumerate(claim_.parts):
        await store.mark_submitting(part.id, modem, now=now + offset, concat_ref=concat_ref)
        await store.mark_sent(part.id, modem, mr=(mr + offset) % 256, now=now + offset)


async def test_priority_first_then_oldest(store):
    low = (await store.enqueue([new_message(priority=Priority.LOW, created_at=T0)])).ids[0]
    normal = (await store.enqueue([new_message(created_at=T0 + 1)])).ids[0]
    normal2 = (await store.enqueue([new_message(created_at=T0 + 2)])).ids[0]
    high = (await store.enqueue([new_message(priority=Priority.HIGH, created_at=T0 + 3)])).ids[0]
    order = [(await claim(store, now=T0 + 10)).message_id for _ in range(4)]
    assert order == [high, normal, normal2, low]
    assert await claim(store, now=T0 + 10) is None


async def test_a_claim_holds_all_queued_parts_of_one_message_in_order(store):
    (message_id,) = (await store.enqueue([new_message("x", parts=3, status_report=False)])).ids
    got = await claim(store)
    assert got.message_id == message_id and got.total == 3 and got.modem_id == M1
    assert [p.seq for p in got.parts] == [1, 2, 3]
    assert got.lease_until == T0 + 60 and got.concat_ref is None and not got.status_report
    message = await store.get_message(message_id)
    assert {(p.state, p.modem) for p in message.parts} == {(PartState.CLAIMED, M1)}
    assert message.status is MessageStatus.SENDING
    assert await claim(store, modem=M2) is None


async def test_routes_limit_what_a_modem_claims(store):
    de = (await store.enqueue([new_message(route="de")])).ids[0]
    pinned = (await store.enqueue([new_message(route=f"modem:{M2}")])).ids[0]
    assert await claim(store, routes=["default"]) is None
    assert (await claim(store, routes=["default", "de"])).message_id == de
    assert await claim(store, routes=["de"]) is None
    assert (await claim(store, modem=M2, routes=[f"modem:{M2}"])).message_id == pinned


async def test_best_message_across_routes(store):
    b = (await store.enqueue([new_message(route="b", created_at=T0)])).ids[0]
    a = (await store.enqueue([new_message(route="a", created_at=T0 + 1)])).ids[0]
    c = (
        await store.enqueue([new_message(route="a", priority=Priority.HIGH, created_at=T0 + 2)])
    ).ids[0]
    order = [(await claim(store, routes=["a", "b"], now=T0 + 5)).message_id for _ in range(3)]
    assert order == [c, b, a]


async def test_nothing_is_claimed_before_send_at(store):
    (later,) = (await store.enqueue([new_message(send_at=T0 + 100)])).ids
    assert await claim(store, now=T0 + 99) is None
    assert await store.next_eligible_at(ROUTES, now=T0 + 99) == T0 + 100
    assert await store.next_eligible_at(["other"], now=T0) is None
    assert (await claim(store, now=T0 + 100)).message_id == later
    assert await store.next_eligible_at(ROUTES, now=T0 + 100) is None


async def test_requeue_backs_off_counts_attempts_and_can_avoid_the_modem(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    part = (await claim(store)).parts[0]
    await store.mark_submitting(part.id, M1, now=T0, concat_ref=None)
    attempts = await store.requeue(
        part.id,
        M1,
        now=T0 + 1,
        error="+CMS ERROR: 332",
        not_before=T0 + 10,
        avoid_until=T0 + 100,
    )
    assert attempts == 1
    message = await store.get_message(message_id)
    assert message.parts[0].state is PartState.QUEUED
    assert message.parts[0].error == "+CMS ERROR: 332" and message.parts[0].attempts == 1
    assert message.pinned_modem is None, "nothing reached the network: no pin"
    assert await claim(store, modem=M2, now=T0 + 9) is None
    assert await store.next_eligible_at(ROUTES, now=T0 + 9) == T0 + 10
    assert await claim(store, modem=M1, now=T0 + 50) is None, "M1 avoids it until T0+100"
    again = await claim(store, modem=M2, now=T0 + 50)
    assert again.parts[0].id == part.id
    await store.mark_submitting(part.id, M2, now=T0 + 51, concat_ref=None)
    assert await store.requeue(part.id, M2, now=T0 + 52, error="again") == 2


async def test_an_avoided_message_goes_back_to_its_modem_after_avoid_until(store):
    await store.enqueue([new_message()])
    part = (await claim(store)).parts[0]
    await store.requeue(part.id, M1, now=T0 + 1, error="busy", avoid_until=T0 + 30)
    assert await claim(store, now=T0 + 29) is None
    assert (await claim(store, now=T0 + 30)).parts[0].id == part.id


async def test_max_segments_skips_longer_messages(store):
    long = (await store.enqueue([new_message(parts=4, created_at=T0)])).ids[0]
    short = (await store.enqueue([new_message(parts=2, created_at=T0 + 1)])).ids[0]
    assert (await claim(store, max_segments=3, now=T0 + 5)).message_id == short
    assert await claim(store, max_segments=3, now=T0 + 5) is None
    assert (await claim(store, max_segments=4, now=T0 + 5)).message_id == long


async def test_a_message_with_a_sent_part_is_pinned_to_its_modem(store):
    (message_id,) = (await store.enqueue([new_message(parts=3)])).ids
    first = await claim(store)
    await store.mark_submitting(first.parts[0].id, M1, now=T0 + 1, concat_ref=77)
    await store.mark_sent(first.parts[0].id, M1, mr=5, now=T0 + 2)
    assert await store.release(message_id, M1, now=T0 + 3) == 2
    message = await store.get_message(message_id)
    assert message.pinned_modem == M1 and message.concat_ref == 77
    assert await claim(store, modem=M2, now=T0 + 4) is None
    again = await claim(store, modem=M1, now=T0 + 4)
    assert [p.seq for p in again.parts] == [2, 3] and again.concat_ref == 77
    with pytest.raises(ValueError):
        await store.mark_submitting(again.parts[0].id, M1, now=T0 + 5, concat_ref=78)
    await store.release(message_id, M1, now=T0 + 6)
    assert await store.unpin(message_id, now=T0 + 7)
    assert not await store.unpin(message_id, now=T0 + 7)
    moved = await claim(store, modem=M2, now=T0 + 8)
    assert moved.message_id == message_id and moved.concat_ref is None


async def test_pinned_work_comes_before_other_work(store):
    (pinned,) = (await store.enqueue([new_message(parts=2, priority=Priority.LOW)])).ids
    c = await claim(store)
    await store.mark_submitting(c.parts[0].id, M1, now=T0, concat_ref=1)
    await store.mark_sent(c.parts[0].id, M1, mr=1, now=T0)
    await store.release(pinned, M1, now=T0 + 1)
    await store.enqueue([new_message(priority=Priority.HIGH, created_at=T0 + 2)])
    assert (await claim(store, now=T0 + 3)).message_id == pinned


async def test_the_whole_happy_path_and_its_events(store):
    (message_id,) = (await store.enqueue([new_message(parts=2)])).ids
    c = await claim(store)
    await send(store, c, now=T0 + 1, mr=254, concat_ref=12)
    message = await store.get_message(message_id)
    assert message.status is MessageStatus.SENT
    assert [p.mr for p in message.parts] == [254, 255]
    assert all(p.sent_at is not None and p.submitted_at is not None for p in message.parts)
    for mr in (254, 255):
        await store.apply_status_report(M1, mr, ReportOutcome.DELIVERED, now=T0 + 9)
    message = await store.get_message(message_id)
    assert message.status is MessageStatus.DELIVERED
    assert [h.to_state for h in message.history if h.seq == 1] == [
        PartState.QUEUED,
        PartState.CLAIMED,
        PartState.SUBMITTING,
        PartState.SENT,
        PartState.DELIVERED,
    ]
    events = await store.fetch_due_events(now=T0 + 10)
    statuses = [(e.endpoint, e.payload["status"]) for e in events]
    assert ("hook", "sent") in statuses and ("status-only", "sent") in statuses
    assert all(e.subject == message_id for e in events)


async def test_lease_renew_release_and_reclaim(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    c = await claim(store)
    assert await store.renew_lease(message_id, M1, now=T0 + 50, lease_seconds=60)
    assert not await store.renew_lease(message_id, M2, now=T0 + 50, lease_seconds=60)
    assert await store.reclaim_expired_leases(now=T0 + 100) == 0
    assert await store.reclaim_expired_leases(now=T0 + 111) == 1
    assert (await store.get_message(message_id)).parts[0].state is PartState.QUEUED
    with pytest.raises(LeaseLost):
        await store.mark_submitting(c.parts[0].id, M1, now=T0 + 112, concat_ref=None)
    c2 = await claim(store, modem=M2, now=T0 + 112)
    with pytest.raises(LeaseLost):
        await store.mark_submitting(c2.parts[0].id, M1, now=T0 + 113, concat_ref=None)
    assert await store.release(message_id, M1, now=T0 + 113) == 0
    assert await store.release(message_id, M2, now=T0 + 113) == 1
    assert (await claim(store, now=T0 + 114)).message_id == message_id


async def test_illegal_transitions_raise_typed_errors(store):
    await store.enqueue([new_message()])
    part = (await claim(store)).parts[0]
    with pytest.raises(IllegalTransition):
        await store.mark_sent(part.id, M1, mr=1, now=T0)
    with pytest.raises(IllegalTransition):
        await store.mark_unknown(part.id, M1, error="x", now=T0)
    await store.mark_submitting(part.id, M1, now=T0, concat_ref=None)
    with pytest.raises(IllegalTransition):
        await store.mark_submitting(part.id, M1, now=T0, concat_ref=None)
    with pytest.raises(IllegalTransition):
        await store.mark_sent(part.id, M2, mr=1, now=T0)
    await store.mark_sent(part.id, M1, mr=1, now=T0)
    with pytest.raises(IllegalTransition):
        await store.mark_unknown(part.id, M1, error="x", now=T0)
    with pytest.raises(UnknownPart):
        await store.mark_sent(10**9, M1, mr=1, now=T0)
    with pytest.raises(ValueError):
        await store.mark_sent(part.id, M1, mr=256, now=T0)


async def test_a_permanent_failure_fails_the_unsent_parts(store):
    (message_id,) = (await store.enqueue([new_message(parts=3)])).ids
    c = await claim(store)
    await store.mark_submitting(c.parts[0].id, M1, now=T0, concat_ref=3)
    await store.mark_sent(c.parts[0].id, M1, mr=1, now=T0)
    await store.mark_submitting(c.parts[1].id, M1, now=T0 + 1, concat_ref=3)
    siblings = await store.mark_failed(c.parts[1].id, M1, error="+CMS ERROR: 21", now=T0 + 2)
    assert siblings == (c.parts[2].id,)
    message = await store.get_message(message_id)
    assert message.status is MessageStatus.FAILED
    assert [p.state for p in message.parts] == [PartState.SENT, PartState.FAILED, PartState.FAILED]
    assert message.parts[2].error == "another part failed"
    with pytest.raises(LeaseLost):
        await store.mark_submitting(c.parts[2].id, M1, now=T0 + 3, concat_ref=3)
    (event,) = [e for e in await store.fetch_due_events(now=T0 + 5) if e.endpoint == "hook"]
    assert event.payload["status"] == "failed" and event.payload["error"] == "+CMS ERROR: 21"


async def test_a_claimed_part_can_fail_before_submission(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    part = (await claim(store)).parts[0]
    assert await store.mark_failed(part.id, M1, error="retries exhausted", now=T0) == ()
    assert (await store.get_message(message_id)).status is MessageStatus.FAILED


async def test_silence_after_ctrl_z_is_unknown(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    part = (await claim(store)).parts[0]
    await store.mark_submitting(part.id, M1, now=T0, concat_ref=None)
    await store.mark_unknown(part.id, M1, error="timeout after Ctrl-Z", now=T0 + 60)
    message = await store.get_message(message_id)
    assert message.status is MessageStatus.UNKNOWN and message.parts[0].state is PartState.UNKNOWN
    assert await claim(store, now=T0 + 61) is None


async def test_status_report_matches_the_most_recent_part_with_a_wrapped_mr(store):
    old, new = (await store.enqueue([new_message("a"), new_message("b", created_at=T0 + 1)])).ids
    await send(store, await claim(store, now=T0 + 2), now=T0 + 2, mr=7)
    await send(store, await claim(store, now=T0 + 3), now=T0 + 3, mr=7)  # MR wrapped to 7
    part = await store.apply_status_report(M1, 7, "delivered", now=T0 + 4, detail="TP-ST 0")
    assert part.state is PartState.DELIVERED
    assert (await store.get_message(new)).status is MessageStatus.DELIVERED
    assert (await store.get_message(old)).status is MessageStatus.SENT
    assert await store.apply_status_report(M2, 7, "delivered", now=T0 + 4) is None
    assert await store.apply_status_report(M1, 8, "delivered", now=T0 + 4) is None
    again = await store.apply_status_report(M1, 7, ReportOutcome.FAILED, now=T0 + 5)
    assert again.state is PartState.DELIVERED, "a second report changes nothing"


async def test_pending_and_failed_status_reports(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    await send(store, await claim(store), mr=42)
    part = await store.apply_status_report(M1, 42, ReportOutcome.PENDING, now=T0 + 1)
    assert part.state is PartState.SENT
    part = await store.apply_status_report(M1, 42, ReportOutcome.FAILED, now=T0 + 2, detail="x")
    assert part.state is PartState.FAILED
    message = await store.get_message(message_id)
    assert message.status is MessageStatus.FAILED
    assert [h.to_state for h in message.history][-2:] == [PartState.SENT, PartState.FAILED]
    with pytest.raises(ValueError):
        await store.apply_status_report(M1, 42, "bogus", now=T0)


@pytest.mark.parametrize("resend", [False, True])
async def test_recover_at_start(store, resend):
    a, b, c = (
        await store.enqueue([new_message("a"), new_message("b"), new_message("c", parts=2)])
    ).ids
    claimed = await claim(store)
    submitting = await claim(store, modem=M2)
    await store.mark_submitting(submitting.parts[0].id, M2, now=T0, concat_ref=None)
    sent = await claim(store, now=T0 + 1)
    await send(store, sent, now=T0 + 1)
    report = await store.recover_at_start(now=T0 + 10, resend_unknown=resend)
    assert (report.released, report.unknown, report.requeued) == (1, 1, 1 if resend else 0)
    assert (await store.get_message(claimed.message_id)).parts[0].state is PartState.QUEUED
    resumed = await store.get_message(submitting.message_id)
    states = [h.to_state for h in resumed.history]
    if resend:
        assert resumed.parts[0].state is PartState.QUEUED
        assert states[-2:] == [PartState.UNKNOWN, PartState.QUEUED]
    else:
        assert resumed.parts[0].state is PartState.UNKNOWN
        assert resumed.status is MessageStatus.UNKNOWN
    assert (await store.get_message(sent.message_id)).status is MessageStatus.SENT
    assert {a, b, c} == {claimed.message_id, submitting.message_id, sent.message_id}


async def test_recover_at_start_can_be_limited_to_some_modems(store):
    await store.enqueue([new_message("a"), new_message("b")])
    mine = await claim(store)
    theirs = await claim(store, modem=M2)
    report = await store.recover_at_start(now=T0 + 1, resend_unknown=False, modems=[M1])
    assert report.released == 1
    assert (await store.get_message(theirs.message_id)).parts[0].state is PartState.CLAIMED
    assert (await store.get_message(mine.message_id)).parts[0].state is PartState.QUEUED
