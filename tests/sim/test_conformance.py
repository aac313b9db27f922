"""Real third-party clients accept the simulated modems: gammu and python-gsmmodem.

Debian's gammu runs as a subprocess against the pty; python-gsmmodem-new (threaded,
blocking) runs in a thread while the simulator's loop serves it.
"""

from gsmmodem.modem import GsmModem

from tests.sim.third_party import in_thread, run_gammu


async def test_gammu_identify(start_network, tmp_path):
    net = await start_network(1, profile="sim800")
    status, out = await run_gammu(tmp_path, net.ports[0], "identify")
    identity = net.modems[0].identity
    assert status == 0, out
    assert "SIMCOM_Ltd" in out
    assert f"IMEI                 : {identity.imei}" in out
    assert f"SIM IMSI             : {identity.imsi}" in out


def connect_and_identify(port):
    modem = GsmModem(port, 115200)
    try:
        modem.connect()
        return {
            "manufacturer": modem.manufacturer,
            "imei": modem.imei,
            "imsi": modem.imsi,
            "signal": modem.signalStrength,
            "network": modem.networkName,
            "smsc": modem.smsc,
        }
    finally:
        modem.close()


async def test_python_gsmmodem_connects(start_network):
    net = await start_network(1)
    seen = await in_thread(connect_and_identify, net.ports[0])
    identity = net.modems[0].identity
    assert seen == {
        "manufacturer": "gsmgateway",
        "imei": identity.imei,
        "imsi": identity.imsi,
        "signal": 20,
        "network": "Test Network",
        "smsc": "+447400000001",
    }
