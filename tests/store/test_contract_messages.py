"""Contract: queuing, reading, idempotency, cancel and expiry, on every backend."""

from __future__ import annotations

import json

import pytest

from gsmgateway.store import (
    CancelOutcome,
    Idempotency,
    IdempotencyConflict,
    LeaseLost,
    MessageStatus,
    PartState,
    Priority,
    StoreUnavailable,
)
from tests.helpers.store_values import T0, new_message


def render(ids):
    return json.dumps({"results": [{"id": i} for i in ids]})


async def test_enqueue_then_read_back(store):
    result = await store.enqueue([new_message("abc", parts=3, metadata={"order": 7})])
    (message_id,) = result.ids
    assert message_id.startswith("m_") and not result.replayed
    message = await store.get_message(message_id)
    assert message.status is MessageStatus.QUEUED
    assert message.segments == 3 and message.to == "+491701234567"
    assert [p.seq for p in message.parts] == [1, 2, 3]
    assert [p.text for p in message.parts] == ["abc 1/3", "abc 2/3", "abc 3/3"]
    assert {p.state for p in message.parts} == {PartState.QUEUED}
    assert message.metadata == {"order": 7}
    assert [(h.from_state, h.to_state) for h in message.history] == [(None, PartState.QUEUED)] * 3
    assert await store.get_message("m_nope") is None


async def test_ids_are_time_ordered_and_listing_is_newest_first_with_cursor(store):
    ids = []
    for i in range(7):
        ids.extend((await store.enqueue([new_message(created_at=T0 + i)])).ids)
    assert ids == sorted(ids)
    page = await store.list_messages(limit=3)
    assert [m.id for m in page.messages] == ids[::-1][:3]
    page2 = await store.list_messages(limit=3, after=page.next)
    assert [m.id for m in page2.messages] == ids[::-1][3:6]
    page3 = await store.list_messages(limit=3, after=page2.next)
    assert [m.id for m in page3.messages] == ids[:1] and page3.next is None


async def test_listing_by_status(store):
    a, b = (await store.enqueue([new_message(), new_message()])).ids
    await store.cancel(a, now=T0 + 1)
    page = await store.list_messages(status=MessageStatus.CANCELLED)
    assert [m.id for m in page.messages] == [a]
    page = await store.list_messages(status=MessageStatus.QUEUED)
    assert [m.id for m in page.messages] == [b]


async def test_a_batch_is_one_commit_in_order(store):
    result = await store.enqueue([new_message(f"t{i}") for i in range(50)])
    assert len(result.ids) == 50 and list(result.ids) == sorted(result.ids)
    texts = [(await store.get_message(i)).text for i in result.ids]
    assert texts == [f"t{i}" for i in range(50)]


async def test_a_batch_mixing_optional_fields_keeps_each_message_as_given(store):
    variants = [
        {},
        {"send_at": T0 + 60, "metadata": {"n": 1}},
        {"locking": "tr", "single": "tr", "validity_minutes": 30, "expires_at": T0 + 1800},
        {"status_report": False, "flash": True, "priority": Priority.HIGH},
        {},
        {"single": "es", "concat_ref_bits": 16, "send_at": T0 + 5},
    ]
    given = [new_message(f"v{i}", **fields) for i, fields in enumerate(variants)]
    ids = (await store.enqueue(given)).ids
    assert list(ids) == sorted(ids)
    for message_id, new in zip(ids, given, strict=True):
        stored = await store.get_message(message_id)
        assert (stored.text, stored.to, stored.priority) == (new.text, new.to, new.priority)
        assert (stored.locking, stored.single) == (new.locking, new.single)
        assert (stored.send_at, stored.expires_at) == (new.send_at, new.expires_at)
        assert stored.validity_minutes == new.validity_minutes
        assert (stored.status_report, stored.flash) == (new.status_report, new.flash)
        assert stored.metadata == new.metadata and stored.created_at == new.created_at


async def test_idempotency_replays_the_first_answer(store):
    key = Idempotency("k1", "hash-a", render)
    first = await store.enqueue([new_message()], idempotency=key)
    again = await store.enqueue([new_message("other")], idempotency=key)
    assert again.replayed and again.ids == first.ids
    assert again.response_json == first.response_json == render(first.ids)
    assert len((await store.list_messages()).messages) == 1


