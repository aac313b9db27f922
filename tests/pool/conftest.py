"""Fixtures of the pool tests: simulated networks on ptys and stores (memory or SQLite)."""

import contextlib

import pytest

from gsmgateway.sim import SimNetwork, Timing
from gsmgateway.store.memory import MemoryStore
from gsmgateway.store.sqlite import SqliteStore


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
def memory_store():
    return MemoryStore()


@pytest.fixture
async def sqlite_store(tmp_path):
    store = await SqliteStore.open(tmp_path / "gateway.db")
    yield store
    await store.close()
