"""Several modems: routing groups with fallback, quotas and rate, discovery by IMEI on any tty."""

import dataclasses
import itertools
import os
import time
import tty

from gsmgateway.config import StorageConfig
from gsmgateway.pool.routing import route_for
from gsmgateway.pool.status import ModemState
from gsmgateway.store.states import PartState
from tests.helpers.pool_harness import (
    enqueue,
    fast_config,
    message,
    modem_entry,
    route,
    running_pool,
    sim_log_entries,
    wait_parts,
    wait_state,
)
from tests.helpers.waiting import wait_for

GERMAN = "+4915112345678"
FRENCH = "+33612345678"
DONE = {PartState.SENT, PartState.DELIVERED}


async def test_routes_send_by_group_and_fall_back_while_a_group_is_empty(
    start_network, memory_store
):
    net = await start_network(2)
    german, other = net.modems
    routes = (route("de", prefix="+49", fallback="default"),)
    config = fast_config(
        net.ports,
        modems=[modem_entry(german.identity.imei, groups=("de",))],
        routes=routes,
    )
    async with running_pool(config, memory_store) as pool:
        await wait_for(lambda: len(pool.in_service()) == 2, 20, "both in service")
        ids = await enqueue(
            memory_store,
            *[message(GERMAN, f"de {n}", route=route_for(GERMAN, routes)) for n in range(4)],
            *[message(FRENCH, f"fr {n}", route=route_for(FRENCH, routes)) for n in range(4)],
        )
        for message_id in ids:
            await wait_parts(memory_store, message_id, DONE)
        for entry in sim_log_entries(net):
            expected = german if entry["to"] == GERMAN else other
            assert entry["modem"]["imei"] == expected.identity.imei
        german.unplug()  # the only modem of "de" goes away: "de" falls back to "default"
        await wait_state(pool, german.identity.imei, ModemState.OFFLINE)
        [fallback] = await enqueue(
            memory_store, message(GERMAN, "de via fallback", route=route_for(GERMAN, routes))
        )
        found = await wait_parts(memory_store, fallback, DONE)
        assert found.parts[0].modem == other.identity.imei


async def test_a_daily_quota_stops_a_sim_and_the_others_take_over(start_network, memory_store):
    net = await start_network(2)
    capped, free = net.modems
    config = fast_config(net.ports, modems=[modem_entry(capped.identity.imei, daily_quota=3)])
    async with running_pool(config, memory_store) as pool:
        await wait_for(lambda: len(pool.in_service()) == 2, 20, "both in service")
        ids = await enqueue(memory_store, *[message(GERMAN, f"q {n}") for n in range(12)])
        for message_id in ids:
            await wait_parts(memory_store, message_id, DONE)
        by_modem = [e["modem"]["imei"] for e in sim_log_entries(net)]
        assert by_modem.count(capped.identity.imei) <= 3
        assert by_modem.count(free.identity.imei) >= 9
        assert pool.worker(capped.identity.imei).allowance(time.time()) == 3 - by_modem.count(
            capped.identity.imei
        )


async def test_a_quota_is_seeded_from_what_the_store_says_was_sent(start_network, memory_store):
    net = await start_network(1)
    imei = net.modems[0].identity.imei
    config = fast_config(net.ports, modems=[modem_entry(imei, daily_quota=4)])
    async with running_pool(config, memory_store):
        ids = await enqueue(memory_store, *[message(GERMAN, f"first {n}") for n in range(3)])
        for message_id in ids:
            await wait_parts(memory_store, message_id, DONE)
    async with running_pool(config, memory_store) as pool:
        ids = await enqueue(memory_store, *[message(GERMAN, f"second {n}") for n in range(3)])
        await wait_parts(memory_store, ids[0], DONE)
        await wait_for(lambda: pool.worker(imei).allowance(time.time()) == 0, 10, "quota used")
        later = [await memory_store.get_message(i) for i in ids[1:]]
        assert all(m.parts[0].state is PartState.QUEUED for m in later)


