"""Inbound SMS (+CMTI, +CMT, concatenated out of order, drained at start) and status
reports matched by modem and a wrapping TP-MR."""

import dataclasses

from gsmgateway.store.states import PartState
from tests.helpers.pool_harness import (
    FAST_TUNING,
    enqueue,
    fast_config,
    message,
    running_pool,
    wait_parts,
)
from tests.helpers.waiting import wait_for

SENDER = "+447700900123"
OUTSIDE = "+4915112345678"
LONG_TEXT = " ".join(f"word{n}" for n in range(60))  # 409 characters: three segments


async def inbox(store, count=1):
    async def check():
        page = await store.list_inbox()
        return page.messages if len(page.messages) >= count else None

    return await wait_for(check, 15, f"{count} inbox messages")


async def test_stored_sms_reaches_the_inbox_and_leaves_the_sim(start_network, memory_store):
    net = await start_network(1)
    sim = net.modems[0]
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        net.inject_sms(0, text="hi there", sender=SENDER)
        [received] = await inbox(memory_store)
        assert (received.sender, received.text, received.partial) == (SENDER, "hi there", False)
        assert received.modem == sim.identity.imei
        await wait_for(lambda: sim.machine.store.used("SM") == 0, 10, "the SIM emptied")
        assert pool.modem(sim.identity.imei).counters.received == 1


async def test_routed_sms_is_acknowledged_after_the_commit(start_network, memory_store):
    net = await start_network(1)
    tuning = dataclasses.replace(FAST_TUNING, route_inbound=True)
    async with running_pool(fast_config(net.ports), memory_store, tuning=tuning) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        net.inject_sms(0, text="routed to us", sender=SENDER)
        [received] = await inbox(memory_store)
        assert received.text == "routed to us"
        assert net.modems[0].machine.store.used("SM") == 0


async def test_concatenated_parts_out_of_order_make_one_message(start_network, memory_store):
    net = await start_network(1)
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        delivered = net.inject_sms(0, text=LONG_TEXT, sender=SENDER, order=[3, 1, 2])
        assert len(delivered) == 3
        [received] = await inbox(memory_store)
        assert received.text == LONG_TEXT and received.parts == 3 and not received.partial


async def test_a_set_missing_a_part_becomes_a_partial_message(start_network, memory_store):
    net = await start_network(1)
    tuning = dataclasses.replace(FAST_TUNING, reassembly_timeout_seconds=0.5)
    async with running_pool(fast_config(net.ports), memory_store, tuning=tuning) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        net.inject_sms(0, text=LONG_TEXT, sender=SENDER, omit=[2])
        [received] = await inbox(memory_store)
        assert received.partial
        assert received.text.startswith("word0 ") and "word59" in received.text


async def test_what_the_sim_held_is_drained_at_start(start_network, memory_store):
    net = await start_network(1)
    net.inject_sms(0, text="while we were away", sender=SENDER)
    net.inject_sms(0, text=LONG_TEXT, sender=SENDER, order=[2, 3, 1])
    async with running_pool(fast_config(net.ports), memory_store):
        received = await inbox(memory_store, 2)
        assert sorted(m.text for m in received) == sorted(["while we were away", LONG_TEXT])


async def test_parts_committed_before_a_restart_are_completed_after_it(start_network, memory_store):
    net = await start_network(1)
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        net.inject_sms(0, text=LONG_TEXT, sender=SENDER, ref=77, omit=[3])

        async def two_pending():
            return len(await memory_store.pending_inbound_parts()) == 2

        await wait_for(two_pending, 15, "two parts committed")
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await wait_for(pool.in_service, 20, "the modem in service again")
        net.inject_sms(0, text=LONG_TEXT, sender=SENDER, ref=77, omit=[1, 2])
        [received] = await inbox(memory_store)
        assert received.text == LONG_TEXT and not received.partial


async def test_status_reports_match_across_the_mr_wrap(start_network, memory_store):
    net = await start_network(1)
    sim = net.modems[0]
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        sim.machine.last_mr = 253  # the next references are 254, 255, 0, 1
        ids = []
        for n in range(4):
            [message_id] = await enqueue(memory_store, message(OUTSIDE, f"wrap {n}"))
            await wait_parts(memory_store, message_id, {PartState.SENT, PartState.DELIVERED})
            ids.append(message_id)
        mrs = []
        for message_id in ids:
            found = await wait_parts(memory_store, message_id, {PartState.DELIVERED})
            mrs.append(found.parts[0].mr)
        assert mrs == [254, 255, 0, 1]


async def test_a_report_goes_to_the_most_recent_part_with_that_mr(start_network, memory_store):
    net = await start_network(1)
    sim = net.modems[0]
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await wait_for(pool.in_service, 20, "the modem in service")
        [old] = await enqueue(memory_store, message(OUTSIDE, "old", status_report=False))
        found = await wait_parts(memory_store, old, {PartState.SENT})
        reused = found.parts[0].mr
        sim.machine.last_mr = (reused - 1) % 256  # 256 sends later, the same reference
        [new] = await enqueue(memory_store, message(OUTSIDE, "new"))
        found = await wait_parts(memory_store, new, {PartState.DELIVERED})
        assert found.parts[0].mr == reused
        assert (await memory_store.get_message(old)).parts[0].state is PartState.SENT
