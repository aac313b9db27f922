"""Each profile through a real pty: boot URCs, ICCID command, vendor noise and its switch."""

import pytest

from gsmgateway.sim import Timing


async def test_sim800_boot_urcs_and_ccid(start_network, open_client):
    net = await start_network(1, profile="sim800")
    client = open_client(net.ports[0])
    # Written at power-on, before the TE opened the port: they wait in the pty.
    await client.expect(
        rb"\r\n\+CFUN: 1\r\n\r\n\+CPIN: READY\r\n\r\nCall Ready\r\n\r\nSMS Ready\r\n"
    )
    reply = await client.command("AT+CCID")
    assert reply == f"AT+CCID\r\r\n{net.modems[0].identity.iccid}\r\n\r\nOK\r\n"
    assert "SIMCOM_Ltd" in await client.command("AT+CGMI")


async def test_quectel_rdy_and_qccid(start_network, open_client):
    net = await start_network(1, profile="quectel")
    client = open_client(net.ports[0])
    await client.expect(rb"\r\nRDY\r\n.*\+QIND: SMS DONE\r\n")
    await client.command("ATE0")
    assert await client.command("AT+QCCID") == (
        f"\r\n+QCCID: {net.modems[0].identity.iccid}\r\n\r\nOK\r\n"
    )
    assert await client.command("AT+CCID") == "\r\nERROR\r\n"  # not this model's command
    assert "+CEREG: 0,1" in await client.command("AT+CEREG?")


async def test_huawei_noise_until_curc_0(start_network, open_client):
    net = await start_network(1, profile="huawei", timing=Timing(noise_interval=0.02))
    client = open_client(net.ports[0])
    await client.expect(rb"\^SRVST: 2\r\n")
    await client.expect(rb"\^RSSI: 20\r\n")
    await client.expect(rb"\^MODE: 5,4\r\n")
    await client.expect(rb"\^BOOT:\d+,0,0,0,72\r\n")
    await client.command("ATE0")
    assert (await client.command("AT^CURC=0")).endswith("\r\nOK\r\n")  # noise may precede
    client.take()
    assert await client.command("AT^CURC?") == "\r\n^CURC: 0\r\n\r\nOK\r\n"
    # Noise is off: several intervals pass with only our own replies on the line.
    for _ in range(5):
        assert await client.command("AT") == "\r\nOK\r\n"
    assert await client.command("AT^ICCID?") == (
        f"\r\n^ICCID: {net.modems[0].identity.iccid}\r\n\r\nOK\r\n"
    )
    assert await client.command("AT+CCID") == "\r\nCOMMAND NOT SUPPORT\r\n"


@pytest.mark.parametrize("profile", ["generic", "huawei", "sim800", "quectel"])
async def test_every_profile_identifies_itself(start_network, open_client, profile):
    net = await start_network(1, profile=profile)
    client = open_client(net.ports[0])
    await client.command("ATE0")
    await client.command("AT^CURC=0" if profile == "huawei" else "AT")
    client.take()
    identity = net.modems[0].identity
    assert identity.imei in await client.command("AT+CGSN")
    assert identity.imsi in await client.command("AT+CIMI")
    assert net.modems[0].profile.model in await client.command("AT+CGMM")
    assert "+CPIN: READY" in await client.command("AT+CPIN?")


async def test_mixed_cycles_the_profiles(start_network):
    net = await start_network(5, profile="mixed")
    assert [m.profile.name for m in net.modems] == [
        "generic",
        "huawei",
        "sim800",
        "quectel",
        "generic",
    ]
