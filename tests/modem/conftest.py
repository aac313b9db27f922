"""Fixtures of the driver tests: simulated modems on ptys and drivers opened on them."""

import contextlib

import pytest

from gsmgateway.modem.driver import DriverSettings, ModemDriver
from gsmgateway.sim import SimNetwork, Timing

FAST = DriverSettings(
    command_timeout=1.0, send_timeout=2.0, probe_timeout=0.4, probe_attempts=2, reset_wait=5.0
)


@pytest.fixture
async def start_network(tmp_path):
    """``net = await start_network(count=2, profile=...)``; all closed after the test."""
    stack = contextlib.AsyncExitStack()
    made = []

    async def start(count=1, **options):
        directory = tmp_path / f"net{len(made)}"
        options.setdefault("timing", Timing())
        network = await stack.enter_async_context(SimNetwork.start(count, directory, **options))
        made.append(network)
        return network

    async with stack:
        yield start


@pytest.fixture
async def open_driver():
    """``driver, events = await open_driver(path)``: events collects what it reports."""
    drivers = []

    async def opener(path, settings=FAST):
        driver = await ModemDriver.open(path, settings)
        events = []
        driver.on_event = events.append
        drivers.append(driver)
        return driver, events

    yield opener
    for driver in drivers:
        await driver.close()
