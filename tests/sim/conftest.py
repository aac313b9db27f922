"""Fixtures of the simulator tests: networks on ptys in a temp dir, and raw TE clients."""

import contextlib

import pytest

from gsmgateway.sim import SimNetwork, Timing
from tests.helpers.pty_client import PtyClient


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


@pytest.fixture
async def open_client():
    """``client = open_client(path)``: a raw TE on a pty, closed after the test."""
    clients = []

    def opener(path):
        client = PtyClient(path)
        clients.append(client)
        return client

    yield opener
    for client in clients:
        client.close()
