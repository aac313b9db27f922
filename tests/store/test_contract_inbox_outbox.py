"""Contract: the inbox (dedup, completion, restart) and the webhook outbox (per-subject
order, leases, retries, giving up), on every backend."""

from __future__ import annotations

import pytest

from gsmgateway.store import EndpointSubscription, InboundConflict, UnknownPart
from tests.helpers.store_values import T0, new_message

M1 = "356938035643809"
PDU1 = "07911326040000F0040B911346610089F60000208062917314080CC8329BFD065DDF72363904"
PDU2 = "07911326040000F0040B911346610089F60000208062917314080CC8329BFD065DDF72363905"


async def test_inbound_part_is_stored_once_per_modem_and_pdu(store):
    first = await store.add_inbound_part(
        M1, pdu_hex=PDU1, sender="+31641600986", text="hi", now=T0, ref=5, total=2, seq=1
    )
    assert not first.duplicate and first.inbox_id is None
    again = await store.add_inbound_part(
        M1,
        pdu_hex=PDU1.lower(),
        sender="+31641600986",
        text="hi",
        now=T0 + 1,
        ref=5,
        total=2,
        seq=1,
    )
    assert again.duplicate and again.key == first.key
    other_modem = await store.add_inbound_part(
        "356938035643817", pdu_hex=PDU1, sender="+31641600986", text="hi", now=T0
    )
    assert not other_modem.duplicate
    (pending, _) = await store.pending_inbound_parts()
    assert pending.key == first.key and (pending.ref, pending.total, pending.seq) == (5, 2, 1)
    assert pending.as_inbound_part().key == first.key


async def test_completion_makes_one_inbox_message_and_its_event(store):
    keys = []
    for seq, pdu in ((2, PDU2), (1, PDU1)):
        added = await store.add_inbound_part(
            M1,
            pdu_hex=pdu,
            sender="+31641600986",
            text=f"p{seq}",
            now=T0 + seq,
            ref=9,
            total=2,
            seq=seq,
            scts=T0 - 5,
        )
        keys.append(added.key)
    inbox_id = await store.complete_inbound(
        keys, sender="+31641600986", text="p1p2", partial=False, now=T0 + 3
    )
    assert await store.pending_inbound_parts() == ()
    message = await store.get_inbox_message(inbox_id)
    assert (message.sender, message.text, message.parts, message.partial) == (
        "+31641600986",
        "p1p2",
        2,
        False,
    )
    assert (
        await store.complete_inbound(
            keys, sender="+31641600986", text="p1p2", partial=False, now=T0 + 4
        )
        == inbox_id
    )
    reread = await store.add_inbound_part(
        M1, pdu_hex=PDU1, sender="+31641600986", text="p1", now=T0 + 9, ref=9, total=2, seq=1
    )
    assert reread.duplicate and reread.inbox_id == inbox_id
    events = await store.fetch_due_events(now=T0 + 5)
    assert [(e.endpoint, e.event, e.subject) for e in events] == [
        ("hook", "message.received", inbox_id)
    ]
    assert events[0].payload["text"] == "p1p2" and events[0].payload["from"] == "+31641600986"
    with pytest.raises(UnknownPart):
        await store.complete_inbound(["nope"], sender="x", text="y", partial=True, now=T0)


async def test_parts_of_another_inbox_message_conflict(store):
    a = await store.add_inbound_part(M1, pdu_hex=PDU1, sender="+1", text="a", now=T0)
    b = await store.add_inbound_part(M1, pdu_hex=PDU2, sender="+1", text="b", now=T0)
    await store.complete_inbound([a.key], sender="+1", text="a", partial=False, now=T0)
    await store.complete_inbound([b.key], sender="+1", text="b", partial=False, now=T0)
    with pytest.raises(InboundConflict):
        await store.complete_inbound([a.key, b.key], sender="+1", text="ab", partial=False, now=T0)


async def test_inbox_lists_oldest_first_after_a_cursor(store):
    ids = []
    for i in range(5):
        added = await store.add_inbound_part(
            M1, pdu_hex=f"00{i:02X}", sender="+1", text=str(i), now=T0 + i
        )
        ids.append(
            await store.complete_inbound(
                [added.key], sender="+1", text=str(i), partial=False, now=T0 + i
            )
        )
    page = await store.list_inbox(limit=2)
    assert [m.id for m in page.messages] == ids[:2]
    page = await store.list_inbox(limit=2, after=page.next)
    assert [m.id for m in page.messages] == ids[2:4]
    page = await store.list_inbox(limit=2, after=page.next)
    assert [m.id for m in page.messages] == ids[4:] and page.next is None


async def status_events_of(store, message_ids, now):
    """Cancel each message: one message.status event per message and endpoint."""
    for message_id in message_ids:
        await store.cancel(message_id, now=now)


