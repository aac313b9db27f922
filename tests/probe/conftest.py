"""Fixtures of the probe tests: simulated networks, scripted ptys, glob directories."""

import contextlib

import pytest

from tests.helpers.scripted_port import ScriptedPort
from tests.helpers.sim_networks import start_network

__all__ = ["start_network"]


@pytest.fixture
async def scripted():
    """``port = scripted(answer)``: a pty answered by ``answer(line)``; closed after."""
    ports = []

    def make(answer):
        port = ScriptedPort(answer)
        ports.append(port)
        return port

    yield make
    for port in ports:
        with contextlib.suppress(OSError):
            port.close()