async def test_idempotency_key_with_another_body_conflicts_and_queues_nothing(store):
    await store.enqueue([new_message()], idempotency=Idempotency("k1", "hash-a", render))
    with pytest.raises(IdempotencyConflict):
        await store.enqueue([new_message()], idempotency=Idempotency("k1", "hash-b", render))
    assert len((await store.list_messages()).messages) == 1


async def test_cancel_before_submission(store):
    (message_id,) = (await store.enqueue([new_message(parts=2)])).ids
    result = await store.cancel(message_id, now=T0 + 5)
    assert result.outcome is CancelOutcome.CANCELLED and result.status is MessageStatus.CANCELLED
    message = await store.get_message(message_id)
    assert {p.state for p in message.parts} == {PartState.CANCELLED}
    assert (await store.cancel(message_id, now=T0 + 6)).outcome is CancelOutcome.CANCELLED
    assert (await store.cancel("m_missing", now=T0)).outcome is CancelOutcome.NOT_FOUND
    assert await store.claim("imei1", ["default"], now=T0 + 7, lease_seconds=60) is None


async def test_cancel_of_a_claimed_message_takes_the_claim_away(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    claim = await store.claim("imei1", ["default"], now=T0, lease_seconds=60)
    assert (await store.cancel(message_id, now=T0 + 1)).outcome is CancelOutcome.CANCELLED
    with pytest.raises(LeaseLost):
        await store.mark_submitting(claim.parts[0].id, "imei1", now=T0 + 2, concat_ref=None)


async def test_cancel_after_a_part_was_submitted_is_a_conflict(store):
    (message_id,) = (await store.enqueue([new_message(parts=2)])).ids
    claim = await store.claim("imei1", ["default"], now=T0, lease_seconds=60)
    await store.mark_submitting(claim.parts[0].id, "imei1", now=T0 + 1, concat_ref=9)
    result = await store.cancel(message_id, now=T0 + 2)
    assert result.outcome is CancelOutcome.CONFLICT and result.status is MessageStatus.SENDING
    assert (await store.get_message(message_id)).parts[1].state is PartState.CLAIMED


async def test_expire_due(store):
    a, b = (
        await store.enqueue(
            [new_message(expires_at=T0 + 100, parts=2), new_message(expires_at=T0 + 1000)]
        )
    ).ids
    assert await store.expire_due(now=T0 + 99) == 0
    assert await store.expire_due(now=T0 + 100) == 1
    message = await store.get_message(a)
    assert message.status is MessageStatus.EXPIRED
    assert {p.state for p in message.parts} == {PartState.EXPIRED}
    assert (await store.get_message(b)).status is MessageStatus.QUEUED
    assert (await store.cancel(a, now=T0 + 101)).outcome is CancelOutcome.CONFLICT


async def test_claim_expires_what_it_meets_and_takes_the_next(store):
    old, fresh = (
        await store.enqueue([new_message(expires_at=T0 + 10), new_message(created_at=T0 + 1)])
    ).ids
    claim = await store.claim("imei1", ["default"], now=T0 + 20, lease_seconds=60)
    assert claim.message_id == fresh
    assert (await store.get_message(old)).status is MessageStatus.EXPIRED


async def test_values_are_checked(store):
    with pytest.raises(ValueError):
        new_message(parts=1, concat_ref_bits=7)
    with pytest.raises(ValueError):
        Idempotency("", "h", render)
    with pytest.raises(ValueError):
        await store.list_messages(limit=0)
    assert Priority.HIGH.rank < Priority.NORMAL.rank < Priority.LOW.rank


async def test_a_closed_store_is_unavailable(make_store):
    store = await make_store()
    await store.close()
    with pytest.raises(StoreUnavailable):
        await store.enqueue([new_message()])


async def test_many_messages_due_or_expiring_at_once(store):
    await store.enqueue([new_message(f"s{i}", send_at=T0 + 10) for i in range(300)])
    await store.enqueue([new_message(f"e{i}", expires_at=T0 + 5) for i in range(300)])
    assert await store.expire_due(now=T0 + 5) == 300
    claimed = set()
    while (c := await store.claim("imei1", ["default"], now=T0 + 10, lease_seconds=60)) is not None:
        claimed.add(c.message_id)
    assert len(claimed) == 300
