"""Contract: API keys, quota seeds, metrics, retention, wake-ups, on every backend."""

from __future__ import annotations

import asyncio

import pytest

from gsmgateway.store import MessageStatus, PartState, Priority
from tests.helpers.store_values import T0, new_message

M1, M2 = "356938035643809", "356938035643817"
SIM1 = "8931440400012345678"


async def test_api_keys(store):
    assert await store.api_key_hashes() == ()
    await store.add_api_key("sha256:" + "a" * 64, "generated", now=T0)
    await store.add_api_key("sha256:" + "a" * 64, "again", now=T0)
    await store.add_api_key("sha256:" + "b" * 64, "config", now=T0)
    assert sorted(await store.api_key_hashes()) == ["sha256:" + "a" * 64, "sha256:" + "b" * 64]


async def test_segments_sent_seed_quotas(store):
    await store.enqueue([new_message(parts=3), new_message(created_at=T0 + 1)])
    c = await store.claim(M1, ["default"], now=T0 + 10, lease_seconds=60)
    for part in c.parts[:2]:
        await store.mark_submitting(part.id, M1, now=T0 + 10, concat_ref=1, sim_id=SIM1)
        await store.mark_sent(part.id, M1, mr=part.seq, now=T0 + 10)
    await store.mark_submitting(c.parts[2].id, M1, now=T0 + 20, concat_ref=1, sim_id=SIM1)
    await store.requeue(c.parts[2].id, M1, now=T0 + 21, error="busy")
    c2 = await store.claim(M2, ["default"], now=T0 + 30, lease_seconds=60)
    await store.mark_submitting(c2.parts[0].id, M2, now=T0 + 30, concat_ref=None)
    await store.mark_unknown(c2.parts[0].id, M2, error="silence", now=T0 + 40)
    assert await store.segments_sent(since=T0, modem=M1) == 2
    assert await store.segments_sent(since=T0, sim=SIM1) == 2
    assert await store.segments_sent(since=T0 + 11, modem=M1) == 0
    assert await store.segments_sent(since=T0, modem=M2) == 1
    with pytest.raises(ValueError):
        await store.segments_sent(since=T0)


async def test_metrics(store):
    await store.enqueue(
        [new_message(priority=Priority.HIGH, parts=2), new_message(), new_message()]
    )
    c = await store.claim(M1, ["default"], now=T0, lease_seconds=60)
    await store.mark_submitting(c.parts[0].id, M1, now=T0, concat_ref=1)
    await store.mark_sent(c.parts[0].id, M1, mr=1, now=T0)
    metrics = await store.metrics()
    assert metrics.queued_parts_by_priority == {
        Priority.HIGH: 0,
        Priority.NORMAL: 2,
        Priority.LOW: 0,
    }
    counts = {k: v for k, v in metrics.parts_by_state_and_modem.items() if v}
    assert counts == {
        (PartState.QUEUED, ""): 2,
        (PartState.SENT, M1): 1,
        (PartState.CLAIMED, M1): 1,
    }


async def test_prune_deletes_only_old_finished_messages(store):
    done, live, recent = (
        await store.enqueue([new_message("a"), new_message("b"), new_message("c")])
    ).ids
    await store.cancel(done, now=T0 + 10)
    await store.cancel(recent, now=T0 + 500)
    c = await store.claim(M1, ["default"], now=T0 + 600, lease_seconds=60)
    assert c.message_id == live
    for event in await store.fetch_due_events(now=T0 + 11):
        await store.ack_event(event.id, now=T0 + 12)
    assert await store.prune(before=T0 + 100, batch_size=1) == 1
    assert await store.get_message(done) is None
    assert (await store.get_message(recent)).status is MessageStatus.CANCELLED
    assert (await store.get_message(live)).status is MessageStatus.SENDING
    assert await store.prune(before=T0 + 10_000) == 1
    assert await store.get_message(recent) is None
    assert await store.get_message(live) is not None
    assert (await store.metrics()).parts_by_state_and_modem.get((PartState.CANCELLED, ""), 0) == 0


async def test_work_signal_wakes_on_enqueue_and_requeue(store):
    signal = store.work_signal()
    assert await signal.wait(0), "a new subscription is set: try a claim first"
    signal.clear()
    assert not await signal.wait(0.01)
    waiter = asyncio.ensure_future(signal.wait(30))
    await store.enqueue([new_message()])
    assert await asyncio.wait_for(waiter, 30)
    signal.clear()
    c = await store.claim(M1, ["default"], now=T0, lease_seconds=60)
    assert not await signal.wait(0)
    await store.requeue(c.parts[0].id, M1, now=T0, error="x")
    assert await signal.wait(0)
    signal.close()
