"""Fixtures of the pool tests: simulated networks on ptys and stores (memory or SQLite)."""

import pytest

from gsmgateway.store.memory import MemoryStore
from gsmgateway.store.sqlite import SqliteStore
from tests.helpers.sim_networks import start_network

__all__ = ["start_network"]


@pytest.fixture
def memory_store():
    return MemoryStore()


@pytest.fixture
async def sqlite_store(tmp_path):
    store = await SqliteStore.open(tmp_path / "gateway.db")
    yield store
    await store.close()
