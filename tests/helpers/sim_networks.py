"""The ``start_network`` fixture of the modem and pool tests: simulated networks on ptys."""

import contextlib

import pytest

from gsmgateway.sim import SimNetwork, Timing


@pytest.fixture
async def start_network(tmp_path):
    """``net = await start_network(count=2, profile=...)``; all closed after the test."""
    stack = contextlib.AsyncExitStack()
    made = []

    async def start(count=2, **options):
        directory = tmp_path / f"net{len(made)}"
        options.setdefault("timing", Timing())
        network = await stack.enter_async_context(SimNetwork.start(count, directory, **options))
        made.append(network)
        return network

    async with stack:
        yield start
