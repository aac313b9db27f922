"""Probing ports for ``gsmgateway probe``: open each with the modem driver, ask who is
there (``ModemDriver.describe``: no PIN, no settings changed), record how it ended.

Thin IO. All ports run in parallel (at most ``concurrency`` at once) under one overall
deadline, so ``--all`` over a hub of dongles takes about as long as the slowest port
and never more than ``timeout``. Holders are looked up in ``/proc`` after every port
is closed again, so our own descriptors are never among them.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from gsmgateway.modem import (
    Description,
    DriverSettings,
    ModemDriver,
    ModemError,
    NotAModem,
    PortBusy,
    PortUnavailable,
)
from gsmgateway.probe.holders import scan_holders
from gsmgateway.probe.places import Candidate
from gsmgateway.probe.report import Observation, Outcome

DEFAULT_TIMEOUT = 10.0
DEFAULT_CONCURRENCY = 32


@dataclass(frozen=True)
class ProbeSettings:
    """How long probing may take in all, and how ports are opened."""

    timeout: float = DEFAULT_TIMEOUT
    baudrate: int = 115200
    concurrency: int = DEFAULT_CONCURRENCY
    proc: str = "/proc"  # procfs root, for the holders of busy ports

    def __post_init__(self) -> None:
        if not self.timeout > 0:
            raise ValueError("timeout must be positive")
        if self.concurrency < 1:
            raise ValueError("concurrency: at least 1")

    def driver_settings(self) -> DriverSettings:
        """The driver's timings, scaled to the overall timeout.

        A real modem answers ``AT`` within a fraction of a second; three tries of up to
        1 s each (less under a short ``--timeout``) tell a silent port from a slow one.
        """
        attempt = min(1.0, max(0.2, self.timeout / 8))
        return DriverSettings(
            baudrate=self.baudrate,
            command_timeout=min(5.0, max(0.5, self.timeout / 3)),
            probe_timeout=attempt,
            probe_attempts=3,
        )


async def observe_port(
    candidate: Candidate, driver_settings: DriverSettings, deadline: float
) -> Observation:
    """Probe one port until ``deadline`` (event-loop time); holders are not filled in."""
    if candidate.device is None:
        return Observation(candidate.name, Outcome.MISSING)
    loop = asyncio.get_running_loop()
    started = loop.time()
    driver: ModemDriver | None = None
    description: Description | None = None
    error = ""
    try:
        try:
            async with asyncio.timeout_at(deadline):
                driver = await ModemDriver.open(candidate.name, driver_settings)
                description = await driver.describe()
            outcome = Outcome.DESCRIBED
        except PortBusy as failure:
            outcome, error = Outcome.BUSY, str(failure)
        except PortUnavailable as failure:
            outcome, error = Outcome.UNOPENABLE, str(failure)
        except NotAModem as failure:
            outcome, error = Outcome.NO_MODEM, str(failure)
        except ModemError as failure:  # timeouts, faults, a port lost after identification
            outcome, error = Outcome.FAILED, str(failure)
        except TimeoutError:
            outcome = Outcome.OUT_OF_TIME
        seconds = loop.time() - started
    finally:
        if driver is not None:
            await driver.close()
    stats = driver.stats if driver is not None else None
    return Observation(
        port=candidate.name,
        outcome=outcome,
        device=candidate.device,
        aliases=candidate.aliases,
        description=description,
        error=error,
        opened=driver is not None,
        seconds=seconds,
        bytes_received=stats.bytes_received if stats else 0,
        answers=stats.answers if stats else 0,
        first_bytes=stats.first_bytes if stats else b"",
    )


async def observe_ports(
    candidates: Sequence[Candidate], settings: ProbeSettings
) -> list[Observation]:
    """Probe every candidate in parallel within ``settings.timeout``, in their order."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + settings.timeout
    driver_settings = settings.driver_settings()
    gate = asyncio.Semaphore(settings.concurrency)

    async def one(candidate: Candidate) -> Observation:
        async with gate:
            if loop.time() >= deadline:
                return Observation(
                    candidate.name, Outcome.NOT_PROBED, candidate.device, candidate.aliases
                )
            return await observe_port(candidate, driver_settings, deadline)

    observations = await asyncio.gather(*(one(candidate) for candidate in candidates))
    devices = {o.device for o in observations if o.device is not None}
    holders = await asyncio.to_thread(scan_holders, devices, settings.proc)
    return [
        dataclasses.replace(
            o,
            holders=holders.holders.get(o.device, ()) if o.device else (),
            modem_manager=holders.modem_manager,
            holders_complete=holders.complete,
        )
        for o in observations
    ]
