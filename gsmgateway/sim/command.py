"""``gsmgateway sim``: start N simulated modems, print where they are, run until a signal."""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import sys
from typing import TextIO

from gsmgateway.sim.control import start_control
from gsmgateway.sim.errors import SimUsageError, UnknownProfile
from gsmgateway.sim.identity import MAX_MODEMS
from gsmgateway.sim.machine import Timing
from gsmgateway.sim.network import SimNetwork
from gsmgateway.sim.profiles import profile_named


def parse_control(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:PORT`` for IPv6) on a loopback address."""
    host, sep, port_text = text.rpartition(":")
    host = host.strip("[]")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise SimUsageError(f"--control {text!r}: expected HOST:PORT")
    if host == "localhost":
        host = "127.0.0.1"
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SimUsageError(f"--control {text!r}: the control API listens on loopback only")
    return host, int(port_text)


def check_arguments(count: int, profile: str, latency: float | None) -> None:
    """Raise SimUsageError for a count, profile or latency the simulator cannot take."""
    if not 0 < count <= MAX_MODEMS:
        raise SimUsageError(f"--count {count}: between 1 and {MAX_MODEMS}")
    if profile != "mixed":
        try:
            profile_named(profile)
        except UnknownProfile as error:
            raise SimUsageError(f"--profile: {error}") from None
    if latency is not None and not 0 <= latency <= 60:
        raise SimUsageError(f"--latency {latency}: between 0 and 60 seconds")


async def serve(
    *,
    count: int,
    directory: str | None,
    profile: str,
    control: str | None,
    log_path: str | None,
    latency: float | None,
    out: TextIO = sys.stdout,
) -> int:
    """Run the simulator until SIGINT/SIGTERM; cleans up its ptys, links and temp dir."""
    check_arguments(count, profile, latency)
    address = parse_control(control) if control else None
    timing = Timing.realistic(latency) if latency is not None else Timing()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        async with SimNetwork.start(
            count, directory, profile=profile, timing=timing, log_path=log_path
        ) as network:
            print(f"gsmgateway sim: {count} modems in {network.directory}", file=out, flush=True)
            for modem in network.modems:
                identity = modem.identity
                print(
                    f"{modem.link} -> {modem.path}  IMEI {identity.imei}  number "
                    f"{identity.number}  profile {modem.profile.name}",
                    file=out,
                    flush=True,
                )
            runner = None
            if address:
                runner = await start_control(network, *address)
                port = runner.addresses[0][1] if runner.addresses else address[1]
                host = f"[{address[0]}]" if ":" in address[0] else address[0]
                print(f"control API on http://{host}:{port}", file=out, flush=True)
            if log_path:
                print(f"sim log: {log_path}", file=out, flush=True)
            try:
                await stop.wait()
            finally:
                if runner:
                    await runner.cleanup()
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
    return 0
