"""``gsmgateway probe``: the real command line against simulated modems on ptys."""

import asyncio
import os
import sys
import tty


async def probe(*args):
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gsmgateway",
        "probe",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    return process.returncode, out.decode(), err.decode()


def fields(text):
    return dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)


async def test_probe_names_the_modem_and_its_sim(start_network):
    network = await start_network(1, profile="huawei")
    sim = network.modems[0]
    sim.lock_sim("1234")  # probing enters no PIN, and still tells who is there
    status, out, err = await probe(network.ports[0])
    assert status == 0, err
    found = fields(out)
    assert found["imei"] == sim.identity.imei
    assert found["iccid"] == sim.identity.iccid
    assert (found["manufacturer"], found["model"], found["profile"]) == ("huawei", "E173", "huawei")
    assert found["sim"] == "SIM PIN"
    assert sim.machine.sim.pin_attempts_left == 3


async def test_probe_of_a_port_with_no_modem_fails_clearly(tmp_path):
    master, slave = os.openpty()
    tty.setraw(slave)
    try:
        status, out, _err = await probe(os.ttyname(slave))
        assert status == 1
        assert "no answer to AT" in out
        status, out, _err = await probe(str(tmp_path / "missing"))
        assert status == 1 and "no such port" in out
    finally:
        os.close(master)
        os.close(slave)