async def test_events_of_one_subject_are_handed_out_in_order(make_store):
    store = await make_store(endpoints=[EndpointSubscription("hook")])
    (message_id,) = (await store.enqueue([new_message()])).ids
    c = await store.claim(M1, ["default"], now=T0, lease_seconds=60)
    await store.mark_submitting(c.parts[0].id, M1, now=T0, concat_ref=None)
    await store.mark_sent(c.parts[0].id, M1, mr=3, now=T0 + 1)
    await store.apply_status_report(M1, 3, "delivered", now=T0 + 2)
    (sent,) = await store.fetch_due_events(now=T0 + 3, lease_seconds=30)
    assert sent.payload["status"] == "sent" and sent.attempts == 0
    assert await store.fetch_due_events(now=T0 + 4) == (), "delivered waits behind sent"
    await store.retry_event(sent.id, now=T0 + 5, next_attempt_at=T0 + 20, error="HTTP 500")
    assert await store.fetch_due_events(now=T0 + 19) == ()
    (retried,) = await store.fetch_due_events(now=T0 + 20)
    assert retried.id == sent.id and retried.attempts == 1 and retried.last_error == "HTTP 500"
    await store.ack_event(sent.id, now=T0 + 21)
    (delivered,) = await store.fetch_due_events(now=T0 + 22)
    assert delivered.payload["status"] == "delivered" and delivered.subject == message_id
    await store.give_up_event(delivered.id, now=T0 + 23, reason="too old")
    assert await store.fetch_due_events(now=T0 + 1000) == ()
    assert (await store.metrics()).outbox_pending == 0


async def test_a_leased_event_comes_back_after_its_lease(make_store):
    store = await make_store(endpoints=[EndpointSubscription("hook")])
    ids = (await store.enqueue([new_message(), new_message()])).ids
    await status_events_of(store, ids, T0)
    first = await store.fetch_due_events(now=T0 + 1, limit=1, lease_seconds=30)
    second = await store.fetch_due_events(now=T0 + 1, limit=5, lease_seconds=30)
    assert len(first) == len(second) == 1 and first[0].id != second[0].id
    assert await store.fetch_due_events(now=T0 + 30) == ()
    back = await store.fetch_due_events(now=T0 + 31)
    assert {e.id for e in back} == {first[0].id, second[0].id}


async def test_released_leases_are_due_at_once(make_store):
    store = await make_store(endpoints=[EndpointSubscription("hook")])
    ids = (await store.enqueue([new_message(), new_message(), new_message()])).ids
    await status_events_of(store, ids, T0)
    leased = await store.fetch_due_events(now=T0 + 1, lease_seconds=60)
    assert len(leased) == 3
    await store.ack_event(leased[0].id, now=T0 + 2)
    assert await store.fetch_due_events(now=T0 + 2) == (), "in flight: not handed out twice"
    # The next process at start: the two still in flight are due now, not at T0 + 61.
    assert await store.release_event_leases(now=T0 + 3) == 2
    back = await store.fetch_due_events(now=T0 + 3, lease_seconds=60)
    assert [e.id for e in back] == [e.id for e in leased[1:]]
    assert all(e.attempts == 0 for e in back)
    assert await store.fetch_due_events(now=T0 + 4) == (), "leased again by that fetch"
    assert await store.release_event_leases(now=T0 + 5) == 2
    assert await store.release_event_leases(now=T0 + 5) == 0


async def test_a_retried_event_keeps_its_back_off_through_a_release(make_store):
    store = await make_store(endpoints=[EndpointSubscription("hook")])
    (message_id,) = (await store.enqueue([new_message()])).ids
    await store.cancel(message_id, now=T0)
    (event,) = await store.fetch_due_events(now=T0 + 1, lease_seconds=5)
    await store.retry_event(event.id, now=T0 + 2, next_attempt_at=T0 + 100, error="HTTP 503")
    assert await store.release_event_leases(now=T0 + 3) == 0
    assert await store.fetch_due_events(now=T0 + 99) == (), "a back-off is not a lease"
    (retried,) = await store.fetch_due_events(now=T0 + 100)
    assert retried.id == event.id and retried.attempts == 1


async def test_one_endpoint_waiting_does_not_hold_up_another(store):
    (message_id,) = (await store.enqueue([new_message()])).ids
    await store.cancel(message_id, now=T0)
    events = await store.fetch_due_events(now=T0 + 1)
    assert sorted(e.endpoint for e in events) == ["hook", "status-only"]
    hook = next(e for e in events if e.endpoint == "hook")
    await store.ack_event(hook.id, now=T0 + 2)
    assert (await store.metrics()).outbox_pending == 1


async def test_no_endpoints_no_events(make_store):
    store = await make_store(endpoints=())
    (message_id,) = (await store.enqueue([new_message()])).ids
    await store.cancel(message_id, now=T0)
    assert await store.fetch_due_events(now=T0 + 1) == ()
