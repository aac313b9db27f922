"""One test per fault the simulator offers: where every part ends, and the modem's return.

Every test runs the real pool and driver against simulated modems on ptys, with a
MemoryStore, and checks each part's final state in the store, what reached the
network (the sim log), and that a modem a real one would bring back comes back alone.
"""

import random

from gsmgateway.pool.routing import modem_route
from gsmgateway.pool.status import ModemState
from gsmgateway.sim import Timing
from gsmgateway.store.states import MessageStatus, PartState
from tests.helpers.pool_harness import (
    enqueue,
    fast_config,
    message,
    running_pool,
    sim_log_entries,
    wait_parts,
    wait_state,
)
from tests.helpers.waiting import wait_for

OUTSIDE = "+4915112345678"
THREE = ("a" * 153, "b" * 153, "c" * 20)
DONE = {PartState.SENT, PartState.DELIVERED}


async def in_service(pool, count):
    await wait_for(lambda: len(pool.in_service()) == count, 20, f"{count} modems in service")


async def test_unplug_mid_send_leaves_that_part_unknown_and_the_modem_returns(
    start_network, memory_store
):
    net = await start_network(2)
    sim = net.modems[0]
    imei = sim.identity.imei
    async with running_pool(fast_config(net.ports, send_timeout=5.0), memory_store) as pool:
        await in_service(pool, 2)
        sim.set_timing(Timing(cmgs_delay=0.5))
        [pinned] = await enqueue(memory_store, message(OUTSIDE, *THREE, route=modem_route(imei)))
        await wait_for(lambda: sim.machine.phase.value == "submitting", 10, "part 1 in CMGS")
        sim.unplug(replug_after=0.3)
        others = await enqueue(memory_store, *[message(OUTSIDE, f"other {n}") for n in range(4)])
        await wait_state(pool, imei, ModemState.OFFLINE)
        sim.set_timing(Timing())
        await wait_state(pool, imei, ModemState.READY, ModemState.SENDING)
        found = await wait_parts(memory_store, pinned, DONE | {PartState.UNKNOWN})
        assert found.parts[0].state is PartState.UNKNOWN
        assert {part.state for part in found.parts[1:]} <= DONE  # sent after the re-plug
        assert {part.modem for part in found.parts} == {imei}  # pinned: one modem
        for message_id in others:
            await wait_parts(memory_store, message_id, DONE)
        snap = pool.modem(imei)
        assert snap.counters.unplugs == 1 and snap.counters.ambiguous == 1
        # The unknown part was never sent a second time.
        firsts = [e for e in sim_log_entries(net, to=OUTSIDE) if e["text"] == "a" * 153]
        assert len(firsts) <= 1


async def test_hang_takes_the_modem_out_and_it_returns_after_resume(start_network, memory_store):
    net = await start_network(2)
    sim = net.modems[0]
    imei = sim.identity.imei
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await in_service(pool, 2)
        sim.hang()
        [pinned] = await enqueue(
            memory_store, message(OUTSIDE, "for the hung one", route=modem_route(imei))
        )
        others = await enqueue(memory_store, *[message(OUTSIDE, f"other {n}") for n in range(6)])
        for message_id in others:
            found = await wait_parts(memory_store, message_id, DONE)
            assert found.parts[0].modem == net.modems[1].identity.imei
        await wait_state(pool, imei, ModemState.QUARANTINED, timeout=30)
        found = await memory_store.get_message(pinned)
        assert found.parts[0].state is PartState.QUEUED  # Ctrl-Z never written: not unknown
        sim.resume()
        await wait_state(pool, imei, ModemState.READY, ModemState.SENDING, timeout=30)
        found = await wait_parts(memory_store, pinned, DONE)
        assert found.parts[0].modem == imei
        counters = pool.modem(imei).counters
        assert counters.recoveries >= 1 and counters.quarantines >= 1
        assert counters.timeouts >= 1 and counters.probes >= 1 and counters.reopens >= 1


async def test_temporary_cms_errors_fail_over_to_another_modem(start_network, memory_store):
    net = await start_network(2)
    flaky = net.modems[0]
    flaky.set_cms_errors(1.0, [42])  # congestion: temporary
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await in_service(pool, 2)
        ids = await enqueue(memory_store, *[message(OUTSIDE, f"part {n}") for n in range(8)])
        for message_id in ids:
            found = await wait_parts(memory_store, message_id, DONE)
            assert found.parts[0].modem == net.modems[1].identity.imei
        flaky_snap = pool.modem(flaky.identity.imei)
        assert flaky_snap.counters.rejected >= 1
        # A refused part is left to the other modem: never refused twice.
        refused = [e["text"] for e in net.log.entries if e.get("error") == 42]
        assert len(refused) == len(set(refused))
        assert flaky_snap.state in (ModemState.READY, ModemState.SENDING)
        assert len(sim_log_entries(net, to=OUTSIDE)) == 8


async def test_temporary_errors_everywhere_fail_a_part_after_its_attempts(
    start_network, memory_store
):
    net = await start_network(1)
    net.modems[0].set_cms_errors(1.0, [42])
    async with running_pool(fast_config(net.ports, max_attempts=3), memory_store):
        [message_id] = await enqueue(memory_store, message(OUTSIDE, "never"))
        found = await wait_parts(memory_store, message_id, {PartState.FAILED}, timeout=30)
        part = found.parts[0]
        assert "+CMS ERROR: 42" in part.error and "3 attempts" in part.error
        assert found.status is MessageStatus.FAILED
        assert len([e for e in net.log.entries if e.get("error") == 42]) == 3


