"""The pool sending through simulated modems: where every part ends, in the store and on air."""

import collections
import time

from gsmgateway.pool.status import ModemState
from gsmgateway.sim import Timing
from gsmgateway.store.interface import Priority
from gsmgateway.store.states import MessageStatus, PartState
from tests.helpers.pool_harness import (
    enqueue,
    fast_config,
    message,
    running_pool,
    sim_log_entries,
    wait_parts,
)
from tests.helpers.waiting import wait_for

OUTSIDE = "+4915112345678"
LONG = ("a" * 153, "b" * 153, "c" * 40)


async def all_in_service(pool, count):
    await wait_for(lambda: len(pool.in_service()) == count, 20, f"{count} modems in service")


async def test_parts_are_sent_once_and_delivered(start_network, memory_store):
    net = await start_network(4)
    ids = await enqueue(
        memory_store,
        *[message(OUTSIDE, f"single {n}") for n in range(12)],
        *[message(OUTSIDE, *LONG) for _ in range(3)],
    )
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await all_in_service(pool, 4)
        for message_id in ids:
            found = await wait_parts(memory_store, message_id, {PartState.DELIVERED})
            assert found.status is MessageStatus.DELIVERED
        entries = sim_log_entries(net, to=OUTSIDE)
        assert len(entries) == 12 + 3 * 3
        texts = collections.Counter(entry["text"] for entry in entries)
        assert all(texts[f"single {n}"] == 1 for n in range(12))
        snapshots = pool.modems()
        assert sum(s.counters.sent for s in snapshots) == 21
        assert sum(s.counters.delivered for s in snapshots) == 21
        assert all(s.state is ModemState.READY for s in snapshots)


async def test_the_parts_of_one_message_go_through_one_modem_with_one_reference(
    start_network, memory_store
):
    net = await start_network(3)
    ids = await enqueue(memory_store, *[message(OUTSIDE, *LONG) for _ in range(6)])
    async with running_pool(fast_config(net.ports), memory_store):
        for message_id in ids:
            await wait_parts(memory_store, message_id, {PartState.DELIVERED})
    by_message = collections.defaultdict(list)
    for entry in sim_log_entries(net, to=OUTSIDE):
        concat = entry["concat"]
        by_message[(entry["modem"]["imei"], concat["ref"])].append(concat["seq"])
    assert sorted(sorted(seqs) for seqs in by_message.values()) == [[1, 2, 3]] * 6
    for message_id in ids:
        found = await memory_store.get_message(message_id)
        assert len({part.modem for part in found.parts}) == 1
        assert found.concat_ref is not None


async def test_priority_then_age_orders_the_queue(start_network, memory_store):
    net = await start_network(1)
    ids = []
    for text, priority in (
        ("normal first", Priority.NORMAL),
        ("low", Priority.LOW),
        ("normal second", Priority.NORMAL),
        ("high", Priority.HIGH),
    ):
        ids += await enqueue(memory_store, message(OUTSIDE, text, priority=priority))
    async with running_pool(fast_config(net.ports), memory_store):
        for message_id in ids:
            await wait_parts(memory_store, message_id)
    order = [entry["text"] for entry in sim_log_entries(net, to=OUTSIDE)]
    assert order == ["high", "normal first", "normal second", "low"]


async def test_a_message_sent_while_the_pool_runs_reaches_an_idle_modem(
    start_network, memory_store
):
    net = await start_network(2)
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await all_in_service(pool, 2)
        [message_id] = await enqueue(memory_store, message(OUTSIDE, "late comer"))
        await wait_parts(memory_store, message_id, {PartState.DELIVERED}, timeout=10)
        soon = time.time() + 0.3
        [later] = await enqueue(memory_store, message(OUTSIDE, "at a time", send_at=soon))
        await wait_parts(memory_store, later, {PartState.SENT, PartState.DELIVERED})
        sent = (await memory_store.get_message(later)).parts[0].submitted_at
        assert sent >= soon


async def test_stop_lets_the_part_in_cmgs_finish_and_gives_back_the_rest(
    start_network, memory_store
):
    net = await start_network(1, timing=Timing(cmgs_delay=0.6))
    [message_id] = await enqueue(memory_store, message(OUTSIDE, *LONG))
    pool_cm = running_pool(fast_config(net.ports, send_timeout=5.0), memory_store)
    pool = await pool_cm.__aenter__()
    try:
        await wait_for(
            lambda: net.modems[0].machine.phase.value == "submitting", 10, "first part in CMGS"
        )
    finally:
        started = time.monotonic()
        await pool_cm.__aexit__(None, None, None)
        assert time.monotonic() - started < 3
    found = await memory_store.get_message(message_id)
    states = [part.state for part in found.parts]
    assert states[0] in (PartState.SENT, PartState.DELIVERED)
    assert states[1:] == [PartState.QUEUED, PartState.QUEUED]
    assert not pool.ready


async def test_modems_snapshot_for_the_api(start_network, memory_store):
    net = await start_network(4, profile="mixed")  # generic, huawei, sim800, quectel
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await all_in_service(pool, 4)
        assert pool.ready
        by_id = {snap.id: snap for snap in pool.modems()}
        for sim in net.modems:
            snap = by_id[sim.identity.imei]
            doc = snap.to_json()
            assert doc["sim"]["iccid"] == sim.identity.iccid
            assert doc["sim"]["imsi"] == sim.identity.imsi
            assert doc["sim"]["operator"] == "Test Network"
            assert doc["state"] == "ready"
            assert doc["registration"] == "home"
            assert doc["model"]["profile"] == sim.profile.name
            assert doc["signal"]["dbm"] is not None
            assert doc["port"] == str(sim.link)
            assert doc["counters"]["at_commands"] > 0


async def test_sqlite_store_end_to_end(start_network, sqlite_store):
    net = await start_network(2)
    ids = await enqueue(sqlite_store, message(OUTSIDE, "durable one"), message(OUTSIDE, *LONG))
    net.inject_sms(0, text="hello from outside", sender="+447700900001")
    async with running_pool(fast_config(net.ports), sqlite_store):
        for message_id in ids:
            await wait_parts(sqlite_store, message_id, {PartState.DELIVERED})

        async def inbox():
            page = await sqlite_store.list_inbox()
            return page.messages

        [received] = await wait_for(inbox, 10, "the inbound message in the inbox")
        assert received.text == "hello from outside"
        assert received.modem == net.modems[0].identity.imei
