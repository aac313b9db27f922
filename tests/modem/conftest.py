"""Fixtures of the driver tests: simulated modems on ptys and drivers opened on them."""

import pytest

from gsmgateway.modem.driver import DriverSettings, ModemDriver
from tests.helpers.sim_networks import start_network

__all__ = ["start_network"]

FAST = DriverSettings(
    command_timeout=1.0, send_timeout=2.0, probe_timeout=0.4, probe_attempts=2, reset_wait=5.0
)


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