async def test_a_rate_spaces_the_parts_of_one_sim(start_network, memory_store):
    net = await start_network(1)
    imei = net.modems[0].identity.imei
    config = fast_config(net.ports, modems=[modem_entry(imei, rate_per_minute=300)])
    async with running_pool(config, memory_store):
        ids = await enqueue(memory_store, *[message(GERMAN, f"r {n}") for n in range(5)])
        for message_id in ids:
            await wait_parts(memory_store, message_id, DONE)
    sent = sorted([(await memory_store.get_message(i)).parts[0].submitted_at for i in ids])
    gaps = [b - a for a, b in itertools.pairwise(sent)]
    assert min(gaps) >= 0.2 - 0.02  # 300 a minute: one every 0.2 s


async def test_a_replugged_modem_on_another_tty_is_the_same_modem(
    start_network, memory_store, tmp_path
):
    net = await start_network(1)
    sim = net.modems[0]
    imei = sim.identity.imei
    ports = tmp_path / "by-id"
    ports.mkdir()
    (ports / "usb-first").symlink_to(sim.path)
    config = fast_config(globs=[str(ports / "usb-*")])
    async with running_pool(config, memory_store) as pool:
        await wait_state(pool, imei, ModemState.READY)
        [first] = await enqueue(memory_store, message(GERMAN, "before"))
        await wait_parts(memory_store, first, DONE)
        sent_before = pool.modem(imei).counters.sent
        sim.unplug()
        (ports / "usb-first").unlink()
        await wait_state(pool, imei, ModemState.OFFLINE)
        sim.plug()
        (ports / "usb-second").symlink_to(sim.path)
        snap = await wait_state(pool, imei, ModemState.READY)
        assert snap.port == str(ports / "usb-second")
        assert [s.id for s in pool.modems()] == [imei]  # one modem, not two
        assert snap.counters.sent == sent_before and snap.counters.unplugs == 1
        [second] = await enqueue(memory_store, message(GERMAN, "after"))
        found = await wait_parts(memory_store, second, DONE)
        assert found.parts[0].modem == imei


async def test_ports_that_are_no_modem_are_given_up_quickly(start_network, memory_store, tmp_path):
    net = await start_network(1)
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        ports = tmp_path / "ports"
        ports.mkdir()
        (ports / "dead").symlink_to(os.ttyname(slave))
        (ports / "modem").symlink_to(net.modems[0].path)
        config = fast_config(globs=[str(ports / "*")])
        started = time.monotonic()
        async with running_pool(config, memory_store) as pool:
            await wait_state(pool, net.modems[0].identity.imei, ModemState.READY)
            assert len(pool.modems()) == 1
            assert time.monotonic() - started < 10
    finally:
        os.close(master)
        os.close(slave)


async def test_a_claim_held_longer_than_its_lease_is_renewed(start_network, memory_store):
    net = await start_network(1)
    imei = net.modems[0].identity.imei
    config = dataclasses.replace(
        fast_config(net.ports, modems=[modem_entry(imei, rate_per_minute=10)]),
        storage=StorageConfig(lease_seconds=10),
    )
    [message_id] = await enqueue(memory_store, message(GERMAN, "a" * 153, "b" * 153, "c"))
    async with running_pool(config, memory_store):
        found = await wait_parts(memory_store, message_id, DONE, timeout=40)
    # Six seconds apart: the last part went out 12 s after the claim, past a 10 s lease,
    # and no part ever went back to the queue (an expired lease would have sent it back).
    sent = [part.submitted_at for part in found.parts]
    assert sent[2] - sent[0] >= 11
    history = (await memory_store.get_message(message_id)).history
    assert not [h for h in history if h.to_state is PartState.QUEUED and h.from_state]
    assert {part.modem for part in found.parts} == {imei}
    entries = sim_log_entries(net)
    assert len(entries) == 3 and len({e["concat"]["ref"] for e in entries}) == 1
