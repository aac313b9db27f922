"""Faults on demand, through real ptys: each one, and that the other modems go on."""

import asyncio
import os

import pytest

from gsmgateway.sim import InvalidRequest


async def ready(open_client, path):
    client = open_client(path)
    await client.command("ATE0")
    client.take()
    return client


async def test_unplug_closes_the_pty_and_replug_makes_a_new_one(start_network, open_client):
    net = await start_network(2)
    modem = net.modems[0]
    link = net.ports[0]
    client = await ready(open_client, link)
    modem.unplug(replug_after=0.05)
    with pytest.raises(ConnectionError):
        await client.wait_for(lambda data: False)
    assert not os.path.lexists(link)
    await modem.wait_plugged()
    assert os.readlink(link) == modem.path
    assert modem.plug_count == 2
    fresh = open_client(link)
    assert await fresh.command("AT") == "AT\r\r\nOK\r\n"  # a power cycle: echo on again
    other = await ready(open_client, net.ports[1])
    assert await other.command("AT") == "\r\nOK\r\n"


async def test_unplug_without_replug_until_asked(start_network, open_client):
    net = await start_network(1)
    modem = net.modems[0]
    modem.unplug()
    assert not modem.plugged and not os.path.lexists(net.ports[0])
    modem.plug()
    client = open_client(net.ports[0])
    assert await client.command("AT") == "AT\r\r\nOK\r\n"


async def test_hang_until_resumed_while_others_answer(start_network, open_client):
    net = await start_network(2)
    client = await ready(open_client, net.ports[0])
    other = await ready(open_client, net.ports[1])
    net.modems[0].hang()
    assert net.modems[0].hung
    with pytest.raises(TimeoutError):
        await client.command("AT", timeout=0.3)  # silence is the fault under test
    assert await other.command("AT") == "\r\nOK\r\n"
    net.modems[0].resume()
    client.take()
    assert await client.command("AT") == "\r\nOK\r\n"


async def test_deregistration_urc_and_query(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    await client.command("AT+CREG=1")
    for stat in (2, 0, 3, 1):
        net.modems[0].set_registration(stat)
        await client.expect(rf"\r\n\+CREG: {stat}\r\n")
        assert f"+CREG: 1,{stat}" in await client.command("AT+CREG?")
    with pytest.raises(InvalidRequest):
        net.modems[0].set_registration(7)


async def test_garbage_bytes_then_business_as_usual(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    net.modems[0].send_garbage(b"\xff\x00\x13junk\r\n\x1a")
    await client.expect(rb"\xff\x00\x13junk\r\n\x1a")
    assert await client.command("AT") == "\r\nOK\r\n"


async def test_urc_storm_does_not_stall_other_modems(start_network, open_client):
    net = await start_network(2)
    client = await ready(open_client, net.ports[0])
    other = await ready(open_client, net.ports[1])
    net.modems[0].urc_storm(2000, "+CREG: 1")
    assert await other.command("AT") == "\r\nOK\r\n"
    got = await client.wait_for(lambda data: data.count(b"+CREG: 1\r\n") >= 2000)
    assert got


async def test_sim_pin_lock_through_the_pty(start_network, open_client):
    net = await start_network(1)
    client = await ready(open_client, net.ports[0])
    await client.command("AT+CMEE=1")
    net.modems[0].lock_sim("2468")
    assert "+CPIN: SIM PIN" in await client.command("AT+CPIN?")
    assert await client.command('AT+CPIN="1111"') == "\r\n+CME ERROR: 16\r\n"
    assert await client.command('AT+CPIN="2468"') == "\r\nOK\r\n"
    assert "+CPIN: READY" in await client.command("AT+CPIN?")


async def test_malformed_input_never_stops_a_modem_or_its_neighbours(start_network, open_client):
    net = await start_network(2)
    client = await ready(open_client, net.ports[0])
    other = await ready(open_client, net.ports[1])
    client.send(b"AT" + b"X" * 100_000 + b"\r")
    await client.expect(rb"\r\nERROR\r\n", timeout=10)
    assert await client.command(b"AT+CSQ\xc3\xa9") == "\r\nERROR\r\n"
    assert await client.command("AT+CMGS=25") == "\r\n> "
    client.send(b"0011000B914477001000F0000004D4F29C0E")  # 18 octets, not 25
    assert await client.command(b"\x1a") == "\r\nERROR\r\n"
    assert await other.command("AT") == "\r\nOK\r\n"
    assert await client.command("AT") == "\r\nOK\r\n"


async def test_many_modems_answer_concurrently(start_network, open_client):
    net = await start_network(16)
    clients = [await ready(open_client, port) for port in net.ports]
    replies = await asyncio.gather(*(c.command("AT+CGSN") for c in clients))
    assert [r.split()[0] for r in replies] == [m.identity.imei for m in net.modems]


async def test_start_without_a_directory_makes_and_removes_one():
    from gsmgateway.sim import SimNetwork

    async with SimNetwork.start(2) as net:
        directory = net.directory
        assert [os.path.basename(p) for p in net.ports] == ["modem0", "modem1"]
        assert all(os.path.islink(p) for p in net.ports)
    assert not directory.exists()