async def test_a_permanent_cms_error_fails_the_whole_message_at_once(start_network, memory_store):
    net = await start_network(2)
    net.reject_submissions(OUTSIDE, 1)  # unassigned number: permanent
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        [message_id] = await enqueue(memory_store, message(OUTSIDE, *THREE))
        found = await wait_parts(memory_store, message_id, {PartState.FAILED})
        assert found.status is MessageStatus.FAILED
        assert "+CMS ERROR: 1" in found.parts[0].error
        assert found.parts[0].attempts <= 1
        rejected = [e for e in net.log.entries if e.get("error") == 1]
        assert len(rejected) == 1  # not retried, and the other parts never went out
        await in_service(pool, 2)  # the modems themselves are fine


async def test_deregistration_holds_the_modem_until_the_network_is_back(
    start_network, memory_store
):
    net = await start_network(2)
    sim = net.modems[0]
    imei = sim.identity.imei
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await in_service(pool, 2)
        sim.set_registration(0)
        await wait_state(pool, imei, ModemState.NO_NETWORK)
        [pinned] = await enqueue(
            memory_store, message(OUTSIDE, "wait for me", route=modem_route(imei))
        )
        others = await enqueue(memory_store, *[message(OUTSIDE, f"other {n}") for n in range(4)])
        for message_id in others:
            found = await wait_parts(memory_store, message_id, DONE)
            assert found.parts[0].modem == net.modems[1].identity.imei
        assert (await memory_store.get_message(pinned)).parts[0].state is PartState.QUEUED
        sim.set_registration(1)
        await wait_state(pool, imei, ModemState.READY, ModemState.SENDING)
        found = await wait_parts(memory_store, pinned, DONE)
        assert found.parts[0].modem == imei


async def test_garbage_on_the_line_loses_nothing(start_network, memory_store):
    net = await start_network(1)
    sim = net.modems[0]
    noise = random.Random(7)
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await in_service(pool, 1)
        ids = []
        for round_ in range(6):
            sim.send_garbage(bytes(noise.getrandbits(8) for _ in range(200)))
            ids += await enqueue(memory_store, message(OUTSIDE, f"through noise {round_}"))
            sim.send_garbage(b"\r\n\xff\xfe garbage \x00\r\n" * 3)
        for message_id in ids:
            await wait_parts(memory_store, message_id, DONE)
        counters = pool.modem(sim.identity.imei).counters
        assert counters.ambiguous == 0
        texts = sorted(e["text"] for e in sim_log_entries(net, to=OUTSIDE))
        assert texts == sorted(f"through noise {n}" for n in range(6))


async def test_a_urc_storm_does_not_disturb_sending(start_network, memory_store):
    net = await start_network(1)
    sim = net.modems[0]
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        await in_service(pool, 1)
        ids = await enqueue(memory_store, *[message(OUTSIDE, f"storm {n}") for n in range(10)])
        sim.urc_storm(3000, "+CREG: 1")
        for message_id in ids:
            await wait_parts(memory_store, message_id, DONE)
        snap = pool.modem(sim.identity.imei)
        assert snap.counters.urcs >= 3000
        assert snap.counters.timeouts == 0 and snap.counters.ambiguous == 0
        assert snap.state in (ModemState.READY, ModemState.SENDING)


async def test_a_pin_lock_is_undone_with_the_configured_pin(start_network, memory_store):
    net = await start_network(1)
    sim = net.modems[0]
    imei = sim.identity.imei
    async with running_pool(fast_config(net.ports, pin="2580"), memory_store) as pool:
        await in_service(pool, 1)
        sim.lock_sim("2580")
        await wait_for(lambda: pool.modem(imei).counters.recoveries >= 1, 20, "a recovery")
        await wait_state(pool, imei, ModemState.READY)
        assert sim.machine.sim.state.value == "READY"
        [message_id] = await enqueue(memory_store, message(OUTSIDE, "after the PIN"))
        await wait_parts(memory_store, message_id, DONE)


async def test_a_pin_lock_without_a_pin_parks_the_modem_and_others_send(
    start_network, memory_store
):
    net = await start_network(2)
    sim = net.modems[0]
    imei = sim.identity.imei
    sim.lock_sim("2580")
    async with running_pool(fast_config(net.ports), memory_store) as pool:
        snap = await wait_state(pool, imei, ModemState.SIM_LOCKED)
        assert "PIN" in snap.last_error
        ids = await enqueue(memory_store, *[message(OUTSIDE, f"n{n}") for n in range(3)])
        for message_id in ids:
            found = await wait_parts(memory_store, message_id, DONE)
            assert found.parts[0].modem == net.modems[1].identity.imei
        assert sim.machine.sim.pin_attempts_left == 3  # no PIN was guessed
        assert pool.ready


async def test_a_message_pinned_to_a_modem_that_stays_away_goes_out_elsewhere(
    start_network, memory_store
):
    net = await start_network(2)
    away, other = net.modems
    away.set_timing(Timing(cmgs_delay=0.3))
    [message_id] = await enqueue(memory_store, message(OUTSIDE, *THREE))
    config = fast_config([net.ports[0]], send_timeout=5.0)
    async with running_pool(config, memory_store) as pool:
        await wait_for(
            lambda: len([e for e in net.log.entries if e["modem"]["index"] == 0]) == 1,
            10,
            "the first part sent",
        )
        await wait_for(lambda: away.machine.phase.value == "submitting", 10, "part 2 in CMGS")
        away.unplug()  # for good
        await wait_state(pool, away.identity.imei, ModemState.OFFLINE)
        pool.add_ports([net.ports[1]])
        found = await wait_parts(memory_store, message_id, DONE | {PartState.UNKNOWN})
        states = [part.state for part in found.parts]
        assert states[0] in DONE and states[1] is PartState.UNKNOWN and states[2] in DONE
        assert found.parts[2].modem == other.identity.imei
