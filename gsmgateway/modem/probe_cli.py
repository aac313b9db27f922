"""``gsmgateway probe``: identify the modem on a port, or on every likely port.

Thin: opens the port with the driver, asks who is there (``ModemDriver.describe``,
which enters no PIN and changes nothing), prints one ``key: value`` block per port.
"""

from __future__ import annotations

import asyncio
import glob
import os

from gsmgateway.modem.driver import DriverSettings, ModemDriver
from gsmgateway.modem.errors import ModemError, PortBusy, PortUnavailable

# Where USB modems' AT ports appear on Linux (the udev links of hardware/ first).
LIKELY_PORTS = ("/dev/gsmmodem*", "/dev/serial/by-id/*", "/dev/ttyUSB*", "/dev/ttyACM*")


def likely_ports() -> list[str]:
    """Every port a modem may be on, one name per device."""
    seen: set[str] = set()
    ports = []
    for pattern in LIKELY_PORTS:
        for name in sorted(glob.glob(pattern)):
            device = os.path.realpath(name)
            if device not in seen:
                seen.add(device)
                ports.append(name)
    return ports


async def probe(path: str, settings: DriverSettings) -> dict[str, object]:
    """What ``describe`` finds on ``path``; raises ModemError (NotAModem, PortBusy ...)."""
    driver = await ModemDriver.open(path, settings)
    try:
        return await driver.describe()
    finally:
        await driver.close()


def render(found: dict[str, object]) -> str:
    """The ``key: value`` lines of one modem."""
    return "\n".join(f"{key}: {'' if value is None else value}" for key, value in found.items())


async def run(ports: list[str], settings: DriverSettings | None = None) -> int:
    """Probe each port; 0 if every port (at least one) held a modem, 1 otherwise."""
    settings = settings or DriverSettings(command_timeout=5.0, probe_timeout=1.0)
    if not ports:
        print("no port given and none found (looked at " + ", ".join(LIKELY_PORTS) + ")")
        return 1
    status = 0
    for index, path in enumerate(ports):
        if index:
            print()
        try:
            print(render(await probe(path, settings)))
        except PortBusy as error:
            print(f"port: {path}\nerror: {error} (stop ModemManager or the other program)")
            status = 1
        except (PortUnavailable, ModemError) as error:
            print(f"port: {path}\nerror: {error}")
            status = 1
    return status


def main(port: str | None, all_ports: bool) -> int:
    """The command's body (``cli.py`` parses the arguments)."""
    ports = likely_ports() if all_ports or not port else [port]
    return asyncio.run(run(ports))
